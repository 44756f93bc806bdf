//! A whole table held in memory (the command-line tool, tests, benchmarks):
//! O(1) open, lookups through the same prefix → leaf → span → bundle steps a
//! range reader takes, a full `verify`, and the per-section sizes `inspect` shows.

use super::bundle::{Bundle, BundleKind};
use super::cursor::file_slice;
use super::directory::{LeafDirectory, Prefix};
use super::error::{Section, TableError};
use super::hash::product_hash;
use super::header::Header;
use super::{HEADER_LEN, MAX_NEIGHBOURS};

/// A table file over any byte container (`Vec<u8>`, `&[u8]`, a memory map),
/// read without copying.
#[derive(Debug, Clone)]
pub struct Table<B: AsRef<[u8]>> {
    bytes: B,
    header: Header,
}

impl<B: AsRef<[u8]>> Table<B> {
    /// Checks the header and that the bytes are exactly `file_length` long: O(1).
    /// Everything else is checked when read, or all at once by [`Table::verify`].
    pub fn open(bytes: B) -> Result<Self, TableError> {
        let header = Header::parse(bytes.as_ref())?;
        let have = bytes.as_ref().len() as u64;
        if have < header.file_length {
            return Err(TableError::Truncated {
                section: Section::File,
                needed: header.file_length,
                have,
            });
        }
        if have > header.file_length {
            return Err(TableError::FileLengthMismatch {
                header_says: header.file_length,
                have,
            });
        }
        Ok(Table { bytes, header })
    }

    /// The header read by [`Table::open`].
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The file's bytes.
    pub fn bytes(&self) -> &[u8] {
        self.bytes.as_ref()
    }

    /// Gives the byte container back.
    pub fn into_inner(self) -> B {
        self.bytes
    }

