//! The counting rules of `docs/events.md` section 8: events are folded into list views
//! (for click-through and add-to-cart rates), per-experiment visitor exposures and
//! de-duplicated purchases, and only [`EventAggregator::finish`] joins purchases to
//! visitors, because the events of a file arrive in any order (batched beacons,
//! several collectors).
//!
//! One pass over a million events has to take well under a second: ids are interned
//! to numbers once, a list view is one hash-map entry keyed by a fingerprint (no string
//! kept, nothing allocated per view), and everything per visitor is a few numbers.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{BuildHasher, BuildHasherDefault, Hasher};

use super::statistics::{
    lift, normal_interval, proportion_standard_error, two_proportion_p_value, welch_p_value,
    wilson_interval, Interval, Lift, MeanSums, RatioSums,
};
use crate::experiment::HOLDOUT_VARIANT;

/// The variant name the baseline falls back to when there is no holdout.
const CONTROL_VARIANT: &str = "control";

/// A 128-bit fingerprint of an id (or of a page view and list id pair): two SipHash
/// values under independent random keys.
///
/// Keying maps by fingerprints instead of the strings saves an allocation per list view
/// and visitor and a pointer chase per lookup (a third of the report's time on a
/// million events). Two distinct ids share a fingerprint with probability about
/// n² / 2¹²⁹ — 10⁻²⁷ for a million ids — and because the keys are random per run, event
/// data cannot be crafted to collide.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Fingerprint(u64, u64);

/// Makes [`Fingerprint`]s; one per aggregator.
struct Fingerprinter {
    first: RandomState,
    second: RandomState,
}

impl Fingerprinter {
    fn new() -> Self {
        // Each RandomState::new() in a thread draws different keys.
        Fingerprinter {
            first: RandomState::new(),
            second: RandomState::new(),
        }
    }

    fn of<T: std::hash::Hash + ?Sized>(&self, value: &T) -> Fingerprint {
        Fingerprint(self.first.hash_one(value), self.second.hash_one(value))
    }
}

/// Hashes a [`Fingerprint`] by taking its first word: it is already a keyed random
/// hash, hashing it again would only cost time.
#[derive(Default)]
struct FingerprintHasher(u64);

impl Hasher for FingerprintHasher {
    fn write(&mut self, bytes: &[u8]) {
        // Only reached if something other than a fingerprint is hashed: fold it in.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, word: u64) {
        if self.0 == 0 {
            self.0 = word;
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

type FingerprintMap<V> = HashMap<Fingerprint, V, BuildHasherDefault<FingerprintHasher>>;

/// Marks a visitor number without a slot in an experiment.
const NO_SLOT: u32 = u32::MAX;

/// What happened (`type` in the event schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// The widget mounted in an experiment and the visitor's variant is known.
    Exposure,
    /// At least half of the rendered widget was visible.
    Impression,
    /// A suggestion's link was followed.
    Click,
    /// The store put suggested products into the cart.
    AddToCart,
    /// An order was placed (`trackPurchase`).
    Purchase,
}

impl EventKind {
    /// Every kind, in funnel order.
    pub const ALL: [EventKind; 5] = [
        EventKind::Exposure,
        EventKind::Impression,
        EventKind::Click,
        EventKind::AddToCart,
        EventKind::Purchase,
    ];

    /// The kind a `type` names, if any.
    pub fn from_name(name: &str) -> Option<EventKind> {
        EventKind::ALL.into_iter().find(|kind| kind.name() == name)
    }

    /// The `type` value.
    pub fn name(self) -> &'static str {
        match self {
            EventKind::Exposure => "exposure",
            EventKind::Impression => "impression",
            EventKind::Click => "click",
            EventKind::AddToCart => "add_to_cart",
            EventKind::Purchase => "purchase",
        }
    }
}

/// The fields of one event the report reads (the rest of the schema is for other
/// consumers); strings are borrowed from the caller's parsed line.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Event<'a> {
    /// `type`.
    pub kind: EventKind,
    /// `ts`: milliseconds since the Unix epoch, the browser's clock.
    pub timestamp_ms: i64,
    /// `visitor_id`.
    pub visitor_id: &'a str,
    /// `page_view_id` (required on every kind but purchase).
    pub page_view_id: Option<&'a str>,
    /// `list_id` (required on every kind but purchase).
    pub list_id: Option<&'a str>,
    /// `experiment`.
    pub experiment: Option<&'a str>,
    /// `variant` (present exactly when `experiment` is).
    pub variant: Option<&'a str>,
    /// `holdout`: the variant shows nothing.
    pub holdout: bool,
    /// `forced`: a variant forced for testing; such events are left out.
    pub forced: bool,
    /// `order_id` (purchases).
    pub order_id: Option<&'a str>,
    /// `currency`.
    pub currency: Option<&'a str>,
    /// `value`: the order value of a purchase.
    pub value: Option<f64>,
    /// `attributed_value`: the part of a purchase credited to the widget.
    pub attributed_value: Option<f64>,
}

