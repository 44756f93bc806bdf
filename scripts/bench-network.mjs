#!/usr/bin/env node
// The real-network benchmark (`make bench`, issue 11): what a shopper's phone gets, not
// what loopback shows. Written into BENCHMARKS.md between `<!-- network-bench:start -->`
// and `<!-- network-bench:end -->`.
//
// Why it exists: on 127.0.0.1 a round trip costs nothing, so a change that saves round
// trips or overlaps downloads measures as nothing (or as a loss); every loading change
// is judged here instead. Headless Chromium with Chrome DevTools Protocol network
// emulation (scripts/lib/network-emulation.mjs: Slow 4G and a fast profile; the CPU is
// not throttled), the demo server serving as a CDN does (`--cache cdn`: cache lifetimes,
// brotli/gzip copies), the demo store's own pages (scripts/lib/network-pages.mjs) over a
// table mined from real orders (Online Retail II), in three layouts: the single file
// (Range reads), the directory layout (`build --out-dir`), and the directory from a
// host without Range (`/__norange/`). Scenarios, each a median (and p90) of --runs runs:
//   (a) cold product page: a new browser context (empty HTTP cache);
//   (b) the next product page of the same visit: the first suggested product's page,
//       in the same context once (a) went quiet (warm HTTP cache, prefetches done);
//   (c) cold checkout with a 5-item cart;
//   (d) Lighthouse mobile performance score, TBT and LCP of the demo product page with
//       the widget, with it but without its head hints, and without it
//       (scripts/lib/network-lighthouse.mjs);
//   and the A/B of the demo pages' head hints: (a) and (c) again without them, each run
//   right after the same load with them (scripts/lib/network-hints.mjs).
// Per load: navigation start → first card in the widget's shadow DOM, DOMContentLoaded →
// first card, the table requests answered before the first card (to the network;
// HTTP-cache hits counted apart), their serial depth, and their bytes on the wire (CDP
// encodedDataLength, headers included); the table requests and bytes until the page went
// quiet (prefetches included); widget bytes; all requests sent before the first card.
// `--check` exits 1 when a figure misses the issue's goal (scripts/lib/network-goals.mjs).
// `--variants head,entry,body+lcp-high` measures hint sets against each other instead
// (scripts/lib/network-hints.mjs: cold product page, directory layout, both networks, and
// Lighthouse on each) and writes its own section of BENCHMARKS.md, not this one.
//
// Needs: `make widget demo-data` (pkg/, www/generated/), the CLI and demo server binaries,
// ../shared/data/online-retail-ii/ (or $ALSOBOUGHT_RETAIL_CSV); npm reaches the registry
// once to install Lighthouse into ~/.cache/alsobought/lighthouse.
// Usage: node scripts/bench-network.mjs [--runs N] [--check] [--lighthouse-runs N] [--variants LIST]

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { demoServerBinary, launchBrowser, repoPath, RESULTS_DIR, startDemoServer } from '../tests/e2e/lib/environment.mjs';
import { cliBinary } from '../tests/e2e/lib/fixtures.mjs';
import { readHeader } from '../tests/e2e/lib/table.mjs';
import { fail as failBenchmark, kb, machine, median, ms, parseRunsAndCheck, percentile, writeBenchmarkSection } from './lib/benchmarks.mjs';
import { navigateUntilSettled, SETTLED_MESSAGE, signalSettled } from './lib/load-phases.mjs';
import { emulateNetwork, PROFILES, recordRequests, serialDepth } from './lib/network-emulation.mjs';
import { goalsOf } from './lib/network-goals.mjs';
import { LIGHTHOUSE_VERSION, lighthouseMedians } from './lib/network-lighthouse.mjs';
import { hintVariants, parseVariants, renderHintsReport, renderVariantsReport, variantLayouts } from './lib/network-hints.mjs';
import {
  pickProducts,
  productTemplate,
  widgetHints,
  writeCheckoutPage,
  writePageWithoutHints,
  writePageWithoutWidget,
  writeProductPage,
  writeVariantPage,
} from './lib/network-pages.mjs';
import {
  cliBuildsDirectories,
  ensureRetailTable,
  ensureRetailTableDirectory,
  RETAIL_TABLE,
  RETAIL_TABLE_DIR,
  retailBuildCommand,
  retailDirectoryBuildArguments,
} from './lib/retail-table.mjs';

