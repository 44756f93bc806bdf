//! What can be wrong with a table (reading) or with the data given to the writer,
//! each error carrying the evidence and saying how to fix it: a store owner sees
//! these in the browser console or the command-line tool's output.

use core::fmt;

/// The part of a table an error was found in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Section {
    /// The file as a whole (its length).
    File,
    /// The fixed 96-byte header.
    Header,
    /// The bytes `0..leaf_offset` a range reader fetches first.
    Prefix,
    /// The root directory: one entry per bucket.
    RootDirectory,
    /// The best-seller bundle stored in the prefix.
    BestSellers,
    /// The leaf directory of one bucket.
    LeafDirectory {
        /// The bucket the leaf belongs to.
        bucket: u32,
    },
    /// A product bundle (or a span of them).
    Bundle,
    /// The directory layout's entry file.
    Entry,
    /// One shard file of the directory layout.
    Shard {
        /// The shard's number.
        shard: u32,
    },
}

impl fmt::Display for Section {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Section::File => formatter.write_str("file"),
            Section::Header => formatter.write_str("header"),
            Section::Prefix => formatter.write_str("prefix (header, root directory, best-sellers)"),
            Section::RootDirectory => formatter.write_str("root directory"),
            Section::BestSellers => formatter.write_str("best-seller list"),
            Section::LeafDirectory { bucket } => {
                write!(formatter, "leaf directory of bucket {bucket}")
            }
            Section::Bundle => formatter.write_str("product bundle"),
            Section::Entry => formatter.write_str("entry file"),
            Section::Shard { shard } => write!(formatter, "shard {shard}"),
        }
    }
}

/// What a shard file of the directory layout says when it belongs to another build
/// than its entry file: the table was replaced while a page read it, or the upload
/// mixed two builds (a reader that sees it reads the entry again).
pub const OTHER_GENERATION: &str =
    "files of two builds: upload a build's folder before its entry.bin";

/// Why a table (or a part of one) could not be read.
///
/// Offsets are byte offsets from the start of the slice the failing parser was
/// given; [`crate::Table`] and [`crate::LeafDirectory`] report file offsets, and
/// a range reader can make others absolute with [`TableError::offset_by`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableError {
    /// Fewer bytes than the structure needs: an interrupted upload or download,
    /// or a byte range cut short. Fix: upload the table again or rebuild it.
    #[error("{}", describe_truncated(*section, *needed, *have))]
    Truncated {
        /// What was being read.
        section: Section,
        /// Bytes the section needs (counted from the start of the given slice).
        needed: u64,
        /// Bytes that were there.
        have: u64,
    },
    /// The file does not start with `ALSOBGHT`: it is not a table at all (an HTML
    /// error page, a compressed file, a wrong URL). Fix: point at the `.table` file.
    #[error("{}", describe_bad_magic(found))]
    BadMagic {
        /// The first bytes of the file (up to eight).
        found: Vec<u8>,
    },
    /// The table was written in a newer format than this reader understands.
    /// Fix: update the widget / command-line tool, or rebuild the table with
    /// the version that matches the widget.
    #[error(
        "this table uses format version {found}, but this alsobought reads versions up to {max}: \
         the table needs a newer widget (update alsobought), or rebuild the table with the \
         `alsobought build` that matches your widget"
    )]
    UnsupportedVersion {
        /// The version in the file.
        found: u16,
        /// The newest version this reader understands ([`crate::FORMAT_VERSION`]).
        max: u16,
    },
    /// A CRC32 does not match the bytes it covers: the file is corrupt.
    /// Fix: upload the table again (in binary mode) or rebuild it.
    #[error(
        "the table is corrupt: the {section}'s CRC32 at byte {offset} is {stored:#010x} but its \
         bytes hash to {computed:#010x}; upload the file again (as binary, without \
         transformations) or rebuild it with `alsobought build`"
    )]
    ChecksumMismatch {
        /// The section whose checksum failed.
        section: Section,
        /// Where the stored checksum is.
        offset: u64,
        /// The checksum stored in the file.
        stored: u32,
        /// The checksum of the bytes as they are.
        computed: u32,
    },
    /// The bytes pass their checksums but break a rule of the format (or were
    /// not written by `alsobought build`). Fix: rebuild the table.
    #[error(
        "the table is malformed: {section} at byte {offset}: {reason}; rebuild it with \
         `alsobought build`"
    )]
    Malformed {
        /// Where the rule was broken.
        section: Section,
        /// Byte offset of the offending value.
        offset: u64,
        /// Which rule, with the values involved.
        reason: String,
    },
    /// More bytes were given than the header's `file_length`: something was
    /// appended to the file, or two files were concatenated.
    #[error(
        "the header says the table is {header_says} bytes long but {have} bytes were given: the \
         file has trailing data; upload exactly the file `alsobought build` wrote"
    )]
    FileLengthMismatch {
        /// `file_length` from the header.
        header_says: u64,
        /// Bytes actually given.
        have: u64,
    },
}

