//! The category-weighted candidates: each asked product's lists with its category's
//! best-sellers lifted as the table's assembly lifts them
//! ([`crate::cold_start::lift_category_best_sellers`]), at the tuner's list depth.

use std::collections::HashMap;

use super::LIST_DEPTH;
use crate::cold_start::lift_category_best_sellers;
use crate::selection::IdOrder;
use crate::Catalog;

/// Each product's catalog category and each category's best-sellers, for the
/// category-weighted candidates.
pub(super) struct CategoryBestSellers {
    /// By product number: its category's index, or `None`.
    category_of: Vec<Option<u32>>,
    /// By category: its suggestible products by training orders, most first, one
    /// past [`LIST_DEPTH`] (the product itself may be among them).
    best_sellers: Vec<Vec<u32>>,
}

impl CategoryBestSellers {
    pub fn new(ids: &[String], catalog: Option<&Catalog>, popularity: &[u32]) -> Self {
        let mut indices: HashMap<&str, u32> = HashMap::new();
        let category_of: Vec<Option<u32>> = ids
            .iter()
            .map(|id| {
                let category = catalog?.get(id)?.category.as_str();
                let next = indices.len() as u32;
                (!category.is_empty()).then(|| *indices.entry(category).or_insert(next))
            })
            .collect();
        let mut best_sellers = vec![Vec::new(); indices.len()];
        for &product in popularity {
            if let Some(category) = category_of[product as usize] {
                let ranked: &mut Vec<u32> = &mut best_sellers[category as usize];
                if ranked.len() <= LIST_DEPTH {
                    ranked.push(product);
                }
            }
        }
        CategoryBestSellers {
            category_of,
            best_sellers,
        }
    }

    /// Whether any product has a category.
    pub fn any(&self) -> bool {
        !self.best_sellers.is_empty()
    }

    /// The asked products' lists (`list_of`) with their category best-sellers lifted
    /// by `weight`, as the table's assembly lifts them, cut back to [`LIST_DEPTH`].
    pub fn lift<'a>(
        &self,
        asked: &[bool],
        list_of: impl Fn(u32) -> &'a [(u32, f32)],
        weight: f32,
        order_counts: &[u32],
        id_order: &IdOrder,
    ) -> LiftedLists {
        let mut lifted = LiftedLists::default();
        let mut list = Vec::new();
        for product in 0..asked.len() as u32 {
            lifted.starts.push(lifted.entries.len() as u32);
            if !asked[product as usize] {
                continue;
            }
            list.clear();
            list.extend_from_slice(list_of(product));
            if let Some(category) = self.category_of[product as usize] {
                lift_category_best_sellers(
                    &mut list,
                    &self.best_sellers[category as usize],
                    |candidate| order_counts[candidate as usize] as f32,
                    weight,
                    |candidate| candidate != product,
                    |a, b| id_order.compare(a, b),
                );
                list.truncate(LIST_DEPTH);
            }
            lifted.entries.extend_from_slice(&list);
        }
        lifted.starts.push(lifted.entries.len() as u32);
        lifted
    }
}

/// Every product's list, back to back (empty for a product not asked).
#[derive(Default)]
pub(super) struct LiftedLists {
    /// By product number, then one past the last: where its list starts.
    starts: Vec<u32>,
    entries: Vec<(u32, f32)>,
}

impl LiftedLists {
    pub fn list(&self, product: u32) -> &[(u32, f32)] {
        let product = product as usize;
        &self.entries[self.starts[product] as usize..self.starts[product + 1] as usize]
    }
}
