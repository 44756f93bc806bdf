//! Turns what a store wrote (data attributes, or the options object of the JS `mount`)
//! into one typed, validated [`WidgetConfig`].
//!
//! This is plain Rust, tested natively: the browser side only looks values up. A bad
//! value never stops the widget; it becomes a [`Warning`] that names the setting and the
//! default used instead. Only a missing table or a missing product/cart is fatal,
//! because then there is nothing sensible to show.

use alsobought_core::Fallback;

use super::source::{
    id_list, text, RawValue, Setting, CART, CURRENCY, EXCLUDE, FALLBACK, HEADING, LAYOUT, LOADING,
    LOCALE, MAX_PER_CATEGORY, MAX_SUGGESTIONS, MIN_SCORE, PRODUCT, TABLE, TIMEOUT, TITLE,
};
use super::values::{is_locale_shaped, parse_decimal, whole_number};
use super::warning::{ConfigError, Outcome, Problem, Warning};

/// Suggestions shown when the store does not say (`data-max-suggestions`).
pub const DEFAULT_MAX_SUGGESTIONS: usize = 4;
/// The cap on `data-max-suggestions`: more would over-saturate any product page.
pub const MAX_SUGGESTIONS_LIMIT: usize = 12;
/// How long one table request may take before the widget gives up (`data-timeout`).
pub const DEFAULT_TIMEOUT_MS: u32 = 8_000;
/// The heading when `data-title` is absent.
pub const DEFAULT_TITLE: &str = "Frequently bought together";

/// The heading elements `data-heading` may name, the default first.
const HEADINGS: [&str; 5] = ["h2", "h3", "h4", "h5", "h6"];

/// How the suggestions are laid out (`data-layout`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Layout {
    /// A horizontally scrolling row of cards with previous/next buttons.
    Carousel,
    /// The context product plus suggestions with checkboxes and one "Add all" button.
    Bundle,
}

/// When a widget starts reading its table (`data-loading`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loading {
    /// As soon as it is mounted.
    Eager,
    /// Once its host comes within about a viewport's height of being visible, so a
    /// shopper who never scrolls to it downloads nothing for it.
    Lazy,
}

/// Everything one widget needs to know, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    /// URL of the recommendation table, as written (relative URLs resolve against the page).
    pub table_url: String,
    /// The product on screen (`data-product`), if any.
    pub product: Option<String>,
    /// The products in the cart (`data-cart`), in the order given.
    pub cart: Vec<String>,
    /// How many suggestions at most, 1..=[`MAX_SUGGESTIONS_LIMIT`].
    pub max_suggestions: usize,
    /// Suggestions scoring below this (0..=1, relative to the table's best) are dropped.
    pub min_score: f32,
    /// Product ids never to suggest.
    pub exclude: Vec<String>,
    /// Carousel or bundle.
    pub layout: Layout,
    /// The heading above the suggestions.
    pub title: String,
    /// The heading's element, `h2`..`h6` (`data-heading`), to fit the page's outline.
    pub heading: &'static str,
    /// BCP 47 locale for prices; `None` uses the browser's.
    pub locale: Option<String>,
    /// ISO 4217 currency for cards whose table record has none.
    pub currency: Option<String>,
    /// What to show when the context has no neighbours.
    pub fallback: Fallback,
    /// At most this many suggestions from one category.
    pub max_per_category: Option<usize>,
    /// Per-request timeout in milliseconds.
    pub timeout_ms: u32,
    /// Eager, or lazy: no table read before the host is near the viewport.
    pub loading: Loading,
}

impl WidgetConfig {
    /// The context products: the product on screen first, then the cart, without repeats.
    pub fn context_ids(&self) -> Vec<&str> {
        let mut ids: Vec<&str> = Vec::with_capacity(self.cart.len() + 1);
        for id in self.product.iter().chain(self.cart.iter()) {
            if !ids.contains(&id.as_str()) {
                ids.push(id);
            }
        }
        ids
    }
}

