//! The writer refuses input it cannot store faithfully, naming the product
//! and the fix, and chooses the bucket count the format documents.

mod format_common;

use alsobought_core::{
    bucket_bits_for, write_table, CartCombination, TableInput, WriteError, MAX_NEIGHBOURS,
};
use format_common::{product, small_input};

fn refusal(change: impl FnOnce(&mut TableInput)) -> WriteError {
    let mut input = small_input();
    change(&mut input);
    write_table(&input).expect_err("the writer must refuse this input")
}

#[test]
fn neighbour_lists_must_match_the_products() {
    let error = refusal(|input| {
        input.neighbours.pop();
    });
    assert_eq!(
        error,
        WriteError::NeighbourListCount {
            products: 5,
            lists: 4
        }
    );
}

#[test]
fn lists_longer_than_max_neighbours_are_refused() {
    let error = refusal(|input| input.max_neighbours = 2);
    assert_eq!(
        error,
        WriteError::TooManyNeighbours {
            product: "SKU-1".into(),
            count: 3,
            max: 2
        }
    );
    assert!(error.to_string().contains("keep only the top 2"), "{error}");
}

#[test]
fn too_many_best_sellers_are_refused() {
    let error = refusal(|input| {
        input.best_sellers = (0..=MAX_NEIGHBOURS as u32)
            .map(|index| (index % 5, 1.0))
            .collect();
    });
    assert!(matches!(
        error,
        WriteError::TooManyBestSellers {
            count: 256,
            max: 255
        }
    ));
}

#[test]
fn indices_must_name_products() {
    let error = refusal(|input| input.neighbours[1].push((9, 0.1)));
    assert!(
        matches!(&error, WriteError::ProductIndexOutOfRange { index: 9, product_count: 5, list }
            if list.contains("SKU-2")),
        "{error:?}"
    );
    let error = refusal(|input| input.best_sellers.push((5, 1.0)));
    assert!(matches!(
        error,
        WriteError::ProductIndexOutOfRange { index: 5, .. }
    ));
}

#[test]
fn a_product_is_not_its_own_neighbour() {
    let error = refusal(|input| input.neighbours[1].push((1, 0.4)));
    assert_eq!(
        error,
        WriteError::SelfNeighbour {
            product: "SKU-2".into()
        }
    );
}

#[test]
fn a_list_names_each_product_once() {
    let error = refusal(|input| input.neighbours[1].push((0, 0.4)));
    assert!(matches!(&error, WriteError::DuplicateInList { product, .. } if product == "SKU-1"));
    let error = refusal(|input| input.best_sellers.push((0, 1.0)));
    assert!(matches!(error, WriteError::DuplicateInList { .. }));
}

#[test]
fn scores_must_be_finite_and_not_negative() {
    for score in [f32::NAN, f32::INFINITY, -0.5] {
        let error = refusal(|input| input.neighbours[3].push((0, score)));
        assert!(
            matches!(error, WriteError::InvalidScore { .. }),
            "{score}: {error:?}"
        );
        assert!(error.to_string().contains("SKU-4"), "{error}");
    }
    let error = refusal(|input| input.best_sellers[0].1 = f32::NAN);
    assert!(matches!(error, WriteError::InvalidScore { .. }));
}

#[test]
fn a_zero_score_is_stored_as_no_score() {
    let mut input = small_input();
    input.neighbours[3].push((0, 0.0));
    let bytes = write_table(&input).unwrap();
    let table = alsobought_core::Table::open(&bytes[..]).unwrap();
    let bundle = table.bundle("SKU-4").unwrap().unwrap();
    assert_eq!(
        bundle.edges().map(|(_, score)| score).collect::<Vec<_>>(),
        [0]
    );
    table.verify().unwrap();
}

#[test]
fn ids_are_unique() {
    let error = refusal(|input| input.products[4].id = "SKU-2".into());
    assert_eq!(error, WriteError::DuplicateProductId { id: "SKU-2".into() });
}

#[test]
fn currencies_are_three_capital_letters() {
    for code in ["eur", "EURO", "E1R", "", "€€€"] {
        let error = refusal(|input| input.products[0].currency = Some(code.into()));
        assert!(
            matches!(error, WriteError::InvalidCurrency { .. }),
            "{code}"
        );
    }
}

