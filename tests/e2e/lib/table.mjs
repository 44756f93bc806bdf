// A second, independent reader of the alsobought table format (docs/architecture.md §1,
// docs/format.md), written in plain JavaScript for the browser suite and the benchmark.
// Why it exists: the tests must know, without trusting the widget, which product has
// which neighbours, where a product's bundle lies (to corrupt exactly those bytes) and how
// to forge a header (a "newer version" table with a valid CRC). Keeping it separate from
// the Rust reader also cross-checks the format description.

/** Length of the fixed header in bytes. */
export const HEADER_LENGTH = 96;
/** Offset of the header CRC32 (it covers bytes 0..92). */
export const HEADER_CRC_OFFSET = 92;
const MAGIC = 'ALSOBGHT';

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC32 (IEEE, the zlib/PNG polynomial) of `bytes`. */
export function crc32(bytes) {
  let crc = 0xffffffff;
  for (const byte of bytes) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

/** FNV-1a 32-bit hash of the UTF-8 bytes of a product id, as the table keys products. */
export function productHash(id) {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** Parses the 96-byte header; throws with the evidence when it is not a v1-style header. */
export function readHeader(bytes) {
  if (bytes.length < HEADER_LENGTH) {
    throw new Error(`table has ${bytes.length} bytes, fewer than the ${HEADER_LENGTH}-byte header`);
  }
  const view = viewOf(bytes);
  const magic = new TextDecoder().decode(bytes.subarray(0, 8));
  if (magic !== MAGIC) throw new Error(`bad magic ${JSON.stringify(magic)}, expected ${MAGIC}`);
  const storedCrc = view.getUint32(HEADER_CRC_OFFSET, true);
  const computedCrc = crc32(bytes.subarray(0, HEADER_CRC_OFFSET));
  if (storedCrc !== computedCrc) {
    throw new Error(`header CRC stored ${storedCrc} but computed ${computedCrc}`);
  }
  return {
    version: view.getUint16(8, true),
    bucketBits: view.getUint8(10),
    maxNeighbours: view.getUint8(11),
    productCount: view.getUint32(12, true),
    edgeCount: Number(view.getBigUint64(16, true)),
    rootOffset: Number(view.getBigUint64(24, true)),
    bestSellersOffset: Number(view.getBigUint64(32, true)),
    leafOffset: Number(view.getBigUint64(40, true)),
    bundlesOffset: Number(view.getBigUint64(48, true)),
    fileLength: Number(view.getBigUint64(56, true)),
    scoreMin: view.getFloat32(64, true),
    scoreMax: view.getFloat32(68, true),
    orderCount: Number(view.getBigUint64(72, true)),
  };
}

/**
 * Returns a copy of `bytes` whose header claims format `version`, with the header CRC
 * recomputed so that only the version check can reject it.
 */
export function withVersion(bytes, version) {
  const copy = Uint8Array.from(bytes);
  const view = viewOf(copy);
  view.setUint16(8, version, true);
  view.setUint32(HEADER_CRC_OFFSET, crc32(copy.subarray(0, HEADER_CRC_OFFSET)), true);
  return copy;
}

/** The byte range `[start, end)` of the bundle of product `id`, or null when absent. */
export function bundleRange(bytes, id) {
  const header = readHeader(bytes);
  const view = viewOf(bytes);
  const hash = productHash(id);
  const bucket = header.bucketBits === 0 ? 0 : hash >>> (32 - header.bucketBits);
  const entry = (k) => {
    const at = header.rootOffset + k * 16;
    return { leaf: Number(view.getBigUint64(at, true)), bundle: Number(view.getBigUint64(at + 8, true)) };
  };
  const first = entry(bucket);
  const next = entry(bucket + 1);
  const leafEntries = (next.leaf - first.leaf - 4) / 8;
  let bundleStart = first.bundle;
  for (let j = 0; j < leafEntries; j++) {
    const at = first.leaf + j * 8;
    const entryHash = view.getUint32(at, true);
    const length = view.getUint32(at + 4, true);
    if (entryHash === hash) {
      const bundle = parseBundle(bytes.subarray(bundleStart, bundleStart + length));
      if (bundle.product && bundle.product.id === id) return [bundleStart, bundleStart + length];
    }
    bundleStart += length;
  }
  return null;
}

/**
 * Every product bundle of the table, in file order, parsed (for picking test products);
 * `verify: false` skips the bundle CRC check (for rewriting them).
 */
export function* productBundles(bytes, { verify = true } = {}) {
  const header = readHeader(bytes);
  const view = viewOf(bytes);
  const buckets = 2 ** header.bucketBits;
  for (let k = 0; k < buckets; k++) {
    const at = header.rootOffset + k * 16;
    const leafStart = Number(view.getBigUint64(at, true));
    const leafEnd = Number(view.getBigUint64(at + 16, true));
    let bundleStart = Number(view.getBigUint64(at + 8, true));
    for (let entry = leafStart; entry + 8 <= leafEnd - 4; entry += 8) {
      const length = view.getUint32(entry + 4, true);
      const bundle = parseBundle(bytes.subarray(bundleStart, bundleStart + length), { verify });
      yield { range: [bundleStart, bundleStart + length], ...bundle };
      bundleStart += length;
    }
  }
}

/**
 * Replaces every occurrence of each `[placeholder, value]` (equal UTF-8 byte lengths) in
 * a copy of `bytes`, and recomputes every bundle CRC, so the result is a valid table
 * carrying values a table builder would refuse to write.
 */
export function replaceStrings(bytes, replacements) {
  const copy = Uint8Array.from(bytes);
  const encoder = new TextEncoder();
  for (const [placeholder, value] of replacements) {
    const from = encoder.encode(placeholder);
    const to = encoder.encode(value);
    if (from.length !== to.length) {
      throw new Error(`placeholder ${JSON.stringify(placeholder)} is ${from.length} bytes but ${JSON.stringify(value)} is ${to.length}`);
    }
    let found = 0;
    for (let at = indexOf(copy, from, 0); at !== -1; at = indexOf(copy, from, at + from.length)) {
      copy.set(to, at);
      found++;
    }
    if (found === 0) throw new Error(`placeholder ${JSON.stringify(placeholder)} does not occur in the table`);
  }
  refreshBundleChecksums(copy);
  return copy;
}

/**
 * Returns a copy of `bytes` in which every card of product `id` (its own and wherever it
 * is a neighbour or a best-seller) says "unavailable", with the bundle CRCs recomputed:
 * a product that sold out after the table was built.
 */
export function markUnavailable(bytes, id) {
  const copy = Uint8Array.from(bytes);
  let cleared = 0;
  for (const { start, bundle } of allBundles(copy)) {
    for (const card of [bundle.product, ...bundle.neighbours]) {
      if (card && card.id === id) {
        copy[start + card.offset + 4] &= ~1;
        cleared++;
      }
    }
  }
  if (cleared === 0) throw new Error(`product ${id} has no card in the table`);
  refreshBundleChecksums(copy);
  return copy;
}

/** Every bundle (best-sellers first, then the products) with its absolute start offset. */
function* allBundles(bytes) {
  const header = readHeader(bytes);
  const bestSellers = parseBundle(bytes.subarray(header.bestSellersOffset, header.leafOffset), { verify: false });
  yield { start: header.bestSellersOffset, bundle: bestSellers };
  for (const bundle of productBundles(bytes, { verify: false })) yield { start: bundle.range[0], bundle };
}

function refreshBundleChecksums(bytes) {
  const view = viewOf(bytes);
  for (const { start, bundle } of [...allBundles(bytes)]) {
    const crcAt = start + bundle.length - 4;
    view.setUint32(crcAt, crc32(bytes.subarray(start, crcAt)), true);
  }
}

function indexOf(haystack, needle, from) {
  outer: for (let at = from; at <= haystack.length - needle.length; at++) {
    for (let i = 0; i < needle.length; i++) if (haystack[at + i] !== needle[i]) continue outer;
    return at;
  }
  return -1;
}

/**
 * Parses one bundle (kind 1 product, kind 2 best-sellers) and checks its CRC unless
 * `verify` is false.
 */
export function parseBundle(bytes, { verify = true } = {}) {
  const reader = new ByteReader(bytes);
  const kind = reader.u8();
  const product = kind === 1 ? reader.card() : null;
  const count = reader.varint();
  const edges = [];
  for (let i = 0; i < count; i++) edges.push({ number: reader.u24(), score: reader.u8() });
  const neighbours = edges.map((edge) => ({ ...reader.card(), quantizedScore: edge.score }));
  const crcAt = reader.offset;
  const stored = viewOf(bytes).getUint32(crcAt, true);
  const computed = crc32(bytes.subarray(0, crcAt));
  if (verify && stored !== computed) throw new Error(`bundle CRC stored ${stored} but computed ${computed}`);
  return { kind, product, neighbours, length: crcAt + 4 };
}

function viewOf(bytes) {
  return new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

class ByteReader {
  constructor(bytes) {
    this.bytes = bytes;
    this.view = viewOf(bytes);
    this.offset = 0;
  }
  u8() {
    return this.view.getUint8(this.offset++);
  }
  u24() {
    const value = this.bytes[this.offset] | (this.bytes[this.offset + 1] << 8) | (this.bytes[this.offset + 2] << 16);
    this.offset += 3;
    return value;
  }
  u32() {
    const value = this.view.getUint32(this.offset, true);
    this.offset += 4;
    return value;
  }
  varint() {
    let value = 0;
    let shift = 0;
    for (;;) {
      const byte = this.u8();
      value += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return value;
      shift += 7;
    }
  }
  string() {
    const length = this.varint();
    const text = new TextDecoder().decode(this.bytes.subarray(this.offset, this.offset + length));
    this.offset += length;
    return text;
  }
  card() {
    const offset = this.offset;
    const number = this.u32();
    const flags = this.u8();
    const price = this.u32();
    const rating = this.u8();
    const currencyBytes = this.bytes.subarray(this.offset, this.offset + 3);
    this.offset += 3;
    const currency = currencyBytes.every((b) => b === 0) ? null : new TextDecoder().decode(currencyBytes);
    // Format version 3: flag bit 4 puts a compare-at ("was") price after the currency.
    const compareAtHundredths = flags & 16 ? this.u32() : null;
    return {
      offset,
      number,
      available: (flags & 1) !== 0,
      priceHundredths: flags & 2 ? price : null,
      compareAtHundredths,
      ratingTenths: flags & 4 ? rating : null,
      currency,
      id: this.string(),
      title: this.string(),
      url: this.string(),
      image: this.string(),
      category: this.string(),
    };
  }
}
