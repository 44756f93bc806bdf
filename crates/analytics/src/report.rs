//! What the report says: the public result types ([`Report`], [`ExperimentReport`],
//! [`VariantReport`], [`MetricResult`], [`Estimate`], [`Comparison`], [`EventCounts`]),
//! the [`Metric`]s they are measured in, and the user's [`ReportOptions`].
//!
//! Its own file because these are the types the command-line tool prints (table, JSON,
//! CSV, chart); they hold values only, so they change when the output does and not when
//! the counting does.

use super::statistics::{Interval, Lift};

/// Choices the report leaves to the user.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportOptions {
    /// The variant every other is compared with; by default the holdout, else
    /// `control` (`docs/events.md` section 8).
    pub baseline: Option<String>,
    /// The currency revenue is summed in; by default the most frequent among purchases.
    pub currency: Option<String>,
}

/// A measured quantity of each variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Metric {
    /// Impressed list views with a click ÷ impressions.
    ClickThroughRate,
    /// Impressed list views with an add-to-cart ÷ impressions.
    AddToCartRate,
    /// Σ attributed value of the visitors' purchases ÷ exposures.
    AttributedRevenuePerExposure,
    /// Visitors who bought after their first exposure ÷ visitors.
    ConversionRate,
    /// Σ order value after the first exposure ÷ visitors.
    RevenuePerVisitor,
}

impl Metric {
    /// Every metric, in the order reports list them.
    pub const ALL: [Metric; 5] = [
        Metric::ClickThroughRate,
        Metric::AddToCartRate,
        Metric::AttributedRevenuePerExposure,
        Metric::ConversionRate,
        Metric::RevenuePerVisitor,
    ];

    /// A stable identifier for machine-readable output.
    pub fn key(self) -> &'static str {
        match self {
            Metric::ClickThroughRate => "click_through_rate",
            Metric::AddToCartRate => "add_to_cart_rate",
            Metric::AttributedRevenuePerExposure => "attributed_revenue_per_exposure",
            Metric::ConversionRate => "conversion_rate",
            Metric::RevenuePerVisitor => "revenue_per_visitor",
        }
    }

    /// The name people read.
    pub fn label(self) -> &'static str {
        match self {
            Metric::ClickThroughRate => "click-through rate",
            Metric::AddToCartRate => "add-to-cart rate",
            Metric::AttributedRevenuePerExposure => "attributed revenue per exposure",
            Metric::ConversionRate => "conversion rate",
            Metric::RevenuePerVisitor => "revenue per visitor",
        }
    }

    /// Whether it is a proportion (shown as a percentage) rather than money.
    pub fn is_rate(self) -> bool {
        matches!(
            self,
            Metric::ClickThroughRate | Metric::AddToCartRate | Metric::ConversionRate
        )
    }
}

/// One metric's value for one variant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Estimate {
    /// The value: `numerator / denominator`.
    pub value: f64,
    /// Its 95% interval (`None` when it cannot be estimated: one visitor).
    pub interval: Option<Interval>,
    /// Its standard error, used for comparisons (`None` as for the interval).
    pub standard_error: Option<f64>,
    /// Successes, or money.
    pub numerator: f64,
    /// Trials: impressions, exposures or visitors.
    pub denominator: u64,
}

/// One metric of a variant against the same metric of the baseline.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Comparison {
    /// Variant minus baseline.
    pub difference: f64,
    /// (variant − baseline) ÷ baseline with its interval; `None` on a zero baseline.
    pub lift: Option<Lift>,
    /// Two-sided p-value of "no difference".
    pub p_value: f64,
}

/// One metric of one variant: its estimate and, for variants other than the baseline,
/// the comparison.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MetricResult {
    /// Which metric.
    pub metric: Metric,
    /// Its value; `None` without observations (no impressions, no visitors).
    pub estimate: Option<Estimate>,
    /// Against the baseline; `None` for the baseline itself or when either side has no
    /// estimate.
    pub comparison: Option<Comparison>,
}

/// The numbers of one variant (or of the events outside any experiment).
#[derive(Debug, Clone, PartialEq)]
pub struct VariantReport {
    /// The variant; `None` for events outside any experiment.
    pub name: Option<String>,
    /// Whether it is a holdout (flagged in its exposures, or named `holdout`).
    pub holdout: bool,
    /// Distinct visitors exposed (0 outside experiments).
    pub visitors: u64,
    /// Exposures of those visitors (list views with an exposure).
    pub exposures: u64,
    /// List views with an impression.
    pub impressions: u64,
    /// Click events.
    pub clicks: u64,
    /// Add-to-cart events.
    pub add_to_carts: u64,
    /// Orders of exposed visitors after their first exposure, in the report currency.
    pub orders: u64,
    /// Their total value.
    pub revenue: f64,
    /// Their attributed value.
    pub attributed_revenue: f64,
    /// Every metric of [`Metric::ALL`], in that order.
    pub metrics: Vec<MetricResult>,
}

impl VariantReport {
    /// The result of `metric`.
    pub fn metric(&self, metric: Metric) -> &MetricResult {
        self.metrics
            .iter()
            .find(|result| result.metric == metric)
            .expect("every metric is reported")
    }
}

/// The variants of one experiment.
#[derive(Debug, Clone, PartialEq)]
pub struct ExperimentReport {
    /// The experiment; `None` for events outside any experiment.
    pub name: Option<String>,
    /// The variant the others are compared with, if any.
    pub baseline: Option<String>,
    /// Its variants, by name.
    pub variants: Vec<VariantReport>,
    /// Visitors exposed in more than one variant (counted in their first).
    pub visitors_in_several_variants: u64,
}

/// Events the report did not count, or counted specially.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct EventCounts {
    /// Events counted (a repeated order is not).
    pub used: u64,
    /// Events of forced variants, left out.
    pub forced: u64,
    /// Purchase events counted (distinct order ids).
    pub purchases: u64,
    /// Purchase events repeating an order id already read.
    pub duplicate_orders: u64,
    /// Purchases in a currency other than the report's, with their currencies.
    pub purchases_in_other_currencies: u64,
    /// Those other currencies, alphabetically.
    pub other_currencies: Vec<String>,
    /// Purchases by visitors never exposed to any experiment.
    pub purchases_without_exposure: u64,
    /// List views with a click or add-to-cart but no impression (a lost beacon, or an
    /// impression that never reached the visibility threshold): not in the rates.
    pub interactions_without_impression: u64,
}

/// Everything `alsobought report` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    /// The experiments by name, then the events outside any experiment (if there were).
    pub experiments: Vec<ExperimentReport>,
    /// The currency revenue is summed in (`None` without purchases).
    pub currency: Option<String>,
    /// Bookkeeping.
    pub counts: EventCounts,
}
