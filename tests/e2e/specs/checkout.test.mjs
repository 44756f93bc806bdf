// Checkout: the demo cart page must never suggest what is already in the cart and must
// respect its cap; the bundle layout (the fixture shop, known prices) must total the
// checked products to the cent, follow the checkboxes, and send one cancelable
// `alsobought:add-to-cart` for the checked products that navigates unless prevented.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoCart, demoCatalog, seedDemoCart } from '../lib/demo-data.mjs';
import { assertHintsUsed, countRequests, DEMO_PAGE_HINTS, describeHints, emulateSlowNetwork } from '../lib/head-hints.mjs';
import { FIXTURE_TABLES, HUB_ID, LANDING_URL, OUT_OF_STOCK_ID, SHOP_CATALOG, shopTableBytes, SOLD_OUT_ID } from '../lib/fixtures.mjs';
import { bundleRange, parseBundle } from '../lib/table.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { parsePrice, readWidget } from '../lib/widget-page.mjs';

const CHECKOUT_PAGE = '/www/checkout.html';
const BUNDLE_PAGE = '/tests/e2e/pages/bundle.html';
const BUNDLE_CAP = 3;
const shopPrices = new Map(SHOP_CATALOG.map((row) => [row.id, Number(row.price)]));

/** Price of one bundle item: its `.ab-price`, else the first amount in its text. */
function itemPrice(item) {
  const text = item.price ?? item.text.match(/[^\s\d]?\s?\d[\d.,]*\s?[^\s\d]?/)?.[0];
  return parsePrice(text);
}

function sumCents(values) {
  return values.reduce((sum, value) => sum + Math.round(value * 100), 0);
}

