//! Reads an order history (one CSV row per line item) into the miner's [`Orders`],
//! plus what order rows can tell about each product's card when there is no catalog
//! (its most frequent title and price).
//!
//! Three layouts are read: the generic `order_id,product_id[,quantity,customer_id,
//! created_at]` file, a Shopify orders export as-is (recognised by its `Name` and
//! `Lineitem sku` columns), and any other export once its columns are named
//! (`--order-col Invoice --product-col StockCode` for Online Retail II).
//!
//! The row loop is the hot path of `alsobought build` (525k rows for a year of a
//! mid-size store): it reuses one `csv::ByteRecord`, looks fields up by index, and
//! allocates only when it meets a new id or title.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::hash::{DefaultHasher, Hasher};
use std::io::Read;
use std::path::Path;

use alsobought_core::mining::{LineSink, Orders};
use anyhow::{bail, Context};

use super::csv_lines::LinedCsv;
use super::exclusions::ProductExclusions;
use super::skips::{RowProblem, SkipReport};
use super::source::open_input;
use super::values::{parse_price_hundredths, parse_quantity};
use crate::progress::Progress;

/// Rows between two progress updates (a power of two keeps the test cheap).
const PROGRESS_EVERY_ROWS: u64 = 1 << 15;

/// The column names the user gave on the command line; `None` takes the layout's default.
#[derive(Debug, Clone, Default)]
pub struct ColumnNames {
    /// `--order-col`: the order (invoice) id.
    pub order: Option<String>,
    /// `--product-col`: the product id (SKU).
    pub product: Option<String>,
    /// `--quantity-col`: units of the line.
    pub quantity: Option<String>,
    /// `--customer-col`: who ordered.
    pub customer: Option<String>,
    /// `--date-col`: when the order was placed.
    pub date: Option<String>,
    /// `--title-col`: the product's name on the line.
    pub title: Option<String>,
    /// `--price-col`: the unit price on the line.
    pub price: Option<String>,
}

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

/// Everything that decides how an orders file is read.
#[derive(Debug, Clone, Default)]
pub struct OrdersOptions {
    /// Which columns hold what.
    pub columns: ColumnNames,
    /// Rows to drop on purpose.
    pub filters: RowFilters,
    /// `--strict`: the first bad row is an error instead of a warning.
    pub strict: bool,
}

/// The layout of an orders file, told from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersLayout {
    /// `order_id,product_id,...`, or columns named on the command line.
    Generic,
    /// A Shopify orders export (`Name`, `Lineitem sku`, `Lineitem name`, ...).
    Shopify,
}

impl fmt::Display for OrdersLayout {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            OrdersLayout::Generic => "CSV with a header",
            OrdersLayout::Shopify => "Shopify orders export",
        })
    }
}

/// The columns of each layout, in the order of [`ColumnNames`]' fields.
struct LayoutDefaults {
    order: &'static str,
    product: &'static str,
    quantity: &'static str,
    customer: &'static str,
    date: Option<&'static str>,
    title: Option<&'static str>,
    price: Option<&'static str>,
    /// The currency of the line's prices; not a flag, since only exports that carry
    /// one per order (Shopify) have it.
    currency: Option<&'static str>,
}

const GENERIC_COLUMNS: LayoutDefaults = LayoutDefaults {
    order: "order_id",
    product: "product_id",
    quantity: "quantity",
    customer: "customer_id",
    date: Some("created_at"),
    // Titles and prices come from the catalog unless a column is named explicitly.
    title: None,
    price: None,
    currency: None,
};

/// Shopify's export repeats the order's fields (`Created at`, `Email`) on its first
/// line item only; later lines of the order leave them empty, which is fine here.
const SHOPIFY_COLUMNS: LayoutDefaults = LayoutDefaults {
    order: "Name",
    product: "Lineitem sku",
    quantity: "Lineitem quantity",
    customer: "Email",
    date: Some("Created at"),
    title: Some("Lineitem name"),
    price: Some("Lineitem price"),
    currency: Some("Currency"),
};

