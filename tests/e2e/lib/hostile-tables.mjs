// Hostile table bytes for the browser suite (issue 15 item 3): tables whose header
// promises more than the file has, whose directory points past the end or into itself,
// whose neighbour lists repeat or loop, and whose card text is megabytes long, in both
// layouts (a single file, and a directory of entry + shards).
// Why it exists: a widget reads tables from any server, so every count and offset in
// them is untrusted. Each table starts as a valid one built by the real CLI and has one
// documented field rewritten (docs/format.md, the section named with it), with every
// checksum over the rewritten bytes recomputed, so that only the rule being tested can
// catch it; the specs then say exactly what is hostile.

import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildDirectoryTable,
  buildTable,
  FIXTURE_DIR,
  FIXTURE_TABLES,
  FIXTURE_URL,
  HUB_ID,
  NEIGHBOUR_IDS,
  SHOP_CATALOG,
  shopOrders,
} from './fixtures.mjs';
import { bundleRange, crc32, HEADER_CRC_OFFSET, parseBundle, productHash, readHeader } from './table.mjs';

/** How much more than the file has the hostile headers promise. */
const PROMISED_EXTRA = 1024 * 1024;
/** Bytes added to the end of a shard: more than the widget copies in (1 MiB). */
const SHARD_PADDING = 2 * 1024 * 1024;
/** Bytes of the megabyte-long card title: more than the widget reads in one part. */
export const MEGABYTES_TITLE_BYTES = 2 * 1024 * 1024;
/** Bytes of a long title the widget does read, and must cut to a line or two. */
export const LONG_TITLE_BYTES = 200 * 1024;
/** The product whose card carries the long titles (one of HUB's neighbours). */
export const LONG_TITLE_ID = NEIGHBOUR_IDS[0];

/** What the widget says of a part over its 1 MiB read limit (src/loader/load_error.rs). */
const TOO_LARGE = /a part of \d+ bytes, over the 1 MiB limit/;

/**
 * Every hostile table, by the name `writeHostileTables` gives it: what it rewrites, and
 * what the widget must do with it: `error` is what its one console line must say,
 * `bounded` a result it may render (bounded in count and text).
 */
export const HOSTILE_CASES = [
  { name: 'promises-more', what: 'the header, root and last leaf promise 1 MiB more than the file has', error: /server has \d+ bytes but the table header says/ },
  { name: 'root-into-itself', what: 'a root entry points back into the root directory', error: /must not decrease/ },
  { name: 'leaf-past-end', what: "the product's leaf entry runs 1 MiB past the end", error: /add up to/ },
  { name: 'neighbours-repeat', what: 'the neighbour list names one product again and again', bounded: true },
  { name: 'neighbours-loop', what: 'the neighbour list loops back to the product itself', error: /lists itself/ },
  { name: 'megabytes-title', what: `a neighbour's title is ${MEGABYTES_TITLE_BYTES} bytes`, error: TOO_LARGE },
  { name: 'long-title', what: `a neighbour's title is ${LONG_TITLE_BYTES} bytes`, bounded: true, longTitle: true },
  { name: 'directory entry-promises-more', what: "entry.bin's entry_length promises 1 MiB more", error: /truncat/i },
  { name: 'directory shard-count-past-end', what: "the product's shard claims 2^28 products", error: /truncat/i },
  { name: 'directory neighbours-repeat', what: 'the neighbour list in the shard names one product again and again', bounded: true },
  { name: 'directory shard-of-megabytes', what: "the product's shard is 2 MiB longer than its bundles", error: TOO_LARGE },
  { name: 'directory megabytes-title', what: `a neighbour's title is ${MEGABYTES_TITLE_BYTES} bytes, in a shard`, error: TOO_LARGE },
  { name: 'directory long-title', what: `a neighbour's title is ${LONG_TITLE_BYTES} bytes, in a shard`, bounded: true, longTitle: true },
];

/** The valid table of the same layout as the hostile `table` URL: what the widget costs on it is the baseline. */
export function validTableLike(table) {
  return table.endsWith('/') ? `${FIXTURE_URL}/hostile-valid-directory/` : FIXTURE_TABLES.shop;
}

const ENTRY_LENGTH_AT = 12;
const ENTRY_CRC_AT = 28;
const SHARD_COUNT_AT = 20;
const SHARD_ENTRIES_AT = 24;

const view = (bytes) => new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);

/** Recomputes the CRC stored at `crcAt` over `bytes[start..crcAt]`. */
function refreshCrc(bytes, start, crcAt) {
  view(bytes).setUint32(crcAt, crc32(bytes.subarray(start, crcAt)), true);
}

/** Root entry `k` of a single file: `[leafOffset, bundleOffset]` and where it is. */
function rootEntry(bytes, header, k) {
  const at = header.rootOffset + 16 * k;
  const data = view(bytes);
  return { at, leaf: Number(data.getBigUint64(at, true)), bundle: Number(data.getBigUint64(at + 8, true)) };
}

