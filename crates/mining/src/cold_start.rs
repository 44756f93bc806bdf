//! Cold start: a product with too few neighbours (new, rarely bought, or bought only
//! alone) gets its list topped up at build time with the best-sellers of its own
//! catalog category, then the store's, so its page shows related products rather than
//! whatever sells most storewide.
//!
//! Filled suggestions rank below every mined one (`score_bands.rs` gives them the
//! lowest score bytes), skip the product itself, its blocked targets and unavailable
//! products, and come in best-seller order.
//!
//! The same category best-sellers can also be *lifted* into every list, mined ones
//! included ([`lift_category_best_sellers`], `MiningOptions::category_weight`): the
//! tuner tries it, and keeps it where held-out baskets say a product's category
//! predicts the rest of its basket (shoppers filling a basket around what they came
//! for) better than its pairs alone do.

use std::cmp::Ordering;
use std::collections::HashMap;

use alsobought_core::format::ProductRecord;

use super::rules::TableRules;

/// Table products that may fill a list, best-selling first: per category and storewide.
pub(crate) struct FillSources<'a> {
    by_category: HashMap<&'a str, Vec<u32>>,
    store: Vec<u32>,
}

impl<'a> FillSources<'a> {
    /// Ranks the products with a positive `popularity` that are `suggestible` (both by
    /// table number): higher popularity first, equal popularity by id.
    pub fn new(records: &'a [ProductRecord], popularity: &[f32], suggestible: &[bool]) -> Self {
        let mut store: Vec<u32> = (0..records.len() as u32)
            .filter(|&number| popularity[number as usize] > 0.0 && suggestible[number as usize])
            .collect();
        store.sort_by(|&a, &b| {
            popularity[b as usize]
                .total_cmp(&popularity[a as usize])
                .then_with(|| records[a as usize].id.cmp(&records[b as usize].id))
        });
        let mut by_category: HashMap<&str, Vec<u32>> = HashMap::new();
        for &number in &store {
            let category = records[number as usize].category.as_str();
            if !category.is_empty() {
                by_category.entry(category).or_default().push(number);
            }
        }
        FillSources { by_category, store }
    }

    /// The best-sellers of `category`, best-selling first (none for no category).
    pub fn in_category(&self, category: &str) -> &[u32] {
        self.by_category
            .get(category)
            .map_or(&[][..], Vec::as_slice)
    }

    /// Appends to `list` (product `product`'s neighbours, `category` its category) the
    /// best-sellers it lacks until it holds `fill_to`; returns how many were added.
    /// Their scores are 0 until the score bands place them.
    pub fn fill(
        &self,
        list: &mut Vec<(u32, f32)>,
        product: u32,
        category: &str,
        fill_to: usize,
        rules: &TableRules,
    ) -> usize {
        let before = list.len();
        for &candidate in self.in_category(category).iter().chain(&self.store) {
            if list.len() >= fill_to {
                break;
            }
            let listed = list.iter().any(|&(known, _)| known == candidate);
            if candidate != product && !listed && rules.allows(product, candidate) {
                list.push((candidate, 0.0));
            }
        }
        list.len() - before
    }
}

/// What a category best-seller gains in a product's list: `weight` × the list's
/// `typical` (mean) score × its `sales` over the category best-seller's. Relative to
/// the list's own scores, so one weight means the same under every measure, and to
/// their mean rather than the best, so a product with one strong partner keeps it
/// first while one with only weak evidence gives way to its category; relative to
/// the category's top seller, so the category's best-seller gains the whole `weight`
/// and a slow seller next to nothing.
pub(crate) fn category_lift(weight: f32, typical: f32, sales: f32, top_sales: f32) -> f32 {
    weight * typical * (sales / top_sales)
}

