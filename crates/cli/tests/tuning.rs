//! `alsobought build` chooses its scoring on the store's held-out orders: different
//! shops get different scorings, the choice reaches the table's header, the same
//! orders give the same table on any thread count, and the scoring flags bypass it.

mod common;

use std::fs;
use std::process::Command;

use alsobought_core::format::Table;
use alsobought_core::scoring::CartCombination;
use common::{Run, Scratch};

/// A grocery-like shop: best-sellers in every basket, long baskets, few planted pairs.
const GROCERY: [&str; 8] = [
    "--popularity-exponent",
    "1.2",
    "--purposeful-share",
    "0.1",
    "--bulk-share",
    "0.5",
    "--lines",
    "40k",
];

/// A complement-driven shop: short baskets, mostly built around planted groups.
const COMPLEMENTS: [&str; 8] = [
    "--popularity-exponent",
    "0.6",
    "--purposeful-share",
    "0.8",
    "--bulk-share",
    "0",
    "--lines",
    "20k",
];

/// Generates an 800-product shop of `shape` into `dir/`.
fn generate(scratch: &Scratch, dir: &str, shape: &[&str]) {
    let args = [
        &["generate", "--out", dir, "--products", "800", "--quiet"][..],
        shape,
    ]
    .concat();
    scratch.run(&args).success();
}

/// Builds `dir/`'s orders and catalog into `dir/<out>` on `threads` rayon threads.
fn build(scratch: &Scratch, dir: &str, out: &str, extra: &[&str], threads: &str) -> Run {
    let orders = format!("{dir}/orders.csv");
    let catalog = format!("{dir}/catalog.csv");
    let table = format!("{dir}/{out}");
    let output = Command::new(env!("CARGO_BIN_EXE_alsobought"))
        .args([
            "build",
            "--orders",
            &orders,
            "--catalog",
            &catalog,
            "--out",
            &table,
        ])
        .args(extra)
        .env("RAYON_NUM_THREADS", threads)
        .current_dir(scratch.path(""))
        .output()
        .expect("the alsobought binary runs");
    Run::from(output).success()
}

/// The summary line with `label`, without the label.
fn summary_line<'a>(run: &'a Run, label: &str) -> &'a str {
    run.stdout
        .lines()
        .find_map(|line| {
            line.strip_prefix(label)
                .filter(|rest| rest.starts_with(' '))
        })
        .unwrap_or_else(|| panic!("no {label:?} line in\n{}", run.stdout))
        .trim_start()
}

/// The tuned scoring's name, from the `scoring` line.
fn chosen(run: &Run) -> String {
    let line = summary_line(run, "scoring");
    let tuned = line
        .strip_prefix("tuned: ")
        .unwrap_or_else(|| panic!("not tuned: {line}"));
    tuned[..tuned.find(" (best of").expect("the search is described")].to_owned()
}

fn table_header(scratch: &Scratch, path: &str) -> alsobought_core::format::Header {
    let bytes = fs::read(scratch.path(path)).unwrap();
    *Table::open(bytes.as_slice()).unwrap().header()
}

#[test]
fn a_grocery_and_a_complement_shop_get_different_scorings() {
    let scratch = Scratch::new();
    generate(&scratch, "grocery", &GROCERY);
    generate(&scratch, "complements", &COMPLEMENTS);
    let grocery = build(&scratch, "grocery", "t.table", &[], "2");
    let complements = build(&scratch, "complements", "t.table", &[], "2");
    assert_ne!(chosen(&grocery), chosen(&complements));
    // Where shoppers fill long baskets around what they came for, the category's
    // best-sellers predict the rest of a cart.
    assert!(
        chosen(&grocery).contains(", category best-sellers ×"),
        "{}",
        grocery.stdout
    );
}

/// A long-tail catalog: flat popularity, so single shared orders decide.
const LONG_TAIL: [&str; 4] = ["--popularity-exponent", "0.3", "--lines", "30k"];

#[test]
fn a_long_tail_shop_is_tuned_to_basket_weighted_co_purchases() {
    let scratch = Scratch::new();
    let args = [
        &["generate", "--out", "tail", "--products", "3000", "--quiet"][..],
        &LONG_TAIL,
    ]
    .concat();
    scratch.run(&args).success();
    let run = build(&scratch, "tail", "t.table", &[], "2");
    assert!(
        chosen(&run).starts_with("basket-weighted:0.9 + "),
        "{}",
        run.stdout
    );
    assert!(
        summary_line(&run, "neighbours").contains("measure basket-weighted:0.9;"),
        "{}",
        run.stdout
    );
}