function refreshRootCrc(bytes, header) {
  refreshCrc(bytes, header.rootOffset, header.bestSellersOffset - 4);
}

/** Where `id`'s leaf entry is in a single file: `{ leafStart, leafEnd, entryAt }`. */
function leafEntryOf(bytes, header, id) {
  const hash = productHash(id);
  const bucket = header.bucketBits === 0 ? 0 : hash >>> (32 - header.bucketBits);
  const leafStart = rootEntry(bytes, header, bucket).leaf;
  const leafEnd = rootEntry(bytes, header, bucket + 1).leaf;
  for (let at = leafStart; at + 8 <= leafEnd - 4; at += 8) {
    if (view(bytes).getUint32(at, true) === hash) return { leafStart, leafEnd, entryAt: at };
  }
  throw new Error(`${id} has no leaf entry`);
}

/**
 * Rewrites the product bundle at `start` (length `length`) of `bytes` so that one
 * neighbour is listed many times: every neighbour card as long as the most common card
 * length becomes the first such card, and its edge names that card's product (keeping
 * the edge's score, so scores still do not increase). The card bytes stay in place, so
 * no length or offset elsewhere changes. Returns the repeated product's id.
 */
function repeatOneNeighbour(bytes, start, length) {
  const { neighbours } = parseBundle(bytes.subarray(start, start + length));
  const cards = neighbours.map((card, i) => ({ card, length: (neighbours[i + 1]?.offset ?? length - 4) - card.offset }));
  const byLength = new Map();
  for (const entry of cards) byLength.set(entry.length, [...(byLength.get(entry.length) ?? []), entry]);
  const same = [...byLength.values()].sort((a, b) => b.length - a.length)[0];
  if (same.length < 3) throw new Error(`only ${same.length} neighbour cards of ${HUB_ID} have the same length`);
  const [{ card: repeated }] = same;
  const repeatedBytes = bytes.slice(start + repeated.offset, start + repeated.offset + same[0].length);
  const edgesAt = start + neighbours[0].offset - 4 * neighbours.length;
  for (const { card } of same.slice(1)) {
    bytes.set(repeatedBytes, start + card.offset);
    const edge = edgesAt + 4 * neighbours.indexOf(card);
    bytes.set([repeated.number & 0xff, (repeated.number >> 8) & 0xff, (repeated.number >> 16) & 0xff], edge);
  }
  refreshCrc(bytes, start, start + length - 4);
  return repeated.id;
}

/** The catalog whose LONG_TITLE_ID has a title of `bytes` (CSV-safe: no quote, comma or newline). */
function longTitleCatalog(bytes) {
  const phrase = 'An extremely long product title that goes on ';
  const title = phrase.repeat(Math.ceil(bytes / phrase.length)).slice(0, bytes);
  return SHOP_CATALOG.map((row) => (row.id === LONG_TITLE_ID ? { ...row, title } : row));
}

/** The single-file hostile tables, by name: `{ url, bytes }` after writing them. */
function singleFileTables() {
  const shop = readFileSync(path.join(FIXTURE_DIR, 'shop.table'));
  const header = readHeader(shop);
  const tables = {};
  const save = (name, bytes) => {
    writeFileSync(path.join(FIXTURE_DIR, `hostile-${name}.table`), bytes);
    tables[name] = `${FIXTURE_URL}/hostile-${name}.table`;
  };

  // §3/§4: file_length, the root's sentinel and the last bucket's last bundle length all
  // promise 1 MiB more than the file has; every checksum agrees with them.
  {
    const bytes = Uint8Array.from(shop);
    const data = view(bytes);
    data.setBigUint64(56, BigInt(header.fileLength + PROMISED_EXTRA), true);
    refreshCrc(bytes, 0, HEADER_CRC_OFFSET);
    const buckets = 2 ** header.bucketBits;
    const sentinel = rootEntry(bytes, header, buckets);
    data.setBigUint64(sentinel.at + 8, BigInt(sentinel.bundle + PROMISED_EXTRA), true);
    refreshRootCrc(bytes, header);
    const lastLeafStart = rootEntry(bytes, header, buckets - 1).leaf;
    const lastLeafEnd = sentinel.leaf;
    if (lastLeafEnd - lastLeafStart < 12) throw new Error('the last bucket of shop.table is empty');
    const lastEntryAt = lastLeafEnd - 4 - 8;
    data.setUint32(lastEntryAt + 4, data.getUint32(lastEntryAt + 4, true) + PROMISED_EXTRA, true);
    refreshCrc(bytes, lastLeafStart, lastLeafEnd - 4);
    save('promises-more', bytes);
  }

  // §4: root entry 1 (a bucket's leaf, not the sentinel) points back at the root
  // directory itself.
  {
    if (header.bucketBits < 1) throw new Error('shop.table has one bucket: no inner root entry to point into itself');
    const bytes = Uint8Array.from(shop);
    view(bytes).setBigUint64(rootEntry(bytes, header, 1).at, BigInt(header.rootOffset), true);
    refreshRootCrc(bytes, header);
    save('root-into-itself', bytes);
  }

  // §6: HUB's leaf entry says its bundle runs 1 MiB past the end of the file.
  {
    const bytes = Uint8Array.from(shop);
    const { leafStart, leafEnd, entryAt } = leafEntryOf(bytes, header, HUB_ID);
    view(bytes).setUint32(entryAt + 4, view(bytes).getUint32(entryAt + 4, true) + PROMISED_EXTRA, true);
    refreshCrc(bytes, leafStart, leafEnd - 4);
    save('leaf-past-end', bytes);
  }

  // §7: HUB's neighbour list names one product again and again.
  {
    const bytes = Uint8Array.from(shop);
    const [start, end] = bundleRange(shop, HUB_ID);
    repeatOneNeighbour(bytes, start, end - start);
    save('neighbours-repeat', bytes);
  }

  // §7: HUB's neighbour list loops back to HUB itself.
  {
    const bytes = Uint8Array.from(shop);
    const [start, end] = bundleRange(shop, HUB_ID);
    const bundle = parseBundle(shop.subarray(start, end));
    const edge = start + bundle.neighbours[0].offset - 4 * bundle.neighbours.length + 4;
    const own = bundle.product.number;
    bytes.set([own & 0xff, (own >> 8) & 0xff, (own >> 16) & 0xff], edge);
    refreshCrc(bytes, start, end - 4);
    save('neighbours-loop', bytes);
  }

  // §8: a neighbour's title is megabytes long, or "only" 200 KiB (valid tables: the CLI
  // built them).
  buildTable('hostile-megabytes-title', longTitleCatalog(MEGABYTES_TITLE_BYTES), shopOrders());
  tables['megabytes-title'] = `${FIXTURE_URL}/hostile-megabytes-title.table`;
  buildTable('hostile-long-title', longTitleCatalog(LONG_TITLE_BYTES), shopOrders());
  tables['long-title'] = `${FIXTURE_URL}/hostile-long-title.table`;
  return tables;
}

