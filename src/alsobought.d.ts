// TypeScript declarations of the widget's module, `pkg/alsobought.d.ts` beside
// `alsobought.js` (copied there by scripts/build-widget.sh; nothing a shopper downloads).
// Checked by src/settings/source.rs's tests (every setting is an option here, and nothing else)
// and by the end-to-end suite (`tsc --strict` on tests/types/usage.ts; the module's
// real exports in Chromium). The contract in prose: README.md and docs/events.md.
//
// Importing the module mounts every `[data-alsobought]` element of the page and renders
// after every script tag that carries the data attributes itself; the functions below
// are for single-page apps and the thank-you page.

/** Product ids: an array, or one comma-separated string as `data-cart` takes it. */
export type ProductIds = string | readonly string[];

/**
 * The widget's settings: the data attributes in camelCase (`data-max-suggestions` is
 * `maxSuggestions`), validated the same way. An invalid value is warned about in the
 * console, naming the option, and its default is used.
 */
export interface WidgetSettings {
  /** URL of the `.table` file (fetched with HTTP Range requests). */
  table?: string;
  /** The product on screen (a product page). */
  product?: string;
  /** The products in the cart (a checkout page); their suggestions are combined. */
  cart?: ProductIds;
  /** The cap: never more cards than this (default 4; above 12 is clamped). */
  maxSuggestions?: number;
  /** Hides suggestions scoring below this, 0 to 1 relative to the table's strongest pair (default 0). */
  minScore?: number;
  /** Ids never to suggest (the products in context never are). */
  exclude?: ProductIds;
  /** `carousel` (default), or `bundle`: checkboxes, a live total and one "Add all to cart" button. */
  layout?: 'carousel' | 'bundle';
  /** The heading, which also labels the region for screen readers (default "Frequently bought together"). */
  title?: string;
  /** The heading's element, to fit the page's outline (default `h2`); theme its look with `::part(title)`. */
  heading?: 'h2' | 'h3' | 'h4' | 'h5' | 'h6';
  /** BCP 47 locale for prices (default the browser's). */
  locale?: string;
  /** ISO 4217 code for products whose table record has no currency. */
  currency?: string;
  /** What fills the cap when the context has too few neighbours (default `bestsellers`). */
  fallback?: 'bestsellers' | 'none';
  /** At most this many suggestions from one category (default no limit). */
  maxPerCategory?: number;
  /** Milliseconds each table request may take before the widget gives up (default 8000). */
  timeout?: number;
  /**
   * `eager` (default): reads the table at once. `lazy`: reads it only when the element
   * comes within about a viewport's height of being visible; on a page whose every
   * widget is lazy, the wasm waits too (and so does this module's import).
   */
  loading?: 'eager' | 'lazy';
  /** `off`: no visitor id, nothing stored, pushed or sent (the shopper's consent; default `on`). */
  tracking?: 'on' | 'off';
  /** The experiment's name: 1 to 64 characters from `A-Z a-z 0-9 . _ -`. */
  experiment?: string;
  /** The variants and their weights, such as `control:45,compact:45,holdout:10`. */
  variants?: string;
  /** Which list the events are about (default `alsobought_product` or `alsobought_cart`). */
  listId?: string;
  /** The list's name in analytics (default the title). */
  listName?: string;
  /** The collector URL the events are sent to. */
  beacon?: string;
  /** Settings that apply in one variant only, by variant name. */
  variantSettings?: Readonly<Record<string, VariantSettings>>;
}

/** What a variant may change (docs/events.md section 4.1). */
export interface VariantSettings
  extends Pick<WidgetSettings, 'maxSuggestions' | 'minScore' | 'layout' | 'fallback' | 'maxPerCategory' | 'title'> {
  /** The variant is a holdout: it shows nothing. Present means yes, so only `true` is allowed. */
  holdout?: true;
}

/** `mount`'s options: a table, and a product or a cart. */
export type MountOptions = WidgetSettings & { table: string } & ({ product: string } | { cart: ProductIds });

/**
 * Mounts a widget on `element`, configured by `options` or, without them, by the
 * element's data attributes. Mounting an element again replaces its widget. Starts a
 * new page view (a single-page app's navigation).
 */
export function mount(element: HTMLElement, options?: MountOptions): void;

/** A new cart for the widget on `element`: it reloads its suggestions. */
export function updateCart(element: HTMLElement, ids: ProductIds): void;

/** Removes the widget on `element` with every listener it added. */
export function unmount(element: HTMLElement): void;

/**
 * Re-reads every widget's attributes and reloads it, and mounts the
 * `[data-alsobought]` elements added since. Starts a new page view.
 */
export function refresh(): void;

/** One line of an order, as GA4's `purchase` items (`id` and `title` are accepted too). */
export interface PurchaseItem {
  item_id?: string | number;
  id?: string | number;
  item_name?: string;
  title?: string;
  /** Unit price in `currency` units (12.5 is 12.50). */
  price?: number;
  /** Default 1. */
  quantity?: number;
  item_category?: string;
}

