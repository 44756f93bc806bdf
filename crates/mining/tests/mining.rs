//! Mining on hand-made baskets: pairs counted once per order however many lines or
//! units, neighbour lists best first and capped, catalog rules (unknown products
//! dropped, unavailable ones never suggested), best-sellers; and the parallel pass
//! against a brute-force count on generated baskets.

use std::collections::HashMap;

use alsobought_core::{write_table, ProductRecord, Table};
use alsobought_mining::{
    build_table_input, Catalog, MiningOptions, Orders, OrdersBuilder, PairCounts, ScoreMeasure,
};

/// a: 4 orders, b: 4, c: 2, d: 1; a+b: 3, a+c: 2, b+c: 1, b+d: 1.
fn hand_made_orders() -> Orders {
    let mut builder = OrdersBuilder::new();
    let lines = [
        ("o1", "a"),
        ("o1", "b"),
        ("o1", "c"),
        // Several lines and units of one product count once for the order.
        ("o2", "a"),
        ("o2", "b"),
        ("o2", "a"),
        ("o2", "b"),
        ("o2", "b"),
        ("o3", "a"),
        ("o3", "c"),
        ("o4", "b"),
        ("o4", "d"),
        ("o5", "a"),
        ("o5", "b"),
    ];
    for (order, product) in lines {
        builder.add_line(order, product);
    }
    builder.finish()
}

fn counting_options() -> MiningOptions {
    MiningOptions {
        measure: ScoreMeasure::Count,
        min_together: 1,
        ..MiningOptions::default()
    }
}

#[test]
fn pairs_are_counted_once_per_order() {
    let orders = hand_made_orders();
    assert_eq!(orders.product_ids(), ["a", "b", "c", "d"]);
    assert_eq!(orders.product_order_counts(), [4, 4, 2, 1]);
    let mined = build_table_input(&orders, None, &counting_options());
    let input = &mined.input;
    assert_eq!(input.neighbours[0], [(1, 3.0), (2, 2.0)]);
    // Equal counts (c, d) go by id.
    assert_eq!(input.neighbours[1], [(0, 3.0), (2, 1.0), (3, 1.0)]);
    assert_eq!(input.neighbours[2], [(0, 2.0), (1, 1.0)]);
    assert_eq!(input.neighbours[3], [(1, 1.0)]);
    assert_eq!(input.best_sellers, [(0, 4.0), (1, 4.0), (2, 2.0), (3, 1.0)]);
    assert_eq!(input.order_count, 5);
    assert_eq!(mined.stats.co_occurring_pairs, 4);
    assert_eq!(mined.stats.edges, 8);
    assert_eq!(mined.stats.products_written, 4);
}

#[test]
fn without_a_catalog_every_product_is_an_available_card_titled_by_its_id() {
    let mined = build_table_input(&hand_made_orders(), None, &counting_options());
    let ids: Vec<&str> = mined
        .input
        .products
        .iter()
        .map(|record| record.id.as_str())
        .collect();
    assert_eq!(ids, ["a", "b", "c", "d"]);
    assert!(mined
        .input
        .products
        .iter()
        .all(|record| record.available && record.title == record.id));
}

#[test]
fn rare_pairs_and_long_lists_are_cut() {
    let orders = hand_made_orders();
    let rare_cut = MiningOptions {
        min_together: 2,
        ..counting_options()
    };
    let input = build_table_input(&orders, None, &rare_cut).input;
    assert_eq!(
        input.neighbours,
        [
            vec![(1, 3.0), (2, 2.0)],
            vec![(0, 3.0)],
            vec![(0, 2.0)],
            vec![]
        ]
    );

    let one_each = MiningOptions {
        max_neighbours: 1,
        best_seller_count: 2,
        ..counting_options()
    };
    let input = build_table_input(&orders, None, &one_each).input;
    assert_eq!(
        input.neighbours,
        [
            vec![(1, 3.0)],
            vec![(0, 3.0)],
            vec![(0, 2.0)],
            vec![(1, 1.0)]
        ]
    );
    assert_eq!(input.best_sellers, [(0, 4.0), (1, 4.0)]);
    assert_eq!(input.max_neighbours, 1);
}

#[test]
fn the_catalog_decides_what_is_a_product_and_what_may_be_suggested() {
    let mut catalog = Catalog::new();
    for (id, available) in [("a", true), ("b", false), ("c", true), ("x", true)] {
        catalog
            .insert(ProductRecord {
                available,
                ..ProductRecord::with_id(id)
            })
            .unwrap();
    }
    let duplicate = catalog.insert(ProductRecord::with_id("a")).unwrap_err();
    assert!(
        duplicate.to_string().contains("`a` is listed twice"),
        "{duplicate}"
    );

    let mined = build_table_input(&hand_made_orders(), Some(&catalog), &counting_options());
    let input = &mined.input;
    let ids: Vec<&str> = input
        .products
        .iter()
        .map(|record| record.id.as_str())
        .collect();
    assert_eq!(
        ids,
        ["a", "b", "c", "x"],
        "catalog products, in catalog order"
    );
    // a: b is unavailable. b keeps its page, but d (not in the catalog) is dropped.
    assert_eq!(input.neighbours[0], [(2, 2.0)]);
    assert_eq!(input.neighbours[1], [(0, 3.0), (2, 1.0)]);
    assert_eq!(input.neighbours[2], [(0, 2.0)]);
    assert_eq!(input.neighbours[3], []);
    assert_eq!(input.best_sellers, [(0, 4.0), (2, 2.0)]);
    assert_eq!(mined.stats.products_not_in_catalog, 1);
    assert_eq!(mined.stats.products_written, 4);
}

