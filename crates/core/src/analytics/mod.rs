//! Measurement: turns the widget's events (`docs/events.md`) into the per-experiment,
//! per-variant numbers `alsobought report` prints — exposures, impressions, rates,
//! revenue — with 95% intervals and the lift of each variant over its baseline.
//!
//! Native only (feature `builder`) and free of serde: the command-line tool parses
//! the JSON lines and hands each event over as a borrowed [`Event`], so this module
//! holds only the counting rules and the statistics, testable with plain values.

mod aggregation;
pub mod statistics;

pub use aggregation::{
    Comparison, Estimate, Event, EventAggregator, EventCounts, EventKind, EventProblem,
    ExperimentReport, Metric, MetricResult, Report, ReportOptions, VariantReport,
};
