//! How strongly two products go together, from how often they were bought together
//! and apart.
//!
//! Several classic measures are implemented so the default can be chosen by offline
//! evaluation on real orders rather than by taste; `docs/scoring.md` holds the
//! comparison and the reasons for the default.

use alsobought_core::scoring::CartCombination;

/// The counts a measure sees for one (context product, neighbour) pair.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PairCounts {
    /// Orders containing both products.
    pub together: u32,
    /// The same orders, each counted as 1 / (its products − 1): an order shares one
    /// unit of co-purchase among its products, so a two-line order (a planted pair, far
    /// more often than not) weighs what a twenty-line bulk order weighs for each of its
    /// pairs nineteen times over. Only [`ScoreMeasure::BasketWeighted`] reads it; the
    /// paths that count pairs without their baskets cannot fill it
    /// ([`ScoreMeasure::needs_basket_sizes`]).
    pub shared: f64,
    /// Orders containing the context product (the one whose page shows the neighbour).
    pub context: u32,
    /// Orders containing the neighbour.
    pub neighbour: u32,
    /// Orders mined.
    pub orders: u64,
}

/// [`PairCounts::shared`] is summed in fixed point, units of 2^-20 of a co-purchase: an
/// integer sum is the same whatever order the orders are added in, so the table does
/// not depend on the thread count (a float sum would, in its last bit).
const SHARE_UNITS_PER_ORDER: u64 = 1 << 20;

/// What one order of `products` products adds to each of its pairs' shared count, in
/// fixed-point units (see [`PairCounts::shared`]).
pub(crate) fn share_units(products: usize) -> u64 {
    SHARE_UNITS_PER_ORDER / (products.max(2) as u64 - 1)
}

/// A pair's summed [`share_units`] as [`PairCounts::shared`].
pub(crate) fn shared_from_units(units: u64) -> f64 {
    units as f64 / SHARE_UNITS_PER_ORDER as f64
}

/// How a pair's counts become a neighbour score (higher is a stronger suggestion).
///
/// Scores are always finite and positive, as the table's log-scale quantization needs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ScoreMeasure {
    /// Orders containing both: the naive co-occurrence baseline; favours best-sellers.
    Count,
    /// `together / context`, the share of the context product's orders that contain
    /// the neighbour: ranks a product's neighbours like `Count`, but is comparable
    /// across context products (matters when a cart sums several).
    Confidence,
    /// `together · orders / (context · neighbour)`: observed over expected; favours
    /// rare products, one shared order can make a huge lift.
    Lift,
    /// `together / sqrt(context · neighbour)`.
    Cosine,
    /// `together / (context + neighbour − together)`.
    Jaccard,
    /// `together / (together + shrinkage) · cosine`: cosine damped while the evidence
    /// is a handful of orders.
    ShrunkCosine {
        /// Pseudo-count; at `together = shrinkage` the cosine is halved.
        shrinkage: f32,
    },
    /// `together / (context^alpha · neighbour^(1 − alpha))`: `alpha = 0.5` is cosine,
    /// `alpha = 1` is confidence; in between penalises popular neighbours less than
    /// cosine does; above 1 lifts them (best-sellers re-rank upwards, which pays in
    /// shops where everyone buys the staples).
    AsymmetricCosine {
        /// Weight of the context product's popularity, 0..=2.
        alpha: f32,
    },
    /// Dunning's log-likelihood ratio G² of the 2×2 contingency table, kept only when
    /// the pair is bought together more often than independence predicts.
    LogLikelihood,
    /// [`ScoreMeasure::AsymmetricCosine`] over co-purchases weighted by the size of the
    /// order they were in (`shared / (context^alpha · neighbour^(1 − alpha))`, see
    /// [`PairCounts::shared`]): the partner bought with a product in one short order
    /// beats the noise of one long order. Wins carts where single shared orders decide
    /// (long-tail catalogs, docs/scoring.md).
    BasketWeighted {
        /// Weight of the context product's popularity, 0..=2.
        alpha: f32,
    },
}

impl ScoreMeasure {
    /// The measure `alsobought build` uses unless told otherwise (chosen by evaluation
    /// on the Online Retail II orders; see `docs/scoring.md`).
    pub const DEFAULT: ScoreMeasure = ScoreMeasure::AsymmetricCosine { alpha: 0.9 };

    /// Whether the measure reads [`PairCounts::shared`], which only a count over the
    /// baskets themselves gives (not pair statistics counted elsewhere, nor the pair
    /// runs of a build that spilled).
    pub fn needs_basket_sizes(&self) -> bool {
        matches!(self, ScoreMeasure::BasketWeighted { .. })
    }

