//! `alsobought build` end to end: each input layout, catalogs, and how bad rows and bad
//! catalog values are reported. Tables are checked by reading them back with
//! `alsobought inspect` and `alsobought recommend`, as a user would.

mod common;

use std::io::Write;

use common::{Scratch, SMALL_CATALOG_CSV, SMALL_ORDERS};

/// The batch answer for one query, as `recommend --queries` prints it.
fn recs(scratch: &Scratch, table: &str, query: &str, extra: &[&str]) -> String {
    let mut args = vec!["recommend", "--table", table, "--queries", "-"];
    args.extend_from_slice(extra);
    scratch
        .run_with_stdin(&args, &format!("{{\"query\": {query}}}\n"))
        .success()
        .stdout
}

#[test]
fn generic_csv_builds_a_table_that_suggests_the_bought_together_product() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    let run = scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "store.table",
            "--min-pair-count",
            "1",
        ])
        .success();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    run.stdout_has(
        "orders      6 from orders.csv (CSV with a header; 4 customers; 2024-01-01 to 2024-01-06)",
    )
    .stdout_has("rows        12 read: 12 used, 0 skipped as bad")
    .stdout_has("products    5 in the table")
    .stdout_has("written to store.table");
    assert!(scratch.path("store.table").exists());
    let answer = recs(
        &scratch,
        "store.table",
        "[\"A\"]",
        &["--max", "1", "--fallback", "none"],
    );
    assert_eq!(answer, "{\"query\":[\"A\"],\"recs\":[\"B\"]}\n");
}

#[test]
fn gzip_orders_are_read_transparently() {
    let scratch = Scratch::new();
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(SMALL_ORDERS.as_bytes()).unwrap();
    scratch.write("orders.csv.gz", encoder.finish().unwrap());
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv.gz",
            "--out",
            "store.table",
            "--quiet",
        ])
        .success();
    scratch
        .run(&["inspect", "store.table"])
        .success()
        .stdout_has("orders mined     6");
}

#[test]
fn a_cut_off_gzip_file_is_an_error_saying_how_far_it_got() {
    let scratch = Scratch::new();
    let mut orders = String::from("order_id,product_id\n");
    // Scrambled ids compress poorly, so half the file still holds many chunks.
    for order in 0..100_000u64 {
        let scrambled = order.wrapping_mul(0x9e37_79b9_7f4a_7c15);
        orders.push_str(&format!(
            "{order},P{}\n{order},P{}\n",
            scrambled % 100_003,
            scrambled % 99_991
        ));
    }
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    encoder.write_all(orders.as_bytes()).unwrap();
    let compressed = encoder.finish().unwrap();
    scratch.write("orders.csv.gz", &compressed[..compressed.len() / 2]);
    let run = scratch
        .run(&["build", "--orders", "orders.csv.gz", "--out", "store.table"])
        .expect_code(1)
        .stderr_has("alsobought: error: cannot read orders.csv.gz near line ");
    assert!(!scratch.path("store.table").exists(), "{}", run.stderr);
}

#[test]
fn orders_from_standard_input() {
    let scratch = Scratch::new();
    scratch
        .run_with_stdin(
            &["build", "--orders", "-", "--out", "store.table"],
            SMALL_ORDERS,
        )
        .success()
        .stdout_has("6 from <stdin>");
}

#[test]
fn shopify_export_is_read_as_is_with_titles_prices_and_currency() {
    let scratch = Scratch::new();
    scratch.fixture("shopify_orders_export.csv");
    let run = scratch
        .run(&["build", "--orders", "shopify_orders_export.csv", "--out", "shop.table"])
        .success()
        .stdout_has("7 from shopify_orders_export.csv (Shopify orders export; 6 customers; 2024-03-01 to 2024-03-06)")
        .stdout_has("products    5 in the table");
    // The custom "Gift wrap" line has no SKU: skipped, and said so with line and field.
    assert_eq!(
        run.warnings()[0],
        "alsobought: warning: shopify_orders_export.csv:10: field \"Lineitem sku\": empty value; row skipped"
    );
    run.stderr_has("1 row skipped (1 empty product id)");
    scratch
        .run(&["inspect", "shop.table", "--product", "TEA-EG"])
        .success()
        // Titles come from "Lineitem name", the usual (most frequent) price from
        // "Lineitem price" (one order had a discount), the currency from "Currency".
        .stdout_has("title      Tea, Earl Grey 100g")
        .stdout_has("price      6.00 EUR");
    let answer = recs(&scratch, "shop.table", "[\"POT-1\"]", &["--max", "1"]);
    assert_eq!(answer, "{\"query\":[\"POT-1\"],\"recs\":[\"COSY-HH\"]}\n");
}

