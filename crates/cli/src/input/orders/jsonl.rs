//! Orders as JSON lines, the file `alsobought pull` writes: one order per line, with
//! its line items inside. [`PulledOrder`] is the line's shape for both sides, the
//! writer (`pull`) and the reader (`build`, `evaluate`), so the two cannot drift.
//!
//! Each line item becomes a row for the same [`RowReader`] the CSV layouts use, so
//! filters, variant groups and card hints work alike; a row's problem is reported at
//! the order's line, under the JSON field's name.

use std::collections::HashMap;
use std::hash::{DefaultHasher, Hasher};
use std::io::BufRead;

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

use super::columns::{Column, ResolvedColumns};
use super::rows::RowReader;
use super::{settle_problem, LineSink, OrderHistory, OrdersLayout, OrdersOptions};
use crate::input::skips::RowProblem;
use crate::progress::Progress;

/// Order statuses whose baskets were never bought, or were given back: WooCommerce's
/// `cancelled`, `refunded`, `failed`, `trash`; Shopify's (as `pull` writes them)
/// `cancelled`, `refunded`, `voided` (an authorisation cancelled) and `expired` (a
/// payment never captured). Counted as filtered, not mined.
const NOT_BOUGHT: [&str; 6] = [
    "cancelled",
    "refunded",
    "failed",
    "trash",
    "voided",
    "expired",
];

/// Why such an order's rows are dropped, as the summary counts it.
const NOT_BOUGHT_REASON: &str = "order status cancelled, refunded, voided or failed";

/// One order, one line of the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledOrder {
    /// The platform's order id (Shopify's numeric id, WooCommerce's `id`).
    pub id: String,
    /// When the order was placed (ISO 8601, UTC).
    pub created_at: String,
    /// When the platform last changed it: the pull's high-water mark.
    pub updated_at: String,
    /// The platform's status, lower case; see [`NOT_BOUGHT`].
    pub status: String,
    /// What was bought.
    pub lines: Vec<PulledLine>,
}

/// One line item of a [`PulledOrder`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PulledLine {
    /// The SKU, or the platform's variant/product id when the item has no SKU.
    pub product: String,
    /// The product the variant belongs to (Shopify's handle, WooCommerce's
    /// `product_id`), read as the group with `--group-col group`.
    pub group: String,
    /// The line's name as the shop showed it.
    pub title: String,
    /// Units bought.
    pub quantity: i64,
}

/// The names messages use for the fields each row is made of, in row order.
const FIELDS: [&str; 6] = [
    "id",
    "lines[].product",
    "lines[].quantity",
    "created_at",
    "lines[].title",
    "lines[].group",
];

/// Whether `start` (the first bytes of a file, after any BOM) is JSON lines rather
/// than a CSV header: a CSV header cannot start with `{`.
pub fn looks_like_json_lines(start: &[u8]) -> bool {
    let start = start.strip_prefix("\u{feff}".as_bytes()).unwrap_or(start);
    start.trim_ascii_start().first() == Some(&b'{')
}