    /// Header, root directory and best-sellers, checked: O(buckets). Keep it
    /// when doing many lookups and call [`Prefix::find_in_file`] on it.
    pub fn prefix(&self) -> Result<Prefix<'_>, TableError> {
        Prefix::parse(self.bytes())
    }

    /// The bundle of product `id`, or `None` if the table does not hold it.
    pub fn bundle(&self, id: &str) -> Result<Option<Bundle<'_>>, TableError> {
        self.prefix()?.find_in_file(self.bytes(), id)
    }

    /// Every product bundle in product-number order, read front to back; stops
    /// after the first error.
    pub fn bundles(&self) -> Bundles<'_> {
        let start = self.header.bundles_offset;
        let bytes = self.bytes();
        Bundles {
            bytes: usize::try_from(start)
                .ok()
                .and_then(|start| bytes.get(start..))
                .unwrap_or_default(),
            offset: start,
            remaining: self.header.product_count,
        }
    }

    /// Checks every CRC and every rule of `docs/format.md`: leaves sorted by
    /// `(hash, id)` with the right hashes and lengths, product numbers in
    /// order, ids unique, edges pointing at existing products (never the
    /// product itself, never twice), each neighbour card identical to that
    /// product's own card, and `edge_count`. O(file size) time, and memory for
    /// one slice reference per product.
    pub fn verify(&self) -> Result<(), TableError> {
        let prefix = self.prefix()?;
        let file = self.bytes();
        let product_count = self.header.product_count as usize;
        let mut own_cards: Vec<&[u8]> = Vec::with_capacity(product_count);
        let mut previous: Option<(u32, &str)> = None;
        let mut edge_count = 0u64;
        for bucket in 0..self.header.bucket_count() {
            let section = Section::LeafDirectory { bucket };
            let leaf_range = prefix.leaf_range_of_bucket(bucket).unwrap_or(0..0);
            let leaf =
                LeafDirectory::parse(file_slice(file, leaf_range, section)?, bucket, &prefix)?;
            let mut offset = leaf.bundles_start();
            for (hash, length) in leaf.entries() {
                let end = offset + u64::from(length);
                let bundle_bytes = file_slice(file, offset..end, Section::Bundle)?;
                let (bundle, used) = Bundle::parse_at(bundle_bytes, Section::Bundle, offset)?;
                let fail =
                    |reason: String| Err(TableError::malformed(Section::Bundle, offset, reason));
                let number = own_cards.len();
                let Some(card) = bundle.product() else {
                    return fail(format!("bundle {number} is a best-seller bundle (kind 2)"));
                };
                if used as u64 != u64::from(length) {
                    return fail(format!(
                        "bundle {number} is {used} bytes but its leaf entry says {length}"
                    ));
                }
                if card.number as usize != number {
                    return fail(format!(
                        "bundle {number} holds the card of product number {}",
                        card.number
                    ));
                }
                if card
                    .compare_at_hundredths
                    .is_some_and(|was| card.price_hundredths.is_none_or(|price| was <= price))
                {
                    return fail(format!(
                        "product `{}` has a compare-at price not above its price",
                        card.id.escape_debug()
                    ));
                }
                if product_hash(card.id) != hash {
                    return fail(format!(
                        "product `{}` hashes to {:#010x} but its leaf entry says {hash:#010x}",
                        card.id.escape_debug(),
                        product_hash(card.id)
                    ));
                }
                if previous.is_some_and(|previous| previous >= (hash, card.id)) {
                    return fail(format!(
                        "product `{}` is out of (hash, id) order or a duplicate id",
                        card.id.escape_debug()
                    ));
                }
                if let Some((neighbour, _)) = bundle
                    .edges()
                    .find(|&(neighbour, _)| neighbour as usize >= product_count)
                {
                    return fail(format!("edge to product number {neighbour}, but there are {product_count} products"));
                }
                if bundle.len() > usize::from(self.header.max_neighbours) {
                    return fail(format!(
                        "product `{}` has {} neighbours but max_neighbours is {}",
                        card.id.escape_debug(),
                        bundle.len(),
                        self.header.max_neighbours
                    ));
                }
                previous = Some((hash, card.id));
                edge_count += bundle.len() as u64;
                own_cards.push(bundle.product_card_bytes());
                offset = end;
            }
        }
        if own_cards.len() != product_count {
            return Err(TableError::malformed(
                Section::Header,
                12,
                format!(
                    "product_count is {product_count} but the leaves list {}",
                    own_cards.len()
                ),
            ));
        }
        if edge_count != self.header.edge_count {
            return Err(TableError::malformed(
                Section::Header,
                16,
                format!(
                    "edge_count is {} but the bundles hold {edge_count} edges",
                    self.header.edge_count
                ),
            ));
        }

        // Second pass: neighbour cards must be copies of the products' own
        // cards, and no list may name a product twice. `last_seen[n]` holds
        // 1 + the list that last named product n.
        let mut last_seen = vec![0u32; product_count];
        let mut check_list = |list: u32, bundle: &Bundle<'_>, offset: u64, section: Section| {
            for ((neighbour, _), card_bytes) in bundle.edges().zip(bundle.neighbour_card_bytes()) {
                let fail = |reason: String| Err(TableError::malformed(section, offset, reason));
                let Some(seen) = last_seen.get_mut(neighbour as usize) else {
                    return fail(format!("edge to product number {neighbour}, but there are {product_count} products"));
                };
                if *seen == list + 1 {
                    return fail(format!("product number {neighbour} is listed twice"));
                }
                *seen = list + 1;
                if own_cards.get(neighbour as usize) != Some(&card_bytes) {
                    return fail(format!(
                        "the card of neighbour {neighbour} differs from that product's own card"
                    ));
                }
            }
            Ok(())
        };
        let mut offset = self.header.bundles_offset;
        let mut bundles = self.bundles();
        for number in 0..self.header.product_count {
            let bundle = bundles.next().unwrap_or(Err(TableError::malformed(
                Section::Bundle,
                offset,
                "fewer bundles than products",
            )))?;
            check_list(number, &bundle, offset, Section::Bundle)?;
            offset = bundles.offset;
        }
        check_list(
            self.header.product_count,
            prefix.best_sellers(),
            self.header.best_sellers_offset,
            Section::BestSellers,
        )
    }

    /// Sizes by section and counts, for `alsobought inspect`; reads the
    /// prefix and every leaf (not the bundles).
    pub fn stats(&self) -> Result<TableStats, TableError> {
        let prefix = self.prefix()?;
        let header = &self.header;
        let mut largest_leaf_bytes = 0;
        let mut largest_bundle_bytes = 0;
        for bucket in 0..header.bucket_count() {
            let leaf_range = prefix.leaf_range_of_bucket(bucket).unwrap_or(0..0);
            largest_leaf_bytes = largest_leaf_bytes.max(leaf_range.end - leaf_range.start);
            let leaf_bytes =
                file_slice(self.bytes(), leaf_range, Section::LeafDirectory { bucket })?;
            let leaf = LeafDirectory::parse(leaf_bytes, bucket, &prefix)?;
            let bucket_largest = leaf.entries().map(|(_, length)| u64::from(length)).max();
            largest_bundle_bytes = largest_bundle_bytes.max(bucket_largest.unwrap_or(0));
        }
        Ok(TableStats {
            file_bytes: header.file_length,
            header_bytes: HEADER_LEN as u64,
            root_directory_bytes: header.root_directory_len(),
            best_sellers_bytes: header.leaf_offset - header.best_sellers_offset,
            leaf_directory_bytes: header.bundles_offset - header.leaf_offset,
            bundle_bytes: header.file_length - header.bundles_offset,
            bucket_count: header.bucket_count(),
            product_count: header.product_count,
            edge_count: header.edge_count,
            best_seller_count: prefix.best_sellers().len(),
            order_count: header.order_count,
            max_neighbours: header.max_neighbours,
            largest_leaf_bytes,
            largest_bundle_bytes,
        })
    }
}