/// A column found in the header: its position and its name as written there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    /// 0-based position in each row.
    pub index: usize,
    /// The header's spelling, used in messages.
    pub name: String,
}

/// The columns an orders file is read from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResolvedColumns {
    /// Order id (required).
    pub order: Column,
    /// Product id (required).
    pub product: Column,
    /// Quantity, if the file has one.
    pub quantity: Option<Column>,
    /// Customer, if the file has one.
    pub customer: Option<Column>,
    /// Order date, if the file has one.
    pub date: Option<Column>,
    /// Product title, when asked for (or Shopify's `Lineitem name`).
    pub title: Option<Column>,
    /// Unit price, when asked for (or Shopify's `Lineitem price`).
    pub price: Option<Column>,
    /// Currency of the prices (Shopify's `Currency`, filled on each order's first row).
    pub currency: Option<Column>,
}

/// What the order rows say about one product's card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductHints {
    /// The title written most often on its lines (the first seen wins ties).
    pub title: Option<String>,
    /// The positive unit price written most often, in hundredths.
    pub price_hundredths: Option<u32>,
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
/// `sink` (an [`OrdersBuilder`](alsobought_core::mining::OrdersBuilder) keeps every
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

/// Reads orders from `reader`, calling it `source` in messages.
#[cfg(test)]
pub fn read_orders_from(
    reader: impl Read,
    source: &str,
    options: &OrdersOptions,
    progress: &Progress,
) -> anyhow::Result<OrderHistory> {
    let sink = alsobought_core::mining::OrdersBuilder::new();
    read_orders_from_into(reader, source, options, progress, sink)
}

/// Reads orders from `reader` into `sink`, calling it `source` in messages.
pub fn read_orders_from_into<S: LineSink>(
    reader: impl Read,
    source: &str,
    options: &OrdersOptions,
    progress: &Progress,
    sink: S,
) -> anyhow::Result<OrderHistory<S::Collected>> {
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
        if options.strict {
            bail!(
                "{}; stopping because of --strict (without it the row is skipped with a warning)",
                problem.at(source, line)
            );
        }
        reader.skips.skip(line, problem);
    }
    progress.set_count(reader.rows);
    reader
        .finish(source.to_owned(), layout, columns.clone())
        .with_context(|| format!("cannot hold the baskets of {source}"))
}

