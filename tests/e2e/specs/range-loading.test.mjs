// Range loading, the reason the table format has a prefix and buckets: a product page
// must fetch only a few small byte ranges of the demo table (every answer a 206), never
// the whole file; and when a server ignores Range (`/__norange/`), the widget must still
// render from the whole file. Evidence comes from the demo server's request log
// (`/__log`), and the figures are written to test-results/e2e/range-figures.json.
//
// The log is shared with spec files running at the same time, so the table URL carries a
// query string unique to this test (the server ignores it) to tell its requests apart.

import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { DEMO_TABLE_URL, demoTableFacts, pickDemoProductPage } from '../lib/demo-data.mjs';
import { RESULTS_DIR } from '../lib/environment.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

/** Budget for one product page on the demo table (docs: the product contract). */
const MAX_RANGE_REQUESTS = 4;
const MAX_RANGE_BYTES = 16 * 1024;

/** The server's request log entries whose path starts with `pathPrefix`. */
async function loggedRequests(baseUrl, pathPrefix) {
  const response = await fetch(`${baseUrl}/__log`);
  assert.equal(response.status, 200, '/__log answers');
  const records = await response.json();
  return records.filter((record) => record.path.startsWith(pathPrefix));
}

describe('range loading', () => {
  const environment = useEnvironment();
  let demo;
  let table;
  before(() => {
    demo = pickDemoProductPage();
    table = demoTableFacts();
  });

  test('a product page fetches only a few small ranges of the demo table', async () => {
    await withPage(environment, 'range-loading', {}, async (session) => {
      const tableUrl = `${DEMO_TABLE_URL}?e2e=${randomUUID()}`;
      await session.goto(hostPage({ table: tableUrl, product: demo.product }));
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.length >= 1, 'cards rendered');
      // Byte counts are final once the bodies were read; give the server a moment.
      await session.page.waitForTimeout(200);

      const requests = await loggedRequests(environment.baseUrl, tableUrl);
      const figures = {
        product: demo.product,
        tableBytes: table.bytes,
        prefixBytes: table.header.leafOffset,
        requests: requests.map(({ method, range, status, bytes }) => ({ method, range, status, bytes })),
        requestCount: requests.filter((request) => request.method === 'GET').length,
        bytesFetched: requests.reduce((sum, request) => sum + request.bytes, 0),
      };
      mkdirSync(path.join(RESULTS_DIR, 'e2e'), { recursive: true });
      writeFileSync(path.join(RESULTS_DIR, 'e2e', 'range-figures.json'), `${JSON.stringify(figures, null, 2)}\n`);
      const evidence = JSON.stringify(figures.requests);

      assert.ok(figures.requestCount >= 1, 'the table was requested');
      assert.ok(table.bytes > MAX_RANGE_BYTES, `the demo table (${table.bytes} B) is larger than the budget, so the test means something`);
      for (const request of requests.filter((request) => request.method === 'GET')) {
        assert.ok(request.range, `every table request asks for a Range: ${evidence}`);
        // 304: the browser revalidated a range it already holds in its HTTP cache.
        assert.ok([206, 304].includes(request.status), `every table request is answered 206 (or 304): ${evidence}`);
      }
      assert.ok(figures.requestCount <= MAX_RANGE_REQUESTS, `${figures.requestCount} table requests > ${MAX_RANGE_REQUESTS}: ${evidence}`);
      assert.ok(figures.bytesFetched <= MAX_RANGE_BYTES, `${figures.bytesFetched} table bytes > ${MAX_RANGE_BYTES}: ${evidence}`);
      assert.ok(figures.bytesFetched < table.bytes, 'less than the whole table was fetched');
    });
  });

  test('the first table read starts with the module, before the wasm, and is made once', async () => {
    await withPage(environment, 'range-first-read', {}, async (session) => {
      const tableUrl = `${DEMO_TABLE_URL}?e2e=${randomUUID()}`;
      await session.goto(hostPage({ table: tableUrl, product: demo.product }));
      await session.waitForWidgets();
      await session.page.waitForTimeout(200);
      const requests = (await loggedRequests(environment.baseUrl, tableUrl)).filter((request) => request.method === 'GET');
      const firstReads = requests.filter((request) => request.range === 'bytes=0-4095');
      assert.equal(firstReads.length, 1, `the start-up code's first read is the widget's, not a second one: ${JSON.stringify(requests)}`);
      const starts = await session.page.evaluate((table) => {
        const entries = performance.getEntriesByType('resource');
        const start = (match) => entries.find((entry) => match(new URL(entry.name)))?.startTime ?? null;
        return {
          table: start((url) => url.pathname + url.search === table),
          wasm: start((url) => url.pathname.endsWith('.wasm')),
        };
      }, tableUrl);
      assert.ok(starts.table !== null && starts.wasm !== null, `both requests were timed: ${JSON.stringify(starts)}`);
      assert.ok(starts.table <= starts.wasm, `the table read started before the wasm download: ${JSON.stringify(starts)}`);
    });
  });

  test('a server that ignores Range still gets the widget rendered from the whole file', async () => {
    await withPage(environment, 'range-ignored', {}, async (session) => {
      const tableUrl = `/__norange${DEMO_TABLE_URL}?e2e=${randomUUID()}`;
      await session.goto(hostPage({ table: tableUrl, product: demo.product }));
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.length >= 1, 'cards rendered');
      await session.page.waitForTimeout(200);
      const requests = await loggedRequests(environment.baseUrl, tableUrl);
      assert.ok(requests.length >= 1, 'the table was requested');
      assert.ok(requests.every((request) => request.status === 200), `answers were 200s: ${JSON.stringify(requests)}`);
      const downloads = requests.filter((request) => request.method === 'GET');
      assert.equal(downloads.length, 1, `the whole file, once received, is reused: ${JSON.stringify(requests)}`);
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), [], 'a 200 instead of a 206 is not an error');
    });
  });
});