/** HUB's shard of a directory table: its path and, inside it, where HUB's bundle is. */
function hubShard(directory) {
  const { shardFile } = directory;
  const file = path.join(directory.directory, shardFile(HUB_ID));
  const bytes = Uint8Array.from(readFileSync(file));
  const count = view(bytes).getUint32(SHARD_COUNT_AT, true);
  let start = SHARD_ENTRIES_AT + 8 * count + 4;
  for (let i = 0; i < count; i++) {
    const length = view(bytes).getUint32(SHARD_ENTRIES_AT + 8 * i + 4, true);
    if (parseBundle(bytes.subarray(start, start + length)).product?.id === HUB_ID) return { file, bytes, start, length };
    start += length;
  }
  throw new Error(`${HUB_ID} is not in its shard ${file}`);
}

/** The directory-layout hostile tables, by name: URL of each directory. */
function directoryTables() {
  const tables = {};
  const build = (name, catalog = SHOP_CATALOG) => {
    const built = buildDirectoryTable(`hostile-${name}`, catalog, shopOrders(), { shardBytes: 256 });
    tables[`directory ${name}`] = built.url;
    return built;
  };

  // The same directory untouched: the baseline the specs compare the widget's work with.
  build('valid-directory');

  // §17: entry_length promises 1 MiB more than entry.bin has.
  {
    const built = build('entry-promises-more');
    const file = path.join(built.directory, 'entry.bin');
    const bytes = Uint8Array.from(readFileSync(file));
    view(bytes).setUint32(ENTRY_LENGTH_AT, view(bytes).getUint32(ENTRY_LENGTH_AT, true) + PROMISED_EXTRA, true);
    refreshCrc(bytes, 0, ENTRY_CRC_AT);
    writeFileSync(file, bytes);
  }

  // §17: HUB's shard says it holds 2^28 products: its leaf runs far past the file's end.
  {
    const shard = hubShard(build('shard-count-past-end'));
    view(shard.bytes).setUint32(SHARD_COUNT_AT, 2 ** 28, true);
    writeFileSync(shard.file, shard.bytes);
  }

  // §17 + §7: HUB's bundle in its shard names one product again and again.
  {
    const shard = hubShard(build('neighbours-repeat'));
    repeatOneNeighbour(shard.bytes, shard.start, shard.length);
    writeFileSync(shard.file, shard.bytes);
  }

  // §17: HUB's shard is megabytes long (its bundles, then junk no entry accounts for).
  {
    const shard = hubShard(build('shard-of-megabytes'));
    writeFileSync(shard.file, Buffer.concat([shard.bytes, Buffer.alloc(SHARD_PADDING, 0x5a)]));
  }

  // §17 + §8: the long titles, as the CLI writes them into a directory.
  build('megabytes-title', longTitleCatalog(MEGABYTES_TITLE_BYTES));
  build('long-title', longTitleCatalog(LONG_TITLE_BYTES));
  return tables;
}

/** Builds every hostile table into FIXTURE_DIR; returns their URLs by case name. */
export function writeHostileTables() {
  return { ...singleFileTables(), ...directoryTables() };
}
