//! How a cart's neighbour lists become one ranking. A build may choose it for its store
//! (`alsobought build` tunes it on held-out orders) and stores it in the table header
//! (format version 2, `docs/format.md` §3); scoring applies what the header says.
//! Its own module because the format stores it and scoring applies it, and neither of
//! those should reach into the other for it.

/// How the neighbour lists of several context products (a cart) become one ranking.
/// With one product in context they all rank alike.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum CartCombination {
    /// Sum of the scores: products several cart items point to rise.
    Sum,
    /// Sum of each score divided by its list's best score, so a cart item with strong
    /// associations does not drown the others.
    NormalizedSum,
    /// The best single score: the strongest association wins.
    Max,
    /// The best single score, plus `sum_weight` times the scores of the other context
    /// products naming it: max, with agreement between cart items as a tie-breaker.
    MaxThenSum {
        /// Weight of the other context products' scores (0 is `Max`, 1 is `Sum`).
        sum_weight: f32,
    },
    /// Reciprocal-rank fusion: Σ 1 / (offset + rank), ranks from 1; ignores scores.
    ReciprocalRank {
        /// Damping of the top ranks (60 in the original paper).
        offset: f32,
    },
}

impl CartCombination {
    /// What a table without a stored combination is scored with (format version 1;
    /// chosen by evaluation on cart queries, see `docs/scoring.md`).
    pub const DEFAULT: CartCombination = CartCombination::Max;

    /// A short stable name for reports.
    pub fn name(&self) -> String {
        match *self {
            CartCombination::Sum => "sum".into(),
            CartCombination::NormalizedSum => "normalized-sum".into(),
            CartCombination::Max => "max".into(),
            CartCombination::MaxThenSum { sum_weight } => format!("max-then-sum:{sum_weight}"),
            CartCombination::ReciprocalRank { offset } => format!("reciprocal-rank:{offset}"),
        }
    }
}

impl Default for CartCombination {
    fn default() -> Self {
        CartCombination::DEFAULT
    }
}

/// Header kind bytes of the combinations (`docs/format.md` §3).
const KIND_MAX: u8 = 0;
const KIND_SUM: u8 = 1;
const KIND_NORMALIZED_SUM: u8 = 2;
const KIND_MAX_THEN_SUM: u8 = 3;
const KIND_RECIPROCAL_RANK: u8 = 4;
/// The largest reciprocal-rank offset a header may hold: beyond it every rank scores
/// alike and the ranking is by product number alone.
const MAX_RECIPROCAL_RANK_OFFSET: f32 = 1000.0;

impl CartCombination {
    /// The header's encoding: a kind byte and an `f32` parameter (0 for the kinds that
    /// take none).
    pub fn to_code(self) -> (u8, f32) {
        match self {
            CartCombination::Max => (KIND_MAX, 0.0),
            CartCombination::Sum => (KIND_SUM, 0.0),
            CartCombination::NormalizedSum => (KIND_NORMALIZED_SUM, 0.0),
            CartCombination::MaxThenSum { sum_weight } => (KIND_MAX_THEN_SUM, sum_weight),
            CartCombination::ReciprocalRank { offset } => (KIND_RECIPROCAL_RANK, offset),
        }
    }

    /// The combination a header's kind byte and parameter name, or `None` when the kind
    /// is unknown or the parameter out of its range: a sum weight in 0..=1, a
    /// reciprocal-rank offset in (0, 1000], exactly +0.0 for the others.
    pub fn from_code(kind: u8, parameter: f32) -> Option<CartCombination> {
        let no_parameter = parameter.to_bits() == 0;
        match kind {
            KIND_MAX if no_parameter => Some(CartCombination::Max),
            KIND_SUM if no_parameter => Some(CartCombination::Sum),
            KIND_NORMALIZED_SUM if no_parameter => Some(CartCombination::NormalizedSum),
            KIND_MAX_THEN_SUM if (0.0..=1.0).contains(&parameter) => {
                Some(CartCombination::MaxThenSum {
                    sum_weight: parameter,
                })
            }
            KIND_RECIPROCAL_RANK if parameter > 0.0 && parameter <= MAX_RECIPROCAL_RANK_OFFSET => {
                Some(CartCombination::ReciprocalRank { offset: parameter })
            }
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_combination_survives_its_header_code() {
        for combination in [
            CartCombination::Max,
            CartCombination::Sum,
            CartCombination::NormalizedSum,
            CartCombination::MaxThenSum { sum_weight: 0.25 },
            CartCombination::ReciprocalRank { offset: 60.0 },
        ] {
            let (kind, parameter) = combination.to_code();
            assert_eq!(
                CartCombination::from_code(kind, parameter),
                Some(combination)
            );
        }
    }

    #[test]
    fn codes_out_of_range_are_refused() {
        for (kind, parameter) in [
            (5, 0.0),
            (KIND_MAX, 1.0),
            (KIND_SUM, -0.0),
            (KIND_MAX_THEN_SUM, 1.5),
            (KIND_MAX_THEN_SUM, f32::NAN),
            (KIND_RECIPROCAL_RANK, 0.0),
            (KIND_RECIPROCAL_RANK, f32::INFINITY),
        ] {
            assert_eq!(
                CartCombination::from_code(kind, parameter),
                None,
                "{kind} {parameter}"
            );
        }
    }
}
