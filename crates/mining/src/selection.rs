//! Scoring a pair and keeping each product's best K: the one place where counts become
//! neighbour lists, whichever way the counts were made.
//!
//! Three counting front-ends feed it — the in-memory per-product pass
//! ([`super::counting`]), the spilling pass over sorted pair runs
//! ([`super::external`]) and pair statistics computed elsewhere (the Spark job) — and
//! tables from the same orders are byte-identical because all of them score with
//! [`PairScorer::score`] and rank with [`keep_best`]: best score first, equal scores by
//! product id, so nothing depends on the order pairs arrive in.

use std::cmp::Ordering;

use rayon::prelude::*;

use super::measures::{shared_from_units, PairCounts, ScoreMeasure};
use super::rules::weighted;

/// Scores `(context, neighbour)` pairs from their counts, with each product's
/// popularity power computed once (`powf` per pair dominated mining time).
pub(crate) struct PairScorer<'a> {
    measure: ScoreMeasure,
    min_together: u32,
    suggestible: Vec<bool>,
    weights: Vec<f32>,
    order_counts: &'a [u32],
    order_total: u64,
    context_powers: Vec<f64>,
    neighbour_powers: Vec<f64>,
}

impl<'a> PairScorer<'a> {
    /// A scorer for products with these order counts, out of `order_total` orders;
    /// only products marked `suggestible` (by product number) are ever neighbours, and
    /// pairs together in fewer than `min_together` orders (at least 1) are noise; a
    /// neighbour's score is multiplied by its entry in `weights` (boost and bury),
    /// unless `weights` is empty.
    pub fn new(
        order_counts: &'a [u32],
        order_total: u64,
        measure: ScoreMeasure,
        min_together: u32,
        suggestible: Vec<bool>,
        weights: Vec<f32>,
    ) -> Self {
        PairScorer {
            measure,
            min_together: min_together.max(1),
            suggestible,
            weights,
            order_counts,
            order_total,
            context_powers: order_counts
                .iter()
                .map(|&count| measure.context_power(f64::from(count)))
                .collect(),
            neighbour_powers: order_counts
                .iter()
                .map(|&count| measure.neighbour_power(f64::from(count)))
                .collect(),
        }
    }

    /// Whether the counts must carry share units (a basket-weighted measure).
    pub fn needs_basket_sizes(&self) -> bool {
        self.measure.needs_basket_sizes()
    }

    /// The score of `neighbour` as a suggestion on `context`'s page when both are in
    /// `together` orders, which share `share_units` of co-purchase between them
    /// (`measures::share_units` summed; 0 where a measure that needs them is refused
    /// up front); `None` when it is no neighbour (too few orders together, not
    /// suggestible, or no positive association under the measure).
    #[inline]
    pub fn score(
        &self,
        context: u32,
        neighbour: u32,
        together: u32,
        share_units: u64,
    ) -> Option<f32> {
        let (context, neighbour) = (context as usize, neighbour as usize);
        if together < self.min_together || !self.suggestible[neighbour] {
            return None;
        }
        let counts = PairCounts {
            together,
            shared: shared_from_units(share_units),
            context: self.order_counts[context],
            neighbour: self.order_counts[neighbour],
            orders: self.order_total,
        };
        let score = self.measure.score_with_powers(
            counts,
            self.context_powers[context],
            self.neighbour_powers[neighbour],
        )?;
        Some(match self.weights.get(neighbour) {
            Some(&factor) => weighted(score, factor),
            None => score,
        })
    }
}

/// Each product's position in the byte order of the product ids: ties between equal
/// scores go by id, and two `u32`s compare much faster than two strings (on 10 million
/// generated lines, string comparisons in the ranking took 15 % of the build).
pub(crate) struct IdOrder {
    ranks: Vec<u32>,
}

impl IdOrder {
    /// The order of `ids` (distinct), by product number.
    pub fn new(ids: &[String]) -> Self {
        let mut numbers: Vec<u32> = (0..ids.len() as u32).collect();
        numbers.par_sort_unstable_by(|&a, &b| ids[a as usize].cmp(&ids[b as usize]));
        let mut ranks = vec![0u32; ids.len()];
        for (rank, &number) in numbers.iter().enumerate() {
            ranks[number as usize] = rank as u32;
        }
        IdOrder { ranks }
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.ranks.len()
    }

    /// Products `a` and `b` in id order.
    pub fn compare(&self, a: u32, b: u32) -> Ordering {
        self.ranks[a as usize].cmp(&self.ranks[b as usize])
    }

