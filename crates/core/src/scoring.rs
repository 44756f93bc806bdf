//! Scoring: turns the neighbour lists of the products in context (one product page, or
//! a whole cart) into the few suggestions to show.
//!
//! The same function runs in the widget (wasm), in `alsobought recommend` and in the
//! offline evaluation, so all three show the same suggestions for the same input. It
//! runs on every page view in the shopper's browser: it ranks from the 4-byte edges
//! alone, in a few vectors sized by the number of neighbours in context, and reads
//! cards only for the candidates it actually considers.

pub use crate::cart_combination::CartCombination;
use crate::format::{Bundle, Card, Quantization, TableScoring};

/// What the caller wants from [`recommend`]. `Default` is what the widget does without
/// data attributes.
#[derive(Debug, Clone, PartialEq)]
pub struct RecommendOptions {
    /// The cap: never more suggestions than this (default 4).
    pub max_suggestions: usize,
    /// Neighbours whose score (relative to the table's largest score, 0..=1) is below
    /// this are not suggested (default 0: no threshold). Best-seller fill-ins ignore it.
    pub min_score: f32,
    /// Product ids never to suggest (besides the context, which never is).
    pub exclude: Vec<String>,
    /// At most this many suggestions per category; products without a category are
    /// not limited (default: no limit).
    pub max_per_category: Option<usize>,
    /// What fills the remaining slots when the neighbours run out (default best-sellers).
    pub fallback: Fallback,
}

impl Default for RecommendOptions {
    fn default() -> Self {
        RecommendOptions {
            max_suggestions: 4,
            min_score: 0.0,
            exclude: Vec::new(),
            max_per_category: None,
            fallback: Fallback::BestSellers,
        }
    }
}

/// What fills the slots the neighbours leave empty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Fallback {
    /// The table's best-seller list, after the neighbours.
    #[default]
    BestSellers,
    /// Nothing: show fewer suggestions (or none).
    None,
}

/// Where a suggestion came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuggestionSource {
    /// Bought together with the product(s) in context.
    Neighbours,
    /// A best-seller filling a slot the neighbours left empty.
    BestSellers,
}

/// One product to show.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion<'a> {
    /// Everything needed to render it.
    pub card: Card<'a>,
    /// For neighbours: its best score from any context product, relative to the table's
    /// largest score (0..=1]; what `min_score` is compared with. For best-sellers: 0.
    pub score: f32,
    /// Why it is suggested.
    pub source: SuggestionSource,
}

/// Suggestions for the products `context_ids`, best first.
///
/// `context` holds the bundles of the context products found in the table (a product
/// without a bundle simply contributes nothing); `best_sellers` the table's best-seller
/// bundle when the fallback may be used. Never suggests a context id, an excluded id or
/// an unavailable product; never more than `options.max_suggestions`. Equal scores go
/// by product number, so the output is deterministic. `scoring` is the table's
/// ([`crate::Header::scoring`]): a cart combines as its build chose.
pub fn recommend<'a>(
    context_ids: &[&str],
    context: &[Bundle<'a>],
    best_sellers: Option<&Bundle<'a>>,
    scoring: &TableScoring,
    options: &RecommendOptions,
) -> Vec<Suggestion<'a>> {
    recommend_with(
        context_ids,
        context,
        best_sellers,
        &scoring.quantization,
        options,
        scoring.cart_combination,
    )
}

/// [`recommend`] with a way of combining a cart's neighbour lists other than the
/// table's (for the offline evaluation that compares them).
pub fn recommend_with<'a>(
    context_ids: &[&str],
    context: &[Bundle<'a>],
    best_sellers: Option<&Bundle<'a>>,
    quantization: &Quantization,
    options: &RecommendOptions,
    combination: CartCombination,
) -> Vec<Suggestion<'a>> {
    let mut suggestions = Vec::with_capacity(options.max_suggestions.min(64));
    if options.max_suggestions == 0 {
        return suggestions;
    }
    let mut picker = Picker {
        context_ids,
        options,
        suggestions: &mut suggestions,
    };
    for candidate in rank_neighbours(context, quantization, combination) {
        if picker.is_full() {
            break;
        }
        let score = relative_score(quantization, candidate.best_quantized);
        if score < options.min_score {
            continue;
        }
        // Cards are read only for the candidates actually considered: usually a
        // handful, where a cart names hundreds of neighbours.
        let card = context[candidate.bundle as usize]
            .neighbours()
            .nth(usize::from(candidate.position));
        if let Some((card, _)) = card {
            picker.offer(card, score, SuggestionSource::Neighbours);
        }
    }
    if options.fallback == Fallback::BestSellers {
        if let Some(best_sellers) = best_sellers {
            for (card, _) in best_sellers.neighbours() {
                if picker.is_full() {
                    break;
                }
                picker.offer(card, 0.0, SuggestionSource::BestSellers);
            }
        }
    }
    suggestions
}

