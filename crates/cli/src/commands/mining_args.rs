//! The mining knobs alsobought-mining offers, as flags shared by `build` and `evaluate`
//! (so an evaluation measures exactly the table a build would write).

use std::fmt;

use alsobought_mining::{MiningOptions, ScoreMeasure, UnknownMeasure};
use clap::Args;

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

/// How pairs become neighbours.
#[derive(Debug, Args)]
#[command(next_help_heading = "Mining")]
pub struct MiningArgs {
    /// Keep the K best neighbours of each product, 1 to 255.
    #[arg(long, value_name = "K", default_value_t = MiningOptions::default().max_neighbours,
          value_parser = clap::value_parser!(u8).range(1..))]
    pub neighbours: u8,

    /// How a pair is scored: count, confidence, lift, cosine, jaccard, log-likelihood,
    /// shrunk-cosine[:K] or asymmetric-cosine[:ALPHA].
    #[arg(long, value_name = "MEASURE", default_value_t = MeasureFlag(ScoreMeasure::DEFAULT),
          value_parser = parse_measure)]
    pub measure: MeasureFlag,

    /// Products bought together in fewer than N orders are not neighbours.
    #[arg(long, value_name = "N", default_value_t = MiningOptions::default().min_together,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub min_pair_count: u32,

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
    /// The miner's options these flags describe.
    pub fn options(&self) -> MiningOptions {
        MiningOptions {
            measure: self.measure.0,
            max_neighbours: self.neighbours,
            min_together: self.min_pair_count,
            best_seller_count: usize::from(self.best_sellers),
            cold_start_fill: self.cold_start_fill,
            ..MiningOptions::default()
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
}
