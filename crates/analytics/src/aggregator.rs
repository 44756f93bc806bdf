//! The counting rules of `docs/events.md` section 8: events are folded into list views
//! (for click-through and add-to-cart rates), per-experiment visitor exposures and
//! de-duplicated purchases, and only [`EventAggregator::finish`] joins purchases to
//! visitors, because the events of a file arrive in any order (batched beacons,
//! several collectors).
//!
//! One pass over a million events has to take well under a second: ids are interned
//! to numbers once, a list view is one hash-map entry keyed by a fingerprint (no string
//! kept, nothing allocated per view), and everything per visitor is a few numbers.
//!
//! This file is the fold: [`EventAggregator::new`] and [`EventAggregator::add`]. The join
//! and the report are in [`super::finish`], because they run once over everything the
//! fold kept and share none of its per-event paths.

use std::collections::HashSet;

use super::events::{money, required_text, Event, EventProblem};
use super::fingerprint::{FingerprintMap, Fingerprinter};
use super::report::{EventCounts, ReportOptions};
use super::state::{ExperimentState, GroupCounts, Purchase, VariantState, ViewState};
use alsobought_core::events::EventKind;

/// Folds events into counts; [`EventAggregator::finish`] computes the report.
pub struct EventAggregator {
    pub(super) options: ReportOptions,
    fingerprinter: Fingerprinter,
    pub(super) visitor_numbers: FingerprintMap<u32>,
    pub(super) views: FingerprintMap<ViewState>,
    pub(super) experiments: Vec<ExperimentState>,
    pub(super) groups: Vec<GroupCounts>,
    pub(super) no_experiment_group: Option<u32>,
    pub(super) purchases: Vec<Purchase>,
    order_ids: HashSet<Box<str>>,
    pub(super) currencies: Vec<(String, u64)>,
    pub(super) counts: EventCounts,
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
}
