//! Shared builders for the format tests: small tables with every kind of field,
//! so each test file states only what it checks.
#![allow(dead_code)]

use std::collections::BTreeSet;

use proptest::prelude::*;

use alsobought_core::{
    write_table, Bundle, BundleKind, Card, CartCombination, LeafDirectory, Prefix, ProductRecord,
    Table, TableInput, FORMAT_VERSION,
};

/// A product with every field set, derived from `id`.
pub fn product(id: &str) -> ProductRecord {
    ProductRecord {
        id: id.to_owned(),
        title: format!("Title of {id}"),
        url: format!("https://shop.example/p/{id}"),
        image: format!("https://shop.example/i/{id}.jpg"),
        category: "mugs".to_owned(),
        price_hundredths: Some(1299),
        currency: Some("EUR".to_owned()),
        available: true,
        rating_tenths: Some(45),
        ..Default::default()
    }
}

/// Five products with a few neighbours each, one with none, unicode and empty
/// strings, a missing price and an unavailable product.
pub fn small_input() -> TableInput {
    let mut products: Vec<ProductRecord> = ["SKU-1", "SKU-2", "SKU-3", "SKU-4", "SKU-5"]
        .iter()
        .map(|id| product(id))
        .collect();
    products[1].title = "Tasse « Café » — 日本語 ☕".to_owned();
    products[2].url = String::new();
    products[2].image = String::new();
    products[2].category = String::new();
    products[2].price_hundredths = None;
    products[2].currency = None;
    products[2].rating_tenths = None;
    products[3].available = false;
    TableInput {
        products,
        neighbours: vec![
            vec![(1, 0.9), (2, 0.5), (3, 0.01)],
            vec![(0, 0.9)],
            vec![(0, 0.5), (4, 0.2)],
            vec![],
            vec![(0, 0.3)],
        ],
        best_sellers: vec![(0, 120.0), (1, 80.0), (4, 3.0)],
        order_count: 42,
        max_neighbours: 3,
        ..Default::default()
    }
}

/// The bytes of [`small_input`].
pub fn small_table() -> Vec<u8> {
    write_table(&small_input()).expect("the small input is valid")
}

/// Asserts that a card read back carries exactly the record written.
pub fn assert_card_matches(card: &Card<'_>, record: &ProductRecord) {
    assert_eq!(card.id, record.id);
    assert_eq!(card.title, record.title);
    assert_eq!(card.url, record.url);
    assert_eq!(card.image, record.image);
    assert_eq!(card.category, record.category);
    assert_eq!(card.price_hundredths, record.price_hundredths);
    assert_eq!(card.currency, record.currency.as_deref());
    assert_eq!(card.available, record.available);
    assert_eq!(card.rating_tenths, record.rating_tenths);
    assert_eq!(card.price_from, record.price_from);
    assert_eq!(card.compare_at_hundredths, record.compare_at_hundredths);
}

