//! What a widget measures and under which experiment variant, decided before its
//! settings are validated: the experiment attributes (`data-experiment`,
//! `data-variants`, `data-variant-<v>-<setting>`), `data-tracking`, `data-list-id`,
//! `data-list-name` and `data-beacon` (docs/events.md sections 2, 4 and 9).
//!
//! The variant has to be known first because a variant's settings replace the plain
//! ones: they are fed to the same `widget::parse_config` as the data attributes, so an
//! override is validated (and warned about) exactly like the attribute it replaces.
//! Assignment itself is alsobought-core's `experiment` module, the code the report's
//! documentation describes; this file only wires it to the page. Plain Rust, tested
//! natively; the browser reads attributes or options through [`SettingsSource`].

use alsobought_core::experiment::{is_valid_experiment_name, Variants, HOLDOUT_VARIANT};
use core::cell::RefCell;

use super::source::{
    text, Origin, RawValue, Setting, SettingsSource, BEACON, EXPERIMENT, HOLDOUT, LIST_ID,
    LIST_NAME, TRACKING, VARIANTS, VARIANT_SETTINGS,
};
use super::warning::{ConfigError, Outcome, Problem, Warning};
use super::widget::{parse_config, Parsed};

/// The `list_id` of a widget with a product on screen, when `data-list-id` is absent.
pub const PRODUCT_LIST_ID: &str = "alsobought_product";
/// The `list_id` of a widget with only a cart, when `data-list-id` is absent.
pub const CART_LIST_ID: &str = "alsobought_cart";

/// The variant a visitor sees in the widget's experiment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Assignment {
    /// The experiment's name.
    pub experiment: String,
    /// The variant's name.
    pub variant: String,
    /// The variant shows nothing and only records its exposure.
    pub holdout: bool,
    /// The variant came from the page URL (testing), not from the assignment.
    pub forced: bool,
}

/// Everything a widget's events need to say who, which list and where they go.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measurement {
    /// Whether events are recorded at all (`data-tracking`); DOM events are
    /// dispatched either way.
    pub tracking: bool,
    /// The visitor id; empty with tracking off.
    pub visitor_id: String,
    /// The page view the widget was mounted in.
    pub page_view_id: String,
    /// The experiment variant in force, if the widget runs in an experiment.
    pub assignment: Option<Assignment>,
    /// `list_id` of the events.
    pub list_id: String,
    /// `list_name` of the events.
    pub list_name: String,
    /// The collector URL (`data-beacon`), if events are sent.
    pub beacon: Option<String>,
}

impl Measurement {
    /// Whether the widget must show nothing (a holdout variant).
    pub fn is_holdout(&self) -> bool {
        self.assignment
            .as_ref()
            .is_some_and(|assignment| assignment.holdout)
    }
}

/// A validated widget config together with its measurement.
#[derive(Clone, Debug, PartialEq)]
pub struct Configured {
    /// The widget's settings (variant overrides applied) and every warning.
    pub parsed: Parsed,
    /// Identity, list and experiment of its events.
    pub measurement: Measurement,
}

/// What the page contributes: its page view and the variants its URL forces.
pub struct PageFacts<'a> {
    /// The page view id in force.
    pub page_view_id: &'a str,
    /// Every `alsobought_variant` value of the page URL's query, decoded
    /// (`<experiment>:<variant>`).
    pub forced_variants: &'a [String],
}

