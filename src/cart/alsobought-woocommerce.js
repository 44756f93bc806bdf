// `data-cart-api="woocommerce"`: "Add to cart" through the WooCommerce Store API, on the
// store's own domain with the shopper's session cookie.
//   POST {rest}wc/store/v1/cart/add-item  {id, quantity}, header `Nonce`  -> the cart (201)
//   GET  {rest}wc/store/v1/cart  -> {items: [{id, sku, quantity}, ...]}, header `Nonce`
//   GET  {rest}wc/store/v1/products?sku=<sku>,<sku>  -> [{id, sku}, ...] (when suggestions show)
// Errors are `{code, message, data: {status}}`: 401 woocommerce_rest_missing_nonce,
// 403 woocommerce_rest_invalid_nonce, 400 woocommerce_rest_product_out_of_stock, ...
// https://developer.woocommerce.com/docs/apis/store-api/ (cart, nonce tokens, products)
// {rest} is the site's REST root from WordPress's `<link rel="https://api.w.org/">`.
// Without the Store API (WooCommerce before 5.x: 404 rest_no_route) the classic
// `?add-to-cart=<id>` link is requested instead.

import { CartFailure, READY, plainText, request, watchCart } from './alsobought-cart.js';

const rest = () => document.querySelector('link[rel="https://api.w.org/"]')?.href ?? `${location.origin}/wp-json/`;
const store = (path) => `${rest()}wc/store/v1/${path}`;
const explain = (data) => (data.message ? plainText(data.message) : null);

/** The Store API nonce: the snippet's `data-cart-nonce`, then each answer's `Nonce` header. */
let nonce = null;
const remember = (response) => {
  nonce = response.headers.get('Nonce') ?? nonce;
};

/** Per page: product ids by SKU (promises), looked up once. */
const productIds = new Map();

const isProductId = (id) => /^\d+$/.test(id);

/**
 * Looks up, in one Store API request, the product ids of those of `products` the table
 * names by SKU and that are not known yet. Called when suggestions show, so the shopper's
 * first "Add to cart" costs one round trip (the add), not two; a failed lookup is
 * forgotten, and the add looks the SKU up again (and then says why it fails).
 */
function lookUp(host, products) {
  const skus = [...new Set(products.map((product) => product.id))].filter((id) => !isProductId(id) && !productIds.has(id));
  if (skus.length === 0) return;
  const query = `products?sku=${skus.map(encodeURIComponent).join(',')}&per_page=100`;
  const found = request(host, store(query), { explain }).then(({ data }) => (Array.isArray(data) ? data : []));
  for (const sku of skus) {
    const id = found.then((data) => {
      const match = data.find((candidate) => candidate.sku === sku);
      if (!match) {
        throw new CartFailure('it is no longer sold in this shop', `${sku}: no product with that SKU in the Store API (deleted or unpublished since the table was built)`);
      }
      return match.id;
    });
    id.catch(() => productIds.delete(sku));
    productIds.set(sku, id);
  }
}

/** The product id to add for a table's product: the id itself when it is digits, else by SKU. */
async function productIdOf(host, product) {
  if (isProductId(product.id)) return Number(product.id);
  lookUp(host, [product]);
  return productIds.get(product.id);
}

async function addItem(host, id) {
  const post = () => request(host, store('cart/add-item'), {
    method: 'POST',
    body: { id, quantity: 1 },
    headers: nonce ? { Nonce: nonce } : {},
    explain,
  });
  try {
    const answer = await post();
    remember(answer.response);
    return answer.data;
  } catch (error) {
    // A page served from a cache carries yesterday's nonce: fetch a fresh one, once.
    if (!/answered 40[13]: .*nonce/i.test(error.detail ?? '')) throw error;
    remember((await request(host, store('cart'), { explain })).response);
    const answer = await post();
    remember(answer.response);
    return answer.data;
  }
}

/** Without the Store API: the classic link WooCommerce handles on any page. */
async function addClassic(id) {
  const response = await fetch(`${location.origin}/?add-to-cart=${id}`, { credentials: 'same-origin' });
  if (!response.ok) throw new CartFailure('the shop’s cart refused it', `/?add-to-cart=${id} answered ${response.status}`);
  return { classic: true, id };
}

/** Adds one of each of `products` in turn; resolves to the cart after the last. */
export async function add(host, chosen) {
  nonce ||= host.getAttribute('data-cart-nonce');
  let cart;
  for (const product of chosen) {
    const id = await productIdOf(host, product);
    try {
      cart = await addItem(host, id);
    } catch (error) {
      if (!/answered 404/.test(error.detail ?? '')) throw error;
      cart = await addClassic(id);
    }
  }
  return cart;
}

/** The cart as the table names products: each line's SKU, else its product id. */
async function readCart(host) {
  const { response, data } = await request(host, store('cart'), { explain });
  remember(response);
  return (data.items ?? []).map((line) => line.sku || String(line.id));
}

/**
 * Keeps a `data-cart="auto"` host's cart current, also when WooCommerce's own blocks
 * and classic buttons change it (`wc-blocks_added_to_cart`, `wc-blocks_removed_from_cart`:
 * the DOM events WooCommerce dispatches for its jQuery `added_to_cart`).
 */
export function watch(host) {
  nonce ||= host.getAttribute('data-cart-nonce');
  host.addEventListener(READY, (event) => lookUp(host, event.detail?.products ?? []));
  return watchCart(host, () => readCart(host), ['wc-blocks_added_to_cart', 'wc-blocks_removed_from_cart']);
}
