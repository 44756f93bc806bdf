//! The rules `recommend` promises, each checked on a small hand-made table that goes
//! through the real writer and reader: never the context, an excluded or an
//! unavailable product; the cap; min_score; max_per_category; the best-seller fill;
//! how a cart's lists combine; deterministic ties.

use alsobought_core::{
    product_hash, recommend, recommend_with, write_table, Bundle, CartCombination, Fallback,
    ProductRecord, RecommendOptions, Suggestion, SuggestionSource, Table, TableInput,
};

/// Products of the fixture: (id, category, available).
const PRODUCTS: [(&str, &str, bool); 7] = [
    ("A", "mugs", true),
    ("B", "mugs", true),
    ("C", "mugs", true),
    ("D", "plates", true),
    ("E", "plates", false),
    ("F", "plates", true),
    ("G", "kitchen", true),
];

fn index(id: &str) -> u32 {
    PRODUCTS
        .iter()
        .position(|(product, _, _)| *product == id)
        .unwrap() as u32
}

fn list(entries: &[(&str, f32)]) -> Vec<(u32, f32)> {
    entries
        .iter()
        .map(|&(id, score)| (index(id), score))
        .collect()
}

/// A: B 10, E 9 (unavailable), C 8, D 4, F 2 — B: A 10, C 6, G 5 — D: F 7, A 1.
/// Best-sellers: G, F, B, A, E.
fn fixture_table() -> Vec<u8> {
    fixture_table_combining(CartCombination::DEFAULT)
}

/// The fixture, built to combine a cart's lists by `cart_combination`.
fn fixture_table_combining(cart_combination: CartCombination) -> Vec<u8> {
    let products = PRODUCTS
        .iter()
        .map(|&(id, category, available)| ProductRecord {
            category: category.into(),
            available,
            ..ProductRecord::with_id(id)
        })
        .collect();
    let mut neighbours = vec![Vec::new(); PRODUCTS.len()];
    neighbours[index("A") as usize] =
        list(&[("B", 10.0), ("E", 9.0), ("C", 8.0), ("D", 4.0), ("F", 2.0)]);
    neighbours[index("B") as usize] = list(&[("A", 10.0), ("C", 6.0), ("G", 5.0)]);
    neighbours[index("D") as usize] = list(&[("F", 7.0), ("A", 1.0)]);
    write_table(&TableInput {
        products,
        neighbours,
        best_sellers: list(&[
            ("G", 50.0),
            ("F", 40.0),
            ("B", 30.0),
            ("A", 20.0),
            ("E", 10.0),
        ]),
        order_count: 100,
        max_neighbours: 20,
        cart_combination,
    })
    .expect("valid fixture")
}

/// Runs `recommend` for `context` on the fixture and returns (id, source) pairs.
fn suggest(context: &[&str], options: &RecommendOptions) -> Vec<(String, SuggestionSource)> {
    suggest_with(context, options, CartCombination::DEFAULT)
        .into_iter()
        .map(|(id, source, _)| (id, source))
        .collect()
}

fn suggest_with(
    context: &[&str],
    options: &RecommendOptions,
    combination: CartCombination,
) -> Vec<(String, SuggestionSource, f32)> {
    let bytes = fixture_table();
    let table = Table::open(bytes.as_slice()).unwrap();
    let prefix = table.prefix().unwrap();
    let bundles: Vec<Bundle<'_>> = context
        .iter()
        .filter_map(|id| table.bundle(id).unwrap())
        .collect();
    let suggestions = recommend_with(
        context,
        &bundles,
        Some(prefix.best_sellers()),
        &prefix.header().quantization(),
        options,
        combination,
    );
    suggestions
        .iter()
        .map(
            |Suggestion {
                 card,
                 score,
                 source,
             }| (card.id.to_owned(), *source, *score),
        )
        .collect()
}