#[test]
fn bad_rows_are_warned_with_file_line_and_field_and_counted() {
    let scratch = Scratch::new();
    scratch.write(
        "orders.csv",
        "order_id,product_id,quantity\r\n1,A,1\r\n1,B,1\r\n\r\n2,,1\r\n2,A,two\r\n3,A,1,extra\r\n3,B,-1\r\n4,A,1\r\n4,B,1\r\n",
    );
    let run = scratch
        .run(&["build", "--orders", "orders.csv", "--out", "store.table"])
        .success();
    assert_eq!(
        run.warnings(),
        [
            "alsobought: warning: orders.csv:5: field \"product_id\": empty value; row skipped",
            "alsobought: warning: orders.csv:6: field \"quantity\": \"two\" is not a whole number; row skipped",
            "alsobought: warning: orders.csv:7: the row has 4 fields but the header has 3 (an unquoted comma or quote?); row skipped",
            "alsobought: warning: orders.csv:8: field \"quantity\": quantity -1 is not positive (a return or cancellation? --skip-negative-quantity drops such rows); row skipped",
            "alsobought: warning: orders.csv: 4 rows skipped (1 empty product id, 1 bad quantity, 1 wrong number of fields, 1 quantity not positive); --strict makes this an error",
        ]
    );
    run.stdout_has("rows        8 read: 4 used, 4 skipped as bad");
}

#[test]
fn only_the_first_few_bad_rows_are_shown_but_all_are_counted() {
    let scratch = Scratch::new();
    let mut orders = String::from("order_id,product_id\n1,A\n1,B\n");
    for order in 0..50 {
        orders.push_str(&format!("{order},\n"));
    }
    scratch.write("orders.csv", orders);
    let run = scratch
        .run(&["build", "--orders", "orders.csv", "--out", "store.table"])
        .success()
        .stderr_has("50 rows skipped (50 empty product id)");
    assert_eq!(run.warnings().len(), 3 + 1, "{}", run.stderr);
}

#[test]
fn strict_turns_the_first_bad_row_into_an_error() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", "order_id,product_id\n1,A\n1,\n2,\n");
    let run = scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "store.table",
            "--strict",
        ])
        .expect_code(1);
    assert_eq!(
        run.stderr.trim_end(),
        "alsobought: error: orders.csv:3: field \"product_id\": empty value; stopping because of --strict (without it the row is skipped with a warning)"
    );
    assert!(
        !scratch.path("store.table").exists(),
        "no table is written on error"
    );
}

#[test]
fn filters_drop_rows_quietly_and_are_summed_up() {
    let scratch = Scratch::new();
    scratch.write(
        "retail.csv",
        "Invoice,StockCode,Description,Quantity,Price\n\
         1,A,Mug,1,2.5\n1,B,Tea,1,1\n1,POST,Postage,1,18\n\
         C2,A,Mug,-1,2.5\n3,A,Mug,-2,2.5\n3,B,Tea,1,0\n3,TEST9,Test,1,1\n4,A,Mug,1,2.5\n4,B,Tea,1,1\n",
    );
    let run = scratch
        .run(&[
            "build",
            "--orders",
            "retail.csv",
            "--order-col",
            "Invoice",
            "--product-col",
            "StockCode",
            "--title-col",
            "Description",
            "--price-col",
            "Price",
            "--currency",
            "GBP",
            "--skip-orders-prefix",
            "C",
            "--skip-negative-quantity",
            "--skip-zero-price",
            "--exclude-products",
            "POST,DOT",
            "--exclude-products-matching",
            "TEST*",
            "--out",
            "retail.table",
            "--strict",
        ])
        .success();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    run.stdout_has("rows        9 read: 4 used, 5 dropped on request, 0 skipped as bad")
        .stdout_has("(--exclude-products 1, --skip-orders-prefix 1, --skip-negative-quantity 1, --skip-zero-price 1, --exclude-products-matching 1)")
        .stdout_has("products    2 in the table");
    scratch
        .run(&["inspect", "retail.table", "--product", "A"])
        .success()
        .stdout_has("title      Mug")
        .stdout_has("price      2.50 GBP");
}

