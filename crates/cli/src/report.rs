//! How the tool talks to people: warnings on standard error with the `alsobought:`
//! prefix, the usage-error type `main` maps to exit code 2, and number formatting for
//! summaries (`525,461 rows`, `1.2 MB`).

use std::fmt;
use std::io::{self, Write};

use crate::input::skips::SkipReport;

/// A command line that parsed but does not make sense (exit code 2, like clap's own
/// usage errors). The message says which flags to change.
#[derive(Debug)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// Prints a non-fatal problem; the run goes on.
pub fn warn(message: impl fmt::Display) {
    eprintln!("alsobought: warning: {message}");
}

/// Warns about the skipped rows kept as examples, then gives one count per reason.
pub fn warn_about_skips(source: &str, skips: &SkipReport) {
    for row in &skips.examples {
        warn(format_args!(
            "{}; row skipped",
            row.problem.at(source, row.line)
        ));
    }
    let total = skips.skipped_total();
    if total > 0 {
        let reasons: Vec<String> = skips
            .skipped
            .iter()
            .map(|(reason, count)| format!("{} {reason}", thousands(*count)))
            .collect();
        warn(format_args!(
            "{source}: {} {} skipped ({}); --strict makes this an error",
            thousands(total),
            plural(total, "row", "rows"),
            reasons.join(", ")
        ));
    }
}

/// A count with its noun: `1 order`, `20,573 orders`.
pub fn count_of(count: u64, one: &'static str, many: &'static str) -> String {
    format!("{} {}", thousands(count), plural(count, one, many))
}

/// `one` or `many` by count.
pub fn plural(count: u64, one: &'static str, many: &'static str) -> &'static str {
    if count == 1 {
        one
    } else {
        many
    }
}

/// A count with thousands separators: `525461` → `525,461`.
pub fn thousands(count: u64) -> String {
    let digits = count.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (index, digit) in digits.chars().enumerate() {
        if index > 0 && (digits.len() - index).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(digit);
    }
    grouped
}

/// A byte size for people: `812 B`, `45.3 KB`, `1.21 MB` (powers of 1000, as file
/// managers and HTTP tooling show them).
pub fn bytes(count: u64) -> String {
    const UNITS: [&str; 4] = ["KB", "MB", "GB", "TB"];
    if count < 1000 {
        return format!("{count} B");
    }
    let mut value = count as f64;
    let mut unit = "B";
    for next in UNITS {
        // 999.95 and up would print as "1000.0" in the smaller unit.
        if value < 999.95 {
            break;
        }
        value /= 1000.0;
        unit = next;
    }
    let decimals = if value < 10.0 { 2 } else { 1 };
    format!("{value:.decimals$} {unit}")
}

/// A price for people: `12.50 EUR`, or `12.50` when the currency is unknown.
pub fn price_text(hundredths: Option<u32>, currency: Option<&str>) -> String {
    match (hundredths, currency) {
        (Some(hundredths), Some(currency)) => {
            format!("{}.{:02} {currency}", hundredths / 100, hundredths % 100)
        }
        (Some(hundredths), None) => format!("{}.{:02}", hundredths / 100, hundredths % 100),
        (None, _) => "-".to_owned(),
    }
}

/// A card's price as `inspect` and `recommend` show it: "from 9.00 EUR" for a group
/// priced from its cheapest variant, "9.00 EUR (was 12.00 EUR)" on sale.
pub fn card_price_text(card: &alsobought_core::Card<'_>) -> String {
    let from = if card.price_from { "from " } else { "" };
    let price = price_text(card.price_hundredths, card.currency);
    match card.compare_at_hundredths {
        Some(was) => format!(
            "{from}{price} (was {})",
            price_text(Some(was), card.currency)
        ),
        None => format!("{from}{price}"),
    }
}

/// Writes `rows` as columns separated by two spaces, each as wide as its widest cell
/// (the last column is not padded).
pub fn write_columns(out: &mut impl Write, rows: &[Vec<String>]) -> io::Result<()> {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..columns)
        .map(|column| {
            rows.iter()
                .filter_map(|row| row.get(column))
                .map(|cell| cell.chars().count())
                .max()
                .unwrap_or(0)
        })
        .collect();
    for row in rows {
        let mut line = String::new();
        for (column, cell) in row.iter().enumerate() {
            if column + 1 == row.len() {
                line.push_str(cell);
            } else {
                let padding = widths[column] - cell.chars().count();
                line.push_str(cell);
                line.extend(std::iter::repeat_n(' ', padding + 2));
            }
        }
        writeln!(out, "{}", line.trim_end())?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_groups_by_three() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(525_461), "525,461");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn bytes_pick_a_readable_unit() {
        assert_eq!(bytes(812), "812 B");
        assert_eq!(bytes(45_300), "45.3 KB");
        assert_eq!(bytes(1_210_000), "1.21 MB");
        assert_eq!(bytes(999_999), "1.00 MB");
    }

    #[test]
    fn prices_show_two_decimals() {
        assert_eq!(price_text(Some(1250), Some("EUR")), "12.50 EUR");
        assert_eq!(price_text(Some(5), None), "0.05");
        assert_eq!(price_text(None, Some("EUR")), "-");
    }
}
