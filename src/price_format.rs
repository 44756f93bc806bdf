//! Prices and totals through the browser's `Intl.NumberFormat`, which knows every
//! locale's digits, separators and currency symbols, so the wasm carries none.
//!
//! The constructor is bound here with `catch`: a locale the browser rejects must not
//! abort the widget, so it falls back to the browser's own locale with a warning.

use js_sys::{Object, Reflect};
use wasm_bindgen::prelude::*;

use crate::console;
use crate::json_text::concat;

#[wasm_bindgen]
extern "C" {
    /// `Intl.NumberFormat`.
    #[wasm_bindgen(js_namespace = Intl, js_name = NumberFormat)]
    type NumberFormat;

    #[wasm_bindgen(constructor, js_namespace = Intl, js_class = NumberFormat, catch)]
    fn new(locales: &JsValue, options: &Object) -> Result<NumberFormat, JsValue>;

    #[wasm_bindgen(method)]
    fn format(this: &NumberFormat, value: f64) -> String;
}

/// Formats amounts for one widget: one `Intl.NumberFormat` per currency in use.
pub struct PriceFormatter {
    locale: Option<String>,
    formats: Vec<(Option<String>, NumberFormat)>,
}

impl PriceFormatter {
    /// A formatter for `locale` (`None`: the browser's).
    pub fn new(locale: Option<&str>) -> Self {
        PriceFormatter {
            locale: locale.map(str::to_string),
            formats: Vec::new(),
        }
    }

    /// `amount` in `currency` (`€12.50`), or as a plain two-decimal number when the
    /// currency is unknown.
    pub fn format(&mut self, amount: f64, currency: Option<&str>) -> String {
        if let Some((_, format)) = self
            .formats
            .iter()
            .find(|(known, _)| known.as_deref() == currency)
        {
            return format.format(amount);
        }
        let format = self.build(currency);
        let text = format.format(amount);
        self.formats.push((currency.map(str::to_string), format));
        text
    }

    fn build(&mut self, currency: Option<&str>) -> NumberFormat {
        let options = Object::new();
        let set = |key: &str, value: JsValue| {
            let _ = Reflect::set(&options, &key.into(), &value);
        };
        match currency {
            Some(currency) => {
                set("style", "currency".into());
                set("currency", currency.into());
            }
            None => {
                set("minimumFractionDigits", 2.into());
                set("maximumFractionDigits", 2.into());
            }
        }
        let locales = self
            .locale
            .as_deref()
            .map(JsValue::from)
            .unwrap_or(JsValue::UNDEFINED);
        NumberFormat::new(&locales, &options).unwrap_or_else(|_| {
            if let Some(locale) = self.locale.take() {
                console::warn(&concat(&[
                    "alsobought: the browser rejects data-locale=\"",
                    &locale,
                    "\"; using its own locale",
                ]));
            }
            NumberFormat::new(&JsValue::UNDEFINED, &options).unwrap_or_else(|_| {
                // Only an invalid currency code can fail now; show a plain number.
                NumberFormat::new(&JsValue::UNDEFINED, &Object::new()).unwrap_throw()
            })
        })
    }
}