/// Why an event cannot be counted; the caller adds the file and line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventProblem {
    /// A short name for counting events by reason.
    pub reason: &'static str,
    /// What is wrong, quoting the value.
    pub detail: String,
}

impl EventProblem {
    fn new(reason: &'static str, detail: impl Into<String>) -> Self {
        EventProblem {
            reason,
            detail: detail.into(),
        }
    }
}

impl fmt::Display for EventProblem {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.detail)
    }
}

impl std::error::Error for EventProblem {}

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

/// What one list view (one rendering of one list in one page view) saw.
struct ViewState {
    group: u32,
    exposed: bool,
    impressed: bool,
    clicked: bool,
    added: bool,
}

/// Event counters of one (experiment, variant) group.
#[derive(Default, Clone)]
struct GroupCounts {
    clicks: u64,
    add_to_carts: u64,
}

struct VariantState {
    name: String,
    group: u32,
    flagged_holdout: bool,
}

#[derive(Clone, Copy)]
struct VisitorExposure {
    visitor: u32,
    variant: u32,
    first_timestamp: i64,
    exposures: u32,
    several_variants: bool,
}

struct ExperimentState {
    name: String,
    variants: Vec<VariantState>,
    /// Position in `exposed` by visitor number ([`NO_SLOT`] when not exposed).
    visitor_slots: Vec<u32>,
    /// Visitors in order of first appearance (a deterministic order for sums).
    exposed: Vec<VisitorExposure>,
}

struct Purchase {
    visitor: u32,
    timestamp: i64,
    value: f64,
    attributed: f64,
    currency: u32,
}

/// Folds events into counts; [`EventAggregator::finish`] computes the report.
pub struct EventAggregator {
    options: ReportOptions,
    fingerprinter: Fingerprinter,
    visitor_numbers: FingerprintMap<u32>,
    views: FingerprintMap<ViewState>,
    experiments: Vec<ExperimentState>,
    groups: Vec<GroupCounts>,
    no_experiment_group: Option<u32>,
    purchases: Vec<Purchase>,
    order_ids: HashSet<Box<str>>,
    currencies: Vec<(String, u64)>,
    counts: EventCounts,
}

impl EventAggregator {
    /// An aggregator with no events yet.
    pub fn new(options: ReportOptions) -> Self {
        EventAggregator {
            options,
            fingerprinter: Fingerprinter::new(),
            visitor_numbers: FingerprintMap::default(),
            views: FingerprintMap::default(),
            experiments: Vec::new(),
            groups: Vec::new(),
            no_experiment_group: None,
            purchases: Vec::new(),
            order_ids: HashSet::new(),
            currencies: Vec::new(),
            counts: EventCounts::default(),
        }
    }

    /// Counts one event, or says why it cannot be counted (nothing is counted then).
    pub fn add(&mut self, event: &Event<'_>) -> Result<(), EventProblem> {
        if event.forced {
            self.counts.forced += 1;
            return Ok(());
        }
        if event.visitor_id.is_empty() {
            return Err(EventProblem::new("empty visitor_id", "visitor_id is empty"));
        }
        match (event.experiment, event.variant) {
            (Some(""), _) => {
                return Err(EventProblem::new(
                    "empty experiment",
                    "experiment is an empty string (use null outside experiments)",
                ))
            }
            (Some(experiment), None) | (Some(experiment), Some("")) => {
                return Err(EventProblem::new(
                    "experiment without variant",
                    format!("experiment {experiment:?} has no variant"),
                ))
            }
            (None, Some(variant)) => {
                return Err(EventProblem::new(
                    "variant without experiment",
                    format!("variant {variant:?} has no experiment"),
                ))
            }
            _ => {}
        }
        let counted = match event.kind {
            EventKind::Purchase => self.add_purchase(event)?,
            _ => {
                self.add_view_event(event)?;
                true
            }
        };
        self.counts.used += u64::from(counted);
        Ok(())
    }

