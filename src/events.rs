//! The DOM events a store listens to: bubbling, composed `CustomEvent`s dispatched
//! on the host element, with the products concerned in `detail.products`
//! (`{id, title, price, currency, url, index}`).
//!
//! [`Listener`] is what happens to a mounted widget, as typed calls: the mount and the
//! components make them, and [`Announcer`] turns each into its DOM event, whatever the
//! build contains. Measurement plugs in as the announcer's [`Measure`]: it adds its
//! fields to an event's detail and does its own work (a build without the
//! `measurement` feature plugs in `()`), and neither side names the other.
//!
//! The detail objects are built with `js_sys::Reflect` rather than serde: six keys
//! per product do not justify a serializer in every shopper's download.

use core::cell::Cell;

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element, EventTarget};

use crate::product::ProductView;
use crate::settings::WidgetConfig;
use alsobought_core::events::EventKind;

/// `alsobought:ready`: the suggestions are rendered.
pub const READY: &str = "alsobought:ready";
/// `alsobought:impression`: at least half of the widget was visible (once per mount).
pub const IMPRESSION: &str = "alsobought:impression";
/// `alsobought:click`: a suggestion's link was followed.
pub const CLICK: &str = "alsobought:click";
/// `alsobought:add-to-cart`: cancelable; when not prevented the product URL opens.
pub const ADD_TO_CART: &str = "alsobought:add-to-cart";
/// `alsobought:added`: a cart adapter or `detail.respondWith` put the products in the
/// cart; `detail.answer` is the platform's answer. Dispatched by src/cart/alsobought-cart.js,
/// where scripts/build-widget.sh writes this name in.
pub const ADDED: &str = "alsobought:added";
/// `alsobought:error`: nothing is shown; `detail.message` says why.
pub const ERROR: &str = "alsobought:error";
/// `alsobought:exposure`: the widget mounted inside an experiment (docs/events.md).
pub const EXPOSURE: &str = "alsobought:exposure";
/// `alsobought:purchase`, on `document`: `trackPurchase` recorded an order.
pub const PURCHASE: &str = "alsobought:purchase";

/// A product with its position in the widget, as events report it.
#[derive(Clone, Copy)]
pub struct ShownProduct<'a> {
    /// Position in the list shown, from 0.
    pub index: usize,
    /// The product.
    pub product: &'a ProductView,
}

/// Hears what happens to a mounted widget on `host`, configured by `config`.
pub trait Listener {
    /// The widget mounted (inside an experiment, measurement records the exposure).
    fn exposure(&self, host: &Element, config: &WidgetConfig);
    /// The suggestions are rendered; `shown` are the products on screen.
    fn ready(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]);
    /// At least half of the widget became visible; the last `suggestions` of `shown`
    /// are the suggestions (a bundle shows its product first).
    fn impression(
        &self,
        host: &Element,
        config: &WidgetConfig,
        suggestions: usize,
        shown: &[ShownProduct<'_>],
    );
    /// A suggestion's link was followed.
    fn click(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]);
    /// The shopper asked to add `products`; returns whether no listener of the DOM
    /// event prevented it, in which case the caller opens `navigate_to`.
    fn add_to_cart(
        &self,
        host: &Element,
        config: &WidgetConfig,
        products: &[ShownProduct<'_>],
        navigate_to: Option<&str>,
    ) -> bool;
}

/// What measurement adds to a widget's DOM events and does besides them.
pub trait Measure {
    /// Whether the widget must show nothing (a holdout variant).
    fn is_holdout(&self) -> bool;
    /// The widget mounted.
    fn mounted(&self, host: &Element, config: &WidgetConfig);
    /// The DOM event of `kind` (`None`: `alsobought:ready`, which records nothing) about
    /// `items` is about to be dispatched with `detail`: adds measurement's fields to
    /// `detail` and returns what to do once it was, told whether it was not prevented.
    fn record<'a>(
        &'a self,
        kind: Option<EventKind>,
        config: &'a WidgetConfig,
        items: &[ShownProduct<'a>],
        detail: &Object,
    ) -> impl FnOnce(bool) + 'a;
}

/// A build without measurement: no experiment and no event object, so the detail's
/// `experiment`, `variant` and `event` are `null`, as with tracking off.
#[cfg(not(feature = "measurement"))]
impl Measure for () {
    fn is_holdout(&self) -> bool {
        false
    }

    fn mounted(&self, _host: &Element, _config: &WidgetConfig) {}

    fn record<'a>(
        &'a self,
        _kind: Option<EventKind>,
        _config: &'a WidgetConfig,
        _items: &[ShownProduct<'a>],
        detail: &Object,
    ) -> impl FnOnce(bool) + 'a {
        for key in ["experiment", "variant", "event"] {
            set(detail, key, JsValue::NULL);
        }
        |_not_prevented| {}
    }
}

