// Facts about the generated demo store (www/generated/, made by `make demo-data`) that
// the specs compare the widget against, read independently of the widget: which products
// exist and are available (catalog.csv) and which product page is worth testing (the
// table's bundles, read with the suite's own reader).
// Why it exists: the demo data is generated, so ids cannot be written into the tests.

import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath } from './environment.mjs';
import { productBundles, readHeader } from './table.mjs';

/** The demo store's generated files. */
export const DEMO_DIR = repoPath('www/generated');
/** URL path of the demo table as a single file (read with Range), for pages a spec builds. */
export const DEMO_TABLE_URL = '/alsobought/store.table';
/** URL path of the same table's directory layout, the one the demo store's pages read. */
export const DEMO_DIRECTORY_URL = '/alsobought/store/';

function requireFile(file) {
  if (!existsSync(file)) throw new Error(`${file} is missing: run \`make demo-data\` first`);
  return file;
}

/** Parses CSV text (RFC 4180: quoted fields, doubled quotes, newlines in quotes) into objects. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(field);
      field = '';
    } else if (char === '\n' || char === '\r') {
      if (char === '\r' && text[i + 1] === '\n') i++;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += char;
  }
  if (field !== '' || row.length) rows.push([...row, field]);
  const [header, ...body] = rows.filter((cells) => cells.length > 1 || cells[0] !== '');
  return body.map((cells) => Object.fromEntries(header.map((name, i) => [name.trim(), cells[i] ?? ''])));
}

/**
 * The demo catalog keyed by the id the table lists: `{ id, title, available, url, ... }`
 * (available as a boolean). A product sold in sizes has one row per size's SKU, all with
 * its id as `group`: it is listed once, under the group, as its `default` size's row
 * (the card the table holds) priced from its cheapest size, with `skus` naming its sizes.
 */
export function demoCatalog() {
  const rows = parseCsv(readFileSync(requireFile(path.join(DEMO_DIR, 'catalog.csv')), 'utf8'));
  const catalog = new Map();
  for (const row of rows) {
    const id = row.group || row.id;
    const known = catalog.get(id);
    const sizes = [...(known?.sizes ?? []), row];
    const entry =
      known && !/^(yes|true|1)$/i.test(row.default ?? '')
        ? known
        : { ...row, id, available: !/^(false|no|0|out of stock|out_of_stock|outofstock)$/i.test(row.available ?? '') };
    // The card is priced from the cheapest size: "from" when the sizes' prices differ.
    const prices = sizes.map((size) => Number(size.price));
    Object.assign(entry, {
      sizes,
      skus: sizes.map((size) => size.id),
      price: sizes[prices.indexOf(Math.min(...prices))].price,
      priceFrom: new Set(prices).size > 1,
    });
    catalog.set(id, entry);
  }
  return catalog;
}

/**
 * The demo's pinned pair (www/generated/rules.csv's first `pin`): `{ product, target }`,
 * or null when the shop has none.
 */
export function demoPin() {
  const rules = parseCsv(
    readFileSync(requireFile(path.join(DEMO_DIR, 'rules.csv')), 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('#'))
      .join('\n'),
  );
  const pin = rules.find((rule) => rule.rule === 'pin');
  return pin ? { product: pin.product, target: pin.target } : null;
}

/** The demo table's bytes. */
export function demoTableBytes() {
  return readFileSync(requireFile(path.join(DEMO_DIR, 'store.table')));
}

/** Product ids that have a generated product page, with the page's URL path. */
export function demoProductPages() {
  const directory = requireFile(path.join(DEMO_DIR, 'products'));
  return readdirSync(directory)
    .filter((name) => name.endsWith('.html'))
    .map((name) => {
      const html = readFileSync(path.join(directory, name), 'utf8');
      const product = html.match(/data-product="([^"]*)"/)?.[1];
      return { product: product && decodeEntities(product), urlPath: `/www/generated/products/${encodeURIComponent(name)}` };
    })
    .filter((page) => page.product);
}

function decodeEntities(text) {
  return text.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/**
 * The demo product page the suite tests: among products with a page, the one whose
 * bundle has the most neighbours, preferring one with an unavailable neighbour (so
 * "unavailable products are never shown" is tested against a real temptation).
 * Returns `{ product, urlPath, neighbours, unavailableNeighbours }`.
 */
export function pickDemoProductPage() {
  const pages = new Map(demoProductPages().map((page) => [page.product, page.urlPath]));
  if (pages.size === 0) throw new Error(`no product page with data-product under ${DEMO_DIR}/products`);
  const bytes = demoTableBytes();
  let best = null;
  for (const bundle of productBundles(bytes)) {
    const id = bundle.product?.id;
    if (!pages.has(id)) continue;
    const unavailable = bundle.neighbours.filter((card) => !card.available).map((card) => card.id);
    const rank = (unavailable.length > 0 ? 1000 : 0) + bundle.neighbours.length;
    if (!best || rank > best.rank) {
      best = { rank, product: id, urlPath: pages.get(id), neighbours: bundle.neighbours.map((c) => c.id), unavailableNeighbours: unavailable };
    }
  }
  if (!best) throw new Error('no demo product page matches a product of www/generated/store.table');
  return best;
}

/** Header facts and size of the demo table. */
export function demoTableFacts() {
  const bytes = demoTableBytes();
  return { bytes: bytes.length, header: readHeader(bytes) };
}

/** Where the demo store (www/store.js) keeps its cart: localStorage, as `[{ id, quantity }]`. */
export const DEMO_CART_KEY = 'northwind-cart';

/**
 * A cart for the demo checkout: the tested product and its strongest available
 * neighbour, so the widget must skip a product it would otherwise rank first.
 */
export function demoCart() {
  const picked = pickDemoProductPage();
  const catalog = demoCatalog();
  const neighbour = picked.neighbours.find((id) => catalog.get(id)?.available);
  return neighbour ? [picked.product, neighbour] : [picked.product];
}

/**
 * Puts `ids` into the demo store's cart before any page of the session loads (the
 * checkout only mounts its widget over a non-empty cart).
 */
export async function seedDemoCart(session, ids) {
  await session.context.addInitScript(
    ({ key, cart }) => localStorage.setItem(key, JSON.stringify(cart)),
    { key: DEMO_CART_KEY, cart: ids.map((id) => ({ id, quantity: 1 })) },
  );
}
