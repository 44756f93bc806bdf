//! alsobought-mining: everything that turns order histories into tables, native only.
//!
//! - the crate root mines an order history (and optionally a catalog) into the
//!   [`TableInput`] that `alsobought_core::write_table` encodes;
//! - [`evaluation`] holds orders out by order-id hash and scores tables on them;
//! - [`synthetic`] generates shops of any size and shape with an answer key;
//! - [`tuning`] chooses a store's scoring on its own held-out orders.
//!
//! The steps: collect the line items into baskets, count in how many orders each
//! product and each pair of products appear (pairs once per order), score each pair
//! with a [`ScoreMeasure`], keep each product's best K neighbours that may be
//! suggested, and list the best-sellers for the fallback, in parallel with rayon.
//!
//! Three ways to count, one way to score (`selection.rs` and `assembly.rs`):
//!
//! - [`build_table_input`]: [`Orders`] in memory, counted per product in parallel
//!   (evaluation, and `alsobought build` while the baskets fit its budget);
//! - [`CollectedOrders::mine`]: the baskets of a [`BasketCollector`], in memory when
//!   they fit its [`MemoryBudget`], otherwise through sorted runs in spill space
//!   (`external.rs`), so memory stays bounded whatever the history's length;
//! - [`PairStatisticsMiner`]: pair statistics counted elsewhere (the Spark job).
//!
//! All three give byte-identical tables for the same orders.

#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod evaluation;
pub mod synthetic;
pub mod tuning;

mod assembly;
mod catalog;
mod cold_start;
mod collector;
mod counting;
mod external;
mod grouping;
mod measures;
mod orders;
mod rules;
mod score_bands;
mod selection;
mod spill;
mod statistics;

pub use catalog::{Catalog, DuplicateProduct};
pub use collector::{BasketCollector, CollectedOrders, MemoryBudget};
pub use grouping::{group_variants, GroupIdTaken, Variant, VariantGroups};
pub use measures::{PairCounts, ScoreMeasure, UnknownMeasure};
pub use orders::{Orders, OrdersBuilder};
pub use rules::{Block, MerchandisingRules, Pin, RulesReport, Weight, WeightTarget};
pub use spill::{SpillError, SpillReport, SpillSpace};
pub use statistics::{OrderStatistics, PairCount, PairStatisticsMiner, StatisticsError};

use alsobought_core::format::TableInput;
use assembly::{assemble, TableProducts, Totals};
use collector::Collected;
use counting::{top_neighbours, BasketList};
use selection::{IdOrder, PairScorer};

/// Where an orders reader puts line items: [`OrdersBuilder`] keeps every order as it
/// is (evaluation splits them by id); [`BasketCollector`] keeps baskets within a memory
/// budget (building a table).
pub trait LineSink {
    /// What the lines become.
    type Collected;

    /// Records that order `order_id` contains product `product_id`.
    fn push_line(&mut self, order_id: &str, product_id: &str) -> Result<(), SpillError>;

    /// Distinct products seen so far, numbered from 0 in order of first appearance.
    fn products_seen(&self) -> usize;

    /// The collected lines.
    fn into_collected(self) -> Result<Self::Collected, SpillError>;
}

impl LineSink for OrdersBuilder {
    type Collected = Orders;

    fn push_line(&mut self, order_id: &str, product_id: &str) -> Result<(), SpillError> {
        self.add_line(order_id, product_id);
        Ok(())
    }

    fn products_seen(&self) -> usize {
        self.product_count()
    }

    fn into_collected(self) -> Result<Orders, SpillError> {
        Ok(self.finish())
    }
}

impl<S: SpillSpace> LineSink for BasketCollector<S> {
    type Collected = CollectedOrders<S>;

    fn push_line(&mut self, order_id: &str, product_id: &str) -> Result<(), SpillError> {
        self.add_line(order_id, product_id)
    }

    fn products_seen(&self) -> usize {
        self.product_count()
    }

    fn into_collected(self) -> Result<CollectedOrders<S>, SpillError> {
        self.finish()
    }
}

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
    /// Products with fewer neighbours than this get their list filled up to it from
    /// the best-sellers of their category, then the store's (at most 64; 0: no fill).
    pub cold_start_fill: u8,
    /// How strongly each product's catalog-category best-sellers join its neighbours
    /// (0: not at all): each of them gains this share of the mean score of the
    /// product's neighbours, times its sales over the category best-seller's. In a
    /// shop where shoppers fill baskets around what they came for, a cart's shared
    /// category says more than its pairs do.
    pub category_weight: f32,
    /// The store's pins, blocks, boosts and buries.
    pub rules: MerchandisingRules,
}

