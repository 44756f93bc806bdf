// Fixture tables for the browser suite, generated at test time with the real CLI
// (`alsobought build`) from small CSVs written here, plus damaged copies (truncated,
// corrupted, a newer format version) derived from them.
// Why it exists: product ids, prices and availability must be known to the tests (the
// demo data is generated), hostile catalog values must go through the real pipeline, and
// no binary fixture is committed, so a format change cannot leave stale files behind.

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoPath, RESULTS_DIR } from './environment.mjs';
import { bundleRange, markUnavailable, parseBundle, productHash, readHeader, replaceStrings, withVersion } from './table.mjs';

/** Where the entry file keeps `shard_bits` and the 8-byte generation (crates/core/src/format/split.rs). */
const ENTRY_SHARD_BITS_AT = 10;
const ENTRY_GENERATION_AT = 16;

/** Directory of the generated fixtures, served by the demo server under FIXTURE_URL. */
export const FIXTURE_DIR = path.join(RESULTS_DIR, 'e2e', 'fixtures');
/** URL path of FIXTURE_DIR on the demo server (its root is the repo root). */
export const FIXTURE_URL = '/test-results/e2e/fixtures';
/** Where product links of the fixture catalogs point (a real page: no 404 noise). */
export const LANDING_URL = '/tests/e2e/pages/landing.html';
const IMAGE_URL = '/tests/e2e/pages/product.svg';

/** The product the fixture shop is centred on: ten available neighbours, one unavailable. */
export const HUB_ID = 'E2E-HUB';
/** Bought with HUB more often than anything, but out of stock: must never be suggested. */
export const OUT_OF_STOCK_ID = 'E2E-OUT';
/**
 * In stock when the table was built (so it is one of HUB's strongest neighbours), then
 * marked unavailable in the table's cards: only the widget's own filter can hide it.
 * (The CLI already drops catalog-unavailable products such as OUT from neighbour lists.)
 */
export const SOLD_OUT_ID = 'E2E-SOLD';
/** HUB's available neighbours, strongest first by co-purchase count. */
export const NEIGHBOUR_IDS = Array.from({ length: 10 }, (_, i) => `E2E-N${String(i + 1).padStart(2, '0')}`);
/** The context product of the hostile-catalog table. */
export const SAFE_ID = 'E2E-SAFE';
/** Ids of the hostile products of the security table. */
export const HOSTILE_IDS = ['E2E-EVIL1', 'E2E-EVIL2', 'E2E-EVIL3'];

/** URL paths of the fixture tables on the demo server. */
export const FIXTURE_TABLES = {
  shop: `${FIXTURE_URL}/shop.table`,
  hostile: `${FIXTURE_URL}/hostile.table`,
  truncated: `${FIXTURE_URL}/truncated.table`,
  corrupted: `${FIXTURE_URL}/corrupted.table`,
  newerVersion: `${FIXTURE_URL}/newer-version.table`,
  missing: `${FIXTURE_URL}/does-not-exist.table`,
};

/** The fixture shop's catalog rows (price in currency units, as the CSV writes it). */
export const SHOP_CATALOG = [
  product(HUB_ID, 'Hub kettle', '24.00', { rating: '4.5' }),
  ...NEIGHBOUR_IDS.map((id, i) =>
    product(id, `Neighbour ${i + 1} teapot`, (4 + i * 1.5).toFixed(2), { rating: i % 3 === 0 ? '' : '3.5' }),
  ),
  product(OUT_OF_STOCK_ID, 'Out-of-stock tea cosy', '9.99', { available: 'false' }),
  product(SOLD_OUT_ID, 'Sold-out tea strainer', '3.99'),
];

