//! Mining: from an order history (and optionally a catalog) to the [`TableInput`] the
//! table writer encodes.
//!
//! The steps: intern the orders ([`OrdersBuilder`]), count in how many orders each
//! product and each pair of products appear (pairs once per order), score each pair
//! with a [`ScoreMeasure`], keep each product's best K neighbours that may be
//! suggested, and list the best-sellers for the fallback. Native only (rayon).

mod catalog;
mod counting;
mod measures;
mod orders;

pub use catalog::{Catalog, DuplicateProduct};
pub use measures::{PairCounts, ScoreMeasure, UnknownMeasure};
pub use orders::{Orders, OrdersBuilder};

use crate::format::{ProductRecord, TableInput};
use counting::{keep_best, top_neighbours, NeighbourQuery};

/// Knobs of the miner. `Default` gives what `alsobought build` uses.
#[derive(Debug, Clone, PartialEq)]
pub struct MiningOptions {
    /// How pairs are scored.
    pub measure: ScoreMeasure,
    /// Neighbours kept per product (the table's K), at most 255.
    pub max_neighbours: u8,
    /// Pairs bought together in fewer orders than this are not neighbours.
    pub min_together: u32,
    /// Length of the best-seller list (the fallback).
    pub best_seller_count: usize,
}

impl Default for MiningOptions {
    fn default() -> Self {
        MiningOptions {
            measure: ScoreMeasure::DEFAULT,
            max_neighbours: 20,
            min_together: 1,
            best_seller_count: 20,
        }
    }
}

/// The miner's output: what to write, and what it took.
#[derive(Debug, Clone)]
pub struct MinedTable {
    /// Ready for [`crate::write_table`].
    pub input: TableInput,
    /// Counts for the command-line tool's summary.
    pub stats: MiningStats,
}

/// What the miner saw and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MiningStats {
    /// Orders mined.
    pub orders: u64,
    /// Distinct products in the orders.
    pub products_in_orders: u64,
    /// Products in the orders that the catalog does not list (never suggested, no page).
    pub products_not_in_catalog: u64,
    /// Products written to the table.
    pub products_written: u64,
    /// Unordered product pairs bought together at least once (among products written).
    pub co_occurring_pairs: u64,
    /// Neighbour edges written.
    pub edges: u64,
}

/// Mines `orders` into a table input.
///
/// With a catalog, the table holds every catalog product (in catalog order), products
/// the catalog does not list are dropped, and unavailable products are never
/// neighbours or best-sellers. Without one, every product seen in the orders is a
/// product, available, with its id as its only card data.
pub fn build_table_input(
    orders: &Orders,
    catalog: Option<&Catalog>,
    options: &MiningOptions,
) -> MinedTable {
    let order_counts = orders.product_order_counts();
    let (records, table_number) = table_products(orders, catalog);
    let wanted: Vec<bool> = table_number.iter().map(Option::is_some).collect();
    let suggestible: Vec<bool> = table_number
        .iter()
        .map(|number| number.is_some_and(|number| records[number as usize].available))
        .collect();
    let neighbours = top_neighbours(
        orders,
        &order_counts,
        &NeighbourQuery {
            measure: options.measure,
            min_together: options.min_together.max(1),
            max_neighbours: usize::from(options.max_neighbours),
            wanted: &wanted,
            suggestible: &suggestible,
        },
    );

    let renumber = |list: &[(u32, f32)]| -> Vec<(u32, f32)> {
        list.iter()
            .map(|&(product, score)| {
                (
                    table_number[product as usize].expect("neighbours are table products"),
                    score,
                )
            })
            .collect()
    };
    let mut table_neighbours = vec![Vec::new(); records.len()];
    for (product, list) in neighbours.lists.iter().enumerate() {
        if let Some(number) = table_number[product] {
            table_neighbours[number as usize] = renumber(list);
        }
    }

    let mut best_sellers: Vec<(u32, f32)> = order_counts
        .iter()
        .enumerate()
        .filter(|&(product, &count)| count > 0 && suggestible[product])
        .map(|(product, &count)| (product as u32, count as f32))
        .collect();
    keep_best(
        &mut best_sellers,
        options.best_seller_count,
        orders.product_ids(),
    );
    let best_sellers = renumber(&best_sellers);

    let stats = MiningStats {
        orders: orders.order_count() as u64,
        products_in_orders: orders.product_count() as u64,
        products_not_in_catalog: wanted.iter().filter(|&&known| !known).count() as u64,
        products_written: records.len() as u64,
        co_occurring_pairs: neighbours.co_occurring_pairs / 2,
        edges: table_neighbours.iter().map(|list| list.len() as u64).sum(),
    };
    MinedTable {
        input: TableInput {
            products: records,
            neighbours: table_neighbours,
            best_sellers,
            order_count: orders.order_count() as u64,
            max_neighbours: options.max_neighbours,
        },
        stats,
    }
}

/// The table's product records, and for each order-product number its position among
/// them (`None` when the catalog does not list it).
fn table_products(
    orders: &Orders,
    catalog: Option<&Catalog>,
) -> (Vec<ProductRecord>, Vec<Option<u32>>) {
    match catalog {
        Some(catalog) => {
            let numbers = orders
                .product_ids()
                .iter()
                .map(|id| catalog.position(id))
                .collect();
            (catalog.records().to_vec(), numbers)
        }
        None => {
            let records = orders
                .product_ids()
                .iter()
                .map(ProductRecord::with_id)
                .collect();
            let numbers = (0..orders.product_count() as u32).map(Some).collect();
            (records, numbers)
        }
    }
}
