//! The synthetic order history: who buys what together, written as CSV line items
//! chunk by chunk.
//!
//! How an order is made (constants below; [`super::SyntheticOptions`] for the knobs):
//!
//! 1. With probability `purposeful_share` the shopper has a purpose: a planted group is
//!    drawn (Zipf over groups, so some bundles sell far more than others), one member
//!    as the anchor, and each other member joins with probability
//!    [`MEMBER_JOINS`]; at least one partner always does.
//! 2. The basket size is a shifted geometric (mean ≈ 2.8 lines, a third of them
//!    single-item) with a tail of bulk orders ([`BULK_SHARE`], mean ≈ 20 lines), capped
//!    at [`MAX_BASKET_LINES`]; purposeful orders have at least two lines. With the
//!    defaults, orders average about 3.6 lines and a fifth of them are single-item.
//! 3. Remaining slots are noise by popularity: Zipf over the whole shop, or with
//!    probability [`SAME_CATEGORY_NOISE`] Zipf within the anchor's category (shoppers
//!    browse around what they came for).
//! 4. Each order has a customer (Zipf over customers: regulars order often), a
//!    timestamp that runs through the year with the order's position, and quantities
//!    of mostly 1.
//!
//! Determinism without a global sequence: the history is cut into chunks of a fixed
//! number of lines, each drawn from its own [`SplitMix64::stream`]; an order never
//! straddles chunks (the last order of a chunk is cut to fit), and an order's id is
//! the number of its first line. So chunks are independent and can be made in any
//! order on any number of threads with the same bytes as a result.

use super::catalog::CatalogModel;
use super::random::SplitMix64;
use super::text::{push_decimal, push_timestamp, SECONDS_PER_YEAR};
use super::ZipfSampler;

/// Probability that each other member of a planted group joins the anchor's basket.
pub const MEMBER_JOINS: f64 = 0.7;
/// Probability that a noise item comes from the anchor's category.
pub const SAME_CATEGORY_NOISE: f64 = 0.3;
/// Share of bulk orders, whose sizes come from the long tail.
pub const BULK_SHARE: f64 = 0.04;
/// Mean extra lines (beyond the first) of an ordinary order.
const ORDINARY_MEAN_EXTRA_LINES: f64 = 1.8;
/// Mean extra lines of a bulk order.
const BULK_MEAN_EXTRA_LINES: f64 = 19.0;
/// No order has more lines than this.
pub const MAX_BASKET_LINES: u64 = 100;
/// Zipf exponent of group popularity.
const GROUP_POPULARITY_EXPONENT: f64 = 0.6;
/// Zipf exponent of customer activity.
const CUSTOMER_EXPONENT: f64 = 0.7;
/// Orders per customer on average (sets the number of customers).
const ORDERS_PER_CUSTOMER: u64 = 3;
/// The year the timestamps run through.
const YEAR: u64 = 2025;

/// The CSV header of the orders file, newline included.
pub const ORDERS_HEADER: &[u8] = b"order_id,product_id,quantity,customer_id,created_at\n";

/// Counts of what a run or a chunk wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrdersSummary {
    /// Orders written.
    pub orders: u64,
    /// Line items written (CSV rows, header excluded).
    pub lines: u64,
    /// Bytes written, the header included when there was one.
    pub bytes: u64,
}

impl std::ops::Add for OrdersSummary {
    type Output = OrdersSummary;

    fn add(self, other: OrdersSummary) -> OrdersSummary {
        OrdersSummary {
            orders: self.orders + other.orders,
            lines: self.lines + other.lines,
            bytes: self.bytes + other.bytes,
        }
    }
}

/// Everything drawn once before the orders: popularity, categories by popularity,
/// the planted groups and the samplers.
#[derive(Clone, Debug)]
pub struct OrderModel {
    /// `product_of_rank[r]`: the product with popularity rank `r` (0 sells most).
    product_of_rank: Vec<u32>,
    /// Products of each category (at the category's product range), best-selling first.
    category_by_rank: Vec<u32>,
    popularity: ZipfSampler,
    category_popularity: Vec<ZipfSampler>,
    /// Group `g`'s members are `group_members[group_starts[g]..group_starts[g + 1]]`.
    group_starts: Vec<u32>,
    group_members: Vec<u32>,
    /// `None` when no group is planted.
    group_popularity: Option<ZipfSampler>,
    customers: ZipfSampler,
    purposeful_share: f64,
    seed: u64,
    total_lines: u64,
    lines_per_chunk: u64,
}

