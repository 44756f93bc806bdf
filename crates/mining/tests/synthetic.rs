//! The synthetic shop generator: the same options give the same bytes however the
//! chunks are scheduled; the files are well-formed; popularity is skewed, basket sizes
//! are plausible and bounded, and planted partners are bought together far more often
//! than chance.

use std::collections::{HashMap, HashSet};

use alsobought_mining::synthetic::{
    SyntheticOptions, SyntheticShop, MAX_BASKET_LINES, MAX_GROUP_SIZE, ORDERS_HEADER,
};

/// A shop small enough for a test but with many chunks.
fn options(seed: u64) -> SyntheticOptions {
    let mut options = SyntheticOptions::new(2_000, 60_000, seed);
    options.lines_per_chunk = 5_000;
    options
}

fn orders_bytes(shop: &SyntheticShop) -> Vec<u8> {
    let mut out = Vec::new();
    shop.write_orders(&mut out, |_| {}).unwrap();
    out
}

fn catalog_bytes(shop: &SyntheticShop) -> Vec<u8> {
    let mut out = Vec::new();
    shop.write_catalog(&mut out).unwrap();
    out
}

fn groups_bytes(shop: &SyntheticShop) -> Vec<u8> {
    let mut out = Vec::new();
    shop.write_groups(&mut out).unwrap();
    out
}

/// Orders as `(order id, product ids)`, in file order.
fn parse_orders(bytes: &[u8]) -> Vec<(String, Vec<String>)> {
    let text = std::str::from_utf8(bytes).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().map(|header| format!("{header}\n")).as_deref(),
        Some(std::str::from_utf8(ORDERS_HEADER).unwrap())
    );
    let mut orders: Vec<(String, Vec<String>)> = Vec::new();
    for line in lines {
        let fields: Vec<&str> = line.split(',').collect();
        assert_eq!(fields.len(), 5, "{line}");
        let quantity: u32 = fields[2].parse().unwrap();
        assert!((1..=6).contains(&quantity), "{line}");
        assert!(
            fields[3].starts_with('C') && fields[4].starts_with("2025-"),
            "{line}"
        );
        match orders.last_mut() {
            Some((id, products)) if id == fields[0] => products.push(fields[1].to_owned()),
            _ => orders.push((fields[0].to_owned(), vec![fields[1].to_owned()])),
        }
    }
    orders
}

#[test]
fn same_seed_gives_identical_bytes_and_another_seed_differs() {
    let first = SyntheticShop::new(&options(7)).unwrap();
    let again = SyntheticShop::new(&options(7)).unwrap();
    let other = SyntheticShop::new(&options(8)).unwrap();
    assert_eq!(catalog_bytes(&first), catalog_bytes(&again));
    assert_eq!(groups_bytes(&first), groups_bytes(&again));
    assert_eq!(orders_bytes(&first), orders_bytes(&again));
    assert_ne!(catalog_bytes(&first), catalog_bytes(&other));
    assert_ne!(groups_bytes(&first), groups_bytes(&other));
    assert_ne!(orders_bytes(&first), orders_bytes(&other));
}

#[test]
fn parallel_output_equals_chunks_written_one_after_another() {
    let shop = SyntheticShop::new(&options(3)).unwrap();
    assert_eq!(shop.chunk_count(), 12);
    let mut sequential = ORDERS_HEADER.to_vec();
    let mut lines = 0;
    for chunk in 0..shop.chunk_count() {
        lines += shop.write_order_chunk(chunk, &mut sequential).lines;
    }
    assert_eq!(lines, 60_000);
    for threads in [1, 3, 8] {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(threads)
            .build()
            .unwrap();
        let mut progress = Vec::new();
        let parallel = pool.install(|| {
            let mut out = Vec::new();
            let summary = shop
                .write_orders(&mut out, |lines| progress.push(lines))
                .unwrap();
            assert_eq!(summary.lines, 60_000);
            assert_eq!(summary.bytes, out.len() as u64);
            out
        });
        assert!(parallel == sequential, "{threads} threads differ from one");
        assert_eq!(progress.last(), Some(&60_000));
        assert!(
            progress.windows(2).all(|pair| pair[0] < pair[1]),
            "{progress:?}"
        );
    }
}

