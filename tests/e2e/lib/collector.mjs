// The real event collector (`alsobought collect`) for the measurement specs: started on a
// free port with its own events file, read back as the JSON lines it appended.
// Why it exists: the beacon is only tested when the bodies the widget sends are accepted
// and stored by the collector the report reads, not by a stand-in.

import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { RESULTS_DIR } from './environment.mjs';
import { cliBinary } from './fixtures.mjs';

/**
 * Starts `alsobought collect --port 0 --out <file>` (plus `args`; `file` reuses a file, as a
 * restart does) and resolves once it printed its URL. Returns `{ url, file, pid, events(),
 * waitForEvents(predicate), stop() }`; `url` ends in `/`; `stop` resolves with the exit code.
 */
export async function startCollector(name, { timeoutMs = 20_000, args = [], file: reused = null } = {}) {
  const directory = path.join(RESULTS_DIR, 'e2e', 'collector');
  mkdirSync(directory, { recursive: true });
  const file = reused ?? path.join(directory, `${name}-${process.pid}-${Date.now()}.jsonl`);
  const binary = cliBinary();
  const child = spawn(binary, ['collect', '--port', '0', '--out', file, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  // onData stays attached: later rejections (4xx log lines) land in `output` too.
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill();
      reject(new Error(`${binary} collect printed no "collecting on http://..." line within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const onData = (chunk) => {
      output += chunk;
      const match = output.match(/collecting on (http:\/\/\S+)/);
      if (match) {
        clearTimeout(timer);
        resolve(match[1].endsWith('/') ? match[1] : `${match[1]}/`);
      }
    };
    child.stdout.setEncoding('utf8').on('data', onData);
    child.stderr.setEncoding('utf8').on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${binary} collect exited with ${code} before listening:\n${output}`));
    });
  });
  const collector = {
    url,
    file,
    pid: child.pid,
    /** Everything the collector wrote to standard output and error (its rejections). */
    log: () => output,
    /** The events stored so far, one object per JSON line. */
    events() {
      if (!existsSync(file)) return [];
      return readFileSync(file, 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '')
        .map((line) => JSON.parse(line));
    },
    /** Waits until `predicate(events)` holds; returns the events. */
    async waitForEvents(predicate, what, timeoutMs = 15_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const events = collector.events();
        if (predicate(events)) return events;
        if (Date.now() > deadline) {
          throw new Error(
            `the collector did not receive ${what} within ${timeoutMs} ms; it stored ` +
              `${JSON.stringify(events.map((event) => event.type))}; its log: ${output || '(empty)'}`,
          );
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve(child.exitCode);
        child.once('exit', (code) => resolve(code));
        child.kill('SIGTERM');
      }),
  };
  return collector;
}
