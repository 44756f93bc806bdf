// A million-product synthetic shop and its table, for the browser suite's scale spec and
// the scale benchmark: generated with `alsobought generate`, mined with `alsobought
// build` as a user would, kept under test-results/scale/ and reused until the CLI or the
// sizes change. Also reads the table's layout from the file by byte ranges (a table of a
// million products is over a gigabyte: never read whole), to find the product page that
// costs the most bytes.
// Why it exists: the format promises that a shopper of a million-product store fetches a
// few small ranges, never the file; that needs a real million-product table to check.

import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, rmSync, statfsSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { REPO_ROOT, RESULTS_DIR } from './environment.mjs';
import { cliBinary } from './fixtures.mjs';
import { HEADER_LENGTH, parseBundle, readHeader } from './table.mjs';

/** The shop the browser suite uses: a million products, few orders (cheap to build). */
export const SUITE_SCALE_SHOP = { products: '1M', lines: '3M', seed: '42' };
/** The shop the scale benchmark uses: a million products and ten million order lines. */
export const BENCH_SCALE_SHOP = { products: '1M', lines: '10M', seed: '42' };

/** Memory `alsobought build` needs for a 1M-product, 10M-line shop, with margin (measured 4.6 GB). */
const MEMORY_NEEDED = 6 * 2 ** 30;
/** Disk a shop needs while it is made: CSVs (removed afterwards) plus the table. */
const DISK_NEEDED = 4 * 2 ** 30;

/** Directory of one shop's files. */
export function scaleShopDir(shop) {
  return path.join(RESULTS_DIR, 'scale', `p${shop.products}-l${shop.lines}-s${shop.seed}`);
}

/** URL path of a shop's table on the demo server (its root is the repository root). */
export function scaleTableUrl(shop) {
  return `/${path.relative(REPO_ROOT, scaleShopDir(shop)).split(path.sep).join('/')}/store.table`;
}

/** Why this machine cannot make the shop in reasonable time, or null when it can. */
export function scaleResourceProblem() {
  const memory = os.totalmem();
  if (memory < MEMORY_NEEDED) {
    return `${(memory / 2 ** 30).toFixed(1)} GiB of memory; building a million-product table needs about ${MEMORY_NEEDED / 2 ** 30} GiB`;
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  const disk = statfsSync(RESULTS_DIR);
  const free = disk.bavail * disk.bsize;
  if (free < DISK_NEEDED) {
    return `${(free / 2 ** 30).toFixed(1)} GiB free under ${RESULTS_DIR}; a million-product shop needs about ${DISK_NEEDED / 2 ** 30} GiB`;
  }
  return null;
}

/** The `alsobought generate` arguments of a shop. */
export function generateArguments(shop, out = scaleShopDir(shop)) {
  return ['generate', '--out', out, '--products', shop.products, '--lines', shop.lines, '--seed', shop.seed];
}

/** The `alsobought build` arguments of a shop's table. */
export function buildArguments(shop, dir = scaleShopDir(shop)) {
  return ['build', '--orders', path.join(dir, 'orders.csv'), '--catalog', path.join(dir, 'catalog.csv'), '--out', path.join(dir, 'store.table')];
}

/** Runs the CLI at low CPU priority (the browser suite runs beside it); returns seconds and output. */
function runCli(cli, args) {
  const started = process.hrtime.bigint();
  let output;
  try {
    output = execFileSync('nice', ['-n', '10', cli, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 24 });
  } catch (error) {
    throw new Error(`alsobought ${args.join(' ')} failed:\n${error.stderr ?? ''}${error.stdout ?? ''}`, { cause: error });
  }
  return { seconds: Number(process.hrtime.bigint() - started) / 1e9, output: output.trim() };
}

/**
 * Makes `shop`'s table unless one built by the current CLI with the same arguments is
 * there. The order and catalog CSVs are removed once mined (they are regenerated
 * exactly from the seed when needed). Returns `{ tableFile, tableUrl, cached, generate,
 * build }`, the last two `{ seconds, output }` of this run (null when cached).
 */
export function ensureScaleTable(shop, { log = () => {} } = {}) {
  const dir = scaleShopDir(shop);
  const tableFile = path.join(dir, 'store.table');
  const stampFile = path.join(dir, 'stamp.json');
  const cli = cliBinary();
  const stamp = JSON.stringify({ generate: generateArguments(shop), build: buildArguments(shop) });
  const fresh =
    existsSync(tableFile) &&
    existsSync(stampFile) &&
    readFileSync(stampFile, 'utf8') === stamp &&
    statSync(tableFile).mtimeMs >= statSync(cli).mtimeMs;
  if (fresh) return { tableFile, tableUrl: scaleTableUrl(shop), cached: true, generate: null, build: null };

  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  log(`scale: generating ${shop.products} products and ${shop.lines} order lines into ${path.relative(process.cwd(), dir)}`);
  const generate = runCli(cli, generateArguments(shop));
  log(`scale: generated in ${generate.seconds.toFixed(1)} s; mining with alsobought build`);
  const build = runCli(cli, buildArguments(shop));
  log(`scale: built in ${build.seconds.toFixed(1)} s`);
  for (const name of ['orders.csv', 'catalog.csv']) rmSync(path.join(dir, name), { force: true });
  writeFileSync(stampFile, stamp);
  return { tableFile, tableUrl: scaleTableUrl(shop), cached: false, generate, build };
}

/**
 * Makes the browser suite's million-product table before any spec starts (run.mjs calls
 * it when million.test.mjs is selected): its minute of CPU would otherwise run beside
 * specs that measure long tasks and timeouts. Returns a line for the log.
 */
export function prepareSuiteScaleTable() {
  const problem = scaleResourceProblem();
  if (problem) return `million-product table not made: this machine has ${problem} (million.test.mjs will skip)`;
  const started = process.hrtime.bigint();
  const table = ensureScaleTable(SUITE_SCALE_SHOP);
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  return table.cached
    ? `million-product table reused (${path.relative(process.cwd(), table.tableFile)})`
    : `million-product table made in ${seconds.toFixed(1)} s (generate ${table.generate.seconds.toFixed(1)} s, build ${table.build.seconds.toFixed(1)} s)`;
}

/** Bytes `[start, end)` of `file`. */
export function readFileRange(file, start, end) {
  const buffer = Buffer.alloc(end - start);
  const descriptor = openSync(file, 'r');
  try {
    let done = 0;
    while (done < buffer.length) {
      const read = readSync(descriptor, buffer, done, buffer.length - done, start + done);
      if (read === 0) throw new Error(`${file} ends at ${start + done}, before ${end}`);
      done += read;
    }
  } finally {
    closeSync(descriptor);
  }
  return new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.length);
}

