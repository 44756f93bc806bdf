//! `alsobought build --pair-stats DIR` on statistics written here in the layout of
//! spark/pair_stats.py (the job itself runs in tests/spark.rs, when Java is there):
//! the table equals the one built from the orders, and statistics that cannot be right
//! are refused with the file and a fix.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::{self, File};
use std::path::Path;
use std::sync::Arc;

use common::Scratch;
use parquet::data_type::{ByteArray, ByteArrayType, Int32Type, Int64Type};
use parquet::file::properties::WriterProperties;
use parquet::file::writer::SerializedFileWriter;
use parquet::schema::parser::parse_message_type;

/// One column of a Parquet file to write.
enum Values {
    Text(Vec<String>),
    Int(Vec<i32>),
    Long(Vec<i64>),
}

/// Writes `columns` as one Parquet file; `nullable` makes the columns OPTIONAL, as
/// Spark writes most of them (the reader must handle both).
fn write_parquet(path: &Path, columns: &[(&str, Values)], nullable: bool) {
    let repetition = if nullable { "OPTIONAL" } else { "REQUIRED" };
    let fields: Vec<String> = columns
        .iter()
        .map(|(name, values)| match values {
            Values::Text(_) => format!("{repetition} BYTE_ARRAY {name} (UTF8);"),
            Values::Int(_) => format!("{repetition} INT32 {name};"),
            Values::Long(_) => format!("{repetition} INT64 {name};"),
        })
        .collect();
    let schema = parse_message_type(&format!("message spark_schema {{ {} }}", fields.join(" ")))
        .expect("a valid schema");
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let file = File::create(path).unwrap();
    let mut writer = SerializedFileWriter::new(
        file,
        Arc::new(schema),
        Arc::new(WriterProperties::builder().build()),
    )
    .unwrap();
    let mut group = writer.next_row_group().unwrap();
    for (_, values) in columns {
        let mut column = group.next_column().unwrap().expect("a column per field");
        let rows = match values {
            Values::Text(values) => values.len(),
            Values::Int(values) => values.len(),
            Values::Long(values) => values.len(),
        };
        let levels = vec![1i16; rows];
        let levels = nullable.then_some(levels.as_slice());
        match values {
            Values::Text(values) => {
                let bytes: Vec<ByteArray> =
                    values.iter().map(|text| text.as_str().into()).collect();
                column
                    .typed::<ByteArrayType>()
                    .write_batch(&bytes, levels, None)
                    .unwrap();
            }
            Values::Int(values) => {
                column
                    .typed::<Int32Type>()
                    .write_batch(values, levels, None)
                    .unwrap();
            }
            Values::Long(values) => {
                column
                    .typed::<Int64Type>()
                    .write_batch(values, levels, None)
                    .unwrap();
            }
        }
        column.close().unwrap();
    }
    group.close().unwrap();
    writer.close().unwrap();
}

/// Counts of one order history, the way the Spark job counts them.
struct Counts {
    orders: u64,
    lines: u64,
    products: BTreeMap<String, i64>,
    pairs: BTreeMap<(String, String), i64>,
}

/// Counts the `order_id,product_id,...` CSV at `path` (no quoting in it).
fn count_orders(path: &Path) -> Counts {
    let text = fs::read_to_string(path).unwrap();
    let mut baskets: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut lines = 0;
    for line in text.lines().skip(1) {
        let mut fields = line.split(',');
        let order = fields.next().unwrap().to_owned();
        let product = fields.next().unwrap().to_owned();
        baskets.entry(order).or_default().insert(product);
        lines += 1;
    }
    let mut products = BTreeMap::new();
    let mut pairs = BTreeMap::new();
    for basket in baskets.values() {
        for (position, a) in basket.iter().enumerate() {
            *products.entry(a.clone()).or_insert(0) += 1;
            for b in basket.iter().skip(position + 1) {
                *pairs.entry((a.clone(), b.clone())).or_insert(0) += 1;
            }
        }
    }
    Counts {
        orders: baskets.len() as u64,
        lines,
        products,
        pairs,
    }
}

/// Writes `counts` as a pair statistics directory at `dir`, products numbered in id
/// order, pairs split over two part files, with `_SUCCESS` markers as Spark leaves
/// them. A pair whose product is not in `counts.products` gets the index past the
/// last product.
fn write_stats(dir: &Path, counts: &Counts, format: &str, pair_count: u64) {
    write_parquet(
        &dir.join("summary/part-00000.snappy.parquet"),
        &[
            ("format", Values::Text(vec![format.to_owned()])),
            ("order_count", Values::Long(vec![counts.orders as i64])),
            ("line_count", Values::Long(vec![counts.lines as i64])),
            (
                "product_count",
                Values::Long(vec![counts.products.len() as i64]),
            ),
            ("pair_count", Values::Long(vec![pair_count as i64])),
        ],
        false,
    );
    let index: BTreeMap<&str, i32> = counts
        .products
        .keys()
        .enumerate()
        .map(|(index, id)| (id.as_str(), index as i32))
        .collect();
    write_parquet(
        &dir.join("products/part-00000.snappy.parquet"),
        &[
            (
                "product_index",
                Values::Int(index.values().copied().collect()),
            ),
            (
                "product_id",
                Values::Text(counts.products.keys().cloned().collect()),
            ),
            (
                "order_count",
                Values::Long(counts.products.values().copied().collect()),
            ),
        ],
        true,
    );
    let number = |id: &String| {
        index
            .get(id.as_str())
            .copied()
            .unwrap_or(index.len() as i32)
    };
    let pairs: Vec<_> = counts.pairs.iter().collect();
    let (first, second) = pairs.split_at(pairs.len() / 2);
    for (part, half) in [first, second].into_iter().enumerate() {
        write_parquet(
            &dir.join(format!("pairs/part-{part:05}.snappy.parquet")),
            &[
                (
                    "product_a",
                    Values::Int(half.iter().map(|((a, _), _)| number(a)).collect()),
                ),
                (
                    "product_b",
                    Values::Int(half.iter().map(|((_, b), _)| number(b)).collect()),
                ),
                (
                    "order_count",
                    Values::Long(half.iter().map(|(_, &count)| count).collect()),
                ),
            ],
            true,
        );
    }
    for dataset in ["summary", "products", "pairs"] {
        fs::write(dir.join(dataset).join("_SUCCESS"), "").unwrap();
    }
}

