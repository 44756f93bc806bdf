//! The shop platforms' products exports read as catalogs as they are downloaded:
//! Shopify's (multi-row products, variants, stock, status, compare-at prices) and
//! WooCommerce's (variable products and their variations, sale prices, BOM, quoted
//! multi-line descriptions); checked through `inspect` and `recommend`, as a store
//! would.

mod common;

use common::{Run, Scratch};

/// Orders naming the exports' SKUs: each product bought with every other one once,
/// so every available product is some product's neighbour.
fn orders(skus: &[&str]) -> String {
    let mut text = String::from("order_id,product_id\n");
    let mut order = 0;
    for (index, first) in skus.iter().enumerate() {
        for second in &skus[index + 1..] {
            order += 1;
            text += &format!("{order},{first}\n{order},{second}\n");
        }
    }
    text
}

/// Runs `build` of `store.table` from orders of `skus` and the `catalog` in the
/// scratch directory, every pair kept and no cold-start fill.
fn build_run(scratch: &Scratch, catalog: &str, skus: &[&str], extra: &[&str]) -> Run {
    scratch.write("orders.csv", orders(skus));
    let mut args = vec![
        "build",
        "--orders",
        "orders.csv",
        "--catalog",
        catalog,
        "--out",
        "store.table",
        "--min-pair-count",
        "1",
        "--cold-start-fill",
        "0",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args)
}

/// [`build_run`] of the fixture `catalog` as it is, which must succeed: its standard
/// error (the warnings).
fn build(scratch: &Scratch, catalog: &str, skus: &[&str]) -> String {
    scratch.fixture(catalog);
    build_run(scratch, catalog, skus, &[]).success().stderr
}

fn card(scratch: &Scratch, product: &str) -> String {
    scratch
        .run(&["inspect", "store.table", "--product", product])
        .success()
        .stdout
}

fn assert_lines(text: &str, lines: &[&str]) {
    for line in lines {
        assert!(text.contains(line), "{line:?} missing from\n{text}");
    }
}

/// The products `recommend` may suggest for `product` (ids, best first).
fn suggestions(scratch: &Scratch, product: &str) -> Vec<String> {
    scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--product",
            product,
            "--max",
            "12",
            "--fallback",
            "none",
        ])
        .success()
        .stdout
        .lines()
        .skip(2)
        .filter_map(|row| row.split_whitespace().nth(1))
        .map(str::to_owned)
        .collect()
}

const SHOPIFY_SKUS: [&str; 7] = [
    "HOOD-S", "HOOD-M", "BEANIE-1", "LAMP-1", "MUG-OLD", "TOTE-1", "SOCKS-2",
];

#[test]
fn the_whole_shopify_products_export_is_read() {
    let scratch = Scratch::new();
    build(&scratch, "shopify_products_export.csv", &SHOPIFY_SKUS);
    let hoodie = card(&scratch, "trail-hoodie");
    assert_lines(
        &hoodie,
        &[
            "title      Trail Hoodie",
            // The cheaper S is on sale from 60: the card shows its sale.
            "price      from 45.00 (was 60.00)",
            "url        /products/trail-hoodie",
            "image      https://cdn.shopify.com/s/files/1/hoodie.jpg",
            "category   Hoodies",
            "available  yes",
            "format version   3",
        ],
    );
    // A compare-at price equal to the price is no sale; untracked stock is in stock.
    assert_lines(
        &card(&scratch, "hiking-socks"),
        &[
            "title      Hiking Socks, 2 pairs",
            "price      12.00\n",
            "available  yes",
        ],
    );
    // Sold out and not oversold; archived; not published: kept, never suggested.
    for handle in ["wool-beanie", "old-mug", "canvas-tote"] {
        assert_lines(&card(&scratch, handle), &["available  no"]);
    }
    // Out of stock but sold on ("continue"): suggested.
    assert_lines(&card(&scratch, "desk-lamp"), &["available  yes"]);
    let mut suggested = suggestions(&scratch, "trail-hoodie");
    suggested.sort();
    assert_eq!(suggested, ["desk-lamp", "hiking-socks"]);
}

