//! Corruption fixtures: every way a served table can be wrong (empty, cut
//! short, not a table, too new, damaged) must give its own clear error, and no
//! byte pattern may make a reader panic.

mod format_common;

use alsobought_core::{
    crc32, Bundle, Header, LeafDirectory, Prefix, Section, Table, TableError, HEADER_LEN,
};
use format_common::{checksummed_regions, reseal, small_table};

fn fix_header_crc(bytes: &mut [u8]) {
    let checksum = crc32(&bytes[..92]);
    bytes[92..96].copy_from_slice(&checksum.to_le_bytes());
}

/// Opens and fully checks a table, as `alsobought inspect --verify` would.
fn open_and_verify(bytes: &[u8]) -> Result<(), TableError> {
    Table::open(bytes)?.verify()
}

#[test]
fn an_empty_file_is_reported_as_empty() {
    let error = Table::open(&[][..]).unwrap_err();
    assert_eq!(
        error,
        TableError::Truncated {
            section: Section::Header,
            needed: HEADER_LEN as u64,
            have: 0
        }
    );
    assert!(error.to_string().contains("empty"), "{error}");
}

#[test]
fn every_truncation_is_refused_as_truncated() {
    let bytes = small_table();
    for length in 0..bytes.len() {
        let cut = &bytes[..length];
        let error = Table::open(cut).unwrap_err();
        assert!(
            matches!(error, TableError::Truncated { .. }),
            "length {length}: {error:?}"
        );
        assert!(error.to_string().contains("again"), "{error}");
        // A range reader given too few bytes for the prefix says so too.
        if length < Header::parse(&bytes).unwrap().leaf_offset as usize {
            assert!(matches!(
                Prefix::parse(cut),
                Err(TableError::Truncated { .. })
            ));
        }
    }
}

#[test]
fn every_cut_bundle_and_leaf_is_refused() {
    let bytes = small_table();
    let prefix = Prefix::parse(&bytes).unwrap();
    let range = prefix.leaf_range("SKU-1");
    let leaf_bytes = &bytes[range.start as usize..range.end as usize];
    let bucket = prefix.bucket_of("SKU-1");
    for length in 0..leaf_bytes.len() {
        let error = LeafDirectory::parse(&leaf_bytes[..length], bucket, &prefix).unwrap_err();
        assert!(matches!(error, TableError::Truncated { .. }), "{error:?}");
    }
    let leaf = LeafDirectory::parse(leaf_bytes, bucket, &prefix).unwrap();
    let span = leaf.lookup("SKU-1").unwrap();
    let span_bytes = &bytes[span.range.start as usize..span.range.end as usize];
    for length in 0..span_bytes.len() {
        assert!(Bundle::parse(&span_bytes[..length]).is_err());
        assert!(Bundle::find(&span_bytes[..length], span.count, "SKU-1").is_err());
    }
}

#[test]
fn a_wrong_magic_is_not_a_table() {
    let mut bytes = small_table();
    bytes[..8].copy_from_slice(b"PMTILES3");
    let error = Table::open(&bytes[..]).unwrap_err();
    assert_eq!(
        error,
        TableError::BadMagic {
            found: b"PMTILES3".to_vec()
        }
    );
    assert!(error.to_string().contains("alsobought build"), "{error}");
}

#[test]
fn an_html_page_is_recognised_as_such() {
    let page = b"<!DOCTYPE html><html><head><title>404 Not Found</title></head></html>";
    let error = Table::open(&page[..]).unwrap_err();
    assert!(matches!(error, TableError::BadMagic { .. }));
    let message = error.to_string();
    assert!(
        message.contains("HTML page") && message.contains("404"),
        "{message}"
    );
    // Even a page shorter than the header is a wrong file, not a truncated table.
    assert!(matches!(
        Header::parse(b"<h1>"),
        Err(TableError::BadMagic { .. })
    ));
    assert!(matches!(
        Header::parse(b"ALSO"),
        Err(TableError::Truncated { .. })
    ));
}

#[test]
fn a_gzipped_table_gets_a_hint() {
    let error = Header::parse(&[0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 3]).unwrap_err();
    assert!(error.to_string().contains("gzip"), "{error}");
}

#[test]
fn a_newer_version_asks_for_a_newer_reader() {
    let mut bytes = small_table();
    bytes[8..10].copy_from_slice(&4u16.to_le_bytes());
    fix_header_crc(&mut bytes);
    let error = Table::open(&bytes[..]).unwrap_err();
    assert_eq!(error, TableError::UnsupportedVersion { found: 4, max: 3 });
    assert!(error.to_string().contains("newer widget"), "{error}");

    // A future header may differ in every byte after the version: refuse it
    // for its version, not for its checksum or its length.
    let mut future = b"ALSOBGHT".to_vec();
    future.extend_from_slice(&7u16.to_le_bytes());
    assert_eq!(
        Header::parse(&future),
        Err(TableError::UnsupportedVersion { found: 7, max: 3 })
    );
}

