//! The real-data tables the recommend and page-size benchmarks share: every Online
//! Retail II order mined with the default options, either without a catalog (cards
//! hold only ids) or with a catalog made from the file (title, price) plus the URL and
//! image fields a real store's catalog has, so bundle sizes are realistic.

use alsobought_core::{write_table, ProductRecord};
use alsobought_mining::{build_table_input, Catalog, MiningOptions, Orders};

/// The orders and the table built from them without a catalog.
pub fn online_retail_table() -> (Orders, Vec<u8>) {
    let orders = super::load_online_retail();
    let mined = build_table_input(&orders, None, &MiningOptions::default());
    let bytes = write_table(&mined.input).expect("the real orders make a valid table");
    (orders, bytes)
}

/// The orders and the table built with a catalog of realistic cards.
pub fn online_retail_table_with_catalog() -> (Orders, Vec<u8>) {
    let data = super::read_online_retail(true);
    let mut catalog = Catalog::new();
    for id in data.orders.product_ids() {
        let (title, price) = data.products.get(id).cloned().unwrap_or_default();
        let slug: String = id.chars().filter(char::is_ascii_alphanumeric).collect();
        catalog
            .insert(ProductRecord {
                title: if title.is_empty() { id.clone() } else { title },
                url: format!("https://shop.example.com/products/{slug}"),
                image: format!("https://cdn.example.com/images/products/{slug}-400x400.jpg"),
                category: String::new(),
                price_hundredths: price,
                currency: price.map(|_| "GBP".to_owned()),
                available: true,
                rating_tenths: None,
                ..ProductRecord::with_id(id.as_str())
            })
            .expect("ids are distinct");
    }
    let mined = build_table_input(&data.orders, Some(&catalog), &MiningOptions::default());
    let bytes = write_table(&mined.input).expect("the real orders make a valid table");
    (data.orders, bytes)
}