/// A quantized score as a share of the table's largest score.
fn relative_score(quantization: &Quantization, quantized: u8) -> f32 {
    if quantization.max > 0.0 {
        quantization.dequantize(quantized) / quantization.max
    } else {
        0.0
    }
}

/// One distinct neighbour of the context with its combined scores, and where its
/// card is (the bundle and position of its best edge).
#[derive(Debug, Clone, Copy)]
struct Candidate {
    number: u32,
    /// The largest contribution of one context product.
    best: f32,
    /// The sum of the contributions of every context product naming it.
    total: f32,
    best_quantized: u8,
    position: u8,
    bundle: u32,
}

impl Candidate {
    /// What the ranking sorts by.
    fn rank_score(&self, combination: CartCombination) -> f32 {
        match combination {
            CartCombination::Max => self.best,
            CartCombination::MaxThenSum { sum_weight } => {
                self.best + sum_weight * (self.total - self.best)
            }
            CartCombination::Sum
            | CartCombination::NormalizedSum
            | CartCombination::ReciprocalRank { .. } => self.total,
        }
    }
}

/// The context's neighbours merged by product, best first, read from the edges alone
/// (no card is parsed here). Neighbours that are themselves context products with a
/// bundle are left out while merging; the picker still checks every context id.
fn rank_neighbours(
    context: &[Bundle<'_>],
    quantization: &Quantization,
    combination: CartCombination,
) -> Vec<Candidate> {
    let capacity: usize = context.iter().map(Bundle::len).sum();
    let mut entries: Vec<Candidate> = Vec::with_capacity(capacity);
    // Every sort below sorts plain `u64` keys: one sort for all three (`sort_keys`).
    let mut context_numbers: Vec<u64> = Vec::with_capacity(context.len());
    for card in context.iter().filter_map(Bundle::product) {
        context_numbers.push(u64::from(card.number));
    }
    sort_keys(&mut context_numbers);
    for (bundle_index, bundle) in context.iter().enumerate() {
        let mut list_best = None;
        for (position, (number, quantized)) in bundle.edges().enumerate() {
            let list_best = *list_best.get_or_insert(quantized);
            let contribution = match combination {
                CartCombination::Max
                | CartCombination::Sum
                | CartCombination::MaxThenSum { .. } => quantization.dequantize(quantized),
                CartCombination::NormalizedSum => {
                    let best = quantization.dequantize(list_best);
                    if best > 0.0 {
                        quantization.dequantize(quantized) / best
                    } else {
                        0.0
                    }
                }
                CartCombination::ReciprocalRank { offset } => {
                    1.0 / (offset + position as f32 + 1.0)
                }
            };
            entries.push(Candidate {
                number,
                best: contribution,
                total: contribution,
                best_quantized: quantized,
                position: u8::try_from(position).unwrap_or(u8::MAX),
                bundle: bundle_index as u32,
            });
        }
    }
    // Merge the entries of one product (it may be a neighbour of several cart items),
    // keeping the card position of its best entry; both lists are sorted by number,
    // so context products drop out in the same pass.
    // Sorted by number, then by entry index (the order entries were read in).
    let mut by_number: Vec<u64> = Vec::with_capacity(entries.len());
    for (index, entry) in entries.iter().enumerate() {
        by_number.push((u64::from(entry.number) << 32) | index as u64);
    }
    sort_keys(&mut by_number);
    let mut ranked: Vec<Candidate> = Vec::with_capacity(entries.len());
    let mut context_numbers = context_numbers.iter().peekable();
    for key in by_number {
        let entry = entries[(key & 0xffff_ffff) as usize];
        let number = u64::from(entry.number);
        while context_numbers.next_if(|&&known| known < number).is_some() {}
        if context_numbers.peek() == Some(&&number) {
            continue;
        }
        match ranked.last_mut() {
            Some(last) if last.number == entry.number => {
                if entry.best > last.best {
                    last.best = entry.best;
                    last.position = entry.position;
                    last.bundle = entry.bundle;
                }
                last.total += entry.total;
                last.best_quantized = last.best_quantized.max(entry.best_quantized);
            }
            _ => ranked.push(entry),
        }
    }
    // One integer key: score descending (the float's bits mapped to an order-keeping
    // unsigned integer), then product number ascending. `ranked` is sorted by number
    // and numbers are unique in it, so the number in the key finds the candidate again.
    let mut by_rank: Vec<u64> = Vec::with_capacity(ranked.len());
    for candidate in &ranked {
        let bits = candidate.rank_score(combination).to_bits();
        let ascending = if bits >> 31 == 1 {
            !bits
        } else {
            bits | 0x8000_0000
        };
        by_rank.push((u64::from(!ascending) << 32) | u64::from(candidate.number));
    }
    sort_keys(&mut by_rank);
    by_rank
        .iter()
        .filter_map(|key| {
            let number = (key & 0xffff_ffff) as u32;
            let found = ranked.binary_search_by_key(&number, |candidate| candidate.number);
            found.ok().map(|index| ranked[index])
        })
        .collect()
}

/// Sorts `keys` ascending. Plain integers sort to one result whichever algorithm
/// sorts them, so the widget (wasm32) uses a heapsort of a dozen lines: the standard
/// `sort_unstable` is 4.4 KB of wasm (quicksort, pivot selection, small-sort) that
/// every shopper downloads, for lists of a few hundred keys. Native code (the
/// command-line tool, benchmarks) keeps the standard sort; the tests compare the two.
#[cfg(not(target_arch = "wasm32"))]
fn sort_keys(keys: &mut [u64]) {
    keys.sort_unstable();
}

#[cfg(target_arch = "wasm32")]
fn sort_keys(keys: &mut [u64]) {
    heapsort(keys);
}

/// Heapsort: a max-heap, whose largest key is swapped to the end, one at a time.
#[cfg(any(test, target_arch = "wasm32"))]
fn heapsort(keys: &mut [u64]) {
    fn sift_down(keys: &mut [u64], mut node: usize, end: usize) {
        loop {
            let mut child = 2 * node + 1;
            if child >= end {
                return;
            }
            if child + 1 < end && keys[child] < keys[child + 1] {
                child += 1;
            }
            if keys[node] >= keys[child] {
                return;
            }
            keys.swap(node, child);
            node = child;
        }
    }
    let len = keys.len();
    for node in (0..len / 2).rev() {
        sift_down(keys, node, len);
    }
    for end in (1..len).rev() {
        keys.swap(0, end);
        sift_down(keys, 0, end);
    }
}

/// Applies the rules every suggestion must pass, in ranking order.
struct Picker<'o, 's, 'a> {
    context_ids: &'o [&'o str],
    options: &'o RecommendOptions,
    suggestions: &'s mut Vec<Suggestion<'a>>,
}

