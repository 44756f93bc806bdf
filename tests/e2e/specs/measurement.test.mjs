// Measurement as docs/events.md specifies it, in a real browser against the real
// collector (`alsobought collect`): impressions only once the widget is seen, GA4
// dataLayer pushes, beacon bodies stored by the collector on pagehide and on hiding the
// page but never while the page loads, the holdout, a visitor's variant kept across
// pages, and trackPurchase's attribution. (That the widget makes no long task is a
// figure of scripts/bench-widget.mjs: a timed assertion would flake on a shared machine.)
// The page is tests/e2e/pages/experiment.html: an A/B test (control vs a compact bundle)
// below the fold, with a GTM-style window.dataLayer.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { startCollector } from '../lib/collector.mjs';
import { HUB_ID, SHOP_CATALOG } from '../lib/fixtures.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';

const PAGE = '/tests/e2e/pages/experiment.html';
const EXPERIMENT = 'e2e-fbt';
const VARIANTS = [
  ['control', 50],
  ['compact', 50],
];
const LIST_ID = 'pdp_fbt';
const LIST_NAME = 'Product page: bought together';
const VISITOR_KEY = 'alsobought:visitor';
const CATALOG = new Map(SHOP_CATALOG.map((row) => [row.id, row]));

/**
 * The documented assignment (docs/events.md 4.3), written again here so the browser's
 * result is checked against the specification rather than against itself.
 */
function assignmentPoint(experiment, visitorId, totalWeight) {
  const mask = (1n << 64n) - 1n;
  const bytes = [...new TextEncoder().encode(experiment), 0, ...new TextEncoder().encode(visitorId)];
  let hash = 0xcbf29ce484222325n;
  for (const byte of bytes) hash = ((hash ^ BigInt(byte)) * 0x100000001b3n) & mask;
  hash ^= hash >> 33n;
  hash = (hash * 0xff51afd7ed558ccdn) & mask;
  hash ^= hash >> 33n;
  hash = (hash * 0xc4ceb93e53ca34d9n) & mask;
  hash ^= hash >> 33n;
  return Number((hash * BigInt(totalWeight)) >> 64n);
}

function variantOf(experiment, visitorId, variants = VARIANTS) {
  const total = variants.reduce((sum, [, weight]) => sum + weight, 0);
  const point = assignmentPoint(experiment, visitorId, total);
  let upper = 0;
  for (const [name, weight] of variants) {
    upper += weight;
    if (point < upper) return name;
  }
  throw new Error('unreachable: the point is below the total weight');
}

/**
 * A valid visitor id (32 hex) that the documented assignment puts in `variant`; each
 * test passes its own `salt`, so the events of one test are told apart in the shared
 * collector file by their visitor.
 */
function visitorIn(variant, salt) {
  for (let n = 0; n < 10_000; n++) {
    const id = `${salt.toString(16)}${n.toString(16).padStart(8, '0')}`.padStart(32, 'a');
    if (variantOf(EXPERIMENT, id) === variant) return id;
  }
  throw new Error(`no visitor id lands in ${variant}`);
}

/** Every common field of docs/events.md 3.1, with its JSON type(s). */
const COMMON_FIELDS = {
  v: ['integer'],
  type: ['string'],
  ts: ['integer'],
  visitor_id: ['string'],
  page_view_id: ['string'],
  experiment: ['string', 'null'],
  variant: ['string', 'null'],
  holdout: ['boolean'],
  forced: ['boolean'],
  list_id: ['string', 'null'],
  list_name: ['string', 'null'],
  layout: ['string', 'null'],
  context: ['array'],
  items: ['array'],
  currency: ['string', 'null'],
  value: ['number', 'null'],
  order_id: ['string', 'null'],
  attributed_value: ['number', 'null'],
  attributed_items: ['array'],
};

function jsonType(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (Number.isInteger(value)) return 'integer';
  return typeof value;
}

function typeMatches(value, allowed) {
  const type = jsonType(value);
  return allowed.includes(type) || (type === 'integer' && allowed.includes('number'));
}

