// `data-cart-api="shopify"`: "Add to cart" through Shopify's Ajax Cart API, on the
// store's own domain with the shopper's cart cookie (no token, no app proxy).
//   POST {root}cart/add.js  {items: [{id: <variant id>, quantity}]}  -> {items: [...]}
//   GET  {root}products/<handle>.js  -> {handle, variants: [{id, sku, available}, ...]}
//   GET  {root}cart.js  -> {items: [{variant_id, product_id, sku, handle, quantity}, ...]}
// Errors are `{status, message, description}` (422 sold out or quantity limits, 404, 429).
// https://shopify.dev/docs/api/ajax/reference/cart, .../reference/product
// {root} is `Shopify.routes.root`: "/" or a market's locale prefix such as "/fr/".

import { CartFailure, request, watchCart } from './alsobought-cart.js';

const root = () => globalThis.Shopify?.routes?.root ?? '/';
const explain = (data) => data.description || data.message || null;

/** Per page: a product's `.js` answer by handle, asked once however often it is added. */
const products = new Map();

/** The handle in a product URL (`/products/<handle>`), else the id taken as one. */
const handleOf = (product) => decodeURIComponent(/\/products\/([^/?#.]+)/.exec(product.url ?? '')?.[1] ?? product.id).toLowerCase();

/**
 * The variant id to add for a table's product: the id itself when it is a variant id
 * (digits), else the variant of its product page whose SKU it is, or the product's
 * first variant for sale when the id is the handle.
 */
async function variantOf(host, product) {
  if (/^\d+$/.test(product.id)) return Number(product.id);
  const handle = handleOf(product);
  if (!products.has(handle)) {
    const url = `${root()}products/${encodeURIComponent(handle)}.js`;
    const read = request(host, url, { explain }).then(({ data }) => data);
    read.catch(() => products.delete(handle)); // a failure is asked again next time
    products.set(handle, read);
  }
  let found;
  try {
    found = await products.get(handle);
  } catch (error) {
    if (/answered 404/.test(error.detail)) {
      throw new CartFailure('it is no longer sold in this shop', `${product.id}: no product with handle "${handle}" (deleted or unpublished since the table was built)`);
    }
    throw error;
  }
  const variants = found.variants ?? [];
  const variant = variants.find((candidate) => candidate.sku === product.id) ??
    (handle === product.id.toLowerCase() ? variants.find((candidate) => candidate.available) ?? variants[0] : undefined);
  if (!variant) {
    throw new CartFailure('it is no longer sold in this shop', `${product.id}: no variant with that SKU in /products/${handle}.js`);
  }
  return variant.id;
}

/** Adds one of each of `products`; resolves to Shopify's answer (the lines added). */
export async function add(host, chosen) {
  const items = await Promise.all(chosen.map(async (product) => ({ id: await variantOf(host, product), quantity: 1 })));
  const { data } = await request(host, `${root()}cart/add.js`, { method: 'POST', body: { items }, explain });
  return data;
}

/** The cart as the table names products: each line's SKU, else its product's handle. */
async function readCart(host) {
  const { data } = await request(host, `${root()}cart.js`, { explain });
  return (data.items ?? []).map((line) => line.sku || line.handle).filter(Boolean);
}

/**
 * Keeps a `data-cart="auto"` host's cart current. Shopify has no page-wide cart event;
 * `cart:refresh` and `cart:updated` on `document` are what many themes and cart apps
 * dispatch after changing the cart, so a theme that does not can dispatch one.
 */
export function watch(host) {
  return watchCart(host, () => readCart(host), ['cart:refresh', 'cart:updated']);
}