const NAME = 'bench-network';
const options = parseRunsAndCheck(NAME, process.argv.slice(2), { '--lighthouse-runs': 'N', '--variants': 'LIST' }, { defaultRuns: 7, advisedRuns: 5 });
const lighthouseRuns = options['lighthouse-runs'] === null ? 3 : Number(options['lighthouse-runs']);
const fail = (message) => failBenchmark(NAME, message);
if (!Number.isInteger(lighthouseRuns) || lighthouseRuns < 0) fail('--lighthouse-runs takes a whole number (0 skips Lighthouse)');

// The demo product page asks for 4 suggestions; a page is picked only where 4 can show.
const MAX_SUGGESTIONS = 4;
// A load that shows no card within this long is a failure, not a slow figure.
const LOAD_TIMEOUT_MS = 60_000;
// After the first card, the page counts as done once no request was in flight this long.
const QUIET_MS = 500;
const QUIET_CAP_MS = 15_000;
const SCENARIOS = [
  ['product', '(a) product page, cold'],
  ['next', '(b) next product page of the visit'],
  ['checkout', '(c) checkout, 5-item cart, cold'],
];
const TABLE_URL = `/${path.relative(path.dirname(RESULTS_DIR), RETAIL_TABLE)}`;
const DIRECTORY_URL = `/${path.relative(path.dirname(RESULTS_DIR), RETAIL_TABLE_DIR)}/`;

/** The table layouts this tree can build: the directory ones only once the CLI has `--out-dir`. */
function tableLayouts(cli) {
  const layouts = [{ name: 'single', label: 'single file (Range)', tableUrl: TABLE_URL }];
  if (!cliBuildsDirectories(cli)) return { layouts, directoryMissing: true };
  ensureRetailTableDirectory(cli);
  layouts.push(
    { name: 'directory', label: 'directory', tableUrl: DIRECTORY_URL },
    { name: 'directory-norange', label: 'directory, host without Range', tableUrl: `/__norange${DIRECTORY_URL}` },
  );
  return { layouts, directoryMissing: false };
}

// Runs in the page before its scripts: the moment the first card enters a widget's
// shadow root (a MutationObserver callback runs in the task that made the mutation).
function watchFirstCard() {
  const seen = { cardsAt: null };
  Object.defineProperty(window, '__alsoboughtFirstCard', { value: seen });
  const attachShadow = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function attachShadowWatched(init) {
    const root = attachShadow.call(this, init);
    const observer = new MutationObserver(() => {
      if (seen.cardsAt === null && root.querySelector('.ab-card, .ab-item')) {
        seen.cardsAt = performance.now();
        observer.disconnect();
      }
    });
    observer.observe(root, { childList: true, subtree: true });
    return root;
  };
}

// Runs in the page once it went quiet: its largest contentful paint so far (the image or
// a card), which the head hints may delay by taking bandwidth from the image.
function readLargestContentfulPaint() {
  return new Promise((resolve) => {
    new PerformanceObserver((list) => resolve(list.getEntries().at(-1)?.startTime ?? null)).observe({ type: 'largest-contentful-paint', buffered: true });
    setTimeout(() => resolve(null), 1000);
  });
}

// Runs in the page once it settled: the first card's time and the page's own clock.
function readFirstCard() {
  const navigation = performance.getEntriesByType('navigation')[0];
  return {
    cardsAt: window.__alsoboughtFirstCard.cardsAt,
    domContentLoaded: navigation?.domContentLoadedEventStart ?? null,
    timeOrigin: performance.timeOrigin,
    state: document.querySelector('[data-alsobought-state]')?.getAttribute('data-alsobought-state') ?? null,
  };
}

