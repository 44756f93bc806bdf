// What every benchmark script shares: the machine it ran on, and writing its own
// section of BENCHMARKS.md between `<!-- NAME:start -->` / `<!-- NAME:end -->` markers
// so that each script replaces only its figures and keeps the others'.

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { repoPath } from '../../tests/e2e/lib/environment.mjs';

/** The machine a figure was measured on (load average included: the machine may be shared). */
export function machine() {
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  return {
    nproc: os.availableParallelism(),
    cpu: cpuinfo.match(/^model name\s*:\s*(.+)$/m)?.[1] ?? os.cpus()[0]?.model ?? 'unknown',
    memoryGiB: (os.totalmem() / 2 ** 30).toFixed(1),
    loadAverage: os.loadavg().map((value) => value.toFixed(2)).join(' '),
    node: process.version,
  };
}

/** Replaces the section `name` of BENCHMARKS.md with `markdown` (or appends it). */
export function writeBenchmarkSection(name, markdown) {
  const file = repoPath('BENCHMARKS.md');
  const start = `<!-- ${name}:start -->`;
  const end = `<!-- ${name}:end -->`;
  const section = `${start}\n${markdown}\n${end}`;
  let text = existsSync(file) ? readFileSync(file, 'utf8') : '# Benchmarks\n\nMeasured figures, written by the benchmark scripts (`make bench`).\n';
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  if (from !== -1 && to > from) text = `${text.slice(0, from)}${section}${text.slice(to + end.length)}`;
  else text = `${text.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, text);
}

/** Stops the benchmark `name` with one error line. */
export function fail(name, message) {
  console.error(`${name}: error: ${message}`);
  process.exit(1);
}

/** `[--runs N] [--check]`, as the browser benchmarks take them (20 runs by default). */
export function parseRunsAndCheck(name, args) {
  const parsed = { runs: 20, check: false };
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs' && /^\d+$/.test(args[i + 1] ?? '')) parsed.runs = Number(args[++i]);
    else if (args[i] === '--check') parsed.check = true;
    else {
      console.error(`${name}: unknown argument ${JSON.stringify(args[i])}; usage: node scripts/${name}.mjs [--runs N] [--check]`);
      process.exit(2);
    }
  }
  if (parsed.runs < 15) console.error(`${name}: warning: ${parsed.runs} runs give a shaky p90; 15 or more are advised`);
  return parsed;
}
