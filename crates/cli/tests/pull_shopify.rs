//! `alsobought pull --shopify` against a stand-in of Shopify's Admin GraphQL API
//! (`pull_standin/shopify.rs`, which says what it implements and from which
//! reference), never a live store: the 100,000-order first pull by bulk operation
//! within the rate limit, changes paged by the bucket each reply reports, resuming
//! after a kill, failed bulk operations, 401/429/5xx, and the nightly script of
//! docs/install/refresh.md run as written.

mod common;
mod pull_standin;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::{Run, Scratch};
use pull_standin::shopify::{instant, BulkOutcome, StandIn, STORE, TOKEN};
use serde_json::{json, Value};

fn read(path: &Path) -> String {
    fs::read_to_string(path).unwrap()
}

fn order_count(scratch: &Scratch) -> usize {
    read(&scratch.path("orders.jsonl")).lines().count()
}

#[test]
fn a_100k_order_first_pull_by_bulk_operation_stays_within_the_rate_limit() {
    let stand_in = StandIn::start(100_000);
    let scratch = Scratch::new();
    let run = stand_in.pull(&scratch).success();
    assert!(
        run.stdout.contains("pulled   100,000 orders"),
        "{}",
        run.stdout
    );
    assert!(run.stdout.contains("(bulk, 0 throttled)"), "{}", run.stdout);
    assert_eq!(order_count(&scratch), 100_000);
    let shop = stand_in.shop();
    assert_eq!(shop.over_budget, 0);
    assert_eq!(shop.bulk_runs, 1);
    assert_eq!(shop.orders_paged, 0);
    let state: Value = serde_json::from_str(&read(&scratch.path("orders.jsonl.state"))).unwrap();
    // The next pull starts where the bulk operation began.
    assert_eq!(state["high_water"], json!(instant(100_001)));
    assert!(state["run"].is_null());
    assert!(!scratch.path("orders.jsonl.journal").exists());
}

#[test]
fn changes_are_paged_paced_by_the_reported_bucket_and_replace_their_lines() {
    let stand_in = StandIn::start(300);
    let scratch = Scratch::new();
    stand_in.pull(&scratch).success();
    stand_in.shop().change(1..=300, 200);
    let run = stand_in.pull(&scratch).success();
    assert!(
        run.stdout.contains("(pages, 0 throttled)"),
        "{}",
        run.stdout
    );
    let shop = stand_in.shop();
    // 300 changed + 200 new: the bulk operation began after every order's last
    // change, so nothing else is at or after the high-water mark.
    assert_eq!(shop.orders_paged, 500);
    assert_eq!(shop.over_budget, 0);
    assert!(
        shop.lowest_available < 1000.0,
        "the bucket was never under pressure"
    );
    assert_eq!(
        shop.line_follow_ups, 1,
        "order 3's 36 lines take a second page"
    );
    drop(shop);
    let text = read(&scratch.path("orders.jsonl"));
    assert_eq!(text.lines().count(), 500);
    let third: Value = serde_json::from_str(
        text.lines()
            .find(|line| line.contains("\"id\":\"3\""))
            .unwrap(),
    )
    .unwrap();
    assert_eq!(third["lines"].as_array().unwrap().len(), 36);
    assert_eq!(third["status"], "cancelled");
    let status_of = |id: &str| -> Value {
        let line = text
            .lines()
            .find(|line| line.starts_with(&format!("{{\"id\":\"{id}\"")))
            .unwrap();
        serde_json::from_str::<Value>(line).unwrap()["status"].clone()
    };
    assert_eq!(status_of("5"), "refunded");
    assert_eq!(status_of("7"), "paid");

    // Nothing changed: one page with just the newest order again (`>=` the mark, so
    // an order changed in the same second is never missed), and the file unchanged.
    let run = stand_in.pull(&scratch).success();
    assert!(run.stdout.contains("pulled   1 order "), "{}", run.stdout);
    assert_eq!(stand_in.shop().orders_paged, 501);
    assert_eq!(read(&scratch.path("orders.jsonl")), text);

    scratch
        .run(&[
            "build",
            "--orders",
            "orders.jsonl",
            "--group-col",
            "group",
            "--out",
            "store.table",
            "--quiet",
        ])
        .success();
    scratch
        .run(&["inspect", "store.table", "--verify"])
        .success();
}

#[test]
fn a_killed_pull_resumes_to_the_same_file_an_uninterrupted_one_writes() {
    let reference = Scratch::new();
    let clean = StandIn::start(2_000);
    clean.pull(&reference).success();
    clean.shop().change((1..=2_000).step_by(4), 50);
    clean.pull(&reference).success();

    let scratch = Scratch::new();
    let stand_in = StandIn::start(2_000);
    // Killed while polling the bulk operation: the resumed pull polls the same one.
    stand_in.pull_killed_at(&scratch, 2);
    let run = stand_in.pull(&scratch).success();
    assert!(
        run.stderr.contains("resuming the interrupted pull"),
        "{}",
        run.stderr
    );
    assert_eq!(stand_in.shop().bulk_runs, 1);
    // Killed on the sixth page of changes: the first five are not asked for again.
    stand_in.shop().change((1..=2_000).step_by(4), 50);
    stand_in.pull_killed_at(&scratch, 6);
    stand_in.pull(&scratch).success();
    assert_eq!(stand_in.shop().orders_paged, 550);
    assert_eq!(
        read(&scratch.path("orders.jsonl")),
        read(&reference.path("orders.jsonl"))
    );
}

