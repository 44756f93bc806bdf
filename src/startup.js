// The widget module's start-up code, appended to wasm-bindgen's glue by
// scripts/build-widget.sh (which fills in the @NAME@ placeholders from alsobought-core)
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

// First, each table's first read starts now,
// while the wasm downloads and compiles, instead of after: src/fetch_source.rs takes
// these requests (one per table URL, the same Range the widget asks for) in place of
// its own. Hosts in an experiment are left alone: a holdout visitor fetches nothing.
const firstReads = new Map();
for (const host of document.querySelectorAll('[data-alsobought][data-table]:not([data-experiment]),script[data-table]:not([data-experiment])')) {
  if (waitsToBeNear(host)) continue; // its widget reads when it comes near (lazy block above)
  const table = host.getAttribute('data-table').trim();
  const context = `${host.getAttribute('data-product') ?? ''}${host.getAttribute('data-cart') ?? ''}`.trim();
  if (table && context && !firstReads.has(table)) {
    const controller = new AbortController();
    const response = fetch(table, { headers: { Range: 'bytes=0-@LAST_BYTE_OF_FIRST_READ@' }, signal: controller.signal });
    response.catch(() => {}); // a failure is reported by the widget that takes it
    firstReads.set(table, { response, controller });
  }
}
globalThis.__alsoboughtFirstReads = firstReads;
// A page's first Intl.NumberFormat loads the browser's locale data: 15-60 ms of main
// thread in cold Chromium (measured), which would otherwise fall into the task that
// renders the cards (src/price_format.rs formats their prices). In a task of its own,
// while the wasm downloads, it costs the shopper nothing; any locale loads it for all.
if (firstReads.size > 0) setTimeout(() => new Intl.NumberFormat(), 0);
// Then instantiate, so the widget's start function mounts the page without further
// code, and importers get a ready API.
try {
  await __wbg_init();
  // For performance tools (and scripts/bench-widget.mjs): instantiated, hosts mounted.
  performance.mark('alsobought:started');
} catch (error) {
  console.error(`alsobought: the widget could not start (${error}); check that alsobought_bg.wasm is served next to alsobought.js with Content-Type application/wasm`);
  // alsobought.css reserves each host's height; give the space back.
  for (const host of document.querySelectorAll('[data-alsobought]')) host.setAttribute('data-alsobought-state', 'error');
}