/** Checks one event object against the schema; `stored` adds the collector's field. */
function assertEventShape(event, { stored = false } = {}) {
  const label = `${event?.type} event ${JSON.stringify(event)}`;
  for (const [field, allowed] of Object.entries(COMMON_FIELDS)) {
    assert.ok(field in event, `${label}: ${field} is present (null, never left out)`);
    assert.ok(typeMatches(event[field], allowed), `${label}: ${field} is ${allowed.join(' or ')}`);
  }
  if (stored) assert.equal(jsonType(event.received_at), 'integer', `${label}: received_at`);
  assert.equal(event.v, 1);
  assert.match(event.visitor_id, /^[0-9a-f]{32}$/, `${label}: visitor_id`);
  assert.match(event.page_view_id, /^[0-9a-f]{32}$/, `${label}: page_view_id`);
  assert.ok(Math.abs(event.ts - Date.now()) < 10 * 60_000, `${label}: ts is Date.now() of the browser`);
  for (const item of event.items) {
    assert.deepEqual(
      Object.keys(item).sort(),
      ['index', 'item_category', 'item_id', 'item_name', 'price', 'quantity'],
      `${label}: item fields`,
    );
    assertItemMatchesCatalog(item, label);
  }
}

/** An item (event or GA4) says what the fixture catalog says about its product. */
function assertItemMatchesCatalog(item, label) {
  const product = CATALOG.get(item.item_id);
  assert.ok(product, `${label}: ${item.item_id} is a catalog product`);
  assert.equal(item.item_name, product.title, `${label}: item_name of ${item.item_id}`);
  assert.equal(item.price, Number(product.price), `${label}: price of ${item.item_id}`);
  assert.equal(item.item_category, product.category, `${label}: item_category of ${item.item_id}`);
  assert.equal(item.quantity, 1, `${label}: quantity`);
  assert.ok(Number.isInteger(item.index) && item.index >= 0, `${label}: index is an integer from 0`);
}

/** Checks a GA4 ecommerce push (docs/events.md 6.2). */
function assertGa4Push(message, eventName, { variant }) {
  const label = `dataLayer ${eventName} ${JSON.stringify(message)}`;
  assert.equal(message.event, eventName, label);
  assert.equal(message.alsobought_experiment, EXPERIMENT, `${label}: alsobought_experiment`);
  assert.equal(message.alsobought_variant, variant, `${label}: alsobought_variant`);
  const { ecommerce } = message;
  assert.equal(ecommerce.item_list_id, LIST_ID, `${label}: item_list_id`);
  assert.equal(ecommerce.item_list_name, LIST_NAME, `${label}: item_list_name`);
  assert.equal(ecommerce.currency, 'EUR', `${label}: currency`);
  assert.ok(Array.isArray(ecommerce.items) && ecommerce.items.length > 0, `${label}: items`);
  for (const item of ecommerce.items) assertItemMatchesCatalog(item, label);
  if (eventName === 'add_to_cart') {
    const sum = ecommerce.items.reduce((total, item) => total + item.price * item.quantity, 0);
    assert.equal(ecommerce.value, sum, `${label}: value is Σ price × quantity`);
  } else {
    assert.ok(!('value' in ecommerce), `${label}: value only on add_to_cart`);
  }
}

/** The dataLayer messages, each ecommerce push checked to follow its `{ ecommerce: null }`. */
async function dataLayerEvents(page) {
  const layer = await page.evaluate(() => window.dataLayer);
  layer.forEach((message, position) => {
    if (message.ecommerce) {
      assert.deepEqual(layer[position - 1], { ecommerce: null }, `push ${position} (${message.event}) follows { ecommerce: null }`);
    }
  });
  return layer.filter((message) => message.event);
}

function pageUrl(parameters) {
  return `${PAGE}?${new URLSearchParams(parameters)}`;
}

