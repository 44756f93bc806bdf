//! Turns one variant's sums into estimates with 95% intervals ([`variant_report`]),
//! chooses the baseline, and compares every other variant with it (difference, lift,
//! p-value).
//!
//! Its own file because it is where the counts meet [`super::statistics`]: which
//! interval and which test each [`Metric`] takes is decided here and nowhere else.

use super::report::{Comparison, Estimate, Metric, MetricResult, VariantReport};
use super::state::{GroupCounts, Purchase, ViewState};
use super::statistics::{
    lift, normal_interval, proportion_standard_error, two_proportion_p_value, welch_p_value,
    wilson_interval, MeanSums, RatioSums,
};

/// The variant name the baseline falls back to when there is no holdout.
const CONTROL_VARIANT: &str = "control";

/// List-view counts of one group.
#[derive(Default, Clone)]
pub(super) struct ViewCounts {
    impressions: u64,
    clicked_impressions: u64,
    added_impressions: u64,
}

impl ViewCounts {
    pub(super) fn add(&mut self, view: &ViewState) {
        if view.impressed {
            self.impressions += 1;
            self.clicked_impressions += u64::from(view.clicked);
            self.added_impressions += u64::from(view.added);
        }
    }
}

/// Per-visitor sums of one variant.
#[derive(Default, Clone)]
pub(super) struct VisitorSums {
    visitors: u64,
    exposures: u64,
    purchasers: u64,
    orders: u64,
    /// Attributed revenue (y) over exposures (x), per visitor.
    attributed_per_exposure: RatioSums,
    /// Order revenue per visitor.
    revenue: MeanSums,
}

impl VisitorSums {
    pub(super) fn add<'p>(
        &mut self,
        exposures: u32,
        purchases: impl Iterator<Item = &'p Purchase>,
    ) {
        let mut revenue = 0.0;
        let mut attributed = 0.0;
        let mut orders = 0u64;
        for purchase in purchases {
            revenue += purchase.value;
            attributed += purchase.attributed;
            orders += 1;
        }
        self.visitors += 1;
        self.exposures += u64::from(exposures);
        self.orders += orders;
        self.purchasers += u64::from(orders > 0);
        self.attributed_per_exposure
            .add(attributed, f64::from(exposures));
        self.revenue.add(revenue);
    }
}

pub(super) fn variant_report(
    name: Option<String>,
    holdout: bool,
    views: &ViewCounts,
    events: &GroupCounts,
    visitors: Option<&VisitorSums>,
) -> VariantReport {
    let rate = |successes: u64, trials: u64| {
        (trials > 0).then(|| Estimate {
            value: successes as f64 / trials as f64,
            interval: wilson_interval(successes, trials),
            standard_error: Some(proportion_standard_error(successes, trials)),
            numerator: successes as f64,
            denominator: trials,
        })
    };
    let metric = |metric: Metric| {
        let estimate = match (metric, visitors) {
            (Metric::ClickThroughRate, _) => rate(views.clicked_impressions, views.impressions),
            (Metric::AddToCartRate, _) => rate(views.added_impressions, views.impressions),
            (_, None) => None,
            (Metric::AttributedRevenuePerExposure, Some(sums)) => {
                let ratio = &sums.attributed_per_exposure;
                ratio.ratio().map(|value| {
                    let standard_error = ratio.standard_error();
                    Estimate {
                        value,
                        interval: standard_error.map(|se| normal_interval(value, se)),
                        standard_error,
                        numerator: ratio.sum_y,
                        denominator: sums.exposures,
                    }
                })
            }
            (Metric::ConversionRate, Some(sums)) => rate(sums.purchasers, sums.visitors),
            (Metric::RevenuePerVisitor, Some(sums)) => sums.revenue.mean().map(|value| {
                let standard_error = sums.revenue.standard_error();
                Estimate {
                    value,
                    interval: standard_error.map(|se| normal_interval(value, se)),
                    standard_error,
                    numerator: sums.revenue.sum,
                    denominator: sums.visitors,
                }
            }),
        };
        MetricResult {
            metric,
            estimate,
            comparison: None,
        }
    };
    let sums = visitors.cloned().unwrap_or_default();
    VariantReport {
        name,
        holdout,
        visitors: sums.visitors,
        exposures: sums.exposures,
        impressions: views.impressions,
        clicks: events.clicks,
        add_to_carts: events.add_to_carts,
        orders: sums.orders,
        revenue: sums.revenue.sum,
        attributed_revenue: sums.attributed_per_exposure.sum_y,
        metrics: Metric::ALL.into_iter().map(metric).collect(),
    }
}

/// The `--baseline` variant if the experiment has it, else a holdout, else `control`.
pub(super) fn choose_baseline(
    variants: &[VariantReport],
    requested: Option<&str>,
) -> Option<String> {
    let named = |wanted: &str| {
        variants
            .iter()
            .find(|variant| variant.name.as_deref() == Some(wanted))
    };
    requested
        .and_then(named)
        .or_else(|| variants.iter().find(|variant| variant.holdout))
        .or_else(|| named(CONTROL_VARIANT))
        .and_then(|variant| variant.name.clone())
}

pub(super) fn compare_with_baseline(variants: &mut [VariantReport], baseline: &str) {
    let Some(baseline_report) = variants
        .iter()
        .find(|variant| variant.name.as_deref() == Some(baseline))
        .cloned()
    else {
        return;
    };
    for variant in variants.iter_mut() {
        if variant.name.as_deref() == Some(baseline) {
            continue;
        }
        for result in &mut variant.metrics {
            let base = baseline_report.metric(result.metric);
            if let (Some(estimate), Some(base)) = (result.estimate, base.estimate) {
                result.comparison = compare(result.metric, &estimate, &base);
            }
        }
    }
}

pub(super) fn compare(metric: Metric, estimate: &Estimate, base: &Estimate) -> Option<Comparison> {
    let standard_error = estimate.standard_error?;
    let base_standard_error = base.standard_error?;
    let p_value = if metric.is_rate() {
        two_proportion_p_value(
            estimate.numerator as u64,
            estimate.denominator,
            base.numerator as u64,
            base.denominator,
        )?
    } else {
        welch_p_value(
            estimate.value,
            standard_error,
            base.value,
            base_standard_error,
        )
    };
    Some(Comparison {
        difference: estimate.value - base.value,
        lift: lift(
            estimate.value,
            standard_error,
            base.value,
            base_standard_error,
        ),
        p_value,
    })
}
