// The directory layout (`alsobought build --out-dir`, issue 11 items 3 and 4) in the
// browser: a host that ignores Range serves a product page with the entry file and one
// shard (≤ 16 KB before the cards), a 5-item cart's shards go out together (two serial
// round trips), a page straddling a rebuild renders the new build and never a mix of
// two, and the next product page of a visit finds its shard in the HTTP cache.
//
// Evidence comes from the demo server's request log (`/__log`). The log is shared with
// spec files running at the same time, so every test reads its table through a URL
// prefix (or a fixture directory, or a server) no other spec uses.

import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { DEMO_DIR, DEMO_DIRECTORY_URL, demoCatalog, pickDemoProductPage } from '../lib/demo-data.mjs';
import { startDemoServer } from '../lib/environment.mjs';
import {
  buildDirectoryTable,
  DIRECTORY_CATALOG,
  directoryOrders,
  HUB_ID,
  NEIGHBOUR_IDS,
  readDirectoryEntry,
  recommendWithCli,
  SIDE_IDS,
} from '../lib/fixtures.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

/** The budget: table bytes a cold product page needs on a host without Range. */
const MAX_COLD_TABLE_BYTES = 16 * 1024;
const DEMO_DIRECTORY = path.join(DEMO_DIR, 'store');
/** Small enough that the fixture products spread over several shards (SIDE_IDS alone in one). */
const FIXTURE_SHARD_BYTES = 256;

/** The server's request log entries whose path starts with `pathPrefix`, in arrival order. */
async function loggedRequests(baseUrl, pathPrefix) {
  const response = await fetch(`${baseUrl}/__log`);
  assert.equal(response.status, 200, '/__log answers');
  const records = await response.json();
  return records.filter((record) => record.path.startsWith(pathPrefix)).sort((a, b) => a.at_ms - b.at_ms);
}

/** Request paths relative to the table directory, for readable assertion messages. */
function describeRequests(requests, prefix) {
  return JSON.stringify(requests.map(({ path: url, status, range, bytes, at_ms, duration_ms }) => ({
    file: url.slice(prefix.length), status, range, bytes, at_ms, duration_ms,
  })));
}

/** Ids the widget on `hostId` suggested in its latest `alsobought:ready` event. */
async function suggestedIds(session, hostId) {
  const ready = (await session.events('alsobought:ready')).filter((event) => event.hostId === hostId);
  assert.ok(ready.length >= 1, `#${hostId} fired alsobought:ready; console: ${session.describeConsole()}`);
  return ready.at(-1).detail.products.map((product) => product.id);
}

