// The install guides' snippets (docs/install/<platform>.md), rendered as each platform
// would render them and served as store pages around a platform-like page shell
// (tests/e2e/pages/platform-<platform>.html), against the demo server's stand-ins of the
// platforms' cart endpoints (crates/demo/src/server/platforms/).
// Why it exists: "the guide's snippet is the whole install" is only true if the snippet
// the guide shows is the one tested, so the snippet is read from the guide itself, never
// copied into a test.

import { readFileSync } from 'node:fs';
import Handlebars from 'handlebars';
import { Liquid } from 'liquidjs';
import { repoPath } from './environment.mjs';
import { buildDirectoryTable } from './fixtures.mjs';

/** The placeholder table URL the guides ask the store to replace. */
const GUIDE_TABLE_URL = 'https://tables.example.com/alsobought/store/';
/** The cookie the stand-ins read their switches from (crates/demo/src/server/platforms/mod.rs). */
export const SWITCH_COOKIE = 'alsobought-standin';

/** Every fenced code block of `language` in docs/install/<file>, in order. */
export function guideBlocks(file, language) {
  const text = readFileSync(repoPath('docs', 'install', file), 'utf8');
  const blocks = [...text.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((match) => match[1] === language)
    .map((match) => match[2]);
  if (blocks.length === 0) throw new Error(`docs/install/${file} has no \`\`\`${language} block`);
  return blocks;
}

/**
 * Shopify: the guide's Custom Liquid block rendered by liquidjs with Shopify-like
 * objects; `asset_url` points at the demo server's widget files, as a theme's assets.
 */
export async function renderShopify({ template, product, table }) {
  const [block] = guideBlocks('shopify.md', 'liquid');
  const liquid = new Liquid();
  liquid.registerFilter('asset_url', (name) => `/alsobought/${name}`);
  const html = await liquid.parseAndRender(block.replaceAll(GUIDE_TABLE_URL, table), {
    template: { name: template },
    product: product && {
      handle: product.id.toLowerCase(),
      selected_or_first_available_variant: { sku: product.id },
    },
    cart: { currency: { iso_code: 'EUR' } },
    request: { locale: { iso_code: 'en' } },
  });
  return { head: '', body: html };
}

/**
 * WooCommerce: the guide's PHP, printed as WordPress would: the module and stylesheet
 * its `wp_enqueue_*` calls name (under the snippet's own ALSOBOUGHT_URL, mapped to the
 * demo server's widget files), and the markup of the hook for `page` with each
 * `<?php echo ... ?>` filled in from `values` (keyed by the PHP expression).
 */
export function renderWooCommerce({ page, table, values }) {
  const [php] = guideBlocks('woocommerce.md', 'php');
  if (!/is_product\(\) \|\| is_cart\(\)/.test(php)) throw new Error('the WooCommerce snippet no longer loads only on product and cart pages');
  const constant = (name) => php.match(new RegExp(`const ${name}\\s*=\\s*'([^']*)'`))?.[1];
  const widgetUrl = constant('ALSOBOUGHT_URL');
  const guideTable = constant('ALSOBOUGHT_TABLE');
  const asset = (name) => `/alsobought/${name}`;
  const enqueued = [...php.matchAll(/wp_enqueue_(style|script_module)\(\s*'[^']+',\s*ALSOBOUGHT_URL \. '([^']+)'/g)];
  if (!widgetUrl || !guideTable || enqueued.length === 0) throw new Error('the WooCommerce snippet changed shape: update tests/e2e/lib/platform-snippets.mjs');
  const head = enqueued
    .map(([, kind, name]) => (kind === 'style' ? `<link rel="stylesheet" href="${asset(name)}">` : `<script type="module" src="${asset(name)}"></script>`))
    .join('\n');
  const hook = page === 'product' ? 'woocommerce_after_single_product_summary' : 'woocommerce_after_cart';
  // From the `?>` that ends the hook's PHP to the `<?php` before its closing brace.
  const markup = php.match(new RegExp(`add_action\\( '${hook}'[\\s\\S]*?\\?>\\n([\\s\\S]*?)\\n\\s*<\\?php\\s*\\n\\s*\\}`))?.[1];
  if (!markup) throw new Error(`the WooCommerce snippet has no markup for ${hook}`);
  const filled = { 'esc_url( ALSOBOUGHT_TABLE )': table, ...values };
  const body = markup.replace(/<\?php echo (.*?); \?>/g, (_, expression) => {
    if (!(expression in filled)) throw new Error(`no test value for the snippet's PHP expression ${expression}`);
    return filled[expression];
  });
  return { head, body };
}

/**
 * BigCommerce: the guide's Script Manager contents (the head) and its Stencil template
 * line for `page` rendered by Handlebars with `context`; the guide's WebDAV paths
 * (`/content/alsobought/`) map to the demo server's widget files and `table`.
 */
export function renderBigCommerce({ page, table, context }) {
  const [scriptManager] = guideBlocks('bigcommerce.md', 'html');
  const [productLine, cartLine] = guideBlocks('bigcommerce.md', 'handlebars');
  const line = page === 'product' ? productLine : cartLine;
  const body = Handlebars.compile(line)(context).replaceAll('/content/alsobought/store/', table);
  const head = scriptManager.replaceAll('/content/alsobought/', '/alsobought/');
  return { head, body };
}

/**
 * Serves a store page at `path` on the demo server's origin: the shell
 * tests/e2e/pages/platform-<shell>.html with `head` and `body` in place of its
 * `<!-- snippet:head -->` and `<!-- snippet:body -->` markers (everything else the page
 * asks for comes from the demo server, stand-ins included).
 */
export async function servePlatformPage(session, path, shell, { head, body }) {
  const template = readFileSync(repoPath('tests', 'e2e', 'pages', `platform-${shell}.html`), 'utf8');
  const html = template.replace('<!-- snippet:head -->', head).replace('<!-- snippet:body -->', body);
  await session.page.route(`**${path}`, (route) => route.fulfill({ status: 200, contentType: 'text/html; charset=utf-8', body: html }));
}

/** The page's responses from now on, as `{ url, status }`, in the order they arrive. */
export function recordResponses(session) {
  const responses = [];
  session.page.on('response', (response) => responses.push({ url: response.url(), status: response.status() }));
  return responses;
}

/** Serves `page` at `path` in `shell` (servePlatformPage), opens it and waits for its widgets. */
export async function openPlatformPage(session, path, shell, page) {
  await servePlatformPage(session, path, shell, page);
  await session.goto(path);
  await session.waitForWidgets();
}

/**
 * The values of the WooCommerce snippet's PHP expressions on the page of `product`
 * (a SKU, or a product id), with `nonce` as `wp_create_nonce` printed it.
 */
export function wooValues(product, nonce) {
  return {
    'esc_attr( $product->get_sku() ?: $product->get_id() )': product,
    "esc_attr( wp_create_nonce( 'wc_store_api' ) )": nonce,
    'esc_attr( get_woocommerce_currency() )': 'EUR',
  };
}

/** Sets the stand-ins' switches for this browser context (see the cookie's table). */
export async function switchStandIns(session, baseUrl, switches) {
  await session.context.addCookies([{ name: SWITCH_COOKIE, value: switches.join(','), url: baseUrl }]);
}

/** GETs a stand-in endpoint from the page, with the shopper's cookies: `{ status, type, body }`. */
export function platformGet(session, url) {
  return session.page.evaluate(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' });
    const type = response.headers.get('Content-Type') ?? '';
    return { status: response.status, type, body: type.includes('json') ? await response.json() : await response.text() };
  }, url);
}

/** The widget's status line and the state of its add buttons, from its shadow root. */
export function cartFeedback(page, hostSelector = '[data-alsobought]') {
  return page.evaluate((hostSelector) => {
    const root = document.querySelector(hostSelector)?.shadowRoot;
    const status = root?.querySelector('.ab-cart-status');
    return {
      status: status?.textContent ?? null,
      statusRole: status?.getAttribute('role') ?? null,
      failed: status?.getAttribute('data-state') === 'failed',
      buttons: [...(root?.querySelectorAll('.ab-add, .ab-add-all') ?? [])].map((button) => ({
        busy: button.getAttribute('aria-busy'),
        state: button.getAttribute('data-cart-state'),
        disabled: button.disabled,
      })),
    };
  }, hostSelector);
}

/** Waits until the widget's status line matches `pattern`; returns the feedback. */
export async function waitForFeedback(page, pattern, hostSelector = '[data-alsobought]', timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const feedback = await cartFeedback(page, hostSelector);
    if (pattern.test(feedback.status ?? '')) return feedback;
    if (Date.now() > deadline) throw new Error(`the widget's status line never matched ${pattern}: ${JSON.stringify(feedback)}`);
    await page.waitForTimeout(25);
  }
}

/**
 * A table on product ids, as BigCommerce's Storefront Cart API (and an old WooCommerce's
 * `?add-to-cart=` link) need them: the
 * first ten available demo products under their entity ids (1-based row in
 * www/generated/catalog.json, as the stand-in numbers them), product 1 bought with each
 * of the others. Returns `{ url, products }` (products by entity id, with their SKU).
 */
export function buildEntityIdTable() {
  const catalog = JSON.parse(readFileSync(repoPath('www', 'generated', 'catalog.json'), 'utf8'));
  const products = catalog
    .map((product, row) => ({ ...product, entityId: String(row + 1) }))
    .filter((product) => product.available)
    .slice(0, 10);
  const rows = products.map((product) => ({
    id: product.entityId,
    title: product.title,
    price: product.price,
    currency: product.currency,
    url: product.url,
    image: product.image,
    category: product.category,
    available: 'true',
    rating: '',
  }));
  const [hub, ...others] = products.map((product) => product.entityId);
  const orders = others.flatMap((id, rank) => Array.from({ length: others.length - rank + 1 }, () => [hub, id]));
  const { url } = buildDirectoryTable('bigcommerce-store', rows, orders);
  return { url, products };
}
