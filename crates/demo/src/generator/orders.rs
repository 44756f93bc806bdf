//! The demo order history: baskets with the co-purchase structure a recommender should
//! find, the popularity skew real shops have, and enough noise that finding it is work.
//!
//! How an order is made:
//!
//! 1. A basket size is drawn from 1..=8 (most baskets are small: 1 item in about a
//!    quarter of orders, 8 in 2 %).
//! 2. In 70 % of orders the shopper has a purpose: a complementary group is drawn
//!    ([`COMPLEMENT_GROUPS`], Zipf-weighted in a seeded order), an anchor product of the
//!    group by popularity, then each other type of the group joins with probability 0.6.
//!    For each joining type, 65 % of the time the shopper takes the anchor's "matching"
//!    variant (a fixed pick per anchor and type, so specific product pairs recur, like a
//!    dripper and the filter size that fits it), otherwise a variant by popularity.
//! 3. Remaining slots are noise: a product from the anchor's category (35 %) or from the
//!    whole shop, by a flatter popularity (`1 / rank^0.5`): impulse buys spread wider.
//! 4. Popularity is Zipf-like (weight `1 / rank^0.8`), so a few products sell a lot and
//!    most sell a little; customers are skewed too, so some of them order repeatedly.
//!
//! With the defaults (seed 42, 300 products, 5000 orders), about 86 % of the top-4
//! suggestions `alsobought build` mines share a planted group with their product.
//!
//! Orders run through 2025 in id order (`NW-100001`, ...), one timestamp each in UTC.

use alsobought_mining::synthetic::{mix, zipf_weights, SplitMix64, WeightedIndex};

use super::catalog::Product;
use super::vocabulary::{CATEGORIES, COMPLEMENT_GROUPS};

/// Probability that an order starts from a complementary group rather than at random.
const PURPOSEFUL_ORDER_SHARE: f64 = 0.70;
/// Probability that each other member type of the group joins the basket.
const GROUP_MEMBER_JOINS: f64 = 0.60;
/// Probability that a joining type comes as the anchor's matching variant.
const MATCHING_VARIANT_SHARE: f64 = 0.65;
/// Probability that a noise item comes from the anchor's own category.
const SAME_CATEGORY_NOISE: f64 = 0.35;
/// Zipf exponent of product popularity: how anchors and group members are chosen.
const POPULARITY_EXPONENT: f64 = 0.8;
/// Zipf exponent of noise items: flatter, since impulse buys spread over the shop more
/// evenly than purposeful ones (and a single hub product in every third basket would
/// drown the structure the demo is meant to show).
const NOISE_POPULARITY_EXPONENT: f64 = 0.5;
/// Relative frequency of basket sizes 1..=8.
const BASKET_SIZE_WEIGHTS: [f64; 8] = [26.0, 24.0, 18.0, 12.0, 8.0, 6.0, 4.0, 2.0];

/// One order with its line items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order {
    /// Order id, e.g. `NW-100001`.
    pub id: String,
    /// Customer id, e.g. `C-00042`.
    pub customer_id: String,
    /// ISO 8601 timestamp in UTC, e.g. `2025-03-14T09:26:11Z`.
    pub created_at: String,
    /// `(index into the catalog, quantity)`, each product at most once.
    pub lines: Vec<(usize, u32)>,
}

/// Everything precomputed once for drawing products.
struct Shelves {
    /// Draws any product as noise.
    everything: WeightedIndex,
    /// Product indices of each category, with a noise sampler over them.
    by_category: Vec<Option<(Vec<usize>, WeightedIndex)>>,
    /// For each group present in the catalog: its types' product lists.
    groups: Vec<Vec<Vec<usize>>>,
    /// Draws a group index.
    group_sampler: Option<WeightedIndex>,
    /// Popularity weight of each product.
    popularity: Vec<f64>,
}

/// Generates `count` orders over `catalog` (which must not be empty).
pub fn generate_orders(catalog: &[Product], count: usize, random: &mut SplitMix64) -> Vec<Order> {
    let shelves = Shelves::new(catalog, random);
    let sizes = WeightedIndex::new(BASKET_SIZE_WEIGHTS).expect("positive weights");
    let customer_count = (count * 2 / 5).max(1);
    let affinity_salt = random.next_u64();
    (0..count)
        .map(|number| {
            let size = sizes.sample(random) + 1;
            let lines = basket(catalog, &shelves, size, affinity_salt, random);
            // Skewed towards low customer numbers: regulars order many times.
            let customer = (customer_count as f64 * random.next_f64().powf(1.8)) as usize;
            Order {
                id: format!("NW-{}", 100_001 + number),
                customer_id: format!("C-{:05}", customer + 1),
                created_at: timestamp(number, count, random),
                lines,
            }
        })
        .collect()
}

impl Shelves {
    fn new(catalog: &[Product], random: &mut SplitMix64) -> Self {
        let zipf = zipf_weights(catalog.len(), POPULARITY_EXPONENT);
        let popularity: Vec<f64> = catalog.iter().map(|p| zipf[p.popularity_rank]).collect();
        let noise_zipf = zipf_weights(catalog.len(), NOISE_POPULARITY_EXPONENT);
        let noise: Vec<f64> = catalog
            .iter()
            .map(|p| noise_zipf[p.popularity_rank])
            .collect();
        let everything = WeightedIndex::new(noise.iter().copied()).expect("non-empty catalog");
        let by_category = (0..CATEGORIES.len())
            .map(|category| {
                let members: Vec<usize> = (0..catalog.len())
                    .filter(|&index| catalog[index].category_index == category)
                    .collect();
                let sampler = WeightedIndex::new(members.iter().map(|&index| noise[index]))?;
                Some((members, sampler))
            })
            .collect();
        let products_of_type = |key: &str| -> Vec<usize> {
            (0..catalog.len())
                .filter(|&index| catalog[index].kind().key == key)
                .collect()
        };
        let groups: Vec<Vec<Vec<usize>>> = COMPLEMENT_GROUPS
            .iter()
            .map(|group| {
                group
                    .members
                    .iter()
                    .map(|key| products_of_type(key))
                    .filter(|products| !products.is_empty())
                    .collect::<Vec<_>>()
            })
            .filter(|types| types.len() >= 2)
            .collect();
        let mut group_ranks: Vec<usize> = (0..groups.len()).collect();
        random.shuffle(&mut group_ranks);
        let group_weights = zipf_weights(groups.len(), 0.6);
        let group_sampler = WeightedIndex::new(group_ranks.iter().map(|&rank| group_weights[rank]));
        Self {
            everything,
            by_category,
            groups,
            group_sampler,
            popularity,
        }
    }

