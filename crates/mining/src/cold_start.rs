//! Cold start: a product with too few neighbours (new, rarely bought, or bought only
//! alone) gets its list topped up at build time with the best-sellers of its own
//! catalog category, then the store's, so its page shows related products rather than
//! whatever sells most storewide.
//!
//! Filled suggestions rank below every mined one (`score_bands.rs` gives them the
//! lowest score bytes), skip the product itself, its blocked targets and unavailable
//! products, and come in best-seller order.

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
        let same_category = self
            .by_category
            .get(category)
            .map_or(&[][..], Vec::as_slice);
        for &candidate in same_category.iter().chain(&self.store) {
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
}
