//! `build --rules` (pin, block, boost, bury), the cold-start fill, and skipped
//! catalog and rules rows: every rule checked through `alsobought recommend`, which
//! ranks exactly as the widget does.

mod common;

use common::{Run, Scratch};

/// A and B go together most (5 orders), A and C less (3), A and F once; C also goes
/// with D, H, J and G; E and G are never bought with A. Popularity: A 9, C 8, B 7,
/// D 3, H 2, then one order each.
const ORDERS: &str = "\
order_id,product_id
1,A\n1,B\n2,A\n2,B\n3,A\n3,B\n4,A\n4,B\n5,A\n5,B
6,A\n6,C\n7,A\n7,C\n8,A\n8,C\n9,A\n9,F
10,C\n10,D\n11,C\n11,D\n12,C\n12,H\n13,C\n13,J\n14,C\n14,G
15,E\n16,B\n16,H\n17,B\n17,D
";

const CATALOG: &str = "\
id,title,category,url,image,price
A,Mug,kitchen,/p/a,/i/a.jpg,8
B,Teapot,kitchen,/p/b,/i/b.jpg,30
C,Kettle,kitchen,/p/c,/i/c.jpg,40
D,Tea,food,/p/d,/i/d.jpg,4
E,Honey,food,/p/e,/i/e.jpg,6
F,Trowel,garden,/p/f,/i/f.jpg,12
G,Gloves,garden,/p/g,/i/g.jpg,9
H,Hose,garden,/p/h,/i/h.jpg,25
J,Rake,garden,/p/j,/i/j.jpg,18
";

/// A scratch directory with the orders, the catalog and `rules` as rules.csv.
fn shop(rules: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch.write("orders.csv", ORDERS);
    scratch.write("catalog.csv", CATALOG);
    scratch.write("rules.csv", rules);
    scratch
}

/// `build` of the shop into store.table with `extra` flags, scored by plain counts
/// so that the expected orders can be read off the orders above.
fn build(scratch: &Scratch, extra: &[&str]) -> Run {
    let mut args = vec![
        "build",
        "--orders",
        "orders.csv",
        "--catalog",
        "catalog.csv",
        "--out",
        "store.table",
        "--measure",
        "count",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args).success()
}

/// The suggestions `recommend` gives for `query`, at most `max`, with or without the
/// best-seller fallback.
fn recs(scratch: &Scratch, query: &[&str], max: &str, fallback: &str) -> Vec<String> {
    let line = serde_json::json!({ "query": query }).to_string();
    let run = scratch
        .run_with_stdin(
            &[
                "recommend",
                "--table",
                "store.table",
                "--queries",
                "-",
                "--max",
                max,
                "--fallback",
                fallback,
            ],
            &line,
        )
        .success();
    let answer: serde_json::Value = serde_json::from_str(run.stdout.trim()).expect("JSON");
    answer["recs"]
        .as_array()
        .expect("recs")
        .iter()
        .map(|id| id.as_str().expect("an id").to_owned())
        .collect()
}

#[test]
fn pinned_targets_come_first_in_file_order_even_never_bought_together() {
    let scratch = shop("rule,product,target\npin,A,G\npin,A,E\npin,A,C\n");
    build(
        &scratch,
        &["--rules", "rules.csv", "--cold-start-fill", "0"],
    )
    .stdout_has("3 pins, 0 blocks, 0 boosts, 0 buries from rules.csv")
    .stdout_has("3 pins placed first (2 new to their product's list)");
    assert_eq!(
        recs(&scratch, &["A"], "5", "none"),
        ["G", "E", "C", "B", "F"]
    );
    // Pins lead a cart too, and other products' lists are untouched.
    assert_eq!(recs(&scratch, &["A", "D"], "2", "none"), ["G", "E"]);
    assert_eq!(recs(&scratch, &["D"], "2", "none"), ["C", "B"]);
}

#[test]
fn a_blocked_pair_never_shows_on_the_page_in_a_cart_or_through_the_fill() {
    let scratch = shop("rule,product,target\nblock,A,B\n");
    build(&scratch, &["--cold-start-fill", "0"]);
    assert_eq!(recs(&scratch, &["A"], "4", "bestsellers")[0], "B");
    assert!(recs(&scratch, &["A", "C"], "4", "none").contains(&"B".to_owned()));

    build(
        &scratch,
        &["--rules", "rules.csv", "--cold-start-fill", "0"],
    )
    .stdout_has("1 suggestion blocked");
    let page = recs(&scratch, &["A"], "4", "bestsellers");
    assert_eq!(page[..2], ["C", "F"]);
    assert!(!page.contains(&"B".to_owned()), "{page:?}");
    let cart = recs(&scratch, &["A", "C"], "4", "bestsellers");
    assert!(!cart.contains(&"B".to_owned()), "{cart:?}");
}

#[test]
fn a_product_blocked_everywhere_is_no_suggestion_and_no_best_seller() {
    let scratch = shop("rule,product,target\nblock,*,B\n");
    build(&scratch, &["--rules", "rules.csv"]).stdout_has("1 product blocked everywhere");
    for query in [&["A"][..], &["E"], &["H"], &["A", "C"]] {
        let suggestions = recs(&scratch, query, "8", "bestsellers");
        assert!(
            !suggestions.contains(&"B".to_owned()),
            "{query:?}: {suggestions:?}"
        );
    }
    // With nothing mined or filled, the page is the best-seller list alone.
    build(
        &scratch,
        &["--rules", "rules.csv", "--cold-start-fill", "0"],
    );
    assert_eq!(recs(&scratch, &["E"], "3", "bestsellers"), ["A", "C", "D"]);
}

