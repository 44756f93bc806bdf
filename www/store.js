// Northwind Goods' own script: a small cart in localStorage, the home page grid, the
// checkout page, and the handling of the widget's events.
//
// Why it exists: it shows how a real store wires alsobought in. The store listens for
// the widget's cancelable `alsobought:add-to-cart` event, calls preventDefault() (so the
// widget does not navigate to the product page) and adds the products to its own cart;
// on checkout it keeps the widget's cart in step with `updateCart`.
//
// Load it with <script type="module" blocking="render"> BEFORE the widget's script:
// module scripts run in document order, so the checkout's data-cart is filled in before
// the widget mounts, and `blocking="render"` lets the cart badge and the checkout lines
// appear in the first paint (no layout shift when they are filled in). Cart lines keep
// a snapshot of title and price, so the checkout renders without waiting for the
// catalog; the catalog refreshes them once it has loaded.

const CART_KEY = "northwind-cart";
const CATALOG_URL = "/www/generated/catalog.json";
const WIDGET_URL = "/alsobought/alsobought.js";
const FREE_DELIVERY_FROM_CENTS = 5000;
const DELIVERY_CENTS = 495;

const euros = new Intl.NumberFormat("en-IE", { style: "currency", currency: "EUR" });

// ---- Cart ------------------------------------------------------------------------

/**
 * The cart as [{ id, quantity, title?, price_cents?, url? }] (the optional fields are a
 * snapshot taken when the product was added), tolerating anything malformed in storage.
 */
function readCart() {
  try {
    const parsed = JSON.parse(localStorage.getItem(CART_KEY) ?? "[]");
    if (!Array.isArray(parsed)) return [];
    return parsed
      .filter((line) => line && typeof line.id === "string" && Number.isInteger(line.quantity))
      .filter((line) => line.quantity > 0);
  } catch {
    return [];
  }
}

function writeCart(cart) {
  localStorage.setItem(CART_KEY, JSON.stringify(cart));
  cartChanged();
}

/**
 * Adds one unit of each product ({ id, title?, price_cents?, url? }); the other fields
 * refresh the line's snapshot.
 */
function addToCart(products) {
  const cart = readCart();
  for (const product of products) {
    const snapshot = Object.fromEntries(
      ["title", "price_cents", "url"].filter((key) => product[key] !== undefined).map((key) => [key, product[key]]),
    );
    const line = cart.find((entry) => entry.id === product.id);
    if (line) Object.assign(line, snapshot, { quantity: line.quantity + 1 });
    else cart.push({ id: product.id, quantity: 1, ...snapshot });
  }
  writeCart(cart);
  return cart;
}

function setQuantity(id, quantity) {
  const cart = readCart()
    .map((line) => (line.id === id ? { ...line, quantity } : line))
    .filter((line) => line.quantity > 0);
  writeCart(cart);
}

function cartIds(cart = readCart()) {
  return cart.map((line) => line.id);
}

function cartChanged() {
  showCartCount();
  if (checkout) renderCheckout();
}

function showCartCount() {
  const count = readCart().reduce((sum, line) => sum + line.quantity, 0);
  for (const badge of document.querySelectorAll("[data-cart-count]")) {
    badge.textContent = String(count);
  }
}

// ---- Catalog ---------------------------------------------------------------------

let catalogRequest = null;
/** The catalog once it has loaded (a Map id → product), else null. */
let loadedCatalog = null;

/** The catalog as a Map id → product, fetched once. */
function loadCatalog() {
  catalogRequest ??= fetch(CATALOG_URL)
    .then((response) => {
      if (!response.ok) {
        throw new Error(`${CATALOG_URL} answered ${response.status}: run \`make demo-data\` to generate the shop`);
      }
      return response.json();
    })
    .then((products) => (loadedCatalog = new Map(products.map((product) => [product.id, product]))));
  return catalogRequest;
}

function formatCents(cents) {
  return euros.format(cents / 100);
}

/** Builds an element: el("a", { href: "/", class: "x" }, "text", child). */
function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === false || value === null || value === undefined) continue;
    element.setAttribute(name, value === true ? "" : String(value));
  }
  element.append(...children);
  return element;
}

function showCatalogProblem(container, error) {
  console.warn(`Northwind Goods: ${error.message}`);
  container.replaceChildren(
    el("p", { class: "notice notice--warn" }, "The shop's catalog is not generated yet. Run ", el("code", {}, "make demo"), " and reload."),
  );
}

// ---- Toast -----------------------------------------------------------------------

const toast = el("div", { class: "toast", role: "status", "aria-live": "polite" });
let toastTimer = 0;

