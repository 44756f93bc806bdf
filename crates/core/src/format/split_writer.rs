//! Writing the directory layout from a single-file table, and joining it back.
//!
//! Splitting is a pure function of the table's bytes, so the same table always gives
//! the same file names and bytes (caches stay warm across identical rebuilds), and
//! joining gives back exactly the single file: `join_split(split_table(t)) == t`.
//! The command-line tool reads a directory by joining it, so `inspect`, `recommend`
//! and `evaluate` check and read both layouts with the one single-file reader.

use sha2::{Digest, Sha256};

use super::crc::crc32;
use super::directory::LeafDirectory;
use super::error::{Section, TableError};
use super::hash::top_bits;
use super::split::{
    generation_dir, shard_path, Shard, SplitEntry, ENTRY_FILE, ENTRY_HEADER_LEN, ENTRY_MAGIC,
    SHARD_MAGIC, SPLIT_VERSION,
};
use super::table::Table;
use super::writer::encode_directories;
use super::{HEADER_LEN, MAX_BUCKET_BITS};

/// The mean shard size `alsobought build --out-dir` aims at: with the entry file, a
/// cold product page stays under 16 KB even where hashes crowd a shard, and a
/// million-product catalog is ~65,000 files rather than millions.
pub const DEFAULT_SHARD_BYTES: u64 = 6 * 1024;

/// A table laid out as files: the entry file and every shard, with their paths
/// relative to the table's directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitTable {
    /// The bytes of [`ENTRY_FILE`].
    pub entry: Vec<u8>,
    /// The folder the shards live in: the generation in 16 hex digits.
    pub generation_dir: String,
    /// Shard files, `(path, bytes)`, in shard order.
    pub shards: Vec<(String, Vec<u8>)>,
}

impl SplitTable {
    /// Every file, `(path, bytes)`: the shards first, the entry file last, the order
    /// an upload must follow so no page ever sees an entry whose shards are missing.
    pub fn files(&self) -> impl Iterator<Item = (&str, &[u8])> {
        self.shards
            .iter()
            .map(|(path, bytes)| (path.as_str(), bytes.as_slice()))
            .chain(core::iter::once((ENTRY_FILE, self.entry.as_slice())))
    }
}

/// The table's generation: the first 8 bytes of the SHA-256 of its single file.
fn generation_of(file: &[u8]) -> u64 {
    let digest = Sha256::digest(file);
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first)
}

/// The fewest shard bits that bring the mean shard under `target_bytes` of bundles,
/// with no more shards than products.
fn shard_bits_for(bundle_bytes: u64, product_count: u32, target_bytes: u64) -> u8 {
    let mut bits = 0u8;
    while bits < MAX_BUCKET_BITS
        && bundle_bytes >> bits > target_bytes.max(1)
        && (1u64 << (bits + 1)) <= u64::from(product_count)
    {
        bits += 1;
    }
    bits
}

/// Splits a single-file table (checked whole first) into the directory layout, with
/// shards of about `target_shard_bytes` each.
pub fn split_table(file: &[u8], target_shard_bytes: u64) -> Result<SplitTable, TableError> {
    let table = Table::open(file)?;
    table.verify()?;
    let header = *table.header();
    let prefix = table.prefix()?;
    let generation = generation_of(file);
    let bundles = &file[header.bundles_offset as usize..];
    let shard_bits = shard_bits_for(
        bundles.len() as u64,
        header.product_count,
        target_shard_bytes,
    );

    // Every leaf entry in product-number order: sorted by hash, so by shard too.
    let mut entries: Vec<(u32, u32)> = Vec::with_capacity(header.product_count as usize);
    for bucket in 0..header.bucket_count() {
        let range = prefix.leaf_range_of_bucket(bucket).unwrap_or(0..0);
        let leaf_bytes = &file[range.start as usize..range.end as usize];
        entries.extend(LeafDirectory::parse(leaf_bytes, bucket, &prefix)?.entries());
    }

    let mut shards = Vec::with_capacity(1 << shard_bits);
    let (mut next_entry, mut next_byte) = (0usize, 0usize);
    for shard in 0..(1u32 << shard_bits) {
        let count = entries[next_entry..]
            .iter()
            .take_while(|(hash, _)| top_bits(*hash, shard_bits) == shard)
            .count();
        let own = &entries[next_entry..next_entry + count];
        let bundle_len: usize = own.iter().map(|(_, length)| *length as usize).sum();
        let mut bytes = Vec::with_capacity(28 + own.len() * 8 + bundle_len);
        bytes.extend_from_slice(&SHARD_MAGIC);
        bytes.extend_from_slice(&generation.to_be_bytes());
        bytes.extend_from_slice(&shard.to_le_bytes());
        bytes.extend_from_slice(&(count as u32).to_le_bytes());
        for (hash, length) in own {
            bytes.extend_from_slice(&hash.to_le_bytes());
            bytes.extend_from_slice(&length.to_le_bytes());
        }
        bytes.extend_from_slice(&crc32(&bytes).to_le_bytes());
        bytes.extend_from_slice(&bundles[next_byte..next_byte + bundle_len]);
        shards.push((shard_path(generation, shard_bits, shard), bytes));
        next_entry += count;
        next_byte += bundle_len;
    }

    let best_sellers = &file[header.best_sellers_offset as usize..header.leaf_offset as usize];
    let entry_len = ENTRY_HEADER_LEN + HEADER_LEN + best_sellers.len();
    let mut entry = Vec::with_capacity(entry_len);
    entry.extend_from_slice(&ENTRY_MAGIC);
    entry.extend_from_slice(&SPLIT_VERSION.to_le_bytes());
    entry.push(shard_bits);
    entry.push(0);
    entry.extend_from_slice(&(entry_len as u32).to_le_bytes());
    entry.extend_from_slice(&generation.to_be_bytes());
    entry.extend_from_slice(&[0; 4]);
    entry.extend_from_slice(&crc32(&entry).to_le_bytes());
    entry.extend_from_slice(&file[..HEADER_LEN]);
    entry.extend_from_slice(best_sellers);

    Ok(SplitTable {
        entry,
        generation_dir: generation_dir(generation),
        shards,
    })
}

