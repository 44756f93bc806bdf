// Lazy loading (issue 11, item 5): a `data-loading="lazy"` host below the fold costs
// nothing until the shopper scrolls near it. No table request (the demo server's
// `/__log`) and, when every host of the page is lazy, no wasm request (the browser's own
// request events) before it comes within a viewport of being seen; cards once it does;
// an eager host on the same page loads at once while the lazy one waits; the JS API's
// `loading` option does the same; an unknown value warns and loads eagerly.
//
// The log is shared with spec files running at the same time, so each table URL carries
// a query string unique to its test (the server ignores it) to tell its requests apart.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { before, describe, test } from 'node:test';
import { DEMO_TABLE_URL, pickDemoProductPage } from '../lib/demo-data.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

/** Long enough for an eager widget to have started every read on loopback. */
const QUIET_MS = 1500;

/** The server's request log entries for `tableUrl` (its unique query included). */
async function tableRequests(baseUrl, tableUrl) {
  const response = await fetch(`${baseUrl}/__log`);
  assert.equal(response.status, 200, '/__log answers');
  const records = await response.json();
  return records.filter((record) => record.path === tableUrl && record.method === 'GET');
}

function uniqueTableUrl() {
  return `${DEMO_TABLE_URL}?e2e=${randomUUID()}`;
}

function lazyPage(query) {
  return `/tests/e2e/pages/lazy.html?${new URLSearchParams(query)}`;
}

/** Records the URL of every wasm request the page makes, from before it loads. */
function recordWasmRequests(page) {
  const urls = [];
  page.on('request', (request) => {
    if (new URL(request.url()).pathname.endsWith('.wasm')) urls.push(request.url());
  });
  return urls;
}

function waitForState(page, selector, state) {
  return page.waitForFunction(
    ([selector, state]) => document.querySelector(selector)?.getAttribute('data-alsobought-state') === state,
    [selector, state],
    { timeout: 15_000 },
  );
}

/** Scrolls so that the top of `selector` is half a viewport below the visible area. */
function scrollToHalfAViewportAbove(page, selector) {
  return page.evaluate((selector) => {
    const top = document.querySelector(selector).getBoundingClientRect().top + scrollY;
    scrollTo(0, top - 1.5 * innerHeight);
  }, selector);
}

/** Where `selector` is: its top relative to the viewport, its height, the viewport's. */
function placeOf(page, selector) {
  return page.evaluate((selector) => {
    const box = document.querySelector(selector).getBoundingClientRect();
    return { top: box.top, height: box.height, viewport: innerHeight };
  }, selector);
}

describe('lazy loading', () => {
  const environment = useEnvironment();
  let product;
  before(() => {
    product = pickDemoProductPage().product;
  });

  test('a lazy host far below the fold fetches neither wasm nor table until scrolled near, then renders', async () => {
    await withPage(environment, 'lazy-only', {}, async (session) => {
      const wasmRequests = recordWasmRequests(session.page);
      const table = uniqueTableUrl();
      await session.goto(lazyPage({ table, product }));
      await session.page.waitForTimeout(QUIET_MS);

      const far = await placeOf(session.page, '#below');
      assert.ok(far.top > 2 * far.viewport, `the host starts more than a viewport below the fold: ${JSON.stringify(far)}`);
      assert.ok(far.height > 100, `alsobought.css reserves the host's height before anything loads: ${JSON.stringify(far)}`);
      assert.deepEqual(await tableRequests(environment.baseUrl, table), [], 'no table request before scrolling');
      assert.deepEqual(wasmRequests, [], 'no wasm request before scrolling');
      assert.equal(await session.page.evaluate(() => window.alsoboughtImported), null, 'the module waits with its only host');

      await scrollToHalfAViewportAbove(session.page, '#below');
      await waitForState(session.page, '#below', 'ready');
      const near = await placeOf(session.page, '#below');
      assert.ok(near.top > near.viewport, `the cards were there before the host came into view: ${JSON.stringify(near)}`);
      assert.equal(near.height, far.height, 'the rendered widget fills exactly the reserved height');
      const widget = await readWidget(session.page, '#below');
      assert.ok(widget.cards.length >= 1, `cards rendered; console: ${session.describeConsole()}`);
      assert.equal(wasmRequests.length, 1, `the wasm was fetched once: ${JSON.stringify(wasmRequests)}`);
      const reads = await tableRequests(environment.baseUrl, table);
      assert.ok(reads.length >= 1, 'the table was read once near');
      assert.equal(reads.filter((read) => read.range === 'bytes=0-4095').length, 1, `one first read: ${JSON.stringify(reads)}`);
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('an eager host above loads at once while the lazy host below waits for its reads', async () => {
    await withPage(environment, 'lazy-with-eager', {}, async (session) => {
      const wasmRequests = recordWasmRequests(session.page);
      const aboveTable = uniqueTableUrl();
      const belowTable = uniqueTableUrl();
      await session.goto(lazyPage({ above: product, 'above-table': aboveTable, table: belowTable, product }));
      await waitForState(session.page, '#above', 'ready');
      await session.page.waitForTimeout(QUIET_MS);

      assert.equal(wasmRequests.length, 1, 'the eager host needs the wasm at once');
      assert.ok((await tableRequests(environment.baseUrl, aboveTable)).length >= 1, 'the eager host read its table');
      assert.deepEqual(await tableRequests(environment.baseUrl, belowTable), [], 'the lazy host read nothing yet');
      assert.equal(await session.page.getAttribute('#below', 'data-alsobought-state'), 'loading', 'mounted, waiting, its height kept');

      await session.page.locator('#below').scrollIntoViewIfNeeded();
      await waitForState(session.page, '#below', 'ready');
      assert.ok((await tableRequests(environment.baseUrl, belowTable)).length >= 1, 'the lazy host read its table once near');
      assert.equal(wasmRequests.length, 1, 'the wasm is not fetched again');
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test("the JS API's loading option: the import resolves at once, the table reads wait", async () => {
    await withPage(environment, 'lazy-api', {}, async (session) => {
      const table = uniqueTableUrl();
      await session.goto(lazyPage({ table, product, api: '1' }));
      await session.page.waitForFunction(() => window.alsoboughtImported !== null, null, { timeout: 15_000 });
      await waitForState(session.page, '#below', 'loading');
      await session.page.waitForTimeout(QUIET_MS);
      assert.deepEqual(await tableRequests(environment.baseUrl, table), [], 'no table request before scrolling');

      await session.page.locator('#below').scrollIntoViewIfNeeded();
      await waitForState(session.page, '#below', 'ready');
      assert.ok((await tableRequests(environment.baseUrl, table)).length >= 1, 'the table was read once near');
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('an unknown data-loading value warns, naming the attribute, and loads eagerly', async () => {
    await withPage(environment, 'lazy-invalid', {}, async (session) => {
      const table = uniqueTableUrl();
      await session.goto(lazyPage({ table, product, loading: 'later' }));
      await waitForState(session.page, '#below', 'ready');
      const place = await placeOf(session.page, '#below');
      assert.ok(place.top > 2 * place.viewport, `rendered without scrolling: ${JSON.stringify(place)}`);
      assert.ok((await tableRequests(environment.baseUrl, table)).length >= 1, 'the table was read without scrolling');
      const warnings = session.console.filter((message) => message.type === 'warning').map((message) => message.text);
      assert.deepEqual(warnings, ['alsobought: data-loading="later" is not one of eager, lazy; using eager']);
    });
  });
});
