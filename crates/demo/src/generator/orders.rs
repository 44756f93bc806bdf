//! The demo order history: the synthetic engine's order model
//! ([`alsobought_mining::synthetic::OrderModel`], the one `alsobought generate` uses)
//! drawn over the themed catalog, with the themed complementary groups planted as
//! bundles of matching variants. What is left here is what makes the history the
//! demo's: which products belong together, and the store's ids.
//!
//! The bundles: each group of [`COMPLEMENT_GROUPS`] (dripper + filters + beans + ...)
//! becomes as many bundles as its largest product type has variants in the catalog,
//! each with one variant of every type, variants dealt in a seeded order. So specific
//! product pairs recur (a dripper and the filter size that fits it), every variant is
//! planted, and a product whose type serves several groups has partners in each. The
//! bundles of the best sellers sell most.
//!
//! With the defaults (seed 42, 300 products, 5000 orders), about 87 % of the top-4
//! suggestions `alsobought build` mines share a planted group with their product.
//!
//! Orders run through 2025 in id order (`NW-100001`, ...).

use alsobought_mining::synthetic::{
    push_order_time, Basket, OrderKnobs, OrderModel, ProductGroups, ShopShape, SplitMix64,
    MAX_BASKET_LINES,
};

use super::catalog::Product;
use super::vocabulary::COMPLEMENT_GROUPS;

/// Share of orders that start from a planted bundle rather than at random: more than
/// `alsobought generate`'s default, so that a shop of a few thousand orders already
/// shows its structure to someone clicking through it.
const PURPOSEFUL_ORDER_SHARE: f64 = 0.70;
/// Zipf exponent of product popularity, which draws the noise: flatter than real
/// shops' 0.8, since a single hub product in every third basket would drown the
/// structure the demo is meant to show.
const POPULARITY_EXPONENT: f64 = 0.5;
/// No bulk orders: one of twenty lines would hold a fifteenth of a 300-product catalog
/// and pair each of those products with all the others, drowning the bundles in a shop
/// this small.
const BULK_ORDER_SHARE: f64 = 0.0;

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

/// Generates `count` orders over `catalog` (which must not be empty).
pub fn generate_orders(catalog: &[Product], count: usize, random: &mut SplitMix64) -> Vec<Order> {
    let model = OrderModel::new(
        shop_shape(catalog, &mut random.fork("bundles")),
        &OrderKnobs {
            popularity_exponent: POPULARITY_EXPONENT,
            purposeful_share: PURPOSEFUL_ORDER_SHARE,
            bulk_share: BULK_ORDER_SHARE,
            expected_orders: count as u64,
        },
    );
    let mut basket = Basket::default();
    (0..count)
        .map(|number| {
            model.draw_order(random, MAX_BASKET_LINES, &mut basket);
            let mut created_at = Vec::with_capacity(20);
            push_order_time(&mut created_at, number as u64, count as u64);
            Order {
                id: format!("NW-{}", 100_001 + number),
                customer_id: format!("C-{:05}", basket.customer + 1),
                created_at: String::from_utf8(created_at).expect("timestamps are ASCII"),
                lines: basket
                    .lines
                    .iter()
                    .map(|&(product, quantity)| {
                        (
                            product as usize,
                            u32::try_from(quantity).expect("quantities are 1 to 6"),
                        )
                    })
                    .collect(),
            }
        })
        .collect()
}

/// The catalog as the order model sees it. The catalog lists products by category, so
/// each category is one run of consecutive products.
fn shop_shape(catalog: &[Product], random: &mut SplitMix64) -> ShopShape {
    let mut product_of_rank = vec![0u32; catalog.len()];
    for (index, product) in catalog.iter().enumerate() {
        product_of_rank[product.popularity_rank] = index as u32;
    }
    ShopShape {
        category_sizes: catalog
            .chunk_by(|a, b| a.category_index == b.category_index)
            .map(|run| run.len() as u32)
            .collect(),
        product_of_rank,
        groups: themed_bundles(catalog, random),
    }
}

