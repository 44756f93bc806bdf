//! GA4 `dataLayer` pushes (docs/events.md section 6.2), only when the page already has
//! a `window.dataLayer` array: Google Tag Manager or gtag.js made it, and the widget
//! never creates it.
//!
//! The push goes through the array's own `push` method: GTM replaces it with the
//! function that processes the message, so `Array.prototype.push` would store the
//! object without GTM ever seeing it.

use js_sys::{Array, Function, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

/// Pushes the object `json` describes, preceded by `{ ecommerce: null }` when
/// `clear_ecommerce` (Google's practice, so the previous event's items do not leak
/// into this one).
pub fn push(json: &str, clear_ecommerce: bool) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(layer) = Reflect::get(&window, &"dataLayer".into()) else {
        return;
    };
    if !Array::is_array(&layer) {
        return;
    }
    let Some(push) = Reflect::get(&layer, &"push".into())
        .ok()
        .and_then(|push| push.dyn_into::<Function>().ok())
    else {
        return;
    };
    let mut messages = Vec::with_capacity(2);
    if clear_ecommerce {
        messages.push("{\"ecommerce\":null}");
    }
    messages.push(json);
    for message in messages {
        // A throwing GTM listener is the page's problem, not a reason to stop the widget.
        let object = JSON::parse(message).unwrap_or(JsValue::NULL);
        let _ = push.call1(&layer, &object);
    }
}