/// The [`Listener`] of a mounted widget: every call dispatches its DOM event, with
/// `measure` told about it. It lives from `mount` to `unmount` (a cart update
/// re-renders under the same announcer), which is what "at most one impression per
/// page view per list" needs.
pub struct Announcer<M> {
    measure: M,
    impressed: Cell<bool>,
}

impl<M: Measure> Announcer<M> {
    /// The announcer of a widget measured by `measure`.
    pub fn new(measure: M) -> Self {
        Announcer {
            measure,
            impressed: Cell::new(false),
        }
    }

    /// Whether the widget must show nothing (a holdout variant).
    pub fn is_holdout(&self) -> bool {
        self.measure.is_holdout()
    }

    /// Dispatches `name` about `shown` on `host`, recorded by measurement as `kind`
    /// about `items`; returns whether it was not prevented.
    #[allow(clippy::too_many_arguments)]
    fn announce(
        &self,
        host: &Element,
        name: &str,
        kind: Option<EventKind>,
        config: &WidgetConfig,
        shown: &[ShownProduct<'_>],
        items: &[ShownProduct<'_>],
        cancelable: bool,
    ) -> bool {
        let detail = products_detail(shown, config.currency.as_deref());
        let recorded = self.measure.record(kind, config, items, &detail);
        let not_prevented = dispatch(host, name, &detail, cancelable);
        recorded(not_prevented);
        not_prevented
    }
}

impl<M: Measure> Listener for Announcer<M> {
    fn exposure(&self, host: &Element, config: &WidgetConfig) {
        self.measure.mounted(host, config);
    }

    fn ready(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]) {
        self.announce(host, READY, None, config, shown, shown, false);
    }

    /// Once per mount; the recorded items are the suggestions among the products shown.
    fn impression(
        &self,
        host: &Element,
        config: &WidgetConfig,
        suggestions: usize,
        shown: &[ShownProduct<'_>],
    ) {
        if self.impressed.replace(true) {
            return;
        }
        let suggestions = shown
            .get(shown.len().saturating_sub(suggestions)..)
            .unwrap_or_default();
        let kind = Some(EventKind::Impression);
        self.announce(host, IMPRESSION, kind, config, shown, suggestions, false);
    }

    fn click(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]) {
        let kind = Some(EventKind::Click);
        self.announce(host, CLICK, kind, config, shown, shown, false);
    }

    /// A store that handles the event (`preventDefault()`) put the products in the
    /// cart; otherwise the caller sends the shopper to `navigate_to`, which is a click
    /// on that product.
    fn add_to_cart(
        &self,
        host: &Element,
        config: &WidgetConfig,
        products: &[ShownProduct<'_>],
        navigate_to: Option<&str>,
    ) -> bool {
        let kind = Some(EventKind::AddToCart);
        let not_prevented =
            self.announce(host, ADD_TO_CART, kind, config, products, products, true);
        if not_prevented {
            let opened = products
                .iter()
                .find(|shown| navigate_to.is_some() && shown.product.url.as_deref() == navigate_to);
            if let Some(opened) = opened {
                self.click(host, config, &[*opened]);
            }
        }
        not_prevented
    }
}

/// `{ products: [...] }` for the given products; `currency` fills in cards without one.
pub fn products_detail(products: &[ShownProduct<'_>], store_currency: Option<&str>) -> Object {
    let list = Array::new();
    for shown in products {
        let product = shown.product;
        let entry = Object::new();
        set(&entry, "id", product.id.as_str().into());
        set(&entry, "title", product.title.as_str().into());
        set(
            &entry,
            "price",
            product
                .price_amount()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL),
        );
        set(
            &entry,
            "currency",
            product
                .display_currency(store_currency)
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL),
        );
        set(
            &entry,
            "url",
            product
                .url
                .as_deref()
                .map(JsValue::from)
                .unwrap_or(JsValue::NULL),
        );
        set(&entry, "index", (shown.index as u32).into());
        list.push(&entry);
    }
    let detail = Object::new();
    set(&detail, "products", list.into());
    detail
}

/// `{ message }` for `alsobought:error`.
pub fn error_detail(message: &str) -> Object {
    let detail = Object::new();
    set(&detail, "message", message.into());
    detail
}

/// Dispatches `name` on `host`; returns `false` when a listener called `preventDefault()`.
pub fn dispatch(host: &EventTarget, name: &str, detail: &Object, cancelable: bool) -> bool {
    let init = CustomEventInit::new();
    init.set_bubbles(true);
    init.set_composed(true);
    init.set_cancelable(cancelable);
    init.set_detail(detail);
    match CustomEvent::new_with_event_init_dict(name, &init) {
        Ok(event) => host.dispatch_event(&event).unwrap_or(true),
        Err(_) => true,
    }
}

fn set(target: &Object, key: &str, value: JsValue) {
    // Reflect.set on a plain new object cannot fail.
    let _ = Reflect::set(target, &key.into(), &value);
}