/// Checks that `bytes` hold exactly `input`, through `Table` and through the
/// range path.
pub fn assert_table_holds(bytes: &[u8], input: &TableInput) {
    let table = Table::open(bytes).expect("open");
    table.verify().expect("verify");
    let header = table.header();
    let needs_version_2 = input.cart_combination != CartCombination::DEFAULT
        || input.products.iter().any(|product| product.price_from);
    let on_sale = input
        .products
        .iter()
        .any(|product| product.compare_at_hundredths.is_some());
    let expected_version = match (on_sale, needs_version_2) {
        (true, _) => FORMAT_VERSION,
        (false, true) => 2,
        (false, false) => 1,
    };
    assert_eq!(header.version, expected_version);
    assert_eq!(header.cart_combination, input.cart_combination);
    assert_eq!(header.product_count as usize, input.products.len());
    assert_eq!(header.order_count, input.order_count);
    assert_eq!(header.max_neighbours, input.max_neighbours);
    let edges: usize = input.neighbours.iter().map(Vec::len).sum();
    assert_eq!(header.edge_count, edges as u64);
    let quantization = header.quantization();

    for (index, record) in input.products.iter().enumerate() {
        let bundle = table
            .bundle(&record.id)
            .expect("lookup")
            .expect("every product is found");
        assert_eq!(bundle.kind(), BundleKind::Product);
        let own = bundle.product().expect("product bundles have a card");
        assert_card_matches(&own, record);

        let mut expected = input.neighbours[index].clone();
        expected.sort_by(|left, right| right.1.total_cmp(&left.1));
        let found: Vec<_> = bundle.neighbours().collect();
        assert_eq!(found.len(), expected.len());
        for ((card, quantized), (neighbour, score)) in found.iter().zip(&expected) {
            assert_card_matches(card, &input.products[*neighbour as usize]);
            let back = quantization.dequantize(*quantized);
            // Half a quantization step, relative: (max / min)^(1 / 508).
            let half_step = if quantization.min > 0.0 {
                (f64::from(quantization.max) / f64::from(quantization.min)).powf(1.0 / 508.0)
            } else {
                1.0
            };
            let (back, score) = (f64::from(back), f64::from(*score));
            assert!(
                back <= score * half_step * 1.000_01 && back >= score / half_step / 1.000_01,
                "score {score} came back as {back} ({quantization:?})"
            );
        }

        // The range path, step by step, gives the same bundle.
        let prefix = Prefix::parse(&bytes[..header.leaf_offset as usize]).expect("prefix");
        let leaf_range = prefix.leaf_range(&record.id);
        let leaf_bytes = &bytes[leaf_range.start as usize..leaf_range.end as usize];
        let leaf =
            LeafDirectory::parse(leaf_bytes, prefix.bucket_of(&record.id), &prefix).expect("leaf");
        let span = leaf.lookup(&record.id).expect("span");
        let span_bytes = &bytes[span.range.start as usize..span.range.end as usize];
        let found = Bundle::find(span_bytes, span.count, &record.id)
            .expect("find")
            .expect("found in span");
        assert_eq!(found, bundle);
        assert!(span.first_number <= own.number);
        assert!(own.number < span.first_number + span.count as u32);
    }

    let numbered: Vec<_> = table.bundles().collect::<Result<_, _>>().expect("bundles");
    assert_eq!(numbered.len(), input.products.len());
    for (number, bundle) in numbered.iter().enumerate() {
        assert_eq!(
            bundle.product().map(|card| card.number),
            Some(number as u32)
        );
    }

    let prefix = table.prefix().expect("prefix");
    let best: Vec<_> = prefix.best_sellers().neighbours().collect();
    let mut expected = input.best_sellers.clone();
    expected.sort_by(|left, right| right.1.total_cmp(&left.1));
    assert_eq!(best.len(), expected.len());
    for ((card, _), (index, _)) in best.iter().zip(&expected) {
        assert_card_matches(card, &input.products[*index as usize]);
    }
    assert!(best.windows(2).all(|pair| pair[0].1 >= pair[1].1));
}

/// Every checksummed region of a valid table: `(first byte, offset of its CRC)`.
/// Lets tests change bytes and then fix the checksums, so the structural
/// checks (not the CRCs) are what must catch the change.
pub fn checksummed_regions(bytes: &[u8]) -> Vec<(usize, usize)> {
    let prefix = Prefix::parse(bytes).expect("a valid table");
    let header = prefix.header();
    let mut regions = vec![
        (0, 92),
        (96, header.best_sellers_offset as usize - 4),
        (
            header.best_sellers_offset as usize,
            header.leaf_offset as usize - 4,
        ),
    ];
    for bucket in 0..header.bucket_count() {
        let range = prefix.leaf_range_of_bucket(bucket).expect("bucket exists");
        let (start, end) = (range.start as usize, range.end as usize);
        regions.push((start, end - 4));
        let leaf = LeafDirectory::parse(&bytes[start..end], bucket, &prefix).expect("valid leaf");
        let mut offset = leaf.bundles_start() as usize;
        for (_, length) in leaf.entries() {
            regions.push((offset, offset + length as usize - 4));
            offset += length as usize;
        }
    }
    regions
}

