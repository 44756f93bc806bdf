//! `alsobought report`: numbers checked against hand-computed ones on a small event
//! log, in all three formats; the chart; bad lines named by file and line.

mod common;

use common::Scratch;
use serde_json::Value;

/// Experiment `fbt`: control (v1, v2) against holdout (v3, v4).
///
/// - v1 (control): exposure, impression and click in pv1; order o1 later: 30 EUR, 10
///   of them attributed.
/// - v2 (control): exposure and impression in pv2.
/// - v3 (holdout): exposure in pv3; order o2: 20 EUR.
/// - v4 (holdout): exposure in pv4.
///
/// Line 9 is not JSON and line 10 has an unknown type: both are skipped with warnings.
const EVENTS: &str = r#"{"v":1,"type":"exposure","ts":1000,"visitor_id":"v1","page_view_id":"pv1","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product","items":[],"received_at":1001}
{"v":1,"type":"impression","ts":1100,"visitor_id":"v1","page_view_id":"pv1","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product","items":[{"item_id":"B","item_name":"Tea","index":0,"price":4,"item_category":"food","quantity":1}]}
{"v":1,"type":"click","ts":1200,"visitor_id":"v1","page_view_id":"pv1","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product","items":[]}
{"v":1,"type":"purchase","ts":2000,"visitor_id":"v1","page_view_id":"pv9","experiment":null,"variant":null,"holdout":false,"forced":false,"list_id":null,"order_id":"o1","currency":"EUR","value":30,"attributed_value":10,"attributed_items":["B"],"items":[]}
{"v":1,"type":"exposure","ts":1000,"visitor_id":"v2","page_view_id":"pv2","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product","items":[]}
{"v":1,"type":"impression","ts":1100,"visitor_id":"v2","page_view_id":"pv2","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product","items":[]}
{"v":1,"type":"exposure","ts":1000,"visitor_id":"v3","page_view_id":"pv3","experiment":"fbt","variant":"holdout","holdout":true,"forced":false,"list_id":"alsobought_product","items":[]}
{"v":1,"type":"purchase","ts":3000,"visitor_id":"v3","page_view_id":"pv8","experiment":null,"variant":null,"holdout":false,"forced":false,"list_id":null,"order_id":"o2","currency":"EUR","value":20,"attributed_value":0,"attributed_items":[],"items":[]}
not json
{"v":1,"type":"hover","ts":1000,"visitor_id":"v4","page_view_id":"pv4"}
{"v":1,"type":"exposure","ts":1000,"visitor_id":"v4","page_view_id":"pv4","experiment":"fbt","variant":"holdout","holdout":true,"forced":false,"list_id":"alsobought_product","items":[]}
"#;

fn scratch_with_events() -> Scratch {
    let scratch = Scratch::new();
    scratch.write("events.jsonl", EVENTS);
    scratch
}

#[track_caller]
fn assert_close(value: &Value, expected: f64) {
    let actual = value
        .as_f64()
        .unwrap_or_else(|| panic!("{value} is not a number"));
    assert!(
        (actual - expected).abs() < 1e-6 * expected.abs().max(1.0),
        "{actual} is not {expected}"
    );
}

#[test]
fn json_numbers_match_hand_computed_values() {
    let scratch = scratch_with_events();
    let run = scratch
        .run(&["report", "events.jsonl", "--format", "json"])
        .success();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["currency"], "EUR");
    let experiment = &report["experiments"][0];
    assert_eq!(experiment["experiment"], "fbt");
    assert_eq!(experiment["baseline"], "holdout");
    let control = &experiment["variants"][0];
    let holdout = &experiment["variants"][1];
    assert_eq!(control["variant"], "control");
    assert_eq!(holdout["holdout"], true);
    for (field, expected) in [
        ("visitors", 2),
        ("exposures", 2),
        ("impressions", 2),
        ("clicks", 1),
        ("orders", 1),
    ] {
        assert_eq!(control[field], expected, "control {field}");
    }

    // Click-through 1/2, Wilson [0.094531, 0.905469].
    let click_through = &control["metrics"]["click_through_rate"];
    assert_close(&click_through["value"], 0.5);
    assert_close(&click_through["ci_low"], 0.094_531_205_7);
    assert_close(&click_through["ci_high"], 0.905_468_794_3);
    assert_eq!(click_through["comparison"], Value::Null);
    assert_eq!(holdout["metrics"]["click_through_rate"], Value::Null);

    // Attributed revenue per exposure: (10 + 0) / 2 = 5, per-visitor se √50/√2 = 5.
    let attributed = &control["metrics"]["attributed_revenue_per_exposure"];
    assert_close(&attributed["value"], 5.0);
    assert_close(&attributed["ci_high"], 5.0 + 1.959_963_984_5 * 5.0);

    // Revenue per visitor: control (30, 0) → 15, se 15; holdout (20, 0) → 10, se 10.
    // Lift +50%, its variance 225/100 + 225·100/10⁴ = 4.5; z = 5/√325, p = 0.781511.
    let revenue = &control["metrics"]["revenue_per_visitor"];
    assert_close(&revenue["value"], 15.0);
    assert_close(&revenue["ci_low"], 15.0 - 1.959_963_984_5 * 15.0);
    let comparison = &revenue["comparison"];
    assert_close(&comparison["difference"], 5.0);
    assert_close(&comparison["lift"], 0.5);
    assert_close(
        &comparison["lift_ci_low"],
        0.5 - 1.959_963_984_5 * 4.5_f64.sqrt(),
    );
    assert_close(&comparison["p_value"], 0.781_511_295);
    assert_close(&holdout["metrics"]["revenue_per_visitor"]["value"], 10.0);
    assert_eq!(
        holdout["metrics"]["revenue_per_visitor"]["comparison"],
        Value::Null
    );

    assert_eq!(report["events"]["used"], 9);
}

