//! The order model: who buys what together, one order at a time, over any shop given
//! as a [`ShopShape`] (its categories, its popularity order and its planted groups).
//!
//! How an order is made (constants below; [`OrderKnobs`] for the knobs):
//!
//! 1. With probability `purposeful_share` the shopper has a purpose: a planted group is
//!    drawn (Zipf over groups, so some bundles sell far more than others), one member
//!    as the anchor, and each other member joins with probability
//!    [`MEMBER_JOINS`]; at least one partner always does.
//! 2. The basket size is a shifted geometric (mean ≈ 2.8 lines, a third of them
//!    single-item) with a tail of bulk orders (`bulk_share` of them, by default
//!    [`DEFAULT_BULK_SHARE`]; mean ≈ 20 lines), capped at [`MAX_BASKET_LINES`];
//!    purposeful orders have at least two lines. With the defaults, orders average about
//!    3.6 lines and a fifth of them are single-item.
//! 3. Remaining slots are noise by popularity: Zipf over the whole shop, or with
//!    probability [`SAME_CATEGORY_NOISE`] Zipf within the anchor's category (shoppers
//!    browse around what they came for).
//! 4. Each order has a customer (Zipf over customers: regulars order often) and
//!    quantities of mostly 1.
//!
//! Where the orders go (ids, timestamps, files) is the caller's: `alsobought generate`
//! writes them in chunks ([`super::history`]), the demo store keeps them in memory.

use super::groups::ProductGroups;
use super::random::SplitMix64;
use super::ZipfSampler;

/// Probability that each other member of a planted group joins the anchor's basket.
pub const MEMBER_JOINS: f64 = 0.7;
/// Probability that a noise item comes from the anchor's category.
pub const SAME_CATEGORY_NOISE: f64 = 0.3;
/// Default share of bulk orders, whose sizes come from the long tail.
pub const DEFAULT_BULK_SHARE: f64 = 0.04;
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

/// A shop as the order model sees it: products `0..n` numbered so that each category
/// is one run of consecutive numbers.
#[derive(Clone, Debug)]
pub struct ShopShape {
    /// Products per category, in product order: category 0 is products
    /// `0..category_sizes[0]`, category 1 the next `category_sizes[1]`, and so on; no
    /// category is empty.
    pub category_sizes: Vec<u32>,
    /// `product_of_rank[r]`: the product with popularity rank `r` (0 sells most); every
    /// product exactly once.
    pub product_of_rank: Vec<u32>,
    /// The planted groups, the most sold first.
    pub groups: ProductGroups,
}

/// How orders are drawn over a [`ShopShape`].
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct OrderKnobs {
    /// Zipf exponent of product popularity, 0 (uniform) to 3.
    pub popularity_exponent: f64,
    /// Share of orders built around a planted group, 0 to 1.
    pub purposeful_share: f64,
    /// Share of bulk orders (about 20 lines each), 0 to 1: [`DEFAULT_BULK_SHARE`] for a
    /// shop of thousands of products; 0 for a small shop, where one bulk order would
    /// hold a tenth of the catalog and pair everything with everything.
    pub bulk_share: f64,
    /// About how many orders will be drawn: sets the number of customers, so that
    /// each orders a few times on average.
    pub expected_orders: u64,
}

/// One drawn order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Basket {
    /// The customer number, from 0 (the most active).
    pub customer: u64,
    /// `(product, quantity)`, each product at most once, the anchor first.
    pub lines: Vec<(u32, u64)>,
}

/// Everything fixed before the first order: popularity, categories by popularity, the
/// planted groups and the samplers.
#[derive(Clone, Debug)]
pub struct OrderModel {
    /// `product_of_rank[r]`: the product with popularity rank `r` (0 sells most).
    product_of_rank: Vec<u32>,
    /// `category_starts[c]..category_starts[c + 1]` are category `c`'s products.
    category_starts: Vec<u32>,
    /// Products of each category (at the category's product range), best-selling first.
    category_by_rank: Vec<u32>,
    popularity: ZipfSampler,
    category_popularity: Vec<ZipfSampler>,
    groups: ProductGroups,
    /// `None` when no group is planted.
    group_popularity: Option<ZipfSampler>,
    customers: ZipfSampler,
    purposeful_share: f64,
    bulk_share: f64,
}

