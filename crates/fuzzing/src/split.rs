//! `split`: fuzzer bytes carved into a directory layout (an entry file and its shard
//! files), read as the widget reads one (entry, then the shard of each product, then
//! the bundle) and joined back into a single file as `alsobought inspect` does.

use alsobought_core::{join_split, Bundle, Shard, SplitEntry, Table, TableError};

use crate::table_checks::{check_error, check_table, repair_crcs};

/// At most this many shard files are carved from one input.
const MAX_SHARDS: usize = 64;

/// The `split` target. Input: `u16` (little-endian) length + entry file, then each
/// shard file as `u16` length + bytes, in shard order ([`carve`] writes it).
pub fn split(data: &[u8]) {
    let (mut entry, mut shards) = uncarve(data);
    check_layout(&entry, &shards);
    repair_crcs(&mut entry, |bytes| SplitEntry::parse(bytes).map(drop));
    if let Ok(parsed) = SplitEntry::parse(&entry) {
        for (number, shard) in shards.iter_mut().enumerate() {
            repair_crcs(shard, |bytes| {
                read_shard(bytes, &parsed, number as u32).map(drop)
            });
        }
    }
    check_layout(&entry, &shards);
}

/// The input format of [`split`] for these files (the seed corpus is written with it).
pub fn carve(entry: &[u8], shards: &[&[u8]]) -> Vec<u8> {
    let mut data = Vec::new();
    for piece in std::iter::once(entry).chain(shards.iter().copied()) {
        let length = u16::try_from(piece.len()).expect("a seed file of at most 64 KiB");
        data.extend_from_slice(&length.to_le_bytes());
        data.extend_from_slice(piece);
    }
    data
}

fn uncarve(data: &[u8]) -> (Vec<u8>, Vec<Vec<u8>>) {
    let mut pieces = Vec::new();
    let mut rest = data;
    while !rest.is_empty() && pieces.len() <= MAX_SHARDS {
        let length = match rest {
            [low, high, ..] => usize::from(u16::from_le_bytes([*low, *high])),
            _ => 0,
        };
        let start = rest.len().min(2);
        let end = rest.len().min(start + length);
        pieces.push(rest[start..end].to_vec());
        rest = &rest[end..];
    }
    let entry = if pieces.is_empty() {
        Vec::new()
    } else {
        pieces.remove(0)
    };
    (entry, pieces)
}

/// A shard and every bundle it holds, each read by its leaf entry's length; bundle
/// errors carry offsets into the shard file.
fn read_shard<'a>(
    bytes: &'a [u8],
    entry: &SplitEntry<'_>,
    number: u32,
) -> Result<(Shard<'a>, Vec<Bundle<'a>>), TableError> {
    let shard = Shard::parse(bytes, entry, number)?;
    let start = bytes.len() - shard.bundle_bytes().len();
    let mut at = 0usize;
    let mut bundles = Vec::new();
    for (_, length) in shard.entries() {
        let piece = shard.bundle_bytes().get(at..).unwrap_or_default();
        let (bundle, _) = Bundle::parse(piece).map_err(|e| e.offset_by((start + at) as u64))?;
        bundles.push(bundle);
        at = at.saturating_add(length as usize);
    }
    Ok((shard, bundles))
}

fn check_layout(entry_bytes: &[u8], shards: &[Vec<u8>]) {
    let entry = match SplitEntry::parse(entry_bytes) {
        Ok(entry) => entry,
        Err(error) => return check_error(&error),
    };
    for (number, bytes) in shards.iter().enumerate() {
        let number = number as u32;
        let (shard, bundles) = match read_shard(bytes, &entry, number) {
            Ok(read) => read,
            Err(error) => {
                check_error(&error);
                continue;
            }
        };
        let verified = shard.verify(&entry).is_ok();
        for card in bundles.iter().filter_map(Bundle::product) {
            match shard.find(card.id) {
                Ok(Some(found)) => {
                    let found_id = found.product().map(|card| card.id);
                    assert_eq!(found_id, Some(card.id), "shard lookup found another id");
                    if verified {
                        assert_eq!(
                            entry.shard_of(card.id),
                            number,
                            "`{}` in the wrong shard",
                            card.id
                        );
                    }
                }
                Ok(None) => {}
                Err(error) => check_error(&error),
            }
        }
    }
    match join_split(entry_bytes, shards) {
        Ok(joined) => {
            Table::open(joined.as_slice()).unwrap_or_else(|error| {
                panic!("join_split made a table that does not open: {error}")
            });
            check_table(&joined);
        }
        Err(error) => check_error(&error),
    }
}
