//! Merchandising rules, the cold-start fill and the category lift on arbitrary shops:
//! whatever the orders, catalog and rules, the table is valid, pins come first in the order given (after
//! 8-bit quantization, as the widget ranks them), blocked pairs never appear, and no
//! score drops to 0.

use std::collections::HashSet;

use alsobought_core::{recommend, write_table, Fallback, ProductRecord, RecommendOptions, Table};
use alsobought_mining::{
    build_table_input, Block, Catalog, MerchandisingRules, MiningOptions, OrdersBuilder, Pin,
    Weight, WeightTarget,
};
use proptest::prelude::*;

const PRODUCTS: usize = 10;
const CATEGORIES: [&str; 3] = ["kitchen", "garden", ""];

fn id(number: usize) -> String {
    format!("p{number}")
}

/// A shop: baskets of product numbers, each product's (category index, available).
fn shop() -> impl Strategy<Value = (Vec<Vec<usize>>, Vec<(usize, bool)>)> {
    (
        prop::collection::vec(prop::collection::vec(0..PRODUCTS, 1..5), 0..30),
        prop::collection::vec((0..CATEGORIES.len(), prop::bool::weighted(0.85)), PRODUCTS),
    )
}

fn rules() -> impl Strategy<Value = MerchandisingRules> {
    let pins = prop::collection::vec((0..PRODUCTS, 0..PRODUCTS), 0..8);
    let blocks = prop::collection::vec((prop::option::of(0..PRODUCTS), 0..PRODUCTS), 0..6);
    let weights = prop::collection::vec((0..PRODUCTS + 2, 0.001f32..1000.0), 0..4);
    (pins, blocks, weights).prop_map(|(pins, blocks, weights)| MerchandisingRules {
        pins: pins
            .into_iter()
            .map(|(product, target)| Pin {
                product: id(product),
                target: id(target),
            })
            .collect(),
        blocks: blocks
            .into_iter()
            .map(|(product, target)| Block {
                product: product.map(id),
                target: id(target),
            })
            .collect(),
        weights: weights
            .into_iter()
            .map(|(target, factor)| Weight {
                target: match target.checked_sub(PRODUCTS) {
                    Some(category) => WeightTarget::Category(CATEGORIES[category].to_owned()),
                    None => WeightTarget::Product(id(target)),
                },
                factor,
            })
            .collect(),
    })
}

/// The pins of `product` the table must honour, in order: distinct, not the product
/// itself, of available targets that no block keeps off its page, at most `k`.
fn expected_pins(
    rules: &MerchandisingRules,
    product: &str,
    available: &HashSet<String>,
    k: usize,
) -> Vec<String> {
    let blocked = |target: &str| {
        rules.blocks.iter().any(|block| {
            block.target == target && block.product.as_deref().is_none_or(|id| id == product)
        })
    };
    let mut pins: Vec<String> = Vec::new();
    for pin in rules.pins.iter().filter(|pin| pin.product == product) {
        if pin.target != product && !pins.contains(&pin.target) {
            pins.push(pin.target.clone());
        }
    }
    pins.retain(|target| available.contains(target) && !blocked(target));
    pins.truncate(k);
    pins
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn any_rules_give_a_valid_table_that_honours_them(
        (baskets, products) in shop(),
        rules in rules(),
        max_neighbours in 1u8..8,
        cold_start_fill in 0u8..6,
        category_weight in prop::sample::select(vec![0.0f32, 0.5, 1.0, 2.0, 4.0]),
    ) {
        let mut builder = OrdersBuilder::new();
        for (order, basket) in baskets.iter().enumerate() {
            for &product in basket {
                builder.add_line(&format!("o{order}"), &id(product));
            }
        }
        let orders = builder.finish();
        let mut catalog = Catalog::new();
        for (number, &(category, available)) in products.iter().enumerate() {
            catalog.insert(ProductRecord {
                category: CATEGORIES[category].to_owned(),
                available,
                ..ProductRecord::with_id(id(number))
            }).unwrap();
        }
        let options = MiningOptions {
            max_neighbours,
            cold_start_fill,
            category_weight,
            rules: rules.clone(),
            ..MiningOptions::default()
        };
        let bytes = write_table(&build_table_input(&orders, Some(&catalog), &options).input)
            .expect("a writable table");
        let table = Table::open(bytes).expect("a readable table");
        table.verify().expect("a valid table");
        let scoring = table.header().scoring();
        let prefix = table.prefix().unwrap();
        let best_sellers = prefix.best_sellers();
        let everywhere: HashSet<&str> = rules.blocks.iter()
            .filter(|block| block.product.is_none())
            .map(|block| block.target.as_str())
            .collect();
        for (card, _) in best_sellers.neighbours() {
            prop_assert!(!everywhere.contains(card.id), "{} blocked everywhere is a best-seller", card.id);
        }
        let ordered: HashSet<String> = baskets.iter().flatten().map(|&number| id(number)).collect();
        let available: HashSet<String> = (0..PRODUCTS)
            .filter(|&number| products[number].1 && !everywhere.contains(id(number).as_str()))
            .map(id)
            .collect();
        for number in 0..PRODUCTS {
            let product = id(number);
            let bundle = table.bundle(&product).unwrap().expect("every catalog product");
            let listed: Vec<(String, u8)> = bundle.neighbours()
                .map(|(card, quantized)| (card.id.to_owned(), quantized))
                .collect();
            for (target, quantized) in &listed {
                prop_assert!(*quantized > 0, "{product} -> {target} lost its score");
                let blocked = rules.blocks.iter().any(|block| {
                    &block.target == target && block.product.as_deref().is_none_or(|id| id == product)
                });
                prop_assert!(!blocked, "{product} -> {target} is blocked");
            }
            let pins = expected_pins(&rules, &product, &available, usize::from(max_neighbours));
            let shown = recommend(
                &[product.as_str()],
                std::slice::from_ref(&bundle),
                Some(best_sellers),
                &scoring,
                &RecommendOptions {
                    max_suggestions: pins.len(),
                    fallback: Fallback::None,
                    ..RecommendOptions::default()
                },
            );
            let shown: Vec<&str> = shown.iter().map(|suggestion| suggestion.card.id).collect();
            prop_assert_eq!(shown, pins.iter().map(String::as_str).collect::<Vec<_>>(), "pins of {}", product);
            // The fill tops a list up from ordered products it may show.
            let fill_to = usize::from(cold_start_fill.min(max_neighbours));
            let fillers = ordered.iter()
                .filter(|target| **target != product && available.contains(*target))
                .filter(|target| !rules.blocks.iter().any(|block| {
                    &block.target == *target && block.product.as_deref() == Some(product.as_str())
                }))
                .count();
            prop_assert!(listed.len() >= fill_to.min(fillers),
                "{} has {} neighbours, fill to {}", product, listed.len(), fill_to);
        }
    }
}
