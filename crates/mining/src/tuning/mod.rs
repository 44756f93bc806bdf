//! Self-tuning: choose this store's scoring on its own held-out orders.
//!
//! The orders are split by order-id hash exactly as [`crate::evaluation`] splits them,
//! so `alsobought build` and `alsobought evaluate` choose alike. The training orders'
//! pairs are counted once, in the miner's per-product pass, and every candidate
//! scoring ([`candidate_family`]) re-scores those counts into its own top-K lists; the
//! held-out baskets then ask product-page and cart questions of every candidate and of
//! the two baselines (popularity; raw co-occurrence summed over a cart).
//!
//! The objective: among candidates at least as good as both baselines on product-page
//! **and** cart HitRate@5, the one with the largest product of the two hit rates (their
//! geometric mean: doubling either counts alike, whatever their scales); when none
//! is, the largest product anyway, and the report says so. Hits are counted as
//! integers, so the choice is the same on any number of threads. Ties go to the
//! candidate listed first, and the family lists the shipped default first.
//!
//! The questions are answered from the unquantized scores with the best-sellers
//! filling the slots neighbours leave, as the widget does; the table's 8-bit scores
//! can only reorder candidates within one quantization step.

mod categories;
mod copy;
mod queries;

pub use crate::measures::Scoring;
pub use copy::{TuningCopy, TuningCopyOf};

use alsobought_core::scoring::CartCombination;

use crate::counting::{for_each_wanted_product, BasketList};
use crate::evaluation::{is_held_out_by, QueryMetrics};
use crate::selection::{keep_best, IdOrder, PairScorer};
use crate::{Catalog, Orders, ScoreMeasure};
use categories::CategoryBestSellers;
use queries::HeldOutQueries;

/// Share of orders held out, as `alsobought evaluate` holds them out.
pub const HELD_OUT_SHARE: f64 = 0.2;

/// The split `alsobought build` tunes on: it holds out the orders `alsobought
/// evaluate` tests on, so the two choose alike.
pub const BUILD_SPLIT_SEED: u32 = 0;

/// The split the tuning inside `alsobought evaluate` uses on the training orders alone:
/// the choice is then measured on held-out orders it was not made on, where the
/// build's own figures (chosen and measured on one slice) flatter the winner.
pub const NESTED_SPLIT_SEED: u32 = 0x7475_6e65;

/// Neighbours per product the candidates are compared on: the questions read the top
/// 10 of a ranking, and a cart's ranking merges its items' top lists.
const LIST_DEPTH: usize = 10;

/// The pair measures the tuner tries, the shipped default first: asymmetric cosine
/// from cosine-like (0.5) to confidence (1.0) and past it (1.25: best-sellers lifted),
/// raw count, cosine shrunk while a pair has few orders, and the default over
/// co-purchases weighted by order size (a short order's pairs count for more than a
/// bulk order's; its α = 1 twin never did better on any shop of docs/scoring.md).
pub const CANDIDATE_MEASURES: [ScoreMeasure; 8] = [
    ScoreMeasure::DEFAULT,
    ScoreMeasure::AsymmetricCosine { alpha: 0.5 },
    ScoreMeasure::AsymmetricCosine { alpha: 0.7 },
    ScoreMeasure::Confidence,
    ScoreMeasure::AsymmetricCosine { alpha: 1.25 },
    ScoreMeasure::Count,
    ScoreMeasure::ShrunkCosine { shrinkage: 10.0 },
    ScoreMeasure::BasketWeighted { alpha: 0.9 },
];

/// Minimum orders together the tuner tries: single-order pairs are noise in a thin
/// history and the only evidence for rare products in a rich one.
pub const CANDIDATE_MIN_TOGETHER: [u32; 2] = [1, 2];

/// Cart combinations the tuner tries: the strongest association, the sum, and max
/// with a quarter of the other items' agreement.
pub const CANDIDATE_COMBINATIONS: [CartCombination; 3] = [
    CartCombination::Max,
    CartCombination::Sum,
    CartCombination::MaxThenSum { sum_weight: 0.25 },
];