function announce(message) {
  toast.textContent = message;
  toast.classList.add("toast--visible");
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => toast.classList.remove("toast--visible"), 3200);
}

function announceAdded(titles) {
  announce(titles.length === 1 ? `Added “${titles[0]}” to your cart` : `Added ${titles.length} items to your cart`);
}

// ---- Add to cart: the store's own buttons and the widget's event -----------------

document.addEventListener("click", (event) => {
  const button = event.target instanceof Element ? event.target.closest("[data-add-to-cart]") : null;
  if (!button) return;
  const product = {
    id: button.getAttribute("data-add-to-cart"),
    title: button.getAttribute("data-title") ?? undefined,
    price_cents: button.hasAttribute("data-price-cents") ? Number(button.getAttribute("data-price-cents")) : undefined,
  };
  addToCart([product]);
  announceAdded([product.title ?? product.id]);
});

// The widget dispatches a bubbling, composed, cancelable event on its host element.
// Cancelling it tells the widget the store handled the add (no navigation).
document.addEventListener("alsobought:add-to-cart", (event) => {
  const products = event.detail?.products ?? [];
  if (products.length === 0) return;
  event.preventDefault();
  addToCart(
    products.map((product) => ({
      id: product.id,
      title: product.title,
      // The widget's prices are amounts in the currency (24.99); the cart keeps cents.
      price_cents: typeof product.price === "number" ? Math.round(product.price * 100) : undefined,
      url: product.url,
    })),
  );
  announceAdded(products.map((product) => product.title));
});

// Another tab changed the cart.
window.addEventListener("storage", (event) => {
  if (event.key === CART_KEY) cartChanged();
});

// ---- Home page -------------------------------------------------------------------

async function renderHome(container) {
  let catalog;
  try {
    catalog = await loadCatalog();
  } catch (error) {
    showCatalogProblem(container, error);
    return;
  }
  const sections = new Map();
  for (const product of catalog.values()) {
    if (!sections.has(product.category)) sections.set(product.category, []);
    sections.get(product.category).push(product);
  }
  const fragment = document.createDocumentFragment();
  for (const [category, products] of sections) {
    const headingId = `${category}-heading`;
    const grid = el("ul", { class: "product-grid" }, ...products.map(productCard));
    fragment.append(
      el(
        "section",
        { class: "category-section", id: category, "aria-labelledby": headingId },
        el(
          "div",
          { class: "category-section__head" },
          el("h2", { id: headingId }, products[0].category_name),
          el("p", {}, `${products.length} products`),
        ),
        grid,
      ),
    );
  }
  container.replaceChildren(fragment);
  // The grid arrived after the browser tried to scroll to #category: scroll now.
  if (location.hash.length > 1) document.getElementById(location.hash.slice(1))?.scrollIntoView();
}

function productCard(product) {
  const rating =
    product.rating === null
      ? ""
      : el(
          "span",
          {},
          el("span", { class: "stars", "aria-hidden": "true" }, "★"),
          ` ${product.rating.toFixed(1)}`,
          el("span", { class: "visually-hidden" }, " out of 5 stars"),
        );
  return el(
    "li",
    { class: "product-card" },
    el("img", { src: product.image, alt: "", width: 400, height: 400, loading: "lazy", decoding: "async" }),
    el("a", { href: product.url }, product.title),
    el(
      "div",
      { class: "product-card__meta" },
      el("span", { class: "product-card__price" }, (product.price_from ? "from " : "") + formatCents(product.price_cents)),
      rating,
    ),
    product.available ? "" : el("span", { class: "badge" }, "Sold out"),
  );
}

// ---- Checkout --------------------------------------------------------------------

const checkout = document.querySelector("[data-checkout]");
const suggestions = document.querySelector("[data-checkout-suggestions]");
// True once the widget owns the suggestions element (auto-mounted or mount()ed).
let suggestionsMounted = false;

if (suggestions) {
  // Runs before the widget's module (document order): give it the cart to start from,
  // or keep it from mounting an empty cart.
  const ids = cartIds();
  if (ids.length > 0) {
    suggestions.setAttribute("data-cart", ids.join(","));
    suggestionsMounted = true;
  } else {
    suggestions.removeAttribute("data-alsobought");
  }
}

/** Keeps the widget's cart in step with the store's: updateCart, mount or unmount. */
async function syncSuggestions(ids) {
  if (!suggestions) return;
  const key = ids.join(",");
  if (suggestions.getAttribute("data-cart") === key && suggestionsMounted === ids.length > 0) return;
  suggestions.setAttribute("data-cart", key);
  let widget;
  try {
    widget = await import(WIDGET_URL);
  } catch (error) {
    console.warn(`Northwind Goods: cannot load the widget from ${WIDGET_URL} (run \`make widget\`): ${error}`);
    return;
  }
  if (ids.length === 0) {
    if (suggestionsMounted) widget.unmount(suggestions);
    suggestionsMounted = false;
  } else if (suggestionsMounted) {
    widget.updateCart(suggestions, ids);
  } else {
    suggestions.setAttribute("data-alsobought", "");
    widget.mount(suggestions);
    suggestionsMounted = true;
  }
}

