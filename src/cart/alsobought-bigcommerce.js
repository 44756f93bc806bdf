// `data-cart-api="bigcommerce"`: "Add to cart" through BigCommerce's Storefront Cart API,
// on the storefront's own domain with the shopper's session cookie (Stencil themes).
//   GET  /api/storefront/carts  -> [cart] or []
//   POST /api/storefront/carts  {lineItems: [{productId, quantity}]}  -> the new cart
//   POST /api/storefront/carts/{cartId}/items  {lineItems: [...]}  -> the cart
// A cart's `lineItems.physicalItems` / `digitalItems` list `{productId, variantId, sku, quantity}`.
// Errors are `{status, title, type}` (422 out of stock or quantity limits, 404 cart gone).
// https://developer.bigcommerce.com/docs/rest-storefront/carts (and .../carts/cart-items)
// The API takes product ids, so the table's ids must be BigCommerce product ids.

import { CartFailure, request, watchCart } from './alsobought-cart.js';

const CARTS = '/api/storefront/carts';
const explain = (data) => data.title || data.detail || null;

const productIdOf = (product) => {
  if (/^\d+$/.test(product.id)) return Number(product.id);
  throw new CartFailure('this shop cannot add it from here', `${product.id} is not a BigCommerce product id (digits): build the table from ids, not SKUs (docs/install/bigcommerce.md)`);
};

/** The shopper's cart, or null before anything was added. */
async function currentCart(host) {
  const { data } = await request(host, CARTS, { explain });
  return Array.isArray(data) && data.length > 0 ? data[0] : null;
}

/**
 * The id of the shopper's cart (null: none yet), read once per page, when the page
 * loads, so that an add is one request; each answer keeps it current.
 */
let cartId;
const knownCartId = (host) => {
  cartId ??= currentCart(host).then((cart) => cart?.id ?? null);
  cartId.catch(() => {
    cartId = undefined; // asked again on the next add
  });
  return cartId;
};

/** Adds one of each of `products`: to the cart, or by creating it; resolves to the cart. */
export async function add(host, chosen) {
  const lineItems = chosen.map((product) => ({ productId: productIdOf(product), quantity: 1 }));
  const post = (id) => request(host, id ? `${CARTS}/${encodeURIComponent(id)}/items` : CARTS, { method: 'POST', body: { lineItems }, explain });
  const id = await knownCartId(host);
  let answer;
  try {
    answer = await post(id);
  } catch (error) {
    // The cart expired or was checked out since the page loaded: start a new one.
    if (!id || !/answered 404/.test(error.detail ?? '')) throw error;
    answer = await post(null);
  }
  cartId = Promise.resolve(answer.data.id);
  return answer.data;
}

/** The cart as the table names products: product ids. */
async function readCart(host) {
  const cart = await currentCart(host);
  cartId = Promise.resolve(cart?.id ?? null);
  const lines = [...(cart?.lineItems?.physicalItems ?? []), ...(cart?.lineItems?.digitalItems ?? [])];
  return lines.map((line) => String(line.productId));
}

/**
 * Keeps a `data-cart="auto"` host's cart current (which also learns the cart's id), or
 * learns the cart's id ahead of the first add: one request either way, so a first visit
 * never gets two session cookies from two answers at once.
 */
export function watch(host) {
  const reading = watchCart(host, () => readCart(host));
  if (!reading) knownCartId(host).catch(() => {}); // an add asks again and reports a failure
  return reading;
}
