//! Measurement: turns the widget's events (`docs/events.md`) into the per-experiment,
//! per-variant numbers `alsobought report` prints — exposures, impressions, rates,
//! revenue — with 95% intervals and the lift of each variant over its baseline.
//!
//! Free of serde and I/O: the command-line tool parses the JSON lines and hands each
//! event over as a borrowed [`Event`], so this crate holds only the counting rules and
//! the statistics, testable with plain values. The event kinds and wire names are
//! alsobought-core's events contract.
//!
//! The files follow the data, each depending only on those above it:
//!
//! - [`statistics`]: intervals and tests on plain numbers;
//! - `events`: the input ([`Event`], [`EventProblem`]);
//! - `report`: the output ([`Report`] and its parts, [`Metric`], [`ReportOptions`]);
//! - `fingerprint`: the keyed hashes the fold's maps are indexed by;
//! - `state`: the records the fold keeps per list view, experiment and purchase;
//! - `aggregator`: the fold, [`EventAggregator::add`], one event at a time;
//! - `estimates`: one variant's sums to estimates, and the comparison with the baseline;
//! - `finish`: [`EventAggregator::finish`], the join of purchases to exposures.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod aggregator;
mod estimates;
mod events;
mod fingerprint;
mod finish;
mod report;
mod state;
pub mod statistics;

pub use aggregator::EventAggregator;
pub use events::{Event, EventProblem};
pub use report::{
    Comparison, Estimate, EventCounts, ExperimentReport, Metric, MetricResult, Report,
    ReportOptions, VariantReport,
};
