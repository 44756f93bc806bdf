//! Pair statistics: what any counting of an order history reduces to, and how a table
//! is mined from them.
//!
//! An order history, as far as scoring is concerned, is the number of orders, how many
//! of them contain each product, and how many contain each unordered pair (pairs once
//! per order). Those can be counted anywhere — by this crate in memory, by this crate
//! through sorted runs on disk, or by a Spark job on a cluster (`spark/pair_stats.py`)
//! — and [`PairStatisticsMiner`] turns them into the same table bytes, because it
//! scores and ranks with the same code as the in-memory miner.

use super::assembly::{assemble, TableProducts, Totals};
use super::catalog::Catalog;
use super::selection::{IdOrder, NeighbourLists, PairScorer};
use super::{MinedTable, MiningOptions};

/// Per-product totals of an order history: what scoring needs besides pair counts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OrderStatistics {
    /// Every product id, indexed by product number (any numbering: tables do not
    /// depend on it).
    pub product_ids: Vec<String>,
    /// Orders containing each product (once per order), indexed by product number.
    pub order_counts: Vec<u32>,
    /// Orders in the history.
    pub order_count: u64,
}

/// One unordered pair of products (by product number) and how many orders contain
/// both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PairCount {
    /// One product of the pair.
    pub first: u32,
    /// The other product (never `first`).
    pub second: u32,
    /// Orders containing both.
    pub together: u32,
}

/// Statistics that cannot come from one order history; each variant says how to tell
/// where they went wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StatisticsError {
    /// The id and count lists differ in length.
    #[error("{ids} product ids but {counts} order counts: every product needs exactly one count")]
    LengthMismatch {
        /// Product ids given.
        ids: usize,
        /// Order counts given.
        counts: usize,
    },
    /// A product is in more orders than there are.
    #[error(
        "product `{id}` is in {count} orders but there are only {total} orders: the \
         product counts and the order total come from different runs; compute them again"
    )]
    CountAboveTotal {
        /// The product.
        id: String,
        /// Its order count.
        count: u32,
        /// The order total.
        total: u64,
    },
    /// The measure weighs each co-purchase by its order's size, which pair counts do not
    /// carry.
    #[error(
        "the measure `{measure}` weighs each co-purchase by the size of its order, which \
         pair statistics do not carry (nor a build's pair runs once it spills): choose \
         another --measure, or build from the orders with the memory to hold them"
    )]
    NeedsBasketSizes {
        /// The measure's name.
        measure: String,
    },
    /// A pair names a product number beyond the product list.
    #[error("a pair names product number {number}, but there are only {product_count} products")]
    ProductOutOfRange {
        /// The number given.
        number: u32,
        /// Products known.
        product_count: usize,
    },
    /// A pair of a product with itself.
    #[error("product `{id}` is paired with itself: pairs are of two different products")]
    SelfPair {
        /// The product.
        id: String,
    },
    /// A pair is in more orders than one of its products.
    #[error(
        "products `{first}` and `{second}` are together in {together} orders, but `{rarer}` \
         is in only {rarer_count}: the pair and product counts come from different runs \
         (or different filters); compute them again"
    )]
    PairAboveProduct {
        /// One product of the pair.
        first: String,
        /// The other.
        second: String,
        /// The pair's count.
        together: u32,
        /// The product with the smaller order count.
        rarer: String,
        /// Its order count.
        rarer_count: u32,
    },
}

/// Mines a table from [`OrderStatistics`] and pair counts offered one at a time, in
/// any order: the path of pair statistics computed elsewhere, and of the native miner
/// once its counts no longer fit in memory.
///
/// Memory: the K best candidates (up to 2K while streaming) per product, whatever the
/// number of pairs.
pub struct PairStatisticsMiner<'a> {
    statistics: &'a OrderStatistics,
    options: &'a MiningOptions,
    products: TableProducts,
    scorer: PairScorer<'a>,
    lists: NeighbourLists,
    co_occurring_pairs: u64,
}

