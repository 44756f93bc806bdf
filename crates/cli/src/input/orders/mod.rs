//! Reads an order history (one CSV row per line item) into the miner's [`Orders`],
//! plus what order rows can tell about each product's card when there is no catalog
//! (its most frequent title and price).
//!
//! Three layouts are read: the generic `order_id,product_id[,quantity,customer_id,
//! created_at]` file, a Shopify orders export as-is (recognised by its `Name` and
//! `Lineitem sku` columns), and any other export once its columns are named
//! (`--order-col Invoice --product-col StockCode` for Online Retail II).
//!
//! A fourth, `alsobought pull`'s JSON lines (one order per line), is recognised by its
//! content (a line starting with `{`), compressed or not.
//!
//! The row loop is the hot path of `alsobought build` (525k rows for a year of a
//! mid-size store): it reuses one `csv::ByteRecord`, looks fields up by index, and
//! allocates only when it meets a new id or title.

use std::io::{BufRead, BufReader, Read};
use std::path::Path;

// The reader's parts take their core items from here (`use super::...`): one place
// to change when the core's modules move.
use alsobought_mining::{LineSink, Orders, VariantGroups};
use anyhow::{bail, Context};

use super::csv_lines::LinedCsv;
use super::skips::{RowProblem, SkipReport};
use super::source::open_input;
use crate::progress::Progress;
use columns::resolve_columns;
use rows::RowReader;

mod columns;
mod facts;
mod hints;
mod jsonl;
mod rows;
#[cfg(test)]
mod testing;

pub use columns::{ColumnNames, OrdersLayout, ResolvedColumns};
pub use hints::ProductHints;
pub use jsonl::{PulledLine, PulledOrder};
pub use rows::RowFilters;

/// Rows between two progress updates (a power of two keeps the test cheap).
const PROGRESS_EVERY_ROWS: u64 = 1 << 15;

/// Everything that decides how an orders file is read.
#[derive(Debug, Clone, Default)]
pub struct OrdersOptions {
    /// Which columns hold what.
    pub columns: ColumnNames,
    /// Rows to drop on purpose.
    pub filters: RowFilters,
    /// `--strict`: the first bad row is an error instead of a warning.
    pub strict: bool,
    /// The catalog's variant groups: each line's SKU is counted as its group.
    pub groups: VariantGroups,
}

/// An orders file, read into `O`: [`Orders`] (every order, for evaluation), or what
/// another [`LineSink`] collects (`build`'s bounded-memory baskets).
#[derive(Debug)]
pub struct OrderHistory<O = Orders> {
    /// The file name for messages.
    pub source: String,
    /// The layout recognised.
    pub layout: OrdersLayout,
    /// The columns read.
    pub columns: ResolvedColumns,
    /// The baskets, for mining and evaluation.
    pub orders: O,
    /// Card hints by product number (first appearance among used rows, as the sink
    /// numbers products), when the file has a title or price column.
    pub hints: Option<Vec<ProductHints>>,
    /// Data rows read (the header not included).
    pub rows: u64,
    /// Rows that became basket lines.
    pub lines: u64,
    /// Distinct customers, when there is a customer column (counted by 64-bit hash:
    /// a million customers collide with probability below 10⁻⁷).
    pub customers: Option<u64>,
    /// Earliest and latest order date, when the date column holds ISO 8601 dates.
    pub date_range: Option<(String, String)>,
    /// The distinct currency codes of the currency column, in order of appearance.
    pub currencies: Vec<String>,
    /// Rows not used, by reason.
    pub skips: SkipReport,
}

impl<O> OrderHistory<O> {
    /// Takes the orders out (to mine them), keeping what was read about the file for
    /// the summary.
    pub fn take_orders(self) -> (O, OrderHistory<()>) {
        let OrderHistory {
            source,
            layout,
            columns,
            orders,
            hints,
            rows,
            lines,
            customers,
            date_range,
            currencies,
            skips,
        } = self;
        let described = OrderHistory {
            source,
            layout,
            columns,
            orders: (),
            hints,
            rows,
            lines,
            customers,
            date_range,
            currencies,
            skips,
        };
        (orders, described)
    }
}

/// Reads the orders file at `path` (`-` for standard input, gzip or plain) into
/// `sink` (an [`OrdersBuilder`](alsobought_mining::OrdersBuilder) keeps every
/// order as it is).
pub fn read_orders_into<S: LineSink>(
    path: &Path,
    options: &OrdersOptions,
    progress: &Progress,
    sink: S,
) -> anyhow::Result<OrderHistory<S::Collected>> {
    let input = open_input(path)?;
    read_orders_from_into(input.reader, &input.name, options, progress, sink)
}

