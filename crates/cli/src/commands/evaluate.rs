//! `alsobought evaluate`: how well would a table built from past orders have predicted
//! the orders held out? Reads orders like `build`, hands them to
//! `alsobought_mining::evaluation`, and prints its report as an aligned table or JSON.
//! With `--truth` (a synthetic shop's planted groups) it also says how often the
//! suggestions find a product's planted partners.

use std::io::{self, Write};
use std::path::PathBuf;

use alsobought_mining::evaluation::{
    evaluate_recommenders, split_orders, EvaluationOptions, EvaluationReport, QueryMetrics,
    Recommender, RecommenderReport, CUTOFFS,
};
use alsobought_mining::tuning::{tune, NESTED_SPLIT_SEED};
use anyhow::Context;
use clap::Args;
use serde_json::{json, Map, Value};

use super::catalog_args::CatalogArgs;
use super::mining_args::MiningArgs;
use super::orders_args::{rows_summary, OrdersArgs};
use crate::input::catalog::BadRows;
use crate::input::planted_groups::read_planted_groups;
use crate::progress::Progress;
use crate::report::{bytes, count_of, thousands, warn, write_columns};

/// `alsobought evaluate`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Measure suggestion quality on held-out orders against simple baselines",
    long_about = "Measure suggestion quality on held-out orders against simple baselines.\n\n\
        Orders are split by a hash of their id (the same file always splits the same way); \
        a table is mined from the rest and queried with every held-out basket of two or more \
        products: product-page queries (one product in context, the rest of its basket to \
        find) and cart queries (all but one product in context, that one to find). Reports \
        HitRate@K and Recall@K for K = 1, 3, 5, 10 and catalog coverage, for the default \
        scoring and for popularity and raw co-occurrence baselines. With --truth, also \
        how often each finds the planted partners of a synthetic shop's products.",
    after_help = "Examples:\n  alsobought evaluate --orders orders.csv --test-fraction 0.2 --json\n  \
        alsobought evaluate --orders shop/orders.csv --catalog shop/catalog.csv \\\n    \
        --truth shop/groups.csv"
)]
pub struct EvaluateArgs {
    #[command(flatten)]
    orders: OrdersArgs,

    #[command(flatten)]
    catalog: CatalogArgs,

    #[command(flatten)]
    mining: MiningArgs,

    /// Hold out this FRACTION of the orders (0 to 1, exclusive) for testing.
    #[arg(long, value_name = "FRACTION", default_value_t = EvaluationOptions::default().test_fraction,
          value_parser = parse_test_fraction, help_heading = "Evaluation")]
    test_fraction: f64,

    /// Query at most N products of each held-out basket (chosen by hash, the same every
    /// run), which bounds the cost of very large baskets.
    #[arg(long, value_name = "N", default_value_t = EvaluationOptions::default().max_queries_per_basket,
          value_parser = parse_positive, help_heading = "Evaluation")]
    max_queries_per_basket: usize,

    /// Also score suggestions against the complementary groups planted in a synthetic
    /// history: a CSV FILE with group_id,product_id columns, such as the groups.csv
    /// `alsobought generate` writes [default: none].
    #[arg(long, value_name = "FILE", help_heading = "Evaluation")]
    truth: Option<PathBuf>,

    /// Print the report as one JSON object instead of a table [default: off].
    #[arg(long, help_heading = "Output")]
    json: bool,
}

fn parse_test_fraction(text: &str) -> Result<f64, String> {
    match text.parse::<f64>() {
        Ok(value) if value > 0.0 && value < 1.0 => Ok(value),
        _ => Err(format!(
            "{text:?} is not a fraction strictly between 0 and 1 (such as 0.2)"
        )),
    }
}

fn parse_positive(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(value) if value > 0 => Ok(value),
        _ => Err(format!("{text:?} is not a whole number of at least 1")),
    }
}

