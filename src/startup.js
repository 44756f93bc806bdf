// The widget module's start-up code, appended to wasm-bindgen's glue by
// scripts/build-widget.sh (which fills in the at-sign placeholders from alsobought-core)
// and minified with it. It runs when alsobought.js is evaluated.

// Lazy hosts (`data-loading="lazy"`): a shopper who never scrolls to them downloads
// nothing for them. A lazy host's first read below waits until it comes within a
// viewport's height of the visible area (the margin of src/mount.rs's LAZY_MARGIN, where
// the widget keeps the same watch), and when every host on the page is lazy the wasm
// waits too: this top-level await holds the module (and its importers) until then. A
// page without hosts, a single-page app that mounts from JS, does not wait.
const isLazy = (host) => /^\s*lazy\s*$/i.test(host.getAttribute('data-loading'));
// A script tag has no box: the element it sits in stands for the host it creates.
const boxOf = (host) => (host.localName === 'script' ? host.parentElement : host) ?? document.body;
const declaredHosts = [...document.querySelectorAll('[data-alsobought],script[data-table]')];
let nearBoxes = new Set();
if (declaredHosts.length > 0 && declaredHosts.every(isLazy)) {
  nearBoxes = await new Promise((resolve) => {
    const watch = new IntersectionObserver((entries) => {
      const near = entries.filter((entry) => entry.isIntersecting).map((entry) => entry.target);
      if (near.length > 0) {
        watch.disconnect();
        resolve(new Set(near));
      }
    }, { rootMargin: '100% 0px' });
    for (const host of declaredHosts) watch.observe(boxOf(host));
  });
}
const waitsToBeNear = (host) => isLazy(host) && !nearBoxes.has(boxOf(host));

