//! `orders`: fuzzer bytes as an orders file, read by `alsobought build`'s reader with
//! options chosen by the first byte (strict or not, the generic, Online Retail II or
//! Shopify column names, the row filters, variant groups). No row may be lost: each
//! is a basket line, skipped with a problem that names its line (and field), or
//! filtered; an error names the file and line.

use alsobought_cli::input::exclusions::ProductExclusions;
use alsobought_cli::input::orders::{
    read_orders_from_into, ColumnNames, OrdersOptions, RowFilters,
};
use alsobought_cli::progress::Progress;
use alsobought_mining::OrdersBuilder;

use crate::text_checks::{check_error, check_skips};

/// The name messages call the file.
const SOURCE: &str = "orders.csv";

/// The `orders` target: byte 0 chooses the options, the rest is the file.
pub fn orders(data: &[u8]) {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let options = options(choice);
    let sink = OrdersBuilder::new();
    match read_orders_from_into(file, SOURCE, &options, &Progress::step(true, ""), sink) {
        Ok(history) => {
            let skips = &history.skips;
            assert_eq!(
                history.rows,
                history.lines + skips.skipped_total() + skips.filtered_total(),
                "rows lost: {} rows, {} lines, {skips:?}",
                history.rows,
                history.lines
            );
            assert!(
                !options.strict || skips.skipped_total() == 0,
                "--strict skipped rows"
            );
            check_skips(skips, file);
            let orders = &history.orders;
            let lines: usize = orders.baskets().iter().map(Vec::len).sum();
            assert!(
                lines as u64 <= history.lines,
                "more basket lines than rows used"
            );
            for basket in orders.baskets() {
                for &product in basket {
                    let id = &orders.product_ids()[product as usize];
                    assert!(!id.is_empty(), "an empty product id in a basket");
                }
            }
        }
        Err(error) => check_error(&format!("{error:#}"), SOURCE, file),
    }
}

/// Bits of `choice`: 0 strict; 1-2 the column names; 3 skip `C` orders; 4 skip
/// non-positive quantities; 5 skip zero prices; 6 exclude `POST`, `TEST*` and `*fee*`;
/// 7 read a group column.
fn options(choice: u8) -> OrdersOptions {
    let bit = |n: u8| choice & (1 << n) != 0;
    let named = |name: &str| Some(name.to_string());
    let mut columns = match (choice >> 1) & 3 {
        0 => ColumnNames::default(),
        // Online Retail II, as docs/quickstart.md reads it.
        1 => ColumnNames {
            order: named("Invoice"),
            product: named("StockCode"),
            quantity: named("Quantity"),
            customer: named("Customer ID"),
            date: named("InvoiceDate"),
            title: named("Description"),
            price: named("Price"),
            group: None,
        },
        2 => ColumnNames {
            title: named("title"),
            price: named("price"),
            ..ColumnNames::default()
        },
        _ => ColumnNames {
            order: named("a"),
            product: named("b"),
            quantity: named("c"),
            ..ColumnNames::default()
        },
    };
    if bit(7) {
        columns.group = named(if (choice >> 1) & 3 == 1 {
            "Description"
        } else {
            "group"
        });
    }
    let exclusions = if bit(6) {
        ProductExclusions::new(
            &["POST".to_string()],
            &["TEST*".to_string(), "*fee*".to_string()],
        )
    } else {
        ProductExclusions::default()
    };
    OrdersOptions {
        columns,
        filters: RowFilters {
            order_prefixes: if bit(3) { vec!["C".into()] } else { Vec::new() },
            non_positive_quantity: bit(4),
            non_positive_price: bit(5),
            products: exclusions,
        },
        strict: bit(0),
        groups: Default::default(),
    }
}