/** Makes the page hidden the way a tab switch does, for the widget's listener. */
function hidePage(page) {
  return page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { configurable: true, get: () => 'hidden' });
    Object.defineProperty(document, 'hidden', { configurable: true, get: () => true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
}

/** Collects the requests the page context sends to `url` (method, content type, time). */
function recordRequestsTo(session, url) {
  const requests = [];
  session.context.on('request', (request) => {
    if (request.url().startsWith(url)) {
      requests.push({ method: request.method(), contentType: request.headers()['content-type'] ?? null, at: Date.now() });
    }
  });
  return requests;
}

/** The store's own listeners: links do not navigate, adds are handled (go into its cart). */
function handleAddsAndStayOnPage(page) {
  return page.evaluate(() => {
    const host = document.getElementById('widget');
    host.addEventListener('click', (event) => event.preventDefault());
    host.addEventListener('alsobought:add-to-cart', (event) => event.preventDefault());
  });
}

async function seedVisitor(session, visitorId) {
  await session.context.addInitScript(
    ([key, id]) => localStorage.setItem(key, id),
    [VISITOR_KEY, visitorId],
  );
}

function shadowClick(page, selector, index = 0) {
  return page.evaluate(
    ([selector, index]) => document.getElementById('widget').shadowRoot.querySelectorAll(selector)[index].click(),
    [selector, index],
  );
}

describe('measurement', () => {
  const environment = useEnvironment();
  let collector;
  before(async () => {
    collector = await startCollector('measurement');
  });
  after(async () => {
    await collector?.stop();
  });

  test('the assignment re-implemented here matches the documented test vectors', () => {
    const spec = [['control', 45], ['compact', 45], ['holdout', 10]];
    assert.equal(assignmentPoint('fbt-2026-11', '9f86d081884c7d659a2feaa0c55ad015', 100), 41);
    assert.equal(assignmentPoint('fbt-2026-11', '5d41402abc4b2a76b9719d911017c592', 100), 83);
    assert.equal(variantOf('fbt-2026-11', 'visitor-5', spec), 'holdout');
    assert.equal(variantOf('layout-test', '9f86d081884c7d659a2feaa0c55ad015', spec), 'compact');
  });

  test('an impression is recorded once, only after half of the widget is scrolled into view', async () => {
    await withPage(environment, 'measurement-impression', {}, async (session) => {
      const { page } = session;
      await seedVisitor(session, visitorIn('control', 1));
      await session.goto(pageUrl({}));
      assert.deepEqual(await session.waitForWidgets(), ['ready'], `console: ${session.describeConsole()}`);
      await page.waitForTimeout(500);
      assert.equal((await session.events('alsobought:impression')).length, 0, 'no impression below the fold');
      assert.ok(
        !(await dataLayerEvents(page)).some((message) => message.event === 'view_item_list'),
        'no view_item_list below the fold',
      );

      await page.locator('#widget').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => window.__alsoboughtTest.events.some((event) => event.type === 'alsobought:impression'));
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.waitForTimeout(200);
      await page.locator('#widget').scrollIntoViewIfNeeded();
      await page.waitForTimeout(300);
      const impressions = await session.events('alsobought:impression');
      assert.equal(impressions.length, 1, 'once per page view, however often it is seen');
      const { event, experiment, variant, products } = impressions[0].detail;
      assert.equal(experiment, EXPERIMENT);
      assert.equal(variant, 'control');
      assertEventShape(event);
      assert.equal(event.type, 'impression');
      assert.deepEqual(
        event.items.map((item) => item.item_id),
        products.map((product) => product.id),
        'the items are the suggestions shown',
      );
      assert.deepEqual(event.items.map((item) => item.index), event.items.map((_, index) => index));
      assert.equal(event.layout, 'carousel');
      assert.deepEqual(event.context, [HUB_ID]);
      assert.deepEqual(session.pageErrors, []);
    });
  });

  test('dataLayer gets GA4 view_item_list, select_item and add_to_cart, each after { ecommerce: null }', async () => {
    await withPage(environment, 'measurement-datalayer', {}, async (session) => {
      const { page } = session;
      await seedVisitor(session, visitorIn('control', 2));
      await session.goto(pageUrl({ nospacer: '' }));
      await session.waitForWidgets();
      await handleAddsAndStayOnPage(page);
      await page.waitForFunction(() => window.dataLayer.some((message) => message.event === 'view_item_list'));
      await shadowClick(page, 'a.ab-link', 1);
      await shadowClick(page, 'button.ab-add', 0);
      const messages = await dataLayerEvents(page);
      assert.deepEqual(
        messages.map((message) => message.event),
        ['alsobought_exposure', 'view_item_list', 'select_item', 'add_to_cart'],
      );
      assert.deepEqual(messages[0], {
        event: 'alsobought_exposure',
        alsobought_experiment: EXPERIMENT,
        alsobought_variant: 'control',
      });
      const [, view, select, add] = messages;
      assertGa4Push(view, 'view_item_list', { variant: 'control' });
      assertGa4Push(select, 'select_item', { variant: 'control' });
      assertGa4Push(add, 'add_to_cart', { variant: 'control' });
      assert.deepEqual(select.ecommerce.items, [view.ecommerce.items[1]], 'select_item: the clicked product with its index');
      assert.deepEqual(add.ecommerce.items, [view.ecommerce.items[0]], 'add_to_cart: the added product with its index');
      assert.deepEqual(session.pageErrors, []);
    });
  });

  test('without window.dataLayer nothing is created and the widget works', async () => {
    await withPage(environment, 'measurement-no-datalayer', {}, async (session) => {
      await session.goto(pageUrl({ nodatalayer: '', nospacer: '' }));
      assert.deepEqual(await session.waitForWidgets(), ['ready']);
      await session.page.waitForFunction(() => window.__alsoboughtTest.events.some((event) => event.type === 'alsobought:impression'));
      assert.equal(await session.page.evaluate(() => typeof window.dataLayer), 'undefined');
      assert.deepEqual(session.pageErrors, []);
    });
  });

  test('beacon bodies reach the collector when the shopper follows a suggestion (pagehide)', async () => {
    await withPage(environment, 'measurement-beacon', {}, async (session) => {
      const { page } = session;
      const visitor = visitorIn('control', 3);
      await seedVisitor(session, visitor);
      await session.goto(pageUrl({ beacon: collector.url }));
      await session.waitForWidgets();
      await page.locator('#widget').scrollIntoViewIfNeeded();
      await page.waitForFunction(() => window.__alsoboughtTest.events.some((event) => event.type === 'alsobought:impression'));
      const clickedId = (await session.events('alsobought:impression'))[0].detail.products[0].id;
      await Promise.all([page.waitForURL(/landing\.html/), shadowClick(page, 'a.ab-link', 0)]);

      const mine = (events) => events.filter((event) => event.visitor_id === visitor && event.list_id === LIST_ID);
      const stored = mine(
        await collector.waitForEvents(
          (events) => ['exposure', 'impression', 'click'].every((type) => mine(events).some((event) => event.type === type)),
          'exposure, impression and click',
        ),
      );
      assert.deepEqual(stored.map((event) => event.type), ['exposure', 'impression', 'click']);
      for (const event of stored) {
        assertEventShape(event, { stored: true });
        assert.equal(event.experiment, EXPERIMENT);
        assert.equal(event.variant, 'control');
        assert.equal(event.holdout, false);
        assert.equal(event.forced, false);
        assert.equal(event.list_name, LIST_NAME);
        assert.equal(event.layout, 'carousel');
        assert.deepEqual(event.context, [HUB_ID]);
      }
      assert.equal(new Set(stored.map((event) => event.page_view_id)).size, 1, 'one page view');
      assert.deepEqual(stored[2].items.map((item) => [item.item_id, item.index]), [[clickedId, 0]]);
    });
  });

  test('nothing is sent while the page works, and hiding the page sends the queue at once', async () => {
    await withPage(environment, 'measurement-hidden', {}, async (session) => {
      const { page } = session;
      const visitor = visitorIn('compact', 4);
      await seedVisitor(session, visitor);
      const requests = recordRequestsTo(session, collector.url);
      await session.goto(pageUrl({ beacon: collector.url, nospacer: '' }));
      await session.waitForWidgets();
      await page.waitForFunction(() => window.__alsoboughtTest.events.some((event) => event.type === 'alsobought:impression'));
      await page.waitForTimeout(500);
      const [exposure] = await session.events('alsobought:exposure');
      const queuedAt = exposure.detail.event.ts;
      for (const request of requests) {
        assert.ok(request.at >= queuedAt + 5_000, `a request ${request.at - queuedAt} ms after the first event, before its 5 s`);
      }
      const hiddenAt = Date.now();
      await hidePage(page);
      const mine = (events) => events.filter((event) => event.visitor_id === visitor);
      const stored = mine(
        await collector.waitForEvents((events) => mine(events).length >= 2, 'the hidden page\'s queue', 5_000),
      );
      assert.deepEqual(stored.map((event) => event.type), ['exposure', 'impression']);
      assert.equal(stored[0].variant, 'compact');
      assert.equal(stored[1].layout, 'bundle', 'the compact variant shows a bundle');
      assert.ok(stored[1].items.length <= 2, `the compact variant caps at 2: ${stored[1].items.length}`);
      assert.deepEqual(
        stored[1].items.map((item) => item.index),
        stored[1].items.map((_, position) => position + 1),
        'the bundle lists the product on screen first (index 0); the items are the suggestions after it',
      );
      assert.ok(!stored[1].items.some((item) => item.item_id === HUB_ID), 'the product on screen is no suggestion');
      for (const event of stored) {
        assert.ok(event.received_at - hiddenAt < 3_000, `${event.type} arrived ${event.received_at - hiddenAt} ms after hiding`);
      }
      // A page that stays open shows its requests (one sent while unloading may not be).
      assert.ok(requests.length >= 1, 'the collector was called');
      for (const request of requests) {
        assert.equal(request.method, 'POST');
        assert.match(request.contentType ?? '', /^text\/plain/, 'a CORS-safelisted text/plain body: no preflight');
      }
    });
  });

  test('a queue due while the page still loads waits for the load and an idle moment', async () => {
    await withPage(environment, 'measurement-slow-load', {}, async (session) => {
      const { page } = session;
      const visitor = visitorIn('control', 5);
      await seedVisitor(session, visitor);
      // The load event comes after 7 s; the exposure's 5 s timer fires before it.
      await page.goto(pageUrl({ beacon: collector.url, nospacer: '', slowload: '7000' }), { waitUntil: 'commit' });
      const mine = (events) => events.filter((event) => event.visitor_id === visitor);
      const stored = mine(await collector.waitForEvents((events) => mine(events).length >= 1, 'the timed send', 20_000));
      assert.equal(stored[0].type, 'exposure');
      const timing = await page.evaluate(() => ({
        loadEventEnd: performance.getEntriesByType('navigation')[0].loadEventEnd,
        beacons: performance
          .getEntriesByType('resource')
          .filter((entry) => entry.initiatorType === 'beacon')
          .map((entry) => entry.startTime),
      }));
      assert.ok(timing.loadEventEnd > 6_500, `the page loaded slowly: ${timing.loadEventEnd} ms`);
      assert.ok(timing.beacons.length >= 1, `the beacon is in the resource timing: ${JSON.stringify(timing)}`);
      for (const start of timing.beacons) {
        assert.ok(start >= timing.loadEventEnd, `beacon at ${start} ms, after the load at ${timing.loadEventEnd} ms`);
      }
    });
  });

  test('a holdout sees nothing and fetches nothing, but its exposure is logged', async () => {
    await withPage(environment, 'measurement-holdout', {}, async (session) => {
      const { page } = session;
      const tableRequests = [];
      page.on('request', (request) => {
        if (request.url().includes('.table')) tableRequests.push(request.url());
      });
      await session.goto(pageUrl({ beacon: collector.url, variants: 'control:0,holdout:1', nospacer: '' }));
      assert.deepEqual(await session.waitForWidgets(), ['holdout'], `console: ${session.describeConsole()}`);
      await page.waitForTimeout(500);
      const shown = await page.evaluate(() => {
        const host = document.getElementById('widget');
        return {
          state: host.dataset.alsoboughtState,
          height: host.getBoundingClientRect().height,
          rendered: host.shadowRoot ? host.shadowRoot.querySelectorAll('*').length : 0,
          visitor: localStorage.getItem('alsobought:visitor'),
        };
      });
      assert.deepEqual(
        { state: shown.state, height: shown.height, rendered: shown.rendered },
        { state: 'holdout', height: 0, rendered: 0 },
        'nothing shown, no space kept',
      );
      assert.deepEqual(tableRequests, [], 'the table is never fetched');
      const exposures = await session.events('alsobought:exposure');
      assert.equal(exposures.length, 1);
      assert.equal(exposures[0].detail.event.holdout, true);
      assert.equal(exposures[0].detail.event.layout, null);
      assert.deepEqual(
        await dataLayerEvents(page),
        [{ event: 'alsobought_exposure', alsobought_experiment: EXPERIMENT, alsobought_variant: 'holdout' }],
      );
      assert.equal((await session.events('alsobought:impression')).length, 0);
      await hidePage(page);
      const mine = (events) => events.filter((event) => event.visitor_id === shown.visitor);
      const [stored] = mine(await collector.waitForEvents((events) => mine(events).length >= 1, 'the holdout exposure', 5_000));
      assertEventShape(stored, { stored: true });
      assert.deepEqual(
        { type: stored.type, variant: stored.variant, holdout: stored.holdout, layout: stored.layout, items: stored.items },
        { type: 'exposure', variant: 'holdout', holdout: true, layout: null, items: [] },
      );
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('a visitor keeps their id and variant on every page', async () => {
    await withPage(environment, 'measurement-same-variant', {}, async (session) => {
      const seen = [];
      for (const round of [1, 2]) {
        const page = round === 1 ? session.page : await session.context.newPage();
        await page.goto(pageUrl({ nospacer: '' }), { waitUntil: 'load' });
        await page.waitForFunction(() => window.dataLayer?.some((message) => message.event === 'alsobought_exposure'));
        const facts = await page.evaluate(() => ({
          visitor: localStorage.getItem('alsobought:visitor'),
          exposure: window.dataLayer.find((message) => message.event === 'alsobought_exposure'),
          state: document.getElementById('widget').dataset.alsoboughtState,
        }));
        seen.push(facts);
      }
      const [first, second] = seen;
      assert.match(first.visitor ?? '', /^[0-9a-f]{32}$/, 'a 32-hex visitor id is stored in localStorage');
      assert.equal(second.visitor, first.visitor, 'the second page reuses the id');
      assert.equal(second.exposure.alsobought_variant, first.exposure.alsobought_variant, 'same variant on both pages');
      assert.equal(
        first.exposure.alsobought_variant,
        variantOf(EXPERIMENT, first.visitor),
        'the variant is the documented assignment of this visitor',
      );
      const cookies = await session.context.cookies();
      assert.deepEqual(cookies, [], 'no cookie is set');
    });
  });

  test('trackPurchase credits the product added through the widget and reaches the collector', async () => {
    await withPage(environment, 'measurement-purchase', {}, async (session) => {
      const { page } = session;
      const visitor = visitorIn('control', 6);
      await seedVisitor(session, visitor);
      await session.goto(pageUrl({ beacon: collector.url, nospacer: '' }));
      await session.waitForWidgets();
      await handleAddsAndStayOnPage(page);
      await shadowClick(page, 'button.ab-add', 0);
      const [added] = await session.events('alsobought:add-to-cart');
      const addedProduct = added.detail.products[0];
      assert.equal(added.detail.event.type, 'add_to_cart', 'detail.event is the add_to_cart that is recorded');

      await session.goto('/tests/e2e/pages/landing.html');
      const hub = CATALOG.get(HUB_ID);
      const event = await page.evaluate(
        async ({ addedProduct, hub, beacon }) => {
          const { trackPurchase } = await import('/alsobought/alsobought.js');
          const order = {
            orderId: 'E2E-ORDER-1',
            currency: 'EUR',
            beacon,
            items: [
              { item_id: hub.id, item_name: hub.title, price: Number(hub.price), quantity: 2 },
              { id: addedProduct.id, title: addedProduct.title, price: addedProduct.price },
            ],
          };
          const recorded = trackPurchase(order);
          return { recorded, again: trackPurchase(order) };
        },
        { addedProduct, hub, beacon: collector.url },
      );
      assert.equal(event.again, null, 'the same order is recorded once');
      const expectedValue = Number(hub.price) * 2 + addedProduct.price;
      assert.deepEqual(
        {
          type: event.recorded.type,
          order_id: event.recorded.order_id,
          value: event.recorded.value,
          attributed_value: event.recorded.attributed_value,
          attributed_items: event.recorded.attributed_items,
          visitor_id: event.recorded.visitor_id,
        },
        {
          type: 'purchase',
          order_id: 'E2E-ORDER-1',
          value: expectedValue,
          attributed_value: addedProduct.price,
          attributed_items: [addedProduct.id],
          visitor_id: visitor,
        },
      );
      await session.goto('/tests/e2e/pages/landing.html?left');
      const mine = (events) => events.filter((event) => event.visitor_id === visitor);
      const stored = mine(
        await collector.waitForEvents(
          (events) => ['add_to_cart', 'purchase'].every((type) => mine(events).some((event) => event.type === type)),
          'add_to_cart and purchase',
        ),
      );
      const storedAdd = stored.find((event) => event.type === 'add_to_cart');
      assertEventShape(storedAdd, { stored: true });
      assert.equal(storedAdd.value, addedProduct.price);
      const purchase = stored.find((event) => event.type === 'purchase');
      assert.equal(purchase.attributed_value, addedProduct.price);
      assert.equal(purchase.experiment, null);
      assert.equal(purchase.list_id, null);
    });
  });
});