    /// The pair's score, or `None` when the measure sees no positive association.
    pub fn score(&self, counts: PairCounts) -> Option<f32> {
        let context = f64::from(counts.context);
        let neighbour = f64::from(counts.neighbour);
        self.score_with_powers(
            counts,
            self.context_power(context),
            self.neighbour_power(neighbour),
        )
    }

    /// The power of the context product's order count the measure divides by
    /// (`c^alpha`, `sqrt(c)`, or 1 for measures without one). The miner computes it
    /// once per product rather than once per pair: `powf` dominated mining time.
    pub(crate) fn context_power(&self, count: f64) -> f64 {
        match *self {
            ScoreMeasure::Cosine | ScoreMeasure::ShrunkCosine { .. } => count.sqrt(),
            ScoreMeasure::AsymmetricCosine { alpha } | ScoreMeasure::BasketWeighted { alpha } => {
                count.powf(f64::from(alpha))
            }
            _ => 1.0,
        }
    }

    /// The neighbour's counterpart of [`ScoreMeasure::context_power`].
    pub(crate) fn neighbour_power(&self, count: f64) -> f64 {
        match *self {
            ScoreMeasure::Cosine | ScoreMeasure::ShrunkCosine { .. } => count.sqrt(),
            ScoreMeasure::AsymmetricCosine { alpha } | ScoreMeasure::BasketWeighted { alpha } => {
                count.powf(1.0 - f64::from(alpha))
            }
            _ => 1.0,
        }
    }

    /// [`ScoreMeasure::score`] given the two powers, so precomputed and on-the-fly
    /// scores are bit-for-bit equal.
    pub(crate) fn score_with_powers(
        &self,
        counts: PairCounts,
        context_power: f64,
        neighbour_power: f64,
    ) -> Option<f32> {
        if counts.together == 0 || counts.context == 0 || counts.neighbour == 0 {
            return None;
        }
        let together = f64::from(counts.together);
        let context = f64::from(counts.context);
        let neighbour = f64::from(counts.neighbour);
        let orders = counts.orders as f64;
        let score = match *self {
            ScoreMeasure::Count => together,
            ScoreMeasure::Confidence => together / context,
            ScoreMeasure::Lift => together * orders / (context * neighbour),
            ScoreMeasure::Jaccard => together / (context + neighbour - together),
            ScoreMeasure::Cosine | ScoreMeasure::AsymmetricCosine { .. } => {
                together / (context_power * neighbour_power)
            }
            ScoreMeasure::BasketWeighted { .. } => {
                counts.shared / (context_power * neighbour_power)
            }
            ScoreMeasure::ShrunkCosine { shrinkage } => {
                together / (together + f64::from(shrinkage)) * together
                    / (context_power * neighbour_power)
            }
            ScoreMeasure::LogLikelihood => {
                if together * orders <= context * neighbour {
                    return None;
                }
                log_likelihood_ratio(counts)
            }
        };
        // f32 keeps the quantizer's input small; the cast cannot make a finite positive
        // f64 of these magnitudes non-finite, but the check keeps the promise explicit.
        let score = score as f32;
        (score.is_finite() && score > 0.0).then_some(score)
    }

    /// A short stable name for reports and command-line flags (`shrunk-cosine:2`).
    pub fn name(&self) -> String {
        match *self {
            ScoreMeasure::Count => "count".into(),
            ScoreMeasure::Confidence => "confidence".into(),
            ScoreMeasure::Lift => "lift".into(),
            ScoreMeasure::Cosine => "cosine".into(),
            ScoreMeasure::Jaccard => "jaccard".into(),
            ScoreMeasure::ShrunkCosine { shrinkage } => format!("shrunk-cosine:{shrinkage}"),
            ScoreMeasure::AsymmetricCosine { alpha } => format!("asymmetric-cosine:{alpha}"),
            ScoreMeasure::LogLikelihood => "log-likelihood".into(),
            ScoreMeasure::BasketWeighted { alpha } => format!("basket-weighted:{alpha}"),
        }
    }

