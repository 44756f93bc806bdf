#!/usr/bin/env node
// The collector's load test (`make bench`): `alsobought collect` under a bounded loopback
// load, written into BENCHMARKS.md between `<!-- collect-bench:start -->` and
// `<!-- collect-bench:end -->`.
//
// Why it exists: the collector is the one part that faces the public internet, and the
// one that must not lose what it acknowledged. This measures (1) the sustained rate, with
// CLIENTS keep-alive clients each sending widget-sized batches back to back for at most
// SECONDS, once per durability setting (default, and --fsync): requests/s, events/s,
// p50/p99 latency, the collector's peak RSS (VmHWM); (2) a restart: the same load, SIGTERM
// mid-load, a second collector on the same file, more load, SIGTERM again; then every
// event acknowledged with 2xx must be in the file exactly once. It exits 1 when one is
// lost or duplicated. Only 127.0.0.1; the load generator shares the 2 cores with the
// collector, so the rates are a floor.
// Usage: node scripts/bench-collect.mjs [--seconds N] (ALSOBOUGHT_BIN picks the binary;
// without it the release CLI is built first)

import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import http from 'node:http';
import { startCollector } from '../tests/e2e/lib/collector.mjs';
import { repoPath } from '../tests/e2e/lib/environment.mjs';
import { fail as failBenchmark, machine, ms, percentile, writeBenchmarkSection } from './lib/benchmarks.mjs';

const CLIENTS = 8;
/** A widget sends its events in batches of 20. */
const EVENTS_PER_BODY = 20;
/** Per client and phase, whatever the time: the load stays bounded on a fast machine. */
const MAX_REQUESTS_PER_CLIENT = 25_000;
const RESTART_SECONDS = 1.5;

const fail = (message) => failBenchmark('bench-collect', message);

function parseSeconds(args) {
  if (args.length === 0) return 8;
  const seconds = Number(args[1]);
  if (args.length !== 2 || args[0] !== '--seconds' || !(seconds > 0 && seconds <= 20)) {
    console.error(`bench-collect: error: unexpected arguments ${JSON.stringify(args)}; usage: node scripts/bench-collect.mjs [--seconds N (at most 20)]`);
    process.exit(2);
  }
  return seconds;
}

/** A beacon body whose events carry ids unique to this run: `run-client-request-event`. */
function beacon(id) {
  const events = [];
  for (let i = 0; i < EVENTS_PER_BODY; i++) {
    events.push({
      v: 1,
      type: i === 0 ? 'exposure' : 'impression',
      ts: Date.now(),
      visitor_id: 'bench-visitor',
      page_view_id: `${id}-${i}`,
      experiment: 'fbt',
      variant: 'treatment',
      list_id: 'alsobought_product',
      product_id: `p${i}`,
    });
  }
  return JSON.stringify({ v: 1, events });
}

/** POSTs `body`; resolves with the status, or rejects when the connection fails. */
function post(agent, url, body) {
  return new Promise((resolve, reject) => {
    const request = http.request(url, { method: 'POST', agent, headers: { 'Content-Type': 'text/plain;charset=UTF-8', 'Content-Length': Buffer.byteLength(body) } }, (response) => {
      response.resume();
      response.on('end', () => resolve(response.statusCode));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end(body);
  });
}

/**
 * CLIENTS clients send bodies back to back until `deadline` (ms) or their request cap, or
 * until the collector goes away. Returns the acknowledged ids, the latencies of 2xx
 * replies, the other statuses and the connection errors.
 */
async function load(url, run, deadline) {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CLIENTS });
  const acknowledged = [];
  const latencies = [];
  const refused = new Map();
  let errors = 0;
  const client = async (number) => {
    for (let request = 0; request < MAX_REQUESTS_PER_CLIENT && Date.now() < deadline; request++) {
      const id = `${run}-${number}-${request}`;
      const started = process.hrtime.bigint();
      let status;
      try {
        status = await post(agent, url, beacon(id));
      } catch {
        // The collector stopped (refused, reset, or closed before replying): not acknowledged.
        errors++;
        return;
      }
      if (status >= 200 && status < 300) {
        latencies.push(Number(process.hrtime.bigint() - started) / 1e6);
        acknowledged.push(id);
      } else {
        refused.set(status, (refused.get(status) ?? 0) + 1);
      }
    }
  };
  const started = Date.now();
  await Promise.all(Array.from({ length: CLIENTS }, (_, number) => client(number)));
  agent.destroy();
  return { acknowledged, latencies, refused, errors, seconds: (Date.now() - started) / 1000 };
}