    /// One of `products`, by popularity.
    fn pick_among(&self, products: &[usize], random: &mut SplitMix64) -> usize {
        let sampler = WeightedIndex::new(products.iter().map(|&index| self.popularity[index]))
            .expect("popularity weights are positive");
        products[sampler.sample(random)]
    }
}

/// Fills one basket of about `size` products.
fn basket(
    catalog: &[Product],
    shelves: &Shelves,
    size: usize,
    affinity_salt: u64,
    random: &mut SplitMix64,
) -> Vec<(usize, u32)> {
    let mut chosen: Vec<usize> = Vec::with_capacity(size);
    let group = shelves
        .group_sampler
        .as_ref()
        .filter(|_| random.chance(PURPOSEFUL_ORDER_SHARE))
        .map(|sampler| &shelves.groups[sampler.sample(random)]);
    let anchor = match group {
        Some(types) => {
            let all: Vec<usize> = types.iter().flatten().copied().collect();
            let anchor = shelves.pick_among(&all, random);
            chosen.push(anchor);
            let mut others: Vec<&Vec<usize>> = types
                .iter()
                .filter(|products| !products.contains(&anchor))
                .collect();
            random.shuffle(&mut others);
            let target = size.max(2);
            for products in others {
                if chosen.len() >= target {
                    break;
                }
                if !random.chance(GROUP_MEMBER_JOINS) {
                    continue;
                }
                let product = if random.chance(MATCHING_VARIANT_SHARE) {
                    let key = mix(affinity_salt ^ ((anchor as u64) << 20) ^ (products[0] as u64));
                    products[(key % products.len() as u64) as usize]
                } else {
                    shelves.pick_among(products, random)
                };
                if !chosen.contains(&product) {
                    chosen.push(product);
                }
            }
            anchor
        }
        None => {
            let anchor = shelves.everything.sample(random);
            chosen.push(anchor);
            anchor
        }
    };
    // Bounded attempts: a tiny catalog may not have `size` distinct products.
    let mut attempts = 0;
    while chosen.len() < size && attempts < size * 10 {
        attempts += 1;
        let same_category = shelves.by_category[catalog[anchor].category_index].as_ref();
        let product = match same_category {
            Some((members, sampler)) if random.chance(SAME_CATEGORY_NOISE) => {
                members[sampler.sample(random)]
            }
            _ => shelves.everything.sample(random),
        };
        if !chosen.contains(&product) {
            chosen.push(product);
        }
    }
    chosen
        .into_iter()
        .map(|product| (product, quantity(&catalog[product], random)))
        .collect()
}

/// Consumables come in twos and threes; most other things one at a time.
fn quantity(product: &Product, random: &mut SplitMix64) -> u32 {
    let roll = random.next_f64();
    match (product.kind().consumable, roll) {
        (true, r) if r < 0.55 => 1,
        (true, r) if r < 0.88 => 2,
        (true, _) => 3,
        (false, r) if r < 0.93 => 1,
        (false, _) => 2,
    }
}

/// Order `number` of `count`, spread evenly over 2025 between 07:00 and 23:00 UTC.
fn timestamp(number: usize, count: usize, random: &mut SplitMix64) -> String {
    const DAYS: usize = 365;
    let day = number * DAYS / count.max(1);
    let second_of_day = 7 * 3600 + random.below(16 * 3600);
    let (month, day_of_month) = month_and_day(day);
    format!(
        "2025-{month:02}-{day_of_month:02}T{:02}:{:02}:{:02}Z",
        second_of_day / 3600,
        second_of_day / 60 % 60,
        second_of_day % 60
    )
}

/// Month (1..=12) and day (1..=31) of day `day_of_year` (0-based) of 2025.
fn month_and_day(day_of_year: usize) -> (usize, usize) {
    const MONTH_LENGTHS: [usize; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
    let mut remaining = day_of_year;
    for (month, length) in MONTH_LENGTHS.iter().enumerate() {
        if remaining < *length {
            return (month + 1, remaining + 1);
        }
        remaining -= length;
    }
    (12, 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_and_day_handles_month_boundaries() {
        assert_eq!(month_and_day(0), (1, 1));
        assert_eq!(month_and_day(31), (2, 1));
        assert_eq!(month_and_day(58), (2, 28));
        assert_eq!(month_and_day(59), (3, 1));
        assert_eq!(month_and_day(364), (12, 31));
    }

    #[test]
    fn timestamps_are_ordered_by_day_and_well_formed() {
        let mut random = SplitMix64::new(1);
        let first = timestamp(0, 100, &mut random);
        let last = timestamp(99, 100, &mut random);
        assert!(first.starts_with("2025-01-01T"), "{first}");
        assert!(last.starts_with("2025-12-"), "{last}");
        assert_eq!(first.len(), "2025-01-01T07:00:00Z".len());
    }
}
