//! Co-occurrence counting and top-K selection in one parallel pass per product.
//!
//! The naive way keeps a count for every distinct pair (millions on a real store) and
//! scores them afterwards. Here each product is handled on its own: walk the orders
//! containing it, count its partners in a dense per-thread array, score them, keep the
//! best K and reset only the slots touched. Memory is one array of counts per thread
//! plus the K neighbours kept per product, whatever the number of distinct pairs; work
//! is Σ |basket|² over the orders, split across threads by product.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::measures::{PairCounts, ScoreMeasure};
use super::orders::Orders;

/// What the pass should keep.
pub(crate) struct NeighbourQuery<'a> {
    /// How a pair is scored.
    pub measure: ScoreMeasure,
    /// Pairs bought together in fewer orders are ignored (noise).
    pub min_together: u32,
    /// Neighbours kept per product.
    pub max_neighbours: usize,
    /// Products (by order-product number) whose neighbours are wanted.
    pub wanted: &'a [bool],
    /// Products that may appear as neighbours.
    pub suggestible: &'a [bool],
}

/// Per product: its best neighbours as `(product number, score)`, best first
/// (ties by product id); empty for products not wanted.
pub(crate) struct Neighbours {
    /// Indexed by order-product number.
    pub lists: Vec<Vec<(u32, f32)>>,
    /// Directed (product, partner) pairs bought together at least once, over wanted
    /// products: the amount of counting done, for progress reports.
    pub co_occurring_pairs: u64,
}

/// Counts, scores and selects neighbours for every wanted product.
pub(crate) fn top_neighbours(
    orders: &Orders,
    order_counts: &[u32],
    query: &NeighbourQuery<'_>,
) -> Neighbours {
    let index = OrdersByProduct::new(orders);
    let product_count = orders.product_count();
    let order_total = orders.order_count() as u64;
    let ids = orders.product_ids();
    let context_powers: Vec<f64> = order_counts
        .iter()
        .map(|&count| query.measure.context_power(f64::from(count)))
        .collect();
    let neighbour_powers: Vec<f64> = order_counts
        .iter()
        .map(|&count| query.measure.neighbour_power(f64::from(count)))
        .collect();
    let results: Vec<(Vec<(u32, f32)>, u64)> = (0..product_count)
        .into_par_iter()
        .map_init(
            || PartnerCounts::new(product_count),
            |partners, product| {
                if !query.wanted[product] {
                    return (Vec::new(), 0);
                }
                for &order in index.orders_of(product) {
                    partners.add_basket(&orders.baskets()[order as usize], product as u32);
                }
                let distinct_partners = partners.touched.len() as u64;
                let mut candidates = Vec::new();
                partners.drain(|partner, together| {
                    if together < query.min_together || !query.suggestible[partner as usize] {
                        return;
                    }
                    let counts = PairCounts {
                        together,
                        context: order_counts[product],
                        neighbour: order_counts[partner as usize],
                        orders: order_total,
                    };
                    let score = query.measure.score_with_powers(
                        counts,
                        context_powers[product],
                        neighbour_powers[partner as usize],
                    );
                    if let Some(score) = score {
                        candidates.push((partner, score));
                    }
                });
                keep_best(&mut candidates, query.max_neighbours, ids);
                (candidates, distinct_partners)
            },
        )
        .collect();
    let co_occurring_pairs = results.iter().map(|(_, pairs)| pairs).sum();
    Neighbours {
        lists: results.into_iter().map(|(list, _)| list).collect(),
        co_occurring_pairs,
    }
}

/// Keeps the `k` best candidates, sorted best first; equal scores go by product id so
/// the output does not depend on thread scheduling or hash order.
pub(crate) fn keep_best(candidates: &mut Vec<(u32, f32)>, k: usize, ids: &[String]) {
    let order = |a: &(u32, f32), b: &(u32, f32)| -> Ordering {
        b.1.total_cmp(&a.1)
            .then_with(|| ids[a.0 as usize].cmp(&ids[b.0 as usize]))
    };
    if k == 0 {
        candidates.clear();
        return;
    }
    if candidates.len() > k {
        candidates.select_nth_unstable_by(k - 1, order);
        candidates.truncate(k);
    }
    candidates.sort_unstable_by(order);
}

/// The inverted index: for each product, the positions of the orders containing it.
struct OrdersByProduct {
    starts: Vec<usize>,
    orders: Vec<u32>,
}

impl OrdersByProduct {
    fn new(orders: &Orders) -> Self {
        let mut starts = vec![0usize; orders.product_count() + 1];
        for basket in orders.baskets() {
            for &product in basket {
                starts[product as usize + 1] += 1;
            }
        }
        for position in 1..starts.len() {
            starts[position] += starts[position - 1];
        }
        let mut next = starts.clone();
        let mut positions = vec![0u32; *starts.last().unwrap_or(&0)];
        for (order, basket) in orders.baskets().iter().enumerate() {
            for &product in basket {
                positions[next[product as usize]] = order as u32;
                next[product as usize] += 1;
            }
        }
        OrdersByProduct {
            starts,
            orders: positions,
        }
    }

    fn orders_of(&self, product: usize) -> &[u32] {
        &self.orders[self.starts[product]..self.starts[product + 1]]
    }
}

/// A dense count per partner product plus the list of slots in use, so clearing costs
/// the number of partners, not the number of products.
struct PartnerCounts {
    counts: Vec<u32>,
    touched: Vec<u32>,
}

impl PartnerCounts {
    fn new(product_count: usize) -> Self {
        PartnerCounts {
            counts: vec![0; product_count],
            touched: Vec::new(),
        }
    }

    fn add_basket(&mut self, basket: &[u32], product: u32) {
        for &partner in basket {
            if partner == product {
                continue;
            }
            let count = &mut self.counts[partner as usize];
            if *count == 0 {
                self.touched.push(partner);
            }
            *count += 1;
        }
    }

    /// Hands every `(partner, count)` to `visit` and resets the counts.
    fn drain(&mut self, mut visit: impl FnMut(u32, u32)) {
        for &partner in &self.touched {
            let count = std::mem::take(&mut self.counts[partner as usize]);
            visit(partner, count);
        }
        self.touched.clear();
    }
}
