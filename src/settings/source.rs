//! What a store can write and where the widget looks for it: every setting's two names
//! (the `data-*` attribute and the key of the JS options object), the raw values they
//! carry, and [`SettingsSource`], the one lookup the validation reads through.
//!
//! The bottom of `settings`: the other parts name settings through these constants, so
//! an attribute is renamed here once, and the TypeScript declarations are held to this
//! list by the tests below.

/// Where a setting came from; it decides how warnings spell the setting's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// `data-*` attributes on the host element or the script tag.
    Attributes,
    /// The options object passed to the JS `mount(element, options)`.
    Options,
}

/// One setting's raw value before validation.
#[derive(Clone, Debug, PartialEq)]
pub enum RawValue {
    /// Attribute text, or a string given in the options object.
    Text(String),
    /// A number given in the options object.
    Number(f64),
    /// A list of ids given in the options object (`cart: ["a", "b"]`).
    List(Vec<String>),
}

/// A setting the widget reads: its attribute name (without `data-`) and its name in
/// the JS options object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The attribute name without the `data-` prefix, e.g. `max-suggestions`.
    pub attribute: &'static str,
    /// The camelCase key of the options object, e.g. `maxSuggestions`.
    pub option: &'static str,
}

/// Declares [`Setting`] constants, `NAME = "attribute" / "option";`, each documented
/// with its two names and any doc comment written above it.
macro_rules! settings {
    ($($(#[doc = $doc:literal])* $constant:ident = $attribute:literal / $option:literal;)*) => {
        $(
            #[doc = concat!("`data-", $attribute, "` / `", $option, "`.")]
            $(#[doc = $doc])*
            pub const $constant: Setting = Setting { attribute: $attribute, option: $option };
        )*
        /// The settings declared here, for the tests that hold the docs to them.
        #[cfg(test)]
        pub const DECLARED: &[Setting] = &[$($constant),*];
    };
}

settings! {
    TABLE = "table" / "table";
    PRODUCT = "product" / "product";
    CART = "cart" / "cart";
    MAX_SUGGESTIONS = "max-suggestions" / "maxSuggestions";
    MIN_SCORE = "min-score" / "minScore";
    EXCLUDE = "exclude" / "exclude";
    LAYOUT = "layout" / "layout";
    TITLE = "title" / "title";
    /// The heading's level, `h2` (default) to `h6`.
    HEADING = "heading" / "heading";
    LOCALE = "locale" / "locale";
    CURRENCY = "currency" / "currency";
    FALLBACK = "fallback" / "fallback";
    MAX_PER_CATEGORY = "max-per-category" / "maxPerCategory";
    TIMEOUT = "timeout" / "timeout";
    LOADING = "loading" / "loading";
    /// `on` (default) or `off` (no id, nothing recorded).
    TRACKING = "tracking" / "tracking";
    /// The experiment's name.
    EXPERIMENT = "experiment" / "experiment";
    /// The variants and their weights.
    VARIANTS = "variants" / "variants";
    /// Which list the events are about.
    LIST_ID = "list-id" / "listId";
    /// The list's name in analytics.
    LIST_NAME = "list-name" / "listName";
    /// Where the events are sent.
    BEACON = "beacon" / "beacon";
}

/// `data-variant-<v>-holdout` / `variantSettings.<v>.holdout`: the variant shows nothing
/// (only per variant, so not declared with the plain settings above).
pub const HOLDOUT: Setting = Setting {
    attribute: "holdout",
    option: "holdout",
};

/// The settings a variant may change (docs/events.md section 4.1).
pub const VARIANT_SETTINGS: [Setting; 6] = [
    MAX_SUGGESTIONS,
    MIN_SCORE,
    LAYOUT,
    FALLBACK,
    MAX_PER_CATEGORY,
    TITLE,
];

/// The page URL's query parameter that forces a variant for one page view
/// (`?alsobought_variant=<experiment>:<variant>`).
pub const FORCE_PARAMETER: &str = "alsobought_variant";

/// Where a widget's settings are read: the data attributes or the JS options object.
pub trait SettingsSource {
    /// Which of the two, for the spelling of warnings.
    fn origin(&self) -> Origin;
    /// A plain setting (`data-max-suggestions`, `maxSuggestions`).
    fn plain(&self, setting: Setting) -> Option<RawValue>;
    /// A setting of one variant (`data-variant-<v>-max-suggestions`,
    /// `variantSettings[v].maxSuggestions`).
    fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue>;
}

/// Trimmed text of a value; numbers and lists are not text.
pub fn text(value: Option<RawValue>) -> Option<String> {
    match value? {
        RawValue::Text(text) => Some(text.trim().to_string()),
        RawValue::Number(_) | RawValue::List(_) => None,
    }
}

/// Comma-separated ids (attributes, `updateCart("a,b")`) or a list (options,
/// `updateCart([...])`), trimmed, empties dropped: the one reading of a list of ids.
pub fn id_list(value: RawValue) -> Vec<String> {
    let mut ids = Vec::new();
    let mut add = |id: &str| {
        let id = id.trim();
        if !id.is_empty() {
            ids.push(id.to_string());
        }
    };
    match &value {
        RawValue::Text(text) => text.split(',').for_each(&mut add),
        RawValue::List(list) => list.iter().for_each(|id| add(id)),
        RawValue::Number(_) => {}
    }
    ids
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The keys of `export interface <name>` in src/alsobought.d.ts, with the names an
    /// `extends Pick<_, 'a' | 'b'>` clause brings in, sorted.
    fn declared_keys(name: &str) -> Vec<String> {
        let declarations = include_str!("../alsobought.d.ts");
        let start = declarations
            .find(&format!("export interface {name}"))
            .unwrap_or_else(|| panic!("src/alsobought.d.ts has no interface {name}"));
        let rest = &declarations[start..];
        let (head, body) = rest.split_once('{').unwrap();
        let body = &body[..body.find("\n}").unwrap()];
        let picked = head.split_once("Pick<").map_or("", |(_, pick)| pick);
        let mut keys: Vec<String> = picked
            .split(['\'', '|', ',', '>'])
            .map(str::trim)
            .filter(|key| key.chars().next().is_some_and(char::is_lowercase))
            .map(String::from)
            .collect();
        keys.extend(body.lines().filter_map(|line| {
            let (key, _) = line.trim().split_once(':')?;
            let key = key.trim_end_matches('?');
            key.chars()
                .all(|c| c.is_ascii_alphanumeric())
                .then(|| key.to_string())
        }));
        keys.sort();
        keys
    }

    fn sorted_options<'a>(settings: impl Iterator<Item = &'a Setting>, extra: &str) -> Vec<String> {
        let mut options: Vec<String> = settings.map(|setting| setting.option.to_string()).collect();
        options.push(extra.to_string());
        options.sort();
        options
    }

    #[test]
    fn the_typescript_declarations_name_every_option_and_no_other() {
        assert_eq!(
            declared_keys("WidgetSettings"),
            sorted_options(DECLARED.iter(), "variantSettings")
        );
        assert_eq!(
            declared_keys("VariantSettings"),
            sorted_options(VARIANT_SETTINGS.iter(), HOLDOUT.option)
        );
    }
}
