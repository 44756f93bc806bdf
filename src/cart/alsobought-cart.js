// What every cart adapter shares, loaded only on pages that add to a cart through the
// widget (`data-cart-api`, or a store's own `detail.respondWith`): the pending, added
// and failed states inside the widget, the platform requests (timeout, answers that are
// not JSON, 5xx), and keeping a `data-cart="auto"` widget's cart in step.
//
// Why here and not in the wasm: every shopper downloads the wasm, while only stores on
// a platform use these; scripts/build-widget.sh minifies this file beside alsobought.js
// and src/startup.js imports it on the first add-to-cart (docs/install/README.md).

const ADDED = '@EVENT_ADDED@';
/** Dispatched on a host when its suggestions are on screen (src/events.rs). */
export const READY = '@EVENT_READY@';
/** How long a platform request may take before the shopper is told (`data-cart-timeout`). */
const DEFAULT_TIMEOUT_MS = 10000;

/**
 * A failed add, worded for the shopper (`shopperMessage`, shown in the widget) and for
 * the console (`detail`). A store's own `respondWith` promise may reject with any error
 * that has a `shopperMessage` (docs/events.md 3.5); others show a generic wording.
 */
export class CartFailure extends Error {
  constructor(shopperMessage, detail = shopperMessage) {
    super(shopperMessage);
    this.shopperMessage = shopperMessage;
    this.detail = detail;
  }
}

const STYLE = `.ab-cart-status{margin:.5em 0 0;min-height:1.4em;font:inherit;color:var(--alsobought-text,inherit)}
.ab-cart-status[data-state=failed]{color:#b00020}
[aria-busy=true]{cursor:progress;opacity:.6}
[data-cart-state=added]::after{content:" \\2713"}`;

let sheet;

/**
 * The widget's `p.ab-cart-status[role=status]`, created after its view the first time,
 * styled by a constructed sheet (a `<style>` element would need CSP's 'unsafe-inline';
 * a re-render resets the widget's sheets, so it is adopted again when missing).
 */
