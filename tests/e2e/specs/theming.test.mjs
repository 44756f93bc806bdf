// The widget looks native in a store's theme by default: on a Dawn-like and a
// Bootstrap-like product page it takes the page's font and text colour, the theme's
// button colour as its accent, the heading level the page asks for (data-heading), and
// the theme's section-title look through ::part(title). A card on sale shows the old
// price struck through with a "was" a screen reader reads. Screenshots of both pages
// are kept under test-results/screenshots/ for a person to look at.

import assert from 'node:assert/strict';
import path from 'node:path';
import { describe, test } from 'node:test';
import { demoTableBytes } from '../lib/demo-data.mjs';
import { RESULTS_DIR } from '../lib/environment.mjs';
import { productBundles } from '../lib/table.mjs';
import { useEnvironment, withPage } from '../lib/suite.mjs';

/**
 * A demo product whose first suggestions include a product on sale, and that product:
 * the widget shows the first available neighbours, so one of the first three is shown.
 */
function productWithSaleNeighbour() {
  for (const bundle of productBundles(demoTableBytes())) {
    const shown = bundle.neighbours.filter((card) => card.available).slice(0, 3);
    const sale = shown.find((card) => card.compareAtHundredths !== null);
    if (bundle.product?.available && sale) return { product: bundle.product.id, sale };
  }
  throw new Error('no demo product has a neighbour on sale: does the demo generator mark sales (make demo-data)?');
}

const THEMES = [
  // Dawn: the section title is an h2; the page styles the widget's title through ::part.
  { name: 'dawn', heading: 'H2', button: '.button', sectionTitle: 'h2.title' },
  // Bootstrap: the widget is a sub-section (data-heading="h3"); no widget CSS at all.
  { name: 'bootstrap', heading: 'H3', button: '.btn-primary', sectionTitle: null },
];

/** Computed styles of the page and of the widget's parts, read in the browser. */
function readLook(page, { button, sectionTitle }) {
  return page.evaluate(
    ({ button, sectionTitle }) => {
      const host = document.querySelector('#widget');
      const root = host.shadowRoot;
      const style = (element) => getComputedStyle(element);
      const section = root.querySelector('section.ab-root');
      const heading = root.getElementById(section.getAttribute('aria-labelledby'));
      const add = root.querySelector('button.ab-add');
      return {
        body: { fontFamily: style(document.body).fontFamily, color: style(document.body).color },
        buttonBackground: style(document.querySelector(button)).backgroundColor,
        sectionTitleSize: sectionTitle ? style(document.querySelector(sectionTitle)).fontSize : null,
        root: { fontFamily: style(section).fontFamily, color: style(section).color },
        name: { fontFamily: style(root.querySelector('.ab-name')).fontFamily },
        heading: {
          tag: heading.tagName,
          part: heading.getAttribute('part'),
          text: heading.textContent,
          fontSize: style(heading).fontSize,
          fontFamily: style(heading).fontFamily,
        },
        addBackground: style(add).backgroundColor,
        addColor: style(add).color,
      };
    },
    { button, sectionTitle },
  );
}

