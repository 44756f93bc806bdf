//! What the console says about a widget's settings: [`Warning`]s about values the
//! widget did not use, and [`ConfigError`]s that stop it.
//!
//! Both stay typed values until the console: the validation records which setting,
//! what was wrong and what the widget did instead; a variant's override re-labels a
//! warning by setting its `variant`; and [`Warning::message`] is the one place the
//! text is written, spelled for where the store wrote the setting ([`Origin`]).

use super::source::{Origin, RawValue, Setting, EXPERIMENT, FORCE_PARAMETER, VARIANTS};
use crate::json_text::{concat, decimal};

/// A value the widget did not use, or an experiment it could not run.
#[derive(Clone, Debug, PartialEq)]
pub enum Warning {
    /// `alsobought: <name>[="<text>"]<problem>; <outcome>`.
    Rejected {
        /// The setting whose value was rejected.
        setting: Setting,
        /// The variant whose override held the value: the warning then names the
        /// variant's attribute (`data-variant-b-layout`), the one the store must fix.
        variant: Option<String>,
        /// The text the store wrote, quoted in the message (numbers and lists are not).
        written: Option<String>,
        /// What is wrong with it.
        problem: Problem,
        /// What the widget does instead.
        outcome: Outcome,
    },
    /// Only one of `data-experiment` and `data-variants`, or one that is not text.
    ExperimentIncomplete,
    /// `?alsobought_variant=<experiment>:<variant>` names a variant the experiment lacks.
    UnknownForcedVariant {
        /// The widget's experiment.
        experiment: String,
        /// The variant the URL asked for.
        variant: String,
    },
}

/// Why a value was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Problem {
    /// Not a number at all.
    NotANumber,
    /// A number, but not a whole non-negative one.
    NotAWholeNumber,
    /// Below the minimum given (`1`, `1 ms`).
    Below(&'static str),
    /// A count above the hard maximum of suggestions; the message shows the count.
    AboveMaximum(u64),
    /// None of the words given (or the range, as one "word"); the message lists them,
    /// so each setting's choices are written once, where they are parsed.
    NotOneOf(&'static [&'static str]),
    /// Not shaped like a BCP 47 tag.
    NotALocale,
    /// Not a 3-letter currency code.
    NotACurrency,
    /// Not a valid experiment name.
    NotAnExperimentName,
    /// Not a valid variants spec.
    NotAVariantSpec,
}

/// What the widget did instead of using a rejected value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// It used this default (`4`, `no limit`, `the browser's locale`).
    Using(&'static str),
    /// It runs without its experiment.
    ExperimentOff,
}

impl Warning {
    /// `value` of `setting` rejected for `problem`; a variant's override is labelled
    /// later, by whoever knows the variant.
    pub fn rejected(
        setting: Setting,
        value: &RawValue,
        problem: Problem,
        outcome: Outcome,
    ) -> Self {
        let written = match value {
            RawValue::Text(text) => Some(text.clone()),
            RawValue::Number(_) | RawValue::List(_) => None,
        };
        Warning::Rejected {
            setting,
            variant: None,
            written,
            problem,
            outcome,
        }
    }

    /// The console line, naming settings as the store wrote them.
    pub fn message(&self, origin: Origin) -> String {
        let mut message = String::from("alsobought: ");
        match self {
            Warning::Rejected {
                setting,
                variant,
                written,
                problem,
                outcome,
            } => {
                push_name(&mut message, origin, variant.as_deref(), *setting);
                if let Some(text) = written {
                    message.push_str("=\"");
                    message.push_str(text);
                    message.push('"');
                }
                let (reason, detail) = match problem {
                    Problem::NotANumber => (" is not a number", ""),
                    Problem::NotAWholeNumber => (" is not a whole number", ""),
                    Problem::Below(minimum) => (" is below ", *minimum),
                    Problem::AboveMaximum(count) => {
                        message.push('=');
                        message.push_str(&decimal(*count));
                        (" is above the maximum of 12", "")
                    }
                    Problem::NotOneOf(choices) => {
                        message.push_str(" is not one of ");
                        for (index, choice) in choices.iter().enumerate() {
                            if index > 0 {
                                message.push_str(", ");
                            }
                            message.push_str(choice);
                        }
                        ("", "")
                    }
                    Problem::NotALocale => (" is not a BCP 47 locale such as en-GB", ""),
                    Problem::NotACurrency => {
                        (" is not a 3-letter ISO 4217 currency code such as EUR", "")
                    }
                    Problem::NotAnExperimentName => {
                        (" is not 1 to 64 letters, digits, '.', '_' or '-'", "")
                    }
                    Problem::NotAVariantSpec => (
                        " is not up to 32 name:weight pairs such as \"control:50,holdout:50\" \
                         (distinct names of a-z 0-9 - _, whole weights, all weighted or none, not all 0)",
                        "",
                    ),
                };
                message.push_str(reason);
                message.push_str(detail);
                match outcome {
                    Outcome::Using(default) => {
                        message.push_str("; using ");
                        message.push_str(default);
                    }
                    Outcome::ExperimentOff => message.push_str(EXPERIMENT_OFF),
                }
            }
            Warning::ExperimentIncomplete => {
                push_name(&mut message, origin, None, EXPERIMENT);
                message.push_str(" and ");
                push_name(&mut message, origin, None, VARIANTS);
                message.push_str(" go together, as text");
                message.push_str(EXPERIMENT_OFF);
            }
            Warning::UnknownForcedVariant {
                experiment,
                variant,
            } => {
                for part in [FORCE_PARAMETER, "=", experiment, ":", variant] {
                    message.push_str(part);
                }
                message.push_str(" names no variant of this experiment; assigning as usual");
            }
        }
        message
    }
}