/** `trackPurchase`'s argument (docs/events.md section 5). */
export interface PurchaseOptions {
  orderId: string | number;
  items: readonly PurchaseItem[];
  /** ISO 4217 code of the prices and the value. */
  currency: string;
  /** The order's value (default Σ price × quantity of the items). */
  value?: number;
  /** The collector URL (default the `data-beacon` of a widget on the page). */
  beacon?: string;
  /** `off`: record nothing. */
  tracking?: 'on' | 'off';
}

/**
 * Records the order as a `purchase` event with the part credited to the widget, and
 * returns it; `null` when nothing was recorded (tracking off, an order already
 * recorded in this browser, or bad arguments, which are warned about in the console).
 * A widget built without measurement (`--no-default-features`) does not export it.
 */
export function trackPurchase(options: PurchaseOptions): AlsoboughtEvent | null;

/** An item of a measurement event (GA4's names: the same objects go into `dataLayer`). */
export interface EventItem {
  item_id: string;
  item_name: string;
  /** Position in the list shown, from 0; null for `purchase` items. */
  index: number | null;
  price: number | null;
  item_category: string | null;
  quantity: number;
}

/** A measurement event, schema version 1 (docs/events.md section 3). */
export interface AlsoboughtEvent {
  v: 1;
  type: 'exposure' | 'impression' | 'click' | 'add_to_cart' | 'purchase';
  /** Milliseconds since 1970-01-01 UTC (`Date.now()`). */
  ts: number;
  visitor_id: string;
  page_view_id: string;
  experiment: string | null;
  variant: string | null;
  holdout: boolean;
  forced: boolean;
  list_id: string | null;
  list_name: string | null;
  layout: 'carousel' | 'bundle' | null;
  context: string[];
  items: EventItem[];
  currency: string | null;
  value: number | null;
  order_id: string | null;
  attributed_value: number | null;
  attributed_items: string[];
}

/** A product as the DOM events report it. */
export interface ShownProduct {
  id: string;
  title: string;
  /** In `currency` units; null when the product has no price. */
  price: number | null;
  currency: string | null;
  url: string | null;
  /** Position in the widget, from 0. */
  index: number;
}

/** `detail` of the widget's events. */
export interface WidgetEventDetail {
  products: ShownProduct[];
  experiment: string | null;
  variant: string | null;
  /** The measurement event, when tracking is on. */
  event: AlsoboughtEvent | null;
}

/** `detail` of `alsobought:add-to-cart`. */
export interface AddToCartEventDetail extends WidgetEventDetail {
  /**
   * Hand the widget the promise of your own cart request, synchronously in the listener:
   * it calls `preventDefault()`, shows the button pending, then "Added …" (and dispatches
   * `alsobought:added` with the promise's value) or, when the promise rejects, the
   * error's `shopperMessage` (else a generic sentence) in its status line. A host with
   * `data-cart-api` (docs/install/) does this itself when no listener prevented the event.
   */
  respondWith(answer: Promise<unknown>): Promise<unknown>;
}

/** `detail` of `alsobought:added`. */
export interface AddedEventDetail {
  products: ShownProduct[];
  /** What the platform (or the promise given to `respondWith`) answered. */
  answer: unknown;
}

/**
 * The events, dispatched on the host element; they bubble and cross the shadow
 * boundary, so a listener on `document` hears every widget's.
 */
export interface AlsoboughtEventMap {
  /** The suggestions are rendered. */
  'alsobought:ready': CustomEvent<WidgetEventDetail>;
  /** At least half of the widget has been visible (once per page view). */
  'alsobought:impression': CustomEvent<WidgetEventDetail>;
  /** A suggestion's link was followed. */
  'alsobought:click': CustomEvent<WidgetEventDetail>;
  /** Cancelable: call `preventDefault()` (or `detail.respondWith`) and add the products to the cart yourself; otherwise a `data-cart-api` adapter adds them, or the product URL opens. */
  'alsobought:add-to-cart': CustomEvent<AddToCartEventDetail>;
  /** The products are in the cart (a `data-cart-api` adapter or `respondWith` added them). */
  'alsobought:added': CustomEvent<AddedEventDetail>;
  /** The widget mounted inside an experiment and the visitor's variant is known. */
  'alsobought:exposure': CustomEvent<WidgetEventDetail>;
  /** The table could not be used; nothing is rendered. */
  'alsobought:error': CustomEvent<{ message: string }>;
  /** `trackPurchase` recorded an order (on `document`). */
  'alsobought:purchase': CustomEvent<{ event: AlsoboughtEvent }>;
}

declare global {
  interface HTMLElementEventMap extends AlsoboughtEventMap {}
  interface DocumentEventMap extends AlsoboughtEventMap {}
  interface WindowEventMap extends AlsoboughtEventMap {}
}