impl OrderModel {
    /// The model of `shop` with `knobs` (O(products) time and memory).
    ///
    /// # Panics
    /// When `shop` is inconsistent (no product, an empty category, categories that do
    /// not add up to the products, a product ranked twice, a group naming a product
    /// the shop lacks) or a knob is out of range: callers validate what users give.
    pub fn new(shop: ShopShape, knobs: &OrderKnobs) -> Self {
        let ShopShape {
            category_sizes,
            product_of_rank,
            groups,
        } = shop;
        let products = u32::try_from(product_of_rank.len()).expect("at most 4 billion products");
        assert!(products > 0, "a shop needs at least one product");
        for (name, share) in [
            ("purposeful share", knobs.purposeful_share),
            ("bulk share", knobs.bulk_share),
        ] {
            assert!(
                (0.0..=1.0).contains(&share),
                "{name} {share} is not between 0 and 1"
            );
        }
        let mut ranked = vec![false; products as usize];
        for &product in &product_of_rank {
            let slot = ranked.get_mut(product as usize);
            assert!(
                slot.as_ref().is_some_and(|seen| !**seen),
                "product {product} is ranked twice or is not one of the {products} products"
            );
            *slot.expect("checked") = true;
        }
        assert!(
            groups
                .largest_product()
                .is_none_or(|largest| largest < products),
            "a planted group names a product beyond the {products} products"
        );

        let mut category_starts = Vec::with_capacity(category_sizes.len() + 1);
        category_starts.push(0u32);
        for &size in &category_sizes {
            assert!(size > 0, "category {} is empty", category_starts.len() - 1);
            category_starts.push(category_starts.last().expect("starts at 0") + size);
        }
        assert_eq!(
            category_starts.last(),
            Some(&products),
            "the categories hold other than the {products} products"
        );

        let mut category_by_rank = vec![0u32; products as usize];
        let mut filled: Vec<u32> = category_starts[..category_sizes.len()].to_vec();
        for &product in &product_of_rank {
            let category = category_of(&category_starts, product);
            let slot = &mut filled[category as usize];
            category_by_rank[*slot as usize] = product;
            *slot += 1;
        }
        let category_popularity = category_sizes
            .iter()
            .map(|&size| ZipfSampler::new(u64::from(size), knobs.popularity_exponent))
            .collect();

        Self {
            product_of_rank,
            category_starts,
            category_by_rank,
            popularity: ZipfSampler::new(u64::from(products), knobs.popularity_exponent),
            category_popularity,
            group_popularity: (!groups.is_empty())
                .then(|| ZipfSampler::new(groups.len() as u64, GROUP_POPULARITY_EXPONENT)),
            groups,
            customers: ZipfSampler::new(
                (knobs.expected_orders / ORDERS_PER_CUSTOMER).max(1),
                CUSTOMER_EXPONENT,
            ),
            purposeful_share: knobs.purposeful_share,
            bulk_share: knobs.bulk_share,
        }
    }

    /// The product with popularity rank `rank` (0 sells most).
    pub fn product_of_rank(&self, rank: u32) -> u32 {
        self.product_of_rank[rank as usize]
    }

    /// The planted groups, the most sold first.
    pub fn groups(&self) -> &ProductGroups {
        &self.groups
    }

    /// Draws one order of 1 to `max_lines` lines (fewer only when the shop is too small
    /// to find that many distinct products) into `basket`.
    pub fn draw_order(&self, random: &mut SplitMix64, max_lines: u64, basket: &mut Basket) {
        let group = self
            .group_popularity
            .filter(|_| random.chance(self.purposeful_share))
            .map(|sampler| sampler.sample(random) as usize);
        let mut size = basket_size(self.bulk_share, random);
        if group.is_some() {
            size = size.max(2);
        }
        let size = size.min(max_lines.max(1)) as usize;
        self.fill_basket(group, size, &mut basket.lines, random);
        basket.customer = self.customers.sample(random);
        for (_, quantity) in &mut basket.lines {
            *quantity = draw_quantity(random);
        }
    }

    /// Fills `lines` with up to `size` distinct products (fewer only when the shop is
    /// too small to find them), quantities left at 0.
    fn fill_basket(
        &self,
        group: Option<usize>,
        size: usize,
        lines: &mut Vec<(u32, u64)>,
        random: &mut SplitMix64,
    ) {
        lines.clear();
        if let Some(group) = group {
            let members = self.groups.group(group);
            let anchor = random.below(members.len());
            lines.push((members[anchor], 0));
            for step in 1..members.len() {
                if lines.len() >= size {
                    break;
                }
                if random.chance(MEMBER_JOINS) {
                    lines.push((members[(anchor + step) % members.len()], 0));
                }
            }
            if lines.len() == 1 && size >= 2 {
                let partner = 1 + random.below(members.len() - 1);
                lines.push((members[(anchor + partner) % members.len()], 0));
            }
        }
        if lines.is_empty() {
            lines.push((self.popular_product(random), 0));
        }
        let anchor_category = category_of(&self.category_starts, lines[0].0);
        // Bounded attempts: a tiny shop may not have `size` distinct products.
        let mut attempts = 0;
        while lines.len() < size && attempts < size * 10 {
            attempts += 1;
            let product = if random.chance(SAME_CATEGORY_NOISE) {
                self.popular_in_category(anchor_category, random)
            } else {
                self.popular_product(random)
            };
            if !lines.iter().any(|&(chosen, _)| chosen == product) {
                lines.push((product, 0));
            }
        }
    }