/** A page in a new browser context (an empty HTTP cache) on the emulated `profile`. */
async function openPage(browser, profile) {
  const context = await browser.newContext({ viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  const widgetErrors = [];
  page.on('console', (message) => message.type() === 'error' && message.text().startsWith('alsobought') && widgetErrors.push(message.text()));
  await page.addInitScript(watchFirstCard);
  await page.addInitScript(signalSettled, SETTLED_MESSAGE);
  const session = await context.newCDPSession(page);
  await emulateNetwork(session, profile);
  return { context, page, recorder: recordRequests(session), widgetErrors };
}

/** Runs `body` with a page of a new context on `profile` (`openPage`), then closes the context. */
async function inContext(browser, profile, body) {
  const opened = await openPage(browser, profile);
  try {
    await body(opened);
  } finally {
    await opened.context.close();
  }
}

/**
 * Waits until no request of the page has been in flight for QUIET_MS (at most
 * QUIET_CAP_MS): the widget's reads after the first card (prefetches for the next page)
 * are part of what a page costs, and a shopper does not click on within milliseconds.
 */
async function waitForQuiet(page, recorder) {
  const deadline = Date.now() + QUIET_CAP_MS;
  let quietSince = Date.now();
  while (Date.now() < deadline && Date.now() - quietSince < QUIET_MS) {
    if (recorder.inFlight() > 0) quietSince = Date.now();
    await page.waitForTimeout(50);
  }
}

/**
 * Loads `urlPath` in `page` and measures it; `isTable(pathname)` tells table requests
 * apart. "To the card" are the table requests answered before the first card appeared
 * (the reads it could have waited for); "in all", every table request until the page
 * went quiet, prefetches included.
 */
async function measureLoad({ page, recorder, widgetErrors }, baseUrl, urlPath, isTable) {
  recorder.take();
  await navigateUntilSettled(page, () => page.goto(`${baseUrl}${urlPath}`, { waitUntil: 'load', timeout: LOAD_TIMEOUT_MS }), LOAD_TIMEOUT_MS);
  const seen = await page.evaluate(readFirstCard);
  if (seen.cardsAt === null) {
    throw new LayoutUnreadable(`no card on ${urlPath} (widget state ${seen.state}${widgetErrors.length ? `: ${widgetErrors.join(' ')}` : ''})`);
  }
  await waitForQuiet(page, recorder);
  const lcp = await page.evaluate(readLargestContentfulPaint);
  const requests = recorder.take();
  // CDP's wall clock and the page's share the system clock; ends are start + duration.
  const startOf = (request) => request.wallTime * 1000 - seen.timeOrigin;
  const endOf = (request) => (request.end === null ? Infinity : startOf(request) + (request.end - request.start) * 1000);
  const pathOf = (request) => new URL(request.url).pathname;
  const table = requests.filter((request) => isTable(pathOf(request)));
  const toCard = table.filter((request) => endOf(request) <= seen.cardsAt);
  const network = toCard.filter((request) => !request.fromCache);
  const widget = requests.filter((request) => pathOf(request).startsWith('/alsobought/'));
  const wasm = widget.filter((request) => pathOf(request).endsWith('.wasm'));
  const sum = (list) => list.reduce((total, request) => total + request.bytes, 0);
  return {
    total: seen.cardsAt,
    afterDcl: seen.cardsAt - seen.domContentLoaded,
    domContentLoaded: seen.domContentLoaded,
    lcp,
    tableRequests: network.length,
    tableFromCache: toCard.length - network.length,
    depth: serialDepth(network),
    tableBytes: sum(toCard),
    tableRequestsInAll: table.filter((request) => !request.fromCache).length,
    tableBytesInAll: sum(table),
    widgetBytes: sum(widget),
    // A hint that starts the wasm must hand it to the widget: one download, not two.
    wasmRequests: wasm.filter((request) => !request.fromCache).length,
    wasmBytes: sum(wasm),
    wasmStart: wasm.length ? Math.min(...wasm.map(startOf)) : null,
    requests: requests.filter((request) => startOf(request) <= seen.cardsAt).length,
    served: Object.fromEntries(
      [...widget, ...table]
        .filter((request) => request.status !== null && !request.fromCache)
        .map((request) => [
          pathOf(request).replace(/\/[0-9a-f]{16}\/[0-9a-f]+\.bin$/, '/<build>/<shard>.bin'),
          `${request.status} ${request.cacheControl ?? '-'}${request.encoding ? `, ${request.encoding}` : ''}`,
        ]),
    ),
  };
}

/** A layout this widget cannot read (yet): reported as such instead of stopping the benchmark. */
class LayoutUnreadable extends Error {}

/**
 * Runs every scenario on every profile and layout; returns loads[profile][layout][scenario]
 * = [load…]. A layout that shows no card gets `failure` and is measured no further.
 */
async function measureAll(browser, baseUrl, layouts, pages) {
  const loads = {};
  for (const profile of PROFILES) {
    loads[profile.name] = {};
    for (const layout of layouts) loads[profile.name][layout.name] = { product: [], next: [], checkout: [] };
    for (let run = 0; run < options.runs; run++) {
      // Layouts alternate within a run, so a busy moment of the shared machine falls on all.
      for (const layout of layouts.filter((candidate) => !candidate.failure)) {
        const into = loads[profile.name][layout.name];
        const isTable = (pathname) => (layout.tableUrl.endsWith('/') ? pathname.startsWith(layout.tableUrl) : pathname === layout.tableUrl);
        const measures = (scenario) => !layout.scenarios || layout.scenarios.includes(scenario);
        console.log(`${NAME}: ${profile.name}, ${layout.label}, run ${run + 1} of ${options.runs}`);
        try {
          await inContext(browser, profile, async (visit) => {
            into.product.push(await measureLoad(visit, baseUrl, pages[layout.name].products[run], isTable));
            if (measures('next')) into.next.push(await measureLoad(visit, baseUrl, pages[layout.name].next[run], isTable));
          });
          if (measures('checkout')) {
            await inContext(browser, profile, async (checkout) => {
              into.checkout.push(await measureLoad(checkout, baseUrl, pages[layout.name].checkouts[run], isTable));
            });
          }
        } catch (error) {
          if (!(error instanceof LayoutUnreadable)) throw error;
          console.error(`${NAME}: ${layout.label}: ${error.message}; this layout is left out`);
          layout.failure = error.message;
        }
      }
    }
  }
  return loads;
}

/** Medians per profile, layout and scenario of `loads` (`measureAll`'s), for the layouts measured. */
function summarizeAll(loads, layouts) {
  const summaries = {};
  for (const profile of PROFILES) {
    summaries[profile.name] = {};
    for (const layout of layouts) {
      summaries[profile.name][layout.name] = {};
      for (const [scenario] of SCENARIOS.filter(([candidate]) => !layout.scenarios || layout.scenarios.includes(candidate))) {
        summaries[profile.name][layout.name][scenario] = summarize(loads[profile.name][layout.name][scenario]);
      }
    }
  }
  return summaries;
}

function summarize(runs) {
  const summary = {};
  for (const key of ['total', 'afterDcl', 'domContentLoaded', 'lcp', 'tableRequests', 'tableFromCache', 'depth', 'tableBytes', 'tableRequestsInAll', 'tableBytesInAll', 'widgetBytes', 'wasmRequests', 'wasmBytes', 'wasmStart', 'requests']) {
    const values = runs.map((run) => run[key]);
    summary[key] = { median: median(values), p90: percentile(values, 0.9) };
  }
  return summary;
}

const timing = (figure) => `${ms(figure.median)} (${ms(figure.p90)})`;
const count = (figure) => `${figure.median}`;

// Which run from the slowest the nearest-rank p90 of `options.runs` runs is.
const p90Rank = options.runs - Math.ceil(0.9 * options.runs) + 1;

function renderReport({ summaries, layouts, variants, unreadable, directoryMissing, cdnCache, lighthouse, served, hints, table, host, date, goals, widgetChanged }) {
  const lines = [
    '## Real network (emulated)',
    '',
    ...(widgetChanged ? ['**pkg/ was rebuilt while this ran: the figures mix two builds of the widget; run it again.**', ''] : []),
    `Measured ${date} by \`node scripts/${NAME}.mjs --runs ${options.runs} --lighthouse-runs ${lighthouseRuns}\` (\`make bench\`).`,
    `Machine: ${host.nproc} CPUs (${host.cpu}), ${host.memoryGiB} GiB, load average ${host.loadAverage} at the start ` +
      `(shared: other builds may run); headless Chromium ${host.chromium}, Node ${host.node}; CPU **not** throttled. ` +
      `Server: \`alsobought-demo serve${cdnCache ? ' --cache cdn' : ''}\` on 127.0.0.1` +
      (cdnCache ? ' (a CDN\'s cache lifetimes, brotli/gzip copies of the widget).' : ' — **without `--cache cdn`: this server has no such option yet, so every file is sent `no-cache` and the figures are not yet those of a CDN**.'),
    `Networks (Chrome DevTools Protocol \`Network.emulateNetworkConditions\`): ${PROFILES.map((profile) => `**${profile.name}** ${profile.label}`).join('; ')}. ` +
      'The latency is added once per request, as DevTools does, not per packet: no TCP/TLS set-up or slow start (Lighthouse\'s own DevTools-throttled preset inflates it to 562.5 ms per request to make up for that; these figures do not).',
    `Table: Online Retail II 2009-2010 (${table.bytes} bytes, ${table.header.productCount} products) as the single file \`${TABLE_URL}\`` +
      (directoryMissing
        ? '; **directory layout: not available** (this CLI\'s `build` has no `--out-dir` yet). Built with:'
        : ` and as the directory \`${DIRECTORY_URL}\` (also read through \`/__norange/\`, a host without Range), built with:`),
    '',
    '```sh',
    retailBuildCommand(cliBinary()),
    ...(directoryMissing ? [] : [retailBuildCommand(cliBinary(), retailDirectoryBuildArguments())]),
    '```',
    '',
    `Pages: the demo store's product page and checkout (header, \`store.css\`, product image, the README's tags${hints.length ? `, and its hints ${hints.map((hint) => `\`${hint}\``).join(' ')}` : '; the demo pages carry no resource hint for the widget'}) ` +
      `with \`data-table\` pointed at the layout; a phone viewport (412 × 823). ${options.runs} runs of each, each on a different product or cart.`,
    ...unreadable.map((layout) => `**${layout.label}: not measured**, the widget could not read it: ${layout.failure}.`),
    '',
    '| scenario | network | table layout | nav → first card, median (p90) | DOMContentLoaded → first card, median (p90) | table requests to the card (+ HTTP cache) | serial depth | table bytes to the card | table requests, bytes in all | widget bytes | requests |',
    '|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const [scenario, scenarioLabel] of SCENARIOS) {
    for (const profile of PROFILES) {
      for (const layout of layouts) {
        const s = summaries[profile.name][layout.name][scenario];
        lines.push(
          `| ${scenarioLabel} | ${profile.name} | ${layout.label} | ${timing(s.total)} | ${timing(s.afterDcl)} | ` +
            `${count(s.tableRequests)}${s.tableFromCache.median ? ` (+${s.tableFromCache.median})` : ''} | ${count(s.depth)} | ${kb(s.tableBytes.median)} | ` +
            `${count(s.tableRequestsInAll)}, ${kb(s.tableBytesInAll.median)} | ${kb(s.widgetBytes.median)} | ${count(s.requests)} |`,
        );
      }
    }
  }
  lines.push(
    '',
    'How to read it: "first card" is the moment a card (or bundle item) enters the widget\'s shadow root; "DOMContentLoaded → first card" is what the widget adds after the page itself is parsed, the figure the issue\'s goals use. ' +
      `p90 is nearest-rank: with ${options.runs} runs, ${p90Rank === 1 ? 'the slowest run' : `run ${p90Rank} counted from the slowest`}. ` +
      'Counts and bytes are medians over the runs. "Table requests to the card" are those answered before the first card appeared (the reads it could have waited for) that went to the network, revalidations included; "+ HTTP cache" were answered by the browser\'s cache without a round trip; ' +
      '"serial depth" is the longest chain of those network requests each sent after the previous one finished (1: all went out together). "In all" counts every table request to the network until the page went quiet (no request for 500 ms), prefetches for the next page included. ' +
      'Bytes are on the wire (CDP `encodedDataLength`, headers included); "widget bytes" are alsobought.js, .wasm and .css; "requests" is everything the page sent before the first card. ' +
      '(b) follows (a) in the same browser context once (a) went quiet, so what (a) cached or prefetched is there; (a) and (c) start from an empty cache. ' +
      'At Slow 4G every KB costs about 5 ms and every round trip 150 ms: compare the depth and bytes before the timings.',
    '',
    `Served as (status, Cache-Control, Content-Encoding): ${Object.entries(served).map(([file, how]) => `\`${file}\` ${how}`).join('; ')}.`,
    '',
    '### Against the issue\'s goals (Slow 4G unless said)',
    '',
    '| figure | goal | measured (medians; per layout where it applies) | met (by the best layout) |',
    '|---|---:|---|---|',
    ...goals.map((goal) => `| ${goal.label} | ${goal.goal} | ${goal.measured} | ${goal.met === null ? 'n/a' : goal.met ? 'met' : '**not met**'} |`),
    ...renderHintsReport({ summaries, layouts, variants, hints, runs: options.runs }),
  );
  if (lighthouse) {
    const [withWidget, withoutWidget, withoutHints] = lighthouse;
    const throttling = withWidget.throttling;
    lines.push(
      '',
      `### (d) Lighthouse ${LIGHTHOUSE_VERSION}, mobile`,
      '',
      `\`lighthouse URL --only-categories=performance --form-factor=mobile --throttling-method=simulate\` with Debian's Chromium, ${lighthouseRuns} runs each (interleaved), medians. ` +
        `Simulated throttling (Lantern: the page loads unthrottled, then the load is replayed in a model of ${throttling.rttMs} ms RTT, ${throttling.throughputKbps} kbps, CPU × ${throttling.cpuSlowdownMultiplier}). ` +
        `Same server; the page without the widget is the same demo page with the widget's tags and container taken out, the one without hints has only its head hints taken out.`,
      '',
      '| page | performance score | TBT | LCP | FCP | CLS |',
      '|---|---:|---:|---:|---:|---:|',
      ...lighthouse.map((page) => `| ${page.name} (\`${page.url.replace(/^https?:\/\/[^/]+/, '')}\`) | ${page.score} | ${ms(page.tbt)} | ${ms(page.lcp)} | ${ms(page.fcp)} | ${page.cls?.toFixed(3)} |`),
      '',
      `With the widget: ${withWidget.score - withoutWidget.score >= 0 ? 'no drop' : `**${withoutWidget.score - withWidget.score} points lower**`} in score, TBT ${withWidget.tbt - withoutWidget.tbt >= 0 ? '+' : ''}${(withWidget.tbt - withoutWidget.tbt).toFixed(0)} ms, ` +
        `LCP ${withWidget.lcp - withoutWidget.lcp >= 0 ? '+' : ''}${(withWidget.lcp - withoutWidget.lcp).toFixed(0)} ms` +
        (withoutHints ? `; the hints' own share: LCP ${withWidget.lcp - withoutHints.lcp >= 0 ? '+' : ''}${(withWidget.lcp - withoutHints.lcp).toFixed(0)} ms, TBT ${withWidget.tbt - withoutHints.tbt >= 0 ? '+' : ''}${(withWidget.tbt - withoutHints.tbt).toFixed(0)} ms.` : '.'),
    );
  } else {
    lines.push('', '(d) Lighthouse: not run (`--lighthouse-runs 0`).');
  }
  return lines.join('\n');
}

