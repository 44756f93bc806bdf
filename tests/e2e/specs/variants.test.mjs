// Products sold in sizes, on the demo store: the table lists each product once (its
// sizes pooled by `alsobought build`), its card is priced "from" its cheapest size, and
// the shop's pinned pair (rules.csv) leads the pinned product's page — in the carousel
// and in the checkout's bundle, whose total then says "from" too.

import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { demoCatalog, demoPin, seedDemoCart } from '../lib/demo-data.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';
import { parsePrice, readWidget } from '../lib/widget-page.mjs';

describe('demo products sold in sizes', () => {
  const environment = useEnvironment();
  let catalog;
  let pin;
  before(() => {
    catalog = demoCatalog();
    pin = demoPin();
    assert.ok(pin, 'www/generated/rules.csv pins a pair');
    const target = catalog.get(pin.target);
    assert.ok(target?.priceFrom, `the pinned ${pin.target} comes in sizes of different prices`);
  });

  test('the pinned product leads the page, priced from its cheapest size, never a size of its own', async () => {
    await withPage(environment, 'variants-pin', {}, async (session) => {
      await session.goto(`/www/generated/products/${encodeURIComponent(pin.product)}.html`);
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '[data-alsobought]');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      const target = catalog.get(pin.target);
      const [first] = widget.cards;
      assert.equal(first?.name, target.title, `the pinned ${pin.target} comes first: ${JSON.stringify(widget.cards)}`);
      assert.match(first.price, /^from /, `a product in sizes is priced "from": ${first.price}`);
      assert.equal(parsePrice(first.price), Number(target.price), 'from the cheapest size');
      const [ready] = await session.events('alsobought:ready');
      const shown = ready.detail.products.map((product) => product.id);
      const skus = new Set([...catalog.values()].flatMap((entry) => (entry.sizes.length > 1 ? entry.skus : [])));
      assert.ok(!shown.some((id) => skus.has(id)), `suggestions are products, not sizes: ${shown}`);
      widget.cards.forEach((card, index) => {
        const entry = catalog.get(shown[index]);
        assert.equal(card.price.startsWith('from '), entry.priceFrom, `card ${index + 1} (${entry.id}): ${card.price}`);
      });
    });
  });

  test("the checkout's bundle totals from the cheapest size", async () => {
    await withPage(environment, 'variants-bundle', {}, async (session) => {
      await seedDemoCart(session, [pin.product]);
      await session.goto('/www/checkout.html');
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '[data-alsobought]');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      const target = catalog.get(pin.target);
      const item = widget.items.find((entry) => entry.name === target.title);
      assert.ok(item, `the pinned ${pin.target} is in the bundle: ${JSON.stringify(widget.items)}`);
      assert.match(item.price, /^from /);
      assert.match(widget.total ?? '', /^Total: from /, `the total holds a "from" price: ${widget.total}`);
      const cents = widget.items.reduce((sum, entry) => sum + Math.round(parsePrice(entry.price) * 100), 0);
      assert.equal(Math.round(parsePrice(widget.total) * 100), cents, 'the total adds the prices shown');
    });
  });
});