    /// The ranking of candidates: higher score first, equal scores by product id, so
    /// the result depends neither on thread scheduling, nor on product numbering, nor
    /// on the order the candidates came in.
    fn ranking(&self) -> impl Fn(&(u32, f32), &(u32, f32)) -> Ordering + '_ {
        move |a, b| b.1.total_cmp(&a.1).then_with(|| self.compare(a.0, b.0))
    }
}

/// Keeps the `k` best candidates, sorted best first (see [`IdOrder::ranking`]).
pub(crate) fn keep_best(candidates: &mut Vec<(u32, f32)>, k: usize, order: &IdOrder) {
    let ranking = order.ranking();
    if k == 0 {
        candidates.clear();
        return;
    }
    if candidates.len() > k {
        candidates.select_nth_unstable_by(k - 1, &ranking);
        candidates.truncate(k);
    }
    candidates.sort_unstable_by(ranking);
}

/// Each product's best neighbours, built from candidates offered one at a time in any
/// order (pairs streamed from sorted runs or from Parquet files).
///
/// A list is cut back to the best K with [`keep_best`] whenever it reaches twice K, so
/// memory stays at most 2K candidates per product while the result equals one
/// [`keep_best`] over every candidate: the best K of a set are among the best K of any
/// part of it plus the rest.
pub(crate) struct NeighbourLists {
    lists: Vec<Vec<(u32, f32)>>,
    max_neighbours: usize,
    prune_at: usize,
    order: IdOrder,
}

impl NeighbourLists {
    /// Empty lists for the products of `order`, keeping `max_neighbours` each.
    pub fn new(order: IdOrder, max_neighbours: usize) -> Self {
        NeighbourLists {
            lists: vec![Vec::new(); order.len()],
            max_neighbours,
            prune_at: (2 * max_neighbours).max(16),
            order,
        }
    }

    /// Offers `neighbour` with `score` to `product`'s list.
    #[inline]
    pub fn offer(&mut self, product: u32, neighbour: u32, score: f32) {
        let list = &mut self.lists[product as usize];
        list.push((neighbour, score));
        if list.len() >= self.prune_at {
            keep_best(list, self.max_neighbours, &self.order);
        }
    }

    /// Every product's best neighbours, best first, indexed by product number, and
    /// the id order they were ranked with.
    pub fn finish(mut self) -> (Vec<Vec<(u32, f32)>>, IdOrder) {
        for list in &mut self.lists {
            keep_best(list, self.max_neighbours, &self.order);
            list.shrink_to_fit();
        }
        (self.lists, self.order)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(count: usize) -> Vec<String> {
        // Id order is not number order: p199, p198, ...
        (0..count)
            .map(|number| format!("p{:03}", count - 1 - number))
            .collect()
    }

    #[test]
    fn equal_scores_go_by_product_id_not_by_number() {
        let ids = vec!["b".to_owned(), "a".to_owned(), "c".to_owned()];
        let mut candidates = vec![(0, 1.0), (2, 2.0), (1, 1.0)];
        keep_best(&mut candidates, 2, &IdOrder::new(&ids));
        assert_eq!(candidates, [(2, 2.0), (1, 1.0)]);
    }

    #[test]
    fn streamed_lists_equal_one_selection_over_everything() {
        let ids = ids(200);
        // Scores with many ties, offered in a scrambled order.
        let candidates: Vec<(u32, f32)> = (1..200u32)
            .map(|neighbour| (neighbour, ((neighbour * 37) % 11) as f32))
            .collect();
        let mut scrambled = candidates.clone();
        scrambled.sort_by_key(|&(neighbour, _)| (neighbour * 7919) % 199);
        for k in [0, 1, 3, 20, 250] {
            let mut lists = NeighbourLists::new(IdOrder::new(&ids), k);
            for &(neighbour, score) in &scrambled {
                lists.offer(0, neighbour, score);
            }
            let mut expected = candidates.clone();
            keep_best(&mut expected, k, &IdOrder::new(&ids));
            assert_eq!(lists.finish().0[0], expected, "k = {k}");
        }
    }

    #[test]
    fn scorer_applies_min_together_and_suggestibility() {
        let counts = [4, 2, 2];
        let suggestible = vec![true, true, false];
        let scorer = PairScorer::new(
            &counts,
            10,
            ScoreMeasure::Confidence,
            2,
            suggestible,
            vec![],
        );
        assert_eq!(scorer.score(0, 1, 2, 0), Some(0.5));
        assert_eq!(scorer.score(0, 1, 1, 0), None, "below min_together");
        assert_eq!(scorer.score(0, 2, 2, 0), None, "not suggestible");
        assert_eq!(scorer.score(1, 0, 2, 0), Some(1.0));
    }
}