/// Category weights the tuner tries when the catalog gives categories (see
/// `MiningOptions::category_weight`): off, then doubling from a half. Not past 2: at
/// 4 the grocery-like shop of docs/scoring.md gains 0.6 points of carts for a point
/// of product pages, and the shops where a category says little lose more.
pub const CANDIDATE_CATEGORY_WEIGHTS: [f32; 4] = [0.0, 0.5, 1.0, 2.0];

/// Each of [`CANDIDATE_COMBINATIONS`] as the weight of the other items' scores: all
/// three rank by `best + weight · (total − best)`, so one pass over a cart serves them.
const COMBINATION_SUM_WEIGHTS: [f32; 3] = [0.0, 1.0, 0.25];

/// Every candidate, the shipped default first; without the basket-weighted measures
/// unless `basket_sizes` (the final table is mined from the baskets themselves, not
/// from spilled pair runs, which do not carry order sizes), and without category
/// weights unless `categories` (some product has a catalog category).
pub fn candidate_family(basket_sizes: bool, categories: bool) -> Vec<Scoring> {
    category_weights(categories)
        .iter()
        .flat_map(|&category_weight| {
            pair_scorings()
                .filter(|(measure, _)| basket_sizes || !measure.needs_basket_sizes())
                .flat_map(move |(measure, min_together)| {
                    CANDIDATE_COMBINATIONS.map(|combination| Scoring {
                        measure,
                        min_together,
                        combination,
                        category_weight,
                    })
                })
        })
        .collect()
}

/// The category weights tried: all of them with categories, none (0) without.
fn category_weights(categories: bool) -> &'static [f32] {
    if categories {
        &CANDIDATE_CATEGORY_WEIGHTS
    } else {
        &CANDIDATE_CATEGORY_WEIGHTS[..1]
    }
}

/// The (measure, minimum orders together) pairs, each mined once.
fn pair_scorings() -> impl Iterator<Item = (ScoreMeasure, u32)> {
    CANDIDATE_MIN_TOGETHER.into_iter().flat_map(|min_together| {
        CANDIDATE_MEASURES
            .into_iter()
            .map(move |measure| (measure, min_together))
    })
}

/// Held-out quality of one way of recommending.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct HeldOutFigures {
    /// One product in context, the rest of its basket to find.
    pub product_page: QueryMetrics,
    /// All but one product of a basket in context, that one to find.
    pub cart: QueryMetrics,
}

impl HeldOutFigures {
    /// Product-page HitRate@5.
    pub fn page_hit_rate_at_5(&self) -> f64 {
        self.product_page.hit_rate[HIT_RATE_5]
    }

    /// Cart HitRate@5.
    pub fn cart_hit_rate_at_5(&self) -> f64 {
        self.cart.hit_rate[HIT_RATE_5]
    }

    /// The objective's inputs, as hit counts (exact, so comparisons are too).
    fn hits_at_5(&self) -> (u64, u64) {
        let hits = |metrics: &QueryMetrics| {
            (metrics.hit_rate[HIT_RATE_5] * metrics.queries as f64).round() as u64
        };
        (hits(&self.product_page), hits(&self.cart))
    }
}

/// Position of K = 5 in [`crate::evaluation::CUTOFFS`].
const HIT_RATE_5: usize = 2;

/// What the tuner chose and why.
#[derive(Debug, Clone, PartialEq)]
pub struct TuningReport {
    /// The chosen scoring.
    pub winner: Scoring,
    /// Its held-out figures.
    pub winner_figures: HeldOutFigures,
    /// The best-sellers, whatever the context.
    pub popularity: HeldOutFigures,
    /// Raw co-occurrence counts, summed over a cart.
    pub co_occurrence: HeldOutFigures,
    /// Whether the winner is at least as good as both baselines on both questions
    /// (when no candidate is, the winner is the best by the objective alone).
    pub beats_baselines: bool,
    /// Candidates compared.
    pub candidates: usize,
    /// Orders mined for the comparison.
    pub training_orders: u64,
    /// Held-out baskets of 2+ products the questions came from.
    pub test_baskets: u64,
}

