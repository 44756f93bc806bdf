//! Synthetic shops of any size, from a demo store to a million products and 100M order
//! lines: a catalog, an order history, and the complementary groups planted in it, so
//! that what a miner finds can be checked against a known truth.
//!
//! Why it exists: real order histories large enough to test scale are not ours to
//! ship, and real ones have no answer key. A synthetic shop has both: `alsobought
//! generate` writes it, `alsobought build` mines it, and `alsobought evaluate --truth`
//! measures how many planted partners the table suggests.
//!
//! Everything comes from one seed through [`SplitMix64`] (no clock, hash-map order or
//! thread schedule reaches the output), so the same options give byte-identical files.
//! Memory is bounded by the catalog size (about 12 bytes per product), never by the
//! number of orders: orders are made and written chunk by chunk, chunks in parallel.
//!
//! | file | content |
//! |---|---|
//! | catalog | `id,title,price,currency,url,image,category,available,rating` ([`catalog`]) |
//! | orders | `order_id,product_id,quantity,customer_id,created_at`, one row per line item ([`orders`], [`history`]) |
//! | groups | `group_id,product_id`: the planted complementary groups, most sold first ([`groups`]) |
//!
//! The order model is open to shops with a catalog and groups of their own: the demo
//! store hands its themed catalog and bundles to [`OrderModel::new`] as a [`ShopShape`]
//! and draws its orders with [`OrderModel::draw_order`] (and its catalog from the same
//! [`SplitMix64`]), so there is one order model to trust.

pub mod catalog;
pub mod groups;
pub mod history;
pub mod orders;
mod random;
mod text;
mod zipf;

pub use catalog::CatalogModel;
pub use groups::{ProductGroups, MAX_GROUP_SIZE};
pub use history::{push_order_time, OrdersSummary, ORDERS_HEADER};
pub use orders::{Basket, OrderKnobs, OrderModel, ShopShape, DEFAULT_BULK_SHARE, MAX_BASKET_LINES};
pub use random::SplitMix64;
pub use zipf::ZipfSampler;

use std::io::{self, Write};

use rayon::prelude::*;

use alsobought_core::format::MAX_PRODUCTS as MAX_TABLE_PRODUCTS;
use history::ChunkedHistory;

/// The most products a synthetic shop may have: as many as one table holds.
pub const MAX_PRODUCTS: u32 = MAX_TABLE_PRODUCTS as u32;

/// Line items per independently seeded chunk. Part of what fixes the output: the same
/// options with another chunk length give other (equally valid) orders.
pub const DEFAULT_LINES_PER_CHUNK: u64 = 1 << 18;
/// Default Zipf exponent of product popularity: the best seller of a million products is
/// in about 5 % of orders.
pub const DEFAULT_POPULARITY_EXPONENT: f64 = 0.8;
/// Default share of orders built around a planted group.
pub const DEFAULT_PURPOSEFUL_SHARE: f64 = 0.4;

/// What to generate. [`SyntheticOptions::new`] fills in the defaults.
#[derive(Clone, Debug, PartialEq)]
pub struct SyntheticOptions {
    /// Seed of all randomness.
    pub seed: u64,
    /// Products in the catalog, 1 to [`MAX_PRODUCTS`] (a table's limit).
    pub products: u32,
    /// Line items in the order history (CSV rows).
    pub lines: u64,
    /// Complementary groups to plant, each of 2 to [`MAX_GROUP_SIZE`] products; at most
    /// `products / MAX_GROUP_SIZE`. Default `products / 10`.
    pub groups: u32,
    /// Categories, 1 to `products`. Default about `sqrt(products) / 2`, at most 2,000.
    pub categories: u32,
    /// Zipf exponent of product popularity, 0 (uniform) to 3; default
    /// [`DEFAULT_POPULARITY_EXPONENT`].
    pub popularity_exponent: f64,
    /// Share of orders built around a planted group, 0 to 1; default
    /// [`DEFAULT_PURPOSEFUL_SHARE`].
    pub purposeful_share: f64,
    /// Share of bulk orders (about 20 lines each), 0 to 1; default
    /// [`DEFAULT_BULK_SHARE`]. High for a grocery-like shop of long baskets.
    pub bulk_share: f64,
    /// ISO 4217 code of every price. Default `EUR`.
    pub currency: String,
    /// Line items per chunk; see [`DEFAULT_LINES_PER_CHUNK`]. Tests lower it to make
    /// many chunks of a small history.
    pub lines_per_chunk: u64,
}