/// Reads JSON-lines orders from `reader` into `sink`, calling it `source` in messages.
pub(super) fn read_json_lines_into<S: LineSink>(
    mut reader: impl BufRead,
    source: &str,
    options: &OrdersOptions,
    progress: &Progress,
    sink: S,
) -> anyhow::Result<OrderHistory<S::Collected>> {
    let columns = json_columns(options, source)?;
    let mut rows = RowReader::new(&columns, FIELDS.len(), options, sink);
    // 64-bit hashes of the ids seen, with their line: a repeated order would count
    // its basket twice.
    let mut seen: HashMap<u64, u64> = HashMap::new();
    let mut text = String::new();
    let mut record = csv::ByteRecord::new();
    let mut line = 0u64;
    loop {
        text.clear();
        let read = reader
            .read_line(&mut text)
            .with_context(|| format!("cannot read {source} near line {}", line + 1))?;
        if read == 0 {
            break;
        }
        line += 1;
        let json = text.trim_start_matches('\u{feff}').trim();
        if json.is_empty() {
            continue;
        }
        let order = match parse_order(json, line, &mut seen) {
            Ok(order) => order,
            Err(problem) => {
                // A line that is not an order counts as one row read, and skipped, so
                // the summary's rows still add up (rows = used + skipped + filtered).
                rows.rows += 1;
                settle_problem(&mut rows, problem, source, line, options.strict)?;
                continue;
            }
        };
        let not_bought = NOT_BOUGHT.contains(&order.status.as_str());
        for item in &order.lines {
            if not_bought {
                rows.rows += 1;
                rows.skips.filter(NOT_BOUGHT_REASON);
                continue;
            }
            record.clear();
            record.push_field(order.id.as_bytes());
            record.push_field(item.product.as_bytes());
            record.push_field(item.quantity.to_string().as_bytes());
            record.push_field(order.created_at.as_bytes());
            record.push_field(item.title.as_bytes());
            record.push_field(item.group.as_bytes());
            let problem = rows.read_row(&record);
            if let Some(failure) = rows.failure.take() {
                return Err(failure).with_context(|| {
                    format!("cannot hold the baskets of {source} (at line {line})")
                });
            }
            if let Some(problem) = problem {
                settle_problem(&mut rows, problem, source, line, options.strict)?;
            }
        }
        if line.is_multiple_of(super::PROGRESS_EVERY_ROWS) {
            progress.set_count(rows.rows);
        }
    }
    progress.set_count(rows.rows);
    rows.finish(source.to_owned(), OrdersLayout::JsonLines, columns.clone())
        .with_context(|| format!("cannot hold the baskets of {source}"))
}

/// One line's order, or what is wrong with it.
fn parse_order(
    json: &str,
    line: u64,
    seen: &mut HashMap<u64, u64>,
) -> Result<PulledOrder, RowProblem> {
    let order: PulledOrder = serde_json::from_str(json).map_err(|error| RowProblem {
        reason: "not an order",
        field: None,
        // serde names the missing or mistyped field and its column.
        detail: format!("not an order of `alsobought pull`: {error}"),
    })?;
    let mut hasher = DefaultHasher::new();
    hasher.write(order.id.as_bytes());
    if let Some(first) = seen.insert(hasher.finish(), line) {
        seen.insert(hasher.finish(), first);
        return Err(RowProblem::in_field(
            "repeated order",
            "id",
            format!(
                "order {:?} is already on line {first} (`alsobought pull` writes each order once: were two files joined?)",
                order.id
            ),
        ));
    }
    Ok(order)
}