#[test]
fn a_bad_shopify_value_names_its_column_and_line() {
    let scratch = Scratch::new();
    let export = std::fs::read_to_string(scratch.fixture("shopify_products_export.csv")).unwrap();
    let broken = export
        .replace(",shopify,0,continue,", ",shopify,none,continue,")
        .replace(",Kitchen,,TRUE,", ",Kitchen,,maybe,");
    scratch.write("shopify_products_export.csv", broken);
    let catalog = "shopify_products_export.csv";
    let run = build_run(&scratch, catalog, &SHOPIFY_SKUS, &[]).success();
    let warnings = run.warnings().join("\n");
    assert_lines(
        &warnings,
        &[
            "shopify_products_export.csv:10: field \"Variant Inventory Qty\": \"none\" is not a whole number",
            "shopify_products_export.csv:11: field \"Published\": \"maybe\" is not a yes/no value",
        ],
    );
    build_run(&scratch, catalog, &SHOPIFY_SKUS, &["--strict"])
        .expect_code(1)
        .stderr_has("shopify_products_export.csv:10: field \"Variant Inventory Qty\"");
}

const WOO_SKUS: [&str; 7] = [
    "woo-hoodie-blue",
    "12",
    "woo-cap",
    "woo-ebook",
    "woo-draft",
    "woo-hidden",
    "25",
];

#[test]
fn the_woocommerce_export_pools_variations_into_their_parent() {
    let scratch = Scratch::new();
    let warnings = build(&scratch, "woocommerce_products_export.csv", &WOO_SKUS);
    assert!(!warnings.contains("warning"), "{warnings}");
    let hoodie = card(&scratch, "woo-hoodie");
    assert_lines(
        &hoodie,
        &[
            // The parent's name and category, the blue variation's image and sale.
            "title      Hoodie\n",
            // The green one is sold out, so its price is not a "from".
            "price      35.00 (was 45.00)",
            "url        /?post_type=product&p=11",
            "image      https://shop.example/wp-content/uploads/hoodie-blue.jpg",
            "category   Hoodies",
            "available  yes",
        ],
    );
    assert_lines(
        &card(&scratch, "woo-cap"),
        &[
            "price      18.50\n",
            "category   Hats , Caps",
            "url        /?post_type=product&p=20",
        ],
    );
    // A sale price equal to the regular one is no sale; on backorder is for sale.
    assert_lines(
        &card(&scratch, "woo-ebook"),
        &["price      5.00\n", "available  yes"],
    );
    // No SKU: the ID is the product's id.
    assert_lines(&card(&scratch, "25"), &["title      Tea Towel"]);
    for hidden in ["woo-draft", "woo-hidden"] {
        assert_lines(&card(&scratch, hidden), &["available  no"]);
    }
    let mut suggested = suggestions(&scratch, "woo-cap");
    suggested.sort();
    assert_eq!(suggested, ["25", "woo-ebook", "woo-hoodie"]);
}

#[test]
fn a_variation_before_its_parent_is_skipped_with_its_line() {
    let scratch = Scratch::new();
    let export =
        std::fs::read_to_string(scratch.fixture("woocommerce_products_export.csv")).unwrap();
    let broken = export
        .replace(",id:10,", ",id:99,")
        .replace(",5,5,Guides,", ",5,cheap,Guides,");
    scratch.write("woocommerce_products_export.csv", broken);
    let run = build_run(&scratch, "woocommerce_products_export.csv", &WOO_SKUS, &[]).success();
    let warnings = run.warnings().join("\n");
    assert_lines(
        &warnings,
        &[
            "woocommerce_products_export.csv:5: field \"Parent\": variation of \"id:99\", but no variable product with that ID or SKU is listed above it",
            "woocommerce_products_export.csv:9: field \"Regular price\": \"cheap\" is not a price",
        ],
    );
}