/// Relative frequency of group sizes 2, 3 and 4.
const GROUP_SIZE_WEIGHTS: [u64; 3] = [5, 3, 2];
/// The largest planted group.
pub const MAX_GROUP_SIZE: u32 = 4;

/// The model's inputs, validated by the caller.
pub struct ModelInputs<'a> {
    /// The catalog the orders are over.
    pub catalog: &'a CatalogModel,
    /// Groups to plant (each needs up to [`MAX_GROUP_SIZE`] distinct products).
    pub groups: u32,
    /// Zipf exponent of product popularity.
    pub popularity_exponent: f64,
    /// Share of orders built around a planted group.
    pub purposeful_share: f64,
    /// Line items in the whole history.
    pub total_lines: u64,
    /// Line items per independently seeded chunk.
    pub lines_per_chunk: u64,
}

impl OrderModel {
    /// Draws popularity ranks and groups from `random`.
    pub fn new(inputs: &ModelInputs<'_>, random: &mut SplitMix64) -> Self {
        let catalog = inputs.catalog;
        let products = catalog.products();
        let mut product_of_rank: Vec<u32> = (0..products).collect();
        random.fork("popularity").shuffle(&mut product_of_rank);

        let mut category_by_rank = vec![0u32; products as usize];
        let mut filled: Vec<u32> = (0..catalog.categories())
            .map(|category| catalog.category_range(category).start)
            .collect();
        for &product in &product_of_rank {
            let slot = &mut filled[catalog.category_of(product) as usize];
            category_by_rank[*slot as usize] = product;
            *slot += 1;
        }
        let category_popularity = (0..catalog.categories())
            .map(|category| {
                let length = catalog.category_range(category).len() as u64;
                ZipfSampler::new(length, inputs.popularity_exponent)
            })
            .collect();

        let mut members: Vec<u32> = (0..products).collect();
        let mut group_random = random.fork("groups");
        group_random.shuffle(&mut members);
        let mut group_starts = Vec::with_capacity(inputs.groups as usize + 1);
        let mut next = 0u32;
        group_starts.push(0);
        let weight_total: u64 = GROUP_SIZE_WEIGHTS.iter().sum();
        for _ in 0..inputs.groups {
            let mut roll = group_random.below(weight_total as usize) as u64;
            let mut size = 2;
            for &weight in &GROUP_SIZE_WEIGHTS {
                if roll < weight {
                    break;
                }
                roll -= weight;
                size += 1;
            }
            next += size;
            group_starts.push(next);
        }
        members.truncate(next as usize);

        let orders_estimate = (inputs.total_lines / 4).max(1);
        Self {
            product_of_rank,
            category_by_rank,
            popularity: ZipfSampler::new(u64::from(products), inputs.popularity_exponent),
            category_popularity,
            group_starts,
            group_members: members,
            group_popularity: (inputs.groups > 0)
                .then(|| ZipfSampler::new(u64::from(inputs.groups), GROUP_POPULARITY_EXPONENT)),
            customers: ZipfSampler::new(
                (orders_estimate / ORDERS_PER_CUSTOMER).max(1),
                CUSTOMER_EXPONENT,
            ),
            purposeful_share: inputs.purposeful_share,
            seed: random.next_u64(),
            total_lines: inputs.total_lines,
            lines_per_chunk: inputs.lines_per_chunk.max(1),
        }
    }

    /// The product with popularity rank `rank` (0 sells most).
    pub fn product_of_rank(&self, rank: u32) -> u32 {
        self.product_of_rank[rank as usize]
    }

    /// Number of planted groups.
    pub fn group_count(&self) -> usize {
        self.group_starts.len() - 1
    }

    /// The members of group `group` (product numbers); group 0 sells most.
    pub fn group(&self, group: usize) -> &[u32] {
        let start = self.group_starts[group] as usize;
        let end = self.group_starts[group + 1] as usize;
        &self.group_members[start..end]
    }

    /// Number of chunks the history is made in.
    pub fn chunk_count(&self) -> u64 {
        self.total_lines.div_ceil(self.lines_per_chunk)
    }

