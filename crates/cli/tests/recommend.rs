//! `alsobought recommend`: the batch format byte for byte (other tools parse it), the
//! widget options, the readable single-query form, and bad query lines.

mod common;

use alsobought_core::{CartCombination, Header, HEADER_LEN};
use common::{small_store_with, Scratch, SMALL_CATALOG_CSV};

/// A scratch directory holding `store.table` built from the small orders and catalog
/// (D unavailable; E never bought with anything).
fn small_store() -> Scratch {
    small_store_with(SMALL_CATALOG_CSV, &[])
}

#[test]
fn batch_output_follows_the_input_line_for_line() {
    let scratch = small_store();
    scratch.write(
        "queries.jsonl",
        "{\"query\": [\"A\"], \"user\": \"u1\"}\n\
         {\"query\": [\"E\"]}\r\n\
         \n\
         {\"session\": 7, \"query\": [\"A\", \"B\"]}\n\
         {\"query\": [\"nope\", \"A\"]}\n\
         {\"query\": []}\n",
    );
    let run = scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--queries",
            "queries.jsonl",
            "--max",
            "4",
            "--fallback",
            "none",
        ])
        .success();
    assert_eq!(
        run.stdout,
        "{\"query\":[\"A\"],\"recs\":[\"B\",\"C\"]}\n\
         {\"query\":[\"E\"],\"recs\":[]}\n\
         {\"query\":[\"A\",\"B\"],\"recs\":[\"C\"]}\n\
         {\"query\":[\"nope\",\"A\"],\"recs\":[\"B\",\"C\"]}\n\
         {\"query\":[],\"recs\":[]}\n"
    );
    assert_eq!(
        run.warnings(),
        ["alsobought: warning: 1 query id in 5 queries is not in the table (first: \"nope\" on line 5); they add no neighbours"]
    );
}

#[test]
fn best_sellers_fill_the_slots_but_never_the_query_items() {
    let scratch = small_store();
    let run = scratch
        .run_with_stdin(
            &[
                "recommend",
                "--table",
                "store.table",
                "--queries",
                "-",
                "--max",
                "3",
            ],
            "{\"query\": [\"E\"]}\n{\"query\": [\"A\", \"B\", \"C\"]}\n",
        )
        .success();
    let lines: Vec<serde_json::Value> = run
        .stdout
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(
        lines[0]["recs"].as_array().unwrap().len(),
        3,
        "{}",
        run.stdout
    );
    assert!(!run
        .stdout
        .lines()
        .next()
        .unwrap()
        .contains("\"recs\":[\"E\""));
    // A, B, C in context; D is unavailable; only E is left.
    assert_eq!(lines[1]["recs"], serde_json::json!(["E"]));
}

#[test]
fn widget_options_are_applied() {
    let scratch = small_store();
    let ask = |extra: &[&str]| {
        let mut args = vec!["recommend", "--table", "store.table", "--queries", "-"];
        args.extend_from_slice(extra);
        scratch
            .run_with_stdin(&args, "{\"query\": [\"A\"]}\n")
            .success()
            .stdout
    };
    assert_eq!(
        ask(&["--max", "1"]),
        "{\"query\":[\"A\"],\"recs\":[\"B\"]}\n"
    );
    assert_eq!(
        ask(&["--exclude", "B,E"]),
        "{\"query\":[\"A\"],\"recs\":[\"C\"]}\n"
    );
    // B is food, C and E kitchen: one per category leaves B and C.
    assert_eq!(
        ask(&["--max-per-category", "1"]),
        "{\"query\":[\"A\"],\"recs\":[\"B\",\"C\"]}\n"
    );
    // C was bought with A once, B three times: a high threshold keeps only B.
    assert_eq!(
        ask(&["--min-score", "0.9", "--fallback", "none"]),
        "{\"query\":[\"A\"],\"recs\":[\"B\"]}\n"
    );
}