const EXPERIMENT_OFF: &str = "; the experiment is off";

/// How the store wrote a setting: `data-list-id` or `listId`, and a variant's setting
/// `data-variant-b-layout` or `variantSettings.b.layout`.
fn push_name(message: &mut String, origin: Origin, variant: Option<&str>, setting: Setting) {
    let parts = match (origin, variant) {
        (Origin::Attributes, None) => ["data-", setting.attribute, "", ""],
        (Origin::Options, None) => [setting.option, "", "", ""],
        (Origin::Attributes, Some(variant)) => ["data-variant-", variant, "-", setting.attribute],
        (Origin::Options, Some(variant)) => ["variantSettings.", variant, ".", setting.option],
    };
    for part in parts {
        message.push_str(part);
    }
}

/// Why a widget cannot start at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConfigError {
    /// No `data-table`.
    MissingTable,
    /// Neither `data-product` nor `data-cart` names a product.
    MissingContext,
    /// The JS `mount(element, options)` was given options that are not an object.
    OptionsNotAnObject,
}

impl ConfigError {
    /// The console message: what is wrong and how to fix it.
    pub fn message(&self, origin: Origin) -> String {
        let (table, product, cart) = match origin {
            Origin::Attributes => ("data-table", "data-product", "data-cart"),
            Origin::Options => ("table", "product", "cart"),
        };
        match self {
            ConfigError::MissingTable => concat(&[
                "alsobought: no table given; set ",
                table,
                " to the URL of the .table file",
            ]),
            ConfigError::MissingContext => concat(&[
                "alsobought: no product given; set ",
                product,
                " to the product id on screen or ",
                cart,
                " to the comma-separated ids in the cart",
            ]),
            ConfigError::OptionsNotAnObject => String::from(
                "alsobought: mount() options must be an object such as { table, product }",
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::settings::source::{LAYOUT, MAX_SUGGESTIONS};

    #[test]
    fn a_variants_override_is_named_as_the_store_wrote_it() {
        let warning = Warning::Rejected {
            setting: LAYOUT,
            variant: Some("b".into()),
            written: Some("grid".into()),
            problem: Problem::NotOneOf(&["carousel", "bundle"]),
            outcome: Outcome::Using("carousel"),
        };
        assert_eq!(
            warning.message(Origin::Attributes),
            "alsobought: data-variant-b-layout=\"grid\" is not one of carousel, bundle; using carousel"
        );
        assert_eq!(
            warning.message(Origin::Options),
            "alsobought: variantSettings.b.layout=\"grid\" is not one of carousel, bundle; using carousel"
        );
    }

    #[test]
    fn a_count_above_the_maximum_is_shown_unquoted_in_either_spelling() {
        let warning = Warning::Rejected {
            setting: MAX_SUGGESTIONS,
            variant: None,
            written: None,
            problem: Problem::AboveMaximum(50),
            outcome: Outcome::Using("12"),
        };
        assert_eq!(
            warning.message(Origin::Options),
            "alsobought: maxSuggestions=50 is above the maximum of 12; using 12"
        );
    }

    #[test]
    fn an_incomplete_experiment_names_both_settings() {
        assert_eq!(
            Warning::ExperimentIncomplete.message(Origin::Options),
            "alsobought: experiment and variants go together, as text; the experiment is off"
        );
    }
}
