//! [`EventAggregator::finish`]: joins each purchase to the visitor's first exposure,
//! picks the report currency and assembles the [`Report`], experiment by experiment.
//!
//! Its own file because it runs once, after the last event, over everything the fold
//! kept; it reads the aggregator's state and never adds to it.

use super::aggregator::EventAggregator;
use super::estimates::{
    choose_baseline, compare_with_baseline, variant_report, ViewCounts, VisitorSums,
};
use super::report::{ExperimentReport, Report, VariantReport};
use alsobought_core::experiment::HOLDOUT_VARIANT;

impl EventAggregator {
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
