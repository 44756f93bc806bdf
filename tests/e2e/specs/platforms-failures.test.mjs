// Bad answers from the platform (issue 14, item 4): sold out, a quantity limit, a product
// deleted since the table was built, an HTML page instead of JSON, a 5xx, a slow endpoint,
// an old WooCommerce without the Store API. Each must leave the page working, say what
// happened in the widget's status line and once in the console, and leave the cart as the
// platform has it. Also: a store that handles `alsobought:add-to-cart` itself keeps
// control, and a store's own cart code gets the same feedback through `respondWith`.
// The switches are the stand-ins' cookie (crates/demo/src/server/platforms/mod.rs).

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DEMO_DIRECTORY_URL, pickDemoProductPage } from '../lib/demo-data.mjs';
import {
  buildEntityIdTable,
  cartFeedback,
  platformGet,
  renderBigCommerce,
  renderShopify,
  renderWooCommerce,
  openPlatformPage,
  switchStandIns,
  waitForFeedback,
  wooValues,
} from '../lib/platform-snippets.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';

/** The guide's Shopify product block, with `data-cart-timeout` when given. */
async function openShopifyProduct(session, product, { timeoutMs } = {}) {
  const page = await renderShopify({ template: 'product', product: { id: product }, table: DEMO_DIRECTORY_URL });
  if (timeoutMs) page.body = page.body.replace('data-cart-api="shopify"', `data-cart-api="shopify" data-cart-timeout="${timeoutMs}"`);
  await openPlatformPage(session, '/platform/shopify/product', 'shopify', page);
  const [ready] = await session.events('alsobought:ready');
  return ready.detail.products[0];
}

/** The `alsobought:` console lines about the cart. */
function cartWarnings(session) {
  return session.console.filter((message) => message.type === 'warning' && /^alsobought: adding .* failed/.test(message.text));
}

/**
 * Asserts one failure: the status says `pattern`, one console line, no `alsobought:added`
 * beyond the `added` earlier ones, the page alive.
 */
async function assertFailure(session, pattern, { added = 0 } = {}) {
  const feedback = await waitForFeedback(session.page, /^Could not add /);
  assert.match(feedback.status, pattern);
  assert.equal(feedback.failed, true);
  assert.equal(feedback.buttons[0].state, 'failed');
  assert.equal(feedback.buttons[0].disabled, false, 'the button can be used again');
  assert.equal(cartWarnings(session).length, 1, `one console line: ${session.describeConsole()}`);
  assert.equal((await session.events('alsobought:added')).length, added);
  assert.deepEqual(session.pageErrors, []);
  assert.deepEqual(session.scriptConsoleErrors(), []);
  // The page keeps working: its own button still takes clicks.
  assert.equal(await session.page.locator('main form button').isEnabled(), true);
}

