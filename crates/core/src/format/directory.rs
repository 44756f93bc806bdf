//! The two directory levels that take a product id to its bundle's byte range:
//! the root directory (in the prefix every page fetches) says where each
//! bucket's leaf and bundles are; a leaf lists the hash and length of each
//! bundle in its bucket. Two small fetches, whatever the catalog's size.

use core::ops::Range;

use super::bundle::{Bundle, BundleKind};
use super::cursor::{file_slice, Cursor};
use super::error::{Section, TableError};
use super::hash::product_hash;
use super::header::Header;
use super::{CRC_LEN, LEAF_ENTRY_LEN, MIN_PRODUCT_BUNDLE_LEN, ROOT_ENTRY_LEN};

/// The prefix of a table, `0..leaf_offset`: header, root directory and
/// best-seller list. The same bytes serve every page of the store, so a
/// widget fetches them once and keeps them.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prefix<'a> {
    header: Header,
    /// The root entries without their CRC: `(bucket_count + 1) × 16` bytes.
    root: &'a [u8],
    best_sellers: Bundle<'a>,
}

impl<'a> Prefix<'a> {
    /// Reads the prefix from `bytes`, which start at file offset 0 and hold at
    /// least `leaf_offset` bytes (more, such as the whole file, are ignored).
    /// Checks the header, the root directory's CRC and that its entries tile
    /// the leaf and bundle sections, and the best-seller bundle. Cost: O(buckets).
    pub fn parse(bytes: &'a [u8]) -> Result<Prefix<'a>, TableError> {
        let header = Header::parse(bytes)?;
        let prefix = file_slice(bytes, header.prefix_range(), Section::Prefix)?;
        let root_range = header.root_offset..header.best_sellers_offset;
        let root_bytes = file_slice(prefix, root_range, Section::RootDirectory)?;
        let mut cursor = Cursor::new(root_bytes, Section::RootDirectory, header.root_offset);
        let entries_len = header.root_directory_len() - CRC_LEN;
        let root = cursor.take(entries_len as usize)?;
        cursor.checksum()?;
        check_root_entries(&header, root)?;

        let best_sellers_range = header.best_sellers_offset..header.leaf_offset;
        let best_sellers_bytes =
            file_slice(prefix, best_sellers_range.clone(), Section::BestSellers)?;
        let best_sellers = parse_best_sellers(best_sellers_bytes, header.best_sellers_offset)?;
        Ok(Prefix {
            header,
            root,
            best_sellers,
        })
    }

    /// The table's header.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The best-seller list (a bundle of kind 2: no own product).
    pub fn best_sellers(&self) -> &Bundle<'a> {
        &self.best_sellers
    }

    /// The bucket `id` belongs to.
    pub fn bucket_of(&self, id: &str) -> u32 {
        self.header.bucket_of_hash(product_hash(id))
    }

    /// File byte range of the leaf directory that would list `id`.
    pub fn leaf_range(&self, id: &str) -> Range<u64> {
        self.leaf_range_of_bucket(self.bucket_of(id))
            .unwrap_or(0..0)
    }

    /// File byte range of a bucket's leaf directory (`None` past the last bucket).
    pub fn leaf_range_of_bucket(&self, bucket: u32) -> Option<Range<u64>> {
        let (start, _) = self.root_entry(bucket)?;
        let (end, _) = self.root_entry(bucket.checked_add(1)?)?;
        Some(start..end)
    }

    /// File byte range of a bucket's bundles (`None` past the last bucket).
    pub fn bundle_range_of_bucket(&self, bucket: u32) -> Option<Range<u64>> {
        let (_, start) = self.root_entry(bucket)?;
        let (_, end) = self.root_entry(bucket.checked_add(1)?)?;
        Some(start..end)
    }

    /// Product number of the first bundle in `bucket`: the leaf entries of all
    /// buckets before it (`(leaf start − leaf_offset − 4 × bucket) / 8`).
    pub fn first_number_of_bucket(&self, bucket: u32) -> Option<u32> {
        let (leaf_start, _) = self.root_entry(bucket)?;
        let before = leaf_start
            .saturating_sub(self.header.leaf_offset)
            .saturating_sub(CRC_LEN * u64::from(bucket));
        u32::try_from(before / LEAF_ENTRY_LEN).ok()
    }

