//! `alsobought generate`: the same flags give the same files; bad sizes are usage
//! errors naming the flag; and the shop it writes goes through `build`, and through
//! `evaluate --truth`, which must find the planted partners far better than
//! popularity does.

mod common;

use std::fs;

use common::Scratch;

const FILES: [&str; 3] = ["catalog.csv", "orders.csv", "groups.csv"];

fn generate(scratch: &Scratch, out: &str, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "generate",
        "--out",
        out,
        "--products",
        "1500",
        "--lines",
        "60k",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args)
}

#[test]
fn same_flags_give_identical_files_and_another_seed_differs() {
    let scratch = Scratch::new();
    generate(&scratch, "first", &[])
        .success()
        .stdout_has("1,500 products in 19 categories")
        .stdout_has("150 planted groups")
        .stdout_has("60,000 lines")
        .stdout_has("M lines/s");
    generate(&scratch, "again", &["--quiet"]).success();
    generate(&scratch, "other", &["--seed", "43", "--quiet"]).success();
    for file in FILES {
        let read = |directory: &str| fs::read(scratch.path(directory).join(file)).unwrap();
        assert!(
            read("first") == read("again"),
            "{file} differs between two runs"
        );
        assert!(
            read("first") != read("other"),
            "{file} is the same for seeds 42 and 43"
        );
    }
    let orders = fs::read_to_string(scratch.path("first/orders.csv")).unwrap();
    assert_eq!(orders.lines().count(), 60_001, "header + 60k lines");
    // No temporary file is left behind.
    let mut names: Vec<String> = fs::read_dir(scratch.path("first"))
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["catalog.csv", "groups.csv", "orders.csv"]);
}

#[test]
fn out_of_range_sizes_are_usage_errors_naming_the_flag() {
    let scratch = Scratch::new();
    scratch
        .run(&[
            "generate",
            "--out",
            "x",
            "--products",
            "100",
            "--groups",
            "30",
        ])
        .expect_code(2)
        .stderr_has("--groups 30 is out of range: use 0 to 25");
    scratch
        .run(&["generate", "--out", "x", "--products", "0"])
        .expect_code(2)
        .stderr_has("--products");
    scratch
        .run(&["generate", "--out", "x", "--lines", "lots"])
        .expect_code(2)
        .stderr_has("is not a count");
    scratch
        .run(&[
            "generate",
            "--out",
            "x",
            "--products",
            "50",
            "--categories",
            "51",
        ])
        .expect_code(2)
        .stderr_has("--categories 51 is out of range");
    assert!(
        !scratch.path("x").exists(),
        "nothing is written on a usage error"
    );
}

#[test]
fn evaluate_with_the_planted_truth_finds_partners_far_better_than_popularity() {
    let scratch = Scratch::new();
    scratch.generate_shop("1000", "100k", None);
    scratch
        .run(&[
            "build",
            "--orders",
            "shop/orders.csv",
            "--catalog",
            "shop/catalog.csv",
            "--out",
            "shop/store.table",
        ])
        .success()
        .stdout_has("1,000 in the table");
    let run = scratch
        .run(&[
            "evaluate",
            "--orders",
            "shop/orders.csv",
            "--catalog",
            "shop/catalog.csv",
            "--truth",
            "shop/groups.csv",
            "--json",
        ])
        .success();
    assert!(run.warnings().is_empty(), "{}", run.stderr);
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    assert_eq!(report["planted"]["groups"], 100);
    assert_eq!(report["planted"]["unknown_products"], 0);
    let hit_rate_at_5 = |name: &str, view: &str| {
        let recommender = report["recommenders"]
            .as_array()
            .unwrap()
            .iter()
            .find(|recommender| recommender["name"] == name)
            .unwrap_or_else(|| panic!("no {name} in {report}"));
        recommender["planted"][view]["hit_rate"]["5"]
            .as_f64()
            .unwrap()
    };
    for view in ["page_queries", "products"] {
        let default = hit_rate_at_5("asymmetric-cosine:0.9 + max", view);
        let popularity = hit_rate_at_5("popularity", view);
        assert!(default > 0.8, "{view}: default HR@5 {default}");
        assert!(popularity < 0.1, "{view}: popularity HR@5 {popularity}");
    }
    // The plain table report shows the planted views too.
    scratch
        .run(&[
            "evaluate",
            "--orders",
            "shop/orders.csv",
            "--truth",
            "shop/groups.csv",
        ])
        .success()
        .stdout_has("planted truth: 100 groups")
        .stdout_has("planted partners, per product");
}

#[test]
fn a_truth_file_without_the_columns_is_an_error_naming_it() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", common::SMALL_ORDERS);
    scratch.write("groups.csv", "group,sku\n1,A\n");
    scratch
        .run(&[
            "evaluate",
            "--orders",
            "orders.csv",
            "--truth",
            "groups.csv",
        ])
        .expect_code(1)
        .stderr_has("groups.csv has no group_id column");
}
