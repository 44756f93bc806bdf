//! The recommendation table format, version 1: reading (zero copy, never panicking,
//! over whatever bytes the caller has) and writing (pure, deterministic).
//!
//! The layout is specified byte by byte in `docs/format.md`; this module is its
//! reference implementation. Readers come in two shapes that share one code path:
//!
//! - the widget fetches byte ranges: [`Header::parse`] on the first bytes,
//!   [`Prefix::parse`] on `0..leaf_offset`, [`Prefix::leaf_range`] →
//!   [`LeafDirectory::parse`] → [`LeafDirectory::lookup`] → [`Bundle::find`];
//! - [`Table`] holds the whole file (command-line tool, tests) and runs the same
//!   steps over slices of it, plus [`Table::verify`] which checks everything.

mod bundle;
mod card;
mod cursor;
mod directory;
mod error;
mod hash;
mod header;
mod quantization;
mod split;
mod split_writer;
mod table;
mod varint;
mod writer;

mod crc;

pub use bundle::{Bundle, BundleKind, Edges, Neighbours, EDGE_LEN};
pub use card::Card;
pub use crc::crc32;
pub use directory::{BundleSpan, LeafDirectory, Prefix};
pub use error::{Section, TableError, WriteError, OTHER_GENERATION};
pub use hash::product_hash;
pub use header::{Header, TableScoring};
pub use quantization::Quantization;
pub use split::generation_dir;
pub use split::{
    shard_path, Shard, SplitEntry, ENTRY_FILE, ENTRY_GENERATION_AT, ENTRY_HEADER_LEN, ENTRY_MAGIC,
    ENTRY_SHARD_BITS_AT, SHARD_HEADER_LEN, SHARD_MAGIC, SPLIT_VERSION,
};
pub use split_writer::{join_split, split_table, SplitTable, DEFAULT_SHARD_BYTES};
pub use table::{Bundles, Table, TableStats};
pub use writer::{bucket_bits_for, write_table, ProductRecord, TableInput};

/// The first eight bytes of every table file: ASCII `ALSOBGHT`.
pub const MAGIC: [u8; 8] = *b"ALSOBGHT";

/// The newest table format version this crate reads and the one it writes.
/// Readers refuse any larger version (see "Compatibility" in `docs/format.md`).
pub const FORMAT_VERSION: u16 = 3;

/// Length of the fixed header at the start of the file.
pub const HEADER_LEN: usize = 96;

/// How many bytes a range reader should fetch first: the header and, for tables
/// of up to a few thousand products, the whole prefix (root directory and
/// best-sellers) in the same request.
pub const INITIAL_FETCH_LEN: u64 = 4096;

/// Product numbers are stored in three bytes (`u24`) in neighbour edges, so a
/// table holds at most 2^24 products.
pub const MAX_PRODUCTS: usize = 1 << 24;

/// A bundle lists at most this many neighbours (and the best-seller list at most
/// this many products): the header's `max_neighbours` is a `u8`.
pub const MAX_NEIGHBOURS: usize = 255;

/// Largest `bucket_bits` a reader accepts (2^24 buckets: one per possible product).
pub const MAX_BUCKET_BITS: u8 = 24;

/// Highest rating a card can carry: five stars, in tenths.
pub const MAX_RATING_TENTHS: u8 = 50;

/// Bytes of one root directory entry: `(leaf_offset u64, bundle_offset u64)`.
pub(crate) const ROOT_ENTRY_LEN: u64 = 16;

/// Bytes of one leaf directory entry: `(hash u32, bundle_length u32)`.
pub(crate) const LEAF_ENTRY_LEN: u64 = 8;

/// Bytes of a CRC32 trailer.
pub(crate) const CRC_LEN: u64 = 4;

/// The smallest possible card: the fixed 13 bytes plus five empty strings.
pub(crate) const MIN_CARD_LEN: u64 = 4 + 1 + 4 + 1 + 3 + 5;

/// The smallest possible product bundle: kind, own card, zero neighbours, CRC.
pub(crate) const MIN_PRODUCT_BUNDLE_LEN: u64 = 1 + MIN_CARD_LEN + 1 + CRC_LEN;

/// The smallest possible best-seller bundle: kind, zero entries, CRC.
pub(crate) const MIN_BEST_SELLERS_LEN: u64 = 1 + 1 + CRC_LEN;
