//! Variants pooled into their product: the catalog's `group` field, `--group-col`, and
//! Shopify's orders and products exports read as-is; checked through `recommend` (the
//! widget's scoring) and `inspect` (the cards the widget shows).

mod common;

use common::{Run, Scratch};

/// The tee comes in S and M, often bought together (a shopper unsure of the size);
/// each size was bought once with the cap, the M once with the mug; the mug once with
/// the cap.
const ORDERS: &str = "\
order_id,product_id
1,TEE-S\n1,TEE-M\n2,TEE-S\n2,TEE-M\n3,TEE-S\n3,TEE-M
4,TEE-S\n4,CAP\n5,TEE-M\n5,CAP\n6,TEE-M\n6,MUG\n7,MUG\n7,CAP
";

/// The M is the tee's default variant; the S is cheaper.
const CATALOG: &str = "\
id,title,price,currency,url,image,group,default
TEE-S,Tee,12,EUR,/p/tee-s,/i/tee-s.jpg,TEE,
TEE-M,Tee,15,EUR,/p/tee-m,/i/tee-m.jpg,TEE,yes
CAP,Cap,9,EUR,/p/cap,/i/cap.jpg,,
MUG,Mug,8,EUR,/p/mug,/i/mug.jpg,,
";

/// `build` into store.table scored by plain counts, so the ranks read off the orders.
fn build_run(scratch: &Scratch, orders: &str, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--orders",
        orders,
        "--out",
        "store.table",
        "--measure",
        "count",
        "--cold-start-fill",
        "0",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args)
}

/// [`build_run`], which must succeed: its summary.
fn build(scratch: &Scratch, orders: &str, extra: &[&str]) -> String {
    build_run(scratch, orders, extra).success().stdout
}

/// What `recommend` suggests for `product`, without the best-seller fallback.
fn recs(scratch: &Scratch, product: &str) -> Vec<String> {
    let run = scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--product",
            product,
            "--max",
            "5",
            "--fallback",
            "none",
        ])
        .success();
    // A title line, a header line, then one row per suggestion: `1  TEE  1.000 ...`.
    run.stdout
        .lines()
        .skip(2)
        .filter_map(|row| row.split_whitespace().nth(1))
        .map(str::to_owned)
        .collect()
}

/// `inspect --product`'s card lines for `product` (`title`, `price`, `url`, ...).
fn card(scratch: &Scratch, product: &str) -> String {
    scratch
        .run(&["inspect", "store.table", "--product", product])
        .success()
        .stdout
}

#[test]
fn a_variants_sibling_is_never_suggested_and_its_co_purchases_pool() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", ORDERS);
    scratch.write("catalog.csv", CATALOG);

    // Without groups, the S's best partner is its own sibling.
    build(&scratch, "orders.csv", &[]);
    assert_eq!(recs(&scratch, "TEE-S")[0], "TEE-M");

    let summary = build(&scratch, "orders.csv", &["--catalog", "catalog.csv"]);
    assert!(
        summary.contains("3 products from catalog.csv (variants pooled: 2 SKUs)"),
        "{summary}"
    );
    assert_eq!(recs(&scratch, "TEE"), ["CAP", "MUG"]);
    // Each size went once with the cap: pooled, the tee is the cap's first partner
    // (2 orders), ahead of the mug (1).
    assert_eq!(recs(&scratch, "CAP"), ["TEE", "MUG"]);
    let tee = card(&scratch, "TEE");
    for line in [
        "title      Tee",
        "price      from 12.00 EUR",
        "url        /p/tee-m",
    ] {
        assert!(tee.contains(line), "{line:?} missing from\n{tee}");
    }
}

#[test]
fn variants_of_one_price_show_a_plain_price() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", ORDERS);
    scratch.write("catalog.csv", CATALOG.replace(",12,", ",15,"));
    build(&scratch, "orders.csv", &["--catalog", "catalog.csv"]);
    let tee = card(&scratch, "TEE");
    assert!(tee.contains("price      15.00 EUR"), "{tee}");
    assert!(tee.contains("format version   1"), "{tee}");
}

#[test]
fn group_col_pools_variants_named_in_the_orders() {
    let scratch = Scratch::new();
    let orders = ORDERS
        .replace("order_id,product_id", "order_id,product_id,style")
        .replace("TEE-S\n", "TEE-S,TEE\n")
        .replace("TEE-M\n", "TEE-M,TEE\n")
        .replace("CAP\n", "CAP,\n")
        .replace("MUG\n", "MUG,\n");
    scratch.write("orders.csv", orders);
    build(&scratch, "orders.csv", &["--group-col", "style"]);
    assert_eq!(recs(&scratch, "TEE"), ["CAP", "MUG"]);
    assert_eq!(recs(&scratch, "CAP"), ["TEE", "MUG"]);
}

