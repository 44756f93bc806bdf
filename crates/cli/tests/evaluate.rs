//! `alsobought evaluate`: the report as a table and as JSON, on synthetic orders where
//! products come in pairs, so co-occurrence must beat popularity.

mod common;

use common::Scratch;

/// 400 orders over 40 products: each order holds one pair (2k, 2k+1), sometimes a
/// third product at random, with low-numbered pairs more popular.
fn paired_orders() -> String {
    let mut orders = String::from("order_id,product_id\n");
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for order in 0..400 {
        let pair = (next() % 20).min(next() % 20);
        orders.push_str(&format!(
            "o{order},P{}\no{order},P{}\n",
            2 * pair,
            2 * pair + 1
        ));
        if next() % 3 == 0 {
            orders.push_str(&format!("o{order},P{}\n", next() % 40));
        }
    }
    orders
}

#[test]
fn json_report_has_every_metric_and_the_default_beats_popularity() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", paired_orders());
    let run = scratch
        .run(&[
            "evaluate",
            "--orders",
            "orders.csv",
            "--test-fraction",
            "0.3",
            "--json",
            "--min-pair-count",
            "1",
        ])
        .success();
    let report: serde_json::Value =
        serde_json::from_str(&run.stdout).expect("stdout is one JSON document");
    assert_eq!(report["test_fraction"], 0.3);
    let training = report["training_orders"].as_u64().unwrap();
    let test = report["test_orders"].as_u64().unwrap();
    assert_eq!(training + test, 400);
    assert!(test > 60 && test < 180, "{test} held out for 0.3");
    let recommenders = report["recommenders"].as_array().unwrap();
    assert_eq!(recommenders.len(), 3);
    assert_eq!(recommenders[1]["name"], "popularity");
    for recommender in recommenders {
        for kind in ["product_page", "cart"] {
            let metrics = &recommender[kind];
            assert!(metrics["queries"].as_u64().unwrap() > 0);
            for metric in ["hit_rate", "recall"] {
                for cutoff in ["1", "3", "5", "10"] {
                    let value = metrics[metric][cutoff].as_f64().unwrap();
                    assert!((0.0..=1.0).contains(&value), "{metric}@{cutoff} = {value}");
                }
            }
        }
    }
    let hit_rate_at_1 = |index: usize| {
        recommenders[index]["product_page"]["hit_rate"]["1"]
            .as_f64()
            .unwrap()
    };
    assert!(hit_rate_at_1(0) > hit_rate_at_1(1) + 0.2, "{}", run.stdout);
    // The input summary goes to stderr so stdout stays pure JSON.
    run.stderr_has("orders.csv: 400 orders; rows");
}

#[test]
fn table_report_is_aligned_and_explained() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", paired_orders());
    let run = scratch
        .run(&["evaluate", "--orders", "orders.csv", "--quiet"])
        .success();
    assert!(run.stderr.is_empty(), "{}", run.stderr);
    let lines: Vec<&str> = run.stdout.lines().collect();
    let header = lines
        .iter()
        .position(|line| line.trim_start().starts_with("recommender"))
        .unwrap();
    let columns = |line: &str| {
        line.split_whitespace()
            .filter(|word| word.ends_with('%'))
            .count()
    };
    assert_eq!(
        lines[header].split_whitespace().collect::<Vec<_>>()[1..],
        ["HR@1", "HR@3", "HR@5", "HR@10", "R@1", "R@3", "R@5", "R@10", "coverage"]
    );
    for row in &lines[header + 1..header + 5] {
        assert_eq!(columns(row), 9, "{row}");
    }
    // What `build` would choose first, then the default and the baselines.
    assert!(lines[header + 1].contains("(tuned)"), "{}", run.stdout);
    assert!(lines[header + 2].contains("(default)"), "{}", run.stdout);
    assert!(lines[header + 3]
        .trim_start()
        .starts_with("popularity (baseline)"));
    run.stdout_has("product page: one product in context")
        .stdout_has("cart: all but one product in context")
        .stdout_has("HR@K: share of queries");
}

#[test]
fn test_fraction_must_be_a_proper_fraction() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", paired_orders());
    scratch
        .run(&["evaluate", "--orders", "orders.csv", "--test-fraction", "1"])
        .expect_code(2)
        .stderr_has("not a fraction strictly between 0 and 1");
}
