//! The options object of the JS `mount(element, options)`, read into the same
//! settings the data attributes give, so both go through one validation
//! (`config::parse_config`).
//!
//! Keys mirror the attributes in camelCase (`maxSuggestions`); values may be strings,
//! numbers or (for `cart`/`exclude`) arrays of ids. Unknown keys are ignored, like
//! unknown attributes. Read with `Reflect.get` per key rather than serde-wasm-bindgen:
//! the serde route measured 6.0 KB (brotli) more (docs/widget-size.md)
//! for thirteen optional keys.

use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};

use crate::config::{id_list, Origin, RawValue};
use crate::measurement::settings::Configured;
use crate::measurement::sources::{configure, OptionsSource};

/// One value as the widget's settings see it: text, a number, or a list of ids.
pub(crate) fn raw_value(value: JsValue) -> Option<RawValue> {
    if value.is_undefined() || value.is_null() {
        return None;
    }
    if let Some(text) = value.as_string() {
        return Some(RawValue::Text(text));
    }
    if let Some(number) = value.as_f64() {
        return Some(RawValue::Number(number));
    }
    if Array::is_array(&value) {
        let ids = value
            .unchecked_ref::<Array>()
            .iter()
            .filter_map(|id| id.as_string())
            .collect();
        return Some(RawValue::List(ids));
    }
    // Booleans and objects: text the validation will reject with a warning.
    Some(RawValue::Text(
        value
            .as_bool()
            .map_or("[object]", |flag| if flag { "true" } else { "false" })
            .into(),
    ))
}

/// Validates a JS options object (with its experiment variant's settings applied);
/// `Err` is the console line for a fatal problem.
pub fn parse_options(options: JsValue) -> Result<Configured, String> {
    if !options.is_object() {
        return Err(String::from(
            "alsobought: mount() options must be an object such as { table, product }",
        ));
    }
    configure(&OptionsSource(&options)).map_err(|error| error.message(Origin::Options))
}

/// A cart given to `updateCart`: an array of ids or a comma-separated string.
pub fn parse_cart(ids: JsValue) -> Vec<String> {
    raw_value(ids).map(id_list).unwrap_or_default()
}