/// Shopify's exports, as a store downloads them (columns trimmed to those read, and
/// the products export's image-only row kept).
const SHOPIFY_ORDERS: &str = "\
Name,Email,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku
#1001,a@example.com,2024-03-01 10:00:00 +0100,1,Tee - Blue / S,12.00,TEE-BLUE-S
#1001,,,1,Tee - Blue / M,15.00,TEE-BLUE-M
#1002,b@example.com,2024-03-02 10:00:00 +0100,1,Tee - Blue / S,12.00,TEE-BLUE-S
#1002,,,1,Cap,9.00,CAP-1
#1003,c@example.com,2024-03-03 10:00:00 +0100,1,Tee - Blue / M,15.00,TEE-BLUE-M
#1003,,,1,Cap,9.00,CAP-1
#1004,d@example.com,2024-03-04 10:00:00 +0100,1,Mug,8.00,MUG-1
#1004,,,1,Cap,9.00,CAP-1
";

const SHOPIFY_PRODUCTS: &str = "\
Handle,Title,Type,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src,Variant Image,Status
tee,Tee,Apparel,Size,S,TEE-BLUE-S,12.00,https://cdn.example.com/tee.jpg,,active
tee,,,,M,TEE-BLUE-M,15.00,,https://cdn.example.com/tee-m.jpg,
tee,,,,,,,https://cdn.example.com/tee-back.jpg,,
cap,Cap,Hats,Title,Default Title,CAP-1,9.00,https://cdn.example.com/cap.jpg,,active
mug,Mug,Kitchen,Title,Default Title,MUG-1,8.00,https://cdn.example.com/mug.jpg,,draft
";

#[test]
fn shopify_orders_and_products_exports_are_read_into_groups_by_handle() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SHOPIFY_ORDERS);
    scratch.write("products.csv", SHOPIFY_PRODUCTS);
    let summary = build(&scratch, "orders.csv", &["--catalog", "products.csv"]);
    assert!(
        summary.contains("3 products from products.csv (variants pooled: 4 SKUs)"),
        "{summary}"
    );
    assert_eq!(
        recs(&scratch, "cap"),
        ["tee"],
        "the draft mug is not suggested"
    );
    assert_eq!(recs(&scratch, "tee"), ["cap"]);
    let tee = card(&scratch, "tee");
    for line in [
        "title      Tee",
        "price      from 12.00",
        "url        /products/tee",
        "image      https://cdn.example.com/tee.jpg",
        "category   Apparel",
    ] {
        assert!(tee.contains(line), "{line:?} missing from\n{tee}");
    }
}

#[test]
fn shopify_line_names_group_variants_without_a_catalog() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", SHOPIFY_ORDERS);
    build(&scratch, "orders.csv", &["--group-col", "Lineitem name"]);
    assert_eq!(recs(&scratch, "Cap"), ["Tee", "Mug"]);
    assert!(card(&scratch, "Tee").contains("title      Tee"));
}

#[test]
fn bad_group_rows_name_the_file_line_and_field() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", ORDERS);
    scratch.write(
        "catalog.csv",
        format!("{CATALOG}SOCK,Sock,3,EUR,/p/sock,,,maybe\nHAT,Hat,5,EUR,/p/hat,,,yes\nCAP-RED,Cap,9,EUR,/p/cap-red,,CAP,\n"),
    );
    let run = build_run(&scratch, "orders.csv", &["--catalog", "catalog.csv"]).success();
    let warnings = run.warnings().join("\n");
    for expected in [
        "catalog.csv:6: field \"default\": \"maybe\" is not a yes/no value",
        "catalog.csv:7: field \"default\": marks a default variant, but the row has no group",
        "catalog.csv:8: field \"group\": group `CAP` is also the id of a product",
    ] {
        assert!(
            warnings.contains(expected),
            "{expected:?} missing from\n{warnings}"
        );
    }
    build_run(
        &scratch,
        "orders.csv",
        &["--catalog", "catalog.csv", "--strict"],
    )
    .expect_code(1)
    .stderr_has("catalog.csv:6: field \"default\"");
}

#[test]
fn evaluate_measures_the_groups_build_ships() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", ORDERS);
    scratch.write("catalog.csv", CATALOG);
    let grouped = scratch
        .run(&[
            "evaluate",
            "--orders",
            "orders.csv",
            "--catalog",
            "catalog.csv",
            "--json",
        ])
        .success()
        .stdout;
    let ungrouped = scratch
        .run(&["evaluate", "--orders", "orders.csv", "--json"])
        .success()
        .stdout;
    let products = |report: &str| -> serde_json::Value {
        let report: serde_json::Value = serde_json::from_str(report).expect("JSON");
        report["products"].clone()
    };
    assert_eq!(products(&grouped), 3, "{grouped}");
    assert_eq!(products(&ungrouped), 4, "{ungrouped}");
}