/// Reads the measurement settings, assigns the variant and validates the widget's
/// settings with the variant's overrides. `visitor_id` is only called with tracking on.
pub fn configure(
    source: &dyn SettingsSource,
    page: &PageFacts<'_>,
    visitor_id: impl FnOnce() -> String,
) -> Result<Configured, ConfigError> {
    let mut warnings = Vec::new();
    let tracking = read_tracking(source, &mut warnings);
    let visitor_id = if tracking {
        visitor_id()
    } else {
        String::new()
    };
    let assignment = if tracking {
        read_experiment(source, &mut warnings).map(|(experiment, variants)| {
            assign(
                source,
                &experiment,
                &variants,
                &visitor_id,
                page.forced_variants,
                &mut warnings,
            )
        })
    } else {
        None
    };
    let mut parsed = parse_with_variant(source, assignment.as_ref().map(|a| a.variant.as_str()))?;
    warnings.append(&mut parsed.warnings);
    parsed.warnings = warnings;
    let plain_text = |setting| text(source.plain(setting)).filter(|text| !text.is_empty());
    let list_id = plain_text(LIST_ID).unwrap_or_else(|| {
        let default = if parsed.config.product.is_some() {
            PRODUCT_LIST_ID
        } else {
            CART_LIST_ID
        };
        default.into()
    });
    let list_name = plain_text(LIST_NAME).unwrap_or_else(|| parsed.config.title.clone());
    Ok(Configured {
        measurement: Measurement {
            tracking,
            visitor_id,
            page_view_id: page.page_view_id.into(),
            assignment,
            list_id,
            list_name,
            beacon: plain_text(BEACON).filter(|_| tracking),
        },
        parsed,
    })
}

/// `data-tracking`: on unless it says `off`; anything else warns and stays on.
fn read_tracking(source: &dyn SettingsSource, warnings: &mut Vec<Warning>) -> bool {
    let Some(value) = source.plain(TRACKING) else {
        return true;
    };
    if let RawValue::Text(text) = &value {
        let text = text.trim();
        if text.eq_ignore_ascii_case("off") {
            return false;
        }
        if text.eq_ignore_ascii_case("on") {
            return true;
        }
    }
    warnings.push(Warning::rejected(
        TRACKING,
        &value,
        Problem::NotOneOf(&["on", "off"]),
        Outcome::Using("on"),
    ));
    true
}

/// The experiment's name and variants, or `None` (with one warning when the
/// attributes are there but wrong: then the experiment is off).
///
/// The warning states the rules instead of the spec parser's precise reason: that
/// reason's formatting code would be downloaded by every shopper to help the one
/// developer who mistypes a spec.
fn read_experiment(
    source: &dyn SettingsSource,
    warnings: &mut Vec<Warning>,
) -> Option<(String, Variants)> {
    let name = source.plain(EXPERIMENT);
    let spec = source.plain(VARIANTS);
    let (name_text, spec_text) = match (&name, &spec) {
        (None, None) => return None,
        (Some(RawValue::Text(name)), Some(RawValue::Text(spec))) => (name.trim(), spec),
        _ => {
            warnings.push(Warning::ExperimentIncomplete);
            return None;
        }
    };
    let (setting, value, problem) = if !is_valid_experiment_name(name_text) {
        (EXPERIMENT, name, Problem::NotAnExperimentName)
    } else {
        match Variants::parse(spec_text) {
            Ok(variants) => return Some((name_text.to_string(), variants)),
            Err(_) => (VARIANTS, spec, Problem::NotAVariantSpec),
        }
    };
    if let Some(value) = value {
        warnings.push(Warning::rejected(
            setting,
            &value,
            problem,
            Outcome::ExperimentOff,
        ));
    }
    None
}

/// The visitor's variant: forced by the page URL when it names a variant of this
/// experiment, else alsobought-core's assignment.
fn assign(
    source: &dyn SettingsSource,
    experiment: &str,
    variants: &Variants,
    visitor_id: &str,
    forced_variants: &[String],
    warnings: &mut Vec<Warning>,
) -> Assignment {
    let forced = forced_variant(forced_variants, experiment).and_then(|name| {
        let known = variants.get(&name);
        if known.is_none() {
            warnings.push(Warning::UnknownForcedVariant {
                experiment: experiment.to_string(),
                variant: name.clone(),
            });
        }
        known
    });
    let variant = forced.unwrap_or_else(|| variants.assign(experiment, visitor_id));
    let flagged = match (source.origin(), source.of_variant(&variant.name, HOLDOUT)) {
        (_, None) => false,
        // "present means yes" for an attribute; an option must say true.
        (Origin::Attributes, Some(_)) => true,
        (Origin::Options, Some(value)) => value == RawValue::Text("true".into()),
    };
    Assignment {
        experiment: experiment.to_string(),
        variant: variant.name.clone(),
        holdout: flagged || variant.name == HOLDOUT_VARIANT,
        forced: forced.is_some(),
    }
}

