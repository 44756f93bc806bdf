//! The held-out questions the tuner asks every candidate: the same baskets and the
//! same sampled items as [`crate::evaluation`], answered from in-memory neighbour
//! lists instead of a written table, so dozens of candidates cost one counting pass.

use rayon::prelude::*;

use crate::evaluation::{sample_positions, MetricSums, QueryMetrics, CUTOFFS};
use crate::{Catalog, Orders};

/// Most products of one basket asked about (as `alsobought evaluate` asks).
const MAX_QUERIES_PER_BASKET: usize = 8;

/// Suggestions a question reads: the deepest cut-off.
const ANSWER_LENGTH: usize = CUTOFFS[CUTOFFS.len() - 1];

/// Baskets per parallel task: each task holds two dense arrays of the catalog's size.
const BASKETS_PER_TASK: usize = 256;

/// Held-out baskets (sorted, distinct product numbers, 2+ of them) and the positions
/// of the items their questions use.
pub(super) struct HeldOutQueries {
    baskets: Vec<(Vec<u32>, Vec<usize>)>,
    asked: Vec<bool>,
}

impl HeldOutQueries {
    /// The questions the `held_out` orders (by position) ask; products outside
    /// `catalog` are dropped from the baskets first.
    pub fn new(orders: &Orders, held_out: &[bool], catalog: Option<&Catalog>) -> Self {
        let ids: Vec<&str> = orders.product_ids().iter().map(String::as_str).collect();
        let listed: Vec<bool> = ids
            .iter()
            .map(|id| catalog.is_none_or(|catalog| catalog.get(id).is_some()))
            .collect();
        let mut asked = vec![false; ids.len()];
        let baskets = orders
            .order_ids()
            .iter()
            .zip(orders.baskets())
            .zip(held_out)
            .filter(|&(_, &held_out)| held_out)
            .filter_map(|((order_id, basket), _)| {
                let items: Vec<u32> = basket
                    .iter()
                    .copied()
                    .filter(|&product| listed[product as usize])
                    .collect();
                (items.len() >= 2).then(|| {
                    for &item in &items {
                        asked[item as usize] = true;
                    }
                    let queried = sample_positions(order_id, &items, &ids, MAX_QUERIES_PER_BASKET);
                    (items, queried)
                })
            })
            .collect();
        HeldOutQueries { baskets, asked }
    }

    /// No question to ask.
    pub fn is_empty(&self) -> bool {
        self.baskets.is_empty()
    }

    /// Baskets asked about.
    pub fn basket_count(&self) -> usize {
        self.baskets.len()
    }

    /// By product number: whether a question puts it in context (its list is needed).
    pub fn asked_products(&self) -> &[bool] {
        &self.asked
    }

    /// Every question answered from `list_of` (a product's neighbours, best first),
    /// the popularity ranking filling the slots left: the product-page figures, and
    /// the cart figures of each of `sum_weights` (a cart item's neighbour scores as
    /// `best + weight · (total − best)`: 0 is max, 1 is sum). The cart's scores are
    /// gathered once for all weights.
    pub fn figures<'a>(
        &self,
        popularity: &[u32],
        sum_weights: &[f32],
        list_of: impl Fn(u32) -> &'a [(u32, f32)] + Sync,
    ) -> (QueryMetrics, Vec<QueryMetrics>) {
        let product_count = self.asked.len();
        let empty = || Answers::new(product_count, sum_weights.len());
        let answers = self
            .baskets
            .par_iter()
            .with_min_len(BASKETS_PER_TASK)
            .fold(empty, |mut answers, (items, queried)| {
                for &position in queried {
                    answers.ask(items, items[position], popularity, sum_weights, &list_of);
                }
                answers
            })
            .reduce(empty, Answers::merge);
        (
            answers.page.metrics(),
            answers.carts.iter().map(MetricSums::metrics).collect(),
        )
    }
}

