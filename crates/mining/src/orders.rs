//! The order history as the miner sees it: every product id and order id interned to a
//! dense number once, every basket a sorted list of distinct product numbers.
//!
//! Interning happens while the caller streams line items in, so the CSV parser never
//! has to hold strings per line, and the counting passes work on plain `u32`s. A product
//! bought in several units or on several lines of one order is one item of its basket:
//! pairs are counted once per order, however many units were bought.

use std::collections::HashMap;

/// Orders with interned product ids: what mining and evaluation read.
///
/// Build one with [`OrdersBuilder`]. Product numbers are the positions in
/// [`Orders::product_ids`], in order of first appearance.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orders {
    product_ids: Vec<String>,
    order_ids: Vec<String>,
    baskets: Vec<Vec<u32>>,
}

impl Orders {
    /// Every distinct product id seen, indexed by product number.
    pub fn product_ids(&self) -> &[String] {
        &self.product_ids
    }

    /// The id of each order, in the same order as [`Orders::baskets`].
    pub fn order_ids(&self) -> &[String] {
        &self.order_ids
    }

    /// Each order's distinct product numbers, sorted ascending.
    pub fn baskets(&self) -> &[Vec<u32>] {
        &self.baskets
    }

    /// Number of orders.
    pub fn order_count(&self) -> usize {
        self.baskets.len()
    }

    /// Number of distinct products.
    pub fn product_count(&self) -> usize {
        self.product_ids.len()
    }

    /// The orders whose position satisfies `keep`, sharing this set's product numbering
    /// (so a product keeps its number even when none of the kept orders contains it).
    ///
    /// Evaluation uses it to split one history into training and test orders.
    pub fn subset(&self, mut keep: impl FnMut(usize) -> bool) -> Orders {
        let mut order_ids = Vec::new();
        let mut baskets = Vec::new();
        for (position, (order_id, basket)) in self.order_ids.iter().zip(&self.baskets).enumerate() {
            if keep(position) {
                order_ids.push(order_id.clone());
                baskets.push(basket.clone());
            }
        }
        Orders {
            product_ids: self.product_ids.clone(),
            order_ids,
            baskets,
        }
    }

    /// How many orders contain each product, indexed by product number.
    pub fn product_order_counts(&self) -> Vec<u32> {
        let mut counts = vec![0u32; self.product_ids.len()];
        for basket in &self.baskets {
            for &product in basket {
                counts[product as usize] += 1;
            }
        }
        counts
    }
}

/// Streams line items into [`Orders`], interning ids as they come.
///
/// Lines of one order need not be adjacent. Repeated `(order, product)` lines (several
/// units, or the same product on two lines) collapse into one basket item.
#[derive(Debug, Default)]
pub struct OrdersBuilder {
    product_numbers: HashMap<String, u32>,
    order_numbers: HashMap<String, u32>,
    orders: Orders,
    line_count: u64,
}

impl OrdersBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        Self::default()
    }

    /// Records that order `order_id` contains product `product_id`.
    pub fn add_line(&mut self, order_id: &str, product_id: &str) {
        let product = intern(
            &mut self.product_numbers,
            &mut self.orders.product_ids,
            product_id,
        );
        let order = intern(
            &mut self.order_numbers,
            &mut self.orders.order_ids,
            order_id,
        );
        if order as usize == self.orders.baskets.len() {
            self.orders.baskets.push(Vec::new());
        }
        self.orders.baskets[order as usize].push(product);
        self.line_count += 1;
    }

    /// Line items added so far (before duplicates within an order collapse).
    pub fn line_count(&self) -> u64 {
        self.line_count
    }

    /// Orders seen so far.
    pub fn order_count(&self) -> usize {
        self.orders.baskets.len()
    }

    /// Distinct products seen so far.
    pub fn product_count(&self) -> usize {
        self.orders.product_ids.len()
    }

    /// Sorts every basket and drops repeated products within it.
    pub fn finish(mut self) -> Orders {
        for basket in &mut self.orders.baskets {
            basket.sort_unstable();
            basket.dedup();
            // Growing by pushes left up to half of each basket spare; the orders are
            // kept for the whole evaluation or tuning.
            basket.shrink_to_fit();
        }
        self.orders
    }
}

/// The number of `id`, giving it the next free number the first time it is seen.
fn intern(numbers: &mut HashMap<String, u32>, ids: &mut Vec<String>, id: &str) -> u32 {
    if let Some(&number) = numbers.get(id) {
        return number;
    }
    let number = u32::try_from(ids.len()).expect("more than 4 billion distinct ids");
    numbers.insert(id.to_owned(), number);
    ids.push(id.to_owned());
    number
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_lines_of_one_order_collapse_into_one_item() {
        let mut builder = OrdersBuilder::new();
        for (order, product) in [
            ("o1", "b"),
            ("o1", "a"),
            ("o2", "a"),
            ("o1", "b"),
            ("o1", "a"),
        ] {
            builder.add_line(order, product);
        }
        assert_eq!(builder.line_count(), 5);
        let orders = builder.finish();
        assert_eq!(orders.product_ids(), ["b", "a"]);
        assert_eq!(orders.order_ids(), ["o1", "o2"]);
        assert_eq!(orders.baskets(), [vec![0, 1], vec![1]]);
        assert_eq!(orders.product_order_counts(), [1, 2]);
    }

    #[test]
    fn lines_of_an_order_need_not_be_adjacent() {
        let mut builder = OrdersBuilder::new();
        for (order, product) in [("o1", "a"), ("o2", "b"), ("o1", "c")] {
            builder.add_line(order, product);
        }
        let orders = builder.finish();
        assert_eq!(orders.baskets(), [vec![0, 2], vec![1]]);
    }

    #[test]
    fn subset_keeps_product_numbering() {
        let mut builder = OrdersBuilder::new();
        for (order, product) in [("o1", "a"), ("o2", "b"), ("o3", "c")] {
            builder.add_line(order, product);
        }
        let orders = builder.finish();
        let odd = orders.subset(|position| position % 2 == 1);
        assert_eq!(odd.order_ids(), ["o2"]);
        assert_eq!(odd.baskets(), [vec![1]]);
        assert_eq!(odd.product_ids(), ["a", "b", "c"]);
        assert_eq!(odd.product_order_counts(), [0, 1, 0]);
    }
}