/// The variant `values` (of `?alsobought_variant=<experiment>:<variant>`) name for
/// `experiment`; a page may force variants of several experiments.
pub fn forced_variant(values: &[String], experiment: &str) -> Option<String> {
    values.iter().find_map(|value| {
        let (name, variant) = value.split_once(':')?;
        (name == experiment).then(|| variant.to_string())
    })
}

/// `parse_config` over the plain settings with `variant`'s settings in their place;
/// a warning about an overridden value names the variant's attribute.
pub fn parse_with_variant(
    source: &dyn SettingsSource,
    variant: Option<&str>,
) -> Result<Parsed, ConfigError> {
    let overridden: RefCell<Vec<Setting>> = RefCell::default();
    let mut parsed = parse_config(|setting| {
        let replaced = variant
            .filter(|_| VARIANT_SETTINGS.contains(&setting))
            .and_then(|variant| source.of_variant(variant, setting));
        if replaced.is_some() {
            overridden.borrow_mut().push(setting);
            return replaced;
        }
        source.plain(setting)
    })?;
    let overridden = overridden.into_inner();
    for warning in &mut parsed.warnings {
        if let Warning::Rejected {
            setting,
            variant: named_variant,
            ..
        } = warning
        {
            if overridden.contains(setting) {
                *named_variant = variant.map(String::from);
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::widget::Layout;
    use alsobought_core::Fallback;

    /// The console lines of `parsed`'s warnings about data attributes.
    fn messages(parsed: &Parsed) -> Vec<String> {
        parsed
            .warnings
            .iter()
            .map(|warning| warning.message(Origin::Attributes))
            .collect()
    }

    /// Data attributes as a page would have them (names without `data-`).
    struct Attributes(Vec<(&'static str, &'static str)>);

    impl SettingsSource for Attributes {
        fn origin(&self) -> Origin {
            Origin::Attributes
        }
        fn plain(&self, setting: Setting) -> Option<RawValue> {
            self.get(setting.attribute)
        }
        fn of_variant(&self, variant: &str, setting: Setting) -> Option<RawValue> {
            self.get(&["variant-", variant, "-", setting.attribute].concat())
        }
    }

    impl Attributes {
        fn get(&self, name: &str) -> Option<RawValue> {
            self.0
                .iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| RawValue::Text(value.to_string()))
        }
    }

    const VISITOR_CONTROL: &str = "9f86d081884c7d659a2feaa0c55ad015";
    const VISITOR_COMPACT: &str = "5d41402abc4b2a76b9719d911017c592";

    fn experiment_page(extra: &[(&'static str, &'static str)]) -> Attributes {
        let mut pairs = vec![
            ("table", "/t.table"),
            ("product", "SKU-123"),
            ("experiment", "fbt-2026-11"),
            ("variants", "control:45,compact:45,holdout:10"),
            ("variant-compact-max-suggestions", "2"),
            ("variant-compact-layout", "bundle"),
        ];
        pairs.extend_from_slice(extra);
        Attributes(pairs)
    }

    fn run(source: &Attributes, visitor: &str, forced: &[&str]) -> Configured {
        let forced: Vec<String> = forced.iter().map(|value| value.to_string()).collect();
        let page = PageFacts {
            page_view_id: "0b4e7a0e5fe84ad35fb5f95b9ceeac79",
            forced_variants: &forced,
        };
        configure(source, &page, || visitor.to_string()).expect("table and product are given")
    }

    #[test]
    fn the_documented_visitors_get_the_documented_variants_and_their_overrides() {
        let source = experiment_page(&[]);
        let control = run(&source, VISITOR_CONTROL, &[]);
        let assignment = control.measurement.assignment.clone().unwrap();
        assert_eq!(assignment.variant, "control");
        assert!(!assignment.holdout && !assignment.forced);
        assert_eq!(control.parsed.config.max_suggestions, 4);
        assert_eq!(control.parsed.config.layout, Layout::Carousel);

        let compact = run(&source, VISITOR_COMPACT, &[]);
        assert_eq!(compact.measurement.assignment.unwrap().variant, "compact");
        assert_eq!(compact.parsed.config.max_suggestions, 2);
        assert_eq!(compact.parsed.config.layout, Layout::Bundle);
        assert!(
            compact.parsed.warnings.is_empty(),
            "{:?}",
            compact.parsed.warnings
        );
    }

    #[test]
    fn a_variant_named_holdout_or_flagged_is_a_holdout() {
        // "visitor-5" lands in `holdout` (docs/events.md 4.3).
        let named = run(&experiment_page(&[]), "visitor-5", &[]);
        assert!(named.measurement.is_holdout());
        let flagged = run(
            &experiment_page(&[("variant-control-holdout", "")]),
            VISITOR_CONTROL,
            &[],
        );
        let assignment = flagged.measurement.assignment.unwrap();
        assert_eq!(assignment.variant, "control");
        assert!(assignment.holdout);
    }

    #[test]
    fn the_url_forces_a_known_variant_and_ignores_other_experiments() {
        let source = experiment_page(&[]);
        let forced = run(
            &source,
            VISITOR_CONTROL,
            &["other:control", "fbt-2026-11:compact"],
        );
        let assignment = forced.measurement.assignment.unwrap();
        assert_eq!(
            (assignment.variant.as_str(), assignment.forced),
            ("compact", true)
        );
        assert_eq!(forced.parsed.config.layout, Layout::Bundle);

        let other = run(&source, VISITOR_CONTROL, &["other:compact"]);
        assert_eq!(other.measurement.assignment.unwrap().variant, "control");

        let unknown = run(&source, VISITOR_CONTROL, &["fbt-2026-11:nope"]);
        let assignment = unknown.measurement.assignment.unwrap();
        assert_eq!(
            (assignment.variant.as_str(), assignment.forced),
            ("control", false)
        );
        assert_eq!(
            messages(&unknown.parsed),
            ["alsobought: alsobought_variant=fbt-2026-11:nope names no variant of this experiment; assigning as usual"]
        );
    }

    #[test]
    fn invalid_override_values_warn_with_the_variants_attribute_name() {
        let source = experiment_page(&[
            ("variant-compact-min-score", "lots"),
            ("variant-compact-fallback", "popular"),
            ("max-suggestions", "abc"),
        ]);
        let compact = run(&source, VISITOR_COMPACT, &[]);
        assert_eq!(compact.parsed.config.fallback, Fallback::BestSellers);
        assert_eq!(compact.parsed.config.min_score, 0.0);
        assert_eq!(
            messages(&compact.parsed),
            [
                "alsobought: data-variant-compact-min-score=\"lots\" is not a number; using 0",
                "alsobought: data-variant-compact-fallback=\"popular\" is not one of bestsellers, none; using bestsellers",
            ],
            "the overridden plain max-suggestions is not read, so not warned about"
        );
        let control = run(&source, VISITOR_CONTROL, &[]);
        assert_eq!(
            messages(&control.parsed),
            ["alsobought: data-max-suggestions=\"abc\" is not a number; using 4"]
        );
    }

    #[test]
    fn a_broken_experiment_is_off_with_one_warning() {
        let cases: [(&[(&'static str, &'static str)], &str); 4] = [
            (
                &[("experiment", "has space"), ("variants", "a,b")],
                "alsobought: data-experiment=\"has space\" is not 1 to 64 letters, digits, '.', '_' or '-'; the experiment is off",
            ),
            (
                &[("experiment", "e"), ("variants", "a:1,b")],
                "alsobought: data-variants=\"a:1,b\" is not up to 32 name:weight pairs such as \"control:50,holdout:50\" (distinct names of a-z 0-9 - _, whole weights, all weighted or none, not all 0); the experiment is off",
            ),
            (
                &[("experiment", "e")],
                "alsobought: data-experiment and data-variants go together, as text; the experiment is off",
            ),
            (
                &[("variants", "a,b")],
                "alsobought: data-experiment and data-variants go together, as text; the experiment is off",
            ),
        ];
        for (extra, expected) in cases {
            let mut pairs = vec![("table", "/t.table"), ("product", "P")];
            pairs.extend_from_slice(extra);
            let configured = run(&Attributes(pairs), VISITOR_CONTROL, &[]);
            assert_eq!(configured.measurement.assignment, None, "{expected}");
            assert_eq!(messages(&configured.parsed), [expected]);
        }
    }

    #[test]
    fn tracking_off_reads_no_id_and_ignores_the_experiment() {
        let source = experiment_page(&[("tracking", "OFF"), ("beacon", "/collect")]);
        let page = PageFacts {
            page_view_id: "p",
            forced_variants: &[],
        };
        let configured =
            configure(&source, &page, || panic!("no visitor id with tracking off")).unwrap();
        let measurement = configured.measurement;
        assert!(!measurement.tracking);
        assert_eq!(measurement.visitor_id, "");
        assert_eq!(measurement.assignment, None);
        assert_eq!(measurement.beacon, None);
        assert_eq!(
            configured.parsed.config.max_suggestions, 4,
            "plain attributes apply"
        );

        let bad = run(
            &experiment_page(&[("tracking", "maybe")]),
            VISITOR_CONTROL,
            &[],
        );
        assert!(bad.measurement.tracking);
        assert_eq!(
            messages(&bad.parsed),
            ["alsobought: data-tracking=\"maybe\" is not one of on, off; using on"]
        );
    }

    #[test]
    fn list_ids_and_names_default_from_the_context_and_the_title() {
        let product = run(&experiment_page(&[]), VISITOR_COMPACT, &[]).measurement;
        assert_eq!(product.list_id, PRODUCT_LIST_ID);
        assert_eq!(product.list_name, "Frequently bought together");
        assert_eq!(product.page_view_id, "0b4e7a0e5fe84ad35fb5f95b9ceeac79");
        assert_eq!(product.visitor_id, VISITOR_COMPACT);

        let cart = Attributes(vec![
            ("table", "/t.table"),
            ("cart", "A,B"),
            ("title", "Complete your order"),
            ("beacon", " https://collect.example/ab "),
        ]);
        let cart = run(&cart, VISITOR_CONTROL, &[]).measurement;
        assert_eq!(cart.list_id, CART_LIST_ID);
        assert_eq!(cart.list_name, "Complete your order");
        assert_eq!(cart.beacon.as_deref(), Some("https://collect.example/ab"));
        assert_eq!(cart.assignment, None);

        let named = Attributes(vec![
            ("table", "/t.table"),
            ("product", "P"),
            ("list-id", "pdp_fbt"),
            ("list-name", "PDP bundle"),
        ]);
        let named = run(&named, VISITOR_CONTROL, &[]).measurement;
        assert_eq!(
            (named.list_id.as_str(), named.list_name.as_str()),
            ("pdp_fbt", "PDP bundle")
        );
    }

    #[test]
    fn a_forced_variant_is_found_among_several_experiments() {
        let values = ["x:a".to_string(), "e".to_string(), "e:b".to_string()];
        assert_eq!(forced_variant(&values, "e").as_deref(), Some("b"));
        assert_eq!(forced_variant(&values, "x").as_deref(), Some("a"));
        assert_eq!(forced_variant(&values, "y"), None);
        assert_eq!(forced_variant(&[], "e"), None);
    }
}