/// A validated config plus the warnings about values that were replaced by defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct Parsed {
    /// The config to run with.
    pub config: WidgetConfig,
    /// One warning per rejected value, in the order the settings were read.
    pub warnings: Vec<Warning>,
}

/// Validates the settings `lookup` returns (by [`Setting`]) into a config.
pub fn parse_config(lookup: impl Fn(Setting) -> Option<RawValue>) -> Result<Parsed, ConfigError> {
    let mut reader = Reader {
        warnings: Vec::new(),
    };
    let table_url = text(lookup(TABLE))
        .filter(|url| !url.is_empty())
        .ok_or(ConfigError::MissingTable)?;
    let product = text(lookup(PRODUCT)).filter(|id| !id.is_empty());
    let cart = lookup(CART).map(id_list).unwrap_or_default();
    if product.is_none() && cart.is_empty() {
        return Err(ConfigError::MissingContext);
    }
    let config = WidgetConfig {
        table_url,
        product,
        cart,
        max_suggestions: reader.max_suggestions(lookup(MAX_SUGGESTIONS)),
        min_score: reader.min_score(lookup(MIN_SCORE)),
        exclude: lookup(EXCLUDE).map(id_list).unwrap_or_default(),
        layout: [Layout::Carousel, Layout::Bundle]
            [reader.choice(LAYOUT, lookup(LAYOUT), &["carousel", "bundle"])],
        title: text(lookup(TITLE))
            .filter(|title| !title.is_empty())
            .unwrap_or_else(|| DEFAULT_TITLE.into()),
        heading: HEADINGS[reader.choice(HEADING, lookup(HEADING), &HEADINGS)],
        locale: reader.locale(lookup(LOCALE)),
        currency: reader.currency(lookup(CURRENCY)),
        fallback: [Fallback::BestSellers, Fallback::None]
            [reader.choice(FALLBACK, lookup(FALLBACK), &["bestsellers", "none"])],
        max_per_category: reader.max_per_category(lookup(MAX_PER_CATEGORY)),
        timeout_ms: reader.timeout(lookup(TIMEOUT)),
        loading: [Loading::Eager, Loading::Lazy]
            [reader.choice(LOADING, lookup(LOADING), &["eager", "lazy"])],
    };
    Ok(Parsed {
        config,
        warnings: reader.warnings,
    })
}

/// Collects the warnings while validating.
struct Reader {
    warnings: Vec<Warning>,
}

impl Reader {
    /// Records that `value` of `setting` was rejected and `default_used` taken instead.
    fn warn(
        &mut self,
        setting: Setting,
        value: &RawValue,
        problem: Problem,
        default_used: &'static str,
    ) {
        let warning = Warning::rejected(setting, value, problem, Outcome::Using(default_used));
        self.warnings.push(warning);
    }

    fn max_suggestions(&mut self, value: Option<RawValue>) -> usize {
        let Some(value) = value else {
            return DEFAULT_MAX_SUGGESTIONS;
        };
        match whole_number(&value) {
            Ok(0) => {
                self.warn(MAX_SUGGESTIONS, &value, Problem::Below("1"), "4");
                DEFAULT_MAX_SUGGESTIONS
            }
            Ok(count) if count > MAX_SUGGESTIONS_LIMIT as u64 => {
                self.warnings.push(Warning::Rejected {
                    setting: MAX_SUGGESTIONS,
                    variant: None,
                    written: None,
                    problem: Problem::AboveMaximum(count),
                    outcome: Outcome::Using("12"),
                });
                MAX_SUGGESTIONS_LIMIT
            }
            Ok(count) => count as usize,
            Err(problem) => {
                self.warn(MAX_SUGGESTIONS, &value, problem, "4");
                DEFAULT_MAX_SUGGESTIONS
            }
        }
    }