    /// Looks `id` up in a whole table file held in memory (`file` starts at
    /// offset 0): leaf range → leaf → span → bundle, the same steps a range
    /// reader takes with fetches in between.
    pub fn find_in_file(&self, file: &'a [u8], id: &str) -> Result<Option<Bundle<'a>>, TableError> {
        let bucket = self.bucket_of(id);
        let leaf_bytes = file_slice(file, self.leaf_range(id), Section::LeafDirectory { bucket })?;
        let leaf = LeafDirectory::parse(leaf_bytes, bucket, self)?;
        let Some(span) = leaf.lookup(id) else {
            return Ok(None);
        };
        let span_bytes = file_slice(file, span.range.clone(), Section::Bundle)?;
        Bundle::find_at(span_bytes, span.count, id, span.range.start)
    }

    /// Root entry `index`: `(leaf_offset, bundle_offset)`.
    fn root_entry(&self, index: u32) -> Option<(u64, u64)> {
        read_root_entry(self.root, index)
    }
}

/// The best-seller bundle that exactly fills `bytes` (which start at file offset
/// `base`): the single file's prefix and the directory layout's entry both hold one.
pub(crate) fn parse_best_sellers(bytes: &[u8], base: u64) -> Result<Bundle<'_>, TableError> {
    let (best_sellers, used) = Bundle::parse_at(bytes, Section::BestSellers, base)?;
    if best_sellers.kind() != BundleKind::BestSellers {
        return Err(TableError::malformed(
            Section::BestSellers,
            base,
            "the bundle at best_sellers_offset is a product bundle (kind 1), not kind 2",
        ));
    }
    if used != bytes.len() {
        return Err(TableError::malformed(
            Section::BestSellers,
            base + used as u64,
            format!(
                "the best-seller bundle ends after {used} bytes but leaf_offset leaves {} for it",
                bytes.len()
            ),
        ));
    }
    Ok(best_sellers)
}

fn read_root_entry(root: &[u8], index: u32) -> Option<(u64, u64)> {
    let start = usize::try_from(u64::from(index) * ROOT_ENTRY_LEN).ok()?;
    let entry = root.get(start..start.checked_add(ROOT_ENTRY_LEN as usize)?)?;
    let (leaf, bundle) = entry.split_at(8);
    Some((
        u64::from_le_bytes(leaf.try_into().ok()?),
        u64::from_le_bytes(bundle.try_into().ok()?),
    ))
}

/// The root entries must start at `(leaf_offset, bundles_offset)`, end at
/// `(bundles_offset, file_length)`, and give every bucket a leaf of `4 + 8m`
/// bytes and room for its `m` bundles.
fn check_root_entries(header: &Header, root: &[u8]) -> Result<(), TableError> {
    let entry_at = |index: u32| header.root_offset + u64::from(index) * ROOT_ENTRY_LEN;
    let buckets = header.bucket_count();
    let entry = |index: u32| {
        read_root_entry(root, index).ok_or(TableError::Truncated {
            section: Section::RootDirectory,
            needed: (u64::from(index) + 1) * ROOT_ENTRY_LEN,
            have: root.len() as u64,
        })
    };
    let first = entry(0)?;
    if first != (header.leaf_offset, header.bundles_offset) {
        return Err(TableError::malformed(
            Section::RootDirectory,
            entry_at(0),
            format!(
                "the first entry is {first:?} but must be (leaf_offset, bundles_offset) = ({}, {})",
                header.leaf_offset, header.bundles_offset
            ),
        ));
    }
    let last = entry(buckets)?;
    if last != (header.bundles_offset, header.file_length) {
        return Err(TableError::malformed(
            Section::RootDirectory,
            entry_at(buckets),
            format!(
                "the last entry is {last:?} but must be (bundles_offset, file_length) = ({}, {})",
                header.bundles_offset, header.file_length
            ),
        ));
    }
    let mut start = first;
    for bucket in 0..buckets {
        let end = entry(bucket + 1)?;
        let leaf_len = end.0.checked_sub(start.0);
        let bundles_len = end.1.checked_sub(start.1);
        let reason = match (leaf_len, bundles_len) {
            (None, _) | (_, None) => Some("entries must not decrease".to_owned()),
            (Some(leaf_len), Some(bundles_len)) => {
                if leaf_len < CRC_LEN || !(leaf_len - CRC_LEN).is_multiple_of(LEAF_ENTRY_LEN) {
                    Some(format!("the leaf is {leaf_len} bytes, not 4 + 8 × entries"))
                } else {
                    let entries = (leaf_len - CRC_LEN) / LEAF_ENTRY_LEN;
                    (bundles_len < entries.saturating_mul(MIN_PRODUCT_BUNDLE_LEN))
                        .then(|| format!("{entries} bundles cannot fit in {bundles_len} bytes"))
                }
            }
        };
        if let Some(reason) = reason {
            return Err(TableError::malformed(
                Section::RootDirectory,
                entry_at(bucket + 1),
                format!("bucket {bucket}: {reason}"),
            ));
        }
        start = end;
    }
    Ok(())
}

