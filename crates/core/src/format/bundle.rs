//! A bundle: everything the widget needs for one product page in one byte range
//! (the product's card, its top neighbours with scores, and the neighbours'
//! cards), so showing suggestions costs one request after the directories. The
//! best-seller list uses the same layout without the product card.

use super::card::Card;
use super::cursor::Cursor;
use super::error::{Section, TableError};
use super::MAX_NEIGHBOURS;

/// Bytes per stored edge: a `u24` neighbour product number and a `u8` quantized score.
pub const EDGE_LEN: usize = 4;

/// What a bundle holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum BundleKind {
    /// Kind byte 1: one product and its neighbours.
    Product,
    /// Kind byte 2: the best-seller list (no product of its own).
    BestSellers,
}

impl BundleKind {
    fn from_byte(byte: u8) -> Option<Self> {
        match byte {
            1 => Some(BundleKind::Product),
            2 => Some(BundleKind::BestSellers),
            _ => None,
        }
    }

    /// The byte that stands for this kind in the file.
    pub fn byte(self) -> u8 {
        match self {
            BundleKind::Product => 1,
            BundleKind::BestSellers => 2,
        }
    }
}

/// A parsed bundle, borrowing its bytes. Parsing checks its CRC and validates
/// every card, so iterating it afterwards cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bundle<'a> {
    kind: BundleKind,
    product: Option<Card<'a>>,
    product_card_bytes: &'a [u8],
    edges: &'a [u8],
    cards: &'a [u8],
}

impl<'a> Bundle<'a> {
    /// Reads the bundle at the start of `bytes`; returns it and the bytes it
    /// used (CRC included). Offsets in errors count from the start of `bytes`.
    pub fn parse(bytes: &'a [u8]) -> Result<(Bundle<'a>, usize), TableError> {
        Self::parse_at(bytes, Section::Bundle, 0)
    }

    /// [`Bundle::parse`] for bytes that start at file offset `base`.
    pub(crate) fn parse_at(
        bytes: &'a [u8],
        section: Section,
        base: u64,
    ) -> Result<(Bundle<'a>, usize), TableError> {
        let mut cursor = Cursor::new(bytes, section, base);
        let kind_byte = cursor.u8()?;
        let kind = BundleKind::from_byte(kind_byte).ok_or_else(|| {
            cursor.malformed_at(
                0,
                format!(
                    "bundle kind is {kind_byte}; version 1 knows 1 (product) and 2 (best-sellers)"
                ),
            )
        })?;
        let (product, product_card_bytes) = match kind {
            BundleKind::Product => {
                let start = cursor.position();
                let card = Card::parse(&mut cursor)?;
                (
                    Some(card),
                    cursor.consumed().get(start..).unwrap_or_default(),
                )
            }
            BundleKind::BestSellers => (None, &[][..]),
        };
        let count_at = cursor.position();
        let count = cursor.varint()? as usize;
        if count > MAX_NEIGHBOURS {
            return Err(cursor.malformed_at(
                count_at,
                format!("bundle lists {count} neighbours, at most {MAX_NEIGHBOURS} are allowed"),
            ));
        }
        let edges_at = cursor.position();
        let edges = cursor.take(count * EDGE_LEN)?;
        let mut previous_score = u8::MAX;
        for (index, edge) in edges.chunks_exact(EDGE_LEN).enumerate() {
            let (number, score) = decode_edge(edge);
            let edge_at = edges_at + index * EDGE_LEN;
            if product.is_some_and(|card| card.number == number) {
                return Err(cursor.malformed_at(
                    edge_at,
                    format!("product {number} lists itself as a neighbour"),
                ));
            }
            if score > previous_score {
                return Err(cursor.malformed_at(
                    edge_at + 3,
                    format!("edge scores must not increase (best first), but {score} follows {previous_score}"),
                ));
            }
            previous_score = score;
        }
        let cards_start = cursor.position();
        for edge in edges.chunks_exact(EDGE_LEN) {
            let card_at = cursor.position();
            let card = Card::parse(&mut cursor)?;
            let (number, _) = decode_edge(edge);
            if card.number != number {
                return Err(cursor.malformed_at(
                    card_at,
                    format!(
                        "neighbour card has product number {} but its edge says {number}",
                        card.number
                    ),
                ));
            }
        }
        let cards = cursor.consumed().get(cards_start..).unwrap_or_default();
        cursor.checksum()?;
        let bundle = Bundle {
            kind,
            product,
            product_card_bytes,
            edges,
            cards,
        };
        Ok((bundle, cursor.position()))
    }

