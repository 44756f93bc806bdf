//! The fields of an event the report reads ([`Event`], [`EventKind`]) and why one cannot
//! be counted ([`EventProblem`]), with the checks of single fields.
//!
//! Its own file because it is the report's input contract: the command-line tool builds
//! these values from JSON lines and needs nothing else of the aggregation to do so.

use std::fmt;

use alsobought_core::events::EventKind;

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
    pub(super) fn new(reason: &'static str, detail: impl Into<String>) -> Self {
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

pub(super) fn required_text<'a>(
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
pub(super) fn money(value: Option<f64>, field: &'static str) -> Result<Option<f64>, EventProblem> {
    match value {
        Some(amount) if !amount.is_finite() || amount < 0.0 => Err(EventProblem::new(
            "negative or non-finite amount",
            format!("{field} {amount} is negative or not finite"),
        )),
        other => Ok(other),
    }
}
