//! The three ways `alsobought report` writes its numbers: a table for people, one JSON
//! document and tidy CSV (one row per experiment, variant and metric) for
//! spreadsheets and scripts. All three show the same numbers; only the terminal
//! rounds them.

use std::io::Write;

use alsobought_analytics::{
    Comparison, Estimate, ExperimentReport, MetricResult, Report, VariantReport,
};
use alsobought_core::experiment::HOLDOUT_VARIANT;
use anyhow::Context;
use serde_json::{json, Value};

use crate::report::{count_of, thousands, write_columns};

/// p-values below this are marked as significant in the table (the 95% level of the
/// intervals).
const SIGNIFICANCE_LEVEL: f64 = 0.05;

/// The name of the group of events outside any experiment.
pub const NO_EXPERIMENT: &str = "(no experiment)";

/// Writes the report as aligned columns: per experiment, the counts of each variant,
/// then each metric with its interval, lift and p-value.
pub fn write_table(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    let currency = report.currency.as_deref();
    for (position, experiment) in report.experiments.iter().enumerate() {
        if position > 0 {
            writeln!(out)?;
        }
        writeln!(out, "{}", experiment_heading(experiment, currency))?;
        writeln!(out)?;
        let mut counts = vec![[
            "variant",
            "visitors",
            "exposures",
            "impressions",
            "clicks",
            "add-to-carts",
            "orders",
            "revenue",
        ]
        .map(String::from)
        .to_vec()];
        for variant in &experiment.variants {
            let in_experiment = experiment.name.is_some();
            let visitor_count = |count: u64| {
                if in_experiment {
                    thousands(count)
                } else {
                    "-".to_owned()
                }
            };
            counts.push(vec![
                variant_label(variant),
                visitor_count(variant.visitors),
                visitor_count(variant.exposures),
                thousands(variant.impressions),
                thousands(variant.clicks),
                thousands(variant.add_to_carts),
                visitor_count(variant.orders),
                if in_experiment {
                    amount(variant.revenue)
                } else {
                    "-".to_owned()
                },
            ]);
        }
        write_columns(out, &counts)?;
        writeln!(out)?;

        let lift_heading = match &experiment.baseline {
            Some(baseline) => format!("lift vs {baseline} [95% CI]"),
            None => "lift".to_owned(),
        };
        let mut metrics = vec![vec![
            "metric".to_owned(),
            "variant".to_owned(),
            "value".to_owned(),
            "95% CI".to_owned(),
            lift_heading,
            "p-value".to_owned(),
        ]];
        let metric_count = experiment
            .variants
            .first()
            .map_or(0, |variant| variant.metrics.len());
        for metric in 0..metric_count {
            for (row, variant) in experiment.variants.iter().enumerate() {
                let result = &variant.metrics[metric];
                if experiment.name.is_none() && result.estimate.is_none() {
                    // Visitor metrics do not exist outside experiments.
                    continue;
                }
                let is_baseline = experiment.baseline.is_some()
                    && experiment.baseline.as_deref() == variant.name.as_deref();
                metrics.push(vec![
                    if row == 0 {
                        result.metric.label().to_owned()
                    } else {
                        String::new()
                    },
                    variant_label(variant),
                    estimate_text(result),
                    interval_text(result),
                    if is_baseline {
                        "(baseline)".to_owned()
                    } else {
                        lift_text(result.comparison.as_ref())
                    },
                    p_value_text(result.comparison.as_ref()),
                ]);
            }
        }
        write_columns(out, &metrics)?;
    }
    let counts = &report.counts;
    writeln!(out)?;
    writeln!(
        out,
        "{} events counted; * p < {SIGNIFICANCE_LEVEL} (two-sided). Rates are per list view, revenue per exposed visitor.",
        thousands(counts.used)
    )?;
    let mut notes = Vec::new();
    if counts.forced > 0 {
        notes.push(format!(
            "{} of forced variants",
            count_of(counts.forced, "event", "events")
        ));
    }
    if counts.duplicate_orders > 0 {
        notes.push(format!(
            "{} of an order already counted",
            count_of(
                counts.duplicate_orders,
                "repeated purchase",
                "repeated purchases"
            )
        ));
    }
    if counts.interactions_without_impression > 0 {
        notes.push(format!(
            "{} with a click or add-to-cart but no impression",
            count_of(
                counts.interactions_without_impression,
                "list view",
                "list views"
            )
        ));
    }
    if counts.purchases_without_exposure > 0 {
        notes.push(format!(
            "{} by visitors never exposed",
            count_of(counts.purchases_without_exposure, "purchase", "purchases")
        ));
    }
    if !notes.is_empty() {
        writeln!(out, "Not in the numbers: {}.", notes.join("; "))?;
    }
    Ok(())
}

