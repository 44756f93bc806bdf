#!/usr/bin/env node
// The cart adapters' benchmark (`make bench`, issue 14): how long a shopper waits, under
// Slow 4G, between pressing a card's "Add to cart" and the widget saying "Added", and how
// many platform round trips that took, on each platform's stand-in
// (crates/demo/src/server/platforms/). Written into BENCHMARKS.md between
// `<!-- cart-bench:start -->` and `<!-- cart-bench:end -->`.
//
// Why it exists: the goal is "feedback within one platform round trip (plus Shopify's
// variant lookup the first time)", which only an emulated network can show (on
// 127.0.0.1 a round trip costs nothing). Each run: a new browser context on Slow 4G
// (scripts/lib/network-emulation.mjs), the platform's install snippet from its guide
// (tests/e2e/lib/platform-snippets.mjs) on a product page, the widget ready, then two
// adds of the first card: the first (Shopify: with the variant lookup; WooCommerce: with
// the SKU lookup), and the second (the lookups cached). Per add: milliseconds from the
// click to "Added" in the widget's status line, and the stand-in requests made meanwhile.
// Also the adapters' sizes (brotli), which no shopper without `data-cart-api` downloads.
//
// Needs: `make widget demo-data`, the demo server binary.
// Usage: node scripts/bench-cart.mjs [--runs N]

import { readFileSync, statSync } from 'node:fs';
import { launchBrowser, repoPath, startDemoServer } from '../tests/e2e/lib/environment.mjs';
import { DEMO_DIRECTORY_URL, pickDemoProductPage } from '../tests/e2e/lib/demo-data.mjs';
import { buildEntityIdTable, renderBigCommerce, renderShopify, renderWooCommerce, wooValues } from '../tests/e2e/lib/platform-snippets.mjs';
import { browserBenchHeader, fail, machine, median, ms, parseRunsAndCheck, percentile, writeBenchmarkSection } from './lib/benchmarks.mjs';
import { emulateNetwork, PROFILES } from './lib/network-emulation.mjs';

const NAME = 'bench-cart';
const SLOW_4G = PROFILES.find((profile) => profile.name === 'Slow 4G');
/** Paths of the stand-ins' endpoints: the platform round trips. */
const PLATFORM_PATH = /^\/(cart\.js|cart\/add\.js|products\/[^/]+\.js|wp-json\/|api\/storefront\/)/;

/** The product page of each platform, from its guide, and how to give it a fresh session. */
function platforms(product, entityTable) {
  return [
    { name: 'Shopify', shell: 'shopify', render: () => renderShopify({ template: 'product', product: { id: product }, table: DEMO_DIRECTORY_URL }) },
    {
      name: 'WooCommerce',
      shell: 'woocommerce',
      render: () => renderWooCommerce({ page: 'product', table: DEMO_DIRECTORY_URL, values: wooValues(product, '') }),
      // WordPress prints the session's nonce into the page; the run starts the session first.
      prepare: (page) =>
        page.evaluate(async () => {
          const response = await fetch('/wp-json/wc/store/v1/cart');
          document.querySelector('[data-cart-api]').setAttribute('data-cart-nonce', response.headers.get('Nonce'));
        }),
    },
    {
      name: 'BigCommerce',
      shell: 'bigcommerce',
      render: () => renderBigCommerce({ page: 'product', table: entityTable.url, context: { product: { id: Number(entityTable.products[0].entityId) }, currency_selector: { active_currency_code: 'EUR' } } }),
    },
  ];
}

/** In the page: clicks the first card's add button; resolves to ms until "Added" shows. */
function clickAndTime() {
  const root = document.querySelector('[data-alsobought]').shadowRoot;
  const button = root.querySelector('.ab-add');
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const check = () => {
      const status = root.querySelector('.ab-cart-status')?.textContent ?? '';
      if (status.startsWith('Added')) {
        observer.disconnect();
        resolve(performance.now() - started);
      } else if (status.startsWith('Could not')) {
        observer.disconnect();
        reject(new Error(status));
      }
    };
    const observer = new MutationObserver(check);
    observer.observe(root, { subtree: true, childList: true, characterData: true });
    // The previous add's "Added" must not count: the status line is rewritten on each add.
    const status = root.querySelector('.ab-cart-status');
    if (status) status.textContent = '';
    button.click();
  });
}