/// Lifts `ranked` (a category's best-sellers, best-selling first, `sales` of each)
/// in `list` (a product's neighbours, best first) by [`category_lift`]: each one
/// `admits` (not the product itself, not a blocked target) gains its lift, joining
/// the list if it was not in it; the list is then sorted best first, equal scores by
/// `ties`. A list without neighbours is left alone: it has no score to scale by, and
/// the cold-start fill serves it.
pub(crate) fn lift_category_best_sellers(
    list: &mut Vec<(u32, f32)>,
    ranked: &[u32],
    sales: impl Fn(u32) -> f32,
    weight: f32,
    admits: impl Fn(u32) -> bool,
    ties: impl Fn(u32, u32) -> Ordering,
) {
    let Some(&top) = ranked.first().filter(|_| !list.is_empty()) else {
        return;
    };
    let typical = list.iter().map(|&(_, score)| score).sum::<f32>() / list.len() as f32;
    let top_sales = sales(top);
    if weight <= 0.0 || typical <= 0.0 || top_sales <= 0.0 {
        return;
    }
    for &candidate in ranked {
        if !admits(candidate) {
            continue;
        }
        let lift = category_lift(weight, typical, sales(candidate), top_sales);
        match list.iter_mut().find(|(known, _)| *known == candidate) {
            Some((_, score)) => *score += lift,
            None => list.push((candidate, lift)),
        }
    }
    list.sort_by(|a, b| b.1.total_cmp(&a.1).then_with(|| ties(a.0, b.0)));
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::tests::record;
    use crate::rules::{Block, MerchandisingRules};

    #[test]
    fn own_category_first_then_the_store_never_itself_nor_a_blocked_target() {
        let records = [
            record("tea-1", "tea"),
            record("mug-1", "mugs"),
            record("tea-2", "tea"),
            record("mug-2", "mugs"),
            record("tea-3", "tea"),
            record("mug-3", "mugs"),
            record("tea-4", "tea"),
        ];
        let popularity = [9.0, 50.0, 5.0, 40.0, 7.0, 0.0, 1.0];
        let suggestible = [true; 7];
        let sources = FillSources::new(&records, &popularity, &suggestible);
        let rules = MerchandisingRules {
            blocks: vec![Block {
                product: Some("tea-1".into()),
                target: "tea-3".into(),
            }],
            ..MerchandisingRules::default()
        };
        let table_rules = TableRules::new(&rules, &records);
        let mut list = vec![(2, 1.5)];
        let added = sources.fill(&mut list, 0, "tea", 4, &table_rules);
        // tea-1 is the product, tea-3 blocked, tea-2 already a neighbour: tea-4 is
        // the category's only addition, then mugs by popularity.
        assert_eq!(added, 3);
        assert_eq!(list, [(2, 1.5), (6, 0.0), (1, 0.0), (3, 0.0)]);
        let mut uncategorised = Vec::new();
        sources.fill(&mut uncategorised, 5, "", 2, &table_rules);
        assert_eq!(uncategorised, [(1, 0.0), (3, 0.0)]);
    }

    #[test]
    fn the_lift_scales_by_the_mean_neighbour_and_the_category_leader() {
        // Product 0's neighbours: 5 (score 3) and 6 (score 1), mean 2. Its category's
        // best-sellers: 1 (sold 100), 0 itself, 6 (50), 2 (25); 2 is blocked.
        let sales = |product: u32| match product {
            1 => 100.0,
            0 => 80.0,
            6 => 50.0,
            2 => 25.0,
            _ => 0.0,
        };
        let lifted = |weight: f32| {
            let mut list = vec![(5, 3.0), (6, 1.0)];
            lift_category_best_sellers(
                &mut list,
                &[1, 0, 6, 2],
                sales,
                weight,
                |candidate| candidate != 0 && candidate != 2,
                |a, b| a.cmp(&b),
            );
            list
        };
        // At 1 the leader gains the mean (level with the lifted 6: ties by id), a
        // neighbour that also sells gains half of it, the strong partner stays first,
        // the product and the blocked target stay out.
        assert_eq!(lifted(1.0), [(5, 3.0), (1, 2.0), (6, 2.0)]);
        assert_eq!(lifted(0.5), [(5, 3.0), (6, 1.5), (1, 1.0)]);
        assert_eq!(lifted(2.0), [(1, 4.0), (5, 3.0), (6, 3.0)]);
        assert_eq!(lifted(0.0), [(5, 3.0), (6, 1.0)]);
        // A product without neighbours has no score to scale by: the fill serves it.
        let mut empty = Vec::new();
        lift_category_best_sellers(&mut empty, &[1], sales, 1.0, |_| true, |a, b| a.cmp(&b));
        assert!(empty.is_empty());
    }
}