/// Iterator over a table's product bundles in product-number order.
#[derive(Debug, Clone)]
pub struct Bundles<'a> {
    bytes: &'a [u8],
    offset: u64,
    remaining: u32,
}

impl<'a> Iterator for Bundles<'a> {
    type Item = Result<Bundle<'a>, TableError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.remaining == 0 {
            return None;
        }
        match Bundle::parse_at(self.bytes, Section::Bundle, self.offset) {
            Ok((bundle, _)) if bundle.kind() != BundleKind::Product => {
                self.remaining = 0;
                Some(Err(TableError::malformed(
                    Section::Bundle,
                    self.offset,
                    "a best-seller bundle sits among the product bundles",
                )))
            }
            Ok((bundle, used)) => {
                self.remaining -= 1;
                self.bytes = self.bytes.get(used..).unwrap_or_default();
                self.offset += used as u64;
                Some(Ok(bundle))
            }
            Err(error) => {
                self.remaining = 0;
                Some(Err(error))
            }
        }
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (0, Some(self.remaining as usize))
    }
}

/// What `alsobought inspect` reports: bytes per section and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TableStats {
    /// Whole file.
    pub file_bytes: u64,
    /// The fixed header (96).
    pub header_bytes: u64,
    /// Root directory, CRC included.
    pub root_directory_bytes: u64,
    /// Best-seller bundle.
    pub best_sellers_bytes: u64,
    /// All leaf directories.
    pub leaf_directory_bytes: u64,
    /// All product bundles.
    pub bundle_bytes: u64,
    /// Number of buckets (leaf directories).
    pub bucket_count: u32,
    /// Number of products (bundles).
    pub product_count: u32,
    /// Neighbour edges over all bundles.
    pub edge_count: u64,
    /// Products in the best-seller list.
    pub best_seller_count: usize,
    /// Orders mined to build the table.
    pub order_count: u64,
    /// The neighbour cap the table was built with.
    pub max_neighbours: u8,
    /// The largest leaf directory: a page's second fetch at worst.
    pub largest_leaf_bytes: u64,
    /// The largest bundle: a page's last fetch at worst (without collisions).
    pub largest_bundle_bytes: u64,
}

impl TableStats {
    /// The prefix every page fetches first: header, root, best-sellers.
    pub fn prefix_bytes(&self) -> u64 {
        self.header_bytes + self.root_directory_bytes + self.best_sellers_bytes
    }
}

// A bundle can never list more neighbours than the header's u8 can say.
const _: () = assert!(MAX_NEIGHBOURS == u8::MAX as usize);