impl SyntheticOptions {
    /// `products` products and `lines` line items from `seed`, everything else default.
    pub fn new(products: u32, lines: u64, seed: u64) -> Self {
        Self {
            seed,
            products,
            lines,
            groups: default_group_count(products),
            categories: default_category_count(products),
            popularity_exponent: DEFAULT_POPULARITY_EXPONENT,
            purposeful_share: DEFAULT_PURPOSEFUL_SHARE,
            bulk_share: DEFAULT_BULK_SHARE,
            currency: "EUR".to_owned(),
            lines_per_chunk: DEFAULT_LINES_PER_CHUNK,
        }
    }

    /// Checks every field; the error says which one and what would be accepted.
    pub fn validate(&self) -> Result<(), SyntheticError> {
        let invalid = |field: &'static str, value: String, accepted: String| {
            Err(SyntheticError::Invalid {
                field,
                value,
                accepted,
            })
        };
        if self.products == 0 || self.products > MAX_PRODUCTS {
            return invalid(
                "products",
                self.products.to_string(),
                format!("1 to {MAX_PRODUCTS} (the most one table holds)"),
            );
        }
        if self.groups > self.products / MAX_GROUP_SIZE {
            return invalid(
                "groups",
                self.groups.to_string(),
                format!(
                    "0 to {} for {} products (each group needs up to {MAX_GROUP_SIZE} products of its own)",
                    self.products / MAX_GROUP_SIZE,
                    self.products
                ),
            );
        }
        if self.categories == 0 || self.categories > self.products {
            return invalid(
                "categories",
                self.categories.to_string(),
                format!("1 to {} (no more categories than products)", self.products),
            );
        }
        if !(0.0..=3.0).contains(&self.popularity_exponent) {
            return invalid(
                "popularity exponent",
                self.popularity_exponent.to_string(),
                "0 (uniform) to 3 (real shops: 0.6 to 1.0)".to_owned(),
            );
        }
        if !(0.0..=1.0).contains(&self.purposeful_share) {
            return invalid(
                "purposeful share",
                self.purposeful_share.to_string(),
                "0 to 1".to_owned(),
            );
        }
        if !(0.0..=1.0).contains(&self.bulk_share) {
            return invalid(
                "bulk share",
                self.bulk_share.to_string(),
                "0 to 1".to_owned(),
            );
        }
        let currency = self.currency.as_bytes();
        if currency.len() != 3 || !currency.iter().all(u8::is_ascii_uppercase) {
            return invalid(
                "currency",
                format!("{:?}", self.currency),
                "three upper-case letters (ISO 4217, such as EUR)".to_owned(),
            );
        }
        if self.lines_per_chunk == 0 {
            return invalid("lines per chunk", "0".to_owned(), "at least 1".to_owned());
        }
        Ok(())
    }
}

/// The default number of planted groups: one per ten products (so that about a quarter
/// of the products have planted partners).
pub fn default_group_count(products: u32) -> u32 {
    (products / 10).min(products / MAX_GROUP_SIZE)
}

/// The default number of categories: about `sqrt(products) / 2`, 1 to 2,000.
pub fn default_category_count(products: u32) -> u32 {
    ((f64::from(products).sqrt() / 2.0).round() as u32).clamp(1, 2000.min(products.max(1)))
}