    fn add_view_event(&mut self, event: &Event<'_>) -> Result<(), EventProblem> {
        let page_view = required_text(event.page_view_id, "page_view_id", event.kind)?;
        let list = required_text(event.list_id, "list_id", event.kind)?;
        if event.kind == EventKind::Exposure && event.experiment.is_none() {
            return Err(EventProblem::new(
                "exposure outside an experiment",
                "an exposure has no experiment (exposures are recorded only inside experiments)",
            ));
        }
        let (group, experiment_variant) = match (event.experiment, event.variant) {
            (Some(experiment), Some(variant)) => {
                let flag_holdout = event.kind == EventKind::Exposure && event.holdout;
                let (experiment, variant) =
                    self.experiment_variant(experiment, variant, flag_holdout);
                let group = self.experiments[experiment as usize].variants[variant as usize].group;
                (group, Some((experiment, variant)))
            }
            _ => (self.no_experiment_group(), None),
        };

        let key = self.fingerprinter.of(&(page_view, list));
        let view = self.views.entry(key).or_insert(ViewState {
            group,
            exposed: false,
            impressed: false,
            clicked: false,
            added: false,
        });
        let newly_exposed = match event.kind {
            EventKind::Exposure => !std::mem::replace(&mut view.exposed, true),
            EventKind::Impression => {
                view.impressed = true;
                false
            }
            EventKind::Click => {
                view.clicked = true;
                self.groups[view.group as usize].clicks += 1;
                false
            }
            EventKind::AddToCart => {
                view.added = true;
                self.groups[view.group as usize].add_to_carts += 1;
                false
            }
            EventKind::Purchase => unreachable!("purchases are not list events"),
        };
        if let (true, Some((experiment, variant))) = (newly_exposed, experiment_variant) {
            let visitor = self.visitor_number(event.visitor_id);
            self.experiments[experiment as usize].record_exposure(
                visitor,
                variant,
                event.timestamp_ms,
            );
        }
        Ok(())
    }

    /// Records a purchase; `false` when its order was already counted.
    fn add_purchase(&mut self, event: &Event<'_>) -> Result<bool, EventProblem> {
        let order_id = required_text(event.order_id, "order_id", event.kind)?;
        let currency = required_text(event.currency, "currency", event.kind)?;
        let value = money(event.value, "value")?
            .ok_or_else(|| EventProblem::new("purchase without value", "value is null"))?;
        let attributed = money(event.attributed_value, "attributed_value")?.unwrap_or(0.0);
        if !self.order_ids.insert(order_id.into()) {
            self.counts.duplicate_orders += 1;
            return Ok(false);
        }
        let currency = match self
            .currencies
            .iter()
            .position(|(known, _)| known == currency)
        {
            Some(position) => position,
            None => {
                self.currencies.push((currency.to_owned(), 0));
                self.currencies.len() - 1
            }
        };
        self.currencies[currency].1 += 1;
        let visitor = self.visitor_number(event.visitor_id);
        self.purchases.push(Purchase {
            visitor,
            timestamp: event.timestamp_ms,
            value,
            attributed,
            currency: currency as u32,
        });
        self.counts.purchases += 1;
        Ok(true)
    }

    fn visitor_number(&mut self, visitor_id: &str) -> u32 {
        let next = self.visitor_numbers.len() as u32;
        *self
            .visitor_numbers
            .entry(self.fingerprinter.of(visitor_id))
            .or_insert(next)
    }

    fn new_group(&mut self) -> u32 {
        self.groups.push(GroupCounts::default());
        (self.groups.len() - 1) as u32
    }

    fn no_experiment_group(&mut self) -> u32 {
        match self.no_experiment_group {
            Some(group) => group,
            None => {
                let group = self.new_group();
                self.no_experiment_group = Some(group);
                group
            }
        }
    }

