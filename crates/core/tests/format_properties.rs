//! Property tests: no byte sequence makes any reader panic (a widget must
//! survive whatever a server sends), damaged tables that still verify stay
//! self-consistent, and arbitrary valid inputs round-trip exactly.

mod format_common;

use alsobought_core::{write_table, Bundle, Header, LeafDirectory, Prefix, Table};
use format_common::{assert_table_holds, checksummed_regions, reseal, small_table, table_input};
use proptest::prelude::*;

/// Runs every reader over `bytes` (results ignored: only panics fail).
fn read_everything(bytes: &[u8], id: &str, count: usize) {
    let _ = Header::parse(bytes);
    let _ = Bundle::parse(bytes);
    let _ = Bundle::find(bytes, count, id);
    if let Ok(prefix) = Prefix::parse(bytes) {
        let _ = prefix.best_sellers().neighbours().count();
        let _ = prefix.find_in_file(bytes, id);
        for bucket in [0, prefix.bucket_of(id), u32::MAX] {
            if let Ok(leaf) = LeafDirectory::parse(bytes, bucket, &prefix) {
                let _ = leaf.lookup(id);
            }
        }
    }
    let small = small_table();
    let small_prefix = Prefix::parse(&small).expect("valid");
    for bucket in 0..small_prefix.header().bucket_count() + 1 {
        if let Ok(leaf) = LeafDirectory::parse(bytes, bucket, &small_prefix) {
            let _ = leaf.lookup(id);
        }
    }
    if let Ok(table) = Table::open(bytes) {
        let _ = table.verify();
        let _ = table.stats();
        let _ = table.bundle(id);
        for bundle in table.bundles().flatten() {
            let _ = bundle.neighbours().count();
            if let Some(card) = bundle.product() {
                let _ = table.bundle(card.id);
            }
        }
    }
}

/// When a damaged table still passes `verify`, it must behave like a table:
/// every bundle is found by its own id.
fn check_consistent_if_valid(bytes: &[u8]) {
    let Ok(table) = Table::open(bytes) else {
        return;
    };
    if table.verify().is_err() {
        return;
    }
    for bundle in table.bundles() {
        let bundle = bundle.expect("a verified table's bundles parse");
        let card = bundle.product().expect("product bundles have cards");
        assert_eq!(table.bundle(card.id), Ok(Some(bundle)));
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn arbitrary_bytes_never_make_a_reader_panic(
        bytes in prop::collection::vec(any::<u8>(), 0..700),
        id in "\\PC{0,6}",
        count in 0usize..6,
    ) {
        read_everything(&bytes, &id, count);
    }

    #[test]
    fn arbitrary_bytes_behind_a_valid_magic_never_make_a_reader_panic(
        tail in prop::collection::vec(any::<u8>(), 0..700),
        version in 0u16..3,
    ) {
        let mut bytes = b"ALSOBGHT".to_vec();
        bytes.extend_from_slice(&version.to_le_bytes());
        bytes.extend_from_slice(&tail);
        read_everything(&bytes, "SKU-1", 2);
    }

    #[test]
    fn damaged_tables_never_make_a_reader_panic(
        changes in prop::collection::vec((any::<usize>(), any::<u8>()), 1..8),
        fix_checksums in any::<bool>(),
        id in prop_oneof![Just("SKU-1".to_owned()), Just("SKU-3".to_owned()), "\\PC{0,6}"],
    ) {
        let original = small_table();
        let mut bytes = original.clone();
        for (position, value) in changes {
            let position = position % bytes.len();
            bytes[position] = value;
        }
        if fix_checksums {
            reseal(&mut bytes, &checksummed_regions(&original));
        } else if bytes != original {
            prop_assert!(Table::open(&bytes[..]).and_then(|table| table.verify()).is_err());
        }
        read_everything(&bytes, &id, 3);
        check_consistent_if_valid(&bytes);
    }

    #[test]
    fn arbitrary_inputs_round_trip(input in table_input()) {
        let bytes = write_table(&input).expect("a valid input is written");
        assert_table_holds(&bytes, &input);
        prop_assert_eq!(write_table(&input).expect("again"), bytes, "deterministic");
    }
}