/// Why a synthetic shop cannot be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SyntheticError {
    /// An option is out of range.
    #[error("{field} {value} is out of range: use {accepted}")]
    Invalid {
        /// Which option.
        field: &'static str,
        /// The value given.
        value: String,
        /// What would be accepted.
        accepted: String,
    },
}

/// A synthetic shop ready to be written: the catalog model, popularity and the planted
/// groups. Orders are only made while writing.
#[derive(Clone, Debug)]
pub struct SyntheticShop {
    options: SyntheticOptions,
    catalog: CatalogModel,
    model: OrderModel,
    history: ChunkedHistory,
}

impl SyntheticShop {
    /// Validates `options` and draws the shop's fixed parts (O(products) time and memory).
    pub fn new(options: &SyntheticOptions) -> Result<Self, SyntheticError> {
        options.validate()?;
        let mut random = SplitMix64::new(options.seed);
        let catalog = CatalogModel::new(
            options.products,
            options.categories,
            random.fork("catalog").next_u64(),
            &options.currency,
        );
        let mut random = random.fork("orders");
        let mut product_of_rank: Vec<u32> = (0..options.products).collect();
        random.fork("popularity").shuffle(&mut product_of_rank);
        let groups =
            ProductGroups::random(options.products, options.groups, &mut random.fork("groups"));
        let model = OrderModel::new(
            ShopShape {
                category_sizes: (0..options.categories)
                    .map(|category| catalog.category_range(category).len() as u32)
                    .collect(),
                product_of_rank,
                groups,
            },
            &OrderKnobs {
                popularity_exponent: options.popularity_exponent,
                purposeful_share: options.purposeful_share,
                bulk_share: options.bulk_share,
                expected_orders: (options.lines / 4).max(1),
            },
        );
        let history = ChunkedHistory {
            seed: random.next_u64(),
            total_lines: options.lines,
            lines_per_chunk: options.lines_per_chunk,
        };
        Ok(Self {
            options: options.clone(),
            catalog,
            model,
            history,
        })
    }

    /// The options the shop was made with.
    pub fn options(&self) -> &SyntheticOptions {
        &self.options
    }

    /// The catalog (ids, categories).
    pub fn catalog(&self) -> &CatalogModel {
        &self.catalog
    }

    /// The product with popularity rank `rank` (0 sells most), `rank` < products.
    pub fn product_of_rank(&self, rank: u32) -> u32 {
        self.model.product_of_rank(rank)
    }