/// Chooses a scoring for `orders` on their held-out share (cut by the order-id hash of
/// `split_seed`: [`BUILD_SPLIT_SEED`] or [`NESTED_SPLIT_SEED`]) among
/// [`candidate_family`]`(basket_sizes)`, or `None` when no held-out order has two
/// products (nothing to learn from: the default stays).
///
/// Products outside `catalog` are neither asked about nor suggested, and unavailable
/// ones are not suggested, as in the table.
pub fn tune(
    orders: &Orders,
    catalog: Option<&Catalog>,
    split_seed: u32,
    basket_sizes: bool,
) -> Option<TuningReport> {
    let held_out: Vec<bool> = orders
        .order_ids()
        .iter()
        .map(|id| is_held_out_by(id, HELD_OUT_SHARE, split_seed))
        .collect();
    let queries = HeldOutQueries::new(orders, &held_out, catalog);
    if queries.is_empty() {
        return None;
    }
    let training = TrainingBaskets {
        orders,
        positions: (0..orders.order_count() as u32)
            .filter(|&position| !held_out[position as usize])
            .collect(),
    };
    let mut order_counts = vec![0u32; orders.product_count()];
    for basket in 0..training.basket_count() {
        for &product in training.basket(basket) {
            order_counts[product as usize] += 1;
        }
    }
    let suggestible: Vec<bool> = orders
        .product_ids()
        .iter()
        .zip(&order_counts)
        .map(|(id, &count)| {
            count > 0 && catalog.is_none_or(|catalog| catalog.get(id).is_some_and(|r| r.available))
        })
        .collect();
    let scorings: Vec<(ScoreMeasure, u32)> = pair_scorings().collect();
    // One scorer per measure, at the lowest threshold: a pair's score does not depend
    // on the threshold, which only drops pairs, so each measure scores a partner once
    // and every threshold's list is kept from those scores.
    let loosest = CANDIDATE_MIN_TOGETHER.into_iter().min().unwrap_or(1);
    let scorers: Vec<PairScorer<'_>> = CANDIDATE_MEASURES
        .iter()
        .map(|&measure| {
            PairScorer::new(
                &order_counts,
                training.basket_count() as u64,
                measure,
                loosest,
                suggestible.clone(),
                Vec::new(),
            )
        })
        .collect();
    let id_order = IdOrder::new(orders.product_ids());
    // Per asked product, every scoring's list in one allocation: the counts are walked
    // once, and 14 separate vectors per product cost more than the lists themselves.
    let lists: Vec<ProductLists> = for_each_wanted_product(
        &training,
        queries.asked_products(),
        // Without order sizes in the final build, the weighted candidates are left out
        // of the family: their shares need not be counted.
        basket_sizes,
        |product, partners, scratch: &mut ListScratch| {
            let ListScratch { best, entries } = scratch;
            let mut lists = ProductLists::default();
            entries.clear();
            for (measure, scorer) in scorers.iter().enumerate() {
                for list in best.iter_mut() {
                    list.clear();
                }
                for partner in partners {
                    let Some(score) = scorer.score(
                        product,
                        partner.product,
                        partner.together,
                        partner.share_units,
                    ) else {
                        continue;
                    };
                    for (list, &min_together) in best.iter_mut().zip(&CANDIDATE_MIN_TOGETHER) {
                        if partner.together >= min_together {
                            list.offer(partner.product, score, &id_order);
                        }
                    }
                }
                for (threshold, list) in best.iter_mut().enumerate() {
                    let candidates = list.finish(&id_order);
                    // `pair_scorings`' order: by threshold, then by measure.
                    let scoring = threshold * CANDIDATE_MEASURES.len() + measure;
                    lists.lens[scoring] = candidates.len() as u8;
                    // A stricter threshold often drops none of the best: the same
                    // measure's looser list then serves it too.
                    let looser = (threshold > 0).then(|| scoring - CANDIDATE_MEASURES.len());
                    match looser.filter(|&looser| lists.list_in(entries, looser) == candidates) {
                        Some(looser) => lists.starts[scoring] = lists.starts[looser],
                        None => {
                            lists.starts[scoring] = entries.len() as u8;
                            entries.extend_from_slice(candidates);
                        }
                    }
                }
            }
            lists.entries = entries.as_slice().into();
            lists
        },
    );
    let popularity = popularity_ranking(&order_counts, &suggestible);
    let categories = CategoryBestSellers::new(orders.product_ids(), catalog, &popularity);
    let weights = category_weights(categories.any());
    // By category weight, by pair scoring, by combination.
    let scored: Vec<Vec<Vec<HeldOutFigures>>> = weights
        .iter()
        .map(|&weight| {
            (0..scorings.len())
                .map(|scoring| {
                    if weight == 0.0 {
                        return candidate_figures(&queries, &popularity, |product| {
                            lists[product as usize].list(scoring)
                        });
                    }
                    let lifted = categories.lift(
                        queries.asked_products(),
                        |product| lists[product as usize].list(scoring),
                        weight,
                        &order_counts,
                        &id_order,
                    );
                    candidate_figures(&queries, &popularity, |product| lifted.list(product))
                })
                .collect()
        })
        .collect();
    let (product_page, carts) = queries.figures(&popularity, &[0.0], |_| &[][..]);
    let popularity_figures = HeldOutFigures {
        product_page,
        cart: carts[0],
    };
    let figures_of = |candidate: &Scoring| {
        let weight = weights
            .iter()
            .position(|&weight| weight == candidate.category_weight)
            .expect("every candidate's category weight was tried");
        let scoring = scorings
            .iter()
            .position(|&scoring| scoring == (candidate.measure, candidate.min_together))
            .expect("every candidate's pair scoring was mined");
        let combination = CANDIDATE_COMBINATIONS
            .iter()
            .position(|&combination| combination == candidate.combination)
            .expect("every candidate's combination was asked");
        scored[weight][scoring][combination]
    };
    let co_occurrence = figures_of(&Scoring {
        measure: ScoreMeasure::Count,
        min_together: 1,
        combination: CartCombination::Sum,
        category_weight: 0.0,
    });
    let family = candidate_family(basket_sizes, categories.any());
    let figures: Vec<HeldOutFigures> = family.iter().map(figures_of).collect();
    let (pop_page, pop_cart) = popularity_figures.hits_at_5();
    let (cooc_page, cooc_cart) = co_occurrence.hits_at_5();
    let beats = |figures: &HeldOutFigures| {
        let (page, cart) = figures.hits_at_5();
        page >= pop_page.max(cooc_page) && cart >= pop_cart.max(cooc_cart)
    };
    let objective = |figures: &HeldOutFigures| {
        let (page, cart) = figures.hits_at_5();
        u128::from(page) * u128::from(cart)
    };
    let beats_baselines = figures.iter().any(beats);
    // `rev`: of equal objectives `max_by_key` keeps the last, here the first listed.
    let best = (0..figures.len())
        .rev()
        .filter(|&position| !beats_baselines || beats(&figures[position]))
        .max_by_key(|&position| objective(&figures[position]))
        .expect("the family is not empty");
    Some(TuningReport {
        winner: family[best],
        winner_figures: figures[best],
        popularity: popularity_figures,
        co_occurrence,
        beats_baselines,
        candidates: family.len(),
        training_orders: training.basket_count() as u64,
        test_baskets: queries.basket_count() as u64,
    })
}