describe('bad answers from the platforms', () => {
  const environment = useEnvironment();
  let product;
  before(() => {
    product = pickDemoProductPage().product;
  });

  const shopifyCases = [
    ['sold out (422)', (id) => [`stock=${id}:0`], /is already sold out\./],
    ['a product deleted since the table was built', (id) => [`gone=${id}`], /no longer sold in this shop/],
    ['an HTML page instead of JSON', () => ['html'], /could not be read/],
    ['a 503', () => ['status=503'], /has a problem right now/],
    ['429 Too Many Requests', () => ['status=429'], /refused it/],
  ];
  for (const [name, switches, pattern] of shopifyCases) {
    test(`Shopify: ${name}`, async () => {
      await withPage(environment, 'platform-failures', {}, async (session) => {
        const first = await openShopifyProduct(session, product);
        await switchStandIns(session, environment.baseUrl, switches(first.id));
        await session.page.locator('[data-alsobought] .ab-add').first().click();
        await assertFailure(session, pattern);
        await switchStandIns(session, environment.baseUrl, []);
        const cart = await platformGet(session, '/cart.js');
        assert.deepEqual(cart.body.items, [], 'nothing was added');
      });
    });
  }

  test('Shopify: the quantity limit, in Shopify\'s words', async () => {
    await withPage(environment, 'platform-failures', {}, async (session) => {
      const first = await openShopifyProduct(session, product);
      await switchStandIns(session, environment.baseUrl, [`stock=${first.id}:1`]);
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await waitForFeedback(session.page, /^Added /);
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await assertFailure(session, /The maximum quantity of this item is already in your cart\./, { added: 1 });
      const cart = await platformGet(session, '/cart.js');
      assert.deepEqual(cart.body.items.map((line) => line.quantity), [1]);
    });
  });

  test('Shopify: a slow endpoint times out with a clear message (data-cart-timeout)', async () => {
    await withPage(environment, 'platform-failures', {}, async (session) => {
      await switchStandIns(session, environment.baseUrl, ['slow=3000']);
      // The table and the wasm come from the demo server, not the stand-in: only the cart is slow.
      await openShopifyProduct(session, product, { timeoutMs: 800 });
      const clicked = Date.now();
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      // The pending state comes once the cart module's import resolves (a task or two
      // after the click) and lasts until the 800 ms timeout: read it while it shows.
      const busy = await waitForFeedback(session.page, /^Adding “/);
      assert.equal(busy.buttons[0].busy, 'true', 'pending: aria-busy');
      await assertFailure(session, /did not answer in time/);
      assert.ok(Date.now() - clicked < 2900, 'the shopper is told before the slow answer arrives');
      assert.match(cartWarnings(session)[0].text, /longer than 800 ms \(data-cart-timeout\)/);
    });
  });

  test('WooCommerce: sold out, in the Store API\'s words without HTML entities', async () => {
    await withPage(environment, 'platform-failures', {}, async (session) => {
      const page = renderWooCommerce({
        page: 'product',
        table: DEMO_DIRECTORY_URL,
        values: wooValues(product, ''),
      });
      await openPlatformPage(session, '/platform/woocommerce/product', 'woocommerce', page);
      const [ready] = await session.events('alsobought:ready');
      await switchStandIns(session, environment.baseUrl, [`stock=${ready.detail.products[0].id}:0`]);
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await assertFailure(session, /You cannot add "[^"]+" to the cart because the product is out of stock\./);
    });
  });

  test('WooCommerce without the Store API: the classic ?add-to-cart link adds it', async () => {
    // An old shop's table of product ids (the stand-ins share the demo's entity ids).
    const table = buildEntityIdTable();
    await withPage(environment, 'platform-failures', {}, async (session) => {
      await switchStandIns(session, environment.baseUrl, ['no-store-api']);
      const page = renderWooCommerce({
        page: 'product',
        table: table.url,
        values: wooValues(table.products[0].entityId, 'x'),
      });
      await openPlatformPage(session, '/platform/woocommerce/product', 'woocommerce', page);
      const [ready] = await session.events('alsobought:ready');
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await waitForFeedback(session.page, /^Added “/);
      await switchStandIns(session, environment.baseUrl, []);
      const cart = await platformGet(session, '/wp-json/wc/store/v1/cart');
      assert.deepEqual(cart.body.items.map((line) => String(line.id)), [ready.detail.products[0].id]);
      assert.deepEqual(session.pageErrors, []);
    });
  });

  test('BigCommerce: out of stock (422)', async () => {
    const table = buildEntityIdTable();
    await withPage(environment, 'platform-failures', {}, async (session) => {
      const context = { product: { id: Number(table.products[0].entityId) }, currency_selector: { active_currency_code: 'EUR' } };
      await openPlatformPage(session, '/platform/bigcommerce/product', 'bigcommerce', renderBigCommerce({ page: 'product', table: table.url, context }));
      const [ready] = await session.events('alsobought:ready');
      const sku = table.products.find((entry) => entry.entityId === ready.detail.products[0].id).id;
      await switchStandIns(session, environment.baseUrl, [`stock=${sku}:0`]);
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await assertFailure(session, /is out of stock\./);
      await switchStandIns(session, environment.baseUrl, []);
      assert.deepEqual((await platformGet(session, '/api/storefront/carts')).body, []);
    });
  });

  test('a store that handles alsobought:add-to-cart itself keeps control', async () => {
    await withPage(environment, 'platform-failures', {}, async (session) => {
      await session.page.addInitScript(() => {
        document.addEventListener('alsobought:add-to-cart', (event) => {
          event.preventDefault();
          window.storeHandled = event.detail.products.map((product) => product.id);
        });
      });
      const first = await openShopifyProduct(session, product);
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await session.page.waitForFunction(() => window.storeHandled);
      assert.deepEqual(await session.page.evaluate(() => window.storeHandled), [first.id]);
      await session.page.waitForTimeout(300);
      assert.deepEqual((await platformGet(session, '/cart.js')).body.items, [], 'the adapter did nothing');
      assert.equal((await cartFeedback(session.page)).status, null, 'no status line');
    });
  });

  test('a store\'s own cart code gets the feedback through detail.respondWith', async () => {
    await withPage(environment, 'platform-failures', {}, async (session) => {
      await session.page.addInitScript(() => {
        let calls = 0;
        document.addEventListener('alsobought:add-to-cart', (event) => {
          calls += 1;
          const answer = new Promise((resolve, reject) =>
            setTimeout(() => (calls === 1 ? resolve({ lines: 3 }) : reject(Object.assign(new Error('HTTP 409'), { shopperMessage: 'only 2 left' }))), 200),
          );
          event.detail.respondWith(answer);
        });
      });
      await session.goto(hostPage({ table: DEMO_DIRECTORY_URL, product }));
      await session.waitForWidgets();
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await waitForFeedback(session.page, /^Added “/);
      const [added] = await session.events('alsobought:added');
      assert.deepEqual(added.detail.answer, { lines: 3 });
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await waitForFeedback(session.page, /: only 2 left$/);
      assert.equal(cartWarnings(session).length, 1);
      assert.match(cartWarnings(session)[0].text, /HTTP 409/);
    });
  });
});