/// Rebuilds the single file from an entry file and its shards (in shard order:
/// `shards[i]` is the file at `SplitEntry::shard_path(i)`), checking every piece
/// and, at the end, that the result is the very table the entry names (its
/// SHA-256 gives the entry's generation).
pub fn join_split<S: AsRef<[u8]>>(entry_file: &[u8], shards: &[S]) -> Result<Vec<u8>, TableError> {
    let entry = SplitEntry::parse(entry_file)?;
    let header = *entry.header();
    let expected_shards = 1usize << entry.shard_bits();
    if shards.len() != expected_shards {
        return Err(TableError::malformed(
            Section::Entry,
            10,
            format!(
                "the entry names {expected_shards} shards but {} were given",
                shards.len()
            ),
        ));
    }
    let mut entries: Vec<(u32, u32)> = Vec::with_capacity(header.product_count as usize);
    let mut bundles: Vec<u8> = Vec::new();
    for (number, bytes) in shards.iter().enumerate() {
        let shard = Shard::parse(bytes.as_ref(), &entry, number as u32)?;
        shard.verify(&entry)?;
        entries.extend(shard.entries());
        bundles.extend_from_slice(shard.bundle_bytes());
    }
    // The header's lengths are only claims until the generation check below: the
    // shards must hold what it says before anything is sized by it.
    let bundles_len = header.file_length - header.bundles_offset;
    if entries.len() != header.product_count as usize || bundles.len() as u64 != bundles_len {
        return Err(TableError::malformed(
            Section::Entry,
            (ENTRY_HEADER_LEN + 12) as u64,
            format!(
                "the table header says {} products in {bundles_len} bundle bytes but the {} shards                  hold {} products in {} bytes: a shard is missing, extra or from another build;                  upload the whole directory again",
                header.product_count,
                shards.len(),
                entries.len(),
                bundles.len()
            ),
        ));
    }

    let (root, leaves) = encode_directories(
        &entries,
        header.bucket_bits,
        header.leaf_offset,
        header.bundles_offset,
        header.file_length,
    );
    let best_sellers = &entry_file[ENTRY_HEADER_LEN + HEADER_LEN..];
    let mut file = Vec::with_capacity(
        HEADER_LEN + root.len() + best_sellers.len() + leaves.len() + bundles.len(),
    );
    file.extend_from_slice(&header.encode());
    file.extend_from_slice(&root);
    // The entry ends with the best-seller bundle, as parsed above.
    file.extend_from_slice(best_sellers);
    file.extend_from_slice(&leaves);
    file.extend_from_slice(&bundles);

    let every_entry_listed = leaves.len() as u64 == header.leaf_directories_len();
    if !every_entry_listed || generation_of(&file) != entry.generation() {
        return Err(TableError::malformed(
            Section::Entry,
            16,
            format!(
                "the entry and its {} shards do not add up to the table it names (build {:016x}): \
                 a shard is missing, extra or from another build; upload the whole directory again",
                shards.len(),
                entry.generation()
            ),
        ));
    }
    Ok(file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::{write_table, ProductRecord, TableInput};

    /// `n` products, product i bought with the next three.
    fn table(n: u32) -> Vec<u8> {
        let products = (0..n)
            .map(|index| ProductRecord::with_id(format!("SKU-{index}")))
            .collect();
        let neighbours = (0..n)
            .map(|index| {
                (1..=3.min(n.saturating_sub(1)))
                    .map(|step| ((index + step) % n, 4.0 - step as f32))
                    .collect()
            })
            .collect();
        write_table(&TableInput {
            products,
            neighbours,
            best_sellers: if n > 0 { vec![(0, 3.0)] } else { vec![] },
            order_count: 10,
            max_neighbours: 3,
            ..Default::default()
        })
        .unwrap()
    }

    #[test]
    fn joining_the_split_gives_back_the_single_file_byte_for_byte() {
        for (n, target) in [(0, 4096), (1, 4096), (2, 64), (300, 1024), (2000, 6144)] {
            let file = table(n);
            let split = split_table(&file, target).unwrap();
            let shards: Vec<&[u8]> = split.shards.iter().map(|(_, b)| b.as_slice()).collect();
            assert_eq!(join_split(&split.entry, &shards).unwrap(), file, "n = {n}");
        }
    }

    #[test]
    fn every_product_is_found_in_the_shard_its_name_gives() {
        let file = table(2000);
        let split = split_table(&file, 2048).unwrap();
        let entry = SplitEntry::parse(&split.entry).unwrap();
        assert!(entry.shard_bits() >= 4, "{}", entry.shard_bits());
        let single = Table::open(file.as_slice()).unwrap();
        for index in (0..2000).step_by(37) {
            let id = format!("SKU-{index}");
            let number = entry.shard_of(&id);
            let (path, bytes) = &split.shards[number as usize];
            assert_eq!(path, &entry.shard_path(number));
            let shard = Shard::parse(bytes, &entry, number).unwrap();
            let found = shard.find(&id).unwrap().unwrap();
            assert_eq!(found, single.bundle(&id).unwrap().unwrap());
        }
        let absent = entry.shard_of("NOPE");
        let shard = Shard::parse(&split.shards[absent as usize].1, &entry, absent).unwrap();
        assert_eq!(shard.find("NOPE").unwrap(), None);
    }

    #[test]
    fn a_shard_of_another_build_is_told_apart_from_corruption() {
        let old = split_table(&table(300), 1024).unwrap();
        let new = split_table(&table(301), 1024).unwrap();
        let entry = SplitEntry::parse(&new.entry).unwrap();
        let error = Shard::parse(&old.shards[0].1, &entry, 0).unwrap_err();
        assert!(
            error.to_string().contains(crate::format::OTHER_GENERATION),
            "{error}"
        );
        let mut corrupt = new.shards[0].1.clone();
        corrupt[crate::format::SHARD_HEADER_LEN] ^= 1;
        assert!(matches!(
            Shard::parse(&corrupt, &entry, 0).unwrap_err(),
            TableError::ChecksumMismatch { .. }
        ));
    }

    /// Found by the `split` fuzz target: an entry whose table header claimed a
    /// 36 GiB file made `join_split` try to allocate it before any check.
    #[test]
    fn a_header_claiming_more_than_the_shards_hold_is_refused_before_allocating() {
        let split = split_table(&table(5), 4096).unwrap();
        let mut entry = split.entry.clone();
        let header_at = ENTRY_HEADER_LEN;
        let file_length_at = header_at + 56;
        entry[file_length_at..file_length_at + 8].copy_from_slice(&(9u64 << 32).to_le_bytes());
        let crc = crc32(&entry[header_at..header_at + HEADER_LEN - 4]);
        entry[header_at + HEADER_LEN - 4..header_at + HEADER_LEN]
            .copy_from_slice(&crc.to_le_bytes());
        let shards: Vec<&[u8]> = split
            .shards
            .iter()
            .map(|(_, bytes)| bytes.as_slice())
            .collect();
        let error = join_split(&entry, &shards).unwrap_err();
        assert!(error.to_string().contains("bundle bytes"), "{error}");
    }

    #[test]
    fn an_entry_promising_more_bytes_than_it_has_is_truncated() {
        let mut entry = split_table(&table(300), 1024).unwrap().entry;
        let promised = entry.len() as u32 + 1_000_000;
        entry[12..16].copy_from_slice(&promised.to_le_bytes());
        let crc = crate::format::crc::crc32(&entry[..28]);
        entry[28..32].copy_from_slice(&crc.to_le_bytes());
        assert_eq!(
            SplitEntry::parse(&entry).unwrap_err(),
            TableError::Truncated {
                section: Section::Entry,
                needed: u64::from(promised),
                have: entry.len() as u64,
            }
        );
    }

    #[test]
    fn the_same_table_always_gets_the_same_names_and_a_changed_one_new_names() {
        let first = split_table(&table(300), 1024).unwrap();
        assert_eq!(first, split_table(&table(300), 1024).unwrap());
        let other = split_table(&table(299), 1024).unwrap();
        assert_ne!(first.generation_dir, other.generation_dir);
        assert!(first.shards[0].0.starts_with(&first.generation_dir));
    }

    #[test]
    fn shard_names_are_fixed_width_hex_under_the_generation() {
        assert_eq!(
            shard_path(0x0123_4567_89ab_cdef, 0, 0),
            "0123456789abcdef/0.bin"
        );
        assert_eq!(shard_path(1, 9, 0x1ff), "0000000000000001/1ff.bin");
        assert_eq!(shard_path(1, 12, 0xa), "0000000000000001/00a.bin");
    }
}
