//! The fixed 96-byte header: where every section is, how many products and edges
//! there are, and the score range. Parsing it is O(1) and enough to plan every
//! further byte-range request, so it checks everything the offsets promise
//! before anyone trusts them for slicing or allocating.

use core::ops::Range;

use crate::cart_combination::CartCombination;

use super::crc::crc32;
use super::cursor::Cursor;
use super::error::{Section, TableError};
use super::hash::top_bits;
use super::quantization::Quantization;
use super::{
    CRC_LEN, FORMAT_VERSION, HEADER_LEN, LEAF_ENTRY_LEN, MAGIC, MAX_BUCKET_BITS, MAX_PRODUCTS,
    MIN_BEST_SELLERS_LEN, MIN_PRODUCT_BUNDLE_LEN, ROOT_ENTRY_LEN,
};

/// Offset of the header CRC: it covers bytes `0..HEADER_CRC_OFFSET`.
const HEADER_CRC_OFFSET: usize = 92;
/// Bytes 80..92: reserved (zero) in version 1; in version 2 the cart combination's
/// kind at 80 and parameter at 84, the rest zero.
const RESERVED_LEN: usize = 12;
/// Where in the 12 bytes from offset 80 version 2 keeps the combination's parameter.
const COMBINATION_PARAMETER_AT: usize = 4;

/// What scoring takes from a table's header: how its quantized scores read back and how
/// a cart's neighbour lists combine. One value, so that no caller can take the one and
/// forget the other.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TableScoring {
    /// How the quantized neighbour scores map back to scores.
    pub quantization: Quantization,
    /// How a cart's neighbour lists become one ranking.
    pub cart_combination: CartCombination,
}

/// The table header (file offsets 0..96). Field meanings are in `docs/format.md`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Header {
    /// Format version of the file (1, 2 or 3).
    pub version: u16,
    /// The file has `2^bucket_bits` buckets.
    pub bucket_bits: u8,
    /// The neighbour count the table was built with (informational).
    pub max_neighbours: u8,
    /// Products in the table; also the number of product bundles.
    pub product_count: u32,
    /// Neighbour edges over all product bundles (best-sellers not counted).
    pub edge_count: u64,
    /// File offset of the root directory (96 in version 1).
    pub root_offset: u64,
    /// File offset of the best-seller bundle (right after the root directory).
    pub best_sellers_offset: u64,
    /// File offset of the first leaf directory; the prefix is `0..leaf_offset`.
    pub leaf_offset: u64,
    /// File offset of the first product bundle.
    pub bundles_offset: u64,
    /// Total length of the file in bytes.
    pub file_length: u64,
    /// Smallest stored neighbour score (quantized byte 1); 0 if none.
    pub score_min: f32,
    /// Largest stored neighbour score (quantized byte 255); 0 if none.
    pub score_max: f32,
    /// Orders mined to build the table (informational).
    pub order_count: u64,
    /// How a cart's neighbour lists combine ([`CartCombination::DEFAULT`] in version 1,
    /// which cannot store another).
    pub cart_combination: CartCombination,
}

