// The demo store's product page, as a shopper gets it: the widget must render capped,
// accessible cards in its shadow root, never suggest the page's own product or an
// unavailable one, lazy-load images with reserved dimensions, and announce itself with
// `alsobought:ready` — all checked against the catalog, not against the widget.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { DEMO_TABLE_URL, demoCatalog, pickDemoProductPage } from '../lib/demo-data.mjs';
import { assertHintsUsed, countRequests, DEMO_PAGE_HINTS, describeHints, emulateSlowNetwork } from '../lib/head-hints.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

const DEFAULT_MAX_SUGGESTIONS = 4;

describe('demo product page', () => {
  const environment = useEnvironment();
  let demo;
  let catalog;
  before(() => {
    demo = pickDemoProductPage();
    catalog = demoCatalog();
  });

  test('renders capped cards of available products other than the page product', async () => {
    await withPage(environment, 'product-page', {}, async (session) => {
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      const host = await session.page.evaluate(() => {
        const element = document.querySelector('[data-alsobought]');
        return { product: element.dataset.product, maxSuggestions: element.dataset.maxSuggestions ?? null };
      });
      assert.equal(host.product, demo.product, 'the page picked for the test carries its product id');
      const cap = host.maxSuggestions === null ? DEFAULT_MAX_SUGGESTIONS : Number(host.maxSuggestions);
      const widget = await readWidget(session.page, '[data-alsobought]');

      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.hasShadowRoot, 'the host has an open shadow root');
      assert.ok(widget.cards.length >= 1, 'at least one card is rendered');
      assert.ok(widget.cards.length <= cap, `${widget.cards.length} cards exceed data-max-suggestions=${cap}`);
      const suggestable = demo.neighbours.filter((id) => id !== demo.product && catalog.get(id)?.available);
      if (suggestable.length >= cap) {
        assert.equal(widget.cards.length, cap, `the product has ${suggestable.length} available neighbours: fill the cap`);
      }

      const readyEvents = await session.events('alsobought:ready');
      assert.equal(readyEvents.length, 1, 'alsobought:ready fires once');
      assert.ok(readyEvents[0].bubbles && readyEvents[0].composed, 'alsobought:ready bubbles and is composed');
      const shown = readyEvents[0].detail?.products;
      assert.ok(Array.isArray(shown), `alsobought:ready detail.products: ${JSON.stringify(readyEvents[0].detail)}`);
      assert.equal(shown.length, widget.cards.length, 'detail.products lists every rendered card');

      shown.forEach((product, index) => {
        assert.notEqual(product.id, demo.product, 'the page product is never suggested');
        const entry = catalog.get(product.id);
        assert.ok(entry, `suggested ${product.id} is in the catalog`);
        assert.equal(entry.available, true, `suggested ${product.id} is available`);
        assert.ok(!demo.unavailableNeighbours.includes(product.id), `${product.id} is an unavailable neighbour`);
        const card = widget.cards[index];
        assert.equal(card.name, entry.title, `card ${index + 1} shows ${product.id}'s title`);
        assert.equal(card.resolvedHref, new URL(entry.url, session.page.url()).href, `card ${index + 1} links to ${entry.url}`);
      });
    });
  });

  test('cards follow the carousel pattern and lazy-load sized images', async () => {
    await withPage(environment, 'product-page-dom', {}, async (session) => {
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '[data-alsobought]');
      assert.equal(widget.section?.role, 'region');
      assert.equal(widget.section?.roleDescription, 'carousel');
      assert.ok(widget.section?.headingText, 'the region is labelled by its heading');
      widget.cards.forEach((card, index) => {
        assert.equal(card.role, 'group');
        assert.equal(card.roleDescription, 'slide');
        assert.equal(card.label, `${index + 1} of ${widget.cards.length}`);
        assert.ok(card.price, `card ${index + 1} shows a price`);
        assert.ok(card.hasAddButton, `card ${index + 1} has an add-to-cart button`);
        assert.ok(card.image, `card ${index + 1} has an image`);
        assert.equal(card.image.loading, 'lazy', `card ${index + 1} image loads lazily`);
        assert.match(card.image.width ?? '', /^[1-9]\d*$/, `card ${index + 1} image has a width attribute`);
        assert.match(card.image.height ?? '', /^[1-9]\d*$/, `card ${index + 1} image has a height attribute`);
        assert.notEqual(card.image.alt, null, `card ${index + 1} image has an alt attribute`);
      });
    });
  });

  // A page's first Intl.NumberFormat loads the browser's locale data (15-60 ms in cold
  // Chromium). The start-up code takes that cost in a task of its own while the wasm
  // downloads; without it, it lands in the task that renders the cards and makes it long.
  test('loads the locale data before the wasm starts, not while rendering the cards', async () => {
    await withPage(environment, 'product-page-locale-data', {}, async (session) => {
      await session.context.addInitScript(() => {
        const constructions = [];
        Object.defineProperty(window, '__numberFormats', { value: constructions });
        Intl.NumberFormat = new Proxy(Intl.NumberFormat, {
          construct(target, args) {
            constructions.push({ widgetStarted: performance.getEntriesByName('alsobought:started').length > 0 });
            return Reflect.construct(target, args);
          },
        });
      });
      await session.goto(hostPage({ table: DEMO_TABLE_URL, product: demo.product }));
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.some((card) => card.price), 'the cards show prices, so the widget formats some');
      const constructions = await session.page.evaluate(() => window.__numberFormats);
      assert.ok(constructions.length >= 2, `a warm-up and the widget's own formatters: ${JSON.stringify(constructions)}`);
      assert.equal(constructions[0].widgetStarted, false, `the first Intl.NumberFormat is the start-up code's: ${JSON.stringify(constructions)}`);
    });
  });

  // On a slow load the head's inline script starts the wasm with the page's own files
  // (scripts/bench-network.mjs measures what that saves); a preload the widget cannot
  // take would download it twice.
  test('on a slow network its head script starts the widget\'s wasm, fetched once and used', async () => {
    await withPage(environment, 'product-page-hints', {}, async (session) => {
      await emulateSlowNetwork(session);
      const counts = countRequests(session);
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      const hints = await assertHintsUsed(session, counts);
      assert.deepEqual(describeHints(hints), DEMO_PAGE_HINTS);
      assert.equal((await readWidget(session.page, '[data-alsobought]')).state, 'ready', `console: ${session.describeConsole()}`);
    });
  });

  // On loopback the module usually runs before the script's mark and fetches the wasm
  // itself (on a busy machine the preload may come first, and a script whose mark falls
  // after the module ran sees `__alsoboughtFirstReads` and adds nothing): one download.
  test('on a fast network the widget\'s wasm is fetched once', async () => {
    await withPage(environment, 'product-page-hints-fast', {}, async (session) => {
      const counts = countRequests(session);
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      const hints = await assertHintsUsed(session, counts);
      assert.ok(hints.length === 0 || describeHints(hints).join() === DEMO_PAGE_HINTS.join(), JSON.stringify(describeHints(hints)));
      const wasm = [...counts].filter(([url]) => url.endsWith('/alsobought_bg.wasm'));
      assert.deepEqual(wasm.map(([, count]) => count), [1], `the wasm's requests: ${JSON.stringify(wasm)}`);
    });
  });

  test('logs no error and throws nothing', async () => {
    await withPage(environment, 'product-page-console', {}, async (session) => {
      await session.goto(demo.urlPath);
      await session.waitForWidgets();
      await session.page.waitForTimeout(300);
      assert.deepEqual(session.pageErrors, [], 'uncaught exceptions');
      assert.deepEqual(
        session.console.filter((message) => message.type === 'error'),
        [],
        'console errors',
      );
    });
  });
});