impl<'a> Picker<'_, '_, 'a> {
    fn is_full(&self) -> bool {
        self.suggestions.len() >= self.options.max_suggestions
    }

    fn offer(&mut self, card: Card<'a>, score: f32, source: SuggestionSource) {
        let id = card.id;
        let refused = !card.available
            || self.context_ids.contains(&id)
            || self.options.exclude.iter().any(|excluded| excluded == id)
            || self
                .suggestions
                .iter()
                .any(|chosen| chosen.card.number == card.number)
            || self.category_is_full(card.category);
        if !refused {
            self.suggestions.push(Suggestion {
                card,
                score,
                source,
            });
        }
    }

    fn category_is_full(&self, category: &str) -> bool {
        match self.options.max_per_category {
            Some(limit) if !category.is_empty() => {
                self.suggestions
                    .iter()
                    .filter(|chosen| chosen.card.category == category)
                    .count()
                    >= limit
            }
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::heapsort;
    use proptest::prelude::*;

    fn heapsorted(mut keys: Vec<u64>) -> Vec<u64> {
        heapsort(&mut keys);
        keys
    }

    #[test]
    fn heapsort_handles_the_edge_cases() {
        assert_eq!(heapsorted(vec![]), Vec::<u64>::new());
        assert_eq!(heapsorted(vec![7]), [7]);
        assert_eq!(heapsorted(vec![2, 1]), [1, 2]);
        assert_eq!(heapsorted(vec![3, 3, 1, 3]), [1, 3, 3, 3]);
        assert_eq!(
            heapsorted((0..100).rev().collect()),
            (0..100).collect::<Vec<_>>()
        );
        assert_eq!(
            heapsorted(vec![u64::MAX, 0, u64::MAX]),
            [0, u64::MAX, u64::MAX]
        );
    }

    proptest! {
        /// The widget's sort (wasm32) gives what the standard sort gives natively.
        #[test]
        fn heapsort_sorts_like_the_standard_sort(
            keys in prop_oneof![
                proptest::collection::vec(any::<u64>(), 0..600),
                proptest::collection::vec(0u64..8, 0..600),
            ]
        ) {
            let mut expected = keys.clone();
            expected.sort_unstable();
            prop_assert_eq!(heapsorted(keys), expected);
        }
    }
}
