// How one page load of the widget splits into phases, shared by bench-widget.mjs and
// bench-scale.mjs so both report the same phases the same way.
// Why it exists: "time to cards" alone does not say what to fix; the split does. The
// table's first read starts in alsobought.js's start-up code, beside the wasm download
// (scripts/build-widget.sh), so table time overlaps the module fetch; the start-up
// code's `alsobought:started` mark (instantiated, hosts mounted) separates the wasm's
// own cost from the table ranges still in flight after it.

/** The phases, in report order: [label, key of `loadPhases`]. */
export const LOAD_PHASES = [
  ['  module fetch (alsobought.js start → .wasm response end)', 'moduleFetch'],
  ['  wasm instantiate + mount (.wasm end → `alsobought:started` mark)', 'instantiate'],
  ['  table ranges (first request start → last response end; the first read runs beside the module fetch)', 'tableRanges'],
  ['  table ranges still in flight after the mark', 'tableAfterStart'],
  ['  render (the later of the mark and the last table response → first card)', 'render'],
];

/**
 * Runs in the page (page.evaluate: self-contained) once the cards are there: resource
 * timing of the widget's files and of `tablePath`, and the widget's marks.
 */
export function readLoadTimeline(tablePath) {
  const resources = performance.getEntriesByType('resource');
  const find = (suffix) => resources.find((entry) => new URL(entry.name).pathname.endsWith(suffix));
  const script = find('/alsobought/alsobought.js');
  const wasm = find('.wasm');
  const table = resources.filter((entry) => new URL(entry.name).pathname === tablePath);
  const marks = [...performance.getEntriesByType('mark'), ...performance.getEntriesByType('measure')]
    .filter((entry) => entry.name.startsWith('alsobought'))
    .map((entry) => ({ name: entry.name, type: entry.entryType, start: entry.startTime, duration: entry.duration }));
  return {
    htmlEnd: performance.getEntriesByType('navigation')[0]?.responseEnd ?? null,
    script: script && { start: script.startTime, end: script.responseEnd, transfer: script.transferSize },
    wasm: wasm && { start: wasm.startTime, end: wasm.responseEnd, transfer: wasm.transferSize },
    table: table.map((entry) => ({ start: entry.startTime, end: entry.responseEnd, transfer: entry.transferSize })),
    marks,
  };
}

/** Splits a load (first card at `cardsAt`, timeline from `readLoadTimeline`) into phases, in ms. */
export function loadPhases(cardsAt, timeline) {
  const span = (from, to) => (from !== null && to !== null ? to - from : null);
  const firstTable = timeline.table.length ? Math.min(...timeline.table.map((entry) => entry.start)) : null;
  const lastTable = timeline.table.length ? Math.max(...timeline.table.map((entry) => entry.end)) : null;
  const moduleEnd = timeline.wasm?.end ?? timeline.script?.end ?? null;
  const started = timeline.marks.find((mark) => mark.name === 'alsobought:started')?.start ?? null;
  return {
    total: cardsAt,
    html: timeline.htmlEnd,
    moduleFetch: span(timeline.script?.start ?? null, moduleEnd),
    instantiate: span(moduleEnd, started),
    tableRanges: span(firstTable, lastTable),
    tableAfterStart: started !== null && lastTable !== null ? Math.max(0, lastTable - started) : null,
    render: lastTable !== null ? cardsAt - Math.max(lastTable, started ?? 0) : null,
  };
}

/** What `signalSettled` logs (console.debug) once a widget is ready or has failed. */
export const SETTLED_MESSAGE = 'alsobought-bench:settled';

/**
 * Runs in the page before its scripts (`page.addInitScript(signalSettled, SETTLED_MESSAGE)`):
 * logs `message` at the widget's `alsobought:ready` (its cards are rendered) or
 * `alsobought:error`, for `navigateUntilSettled`.
 */
export function signalSettled(message) {
  for (const type of ['alsobought:ready', 'alsobought:error']) {
    document.addEventListener(type, () => console.debug(message), { capture: true, once: true });
  }
}

/**
 * Runs `navigate` (a goto or a reload) and resolves once the page logs SETTLED_MESSAGE
 * (`signalSettled`), or after `timeout` ms.
 * Why not `page.waitForFunction`: polling injects Playwright's utility script (about
 * 12 ms of main thread in a trace) and runs a check every 25 ms, in the middle of the
 * load being measured (the page's `load` event fires before the wasm has arrived).
 * Listening for a console message takes nothing from the page.
 */
export async function navigateUntilSettled(page, navigate, timeout) {
  const settled = page
    .waitForEvent('console', { predicate: (message) => message.text() === SETTLED_MESSAGE, timeout })
    .catch(() => {});
  await navigate();
  await settled;
}