fn ids(suggestions: &[(String, SuggestionSource)]) -> Vec<&str> {
    suggestions.iter().map(|(id, _)| id.as_str()).collect()
}

fn options() -> RecommendOptions {
    RecommendOptions::default()
}

use SuggestionSource::{BestSellers, Neighbours};

#[test]
fn product_page_shows_neighbours_best_first_without_unavailable_ones() {
    let suggestions = suggest(&["A"], &options());
    assert_eq!(
        suggestions,
        [
            ("B".into(), Neighbours),
            ("C".into(), Neighbours),
            ("D".into(), Neighbours),
            ("F".into(), Neighbours)
        ]
    );
}

#[test]
fn never_more_than_the_cap() {
    let capped = RecommendOptions {
        max_suggestions: 2,
        ..options()
    };
    assert_eq!(ids(&suggest(&["A"], &capped)), ["B", "C"]);
    let none = RecommendOptions {
        max_suggestions: 0,
        ..options()
    };
    assert!(suggest(&["A"], &none).is_empty());
}

#[test]
fn excluded_products_are_skipped_and_best_sellers_fill_after_the_neighbours() {
    let excluding = RecommendOptions {
        exclude: vec!["C".into(), "G".into()],
        ..options()
    };
    // Neighbours B, D, F; then the best-sellers G (excluded), F (shown), B (shown),
    // A (context), E (unavailable): nothing left, so three suggestions.
    assert_eq!(
        suggest(&["A"], &excluding),
        [
            ("B".into(), Neighbours),
            ("D".into(), Neighbours),
            ("F".into(), Neighbours)
        ]
    );
    let excluding_c = RecommendOptions {
        exclude: vec!["C".into()],
        ..options()
    };
    assert_eq!(
        suggest(&["A"], &excluding_c),
        [
            ("B".into(), Neighbours),
            ("D".into(), Neighbours),
            ("F".into(), Neighbours),
            ("G".into(), BestSellers)
        ]
    );
}

#[test]
fn min_score_compares_with_the_tables_largest_score_and_spares_the_fallback() {
    // Scores relative to the table's maximum (10): B 1.0, C 0.8, D 0.4, F 0.2.
    let strict = RecommendOptions {
        min_score: 0.5,
        fallback: Fallback::None,
        ..options()
    };
    let suggestions = suggest_with(&["A"], &strict, CartCombination::DEFAULT);
    let found: Vec<(&str, f32)> = suggestions
        .iter()
        .map(|(id, _, score)| (id.as_str(), *score))
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert_eq!(found[0], ("B", 1.0));
    assert_eq!(found[1].0, "C");
    assert!((found[1].1 - 0.8).abs() < 0.01, "{found:?}");

    let with_fallback = RecommendOptions {
        min_score: 0.5,
        ..options()
    };
    assert_eq!(
        suggest(&["A"], &with_fallback),
        [
            ("B".into(), Neighbours),
            ("C".into(), Neighbours),
            ("G".into(), BestSellers),
            ("F".into(), BestSellers)
        ]
    );
}

#[test]
fn max_per_category_holds_for_neighbours_and_fill_ins() {
    let one_each = RecommendOptions {
        max_per_category: Some(1),
        ..options()
    };
    // B (mugs), C refused (mugs), D (plates), F refused (plates); fill: G (kitchen),
    // then F (plates), B (chosen), A (context), E (unavailable) are all refused.
    assert_eq!(
        suggest(&["A"], &one_each),
        [
            ("B".into(), Neighbours),
            ("D".into(), Neighbours),
            ("G".into(), BestSellers)
        ]
    );
}