/**
 * `--variants`: the hint sets of `list` against each other on the cold product page
 * (directory layout, both networks, runs interleaved) and in Lighthouse, with the page
 * without the widget as Lighthouse's reference. Writes its own BENCHMARKS.md section.
 */
async function compareVariants(list, layouts, template, picked) {
  let layoutsOfVariants;
  try {
    layoutsOfVariants = variantLayouts(layouts, parseVariants(list));
  } catch (error) {
    fail(error.message);
  }
  const pages = Object.fromEntries(
    layoutsOfVariants.map((layout) => [layout.name, { products: picked.products.map((product) => writeProductPage(template, layout, product.id)) }]),
  );
  const widgetBuildAtStart = widgetBuild();
  const server = await startDemoServer({ args: ['--cache', 'cdn'] });
  const browser = await launchBrowser();
  try {
    const host = { ...machine(), chromium: browser.version() };
    const loads = await measureAll(browser, server.baseUrl, layoutsOfVariants, pages);
    const measured = layoutsOfVariants.filter((layout) => !layout.failure);
    const lighthouse =
      lighthouseRuns > 0
        ? lighthouseMedians(
            [
              ...measured.map((layout) => ({ name: `variant ${layout.variant.name}`, variant: layout.variant.name, url: `${server.baseUrl}${writeVariantPage(template, layout.variant)}` })),
              { name: 'without the widget', withoutWidget: true, url: `${server.baseUrl}${writePageWithoutWidget(template)}` },
            ],
            lighthouseRuns,
          )
        : null;
    const summaries = summarizeAll(loads, measured);
    const markdown = renderVariantsReport({
      loads,
      summaries,
      layouts: measured,
      lighthouse,
      runs: options.runs,
      lighthouseRuns,
      command: `node scripts/${NAME}.mjs --runs ${options.runs} --lighthouse-runs ${lighthouseRuns} --variants ${list}`,
      date: new Date().toISOString().slice(0, 10),
      host,
      widgetChanged: widgetBuild() !== widgetBuildAtStart,
    });
    writeBenchmarkSection('network-hint-variants', markdown);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, `${NAME}-variants.json`), `${JSON.stringify({ host, loads, summaries, lighthouse }, null, 2)}\n`);
    console.log(markdown);
    console.log(`\n${NAME}: wrote BENCHMARKS.md (network-hint-variants section) and test-results/${NAME}-variants.json`);
  } finally {
    await browser.close();
    await server.stop();
  }
}

