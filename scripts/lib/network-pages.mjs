// The pages scripts/bench-network.mjs loads: the demo store's own product page and
// checkout (www/generated/products/*.html, www/checkout.html) with the widget pointed at
// the real-data table, so a measured page carries what a store's page carries (its
// stylesheet, script, header, product image, and whatever resource hints the demo pages
// use for the widget) instead of a bare page that would flatter the widget.

import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { DEMO_DIR, DEMO_DIRECTORY_URL, DEMO_TABLE_URL } from '../../tests/e2e/lib/demo-data.mjs';
import { repoPath, RESULTS_DIR } from '../../tests/e2e/lib/environment.mjs';
import { productBundles } from '../../tests/e2e/lib/table.mjs';

export const PAGES_DIR = path.join(RESULTS_DIR, 'bench-network');
export const PAGES_URL = '/test-results/bench-network';
const CART_SIZE = 5;

const escapeAttribute = (text) => text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** The demo product page the others are made from (the first by name), and its text. */
export function productTemplate() {
  const dir = path.join(DEMO_DIR, 'products');
  const first = existsSync(dir) ? readdirSync(dir).filter((name) => name.endsWith('.html')).sort()[0] : undefined;
  if (!first) throw new Error(`no page in ${path.relative(repoPath(), dir)}: run \`make demo-data\``);
  const file = path.join(dir, first);
  return { file, url: `/${path.relative(repoPath(), file)}`, html: readFileSync(file, 'utf8') };
}

/**
 * The hints in `html` that start the widget's or the table's downloads early: `<link>`
 * hints, and inline scripts that name a widget file (the README's early start of the
 * wasm on a slow load).
 */
export function widgetHints(html) {
  const links = html.match(/<link\b[^>]*\brel="(?:preload|modulepreload|preconnect|prefetch)"[^>]*>/g) ?? [];
  const inlineScripts = html.match(/<script>[^<]*<\/script>/g) ?? [];
  return [...links, ...inlineScripts].filter((tag) => tag.includes('/alsobought/'));
}

/**
 * Product pages and 5-item carts spread over the table: `count` of each. A product page's
 * product has at least `minimum` available neighbours, and so does the first of them
 * (the "next page" the shopper clicks); a cart's products have at least one.
 */
export function pickProducts(tableBytes, count, minimum) {
  const available = new Map();
  for (const bundle of productBundles(tableBytes)) {
    available.set(bundle.product.id, bundle.neighbours.filter((card) => card.available && card.id !== bundle.product.id));
  }
  const enough = (id) => (available.get(id)?.length ?? 0) >= minimum;
  const pages = [...available.keys()].filter((id) => enough(id) && enough(available.get(id)[0].id));
  const cartable = [...available.keys()].filter((id) => available.get(id).length > 0);
  if (pages.length < count || cartable.length < count * CART_SIZE) {
    throw new Error(`the table has too few products with ${minimum} available neighbours for ${count} runs`);
  }
  const spread = (list, wanted) => Array.from({ length: wanted }, (_, index) => list[Math.floor((index * list.length) / wanted)]);
  const products = spread(pages, count).map((id) => ({ id, next: available.get(id)[0].id }));
  const pool = spread(cartable, count * CART_SIZE);
  const carts = Array.from({ length: count }, (_, run) => pool.filter((_, index) => index % count === run));
  return { products, carts };
}

/**
 * `html` without the hints `widgetHints` finds (for the A/B of the hints, and
 * Lighthouse), or only those `isDropped(tag)` picks (a hint variant).
 */
export function withoutHints(html, isDropped = () => true) {
  const hints = new Set(widgetHints(html).filter(isDropped));
  return html.replace(/(?:<link\b[^>]*>|<script>[^<]*<\/script>)\n?/g, (tag) => (hints.has(tag.trimEnd()) ? '' : tag));
}

/**
 * Points the page's widget (and any hint for the demo table) at `layout.tableUrl`; a
 * single file loses the hint for the directory's entry file (it has none: a preload
 * cannot ask for the widget's first Range, and would fetch the whole file), a layout
 * measured `withoutHints` loses them all, and one with a `transform` (a hint variant,
 * scripts/lib/network-hints.mjs) gets its changes first.
 */