#[test]
fn products_without_a_category_are_not_limited() {
    let bytes = write_table(&TableInput {
        products: ["P", "Q", "R", "S"].map(ProductRecord::with_id).to_vec(),
        neighbours: vec![vec![(1, 3.0), (2, 2.0), (3, 1.0)], vec![], vec![], vec![]],
        best_sellers: vec![],
        order_count: 1,
        max_neighbours: 20,
        ..Default::default()
    })
    .unwrap();
    let table = Table::open(bytes.as_slice()).unwrap();
    let bundle = table.bundle("P").unwrap().unwrap();
    let options = RecommendOptions {
        max_per_category: Some(1),
        ..options()
    };
    let prefix = table.prefix().unwrap();
    let suggestions = recommend(
        &["P"],
        &[bundle],
        None,
        &prefix.header().scoring(),
        &options,
    );
    let found: Vec<&str> = suggestions
        .iter()
        .map(|suggestion| suggestion.card.id)
        .collect();
    assert_eq!(found, ["Q", "R", "S"]);
}

#[test]
fn without_fallback_there_may_be_fewer_suggestions_or_none() {
    let no_fallback = RecommendOptions {
        max_suggestions: 10,
        fallback: Fallback::None,
        ..options()
    };
    assert_eq!(ids(&suggest(&["A"], &no_fallback)), ["B", "C", "D", "F"]);
    assert!(
        suggest(&["G"], &no_fallback).is_empty(),
        "G has no neighbours"
    );
    assert!(suggest(&["unknown"], &no_fallback).is_empty());
}

#[test]
fn a_product_without_neighbours_gets_best_sellers() {
    assert_eq!(
        suggest(&["unknown"], &options()),
        [
            ("G".into(), BestSellers),
            ("F".into(), BestSellers),
            ("B".into(), BestSellers),
            ("A".into(), BestSellers)
        ]
    );
    assert_eq!(ids(&suggest(&[], &options())), ["G", "F", "B", "A"]);
}

#[test]
fn a_context_product_is_never_suggested_even_without_its_bundle() {
    // C is in context but only A's bundle is given: C must still not appear.
    let bytes = fixture_table();
    let table = Table::open(bytes.as_slice()).unwrap();
    let prefix = table.prefix().unwrap();
    let bundle_a = table.bundle("A").unwrap().unwrap();
    let suggestions = recommend(
        &["A", "C"],
        &[bundle_a],
        Some(prefix.best_sellers()),
        &prefix.header().scoring(),
        &RecommendOptions {
            max_suggestions: 10,
            ..options()
        },
    );
    let found: Vec<&str> = suggestions
        .iter()
        .map(|suggestion| suggestion.card.id)
        .collect();
    assert_eq!(found, ["B", "D", "F", "G"]);
}

#[test]
fn a_cart_ranks_by_the_strongest_association_by_default() {
    // A: B 10, C 8, F 2 (D in cart); D: F 7 (A in cart).
    // Max: B 10, C 8, F 7. Sum would put F (2 + 7) before C.
    let cart = RecommendOptions {
        max_suggestions: 3,
        fallback: Fallback::None,
        ..options()
    };
    assert_eq!(ids(&suggest(&["A", "D"], &cart)), ["B", "C", "F"]);
    let summed = suggest_with(&["A", "D"], &cart, CartCombination::Sum);
    let summed: Vec<&str> = summed.iter().map(|(id, _, _)| id.as_str()).collect();
    assert_eq!(summed, ["B", "F", "C"]);
}

#[test]
fn recommend_combines_a_cart_as_the_table_says() {
    // The cart of the test above: Max ranks C before F, Sum F (2 + 7) before C.
    let cart = RecommendOptions {
        max_suggestions: 3,
        fallback: Fallback::None,
        ..options()
    };
    let ranked_by = |cart_combination| -> Vec<String> {
        let bytes = fixture_table_combining(cart_combination);
        let table = Table::open(bytes.as_slice()).unwrap();
        let prefix = table.prefix().unwrap();
        let bundles: Vec<Bundle<'_>> = ["A", "D"]
            .iter()
            .filter_map(|id| table.bundle(id).unwrap())
            .collect();
        let scoring = prefix.header().scoring();
        assert_eq!(scoring.cart_combination, cart_combination);
        recommend(&["A", "D"], &bundles, None, &scoring, &cart)
            .iter()
            .map(|suggestion| suggestion.card.id.to_owned())
            .collect()
    };
    assert_eq!(ranked_by(CartCombination::Max), ["B", "C", "F"]);
    assert_eq!(ranked_by(CartCombination::Sum), ["B", "F", "C"]);
}