/// The byte range of the bundles whose products share the requested id's hash,
/// from [`LeafDirectory::lookup`]; [`Bundle::find`] picks the right one.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct BundleSpan {
    /// File byte range of the bundles.
    pub range: Range<u64>,
    /// How many bundles the range holds (1 unless hashes collide).
    pub count: usize,
    /// Product number of the first bundle in the range.
    pub first_number: u32,
}

/// One bucket's leaf directory: the `(hash, bundle_length)` of each of its
/// bundles, sorted by `(hash, id)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LeafDirectory<'a> {
    bucket: u32,
    /// Entries without the CRC: `8 × len` bytes.
    entries: &'a [u8],
    bundles_start: u64,
    first_number: u32,
}

impl<'a> LeafDirectory<'a> {
    /// Reads the leaf of `bucket` from exactly the bytes of
    /// [`Prefix::leaf_range_of_bucket`] (or [`Prefix::leaf_range`] for an id).
    /// Checks the CRC, that every hash belongs to the bucket and the hashes do
    /// not decrease, and that the bundle lengths add up to the bucket's bundles.
    pub fn parse(
        bytes: &'a [u8],
        bucket: u32,
        prefix: &Prefix<'_>,
    ) -> Result<LeafDirectory<'a>, TableError> {
        let section = Section::LeafDirectory { bucket };
        let header = prefix.header();
        let missing_bucket = || {
            TableError::malformed(
                section,
                0,
                format!(
                    "bucket {bucket} does not exist: the table has {} buckets",
                    header.bucket_count()
                ),
            )
        };
        let leaf_range = prefix
            .leaf_range_of_bucket(bucket)
            .ok_or_else(missing_bucket)?;
        let bundle_range = prefix
            .bundle_range_of_bucket(bucket)
            .ok_or_else(missing_bucket)?;
        let first_number = prefix
            .first_number_of_bucket(bucket)
            .ok_or_else(missing_bucket)?;
        let expected_len = leaf_range.end - leaf_range.start;
        if bytes.len() as u64 > expected_len {
            return Err(TableError::malformed(
                section,
                leaf_range.start,
                format!(
                    "{} bytes were given for a leaf of {expected_len} bytes: pass exactly the leaf's range",
                    bytes.len()
                ),
            ));
        }
        let mut cursor = Cursor::new(bytes, section, leaf_range.start);
        // A leaf longer than the address space cannot be held: ask for more
        // bytes than any slice has, so the error says "truncated".
        let entries_len =
            usize::try_from(expected_len.saturating_sub(CRC_LEN)).unwrap_or(usize::MAX);
        let entries = cursor.take(entries_len)?;
        cursor.checksum()?;

