//! The directory layout: one table as a directory of small files that any static
//! host serves with plain GETs (no HTTP Range), specified in `docs/format.md`
//! ("The directory layout").
//!
//! A product's files are found by name, not by offset: its shard is the top
//! `shard_bits` of its id's hash, and the shard file's name is that number under a
//! folder named by the table's generation (a content hash). So a reader fetches the
//! small entry file, then every shard it needs at once: two round trips for a
//! product page or a whole cart, and a shopper's HTTP cache keeps every file but the
//! entry for as long as the table does not change.
//!
//! The files hold the same pieces as the single file (header, best-seller bundle,
//! leaf entries, bundles), so one reader serves both and `join_split`
//! rebuilds the single file byte for byte.

use super::bundle::Bundle;
use super::cursor::Cursor;
use super::directory::{parse_best_sellers, BundleSpan, LeafDirectory};
use super::error::{Section, TableError, OTHER_GENERATION};
use super::hash::{product_hash, top_bits};
use super::header::Header;
use super::{HEADER_LEN, LEAF_ENTRY_LEN, MAX_BUCKET_BITS};

/// The first eight bytes of an entry file: ASCII `ALSOBDIR`.
pub const ENTRY_MAGIC: [u8; 8] = *b"ALSOBDIR";

/// The first eight bytes of a shard file: ASCII `ALSOBSHD`.
pub const SHARD_MAGIC: [u8; 8] = *b"ALSOBSHD";

/// The directory layout's version (the table pieces inside keep their own).
pub const SPLIT_VERSION: u16 = 1;

/// The entry file's name in the table's directory.
pub const ENTRY_FILE: &str = "entry.bin";

/// Bytes of the entry file's own header, before the table header it carries.
pub const ENTRY_HEADER_LEN: usize = 32;

/// Bytes of a shard file's header, before its leaf entries.
pub const SHARD_HEADER_LEN: usize = 24;

/// Offset of `shard_bits` in the entry file (read by the start-up JS too).
pub const ENTRY_SHARD_BITS_AT: usize = 10;

/// Offset of the 8-byte generation in the entry file (read by the start-up JS too).
pub const ENTRY_GENERATION_AT: usize = 16;

/// The entry file: which generation of the table is current, how products map to
/// shards, and what every page needs whatever its products (the table header, for
/// the score scale, and the best-seller list).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SplitEntry<'a> {
    shard_bits: u8,
    generation: u64,
    header: Header,
    best_sellers: Bundle<'a>,
}

impl<'a> SplitEntry<'a> {
    /// Reads and checks a whole entry file: magic, version, length, CRC, reserved
    /// bytes, the table header (all of its own checks) and the best-seller bundle.
    pub fn parse(bytes: &'a [u8]) -> Result<SplitEntry<'a>, TableError> {
        let section = Section::Entry;
        let magic_seen = bytes.get(..ENTRY_MAGIC.len()).unwrap_or(bytes);
        if !ENTRY_MAGIC.starts_with(magic_seen) || magic_seen.is_empty() {
            return Err(TableError::BadMagic {
                found: magic_seen.to_vec(),
            });
        }
        let mut cursor = Cursor::new(bytes, section, 0);
        cursor.take(ENTRY_MAGIC.len())?;
        let version = cursor.u16()?;
        if version > SPLIT_VERSION {
            return Err(TableError::UnsupportedVersion {
                found: version,
                max: SPLIT_VERSION,
            });
        }
        let shard_bits = cursor.u8()?;
        let reserved_byte = cursor.u8()?;
        let entry_len = cursor.u32()?;
        let generation = u64::from_be_bytes(cursor.array()?);
        let reserved_word = cursor.u32()?;
        cursor.checksum()?;
        if version == 0 || reserved_byte != 0 || reserved_word != 0 || shard_bits > MAX_BUCKET_BITS
        {
            return Err(cursor.malformed_at(8, "bad version, shard_bits or reserved bytes"));
        }
        // The table header's own checks, then the best-seller list exactly filling
        // the rest: with `entry_len`, a cut or lengthened file is caught here.
        let header = Header::parse(bytes.get(ENTRY_HEADER_LEN..).unwrap_or_default())
            .map_err(|error| error.offset_by(ENTRY_HEADER_LEN as u64))?;
        let best_sellers_at = (ENTRY_HEADER_LEN + HEADER_LEN) as u64;
        let expected_len = best_sellers_at + header.leaf_offset - header.best_sellers_offset;
        // An `entry_length` promising more than the file has is a cut file (as a single
        // file's `file_length` is), not "trailing data" with the same number twice.
        let have = bytes.len() as u64;
        if have < u64::from(entry_len) {
            return Err(TableError::Truncated {
                section,
                needed: entry_len.into(),
                have,
            });
        }
        if u64::from(entry_len) != expected_len || have != expected_len {
            return Err(TableError::FileLengthMismatch {
                header_says: expected_len,
                have: bytes.len() as u64,
            });
        }
        let best_sellers = parse_best_sellers(
            bytes.get(best_sellers_at as usize..).unwrap_or_default(),
            best_sellers_at,
        )?;
        Ok(SplitEntry {
            shard_bits,
            generation,
            header,
            best_sellers,
        })
    }

    /// The header of the table these files hold (the single file's header).
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The best-seller list.
    pub fn best_sellers(&self) -> &Bundle<'a> {
        &self.best_sellers
    }

    /// The table's content hash, which names the folder of its shards.
    pub fn generation(&self) -> u64 {
        self.generation
    }

    /// `2^shard_bits` shards.
    pub fn shard_bits(&self) -> u8 {
        self.shard_bits
    }

