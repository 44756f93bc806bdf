// The install guides, end to end: each platform's snippet is taken from its guide
// (docs/install/<platform>.md), rendered as the platform renders it, and served as a
// store page next to the demo server's stand-in of that platform's storefront cart
// endpoints; "Add to cart" and "Add all to cart" must then put the products into the
// stand-in's cart with no store JavaScript on the page, the widget must say so in its
// status line, and `alsobought:added` must carry the platform's answer. A cart page with
// `data-cart="auto"` must read the platform's cart before it mounts and follow it.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DEMO_DIRECTORY_URL, pickDemoProductPage } from '../lib/demo-data.mjs';
import {
  buildEntityIdTable,
  openPlatformPage,
  platformGet,
  recordResponses,
  renderBigCommerce,
  renderShopify,
  renderWooCommerce,
  servePlatformPage,
  waitForFeedback,
  wooValues,
} from '../lib/platform-snippets.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';

/** As from a page cache: a nonce of another session, which the Store API refuses. */
const STALE_NONCE = 'stale0cache';

/** Clicks the first card's "Add to cart" and waits for "Added"; returns the product added. */
async function addFirstSuggestion(session) {
  const [ready] = await session.events('alsobought:ready');
  assert.ok(ready, `alsobought:ready fired; console: ${session.describeConsole()}`);
  const first = ready.detail.products[0];
  await session.page.locator('[data-alsobought] .ab-add').first().click();
  const feedback = await waitForFeedback(session.page, /^Added /);
  assert.equal(feedback.status, `Added “${first.title}” to your cart.`);
  assert.equal(feedback.statusRole, 'status');
  assert.equal(feedback.buttons[0].state, 'added');
  assert.equal(feedback.buttons[0].busy, null, 'not busy any more');
  return first;
}

/**
 * Waits until the cart page's widget has read the (empty) platform cart, and checks that
 * it then waits unmounted: before this, the shopper's session cookie may still be on its
 * way, and the test's own request would start another session.
 */
async function cartRead(session) {
  await session.page.waitForFunction(() => document.querySelector('[data-cart-api]')?.getAttribute('data-cart') === '');
  assert.equal(await session.page.evaluate(() => document.querySelector('[data-cart-api]').hasAttribute('data-alsobought')), false, 'an empty cart mounts nothing');
}

function assertQuiet(session) {
  assert.deepEqual(session.pageErrors, []);
  assert.deepEqual(session.scriptConsoleErrors(), []);
  assert.deepEqual(
    session.console.filter((message) => message.type === 'warning' && message.text.startsWith('alsobought')),
    [],
    'no alsobought warning',
  );
}