    fn max_per_category(&mut self, value: Option<RawValue>) -> Option<usize> {
        let value = value?;
        match whole_number(&value) {
            Ok(0) => {
                self.warn(MAX_PER_CATEGORY, &value, Problem::Below("1"), "no limit");
                None
            }
            Ok(count) => Some(count.min(MAX_SUGGESTIONS_LIMIT as u64) as usize),
            Err(problem) => {
                self.warn(MAX_PER_CATEGORY, &value, problem, "no limit");
                None
            }
        }
    }

    fn timeout(&mut self, value: Option<RawValue>) -> u32 {
        let Some(value) = value else {
            return DEFAULT_TIMEOUT_MS;
        };
        match whole_number(&value) {
            Ok(0) => {
                self.warn(TIMEOUT, &value, Problem::Below("1 ms"), "8000 ms");
                DEFAULT_TIMEOUT_MS
            }
            Ok(milliseconds) => milliseconds.min(u64::from(u32::MAX)) as u32,
            Err(problem) => {
                self.warn(TIMEOUT, &value, problem, "8000 ms");
                DEFAULT_TIMEOUT_MS
            }
        }
    }

    fn min_score(&mut self, value: Option<RawValue>) -> f32 {
        let Some(value) = value else { return 0.0 };
        let score = match &value {
            RawValue::Text(text) => parse_decimal(text.trim()),
            RawValue::Number(number) if number.is_finite() && *number >= 0.0 => {
                Some(*number as f32)
            }
            RawValue::Number(_) | RawValue::List(_) => None,
        };
        match score {
            Some(score) if score <= 1.0 => score,
            Some(_) => {
                self.warn(
                    MIN_SCORE,
                    &value,
                    Problem::NotOneOf(&["the range 0 to 1"]),
                    "0",
                );
                0.0
            }
            None => {
                self.warn(MIN_SCORE, &value, Problem::NotANumber, "0");
                0.0
            }
        }
    }

