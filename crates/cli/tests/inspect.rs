//! `alsobought inspect`: the overview, one product's card and neighbours, and
//! `--verify` catching a corrupt file that the quick open does not.

mod common;

use common::{small_store_with, Scratch, SMALL_CATALOG_CSV, SMALL_ORDERS};

fn small_store() -> Scratch {
    small_store_with(SMALL_CATALOG_CSV, &["--neighbours", "5"])
}

/// The value printed after `label` on its line of the overview.
fn field<'a>(stdout: &'a str, label: &str) -> &'a str {
    stdout
        .lines()
        .find_map(|line| {
            line.strip_prefix(label)
                .filter(|rest| rest.starts_with("  "))
        })
        .unwrap_or_else(|| panic!("no {label:?} line in:\n{stdout}"))
        .trim()
}

#[test]
fn overview_shows_header_counts_and_sizes() {
    let scratch = small_store();
    let run = scratch.run(&["inspect", "store.table"]).success();
    let out = &run.stdout;
    assert_eq!(field(out, "format version"), "1");
    assert_eq!(field(out, "products"), "5");
    assert_eq!(field(out, "max neighbours"), "5");
    assert_eq!(field(out, "orders mined"), "6");
    let file_bytes = std::fs::metadata(scratch.path("store.table"))
        .unwrap()
        .len();
    assert!(
        field(out, "file").ends_with(&format!("({file_bytes} bytes)")),
        "{out}"
    );
    for section in [
        "header",
        "root directory",
        "best-sellers",
        "leaf directories",
        "bundles",
        "first fetch (prefix)",
    ] {
        assert!(
            out.contains(&format!("\n  {section}  ")),
            "no {section} line:\n{out}"
        );
    }
    assert!(field(out, "  header").starts_with("96 "), "{out}");
    run.stdout_has("best-sellers (first 4)");
}

#[test]
fn product_card_and_neighbours_with_scores() {
    let scratch = small_store();
    let run = scratch
        .run(&["inspect", "store.table", "--product", "A"])
        .success();
    let out = &run.stdout;
    assert_eq!(field(out, "  title"), "Mug, blue");
    assert_eq!(field(out, "  price"), "12.50 EUR");
    assert_eq!(field(out, "  available"), "yes");
    assert!(out.contains("neighbours (2, best first)"), "{out}");
    let neighbour_rows: Vec<Vec<&str>> = out
        .lines()
        .skip_while(|line| !line.starts_with("neighbours"))
        .skip(2)
        .map(|line| line.split_whitespace().collect())
        .collect();
    // The strongest neighbour stores the table's largest score: q = 255, relative 1.
    assert_eq!(neighbour_rows[0][..2], ["1", "B"]);
    assert_eq!(neighbour_rows[0][3..5], ["1.000", "255"]);
    assert_eq!(neighbour_rows[1][1], "C");
    scratch
        .run(&["inspect", "store.table", "--product", "ghost"])
        .expect_code(1)
        .stderr_has("alsobought: error: product \"ghost\" is not in table store.table");
}

#[test]
fn verify_passes_on_a_good_table_and_fails_on_a_flipped_byte() {
    let scratch = small_store();
    scratch
        .run(&["inspect", "store.table", "--verify"])
        .success()
        .stdout_has("verify: every checksum and structural rule holds");
    let mut bytes = std::fs::read(scratch.path("store.table")).unwrap();
    let last_bundle_byte = bytes.len() - 6;
    bytes[last_bundle_byte] ^= 0x40;
    scratch.write("flipped.table", bytes);
    // Opening checks the header only, so the overview still prints; verify does not pass.
    scratch
        .run(&["inspect", "flipped.table", "--verify"])
        .expect_code(1)
        .stderr_has("alsobought: error: table flipped.table failed verification: ");
}

#[test]
fn not_a_table_is_refused_with_the_reason() {
    let scratch = small_store();
    scratch.write("orders.table", SMALL_ORDERS);
    scratch
        .run(&["inspect", "orders.table"])
        .expect_code(1)
        .stderr_has("alsobought: error: orders.table is not a usable table: ");
    scratch
        .run(&["inspect"])
        .expect_code(2)
        .stderr_has("<FILE.table>");
}