/// One pair scoring's held-out figures from its lists (`list_of`), one per
/// [`CANDIDATE_COMBINATIONS`].
fn candidate_figures<'a>(
    queries: &HeldOutQueries,
    popularity: &[u32],
    list_of: impl Fn(u32) -> &'a [(u32, f32)] + Sync,
) -> Vec<HeldOutFigures> {
    let (product_page, carts) = queries.figures(popularity, &COMBINATION_SUM_WEIGHTS, list_of);
    carts
        .into_iter()
        .map(|cart| HeldOutFigures { product_page, cart })
        .collect()
}

/// The training orders, as positions into the history: a view where a split would
/// copy every basket (which made tuning's memory twice what the build needs).
struct TrainingBaskets<'a> {
    orders: &'a Orders,
    positions: Vec<u32>,
}

impl BasketList for TrainingBaskets<'_> {
    fn basket_count(&self) -> usize {
        self.positions.len()
    }

    fn basket(&self, index: usize) -> &[u32] {
        &self.orders.baskets()[self.positions[index] as usize]
    }
}

/// Pair scorings tried: every measure at every threshold.
const PAIR_SCORINGS: usize = CANDIDATE_MEASURES.len() * CANDIDATE_MIN_TOGETHER.len();
// A product's lists are indexed by byte.
const _: () = assert!(PAIR_SCORINGS * LIST_DEPTH <= u8::MAX as usize);