const XSS_PROBE = 'window.__alsoboughtXss=(window.__alsoboughtXss||0)+1';
/** The hostile catalog: markup in text fields, script URLs in links and images. */
export const HOSTILE_CATALOG = [
  product(SAFE_ID, 'Plain mug', '5.00'),
  product(HOSTILE_IDS[0], `<img src=x onerror="${XSS_PROBE}">Evil title`, '6.00', { url: 'javascript:alert(1)' }),
  product(HOSTILE_IDS[1], `"><script>${XSS_PROBE}</script><b>bold</b>`, '7.00', {
    url: 'JaVaScRiPt:alert(document.domain)',
    image: `javascript:${XSS_PROBE}`,
    category: `<svg onload="${XSS_PROBE}">`,
  }),
  product(HOSTILE_IDS[2], `Quote " and apostrophe ' and <i>tags</i>`, '8.00', {
    url: '\tjavascript:alert(3)',
    image: `x" onerror="${XSS_PROBE}`,
  }),
];

/**
 * The CLI (rightly) refuses script URLs, but a widget must not trust any table: such
 * values are written as same-length placeholders, then swapped into the built table.
 * Returns the catalog the CLI can take and the `[placeholder, value]` pairs.
 */
function withPlaceholders(catalog) {
  const replacements = [];
  const rows = catalog.map((row) => {
    const safe = { ...row };
    for (const field of ['url', 'image']) {
      const value = row[field];
      if (value.startsWith('/') && !value.includes('"')) continue;
      const stem = `/e2e-${replacements.length}-`;
      const length = new TextEncoder().encode(value).length;
      if (length < stem.length) throw new Error(`hostile ${field} ${JSON.stringify(value)} is too short for a placeholder`);
      const placeholder = stem + 'p'.repeat(length - stem.length);
      replacements.push([placeholder, value]);
      safe[field] = placeholder;
    }
    return safe;
  });
  return { rows, replacements };
}

function product(id, title, price, overrides = {}) {
  return {
    id,
    title,
    price,
    currency: 'EUR',
    url: `${LANDING_URL}?product=${id}`,
    image: IMAGE_URL,
    category: 'Kitchen',
    available: 'true',
    rating: '',
    ...overrides,
  };
}

/**
 * The fixture shop's orders. `laterSeason` gives the orders a rebuilt table would mine
 * some weeks on: HUB's neighbours ranked the other way round and each neighbour bought
 * with another one, so every product's suggestions change (the rebuild tests tell the
 * two builds apart by them).
 */
export function shopOrders({ laterSeason = false } = {}) {
  const orders = [];
  const add = (...ids) => orders.push(ids);
  for (let i = 0; i < 30; i++) add(HUB_ID, OUT_OF_STOCK_ID);
  for (let i = 0; i < 25; i++) add(HUB_ID, SOLD_OUT_ID);
  const strongestFirst = laterSeason ? [...NEIGHBOUR_IDS].reverse() : NEIGHBOUR_IDS;
  strongestFirst.forEach((id, i) => {
    for (let n = 0; n < 22 - 2 * i; n++) add(HUB_ID, id);
  });
  const step = laterSeason ? 3 : 1;
  NEIGHBOUR_IDS.forEach((id, i) => {
    const next = NEIGHBOUR_IDS[(i + step) % NEIGHBOUR_IDS.length];
    for (let n = 0; n < 3; n++) add(id, next);
  });
  return orders;
}

/**
 * Two products bought only with each other, whose ids hash into a shard no other
 * product of the directory fixtures uses (with `shardBytes` 256): a page that showed
 * HUB has fetched nothing of theirs, so the rebuild test reads their shard last.
 */
export const SIDE_IDS = ['E2E-SIDE-A', 'E2E-SIDE-B'];
/** The catalog of the directory-layout fixtures: the fixture shop and the side pair. */
export const DIRECTORY_CATALOG = [
  ...SHOP_CATALOG,
  product(SIDE_IDS[0], 'Side plate', '6.50'),
  product(SIDE_IDS[1], 'Side bowl', '7.50'),
];