// First, each table's first reads start now, while the wasm downloads and compiles,
// instead of after: src/fetch_source.rs takes these requests (keyed by URL, the same
// bytes the widget asks for) in place of its own. Hosts in an experiment are left
// alone: a holdout visitor fetches nothing.
//   A single file (read with Range): its first @FIRST_READ_LEN@ bytes.
//   A directory (`data-table` ends in `/`): the entry file, and as soon as it is here,
//   the shard of every product in context (the name is FNV-1a of the id, docs/format.md
//   "The directory layout"), so a product page's table is here when the wasm is. The
//   widget gets the entry's response only after the shard reads have started, so it
//   never races them with reads of its own. (The widget takes later reads of the same
//   URLs from this map too: a prefetched shard, below, for a product mounted later.)
const firstReads = new Map();
const entries = {}; // a directory's URL -> its entry file's bytes, as first read
const startRead = (url, headers) => {
  const controller = new AbortController();
  const response = fetch(url, { headers, signal: controller.signal });
  response.catch(() => {}); // a failure is reported by the widget that takes it
  firstReads.set(url, { response, controller });
  return firstReads.get(url);
};
const productHash = (id) => {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(id)) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
  return hash;
};
const readShards = (directory, entry, ids) => {
  const bits = entry[@ENTRY_SHARD_BITS_AT@];
  const hex = (value, digits) => value.toString(16).padStart(digits, '0');
  const generation = [...entry.subarray(@ENTRY_GENERATION_AT@, @ENTRY_GENERATION_AT@ + 8)].map((byte) => hex(byte, 2)).join('');
  for (const id of ids) {
    const shard = bits === 0 ? 0 : productHash(id) >>> (32 - bits);
    const url = `${directory}${generation}/${hex(shard, (bits + 3) >> 2 || 1)}.bin`;
    if (!firstReads.has(url)) startRead(url);
  }
};
for (const host of document.querySelectorAll('[data-alsobought][data-table]:not([data-experiment]),script[data-table]:not([data-experiment])')) {
  if (waitsToBeNear(host)) continue; // its widget reads when it comes near (lazy block above)
  const table = host.getAttribute('data-table').trim();
  const ids = `${host.getAttribute('data-product') ?? ''},${host.getAttribute('data-cart') ?? ''}`
    .split(',').map((id) => id.trim()).filter((id) => id !== '');
  if (!table || ids.length === 0) continue;
  if (!table.endsWith('/')) {
    if (!firstReads.has(table)) startRead(table, { Range: 'bytes=0-@LAST_BYTE_OF_FIRST_READ@' });
    continue;
  }
  const entryUrl = `${table}@ENTRY_FILE@`;
  const entryRead = firstReads.get(entryUrl) ?? startRead(entryUrl);
  entryRead.response = entryRead.response.then(async (response) => {
    try {
      if (response.ok) readShards(table, entries[table] = new Uint8Array(await response.clone().arrayBuffer()), ids);
    } catch {} // the widget reads the entry again and reports what is wrong
    return response;
  });
}
// Once a directory table's cards are shown, the shards of the products on them are
// fetched too: immutable files the HTTP cache keeps, so the product page a shopper
// opens from a card finds its table without a round trip.
addEventListener('alsobought:ready', ({ target, detail }) => {
  const table = target.getAttribute('data-table')?.trim();
  if (entries[table]) readShards(table, entries[table], detail.products.map((product) => product.id));
});
// Set in the same task that starts the wasm's download below: the README's inline head
// script reads it to know the module has run, and then adds no preload of its own.
globalThis.__alsoboughtFirstReads = firstReads;
// A page's first Intl.NumberFormat loads the browser's locale data: 15-60 ms of main
// thread in cold Chromium (measured), which would otherwise fall into the task that
// renders the cards (src/price_format.rs formats their prices). In a task of its own,
// while the wasm downloads, it costs the shopper nothing; any locale loads it for all.
if (firstReads.size > 0) setTimeout(() => new Intl.NumberFormat(), 0);
// Cart adapters (docs/install/), in alsobought-cart.js next to this file, which only
// pages that add to a cart through the widget download. `detail.respondWith(promise)` is
// set on every add-to-cart event before any listener of the page sees it (a capture
// listener on the window runs first): a store's own code may hand it the promise of its
// cart request, and alsobought-cart.js shows the pending, added and failed states in the
// widget. A host with `data-cart-api` gets its platform's adapter, which answers the
// event last (the window's bubble phase) and only when no listener of the page prevented
// it; with `data-cart="auto"` it reads the platform's cart into data-cart before the
// widget mounts, so the wasm is fetched meanwhile rather than after.
const cartModule = () => import('./alsobought-cart.js');
addEventListener('@EVENT_ADD_TO_CART@', (event) => {
  const { target, detail } = event;
  detail.respondWith = (answer) => {
    event.preventDefault();
    return cartModule().then((cart) => cart.respond(target, detail, answer));
  };
}, true);
addEventListener('@EVENT_ADD_TO_CART@', ({ target, detail, defaultPrevented }) => {
  if (!defaultPrevented && target.hasAttribute('data-cart-api')) detail.respondWith(cartModule().then((cart) => cart.add(target, detail.products)));
});
const cartReads = [...document.querySelectorAll('[data-cart-api]')].map((host) => cartModule().then((cart) => cart.watch(host)));
const wasmSource = { module_or_path: fetch(new URL('alsobought_bg.wasm', import.meta.url)) };
// Then instantiate, so the widget's start function mounts the page without further
// code, and importers get a ready API.
try {
  await Promise.allSettled(cartReads); // a failure is the adapter's to report
  await __wbg_init(wasmSource);
  // For performance tools (and scripts/bench-widget.mjs): instantiated, hosts mounted.
  performance.mark('alsobought:started');
} catch (error) {
  console.error(`alsobought: the widget could not start (${error}); check that alsobought_bg.wasm is served next to alsobought.js with Content-Type application/wasm`);
  // alsobought.css reserves each host's height; give the space back.
  for (const host of document.querySelectorAll('[data-alsobought]')) host.setAttribute('data-alsobought-state', 'error');
}
