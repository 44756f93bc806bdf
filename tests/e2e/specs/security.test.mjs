// Security and isolation: catalog text is untrusted (a table built from a hostile
// catalog must show markup as text and never produce a script URL), the widget must work
// under the strict Content-Security-Policy the product contract promises, and a host page
// whose CSS attacks everything must not break the widget's layout.

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, test } from 'node:test';
import { demoCart, seedDemoCart } from '../lib/demo-data.mjs';
import { repoPath, RESULTS_DIR } from '../lib/environment.mjs';
import { FIXTURE_TABLES, HOSTILE_CATALOG, HOSTILE_IDS, hostileTableProblem, SAFE_ID } from '../lib/fixtures.mjs';
import { hostPage, useEnvironment, withPage } from '../lib/suite.mjs';
import { readWidget } from '../lib/widget-page.mjs';

const HOSTILE_PAGE = hostPage({ table: FIXTURE_TABLES.hostile, product: SAFE_ID, 'max-suggestions': '4' });

/** Is `url` (an attribute value) something a click could run script from? */
function isScriptUrl(url) {
  // Browsers strip leading/trailing C0 controls and spaces and remove tabs/newlines anywhere.
  const cleaned = (url ?? '').replace(/^[\u0000-\u0020]+|[\u0000-\u0020]+$/g, '').replace(/[\t\n\r]/g, '');
  return /^(javascript|vbscript|data):/i.test(cleaned);
}

/**
 * The demo store's own checkout and a product page, asked for under /__csp/: the server
 * then sends them with the strict Content-Security-Policy header.
 */
function cspPages() {
  const products = readdirSync(repoPath('www/generated/products')).filter((name) => name.endsWith('.html'));
  return ['/__csp/www/checkout.html', `/__csp/www/generated/products/${products.sort()[0]}`];
}

