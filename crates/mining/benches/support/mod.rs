//! Loading the real Online Retail II orders for benchmarks and reports.
//!
//! A minimal reader on purpose: the benchmarks measure mining and the table, not CSV
//! parsing, and the file's first two columns (`Invoice`, `StockCode`) are never quoted.
//! The data stays in `shared/` (its licence and the project's rule: never copied into
//! the repository); a missing file ends the run with a message saying where to put it.

#![allow(dead_code)] // each bench binary uses a different part of this module

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;

use alsobought_mining::{Orders, OrdersBuilder};
use flate2::read::GzDecoder;

/// Where the data lives relative to the repository checkout (`/work/main` next to
/// `/work/shared`); `ALSOBOUGHT_ONLINE_RETAIL` overrides it.
pub fn online_retail_path() -> PathBuf {
    if let Some(path) = std::env::var_os("ALSOBOUGHT_ONLINE_RETAIL") {
        return PathBuf::from(path);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/online-retail-ii/online_retail_II_2009-2010.csv.gz")
}

/// Every non-cancelled invoice line, service codes (postage, fees, vouchers, manual
/// adjustments: not products a catalog would list) left out.
pub fn load_online_retail() -> Orders {
    read_online_retail(false).orders
}

/// The orders, plus what the file says about each product: enough for realistic cards.
pub struct OnlineRetail {
    /// The interned orders.
    pub orders: Orders,
    /// Per product id: its first description and its last positive price (pence).
    pub products: HashMap<String, (String, Option<u32>)>,
}

/// Reads the file; with `with_products`, also parses descriptions and prices (the
/// rest of each line, which may be quoted).
pub fn read_online_retail(with_products: bool) -> OnlineRetail {
    let path = online_retail_path();
    let file = File::open(&path).unwrap_or_else(|error| {
        panic!(
            "cannot open the Online Retail II orders at {}: {error}; set ALSOBOUGHT_ONLINE_RETAIL to the \
             online_retail_II_2009-2010.csv.gz file",
            path.display()
        )
    });
    let mut builder = OrdersBuilder::new();
    let mut products: HashMap<String, (String, Option<u32>)> = HashMap::new();
    for (number, line) in BufReader::new(GzDecoder::new(file)).lines().enumerate() {
        let line =
            line.unwrap_or_else(|error| panic!("{}: line {}: {error}", path.display(), number + 1));
        if number == 0 {
            assert!(
                line.starts_with("Invoice,StockCode,"),
                "{}: unexpected header {line:?}",
                path.display()
            );
            continue;
        }
        let mut fields = line.splitn(3, ',');
        let (Some(invoice), Some(stock_code), rest) = (fields.next(), fields.next(), fields.next())
        else {
            panic!(
                "{}: line {}: fewer than two fields",
                path.display(),
                number + 1
            );
        };
        if invoice.starts_with('C') || is_service_code(stock_code) {
            continue;
        }
        builder.add_line(invoice, stock_code);
        if with_products {
            // Description,Quantity,InvoiceDate,Price,Customer ID,Country
            let rest = split_csv(rest.unwrap_or_default());
            let description = rest
                .first()
                .map(|text| text.trim().to_owned())
                .unwrap_or_default();
            let price = rest
                .get(3)
                .and_then(|text| text.parse::<f64>().ok())
                .filter(|price| *price > 0.0)
                .map(|price| (price * 100.0).round() as u32);
            let entry = products.entry(stock_code.to_owned()).or_default();
            if entry.0.is_empty() {
                entry.0 = description;
            }
            if price.is_some() {
                entry.1 = price;
            }
        }
    }
    OnlineRetail {
        orders: builder.finish(),
        products,
    }
}

/// Splits one CSV line into fields, honouring double quotes (`""` inside quotes is a
/// quote); enough for this file's descriptions.
fn split_csv(line: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut characters = line.chars().peekable();
    while let Some(character) = characters.next() {
        match (character, quoted) {
            ('"', true) if characters.peek() == Some(&'"') => {
                characters.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (other, _) => fields.last_mut().unwrap().push(other),
        }
    }
    fields
}

/// Stock codes of the file that are charges, fees or adjustments rather than products.
pub fn is_service_code(code: &str) -> bool {
    const EXACT: [&str; 12] = [
        "POST",
        "DOT",
        "M",
        "m",
        "C2",
        "D",
        "S",
        "B",
        "PADS",
        "BANK CHARGES",
        "AMAZONFEE",
        "GIFT",
    ];
    EXACT.contains(&code)
        || ["ADJUST", "TEST", "gift_"]
            .iter()
            .any(|prefix| code.starts_with(prefix))
}

pub mod table;
