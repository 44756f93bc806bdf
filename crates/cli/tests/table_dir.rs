//! `build --out-dir`: the directory layout for hosts without HTTP Range, read back by
//! `inspect` and `recommend` exactly as the single file, and refused with a clear
//! error when a piece is missing, damaged or from another build.

mod common;

use std::fs;
use std::path::Path;

use common::Scratch;

/// `alsobought build` of the generated shop with small shards, plus `extra` (where
/// the table goes, mining flags).
fn build(scratch: &Scratch, extra: &[&str]) -> common::Run {
    let mut args = vec![
        "build",
        "--orders",
        "shop/orders.csv",
        "--catalog",
        "shop/catalog.csv",
        "--shard-bytes",
        "2048",
    ];
    args.extend_from_slice(extra);
    scratch.run(&args).success()
}

/// A generated shop built to `store.table` and `store/` in one run.
fn shop_in_both_layouts() -> Scratch {
    let scratch = Scratch::new();
    scratch.generate_shop("400", "6000", Some("7"));
    build(&scratch, &["--out", "store.table", "--out-dir", "store"]).stdout_has("entry.bin of");
    scratch
}

/// The shard folders under `directory`, sorted.
fn generation_folders(directory: &Path) -> Vec<std::path::PathBuf> {
    let mut folders: Vec<_> = fs::read_dir(directory)
        .unwrap()
        .map(|item| item.unwrap().path())
        .filter(|path| path.is_dir())
        .collect();
    folders.sort();
    folders
}

/// The one shard folder under `directory`.
fn generation_folder(directory: &Path) -> std::path::PathBuf {
    let folders = generation_folders(directory);
    assert_eq!(folders.len(), 1, "{folders:?}");
    folders[0].clone()
}

#[test]
fn inspect_and_recommend_read_the_directory_as_the_single_file() {
    let scratch = shop_in_both_layouts();
    let file = scratch.run(&["inspect", "store.table"]).success().stdout;
    let directory = scratch.run(&["inspect", "store"]).success().stdout;
    assert_eq!(file, directory);
    let catalog = fs::read_to_string(scratch.path("shop/catalog.csv")).unwrap();
    let ids: Vec<&str> = catalog
        .lines()
        .skip(1)
        .take(30)
        .filter_map(|line| line.split(',').next())
        .collect();
    let queries: String = ids
        .iter()
        .map(|id| format!("{{\"query\": [\"{id}\"]}}\n"))
        .collect();
    scratch.write("queries.jsonl", queries);
    let recommend = |table: &str| {
        scratch
            .run(&[
                "recommend",
                "--table",
                table,
                "--queries",
                "queries.jsonl",
                "--max",
                "4",
            ])
            .success()
            .stdout
    };
    assert_eq!(recommend("store.table"), recommend("store"));
    assert!(generation_folder(&scratch.path("store"))
        .join("00.bin")
        .is_file());
}

#[test]
fn a_rebuild_keeps_the_build_it_replaces_and_an_identical_one_keeps_its_names() {
    let scratch = shop_in_both_layouts();
    let store = scratch.path("store");
    let first = generation_folder(&store);
    let rebuild = |neighbours: &str| {
        build(
            &scratch,
            &["--out-dir", "store", "--neighbours", neighbours],
        )
    };
    rebuild("20");
    assert_eq!(generation_folder(&store), first, "same table, same names");

    // Pages (and caches) holding the replaced entry.bin still find its whole build.
    rebuild("3");
    let after_second = generation_folders(&store);
    assert_eq!(after_second.len(), 2, "{after_second:?}");
    assert!(after_second.contains(&first));
    let second = after_second
        .into_iter()
        .find(|folder| *folder != first)
        .unwrap();

    rebuild("5").stdout_has("1 folder of older builds removed");
    let after_third = generation_folders(&store);
    assert!(!after_third.contains(&first), "{after_third:?}");
    assert!(after_third.contains(&second), "{after_third:?}");
    assert_eq!(after_third.len(), 2, "{after_third:?}");
}

#[test]
fn a_missing_damaged_or_foreign_shard_is_an_error_naming_it() {
    let scratch = shop_in_both_layouts();
    let folder = generation_folder(&scratch.path("store"));
    let shard = folder.join("01.bin");
    let original = fs::read(&shard).unwrap();

    fs::remove_file(&shard).unwrap();
    scratch
        .run(&["inspect", "store"])
        .expect_code(1)
        .stderr_has("01.bin")
        .stderr_has("directory is incomplete");

    let mut damaged = original.clone();
    let last = damaged.len() - 1;
    damaged[last] ^= 0xFF;
    fs::write(&shard, &damaged).unwrap();
    scratch
        .run(&["inspect", "store"])
        .expect_code(1)
        .stderr_has("corrupt");

    let mut foreign = original;
    foreign[8] ^= 1; // the generation, as a shard of another build would have
    fs::write(&shard, &foreign).unwrap();
    scratch
        .run(&["inspect", "store"])
        .expect_code(1)
        .stderr_has("files of two builds");
}