function statusOf(root) {
  if (!sheet) {
    sheet = new CSSStyleSheet();
    sheet.replaceSync(STYLE);
  }
  if (!root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  let status = root.querySelector('.ab-cart-status');
  if (!status) {
    status = document.createElement('p');
    status.className = 'ab-cart-status';
    status.setAttribute('role', 'status');
    status.setAttribute('aria-live', 'polite');
    root.append(status);
  }
  return status;
}

/** The button the shopper pressed: "Add all" in a bundle, else the card's at `index`. */
function buttonOf(root, products) {
  return root.querySelector('.ab-add-all') ?? root.querySelectorAll('.ab-add')[products[0]?.index];
}

const named = (products) => (products.length === 1 ? `“${products[0].title}”` : `${products.length} products`);

/**
 * Shows the add of `detail.products` on `host` while `answer` (a promise) settles:
 * the button busy, then "Added …" or the failure in the widget's status line, the
 * failure once in the console, and `alsobought:added` with the answer on success.
 */
export async function respond(host, detail, answer) {
  const root = host.shadowRoot;
  const products = detail.products ?? [];
  const status = statusOf(root);
  const button = buttonOf(root, products);
  const wasDisabled = button?.disabled;
  button?.setAttribute('aria-busy', 'true');
  button?.removeAttribute('data-cart-state');
  if (button) button.disabled = true;
  status.removeAttribute('data-state');
  status.textContent = `Adding ${named(products)} to your cart…`;
  try {
    const value = await answer;
    status.textContent = `Added ${named(products)} to your cart.`;
    button?.setAttribute('data-cart-state', 'added');
    host.dispatchEvent(new CustomEvent(ADDED, { bubbles: true, composed: true, detail: { products, answer: value } }));
    return value;
  } catch (error) {
    const message = error?.shopperMessage ?? 'the shop’s cart could not be reached; please try again';
    status.setAttribute('data-state', 'failed');
    status.textContent = `Could not add ${named(products)}: ${message}`;
    button?.setAttribute('data-cart-state', 'failed');
    console.warn(`alsobought: adding ${products.map((product) => product.id).join(', ')} to the cart failed: ${error?.detail ?? error}`);
    return undefined;
  } finally {
    button?.removeAttribute('aria-busy');
    if (button) button.disabled = wasDisabled;
  }
}

const PLATFORMS = ['shopify', 'woocommerce', 'bigcommerce'];

/** The adapter module `host`'s `data-cart-api` names (alsobought-<platform>.js beside this one). */
function adapterOf(host) {
  const api = host.getAttribute('data-cart-api')?.trim() ?? '';
  if (!PLATFORMS.includes(api)) {
    return Promise.reject(new CartFailure('this shop’s cart is not set up for it', `data-cart-api="${api}" is not one of ${PLATFORMS.join(', ')}`));
  }
  return import(`./alsobought-${api}.js`);
}

/** Adds `products` to the cart of `host`'s platform; resolves to the platform's answer. */
export async function add(host, products) {
  return (await adapterOf(host)).add(host, products);
}

/**
 * Loads `host`'s adapter and, for `data-cart="auto"`, reads the platform's cart into
 * data-cart (src/startup.js waits for it before mounting); never rejects.
 */
export async function watch(host) {
  try {
    await (await adapterOf(host)).watch(host);
  } catch (error) {
    console.warn(`alsobought: ${error?.detail ?? error}`);
  }
}

/** `data-cart-timeout` on `host` (milliseconds), else ten seconds. */
function timeoutOf(host) {
  const value = Number(host.getAttribute('data-cart-timeout'));
  return Number.isInteger(value) && value > 0 ? value : DEFAULT_TIMEOUT_MS;
}

/**
 * One platform request, same origin with the shopper's cookies: resolves to
 * `{ response, data }` with the parsed JSON; rejects with a [`CartFailure`] on a
 * timeout, a network failure, an answer that is not JSON, or a status outside 2xx
 * (worded by `explain(data, response)`, the platform's error shape, when it has one).
 */
export async function request(host, url, { method = 'GET', body, headers = {}, explain = () => null } = {}) {
  const timeout = timeoutOf(host);
  let response;
  try {
    response = await fetch(url, {
      method,
      credentials: 'same-origin',
      headers: { Accept: 'application/json', ...(body === undefined ? {} : { 'Content-Type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(timeout),
    });
  } catch (error) {
    if (error?.name === 'TimeoutError') {
      throw new CartFailure('the shop’s cart did not answer in time; please try again', `${method} ${url} took longer than ${timeout} ms (data-cart-timeout)`);
    }
    throw new CartFailure('the shop’s cart could not be reached; check your connection and try again', `${method} ${url}: ${error}`);
  }
  const type = response.headers.get('Content-Type') ?? '';
  let data = null;
  if (/\bjson\b/i.test(type)) {
    try {
      data = await response.json();
    } catch (error) {
      throw new CartFailure('the shop’s cart gave an answer that could not be read', `${method} ${url} answered ${response.status} with broken JSON: ${error}`);
    }
  }
  if (!response.ok) {
    const said = data && explain(data, response);
    const wording = said ?? (response.status >= 500 ? 'the shop’s cart has a problem right now; please try again' : 'the shop’s cart refused it');
    throw new CartFailure(wording, `${method} ${url} answered ${response.status}${said ? `: ${said}` : ` (${type || 'no content type'})`}`);
  }
  if (data === null) {
    throw new CartFailure('the shop’s cart gave an answer that could not be read', `${method} ${url} answered ${response.status} with ${type || 'no content type'} instead of JSON (a login, maintenance or error page?)`);
  }
  return { response, data };
}

/** Platform messages may carry HTML entities (`&quot;`); the shopper sees text. */
export function plainText(html) {
  return new DOMParser().parseFromString(String(html), 'text/html').body.textContent.trim();
}

const watched = new WeakSet();

/**
 * Keeps the cart of a `data-cart="auto"` widget on `host` in step with the platform:
 * `readCart()` resolves to the ids in the cart; read now (before the widget mounts,
 * src/startup.js waits for it), after each add through any widget, on `events` of the
 * platform on `document`, and when the page is shown again (back/forward, another tab).
 * Other hosts are left alone.
 */
export function watchCart(host, readCart, events = []) {
  if (!/^\s*auto\s*$/i.test(host.getAttribute('data-cart') ?? '') || watched.has(host)) return undefined;
  watched.add(host);
  let mounted = false;
  const sync = async () => {
    let ids;
    try {
      ids = await readCart();
    } catch (error) {
      console.warn(`alsobought: reading the cart for data-cart="auto" failed: ${error?.detail ?? error}`);
      ids = [];
    }
    host.setAttribute('data-cart', ids.join(','));
    if (!mounted) {
      // An empty cart has nothing to suggest from: the widget waits unmounted (no
      // reserved space, no "no product given" error) until something is added.
      if (ids.length === 0) host.removeAttribute('data-alsobought');
      return;
    }
    // Resolves once the module has started (its top-level await), hosts mounted.
    const widget = await import('./alsobought.js');
    if (host.hasAttribute('data-alsobought')) widget.updateCart(host, ids);
    else if (ids.length > 0) {
      host.setAttribute('data-alsobought', '');
      widget.mount(host);
    }
  };
  const again = () => sync();
  document.addEventListener(ADDED, again); // any widget's add on the page changes the cart
  for (const name of events) document.addEventListener(name, again);
  addEventListener('pageshow', (event) => event.persisted && again());
  document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && again());
  return sync().then(() => {
    mounted = true;
  });
}