/// One product's top lists, one per pair scoring, stored back to back.
#[derive(Default)]
struct ProductLists {
    entries: Box<[(u32, f32)]>,
    /// By pair scoring: where its list starts in `entries`, and its length (at most
    /// [`LIST_DEPTH`], so all of them fit a byte).
    starts: [u8; PAIR_SCORINGS],
    lens: [u8; PAIR_SCORINGS],
}

impl ProductLists {
    /// The list of pair scoring `scoring`, best first (empty for a product not asked).
    fn list(&self, scoring: usize) -> &[(u32, f32)] {
        self.list_in(&self.entries, scoring)
    }

    /// The list of pair scoring `scoring` in `entries` (this product's, or the buffer
    /// they are gathered in).
    fn list_in<'a>(&self, entries: &'a [(u32, f32)], scoring: usize) -> &'a [(u32, f32)] {
        let start = usize::from(self.starts[scoring]);
        entries
            .get(start..start + usize::from(self.lens[scoring]))
            .unwrap_or(&[])
    }
}

/// A counting thread's buffers for [`ProductLists`].
#[derive(Default)]
struct ListScratch {
    /// One measure's best partners, by threshold.
    best: [BestPartners; CANDIDATE_MIN_TOGETHER.len()],
    entries: Vec<(u32, f32)>,
}

/// The best [`LIST_DEPTH`] of partners offered one at a time: the buffer is cut back
/// with [`keep_best`] whenever it fills, and a partner scoring below the last one kept
/// is not even stored. Sorting every partner of every product once per candidate was
/// most of tuning's time; the result is the same [`keep_best`] of them all, since a
/// partner below the K-th best of a part is below the K-th best of the whole.
#[derive(Default)]
struct BestPartners {
    candidates: Vec<(u32, f32)>,
    /// The lowest score kept at the last cut, once there was one.
    cutoff: Option<f32>,
}

/// Candidates a [`BestPartners`] buffer holds before it is cut back to the best.
const PRUNE_AT: usize = 4 * LIST_DEPTH;

impl BestPartners {
    fn clear(&mut self) {
        self.candidates.clear();
        self.cutoff = None;
    }

    #[inline]
    fn offer(&mut self, partner: u32, score: f32, order: &IdOrder) {
        // Equal scores stay: the product ids decide between them.
        if self
            .cutoff
            .is_some_and(|cutoff| score.total_cmp(&cutoff).is_lt())
        {
            return;
        }
        self.candidates.push((partner, score));
        if self.candidates.len() >= PRUNE_AT {
            keep_best(&mut self.candidates, LIST_DEPTH, order);
            self.cutoff = self.candidates.last().map(|&(_, score)| score);
        }
    }

    /// The best partners offered, best first.
    fn finish(&mut self, order: &IdOrder) -> &[(u32, f32)] {
        keep_best(&mut self.candidates, LIST_DEPTH, order);
        &self.candidates
    }
}

/// Suggestible products by training orders, most first (ties by product number).
fn popularity_ranking(order_counts: &[u32], suggestible: &[bool]) -> Vec<u32> {
    let mut ranked: Vec<u32> = (0..order_counts.len() as u32)
        .filter(|&product| suggestible[product as usize])
        .collect();
    ranked.sort_by_key(|&product| std::cmp::Reverse(order_counts[product as usize]));
    ranked
}