/**
 * The table's directory layout, read by ranges: header, prefix length, and per bucket
 * the leaf's length and the bundles' lengths (in leaf order) with the first bundle's
 * offset. Reads the prefix and the leaf directories only (about 8 MB for a million
 * products).
 */
export function tableLayout(file) {
  const header = readHeader(readFileRange(file, 0, HEADER_LENGTH));
  const prefix = readFileRange(file, 0, header.leafOffset);
  const leaves = readFileRange(file, header.leafOffset, header.bundlesOffset);
  const prefixView = new DataView(prefix.buffer, prefix.byteOffset, prefix.byteLength);
  const leavesView = new DataView(leaves.buffer, leaves.byteOffset, leaves.byteLength);
  const buckets = [];
  const bucketCount = 2 ** header.bucketBits;
  const root = (k) => ({
    leaf: Number(prefixView.getBigUint64(header.rootOffset + k * 16, true)),
    bundle: Number(prefixView.getBigUint64(header.rootOffset + k * 16 + 8, true)),
  });
  for (let k = 0; k < bucketCount; k++) {
    const first = root(k);
    const next = root(k + 1);
    const bundleLengths = [];
    for (let at = first.leaf - header.leafOffset; at + 8 <= next.leaf - header.leafOffset - 4; at += 8) {
      bundleLengths.push(leavesView.getUint32(at + 4, true));
    }
    buckets.push({ bucket: k, leafBytes: next.leaf - first.leaf, bundleOffset: first.bundle, bundleLengths });
  }
  return { header, prefixBytes: header.leafOffset, buckets, fileBytes: statSync(file).size };
}

/**
 * The product page of `bucket` whose bundle is largest, parsed from the file:
 * `{ id, bucket, leafBytes, bundleBytes, pageBytes, neighbours }`; `pageBytes` is what a
 * first visit must fetch (prefix + leaf + bundle).
 */
export function largestPageOfBucket(file, layout, bucket) {
  const { bundleLengths, bundleOffset, leafBytes } = layout.buckets[bucket];
  if (bundleLengths.length === 0) return null;
  let largest = 0;
  for (let j = 1; j < bundleLengths.length; j++) if (bundleLengths[j] > bundleLengths[largest]) largest = j;
  const start = bundleOffset + bundleLengths.slice(0, largest).reduce((sum, length) => sum + length, 0);
  const bundle = parseBundle(readFileRange(file, start, start + bundleLengths[largest]));
  return {
    id: bundle.product.id,
    bucket,
    leafBytes,
    bundleBytes: bundleLengths[largest],
    pageBytes: layout.prefixBytes + leafBytes + bundleLengths[largest],
    neighbours: bundle.neighbours.map((card) => ({ id: card.id, title: card.title, available: card.available })),
  };
}

/** The product page that costs a first visit the most table bytes (largest leaf + bundle). */
export function costliestPage(file, layout) {
  let worst = null;
  for (const { bucket, leafBytes, bundleLengths } of layout.buckets) {
    if (bundleLengths.length === 0) continue;
    const cost = leafBytes + Math.max(...bundleLengths);
    if (!worst || cost > worst.cost) worst = { bucket, cost };
  }
  return largestPageOfBucket(file, layout, worst.bucket);
}

/** `count` product pages spread evenly over the buckets (each its bucket's largest bundle). */
export function spreadPages(file, layout, count) {
  const pages = [];
  const bucketCount = layout.buckets.length;
  for (let i = 0; i < count; i++) {
    const page = largestPageOfBucket(file, layout, Math.floor(((i + 0.5) * bucketCount) / count));
    if (page) pages.push(page);
  }
  return pages;
}
