// A single-page store written in strict TypeScript against the widget's declarations.
// Each `@ts-expect-error` is a misuse the declarations must reject: if they grew too
// loose (an `any`, a missing union), tsc reports the directive as unused and fails.
import {
  mount,
  refresh,
  trackPurchase,
  unmount,
  updateCart,
  type AlsoboughtEvent,
  type MountOptions,
  type ShownProduct,
} from '../../pkg/alsobought.js';

const host = document.createElement('div');
document.body.append(host);

mount(host); // configured by its data attributes
mount(host, { table: '/alsobought/store.table', product: 'SKU-1', maxSuggestions: 3, layout: 'bundle' });
mount(host, { table: '/alsobought/store.table', cart: ['SKU-1', 'SKU-7'], fallback: 'none', minScore: 0.2 });
mount(host, { table: '/alsobought/store.table', cart: 'SKU-1,SKU-7', exclude: ['SKU-9'], locale: 'de-DE', currency: 'EUR' });
const experiment: MountOptions = {
  table: '/alsobought/store.table',
  product: 'SKU-1',
  experiment: 'fbt-2026-11',
  variants: 'control:45,compact:45,holdout:10',
  variantSettings: { compact: { maxSuggestions: 2, layout: 'bundle' }, holdout: { holdout: true } },
  listId: 'pdp_fbt',
  listName: 'PDP bundle',
  beacon: 'https://collect.example.com/alsobought',
  tracking: 'on',
  timeout: 5000,
  maxPerCategory: 1,
  title: 'Goes well with',
};
mount(host, experiment);
// @ts-expect-error a table is required
mount(host, { product: 'SKU-1' });
// @ts-expect-error a product or a cart is required
mount(host, { table: '/alsobought/store.table' });
// @ts-expect-error the layouts are carousel and bundle
mount(host, { table: '/t.table', product: 'SKU-1', layout: 'grid' });
// @ts-expect-error maxSuggestions is a number
mount(host, { table: '/t.table', product: 'SKU-1', maxSuggestions: true });
// @ts-expect-error a variant may not change the table
mount(host, { table: '/t.table', product: 'SKU-1', variantSettings: { b: { table: '/other.table' } } });
// @ts-expect-error holdout: false would still be a holdout (present means yes)
mount(host, { table: '/t.table', product: 'SKU-1', variantSettings: { b: { holdout: false } } });

updateCart(host, ['SKU-1', 'SKU-7']);
updateCart(host, 'SKU-1,SKU-7');
// @ts-expect-error ids are strings
updateCart(host, [1, 2]);
unmount(host);
refresh();

const recorded: AlsoboughtEvent | null = trackPurchase({
  orderId: 1001,
  currency: 'EUR',
  items: [
    { item_id: 'SKU-123', item_name: 'Mug', price: 12.5, quantity: 2 },
    { id: 7, title: 'Teapot', price: 30 },
  ],
  value: 55,
});
if (recorded) console.log(recorded.attributed_value?.toFixed(2), recorded.attributed_items.join());
// @ts-expect-error a currency is required
trackPurchase({ orderId: '1001', items: [] });

document.addEventListener('alsobought:add-to-cart', (event) => {
  event.preventDefault();
  const ids: string[] = event.detail.products.map((product: ShownProduct) => product.id);
  console.log(ids, event.detail.variant, event.detail.event?.value);
});
host.addEventListener('alsobought:ready', (event) => console.log(event.detail.products.length));
window.addEventListener('alsobought:error', (event) => console.warn(event.detail.message));
document.addEventListener('alsobought:purchase', (event) => console.log(event.detail.event.order_id));
document.addEventListener('alsobought:impression', (event) => {
  // @ts-expect-error an event's products carry no score
  console.log(event.detail.products[0]?.score);
});