        let leaf = LeafDirectory {
            bucket,
            entries,
            bundles_start: bundle_range.start,
            first_number,
        };
        let mut previous_hash = 0u32;
        let mut total_len = 0u64;
        for (index, (hash, length)) in leaf.entries().enumerate() {
            let entry_at = leaf_range.start + index as u64 * LEAF_ENTRY_LEN;
            let reason = if header.bucket_of_hash(hash) != bucket {
                Some(format!(
                    "hash {hash:#010x} belongs to bucket {}",
                    header.bucket_of_hash(hash)
                ))
            } else if hash < previous_hash {
                Some(format!(
                    "hash {hash:#010x} follows {previous_hash:#010x}: entries must be sorted"
                ))
            } else if u64::from(length) < MIN_PRODUCT_BUNDLE_LEN {
                Some(format!(
                    "bundle length {length} is below the minimum of {MIN_PRODUCT_BUNDLE_LEN}"
                ))
            } else {
                None
            };
            if let Some(reason) = reason {
                return Err(TableError::malformed(
                    section,
                    entry_at,
                    format!("entry {index}: {reason}"),
                ));
            }
            previous_hash = hash;
            total_len += u64::from(length);
        }
        let bundles_len = bundle_range.end - bundle_range.start;
        if total_len != bundles_len {
            return Err(TableError::malformed(
                section,
                leaf_range.start,
                format!(
                    "the bundle lengths add up to {total_len} bytes but the root directory gives the \
                     bucket {bundles_len}"
                ),
            ));
        }
        Ok(leaf)
    }

    /// A shard file's leaf (the directory layout): `entries` without their CRC,
    /// bundles from `bundles_start` in the shard file. Product numbers count from
    /// the shard's first bundle.
    pub(crate) fn from_entries(entries: &'a [u8], shard: u32, bundles_start: u64) -> Self {
        LeafDirectory {
            bucket: shard,
            entries,
            bundles_start,
            first_number: 0,
        }
    }

    /// The span of bundles whose product hash equals `id`'s, or `None` when
    /// no product in this bucket has that hash (then `id` is not in the table).
    pub fn lookup(&self, id: &str) -> Option<BundleSpan> {
        let hash = product_hash(id);
        // Binary search for the first entry with an equal or larger hash.
        let (mut low, mut high) = (0usize, self.len());
        while low < high {
            let middle = low + (high - low) / 2;
            if self.entry(middle)?.0 < hash {
                low = middle + 1;
            } else {
                high = middle;
            }
        }
        let count = (low..self.len())
            .take_while(|&index| {
                self.entry(index)
                    .is_some_and(|(entry_hash, _)| entry_hash == hash)
            })
            .count();
        if count == 0 {
            return None;
        }
        let lengths = |range: Range<usize>| -> u64 {
            range
                .filter_map(|index| self.entry(index))
                .map(|(_, length)| u64::from(length))
                .sum()
        };
        let start = self.bundles_start + lengths(0..low);
        let end = start + lengths(low..low + count);
        Some(BundleSpan {
            range: start..end,
            count,
            first_number: self.first_number + low as u32,
        })
    }

    /// The entries in file order: `(hash, bundle_length)`.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + 'a {
        self.entries
            .chunks_exact(LEAF_ENTRY_LEN as usize)
            .map(decode_leaf_entry)
    }

    /// Number of bundles in the bucket.
    pub fn len(&self) -> usize {
        self.entries.len() / LEAF_ENTRY_LEN as usize
    }

    /// Whether the bucket holds no products.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The bucket this leaf belongs to.
    pub fn bucket(&self) -> u32 {
        self.bucket
    }

    /// File offset of the bucket's first bundle.
    pub fn bundles_start(&self) -> u64 {
        self.bundles_start
    }

    /// Product number of the bucket's first bundle.
    pub fn first_number(&self) -> u32 {
        self.first_number
    }

    fn entry(&self, index: usize) -> Option<(u32, u32)> {
        let start = index.checked_mul(LEAF_ENTRY_LEN as usize)?;
        let entry = self
            .entries
            .get(start..start.checked_add(LEAF_ENTRY_LEN as usize)?)?;
        Some(decode_leaf_entry(entry))
    }
}

fn decode_leaf_entry(entry: &[u8]) -> (u32, u32) {
    match *entry {
        [h0, h1, h2, h3, l0, l1, l2, l3] => (
            u32::from_le_bytes([h0, h1, h2, h3]),
            u32::from_le_bytes([l0, l1, l2, l3]),
        ),
        _ => (0, 0),
    }
}
