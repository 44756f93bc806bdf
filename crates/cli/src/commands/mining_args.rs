//! The mining knobs alsobought-mining offers, as flags shared by `build` and `evaluate`
//! (so an evaluation measures exactly the table a build would write).

use std::fmt;

use alsobought_core::scoring::CartCombination;
use alsobought_mining::tuning::Scoring;
use alsobought_mining::{MiningOptions, ScoreMeasure, UnknownMeasure};
use clap::{Args, ValueEnum};

/// A score measure as a flag value: shown in `--help` by its name, so the default
/// printed there is always the core's current default.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MeasureFlag(pub ScoreMeasure);

impl fmt::Display for MeasureFlag {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0.name())
    }
}

fn parse_measure(text: &str) -> Result<MeasureFlag, UnknownMeasure> {
    ScoreMeasure::parse(text).map(MeasureFlag)
}

/// Parses a cart combination as [`CartCombination::name`] writes it, its parameter
/// checked by the range the table header accepts.
fn parse_cart_combination(text: &str) -> Result<CartCombination, String> {
    let (kind, parameter) = match text.split_once(':') {
        Some((kind, parameter)) => (kind, parameter.parse::<f32>().ok()),
        None => (text, Some(0.0)),
    };
    let code = match kind {
        "max" => Some(0),
        "sum" => Some(1),
        "normalized-sum" => Some(2),
        "max-then-sum" => Some(3),
        "reciprocal-rank" => Some(4),
        _ => None,
    };
    code.zip(parameter)
        .and_then(|(code, parameter)| CartCombination::from_code(code, parameter))
        .ok_or_else(|| {
            format!(
                "unknown cart combination `{text}`: use one of max, sum, normalized-sum, \
                 max-then-sum:W (0 ≤ W ≤ 1), reciprocal-rank:OFFSET (0 < OFFSET ≤ 1000)"
            )
        })
}

/// Parses `--category-weight`: a number from 0 to [`MAX_CATEGORY_WEIGHT`].
fn parse_category_weight(text: &str) -> Result<f32, String> {
    text.parse::<f32>()
        .ok()
        .filter(|weight| (0.0..=MAX_CATEGORY_WEIGHT).contains(weight))
        .ok_or_else(|| {
            format!("`{text}` is not a category weight: use a number from 0 (off) to {MAX_CATEGORY_WEIGHT}")
        })
}

/// Past this, a product's category best-sellers would drown every bought-together
/// suggestion it has.
const MAX_CATEGORY_WEIGHT: f32 = 4.0;

/// Whether `build` and `evaluate` choose the scoring on held-out orders.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum TuneSetting {
    /// Choose measure, minimum pair count, cart combination and category weight on
    /// held-out orders.
    On,
    /// Use the defaults (or the scoring flags given).
    Off,
}

