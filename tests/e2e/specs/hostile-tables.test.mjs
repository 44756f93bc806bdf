// Hostile table bytes in the browser (issue 15 item 3): a table whose header promises
// more than the file has, whose directory points past the end or into itself, whose
// neighbour lists repeat or loop, or whose card text is megabytes long, in the single
// file and the directory layout (tests/e2e/lib/hostile-tables.mjs says which field each
// rewrites). Each must settle within the timeout, render nothing and say why (or render
// a bounded result), and never freeze the page: no long task over 50 ms attributable to
// the widget (its scripts and the rendering they cause, by Long Animation Frame timing).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { FIXTURE_TABLES, FIXTURE_URL, HUB_ID } from '../lib/fixtures.mjs';
import { LONG_TITLE_BYTES, LONG_TITLE_ID, MEGABYTES_TITLE_BYTES, writeHostileTables } from '../lib/hostile-tables.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

const MAX_SUGGESTIONS = 4;
/** What the widget may spend on a table before it must have settled. */
const SETTLE_MS = 10_000;
/** The longest the widget may keep the page busy in one frame: a long task's threshold. */
const LONG_TASK_MS = 50;
/** The longest text a card may show: a title is a line or two, never a document. */
const CARD_TEXT_LIMIT = 1_000;

/** What the widget says of a part over its 1 MiB read limit (src/loader/load_error.rs). */
const TOO_LARGE = /a part of \d+ bytes, over the 1 MiB limit/;

/** Each case: `error` with what the one console line must say, or `bounded`. */
const CASES = [
  { name: 'promises-more', what: 'the header, root and last leaf promise 1 MiB more than the file has', error: /server has \d+ bytes but the table header says/ },
  { name: 'root-into-itself', what: 'a root entry points back into the root directory', error: /must not decrease/ },
  { name: 'leaf-past-end', what: "the product's leaf entry runs 1 MiB past the end", error: /add up to/ },
  { name: 'neighbours-repeat', what: 'the neighbour list names one product again and again', bounded: true },
  { name: 'neighbours-loop', what: 'the neighbour list loops back to the product itself', error: /lists itself/ },
  { name: 'megabytes-title', what: `a neighbour's title is ${MEGABYTES_TITLE_BYTES} bytes`, error: TOO_LARGE },
  { name: 'long-title', what: `a neighbour's title is ${LONG_TITLE_BYTES} bytes`, bounded: true, longTitle: true },
  { name: 'directory entry-promises-more', what: "entry.bin's entry_length promises 1 MiB more", error: /truncat/i },
  { name: 'directory shard-count-past-end', what: "the product's shard claims 2^28 products", error: /truncat/i },
  { name: 'directory neighbours-repeat', what: 'the neighbour list in the shard names one product again and again', bounded: true },
  { name: 'directory shard-of-megabytes', what: "the product's shard is 2 MiB longer than its bundles", error: TOO_LARGE },
  { name: 'directory megabytes-title', what: `a neighbour's title is ${MEGABYTES_TITLE_BYTES} bytes, in a shard`, error: TOO_LARGE },
  { name: 'directory long-title', what: `a neighbour's title is ${LONG_TITLE_BYTES} bytes, in a shard`, bounded: true, longTitle: true },
];

// Runs in the page before its scripts: every long task, and every long animation frame
// with the scripts that ran in it (Chrome's attribution: which file's callback ran how long).
function recordLongTasks() {
  const record = { tasks: [], frames: [] };
  Object.defineProperty(window, '__longTasks', { value: record });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) record.tasks.push({ start: entry.startTime, duration: entry.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      record.frames.push({
        start: entry.startTime,
        duration: entry.duration,
        // The style, layout and paint that ended the frame (what a DOM change costs).
        render: entry.renderStart > 0 ? entry.startTime + entry.duration - entry.renderStart : 0,
        scripts: entry.scripts.map((script) => ({ source: script.sourceURL, invoker: script.invoker, duration: script.duration })),
      });
    }
  }).observe({ type: 'long-animation-frame', buffered: true });
}

/**
 * The widget's share of the page's long frames once it started (the `alsobought:started`
 * mark; its start-up before that, instantiation and the Intl warm-up of src/startup.js,
 * is the same whatever the table, and `make bench` measures it): for each frame in which
 * one of its scripts ran (alsobought.js and the wasm it calls), its scripts' time plus the
 * frame's rendering, which its DOM changes caused. The host page's own work is not the
 * widget's; the raw long tasks are returned for the record.
 */