#[test]
fn ratings_stop_at_five_stars() {
    let error = refusal(|input| input.products[2].rating_tenths = Some(51));
    assert_eq!(
        error,
        WriteError::InvalidRating {
            product: "SKU-3".into(),
            rating_tenths: 51
        }
    );
}

#[test]
fn bucket_count_follows_the_square_root_of_half_the_products() {
    let expectations = [
        (0, 0),
        (1, 0),
        (3, 0),
        (4, 1),
        (15, 1),
        (16, 2),
        (5_000, 6),
        (1_000_000, 9),
        (1 << 24, 12),
    ];
    for (products, bits) in expectations {
        assert_eq!(bucket_bits_for(products), bits, "{products} products");
    }
    // Within a factor √2 of √(n/2) for every n.
    for products in [2usize, 10, 777, 5_000, 123_456, 1_000_000] {
        let buckets = f64::from(1u32 << bucket_bits_for(products));
        let ideal = (products as f64 / 2.0).sqrt();
        assert!(buckets / ideal <= 2f64.sqrt() + 1e-9 && ideal / buckets <= 2f64.sqrt() + 1e-9);
    }
}

#[test]
fn products_with_long_fields_still_fit() {
    let mut input = small_input();
    input.products[0] = product(&"x".repeat(300));
    input.products[0].title = "é".repeat(100_000);
    let bytes = write_table(&input).unwrap();
    let table = alsobought_core::Table::open(&bytes[..]).unwrap();
    table.verify().unwrap();
    let card = table
        .bundle(&"x".repeat(300))
        .unwrap()
        .unwrap()
        .product()
        .unwrap();
    assert_eq!(card.title.chars().count(), 100_000);
}

#[test]
fn a_compare_at_price_must_be_above_the_price() {
    for (price, compare_at) in [(Some(1299), 1299), (Some(1299), 999), (None, 1299)] {
        let error = refusal(|input| {
            input.products[0].price_hundredths = price;
            input.products[0].compare_at_hundredths = Some(compare_at);
        });
        assert_eq!(
            error,
            WriteError::CompareAtNotAbovePrice {
                product: "SKU-1".into(),
                compare_at_hundredths: compare_at
            }
        );
    }
}

/// Found by the `recommend` fuzz target: a cart combination with a parameter the
/// header cannot hold (here a NaN weight) was written, and the reader then refused the
/// whole table.
#[test]
fn cart_combinations_the_reader_would_refuse_are_refused() {
    for combination in [
        CartCombination::MaxThenSum {
            sum_weight: f32::NAN,
        },
        CartCombination::MaxThenSum { sum_weight: 1.5 },
        CartCombination::ReciprocalRank { offset: 0.0 },
        CartCombination::ReciprocalRank { offset: 5000.0 },
    ] {
        let error = refusal(|input| input.cart_combination = combination);
        assert_eq!(
            error,
            WriteError::InvalidCartCombination {
                combination: combination.name()
            }
        );
    }
}

#[test]
fn a_sale_adds_four_bytes_to_its_card_and_makes_version_3() {
    let plain = write_table(&small_input()).unwrap();
    let mut input = small_input();
    input.products[0].compare_at_hundredths = Some(1599);
    let on_sale = write_table(&input).unwrap();
    assert_eq!(u16::from_le_bytes([plain[8], plain[9]]), 1);
    assert_eq!(u16::from_le_bytes([on_sale[8], on_sale[9]]), 3);
    // Four bytes per copy of the card (its own bundle, neighbour lists, best-sellers).
    let added = on_sale.len() - plain.len();
    assert!(added > 4 && added.is_multiple_of(4), "{added}");
    let table = alsobought_core::Table::open(&on_sale).unwrap();
    table.verify().unwrap();
    let card = table.bundle("SKU-1").unwrap().unwrap().product().unwrap();
    assert_eq!(
        (card.price_hundredths, card.compare_at_hundredths),
        (Some(1299), Some(1599))
    );
}