    /// The numbers of an experiment and one of its variants, created when first seen.
    fn experiment_variant(&mut self, experiment: &str, variant: &str, holdout: bool) -> (u32, u32) {
        let experiment_number = match self
            .experiments
            .iter()
            .position(|known| known.name == experiment)
        {
            Some(position) => position,
            None => {
                self.experiments.push(ExperimentState {
                    name: experiment.to_owned(),
                    variants: Vec::new(),
                    visitor_slots: Vec::new(),
                    exposed: Vec::new(),
                });
                self.experiments.len() - 1
            }
        };
        let variant_number = match self.experiments[experiment_number]
            .variants
            .iter()
            .position(|known| known.name == variant)
        {
            Some(position) => position,
            None => {
                let group = self.new_group();
                let variants = &mut self.experiments[experiment_number].variants;
                variants.push(VariantState {
                    name: variant.to_owned(),
                    group,
                    flagged_holdout: false,
                });
                variants.len() - 1
            }
        };
        if holdout {
            self.experiments[experiment_number].variants[variant_number].flagged_holdout = true;
        }
        (experiment_number as u32, variant_number as u32)
    }

    /// Joins purchases to exposed visitors and computes every metric and comparison.
    pub fn finish(mut self) -> Report {
        let currency = self.report_currency();
        let mut counts = std::mem::take(&mut self.counts);
        if let Some(currency) = currency {
            for (position, (name, purchases)) in self.currencies.iter().enumerate() {
                if position as u32 != currency {
                    counts.purchases_in_other_currencies += purchases;
                    counts.other_currencies.push(name.clone());
                }
            }
            counts.other_currencies.sort();
        }

        // Each visitor's purchases in the report currency, by visitor number.
        let visitor_count = self.visitor_numbers.len();
        self.purchases
            .retain(|purchase| Some(purchase.currency) == currency);
        self.purchases
            .sort_by_key(|purchase| (purchase.visitor, purchase.timestamp));
        let mut purchase_starts = vec![0u32; visitor_count + 1];
        for purchase in &self.purchases {
            purchase_starts[purchase.visitor as usize + 1] += 1;
        }
        for visitor in 0..visitor_count {
            purchase_starts[visitor + 1] += purchase_starts[visitor];
        }
        let purchases_of = |visitor: u32| {
            let start = purchase_starts[visitor as usize] as usize;
            let end = purchase_starts[visitor as usize + 1] as usize;
            &self.purchases[start..end]
        };

        // List views, per group.
        let mut views_by_group = vec![ViewCounts::default(); self.groups.len()];
        for view in self.views.values() {
            let counts_of_group = &mut views_by_group[view.group as usize];
            counts_of_group.add(view);
            if !view.impressed && (view.clicked || view.added) {
                counts.interactions_without_impression += 1;
            }
        }

        let mut exposed_visitors = vec![false; visitor_count];
        let mut experiments: Vec<ExperimentReport> = Vec::new();
        for experiment in &self.experiments {
            let mut sums = vec![VisitorSums::default(); experiment.variants.len()];
            let mut several = 0u64;
            for exposure in &experiment.exposed {
                exposed_visitors[exposure.visitor as usize] = true;
                several += u64::from(exposure.several_variants);
                let after_exposure = purchases_of(exposure.visitor)
                    .iter()
                    .filter(|purchase| purchase.timestamp >= exposure.first_timestamp);
                sums[exposure.variant as usize].add(exposure.exposures, after_exposure);
            }
            let mut variants: Vec<VariantReport> = experiment
                .variants
                .iter()
                .zip(&sums)
                .map(|(variant, sums)| {
                    variant_report(
                        Some(variant.name.clone()),
                        variant.flagged_holdout || variant.name == HOLDOUT_VARIANT,
                        &views_by_group[variant.group as usize],
                        &self.groups[variant.group as usize],
                        Some(sums),
                    )
                })
                .collect();
            variants.sort_by(|a, b| a.name.cmp(&b.name));
            let baseline = choose_baseline(&variants, self.options.baseline.as_deref());
            if let Some(baseline) = &baseline {
                compare_with_baseline(&mut variants, baseline);
            }
            experiments.push(ExperimentReport {
                name: Some(experiment.name.clone()),
                baseline,
                variants,
                visitors_in_several_variants: several,
            });
        }
        experiments.sort_by(|a, b| a.name.cmp(&b.name));
        if let Some(group) = self.no_experiment_group {
            experiments.push(ExperimentReport {
                name: None,
                baseline: None,
                variants: vec![variant_report(
                    None,
                    false,
                    &views_by_group[group as usize],
                    &self.groups[group as usize],
                    None,
                )],
                visitors_in_several_variants: 0,
            });
        }
        counts.purchases_without_exposure = self
            .purchases
            .iter()
            .filter(|purchase| !exposed_visitors[purchase.visitor as usize])
            .count() as u64;

        Report {
            experiments,
            currency: currency.map(|number| self.currencies[number as usize].0.clone()),
            counts,
        }
    }