/// Reads orders from `reader` into `sink`, calling it `source` in messages.
pub fn read_orders_from_into<S: LineSink>(
    reader: impl Read,
    source: &str,
    options: &OrdersOptions,
    progress: &Progress,
    sink: S,
) -> anyhow::Result<OrderHistory<S::Collected>> {
    let mut reader = BufReader::with_capacity(1 << 16, reader);
    let start = reader
        .fill_buf()
        .with_context(|| format!("cannot read {source}"))?;
    if jsonl::looks_like_json_lines(start) {
        return jsonl::read_json_lines_into(reader, source, options, progress, sink);
    }
    let mut builder = csv::ReaderBuilder::new();
    builder.flexible(true).buffer_capacity(1 << 16);
    let mut lined =
        LinedCsv::new(reader, &builder).with_context(|| format!("cannot read {source}"))?;
    let headers: Vec<String> = lined
        .csv
        .byte_headers()
        .with_context(|| format!("cannot read the header row of {source}"))?
        .iter()
        .map(|name| String::from_utf8_lossy(name.trim_ascii()).into_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        bail!("{source} is empty: expected a header row such as `order_id,product_id`");
    }
    let (layout, columns) = resolve_columns(&headers, &options.columns, source)?;

    let mut reader = RowReader::new(&columns, headers.len(), options, sink);
    let mut record = csv::ByteRecord::new();
    loop {
        match lined.csv.read_byte_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(error) => {
                // A corrupt or cut-off gzip stream, or a failing disk: say how far it got.
                let line = lined.csv.position().line();
                return Err(error)
                    .with_context(|| format!("cannot read {source} near line {line}"));
            }
        }
        let problem = reader.read_row(&record);
        if let Some(failure) = reader.failure.take() {
            return Err(failure).with_context(|| {
                format!(
                    "cannot hold the baskets of {source} (at row {})",
                    reader.rows
                )
            });
        }
        let Some(problem) = problem else {
            if reader.rows.is_multiple_of(PROGRESS_EVERY_ROWS) {
                progress.set_count(reader.rows);
            }
            continue;
        };
        // Lines are worked out only for rows that need reporting: most rows do not.
        let line = lined.start_line(&record, reader.rows);
        settle_problem(&mut reader, problem, source, line, options.strict)?;
    }
    progress.set_count(reader.rows);
    reader
        .finish(source.to_owned(), layout, columns.clone())
        .with_context(|| format!("cannot hold the baskets of {source}"))
}

/// A bad row at `source:line`: the error under `--strict`, else a counted warning.
fn settle_problem<S>(
    reader: &mut RowReader<'_, S>,
    problem: RowProblem,
    source: &str,
    line: u64,
    strict: bool,
) -> anyhow::Result<()> {
    if strict {
        bail!(
            "{}; stopping because of --strict (without it the row is skipped with a warning)",
            problem.at(source, line)
        );
    }
    reader.skips.skip(line, problem);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use testing::{baskets, read, read_default};

    #[test]
    fn quoted_commas_bom_crlf_and_blank_lines() {
        let text = "\u{feff}order_id,product_id,title\r\n\r\n1,\"A,1\",\"x, \"\"y\"\"\"\r\n1,B,z\r\n\r\n2,\"A,1\",x\r\n";
        let history = read_default(text);
        assert_eq!(history.columns.order.name, "order_id");
        assert_eq!(baskets(&history), [vec!["A,1", "B"], vec!["A,1"]]);
        assert_eq!(history.rows, 3);
        assert_eq!(history.skips.skipped_total(), 0);
    }

    #[test]
    fn empty_file_is_an_error() {
        let error = read("", &OrdersOptions::default()).unwrap_err();
        assert!(format!("{error:#}").contains("orders.csv is empty"));
    }

    #[test]
    fn strict_stops_at_the_first_bad_row() {
        let options = OrdersOptions {
            strict: true,
            ..OrdersOptions::default()
        };
        let error = read("order_id,product_id\n1,a\n\"\",b\n", &options).unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.starts_with("orders.csv:3: field \"order_id\": empty value"),
            "{message}"
        );
        assert!(message.contains("--strict"), "{message}");
    }
}