#[test]
fn each_combination_merges_a_product_named_by_several_cart_items_once() {
    let cart = RecommendOptions {
        max_suggestions: 10,
        fallback: Fallback::None,
        ..options()
    };
    for combination in [
        CartCombination::Sum,
        CartCombination::NormalizedSum,
        CartCombination::Max,
        CartCombination::MaxThenSum { sum_weight: 0.1 },
        CartCombination::ReciprocalRank { offset: 1.0 },
    ] {
        let found = suggest_with(&["A", "B"], &cart, combination);
        let found: Vec<&str> = found.iter().map(|(id, _, _)| id.as_str()).collect();
        // C is named by both A and B; E is unavailable; A and B are the cart.
        assert_eq!(
            found.iter().filter(|id| **id == "C").count(),
            1,
            "{combination:?}: {found:?}"
        );
        assert!(
            !found.contains(&"A") && !found.contains(&"B") && !found.contains(&"E"),
            "{found:?}"
        );
        assert_eq!(found.len(), 4, "{combination:?}: {found:?}");
    }
}

#[test]
fn reciprocal_rank_fusion_rewards_agreement_between_cart_items() {
    // RRF with offset 1: C is 3rd in A's list and 2nd in B's: 1/(1+3) + 1/(1+2)
    // beats G's 1/(1+3) and D's 1/(1+4).
    let cart = RecommendOptions {
        max_suggestions: 2,
        fallback: Fallback::None,
        ..options()
    };
    let found = suggest_with(
        &["A", "B"],
        &cart,
        CartCombination::ReciprocalRank { offset: 1.0 },
    );
    assert_eq!(found[0].0, "C");
}

#[test]
fn equal_scores_go_by_product_number() {
    let ids = ["P", "X", "Y", "Z"];
    let products: Vec<ProductRecord> = ids.map(ProductRecord::with_id).to_vec();
    // Equal scores listed against product-number order (numbers follow (hash, id)),
    // so only the tie-break can put them in ascending order.
    let mut listed: Vec<u32> = vec![1, 2, 3];
    listed.sort_by_key(|&index| {
        std::cmp::Reverse((product_hash(ids[index as usize]), ids[index as usize]))
    });
    let bytes = write_table(&TableInput {
        products,
        neighbours: vec![
            listed.iter().map(|&index| (index, 5.0)).collect(),
            vec![],
            vec![],
            vec![],
        ],
        best_sellers: vec![],
        order_count: 1,
        max_neighbours: 20,
        ..Default::default()
    })
    .unwrap();
    let table = Table::open(bytes.as_slice()).unwrap();
    let prefix = table.prefix().unwrap();
    let bundle = table.bundle("P").unwrap().unwrap();
    let suggestions = recommend(
        &["P"],
        &[bundle],
        None,
        &prefix.header().scoring(),
        &options(),
    );
    let numbers: Vec<u32> = suggestions
        .iter()
        .map(|suggestion| suggestion.card.number)
        .collect();
    let mut sorted = numbers.clone();
    sorted.sort_unstable();
    assert_eq!(numbers.len(), 3);
    assert_eq!(numbers, sorted, "ties must be broken by product number");
}

#[test]
fn the_same_input_gives_the_same_output() {
    let cart = RecommendOptions {
        max_suggestions: 10,
        ..options()
    };
    assert_eq!(
        suggest(&["A", "B", "D"], &cart),
        suggest(&["A", "B", "D"], &cart)
    );
}