/// How pairs become neighbours.
#[derive(Debug, Args)]
#[command(next_help_heading = "Mining")]
pub struct MiningArgs {
    /// Keep the K best neighbours of each product, 1 to 255.
    #[arg(long, value_name = "K", default_value_t = MiningOptions::default().max_neighbours,
          value_parser = clap::value_parser!(u8).range(1..))]
    pub neighbours: u8,

    /// How a pair is scored: count, confidence, lift, cosine, jaccard, log-likelihood,
    /// shrunk-cosine[:K], asymmetric-cosine[:ALPHA] or basket-weighted[:ALPHA] (the
    /// same over co-purchases weighted by 1 / (order size − 1); needs the orders in
    /// memory). Giving it (or --min-pair-count, --cart-combination,
    /// --category-weight) turns tuning off [default: tuned; asymmetric-cosine:0.9
    /// untuned].
    #[arg(long, value_name = "MEASURE", value_parser = parse_measure)]
    pub measure: Option<MeasureFlag>,

    /// Products bought together in fewer than N orders are not neighbours [default:
    /// tuned; 1 untuned].
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
    pub min_pair_count: Option<u32>,

    /// How the widget combines a cart's neighbour lists: max, sum, normalized-sum,
    /// max-then-sum:W or reciprocal-rank:OFFSET; stored in the table [default: tuned;
    /// max untuned].
    #[arg(long, value_name = "COMBINATION", value_parser = parse_cart_combination)]
    pub cart_combination: Option<CartCombination>,

    /// How strongly each product's catalog-category best-sellers join its
    /// suggestions, 0 to 4: each gains W × the mean score of the product's
    /// suggestions × its sales over its category's best-seller's, so 1 puts the
    /// category's best-seller level with a typical partner. Helps where shoppers fill
    /// a basket around what they came for (a grocer); 0 turns it off [default:
    /// tuned among 0, 0.5, 1 and 2 when the catalog has categories; 0 untuned].
    #[arg(long, value_name = "W", value_parser = parse_category_weight)]
    pub category_weight: Option<f32>,

    /// Choose the scoring for these orders: hold out a fifth of them by order-id
    /// hash, compare a fixed family of measures, minimum pair counts, cart
    /// combinations and category weights on product-page and cart HitRate@5 against
    /// popularity and raw co-occurrence, then mine all orders with the winner.
    #[arg(long, value_name = "WHEN", default_value = "on")]
    pub tune: TuneSetting,

    /// Length of the best-seller list that fills slots when a product has too few
    /// neighbours, 0 to 255.
    #[arg(long, value_name = "N", default_value_t = MiningOptions::default().best_seller_count as u8)]
    pub best_sellers: u8,

    /// Products with fewer than N neighbours get their list filled up to N at build
    /// time from the best-sellers of their own catalog category, then the store's,
    /// ranked below every bought-together suggestion; 0 to 64, 0 turns it off. The
    /// default is the widget's default number of suggestions, so a page shows related
    /// products before storewide best-sellers, and no table grows past that.
    #[arg(long, value_name = "N", default_value_t = 4,
          value_parser = clap::value_parser!(u8).range(0..=64))]
    pub cold_start_fill: u8,
}

impl MiningArgs {
    /// The miner's options these flags describe, with the untuned scoring.
    pub fn options(&self) -> MiningOptions {
        MiningOptions {
            max_neighbours: self.neighbours,
            best_seller_count: usize::from(self.best_sellers),
            cold_start_fill: self.cold_start_fill,
            ..MiningOptions::default()
        }
        .with_scoring(&self.untuned_scoring())
    }

    /// The scoring flags given, or the defaults for those not given.
    pub fn untuned_scoring(&self) -> Scoring {
        Scoring {
            measure: self.measure.map_or(Scoring::DEFAULT.measure, |flag| flag.0),
            min_together: self.min_pair_count.unwrap_or(Scoring::DEFAULT.min_together),
            combination: self
                .cart_combination
                .unwrap_or(Scoring::DEFAULT.combination),
            category_weight: self
                .category_weight
                .unwrap_or(Scoring::DEFAULT.category_weight),
        }
    }

    /// Why the scoring is not tuned, if it is not: the first scoring flag given, or
    /// `--tune off`.
    pub fn untuned_because(&self) -> Option<&'static str> {
        if self.measure.is_some() {
            Some("--measure")
        } else if self.min_pair_count.is_some() {
            Some("--min-pair-count")
        } else if self.cart_combination.is_some() {
            Some("--cart-combination")
        } else if self.category_weight.is_some() {
            Some("--category-weight")
        } else if self.tune == TuneSetting::Off {
            Some("--tune off")
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flag_defaults_are_the_cores_defaults() {
        let defaults = MiningOptions::default();
        let shown = MeasureFlag(ScoreMeasure::DEFAULT).to_string();
        assert_eq!(parse_measure(&shown), Ok(MeasureFlag(defaults.measure)));
        assert!(defaults.best_seller_count <= usize::from(u8::MAX));
    }

    #[test]
    fn cart_combinations_parse_as_named() {
        for name in [
            "max",
            "sum",
            "normalized-sum",
            "max-then-sum:0.25",
            "reciprocal-rank:60",
        ] {
            let parsed = parse_cart_combination(name).map(|combination| combination.name());
            assert_eq!(parsed.as_deref(), Ok(name));
        }
        for bad in [
            "",
            "maximum",
            "max:1",
            "max-then-sum:2",
            "reciprocal-rank:0",
        ] {
            let error = parse_cart_combination(bad).unwrap_err();
            assert!(error.contains("use one of"), "{error}");
        }
    }
}