impl Header {
    /// Reads and checks the header at the start of `bytes` (at least 96 bytes;
    /// more are ignored). Checks, in this order: magic, version, length, CRC,
    /// reserved bytes, and that the section offsets are consistent with each
    /// other and with `product_count`/`bucket_bits`, so later slicing by these
    /// offsets only needs to check them against the bytes actually held.
    pub fn parse(bytes: &[u8]) -> Result<Header, TableError> {
        if bytes.is_empty() {
            return Err(TableError::Truncated {
                section: Section::Header,
                needed: HEADER_LEN as u64,
                have: 0,
            });
        }
        // Compare what there is of the magic first: a short HTML page is a
        // wrong URL, not a truncated table.
        let magic_seen = bytes.get(..MAGIC.len()).unwrap_or(bytes);
        if !MAGIC.starts_with(magic_seen) {
            return Err(TableError::BadMagic {
                found: magic_seen.to_vec(),
            });
        }
        let mut cursor = Cursor::new(bytes, Section::Header, 0);
        let header_truncated = TableError::Truncated {
            section: Section::Header,
            needed: HEADER_LEN as u64,
            have: bytes.len() as u64,
        };
        cursor
            .take(MAGIC.len())
            .map_err(|_| header_truncated.clone())?;
        let version = cursor.u16().map_err(|_| header_truncated.clone())?;
        if version > FORMAT_VERSION {
            return Err(TableError::UnsupportedVersion {
                found: version,
                max: FORMAT_VERSION,
            });
        }
        if version == 0 {
            return Err(TableError::malformed(
                Section::Header,
                8,
                "format version 0 does not exist (versions start at 1)",
            ));
        }
        if bytes.len() < HEADER_LEN {
            return Err(header_truncated);
        }
        let mut header = Header {
            version,
            bucket_bits: cursor.u8()?,
            max_neighbours: cursor.u8()?,
            product_count: cursor.u32()?,
            edge_count: cursor.u64()?,
            root_offset: cursor.u64()?,
            best_sellers_offset: cursor.u64()?,
            leaf_offset: cursor.u64()?,
            bundles_offset: cursor.u64()?,
            file_length: cursor.u64()?,
            score_min: cursor.f32()?,
            score_max: cursor.f32()?,
            order_count: cursor.u64()?,
            cart_combination: CartCombination::DEFAULT,
        };
        let reserved_at = cursor.position();
        let reserved = cursor.take(RESERVED_LEN)?;
        cursor.checksum()?;
        header.cart_combination = parse_reserved(version, reserved, reserved_at as u64)?;
        header.check_layout()?;
        Ok(header)
    }

    /// The consistency rules of `docs/format.md` § Header, with checked
    /// arithmetic: a hostile header can name any value.
    fn check_layout(&self) -> Result<(), TableError> {
        let fail = |offset: u64, reason: String| {
            Err(TableError::malformed(Section::Header, offset, reason))
        };
        if self.bucket_bits > MAX_BUCKET_BITS {
            return fail(
                10,
                format!(
                    "bucket_bits is {}, at most {MAX_BUCKET_BITS} is allowed",
                    self.bucket_bits
                ),
            );
        }
        if self.product_count as usize > MAX_PRODUCTS {
            return fail(
                12,
                format!(
                    "product_count is {}, at most {MAX_PRODUCTS} is allowed",
                    self.product_count
                ),
            );
        }
        if self.root_offset != HEADER_LEN as u64 {
            return fail(
                24,
                format!("root_offset is {}, must be {HEADER_LEN}", self.root_offset),
            );
        }
        let expected_best_sellers = self.root_offset + self.root_directory_len();
        if self.best_sellers_offset != expected_best_sellers {
            return fail(
                32,
                format!(
                    "best_sellers_offset is {}, must be {expected_best_sellers} (right after the root \
                     directory of {} buckets)",
                    self.best_sellers_offset,
                    self.bucket_count()
                ),
            );
        }
        let smallest_leaf_offset = expected_best_sellers + MIN_BEST_SELLERS_LEN;
        if self.leaf_offset < smallest_leaf_offset {
            return fail(
                40,
                format!(
                    "leaf_offset is {}, must be at least {smallest_leaf_offset} (after a best-seller \
                     bundle of at least {MIN_BEST_SELLERS_LEN} bytes)",
                    self.leaf_offset
                ),
            );
        }
        let leaves_len = self.leaf_directories_len();
        let expected_bundles = self.leaf_offset.checked_add(leaves_len);
        if expected_bundles != Some(self.bundles_offset) {
            return fail(
                48,
                format!(
                    "bundles_offset is {}, must be leaf_offset + 4 × buckets + 8 × products = {}",
                    self.bundles_offset,
                    self.leaf_offset.saturating_add(leaves_len)
                ),
            );
        }
        let smallest_length = self
            .bundles_offset
            .checked_add(u64::from(self.product_count) * MIN_PRODUCT_BUNDLE_LEN);
        if smallest_length.is_none_or(|smallest| self.file_length < smallest) {
            return fail(
                56,
                format!(
                    "file_length is {}, too small for {} bundles after offset {}",
                    self.file_length, self.product_count, self.bundles_offset
                ),
            );
        }
        if !self.quantization().is_valid() {
            return fail(
                64,
                // The scores are shown as their IEEE 754 bits: printing an f32 would pull
                // core::fmt's float formatting into the widget's wasm (7.8 KB brotli).
                format!(
                    "score range [{:#010x}, {:#010x}] (f32 bits) is invalid: scores must be \
                     finite with 0 < score_min ≤ score_max, or both 0",
                    self.score_min.to_bits(),
                    self.score_max.to_bits()
                ),
            );
        }
        Ok(())
    }