#[test]
fn a_bad_query_line_is_an_error_naming_it() {
    let scratch = small_store();
    let run = scratch
        .run_with_stdin(
            &["recommend", "--table", "store.table", "--queries", "-"],
            "{\"query\": [\"A\"]}\n{\"query\": \"A\"}\n{\"query\": [\"B\"]}\n",
        )
        .expect_code(1)
        .stderr_has(
            "alsobought: error: <stdin>:2: not a query line (expected {\"query\": [\"id\", ...]})",
        );
    assert_eq!(
        run.stdout.lines().count(),
        1,
        "answers before the bad line are kept"
    );
}

#[test]
fn single_product_form_prints_a_readable_list() {
    let scratch = small_store();
    let run = scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--product",
            "A",
            "--product",
            "ghost",
            "--max",
            "3",
        ])
        .success();
    let lines: Vec<&str> = run.stdout.lines().collect();
    assert_eq!(
        lines[0],
        "Suggestions for A (Mug, blue) + ghost (not in the table):"
    );
    assert_eq!(
        lines[1].split_whitespace().collect::<Vec<_>>(),
        ["#", "id", "score", "from", "price", "title"]
    );
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    assert_eq!(words(lines[2]), "1 B 1.000 bought together 4.00 EUR Tea");
    assert!(
        lines[3].contains("C") && lines[3].ends_with("Teapot"),
        "{}",
        run.stdout
    );
    assert!(
        lines[4].contains("best-seller") && lines[4].ends_with("Spoon"),
        "{}",
        run.stdout
    );
    assert_eq!(
        run.warnings(),
        ["alsobought: warning: product \"ghost\" is not in table store.table: it adds no neighbours"]
    );
}

#[test]
fn queries_or_products_but_not_both_nor_neither() {
    let scratch = small_store();
    scratch
        .run(&["recommend", "--table", "store.table"])
        .expect_code(2)
        .stderr_has("--queries <FILE>|--product <ID>");
    scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--queries",
            "-",
            "--product",
            "A",
        ])
        .expect_code(2)
        .stderr_has("cannot be used with");
    scratch
        .run(&[
            "recommend",
            "--table",
            "store.table",
            "--product",
            "A",
            "--min-score",
            "2",
        ])
        .expect_code(2)
        .stderr_has("\"2\" is not a number from 0 to 1");
}

#[test]
fn a_missing_or_corrupt_table_is_an_error() {
    let scratch = small_store();
    scratch
        .run(&["recommend", "--table", "missing.table", "--product", "A"])
        .expect_code(1)
        .stderr_has("alsobought: error: cannot read table missing.table: ");
    let mut bytes = std::fs::read(scratch.path("store.table")).unwrap();
    bytes.truncate(bytes.len() - 10);
    scratch.write("short.table", bytes);
    scratch
        .run(&["recommend", "--table", "short.table", "--product", "A"])
        .expect_code(1)
        .stderr_has("alsobought: error: short.table is not a usable table: ");
}

#[test]
fn a_cart_combines_as_the_table_header_says() {
    let scratch = small_store();
    // The build's file as it is (version 1: Max), and again with the header a build
    // that chose Sum writes (version 2).
    let built = std::fs::read(scratch.path("store.table")).unwrap();
    let mut header = Header::parse(&built).unwrap();
    assert_eq!(header.cart_combination, CartCombination::Max);
    header.version = 2;
    header.cart_combination = CartCombination::Sum;
    let mut summing = built.clone();
    summing[..HEADER_LEN].copy_from_slice(&header.encode());
    scratch.write("summing.table", summing);
    let ask = |table: &str| {
        scratch
            .run_with_stdin(
                &[
                    "recommend",
                    "--table",
                    table,
                    "--queries",
                    "-",
                    "--fallback",
                    "none",
                ],
                "{\"query\": [\"A\", \"D\"]}\n",
            )
            .success()
            .stdout
    };
    // B is A's strongest neighbour; C is named by both A and D, so their sum puts it first.
    assert_eq!(
        ask("store.table"),
        "{\"query\":[\"A\",\"D\"],\"recs\":[\"B\",\"C\"]}\n"
    );
    assert_eq!(
        ask("summing.table"),
        "{\"query\":[\"A\",\"D\"],\"recs\":[\"C\",\"B\"]}\n"
    );
}