    /// The shard that holds `id`'s bundle, if the table has it.
    pub fn shard_of(&self, id: &str) -> u32 {
        top_bits(product_hash(id), self.shard_bits)
    }

    /// The path of shard `shard` relative to the table's directory:
    /// `<generation, 16 hex digits>/<shard, hex>.bin`.
    pub fn shard_path(&self, shard: u32) -> String {
        shard_path(self.generation, self.shard_bits, shard)
    }
}

/// `<generation>/<shard>.bin`, in lowercase hex: 16 digits for the generation and
/// `ceil(shard_bits / 4)` (at least one) for the shard, so names sort like numbers.
pub fn shard_path(generation: u64, shard_bits: u8, shard: u32) -> String {
    let digits = usize::from(shard_bits.div_ceil(4).max(1));
    let mut path = String::with_capacity(16 + 1 + digits + 4);
    push_hex(&mut path, generation, 16);
    path.push('/');
    push_hex(&mut path, u64::from(shard), digits);
    path.push_str(".bin");
    path
}

/// The folder of a generation's shards: its 16 lowercase hex digits, as in
/// [`shard_path`]. Only the writer and the command-line tool need it on its own; kept
/// out of the widget's build, where a second caller stops `push_hex` being inlined
/// into `shard_path` (+64 B brotli, measured).
pub fn generation_dir(generation: u64) -> String {
    let mut name = String::with_capacity(16);
    push_hex(&mut name, generation, 16);
    name
}

/// Written out rather than with `format!`: the widget links this, and hex
/// formatting through core::fmt costs it more than these lines.
fn push_hex(out: &mut String, value: u64, digits: usize) {
    for place in (0..digits).rev() {
        let nibble = (value >> (4 * place)) & 0xF;
        out.push(char::from_digit(nibble as u32, 16).unwrap_or('0'));
    }
}

/// One shard file: the leaf entries of its products and their bundles.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Shard<'a> {
    bytes: &'a [u8],
    leaf: LeafDirectory<'a>,
}

impl<'a> Shard<'a> {
    /// Reads and checks shard `number` of the table `entry` describes: magic,
    /// generation (a file of another build is `Malformed` with [`OTHER_GENERATION`]),
    /// number and leaf CRC; [`Shard::verify`] checks the rest. Bundles are checked
    /// when read.
    pub fn parse(
        bytes: &'a [u8],
        entry: &SplitEntry<'_>,
        number: u32,
    ) -> Result<Shard<'a>, TableError> {
        let section = Section::Shard { shard: number };
        let mut cursor = Cursor::new(bytes, section, 0);
        let magic = cursor.take(SHARD_MAGIC.len())?;
        if magic != SHARD_MAGIC {
            return Err(TableError::BadMagic {
                found: magic.to_vec(),
            });
        }
        let generation = u64::from_be_bytes(cursor.array()?);
        if generation != entry.generation {
            return Err(cursor.malformed_at(8, OTHER_GENERATION));
        }
        let stored_number = cursor.u32()?;
        let count = cursor.u32()?;
        if stored_number != number {
            return Err(cursor.malformed_at(16, "another shard's file"));
        }
        let entries_len = (count as usize).saturating_mul(LEAF_ENTRY_LEN as usize);
        let entries = cursor.take(entries_len)?;
        cursor.checksum()?;
        let bundles_start = cursor.position();
        let leaf = LeafDirectory::from_entries(entries, number, bundles_start as u64);
        // The CRC covers the entries, so what is left to check is the writer's work:
        // `verify` (the command-line tool) does, the widget does not need to, since a
        // bundle is only used when its own CRC and card id check out.
        Ok(Shard { bytes, leaf })
    }

    /// Checks what [`Shard::parse`] leaves out: every hash belongs to this shard, in
    /// order, and the bundle lengths add up to the rest of the file.
    pub fn verify(&self, entry: &SplitEntry<'_>) -> Result<(), TableError> {
        let number = self.leaf.bucket();
        let section = Section::Shard { shard: number };
        let mut previous = 0u32;
        let mut total = 0u64;
        for (index, (hash, length)) in self.leaf.entries().enumerate() {
            if top_bits(hash, entry.shard_bits) != number || hash < previous {
                return Err(TableError::malformed(
                    section,
                    (SHARD_HEADER_LEN + index * LEAF_ENTRY_LEN as usize) as u64,
                    "a hash out of order or of another shard",
                ));
            }
            previous = hash;
            total += u64::from(length);
        }
        let bundles_start = self.leaf.bundles_start();
        if total != self.bytes.len() as u64 - bundles_start {
            return Err(TableError::malformed(
                section,
                bundles_start,
                "the bundle lengths do not add up to the bytes after the leaf",
            ));
        }
        Ok(())
    }

    /// The bundle of `id`, or `None` when this shard does not hold it.
    pub fn find(&self, id: &str) -> Result<Option<Bundle<'a>>, TableError> {
        let Some(span) = self.lookup(id) else {
            return Ok(None);
        };
        let span_bytes = self
            .bytes
            .get(span.range.start as usize..span.range.end as usize)
            .unwrap_or_default();
        Bundle::find_at(span_bytes, span.count, id, span.range.start)
    }

    /// Where the bundles with `id`'s hash are in the shard file.
    pub fn lookup(&self, id: &str) -> Option<BundleSpan> {
        self.leaf.lookup(id)
    }

    /// The shard's `(hash, bundle_length)` entries.
    pub fn entries(&self) -> impl ExactSizeIterator<Item = (u32, u32)> + 'a {
        self.leaf.entries()
    }

    /// The bytes of the shard's bundles, in entry order.
    pub fn bundle_bytes(&self) -> &'a [u8] {
        self.bytes
            .get(self.leaf.bundles_start() as usize..)
            .unwrap_or_default()
    }
}