impl TableError {
    /// Shifts the error's offset by `base`: for a parser run on a slice that
    /// starts at file offset `base`, this turns slice offsets into file offsets.
    #[must_use]
    pub fn offset_by(self, base: u64) -> Self {
        match self {
            TableError::ChecksumMismatch {
                section,
                offset,
                stored,
                computed,
            } => TableError::ChecksumMismatch {
                section,
                offset: offset.saturating_add(base),
                stored,
                computed,
            },
            TableError::Malformed {
                section,
                offset,
                reason,
            } => TableError::Malformed {
                section,
                offset: offset.saturating_add(base),
                reason,
            },
            other => other,
        }
    }

    /// The section the error was found in, when it concerns one.
    pub fn section(&self) -> Option<Section> {
        match self {
            TableError::Truncated { section, .. }
            | TableError::ChecksumMismatch { section, .. }
            | TableError::Malformed { section, .. } => Some(*section),
            TableError::BadMagic { .. } | TableError::UnsupportedVersion { .. } => {
                Some(Section::Header)
            }
            TableError::FileLengthMismatch { .. } => Some(Section::File),
        }
    }

    pub(crate) fn malformed(section: Section, offset: u64, reason: impl Into<String>) -> Self {
        TableError::Malformed {
            section,
            offset,
            reason: reason.into(),
        }
    }
}

fn describe_truncated(section: Section, needed: u64, have: u64) -> String {
    if have == 0 && matches!(section, Section::Header | Section::File) {
        return "the table file is empty (0 bytes): the upload or the build did not finish; \
                upload the file again or rebuild it with `alsobought build`"
            .to_owned();
    }
    format!(
        "the table is truncated: the {section} needs {needed} bytes but only {have} are there; the \
         file was cut short (an interrupted upload or download, or a server that ignored the \
         requested byte range): upload it again or rebuild it with `alsobought build`"
    )
}

fn describe_bad_magic(found: &[u8]) -> String {
    let shown: String = found.escape_ascii().to_string();
    let hint = match found.first() {
        Some(b'<') => {
            "it is an HTML page, probably a 404 or error page served instead of the table: \
             check the table URL (data-table) and that the file was uploaded"
        }
        Some(b'{') | Some(b'[') => "it looks like JSON, not a table: check the table URL",
        Some(0x1F) if found.get(1) == Some(&0x8B) => {
            "it is gzip-compressed: serve the table as-is (no gzip Content-Encoding on a file \
             read with Range requests) or decompress it"
        }
        None => "the file is empty: upload it again or rebuild it with `alsobought build`",
        _ => "point at a file written by `alsobought build`",
    };
    format!("not an alsobought table: it starts with \"{shown}\" instead of \"ALSOBGHT\"; {hint}")
}