#[test]
fn orders_have_exactly_the_lines_asked_for_distinct_products_and_unique_ids() {
    let shop = SyntheticShop::new(&options(11)).unwrap();
    let bytes = orders_bytes(&shop);
    let orders = parse_orders(&bytes);
    let catalog = String::from_utf8(catalog_bytes(&shop)).unwrap();
    let ids: HashSet<&str> = catalog
        .lines()
        .skip(1)
        .map(|row| row.split(',').next().unwrap())
        .collect();
    assert_eq!(ids.len(), 2_000);
    let mut order_ids = HashSet::new();
    let mut lines = 0;
    for (id, products) in &orders {
        assert!(order_ids.insert(id.clone()), "order {id} appears twice");
        assert!(products.len() as u64 <= MAX_BASKET_LINES);
        let distinct: HashSet<&String> = products.iter().collect();
        assert_eq!(
            distinct.len(),
            products.len(),
            "order {id} repeats a product"
        );
        assert!(products
            .iter()
            .all(|product| ids.contains(product.as_str())));
        lines += products.len();
    }
    assert_eq!(lines, 60_000);
}

#[test]
fn basket_sizes_are_mostly_small_with_a_tail() {
    let mut options = options(5);
    options.lines = 200_000;
    let shop = SyntheticShop::new(&options).unwrap();
    let orders = parse_orders(&orders_bytes(&shop));
    let sizes: Vec<usize> = orders.iter().map(|(_, products)| products.len()).collect();
    let share = |test: &dyn Fn(usize) -> bool| {
        sizes.iter().filter(|&&size| test(size)).count() as f64 / sizes.len() as f64
    };
    let mean = 200_000.0 / sizes.len() as f64;
    assert!((3.0..5.0).contains(&mean), "mean basket {mean}");
    let single = share(&|size| size == 1);
    assert!((0.15..0.4).contains(&single), "single-item share {single}");
    let bulk = share(&|size| size >= 20);
    assert!(
        (0.005..0.05).contains(&bulk),
        "share of 20+ line orders {bulk}"
    );
}

#[test]
fn popularity_is_skewed_toward_the_top_ranks() {
    let mut options = options(9);
    options.purposeful_share = 0.0;
    let shop = SyntheticShop::new(&options).unwrap();
    let orders = parse_orders(&orders_bytes(&shop));
    let mut sales: HashMap<String, u64> = HashMap::new();
    for (_, products) in &orders {
        for product in products {
            *sales.entry(product.clone()).or_default() += 1;
        }
    }
    let sales_of_rank = |rank: u32| {
        let id = shop.catalog().id(shop.product_of_rank(rank));
        sales.get(&id).copied().unwrap_or(0)
    };
    let mut counts: Vec<u64> = sales.values().copied().collect();
    counts.sort_unstable_by(|a, b| b.cmp(a));
    // Rank 0 is the best seller or close to it (noise within a category reorders a bit).
    assert!(
        sales_of_rank(0) * 10 >= counts[0] * 8,
        "{} vs {}",
        sales_of_rank(0),
        counts[0]
    );
    assert!(sales_of_rank(0) > 5 * sales_of_rank(99).max(1));
    // The top 1 % of 2,000 products sell far more than their 1 % share of lines.
    let top: u64 = counts.iter().take(20).sum();
    assert!(
        top as f64 / 60_000.0 > 0.08,
        "top 20 products: {top} of 60,000 lines"
    );
}

