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

/**
 * `[--runs N] [--check]`, as the browser benchmarks take them (20 runs by default), plus
 * the script's own options that take a value: `valueOptions` maps an option name
 * (`'--compare'`) to its value's name in the usage line (`'DIR'`); the value is returned
 * under the name without dashes (`parsed.compare`), `null` when not given. A benchmark
 * whose runs are slow (emulated networks) passes its own `defaultRuns` and `advisedRuns`.
 */
export function parseRunsAndCheck(name, args, valueOptions = {}, { defaultRuns = 20, advisedRuns = 15 } = {}) {
  const parsed = { runs: defaultRuns, check: false };
  for (const option of Object.keys(valueOptions)) parsed[option.slice(2)] = null;
  const usage = ['[--runs N]', '[--check]', ...Object.entries(valueOptions).map(([option, value]) => `[${option} ${value}]`)];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--runs' && /^\d+$/.test(args[i + 1] ?? '')) parsed.runs = Number(args[++i]);
    else if (args[i] === '--check') parsed.check = true;
    else if (args[i] in valueOptions && args[i + 1] !== undefined) parsed[args[i].slice(2)] = args[++i];
    else {
      console.error(`${name}: unknown argument ${JSON.stringify(args[i])}; usage: node scripts/${name}.mjs ${usage.join(' ')}`);
      process.exit(2);
    }
  }
  if (parsed.runs < advisedRuns) console.error(`${name}: warning: ${parsed.runs} runs give a shaky p90; ${advisedRuns} or more are advised`);
  return parsed;
}

/** The `fraction` quantile (nearest rank) of the finite `values`, or null when there is none. */
export function percentile(values, fraction) {
  const sorted = values.filter((value) => value !== null && Number.isFinite(value)).sort((a, b) => a - b);
  if (sorted.length === 0) return null;
  return sorted[Math.max(0, Math.ceil(fraction * sorted.length) - 1)];
}

export const median = (values) => percentile(values, 0.5);
export const ms = (value) => (value === null || value === undefined ? 'n/a' : `${value.toFixed(1)} ms`);
export const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
export const verdict = (ok) => (ok ? 'within budget' : '**over budget**');

/** The first lines of a browser benchmark's section: when, by which command, on what. */
export function browserBenchHeader({ script, runs, date, host, chromium }) {
  return [
    `Measured ${date} by \`node scripts/${script}.mjs --runs ${runs}\` (\`make bench\`).`,
    `Machine: ${host.nproc} CPUs (${host.cpu}), ${host.memoryGiB} GiB, load average ${host.loadAverage} at the start ` +
      `(the machine is shared: other builds may run); headless Chromium ${chromium}, Node ${host.node}; ` +
      'server: `alsobought-demo serve` on 127.0.0.1.',
  ];
}