fn generated_shop(scratch: &Scratch) -> Counts {
    scratch.generate_shop("500", "8k", Some("3"));
    count_orders(&scratch.path("shop/orders.csv"))
}

#[test]
fn pair_statistics_give_the_table_the_orders_give() {
    let scratch = Scratch::new();
    let counts = generated_shop(&scratch);
    write_stats(
        &scratch.path("stats"),
        &counts,
        "alsobought-pair-stats/1",
        counts.pairs.len() as u64,
    );
    for catalog in [None, Some("shop/catalog.csv")] {
        let mut options = vec!["--neighbours", "7"];
        if let Some(catalog) = catalog {
            options.extend(["--catalog", catalog]);
        }
        scratch
            .run(
                &[
                    &[
                        "build",
                        "--orders",
                        "shop/orders.csv",
                        "--out",
                        "orders.table",
                        // Pair statistics have no held-out orders to tune on.
                        "--tune",
                        "off",
                    ],
                    options.as_slice(),
                ]
                .concat(),
            )
            .success();
        let run = scratch
            .run(
                &[
                    &["build", "--pair-stats", "stats", "--out", "stats.table"],
                    options.as_slice(),
                ]
                .concat(),
            )
            .success()
            .stdout_has("(pair statistics of spark/pair_stats.py)");
        assert!(run.warnings().is_empty(), "{}", run.stderr);
        assert_eq!(
            fs::read(scratch.path("stats.table")).unwrap(),
            fs::read(scratch.path("orders.table")).unwrap(),
            "catalog {catalog:?}: the table from statistics differs"
        );
    }
}

#[test]
fn statistics_that_cannot_be_right_are_refused() {
    let scratch = Scratch::new();
    let counts = generated_shop(&scratch);
    let build = |dir: &str| {
        scratch
            .run(&["build", "--pair-stats", dir, "--out", "t.table"])
            .expect_code(1)
    };

    build("missing")
        .stderr_has("cannot read missing/summary")
        .stderr_has("with summary/, products/ and pairs/ inside");

    write_stats(
        &scratch.path("future"),
        &counts,
        "alsobought-pair-stats/2",
        counts.pairs.len() as u64,
    );
    build("future").stderr_has("is in format \"alsobought-pair-stats/2\"");

    write_stats(
        &scratch.path("short"),
        &counts,
        "alsobought-pair-stats/1",
        counts.pairs.len() as u64 + 5,
    );
    build("short").stderr_has("pairs read but summary/ says");

    let known = counts.products.keys().next().unwrap().clone();
    let mut stranger = Counts {
        pairs: counts.pairs.clone(),
        products: counts.products.clone(),
        ..counts
    };
    stranger
        .pairs
        .insert((known.clone(), "unknown".to_owned()), 1);
    write_stats(
        &scratch.path("stranger"),
        &stranger,
        "alsobought-pair-stats/1",
        stranger.pairs.len() as u64,
    );
    build("stranger").stderr_has(&format!(
        "a pair names product index {0}, outside 0..{0}",
        stranger.products.len()
    ));

    let mut inflated = Counts {
        pairs: stranger.pairs.clone(),
        products: stranger.products.clone(),
        ..stranger
    };
    inflated.pairs.remove(&(known, "unknown".to_owned()));
    let (pair, count) = inflated.pairs.iter_mut().next().unwrap();
    let pair = pair.clone();
    *count = 1_000_000;
    write_stats(
        &scratch.path("inflated"),
        &inflated,
        "alsobought-pair-stats/1",
        inflated.pairs.len() as u64,
    );
    build("inflated")
        .stderr_has(&format!(
            "products `{}` and `{}` are together in 1000000 orders",
            pair.0, pair.1
        ))
        .stderr_has("compute them again");

    fs::create_dir_all(scratch.path("renamed/summary")).unwrap();
    write_parquet(
        &scratch.path("renamed/summary/part-0.parquet"),
        &[("orders", Values::Long(vec![1]))],
        false,
    );
    build("renamed").stderr_has("has no column \"format\" (it has orders)");

    // Valid statistics, but a measure they cannot serve: pairs carry no order sizes.
    write_stats(
        &scratch.path("valid"),
        &counts,
        "alsobought-pair-stats/1",
        counts.pairs.len() as u64,
    );
    scratch
        .run(&["build", "--pair-stats", "valid", "--out", "weighted.table"])
        .success();
    scratch
        .run(&[
            "build",
            "--pair-stats",
            "valid",
            "--out",
            "weighted.table",
            "--measure",
            "basket-weighted",
        ])
        .expect_code(1)
        .stderr_has(
            "the measure `basket-weighted:0.9` weighs each co-purchase by the size of its order",
        )
        .stderr_has("choose another --measure");
}