/// One task's running sums and scratch space.
struct Answers {
    page: MetricSums,
    /// One per sum weight.
    carts: Vec<MetricSums>,
    ranking: Vec<u32>,
    /// By product: whether it is in the current context.
    in_context: Vec<bool>,
    /// By product: the best and the summed scores the cart's items give it.
    best: Vec<f32>,
    total: Vec<f32>,
    touched: Vec<u32>,
    scored: Vec<(u32, f32)>,
}

impl Answers {
    fn new(product_count: usize, weights: usize) -> Self {
        Answers {
            page: MetricSums::new(product_count),
            carts: (0..weights)
                .map(|_| MetricSums::new(product_count))
                .collect(),
            ranking: Vec::new(),
            in_context: vec![false; product_count],
            best: vec![0.0; product_count],
            total: vec![0.0; product_count],
            touched: Vec::new(),
            scored: Vec::new(),
        }
    }

    fn merge(mut self, other: Answers) -> Answers {
        self.page = self.page.merge(other.page);
        self.carts = self
            .carts
            .into_iter()
            .zip(other.carts)
            .map(|(mine, theirs)| mine.merge(theirs))
            .collect();
        self
    }

    /// Asks the product-page question of `item` and the cart question of the rest of
    /// its basket `items` (sorted), once per sum weight.
    fn ask<'a>(
        &mut self,
        items: &[u32],
        item: u32,
        popularity: &[u32],
        sum_weights: &[f32],
        list_of: &impl Fn(u32) -> &'a [(u32, f32)],
    ) {
        let others: Vec<u32> = items.iter().copied().filter(|&o| o != item).collect();
        self.ranking.clear();
        self.ranking.extend(
            list_of(item)
                .iter()
                .map(|&(neighbour, _)| neighbour)
                .take(ANSWER_LENGTH),
        );
        self.in_context[item as usize] = true;
        self.fill(popularity);
        self.in_context[item as usize] = false;
        self.page.add(&self.ranking, &others);

        for &other in &others {
            self.in_context[other as usize] = true;
        }
        for &other in &others {
            for &(neighbour, score) in list_of(other) {
                let slot = neighbour as usize;
                if self.in_context[slot] {
                    continue;
                }
                if self.total[slot] == 0.0 {
                    self.touched.push(neighbour);
                }
                self.best[slot] = self.best[slot].max(score);
                self.total[slot] += score;
            }
        }
        for (slot, weight) in sum_weights.iter().enumerate() {
            self.scored.clear();
            self.scored.extend(self.touched.iter().map(|&neighbour| {
                let (best, total) = (
                    self.best[neighbour as usize],
                    self.total[neighbour as usize],
                );
                (neighbour, best + weight * (total - best))
            }));
            // Best first, equal scores by product number, as the widget ranks them.
            let ranking = |a: &(u32, f32), b: &(u32, f32)| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0));
            if self.scored.len() > ANSWER_LENGTH {
                self.scored
                    .select_nth_unstable_by(ANSWER_LENGTH - 1, ranking);
                self.scored.truncate(ANSWER_LENGTH);
            }
            self.scored.sort_unstable_by(ranking);
            self.ranking.clear();
            self.ranking
                .extend(self.scored.iter().map(|&(neighbour, _)| neighbour));
            self.fill(popularity);
            self.carts[slot].add(&self.ranking, &[item]);
        }
        for &neighbour in &self.touched {
            self.best[neighbour as usize] = 0.0;
            self.total[neighbour as usize] = 0.0;
        }
        self.touched.clear();
        for &other in &others {
            self.in_context[other as usize] = false;
        }
    }

    /// Tops the ranking up to the answer's length with the first `popularity`
    /// products neither in context nor already ranked, as the widget's fallback does.
    fn fill(&mut self, popularity: &[u32]) {
        for &product in popularity {
            if self.ranking.len() >= ANSWER_LENGTH {
                break;
            }
            if !self.in_context[product as usize] && !self.ranking.contains(&product) {
                self.ranking.push(product);
            }
        }
    }
}