    /// Appends chunk `chunk`'s CSV lines to `buffer` and returns what it wrote.
    pub fn write_chunk(
        &self,
        catalog: &CatalogModel,
        chunk: u64,
        buffer: &mut Vec<u8>,
    ) -> OrdersSummary {
        let first_line = chunk * self.lines_per_chunk;
        let end = (first_line + self.lines_per_chunk).min(self.total_lines);
        let before = buffer.len();
        let mut random = SplitMix64::stream(self.seed, chunk);
        let mut basket: Vec<u32> = Vec::with_capacity(MAX_BASKET_LINES as usize);
        let mut order_prefix: Vec<u8> = Vec::with_capacity(24);
        let mut order_suffix: Vec<u8> = Vec::with_capacity(40);
        let mut line = first_line.min(end);
        let mut orders = 0;
        while line < end {
            let group = self
                .group_popularity
                .filter(|_| random.chance(self.purposeful_share))
                .map(|sampler| sampler.sample(&mut random) as usize);
            let mut size = basket_size(&mut random);
            if group.is_some() {
                size = size.max(2);
            }
            let size = size.min(end - line) as usize;
            self.fill_basket(catalog, group, size, &mut basket, &mut random);

            order_prefix.clear();
            order_prefix.push(b'O');
            push_decimal(&mut order_prefix, line + 1);
            order_prefix.push(b',');
            order_suffix.clear();
            order_suffix.extend_from_slice(b",C");
            push_decimal(&mut order_suffix, self.customers.sample(&mut random) + 1);
            order_suffix.push(b',');
            let second = (u128::from(line) * u128::from(SECONDS_PER_YEAR)
                / u128::from(self.total_lines)) as u64;
            push_timestamp(&mut order_suffix, YEAR, second);
            order_suffix.push(b'\n');

            for &product in &basket {
                buffer.extend_from_slice(&order_prefix);
                catalog.push_id(buffer, product);
                buffer.push(b',');
                push_decimal(buffer, quantity(&mut random));
                buffer.extend_from_slice(&order_suffix);
            }
            line += basket.len() as u64;
            orders += 1;
        }
        OrdersSummary {
            orders,
            lines: line - first_line.min(end),
            bytes: (buffer.len() - before) as u64,
        }
    }

    /// Fills `basket` with up to `size` distinct products (fewer only when the catalog
    /// is too small to find them).
    fn fill_basket(
        &self,
        catalog: &CatalogModel,
        group: Option<usize>,
        size: usize,
        basket: &mut Vec<u32>,
        random: &mut SplitMix64,
    ) {
        basket.clear();
        if let Some(group) = group {
            let members = self.group(group);
            let anchor = random.below(members.len());
            basket.push(members[anchor]);
            for step in 1..members.len() {
                if basket.len() >= size {
                    break;
                }
                if random.chance(MEMBER_JOINS) {
                    basket.push(members[(anchor + step) % members.len()]);
                }
            }
            if basket.len() == 1 && size >= 2 {
                let partner = 1 + random.below(members.len() - 1);
                basket.push(members[(anchor + partner) % members.len()]);
            }
        }
        if basket.is_empty() {
            basket.push(self.popular_product(random));
        }
        let anchor_category = catalog.category_of(basket[0]);
        // Bounded attempts: a tiny catalog may not have `size` distinct products.
        let mut attempts = 0;
        while basket.len() < size && attempts < size * 10 {
            attempts += 1;
            let product = if random.chance(SAME_CATEGORY_NOISE) {
                self.popular_in_category(catalog, anchor_category, random)
            } else {
                self.popular_product(random)
            };
            if !basket.contains(&product) {
                basket.push(product);
            }
        }
    }

    fn popular_product(&self, random: &mut SplitMix64) -> u32 {
        self.product_of_rank[self.popularity.sample(random) as usize]
    }

    fn popular_in_category(
        &self,
        catalog: &CatalogModel,
        category: u32,
        random: &mut SplitMix64,
    ) -> u32 {
        let start = catalog.category_range(category).start as usize;
        let rank = self.category_popularity[category as usize].sample(random) as usize;
        self.category_by_rank[start + rank]
    }
}

/// Lines of one order before the caps: a shifted geometric, or one from the bulk tail.
fn basket_size(random: &mut SplitMix64) -> u64 {
    let mean_extra = if random.chance(BULK_SHARE) {
        BULK_MEAN_EXTRA_LINES
    } else {
        ORDINARY_MEAN_EXTRA_LINES
    };
    (1 + random.geometric(mean_extra)).min(MAX_BASKET_LINES)
}

/// Mostly one unit; some twos; a few packs of 3–6.
fn quantity(random: &mut SplitMix64) -> u64 {
    let roll = random.below(100);
    match roll {
        0..85 => 1,
        85..95 => 2,
        _ => 3 + random.below(4) as u64,
    }
}