/// Rewrites the CRC of every region (see [`checksummed_regions`]).
pub fn reseal(bytes: &mut [u8], regions: &[(usize, usize)]) {
    for &(start, crc_at) in regions {
        let checksum = alsobought_core::crc32(&bytes[start..crc_at]);
        bytes[crc_at..crc_at + 4].copy_from_slice(&checksum.to_le_bytes());
    }
}

pub fn score() -> impl Strategy<Value = f32> {
    prop_oneof![Just(0.0f32), 1e-6f32..1e6f32, 0.5f32..1.0f32]
}

pub fn record() -> impl Strategy<Value = ProductRecord> {
    (
        (
            "\\PC{0,10}",
            "\\PC{0,24}",
            "[ -~]{0,30}",
            "[ -~]{0,30}",
            "\\PC{0,8}",
        ),
        (
            proptest::option::of(any::<u32>()),
            proptest::option::of("[A-Z]{3}"),
            any::<bool>(),
            proptest::option::of(0u8..=50),
            any::<bool>(),
            proptest::option::of(1u32..=1_000_000),
        ),
    )
        .prop_map(
            |(
                (id, title, url, image, category),
                (price, currency, available, rating, from, markup),
            )| {
                ProductRecord {
                    id,
                    title,
                    url,
                    image,
                    category,
                    price_hundredths: price,
                    currency,
                    available,
                    rating_tenths: rating,
                    // A "from" price needs a price (the writer refuses it otherwise).
                    price_from: from && price.is_some(),
                    // A compare-at price must be above the price.
                    compare_at_hundredths: price
                        .zip(markup)
                        .and_then(|(price, markup)| price.checked_add(markup)),
                }
            },
        )
}

/// Keeps the first entry per product, drops `owner` itself.
pub fn valid_list(list: Vec<(u32, f32)>, owner: Option<u32>) -> Vec<(u32, f32)> {
    let mut seen = BTreeSet::new();
    list.into_iter()
        .filter(|&(index, _)| Some(index) != owner && seen.insert(index))
        .collect()
}

/// Arbitrary valid writer inputs: up to 40 products with any field values.
pub fn table_input() -> impl Strategy<Value = TableInput> {
    (prop::collection::vec(record(), 0..40), 0u8..=6)
        .prop_flat_map(|(records, max_neighbours)| {
            let mut ids = BTreeSet::new();
            let products: Vec<_> = records
                .into_iter()
                .filter(|record| ids.insert(record.id.clone()))
                .collect();
            let count = products.len();
            let index = 0..count.max(1) as u32;
            let list =
                prop::collection::vec((index.clone(), score()), 0..=usize::from(max_neighbours));
            let best_sellers = prop::collection::vec((index, score()), 0..12);
            (
                Just(products),
                prop::collection::vec(list, count),
                best_sellers,
                any::<u64>(),
                Just(max_neighbours),
                cart_combination(),
            )
        })
        .prop_map(
            |(products, lists, best_sellers, order_count, max_neighbours, cart_combination)| {
                let has_products = !products.is_empty();
                TableInput {
                    neighbours: lists
                        .into_iter()
                        .enumerate()
                        .map(|(owner, list)| valid_list(list, Some(owner as u32)))
                        .collect(),
                    best_sellers: if has_products {
                        valid_list(best_sellers, None)
                    } else {
                        Vec::new()
                    },
                    products,
                    order_count,
                    max_neighbours,
                    cart_combination,
                }
            },
        )
}

/// Every way a cart may be combined, the default most often (a version 1 table).
pub fn cart_combination() -> impl Strategy<Value = CartCombination> {
    prop_oneof![
        3 => Just(CartCombination::DEFAULT),
        1 => Just(CartCombination::Sum),
        1 => Just(CartCombination::NormalizedSum),
        1 => (0.0f32..=1.0).prop_map(|sum_weight| CartCombination::MaxThenSum { sum_weight }),
        1 => (0.5f32..=1000.0).prop_map(|offset| CartCombination::ReciprocalRank { offset }),
    ]
}