#[test]
fn boost_and_bury_reorder_by_their_factor() {
    let scratch = shop("rule,product,target,factor\nbury,*,B,2\nboost,*,category:garden,4\n");
    // Counts: B 5, C 3, F 1. Buried by 2, B is 2.5 < C; boosted by 4, F is 4 > C.
    build(&scratch, &["--cold-start-fill", "0"]);
    assert_eq!(recs(&scratch, &["A"], "3", "none"), ["B", "C", "F"]);
    build(
        &scratch,
        &["--rules", "rules.csv", "--cold-start-fill", "0"],
    )
    .stdout_has("1 boost, 1 bury")
    .stdout_has("suggestions moved by boost or bury");
    assert_eq!(recs(&scratch, &["A"], "3", "none"), ["F", "C", "B"]);
}

#[test]
fn a_product_without_neighbours_is_filled_from_its_category_first() {
    let scratch = shop("");
    build(&scratch, &[])
        .stdout_has("cold start")
        .stdout_has("with fewer than 4 neighbours filled");
    // E (food) was bought alone: D is food's best-seller, then the store's A, C, B.
    assert_eq!(recs(&scratch, &["E"], "4", "none"), ["D", "A", "C", "B"]);
    // Mined neighbours stay ahead of the fill: F (garden) has A, then G, H, J.
    let f = recs(&scratch, &["F"], "4", "none");
    assert_eq!(f[0], "A");
    assert_eq!(f[1..], ["H", "G", "J"]);
    build(&scratch, &["--cold-start-fill", "0"]);
    assert!(recs(&scratch, &["E"], "4", "none").is_empty());
}

#[test]
fn bad_rules_rows_are_skipped_with_file_line_and_field_or_fatal_with_strict() {
    let scratch = shop("rule,product,target\npin,A,ZZZ\nshove,A,B\npin,A,E\n");
    let run = build(&scratch, &["--rules", "rules.csv"]);
    assert_eq!(
        run.warnings(),
        [
            "alsobought: warning: rules.csv:2: field \"target\": no product \"ZZZ\" in the catalog (ids are case-sensitive); row skipped",
            "alsobought: warning: rules.csv:3: field \"rule\": \"shove\" is not a rule: write pin, block, boost or bury; row skipped",
            "alsobought: warning: rules.csv: 2 rows skipped (1 unknown product, 1 unknown rule); --strict makes this an error",
        ]
    );
    run.stdout_has("1 pin, 0 blocks, 0 boosts, 0 buries from rules.csv (2 rows skipped as bad)");
    assert_eq!(recs(&scratch, &["A"], "1", "none"), ["E"]);
    scratch
        .run(&[
            "build", "--orders", "orders.csv", "--catalog", "catalog.csv", "--out", "store.table",
            "--rules", "rules.csv", "--strict",
        ])
        .expect_code(1)
        .stderr_has("alsobought: error: rules.csv:2: field \"target\": no product \"ZZZ\" in the catalog (ids are case-sensitive); stopping because of --strict");
}

#[test]
fn a_bad_catalog_row_is_skipped_not_a_failed_build_unless_strict() {
    let scratch = shop("");
    scratch.write(
        "catalog.csv",
        CATALOG.replace(
            "B,Teapot,kitchen,/p/b",
            "B,Teapot,kitchen,javascript:alert(1)",
        ),
    );
    let run = build(&scratch, &[]);
    assert_eq!(
        run.warnings(),
        [
            "alsobought: warning: catalog.csv:3: field \"url\": \"javascript:alert(1)\" is not an http(s) or relative URL; row skipped",
            "alsobought: warning: catalog.csv: 1 row skipped (1 unsafe url); --strict makes this an error",
            "alsobought: warning: 1 ordered product is not in the catalog and never suggested: \"B\"",
        ]
    );
    run.stdout_has("catalog     8 products from catalog.csv, 1 row skipped as bad");
    assert!(!recs(&scratch, &["A"], "8", "bestsellers").contains(&"B".to_owned()));
    scratch
        .run(&[
            "build", "--orders", "orders.csv", "--catalog", "catalog.csv", "--out", "store.table",
            "--strict",
        ])
        .expect_code(1)
        .stderr_has("alsobought: error: catalog.csv:3: field \"url\": \"javascript:alert(1)\" is not an http(s) or relative URL; stopping because of --strict");
}

#[test]
fn a_thin_history_says_so() {
    build(&shop(""), &[]).stdout_has("note        few orders to learn from: 17 orders, and 1 of 9 products never bought with another");
}

#[test]
fn inspect_marks_what_the_rules_did_on_a_page() {
    let scratch =
        shop("rule,product,target,factor\npin,A,E\nblock,A,B\nboost,*,category:garden,4\n");
    build(
        &scratch,
        &["--rules", "rules.csv", "--cold-start-fill", "0"],
    );
    let run = scratch
        .run(&[
            "inspect",
            "store.table",
            "--product",
            "A",
            "--rules",
            "rules.csv",
        ])
        .success();
    let row = |id: &str| {
        run.stdout
            .lines()
            .skip_while(|line| !line.starts_with("neighbours ("))
            .find(|line| line.split_whitespace().nth(1) == Some(id))
            .unwrap_or_else(|| panic!("no row for {id}:\n{}", run.stdout))
            .to_owned()
    };
    assert!(row("E").contains("pin (rules.csv:2)"), "{}", row("E"));
    assert!(row("F").contains("boost ×4 (rules.csv:4)"), "{}", row("F"));
    run.stdout_has("blocked here: B (rules.csv:3)");
}