    /// The 96 bytes of this header, CRC included (used by the writer).
    pub fn encode(&self) -> [u8; HEADER_LEN] {
        let mut bytes = Vec::with_capacity(HEADER_LEN);
        bytes.extend_from_slice(&MAGIC);
        bytes.extend_from_slice(&self.version.to_le_bytes());
        bytes.push(self.bucket_bits);
        bytes.push(self.max_neighbours);
        bytes.extend_from_slice(&self.product_count.to_le_bytes());
        for value in [
            self.edge_count,
            self.root_offset,
            self.best_sellers_offset,
            self.leaf_offset,
            self.bundles_offset,
            self.file_length,
        ] {
            bytes.extend_from_slice(&value.to_le_bytes());
        }
        bytes.extend_from_slice(&self.score_min.to_le_bytes());
        bytes.extend_from_slice(&self.score_max.to_le_bytes());
        bytes.extend_from_slice(&self.order_count.to_le_bytes());
        let mut reserved = [0; RESERVED_LEN];
        let (kind, parameter) = self.cart_combination.to_code();
        reserved[0] = kind;
        reserved[COMBINATION_PARAMETER_AT..COMBINATION_PARAMETER_AT + 4]
            .copy_from_slice(&parameter.to_le_bytes());
        bytes.extend_from_slice(&reserved);
        debug_assert_eq!(bytes.len(), HEADER_CRC_OFFSET);
        let checksum = crc32(&bytes);
        bytes.extend_from_slice(&checksum.to_le_bytes());
        let mut encoded = [0u8; HEADER_LEN];
        encoded.copy_from_slice(&bytes);
        encoded
    }

    /// Number of buckets, `2^bucket_bits`.
    pub fn bucket_count(&self) -> u32 {
        1u32 << self.bucket_bits.min(MAX_BUCKET_BITS)
    }

    /// The bucket a product hash belongs to: its top `bucket_bits` bits.
    pub fn bucket_of_hash(&self, hash: u32) -> u32 {
        top_bits(hash, self.bucket_bits.min(MAX_BUCKET_BITS))
    }

    /// The bytes a range reader fetches before anything else: header, root
    /// directory and best-sellers (`0..leaf_offset`).
    pub fn prefix_range(&self) -> Range<u64> {
        0..self.leaf_offset
    }

    /// Bytes of all leaf directories: `4 × buckets + 8 × products`.
    pub fn leaf_directories_len(&self) -> u64 {
        CRC_LEN * u64::from(self.bucket_count()) + LEAF_ENTRY_LEN * u64::from(self.product_count)
    }

    /// Bytes of the root directory: `16 × (buckets + 1) + 4`.
    pub fn root_directory_len(&self) -> u64 {
        ROOT_ENTRY_LEN * (u64::from(self.bucket_count()) + 1) + CRC_LEN
    }

    /// How this table's quantized neighbour scores map back to scores.
    pub fn quantization(&self) -> Quantization {
        Quantization {
            min: self.score_min,
            max: self.score_max,
        }
    }

