//! Shared builders for the format tests: small tables with every kind of field,
//! so each test file states only what it checks.
#![allow(dead_code)]

use alsobought_core::{write_table, ProductRecord, TableInput};

/// A product with every field set, derived from `id`.
pub fn product(id: &str) -> ProductRecord {
    ProductRecord {
        id: id.to_owned(),
        title: format!("Title of {id}"),
        url: format!("https://shop.example/p/{id}"),
        image: format!("https://shop.example/i/{id}.jpg"),
        category: "mugs".to_owned(),
        price_hundredths: Some(1299),
        currency: Some("EUR".to_owned()),
        available: true,
        rating_tenths: Some(45),
    }
}

/// Five products with a few neighbours each, one with none, unicode and empty
/// strings, a missing price and an unavailable product.
pub fn small_input() -> TableInput {
    let mut products: Vec<ProductRecord> = ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"]
        .iter()
        .map(|id| product(id))
        .collect();
    products[1].title = "Tasse « Café » — 日本語 ☕".to_owned();
    products[2].url = String::new();
    products[2].image = String::new();
    products[2].category = String::new();
    products[2].price_hundredths = None;
    products[2].currency = None;
    products[2].rating_tenths = None;
    products[3].available = false;
    TableInput {
        products,
        neighbours: vec![
            vec![(1, 0.9), (2, 0.5), (3, 0.01)],
            vec![(0, 0.9)],
            vec![(0, 0.5), (4, 0.2)],
            vec![],
            vec![(0, 0.3)],
        ],
        best_sellers: vec![(0, 120.0), (1, 80.0), (4, 3.0)],
        order_count: 42,
        max_neighbours: 3,
    }
}

/// The bytes of [`small_input`].
pub fn small_table() -> Vec<u8> {
    write_table(&small_input()).expect("the small input is valid")
}