/** The filesystem the events files are written to, as `df` names it. */
function fileSystem() {
  const df = spawnSync('df', ['--output=fstype,source', repoPath('test-results')], { encoding: 'utf8' });
  const [type, source] = (df.stdout ?? '').trim().split('\n').pop()?.trim().split(/\s+/) ?? [];
  return type ? `${type} on ${source}` : 'unknown filesystem';
}

function peakRssMiB(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = Number(status.match(/^VmHWM:\s+(\d+) kB$/m)?.[1]);
  return kib / 1024;
}

/** One sustained-rate phase with the collector's `args`. */
async function throughput(label, args, seconds) {
  const collector = await startCollector(`bench-${label}`, { args });
  const result = await load(collector.url, label, Date.now() + seconds * 1000);
  const rssMiB = peakRssMiB(collector.pid);
  const code = await collector.stop();
  const stored = collector.events().length;
  rmSync(collector.file, { force: true });
  if (code !== 0) fail(`collect ${args.join(' ')} exited with ${code} on SIGTERM; its log: ${collector.log()}`);
  if (result.refused.size > 0 || result.errors > 0) {
    fail(`collect ${args.join(' ')} refused ${JSON.stringify([...result.refused])} and dropped ${result.errors} connections under load; its log: ${collector.log()}`);
  }
  if (stored !== result.acknowledged.length * EVENTS_PER_BODY) fail(`${label}: ${stored} events stored for ${result.acknowledged.length} acknowledged bodies`);
  const requests = result.acknowledged.length;
  return {
    label,
    requests,
    seconds: result.seconds,
    perSecond: requests / result.seconds,
    eventsPerSecond: (requests * EVENTS_PER_BODY) / result.seconds,
    p50: percentile(result.latencies, 0.5),
    p99: percentile(result.latencies, 0.99),
    rssMiB,
  };
}

/** Load, SIGTERM mid-load, restart on the same file, load, SIGTERM: what was kept. */
async function restartCheck() {
  const first = await startCollector('bench-restart');
  const firstLoad = load(first.url, 'first', Date.now() + 20_000);
  await new Promise((resolve) => setTimeout(resolve, RESTART_SECONDS * 1000));
  const firstCode = await first.stop();
  const before = await firstLoad;
  const second = await startCollector('bench-restart', { file: first.file });
  const secondLoad = load(second.url, 'second', Date.now() + 20_000);
  await new Promise((resolve) => setTimeout(resolve, RESTART_SECONDS * 1000));
  const secondCode = await second.stop();
  const after = await secondLoad;

  const copies = new Map();
  for (const event of second.events()) copies.set(event.page_view_id, (copies.get(event.page_view_id) ?? 0) + 1);
  rmSync(first.file, { force: true });
  const acknowledged = [...before.acknowledged, ...after.acknowledged];
  let lost = 0;
  for (const id of acknowledged) {
    for (let i = 0; i < EVENTS_PER_BODY; i++) if (!copies.has(`${id}-${i}`)) lost++;
  }
  const duplicated = [...copies.values()].filter((count) => count > 1).length;
  const unacknowledgedStored = copies.size - acknowledged.length * EVENTS_PER_BODY;
  return {
    codes: [firstCode, secondCode],
    acknowledgedEvents: acknowledged.length * EVENTS_PER_BODY,
    storedEvents: [...copies.values()].reduce((sum, count) => sum + count, 0),
    lost,
    duplicated,
    unacknowledgedStored,
    cutConnections: before.errors + after.errors,
  };
}

