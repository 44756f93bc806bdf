//! The DOM events a store listens to: bubbling, composed `CustomEvent`s dispatched
//! on the host element, with the products concerned in `detail.products`
//! (`{id, title, price, currency, url, index}`).
//!
//! [`Listener`] is what happens to a mounted widget, as typed calls: the mount and the
//! components make them, measurement's tracker implements them (it dispatches these
//! DOM events and records its own), and neither side names the other.
//!
//! The detail objects are built with `js_sys::Reflect` rather than serde: six keys
//! per product do not justify a serializer in every shopper's download.

use js_sys::{Array, Object, Reflect};
use wasm_bindgen::JsValue;
use web_sys::{CustomEvent, CustomEventInit, Element, EventTarget};

use crate::product::ProductView;
use crate::settings::WidgetConfig;

/// `alsobought:ready`: the suggestions are rendered.
pub const READY: &str = "alsobought:ready";
/// `alsobought:impression`: at least half of the widget was visible (once per mount).
pub const IMPRESSION: &str = "alsobought:impression";
/// `alsobought:click`: a suggestion's link was followed.
pub const CLICK: &str = "alsobought:click";
/// `alsobought:add-to-cart`: cancelable; when not prevented the product URL opens.
pub const ADD_TO_CART: &str = "alsobought:add-to-cart";
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

/// Hears what happens to a mounted widget on `host`, configured by `config`; each call
/// dispatches its DOM event on `host`.
pub trait Listener {
    /// The widget mounted (inside an experiment: `alsobought:exposure`).
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
