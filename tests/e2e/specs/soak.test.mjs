// A long life in a single-page storefront (issue 15 item 2, issue 14 item 3): the
// headless page of docs/install/headless.md, whose router mounts the widget on each
// route and unmounts it on leaving, goes through 1,000 route changes with cart updates,
// the table being rebuilt on the server halfway. Afterwards the page must hold what it
// held before: listeners and observers back to their count, the wasm memory and the JS
// heap within a stated bound, no request pending; and every route must have shown the
// suggestions the CLI gives for its context, from the table current at the time.

import assert from 'node:assert/strict';
import { copyFileSync, renameSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { FIXTURE_DIR, FIXTURE_TABLES, FIXTURE_URL, HUB_ID, NEIGHBOUR_IDS, SHOP_CATALOG, buildTable, recommendWithCli, shopOrders } from '../lib/fixtures.mjs';
import { openHeadless } from '../lib/headless.mjs';
import { attachLifecycleProbe } from '../lib/lifecycle-probe.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';

const CYCLES = 1_000;
/** Cycles run per round trip to the page (progress shows between them). */
const BATCH = 250;
/** Bounds the figures must return within (BENCHMARKS.md, "Soak"). */
const WASM_GROWTH_LIMIT = 1024 * 1024;
const HEAP_GROWTH_LIMIT = 1024 * 1024;
const SHOP_FILE = path.join(FIXTURE_DIR, 'shop.table');
const SOAK_FILE = path.join(FIXTURE_DIR, 'soak.table');
const SOAK_TABLE = `${FIXTURE_URL}/soak.table`;

/**
 * Runs cycles `from..to` in the page: each enters a product route with a cart (mount),
 * changes the cart (updateCart), every fourth one also visits the cart route, then goes
 * home (unmount). Returns the suggestions each context showed, widgets seen at once,
 * errors and cycle times.
 */
function runCycles({ from, to, products, neighbours }) {
  const router = window.headless;
  const outlet = document.getElementById('app');
  // The next widget event from the route's host, registered before the call that causes it.
  const settled = (action) =>
    new Promise((resolve, reject) => {
      const finish = (outcome) => {
        clearTimeout(timer);
        document.removeEventListener('alsobought:ready', onEvent);
        document.removeEventListener('alsobought:error', onEvent);
        outcome();
      };
      const onEvent = (event) => {
        if (!outlet.contains(event.target)) return;
        finish(() => resolve(event));
      };
      const timer = setTimeout(() => finish(() => reject(new Error(`no ready/error event within 5 s (${location.pathname})`))), 5_000);
      document.addEventListener('alsobought:ready', onEvent);
      document.addEventListener('alsobought:error', onEvent);
      action();
    });
  const shown = {};
  const conflicts = [];
  const errors = [];
  const times = [];
  let mostHosts = 0;
  const record = (context, event) => {
    mostHosts = Math.max(mostHosts, document.querySelectorAll('[data-alsobought-state]').length);
    if (event.type === 'alsobought:error') return errors.push(`${context}: ${event.detail.message}`);
    const ids = event.detail.products.map((product) => product.id).join(',');
    if (shown[context] !== undefined && shown[context] !== ids) conflicts.push(`${context}: ${shown[context]} then ${ids}`);
    shown[context] = ids;
  };
  return (async () => {
    for (let cycle = from; cycle < to; cycle++) {
      const started = performance.now();
      const product = products[cycle % products.length];
      const cart = [neighbours[cycle % neighbours.length]];
      const grown = [...cart, neighbours[(cycle + 3) % neighbours.length]];
      router.setCart(cart);
      record(`${product}|${cart}`, await settled(() => router.navigate(`/products/${product}`)));
      record(`${product}|${grown}`, await settled(() => router.setCart(grown)));
      if (cycle % 4 === 0) record(`|${grown}`, await settled(() => router.navigate('/cart')));
      router.navigate('/');
      times.push(performance.now() - started);
    }
    return { shown, conflicts, errors, times, mostHosts, hostsLeft: document.querySelectorAll('[data-alsobought-state]').length };
  })();
}

/** The CLI's suggestions for every context the page showed, compared with what it showed. */
function wrongSuggestions(table, shown) {
  return Object.entries(shown).flatMap(([context, ids]) => {
    const [product, cart] = context.split('|');
    const expected = recommendWithCli(table, [...(product ? [product] : []), ...cart.split(',')]).join(',');
    return expected === ids ? [] : [`${context}: showed ${ids}, the CLI says ${expected}`];
  });
}

/** Empties the suite recorder's arrays (it keeps every event), so they weigh nothing in the heap. */
function clearRecorder(page) {
  return page.evaluate(() => {
    for (const list of Object.values(window.__alsoboughtTest)) list.length = 0;
  });
}

describe('a long life in a single-page storefront', () => {
  const environment = useEnvironment();

  test('the headless router: product A, product B, cart, back; the right suggestions, one widget at a time', async () => {
    await withPage(environment, 'headless-routes', {}, async (session) => {
      const { page } = session;
      await openHeadless(session, FIXTURE_TABLES.shop);
      const visit = async (action, context) => {
        const before = (await session.events('alsobought:ready')).length;
        await action();
        await page.waitForFunction((count) => window.__alsoboughtTest.events.filter((event) => event.type === 'alsobought:ready').length > count, before, { timeout: 10_000 });
        const hosts = await page.evaluate(() => [...document.querySelectorAll('[data-alsobought-state]')].map((host) => host.dataset.alsoboughtState));
        assert.deepEqual(hosts, ['ready'], `one widget on ${page.url()}; console: ${session.describeConsole()}`);
        const shown = (await session.events('alsobought:ready')).at(-1).detail.products.map((product) => product.id);
        const expected = recommendWithCli(SHOP_FILE, context);
        assert.deepEqual(shown, expected, `suggestions on ${new URL(page.url()).pathname} for ${context}`);
      };
      const [productB] = NEIGHBOUR_IDS;
      // A click on the app's own link (the router's delegated click), then programmatic navigation.
      await visit(() => page.click('a[href="/products/E2E-HUB"]'), [HUB_ID]);
      await visit(() => page.evaluate((id) => window.headless.navigate(`/products/${id}`), productB), [productB]);
      await page.evaluate((ids) => window.headless.setCart(ids), [HUB_ID, productB]);
      await page.waitForFunction(() => window.__alsoboughtTest.events.filter((event) => event.type === 'alsobought:ready').length >= 3);
      await visit(() => page.click('a[href="/cart"]'), [HUB_ID, productB]);
      await visit(() => page.goBack(), [productB, HUB_ID]);
      assert.equal(new URL(page.url()).pathname, `/products/${productB}`, 'back returns to product B');
      await page.evaluate(() => window.headless.navigate('/'));
      assert.deepEqual(await session.hostStates(), [], 'home has no widget');
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  // About a minute on a busy 2-core machine; the suite's default of two would be tight.
  test(`${CYCLES} mount/update/unmount cycles, the table rebuilt halfway: nothing accumulates`, { timeout: 300_000 }, async () => {
    copyFileSync(SHOP_FILE, SOAK_FILE);
    await withPage(environment, 'soak', {}, async (session) => {
      const { page } = session;
      const probe = await attachLifecycleProbe(page);
      await openHeadless(session, SOAK_TABLE);
      await clearRecorder(page);
      const start = await probe.measure();
      const products = [HUB_ID, ...NEIGHBOUR_IDS.slice(0, 4)];
      const phases = [{ shown: {}, conflicts: [], errors: [] }, { shown: {}, conflicts: [], errors: [] }];
      const times = [];
      let mostHosts = 0;
      let hostsLeft = 0;
      let half = null;
      const began = Date.now();
      for (let from = 0; from < CYCLES; from += BATCH) {
        if (from === CYCLES / 2) {
          await clearRecorder(page);
          half = await probe.measure();
          // The store rebuilds its table: a new file under the same URL (new ETag).
          const later = path.join(FIXTURE_DIR, 'soak-later.table');
          buildTable('soak-later', SHOP_CATALOG, shopOrders({ laterSeason: true }));
          renameSync(later, SOAK_FILE);
        }
        const phase = phases[from < CYCLES / 2 ? 0 : 1];
        const batch = await page.evaluate(runCycles, { from, to: Math.min(from + BATCH, CYCLES), products, neighbours: NEIGHBOUR_IDS });
        Object.assign(phase.shown, batch.shown);
        phase.conflicts.push(...batch.conflicts);
        phase.errors.push(...batch.errors);
        times.push(...batch.times);
        mostHosts = Math.max(mostHosts, batch.mostHosts);
        hostsLeft = batch.hostsLeft;
      }
      const wallMs = Date.now() - began;
      // Whatever the last route started has finished (or given up at the widget's timeout).
      for (let waited = 0; probe.pendingRequests().length > 0 && waited < 10_000; waited += 50) await page.waitForTimeout(50);
      await clearRecorder(page);
      const end = await probe.measure();

      times.sort((a, b) => a - b);
      const figures = {
        cycles: CYCLES,
        wallMs,
        cycleMsMedian: Number(times[Math.floor(times.length / 2)].toFixed(1)),
        cycleMsP95: Number(times[Math.floor(times.length * 0.95)].toFixed(1)),
        start,
        half,
        end,
      };
      console.log(`soak figures: ${JSON.stringify(figures)}`);

      for (const [index, phase] of phases.entries()) {
        assert.deepEqual(phase.errors, [], `phase ${index + 1}: no widget failed; console: ${session.describeConsole()}`);
        assert.deepEqual(phase.conflicts, [], `phase ${index + 1}: a context shows the same suggestions every time`);
      }
      assert.deepEqual(wrongSuggestions(SHOP_FILE, phases[0].shown), [], 'before the rebuild: the first table\'s suggestions');
      assert.deepEqual(wrongSuggestions(SOAK_FILE, phases[1].shown), [], 'after the rebuild: the new table\'s, from the next mount on');
      assert.notDeepEqual(phases[0].shown, phases[1].shown, 'the rebuild changed what is shown (the test means something)');
      assert.equal(mostHosts, 1, 'never two widgets at once');
      assert.equal(hostsLeft, 0, 'no widget left after the last route');

      assert.equal(end.jsEventListeners, start.jsEventListeners, 'JS event listeners back to their count');
      assert.equal(end.windowListeners, start.windowListeners, 'listeners on window back to their count');
      assert.equal(end.documentListeners, start.documentListeners, 'listeners on document back to their count');
      assert.deepEqual(end.observers, start.observers, 'connected observers back to their count');
      assert.ok(end.wasmMemoryBytes - start.wasmMemoryBytes <= WASM_GROWTH_LIMIT, `wasm memory grew ${end.wasmMemoryBytes - start.wasmMemoryBytes} bytes`);
      assert.ok(end.jsHeapBytes - start.jsHeapBytes <= HEAP_GROWTH_LIMIT, `JS heap grew ${end.jsHeapBytes - start.jsHeapBytes} bytes`);
      assert.deepEqual(probe.pendingRequests(), [], 'no request left pending');
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });
});