#[test]
fn version_zero_does_not_exist() {
    let mut bytes = small_table();
    bytes[8..10].copy_from_slice(&0u16.to_le_bytes());
    fix_header_crc(&mut bytes);
    assert!(matches!(
        Table::open(&bytes[..]),
        Err(TableError::Malformed { offset: 8, .. })
    ));
}

#[test]
fn trailing_bytes_are_refused() {
    let mut bytes = small_table();
    let length = bytes.len() as u64;
    bytes.push(0);
    assert_eq!(
        Table::open(&bytes[..]).unwrap_err(),
        TableError::FileLengthMismatch {
            header_says: length,
            have: length + 1
        }
    );
}

#[test]
fn every_flipped_byte_fails_verification() {
    let bytes = small_table();
    for position in 0..bytes.len() {
        for flip in [0x01, 0x80, 0xFF] {
            let mut damaged = bytes.clone();
            damaged[position] ^= flip;
            assert!(
                open_and_verify(&damaged).is_err(),
                "flipping byte {position} with {flip:#04x} went unnoticed"
            );
        }
    }
}

#[test]
fn a_damaged_bundle_is_reported_as_corrupt() {
    let bytes = small_table();
    let header = Header::parse(&bytes).unwrap();
    let mut damaged = bytes.clone();
    let last_title_byte = bytes.len() - 10;
    damaged[last_title_byte] ^= 0x01;
    let error = open_and_verify(&damaged).unwrap_err();
    assert!(
        matches!(
            error,
            TableError::ChecksumMismatch {
                section: Section::Bundle,
                ..
            }
        ),
        "{error:?}"
    );
    assert!(error.to_string().contains("corrupt"), "{error}");
    assert!(last_title_byte as u64 > header.bundles_offset);
}

#[test]
fn nonzero_reserved_bytes_are_refused() {
    let mut bytes = small_table();
    bytes[85] = 1;
    fix_header_crc(&mut bytes);
    assert!(matches!(
        Table::open(&bytes[..]),
        Err(TableError::Malformed { offset: 85, .. })
    ));
}

#[test]
fn a_hostile_product_count_is_refused_before_anything_is_allocated() {
    let mut bytes = small_table();
    bytes[12..16].copy_from_slice(&(1u32 << 24).to_le_bytes());
    fix_header_crc(&mut bytes);
    assert!(matches!(
        Table::open(&bytes[..]),
        Err(TableError::Malformed { .. })
    ));
    bytes[10] = 24;
    fix_header_crc(&mut bytes);
    assert!(matches!(
        Table::open(&bytes[..]),
        Err(TableError::Malformed { .. })
    ));
}

/// With every checksum fixed up after the change, the structural checks alone
/// must notice any changed byte outside the free-form strings.
#[test]
fn resealed_damage_is_caught_by_the_structure_checks() {
    let bytes = small_table();
    let regions = checksummed_regions(&bytes);
    let mut unnoticed = Vec::new();
    for position in 0..bytes.len() {
        let mut damaged = bytes.clone();
        damaged[position] ^= 0x80;
        reseal(&mut damaged, &regions);
        if damaged != bytes && open_and_verify(&damaged).is_ok() {
            unnoticed.push(position);
        }
    }
    // Past the header a changed byte can leave a valid table (a score byte,
    // a price, a letter of a title no other bundle copies). In the header
    // only the informational fields may change: max_neighbours (when still
    // above every list's length), the score range and order_count.
    let header = Header::parse(&bytes).unwrap();
    for &position in &unnoticed {
        let informational = position == 11 || (64..80).contains(&position);
        assert!(
            informational || position as u64 >= header.best_sellers_offset,
            "header byte {position} was changed without notice"
        );
    }
}

#[test]
fn a_compare_at_price_not_above_the_price_fails_verification() {
    let mut input = format_common::small_input();
    input.products[0].compare_at_hundredths = Some(1599);
    let mut bytes = alsobought_core::write_table(&input).unwrap();
    assert_eq!(open_and_verify(&bytes), Ok(()));
    let regions = checksummed_regions(&bytes);
    // Every copy of the card: its price 1299 (13 05 00 00) ... compare-at 1599 (3f 06).
    let sale = [0x3f, 0x06, 0x00, 0x00];
    let mut copies = 0;
    for at in 0..bytes.len() - 4 {
        if bytes[at..at + 4] == sale && bytes[at - 8..at - 4] == [0x13, 0x05, 0x00, 0x00] {
            bytes[at..at + 4].copy_from_slice(&1299u32.to_le_bytes());
            copies += 1;
        }
    }
    assert!(copies > 0);
    reseal(&mut bytes, &regions);
    let error = open_and_verify(&bytes).unwrap_err().to_string();
    assert!(
        error.contains("compare-at price not above its price"),
        "{error}"
    );
}
