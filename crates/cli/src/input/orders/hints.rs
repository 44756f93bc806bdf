//! What order rows tell about each product's card when there is no catalog: the title
//! and the price written most often on its lines.

use std::collections::HashMap;

/// What the order rows say about one product's card.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProductHints {
    /// The title written most often on its lines (the first seen wins ties).
    pub title: Option<String>,
    /// The positive unit price written most often, in hundredths.
    pub price_hundredths: Option<u32>,
}

/// The tallies of every product that has been used, numbered as the sink numbers
/// products.
#[derive(Debug, Default)]
pub(super) struct HintTallies {
    /// Product numbers as the builder assigns them (first appearance among used
    /// rows), kept only when there are hints to attach to them.
    numbers: HashMap<String, u32>,
    tallies: Vec<HintTally>,
}

impl HintTallies {
    /// Counts one used line of `product`: its title cell (when the file has one) and
    /// its positive price.
    pub(super) fn add(&mut self, product: &str, title: Option<&[u8]>, price: Option<u32>) {
        let number = match self.numbers.get(product) {
            Some(&number) => number,
            None => {
                let number = self.tallies.len() as u32;
                self.numbers.insert(product.to_owned(), number);
                self.tallies.push(HintTally::default());
                number
            }
        };
        let tally = &mut self.tallies[number as usize];
        if let Some(title) = title.map(<[u8]>::trim_ascii) {
            if !title.is_empty() {
                tally.add_title(title);
            }
        }
        if let Some(price) = price {
            tally.add_price(price);
        }
    }

    /// The hints by product number; `products_seen` is the sink's count, which the
    /// numbering must match.
    pub(super) fn into_hints(self, products_seen: usize) -> Vec<ProductHints> {
        debug_assert_eq!(self.tallies.len(), products_seen);
        self.tallies
            .into_iter()
            .map(HintTally::into_hints)
            .collect()
    }
}

/// Tallies of the titles and prices seen on one product's lines.
#[derive(Debug, Default)]
struct HintTally {
    titles: Vec<(String, u32)>,
    prices: Vec<(u32, u32)>,
}

impl HintTally {
    fn add_title(&mut self, title: &[u8]) {
        match self
            .titles
            .iter_mut()
            .find(|(known, _)| known.as_bytes() == title)
        {
            Some((_, count)) => *count += 1,
            None => self
                .titles
                .push((String::from_utf8_lossy(title).into_owned(), 1)),
        }
    }

    fn add_price(&mut self, hundredths: u32) {
        match self
            .prices
            .iter_mut()
            .find(|(known, _)| *known == hundredths)
        {
            Some((_, count)) => *count += 1,
            None => self.prices.push((hundredths, 1)),
        }
    }

    fn into_hints(self) -> ProductHints {
        ProductHints {
            title: most_frequent(self.titles),
            price_hundredths: most_frequent(self.prices),
        }
    }
}

/// The value with the highest count; the earliest one among equals.
fn most_frequent<T>(tally: Vec<(T, u32)>) -> Option<T> {
    let mut best: Option<(T, u32)> = None;
    for (value, count) in tally {
        if best
            .as_ref()
            .is_none_or(|(_, best_count)| count > *best_count)
        {
            best = Some((value, count));
        }
    }
    best.map(|(value, _)| value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::input::orders::testing::read;
    use crate::input::orders::{ColumnNames, OrdersOptions};

    #[test]
    fn titles_and_prices_take_the_most_frequent_value() {
        let options = OrdersOptions {
            columns: ColumnNames {
                title: Some("description".to_owned()),
                price: Some("price".to_owned()),
                ..ColumnNames::default()
            },
            ..OrdersOptions::default()
        };
        let text = "order_id,product_id,Description,Price\n\
                    1,a, Old name ,2.50\n2,a,New name,2.50\n3,a,New name,0\n4,b,,1\n4,a,Old name,3\n";
        let history = read(text, &options).unwrap();
        let hints = history.hints.unwrap();
        assert_eq!(hints[0].title.as_deref(), Some("Old name"));
        assert_eq!(hints[0].price_hundredths, Some(250));
        assert_eq!(
            hints[1],
            ProductHints {
                title: None,
                price_hundredths: Some(100)
            }
        );
    }
}
