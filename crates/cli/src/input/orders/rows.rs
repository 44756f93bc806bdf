//! One pass over the data rows of an orders file: each row checked field by field,
//! dropped by the user's filters or added to the baskets; a bad row's problem goes
//! back to the caller, which alone knows its line and whether `--strict` is on.

use super::columns::{Column, ResolvedColumns};
use super::facts::FileFacts;
use super::hints::HintTallies;
use super::{LineSink, OrderHistory, OrdersLayout, OrdersOptions, VariantGroups};
use crate::input::exclusions::ProductExclusions;
use crate::input::skips::{RowProblem, SkipReport};
use crate::input::values::{parse_price_hundredths, parse_quantity};

/// Rows the user asked to drop, each counted under the option's name.
#[derive(Debug, Clone, Default)]
pub struct RowFilters {
    /// `--skip-orders-prefix`: order ids starting with any of these (cancellations).
    pub order_prefixes: Vec<String>,
    /// `--skip-negative-quantity`: lines with a quantity of zero or less (returns).
    pub non_positive_quantity: bool,
    /// `--skip-zero-price`: lines with a price of zero or less (adjustments, write-offs).
    pub non_positive_price: bool,
    /// `--exclude-products` / `--exclude-products-matching`: ids that are not products.
    pub products: ProductExclusions,
}

/// The state of one pass over the rows.
pub(super) struct RowReader<'a, S> {
    columns: &'a ResolvedColumns,
    header_len: usize,
    options: &'a OrdersOptions,
    sink: S,
    /// The sink could not take a line (its spill space failed): the read stops.
    pub(super) failure: Option<alsobought_mining::SpillError>,
    hints: HintTallies,
    facts: FileFacts,
    pub(super) rows: u64,
    lines: u64,
    pub(super) skips: SkipReport,
}

impl<'a, S: LineSink> RowReader<'a, S> {
    pub(super) fn new(
        columns: &'a ResolvedColumns,
        header_len: usize,
        options: &'a OrdersOptions,
        sink: S,
    ) -> Self {
        RowReader {
            columns,
            header_len,
            options,
            sink,
            failure: None,
            hints: HintTallies::default(),
            facts: FileFacts::default(),
            rows: 0,
            lines: 0,
            skips: SkipReport::default(),
        }
    }

    /// Reads one data row: adds it to the baskets, counts it as filtered, or returns
    /// what is wrong with it.
    pub(super) fn read_row(&mut self, record: &csv::ByteRecord) -> Option<RowProblem> {
        self.rows += 1;
        match self.accept(record) {
            Ok(Verdict::Used) => self.lines += 1,
            Ok(Verdict::Filtered(option)) => self.skips.filter(option),
            Err(problem) => return Some(problem),
        }
        None
    }

    /// Checks one row and, if it is usable, adds it to the baskets.
    fn accept(&mut self, record: &csv::ByteRecord) -> Result<Verdict, RowProblem> {
        let columns = self.columns;
        let filters = &self.options.filters;
        if record.len() != self.header_len {
            return Err(RowProblem {
                reason: "wrong number of fields",
                field: None,
                detail: format!(
                    "the row has {} fields but the header has {} (an unquoted comma or quote?)",
                    record.len(),
                    self.header_len
                ),
            });
        }
        let order = required_text(record, &columns.order, "empty order id")?;
        if filters
            .order_prefixes
            .iter()
            .any(|prefix| order.starts_with(prefix.as_str()))
        {
            return Ok(Verdict::Filtered("--skip-orders-prefix"));
        }
        let product = required_text(record, &columns.product, "empty product id")?;
        if !filters.products.is_empty() {
            if filters.products.excludes_exactly(product) {
                return Ok(Verdict::Filtered("--exclude-products"));
            }
            if filters.products.excludes_by_pattern(product) {
                return Ok(Verdict::Filtered("--exclude-products-matching"));
            }
        }
        let options = self.options;
        let (product, group_title) = product_of(columns, &options.groups, record, product)?;
        if let Some(column) = &columns.quantity {
            let text = optional_text(record, column, "quantity not UTF-8")?;
            let quantity = parse_quantity(text)
                .map_err(|detail| RowProblem::in_field("bad quantity", &column.name, detail))?;
            if quantity <= 0 {
                if filters.non_positive_quantity {
                    return Ok(Verdict::Filtered("--skip-negative-quantity"));
                }
                return Err(RowProblem::in_field(
                    "quantity not positive",
                    &column.name,
                    format!("quantity {quantity} is not positive (a return or cancellation? --skip-negative-quantity drops such rows)"),
                ));
            }
        }
        let mut price = None;
        if let Some(column) = &columns.price {
            let text = optional_text(record, column, "price not UTF-8")?;
            if !text.is_empty() {
                let hundredths = parse_price_hundredths(text)
                    .map_err(|detail| RowProblem::in_field("bad price", &column.name, detail))?;
                if hundredths <= 0 && filters.non_positive_price {
                    return Ok(Verdict::Filtered("--skip-zero-price"));
                }
                price = u32::try_from(hundredths).ok().filter(|&price| price > 0);
            }
        }

        if let Err(failure) = self.sink.push_line(order, product) {
            self.failure = Some(failure);
        }
        if columns.title.is_some() || columns.price.is_some() {
            let title = group_title
                .map(str::as_bytes)
                .or_else(|| columns.title.as_ref().map(|column| &record[column.index]));
            self.hints.add(product, title, price);
        }
        if let Some(column) = &columns.customer {
            self.facts.count_customer(&record[column.index]);
        }
        if let Some(column) = &columns.date {
            self.facts.widen_date_range(&record[column.index]);
        }
        if let Some(column) = &columns.currency {
            self.facts.note_currency(&record[column.index]);
        }
        Ok(Verdict::Used)
    }

