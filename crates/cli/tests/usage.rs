//! The command line itself: help lists the subcommands with an example and the exit
//! codes, usage errors exit with 2, and every flag's help names its value.

mod common;

use common::Scratch;

#[test]
fn help_lists_subcommands_example_and_exit_codes() {
    let run = Scratch::new().run(&["--help"]).success();
    for line in [
        "build      Mine an order history",
        "recommend  Suggest products from a table",
        "evaluate   Measure suggestion quality",
        "inspect    Show a table's header",
        "Example:",
        "Exit codes: 0 success, 1 error",
        "2 usage error",
    ] {
        assert!(
            run.stdout.contains(line),
            "--help lacks {line:?}:\n{}",
            run.stdout
        );
    }
}

#[test]
fn subcommand_help_states_values_and_defaults() {
    let scratch = Scratch::new();
    let build = scratch.run(&["build", "--help"]).success();
    build
        .stdout_has("--orders <FILE>")
        .stdout_has("--out <FILE.table>")
        .stdout_has("--neighbours <K>")
        .stdout_has("[default: 20]")
        .stdout_has("--measure <MEASURE>")
        .stdout_has("--skip-orders-prefix <PREFIX>")
        .stdout_has("Online Retail II")
        .stdout_has("--order-col Invoice --product-col StockCode");
    scratch
        .run(&["recommend", "--help"])
        .success()
        .stdout_has("--max <N>")
        .stdout_has("[default: 4]")
        .stdout_has("[default: bestsellers]");
}

#[test]
fn usage_errors_exit_with_2() {
    let scratch = Scratch::new();
    scratch.run(&[]).expect_code(2);
    scratch.run(&["frobnicate"]).expect_code(2);
    scratch
        .run(&["build", "--orders", "x.csv"])
        .expect_code(2)
        .stderr_has("--out <FILE.table>");
    scratch
        .run(&[
            "build",
            "--orders",
            "x.csv",
            "--out",
            "x.table",
            "--measure",
            "magic",
        ])
        .expect_code(2)
        .stderr_has("unknown score measure `magic`");
    scratch
        .run(&[
            "build",
            "--orders",
            "x.csv",
            "--out",
            "x.table",
            "--neighbours",
            "0",
        ])
        .expect_code(2);
}

#[test]
fn errors_are_one_prefixed_line_with_the_cause() {
    let run = Scratch::new()
        .run(&["build", "--orders", "missing.csv", "--out", "x.table"])
        .expect_code(1);
    assert_eq!(
        run.stderr.lines().collect::<Vec<_>>(),
        ["alsobought: error: cannot open missing.csv: No such file or directory (os error 2)"]
    );
}