#[test]
fn the_summary_says_what_was_chosen_how_long_it_took_and_how_it_compares() {
    let scratch = Scratch::new();
    generate(&scratch, "shop", &COMPLEMENTS);
    let run = build(&scratch, "shop", "t.table", &[], "2");
    let scoring = summary_line(&run, "scoring");
    assert!(scoring.starts_with("tuned: "), "{scoring}");
    // 48 pair scorings and cart combinations, × 4 category weights: the catalog
    // has categories.
    assert!(scoring.contains("best of 192 candidates on "), "{scoring}");
    assert!(scoring.contains(" held-out baskets, "), "{scoring}");
    assert!(scoring.ends_with(" s)"), "{scoring}");
    let held_out = summary_line(&run, "held out");
    for part in [
        "HitRate@5 product page / cart: tuned ",
        ", popularity ",
        ", raw co-occurrence ",
    ] {
        assert!(held_out.contains(part), "{held_out}");
    }
    // The neighbours line names the measure the table was mined with.
    let measure = chosen(&run);
    let measure = measure.split(" + ").next().unwrap();
    assert!(
        summary_line(&run, "neighbours").contains(&format!("measure {measure};")),
        "{}",
        run.stdout
    );
}

#[test]
fn one_thread_and_two_choose_alike_and_write_the_same_table() {
    let scratch = Scratch::new();
    generate(&scratch, "shop", &GROCERY);
    let one = build(&scratch, "shop", "one.table", &[], "1");
    let two = build(&scratch, "shop", "two.table", &[], "2");
    assert_eq!(chosen(&one), chosen(&two));
    assert_eq!(
        summary_line(&one, "held out"),
        summary_line(&two, "held out")
    );
    assert_eq!(
        fs::read(scratch.path("shop/one.table")).unwrap(),
        fs::read(scratch.path("shop/two.table")).unwrap()
    );
}

#[test]
fn tune_off_and_the_scoring_flags_bypass_the_search() {
    let scratch = Scratch::new();
    generate(&scratch, "shop", &GROCERY);
    let tuned = build(&scratch, "shop", "tuned.table", &[], "2");
    assert_ne!(
        chosen(&tuned),
        "asymmetric-cosine:0.9 + max",
        "this shop must tune away from the default for the test to mean anything"
    );
    let off = build(&scratch, "shop", "off.table", &["--tune", "off"], "2");
    assert_eq!(
        summary_line(&off, "scoring"),
        "asymmetric-cosine:0.9 + max (set by --tune off)"
    );
    assert!(!off.stdout.contains("held out"), "{}", off.stdout);
    let by_hand = build(
        &scratch,
        "shop",
        "measure.table",
        &["--measure", "asymmetric-cosine:0.9"],
        "2",
    );
    assert_eq!(
        summary_line(&by_hand, "scoring"),
        "asymmetric-cosine:0.9 + max (set by --measure)"
    );
    let table = |name: &str| fs::read(scratch.path(&format!("shop/{name}"))).unwrap();
    assert_eq!(table("off.table"), table("measure.table"));
    assert_ne!(table("off.table"), table("tuned.table"));
    let combination = build(
        &scratch,
        "shop",
        "sum.table",
        &["--cart-combination", "sum"],
        "2",
    );
    assert_eq!(
        summary_line(&combination, "scoring"),
        "asymmetric-cosine:0.9 + sum (set by --cart-combination)"
    );
    let lifted = build(
        &scratch,
        "shop",
        "lifted.table",
        &["--category-weight", "1"],
        "2",
    );
    assert_eq!(
        summary_line(&lifted, "scoring"),
        "asymmetric-cosine:0.9 + max, category best-sellers ×1 (set by --category-weight)"
    );
    assert_ne!(table("off.table"), table("lifted.table"));
    assert!(
        !lifted.stderr.contains("changes nothing"),
        "{}",
        lifted.stderr
    );
    // Without a catalog there is no category to lift: the store hears so.
    let uncategorised = scratch
        .run(&[
            "build",
            "--orders",
            "shop/orders.csv",
            "--out",
            "shop/plain.table",
            "--category-weight",
            "1",
        ])
        .success();
    assert!(
        uncategorised.stderr.contains(
            "--category-weight 1 changes nothing: no product has a catalog category; give \
             --catalog with a category column"
        ),
        "{}",
        uncategorised.stderr
    );
    let refused = scratch.run(&[
        "build",
        "--orders",
        "shop/orders.csv",
        "--out",
        "shop/x.table",
        "--category-weight",
        "5",
    ]);
    assert!(
        refused
            .stderr
            .contains("`5` is not a category weight: use a number from 0 (off) to 4"),
        "{}",
        refused.stderr
    );
}

#[test]
fn a_chosen_cart_combination_other_than_max_is_in_the_table_header() {
    let scratch = Scratch::new();
    generate(&scratch, "shop", &COMPLEMENTS);
    let run = build(&scratch, "shop", "tuned.table", &[], "2");
    let combination = chosen(&run)
        .split(" + ")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("the scoring names its combination")
        .to_owned();
    assert_ne!(
        combination, "max",
        "the test needs a shop tuned away from max"
    );
    let header = table_header(&scratch, "shop/tuned.table");
    assert_eq!(header.version, 2);
    assert_eq!(header.cart_combination.name(), combination);

    build(&scratch, "shop", "off.table", &["--tune", "off"], "2");
    let header = table_header(&scratch, "shop/off.table");
    assert_eq!(header.version, 1);
    assert_eq!(header.cart_combination, CartCombination::Max);
}
