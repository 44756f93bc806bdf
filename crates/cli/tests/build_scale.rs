//! `alsobought build` within a memory budget: a build that spills sorted runs to
//! `--temp-dir` writes the same bytes as one that keeps everything in memory, leaves
//! no file behind, and says what it spilled; bad `--max-memory` and `--temp-dir`
//! values are usage errors naming the flag.

mod common;

use std::fs;

use common::Scratch;

/// A generated shop (catalog.csv, orders.csv) in `scratch/shop`, with every seventh
/// line moved to the end of the orders file, so those orders are split far apart and
/// their lines land in different spilled runs.
fn shop_with_scattered_orders(scratch: &Scratch) {
    scratch.generate_shop("3000", "60k", Some("7"));
    let path = scratch.path("shop/orders.csv");
    let text = fs::read_to_string(&path).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let (mut kept, mut moved) = (Vec::new(), Vec::new());
    for (index, line) in lines.enumerate() {
        if index % 7 == 3 {
            moved.push(line);
        } else {
            kept.push(line);
        }
    }
    let mut scattered = vec![header];
    scattered.extend(kept);
    scattered.extend(moved);
    fs::write(&path, scattered.join("\n") + "\n").unwrap();
}

/// The number before `what` in the summary's memory line (`spilled 12 runs of
/// baskets`), or 0 when the line does not mention it.
fn runs_of(stdout: &str, what: &str) -> u64 {
    let line = stdout
        .lines()
        .find(|line| line.starts_with("memory"))
        .expect("the summary has a memory line");
    let Some(end) = line.find(what) else {
        return 0;
    };
    line[..end]
        .split_whitespace()
        .next_back()
        .expect("a count before the noun")
        .replace(',', "")
        .parse()
        .expect("a number")
}

#[test]
fn spilling_sorted_runs_gives_the_in_memory_table_byte_for_byte() {
    let scratch = Scratch::new();
    shop_with_scattered_orders(&scratch);
    fs::create_dir(scratch.path("spill")).unwrap();
    for catalog in [None, Some("shop/catalog.csv")] {
        // A 16K budget leaves no room for the tuning copy: both builds untuned, so
        // the tables differ only if spilling changed them.
        let mut common = vec!["build", "--orders", "shop/orders.csv", "--tune", "off"];
        if let Some(catalog) = catalog {
            common.extend(["--catalog", catalog]);
        }
        let in_memory = scratch
            .run(&[common.as_slice(), &["--out", "memory.table"]].concat())
            .success()
            .stdout_has("the baskets fit, nothing spilled");

        let spilled = scratch
            .run(
                &[
                    common.as_slice(),
                    &[
                        "--out",
                        "spilled.table",
                        "--max-memory",
                        "16K",
                        "--temp-dir",
                        "spill",
                    ],
                ]
                .concat(),
            )
            .success()
            .stdout_has("budget 16.0 KiB (--max-memory); spilled")
            .stdout_has("merged run");
        let basket_runs = runs_of(&spilled.stdout, "runs of baskets");
        let pair_runs = runs_of(&spilled.stdout, "runs of pair counts");
        assert!(
            basket_runs > 64 && pair_runs >= 2,
            "expected many runs (and a group merge) with 16K: {}",
            spilled.stdout
        );
        assert_eq!(
            fs::read(scratch.path("spilled.table")).unwrap(),
            fs::read(scratch.path("memory.table")).unwrap(),
            "catalog {catalog:?}: the spilled build differs from the in-memory one"
        );
        // Everything but the counts printed is the same too.
        let without_memory = |stdout: &str| -> Vec<String> {
            stdout
                .lines()
                .filter(|line| !line.starts_with("memory") && !line.starts_with("time"))
                .map(|line| line.replace("spilled.table", "memory.table"))
                .collect()
        };
        assert_eq!(
            without_memory(&spilled.stdout),
            without_memory(&in_memory.stdout)
        );
    }
    let left = fs::read_dir(scratch.path("spill")).unwrap().count();
    assert_eq!(left, 0, "spill files were left behind");
}

#[test]
fn a_spilled_build_refuses_a_measure_that_needs_order_sizes() {
    let scratch = Scratch::new();
    scratch.generate_shop("300", "4k", None);
    fs::create_dir(scratch.path("spill")).unwrap();
    let weighted = [
        "build",
        "--orders",
        "shop/orders.csv",
        "--out",
        "t.table",
        "--measure",
        "basket-weighted",
        "--temp-dir",
        "spill",
    ];
    scratch
        .run(&weighted)
        .success()
        .stdout_has("measure basket-weighted:0.9;");
    let built = fs::read(scratch.path("t.table")).unwrap();
    scratch
        .run(&[weighted.as_slice(), &["--max-memory", "16K"]].concat())
        .expect_code(1)
        .stderr_has(
            "--measure basket-weighted:0.9 weighs each co-purchase by the size of its order",
        )
        .stderr_has("outgrew the memory budget and were spilled")
        .stderr_has("(budget 16.0 KiB (--max-memory))")
        .stderr_has("allow more memory, or choose another --measure");
    assert_eq!(
        fs::read(scratch.path("t.table")).unwrap(),
        built,
        "the refused build must leave the previous table alone"
    );
}

#[test]
fn max_memory_and_temp_dir_are_checked() {
    let scratch = Scratch::new();
    scratch.write("orders.csv", common::SMALL_ORDERS);
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "t.table",
            "--max-memory",
            "lots",
        ])
        .expect_code(2)
        .stderr_has("--max-memory")
        .stderr_has("512M or 4G");
    scratch
        .run(&[
            "build",
            "--orders",
            "orders.csv",
            "--out",
            "t.table",
            "--temp-dir",
            "no-such-dir",
        ])
        .expect_code(2)
        .stderr_has("--temp-dir no-such-dir")
        .stderr_has("give an existing directory");
    scratch
        .run(&["build", "--out", "t.table"])
        .expect_code(2)
        .stderr_has("--orders <FILE>")
        .stderr_has("--pair-stats <DIR>");
}