#[test]
fn bad_lines_are_named_and_skipped_or_fatal_with_strict() {
    let scratch = scratch_with_events();
    let run = scratch
        .run(&["report", "events.jsonl", "--format", "json"])
        .success();
    let warnings = run.warnings();
    assert!(
        warnings[0].starts_with("alsobought: warning: events.jsonl:9: not an event line"),
        "{warnings:?}"
    );
    assert!(
        warnings[1].starts_with(
            "alsobought: warning: events.jsonl:10: field \"type\": unknown event type \"hover\""
        ),
        "{warnings:?}"
    );
    assert!(warnings[2].contains("2 rows skipped"), "{warnings:?}");

    scratch
        .run(&["report", "events.jsonl", "--strict"])
        .expect_code(1)
        .stderr_has("alsobought: error: events.jsonl:9: not an event line")
        .stderr_has("--strict");
}

#[test]
fn table_shows_counts_intervals_and_lift() {
    let scratch = scratch_with_events();
    let run = scratch
        .run(&["report", "events.jsonl"])
        .success()
        .stdout_has("Experiment fbt: 2 variants, 4 visitors, baseline holdout; revenue in EUR")
        .stdout_has("lift vs holdout [95% CI]");
    let words = |line: &str| line.split_whitespace().collect::<Vec<_>>().join(" ");
    let lines: Vec<String> = run.stdout.lines().map(words).collect();
    assert!(
        lines.contains(&"control 2 2 2 1 0 1 30.00".to_owned()),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(&"click-through rate control 50.00% [9.45%, 90.55%] - -".to_owned()),
        "{}",
        run.stdout
    );
    assert!(
        lines.contains(
            &"revenue per visitor control 15.00 [-14.40, 44.40] +50.0% [-365.8%, +465.8%] 0.782"
                .to_owned()
        ),
        "{}",
        run.stdout
    );
}

#[test]
fn csv_has_one_row_per_variant_and_metric() {
    let scratch = scratch_with_events();
    let run = scratch
        .run(&["report", "events.jsonl", "--format", "csv"])
        .success();
    let mut rows = csv::Reader::from_reader(run.stdout.as_bytes());
    let headers = rows.headers().unwrap().clone();
    assert_eq!(&headers[0], "experiment");
    assert_eq!(&headers[17], "p_value");
    let records: Vec<csv::StringRecord> = rows.records().map(Result::unwrap).collect();
    assert_eq!(records.len(), 2 * 5);
    let revenue = records
        .iter()
        .find(|row| &row[1] == "control" && &row[7] == "revenue_per_visitor")
        .unwrap();
    assert_eq!(&revenue[8], "15");
    assert_eq!(&revenue[14], "0.5");
    let holdout_click = records
        .iter()
        .find(|row| &row[1] == "holdout" && &row[7] == "click_through_rate")
        .unwrap();
    assert_eq!(&holdout_click[8], "", "no impressions, no rate");
}

#[test]
fn chart_is_a_self_contained_svg_with_escaped_names() {
    let scratch = Scratch::new();
    scratch.write(
        "events.jsonl",
        EVENTS
            .replace("\"fbt\"", "\"fbt<&>\"")
            .replace("\"control\"", "\"c\\\"x\""),
    );
    scratch
        .run(&["report", "events.jsonl", "--chart", "chart.svg", "--quiet"])
        .success();
    let svg = std::fs::read_to_string(scratch.path("chart.svg")).unwrap();
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    assert!(svg.trim_end().ends_with("</svg>"));
    assert!(svg.contains("Experiment fbt&lt;&amp;&gt; — baseline holdout"));
    assert!(svg.contains("c&quot;x"));
    assert!(!svg.contains("fbt<&>"));
    // Self-contained: nothing is fetched from elsewhere.
    assert!(!svg.contains("href") && !svg.contains("<script") && !svg.contains("url("));
    // One whisker per variant with an interval, for each of the five metrics at most.
    assert!(svg.matches("stroke-width=\"1.5\"").count() >= 5);
}

#[test]
fn baseline_and_currency_options_apply() {
    let scratch = scratch_with_events();
    let run = scratch
        .run(&[
            "report",
            "events.jsonl",
            "--format",
            "json",
            "--baseline",
            "control",
            "--currency",
            "usd",
        ])
        .success();
    let report: Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["currency"], "USD");
    assert_eq!(report["experiments"][0]["baseline"], "control");
    assert_eq!(report["events"]["purchases_in_other_currencies"], 2);
    assert!(
        run.warnings()
            .iter()
            .any(|warning| warning.contains("2 purchases in EUR left out")),
        "{:?}",
        run.warnings()
    );
}

#[test]
fn an_empty_or_missing_file_is_an_error() {
    let scratch = Scratch::new();
    scratch.write("empty.jsonl", "\n\n");
    scratch
        .run(&["report", "empty.jsonl"])
        .expect_code(1)
        .stderr_has("empty.jsonl: no usable event in 2 lines");
    scratch
        .run(&["report", "missing.jsonl"])
        .expect_code(1)
        .stderr_has("cannot open missing.jsonl");
    scratch
        .run(&["report", "empty.jsonl", "--format", "xml"])
        .expect_code(2);
}
