// Lighthouse's mobile performance score of a page, for scripts/bench-network.mjs.
// Why on demand: Lighthouse is a measuring tool, not a test dependency; `make test` must
// not install it, so the benchmark installs the pinned version into a cache directory
// the first time it needs it (12.x: 13.x needs Node 22, the machine has Node 20).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CHROMIUM_PATH, RESULTS_DIR } from '../../tests/e2e/lib/environment.mjs';
import { median } from './benchmarks.mjs';

export const LIGHTHOUSE_VERSION = '12.2.3';
const PREFIX = path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'alsobought', 'lighthouse');
const CLI = path.join(PREFIX, 'node_modules', 'lighthouse', 'cli', 'index.js');
const REPORTS_DIR = path.join(RESULTS_DIR, 'bench-network', 'lighthouse');

/** Installs lighthouse@LIGHTHOUSE_VERSION into PREFIX unless that version is already there. */
function ensureLighthouse() {
  const manifest = path.join(PREFIX, 'node_modules', 'lighthouse', 'package.json');
  if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).version === LIGHTHOUSE_VERSION) return;
  mkdirSync(PREFIX, { recursive: true });
  console.log(`installing lighthouse@${LIGHTHOUSE_VERSION} into ${PREFIX} (once)...`);
  execFileSync('npm', ['install', '--prefix', PREFIX, '--no-audit', '--no-fund', '--loglevel=error', `lighthouse@${LIGHTHOUSE_VERSION}`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

/** One Lighthouse run of `url` (mobile, performance only); the figures of its JSON report. */
function runOnce(url, reportFile) {
  execFileSync(
    process.execPath,
    [
      CLI,
      url,
      '--only-categories=performance',
      '--form-factor=mobile',
      '--throttling-method=simulate',
      '--output=json',
      `--output-path=${reportFile}`,
      '--quiet',
      '--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage',
    ],
    { env: { ...process.env, CHROME_PATH: CHROMIUM_PATH }, stdio: ['ignore', 'ignore', 'inherit'], timeout: 180_000 },
  );
  const report = JSON.parse(readFileSync(reportFile, 'utf8'));
  const audit = (id) => report.audits[id]?.numericValue ?? null;
  if (report.runtimeError) throw new Error(`Lighthouse could not load ${url}: ${report.runtimeError.message}`);
  return {
    score: report.categories.performance.score === null ? null : report.categories.performance.score * 100,
    tbt: audit('total-blocking-time'),
    lcp: audit('largest-contentful-paint'),
    fcp: audit('first-contentful-paint'),
    cls: audit('cumulative-layout-shift'),
    throttling: report.configSettings.throttling,
  };
}

/**
 * Lighthouse on each of `pages` ({ name, url }), `runs` times each, interleaved so that a
 * busy moment of the shared machine falls on both; medians per page, and every run's
 * figures (`runs`): a score at a rounding edge flips between runs, and a median hides it.
 */
export function lighthouseMedians(pages, runs) {
  ensureLighthouse();
  mkdirSync(REPORTS_DIR, { recursive: true });
  const results = pages.map(() => []);
  for (let run = 0; run < runs; run++) {
    for (const [index, page] of pages.entries()) {
      console.log(`lighthouse: ${page.name}, run ${run + 1} of ${runs}`);
      results[index].push(runOnce(page.url, path.join(REPORTS_DIR, `${page.name.replace(/\W+/g, '-')}-${run}.json`)));
    }
  }
  return pages.map((page, index) => {
    const runsOfPage = results[index];
    const medianOf = (key) => median(runsOfPage.map((result) => result[key]));
    return { ...page, score: medianOf('score'), tbt: medianOf('tbt'), lcp: medianOf('lcp'), fcp: medianOf('fcp'), cls: medianOf('cls'), throttling: runsOfPage[0].throttling, runs: runsOfPage };
  });
}
