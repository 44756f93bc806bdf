//! The options that say how to read an orders file, shared by `build` and `evaluate`
//! so both read the same file the same way, and the step that reads it and reports
//! what was skipped.

use std::path::PathBuf;

use alsobought_mining::{LineSink, OrdersBuilder, VariantGroups};
use clap::Args;

use crate::input::exclusions::ProductExclusions;
use crate::input::orders::{
    read_orders_into, ColumnNames, OrderHistory, OrdersOptions, RowFilters,
};
use crate::progress::Progress;
use crate::report::{thousands, warn, warn_about_skips};

/// Where the orders are and how to read them.
#[derive(Debug, Args)]
pub struct OrdersArgs {
    /// Order history FILE: CSV with a header, one row per line item; gzip is
    /// decompressed transparently and `-` reads standard input. Generic columns are
    /// order_id,product_id[,quantity,customer_id,created_at]; a Shopify orders export
    /// is recognised by its headers and read as-is.
    #[arg(long, value_name = "FILE", help_heading = "Orders")]
    pub orders: PathBuf,

    /// COLUMN holding the order id [default: order_id; Shopify: Name].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub order_col: Option<String>,

    /// COLUMN holding the product id [default: product_id; Shopify: Lineitem sku].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub product_col: Option<String>,

    /// COLUMN holding the quantity, checked to be a positive whole number
    /// [default: quantity if present; Shopify: Lineitem quantity].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub quantity_col: Option<String>,

    /// COLUMN holding the customer, counted in the summary
    /// [default: customer_id if present; Shopify: Email].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub customer_col: Option<String>,

    /// COLUMN holding the order date; ISO 8601 dates give the summary's date range
    /// [default: created_at if present; Shopify: Created at].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub date_col: Option<String>,

    /// COLUMN holding the product title, used for cards when there is no catalog (each
    /// product gets its most frequent title) [default: none; Shopify: Lineitem name].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub title_col: Option<String>,

    /// COLUMN holding the unit price, used for cards when there is no catalog (each
    /// product gets its most frequent positive price) [default: none; Shopify:
    /// Lineitem price].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub price_col: Option<String>,

    /// COLUMN holding the product a variant SKU belongs to (sizes, colours): lines are
    /// counted and suggested by group, so a variant's siblings are never suggested;
    /// with Shopify's `Lineitem name`, the title before " - " ("Tee - Blue / M" is
    /// "Tee") [default: none, or the catalog's group field].
    #[arg(long, value_name = "COLUMN", help_heading = "Orders")]
    pub group_col: Option<String>,

    /// Drop orders whose id starts with PREFIX, e.g. C for Online Retail II's
    /// cancellations; comma-separated or repeated [default: none].
    #[arg(
        long,
        value_name = "PREFIX",
        value_delimiter = ',',
        help_heading = "Row filters (dropped rows are counted, not warned about)"
    )]
    pub skip_orders_prefix: Vec<String>,

    /// Drop lines whose quantity is zero or negative (returns, corrections) [default:
    /// such lines are skipped with a warning].
    #[arg(
        long,
        help_heading = "Row filters (dropped rows are counted, not warned about)"
    )]
    pub skip_negative_quantity: bool,

    /// Drop lines whose price is zero or negative (stock adjustments, write-offs);
    /// needs a price column [default: such lines are kept].
    #[arg(
        long,
        help_heading = "Row filters (dropped rows are counted, not warned about)"
    )]
    pub skip_zero_price: bool,

    /// Drop lines of these product IDs, which are not products (postage, fees, manual
    /// adjustments); comma-separated or repeated, case-sensitive [default: none].
    #[arg(
        long,
        value_name = "ID",
        value_delimiter = ',',
        help_heading = "Row filters (dropped rows are counted, not warned about)"
    )]
    pub exclude_products: Vec<String>,

    /// Drop lines of product ids matching PATTERN, where `*` stands for any
    /// characters (TEST*, gift_*); comma-separated or repeated [default: none].
    #[arg(
        long,
        value_name = "PATTERN",
        value_delimiter = ',',
        help_heading = "Row filters (dropped rows are counted, not warned about)"
    )]
    pub exclude_products_matching: Vec<String>,

    /// Fail at the first bad row (empty id, malformed quantity or price, wrong number of
    /// fields) instead of skipping it with a warning [default: off].
    #[arg(long, help_heading = "Orders")]
    pub strict: bool,
}

impl OrdersArgs {
    /// The reader's options these flags describe, with the catalog's variant groups.
    pub fn options(&self, groups: &VariantGroups) -> OrdersOptions {
        OrdersOptions {
            columns: ColumnNames {
                order: self.order_col.clone(),
                product: self.product_col.clone(),
                quantity: self.quantity_col.clone(),
                customer: self.customer_col.clone(),
                date: self.date_col.clone(),
                title: self.title_col.clone(),
                price: self.price_col.clone(),
                group: self.group_col.clone(),
            },
            filters: RowFilters {
                order_prefixes: self.skip_orders_prefix.clone(),
                non_positive_quantity: self.skip_negative_quantity,
                non_positive_price: self.skip_zero_price,
                products: ProductExclusions::new(
                    &self.exclude_products,
                    &self.exclude_products_matching,
                ),
            },
            strict: self.strict,
            groups: groups.clone(),
        }
    }

    /// Reads the orders, each line counted under its variant group (`groups`, from the
    /// catalog), warning about skipped rows and flags that had no effect.
    pub fn read(&self, quiet: bool, groups: &VariantGroups) -> anyhow::Result<OrderHistory> {
        self.read_into(quiet, groups, OrdersBuilder::new())
    }

    /// [`OrdersArgs::read`] into another sink (`build`'s bounded-memory collector).
    pub fn read_into<S: LineSink>(
        &self,
        quiet: bool,
        groups: &VariantGroups,
        sink: S,
    ) -> anyhow::Result<OrderHistory<S::Collected>> {
        let history = {
            let progress = Progress::counting(quiet, "reading order rows");
            read_orders_into(&self.orders, &self.options(groups), &progress, sink)?
        };
        let source = &history.source;
        if self.skip_negative_quantity && history.columns.quantity.is_none() {
            warn(format_args!(
                "--skip-negative-quantity has no effect: {source} has no quantity column (name it with --quantity-col)"
            ));
        }
        if self.skip_zero_price && history.columns.price.is_none() {
            warn(format_args!(
                "--skip-zero-price has no effect: {source} has no price column (name it with --price-col)"
            ));
        }
        warn_about_skips(source, &history.skips);
        if history.lines == 0 {
            anyhow::bail!(
                "{source}: no usable order rows out of {} read; see the warnings above",
                history.rows
            );
        }
        Ok(history)
    }
}

/// What became of the rows, for a summary: `525,461 read: 509,152 used, ...`, and
/// the options that dropped rows with their counts (if any did).
pub fn rows_summary<O>(history: &OrderHistory<O>) -> (String, Option<String>) {
    let skips = &history.skips;
    let mut read = format!(
        "{} read: {} used",
        thousands(history.rows),
        thousands(history.lines)
    );
    if skips.filtered_total() > 0 {
        read.push_str(&format!(
            ", {} dropped on request",
            thousands(skips.filtered_total())
        ));
    }
    read.push_str(&format!(
        ", {} skipped as bad",
        thousands(skips.skipped_total())
    ));
    let dropped = (!skips.filtered.is_empty()).then(|| {
        skips
            .filtered
            .iter()
            .map(|(option, count)| format!("{option} {}", thousands(*count)))
            .collect::<Vec<_>>()
            .join(", ")
    });
    (read, dropped)
}
