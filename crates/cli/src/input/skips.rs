//! Bookkeeping for order rows that were not used, so none disappears silently.
//!
//! Two kinds are told apart. A *skipped* row is bad input (an empty id, a quantity that
//! is not a number): the first few are shown as warnings with file, line and field,
//! every one is counted, and `--strict` turns the first into an error. A *filtered* row
//! was dropped because an option asked for it (`--skip-orders-prefix C`): it is only
//! counted, since the user already knows why it went.

/// How many skipped rows of one reason are shown individually before only counting.
const EXAMPLES_PER_REASON: usize = 3;

/// How many skipped rows are shown individually in total.
const EXAMPLES_TOTAL: usize = 10;

/// One row that could not be used, with the evidence a user needs to fix it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowProblem {
    /// A short name for the kind of problem, used to count rows by reason.
    pub reason: &'static str,
    /// The column whose value is at fault, as named in the header, if one is.
    pub field: Option<String>,
    /// What is wrong, quoting the value.
    pub detail: String,
}

impl RowProblem {
    /// A problem with the value of column `field`.
    pub fn in_field(reason: &'static str, field: &str, detail: impl Into<String>) -> Self {
        RowProblem {
            reason,
            field: Some(field.to_owned()),
            detail: detail.into(),
        }
    }

    /// The message for this problem at `file:line`, without a verdict.
    pub fn at(&self, file: &str, line: u64) -> String {
        match &self.field {
            Some(field) => format!("{file}:{line}: field \"{field}\": {}", self.detail),
            None => format!("{file}:{line}: {}", self.detail),
        }
    }
}

/// A row problem located in its file, kept to be shown to the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    /// 1-based line number in the file (the header is line 1).
    pub line: u64,
    /// What was wrong with it.
    pub problem: RowProblem,
}

/// Counts of unused rows by reason, plus the first few skipped rows themselves.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct SkipReport {
    /// Skipped rows by reason, in the order reasons were first met.
    pub skipped: Vec<(&'static str, u64)>,
    /// Rows dropped on request, by the option that asked for it, in first-met order.
    pub filtered: Vec<(&'static str, u64)>,
    /// The first skipped rows, a few per reason, to show as warnings.
    pub examples: Vec<SkippedRow>,
}

impl SkipReport {
    /// Counts a bad row, keeping it as an example while there is room.
    pub fn skip(&mut self, line: u64, problem: RowProblem) {
        let seen_before = increment(&mut self.skipped, problem.reason);
        if seen_before < EXAMPLES_PER_REASON as u64 && self.examples.len() < EXAMPLES_TOTAL {
            self.examples.push(SkippedRow { line, problem });
        }
    }

    /// Counts a row dropped because option `option` asked for it.
    pub fn filter(&mut self, option: &'static str) {
        increment(&mut self.filtered, option);
    }

    /// Total rows skipped as bad input.
    pub fn skipped_total(&self) -> u64 {
        self.skipped.iter().map(|(_, count)| count).sum()
    }

    /// Total rows dropped on request.
    pub fn filtered_total(&self) -> u64 {
        self.filtered.iter().map(|(_, count)| count).sum()
    }
}

/// Adds one to the count of `key`, returning the count before.
fn increment(counts: &mut Vec<(&'static str, u64)>, key: &'static str) -> u64 {
    match counts.iter_mut().find(|(known, _)| *known == key) {
        Some((_, count)) => {
            *count += 1;
            *count - 1
        }
        None => {
            counts.push((key, 1));
            0
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn examples_are_capped_per_reason_but_every_row_is_counted() {
        let mut report = SkipReport::default();
        for line in 2..12 {
            report.skip(
                line,
                RowProblem::in_field("empty id", "product_id", "empty value"),
            );
        }
        report.skip(
            40,
            RowProblem::in_field("bad quantity", "quantity", "\"x\""),
        );
        report.filter("--skip-orders-prefix");
        assert_eq!(report.skipped, [("empty id", 10), ("bad quantity", 1)]);
        assert_eq!(report.skipped_total(), 11);
        assert_eq!(report.filtered_total(), 1);
        let lines: Vec<u64> = report.examples.iter().map(|row| row.line).collect();
        assert_eq!(lines, [2, 3, 4, 40]);
    }

    #[test]
    fn message_names_file_line_and_field() {
        let problem = RowProblem::in_field("empty id", "product_id", "empty value");
        assert_eq!(
            problem.at("orders.csv", 1234),
            "orders.csv:1234: field \"product_id\": empty value"
        );
    }
}