async function main() {
  const seconds = parseSeconds(process.argv.slice(2));
  if (!process.env.ALSOBOUGHT_BIN) {
    const build = spawnSync('cargo', ['build', '--release', '-p', 'alsobought-cli'], { cwd: repoPath(''), stdio: 'inherit' });
    if (build.status !== 0) fail('cargo build --release -p alsobought-cli failed');
  }
  const host = machine();
  const date = new Date().toISOString().slice(0, 16).replace('T', ' ');
  const phases = [await throughput('written', [], seconds), await throughput('fsync', ['--fsync'], seconds)];
  const restart = await restartCheck();
  for (const phase of phases) {
    console.log(`bench-collect: ${phase.label}: ${phase.perSecond.toFixed(0)} requests/s, ${phase.eventsPerSecond.toFixed(0)} events/s, p50 ${ms(phase.p50)}, p99 ${ms(phase.p99)}, peak RSS ${phase.rssMiB.toFixed(1)} MiB`);
  }
  console.log(`bench-collect: restart: ${restart.acknowledgedEvents} events acknowledged, ${restart.storedEvents} stored, ${restart.lost} lost, ${restart.duplicated} duplicated, exit codes ${restart.codes.join(' and ')}`);

  const describe = { written: 'default (written before the reply)', fsync: '`--fsync` (fdatasync per batch before the reply)' };
  const markdown = [
    '## `alsobought collect` under load',
    '',
    `Measured ${date} by \`node scripts/bench-collect.mjs --seconds ${seconds}\` (\`make bench\`).`,
    `Machine: ${host.nproc} CPUs (${host.cpu}), ${host.memoryGiB} GiB, load average ${host.loadAverage} at the start ` +
      `(shared: other builds may run); Node ${host.node} as the load generator on the same cores, so the rates are a floor.`,
    `Load: ${CLIENTS} keep-alive clients on 127.0.0.1, each sending a ${EVENTS_PER_BODY}-event beacon (about ${(Buffer.byteLength(beacon('first-0-0')) / 1024).toFixed(1)} KB) ` +
      `as soon as the previous one is answered, for ${seconds} s (at most ${MAX_REQUESTS_PER_CLIENT.toLocaleString('en')} per client). Every reply was 204.`,
    '',
    '| durability | requests | requests/s | events/s | p50 | p99 | collector peak RSS |',
    '|---|---:|---:|---:|---:|---:|---:|',
    ...phases.map(
      (phase) =>
        `| ${describe[phase.label]} | ${phase.requests.toLocaleString('en')} | ${Math.round(phase.perSecond).toLocaleString('en')} | ${Math.round(phase.eventsPerSecond).toLocaleString('en')} | ${ms(phase.p50)} | ${ms(phase.p99)} | ${phase.rssMiB.toFixed(1)} MiB |`,
    ),
    '',
    `Syncing costs ${(100 * (1 - phases[1].perSecond / phases[0].perSecond)).toFixed(0)} % of the rate and ${(phases[1].p99 - phases[0].p99).toFixed(1)} ms of p99 ` +
      `on this machine's disk (${fileSystem()}); bodies that arrive together share one fdatasync, and a disk without a write cache costs more. ` +
      'The default already survives the collector being killed (the kernel holds what was written), not a power loss.',
    '',
    `Restart: the same load, SIGTERM after ${RESTART_SECONDS} s, a second collector on the same file, ${RESTART_SECONDS} s more, SIGTERM: ` +
      `exit codes ${restart.codes.join(' and ')}; ${restart.acknowledgedEvents.toLocaleString('en')} events acknowledged with 2xx, ` +
      `${restart.storedEvents.toLocaleString('en')} in the file; **${restart.lost} lost, ${restart.duplicated} duplicated**; ` +
      `${restart.unacknowledgedStored} stored without an acknowledgement (a reply cut by the stop), ${restart.cutConnections} client connections cut by the stops.`,
  ].join('\n');
  writeBenchmarkSection('collect-bench', markdown);
  if (restart.lost > 0 || restart.duplicated > 0 || restart.codes.some((code) => code !== 0)) {
    fail(`the restart check failed: ${restart.lost} acknowledged events lost, ${restart.duplicated} duplicated, exit codes ${restart.codes.join(', ')}`);
  }
}

main().catch((error) => fail(error.stack ?? String(error)));
