//! The evaluation behind the default score measure and cart combination: every
//! candidate evaluated on the same split of the real Online Retail II orders, through
//! the real path (mine → write_table → Table → recommend). Prints Markdown tables
//! for `docs/scoring.md`.
//!
//! Run: `cargo bench -p alsobought-mining --bench measures`.

mod support;

use std::time::Instant;

use alsobought_core::CartCombination;
use alsobought_mining::evaluation::{
    Evaluation, EvaluationOptions, QueryMetrics, Recommender, RecommenderReport, CUTOFFS,
};
use alsobought_mining::{MiningOptions, ScoreMeasure};

fn main() {
    let started = Instant::now();
    let orders = support::load_online_retail();
    let options = EvaluationOptions::default();
    let evaluation = Evaluation::new(&orders, None, &options);
    eprintln!(
        "loaded {} orders, {} products in {:.2?}; training {} / test {} orders",
        orders.order_count(),
        orders.product_count(),
        started.elapsed(),
        evaluation.split().training.order_count(),
        evaluation.split().test.order_count()
    );

    let measures: Vec<ScoreMeasure> = match std::env::var("MEASURES") {
        Ok(list) => list
            .split(',')
            .map(|name| ScoreMeasure::parse(name).expect("MEASURES"))
            .collect(),
        Err(_) => vec![
            ScoreMeasure::Count,
            ScoreMeasure::Confidence,
            ScoreMeasure::Lift,
            ScoreMeasure::Cosine,
            ScoreMeasure::Jaccard,
            ScoreMeasure::ShrunkCosine { shrinkage: 2.0 },
            ScoreMeasure::ShrunkCosine { shrinkage: 10.0 },
            ScoreMeasure::AsymmetricCosine { alpha: 0.35 },
            ScoreMeasure::AsymmetricCosine { alpha: 0.65 },
            ScoreMeasure::AsymmetricCosine { alpha: 0.8 },
            ScoreMeasure::AsymmetricCosine { alpha: 0.9 },
            ScoreMeasure::LogLikelihood,
        ],
    };
    let combinations: Vec<CartCombination> = match std::env::var("COMBINATIONS") {
        Ok(list) => list.split(',').map(parse_combination).collect(),
        Err(_) => vec![
            CartCombination::Sum,
            CartCombination::NormalizedSum,
            CartCombination::Max,
            CartCombination::MaxThenSum { sum_weight: 0.1 },
            CartCombination::ReciprocalRank { offset: 1.0 },
        ],
    };
    let min_together = std::env::var("MIN_TOGETHER")
        .ok()
        .and_then(|value| value.parse().ok())
        .unwrap_or(options.mining.min_together);

    println!("## Measures (min_together = {min_together})\n");
    print_header();
    let mut rows = vec![evaluation
        .run(&Recommender::Popularity)
        .expect("popularity")];
    for measure in measures {
        for &combination in &combinations {
            let recommender = Recommender::Table {
                mining: MiningOptions {
                    measure,
                    min_together,
                    ..options.mining.clone()
                },
                combination,
            };
            let started = Instant::now();
            let report = evaluation.run(&recommender).expect("evaluation");
            eprintln!("{} in {:.2?}", report.name, started.elapsed());
            rows.push(report);
        }
    }
    for row in &rows {
        print_row(row);
    }
    let report = evaluation.report(Vec::new());
    println!(
        "\n{} training orders, {} test orders, {} test baskets of 2+ products, {} product-page and {} cart queries, {} products",
        report.training_orders,
        report.test_orders,
        report.test_baskets,
        rows[0].product_page.queries,
        rows[0].cart.queries,
        report.products
    );
}

/// Reads a combination as written by `CartCombination::name`.
fn parse_combination(name: &str) -> CartCombination {
    let (kind, parameter) = name.split_once(':').unwrap_or((name, ""));
    let number = || parameter.parse::<f32>().expect("COMBINATIONS parameter");
    match kind {
        "sum" => CartCombination::Sum,
        "normalized-sum" => CartCombination::NormalizedSum,
        "max" => CartCombination::Max,
        "max-then-sum" => CartCombination::MaxThenSum {
            sum_weight: number(),
        },
        "reciprocal-rank" => CartCombination::ReciprocalRank { offset: number() },
        _ => panic!("unknown combination {name}"),
    }
}

fn print_header() {
    let cutoffs: Vec<String> = CUTOFFS.iter().map(|k| k.to_string()).collect();
    println!(
        "| recommender | page HR@{} | page R@{} | page cov | cart HR@{} | cart cov |",
        cutoffs.join("/"),
        cutoffs.join("/"),
        cutoffs.join("/")
    );
    println!("|---|---|---|---:|---|---:|");
}

fn print_row(report: &RecommenderReport) {
    let triple = |values: &[f64]| {
        values
            .iter()
            .map(|value| format!("{:.3}", value))
            .collect::<Vec<_>>()
            .join(" / ")
    };
    let QueryMetrics {
        hit_rate,
        recall,
        coverage,
        ..
    } = report.product_page;
    println!(
        "| {} | {} | {} | {:.3} | {} | {:.3} |",
        report.name,
        triple(&hit_rate),
        triple(&recall),
        coverage,
        triple(&report.cart.hit_rate),
        report.cart.coverage
    );
}
