//! Each score measure against values computed by hand (or, for the log-likelihood
//! ratio, from the textbook G² = 2 Σ k ln(k·N / (row·column)) in a separate script).

use alsobought_mining::{PairCounts, ScoreMeasure};

/// Bought together in 3 of 5 orders; each product in 4 of them.
const SMALL: PairCounts = PairCounts {
    together: 3,
    shared: 0.0,
    context: 4,
    neighbour: 4,
    orders: 5,
};

fn assert_close(measure: ScoreMeasure, counts: PairCounts, expected: f64) {
    let score = measure
        .score(counts)
        .unwrap_or_else(|| panic!("{measure:?} gave no score"));
    let tolerance = 1e-5 * expected.abs().max(1.0);
    assert!(
        (f64::from(score) - expected).abs() < tolerance,
        "{measure:?}: {score} != {expected}"
    );
}

#[test]
fn count_is_the_number_of_shared_orders() {
    assert_close(ScoreMeasure::Count, SMALL, 3.0);
}

#[test]
fn confidence_is_the_share_of_the_context_products_orders() {
    assert_close(ScoreMeasure::Confidence, SMALL, 0.75);
    assert_close(
        ScoreMeasure::Confidence,
        PairCounts {
            together: 2,
            shared: 0.0,
            context: 8,
            neighbour: 2,
            orders: 10,
        },
        0.25,
    );
}

#[test]
fn lift_is_observed_over_expected() {
    // 3 · 5 / (4 · 4)
    assert_close(ScoreMeasure::Lift, SMALL, 0.9375);
}

#[test]
fn cosine_divides_by_the_geometric_mean() {
    assert_close(ScoreMeasure::Cosine, SMALL, 0.75);
    // 2 / sqrt(2 · 8)
    assert_close(
        ScoreMeasure::Cosine,
        PairCounts {
            together: 2,
            shared: 0.0,
            context: 2,
            neighbour: 8,
            orders: 10,
        },
        0.5,
    );
}

#[test]
fn jaccard_divides_by_the_union() {
    // 3 / (4 + 4 − 3)
    assert_close(ScoreMeasure::Jaccard, SMALL, 0.6);
}

#[test]
fn shrunk_cosine_damps_thin_evidence() {
    // 3 / (3 + 2) · 0.75
    assert_close(ScoreMeasure::ShrunkCosine { shrinkage: 2.0 }, SMALL, 0.45);
    assert_close(ScoreMeasure::ShrunkCosine { shrinkage: 0.0 }, SMALL, 0.75);
}

#[test]
fn asymmetric_cosine_weights_the_two_popularities() {
    let counts = PairCounts {
        together: 2,
        shared: 0.0,
        context: 2,
        neighbour: 8,
        orders: 10,
    };
    // 2 / (2^0.25 · 8^0.75) = 2 / 2^2.5
    assert_close(
        ScoreMeasure::AsymmetricCosine { alpha: 0.25 },
        counts,
        2f64.powf(-1.5),
    );
    // alpha 0.5 is cosine, alpha 1 is confidence.
    assert_close(ScoreMeasure::AsymmetricCosine { alpha: 0.5 }, counts, 0.5);
    assert_close(ScoreMeasure::AsymmetricCosine { alpha: 1.0 }, counts, 1.0);
    // The default: 2 / (2^0.9 · 8^0.1) = 2^(1 − 0.9 − 0.3)
    assert_close(ScoreMeasure::DEFAULT, counts, 2f64.powf(-0.2));
}

#[test]
fn basket_weighted_scores_the_shared_co_purchase_not_the_orders() {
    // Two orders together: one of two products (shares 1) and one of five (shares 1/4).
    let counts = PairCounts {
        together: 2,
        shared: 1.25,
        context: 2,
        neighbour: 8,
        orders: 10,
    };
    // 1.25 / (2^0.9 · 8^0.1) = 1.25 · 2^(−1.2); alpha 1: 1.25 / 2.
    assert_close(
        ScoreMeasure::BasketWeighted { alpha: 0.9 },
        counts,
        1.25 * 2f64.powf(-1.2),
    );
    assert_close(ScoreMeasure::BasketWeighted { alpha: 1.0 }, counts, 0.625);
    // The same orders with nothing shared (sizes not counted) score nothing, rather
    // than as if every order were a pair.
    let unshared = PairCounts {
        shared: 0.0,
        ..counts
    };
    assert_eq!(
        ScoreMeasure::BasketWeighted { alpha: 0.9 }.score(unshared),
        None
    );
    assert!(ScoreMeasure::BasketWeighted { alpha: 0.9 }.needs_basket_sizes());
    assert!(!ScoreMeasure::DEFAULT.needs_basket_sizes());
}

#[test]
fn log_likelihood_matches_the_textbook_g_squared() {
    // 2×2 table: both 10, context only 10, neighbour only 10, neither 970.
    let counts = PairCounts {
        together: 10,
        shared: 0.0,
        context: 20,
        neighbour: 20,
        orders: 1000,
    };
    assert_close(ScoreMeasure::LogLikelihood, counts, 56.755_379_439_307_65);
}

#[test]
fn log_likelihood_ignores_pairs_bought_together_less_than_chance_predicts() {
    // Expected together: 4 · 4 / 5 = 3.2 > 3 observed.
    assert_eq!(ScoreMeasure::LogLikelihood.score(SMALL), None);
}

#[test]
fn no_measure_scores_a_pair_never_bought_together() {
    let never = PairCounts {
        together: 0,
        shared: 0.0,
        context: 4,
        neighbour: 4,
        orders: 5,
    };
    for measure in all_measures() {
        assert_eq!(measure.score(never), None, "{measure:?}");
    }
}

#[test]
fn names_round_trip_and_bad_names_are_refused() {
    for measure in all_measures() {
        assert_eq!(ScoreMeasure::parse(&measure.name()), Ok(measure));
    }
    assert_eq!(
        ScoreMeasure::parse("asymmetric-cosine"),
        Ok(ScoreMeasure::DEFAULT)
    );
    for bad in [
        "",
        "cosinus",
        "cosine:2",
        "asymmetric-cosine:2.5",
        "basket-weighted:2.5",
        "shrunk-cosine:-1",
        "shrunk-cosine:x",
    ] {
        let error = ScoreMeasure::parse(bad).unwrap_err();
        assert!(error.to_string().contains("use one of"), "{error}");
    }
}

fn all_measures() -> [ScoreMeasure; 9] {
    [
        ScoreMeasure::Count,
        ScoreMeasure::Confidence,
        ScoreMeasure::Lift,
        ScoreMeasure::Cosine,
        ScoreMeasure::Jaccard,
        ScoreMeasure::ShrunkCosine { shrinkage: 5.0 },
        ScoreMeasure::AsymmetricCosine { alpha: 0.9 },
        ScoreMeasure::LogLikelihood,
        ScoreMeasure::BasketWeighted { alpha: 0.9 },
    ]
}
