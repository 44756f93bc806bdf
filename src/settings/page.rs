//! The browser's side of settings: the two places a widget's settings come from, as
//! [`SettingsSource`]s (the data attributes of the host or script tag, and the options
//! object of the JS `mount()`), the cart `updateCart` is given, and the variants the
//! page URL forces.
//!
//! Option keys mirror the attributes in camelCase (`maxSuggestions`); values may be
//! strings, numbers or (for `cart`/`exclude`) arrays of ids. Unknown keys are ignored,
//! like unknown attributes. Read with `Reflect.get` per key rather than
//! serde-wasm-bindgen: the serde route measured 6.0 KB (brotli) more
//! (docs/widget-size.md) for thirteen optional keys.

use js_sys::{Array, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, UrlSearchParams};

use super::source::{id_list, Origin, RawValue, Setting, SettingsSource, FORCE_PARAMETER};
use crate::json_text::concat;

/// `data-*` attributes: `data-<setting>` and `data-variant-<v>-<setting>`.
pub struct AttributeSource<'a>(pub &'a Element);

impl SettingsSource for AttributeSource<'_> {
    fn origin(&self) -> Origin {
        Origin::Attributes
    }

    fn plain(&self, setting: Setting) -> Option<RawValue> {
        self.0
            .get_attribute(&concat(&["data-", setting.attribute]))
            .map(RawValue::Text)
    }

    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
        self.0
            .get_attribute(&concat(&["data-variant-", variant, "-", setting.attribute]))
            .map(RawValue::Text)
    }
}

/// The JS options object: `{ maxSuggestions, variantSettings: { v: { layout } } }`.
pub struct OptionsSource<'a>(pub &'a JsValue);

impl SettingsSource for OptionsSource<'_> {
    fn origin(&self) -> Origin {
        Origin::Options
    }

    fn plain(&self, setting: Setting) -> Option<RawValue> {
        Reflect::get(self.0, &setting.option.into())
            .ok()
            .and_then(raw_value)
    }

    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
        let variants = Reflect::get(self.0, &"variantSettings".into()).ok()?;
        let settings = Reflect::get(&variants, &variant.into())
            .ok()
            .filter(JsValue::is_object)?;
        Reflect::get(&settings, &setting.option.into())
            .ok()
            .and_then(raw_value)
    }
}

/// One value as the widget's settings see it: text, a number, or a list of ids.
fn raw_value(value: JsValue) -> Option<RawValue> {
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

/// A cart given to `updateCart`: an array of ids or a comma-separated string.
pub fn parse_cart(ids: JsValue) -> Vec<String> {
    raw_value(ids).map(id_list).unwrap_or_default()
}

/// Every `alsobought_variant` value of the page URL's query, decoded
/// (`<experiment>:<variant>`).
pub fn forced_variants() -> Vec<String> {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    UrlSearchParams::new_with_str(&search)
        .map(|query| {
            query
                .get_all(FORCE_PARAMETER)
                .iter()
                .filter_map(|value| value.as_string())
                .collect()
        })
        .unwrap_or_default()
}