impl Default for MiningOptions {
    fn default() -> Self {
        MiningOptions {
            measure: ScoreMeasure::DEFAULT,
            max_neighbours: 20,
            min_together: 1,
            best_seller_count: 20,
            cold_start_fill: 0,
            category_weight: 0.0,
            rules: MerchandisingRules::default(),
        }
    }
}

impl MiningOptions {
    /// These options with `scoring`'s pair scoring and category weight (its cart
    /// combination is the table header's, not the miner's).
    pub fn with_scoring(&self, scoring: &tuning::Scoring) -> MiningOptions {
        MiningOptions {
            measure: scoring.measure,
            min_together: scoring.min_together,
            category_weight: scoring.category_weight,
            ..self.clone()
        }
    }

    /// How many neighbours to select per product before blocked pairs are taken out,
    /// so that a list with blocked targets still ends up with its best K.
    fn selection_depth(&self) -> usize {
        usize::from(self.max_neighbours) + self.rules.most_blocks_on_one_product()
    }
}

/// The miner's output: what to write, and what it took.
#[derive(Debug, Clone)]
pub struct MinedTable {
    /// Ready for [`alsobought_core::write_table`].
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
    /// Unordered pairs of products in the table bought together at least once.
    pub co_occurring_pairs: u64,
    /// Neighbour edges written.
    pub edges: u64,
    /// Table products without a single mined neighbour (before rules and fill): when
    /// most are, the orders are too few to say much.
    pub products_without_co_purchases: u64,
    /// What the merchandising rules changed.
    pub rules: RulesReport,
    /// What the cold-start fill added.
    pub cold_start: ColdStartReport,
}

/// What the cold-start fill added to the table.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ColdStartReport {
    /// Products whose list was filled.
    pub products_filled: u64,
    /// Best-sellers added to those lists.
    pub suggestions_added: u64,
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
    mine_baskets(
        orders,
        Totals {
            ids: orders.product_ids(),
            order_counts: &order_counts,
            order_total: orders.order_count() as u64,
        },
        TableProducts::new(orders.product_ids(), catalog, &options.rules),
        options,
    )
}

impl<S: SpillSpace> CollectedOrders<S> {
    /// Mines the collected orders into a table input (catalog rules as in
    /// [`build_table_input`], whose output this equals byte for byte), in memory when
    /// the baskets fit the budget, otherwise through sorted runs in spill space.
    /// Also says what was spilled, reading and counting together. The catalog's
    /// records move into the table input.
    ///
    /// # Panics
    ///
    /// When the baskets spilled and `options.measure` needs their sizes
    /// ([`ScoreMeasure::needs_basket_sizes`]): sorted pair runs do not carry them, so a
    /// caller checks [`CollectedOrders::in_memory`] first and says what to do.
    pub fn mine(
        self,
        catalog: Option<Catalog>,
        options: &MiningOptions,
    ) -> Result<(MinedTable, SpillReport), SpillError> {
        assert!(
            self.in_memory() || !options.measure.needs_basket_sizes(),
            "{} needs the baskets in memory; these spilled",
            options.measure.name()
        );
        let (product_ids, baskets, budget, report) = self.into_parts();
        match baskets {
            Collected::InMemory(baskets) => {
                let order_counts = baskets.order_counts(product_ids.len());
                let totals = Totals {
                    ids: &product_ids,
                    order_counts: &order_counts,
                    order_total: baskets.basket_count() as u64,
                };
                let products = TableProducts::new_owned(&product_ids, catalog, &options.rules);
                Ok((mine_baskets(&baskets, totals, products, options), report))
            }
            Collected::Spilled { runs, space } => {
                external::mine_spilled(product_ids, runs, space, budget, report, catalog, options)
            }
        }
    }
}

/// The in-memory path: baskets counted per product, scored and ranked by the shared
/// selection code, assembled like every other path.
fn mine_baskets(
    baskets: &impl BasketList,
    totals: Totals<'_>,
    products: TableProducts,
    options: &MiningOptions,
) -> MinedTable {
    let scorer = PairScorer::new(
        totals.order_counts,
        totals.order_total,
        options.measure,
        options.min_together,
        products.suggestible.clone(),
        products.weights.clone(),
    );
    let order = IdOrder::new(totals.ids);
    let neighbours = top_neighbours(
        baskets,
        &order,
        &products.wanted,
        &scorer,
        options.selection_depth(),
    );
    assemble(
        totals,
        &order,
        products,
        neighbours.lists,
        neighbours.co_occurring_pairs,
        options,
    )
}
