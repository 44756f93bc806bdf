//! The two places a widget's settings come from, as `settings::SettingsSource`: the
//! data attributes of the host (or script tag), and the options object of the JS
//! `mount()`; and [`configure`], which validates either into a widget config plus its
//! measurement.

use js_sys::Reflect;
use wasm_bindgen::JsValue;
use web_sys::{Element, UrlSearchParams};

use crate::config::{ConfigError, Origin, RawValue, Setting};
use crate::measurement::identity;
use crate::measurement::settings::{self, Configured, PageFacts, SettingsSource, FORCE_PARAMETER};
use crate::options::raw_value;

/// `data-*` attributes: `data-<setting>` and `data-variant-<v>-<setting>`.
pub struct AttributeSource<'a>(pub &'a Element);

impl SettingsSource for AttributeSource<'_> {
    fn origin(&self) -> Origin {
        Origin::Attributes
    }

    fn plain(&self, setting: Setting) -> Option<RawValue> {
        self.0
            .get_attribute(&["data-", setting.attribute].concat())
            .map(RawValue::Text)
    }

    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
        self.0
            .get_attribute(&["data-variant-", variant, "-", setting.attribute].concat())
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

/// Validates a widget's settings from `source` with its experiment variant applied,
/// under this page view and the shopper's visitor id.
pub fn configure(source: &dyn SettingsSource) -> Result<Configured, ConfigError> {
    let search = web_sys::window()
        .and_then(|window| window.location().search().ok())
        .unwrap_or_default();
    let forced_variants: Vec<String> = UrlSearchParams::new_with_str(&search)
        .map(|query| {
            query
                .get_all(FORCE_PARAMETER)
                .iter()
                .filter_map(|value| value.as_string())
                .collect()
        })
        .unwrap_or_default();
    let page_view_id = identity::page_view_id();
    let page = PageFacts {
        page_view_id: &page_view_id,
        forced_variants: &forced_variants,
    };
    settings::configure(source, &page, identity::visitor_id)
}