    /// The planted groups (product numbers), the most sold group first.
    pub fn groups(&self) -> impl ExactSizeIterator<Item = &[u32]> + '_ {
        self.model.groups().iter()
    }

    /// Writes the catalog CSV (header and one row per product); returns the bytes written.
    pub fn write_catalog(&self, out: &mut impl Write) -> io::Result<u64> {
        let mut header = Vec::new();
        CatalogModel::push_header(&mut header);
        write_rows(
            out,
            &header,
            0..self.catalog.products(),
            |buffer, product| {
                self.catalog.push_row(buffer, product);
            },
        )
    }

    /// Writes the planted groups as CSV: `group_id,product_id`, one row per member,
    /// groups numbered from 1 in order of popularity. Returns the bytes written.
    pub fn write_groups(&self, out: &mut impl Write) -> io::Result<u64> {
        let header = b"group_id,product_id\n";
        write_rows(
            out,
            header,
            self.groups().enumerate(),
            |buffer, (group, members)| {
                for &product in members {
                    text::push_decimal(buffer, group as u64 + 1);
                    buffer.push(b',');
                    self.catalog.push_id(buffer, product);
                    buffer.push(b'\n');
                }
            },
        )
    }

    /// Number of chunks the order history is made in.
    pub fn chunk_count(&self) -> u64 {
        self.history.chunk_count()
    }

    /// Appends chunk `chunk`'s order lines (no header) to `buffer`. Chunks are
    /// independent: the orders file is the header, then chunks 0, 1, ... in order.
    pub fn write_order_chunk(&self, chunk: u64, buffer: &mut Vec<u8>) -> OrdersSummary {
        self.history
            .write_chunk(&self.model, &self.catalog, chunk, buffer)
    }

    /// Writes the orders CSV (header, then every chunk in order), making chunks in
    /// parallel on rayon's pool while the previous batch is written, with at most two
    /// batches of two chunks per thread in memory. `progress` gets the line items
    /// written so far after each batch.
    pub fn write_orders<W: Write + Send>(
        &self,
        out: &mut W,
        mut progress: impl FnMut(u64),
    ) -> io::Result<OrdersSummary> {
        out.write_all(ORDERS_HEADER)?;
        let mut summary = OrdersSummary {
            bytes: ORDERS_HEADER.len() as u64,
            ..OrdersSummary::default()
        };
        let batch = 2 * rayon::current_num_threads().max(1) as u64;
        let chunks = self.chunk_count();
        let estimated_bytes = (self.options.lines_per_chunk.min(self.options.lines) * 56) as usize;
        let make = |range: std::ops::Range<u64>| -> Vec<(Vec<u8>, OrdersSummary)> {
            range
                .into_par_iter()
                .map(|chunk| {
                    let mut buffer = Vec::with_capacity(estimated_bytes);
                    let counts = self.write_order_chunk(chunk, &mut buffer);
                    (buffer, counts)
                })
                .collect()
        };
        let mut ready = make(0..batch.min(chunks));
        let mut next = batch.min(chunks);
        while !ready.is_empty() {
            let upcoming = next..(next + batch).min(chunks);
            next = upcoming.end;
            let (written, made) = rayon::join(
                || -> io::Result<()> {
                    for (buffer, _) in &ready {
                        out.write_all(buffer)?;
                    }
                    Ok(())
                },
                || make(upcoming),
            );
            written?;
            for (_, counts) in &ready {
                summary = summary + *counts;
            }
            progress(summary.lines);
            ready = made;
        }
        Ok(summary)
    }
}

/// Writes `header`, then what `push_rows` appends for each of `items`, through a 64 KB
/// buffer (a million rows in a few hundred writes); returns the bytes written.
fn write_rows<T>(
    out: &mut impl Write,
    header: &[u8],
    items: impl IntoIterator<Item = T>,
    mut push_rows: impl FnMut(&mut Vec<u8>, T),
) -> io::Result<u64> {
    let mut buffer = Vec::with_capacity(1 << 16);
    buffer.extend_from_slice(header);
    let mut written = 0;
    for item in items {
        push_rows(&mut buffer, item);
        if buffer.len() >= 1 << 16 {
            out.write_all(&buffer)?;
            written += buffer.len() as u64;
            buffer.clear();
        }
    }
    out.write_all(&buffer)?;
    Ok(written + buffer.len() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_fit_every_size() {
        for products in [1, 2, 7, 300, 1_000_000, MAX_PRODUCTS] {
            let options = SyntheticOptions::new(products, 1000, 1);
            assert_eq!(options.validate(), Ok(()), "{products} products");
        }
        assert_eq!(default_category_count(1_000_000), 500);
        assert_eq!(default_group_count(1_000_000), 100_000);
    }

    #[test]
    fn out_of_range_options_name_the_field_and_the_range() {
        let mut options = SyntheticOptions::new(100, 1000, 1);
        options.groups = 26;
        let message = options.validate().unwrap_err().to_string();
        assert!(
            message.contains("groups 26") && message.contains("0 to 25"),
            "{message}"
        );
        let mut options = SyntheticOptions::new(100, 1000, 1);
        options.currency = "eur".into();
        assert!(options
            .validate()
            .unwrap_err()
            .to_string()
            .contains("currency"));
        assert!(SyntheticOptions::new(0, 10, 1).validate().is_err());
        assert!(SyntheticOptions::new(MAX_PRODUCTS + 1, 10, 1)
            .validate()
            .is_err());
    }
}