/// Why [`crate::write_table`] refused its input. Every variant names the product
/// (by its id) or the list at fault.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum WriteError {
    /// More products than product numbers (`u24`) can address.
    #[error(
        "{count} products do not fit in one table (at most {max}: product numbers are 24-bit); \
         drop products that were never ordered, or split the catalog into several tables"
    )]
    TooManyProducts {
        /// Products given.
        count: usize,
        /// [`crate::MAX_PRODUCTS`].
        max: usize,
    },
    /// `neighbours` must have one list per product, in the same order.
    #[error(
        "{lists} neighbour lists were given for {products} products: TableInput.neighbours needs \
         exactly one list (possibly empty) per product, in product order"
    )]
    NeighbourListCount {
        /// Products given.
        products: usize,
        /// Neighbour lists given.
        lists: usize,
    },
    /// A neighbour list is longer than `max_neighbours` (itself at most 255).
    #[error(
        "product `{product}` has {count} neighbours but the table is built with max_neighbours = \
         {max} (the format allows at most 255): keep only the top {max}"
    )]
    TooManyNeighbours {
        /// The product's id.
        product: String,
        /// Its neighbour count.
        count: usize,
        /// `TableInput::max_neighbours`.
        max: u8,
    },
    /// The best-seller list is longer than a bundle can hold.
    #[error("the best-seller list has {count} products; a table holds at most {max}: keep the top {max}")]
    TooManyBestSellers {
        /// Best-sellers given.
        count: usize,
        /// [`crate::MAX_NEIGHBOURS`].
        max: usize,
    },
    /// A list refers to a product index that does not exist.
    #[error("{list} refers to product index {index}, but there are only {product_count} products")]
    ProductIndexOutOfRange {
        /// Which list (for example "the neighbours of product `SKU-1`").
        list: String,
        /// The bad index.
        index: u32,
        /// Number of products.
        product_count: usize,
    },
    /// A product lists itself as its own neighbour.
    #[error("product `{product}` lists itself as a neighbour; remove it from its own list")]
    SelfNeighbour {
        /// The product's id.
        product: String,
    },
    /// A product appears twice in the same list.
    #[error("{list} names product `{product}` twice; each product may appear once per list")]
    DuplicateInList {
        /// Which list.
        list: String,
        /// The repeated product's id.
        product: String,
    },
    /// A score is NaN, infinite or negative.
    #[error("{list} gives product `{product}` the score {score}; scores must be finite and ≥ 0")]
    InvalidScore {
        /// Which list.
        list: String,
        /// The scored product's id.
        product: String,
        /// The bad score.
        score: f32,
    },
    /// Two products share one id.
    #[error("two products have the id `{id}`; product ids must be unique")]
    DuplicateProductId {
        /// The repeated id.
        id: String,
    },
    /// A currency is not three ASCII capital letters.
    #[error(
        "product `{product}` has the currency {currency:?}; use an ISO 4217 code of three capital \
         letters such as \"EUR\", or no currency"
    )]
    InvalidCurrency {
        /// The product's id.
        product: String,
        /// The bad code.
        currency: String,
    },
    /// A rating above five stars.
    #[error(
        "product `{product}` has rating_tenths = {rating_tenths}; ratings are tenths of a star \
         from 0 to 50"
    )]
    InvalidRating {
        /// The product's id.
        product: String,
        /// The bad rating.
        rating_tenths: u8,
    },
    /// A "from" price without a price.
    #[error(
        "product {product:?} is marked as priced \"from\" its cheapest variant but has no \
         price; give it the variant's price, or clear the mark"
    )]
    FromPriceWithoutPrice {
        /// The product's id.
        product: String,
    },
    /// A compare-at ("was") price that is not above the price, or without a price.
    #[error(
        "product {product:?} has a compare-at price of {compare_at_hundredths} hundredths \
         that is not above its price; a sale needs a price below the compare-at price"
    )]
    CompareAtNotAbovePrice {
        /// The product's id.
        product: String,
        /// The compare-at price given.
        compare_at_hundredths: u32,
    },
    /// A cart combination whose parameter the header cannot hold (NaN, or out of
    /// its range): the reader would refuse the table.
    #[error(
        "the cart combination {combination} cannot be stored: a max-then-sum weight is from 0 \
         to 1 and a reciprocal-rank offset above 0 and at most 1000"
    )]
    InvalidCartCombination {
        /// The combination, as [`crate::CartCombination::name`] spells it.
        combination: String,
    },
    /// A string is longer than a length prefix can say (4 GiB).
    #[error("the {field} of product `{product}` is {length} bytes long; the format allows at most 4 GiB")]
    StringTooLong {
        /// The product's id (shortened if it is the long string).
        product: String,
        /// Which field.
        field: &'static str,
        /// Its length in bytes.
        length: usize,
    },
    /// A bundle larger than a leaf entry's `u32` length can say.
    #[error(
        "the bundle of product `{product}` would be {length} bytes; a bundle may be at most 4 GiB: \
         shorten titles and URLs or lower max_neighbours"
    )]
    BundleTooLarge {
        /// The product's id.
        product: String,
        /// The bundle's length in bytes.
        length: usize,
    },
}