/** The directory fixtures' orders; `laterSeason` as in shopOrders, and the side plate now goes with a teapot. */
export function directoryOrders({ laterSeason = false } = {}) {
  const orders = shopOrders({ laterSeason });
  for (let n = 0; n < 6; n++) orders.push([...SIDE_IDS]);
  if (laterSeason) for (let n = 0; n < 12; n++) orders.push([SIDE_IDS[0], NEIGHBOUR_IDS[4]]);
  return orders;
}

function hostileOrders() {
  const orders = [];
  for (const id of HOSTILE_IDS) for (let n = 0; n < 5; n++) orders.push([SAFE_ID, id]);
  return orders;
}

/** Quotes one CSV field when it needs it (RFC 4180). */
function csvField(value) {
  const text = String(value);
  return /[",\n\r\t]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function writeCsv(file, header, rows) {
  const lines = [header.join(','), ...rows.map((row) => header.map((key) => csvField(row[key])).join(','))];
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** The `alsobought` CLI binary: `$ALSOBOUGHT_BIN`, else target/release, else target/debug. */
export function cliBinary() {
  const candidates = [process.env.ALSOBOUGHT_BIN, repoPath('target/release/alsobought'), repoPath('target/debug/alsobought')]
    .filter(Boolean);
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `no alsobought CLI binary (looked at ${candidates.join(', ')}); build it with ` +
        '`cargo build --release -p alsobought-cli` or set ALSOBOUGHT_BIN',
    );
  }
  return found;
}

/** Writes `name`'s orders and catalog CSVs into FIXTURE_DIR; returns the `build` input flags. */
function writeBuildInputs(name, catalog, orders) {
  const ordersFile = path.join(FIXTURE_DIR, `${name}-orders.csv`);
  const catalogFile = path.join(FIXTURE_DIR, `${name}-catalog.csv`);
  writeCsv(
    ordersFile,
    ['order_id', 'product_id'],
    orders.flatMap((ids, order) => ids.map((id) => ({ order_id: `O${order + 1}`, product_id: id }))),
  );
  writeCsv(catalogFile, ['id', 'title', 'price', 'currency', 'url', 'image', 'category', 'available', 'rating'], catalog);
  return ['--orders', ordersFile, '--catalog', catalogFile];
}

