//! The real Online Retail II export (525k rows), read with the very command line that
//! `alsobought build --help` documents for it: the table must hold about as many
//! products as the data has real stock codes, pass `--verify`, and suggest what
//! shoppers actually bought together.
//!
//! The data lives outside the repository (`shared/data/online-retail-ii/`, next to the
//! checkout); without it the test says so loudly and passes.

mod common;

use std::path::PathBuf;

use common::Scratch;

fn real_orders() -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/online-retail-ii/online_retail_II_2009-2010.csv.gz");
    if path.exists() {
        Some(path)
    } else {
        eprintln!(
            "\n*** SKIPPED: the Online Retail II data is not at {} ***\n",
            path.display()
        );
        None
    }
}

/// Splits the shell command in `text` into words: single quotes, and backslash-newline
/// continuations, which is all the documented example uses.
fn shell_words(text: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word: Option<String> = None;
    let mut quoted = false;
    let mut characters = text.chars().peekable();
    while let Some(character) = characters.next() {
        match character {
            '\'' => {
                quoted = !quoted;
                word.get_or_insert_with(String::new);
            }
            '\\' if !quoted && characters.peek() == Some(&'\n') => {
                characters.next();
            }
            character if character.is_whitespace() && !quoted => words.extend(word.take()),
            character => word.get_or_insert_with(String::new).push(character),
        }
    }
    words.extend(word);
    words
}

/// The Online Retail II command line shown in `alsobought build --help`.
fn documented_command(scratch: &Scratch) -> Vec<String> {
    let help = scratch.run(&["build", "--help"]).success().stdout;
    assert!(
        help.lines().all(|line| line.chars().count() <= 100),
        "help lines fit the width clap wraps at, or the example would be broken up:\n{help}"
    );
    let start = help
        .find("alsobought build --orders online_retail_II")
        .expect("help shows the Online Retail II example");
    let end = start
        + help[start..]
            .find("--out retail.table")
            .expect("the example ends with --out")
        + "--out retail.table".len();
    shell_words(&help[start..end])
}

#[test]
fn online_retail_ii_builds_a_sane_table_with_the_documented_command() {
    let Some(orders) = real_orders() else {
        return;
    };
    let scratch = Scratch::new();
    let mut words = documented_command(&scratch);
    assert_eq!(words[..2], ["alsobought", "build"]);
    let orders_index = words.iter().position(|word| word == "--orders").unwrap() + 1;
    words[orders_index] = orders.display().to_string();
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    let run = scratch.run(&args).success();
    assert!(
        run.warnings().is_empty(),
        "the documented filters leave nothing to warn about:\n{}",
        run.stderr
    );
    run.stdout_has("rows        525,461 read:")
        .stdout_has("0 skipped as bad");

    let inspect = scratch
        .run(&["inspect", "retail.table", "--verify"])
        .success();
    let count = |label: &str| -> u64 {
        let line = inspect
            .stdout
            .lines()
            .find(|line| line.starts_with(label))
            .unwrap();
        line[label.len()..].trim().replace(',', "").parse().unwrap()
    };
    let products = count("products");
    assert!(
        (3_800..=4_700).contains(&products),
        "{products} products; the data has ~4,600 stock codes"
    );
    let orders_mined = count("orders mined");
    assert!(
        (19_000..=23_000).contains(&orders_mined),
        "{orders_mined} orders"
    );
    for not_a_product in [
        "POST",
        "DOT",
        "M",
        "BANK CHARGES",
        "AMAZONFEE",
        "TEST001",
        "gift_0001_20",
    ] {
        scratch
            .run(&["inspect", "retail.table", "--product", not_a_product])
            .expect_code(1);
    }

    // The white hanging heart T-light holder's most bought companion is its red twin.
    let answer = scratch
        .run_with_stdin(
            &[
                "recommend",
                "--table",
                "retail.table",
                "--queries",
                "-",
                "--max",
                "3",
            ],
            "{\"query\": [\"85123A\"]}\n{\"query\": [\"85123A\", \"21733\"]}\n",
        )
        .success()
        .stdout;
    let lines: Vec<serde_json::Value> = answer
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert!(
        lines[0]["recs"]
            .as_array()
            .unwrap()
            .contains(&serde_json::json!("21733")),
        "{answer}"
    );
    let cart_recs = lines[1]["recs"].as_array().unwrap();
    assert_eq!(cart_recs.len(), 3, "{answer}");
    assert!(
        !cart_recs.contains(&serde_json::json!("85123A"))
            && !cart_recs.contains(&serde_json::json!("21733"))
    );

    scratch
        .run(&["inspect", "retail.table", "--product", "85123A"])
        .success()
        .stdout_has("WHITE HANGING HEART T-LIGHT HOLDER")
        .stdout_has("GBP");
}

#[test]
fn shell_words_follow_the_help_example_quoting() {
    assert_eq!(
        shell_words("a --x 'P,Q R' \\\n  --y 'T*'"),
        ["a", "--x", "P,Q R", "--y", "T*"]
    );
}
