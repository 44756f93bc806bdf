//! Which columns of an orders file hold what: the names given on the command line, or
//! the defaults of the layout its header is recognised as (generic or Shopify).

use std::fmt;

use anyhow::{bail, Context};

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
    /// `--group-col`: the product a variant SKU belongs to.
    pub group: Option<String>,
}

/// The layout of an orders file, told from its header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersLayout {
    /// `order_id,product_id,...`, or columns named on the command line.
    Generic,
    /// A Shopify orders export (`Name`, `Lineitem sku`, `Lineitem name`, ...).
    Shopify,
    /// JSON lines from `alsobought pull`, one order per line.
    JsonLines,
}

impl fmt::Display for OrdersLayout {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            OrdersLayout::Generic => "CSV with a header",
            OrdersLayout::Shopify => "Shopify orders export",
            OrdersLayout::JsonLines => "JSON lines from alsobought pull",
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
    /// The variant's product (group), when asked for.
    pub group: Option<Column>,
    /// The group column is Shopify's `Lineitem name` ("Tee - Blue / M"): the group is
    /// the product's title before the variant's " - " suffix.
    pub group_is_shopify_name: bool,
}

/// Finds the columns to read, from the user's names or the layout's defaults.
pub(super) fn resolve_columns(
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
    let (layout, defaults) =
        if find(SHOPIFY_COLUMNS.order).is_some() && find(SHOPIFY_COLUMNS.product).is_some() {
            (OrdersLayout::Shopify, &SHOPIFY_COLUMNS)
        } else {
            (OrdersLayout::Generic, &GENERIC_COLUMNS)
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
        group: named(&names.group, "--group-col")?,
        group_is_shopify_name: false,
    };
    let columns = ResolvedColumns {
        group_is_shopify_name: layout == OrdersLayout::Shopify
            && columns.group.as_ref().map(|column| column.index)
                == find(SHOPIFY_COLUMNS.title.expect("Shopify names its lines"))
                    .map(|column| column.index),
        ..columns
    };
    if columns.order.index == columns.product.index {
        bail!(
            "{source}: the order and product columns are both {:?}; name them with --order-col and --product-col",
            columns.order.name
        );
    }
    Ok((layout, columns))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::orders::testing::{baskets, read, read_default};
    use crate::input::orders::OrdersOptions;

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
}