/** Runs the real CLI; returns its standard output, or throws with what it printed. */
export function runCli(args, { input } = {}) {
  try {
    return execFileSync(cliBinary(), args, { input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    throw new Error(`alsobought ${args.join(' ')} failed:\n${error.stderr ?? ''}${error.stdout ?? ''}`, { cause: error });
  }
}

/** Builds `name`.table from `catalog` and `orders` with the real CLI into FIXTURE_DIR; returns its bytes. */
export function buildTable(name, catalog, orders) {
  const tableFile = path.join(FIXTURE_DIR, `${name}.table`);
  runCli(['build', ...writeBuildInputs(name, catalog, orders), '--out', tableFile]);
  return readFileSync(tableFile);
}

/**
 * Builds (or rebuilds, as a store would: the CLI replaces the entry and removes the
 * earlier build's folder) the directory layout of a table into FIXTURE_DIR/<name>/.
 * `shardBytes` small enough gives every few products a shard of their own, so a test
 * can tell which product's file a page fetched. Returns the directory's path, its URL
 * path on the demo server (with the trailing slash the widget needs), and its entry's
 * `generation` (the build folder's name) and `shardBits`.
 */
export function buildDirectoryTable(name, catalog, orders, { shardBytes } = {}) {
  const directory = path.join(FIXTURE_DIR, name);
  const sizing = shardBytes === undefined ? [] : ['--shard-bytes', String(shardBytes)];
  runCli(['build', ...writeBuildInputs(name, catalog, orders), '--out-dir', directory, ...sizing]);
  return { directory, url: `${FIXTURE_URL}/${name}/`, ...readDirectoryEntry(directory) };
}

/**
 * The facts of a table directory's entry.bin a test needs to name its files
 * (docs/format.md, "The directory layout"): the build folder and the shard of an id.
 */
export function readDirectoryEntry(directory) {
  const entry = readFileSync(path.join(directory, 'entry.bin'));
  const shardBits = entry[ENTRY_SHARD_BITS_AT];
  const generation = entry.subarray(ENTRY_GENERATION_AT, ENTRY_GENERATION_AT + 8).toString('hex');
  const digits = Math.max(1, Math.ceil(shardBits / 4));
  const shardFile = (id) => {
    const shard = shardBits === 0 ? 0 : productHash(id) >>> (32 - shardBits);
    return `${generation}/${shard.toString(16).padStart(digits, '0')}.bin`;
  };
  return { generation, shardBits, shardFile };
}

/**
 * What `alsobought recommend` suggests for the cart `ids` from `table` (a .table file
 * or a table directory): the reference the widget's cards are compared with.
 */
export function recommendWithCli(table, ids, { max = 4 } = {}) {
  const output = runCli(['recommend', '--table', table, '--queries', '-', '--max', String(max)], {
    input: `${JSON.stringify({ query: ids })}\n`,
  });
  return JSON.parse(output.trim().split('\n')[0]).recs;
}

/**
 * Generates every fixture table into FIXTURE_DIR (afresh) and returns facts the tests
 * need about them. Called once by run.mjs before the specs start.
 */
export function generateFixtures() {
  rmSync(FIXTURE_DIR, { recursive: true, force: true });
  mkdirSync(FIXTURE_DIR, { recursive: true });
  const shop = markUnavailable(buildTable('shop', SHOP_CATALOG, shopOrders()), SOLD_OUT_ID);
  writeFileSync(path.join(FIXTURE_DIR, 'shop.table'), shop);
  // A failure here is reported by the security spec instead of failing every spec.
  try {
    const { rows, replacements } = withPlaceholders(HOSTILE_CATALOG);
    const hostile = replaceStrings(buildTable('hostile', rows, hostileOrders()), replacements);
    writeFileSync(path.join(FIXTURE_DIR, 'hostile.table'), hostile);
  } catch (error) {
    writeFileSync(path.join(FIXTURE_DIR, 'hostile-error.txt'), error.message);
  }

  const header = readHeader(shop);
  // Cut inside the bundles: the header promises more bytes than the file has.
  const truncatedLength = header.bundlesOffset + Math.floor((header.fileLength - header.bundlesOffset) / 3);
  writeFileSync(path.join(FIXTURE_DIR, 'truncated.table'), shop.subarray(0, truncatedLength));

  // Flip the price bytes of HUB's own card: still a well-formed bundle, so only its CRC
  // can tell (a flipped string byte would be caught earlier as invalid UTF-8).
  const [start, end] = bundleRange(shop, HUB_ID) ?? [];
  if (start === undefined) throw new Error(`${HUB_ID} has no bundle in the generated shop.table`);
  const hubCard = parseBundle(shop.subarray(start, end)).product;
  const priceAt = start + hubCard.offset + 5;
  const corrupted = Uint8Array.from(shop);
  for (let at = priceAt; at < priceAt + 4; at++) corrupted[at] ^= 0x5a;
  writeFileSync(path.join(FIXTURE_DIR, 'corrupted.table'), corrupted);

  // Far past any version this widget reads (the demo's table may be an older version
  // than the reader's newest, so "its version + 1" could be one the widget knows).
  writeFileSync(path.join(FIXTURE_DIR, 'newer-version.table'), withVersion(shop, 999));
  return { shopHeader: header, shopBytes: shop.length, truncatedLength };
}

/** Generates the fixtures unless run.mjs already did (a spec file run on its own). */
export function ensureFixtures() {
  if (!existsSync(path.join(FIXTURE_DIR, 'newer-version.table'))) generateFixtures();
}

/** Why the hostile table could not be built, or null when it was. */
export function hostileTableProblem() {
  const file = path.join(FIXTURE_DIR, 'hostile-error.txt');
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

/** The generated shop table's bytes. */
export function shopTableBytes() {
  return readFileSync(path.join(FIXTURE_DIR, 'shop.table'));
}