/// The row layout line items are read in; only `--group-col group` applies, since
/// the file's fields are fixed.
fn json_columns(options: &OrdersOptions, source: &str) -> anyhow::Result<ResolvedColumns> {
    let names = &options.columns;
    let named_other = [
        (&names.order, "--order-col"),
        (&names.product, "--product-col"),
        (&names.quantity, "--quantity-col"),
        (&names.customer, "--customer-col"),
        (&names.date, "--date-col"),
        (&names.title, "--title-col"),
        (&names.price, "--price-col"),
    ];
    if let Some((_, flag)) = named_other.iter().find(|(name, _)| name.is_some()) {
        bail!("{source} is JSON lines from `alsobought pull`, whose fields are fixed: {flag} does not apply (only --group-col group does)");
    }
    let column = |index: usize| Column {
        index,
        name: FIELDS[index].to_owned(),
    };
    let group = match names.group.as_deref() {
        None => None,
        Some("group") => Some(column(5)),
        Some(other) => bail!(
            "{source} is JSON lines from `alsobought pull`: its only group field is \"group\", not {other:?} (use --group-col group)"
        ),
    };
    Ok(ResolvedColumns {
        order: column(0),
        product: column(1),
        quantity: Some(column(2)),
        customer: None,
        date: Some(column(3)),
        title: Some(column(4)),
        price: None,
        currency: None,
        group,
        group_is_shopify_name: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::orders::testing::{baskets, read};

    fn order(id: &str, status: &str, products: &[&str]) -> String {
        let lines = products
            .iter()
            .map(|product| PulledLine {
                product: (*product).to_owned(),
                group: format!("g-{product}"),
                title: format!("Title {product}"),
                quantity: 1,
            })
            .collect();
        let order = PulledOrder {
            id: id.to_owned(),
            created_at: "2026-01-02T03:04:05Z".to_owned(),
            updated_at: "2026-01-02T03:04:05Z".to_owned(),
            status: status.to_owned(),
            lines,
        };
        serde_json::to_string(&order).unwrap() + "\n"
    }

    #[test]
    fn orders_become_baskets_and_cancelled_ones_are_counted_not_mined() {
        let text = order("1", "completed", &["A", "B"])
            + "\n"
            + &order("2", "cancelled", &["A", "C"])
            + &order("3", "paid", &["B"]);
        let history = read(&text, &OrdersOptions::default()).unwrap();
        assert_eq!(history.layout, OrdersLayout::JsonLines);
        assert_eq!(baskets(&history), [vec!["A", "B"], vec!["B"]]);
        assert_eq!(history.skips.filtered, [(NOT_BOUGHT_REASON, 2)]);
        let hints = history.hints.unwrap();
        assert_eq!(hints[0].title.as_deref(), Some("Title A"));
    }

    #[test]
    fn group_field_counts_variants_as_their_product() {
        let mut options = OrdersOptions::default();
        options.columns.group = Some("group".to_owned());
        let history = read(&order("1", "paid", &["A", "B"]), &options).unwrap();
        assert_eq!(baskets(&history), [vec!["g-A", "g-B"]]);
    }

    /// Found by the `orders` fuzz target: for the file `{` the summary said 0 rows
    /// read and 1 skipped.
    #[test]
    fn a_line_that_is_not_an_order_is_a_row_read_and_skipped() {
        let text = order("1", "paid", &["A", "B"]) + "{\n";
        let history = read(&text, &OrdersOptions::default()).unwrap();
        assert_eq!(history.skips.skipped_total(), 1);
        assert_eq!(history.rows, 3);
        assert_eq!(
            history.rows,
            history.lines + history.skips.skipped_total() + history.skips.filtered_total()
        );
    }

    #[test]
    fn bad_lines_name_the_line_and_field() {
        let text = order("1", "paid", &["A"]) + "{\"id\":\"2\"}\n" + &order("1", "paid", &["B"]);
        let history = read(&text, &OrdersOptions::default()).unwrap();
        let messages: Vec<String> = history
            .skips
            .examples
            .iter()
            .map(|row| row.problem.at("orders.jsonl", row.line))
            .collect();
        assert!(
            messages[0].starts_with(
                "orders.jsonl:2: not an order of `alsobought pull`: missing field `created_at`"
            ),
            "{messages:?}"
        );
        assert!(
            messages[1]
                .starts_with("orders.jsonl:3: field \"id\": order \"1\" is already on line 1"),
            "{messages:?}"
        );
        let strict = OrdersOptions {
            strict: true,
            ..OrdersOptions::default()
        };
        let error = read(&text, &strict).unwrap_err();
        assert!(format!("{error:#}").contains("orders.csv:2:"), "{error:#}");
    }

    #[test]
    fn column_flags_other_than_the_group_are_refused() {
        let mut options = OrdersOptions::default();
        options.columns.order = Some("Name".to_owned());
        let error = read(&order("1", "paid", &["A"]), &options).unwrap_err();
        assert!(format!("{error:#}").contains("--order-col does not apply"));
    }

    #[test]
    fn json_is_told_from_csv_by_its_first_byte() {
        assert!(looks_like_json_lines(b"\xef\xbb\xbf  {\"id\":1}"));
        assert!(!looks_like_json_lines(b"order_id,product_id\n"));
        assert!(!looks_like_json_lines(b""));
    }
}