/// The bundles of every complementary group with at least two of its types in the
/// catalog, those of the best-selling products first (the engine sells the first
/// bundles most).
fn themed_bundles(catalog: &[Product], random: &mut SplitMix64) -> ProductGroups {
    let mut bundles: Vec<Vec<u32>> = Vec::new();
    for group in COMPLEMENT_GROUPS {
        let mut variants_of_types: Vec<Vec<u32>> = group
            .members
            .iter()
            .map(|key| {
                (0..catalog.len() as u32)
                    .filter(|&index| catalog[index as usize].kind().key == *key)
                    .collect::<Vec<u32>>()
            })
            .filter(|variants| !variants.is_empty())
            .collect();
        if variants_of_types.len() < 2 {
            continue;
        }
        for variants in &mut variants_of_types {
            random.shuffle(variants);
        }
        let count = variants_of_types.iter().map(Vec::len).max().unwrap_or(0);
        bundles.extend((0..count).map(|bundle| {
            variants_of_types
                .iter()
                .map(|variants| variants[bundle % variants.len()])
                .collect()
        }));
    }
    // A bundle sells as its members do: best-sellers are what shoppers come for.
    bundles.sort_by_cached_key(|bundle| {
        let mut ranks: Vec<usize> = bundle
            .iter()
            .map(|&product| catalog[product as usize].popularity_rank)
            .collect();
        ranks.sort_unstable();
        ranks
    });
    let mut groups = ProductGroups::new();
    for bundle in &bundles {
        groups.push(bundle);
    }
    groups
}

#[cfg(test)]
mod tests {
    use super::super::catalog::generate_catalog;
    use super::*;

    #[test]
    fn every_product_is_planted_in_bundles_of_one_variant_per_type_best_sellers_first() {
        let catalog = generate_catalog(300, &mut SplitMix64::new(5));
        let bundles = themed_bundles(&catalog, &mut SplitMix64::new(6));
        let mut planted = vec![false; catalog.len()];
        let mut best_ranks = Vec::new();
        for bundle in bundles.iter() {
            let keys: Vec<&str> = bundle
                .iter()
                .map(|&product| catalog[product as usize].kind().key)
                .collect();
            assert!(
                COMPLEMENT_GROUPS
                    .iter()
                    .any(|group| keys.iter().all(|key| group.members.contains(key))),
                "{keys:?} is no complementary group"
            );
            let mut distinct = keys.clone();
            distinct.sort_unstable();
            distinct.dedup();
            assert_eq!(
                distinct.len(),
                keys.len(),
                "two variants of a type: {keys:?}"
            );
            for &product in bundle {
                planted[product as usize] = true;
            }
            best_ranks.push(
                bundle
                    .iter()
                    .map(|&product| catalog[product as usize].popularity_rank)
                    .min()
                    .unwrap(),
            );
        }
        assert!(planted.iter().all(|&is| is), "an unplanted product");
        assert!(best_ranks.is_sorted(), "{best_ranks:?}");
    }

    #[test]
    fn categories_reach_the_engine_as_runs_and_ranks_as_the_catalogs() {
        let catalog = generate_catalog(40, &mut SplitMix64::new(2));
        let shape = shop_shape(&catalog, &mut SplitMix64::new(3));
        let mut next = 0;
        for &size in &shape.category_sizes {
            let run = &catalog[next..next + size as usize];
            assert!(run
                .iter()
                .all(|product| product.category_index == run[0].category_index));
            next += size as usize;
        }
        assert_eq!(next, 40);
        for (rank, &product) in shape.product_of_rank.iter().enumerate() {
            assert_eq!(catalog[product as usize].popularity_rank, rank);
        }
    }

    #[test]
    fn orders_carry_the_stores_ids_and_run_through_the_year() {
        let catalog = generate_catalog(60, &mut SplitMix64::new(1));
        let orders = generate_orders(&catalog, 400, &mut SplitMix64::new(9));
        assert_eq!(orders[0].id, "NW-100001");
        assert_eq!(orders[399].id, "NW-100400");
        assert!(orders[0].created_at.starts_with("2025-01-01T"));
        assert!(orders[399].created_at.starts_with("2025-12-"));
        assert!(orders
            .windows(2)
            .all(|pair| pair[0].created_at <= pair[1].created_at));
        assert!(orders.iter().all(|order| {
            order.customer_id.len() == "C-00042".len()
                && order.lines.iter().all(|&(product, _)| product < 60)
        }));
        let mut orders_of: std::collections::BTreeMap<&str, u32> = Default::default();
        for order in &orders {
            *orders_of.entry(&order.customer_id).or_default() += 1;
        }
        let regular = orders_of.values().max().unwrap();
        assert!(
            *regular >= 10,
            "the most active customer orders {regular} times"
        );
    }
}