describe('theming', () => {
  const environment = useEnvironment();
  const { product, sale } = productWithSaleNeighbour();

  for (const theme of THEMES) {
    test(`the widget takes the ${theme.name}-like theme's font, colours and heading level`, async () => {
      await withPage(environment, `theming-${theme.name}`, {}, async (session) => {
        await session.goto(`/tests/e2e/pages/theme-${theme.name}.html?product=${encodeURIComponent(product)}`);
        const states = await session.waitForWidgets();
        assert.deepEqual(states, ['ready'], `console: ${session.describeConsole()}`);
        await session.page.locator('#widget').scrollIntoViewIfNeeded();
        // Let the lazy images arrive, so the screenshot shows the cards as a shopper does.
        await session.page.waitForFunction(() =>
          [...document.querySelector('#widget').shadowRoot.querySelectorAll('img.ab-image')].every((image) => image.complete),
        );
        const screenshots = path.join(RESULTS_DIR, 'screenshots');
        await session.page.screenshot({ path: path.join(screenshots, `theme-${theme.name}-1280.png`), fullPage: true });
        await session.page.locator('#widget').screenshot({ path: path.join(screenshots, `theme-${theme.name}-widget.png`) });

        const look = await readLook(session.page, theme);
        const evidence = JSON.stringify(look);
        assert.equal(look.root.fontFamily, look.body.fontFamily, `the page's font is inherited: ${evidence}`);
        assert.equal(look.name.fontFamily, look.body.fontFamily, `card text uses the page's font: ${evidence}`);
        assert.equal(look.root.color, look.body.color, `the page's text colour is inherited: ${evidence}`);
        assert.equal(look.heading.tag, theme.heading, `heading level: ${evidence}`);
        assert.equal(look.heading.part, 'title', `the heading is exposed as ::part(title): ${evidence}`);
        assert.equal(look.addBackground, look.buttonBackground, `the accent is the theme's button colour: ${evidence}`);
        assert.equal(look.addColor, 'rgb(255, 255, 255)', `button text stays readable on the accent: ${evidence}`);
        if (theme.sectionTitle) {
          assert.equal(look.heading.fontSize, look.sectionTitleSize, `::part(title) gives the theme's section-title size: ${evidence}`);
        }
        assert.deepEqual(session.pageErrors, []);
      });
    });
  }

  test('a product on sale shows its old price struck through, read as "was"', async () => {
    await withPage(environment, 'theming-sale', {}, async (session) => {
      await session.goto(`/tests/e2e/pages/theme-dawn.html?product=${encodeURIComponent(product)}`);
      await session.waitForWidgets();
      const shown = (await session.events('alsobought:ready'))[0].detail.products.map((item) => item.id);
      assert.ok(shown.includes(sale.id), `${sale.id} (on sale) is among the cards: ${shown}`);
      const card = await session.page.evaluate((index) => {
        const root = document.querySelector('#widget').shadowRoot;
        const price = root.querySelectorAll('.ab-card')[index].querySelector('.ab-price');
        const was = price.querySelector('.ab-was');
        const before = was ? getComputedStyle(was, '::before') : null;
        const box = price.getBoundingClientRect();
        return {
          text: price.textContent,
          wasText: was?.textContent ?? null,
          wasDecoration: was ? getComputedStyle(was).textDecorationLine : null,
          hiddenText: before?.content ?? null,
          hiddenClip: before?.clipPath ?? null,
          hiddenPosition: before?.position ?? null,
          fitsOneLine: was ? was.getBoundingClientRect().bottom <= box.bottom + 1 : null,
        };
      }, shown.indexOf(sale.id));
      const evidence = JSON.stringify(card);
      const euros = (sale.compareAtHundredths / 100).toFixed(2);
      assert.equal(card.wasText, `€${euros}`, `the old price: ${evidence}`);
      assert.match(card.text, new RegExp(`^(from )?€[\\d.,]+€${euros.replace('.', '\\.')}$`), evidence);
      assert.equal(card.wasDecoration, 'line-through', `the old price is struck through: ${evidence}`);
      assert.equal(card.hiddenText, '" was "', `a screen reader hears "was": ${evidence}`);
      assert.equal(card.hiddenPosition, 'absolute', `"was" is visually hidden: ${evidence}`);
      assert.equal(card.hiddenClip, 'inset(50%)', `"was" is visually hidden: ${evidence}`);
      assert.ok(card.fitsOneLine, `the sale fits the price line: ${evidence}`);
      // The hidden "was" reaches the accessibility tree (the strike-through does not).
      const snapshot = await session.page.locator('#widget').ariaSnapshot();
      assert.ok(snapshot.includes(`was €${euros}`), `accessible text has the "was" price:\n${snapshot}`);
    });
  });
});