    pub(super) fn finish(
        self,
        source: String,
        layout: OrdersLayout,
        columns: ResolvedColumns,
    ) -> anyhow::Result<OrderHistory<S::Collected>> {
        let products_seen = self.sink.products_seen();
        let orders = self.sink.into_collected()?;
        let hints = (columns.title.is_some() || columns.price.is_some())
            .then(|| self.hints.into_hints(products_seen));
        let customers = columns
            .customer
            .as_ref()
            .map(|_| self.facts.customers.len() as u64);
        Ok(OrderHistory {
            source,
            layout,
            columns,
            orders,
            hints,
            rows: self.rows,
            lines: self.lines,
            customers,
            date_range: self.facts.earliest_date.zip(self.facts.latest_date),
            currencies: self.facts.currencies,
            skips: self.skips,
        })
    }
}

/// The id a line is counted under: its group (from `--group-col`, or the catalog's
/// groups), or its own SKU; with the group's title when the group is read from
/// Shopify's line names.
fn product_of<'r>(
    columns: &'r ResolvedColumns,
    groups: &'r VariantGroups,
    record: &'r csv::ByteRecord,
    sku: &'r str,
) -> Result<(&'r str, Option<&'r str>), RowProblem> {
    let Some(column) = &columns.group else {
        return Ok((groups.product_id(sku), None));
    };
    let group = optional_text(record, column, "group not UTF-8")?;
    if group.is_empty() {
        // A product sold without variants has no group: it stands for itself.
        return Ok((sku, None));
    }
    if columns.group_is_shopify_name {
        let title = shopify_product_title(group);
        return Ok((title, Some(title)));
    }
    Ok((group, None))
}

/// The product's title in a Shopify line name: "Tee - Blue / M" is a variant of "Tee"
/// (Shopify joins the title and the variant's options with " - ").
fn shopify_product_title(line_name: &str) -> &str {
    line_name
        .rsplit_once(" - ")
        .map_or(line_name, |(title, _)| title)
}

/// What became of a row that had no problem.
enum Verdict {
    Used,
    /// Dropped because of this option.
    Filtered(&'static str),
}

/// The trimmed, non-empty UTF-8 text of a required column.
fn required_text<'r>(
    record: &'r csv::ByteRecord,
    column: &Column,
    empty_reason: &'static str,
) -> Result<&'r str, RowProblem> {
    let text = optional_text(record, column, "id not UTF-8")?;
    if text.is_empty() {
        return Err(RowProblem::in_field(
            empty_reason,
            &column.name,
            "empty value",
        ));
    }
    Ok(text)
}

