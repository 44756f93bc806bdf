//! Merchandising rules: a store's hand-made corrections to what the orders say, baked
//! into the table so that every reader of it (the widget, `recommend`, evaluation)
//! follows them without knowing they exist.
//!
//! - a **pin** puts a target first on one product's page, pins in the order given,
//!   whether or not the two were ever bought together;
//! - a **block** keeps a target off one product's page, or off every page and the
//!   best-seller list;
//! - a **weight** (boost or bury) multiplies every score a product or a category's
//!   products get as a suggestion, and their best-seller popularity.
//!
//! Weights and blocks act while neighbours are selected, so a product's list is still
//! its best K among what may be shown; pins are placed last, on top.

use std::collections::{HashMap, HashSet};

use alsobought_core::format::ProductRecord;

/// What a store's merchandiser asked for, by product id, in the order given.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MerchandisingRules {
    /// Targets shown first, by product, in this order.
    pub pins: Vec<Pin>,
    /// Pairs never shown.
    pub blocks: Vec<Block>,
    /// Score multipliers of suggested products.
    pub weights: Vec<Weight>,
}

/// Show `target` first on `product`'s page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pin {
    /// The page's product id.
    pub product: String,
    /// The product id shown first.
    pub target: String,
}

/// Never suggest `target` on `product`'s page (`None`: on any page, nor as a
/// best-seller).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// The page's product id, or `None` for every product.
    pub product: Option<String>,
    /// The product id never suggested there.
    pub target: String,
}

/// Multiply the scores of a product or a category as a suggestion by `factor` (above 1:
/// a boost; below 1: a bury).
#[derive(Debug, Clone, PartialEq)]
pub struct Weight {
    /// What is moved.
    pub target: WeightTarget,
    /// The multiplier, finite and positive.
    pub factor: f32,
}

/// The products a [`Weight`] applies to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WeightTarget {
    /// One product id.
    Product(String),
    /// Every product whose catalog category is exactly this.
    Category(String),
}

/// What the rules did to a table, for the build summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RulesReport {
    /// Pinned pairs placed on top of a product's list.
    pub pins_placed: u64,
    /// Of those, pairs that were not neighbours before.
    pub pins_added: u64,
    /// Pins left out: the target is unavailable or blocked, or the product already has
    /// a full list of pins.
    pub pins_left_out: u64,
    /// Suggestions taken off a product's list by a block of that pair.
    pub blocked_suggestions: u64,
    /// Products blocked everywhere that were in the table (never suggested).
    pub blocked_everywhere: u64,
    /// Suggestions in the table whose score a boost or bury multiplied.
    pub weighted_suggestions: u64,
}

impl MerchandisingRules {
    /// Whether there is no rule at all (the table is exactly what the orders say).
    pub fn is_empty(&self) -> bool {
        self.pins.is_empty() && self.blocks.is_empty() && self.weights.is_empty()
    }

    /// The most pair blocks any one product has: how many more neighbours to select,
    /// so that a list is still full once its blocked targets are taken out.
    pub(crate) fn most_blocks_on_one_product(&self) -> usize {
        let mut per_product: HashMap<&str, usize> = HashMap::new();
        for block in &self.blocks {
            if let Some(product) = &block.product {
                *per_product.entry(product).or_default() += 1;
            }
        }
        per_product.into_values().max().unwrap_or(0)
    }

    /// Ids blocked on every page.
    pub(crate) fn blocked_everywhere(&self) -> HashSet<&str> {
        self.blocks
            .iter()
            .filter(|block| block.product.is_none())
            .map(|block| block.target.as_str())
            .collect()
    }

    /// The weights by product id and by category, several weights on one product
    /// multiplied.
    pub(crate) fn weight_index(&self) -> WeightIndex<'_> {
        let mut index = WeightIndex::default();
        for weight in &self.weights {
            let (map, key) = match &weight.target {
                WeightTarget::Product(id) => (&mut index.by_product, id),
                WeightTarget::Category(category) => (&mut index.by_category, category),
            };
            *map.entry(key.as_str()).or_insert(1.0) *= weight.factor;
        }
        index
    }
}

/// Boost and bury factors looked up by product id and by category.
#[derive(Default)]
pub(crate) struct WeightIndex<'a> {
    by_product: HashMap<&'a str, f32>,
    by_category: HashMap<&'a str, f32>,
}

impl WeightIndex<'_> {
    /// Whether no weight applies anywhere.
    pub fn is_empty(&self) -> bool {
        self.by_product.is_empty() && self.by_category.is_empty()
    }

    /// The factor of `record` as a suggestion (1 when no weight names it).
    pub fn factor(&self, record: &ProductRecord) -> f32 {
        let product = self.by_product.get(record.id.as_str()).copied();
        let category = self.by_category.get(record.category.as_str()).copied();
        product.unwrap_or(1.0) * category.unwrap_or(1.0)
    }
}

