//! The options object of the JS `mount(element, options)`, read with
//! serde-wasm-bindgen into the same settings the data attributes give, so both go
//! through one validation (`config::parse_config`).
//!
//! Keys mirror the attributes in camelCase (`maxSuggestions`); values may be strings,
//! numbers or (for `cart`/`exclude`) arrays of ids. Unknown keys are ignored, like
//! unknown attributes.

use serde::de::{Deserializer, SeqAccess, Visitor};
use serde::Deserialize;
use wasm_bindgen::JsValue;

use crate::config::{parse_config, Origin, Parsed, RawValue, Setting};

/// One option's value: whatever JSON-like shape the caller passed.
struct LooseValue(RawValue);

impl<'de> Deserialize<'de> for LooseValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(LooseVisitor)
    }
}

struct LooseVisitor;

impl<'de> Visitor<'de> for LooseVisitor {
    type Value = LooseValue;

    fn expecting(&self, formatter: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        formatter.write_str("a string, a number or a list of ids")
    }

    fn visit_str<E>(self, text: &str) -> Result<LooseValue, E> {
        Ok(LooseValue(RawValue::Text(text.to_string())))
    }

    fn visit_f64<E>(self, number: f64) -> Result<LooseValue, E> {
        Ok(LooseValue(RawValue::Number(number)))
    }

    fn visit_i64<E>(self, number: i64) -> Result<LooseValue, E> {
        Ok(LooseValue(RawValue::Number(number as f64)))
    }

    fn visit_u64<E>(self, number: u64) -> Result<LooseValue, E> {
        Ok(LooseValue(RawValue::Number(number as f64)))
    }

    fn visit_bool<E>(self, flag: bool) -> Result<LooseValue, E> {
        Ok(LooseValue(RawValue::Text(
            if flag { "true" } else { "false" }.into(),
        )))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<LooseValue, A::Error> {
        let mut ids = Vec::new();
        while let Some(LooseValue(item)) = items.next_element()? {
            if let RawValue::Text(id) = item {
                ids.push(id);
            }
        }
        Ok(LooseValue(RawValue::List(ids)))
    }
}

/// The options object, every key optional.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct MountOptions {
    table: Option<LooseValue>,
    product: Option<LooseValue>,
    cart: Option<LooseValue>,
    max_suggestions: Option<LooseValue>,
    min_score: Option<LooseValue>,
    exclude: Option<LooseValue>,
    layout: Option<LooseValue>,
    title: Option<LooseValue>,
    locale: Option<LooseValue>,
    currency: Option<LooseValue>,
    fallback: Option<LooseValue>,
    max_per_category: Option<LooseValue>,
    timeout: Option<LooseValue>,
}

impl MountOptions {
    fn get(&self, setting: Setting) -> Option<&LooseValue> {
        match setting.option {
            "table" => self.table.as_ref(),
            "product" => self.product.as_ref(),
            "cart" => self.cart.as_ref(),
            "maxSuggestions" => self.max_suggestions.as_ref(),
            "minScore" => self.min_score.as_ref(),
            "exclude" => self.exclude.as_ref(),
            "layout" => self.layout.as_ref(),
            "title" => self.title.as_ref(),
            "locale" => self.locale.as_ref(),
            "currency" => self.currency.as_ref(),
            "fallback" => self.fallback.as_ref(),
            "maxPerCategory" => self.max_per_category.as_ref(),
            "timeout" => self.timeout.as_ref(),
            _ => None,
        }
    }
}

/// Validates a JS options object; `Err` is the console line for a fatal problem.
pub fn parse_options(options: JsValue) -> Result<Parsed, String> {
    let options: MountOptions = serde_wasm_bindgen::from_value(options).map_err(|error| {
        [
            "alsobought: mount() options are not usable: ",
            &error.to_string(),
        ]
        .concat()
    })?;
    parse_config(Origin::Options, |setting| {
        options.get(setting).map(|value| value.0.clone())
    })
    .map_err(|error| error.message(Origin::Options))
}

/// A cart given to `updateCart`: an array of ids or a comma-separated string.
pub fn parse_cart(ids: JsValue) -> Vec<String> {
    let value = serde_wasm_bindgen::from_value::<LooseValue>(ids).map(|value| value.0);
    match value {
        Ok(RawValue::List(ids)) => ids
            .into_iter()
            .map(|id| id.trim().to_string())
            .filter(|id| !id.is_empty())
            .collect(),
        Ok(RawValue::Text(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_string)
            .collect(),
        _ => Vec::new(),
    }
}
