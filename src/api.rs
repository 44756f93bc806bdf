//! The module's JavaScript interface: mounting on load, `mount`, `updateCart`,
//! `unmount`, `refresh` for single-page apps, and `trackPurchase` for the store's
//! thank-you page (docs/events.md section 5).
//!
//! Loading the module (`<script type="module" src=".../alsobought.js">`) mounts every
//! `[data-alsobought]` element and renders after every script tag that carries the
//! data attributes itself. `import.meta` and `document.currentScript` are not
//! available to wasm (and `currentScript` is `null` for modules anyway), so such
//! scripts are found by `script[data-table]` whose `src` ends in `alsobought.js`.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::HtmlElement;

#[cfg(feature = "measurement")]
use crate::measurement::{identity, purchase};
use crate::mount;
use crate::settings::page::parse_cart;

/// Runs when the module is instantiated: mounts the page now, or once it is parsed.
#[wasm_bindgen(start)]
pub fn start() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if document.ready_state() == "loading" {
        // A `fn()` like the beacon's callbacks: one `Closure` conversion for all.
        let on_ready = Closure::once_into_js(mount::mount_page as fn());
        let _ =
            document.add_event_listener_with_callback("DOMContentLoaded", on_ready.unchecked_ref());
    } else {
        mount::mount_page();
    }
}

/// `mount(element, options?)`: mounts a widget on `element`, configured by `options`
/// (keys as the data attributes in camelCase) or, without options, by the element's
/// data attributes. Mounting an element again replaces its widget. A single-page app's
/// navigation: it starts a new page view, in which the table is checked again.
#[wasm_bindgen]
pub fn mount(element: HtmlElement, options: JsValue) {
    #[cfg(feature = "measurement")]
    identity::start_page_view();
    mount::start_page_view();
    if options.is_undefined() || options.is_null() {
        mount::mount_from_attributes(element.clone(), element.into(), false);
    } else {
        mount::mount_from_options(element, &options);
    }
}

/// `updateCart(element, ids)`: new cart (array of ids, or a comma-separated string)
/// for the widget on `element`; it reloads its suggestions.
#[wasm_bindgen(js_name = updateCart)]
pub fn update_cart(element: HtmlElement, ids: JsValue) {
    mount::update_cart(&element, parse_cart(ids));
}

/// `unmount(element)`: removes the widget on `element` with all its listeners.
#[wasm_bindgen]
pub fn unmount(element: HtmlElement) {
    mount::unmount(&element);
}

/// `refresh()`: re-reads every widget's attributes and reloads it, and mounts
/// `[data-alsobought]` elements added since. It starts a new page view.
#[wasm_bindgen]
pub fn refresh() {
    #[cfg(feature = "measurement")]
    identity::start_page_view();
    mount::start_page_view();
    mount::refresh_page();
}

/// `trackPurchase({ orderId, items, currency, value?, beacon? })`: records the order as
/// a `purchase` event with the part credited to the widget, and returns the event
/// object (`null` when nothing was recorded: tracking off, an order already recorded,
/// or bad arguments, which are warned about in the console). A build without the
/// `measurement` feature does not export it, so importing it fails at load.
#[cfg(feature = "measurement")]
#[wasm_bindgen(js_name = trackPurchase)]
pub fn track_purchase(options: JsValue) -> JsValue {
    purchase::track_purchase(&options)
}