    /// One of a fixed set of lower-case words: its index in `names`, where the first is
    /// the default. An index rather than a value of the setting's own type, so that
    /// one copy of this code serves every such setting in the wasm.
    fn choice(
        &mut self,
        setting: Setting,
        value: Option<RawValue>,
        names: &'static [&'static str],
    ) -> usize {
        let Some(value) = value else {
            return 0;
        };
        if let RawValue::Text(text) = &value {
            let word = text.trim().to_ascii_lowercase();
            if let Some(index) = names.iter().position(|name| *name == word) {
                return index;
            }
        }
        self.warn(setting, &value, Problem::NotOneOf(names), names[0]);
        0
    }

    fn locale(&mut self, value: Option<RawValue>) -> Option<String> {
        let value = value?;
        if let RawValue::Text(text) = &value {
            let text = text.trim();
            if is_locale_shaped(text) {
                return Some(text.to_string());
            }
        }
        self.warn(LOCALE, &value, Problem::NotALocale, "the browser's locale");
        None
    }

    fn currency(&mut self, value: Option<RawValue>) -> Option<String> {
        let value = value?;
        if let RawValue::Text(text) = &value {
            let text = text.trim();
            if text.len() == 3 && text.bytes().all(|byte| byte.is_ascii_alphabetic()) {
                return Some(text.to_ascii_uppercase());
            }
        }
        self.warn(
            CURRENCY,
            &value,
            Problem::NotACurrency,
            "each product's own currency",
        );
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::source::Origin;

    /// The console lines of `warnings` about data attributes.
    fn messages(warnings: &[Warning]) -> Vec<String> {
        warnings
            .iter()
            .map(|warning| warning.message(Origin::Attributes))
            .collect()
    }

    fn attributes(pairs: &[(&str, &str)]) -> Result<Parsed, ConfigError> {
        parse_config(|setting| {
            pairs
                .iter()
                .find(|(name, _)| *name == setting.attribute)
                .map(|(_, value)| RawValue::Text(value.to_string()))
        })
    }

    fn with_product(extra: &[(&str, &str)]) -> Parsed {
        let mut pairs = vec![("table", "/t.table"), ("product", "SKU-1")];
        pairs.extend_from_slice(extra);
        attributes(&pairs).expect("table and product are given")
    }

    #[test]
    fn defaults_apply_when_only_table_and_product_are_given() {
        let parsed = with_product(&[]);
        assert!(parsed.warnings.is_empty());
        let config = parsed.config;
        assert_eq!(config.table_url, "/t.table");
        assert_eq!(config.product.as_deref(), Some("SKU-1"));
        assert_eq!(config.max_suggestions, 4);
        assert_eq!(config.min_score, 0.0);
        assert_eq!(config.layout, Layout::Carousel);
        assert_eq!(config.title, DEFAULT_TITLE);
        assert_eq!(config.fallback, Fallback::BestSellers);
        assert_eq!(config.max_per_category, None);
        assert_eq!(config.timeout_ms, 8000);
        assert_eq!(config.locale, None);
        assert_eq!(config.currency, None);
        assert_eq!(config.loading, Loading::Eager);
    }

    #[test]
    fn every_attribute_is_read() {
        let parsed = with_product(&[
            ("cart", " A , B,,C "),
            ("max-suggestions", "6"),
            ("min-score", "0.25"),
            ("exclude", "X,Y"),
            ("layout", "bundle"),
            ("title", "You may also like"),
            ("locale", "de-DE"),
            ("currency", "eur"),
            ("fallback", "none"),
            ("max-per-category", "2"),
            ("timeout", "1500"),
            ("loading", " Lazy "),
        ]);
        assert_eq!(messages(&parsed.warnings), Vec::<String>::new());
        let config = parsed.config;
        assert_eq!(config.cart, ["A", "B", "C"]);
        assert_eq!(config.max_suggestions, 6);
        assert_eq!(config.min_score, 0.25);
        assert_eq!(config.exclude, ["X", "Y"]);
        assert_eq!(config.layout, Layout::Bundle);
        assert_eq!(config.title, "You may also like");
        assert_eq!(config.locale.as_deref(), Some("de-DE"));
        assert_eq!(config.currency.as_deref(), Some("EUR"));
        assert_eq!(config.fallback, Fallback::None);
        assert_eq!(config.max_per_category, Some(2));
        assert_eq!(config.timeout_ms, 1500);
        assert_eq!(config.loading, Loading::Lazy);
    }

    #[test]
    fn non_numeric_max_suggestions_warns_with_the_attribute_and_default() {
        let parsed = with_product(&[("max-suggestions", "abc")]);
        assert_eq!(parsed.config.max_suggestions, 4);
        assert_eq!(
            messages(&parsed.warnings),
            ["alsobought: data-max-suggestions=\"abc\" is not a number; using 4"]
        );
    }

    #[test]
    fn max_suggestions_above_the_hard_maximum_is_clamped_with_a_warning() {
        let parsed = with_product(&[("max-suggestions", "50")]);
        assert_eq!(parsed.config.max_suggestions, MAX_SUGGESTIONS_LIMIT);
        assert_eq!(
            messages(&parsed.warnings),
            ["alsobought: data-max-suggestions=50 is above the maximum of 12; using 12"]
        );
    }

    #[test]
    fn zero_fractional_and_negative_counts_fall_back_to_the_default() {
        for (value, problem) in [
            ("0", "is below 1"),
            ("2.5", "is not a whole number"),
            ("-3", "is not a whole number"),
        ] {
            let parsed = with_product(&[("max-suggestions", value)]);
            assert_eq!(parsed.config.max_suggestions, 4, "{value}");
            let messages = messages(&parsed.warnings);
            assert!(messages[0].contains(problem), "{value}: {messages:?}");
        }
    }

    #[test]
    fn unknown_layout_and_fallback_name_the_choices() {
        let parsed = with_product(&[("layout", "grid"), ("fallback", "popular")]);
        assert_eq!(parsed.config.layout, Layout::Carousel);
        assert_eq!(parsed.config.fallback, Fallback::BestSellers);
        assert_eq!(
            messages(&parsed.warnings),
            [
                "alsobought: data-layout=\"grid\" is not one of carousel, bundle; using carousel",
                "alsobought: data-fallback=\"popular\" is not one of bestsellers, none; using bestsellers",
            ]
        );
    }

    #[test]
    fn unknown_loading_warns_and_loads_eagerly() {
        let parsed = with_product(&[("loading", "deferred")]);
        assert_eq!(parsed.config.loading, Loading::Eager);
        assert_eq!(
            messages(&parsed.warnings),
            ["alsobought: data-loading=\"deferred\" is not one of eager, lazy; using eager"]
        );
    }

    #[test]
    fn the_heading_level_follows_data_heading() {
        assert_eq!(with_product(&[]).config.heading, "h2");
        assert_eq!(with_product(&[("heading", " H3 ")]).config.heading, "h3");
        let parsed = with_product(&[("heading", "h1")]);
        assert_eq!(parsed.config.heading, "h2");
        assert_eq!(
            messages(&parsed.warnings),
            ["alsobought: data-heading=\"h1\" is not one of h2, h3, h4, h5, h6; using h2"]
        );
    }

    #[test]
    fn min_score_outside_zero_to_one_or_not_a_number_is_zero() {
        for value in ["1.5", "high", "", "0.3.4"] {
            let parsed = with_product(&[("min-score", value)]);
            assert_eq!(parsed.config.min_score, 0.0, "{value}");
            assert_eq!(parsed.warnings.len(), 1, "{value}");
            assert!(
                messages(&parsed.warnings)[0].starts_with("alsobought: data-min-score="),
                "{value}"
            );
        }
    }

    #[test]
    fn malformed_locale_and_currency_warn_and_are_ignored() {
        let parsed = with_product(&[("locale", "en_GB"), ("currency", "euro")]);
        assert_eq!(parsed.config.locale, None);
        assert_eq!(parsed.config.currency, None);
        let messages = messages(&parsed.warnings);
        assert_eq!(messages.len(), 2);
        assert!(messages[0].contains("data-locale=\"en_GB\" is not a BCP 47 locale"));
        assert!(messages[1].ends_with("using each product's own currency"));
    }

    #[test]
    fn missing_table_or_context_is_fatal_and_says_how_to_fix_it() {
        assert_eq!(
            attributes(&[("product", "A")]),
            Err(ConfigError::MissingTable)
        );
        assert_eq!(
            attributes(&[("table", "/t.table"), ("cart", " , ")]),
            Err(ConfigError::MissingContext)
        );
        assert!(ConfigError::MissingContext
            .message(Origin::Attributes)
            .contains("set data-product"));
        assert!(ConfigError::MissingTable
            .message(Origin::Options)
            .contains("set table to"));
    }

    #[test]
    fn options_accept_numbers_and_lists_and_warnings_use_option_names() {
        let parsed = parse_config(|setting| match setting.option {
            "table" => Some(RawValue::Text("/t.table".into())),
            "cart" => Some(RawValue::List(vec!["A".into(), " B ".into()])),
            "maxSuggestions" => Some(RawValue::Number(3.0)),
            "minScore" => Some(RawValue::Number(0.5)),
            "maxPerCategory" => Some(RawValue::Number(1.5)),
            _ => None,
        })
        .expect("table and cart are given");
        assert_eq!(parsed.config.cart, ["A", "B"]);
        assert_eq!(parsed.config.max_suggestions, 3);
        assert_eq!(parsed.config.min_score, 0.5);
        assert_eq!(parsed.config.max_per_category, None);
        assert_eq!(
            parsed.warnings[0].message(Origin::Options),
            "alsobought: maxPerCategory is not a whole number; using no limit"
        );
        assert_eq!(parsed.warnings.len(), 1);
    }

    #[test]
    fn context_ids_put_the_product_first_and_drop_repeats() {
        let config = with_product(&[("cart", "B,SKU-1,B,C")]).config;
        assert_eq!(config.context_ids(), ["SKU-1", "B", "C"]);
    }
}
