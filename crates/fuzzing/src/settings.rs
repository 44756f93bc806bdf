//! `settings`: the widget's settings parser (`alsobought::settings::configure`, plain
//! Rust) fed what a store writes: the options object of the JS `mount()` when the input
//! is JSON, else `name=value` lines as data attributes (`?experiment:variant` lines
//! are the page URL's forced variants). The two sources below turn these into the
//! [`RawValue`]s the browser's sources (`src/settings/page.rs`) produce from the DOM
//! and from JS values; everything after that is the widget's own code.

use std::collections::HashMap;

use serde_json::{Map, Value};

use alsobought::settings::source::Setting;
use alsobought::settings::widget::MAX_SUGGESTIONS_LIMIT;
use alsobought::settings::{configure, Origin, PageFacts, RawValue, SettingsSource, Warning};

/// The `settings` target.
pub fn settings(data: &[u8]) {
    match serde_json::from_slice::<Value>(data) {
        // `mount()` refuses options that are not an object before reading any.
        Ok(Value::Object(options)) => check(&Options(options), &[]),
        Ok(_) => {}
        Err(_) => {
            let text = String::from_utf8_lossy(data);
            let mut attributes = HashMap::new();
            let mut forced = Vec::new();
            for line in text.lines() {
                if let Some(value) = line.strip_prefix('?') {
                    forced.push(value.to_string());
                } else if let Some((name, value)) = line.split_once('=') {
                    // A tag's first attribute of a name is the one the DOM keeps.
                    attributes
                        .entry(name.to_string())
                        .or_insert_with(|| value.to_string());
                }
            }
            check(&Attributes(attributes), &forced);
        }
    }
}

/// What any configuration must satisfy, and every message it prints.
fn check(source: &dyn SettingsSource, forced: &[String]) {
    let origin = source.origin();
    let page = PageFacts {
        page_view_id: "page-view",
        forced_variants: forced,
    };
    let configured = match configure(source, &page, || "visitor".into()) {
        Ok(configured) => configured,
        Err(error) => {
            assert!(
                error.message(origin).starts_with("alsobought: "),
                "{error:?}"
            );
            return;
        }
    };
    let config = &configured.parsed.config;
    assert!(!config.table_url.is_empty(), "empty table URL accepted");
    assert!(
        (1..=MAX_SUGGESTIONS_LIMIT).contains(&config.max_suggestions),
        "{config:?}"
    );
    assert!(
        (0.0..=1.0).contains(&config.min_score),
        "min_score {}",
        config.min_score
    );
    assert!(config.timeout_ms > 0, "a zero timeout accepted");
    assert!(
        config.max_per_category.is_none_or(|limit| limit >= 1),
        "{config:?}"
    );
    let context = config.context_ids();
    assert!(!context.is_empty(), "a widget without context");
    for (index, id) in context.iter().enumerate() {
        assert!(!id.is_empty() && id.trim() == *id, "context id {id:?}");
        assert!(!context[..index].contains(id), "context id {id:?} twice");
    }
    let measurement = &configured.measurement;
    if !measurement.tracking {
        assert!(measurement.visitor_id.is_empty() && measurement.beacon.is_none());
        assert!(
            measurement.assignment.is_none(),
            "an experiment without tracking"
        );
    }
    if let Some(assignment) = &measurement.assignment {
        assert!(!assignment.variant.is_empty(), "an unnamed variant");
    }
    for warning in &configured.parsed.warnings {
        let message = warning.message(origin);
        assert!(message.starts_with("alsobought: "), "{message}");
        if let Warning::Rejected { setting, .. } = warning {
            let name = match origin {
                Origin::Attributes => setting.attribute,
                Origin::Options => setting.option,
            };
            assert!(message.contains(name), "`{message}` does not name {name}");
        }
    }
}

/// Data attributes: `data-<setting>` and `data-variant-<v>-<setting>`, as text.
struct Attributes(HashMap<String, String>);

impl SettingsSource for Attributes {
    fn origin(&self) -> Origin {
        Origin::Attributes
    }

    fn plain(&self, setting: Setting) -> Option<RawValue> {
        let name = format!("data-{}", setting.attribute);
        self.0.get(&name).cloned().map(RawValue::Text)
    }

    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
        let name = format!("data-variant-{variant}-{}", setting.attribute);
        self.0.get(&name).cloned().map(RawValue::Text)
    }
}

/// The options object: `{ maxSuggestions, variantSettings: { v: { layout } } }`.
struct Options(Map<String, Value>);

impl SettingsSource for Options {
    fn origin(&self) -> Origin {
        Origin::Options
    }

    fn plain(&self, setting: Setting) -> Option<RawValue> {
        raw_value(self.0.get(setting.option)?)
    }

    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
        let Value::Object(settings) = self.0.get("variantSettings")?.get(variant)? else {
            return None;
        };
        raw_value(settings.get(setting.option)?)
    }
}

/// A JS value as `page::raw_value` reads it: strings are text, numbers numbers,
/// arrays keep their strings, booleans and objects become text the validation rejects.
fn raw_value(value: &Value) -> Option<RawValue> {
    Some(match value {
        Value::Null => return None,
        Value::String(text) => RawValue::Text(text.clone()),
        Value::Number(number) => RawValue::Number(number.as_f64()?),
        Value::Array(items) => RawValue::List(
            items
                .iter()
                .filter_map(|item| item.as_str().map(String::from))
                .collect(),
        ),
        Value::Bool(flag) => RawValue::Text(flag.to_string()),
        Value::Object(_) => RawValue::Text("[object]".into()),
    })
}