/// The trimmed UTF-8 text of a column, possibly empty.
fn optional_text<'r>(
    record: &'r csv::ByteRecord,
    column: &Column,
    invalid_reason: &'static str,
) -> Result<&'r str, RowProblem> {
    let bytes = record[column.index].trim_ascii();
    std::str::from_utf8(bytes).map_err(|_| {
        RowProblem::in_field(
            invalid_reason,
            &column.name,
            format!(
                "{:?} is not valid UTF-8 (re-export the file as UTF-8)",
                String::from_utf8_lossy(bytes)
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::orders::testing::{baskets, read, read_default, read_orders_from};
    use crate::input::orders::ColumnNames;
    use crate::progress::Progress;

    #[test]
    fn bad_rows_are_skipped_with_line_and_field() {
        let text = "order_id,product_id,quantity\n1,a,1\n1,,2\n2,b,x\n2,c\n3,a,-1\n3,b,1\n";
        let history = read_default(text);
        assert_eq!(baskets(&history), [vec!["a"], vec!["b"]]);
        let messages: Vec<String> = history
            .skips
            .examples
            .iter()
            .map(|row| row.problem.at("orders.csv", row.line))
            .collect();
        assert_eq!(
            messages[0],
            "orders.csv:3: field \"product_id\": empty value"
        );
        assert_eq!(
            messages[1],
            "orders.csv:4: field \"quantity\": \"x\" is not a whole number"
        );
        assert!(messages[2].starts_with("orders.csv:5: the row has 2 fields but the header has 3"));
        assert!(messages[3]
            .starts_with("orders.csv:6: field \"quantity\": quantity -1 is not positive"));
        assert_eq!(history.skips.skipped_total(), 4);
        assert_eq!(history.rows, 6);
        assert_eq!(history.lines, 2);
    }

    #[test]
    fn filters_drop_rows_without_warnings() {
        let options = OrdersOptions {
            columns: ColumnNames {
                order: Some("Invoice".to_owned()),
                product: Some("StockCode".to_owned()),
                ..ColumnNames::default()
            },
            filters: RowFilters {
                order_prefixes: vec!["C".to_owned()],
                non_positive_quantity: true,
                non_positive_price: false,
                products: ProductExclusions::new(&["POST".to_owned()], &["TEST*".to_owned()]),
            },
            strict: true,
            groups: Default::default(),
        };
        let text =
            "Invoice,StockCode,Quantity\n1,a,1\n1,POST,1\nC2,a,-1\n3,b,0\n3,TEST001,1\n3,c,2\n";
        let history = read(text, &options).unwrap();
        assert_eq!(baskets(&history), [vec!["a"], vec!["c"]]);
        assert_eq!(history.skips.skipped_total(), 0);
        assert_eq!(
            history.skips.filtered,
            [
                ("--exclude-products", 1),
                ("--skip-orders-prefix", 1),
                ("--skip-negative-quantity", 1),
                ("--exclude-products-matching", 1)
            ]
        );
    }

    #[test]
    fn invalid_utf8_ids_are_skipped_with_the_field() {
        let mut bytes = b"order_id,product_id\n1,a\n2,".to_vec();
        bytes.extend_from_slice(&[0xff, b'x', b'\n']);
        let history = read_orders_from(
            bytes.as_slice(),
            "orders.csv",
            &OrdersOptions::default(),
            &Progress::hidden(),
        )
        .unwrap();
        let example = &history.skips.examples[0];
        assert_eq!(example.line, 3);
        assert_eq!(example.problem.field.as_deref(), Some("product_id"));
        assert!(example.problem.detail.contains("not valid UTF-8"));
    }

    #[test]
    fn variants_of_one_group_count_once_per_basket() {
        let mut catalog = crate::input::catalog::read_csv_catalog(
            "id,title,group\nTEE-S,Tee,TEE\nTEE-M,Tee,TEE\nCAP,Cap,\n".as_bytes(),
            "catalog.csv",
            crate::input::catalog::BadRows::Fail,
        )
        .unwrap();
        let options = OrdersOptions {
            groups: std::mem::take(&mut catalog.groups),
            ..OrdersOptions::default()
        };
        let history = read(
            "order_id,product_id\n1,TEE-S\n1,TEE-M\n1,CAP\n2,TEE-M\n2,SOCK\n",
            &options,
        )
        .unwrap();
        assert_eq!(baskets(&history), [vec!["TEE", "CAP"], vec!["TEE", "SOCK"]]);
    }

    #[test]
    fn shopify_line_names_lose_their_variant_suffix_as_groups() {
        assert_eq!(shopify_product_title("Tee - Blue / M"), "Tee");
        assert_eq!(
            shopify_product_title("Pour-Over - Set - Large"),
            "Pour-Over - Set"
        );
        assert_eq!(shopify_product_title("Gift Card"), "Gift Card");
    }
}