#[test]
fn a_missing_column_is_an_error_listing_the_header() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", "Invoice,StockCode\n1,A\n");
    scratch
        .run(&["build", "--orders", "orders.csv", "--out", "store.table"])
        .expect_code(1)
        .stderr_has("alsobought: error: orders.csv has no \"order_id\" column; the header has: \"Invoice\", \"StockCode\"; name the column with --order-col");
    scratch
        .run(&["build", "--orders", "orders.csv", "--order-col", "Invoice", "--product-col", "Sku", "--out", "store.table"])
        .expect_code(1)
        .stderr_has("orders.csv has no column \"Sku\" (given with --product-col); the header has: \"Invoice\", \"StockCode\"");
}

#[test]
fn csv_catalog_gives_cards_and_limits_suggestions() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    // E is ordered but not listed: never suggested, and the build says so.
    scratch.write(
        "catalog.csv",
        SMALL_CATALOG_CSV.replace(
            "E,Spoon,1.50,EUR,/p/e,/img/e.jpg,kitchen,true,\n",
            "F,Fork,2,EUR,/p/f,/img/f.jpg,kitchen,true,\n",
        ),
    );
    let run = scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.csv",
            "--out",
            "store.table",
            "--min-pair-count",
            "1",
        ])
        .success()
        .stdout_has(
            "products    5 in the table (the catalog's); 5 ordered, 1 of them not in the catalog",
        );
    assert_eq!(
        run.warnings(),
        ["alsobought: warning: 1 ordered product is not in the catalog and never suggested: \"E\""]
    );
    scratch
        .run(&["inspect", "store.table", "--product", "A"])
        .success()
        .stdout_has("title      Mug, blue")
        .stdout_has("price      12.50 EUR")
        .stdout_has("category   kitchen")
        .stdout_has("url        /p/a")
        .stdout_has("rating     4.5 / 5");
    // D is unavailable: C's page never shows it.
    let answer = recs(
        &scratch,
        "store.table",
        "[\"C\"]",
        &["--max", "10", "--fallback", "none"],
    );
    assert!(!answer.contains("\"D\""), "{answer}");
}

#[test]
fn jsonl_catalog_by_extension_or_flag() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    let catalog = "{\"id\": \"A\", \"title\": \"Mug\", \"price\": 12.5, \"currency\": \"EUR\", \"available\": true}\n\
                   {\"id\": \"B\", \"title\": \"Tea\", \"price\": \"4\", \"rating\": 3.5}\n";
    scratch.write("catalog.jsonl", catalog);
    scratch.write("catalog.txt", catalog);
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.jsonl",
            "--out",
            "a.table",
            "-q",
        ])
        .success();
    scratch
        .run(&["inspect", "a.table", "--product", "B"])
        .success()
        .stdout_has("rating     3.5 / 5");
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.txt",
            "--out",
            "b.table",
        ])
        .expect_code(1)
        .stderr_has("pass --catalog-format csv or --catalog-format jsonl");
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.txt",
            "--catalog-format",
            "jsonl",
            "--out",
            "b.table",
            "-q",
        ])
        .success();
}

#[test]
fn with_strict_malformed_catalog_values_are_errors_naming_file_line_and_field() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    scratch.write(
        "catalog.csv",
        "id,title,price,available\nA,Mug,12.50,yes\nB,Tea,4,perhaps\n",
    );
    scratch
        .run(&["build", "--orders", "orders.csv", "--catalog", "catalog.csv", "--out", "store.table", "--strict"])
        .expect_code(1)
        .stderr_has("alsobought: error: catalog.csv:3: field \"available\": \"perhaps\" is not an availability");
    scratch.write(
        "catalog.jsonl",
        "{\"id\": \"A\", \"title\": \"Mug\"}\n{\"id\": \"B\", \"title\": \"Tea\", \"price\": -4}\n",
    );
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.jsonl",
            "--out",
            "store.table",
            "--strict",
        ])
        .expect_code(1)
        .stderr_has("alsobought: error: catalog.jsonl:2: field \"price\": price \"-4\" is outside");
}

#[test]
fn the_table_is_replaced_atomically() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SMALL_ORDERS);
    scratch.write("store.table", "the previous table");
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "store.table",
            "-q",
        ])
        .success();
    let bytes = std::fs::read(scratch.path("store.table")).unwrap();
    assert_eq!(&bytes[..8], b"ALSOBGHT");
    let leftovers: Vec<_> = std::fs::read_dir(scratch.path("."))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| name.contains(".partial-"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}