#[test]
fn a_failed_bulk_operation_is_reported_and_the_next_pull_starts_a_new_one() {
    let stand_in = StandIn::start(50);
    stand_in.shop().bulk_outcome = BulkOutcome::Fails("INTERNAL_SERVER_ERROR");
    let scratch = Scratch::new();
    stand_in
        .pull(&scratch)
        .expect_code(1)
        .stderr_has(
            "bulk operation gid://shopify/BulkOperation/1 ended FAILED (INTERNAL_SERVER_ERROR)",
        )
        .stderr_has("run the pull again");
    assert!(!scratch.path("orders.jsonl").exists());
    stand_in.shop().bulk_outcome = BulkOutcome::Fails("ACCESS_DENIED");
    stand_in.pull(&scratch).expect_code(1).stderr_has(
        "ended FAILED (ACCESS_DENIED): the app needs the read_orders scope, and read_all_orders",
    );
    stand_in.shop().bulk_outcome = BulkOutcome::Completes;
    stand_in.pull(&scratch).success();
    assert_eq!(stand_in.shop().bulk_runs, 3);
    assert_eq!(order_count(&scratch), 50);
}

#[test]
fn a_wrong_store_address_is_explained() {
    let stand_in = StandIn::start(5);
    let scratch = Scratch::new();
    let output = Command::new(env!("CARGO_BIN_EXE_alsobought"))
        .args([
            "pull",
            "--shopify",
            "https://www.example.com/",
            "--token-env",
            "SHOP_TOKEN",
        ])
        .args([
            "--out",
            "orders.jsonl",
            "--api-base",
            &format!("{}/shop", stand_in.base),
        ])
        .env("SHOP_TOKEN", TOKEN)
        .current_dir(scratch.path(""))
        .output()
        .unwrap();
    Run::from(output)
        .expect_code(1)
        .stderr_has("/shop/admin/api/2025-10/graphql.json (HTTP 404)")
        .stderr_has("check that --shopify is the store's myshopify.com domain");
}

#[test]
fn rate_limits_and_server_errors_are_waited_out_and_bad_tokens_explained() {
    let stand_in = StandIn::start(20);
    let scratch = Scratch::new();
    {
        let mut shop = stand_in.shop();
        shop.rate_limit_once = true;
        shop.fail_once = true;
    }
    stand_in.pull(&scratch).success();
    assert_eq!(stand_in.shop().rate_limited, 1);
    assert!(!stand_in.shop().fail_once);

    let other = Scratch::new();
    let run = Run::from(stand_in.command(&other, "shpat_wrong").output().unwrap());
    run.expect_code(1)
        .stderr_has("HTTP 401")
        .stderr_has("check that $SHOP_TOKEN holds the Admin API access token");
    let run = Run::from(stand_in.command(&other, "").output().unwrap());
    run.expect_code(1)
        .stderr_has("SHOP_TOKEN (given with --token-env) is not set");
}

/// The script of docs/install/refresh.md, as a user copies it.
fn refresh_script() -> String {
    let doc = read(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/install/refresh.md"));
    let start = doc.find("<!-- refresh.sh").expect("the script's marker");
    let body = &doc[start..];
    let body = &body[body.find("```sh\n").unwrap() + 6..];
    body[..body.find("```").unwrap()].to_owned()
}

#[test]
fn the_nightly_script_of_the_docs_pulls_builds_and_uploads_the_entry_last() {
    let stand_in = StandIn::start(400);
    let scratch = Scratch::new();
    let script = scratch.write("alsobought-refresh", refresh_script());
    // The AWS CLI's stand-in: records each call, as S3 would receive them in order.
    let bin = scratch.path("bin");
    fs::create_dir(&bin).unwrap();
    fs::write(bin.join("aws"), "#!/bin/sh\necho \"$*\" >> \"$AWS_LOG\"\n").unwrap();
    let alsobought = Path::new(env!("CARGO_BIN_EXE_alsobought"))
        .parent()
        .unwrap();
    let path = format!(
        "{}:{}:{}",
        bin.display(),
        alsobought.display(),
        std::env::var("PATH").unwrap()
    );
    Command::new("chmod")
        .args(["+x"])
        .arg(bin.join("aws"))
        .status()
        .unwrap();
    fs::create_dir(scratch.path("work")).unwrap();
    for round in 0..2 {
        if round == 1 {
            stand_in.shop().change(1..=40, 10);
        }
        let output = Command::new("sh")
            .arg(&script)
            .env("PATH", &path)
            .env("AWS_LOG", scratch.path("aws.log"))
            .env("ALSOBOUGHT_DIR", scratch.path("work"))
            .env("ALSOBOUGHT_API_BASE", &stand_in.base)
            .env("SHOPIFY_STORE", STORE)
            .env("SHOPIFY_TOKEN", TOKEN)
            .env("TABLE_URL", "s3://bucket/alsobought/store")
            .env(
                "S3_ENDPOINT_URL",
                "https://account.r2.cloudflarestorage.com",
            )
            .output()
            .unwrap();
        Run::from(output).success();
    }
    let log = read(&scratch.path("aws.log"));
    let calls: Vec<&str> = log.lines().collect();
    assert_eq!(calls.len(), 4, "{log}");
    for pair in calls.chunks(2) {
        assert!(pair[0].starts_with("--endpoint-url https://account.r2.cloudflarestorage.com s3 sync table s3://bucket/alsobought/store --exclude entry.bin --delete"), "{log}");
        assert!(pair[0].contains("immutable"), "{log}");
        assert!(
            pair[1].contains("s3 cp table/entry.bin s3://bucket/alsobought/store/entry.bin"),
            "{log}"
        );
        assert!(pair[1].contains("max-age=60"), "{log}");
    }
    assert_eq!(
        read(&scratch.path("work/orders.jsonl")).lines().count(),
        410
    );
    scratch
        .run(&["inspect", "work/table", "--verify"])
        .success();
}
