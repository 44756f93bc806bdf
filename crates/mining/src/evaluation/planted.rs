//! Planted truth: groups of products known to be bought together (a synthetic shop's
//! `groups.csv`), and how often a recommender's suggestions find a product's planted
//! partners.
//!
//! Held-out baskets say what shoppers did next, noise included; planted groups say what
//! the miner should have found. Two views are reported: over the held-out product-page
//! queries (each planted product weighted by how often it is bought, as shoppers would
//! see it) and over planted products once each (the long tail counts as much as the
//! best-sellers).

use std::collections::HashMap;

use super::metrics::QueryMetrics;

/// Groups of products planted as complements; a product's partners are the other
/// members of every group it is in.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlantedGroups {
    groups: Vec<Vec<String>>,
}

impl PlantedGroups {
    /// Groups from `(group id, product id)` memberships, in order of first appearance;
    /// a product listed twice in one group counts once.
    pub fn from_memberships<G, P>(memberships: impl IntoIterator<Item = (G, P)>) -> Self
    where
        G: AsRef<str>,
        P: Into<String>,
    {
        let mut position_of: HashMap<String, usize> = HashMap::new();
        let mut groups: Vec<Vec<String>> = Vec::new();
        for (group, product) in memberships {
            let position = *position_of
                .entry(group.as_ref().to_owned())
                .or_insert_with(|| {
                    groups.push(Vec::new());
                    groups.len() - 1
                });
            let product = product.into();
            if !groups[position].contains(&product) {
                groups[position].push(product);
            }
        }
        PlantedGroups { groups }
    }

    /// The groups, each a list of product ids.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }
}

/// Quality against the planted truth for one recommender.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlantedMetrics {
    /// Held-out product-page queries whose product has planted partners; the targets
    /// are those partners (not the rest of the basket).
    pub page_queries: QueryMetrics,
    /// Every planted product once, in context alone; the targets are its partners.
    pub products: QueryMetrics,
}

/// What the planted truth held, for the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PlantedSummary {
    /// Groups given.
    pub groups: u64,
    /// Products with at least one partner that may be suggested (known and available):
    /// the ones queried.
    pub products: u64,
    /// Group members that are neither in the catalog nor in the orders (ignored).
    pub unknown_products: u64,
}

/// The planted truth in the evaluation's product numbers.
#[derive(Debug, Clone, Default)]
pub(super) struct PlantedPartners {
    partners: HashMap<u32, Vec<u32>>,
    /// Products with partners, ascending.
    products: Vec<u32>,
    pub(super) groups: u64,
    pub(super) unknown_products: u64,
}

impl PlantedPartners {
    /// Maps `groups` to product numbers with `number_of`; partners for which
    /// `suggestible` is false (sold out) are left out, since no table suggests them.
    pub(super) fn new(
        groups: &PlantedGroups,
        number_of: impl Fn(&str) -> Option<u32>,
        suggestible: impl Fn(u32) -> bool,
    ) -> Self {
        let mut partners: HashMap<u32, Vec<u32>> = HashMap::new();
        let mut unknown_products = 0;
        for group in groups.groups() {
            let members: Vec<u32> = group
                .iter()
                .filter_map(|id| {
                    let number = number_of(id);
                    unknown_products += u64::from(number.is_none());
                    number
                })
                .collect();
            for &member in &members {
                for &partner in &members {
                    if partner != member && suggestible(partner) {
                        let list = partners.entry(member).or_default();
                        if !list.contains(&partner) {
                            list.push(partner);
                        }
                    }
                }
            }
        }
        let mut products: Vec<u32> = partners.keys().copied().collect();
        products.sort_unstable();
        PlantedPartners {
            partners,
            products,
            groups: groups.groups().len() as u64,
            unknown_products,
        }
    }

    /// The planted partners of `product`, if it has any.
    pub(super) fn of(&self, product: u32) -> Option<&[u32]> {
        self.partners.get(&product).map(Vec::as_slice)
    }

    /// Products with partners, ascending.
    pub(super) fn products(&self) -> &[u32] {
        &self.products
    }

    pub(super) fn summary(&self) -> PlantedSummary {
        PlantedSummary {
            groups: self.groups,
            products: self.products.len() as u64,
            unknown_products: self.unknown_products,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partners_are_the_other_suggestible_members_of_every_group() {
        let groups = PlantedGroups::from_memberships([
            ("1", "a"),
            ("1", "b"),
            ("2", "b"),
            ("2", "c"),
            ("2", "gone"),
            ("1", "a"),
            ("3", "sold-out"),
            ("3", "d"),
        ]);
        assert_eq!(groups.groups().len(), 3);
        assert_eq!(groups.groups()[0], ["a", "b"]);
        let number_of = |id: &str| match id {
            "a" => Some(0),
            "b" => Some(1),
            "c" => Some(2),
            "d" => Some(3),
            "sold-out" => Some(4),
            _ => None,
        };
        let planted = PlantedPartners::new(&groups, number_of, |product| product != 4);
        assert_eq!(planted.of(1), Some(&[0, 2][..]));
        assert_eq!(planted.of(0), Some(&[1][..]));
        assert_eq!(planted.of(4), Some(&[3][..]));
        // d's only partner is sold out: nothing to find, so d is not queried.
        assert_eq!(planted.of(3), None);
        assert_eq!(planted.products(), [0, 1, 2, 4]);
        assert_eq!(
            planted.summary(),
            PlantedSummary {
                groups: 3,
                products: 4,
                unknown_products: 1
            }
        );
    }
}
