//! Round trips: what the writer is given is exactly what every reader path
//! gives back, for ordinary tables and the edge cases (no products, no
//! neighbours, empty strings, unicode, hash collisions).

mod format_common;

use alsobought_core::{
    product_hash, write_table, LeafDirectory, Prefix, ProductRecord, Table, TableInput,
};
use format_common::{assert_table_holds, product, small_input, small_table};

#[test]
fn every_field_survives_a_round_trip() {
    assert_table_holds(&small_table(), &small_input());
}

#[test]
fn unknown_ids_are_not_found() {
    let bytes = small_table();
    let table = Table::open(&bytes[..]).unwrap();
    for id in ["SKU-6", "", "sku-1", "SKU-1 "] {
        assert_eq!(table.bundle(id), Ok(None), "{id:?}");
    }
}

#[test]
fn a_table_without_products_round_trips() {
    let input = TableInput::default();
    let bytes = write_table(&input).unwrap();
    assert_table_holds(&bytes, &input);
    let table = Table::open(&bytes[..]).unwrap();
    assert_eq!(table.bundle("anything"), Ok(None));
    assert_eq!(table.header().score_min, 0.0);
    assert_eq!(table.stats().unwrap().product_count, 0);
}

#[test]
fn products_without_neighbours_and_empty_strings_round_trip() {
    let mut lonely = ProductRecord::with_id("");
    lonely.title = String::new();
    let input = TableInput {
        products: vec![lonely, ProductRecord::with_id("ü")],
        neighbours: vec![vec![], vec![]],
        best_sellers: vec![],
        order_count: 0,
        max_neighbours: 0,
        ..Default::default()
    };
    assert_table_holds(&write_table(&input).unwrap(), &input);
}

/// Two different ids with the same FNV-1a 32 hash, found by brute force (the
/// search space is small enough: a birthday collision among ~2^17 ids).
fn colliding_pair() -> (String, String) {
    let mut seen = std::collections::HashMap::new();
    for number in 0u32.. {
        let id = format!("SKU-{number}");
        if let Some(previous) = seen.insert(product_hash(&id), id.clone()) {
            return (previous, id);
        }
    }
    unreachable!("a 32-bit hash collides long before 2^32 ids")
}

#[test]
fn products_whose_hashes_collide_are_both_found() {
    let (first, second) = colliding_pair();
    assert_eq!(product_hash(&first), product_hash(&second));
    let input = TableInput {
        products: vec![product(&second), product("other"), product(&first)],
        neighbours: vec![vec![(2, 1.0)], vec![(0, 0.5), (2, 0.25)], vec![(0, 1.0)]],
        best_sellers: vec![(2, 1.0)],
        order_count: 3,
        max_neighbours: 2,
        ..Default::default()
    };
    let bytes = write_table(&input).unwrap();
    assert_table_holds(&bytes, &input);
    let prefix = Prefix::parse(&bytes).unwrap();
    let range = prefix.leaf_range(&first);
    let leaf = LeafDirectory::parse(
        &bytes[range.start as usize..range.end as usize],
        prefix.bucket_of(&first),
        &prefix,
    )
    .unwrap();
    assert_eq!(leaf.lookup(&first).unwrap().count, 2);
    assert_eq!(leaf.lookup(&first), leaf.lookup(&second));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    assert_eq!(small_table(), small_table());
    let mut shuffled = small_input();
    shuffled.products.swap(0, 4);
    shuffled.neighbours.swap(0, 4);
    for list in shuffled
        .neighbours
        .iter_mut()
        .chain([&mut shuffled.best_sellers])
    {
        for (index, _) in list.iter_mut() {
            *index = match *index {
                0 => 4,
                4 => 0,
                other => other,
            };
        }
    }
    assert_eq!(
        write_table(&shuffled).unwrap(),
        small_table(),
        "product numbers come from (hash, id), not from the input order"
    );
}

#[test]
fn many_products_spread_over_buckets() {
    let count = 5_000;
    let products: Vec<_> = (0..count)
        .map(|number| product(&format!("P{number}")))
        .collect();
    let neighbours = (0..count as u32)
        .map(|index| {
            (1..=4)
                .map(|step| ((index + step) % count as u32, 1.0 / step as f32))
                .collect()
        })
        .collect();
    let input = TableInput {
        products,
        neighbours,
        best_sellers: (0..20).map(|index| (index, 100.0 - index as f32)).collect(),
        order_count: 10_000,
        max_neighbours: 4,
        ..Default::default()
    };
    let bytes = write_table(&input).unwrap();
    let table = Table::open(&bytes[..]).unwrap();
    assert_eq!(table.header().bucket_bits, 6, "4^6 ≤ 5000 < 4^7");
    assert_table_holds(&bytes, &input);
    let stats = table.stats().unwrap();
    assert_eq!(stats.bucket_count, 64);
    assert_eq!(stats.root_directory_bytes, 65 * 16 + 4);
    assert!(stats.largest_leaf_bytes < 2_000, "{stats:?}");
}