impl<'a> PairStatisticsMiner<'a> {
    /// A miner for these statistics; with a catalog, only its products are in the
    /// table and only its available ones are suggested (as in
    /// [`super::build_table_input`]); its records move into the table input.
    pub fn new(
        statistics: &'a OrderStatistics,
        catalog: Option<Catalog>,
        options: &'a MiningOptions,
    ) -> Result<Self, StatisticsError> {
        let OrderStatistics {
            product_ids,
            order_counts,
            order_count,
        } = statistics;
        if product_ids.len() != order_counts.len() {
            return Err(StatisticsError::LengthMismatch {
                ids: product_ids.len(),
                counts: order_counts.len(),
            });
        }
        if let Some((id, &count)) = product_ids
            .iter()
            .zip(order_counts)
            .find(|&(_, &count)| u64::from(count) > *order_count)
        {
            return Err(StatisticsError::CountAboveTotal {
                id: id.clone(),
                count,
                total: *order_count,
            });
        }
        if options.measure.needs_basket_sizes() {
            return Err(StatisticsError::NeedsBasketSizes {
                measure: options.measure.name(),
            });
        }
        let products = TableProducts::new_owned(product_ids, catalog, &options.rules);
        let scorer = PairScorer::new(
            order_counts,
            *order_count,
            options.measure,
            options.min_together,
            products.suggestible.clone(),
            products.weights.clone(),
        );
        Ok(PairStatisticsMiner {
            statistics,
            options,
            lists: NeighbourLists::new(IdOrder::new(product_ids), options.selection_depth()),
            products,
            scorer,
            co_occurring_pairs: 0,
        })
    }

    /// Takes one pair into account. Each unordered pair must be offered once.
    pub fn add(&mut self, pair: PairCount) -> Result<(), StatisticsError> {
        self.check(pair)?;
        let PairCount {
            first,
            second,
            together,
        } = pair;
        let wanted = &self.products.wanted;
        let (first_wanted, second_wanted) = (wanted[first as usize], wanted[second as usize]);
        if first_wanted && second_wanted {
            self.co_occurring_pairs += 1;
        }
        if first_wanted {
            if let Some(score) = self.scorer.score(first, second, together, 0) {
                self.lists.offer(first, second, score);
            }
        }
        if second_wanted {
            if let Some(score) = self.scorer.score(second, first, together, 0) {
                self.lists.offer(second, first, score);
            }
        }
        Ok(())
    }

    fn check(&self, pair: PairCount) -> Result<(), StatisticsError> {
        let ids = &self.statistics.product_ids;
        let counts = &self.statistics.order_counts;
        for number in [pair.first, pair.second] {
            if number as usize >= ids.len() {
                return Err(StatisticsError::ProductOutOfRange {
                    number,
                    product_count: ids.len(),
                });
            }
        }
        let (first, second) = (pair.first as usize, pair.second as usize);
        if first == second {
            return Err(StatisticsError::SelfPair {
                id: ids[first].clone(),
            });
        }
        let rarer = if counts[first] <= counts[second] {
            first
        } else {
            second
        };
        if pair.together > counts[rarer] {
            return Err(StatisticsError::PairAboveProduct {
                first: ids[first].clone(),
                second: ids[second].clone(),
                together: pair.together,
                rarer: ids[rarer].clone(),
                rarer_count: counts[rarer],
            });
        }
        Ok(())
    }

    /// The table input, once every pair was offered.
    pub fn finish(self) -> MinedTable {
        let statistics = self.statistics;
        let (lists, order) = self.lists.finish();
        assemble(
            Totals {
                ids: &statistics.product_ids,
                order_counts: &statistics.order_counts,
                order_total: statistics.order_count,
            },
            &order,
            self.products,
            lists,
            self.co_occurring_pairs,
            self.options,
        )
    }
}