    /// Among the `count` consecutive bundles in `span_bytes` (a [`crate::BundleSpan`]
    /// fetched from the file), the product bundle whose id is `id`. Bundles sharing
    /// a hash sit next to each other, so the span can hold other products too.
    /// Offsets in errors count from the start of `span_bytes`.
    pub fn find(
        span_bytes: &'a [u8],
        count: usize,
        id: &str,
    ) -> Result<Option<Bundle<'a>>, TableError> {
        Self::find_at(span_bytes, count, id, 0)
    }

    /// [`Bundle::find`] for a span that starts at file offset `base`.
    pub(crate) fn find_at(
        span_bytes: &'a [u8],
        count: usize,
        id: &str,
        base: u64,
    ) -> Result<Option<Bundle<'a>>, TableError> {
        let mut used = 0usize;
        for _ in 0..count {
            let rest = span_bytes.get(used..).unwrap_or_default();
            let bundle_base = base.saturating_add(used as u64);
            let (bundle, length) = Bundle::parse_at(rest, Section::Bundle, bundle_base)?;
            let Some(card) = bundle.product else {
                return Err(TableError::malformed(
                    Section::Bundle,
                    bundle_base,
                    "a best-seller bundle sits among the product bundles",
                ));
            };
            if card.id == id {
                return Ok(Some(bundle));
            }
            used += length;
        }
        if used != span_bytes.len() {
            return Err(TableError::malformed(
                Section::Bundle,
                base.saturating_add(used as u64),
                format!(
                    "the span is {} bytes but its {count} bundles end after {used}",
                    span_bytes.len()
                ),
            ));
        }
        Ok(None)
    }

    /// Product bundle or best-seller list.
    pub fn kind(&self) -> BundleKind {
        self.kind
    }

    /// The bundle's own product (`None` for the best-seller list).
    pub fn product(&self) -> Option<Card<'a>> {
        self.product
    }

    /// Number of neighbours (or best-sellers).
    pub fn len(&self) -> usize {
        self.edges.len() / EDGE_LEN
    }

    /// Whether the bundle lists no neighbours.
    pub fn is_empty(&self) -> bool {
        self.edges.is_empty()
    }

    /// The neighbours, best first: each card with its quantized score
    /// (see [`crate::Quantization::dequantize`]).
    pub fn neighbours(&self) -> Neighbours<'a> {
        Neighbours {
            edges: self.edges(),
            cards: RawCards::new(self.cards),
        }
    }

    /// The neighbours' product numbers and quantized scores, best first,
    /// without reading their cards.
    pub fn edges(&self) -> Edges<'a> {
        Edges {
            chunks: self.edges.chunks_exact(EDGE_LEN),
        }
    }

    /// The exact bytes of the bundle's own card (empty for best-sellers).
    pub(crate) fn product_card_bytes(&self) -> &'a [u8] {
        self.product_card_bytes
    }

    /// The exact bytes of each neighbour card, in edge order.
    pub(crate) fn neighbour_card_bytes(&self) -> impl Iterator<Item = &'a [u8]> {
        RawCards::new(self.cards).map(|(_, bytes)| bytes)
    }
}

fn decode_edge(edge: &[u8]) -> (u32, u8) {
    match *edge {
        [low, middle, high, score] => (u32::from_le_bytes([low, middle, high, 0]), score),
        _ => (0, 0),
    }
}

/// Iterator over a bundle's edges: `(product number, quantized score)`.
#[derive(Debug, Clone)]
pub struct Edges<'a> {
    chunks: core::slice::ChunksExact<'a, u8>,
}

impl Iterator for Edges<'_> {
    type Item = (u32, u8);

    fn next(&mut self) -> Option<(u32, u8)> {
        self.chunks.next().map(decode_edge)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.chunks.size_hint()
    }
}

impl ExactSizeIterator for Edges<'_> {}

/// Iterator over a bundle's neighbours: `(card, quantized score)`, best first.
#[derive(Debug, Clone)]
pub struct Neighbours<'a> {
    edges: Edges<'a>,
    cards: RawCards<'a>,
}

impl<'a> Iterator for Neighbours<'a> {
    type Item = (Card<'a>, u8);

    fn next(&mut self) -> Option<(Card<'a>, u8)> {
        let (_, score) = self.edges.next()?;
        let (card, _) = self.cards.next()?;
        Some((card, score))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        self.edges.size_hint()
    }
}

/// Walks cards already validated by [`Bundle::parse`]; stops at the first one
/// that fails (which cannot happen for a parsed bundle).
#[derive(Debug, Clone)]
struct RawCards<'a> {
    bytes: &'a [u8],
}

impl<'a> RawCards<'a> {
    fn new(bytes: &'a [u8]) -> Self {
        RawCards { bytes }
    }
}

impl<'a> Iterator for RawCards<'a> {
    type Item = (Card<'a>, &'a [u8]);

    fn next(&mut self) -> Option<(Card<'a>, &'a [u8])> {
        if self.bytes.is_empty() {
            return None;
        }
        let mut cursor = Cursor::new(self.bytes, Section::Bundle, 0);
        let card = Card::parse(&mut cursor).ok()?;
        let raw = cursor.consumed();
        self.bytes = self.bytes.get(raw.len()..).unwrap_or_default();
        Some((card, raw))
    }
}
