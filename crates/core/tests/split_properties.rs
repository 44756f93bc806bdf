//! Property tests of the directory layout's readers (docs/format.md §17): no bytes a
//! host sends make them panic, a damaged or mixed directory never joins into a table
//! other than the one its entry names, and any valid table splits and joins back
//! byte for byte, every product found in the shard its id names.

mod format_common;

use alsobought_core::{join_split, split_table, write_table, Shard, SplitEntry, Table};
use format_common::{small_table, table_input};
use proptest::prelude::*;

/// Every reader over `entry` and `shard` (results ignored: only panics fail).
fn read_everything(entry: &[u8], shard: &[u8], id: &str) {
    let valid = split_table(&small_table(), 256).expect("a valid table splits");
    for entry in [entry, valid.entry.as_slice()] {
        let Ok(parsed) = SplitEntry::parse(entry) else {
            continue;
        };
        let _ = parsed.best_sellers().neighbours().count();
        let _ = parsed.shard_path(parsed.shard_of(id));
        for number in [0, parsed.shard_of(id), u32::MAX] {
            if let Ok(shard) = Shard::parse(shard, &parsed, number) {
                let _ = shard.verify(&parsed);
                let _ = shard.lookup(id);
                let _ = shard.find(id);
            }
        }
        let _ = join_split(entry, &[shard]);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_make_a_reader_panic(
        entry in prop::collection::vec(any::<u8>(), 0..400),
        shard in prop::collection::vec(any::<u8>(), 0..400),
        id in "\\PC{0,6}",
    ) {
        read_everything(&entry, &shard, &id);
    }

    #[test]
    fn arbitrary_bytes_behind_valid_magics_never_make_a_reader_panic(
        entry_tail in prop::collection::vec(any::<u8>(), 0..300),
        shard_tail in prop::collection::vec(any::<u8>(), 0..300),
    ) {
        let valid = split_table(&small_table(), 256).expect("splits");
        let mut entry = valid.entry[..8].to_vec();
        entry.extend_from_slice(&entry_tail);
        let mut shard = valid.shards[0].1[..16].to_vec();
        shard.extend_from_slice(&shard_tail);
        read_everything(&entry, &shard, "SKU-1");
    }

    #[test]
    fn a_damaged_directory_never_joins_into_another_table(
        changes in prop::collection::vec((any::<usize>(), any::<usize>(), any::<u8>()), 1..6),
    ) {
        let original = small_table();
        let split = split_table(&original, 256).expect("splits");
        let mut files: Vec<Vec<u8>> = std::iter::once(split.entry.clone())
            .chain(split.shards.iter().map(|(_, bytes)| bytes.clone()))
            .collect();
        let count = files.len();
        for (file, position, value) in changes {
            let file = &mut files[file % count];
            if !file.is_empty() {
                let position = position % file.len();
                file[position] = value;
            }
        }
        for (index, file) in files.iter().enumerate() {
            read_everything(&files[0], file, if index % 2 == 0 { "SKU-1" } else { "SKU-3" });
        }
        if let Ok(joined) = join_split(&files[0], &files[1..]) {
            prop_assert_eq!(joined, original, "only the unchanged table joins");
        }
    }

    #[test]
    fn any_table_splits_and_joins_back(input in table_input(), shard_bytes in 64u64..4096) {
        let file = write_table(&input).expect("a valid input is written");
        let split = split_table(&file, shard_bytes).expect("a valid table splits");
        let shards: Vec<&[u8]> = split.shards.iter().map(|(_, bytes)| bytes.as_slice()).collect();
        prop_assert_eq!(join_split(&split.entry, &shards).expect("joins"), file.clone());
        let entry = SplitEntry::parse(&split.entry).expect("entry parses");
        let table = Table::open(file.as_slice()).expect("opens");
        for product in &input.products {
            let number = entry.shard_of(&product.id);
            let shard = Shard::parse(shards[number as usize], &entry, number).expect("parses");
            shard.verify(&entry).expect("verifies");
            prop_assert_eq!(shard.find(&product.id).expect("reads"), table.bundle(&product.id).expect("reads"));
        }
    }
}