/// Runs `alsobought evaluate`.
pub fn run(args: &EvaluateArgs, quiet: bool) -> anyhow::Result<()> {
    // The catalog first: `build` counts each order line as its variant group, and so
    // must what measures its table.
    let catalog_file = args
        .catalog
        .read(BadRows::from_strict(args.orders.strict))?;
    let groups = catalog_file
        .as_ref()
        .map(|file| file.groups.clone())
        .unwrap_or_default();
    let history = args.orders.read(quiet, &groups)?;
    if !quiet {
        // Standard output is the report (possibly JSON): the input summary goes aside.
        let (rows, dropped) = rows_summary(&history);
        eprintln!(
            "{}: {} orders; rows {rows}{}",
            history.source,
            thousands(history.orders.order_count() as u64),
            dropped.map_or(String::new(), |dropped| format!(" ({dropped})"))
        );
    }
    let catalog = catalog_file.map(|file| file.catalog);
    let planted = args.truth.as_deref().map(read_planted_groups).transpose()?;
    let options = EvaluationOptions {
        test_fraction: args.test_fraction,
        mining: args.mining.options(),
        max_queries_per_basket: args.max_queries_per_basket,
    };
    // The scoring the build's tuner chooses, listed first; the flags that fix the
    // scoring by hand (or --tune off) leave the default alone. It is chosen on the
    // training orders alone (a slice of them held out by another hash), so the test
    // orders below judge a choice they took no part in.
    let tuned = match args.mining.untuned_because() {
        None => {
            let _progress = Progress::step(quiet, "choosing the scoring on held-out orders");
            let training = split_orders(&history.orders, options.test_fraction).training;
            tune(&training, catalog.as_ref(), NESTED_SPLIT_SEED, true).map(|report| report.winner)
        }
        Some(_) => None,
    };
    let mut recommenders: Vec<Recommender> = tuned
        .iter()
        .map(|scoring| Recommender::scored(&options.mining, scoring))
        .collect();
    recommenders.extend([
        // The default, or the scoring the flags fixed (their cart combination too).
        Recommender::scored(&options.mining, &args.mining.untuned_scoring()),
        Recommender::Popularity,
        Recommender::co_occurrence(&options.mining),
    ]);
    let report = {
        let _progress = Progress::step(quiet, "mining and querying the recommenders");
        evaluate_recommenders(
            &history.orders,
            catalog.as_ref(),
            &options,
            planted.as_ref(),
            &recommenders,
        )
        .context("the evaluation failed")?
    };
    let roles = recommender_roles(tuned.is_some());
    if let (Some(path), Some(summary)) = (&args.truth, &report.planted) {
        if summary.unknown_products > 0 {
            warn(format_args!(
                "{}: {} in neither the catalog nor the orders: ignored",
                path.display(),
                count_of(
                    summary.unknown_products,
                    "group member is",
                    "group members are"
                )
            ));
        }
    }
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        let value = report_json(&report, &roles, args.test_fraction);
        serde_json::to_writer_pretty(&mut out, &value)?;
        writeln!(out)?;
    } else {
        write_report(&mut out, &report, &roles, args.test_fraction)?;
    }
    Ok(())
}

/// The two kinds of queries, with how each is described.
const QUERY_KINDS: [(&str, &str); 2] = [
    (
        "product page",
        "one product in context, the rest of its basket to find",
    ),
    ("cart", "all but one product in context, that one to find"),
];

/// The planted-truth views, with how each is described.
const PLANTED_KINDS: [(&str, &str); 2] = [
    (
        "planted partners, product pages",
        "held-out product-page queries of planted products, their planted partners to find",
    ),
    (
        "planted partners, per product",
        "every planted product once, its planted partners to find",
    ),
];

fn metrics_of(kind: usize, recommender: &RecommenderReport) -> Option<&QueryMetrics> {
    match kind {
        0 => Some(&recommender.product_page),
        1 => Some(&recommender.cart),
        2 => recommender
            .planted
            .as_ref()
            .map(|planted| &planted.page_queries),
        _ => recommender
            .planted
            .as_ref()
            .map(|planted| &planted.products),
    }
}

/// What each listed recommender is, in the order [`run`] lists them.
fn recommender_roles(tuned: bool) -> Vec<&'static str> {
    let mut roles = if tuned { vec!["tuned"] } else { Vec::new() };
    roles.extend(["default", "baseline", "baseline"]);
    roles
}

