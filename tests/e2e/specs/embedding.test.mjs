// The ways a store embeds the widget: several hosts on one page, a lone script tag that
// carries the attributes (renders right after itself), and the JS API of single-page
// apps (mount, updateCart, unmount) with its TypeScript declarations. Uses the fixture
// shop table (known ids).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import { repoPath } from '../lib/environment.mjs';
import { FIXTURE_TABLES, HUB_ID, OUT_OF_STOCK_ID, SOLD_OUT_ID } from '../lib/fixtures.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

describe('embedding', () => {
  const environment = useEnvironment();

  test('three widgets on one page each mount with their own settings', async () => {
    await withPage(environment, 'multi', {}, async (session) => {
      await session.goto('/tests/e2e/pages/multi.html');
      const states = await session.waitForWidgets({ count: 3 });
      assert.deepEqual(states, ['ready', 'ready', 'ready'], `states; console: ${session.describeConsole()}`);
      const [first, second, third] = await Promise.all(
        ['#first', '#second', '#third'].map((selector) => readWidget(session.page, selector)),
      );
      assert.equal(first.section?.headingText, 'First widget');
      assert.equal(second.section?.headingText, 'Second widget');
      assert.equal(third.section?.headingText, 'Third widget');
      assert.ok(first.cards.length >= 1 && first.cards.length <= 4, `first: ${first.cards.length} cards, cap 4`);
      assert.ok(second.cards.length >= 1 && second.cards.length <= 2, `second: ${second.cards.length} cards, cap 2`);
      assert.ok(third.items.length >= 1 && third.items.length <= 3, `third: ${third.items.length} bundle items, cap 3`);

      const ready = await session.events('alsobought:ready');
      assert.deepEqual(ready.map((event) => event.hostId).sort(), ['first', 'second', 'third'], 'one ready event per host');
      const idsOf = (hostId) => ready.find((event) => event.hostId === hostId).detail.products.map((product) => product.id);
      assert.ok(!idsOf('first').includes(HUB_ID), 'first does not suggest its own product');
      assert.ok(!idsOf('second').includes('E2E-N01'), 'second does not suggest its own product');
      assert.ok(!idsOf('third').some((id) => id === HUB_ID || id === 'E2E-N02'), 'third skips the cart');
      for (const hostId of ['first', 'second', 'third']) {
        assert.ok(!idsOf(hostId).includes(OUT_OF_STOCK_ID), `${hostId} never shows the out-of-stock product`);
        assert.ok(!idsOf(hostId).includes(SOLD_OUT_ID), `${hostId} never shows the sold-out product`);
      }
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('a script tag with the data attributes renders right after itself', async () => {
    await withPage(environment, 'script-tag', {}, async (session) => {
      await session.goto('/tests/e2e/pages/script-tag.html');
      await session.waitForWidgets();
      const placement = await session.page.evaluate(() => {
        const script = document.getElementById('embed');
        const host = script.nextElementSibling;
        return {
          hostTag: host?.localName ?? null,
          hostState: host?.dataset.alsoboughtState ?? null,
          followedBy: host?.nextElementSibling?.id ?? null,
          hostCount: document.querySelectorAll('[data-alsobought-state]').length,
        };
      });
      assert.equal(placement.hostTag, 'div', 'a <div> follows the script tag');
      assert.equal(placement.hostState, 'ready', `the div after the script is the ready widget; console: ${session.describeConsole()}`);
      assert.equal(placement.followedBy, 'after-script', 'the widget sits between the script and the following content');
      assert.equal(placement.hostCount, 1, 'exactly one widget is mounted');
      const cardCount = await session.page.evaluate(
        () => document.getElementById('embed').nextElementSibling.shadowRoot.querySelectorAll('.ab-card').length,
      );
      assert.ok(cardCount >= 1 && cardCount <= 3, `${cardCount} cards, cap 3`);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('invalid attribute values warn, naming the attribute, and fall back to defaults', async () => {
    await withPage(environment, 'invalid-attributes', {}, async (session) => {
      await session.goto(hostPage({ table: FIXTURE_TABLES.shop, product: HUB_ID, 'max-suggestions': 'lots', layout: 'grid' }));
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.length >= 1 && widget.cards.length <= 4, `the default cap of 4 applies: ${widget.cards.length} cards`);
      assert.equal(widget.items.length, 0, 'the default carousel layout applies');
      const warnings = session.console.filter((message) => message.type === 'warning').map((message) => message.text);
      for (const attribute of ['data-max-suggestions', 'data-layout']) {
        assert.ok(warnings.some((text) => text.includes(attribute)), `a warning names ${attribute}: ${JSON.stringify(warnings)}`);
      }
      assert.deepEqual(session.scriptConsoleErrors(), [], 'an invalid value is a warning, not an error');
    });
  });

  test('the JS API mounts, follows cart updates and unmounts', async () => {
    await withPage(environment, 'spa', {}, async (session) => {
      const { page } = session;
      await session.goto('/tests/e2e/pages/spa.html');
      await page
        .waitForFunction(() => document.documentElement.dataset.spaReady === 'true', null, { timeout: 10_000 })
        .catch((error) => {
          throw new Error(`spa.js did not import mount/updateCart/unmount/refresh: ${session.describeConsole()} ${session.pageErrors}`, { cause: error });
        });

      await page.evaluate(
        ({ table, cart }) => window.spaApi.mount(document.getElementById('spa-slot'), { table, cart, maxSuggestions: 2 }),
        { table: FIXTURE_TABLES.shop, cart: [HUB_ID] },
      );
      await session.waitForWidgets();
      const mounted = await readWidget(page, '#spa-slot');
      assert.equal(mounted.state, 'ready', `after mount; console: ${session.describeConsole()}`);
      const ready = await session.events('alsobought:ready');
      const firstIds = ready.at(-1).detail.products.map((product) => product.id);
      const suggestions = mounted.cards.length ? firstIds : firstIds.slice(1);
      assert.ok(suggestions.length >= 1 && suggestions.length <= 2, `mount honours maxSuggestions=2: ${firstIds}`);
      assert.ok(!suggestions.includes(HUB_ID), 'the cart product is not suggested');

      const added = suggestions[0];
      await page.evaluate(
        (cart) => window.spaApi.updateCart(document.getElementById('spa-slot'), cart),
        [HUB_ID, added],
      );
      await page.waitForFunction(
        (count) => window.__alsoboughtTest.events.filter((event) => event.type === 'alsobought:ready').length > count,
        ready.length,
        { timeout: 10_000 },
      );
      const updated = (await session.events('alsobought:ready')).at(-1).detail.products.map((product) => product.id);
      assert.ok(!updated.includes(added), `after updateCart([${HUB_ID}, ${added}]) ${added} is no longer suggested: ${updated}`);

      await page.evaluate(() => window.spaApi.unmount(document.getElementById('spa-slot')));
      const unmounted = await page.evaluate(() => {
        const slot = document.getElementById('spa-slot');
        return {
          rendered: slot.shadowRoot ? slot.shadowRoot.querySelectorAll('.ab-root, .ab-card, .ab-item').length : 0,
          height: slot.getBoundingClientRect().height,
        };
      });
      assert.deepEqual(unmounted, { rendered: 0, height: 0 }, 'unmount leaves nothing rendered');
      assert.deepEqual(session.pageErrors, []);
      assert.deepEqual(session.scriptConsoleErrors(), []);
    });
  });

  test('the TypeScript declarations compile in a strict project and declare what the module exports', async () => {
    // tests/types/usage.ts uses every function, option and event, and marks misuses
    // with @ts-expect-error: declarations grown too loose fail here as unused directives.
    const compiled = spawnSync(repoPath('node_modules/.bin/tsc'), ['-p', repoPath('tests/types')], { encoding: 'utf8' });
    assert.equal(compiled.status, 0, `tsc -p tests/types:\n${compiled.stdout}${compiled.stderr}`);

    const declarations = readFileSync(repoPath('pkg/alsobought.d.ts'), 'utf8');
    const declared = [...declarations.matchAll(/^export function (\w+)/gm)].map((match) => match[1]).sort();
    await withPage(environment, 'exports', {}, async (session) => {
      await session.goto('/tests/e2e/pages/spa.html');
      const exported = await session.page.evaluate(async () => Object.keys(await import('/alsobought/alsobought.js')).sort());
      // wasm-bindgen's own exports: the instantiation function and the start function
      // the module has already run. Not part of the API, so not declared.
      const plumbing = ['default', 'start'];
      assert.deepEqual(exported.filter((name) => !plumbing.includes(name)), declared, 'every export is declared, and only those');
    });
  });
});