#[test]
fn planted_partners_are_bought_together_far_above_chance() {
    let shop = SyntheticShop::new(&options(13)).unwrap();
    let groups: Vec<Vec<String>> = shop
        .groups()
        .map(|members| {
            members
                .iter()
                .map(|&product| shop.catalog().id(product))
                .collect()
        })
        .collect();
    assert_eq!(groups.len(), 200);
    let mut members = HashSet::new();
    for group in &groups {
        assert!((2..=MAX_GROUP_SIZE as usize).contains(&group.len()));
        for id in group {
            assert!(members.insert(id.clone()), "{id} is in two groups");
        }
    }

    let orders = parse_orders(&orders_bytes(&shop));
    let mut product_orders: HashMap<&str, f64> = HashMap::new();
    let mut pair_orders: HashMap<(&str, &str), f64> = HashMap::new();
    for (_, products) in &orders {
        for product in products {
            *product_orders.entry(product).or_default() += 1.0;
        }
        for first in products {
            for second in products {
                if first < second {
                    *pair_orders.entry((first, second)).or_default() += 1.0;
                }
            }
        }
    }
    let order_count = orders.len() as f64;
    // Observed over expected-by-independence co-occurrence, summed over pairs.
    let lift = |pairs: &[(&str, &str)]| {
        let (observed, expected) =
            pairs
                .iter()
                .fold((0.0, 0.0), |(observed, expected), &(a, b)| {
                    let key = if a < b { (a, b) } else { (b, a) };
                    let count = |id: &str| product_orders.get(id).copied().unwrap_or(0.0);
                    (
                        observed + pair_orders.get(&key).copied().unwrap_or(0.0),
                        expected + count(a) * count(b) / order_count,
                    )
                });
        observed / expected
    };
    let planted: Vec<(&str, &str)> = groups
        .iter()
        .flat_map(|group| {
            group
                .windows(2)
                .map(|pair| (pair[0].as_str(), pair[1].as_str()))
        })
        .collect();
    let planted_lift = lift(&planted);
    assert!(planted_lift > 20.0, "planted pairs: lift {planted_lift}");
    // The same number of pairs of best-sellers not planted together: near chance (a
    // little above it, since big baskets hold many of everything).
    let unplanted: Vec<(String, String)> = (0..planted.len() as u32)
        .map(|rank| {
            let id = |rank: u32| shop.catalog().id(shop.product_of_rank(rank));
            (id(2 * rank), id(2 * rank + 1))
        })
        .filter(|(a, b)| {
            !groups
                .iter()
                .any(|group| group.contains(a) && group.contains(b))
        })
        .collect();
    let unplanted: Vec<(&str, &str)> = unplanted
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let unplanted_lift = lift(&unplanted);
    assert!(
        unplanted_lift < 5.0,
        "unplanted pairs: lift {unplanted_lift}"
    );
    assert!(
        planted_lift > 8.0 * unplanted_lift,
        "planted lift {planted_lift}, unplanted {unplanted_lift}"
    );
}

#[test]
fn catalog_rows_cover_every_product_and_category() {
    let shop = SyntheticShop::new(&options(2)).unwrap();
    let catalog = String::from_utf8(catalog_bytes(&shop)).unwrap();
    let mut rows = catalog.lines();
    assert_eq!(
        rows.next(),
        Some("id,title,price,currency,url,image,category,available,rating")
    );
    let rows: Vec<Vec<&str>> = rows.map(|row| row.split(',').collect()).collect();
    assert_eq!(rows.len(), 2_000);
    assert!(rows.iter().all(|fields| fields.len() == 9));
    assert_eq!(rows[0][0], "P0001");
    assert_eq!(rows[1_999][0], "P2000");
    let categories: HashSet<&str> = rows.iter().map(|fields| fields[6]).collect();
    assert_eq!(categories.len() as u32, shop.options().categories);
    let sold_out = rows.iter().filter(|fields| fields[7] == "false").count();
    assert!((10..150).contains(&sold_out), "{sold_out} sold out");
}