describe('demo checkout page', () => {
  const environment = useEnvironment();
  let catalog;
  let seededCart;
  before(() => {
    catalog = demoCatalog();
    seededCart = demoCart();
  });

  test('suggests nothing already in the cart, within the cap', async () => {
    await withPage(environment, 'checkout', {}, async (session) => {
      await seedDemoCart(session, seededCart);
      await session.goto(CHECKOUT_PAGE);
      await session.waitForWidgets();
      const host = await session.page.evaluate(() => {
        const element = document.querySelector('[data-alsobought]');
        return { ...element.dataset };
      });
      const cart = (host.cart ?? '').split(',').map((id) => id.trim()).filter(Boolean);
      assert.deepEqual(cart, seededCart, `the store put its cart into data-cart: ${JSON.stringify(host)}`);
      const cap = Number(host.maxSuggestions ?? 4);
      const widget = await readWidget(session.page, '[data-alsobought]');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);

      const [ready] = await session.events('alsobought:ready');
      assert.ok(ready, 'alsobought:ready fired');
      // With a cart as context the bundle lists only suggestions (the cart is already bought).
      const suggestions = (ready.detail?.products ?? []).map((product) => product.id);
      const rendered = host.layout === 'bundle' ? widget.items.length : widget.cards.length;
      assert.equal(rendered, suggestions.length, `one ${host.layout ?? 'carousel'} entry per product in detail.products`);
      assert.ok(suggestions.length >= 1, 'at least one suggestion');
      assert.ok(suggestions.length <= cap, `${suggestions.length} suggestions exceed data-max-suggestions=${cap}`);
      for (const id of suggestions) {
        assert.ok(!cart.includes(id), `${id} is already in the cart ${cart}`);
        assert.equal(catalog.get(id)?.available, true, `${id} is an available catalog product`);
      }
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  // Its head script is the product page's, one every checkout uses: on a slow load the
  // wasm loads even over an empty cart (the table's entry file would not: the page
  // cannot know the cart).
  for (const [cartName, cart] of [['a cart', () => seededCart], ['an empty cart', () => []]]) {
    test(`on a slow network its head hints are each fetched once and used, with ${cartName}`, async () => {
      await withPage(environment, 'checkout-hints', {}, async (session) => {
        await emulateSlowNetwork(session);
        await seedDemoCart(session, cart());
        const counts = countRequests(session);
        await session.goto(CHECKOUT_PAGE);
        if (cart().length > 0) await session.waitForWidgets();
        else await session.page.waitForFunction(() => performance.getEntriesByName('alsobought:started').length > 0);
        const hints = await assertHintsUsed(session, counts);
        assert.deepEqual(describeHints(hints), DEMO_PAGE_HINTS);
      });
    });
  }
});

describe('bundle layout', () => {
  const environment = useEnvironment();

  /** Opens the bundle page and returns the widget and the ids detail.products lists. */
  async function openBundle(session) {
    await session.goto(BUNDLE_PAGE);
    await session.waitForWidgets();
    const widget = await readWidget(session.page, '#bundle');
    assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
    const [ready] = await session.events('alsobought:ready');
    const ids = (ready?.detail?.products ?? []).map((product) => product.id);
    return { widget, ids };
  }

  test('the fixture table tempts the widget with an unavailable top neighbour', () => {
    const table = shopTableBytes();
    const [start, end] = bundleRange(table, HUB_ID);
    const neighbours = parseBundle(table.subarray(start, end)).neighbours;
    const soldOut = neighbours.find((card) => card.id === SOLD_OUT_ID);
    assert.ok(soldOut && !soldOut.available, `${SOLD_OUT_ID} is an unavailable neighbour of ${HUB_ID}`);
    assert.ok(neighbours.indexOf(soldOut) < BUNDLE_CAP, `${SOLD_OUT_ID} ranks within the cap, so showing it would show`);
  });

  test('over a cart: capped suggestions only, none from the cart, all checked', async () => {
    await withPage(environment, 'bundle', {}, async (session) => {
      const { widget, ids } = await openBundle(session);
      assert.equal(widget.items.length, ids.length, 'one label.ab-item per product in detail.products');
      assert.ok(ids.length >= 1, 'at least one suggestion');
      assert.ok(ids.length <= BUNDLE_CAP, `${ids.length} suggestions exceed the cap ${BUNDLE_CAP}`);
      assert.ok(!ids.includes(HUB_ID), 'the cart product is not suggested');
      assert.ok(!ids.includes(OUT_OF_STOCK_ID), 'the out-of-stock product is never shown');
      assert.ok(!ids.includes(SOLD_OUT_ID), 'a product the table marks unavailable is never shown');
      assert.ok(widget.items.every((item) => item.checked === true), 'every item starts checked');
      assert.ok(widget.hasAddAll, 'the bundle has an "Add all to cart" button');
    });
  });

  test('on a product page: the product first, then capped suggestions', async () => {
    await withPage(environment, 'bundle-product', {}, async (session) => {
      await session.goto(hostPage({ table: FIXTURE_TABLES.shop, product: HUB_ID, layout: 'bundle', 'max-suggestions': '3', locale: 'en-US' }));
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      const [ready] = await session.events('alsobought:ready');
      const ids = (ready?.detail?.products ?? []).map((product) => product.id);
      assert.equal(widget.items.length, ids.length, 'one label.ab-item per product in detail.products');
      assert.equal(ids[0], HUB_ID, 'the product on screen comes first');
      assert.equal(widget.items[0].name, 'Hub kettle', 'the first item shows the product on screen');
      const suggestions = ids.slice(1);
      assert.ok(suggestions.length >= 1 && suggestions.length <= BUNDLE_CAP, `1..${BUNDLE_CAP} suggestions: ${suggestions}`);
      assert.ok(!suggestions.includes(HUB_ID) && !suggestions.includes(SOLD_OUT_ID), `valid suggestions: ${suggestions}`);
      const expected = sumCents(ids.map((id) => shopPrices.get(id)));
      assert.equal(Math.round(parsePrice(widget.total) * 100), expected, `total ${widget.total} covers the product and the suggestions`);
    });
  });

  test('total is the sum of the checked prices and follows the checkboxes', async () => {
    await withPage(environment, 'bundle-total', {}, async (session) => {
      const { widget, ids } = await openBundle(session);
      const expected = sumCents(ids.map((id) => shopPrices.get(id)));
      assert.equal(sumCents(widget.items.map(itemPrice)), expected, 'item prices match the catalog');
      assert.equal(Math.round(parsePrice(widget.total) * 100), expected, `total ${widget.total}`);

      const untick = ids.length - 1;
      await session.page.locator('#bundle label.ab-item').nth(untick).locator('input[type=checkbox]').click();
      await session.page.waitForFunction(
        (text) => document.querySelector('#bundle').shadowRoot.querySelector('.ab-total')?.textContent.trim() !== text,
        widget.total,
        { timeout: 5_000 },
      );
      const after = await readWidget(session.page, '#bundle');
      assert.equal(after.items[untick].checked, false);
      assert.equal(
        Math.round(parsePrice(after.total) * 100),
        expected - Math.round(shopPrices.get(ids[untick]) * 100),
        `total after unticking ${ids[untick]}: ${after.total}`,
      );
    });
  });

  test('"Add all to cart" sends the checked products once; preventDefault keeps the page', async () => {
    await withPage(environment, 'bundle-add-prevented', {}, async (session) => {
      const { ids } = await openBundle(session);
      await session.page.evaluate(() =>
        document.addEventListener('alsobought:add-to-cart', (event) => event.preventDefault()),
      );
      await session.page.locator('#bundle label.ab-item').nth(1).locator('input[type=checkbox]').click();
      const pageUrl = session.page.url();
      await session.page.locator('#bundle button.ab-add-all').click();
      await session.page.waitForTimeout(500);
      const events = await session.events('alsobought:add-to-cart');
      assert.equal(events.length, 1, 'exactly one add-to-cart event');
      assert.equal(events[0].cancelable, true, 'add-to-cart is cancelable');
      assert.ok(events[0].bubbles && events[0].composed, 'add-to-cart bubbles and is composed');
      const sent = (events[0].detail?.products ?? []).map((product) => product.id);
      assert.deepEqual(
        [...sent].sort(),
        ids.filter((_, index) => index !== 1).sort(),
        'detail.products are exactly the checked products',
      );
      assert.equal(session.page.url(), pageUrl, 'a prevented add-to-cart does not navigate');
    });
  });

  test('"Add all to cart" navigates to a product URL when nobody handles it', async () => {
    await withPage(environment, 'bundle-add-navigates', {}, async (session) => {
      const { ids } = await openBundle(session);
      // sessionStorage outlives the navigation, so the landing page can tell what was sent.
      await session.page.evaluate(() =>
        document.addEventListener('alsobought:add-to-cart', (event) => {
          const sent = (event.detail?.products ?? []).map((product) => product.id);
          sessionStorage.setItem('alsobought-e2e-sent', JSON.stringify(sent));
        }),
      );
      await Promise.all([
        session.page.waitForURL((url) => url.pathname === LANDING_URL, { timeout: 5_000 }),
        session.page.locator('#bundle button.ab-add-all').click(),
      ]);
      const sent = JSON.parse((await session.page.evaluate(() => sessionStorage.getItem('alsobought-e2e-sent'))) ?? 'null');
      assert.deepEqual([...(sent ?? [])].sort(), [...ids].sort(), 'the event carried every checked product');
      const landedOn = new URL(session.page.url()).searchParams.get('product');
      assert.ok(ids.includes(landedOn), `navigated to ${session.page.url()}, the URL of a product in the bundle`);
    });
  });
});
