// Page quality the widget is responsible for on the demo store's product and checkout
// pages: no accessibility violation (axe-core, which walks open shadow roots), no layout
// shift (the widget reserves its height before it renders), no horizontal overflow on a
// phone, and screenshots at phone and desktop widths for a human to look at
// (test-results/screenshots/).

import assert from 'node:assert/strict';
import path from 'node:path';
import { before, describe, test } from 'node:test';
import { demoCart, pickDemoProductPage, seedDemoCart } from '../lib/demo-data.mjs';
import { repoPath, RESULTS_DIR } from '../lib/environment.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';

const AXE_SCRIPT = repoPath('node_modules/axe-core/axe.min.js');
const WIDTHS = { phone: 375, desktop: 1280 };

/** Scrolls the widget into view and waits until its images have loaded (they are lazy). */
async function showWidgetImages(page) {
  await page.locator('[data-alsobought-state]').first().scrollIntoViewIfNeeded();
  await page.waitForFunction(
    () => {
      const root = document.querySelector('[data-alsobought-state]')?.shadowRoot;
      const images = root ? [...root.querySelectorAll('img')] : [];
      const inView = images.filter((image) => {
        const rect = image.getBoundingClientRect();
        return rect.right > 0 && rect.left < innerWidth && rect.bottom > 0 && rect.top < innerHeight;
      });
      return inView.every((image) => image.complete);
    },
    null,
    { timeout: 5_000 },
  );
}

describe('page quality', () => {
  const environment = useEnvironment();
  const pages = {};
  let cart;
  before(() => {
    pages.product = pickDemoProductPage().urlPath;
    pages.checkout = '/www/checkout.html';
    cart = demoCart();
  });

  /** Opens a demo page with a filled cart (the checkout shows no widget over an empty one). */
  async function openDemoPage(session, kind) {
    await seedDemoCart(session, cart);
    await session.goto(pages[kind]);
  }

  for (const kind of ['product', 'checkout']) {
    test(`${kind} page: axe-core finds no violation`, async () => {
      await withPage(environment, `axe-${kind}`, {}, async (session) => {
        await openDemoPage(session, kind);
        const states = await session.waitForWidgets();
        assert.deepEqual(states, ['ready'], `the widget rendered; console: ${session.describeConsole()}`);
        await showWidgetImages(session.page);
        await session.page.addScriptTag({ path: AXE_SCRIPT });
        const run = (context) =>
          session.page.evaluate(
            (context) =>
              window.axe.run(context ?? document, { resultTypes: ['violations'] }).then((result) =>
                result.violations.map((violation) => ({
                  id: violation.id,
                  impact: violation.impact,
                  help: violation.help,
                  nodes: violation.nodes.map((node) => node.target.flat().join(' >> ')).slice(0, 5),
                })),
              ),
            context,
          );
        const inWidget = await run({ include: [['[data-alsobought-state]']] });
        assert.deepEqual(inWidget, [], 'violations inside the widget');
        const onPage = await run(null);
        assert.deepEqual(onPage, [], 'violations on the whole page (widget and host page)');
      });
    });

    test(`${kind} page: the widget reserves exactly the height it renders`, async () => {
      await withPage(environment, `reserved-height-${kind}`, {}, async (session) => {
        await openDemoPage(session, kind);
        await session.waitForWidgets();
        await showWidgetImages(session.page);
        const { stateChanges } = await session.recorded();
        const loading = stateChanges.find((change) => change.state === 'loading');
        assert.ok(loading, `the host went through "loading": ${JSON.stringify(stateChanges)}`);
        const rendered = await session.page.evaluate(
          () => document.querySelector('[data-alsobought-state]').getBoundingClientRect().height,
        );
        assert.ok(loading.height > 0, 'a height is reserved while loading');
        assert.ok(
          Math.abs(rendered - loading.height) <= 0.5,
          `reserved ${loading.height}px while loading but rendered ${rendered}px: the page below jumps`,
        );
      });
    });

    test(`${kind} page: no layout shift at all (widget and host page)`, async () => {
      await withPage(environment, `layout-shift-${kind}`, {}, async (session) => {
        await openDemoPage(session, kind);
        await session.waitForWidgets();
        // Images and fonts settle after the cards appear; shifts would show up by then.
        await session.page.waitForTimeout(800);
        const { layoutShifts, stateChanges } = await session.recorded();
        const shifts = layoutShifts.filter((shift) => !shift.hadRecentInput);
        const total = shifts.reduce((sum, shift) => sum + (shift.value ?? 0), 0);
        assert.equal(
          total,
          0,
          `cumulative layout shift ${total.toFixed(4)}: ${JSON.stringify(shifts)}; widget states: ${JSON.stringify(stateChanges)}`,
        );
      });
    });

    for (const [device, width] of Object.entries(WIDTHS)) {
      test(`${kind} page at ${width} px: screenshot, no horizontal overflow`, async () => {
        const viewport = { width, height: device === 'phone' ? 740 : 900 };
        await withPage(environment, `screenshot-${kind}-${width}`, { viewport }, async (session) => {
          await openDemoPage(session, kind);
          await session.waitForWidgets();
          await showWidgetImages(session.page);
          await session.page.screenshot({
            path: path.join(RESULTS_DIR, 'screenshots', `${kind}-${width}.png`),
            fullPage: true,
          });
          const host = session.page.locator('[data-alsobought-state]').first();
          await host.screenshot({ path: path.join(RESULTS_DIR, 'screenshots', `${kind}-${width}-widget.png`) });
          const overflow = await session.page.evaluate(() => ({
            page: document.documentElement.scrollWidth,
            viewport: document.documentElement.clientWidth,
            widgetRight: document.querySelector('[data-alsobought-state]').getBoundingClientRect().right,
          }));
          assert.ok(overflow.widgetRight <= overflow.viewport + 1, `the widget fits the viewport: ${JSON.stringify(overflow)}`);
          assert.ok(overflow.page <= overflow.viewport, `the page does not scroll sideways: ${JSON.stringify(overflow)}`);
        });
      });
    }
  }
});
