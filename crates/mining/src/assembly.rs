//! The last step every mining path shares: from each product's neighbour list to the
//! [`TableInput`] the writer encodes — which products the table holds (the catalog's,
//! or every ordered one), their table numbers, the best-sellers and the summary counts.

use alsobought_core::format::{ProductRecord, TableInput};

use super::catalog::Catalog;
use super::selection::{keep_best, IdOrder};
use super::{MinedTable, MiningOptions, MiningStats};

/// The per-product totals of an order history, borrowed from whoever counted them.
#[derive(Clone, Copy)]
pub(crate) struct Totals<'a> {
    /// Product ids by product number.
    pub ids: &'a [String],
    /// Orders containing each product, by product number.
    pub order_counts: &'a [u32],
    /// Orders in the history.
    pub order_total: u64,
}

/// The products a table holds and which of the mined products take part.
pub(crate) struct TableProducts {
    /// The table's product records, in table order.
    pub records: Vec<ProductRecord>,
    /// For each product number, its position in `records` (`None`: not in the catalog).
    pub table_number: Vec<Option<u32>>,
    /// Products whose neighbours are wanted: those in the table.
    pub wanted: Vec<bool>,
    /// Products that may be suggested: in the table and available.
    pub suggestible: Vec<bool>,
}

impl TableProducts {
    /// With a catalog, the table holds every catalog product (in catalog order) and
    /// products it does not list are dropped; without one, every mined product is a
    /// product, available, with its id as its only card data.
    pub fn new(ids: &[String], catalog: Option<&Catalog>) -> Self {
        match catalog {
            Some(catalog) => Self::with_records(
                ids.iter().map(|id| catalog.position(id)).collect(),
                catalog.records().to_vec(),
            ),
            None => Self::from_ids(ids),
        }
    }

    /// [`TableProducts::new`] taking the catalog, whose records then move into the
    /// table instead of being copied (a million-product catalog is ~300 MB).
    pub fn new_owned(ids: &[String], catalog: Option<Catalog>) -> Self {
        match catalog {
            Some(catalog) => Self::with_records(
                ids.iter().map(|id| catalog.position(id)).collect(),
                catalog.into_records(),
            ),
            None => Self::from_ids(ids),
        }
    }

    fn from_ids(ids: &[String]) -> Self {
        Self::with_records(
            (0..ids.len() as u32).map(Some).collect(),
            ids.iter().map(ProductRecord::with_id).collect(),
        )
    }

    fn with_records(table_number: Vec<Option<u32>>, records: Vec<ProductRecord>) -> Self {
        let wanted = table_number.iter().map(Option::is_some).collect();
        let suggestible = table_number
            .iter()
            .map(|number| number.is_some_and(|number| records[number as usize].available))
            .collect();
        TableProducts {
            records,
            table_number,
            wanted,
            suggestible,
        }
    }
}

/// Turns neighbour lists (by product number, best first) into the table input.
///
/// `co_occurring_pairs` is the number of unordered pairs of table products bought
/// together at least once, for the summary.
pub(crate) fn assemble(
    totals: Totals<'_>,
    order: &IdOrder,
    products: TableProducts,
    neighbour_lists: Vec<Vec<(u32, f32)>>,
    co_occurring_pairs: u64,
    options: &MiningOptions,
) -> MinedTable {
    let TableProducts {
        records,
        table_number,
        wanted,
        suggestible,
    } = products;
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
    for (product, list) in neighbour_lists.iter().enumerate() {
        if let Some(number) = table_number[product] {
            table_neighbours[number as usize] = renumber(list);
        }
    }

    let mut best_sellers: Vec<(u32, f32)> = totals
        .order_counts
        .iter()
        .enumerate()
        .filter(|&(product, &count)| count > 0 && suggestible[product])
        .map(|(product, &count)| (product as u32, count as f32))
        .collect();
    keep_best(&mut best_sellers, options.best_seller_count, order);
    let best_sellers = renumber(&best_sellers);

    let stats = MiningStats {
        orders: totals.order_total,
        products_in_orders: totals.ids.len() as u64,
        products_not_in_catalog: wanted.iter().filter(|&&known| !known).count() as u64,
        products_written: records.len() as u64,
        co_occurring_pairs,
        edges: table_neighbours.iter().map(|list| list.len() as u64).sum(),
    };
    MinedTable {
        input: TableInput {
            products: records,
            neighbours: table_neighbours,
            best_sellers,
            order_count: totals.order_total,
            max_neighbours: options.max_neighbours,
            cart_combination: alsobought_core::CartCombination::DEFAULT,
        },
        stats,
    }
}