async function measure(browser, baseUrl, platform) {
  const shell = readFileSync(repoPath('tests', 'e2e', 'pages', `platform-${platform.shell}.html`), 'utf8');
  const { head, body } = await platform.render();
  const html = shell.replace('<!-- snippet:head -->', head).replace('<!-- snippet:body -->', body);
  const context = await browser.newContext({ baseURL: baseUrl, viewport: { width: 412, height: 823 }, isMobile: true, hasTouch: true });
  try {
    const page = await context.newPage();
    await page.route('**/platform/page', (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
    const session = await context.newCDPSession(page);
    await emulateNetwork(session, SLOW_4G);
    const requests = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (PLATFORM_PATH.test(path)) requests.push(path);
    });
    await page.goto('/platform/page', { waitUntil: 'load' });
    await page.waitForFunction(() => document.querySelector('[data-alsobought]')?.getAttribute('data-alsobought-state') === 'ready', null, { timeout: 60_000 });
    await platform.prepare?.(page);
    // A shopper reads the suggestions before adding one: what the adapters fetch when
    // they show (WooCommerce's product ids by SKU, BigCommerce's cart id) is done by then.
    await page.waitForLoadState('networkidle');
    const adds = [];
    for (let add = 0; add < 2; add++) {
      requests.length = 0;
      const elapsed = await page.evaluate(clickAndTime);
      adds.push({ elapsed, requests: [...requests] });
    }
    return adds;
  } finally {
    await context.close();
  }
}

function brotliSize(name) {
  return statSync(repoPath('pkg', `${name}.br`)).size;
}

async function main() {
  const { runs } = parseRunsAndCheck(NAME, process.argv.slice(2), {}, { defaultRuns: 7, advisedRuns: 5 });
  const product = pickDemoProductPage().product;
  const entityTable = buildEntityIdTable();
  const server = await startDemoServer({ args: ['--cache', 'cdn'] });
  const browser = await launchBrowser();
  const date = new Date().toISOString().slice(0, 10);
  const host = machine();
  const rows = [];
  try {
    for (const platform of platforms(product, entityTable)) {
      const first = [];
      const again = [];
      let requests = null;
      for (let run = 0; run < runs; run++) {
        const [one, two] = await measure(browser, server.baseUrl, platform);
        first.push(one.elapsed);
        again.push(two.elapsed);
        requests ??= [one.requests, two.requests];
        console.log(`${NAME}: ${platform.name} run ${run + 1}: first add ${ms(one.elapsed)} (${one.requests.join(' ')}), again ${ms(two.elapsed)} (${two.requests.join(' ')})`);
      }
      rows.push({ platform: platform.name, first, again, requests });
    }
  } catch (error) {
    fail(NAME, error.message);
  } finally {
    await browser.close();
    await server.stop();
  }
  const trips = (list) => `${list.length}: ${list.map((path) => `\`${path}\``).join(', ')}`;
  const markdown = [
    '### Cart adapters (`data-cart-api`)',
    '',
    ...browserBenchHeader({ script: NAME, runs, date, host, chromium: browser.version() }),
    '',
    `Network: **Slow 4G** (${SLOW_4G.label}, Chrome DevTools Protocol emulation). A product page with the platform's snippet from its guide, the stand-in of its cart endpoints; the time from pressing the first card's "Add to cart" to "Added" in the widget, median (p90) of ${runs} runs, and the platform requests made meanwhile (first run).`,
    '',
    '| platform | first add | platform requests | the same product again | platform requests |',
    '|---|---|---|---|---|',
    ...rows.map((row) => `| ${row.platform} | ${ms(median(row.first))} (${ms(percentile(row.first, 0.9))}) | ${trips(row.requests[0])} | ${ms(median(row.again))} (${ms(percentile(row.again, 0.9))}) | ${trips(row.requests[1])} |`),
    '',
    `One Slow 4G round trip is ${SLOW_4G.latency} ms of latency plus the transfer: an add that takes one request is feedback within one round trip; Shopify's first add of a product also reads its variants (\`/products/<handle>.js\`, once per product and page), while WooCommerce's product ids by SKU are looked up in one request when the suggestions show and BigCommerce's cart id when the page loads, off the click's path.`,
    '',
    `What the adapters weigh (brotli), downloaded only on pages with a \`data-cart-api\` host (or when a store's own code calls \`detail.respondWith\`): \`alsobought-cart.js\` ${brotliSize('alsobought-cart.js')} B, \`alsobought-shopify.js\` ${brotliSize('alsobought-shopify.js')} B, \`alsobought-woocommerce.js\` ${brotliSize('alsobought-woocommerce.js')} B, \`alsobought-bigcommerce.js\` ${brotliSize('alsobought-bigcommerce.js')} B. What every shopper downloads grew only by the start-up code that sets \`respondWith\` and imports them (\`alsobought.js\`, measured by \`scripts/build-widget.sh\`; docs/widget-size.md).`,
  ].join('\n');
  writeBenchmarkSection('cart-bench', markdown);
  console.log(`${NAME}: wrote BENCHMARKS.md (cart-bench section)`);
}

await main();
