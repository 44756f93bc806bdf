//! Writes the seed inputs of the table, split, recommend and settings targets into
//! `corpus/<target>/` (`cargo run -p alsobought-fuzzing --example seeds`): the core
//! crate's fixture table, tables of every shape the writer makes, their directory
//! layouts, and the settings the docs and demo pages show. The text targets' seeds
//! (orders, catalog, events) are plain files written by hand. Fuzzing then grows these
//! directories and `scripts/fuzz.sh` minimizes them.

use std::fs;
use std::path::Path;

use alsobought_core::{split_table, write_table, CartCombination, ProductRecord, TableInput};
use alsobought_fuzzing::carve;

fn product(number: usize) -> ProductRecord {
    let priced = !number.is_multiple_of(4);
    ProductRecord {
        id: format!("SKU-{number}"),
        title: format!("Product {number} « Café » ☕"),
        url: format!("https://shop.example/p/{number}"),
        image: format!("https://shop.example/i/{number}.jpg"),
        category: ["mugs", "tea", ""][number % 3].into(),
        price_hundredths: priced.then_some(199 * number as u32),
        price_from: number % 5 == 1 && priced,
        currency: priced.then(|| "EUR".into()),
        available: number % 7 != 3,
        rating_tenths: number.is_multiple_of(2).then_some((number % 51) as u8),
        // Every sixth product on sale, so the seed tables have version 3 cards too.
        compare_at_hundredths: (priced && number % 6 == 5).then_some(250 * number as u32),
    }
}

/// `count` products, each with up to `degree` neighbours.
fn table(count: usize, degree: usize, combination: CartCombination) -> Vec<u8> {
    let neighbours = (0..count)
        .map(|own| {
            (1..=degree.min(count.saturating_sub(1)))
                .map(|step| (((own + step * 7) % count) as u32, 1.0 / step as f32))
                .filter(|(other, _)| *other as usize != own)
                .collect::<Vec<_>>()
        })
        .map(|mut list| {
            list.sort_by_key(|(other, _)| *other);
            list.dedup_by_key(|(other, _)| *other);
            list
        })
        .collect();
    let input = TableInput {
        products: (0..count).map(product).collect(),
        neighbours,
        best_sellers: (0..count.min(5))
            .map(|n| (n as u32, 100.0 - n as f32))
            .collect(),
        order_count: 1000,
        max_neighbours: degree as u8,
        cart_combination: combination,
    };
    write_table(&input).expect("a valid seed table")
}

fn save(root: &Path, target: &str, name: &str, data: &[u8]) {
    let directory = root.join(target);
    fs::create_dir_all(&directory).expect("a writable corpus directory");
    fs::write(directory.join(name), data).expect("a writable corpus file");
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let fixture =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/tests/fixtures/example.table");
    let mut tables = vec![(
        "fixture".to_string(),
        fs::read(fixture).expect("the core fixture"),
    )];
    for (count, degree, combination) in [
        (0, 0, CartCombination::Max),
        (1, 0, CartCombination::Max),
        (6, 3, CartCombination::Max),
        (10, 3, CartCombination::Sum),
        (16, 4, CartCombination::MaxThenSum { sum_weight: 0.25 }),
        (12, 2, CartCombination::ReciprocalRank { offset: 60.0 }),
    ] {
        tables.push((
            format!("p{count}-n{degree}-{}", combination.name()),
            table(count, degree, combination),
        ));
    }
    for (name, bytes) in &tables {
        let name = name.replace(':', "-");
        save(&root, "table", &format!("seed-{name}"), bytes);
        for shard_bytes in [64, 1024] {
            let split = split_table(bytes, shard_bytes).expect("seed tables split");
            let shards: Vec<&[u8]> = split
                .shards
                .iter()
                .map(|(_, shard)| shard.as_slice())
                .collect();
            save(
                &root,
                "split",
                &format!("seed-{name}-{shard_bytes}"),
                &carve(&split.entry, &shards),
            );
        }
    }
    // The recommend target reads structure from any bytes: a few fixed patterns.
    for length in [16usize, 64, 256, 1024] {
        let bytes: Vec<u8> = (0..length).map(|i| (i * 131 % 251) as u8).collect();
        save(&root, "recommend", &format!("seed-{length}"), &bytes);
    }
    let settings = [
        ("attributes", "data-table=/alsobought/store.table\ndata-product=SKU-123\ndata-max-suggestions=3\ndata-layout=bundle\ndata-locale=en-IE\ndata-currency=EUR\n"),
        ("experiment", "data-table=/alsobought/store/\ndata-cart=a, b,,a\ndata-experiment=fbt-2026-11\ndata-variants=control:45,compact:45,holdout:10\ndata-variant-compact-layout=bundle\ndata-variant-compact-max-suggestions=2\ndata-beacon=https://collect.example.com/alsobought\n?fbt-2026-11:compact\n"),
        ("rejected", "data-table=t\ndata-product=p\ndata-max-suggestions=99\ndata-min-score=1.5\ndata-timeout=0\ndata-fallback=maybe\ndata-tracking=off\ndata-max-per-category=0\n"),
        ("options", r#"{"table":"/t.table","cart":["a","b",7],"maxSuggestions":5.5,"minScore":0.2,"exclude":"x,y","fallback":"none","loading":"lazy","experiment":"e","variants":"a:1,b:1","variantSettings":{"a":{"layout":"bundle","holdout":true}}}"#),
        ("options-bad", r#"{"table":"","product":null,"timeout":-1,"layout":{},"tracking":true}"#),
    ];
    for (name, text) in settings {
        save(&root, "settings", &format!("seed-{name}"), text.as_bytes());
    }
}