// Another build may rewrite pkg/ mid-run on a shared checkout; a report must say so.
const widgetBuild = () => readdirSync(repoPath('pkg')).map((file) => `${file}@${statSync(repoPath('pkg', file)).mtimeMs}`).join(' ');

async function main() {
  let tableBytes;
  let layoutsFound;
  let template;
  let picked;
  try {
    tableBytes = ensureRetailTable(cliBinary());
    layoutsFound = tableLayouts(cliBinary());
    template = productTemplate();
    picked = pickProducts(tableBytes, options.runs, MAX_SUGGESTIONS);
  } catch (error) {
    fail(error.message);
  }
  const { layouts, directoryMissing } = layoutsFound;
  if (options.variants !== null) {
    await compareVariants(options.variants, layouts, template, picked);
    return;
  }
  const hints = widgetHints(template.html);
  const variants = hintVariants(layouts, hints);
  // Each variant runs right after the layout it is compared with.
  const everyLayout = layouts.flatMap((layout) => [layout, ...variants.filter((variant) => variant.comparedWith === layout.name)]);
  const pages = Object.fromEntries(
    everyLayout.map((layout) => [
      layout.name,
      {
        products: picked.products.map((product) => writeProductPage(template, layout, product.id)),
        next: picked.products.map((product) => writeProductPage(template, layout, product.next)),
        checkouts: picked.carts.map((cart, run) => writeCheckoutPage(template, layout, cart, run)),
      },
    ]),
  );
  if (!existsSync(repoPath('pkg', 'alsobought_bg.wasm'))) fail('pkg/ has no built widget: run `make widget` first');
  const widgetBuildAtStart = widgetBuild();
  const cdnCache = execFileSync(demoServerBinary(), ['serve', '--help'], { encoding: 'utf8' }).includes('--cache');
  if (!cdnCache) console.error(`${NAME}: warning: this alsobought-demo has no --cache option; serving no-cache (marked in the report)`);

  const server = await startDemoServer({ args: cdnCache ? ['--cache', 'cdn'] : [] });
  const browser = await launchBrowser();
  try {
    const host = { ...machine(), chromium: browser.version() };
    const loads = await measureAll(browser, server.baseUrl, everyLayout, pages);
    const measured = layouts.filter((layout) => !layout.failure);
    const variantsMeasured = variants.filter((variant) => !variant.failure);
    const summaries = summarizeAll(loads, [...measured, ...variantsMeasured]);
    const served = {};
    for (const profile of PROFILES) {
      for (const layout of [...measured, ...variantsMeasured]) {
        for (const [scenario] of SCENARIOS.filter(([candidate]) => !layout.scenarios || layout.scenarios.includes(candidate))) {
          for (const load of loads[profile.name][layout.name][scenario]) {
            for (const [file, how] of Object.entries(load.served)) served[file] ??= how;
          }
        }
      }
    }
    const lighthouse =
      lighthouseRuns > 0
        ? lighthouseMedians(
            [
              { name: 'with the widget', url: `${server.baseUrl}${template.url}` },
              { name: 'without the widget', url: `${server.baseUrl}${writePageWithoutWidget(template)}` },
              ...(hints.length ? [{ name: 'with the widget, without its hints', url: `${server.baseUrl}${writePageWithoutHints(template)}` }] : []),
            ],
            lighthouseRuns,
          )
        : null;
    const goals = goalsOf(summaries, measured, lighthouse);
    const widgetChanged = widgetBuild() !== widgetBuildAtStart;
    if (widgetChanged) console.error(`${NAME}: warning: pkg/ changed during the run; the figures mix two widget builds`);
    const markdown = renderReport({
      summaries,
      layouts: measured,
      variants: variantsMeasured,
      unreadable: everyLayout.filter((layout) => layout.failure),
      directoryMissing,
      cdnCache,
      lighthouse,
      served,
      hints,
      table: { bytes: tableBytes.length, header: readHeader(tableBytes) },
      host,
      date: new Date().toISOString().slice(0, 10),
      goals,
      widgetChanged,
    });
    writeBenchmarkSection('network-bench', markdown);
    mkdirSync(RESULTS_DIR, { recursive: true });
    writeFileSync(path.join(RESULTS_DIR, `${NAME}.json`), `${JSON.stringify({ host, loads, summaries, lighthouse, goals }, null, 2)}\n`);
    console.log(markdown);
    console.log(`\n${NAME}: wrote BENCHMARKS.md (network-bench section) and test-results/${NAME}.json`);
    const missed = goals.filter((goal) => goal.met === false);
    if (missed.length) {
      console.error(`${NAME}: goals not met: ${missed.map((goal) => goal.label).join('; ')}`);
      if (options.check) process.exitCode = 1;
    }
  } finally {
    await browser.close();
    await server.stop();
  }
}

await main();