#[test]
fn the_mined_input_makes_a_table_that_reads_back() {
    let input = build_table_input(&hand_made_orders(), None, &MiningOptions::default()).input;
    let bytes = write_table(&input).unwrap();
    let table = Table::open(bytes.as_slice()).unwrap();
    table.verify().unwrap();
    let bundle = table.bundle("b").unwrap().unwrap();
    let neighbours: Vec<&str> = bundle.neighbours().map(|(card, _)| card.id).collect();
    // Default measure (asymmetric cosine, alpha 0.9) from b (4 orders):
    // a 3/(4^0.9·4^0.1) = 0.75, d 1/(4^0.9·1^0.1) ≈ 0.287, c 1/(4^0.9·2^0.1) ≈ 0.268.
    assert_eq!(neighbours, ["a", "d", "c"]);
}

/// A reproducible pseudo-random basket generator (no dependency needed).
fn generated_orders(order_count: usize, product_count: u64) -> Orders {
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut builder = OrdersBuilder::new();
    for order in 0..order_count {
        let size = 1 + next() % 12;
        for _ in 0..size {
            // Skewed popularity: low product numbers are bought more.
            let product = (next() % product_count).min(next() % product_count);
            builder.add_line(&format!("order-{order}"), &format!("sku-{product:03}"));
        }
    }
    builder.finish()
}

#[test]
fn the_parallel_pass_matches_a_brute_force_count() {
    let orders = generated_orders(400, 40);
    let order_counts = orders.product_order_counts();
    // Per ordered pair: orders together, and their shares of co-purchase, summed in
    // the miner's fixed point (units of 2^-20, so that sums are exact in any order).
    let mut pairs: HashMap<(u32, u32), (u32, u64)> = HashMap::new();
    for basket in orders.baskets() {
        let share = (1u64 << 20) / (basket.len() as u64 - 1).max(1);
        for &first in basket {
            for &second in basket {
                if first != second {
                    let pair = pairs.entry((first, second)).or_default();
                    pair.0 += 1;
                    pair.1 += share;
                }
            }
        }
    }
    for measure in [
        ScoreMeasure::Count,
        ScoreMeasure::DEFAULT,
        ScoreMeasure::LogLikelihood,
        ScoreMeasure::BasketWeighted { alpha: 0.9 },
    ] {
        let options = MiningOptions {
            measure,
            max_neighbours: 5,
            min_together: 2,
            ..MiningOptions::default()
        };
        let mined = build_table_input(&orders, None, &options).input;
        let ids = orders.product_ids();
        for product in 0..orders.product_count() as u32 {
            let mut expected: Vec<(u32, f32)> = pairs
                .iter()
                .filter(|(&(first, _), &(together, _))| first == product && together >= 2)
                .filter_map(|(&(_, partner), &(together, shares))| {
                    let counts = PairCounts {
                        together,
                        shared: shares as f64 / f64::from(1u32 << 20),
                        context: order_counts[product as usize],
                        neighbour: order_counts[partner as usize],
                        orders: orders.order_count() as u64,
                    };
                    measure.score(counts).map(|score| (partner, score))
                })
                .collect();
            expected.sort_by(|a, b| {
                b.1.total_cmp(&a.1)
                    .then(ids[a.0 as usize].cmp(&ids[b.0 as usize]))
            });
            expected.truncate(5);
            assert_eq!(
                mined.neighbours[product as usize], expected,
                "{measure:?}, product {}",
                ids[product as usize]
            );
        }
    }
}

/// Tea t1 sells most (never with the mug m); m is bought with tea t2, once, and with
/// spoon s, twice.
fn tea_shop() -> (Orders, Catalog) {
    let mut builder = OrdersBuilder::new();
    for order in 0..6 {
        builder.add_line(&format!("t{order}"), "t1");
    }
    for (order, product) in [
        ("m1", "m"),
        ("m1", "t2"),
        ("m2", "m"),
        ("m2", "s"),
        ("m3", "m"),
        ("m3", "s"),
    ] {
        builder.add_line(order, product);
    }
    let mut catalog = Catalog::new();
    for (id, category) in [("t1", "tea"), ("t2", "tea"), ("m", "tea"), ("s", "spoons")] {
        catalog
            .insert(ProductRecord {
                category: category.to_owned(),
                ..ProductRecord::with_id(id)
            })
            .unwrap();
    }
    (builder.finish(), catalog)
}

#[test]
fn a_category_weight_lifts_the_category_best_sellers_into_a_list() {
    let (orders, catalog) = tea_shop();
    let listed = |category_weight: f32| {
        let options = MiningOptions {
            category_weight,
            ..counting_options()
        };
        let mined = build_table_input(&orders, Some(&catalog), &options);
        let number = |id: &str| mined.input.products.iter().position(|p| p.id == id);
        let m = number("m").unwrap();
        mined.input.neighbours[m]
            .iter()
            .map(|&(target, _)| mined.input.products[target as usize].id.clone())
            .collect::<Vec<_>>()
    };
    // Unlifted: the spoon (2 orders together), then the tea bought with it once.
    assert_eq!(listed(0.0), ["s", "t2"]);
    // At 1 the tea best-seller, never bought with the mug, joins with the list's mean
    // score (1.5: below the spoon) and the other tea gains a sixth of that; at 2 the
    // best-seller leads.
    assert_eq!(listed(1.0), ["s", "t1", "t2"]);
    assert_eq!(listed(2.0), ["t1", "s", "t2"]);
}