/** Where the demo shop keeps a product's picture and page (the generator's layout). */
function imageFor(id) {
  return `/www/generated/images/${encodeURIComponent(id)}.svg`;
}
function urlFor(id) {
  return `/www/generated/products/${encodeURIComponent(id)}.html`;
}

/** Renders the cart now, from the catalog if loaded, else from the lines' snapshots. */
function renderCheckout() {
  const cart = readCart();
  const lines = checkout.querySelector("[data-cart-lines]");
  const empty = checkout.querySelector("[data-cart-empty]");
  const placeOrder = checkout.querySelector("[data-place-order]");
  syncSuggestions(cartIds(cart));
  empty.hidden = cart.length > 0;
  placeOrder.disabled = cart.length === 0;
  let subtotal = 0;
  const rows = cart.map((line) => {
    const known = loadedCatalog?.get(line.id);
    if (loadedCatalog && !known) {
      return el(
        "li",
        { class: "cart-line" },
        el("img", { src: imageFor(line.id), alt: "", width: 72, height: 72 }),
        el("span", { class: "cart-line__title" }, `${line.title ?? line.id} is no longer sold.`),
        el("div", { class: "cart-line__controls" }, el("button", { class: "link-button", type: "button", "data-remove": line.id }, "Remove")),
      );
    }
    const product = { title: line.id, url: urlFor(line.id), ...line, ...known };
    const lineTotal = (product.price_cents ?? 0) * line.quantity;
    subtotal += lineTotal;
    return el(
      "li",
      { class: "cart-line" },
      el("img", { src: imageFor(line.id), alt: "", width: 72, height: 72 }),
      el(
        "div",
        {},
        el("a", { class: "cart-line__title", href: product.url }, product.title),
        el("div", { class: "cart-line__unit" }, product.price_cents === undefined ? "Price on the product page" : `${formatCents(product.price_cents)} each`),
      ),
      el(
        "div",
        { class: "cart-line__controls" },
        el(
          "div",
          { class: "quantity" },
          el("button", { type: "button", "data-step": "-1", "data-id": line.id, "aria-label": `One fewer ${product.title}` }, "−"),
          el("output", { "aria-label": `Quantity of ${product.title}` }, String(line.quantity)),
          el("button", { type: "button", "data-step": "1", "data-id": line.id, "aria-label": `One more ${product.title}` }, "+"),
        ),
        el("button", { class: "link-button", type: "button", "data-remove": line.id, "aria-label": `Remove ${product.title}` }, "Remove"),
        el("span", { class: "cart-line__total" }, formatCents(lineTotal)),
      ),
    );
  });
  lines.replaceChildren(...rows);
  const delivery = subtotal === 0 || subtotal >= FREE_DELIVERY_FROM_CENTS ? 0 : DELIVERY_CENTS;
  checkout.querySelector("[data-subtotal]").textContent = formatCents(subtotal);
  checkout.querySelector("[data-delivery]").textContent = delivery === 0 ? "Free" : formatCents(delivery);
  checkout.querySelector("[data-total]").textContent = formatCents(subtotal + delivery);
}

if (checkout) {
  checkout.addEventListener("click", (event) => {
    const target = event.target instanceof Element ? event.target.closest("button") : null;
    if (!target) return;
    const id = target.getAttribute("data-id") ?? target.getAttribute("data-remove");
    const line = readCart().find((entry) => entry.id === id);
    if (target.hasAttribute("data-step") && line) {
      setQuantity(id, line.quantity + Number(target.getAttribute("data-step")));
    } else if (target.hasAttribute("data-remove")) {
      setQuantity(id, 0);
      announce("Removed from your cart");
    } else if (target.hasAttribute("data-place-order")) {
      writeCart([]);
      announce("Thank you! This is a demo store, so nothing was charged or shipped.");
    }
  });
}

// ---- Start -----------------------------------------------------------------------

document.body.append(toast);
showCartCount();
const homeGrid = document.querySelector("[data-home-grid]");
if (homeGrid) renderHome(homeGrid);
if (checkout) {
  renderCheckout();
  // Refresh titles and prices from the catalog (the snapshots may be old).
  loadCatalog().then(renderCheckout, (error) => showCatalogProblem(checkout.querySelector("[data-cart-lines]"), error));
}