describe('install guides against the platform stand-ins', () => {
  const environment = useEnvironment();
  let demoProduct;
  let bigcommerce;
  before(() => {
    demoProduct = pickDemoProductPage().product;
    bigcommerce = buildEntityIdTable();
  });

  test('Shopify: the Custom Liquid block on a product page adds the variant through /cart/add.js', async () => {
    await withPage(environment, 'platform-shopify', {}, async (session) => {
      const page = await renderShopify({ template: 'product', product: { id: demoProduct }, table: DEMO_DIRECTORY_URL });
      assert.match(page.body, /data-cart-api="shopify"/);
      await servePlatformPage(session, '/platform/shopify/product', 'shopify', page);
      const responses = recordResponses(session);
      await session.goto('/platform/shopify/product');
      await session.waitForWidgets();
      const added = await addFirstSuggestion(session);

      const cart = await platformGet(session, '/cart.js');
      assert.deepEqual(cart.body.items.map((line) => [line.sku, line.quantity]), [[added.id, 1]]);
      const [event] = await session.events('alsobought:added');
      assert.equal(event.detail.answer.items[0].sku, added.id, 'alsobought:added carries the lines /cart/add.js returned');
      assert.deepEqual(event.detail.products.map((product) => product.id), [added.id]);

      // The variant lookup is made once per product and page.
      await session.page.locator('[data-alsobought] .ab-add').first().click();
      await session.page.waitForFunction(() => window.__alsoboughtTest.events.filter((e) => e.type === 'alsobought:added').length === 2);
      const again = await platformGet(session, '/cart.js');
      assert.equal(again.body.items[0].quantity, 2);
      const lookups = responses.filter((response) => new URL(response.url).pathname.startsWith('/products/'));
      assert.equal(lookups.length, 1, `one /products/<handle>.js lookup: ${JSON.stringify(lookups)}`);
      assertQuiet(session);
    });
  });

  test('Shopify: the cart page reads /cart.js into data-cart before it mounts and follows it', async () => {
    await withPage(environment, 'platform-shopify-cart', {}, async (session) => {
      const cartPage = await renderShopify({ template: 'cart', table: DEMO_DIRECTORY_URL });
      assert.match(cartPage.body, /data-cart="auto"/);
      await servePlatformPage(session, '/platform/shopify/cart', 'shopify', cartPage);
      await session.goto('/platform/shopify/cart');
      await cartRead(session);

      const variant = await session.page.evaluate(async (handle) => (await (await fetch(`/products/${handle}.js`)).json()).variants[0].id, demoProduct.toLowerCase());
      const add = await session.page.evaluate(
        async (id) => (await fetch('/cart/add.js', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ items: [{ id, quantity: 1 }] }) })).status,
        variant,
      );
      assert.equal(add, 200);
      await session.page.reload({ waitUntil: 'load' });
      await session.waitForWidgets();
      const host = await session.page.evaluate(() => document.querySelector('[data-cart-api]').getAttribute('data-cart'));
      assert.equal(host, demoProduct, 'data-cart is the cart /cart.js returned');
      const [ready] = await session.events('alsobought:ready');
      const suggested = ready.detail.products.map((product) => product.id);
      assert.ok(suggested.length > 0 && !suggested.includes(demoProduct), `suggestions for the cart: ${suggested}`);

      await session.page.locator('[data-alsobought] .ab-add-all').click();
      await waitForFeedback(session.page, new RegExp(`^Added ${suggested.length === 1 ? '“' : `${suggested.length} products`}`));
      const cart = await platformGet(session, '/cart.js');
      assert.deepEqual(cart.body.items.map((line) => line.sku).sort(), [demoProduct, ...suggested].sort());
      // After its own add the widget re-reads the cart and re-scores for it.
      await session.page.waitForFunction(
        (count) => document.querySelector('[data-cart-api]').getAttribute('data-cart').split(',').length === count,
        suggested.length + 1,
      );
      assertQuiet(session);
    });
  });

  test('WooCommerce: the PHP snippet adds through the Store API, refreshing a cached nonce', async () => {
    await withPage(environment, 'platform-woocommerce', {}, async (session) => {
      const page = renderWooCommerce({ page: 'product', table: DEMO_DIRECTORY_URL, values: wooValues(demoProduct, STALE_NONCE) });
      await servePlatformPage(session, '/platform/woocommerce/product', 'woocommerce', page);
      const responses = recordResponses(session);
      await session.goto('/platform/woocommerce/product');
      await session.waitForWidgets();
      // The suggestions' product ids are looked up, all in one request, when they show,
      // so the add itself is one round trip.
      await session.page.waitForLoadState('networkidle');
      const lookups = () => responses.filter((response) => response.url.includes('/wc/store/v1/products?sku='));
      assert.equal(lookups().length, 1, 'one lookup for every suggestion shown');
      assert.match(lookups()[0].url, /sku=[^&]+%2C|sku=[^&]+,/, 'the lookup names several SKUs');
      const added = await addFirstSuggestion(session);
      assert.equal(lookups().length, 1, 'no lookup on the click');

      const cart = await platformGet(session, '/wp-json/wc/store/v1/cart');
      assert.deepEqual(cart.body.items.map((line) => [line.sku, line.quantity]), [[added.id, 1]]);
      const [event] = await session.events('alsobought:added');
      assert.equal(event.detail.answer.items_count, 1, 'alsobought:added carries the Store API cart');
      const adds = responses.filter((response) => response.url.endsWith('/cart/add-item')).map((response) => response.status);
      assert.deepEqual(adds, [403, 201], 'the stale nonce is refused once, then a fresh one is used');
      assertQuiet(session);
    });
  });

  test('WooCommerce: the cart hook reads the Store API cart (data-cart="auto") and adds all', async () => {
    await withPage(environment, 'platform-woocommerce-cart', {}, async (session) => {
      const cartPage = renderWooCommerce({ page: 'cart', table: DEMO_DIRECTORY_URL, values: wooValues(demoProduct, STALE_NONCE) });
      await servePlatformPage(session, '/platform/woocommerce/cart', 'woocommerce', cartPage);
      await session.goto('/platform/woocommerce/cart');
      await cartRead(session);
      const status = await session.page.evaluate(async (sku) => {
        const cart = await fetch('/wp-json/wc/store/v1/cart');
        const [product] = await (await fetch(`/wp-json/wc/store/v1/products?sku=${sku}`)).json();
        const add = await fetch('/wp-json/wc/store/v1/cart/add-item', {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', Nonce: cart.headers.get('Nonce') },
          body: JSON.stringify({ id: product.id, quantity: 1 }),
        });
        return add.status;
      }, demoProduct);
      assert.equal(status, 201);
      await session.page.reload({ waitUntil: 'load' });
      await session.waitForWidgets();
      assert.equal(await session.page.evaluate(() => document.querySelector('[data-cart-api]').getAttribute('data-cart')), demoProduct);
      const [ready] = await session.events('alsobought:ready');
      const suggested = ready.detail.products.map((product) => product.id);
      await session.page.locator('[data-alsobought] .ab-add-all').click();
      await waitForFeedback(session.page, /^Added /);
      const cart = await platformGet(session, '/wp-json/wc/store/v1/cart');
      assert.deepEqual(cart.body.items.map((line) => line.sku).sort(), [demoProduct, ...suggested].sort());
      assertQuiet(session);
    });
  });

  test('BigCommerce: the Script Manager entry and template line create the cart, then add to it', async () => {
    await withPage(environment, 'platform-bigcommerce', {}, async (session) => {
      const hub = bigcommerce.products[0].entityId;
      const context = { product: { id: Number(hub) }, currency_selector: { active_currency_code: 'EUR' } };
      const page = renderBigCommerce({ page: 'product', table: bigcommerce.url, context });
      assert.match(page.body, new RegExp(`data-product="${hub}"`));
      await openPlatformPage(session, '/platform/bigcommerce/product', 'bigcommerce', page);
      const first = await addFirstSuggestion(session);
      let carts = await platformGet(session, '/api/storefront/carts');
      assert.deepEqual(carts.body[0].lineItems.physicalItems.map((line) => String(line.productId)), [first.id]);

      // The second add goes into the cart the first one created.
      const [, second] = (await session.events('alsobought:ready'))[0].detail.products;
      await session.page.locator('[data-alsobought] .ab-add').nth(1).click();
      await waitForFeedback(session.page, new RegExp(`^Added “${second.title}`));
      carts = await platformGet(session, '/api/storefront/carts');
      assert.equal(carts.body.length, 1, 'one cart');
      assert.deepEqual(carts.body[0].lineItems.physicalItems.map((line) => String(line.productId)), [first.id, second.id]);
      const events = await session.events('alsobought:added');
      assert.equal(events[1].detail.answer.id, carts.body[0].id, 'alsobought:added carries the cart');
      assertQuiet(session);
    });
  });

  test('BigCommerce: the cart template line follows the Storefront cart', async () => {
    await withPage(environment, 'platform-bigcommerce-cart', {}, async (session) => {
      const hub = bigcommerce.products[0].entityId;
      const context = { currency_selector: { active_currency_code: 'EUR' } };
      await servePlatformPage(session, '/platform/bigcommerce/cart', 'bigcommerce', renderBigCommerce({ page: 'cart', table: bigcommerce.url, context }));
      await session.goto('/platform/bigcommerce/cart');
      await cartRead(session);
      const status = await session.page.evaluate(
        async (productId) => (await fetch('/api/storefront/carts', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ lineItems: [{ productId, quantity: 1 }] }) })).status,
        Number(hub),
      );
      assert.equal(status, 200);
      await session.page.reload({ waitUntil: 'load' });
      await session.waitForWidgets();
      assert.equal(await session.page.evaluate(() => document.querySelector('[data-cart-api]').getAttribute('data-cart')), hub);
      const [ready] = await session.events('alsobought:ready');
      assert.ok(ready.detail.products.length > 0 && ready.detail.products.every((product) => product.id !== hub));
      assertQuiet(session);
    });
  });

  test('the demo store\'s Shopify-style page (make demo prints it) adds through the stand-in', async () => {
    await withPage(environment, 'platform-demo-shopify', {}, async (session) => {
      await session.goto(`/www/shopify.html?product=${encodeURIComponent(demoProduct)}`);
      // The cart widget waits unmounted while the cart is empty: one host settles.
      await session.waitForWidgets();
      const added = await addFirstSuggestion(session);
      await session.page.waitForFunction(() => document.querySelectorAll('[data-shopify-lines] li').length === 1);
      const line = await session.page.locator('[data-shopify-lines] li').textContent();
      assert.match(line, new RegExp(`\\(${added.id}\\)`), 'the page lists the cart /cart.js returns');
      // Now the cart page's widget mounts for the cart, and suggests for it.
      await session.page.waitForFunction(() => document.querySelectorAll('[data-alsobought-state=ready]').length === 2);
      const cartHost = await session.page.evaluate(() => document.querySelector('[data-cart-api][data-layout=bundle]').getAttribute('data-cart'));
      assert.equal(cartHost, added.id);
      assertQuiet(session);
    });
  });
});