    /// How this table is scored: what [`crate::recommend`] takes.
    pub fn scoring(&self) -> TableScoring {
        TableScoring {
            quantization: self.quantization(),
            cart_combination: self.cart_combination,
        }
    }
}

/// The cart combination bytes 80..92 hold: none in version 1, where they must all be
/// zero; in version 2 the combination's kind (80) and parameter (84..88), the rest
/// zero. The messages are fixed text: formatting the values would cost the widget.
fn parse_reserved(
    version: u16,
    reserved: &[u8],
    reserved_at: u64,
) -> Result<CartCombination, TableError> {
    let parameter_bytes = COMBINATION_PARAMETER_AT..COMBINATION_PARAMETER_AT + 4;
    let holds_combination =
        |index: usize| version > 1 && (index == 0 || parameter_bytes.contains(&index));
    if let Some(index) =
        (0..RESERVED_LEN).find(|&index| reserved[index] != 0 && !holds_combination(index))
    {
        return Err(TableError::malformed(
            Section::Header,
            reserved_at + index as u64,
            "reserved header bytes must be zero (80..92 in format version 1; 81..84 and \
             88..92 in version 2)",
        ));
    }
    let mut parameter = [0; 4];
    parameter.copy_from_slice(&reserved[parameter_bytes]);
    CartCombination::from_code(reserved[0], f32::from_le_bytes(parameter)).ok_or_else(|| {
        TableError::malformed(
            Section::Header,
            reserved_at,
            "the cart combination in header bytes 80..88 is not one format version 2 \
             defines (docs/format.md section 3)",
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty_table_header() -> Header {
        Header {
            version: 1,
            bucket_bits: 0,
            max_neighbours: 0,
            product_count: 0,
            edge_count: 0,
            root_offset: 96,
            best_sellers_offset: 96 + 36,
            leaf_offset: 96 + 36 + 6,
            bundles_offset: 96 + 36 + 6 + 4,
            file_length: 96 + 36 + 6 + 4,
            score_min: 0.0,
            score_max: 0.0,
            order_count: 0,
            cart_combination: CartCombination::DEFAULT,
        }
    }

    #[test]
    fn encodes_and_parses_back() {
        let header = empty_table_header();
        assert_eq!(Header::parse(&header.encode()), Ok(header));
        assert_eq!(
            &header.encode()[HEADER_CRC_OFFSET - RESERVED_LEN..HEADER_CRC_OFFSET],
            &[0; 12]
        );
    }

    #[test]
    fn version_2_keeps_the_cart_combination_and_version_1_cannot() {
        let mut header = empty_table_header();
        header.version = 2;
        header.cart_combination = CartCombination::MaxThenSum { sum_weight: 0.5 };
        assert_eq!(Header::parse(&header.encode()), Ok(header));

        header.version = 1;
        let error = Header::parse(&header.encode()).unwrap_err();
        assert!(
            matches!(error, TableError::Malformed { offset: 80, .. }),
            "{error}"
        );

        header.version = 2;
        header.cart_combination = CartCombination::ReciprocalRank { offset: 5000.0 };
        let error = Header::parse(&header.encode()).unwrap_err();
        assert!(error.to_string().contains("cart combination"), "{error}");
    }

    #[test]
    fn refuses_inconsistent_offsets() {
        let mut header = empty_table_header();
        header.bundles_offset += 1;
        header.file_length += 1;
        let error = Header::parse(&header.encode()).unwrap_err();
        assert!(
            matches!(error, TableError::Malformed { offset: 48, .. }),
            "{error}"
        );
    }

    #[test]
    fn buckets_take_the_top_bits_of_the_hash() {
        let mut header = empty_table_header();
        assert_eq!(header.bucket_of_hash(u32::MAX), 0);
        header.bucket_bits = 3;
        assert_eq!(header.bucket_count(), 8);
        assert_eq!(header.bucket_of_hash(0xFFFF_FFFF), 7);
        assert_eq!(header.bucket_of_hash(0x2000_0000), 1);
    }
}