fn experiment_heading(experiment: &ExperimentReport, currency: Option<&str>) -> String {
    let Some(name) = &experiment.name else {
        return format!("{NO_EXPERIMENT}: events outside any experiment (rates only)");
    };
    let visitors: u64 = experiment
        .variants
        .iter()
        .map(|variant| variant.visitors)
        .sum();
    let mut heading = format!(
        "Experiment {name}: {} variants, {} visitors",
        experiment.variants.len(),
        thousands(visitors)
    );
    match &experiment.baseline {
        Some(baseline) => heading.push_str(&format!(", baseline {baseline}")),
        None => heading.push_str(", no baseline (no holdout or control variant; see --baseline)"),
    }
    if let Some(currency) = currency {
        heading.push_str(&format!("; revenue in {currency}"));
    }
    heading
}

fn variant_label(variant: &VariantReport) -> String {
    match &variant.name {
        Some(name) if variant.holdout && name != HOLDOUT_VARIANT => format!("{name} (holdout)"),
        Some(name) => name.clone(),
        None => "-".to_owned(),
    }
}

/// A value as the table shows it: a percentage for rates, an amount for money.
fn value_text(is_rate: bool, value: f64) -> String {
    if is_rate {
        format!("{:.2}%", value * 100.0)
    } else {
        amount(value)
    }
}

/// Money with two decimals; small amounts (revenue per exposure is often a few
/// cents) with four, so they do not all read 0.00.
fn amount(value: f64) -> String {
    if value != 0.0 && value.abs() < 1.0 {
        format!("{value:.4}")
    } else {
        format!("{value:.2}")
    }
}

fn estimate_text(result: &MetricResult) -> String {
    result.estimate.map_or("-".to_owned(), |estimate| {
        value_text(result.metric.is_rate(), estimate.value)
    })
}

fn interval_text(result: &MetricResult) -> String {
    match result.estimate.and_then(|estimate| estimate.interval) {
        Some(interval) => format!(
            "[{}, {}]",
            value_text(result.metric.is_rate(), interval.low),
            value_text(result.metric.is_rate(), interval.high)
        ),
        None => "-".to_owned(),
    }
}

fn signed_percent(value: f64) -> String {
    format!("{:+.1}%", value * 100.0)
}

fn lift_text(comparison: Option<&Comparison>) -> String {
    match comparison {
        None => "-".to_owned(),
        Some(Comparison { lift: None, .. }) => "- (baseline is 0)".to_owned(),
        Some(Comparison {
            lift: Some(lift), ..
        }) => format!(
            "{} [{}, {}]",
            signed_percent(lift.relative),
            signed_percent(lift.interval.low),
            signed_percent(lift.interval.high)
        ),
    }
}

fn p_value_text(comparison: Option<&Comparison>) -> String {
    match comparison {
        None => "-".to_owned(),
        Some(comparison) => {
            let marker = if comparison.p_value < SIGNIFICANCE_LEVEL {
                " *"
            } else {
                ""
            };
            if comparison.p_value < 0.001 {
                format!("<0.001{marker}")
            } else {
                format!("{:.3}{marker}", comparison.p_value)
            }
        }
    }
}

/// Writes the whole report as one JSON document (`null` where a value does not exist).
pub fn write_json(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    let experiments: Vec<Value> = report
        .experiments
        .iter()
        .map(|experiment| {
            json!({
                "experiment": experiment.name,
                "baseline": experiment.baseline,
                "visitors_in_several_variants": experiment.visitors_in_several_variants,
                "variants": experiment.variants.iter().map(variant_json).collect::<Vec<_>>(),
            })
        })
        .collect();
    let counts = &report.counts;
    let document = json!({
        "currency": report.currency,
        "experiments": experiments,
        "events": {
            "used": counts.used,
            "forced": counts.forced,
            "purchases": counts.purchases,
            "duplicate_orders": counts.duplicate_orders,
            "purchases_in_other_currencies": counts.purchases_in_other_currencies,
            "other_currencies": counts.other_currencies,
            "purchases_without_exposure": counts.purchases_without_exposure,
            "interactions_without_impression": counts.interactions_without_impression,
        },
    });
    serde_json::to_writer_pretty(&mut *out, &document).context("cannot write the JSON report")?;
    writeln!(out)?;
    Ok(())
}