/// Finds the columns to read, from the user's names or the layout's defaults.
fn resolve_columns(
    headers: &[String],
    names: &ColumnNames,
    source: &str,
) -> anyhow::Result<(OrdersLayout, ResolvedColumns)> {
    let find = |name: &str| {
        headers
            .iter()
            .position(|header| header.eq_ignore_ascii_case(name))
            .map(|index| Column {
                index,
                name: headers[index].clone(),
            })
    };
    let header_list = || {
        headers
            .iter()
            .map(|header| format!("{header:?}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let layout = if find(SHOPIFY_COLUMNS.order).is_some() && find(SHOPIFY_COLUMNS.product).is_some()
    {
        OrdersLayout::Shopify
    } else {
        OrdersLayout::Generic
    };
    let defaults = match layout {
        OrdersLayout::Generic => &GENERIC_COLUMNS,
        OrdersLayout::Shopify => &SHOPIFY_COLUMNS,
    };
    // A column the user named must exist; a default one is used only if present.
    let named = |chosen: &Option<String>, flag: &str| -> anyhow::Result<Option<Column>> {
        match chosen {
            Some(name) => find(name).map(Some).with_context(|| {
                format!(
                    "{source} has no column {name:?} (given with {flag}); the header has: {}",
                    header_list()
                )
            }),
            None => Ok(None),
        }
    };
    let required = |chosen: &Option<String>, default: &str, flag: &str| {
        named(chosen, flag)?.or_else(|| find(default)).with_context(|| {
            format!(
                "{source} has no {default:?} column; the header has: {}; name the column with {flag}",
                header_list()
            )
        })
    };
    let optional = |chosen: &Option<String>, default: Option<&str>, flag: &str| {
        Ok::<_, anyhow::Error>(named(chosen, flag)?.or_else(|| default.and_then(find)))
    };
    let columns = ResolvedColumns {
        order: required(&names.order, defaults.order, "--order-col")?,
        product: required(&names.product, defaults.product, "--product-col")?,
        quantity: optional(&names.quantity, Some(defaults.quantity), "--quantity-col")?,
        customer: optional(&names.customer, Some(defaults.customer), "--customer-col")?,
        date: optional(&names.date, defaults.date, "--date-col")?,
        title: optional(&names.title, defaults.title, "--title-col")?,
        price: optional(&names.price, defaults.price, "--price-col")?,
        currency: defaults.currency.and_then(find),
    };
    if columns.order.index == columns.product.index {
        bail!(
            "{source}: the order and product columns are both {:?}; name them with --order-col and --product-col",
            columns.order.name
        );
    }
    Ok((layout, columns))
}

/// Tallies of the titles and prices seen on one product's lines.
#[derive(Debug, Default)]
struct HintTally {
    titles: Vec<(String, u32)>,
    prices: Vec<(u32, u32)>,
}

impl HintTally {
    fn add_title(&mut self, title: &[u8]) {
        match self
            .titles
            .iter_mut()
            .find(|(known, _)| known.as_bytes() == title)
        {
            Some((_, count)) => *count += 1,
            None => self
                .titles
                .push((String::from_utf8_lossy(title).into_owned(), 1)),
        }
    }

    fn add_price(&mut self, hundredths: u32) {
        match self
            .prices
            .iter_mut()
            .find(|(known, _)| *known == hundredths)
        {
            Some((_, count)) => *count += 1,
            None => self.prices.push((hundredths, 1)),
        }
    }

    fn into_hints(self) -> ProductHints {
        ProductHints {
            title: most_frequent(self.titles),
            price_hundredths: most_frequent(self.prices),
        }
    }
}

/// The value with the highest count; the earliest one among equals.
fn most_frequent<T>(tally: Vec<(T, u32)>) -> Option<T> {
    let mut best: Option<(T, u32)> = None;
    for (value, count) in tally {
        if best
            .as_ref()
            .is_none_or(|(_, best_count)| count > *best_count)
        {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value)
}

/// The state of one pass over the rows.
struct RowReader<'a, S> {
    columns: &'a ResolvedColumns,
    header_len: usize,
    options: &'a OrdersOptions,
    sink: S,
    /// The sink could not take a line (its spill space failed): the read stops.
    failure: Option<alsobought_core::mining::SpillError>,
    /// Product numbers as the builder assigns them (first appearance among used
    /// rows), kept here only when there are hints to attach to them.
    hint_numbers: HashMap<String, u32>,
    hint_tallies: Vec<HintTally>,
    /// 64-bit hashes of the customer ids: 8 bytes per customer, not the id's text.
    customers: HashSet<u64>,
    last_customer: Vec<u8>,
    earliest_date: Option<String>,
    latest_date: Option<String>,
    currencies: Vec<String>,
    rows: u64,
    lines: u64,
    skips: SkipReport,
}

impl<'a, S: LineSink> RowReader<'a, S> {
    fn new(
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
            hint_numbers: HashMap::new(),
            hint_tallies: Vec::new(),
            customers: Default::default(),
            last_customer: Vec::new(),
            earliest_date: None,
            latest_date: None,
            currencies: Vec::new(),
            rows: 0,
            lines: 0,
            skips: SkipReport::default(),
        }
    }

    /// Reads one data row: adds it to the baskets, counts it as filtered, or returns
    /// what is wrong with it.
    fn read_row(&mut self, record: &csv::ByteRecord) -> Option<RowProblem> {
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
            self.add_hints(record, product, price);
        }
        if let Some(column) = &columns.customer {
            self.count_customer(&record[column.index]);
        }
        if let Some(column) = &columns.date {
            self.widen_date_range(&record[column.index]);
        }
        if let Some(column) = &columns.currency {
            self.note_currency(&record[column.index]);
        }
        Ok(Verdict::Used)
    }

    fn add_hints(&mut self, record: &csv::ByteRecord, product: &str, price: Option<u32>) {
        let number = match self.hint_numbers.get(product) {
            Some(&number) => number,
            None => {
                let number = self.hint_tallies.len() as u32;
                self.hint_numbers.insert(product.to_owned(), number);
                self.hint_tallies.push(HintTally::default());
                number
            }
        };
        let tally = &mut self.hint_tallies[number as usize];
        if let Some(column) = &self.columns.title {
            let title = record[column.index].trim_ascii();
            if !title.is_empty() {
                tally.add_title(title);
            }
        }
        if let Some(price) = price {
            tally.add_price(price);
        }
    }

    fn count_customer(&mut self, customer: &[u8]) {
        let customer = customer.trim_ascii();
        // Rows of one order are usually adjacent: skip the set for repeats.
        if customer.is_empty() || customer == self.last_customer.as_slice() {
            return;
        }
        self.last_customer.clear();
        self.last_customer.extend_from_slice(customer);
        let mut hasher = DefaultHasher::new();
        hasher.write(customer);
        self.customers.insert(hasher.finish());
    }

    fn note_currency(&mut self, currency: &[u8]) {
        let currency = currency.trim_ascii();
        if !currency.is_empty()
            && !self
                .currencies
                .iter()
                .any(|known| known.as_bytes() == currency)
        {
            self.currencies
                .push(String::from_utf8_lossy(currency).into_owned());
        }
    }

    /// Keeps the earliest and latest ISO 8601 dates (these compare as text).
    fn widen_date_range(&mut self, date: &[u8]) {
        let date = date.trim_ascii();
        if !looks_like_iso_date(date) {
            return;
        }
        let is_before =
            |known: &Option<String>| known.as_ref().is_none_or(|known| date < known.as_bytes());
        let is_after =
            |known: &Option<String>| known.as_ref().is_none_or(|known| date > known.as_bytes());
        if is_before(&self.earliest_date) {
            self.earliest_date = Some(String::from_utf8_lossy(date).into_owned());
        }
        if is_after(&self.latest_date) {
            self.latest_date = Some(String::from_utf8_lossy(date).into_owned());
        }
    }

    fn finish(
        self,
        source: String,
        layout: OrdersLayout,
        columns: ResolvedColumns,
    ) -> anyhow::Result<OrderHistory<S::Collected>> {
        let products_seen = self.sink.products_seen();
        let orders = self.sink.into_collected()?;
        let hints = (columns.title.is_some() || columns.price.is_some()).then(|| {
            debug_assert_eq!(self.hint_tallies.len(), products_seen);
            self.hint_tallies
                .into_iter()
                .map(HintTally::into_hints)
                .collect()
        });
        let customers = columns
            .customer
            .as_ref()
            .map(|_| self.customers.len() as u64);
        Ok(OrderHistory {
            source,
            layout,
            columns,
            orders,
            hints,
            rows: self.rows,
            lines: self.lines,
            customers,
            date_range: self.earliest_date.zip(self.latest_date),
            currencies: self.currencies,
            skips: self.skips,
        })
    }
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

/// Whether `date` starts like `2009-12-01`.
fn looks_like_iso_date(date: &[u8]) -> bool {
    date.len() >= 10
        && date[..4].iter().all(u8::is_ascii_digit)
        && date[4] == b'-'
        && date[5..7].iter().all(u8::is_ascii_digit)
        && date[7] == b'-'
        && date[8..10].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str, options: &OrdersOptions) -> anyhow::Result<OrderHistory> {
        read_orders_from(text.as_bytes(), "orders.csv", options, &Progress::hidden())
    }

    fn read_default(text: &str) -> OrderHistory {
        read(text, &OrdersOptions::default()).unwrap()
    }

    fn baskets(history: &OrderHistory) -> Vec<Vec<&str>> {
        let ids = history.orders.product_ids();
        history
            .orders
            .baskets()
            .iter()
            .map(|basket| {
                basket
                    .iter()
                    .map(|&product| ids[product as usize].as_str())
                    .collect()
            })
            .collect()
    }

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
    fn missing_column_error_names_it_and_lists_the_headers() {
        let error = read("Invoice,StockCode\n1,a\n", &OrdersOptions::default()).unwrap_err();
        let message = format!("{error:#}");
        assert!(message.contains("no \"order_id\" column"), "{message}");
        assert!(message.contains("\"Invoice\", \"StockCode\""), "{message}");
        assert!(message.contains("--order-col"), "{message}");
    }

    #[test]
    fn a_named_column_must_exist() {
        let options = OrdersOptions {
            columns: ColumnNames {
                title: Some("Description".to_owned()),
                ..ColumnNames::default()
            },
            ..OrdersOptions::default()
        };
        let error = read("order_id,product_id\n1,a\n", &options).unwrap_err();
        let message = format!("{error:#}");
        assert!(
            message.contains("no column \"Description\" (given with --title-col)"),
            "{message}"
        );
        assert!(
            message.contains("\"order_id\", \"product_id\""),
            "{message}"
        );
    }

    #[test]
    fn empty_file_is_an_error() {
        let error = read("", &OrdersOptions::default()).unwrap_err();
        assert!(format!("{error:#}").contains("orders.csv is empty"));
    }

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
    fn titles_and_prices_take_the_most_frequent_value() {
        let options = OrdersOptions {
            columns: ColumnNames {
                title: Some("description".to_owned()),
                price: Some("price".to_owned()),
                ..ColumnNames::default()
            },
            ..OrdersOptions::default()
        };
        let text = "order_id,product_id,Description,Price\n\
                    1,a, Old name ,2.50\n2,a,New name,2.50\n3,a,New name,0\n4,b,,1\n4,a,Old name,3\n";
        let history = read(text, &options).unwrap();
        let hints = history.hints.unwrap();
        assert_eq!(hints[0].title.as_deref(), Some("Old name"));
        assert_eq!(hints[0].price_hundredths, Some(250));
        assert_eq!(
            hints[1],
            ProductHints {
                title: None,
                price_hundredths: Some(100)
            }
        );
    }

    #[test]
    fn shopify_export_is_recognised_by_its_headers() {
        let text =
            "Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku\n\
                    #1001,a@example.com,2024-03-01 10:00:00 +0100,1,Mug,12.00,MUG-1\n\
                    #1001,,,2,Tea,4.50,TEA-1\n\
                    #1002,b@example.com,2024-03-02 11:00:00 +0100,1,Tea,4.50,TEA-1\n";
        let history = read_default(text);
        assert_eq!(history.layout, OrdersLayout::Shopify);
        assert_eq!(baskets(&history), [vec!["MUG-1", "TEA-1"], vec!["TEA-1"]]);
        assert_eq!(history.customers, Some(2));
        let hints = history.hints.unwrap();
        assert_eq!(hints[1].title.as_deref(), Some("Tea"));
        assert_eq!(hints[1].price_hundredths, Some(450));
        let (earliest, latest) = history.date_range.unwrap();
        assert!(earliest.starts_with("2024-03-01") && latest.starts_with("2024-03-02"));
        assert!(history.currencies.is_empty());
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
}
