//! Scoring latency on the real-data table (with realistic cards): a product page (one product in context)
//! and a 20-product cart, with bundles already parsed (what the widget holds after
//! its fetches), and the cart again including the in-memory lookups. Target ≤ 20 µs.

mod support;

use alsobought_core::{recommend, Bundle, RecommendOptions, Table};
use criterion::{black_box, criterion_group, criterion_main, Criterion};

fn recommend_benches(criterion: &mut Criterion) {
    let (orders, bytes) = support::table::online_retail_table_with_catalog();
    let table = Table::open(bytes.as_slice()).unwrap();
    let prefix = table.prefix().unwrap();
    let scoring = prefix.header().scoring();
    let options = RecommendOptions::default();

    // The most ordered product, and the first real order with 20 products or more.
    let counts = orders.product_order_counts();
    let top = (0..counts.len())
        .max_by_key(|&product| (counts[product], std::cmp::Reverse(product)))
        .unwrap();
    let page_id = orders.product_ids()[top].as_str();
    let cart_ids: Vec<&str> = orders
        .baskets()
        .iter()
        .find(|basket| basket.len() >= 20)
        .expect("an order of 20 products")
        .iter()
        .take(20)
        .map(|&product| orders.product_ids()[product as usize].as_str())
        .collect();
    let bundles_of = |ids: &[&str]| -> Vec<Bundle<'_>> {
        ids.iter()
            .filter_map(|id| prefix.find_in_file(table.bytes(), id).unwrap())
            .collect()
    };
    let page_bundles = bundles_of(&[page_id]);
    let cart_bundles = bundles_of(&cart_ids);
    eprintln!(
        "product page `{page_id}`: {} neighbours; cart: {} products, {} neighbours in total",
        page_bundles[0].len(),
        cart_bundles.len(),
        cart_bundles.iter().map(Bundle::len).sum::<usize>()
    );

    let mut group = criterion.benchmark_group("recommend");
    group.bench_function("product_page_1", |bencher| {
        bencher.iter(|| {
            recommend(
                black_box(&[page_id]),
                black_box(&page_bundles),
                Some(prefix.best_sellers()),
                &scoring,
                &options,
            )
        })
    });
    group.bench_function("cart_20", |bencher| {
        bencher.iter(|| {
            recommend(
                black_box(&cart_ids),
                black_box(&cart_bundles),
                Some(prefix.best_sellers()),
                &scoring,
                &options,
            )
        })
    });
    group.bench_function("cart_20_with_lookups", |bencher| {
        bencher.iter(|| {
            let bundles = bundles_of(black_box(&cart_ids));
            recommend(
                &cart_ids,
                &bundles,
                Some(prefix.best_sellers()),
                &scoring,
                &options,
            )
            .len()
        })
    });
    group.finish();
}

criterion_group!(benches, recommend_benches);
criterion_main!(benches);