fn variant_json(variant: &VariantReport) -> Value {
    let metrics: serde_json::Map<String, Value> = variant
        .metrics
        .iter()
        .map(|result| {
            let value = match result.estimate {
                None => Value::Null,
                Some(estimate) => estimate_json(&estimate, result.comparison.as_ref()),
            };
            (result.metric.key().to_owned(), value)
        })
        .collect();
    json!({
        "variant": variant.name,
        "holdout": variant.holdout,
        "visitors": variant.visitors,
        "exposures": variant.exposures,
        "impressions": variant.impressions,
        "clicks": variant.clicks,
        "add_to_carts": variant.add_to_carts,
        "orders": variant.orders,
        "revenue": variant.revenue,
        "attributed_revenue": variant.attributed_revenue,
        "metrics": metrics,
    })
}

fn estimate_json(estimate: &Estimate, comparison: Option<&Comparison>) -> Value {
    json!({
        "value": estimate.value,
        "ci_low": estimate.interval.map(|interval| interval.low),
        "ci_high": estimate.interval.map(|interval| interval.high),
        "numerator": estimate.numerator,
        "denominator": estimate.denominator,
        "comparison": comparison.map(|comparison| json!({
            "difference": comparison.difference,
            "lift": comparison.lift.map(|lift| lift.relative),
            "lift_ci_low": comparison.lift.map(|lift| lift.interval.low),
            "lift_ci_high": comparison.lift.map(|lift| lift.interval.high),
            "p_value": comparison.p_value,
        })),
    })
}

/// Writes one CSV row per experiment, variant and metric (empty cells where a value
/// does not exist), with the variant's counts repeated on each of its rows.
pub fn write_csv(out: &mut impl Write, report: &Report) -> anyhow::Result<()> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record([
        "experiment",
        "variant",
        "holdout",
        "baseline",
        "visitors",
        "exposures",
        "impressions",
        "metric",
        "value",
        "ci_low",
        "ci_high",
        "numerator",
        "denominator",
        "difference",
        "lift",
        "lift_ci_low",
        "lift_ci_high",
        "p_value",
    ])?;
    let number = |value: Option<f64>| value.map_or(String::new(), |value| value.to_string());
    for experiment in &report.experiments {
        for variant in &experiment.variants {
            for result in &variant.metrics {
                let estimate = result.estimate;
                let comparison = result.comparison;
                let lift = comparison.and_then(|comparison| comparison.lift);
                writer.write_record([
                    experiment.name.clone().unwrap_or_default(),
                    variant.name.clone().unwrap_or_default(),
                    variant.holdout.to_string(),
                    experiment.baseline.clone().unwrap_or_default(),
                    variant.visitors.to_string(),
                    variant.exposures.to_string(),
                    variant.impressions.to_string(),
                    result.metric.key().to_owned(),
                    number(estimate.map(|estimate| estimate.value)),
                    number(estimate.and_then(|estimate| estimate.interval.map(|i| i.low))),
                    number(estimate.and_then(|estimate| estimate.interval.map(|i| i.high))),
                    number(estimate.map(|estimate| estimate.numerator)),
                    estimate.map_or(String::new(), |estimate| estimate.denominator.to_string()),
                    number(comparison.map(|comparison| comparison.difference)),
                    number(lift.map(|lift| lift.relative)),
                    number(lift.map(|lift| lift.interval.low)),
                    number(lift.map(|lift| lift.interval.high)),
                    number(comparison.map(|comparison| comparison.p_value)),
                ])?;
            }
        }
    }
    writer.flush().context("cannot write the CSV report")?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_amounts_keep_their_cents() {
        assert_eq!(amount(0.0), "0.00");
        assert_eq!(amount(0.01425), "0.0143");
        assert_eq!(amount(12.5), "12.50");
        assert_eq!(value_text(true, 0.031), "3.10%");
    }

    #[test]
    fn p_values_are_marked_when_significant() {
        let comparison = |p_value| Comparison {
            difference: 0.0,
            lift: None,
            p_value,
        };
        assert_eq!(p_value_text(Some(&comparison(0.2))), "0.200");
        assert_eq!(p_value_text(Some(&comparison(0.012))), "0.012 *");
        assert_eq!(p_value_text(Some(&comparison(0.0001))), "<0.001 *");
        assert_eq!(p_value_text(None), "-");
        assert_eq!(lift_text(Some(&comparison(0.5))), "- (baseline is 0)");
    }
}