describe('security', () => {
  const environment = useEnvironment();

  test('hostile catalog text is shown as text and script URLs never reach a link', async () => {
    const problem = hostileTableProblem();
    assert.equal(problem, null, `the hostile fixture table could not be built: ${problem}`);
    await withPage(environment, 'security-hostile-table', {}, async (session) => {
      await session.goto(HOSTILE_PAGE);
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      const shown = (await session.events('alsobought:ready'))[0].detail.products.map((product) => product.id);
      assert.deepEqual([...shown].sort(), [...HOSTILE_IDS].sort(), 'every hostile product is shown (the test means something)');

      const titles = new Map(HOSTILE_CATALOG.map((row) => [row.id, row.title]));
      shown.forEach((id, index) => {
        assert.equal(widget.cards[index].name, titles.get(id).trim(), `${id}'s title is shown verbatim as text`);
        assert.ok(!isScriptUrl(widget.cards[index].href), `${id}'s link is not a script URL: ${widget.cards[index].href}`);
        assert.ok(!isScriptUrl(widget.cards[index].image?.src), `${id}'s image is not a script URL`);
      });
      const injected = await session.page.evaluate(() => {
        const root = document.querySelector('#widget').shadowRoot;
        const all = [...root.querySelectorAll('*')];
        return [
          ...root.querySelectorAll('script, iframe, object, embed, .ab-name *'),
          ...all.filter((element) => [...element.attributes].some((attribute) => /^on/i.test(attribute.name))),
        ].map((element) => element.outerHTML.slice(0, 120));
      });
      assert.deepEqual(injected, [], 'no element was created from catalog text');

      // Follow every way out of a card: its link and its add-to-cart button.
      for (const selector of ['a.ab-link', 'button.ab-add']) {
        for (let index = 0; index < shown.length; index++) {
          await session.goto(HOSTILE_PAGE);
          await session.waitForWidgets();
          await session.page.locator(`#widget .ab-card`).nth(index).locator(selector).click({ timeout: 3_000 });
          await session.page.waitForTimeout(300);
          assert.ok(!session.page.url().toLowerCase().startsWith('javascript:'), `${selector} of ${shown[index]} navigated to ${session.page.url()}`);
        }
      }
      const probe = await session.page.evaluate(() => window.__alsoboughtXss ?? null);
      assert.equal(probe, null, 'no catalog script ran');
      assert.deepEqual(session.dialogs, [], 'no dialog opened');
      assert.deepEqual(session.pageErrors, []);
    });
  });

  test('renders under the strict Content-Security-Policy without a violation', async () => {
    for (const page of cspPages()) {
      await withPage(environment, 'security-csp', {}, async (session) => {
        await seedDemoCart(session, demoCart());
        const response = await session.goto(page);
        const policy = response.headers()['content-security-policy'] ?? '';
        assert.match(policy, /script-src 'self' 'wasm-unsafe-eval'/, `${page} is served with the strict CSP`);
        assert.doesNotMatch(policy, /unsafe-inline/, `${page}'s CSP allows no inline code`);
        // The one inline script, the README's early start of the wasm, allowed by its hash
        // as the README tells a strict-CSP store to do.
        const inline = await session.page.evaluate(() => [...document.querySelectorAll('script:not([src])')].map((script) => script.textContent));
        assert.equal(inline.length, 1, `${page}: one inline script`);
        assert.ok(policy.includes(`'sha256-${createHash('sha256').update(inline[0]).digest('base64')}'`), `${page}: its script's hash is in the policy ${policy}`);
        const states = await session.waitForWidgets();
        assert.ok(states.every((state) => state === 'ready'), `${page}: states ${states}; console: ${session.describeConsole()}`);
        const widget = await readWidget(session.page);
        assert.ok(widget.cards.length + widget.items.length >= 1, `${page} shows suggestions`);
        await session.page.waitForTimeout(300);
        const { violations } = await session.recorded();
        assert.deepEqual(violations, [], `${page}: securitypolicyviolation events`);
        const cspMessages = session.console.filter((message) => /Content Security Policy|Refused to/i.test(message.text));
        assert.deepEqual(cspMessages, [], `${page}: CSP console messages`);
        assert.deepEqual(session.pageErrors, []);
      });
    }
  });

  test('hostile host CSS does not break the card layout', async () => {
    await withPage(environment, 'security-hostile-css', {}, async (session) => {
      await session.goto('/tests/e2e/pages/hostile-css.html');
      await session.waitForWidgets();
      const widget = await readWidget(session.page, '#widget');
      assert.equal(widget.state, 'ready', `widget state; console: ${session.describeConsole()}`);
      assert.ok(widget.cards.length >= 2, 'several cards are rendered');
      await session.page.locator('#widget').scrollIntoViewIfNeeded();
      await session.page.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', 'hostile-css-1280.png'), fullPage: true });
      const layout = await session.page.evaluate(() => {
        const root = document.querySelector('#widget').shadowRoot;
        return [...root.querySelectorAll('.ab-card')].map((card) => {
          const rect = card.getBoundingClientRect();
          const image = card.querySelector('img.ab-image')?.getBoundingClientRect();
          const name = card.querySelector('.ab-name');
          return {
            top: Math.round(rect.top),
            left: Math.round(rect.left),
            width: Math.round(rect.width),
            height: Math.round(rect.height),
            imageWidth: image ? Math.round(image.width) : null,
            nameFontPx: name ? parseFloat(getComputedStyle(name).fontSize) : null,
            nameTypography: name
              ? ['textTransform', 'letterSpacing', 'wordSpacing', 'whiteSpace'].map((key) => getComputedStyle(name)[key]).join(' ')
              : null,
          };
        });
      });
      const evidence = JSON.stringify(layout);
      for (const card of layout) {
        assert.ok(card.width >= 100 && card.width <= 420, `card width ${card.width}px within 100..420: ${evidence}`);
        assert.ok(card.height > 0 && card.height <= 700, `card height ${card.height}px within 1..700: ${evidence}`);
        assert.ok(card.imageWidth !== null && card.imageWidth <= card.width, `image fits its card: ${evidence}`);
        assert.ok(card.nameFontPx !== null && card.nameFontPx <= 28, `title font ${card.nameFontPx}px is not the host's 40px: ${evidence}`);
        assert.equal(card.nameTypography, 'none normal 0px normal', `the host's inherited typography does not leak in: ${evidence}`);
      }
      assert.ok(layout.every((card) => Math.abs(card.top - layout[0].top) <= 2), `cards share one row: ${evidence}`);
      assert.ok(layout.every((card, i) => i === 0 || card.left > layout[i - 1].left), `cards run left to right: ${evidence}`);
    });
  });
});