    fn popular_product(&self, random: &mut SplitMix64) -> u32 {
        self.product_of_rank[self.popularity.sample(random) as usize]
    }

    fn popular_in_category(&self, category: u32, random: &mut SplitMix64) -> u32 {
        let start = self.category_starts[category as usize] as usize;
        let rank = self.category_popularity[category as usize].sample(random) as usize;
        self.category_by_rank[start + rank]
    }
}

/// The category whose run of `starts` holds `product`.
fn category_of(starts: &[u32], product: u32) -> u32 {
    (starts.partition_point(|&start| start <= product) - 1) as u32
}

/// Lines of one order before the caps: a shifted geometric, or one from the bulk tail.
fn basket_size(bulk_share: f64, random: &mut SplitMix64) -> u64 {
    let mean_extra = if random.chance(bulk_share) {
        BULK_MEAN_EXTRA_LINES
    } else {
        ORDINARY_MEAN_EXTRA_LINES
    };
    (1 + random.geometric(mean_extra)).min(MAX_BASKET_LINES)
}

/// Mostly one unit; some twos; a few packs of 3–6.
fn draw_quantity(random: &mut SplitMix64) -> u64 {
    let roll = random.below(100);
    match roll {
        0..85 => 1,
        85..95 => 2,
        _ => 3 + random.below(4) as u64,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ten products in categories of 3, 5 and 2, ranked in reverse, `groups` planted.
    fn small_shop(groups: ProductGroups) -> ShopShape {
        ShopShape {
            category_sizes: vec![3, 5, 2],
            product_of_rank: (0..10).rev().collect(),
            groups,
        }
    }

    const KNOBS: OrderKnobs = OrderKnobs {
        popularity_exponent: 1.0,
        purposeful_share: 1.0,
        bulk_share: DEFAULT_BULK_SHARE,
        expected_orders: 300,
    };

    #[test]
    fn categories_of_uneven_runs_are_found() {
        let starts = [0, 3, 8, 10];
        let categories: Vec<u32> = (0..10)
            .map(|product| category_of(&starts, product))
            .collect();
        assert_eq!(categories, [0, 0, 0, 1, 1, 1, 1, 1, 2, 2]);
    }

    #[test]
    fn given_groups_anchor_every_purposeful_order_within_the_line_cap() {
        let mut groups = ProductGroups::new();
        groups.push(&[1, 6, 9]);
        groups.push(&[6, 2]);
        let model = OrderModel::new(small_shop(groups), &KNOBS);
        let mut random = SplitMix64::new(3);
        let mut basket = Basket::default();
        for _ in 0..500 {
            model.draw_order(&mut random, 3, &mut basket);
            assert!((2..=3).contains(&basket.lines.len()), "{basket:?}");
            let (anchor, _) = basket.lines[0];
            let (partner, _) = basket.lines[1];
            assert!(
                model
                    .groups()
                    .iter()
                    .any(|members| members.contains(&anchor) && members.contains(&partner)),
                "{basket:?}"
            );
            assert!(basket.customer < 100);
            assert!(basket
                .lines
                .iter()
                .all(|&(_, quantity)| (1..=6).contains(&quantity)));
        }
    }

    #[test]
    fn noise_stays_among_the_shops_products_and_the_best_seller_leads() {
        let mut knobs = KNOBS;
        knobs.purposeful_share = 0.0;
        let model = OrderModel::new(small_shop(ProductGroups::new()), &knobs);
        let mut random = SplitMix64::new(8);
        let mut basket = Basket::default();
        let mut sales = [0u32; 10];
        for _ in 0..2000 {
            model.draw_order(&mut random, MAX_BASKET_LINES, &mut basket);
            for &(product, _) in &basket.lines {
                sales[product as usize] += 1;
            }
        }
        let best = (0..10).max_by_key(|&product| sales[product]).unwrap();
        assert_eq!(best, 9, "rank 0 is product 9: {sales:?}");
    }

    #[test]
    #[should_panic(expected = "ranked twice")]
    fn a_product_ranked_twice_is_refused() {
        let mut shop = small_shop(ProductGroups::new());
        shop.product_of_rank[0] = 3;
        OrderModel::new(shop, &KNOBS);
    }

    #[test]
    #[should_panic(expected = "categories hold other than")]
    fn categories_that_miss_products_are_refused() {
        let mut shop = small_shop(ProductGroups::new());
        shop.category_sizes.pop();
        OrderModel::new(shop, &KNOBS);
    }
}