    /// The option's currency, else the most frequent (the first seen among equals).
    fn report_currency(&mut self) -> Option<u32> {
        if let Some(chosen) = &self.options.currency {
            return match self
                .currencies
                .iter()
                .position(|(known, _)| known == chosen)
            {
                Some(position) => Some(position as u32),
                None => {
                    // Nothing is in it: every purchase counts as another currency.
                    self.currencies.push((chosen.clone(), 0));
                    Some((self.currencies.len() - 1) as u32)
                }
            };
        }
        let mut best: Option<(usize, u64)> = None;
        for (position, (_, count)) in self.currencies.iter().enumerate() {
            if best.is_none_or(|(_, best_count)| *count > best_count) {
                best = Some((position, *count));
            }
        }
        best.map(|(position, _)| position as u32)
    }
}

impl ExperimentState {
    fn record_exposure(&mut self, visitor: u32, variant: u32, timestamp: i64) {
        let index = visitor as usize;
        if index >= self.visitor_slots.len() {
            self.visitor_slots.resize(index + 1, NO_SLOT);
        }
        match self.visitor_slots[index] {
            NO_SLOT => {
                self.visitor_slots[index] = self.exposed.len() as u32;
                self.exposed.push(VisitorExposure {
                    visitor,
                    variant,
                    first_timestamp: timestamp,
                    exposures: 1,
                    several_variants: false,
                });
            }
            slot => {
                let exposure = &mut self.exposed[slot as usize];
                exposure.exposures += 1;
                if exposure.variant != variant {
                    exposure.several_variants = true;
                    // The first exposure decides, whatever order the lines came in.
                    if timestamp < exposure.first_timestamp {
                        exposure.variant = variant;
                    }
                }
                exposure.first_timestamp = exposure.first_timestamp.min(timestamp);
            }
        }
    }
}

/// List-view counts of one group.
#[derive(Default, Clone)]
struct ViewCounts {
    impressions: u64,
    clicked_impressions: u64,
    added_impressions: u64,
}

impl ViewCounts {
    fn add(&mut self, view: &ViewState) {
        if view.impressed {
            self.impressions += 1;
            self.clicked_impressions += u64::from(view.clicked);
            self.added_impressions += u64::from(view.added);
        }
    }
}

/// Per-visitor sums of one variant.
#[derive(Default, Clone)]
struct VisitorSums {
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
    fn add<'p>(&mut self, exposures: u32, purchases: impl Iterator<Item = &'p Purchase>) {
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

fn variant_report(
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
fn choose_baseline(variants: &[VariantReport], requested: Option<&str>) -> Option<String> {
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

fn compare_with_baseline(variants: &mut [VariantReport], baseline: &str) {
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

fn compare(metric: Metric, estimate: &Estimate, base: &Estimate) -> Option<Comparison> {
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

fn required_text<'a>(
    value: Option<&'a str>,
    field: &'static str,
    kind: EventKind,
) -> Result<&'a str, EventProblem> {
    match value {
        Some(text) if !text.is_empty() => Ok(text),
        _ => Err(EventProblem::new(
            match field {
                "page_view_id" => "missing page_view_id",
                "list_id" => "missing list_id",
                "order_id" => "missing order_id",
                _ => "missing currency",
            },
            format!("{} event without {field}", kind.name()),
        )),
    }
}

/// A money amount: finite and not negative.
fn money(value: Option<f64>, field: &'static str) -> Result<Option<f64>, EventProblem> {
    match value {
        Some(amount) if !amount.is_finite() || amount < 0.0 => Err(EventProblem::new(
            "negative or non-finite amount",
            format!("{field} {amount} is negative or not finite"),
        )),
        other => Ok(other),
    }
}