function retarget(html, layout) {
  const { tableUrl } = layout;
  let page = layout.withoutHints ? withoutHints(html) : (layout.transform?.(html) ?? html);
  if (!tableUrl.endsWith('/')) {
    page = page.replace(new RegExp(`<link\\b[^>]*href="${DEMO_DIRECTORY_URL}[^"]*"[^>]*>\\n?`, 'g'), '');
  }
  return page.replaceAll(DEMO_TABLE_URL, tableUrl).replaceAll(DEMO_DIRECTORY_URL, tableUrl);
}

/** Writes `html` (made from `source`, changed as `change` says) as PAGES_DIR/folder/name; returns its URL path. */
function writePage(folder, name, html, source, change) {
  const dir = path.join(PAGES_DIR, folder);
  mkdirSync(dir, { recursive: true });
  const stamped = html.replace(/^<!doctype html>\n/i, `<!doctype html>\n<!-- Generated by scripts/bench-network.mjs from ${source}: ${change} -->\n`);
  writeFileSync(path.join(dir, name), stamped);
  return `${PAGES_URL}/${folder}/${name}`;
}

/** Writes the product page of `id` for `layout` ({ name, tableUrl }); returns its URL path. */
export function writeProductPage(template, layout, id) {
  const html = retarget(template.html, layout).replace(/data-product="[^"]*"/, `data-product="${escapeAttribute(id)}"`);
  const change = `the widget shows ${id} from ${layout.tableUrl}${layout.withoutHints ? ', without the head hints' : ''}${layout.variant ? `, hint variant ${layout.variant.name}` : ''}`;
  return writePage(layout.name, `product-${encodeURIComponent(id)}.html`, html, path.relative(repoPath(), template.file), change);
}

/**
 * Writes the checkout over the cart `ids` for `layout`; returns its URL path. The cart is
 * in the HTML, as a store's server renders it; the demo's store.js, which fills it from
 * localStorage and then fetches the demo's whole catalog (103 KB) to refresh the lines,
 * is left out: that download is the demo's stand-in for a server, not a store's cost.
 * A server that renders the cart also knows it is not empty, so the page gets the
 * product page's hint for the table's entry file, which the static demo checkout cannot
 * carry (an empty cart would leave it unused).
 */
export function writeCheckoutPage(template, layout, ids, run) {
  const source = repoPath('www/checkout.html');
  let html = readFileSync(source, 'utf8');
  const entryHint = widgetHints(template.html).find((tag) => tag.includes(`"${DEMO_DIRECTORY_URL}`));
  if (entryHint && !html.includes(entryHint)) html = html.replace('</head>', `${entryHint}\n</head>`);
  html = retarget(html, layout)
    .replace(/<script type="module" src="\/www\/store\.js"[^>]*><\/script>\n?/, '')
    .replace(/data-cart="[^"]*"/, `data-cart="${escapeAttribute(ids.join(','))}"`);
  return writePage(layout.name, `checkout-${run}.html`, html, 'www/checkout.html', `a cart of ${ids.join(', ')}, from ${layout.tableUrl}${layout.withoutHints ? ', without the head hints' : ''}`);
}

/** The demo product page with the widget but without its head hints, for Lighthouse; returns its URL path. */
export function writePageWithoutHints(template) {
  return writePage('lighthouse', 'without-hints.html', withoutHints(template.html), path.relative(repoPath(), template.file), 'the head hints taken out');
}

/** The demo product page without the widget (its tags, hints and container taken out), for Lighthouse; returns its URL path. */
export function writePageWithoutWidget(template) {
  const html = withoutHints(template.html)
    .replace(/<link\b[^>]*\/alsobought\/[^>]*>\n?/g, '')
    .replace(/<script\b[^>]*\/alsobought\/[^>]*><\/script>\n?/g, '')
    .replace(/ *<div\b[^>]*\bdata-alsobought\b[^>]*><\/div>\n?/g, '');
  if (html.includes('data-alsobought') || html.includes('/alsobought/')) {
    throw new Error(`cannot take the widget out of ${template.file}: its markup changed (update writePageWithoutWidget)`);
  }
  return writePage('lighthouse', 'without-widget.html', html, path.relative(repoPath(), template.file), 'the widget taken out');
}

/** The demo product page with the hint `variant` (`{ name, change }`), for Lighthouse; returns its URL path. */
export function writeVariantPage(template, variant) {
  const name = `variant-${variant.name.replace(/\W+/g, '-')}.html`;
  return writePage('lighthouse', name, variant.change(template.html), path.relative(repoPath(), template.file), `hint variant ${variant.name}`);
}