/** Waits until the log holds a request for each of `files` (the widget's prefetch runs after render). */
async function waitForRequests(baseUrl, prefix, files, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const requests = await loggedRequests(baseUrl, prefix);
    const seen = new Set(requests.map((request) => request.path.slice(prefix.length)));
    if (files.every((file) => seen.has(file))) return requests;
    if (Date.now() > deadline) {
      throw new Error(`no request for ${files.filter((file) => !seen.has(file))} within ${timeoutMs} ms: ${describeRequests(requests, prefix)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('directory layout', () => {
  const environment = useEnvironment();
  let demo;
  let demoEntry;
  before(() => {
    assert.ok(existsSync(path.join(DEMO_DIRECTORY, 'entry.bin')), `${DEMO_DIRECTORY}/entry.bin is missing: run \`make demo-data\``);
    demo = pickDemoProductPage();
    demoEntry = readDirectoryEntry(DEMO_DIRECTORY);
  });

  test('a host without Range: the entry and one shard, ≤ 16 KB, no Range header, the CLI\'s suggestions', async () => {
    const prefix = `/__norange${DEMO_DIRECTORY_URL}`;
    await withPage(environment, 'directory-norange', {}, async (session) => {
      await session.goto(hostPage({ table: prefix, product: demo.product, 'max-suggestions': '4' }));
      assert.deepEqual(await session.waitForWidgets(), ['ready'], `console: ${session.describeConsole()}`);
      const widget = await readWidget(session.page, '#widget');
      const suggested = await suggestedIds(session, 'widget');
      assert.deepEqual(suggested, recommendWithCli(`${DEMO_DIRECTORY}/`, [demo.product], { max: 4 }), 'the cards are what `alsobought recommend` suggests');
      assert.equal(widget.cards.length, suggested.length, 'one card per suggestion');

      const productShard = demoEntry.shardFile(demo.product);
      const suggestionShards = suggested.map((id) => demoEntry.shardFile(id));
      const requests = await waitForRequests(environment.baseUrl, prefix, ['entry.bin', productShard]);
      const evidence = describeRequests(requests, prefix);
      const files = requests.map((request) => request.path.slice(prefix.length));
      assert.deepEqual(files.slice(0, 2), ['entry.bin', productShard], `the first two table requests are the entry and the product's shard: ${evidence}`);
      assert.equal(files.filter((file) => file === 'entry.bin').length, 1, `the entry is read once: ${evidence}`);
      for (const file of files.slice(2)) {
        assert.ok(suggestionShards.includes(file), `every later request prefetches a suggestion's shard (${suggestionShards}): ${evidence}`);
      }
      assert.equal(new Set(files).size, files.length, `no file is requested twice: ${evidence}`);
      for (const request of requests) {
        assert.equal(request.range, null, `no request carries a Range header: ${evidence}`);
        assert.equal(request.status, 200, `every table request is answered 200: ${evidence}`);
      }
      const coldBytes = requests[0].bytes + requests[1].bytes;
      assert.ok(coldBytes <= MAX_COLD_TABLE_BYTES, `table bytes before the cards ${coldBytes} > ${MAX_COLD_TABLE_BYTES}: ${evidence}`);
      console.log(`directory layout, cold product page ${demo.product}: entry ${requests[0].bytes} B + shard ${requests[1].bytes} B = ${coldBytes} B`);
      assert.deepEqual(session.scriptConsoleErrors(), [], 'a plain GET host is not an error');
    });
  });

  test('a 5-item cart: the shards go out together after the entry, two serial round trips', async () => {
    const delayMs = 300;
    const prefix = `/__slow/${delayMs}${DEMO_DIRECTORY_URL}`;
    // Five available products in five different shards, the tested product first.
    const catalog = demoCatalog();
    const cart = [];
    const shards = new Set();
    for (const id of [demo.product, ...catalog.keys()]) {
      const shard = demoEntry.shardFile(id);
      if (cart.length < 5 && catalog.get(id)?.available && !shards.has(shard)) {
        cart.push(id);
        shards.add(shard);
      }
    }
    assert.equal(cart.length, 5, 'the demo store has five available products in five shards');
    await withPage(environment, 'directory-cart', {}, async (session) => {
      await session.goto(hostPage({ table: prefix, cart: cart.join(','), 'max-suggestions': '4' }));
      assert.deepEqual(await session.waitForWidgets({ timeoutMs: 20_000 }), ['ready'], `console: ${session.describeConsole()}`);
      assert.ok((await readWidget(session.page, '#widget')).cards.length >= 1, 'cards rendered');
      assert.deepEqual(await suggestedIds(session, 'widget'), recommendWithCli(`${DEMO_DIRECTORY}/`, cart, { max: 4 }), 'the CLI\'s suggestions for the cart');

      const requests = await loggedRequests(environment.baseUrl, prefix);
      const evidence = describeRequests(requests, prefix);
      const fileOf = (request) => request.path.slice(prefix.length);
      const entries = requests.filter((request) => fileOf(request) === 'entry.bin');
      assert.equal(entries.length, 1, `the entry is read once: ${evidence}`);
      const cartShards = requests.filter((request) => shards.has(fileOf(request)));
      assert.deepEqual(cartShards.map(fileOf).sort(), [...shards].sort(), `each cart shard is read once: ${evidence}`);
      const answered = (request) => request.at_ms + request.duration_ms;
      const firstShardAnswered = Math.min(...cartShards.map(answered));
      for (const shard of cartShards) {
        assert.ok(shard.at_ms >= answered(entries[0]), `round trip 1 is the entry, round trip 2 the shards: ${evidence}`);
        assert.ok(shard.at_ms < firstShardAnswered, `every cart shard reached the server before the first was answered: ${evidence}`);
      }
      // Two serial round trips: the last cart shard was answered within one delay of the entry's answer (plus slack).
      const lastShardAnswered = Math.max(...cartShards.map(answered));
      assert.ok(lastShardAnswered - answered(entries[0]) < 2 * delayMs, `the shards took one round trip, not several: ${evidence}`);
    });
  });

  test('a page straddling rebuilds renders the newest build after its own folder\'s 404', async () => {
    const name = 'directory-rebuild';
    const first = buildDirectoryTable(name, DIRECTORY_CATALOG, directoryOrders(), { shardBytes: FIXTURE_SHARD_BYTES });
    const side = SIDE_IDS[0];
    const oldSuggestions = recommendWithCli(`${first.directory}/`, [side]);
    await withPage(environment, name, {}, async (session) => {
      const { page } = session;
      await session.goto('/tests/e2e/pages/spa.html');
      await page.waitForFunction(() => document.documentElement.dataset.spaReady === 'true', null, { timeout: 10_000 });
      await page.evaluate((table) => window.spaApi.mount(document.getElementById('spa-slot'), { table, cart: ['E2E-HUB'], maxSuggestions: 4 }), first.url);
      assert.deepEqual(await session.waitForWidgets(), ['ready'], `first widget; console: ${session.describeConsole()}`);
      const before = await waitForRequests(environment.baseUrl, first.url, ['entry.bin', first.shardFile(HUB_ID)]);
      const oldSideShard = first.shardFile(side);
      assert.ok(!before.some((request) => request.path === first.url + oldSideShard), `precondition: ${side}'s shard was never read: ${describeRequests(before, first.url)}`);

      // The CLI keeps the build an entry.bin replaces (pages and caches may still hold
      // that entry) and drops older ones: two rebuilds take the page's build away.
      const between = buildDirectoryTable(name, DIRECTORY_CATALOG, [...directoryOrders({ laterSeason: true }), [NEIGHBOUR_IDS[0], NEIGHBOUR_IDS[2]]], { shardBytes: FIXTURE_SHARD_BYTES });
      assert.ok(existsSync(path.join(first.directory, first.generation)), 'one rebuild keeps the build it replaced');
      const rebuilt = buildDirectoryTable(name, DIRECTORY_CATALOG, directoryOrders({ laterSeason: true }), { shardBytes: FIXTURE_SHARD_BYTES });
      assert.ok(new Set([first.generation, between.generation, rebuilt.generation]).size === 3, 'three builds, three folders');
      assert.ok(!existsSync(path.join(first.directory, first.generation)), 'the second rebuild removed the page\'s build folder');
      const expected = recommendWithCli(`${rebuilt.directory}/`, [side]);
      assert.notDeepEqual(expected, oldSuggestions, `precondition: the builds suggest differently for ${side}`);

      // updateCart stays in the page view (a mount() would start a new one and read the
      // entry again first): the widget still holds the old entry, so it straddles.
      const readyBefore = (await session.events('alsobought:ready')).length;
      await page.evaluate((side) => window.spaApi.updateCart(document.getElementById('spa-slot'), [side]), side);
      await page.waitForFunction((count) => window.__alsoboughtTest.events.filter((event) => event.type === 'alsobought:ready').length > count, readyBefore, { timeout: 10_000 });
      assert.deepEqual(await suggestedIds(session, 'spa-slot'), expected, 'the new build\'s suggestions, as `alsobought recommend` gives them');

      const requests = await loggedRequests(environment.baseUrl, first.url);
      const evidence = describeRequests(requests, first.url);
      const forFile = (file) => requests.filter((request) => request.path === first.url + file);
      assert.deepEqual(forFile(oldSideShard).map((request) => request.status), [404], `the old folder's shard answered 404 once: ${evidence}`);
      assert.equal(forFile('entry.bin').length, 2, `the entry was read again after the 404, once: ${evidence}`);
      assert.ok(forFile(rebuilt.shardFile(side)).some((request) => request.status === 200), `the new build's shard was read: ${evidence}`);
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), [], 'a rebuild the page straddled is not an error');
    });
  });

  test('an upload mixing two builds renders nothing and says the files come from two builds', async () => {
    const mixed = buildDirectoryTable('directory-mixed', DIRECTORY_CATALOG, directoryOrders(), { shardBytes: FIXTURE_SHARD_BYTES });
    const other = buildDirectoryTable('directory-mixed-other', DIRECTORY_CATALOG, directoryOrders({ laterSeason: true }), { shardBytes: FIXTURE_SHARD_BYTES });
    assert.equal(other.shardBits, mixed.shardBits, 'precondition: both builds name their shards alike');
    // The other build's shard files uploaded under the entry's folder name.
    rmSync(path.join(mixed.directory, mixed.generation), { recursive: true });
    cpSync(path.join(other.directory, other.generation), path.join(mixed.directory, mixed.generation), { recursive: true });

    await withPage(environment, 'directory-mixed', {}, async (session) => {
      await session.goto(hostPage({ table: mixed.url, product: HUB_ID }));
      assert.deepEqual(await session.waitForWidgets(), ['error'], `console: ${session.describeConsole()}`);
      const widget = await readWidget(session.page, '#widget');
      assert.deepEqual([widget.section, widget.cards.length], [null, 0], 'nothing is rendered');
      await session.page.waitForTimeout(300);
      const errors = session.scriptConsoleErrors();
      assert.equal(errors.length, 1, `exactly one console error: ${JSON.stringify(errors)}`);
      assert.match(errors[0].text, /files of two builds/, 'the console error says the files come from two builds');
      const requests = await loggedRequests(environment.baseUrl, mixed.url);
      const entries = requests.filter((request) => request.path === `${mixed.url}entry.bin`);
      assert.equal(entries.length, 2, `the entry is read again once, then the widget gives up: ${describeRequests(requests, mixed.url)}`);
      assert.deepEqual(session.pageErrors, []);
    });
  });

  describe('served as a CDN serves it', () => {
    let cdn;
    before(async () => {
      cdn = await startDemoServer({ args: ['--cache', 'cdn'] });
    });
    after(async () => {
      await cdn?.stop();
    });

    test('the next product page finds its shard in the HTTP cache (prefetched after the first page rendered)', async () => {
      await withPage({ ...environment, baseUrl: cdn.baseUrl }, 'directory-next-page', {}, async (session) => {
        await session.goto(hostPage({ table: DEMO_DIRECTORY_URL, product: demo.product, 'max-suggestions': '4' }));
        assert.deepEqual(await session.waitForWidgets(), ['ready'], `first page; console: ${session.describeConsole()}`);
        const firstSuggestions = await suggestedIds(session, 'widget');
        const next = firstSuggestions.find((id) => demoEntry.shardFile(id) !== demoEntry.shardFile(demo.product));
        assert.ok(next, `precondition: a suggestion of ${demo.product} lives in another shard: ${firstSuggestions}`);
        const nextShard = demoEntry.shardFile(next);
        await waitForRequests(cdn.baseUrl, DEMO_DIRECTORY_URL, [nextShard]);

        await session.goto(hostPage({ table: DEMO_DIRECTORY_URL, product: next, 'max-suggestions': '4' }));
        assert.deepEqual(await session.waitForWidgets(), ['ready'], `next page; console: ${session.describeConsole()}`);
        assert.deepEqual(await suggestedIds(session, 'widget'), recommendWithCli(`${DEMO_DIRECTORY}/`, [next], { max: 4 }), 'the CLI\'s suggestions');
        const requests = await loggedRequests(cdn.baseUrl, DEMO_DIRECTORY_URL);
        const evidence = describeRequests(requests, DEMO_DIRECTORY_URL);
        const count = (file) => requests.filter((request) => request.path === DEMO_DIRECTORY_URL + file).length;
        assert.equal(count(nextShard), 1, `${next}'s shard reached the server once, as the first page's prefetch: ${evidence}`);
        assert.equal(count('entry.bin'), 1, `the entry (max-age=60) came from the HTTP cache too: ${evidence}`);
      });
    });
  });
});