/// A score times a weight, never reaching 0 (which the table reads as "no score"):
/// a buried suggestion sinks, it does not vanish.
pub(crate) fn weighted(score: f32, factor: f32) -> f32 {
    (score * factor).max(f32::MIN_POSITIVE)
}

/// The rules in table numbers (positions in the table's records), for the last step.
pub(crate) struct TableRules {
    /// Pinned targets by product, in the order given, ids not in the table left out.
    pub pins: HashMap<u32, Vec<u32>>,
    /// Blocked `(product, target)` pairs.
    pub blocked: HashSet<(u32, u32)>,
    /// Products with at least one blocked target.
    pub blocking: HashSet<u32>,
    /// Pins naming a product or target the table does not hold.
    pub unknown_pins: u64,
}

impl TableRules {
    /// Resolves `rules` against the table's records.
    pub fn new(rules: &MerchandisingRules, records: &[ProductRecord]) -> Self {
        let numbers: HashMap<&str, u32> = records
            .iter()
            .enumerate()
            .map(|(number, record)| (record.id.as_str(), number as u32))
            .collect();
        let number = |id: &str| numbers.get(id).copied();
        let mut pins: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut unknown_pins = 0;
        for pin in &rules.pins {
            match (number(&pin.product), number(&pin.target)) {
                (Some(product), Some(target)) => {
                    let list = pins.entry(product).or_default();
                    if !list.contains(&target) && product != target {
                        list.push(target);
                    }
                }
                _ => unknown_pins += 1,
            }
        }
        let blocked: HashSet<(u32, u32)> = rules
            .blocks
            .iter()
            .filter_map(|block| Some((number(block.product.as_deref()?)?, number(&block.target)?)))
            .collect();
        let blocking = blocked.iter().map(|&(product, _)| product).collect();
        TableRules {
            pins,
            blocked,
            blocking,
            unknown_pins,
        }
    }

    /// Whether `product` has a blocked target.
    pub fn has_blocks(&self, product: u32) -> bool {
        self.blocking.contains(&product)
    }

    /// Whether `target` may be suggested on `product`'s page as far as pair blocks go.
    pub fn allows(&self, product: u32, target: u32) -> bool {
        self.blocked.is_empty() || !self.blocked.contains(&(product, target))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A product known by its id and category (shared with the cold-start tests).
    pub(crate) fn record(id: &str, category: &str) -> ProductRecord {
        ProductRecord {
            category: category.to_owned(),
            ..ProductRecord::with_id(id)
        }
    }

    #[test]
    fn weights_on_a_product_and_its_category_multiply() {
        let rules = MerchandisingRules {
            weights: vec![
                Weight {
                    target: WeightTarget::Category("mugs".into()),
                    factor: 2.0,
                },
                Weight {
                    target: WeightTarget::Product("M1".into()),
                    factor: 0.25,
                },
                Weight {
                    target: WeightTarget::Category("mugs".into()),
                    factor: 3.0,
                },
            ],
            ..MerchandisingRules::default()
        };
        let index = rules.weight_index();
        assert_eq!(index.factor(&record("M1", "mugs")), 1.5);
        assert_eq!(index.factor(&record("M2", "mugs")), 6.0);
        assert_eq!(index.factor(&record("T1", "tea")), 1.0);
    }

    #[test]
    fn a_buried_score_stays_a_score() {
        assert!(weighted(1e-30, 1e-20) > 0.0);
        assert_eq!(weighted(0.5, 2.0), 1.0);
    }

    #[test]
    fn pins_keep_their_order_and_skip_repeats_and_unknown_ids() {
        let pin = |product: &str, target: &str| Pin {
            product: product.into(),
            target: target.into(),
        };
        let rules = MerchandisingRules {
            pins: vec![
                pin("A", "C"),
                pin("A", "B"),
                pin("A", "C"),
                pin("A", "gone"),
                pin("A", "A"),
            ],
            blocks: vec![
                Block {
                    product: Some("A".into()),
                    target: "B".into(),
                },
                Block {
                    product: None,
                    target: "C".into(),
                },
            ],
            ..MerchandisingRules::default()
        };
        let records = [record("A", ""), record("B", ""), record("C", "")];
        let table = TableRules::new(&rules, &records);
        assert_eq!(table.pins[&0], [2, 1]);
        assert_eq!(table.unknown_pins, 1);
        assert!(!table.allows(0, 1));
        assert!(table.allows(1, 0));
        assert_eq!(rules.most_blocks_on_one_product(), 1);
        assert_eq!(rules.blocked_everywhere(), HashSet::from(["C"]));
    }
}