    /// Parses a name as written by [`ScoreMeasure::name`]; the parameter after `:` is
    /// optional: shrinkage defaults to 2, alpha to 0.9 (the default measure's).
    pub fn parse(name: &str) -> Result<ScoreMeasure, UnknownMeasure> {
        let (kind, parameter) = match name.split_once(':') {
            Some((kind, parameter)) => (kind, Some(parameter)),
            None => (name, None),
        };
        let unknown = || UnknownMeasure {
            name: name.to_owned(),
        };
        let number = |default: f32| -> Result<f32, UnknownMeasure> {
            match parameter {
                None => Ok(default),
                Some(text) => text
                    .parse::<f32>()
                    .ok()
                    .filter(|value| value.is_finite() && *value >= 0.0)
                    .ok_or_else(unknown),
            }
        };
        let plain =
            |measure: ScoreMeasure| parameter.is_none().then_some(measure).ok_or_else(unknown);
        match kind {
            "count" => plain(ScoreMeasure::Count),
            "confidence" => plain(ScoreMeasure::Confidence),
            "lift" => plain(ScoreMeasure::Lift),
            "cosine" => plain(ScoreMeasure::Cosine),
            "jaccard" => plain(ScoreMeasure::Jaccard),
            "log-likelihood" => plain(ScoreMeasure::LogLikelihood),
            "shrunk-cosine" => Ok(ScoreMeasure::ShrunkCosine {
                shrinkage: number(2.0)?,
            }),
            "asymmetric-cosine" | "basket-weighted" => {
                let alpha = number(0.9)?;
                if alpha > MAX_ALPHA {
                    return Err(unknown());
                }
                Ok(if kind == "asymmetric-cosine" {
                    ScoreMeasure::AsymmetricCosine { alpha }
                } else {
                    ScoreMeasure::BasketWeighted { alpha }
                })
            }
            _ => Err(unknown()),
        }
    }
}

/// The largest asymmetric-cosine alpha: past it a neighbour's popularity outweighs
/// the pair's own evidence and every page shows the best-sellers.
const MAX_ALPHA: f32 = 2.0;

impl Default for ScoreMeasure {
    fn default() -> Self {
        ScoreMeasure::DEFAULT
    }
}

/// A measure name [`ScoreMeasure::parse`] does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown score measure `{name}`: use one of count, confidence, lift, cosine, jaccard, \
     log-likelihood, shrunk-cosine[:K] (K ≥ 0), asymmetric-cosine[:ALPHA] or \
     basket-weighted[:ALPHA] (0 ≤ ALPHA ≤ 2)"
)]
pub struct UnknownMeasure {
    /// The name as given.
    pub name: String,
}

/// Dunning's G² = 2 · N · mutual information of the pair's 2×2 table, computed from
/// unnormalised entropies the way Mahout does (stable for large counts).
fn log_likelihood_ratio(counts: PairCounts) -> f64 {
    let both = u64::from(counts.together);
    let context_only = u64::from(counts.context) - both;
    let neighbour_only = u64::from(counts.neighbour) - both;
    let neither = counts
        .orders
        .saturating_sub(both + context_only + neighbour_only);
    let row_entropy = entropy(&[both + context_only, neighbour_only + neither]);
    let column_entropy = entropy(&[both + neighbour_only, context_only + neither]);
    let matrix_entropy = entropy(&[both, context_only, neighbour_only, neither]);
    (2.0 * (row_entropy + column_entropy - matrix_entropy)).max(0.0)
}

/// `N · H` for the counts `k` with total `N` (Shannon entropy in nats, unnormalised).
fn entropy(counts: &[u64]) -> f64 {
    let x_log_x = |x: u64| {
        if x == 0 {
            0.0
        } else {
            x as f64 * (x as f64).ln()
        }
    };
    let total: u64 = counts.iter().sum();
    x_log_x(total) - counts.iter().map(|&count| x_log_x(count)).sum::<f64>()
}
/// One way to score a store: how pairs are scored and thresholded, and how a cart's
/// lists combine.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Scoring {
    /// How a pair is scored.
    pub measure: ScoreMeasure,
    /// Pairs bought together in fewer orders are not neighbours.
    pub min_together: u32,
    /// How a cart's neighbour lists become one ranking.
    pub combination: CartCombination,
    /// How strongly a product's category best-sellers join its neighbours (0: not at
    /// all); see [`crate::MiningOptions::category_weight`].
    pub category_weight: f32,
}

impl Scoring {
    /// What a build without tuning uses.
    pub const DEFAULT: Scoring = Scoring {
        measure: ScoreMeasure::DEFAULT,
        min_together: 1,
        combination: CartCombination::DEFAULT,
        category_weight: 0.0,
    };

    /// `asymmetric-cosine:0.9 + max, pairs in ≥ 2 orders, category best-sellers ×0.5`,
    /// for reports.
    pub fn name(&self) -> String {
        let mut name = format!("{} + {}", self.measure.name(), self.combination.name());
        if self.min_together > 1 {
            name.push_str(&format!(", pairs in ≥ {} orders", self.min_together));
        }
        if self.category_weight > 0.0 {
            name.push_str(&format!(
                ", category best-sellers ×{}",
                self.category_weight
            ));
        }
        name
    }
}