fn write_report(
    out: &mut impl Write,
    report: &EvaluationReport,
    roles: &[&str],
    test_fraction: f64,
) -> io::Result<()> {
    writeln!(
        out,
        "{} orders mined, {} held out ({:.0} % by order-id hash); {} held-out baskets of 2+ products queried; coverage over {} products",
        thousands(report.training_orders),
        thousands(report.test_orders),
        test_fraction * 100.0,
        thousands(report.test_baskets),
        thousands(report.products),
    )?;
    let kinds = QUERY_KINDS.iter().chain(if report.planted.is_some() {
        PLANTED_KINDS.iter()
    } else {
        [].iter()
    });
    for (kind, (title, description)) in kinds.enumerate() {
        if kind == QUERY_KINDS.len() {
            if let Some(planted) = &report.planted {
                writeln!(
                    out,
                    "\nplanted truth: {} groups; {} planted products with a partner that may be suggested",
                    thousands(planted.groups),
                    thousands(planted.products)
                )?;
            }
        }
        let queries = report
            .recommenders
            .first()
            .and_then(|recommender| metrics_of(kind, recommender))
            .map_or(0, |metrics| metrics.queries);
        writeln!(
            out,
            "\n{title}: {description} ({} queries)",
            thousands(queries)
        )?;
        let mut header = vec!["  recommender".to_owned()];
        header.extend(CUTOFFS.iter().map(|cutoff| format!("HR@{cutoff}")));
        header.extend(CUTOFFS.iter().map(|cutoff| format!("R@{cutoff}")));
        header.push("coverage".to_owned());
        let mut rows = vec![header];
        for (recommender, role) in report.recommenders.iter().zip(roles) {
            let Some(metrics) = metrics_of(kind, recommender) else {
                continue;
            };
            let mut row = vec![format!("  {} ({role})", recommender.name)];
            row.extend(metrics.hit_rate.iter().map(|value| percent(*value)));
            row.extend(metrics.recall.iter().map(|value| percent(*value)));
            row.push(percent(metrics.coverage));
            rows.push(row);
        }
        write_columns(out, &rows)?;
    }
    let tables: Vec<String> = report
        .recommenders
        .iter()
        .filter(|recommender| recommender.table_bytes > 0)
        .map(|recommender| format!("{} {}", recommender.name, bytes(recommender.table_bytes)))
        .collect();
    writeln!(out, "\ntable sizes: {}", tables.join(", "))?;
    writeln!(
        out,
        "HR@K: share of queries with a held-out product among the first K suggestions; \
         R@K: share of the held-out products found; coverage: share of products ever suggested."
    )?;
    if report.planted.is_some() {
        writeln!(
            out,
            "Planted partners: the targets are a product's planted partners (available ones) \
             instead of the rest of its basket."
        )?;
    }
    Ok(())
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

fn report_json(report: &EvaluationReport, roles: &[&str], test_fraction: f64) -> Value {
    let by_cutoff = |values: &[f64]| -> Value {
        let map: Map<String, Value> = CUTOFFS
            .iter()
            .zip(values)
            .map(|(cutoff, value)| (cutoff.to_string(), json!(value)))
            .collect();
        Value::Object(map)
    };
    let metrics = |metrics: &QueryMetrics| {
        json!({
            "queries": metrics.queries,
            "hit_rate": by_cutoff(&metrics.hit_rate),
            "recall": by_cutoff(&metrics.recall),
            "coverage": metrics.coverage,
        })
    };
    json!({
        "test_fraction": test_fraction,
        "training_orders": report.training_orders,
        "test_orders": report.test_orders,
        "test_baskets": report.test_baskets,
        "products": report.products,
        "planted": report.planted.map(|planted| json!({
            "groups": planted.groups,
            "products": planted.products,
            "unknown_products": planted.unknown_products,
        })),
        "recommenders": report.recommenders.iter().zip(roles).map(|(recommender, role)| {
            let mut value = json!({
                "name": recommender.name,
                "role": role,
                "table_bytes": recommender.table_bytes,
                "product_page": metrics(&recommender.product_page),
                "cart": metrics(&recommender.cart),
            });
            if let Some(planted) = &recommender.planted {
                value["planted"] = json!({
                    "page_queries": metrics(&planted.page_queries),
                    "products": metrics(&planted.products),
                });
            }
            value
        }).collect::<Vec<_>>(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_fraction_is_strictly_between_zero_and_one() {
        assert_eq!(parse_test_fraction("0.2"), Ok(0.2));
        assert!(parse_test_fraction("0").is_err());
        assert!(parse_test_fraction("1").is_err());
        assert!(parse_test_fraction("twenty").is_err());
    }
}