function widgetWork(page) {
  return page.evaluate(() => {
    const { tasks, frames } = window.__longTasks;
    const started = performance.getEntriesByName('alsobought:started')[0]?.startTime ?? 0;
    const widgetFrames = frames
      .filter((frame) => frame.start >= started)
      .map((frame) => {
        const scripts = frame.scripts.filter((script) => /\/alsobought\//.test(script.source));
        const scriptMs = scripts.reduce((sum, script) => sum + script.duration, 0);
        return { start: frame.start, scripts, busyMs: scriptMs + frame.render };
      })
      .filter((frame) => frame.scripts.length > 0);
    return { tasks, widgetFrames };
  });
}

/** The busiest widget frame (ms) of a fresh page showing `table`, once it settled. */
async function busiestWidgetFrame(environment, table) {
  return withPage(environment, 'hostile-remeasure', {}, async (session) => {
    await session.page.addInitScript(recordLongTasks);
    await session.goto(hostPage({ table, product: HUB_ID, 'max-suggestions': String(MAX_SUGGESTIONS), timeout: '5000' }));
    await session.waitForWidgets({ timeoutMs: SETTLE_MS });
    await session.page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
    const { widgetFrames } = await widgetWork(session.page);
    return Math.max(0, ...widgetFrames.map((frame) => frame.busyMs));
  });
}

describe('hostile table bytes render nothing, or a bounded result, without freezing the page', () => {
  const environment = useEnvironment();
  let tables;
  before(() => {
    tables = writeHostileTables();
  });

  for (const hostile of CASES) {
    test(`${hostile.name}: ${hostile.what}`, async () => {
      const table = tables[hostile.name];
      assert.ok(table, `no hostile table ${hostile.name}`);
      await withPage(environment, `hostile-${hostile.name.replace(/\W+/g, '-')}`, {}, async (session) => {
        const { page } = session;
        await page.addInitScript(recordLongTasks);
        const started = Date.now();
        await session.goto(hostPage({ table, product: HUB_ID, 'max-suggestions': String(MAX_SUGGESTIONS), timeout: '5000' }));
        const [state] = await session.waitForWidgets({ timeoutMs: SETTLE_MS });
        const settledMs = Date.now() - started;
        // Rendering a settled widget is the last work it does: let it reach the screen.
        await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 50))));
        const widget = await readWidget(page, '#widget');

        if (hostile.error) {
          assert.equal(state, 'error', `renders nothing; console: ${session.describeConsole()}`);
          assert.deepEqual([widget.cards.length, widget.section], [0, null], 'no card, no region');
          const errors = session.scriptConsoleErrors();
          assert.equal(errors.length, 1, `one console error: ${JSON.stringify(errors)}`);
          assert.ok(errors[0].text.includes(table), `it names the table: ${errors[0].text}`);
          assert.match(errors[0].text, hostile.error, 'it says why');
          const [event] = await session.events('alsobought:error');
          assert.match(event?.detail?.message ?? '', hostile.error, 'alsobought:error says why');
        } else {
          assert.ok(['ready', 'empty'].includes(state), `renders a result; console: ${session.describeConsole()}`);
          const ids = (await session.events('alsobought:ready')).at(-1)?.detail.products.map((product) => product.id) ?? [];
          assert.ok(ids.length <= MAX_SUGGESTIONS, `at most ${MAX_SUGGESTIONS} suggestions: ${ids}`);
          assert.equal(new Set(ids).size, ids.length, `no product twice: ${ids}`);
          assert.ok(!ids.includes(HUB_ID), 'the product itself is not suggested');
          assert.equal(widget.cards.length, ids.length, 'one card per suggestion');
          for (const card of widget.cards) {
            const text = `${card.name ?? ''}${card.label ?? ''}`;
            assert.ok(text.length <= 2 * CARD_TEXT_LIMIT, `${card.href}: the card's text is bounded (${text.length} characters)`);
          }
          if (hostile.longTitle) {
            assert.ok(ids.includes(LONG_TITLE_ID), `the long-titled product is shown (the test means something): ${ids}`);
            const { detail } = (await session.events('alsobought:ready')).at(-1);
            const title = detail.products.find((product) => product.id === LONG_TITLE_ID).title;
            assert.ok(title.length <= CARD_TEXT_LIMIT, `the event's title is bounded (${title.length} characters)`);
          }
          assert.deepEqual(session.scriptConsoleErrors(), []);
        }

        const work = await widgetWork(page);
        console.log(`${hostile.name}: settled ${state} in ${settledMs} ms; widget frames ${JSON.stringify(work.widgetFrames)}; long tasks ${JSON.stringify(work.tasks)}`);
        assert.ok(settledMs < SETTLE_MS, `settled within ${SETTLE_MS} ms (${settledMs})`);
        let busiest = Math.max(0, ...work.widgetFrames.map((frame) => frame.busyMs));
        if (busiest > LONG_TASK_MS) {
          // A shared 2-core machine stretches any task now and then: over budget twice
          // in a row is the widget's doing, unless the valid table of the same layout,
          // measured right then, is as slow (the machine is busy).
          busiest = Math.min(busiest, await busiestWidgetFrame(environment, table));
          const valid = table.endsWith('/') ? `${FIXTURE_URL}/hostile-valid-directory/` : FIXTURE_TABLES.shop;
          const baseline = busiest > LONG_TASK_MS ? await busiestWidgetFrame(environment, valid) : 0;
          assert.ok(
            busiest <= LONG_TASK_MS || busiest <= 1.5 * baseline,
            `the widget kept the page busy ${busiest.toFixed(0)} ms in one frame, twice: over ${LONG_TASK_MS} ms, ` +
              `and over 1.5 × the ${baseline.toFixed(0)} ms it takes on the valid table now`,
          );
        }
        assert.deepEqual(session.pageErrors, [], 'no uncaught exception');
        await page.locator('#host-button').click({ timeout: 2_000 });
        assert.equal(await page.locator('#host-clicks').textContent(), '1', 'the host page still works');
      });
    });
  }
});
