//! Writing a table: pure and deterministic (same input, same bytes: no clock,
//! no hash-map order), so rebuilt tables diff cleanly and caches stay warm.
//! The caller names products by their index in `TableInput::products`; the
//! writer assigns product numbers by sorting on `(hash, id)`.

use crate::cart_combination::CartCombination;

use super::bundle::BundleKind;
use super::card::{
    FLAG_AVAILABLE, FLAG_COMPARE_AT, FLAG_HAS_PRICE, FLAG_HAS_RATING, FLAG_PRICE_FROM,
};
use super::crc::crc32;
use super::error::WriteError;
use super::hash::{product_hash, top_bits};
use super::header::Header;
use super::quantization::Quantization;
use super::varint::encode_u32;
use super::{
    CRC_LEN, FORMAT_VERSION, HEADER_LEN, LEAF_ENTRY_LEN, MAX_BUCKET_BITS, MAX_NEIGHBOURS,
    MAX_PRODUCTS, MAX_RATING_TENTHS, ROOT_ENTRY_LEN,
};

/// One product as the writer receives it (owned; the reader's view is [`crate::Card`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ProductRecord {
    /// The store's product id (SKU); unique within the table.
    pub id: String,
    /// Display title.
    pub title: String,
    /// Product page URL (may be empty).
    pub url: String,
    /// Image URL (may be empty).
    pub image: String,
    /// Category (may be empty).
    pub category: String,
    /// Price in hundredths of the currency unit.
    pub price_hundredths: Option<u32>,
    /// The price is the lowest of the product's variants, shown as "from €12" (needs
    /// a price; makes the table format version 2).
    pub price_from: bool,
    /// The compare-at ("was") price in hundredths: the product is on sale (must be
    /// above the price; makes the table format version 3).
    pub compare_at_hundredths: Option<u32>,
    /// ISO 4217 code: three ASCII capital letters.
    pub currency: Option<String>,
    /// Whether the product can be bought now.
    pub available: bool,
    /// Rating in tenths of a star, 0..=50.
    pub rating_tenths: Option<u8>,
}

impl ProductRecord {
    /// A product known only by its id (orders without a catalog): available,
    /// titled with its id so a card still shows a name, everything else empty.
    pub fn with_id(id: impl Into<String>) -> Self {
        let id = id.into();
        ProductRecord {
            title: id.clone(),
            id,
            available: true,
            ..ProductRecord::default()
        }
    }
}

/// Everything a table holds, with products referred to by their index in
/// `products`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableInput {
    /// The products, in any order.
    pub products: Vec<ProductRecord>,
    /// `neighbours[i]`: product i's neighbours as `(product index, score)`,
    /// in any order (the writer stores them best first; ties keep this order).
    /// Exactly one list per product; at most `max_neighbours` entries each.
    pub neighbours: Vec<Vec<(u32, f32)>>,
    /// The fallback list: `(product index, popularity)`, at most 255 entries.
    pub best_sellers: Vec<(u32, f32)>,
    /// Orders mined (stored for `inspect`).
    pub order_count: u64,
    /// The neighbour cap the table is built with (at most 255).
    pub max_neighbours: u8,
    /// How the widget combines a cart's neighbour lists; anything but the default
    /// makes the table format version 2.
    pub cart_combination: CartCombination,
}

/// Encodes `input` as a table file, of the oldest format version that can hold it
/// (version 1 unless a card has a "from" price or the cart combination is not the
/// default), so widgets already deployed keep reading what they can.
pub fn write_table(input: &TableInput) -> Result<Vec<u8>, WriteError> {
    let products = &input.products;
    let product_count = products.len();
    if product_count > MAX_PRODUCTS {
        return Err(WriteError::TooManyProducts {
            count: product_count,
            max: MAX_PRODUCTS,
        });
    }
    if input.neighbours.len() != product_count {
        return Err(WriteError::NeighbourListCount {
            products: product_count,
            lists: input.neighbours.len(),
        });
    }
    if input.best_sellers.len() > MAX_NEIGHBOURS {
        return Err(WriteError::TooManyBestSellers {
            count: input.best_sellers.len(),
            max: MAX_NEIGHBOURS,
        });
    }
    products.iter().try_for_each(check_record)?;
    let (kind, parameter) = input.cart_combination.to_code();
    if CartCombination::from_code(kind, parameter).is_none() {
        return Err(WriteError::InvalidCartCombination {
            combination: input.cart_combination.name(),
        });
    }

    let hashes: Vec<u32> = products
        .iter()
        .map(|product| product_hash(&product.id))
        .collect();
    // order[number] = index: product numbers follow (hash, id).
    let mut order: Vec<usize> = (0..product_count).collect();
    order.sort_unstable_by(|&left, &right| {
        (hashes[left], products[left].id.as_str())
            .cmp(&(hashes[right], products[right].id.as_str()))
    });
    if let Some(pair) = order
        .windows(2)
        .find(|pair| products[pair[0]].id == products[pair[1]].id)
    {
        return Err(WriteError::DuplicateProductId {
            id: products[pair[0]].id.clone(),
        });
    }
    let mut number_of = vec![0u32; product_count];
    for (number, &index) in order.iter().enumerate() {
        number_of[index] = number as u32;
    }

    let neighbour_lists: Vec<Vec<(u32, f32)>> = input
        .neighbours
        .iter()
        .enumerate()
        .map(|(index, list)| {
            let owner = &products[index].id;
            if list.len() > usize::from(input.max_neighbours) {
                return Err(WriteError::TooManyNeighbours {
                    product: owner.clone(),
                    count: list.len(),
                    max: input.max_neighbours,
                });
            }
            let describe = || format!("the neighbour list of product `{owner}`");
            if list
                .iter()
                .any(|&(neighbour, _)| neighbour as usize == index)
            {
                return Err(WriteError::SelfNeighbour {
                    product: owner.clone(),
                });
            }
            ranked_list(list, products, &number_of, describe)
        })
        .collect::<Result<_, _>>()?;
    let best_sellers = ranked_list(&input.best_sellers, products, &number_of, || {
        "the best-seller list".to_owned()
    })?;

    let quantization =
        Quantization::from_scores(neighbour_lists.iter().flatten().map(|&(_, score)| score));
    let best_seller_quantization =
        Quantization::from_scores(best_sellers.iter().map(|&(_, score)| score));

    let mut cards = CardArena::default();
    for &index in &order {
        cards.push(&products[index]);
    }

    let bucket_bits = bucket_bits_for(product_count);
    let bucket_count = 1usize << bucket_bits;
    let root_len = ROOT_ENTRY_LEN as usize * (bucket_count + 1) + CRC_LEN as usize;
    let leaves_len = CRC_LEN as usize * bucket_count + LEAF_ENTRY_LEN as usize * product_count;

    let mut out = vec![0u8; HEADER_LEN + root_len];
    let best_sellers_offset = out.len();
    encode_bundle(
        &mut out,
        BundleKind::BestSellers,
        None,
        &best_sellers,
        &best_seller_quantization,
        &cards,
    );
    let leaf_offset = out.len();
    out.resize(leaf_offset + leaves_len, 0);
    let bundles_offset = out.len();

    let mut bundle_lengths = Vec::with_capacity(product_count);
    for (number, &index) in order.iter().enumerate() {
        let start = out.len();
        encode_bundle(
            &mut out,
            BundleKind::Product,
            Some(number as u32),
            &neighbour_lists[index],
            &quantization,
            &cards,
        );
        let length = out.len() - start;
        let length = u32::try_from(length).map_err(|_| WriteError::BundleTooLarge {
            product: products[index].id.clone(),
            length,
        })?;
        bundle_lengths.push(length);
    }
    let file_length = out.len();

    let entries: Vec<(u32, u32)> = order
        .iter()
        .zip(&bundle_lengths)
        .map(|(&index, &length)| (hashes[index], length))
        .collect();
    let (root, leaves) = encode_directories(
        &entries,
        bucket_bits,
        leaf_offset as u64,
        bundles_offset as u64,
        file_length as u64,
    );
    out[HEADER_LEN..HEADER_LEN + root_len].copy_from_slice(&root);
    out[leaf_offset..bundles_offset].copy_from_slice(&leaves);

    let needs_version_2 = input.cart_combination != CartCombination::DEFAULT
        || products.iter().any(|product| product.price_from);
    let needs_version_3 = products
        .iter()
        .any(|product| product.compare_at_hundredths.is_some());
    let header = Header {
        version: if needs_version_3 {
            FORMAT_VERSION
        } else if needs_version_2 {
            2
        } else {
            1
        },
        bucket_bits,
        max_neighbours: input.max_neighbours,
        product_count: product_count as u32,
        edge_count: neighbour_lists.iter().map(|list| list.len() as u64).sum(),
        root_offset: HEADER_LEN as u64,
        best_sellers_offset: best_sellers_offset as u64,
        leaf_offset: leaf_offset as u64,
        bundles_offset: bundles_offset as u64,
        file_length: file_length as u64,
        score_min: quantization.min,
        score_max: quantization.max,
        order_count: input.order_count,
        cart_combination: input.cart_combination,
    };
    out[..HEADER_LEN].copy_from_slice(&header.encode());
    Ok(out)
}

/// The root directory (CRC included) and the leaf directories of a table whose
/// products, in number order, have the `(hash, bundle_length)` `entries`: numbers are
/// in hash order, so each bucket's products are one contiguous run. The writer and
/// `join_split` (which rebuilds a single file from a directory's shards) share it.
/// Entries out of bucket order are left out, which a caller sees as leaves shorter
/// than `4·B + 8·n`.
pub(crate) fn encode_directories(
    entries: &[(u32, u32)],
    bucket_bits: u8,
    leaf_offset: u64,
    bundles_offset: u64,
    file_length: u64,
) -> (Vec<u8>, Vec<u8>) {
    let bucket_count = 1usize << bucket_bits;
    let mut root =
        Vec::with_capacity(ROOT_ENTRY_LEN as usize * (bucket_count + 1) + CRC_LEN as usize);
    let mut leaves = Vec::with_capacity(
        CRC_LEN as usize * bucket_count + LEAF_ENTRY_LEN as usize * entries.len(),
    );
    let mut next = 0;
    let mut bundle_offset = bundles_offset;
    for bucket in 0..bucket_count as u32 {
        root.extend_from_slice(&(leaf_offset + leaves.len() as u64).to_le_bytes());
        root.extend_from_slice(&bundle_offset.to_le_bytes());
        let leaf_start = leaves.len();
        while let Some(&(hash, length)) = entries.get(next) {
            if top_bits(hash, bucket_bits) != bucket {
                break;
            }
            leaves.extend_from_slice(&hash.to_le_bytes());
            leaves.extend_from_slice(&length.to_le_bytes());
            bundle_offset += u64::from(length);
            next += 1;
        }
        let checksum = crc32(&leaves[leaf_start..]);
        leaves.extend_from_slice(&checksum.to_le_bytes());
    }
    root.extend_from_slice(&bundles_offset.to_le_bytes());
    root.extend_from_slice(&file_length.to_le_bytes());
    let checksum = crc32(&root);
    root.extend_from_slice(&checksum.to_le_bytes());
    (root, leaves)
}

/// `bucket_bits` for `product_count` products: the largest b with 4^b ≤ n
/// (0 for an empty table), so buckets B = 2^b lie within a factor √2 of
/// √(n/2), the count that minimises root + one leaf (16·B + 8·n/B bytes).
pub fn bucket_bits_for(product_count: usize) -> u8 {
    match product_count {
        0 => 0,
        count => ((count.ilog2() / 2) as u8).min(MAX_BUCKET_BITS),
    }
}

fn check_record(product: &ProductRecord) -> Result<(), WriteError> {
    if let Some(currency) = &product.currency {
        if currency.len() != 3 || !currency.bytes().all(|byte| byte.is_ascii_uppercase()) {
            return Err(WriteError::InvalidCurrency {
                product: product.id.clone(),
                currency: currency.clone(),
            });
        }
    }
    if let Some(rating_tenths) = product
        .rating_tenths
        .filter(|&rating| rating > MAX_RATING_TENTHS)
    {
        return Err(WriteError::InvalidRating {
            product: product.id.clone(),
            rating_tenths,
        });
    }
    if product.price_from && product.price_hundredths.is_none() {
        return Err(WriteError::FromPriceWithoutPrice {
            product: product.id.clone(),
        });
    }
    if let Some(compare_at_hundredths) = product.compare_at_hundredths {
        if product
            .price_hundredths
            .is_none_or(|price| compare_at_hundredths <= price)
        {
            return Err(WriteError::CompareAtNotAbovePrice {
                product: product.id.clone(),
                compare_at_hundredths,
            });
        }
    }
    let fields = [
        ("id", &product.id),
        ("title", &product.title),
        ("url", &product.url),
        ("image", &product.image),
        ("category", &product.category),
    ];
    if let Some((field, value)) = fields
        .iter()
        .find(|(_, value)| u32::try_from(value.len()).is_err())
    {
        return Err(WriteError::StringTooLong {
            product: product.id.chars().take(64).collect(),
            field,
            length: value.len(),
        });
    }
    Ok(())
}

/// Checks a list of `(product index, score)` and returns it as `(product
/// number, score)`, best first (stable: ties keep the caller's order).
fn ranked_list(
    list: &[(u32, f32)],
    products: &[ProductRecord],
    number_of: &[u32],
    describe: impl Fn() -> String,
) -> Result<Vec<(u32, f32)>, WriteError> {
    let mut seen = Vec::with_capacity(list.len());
    let mut ranked = Vec::with_capacity(list.len());
    for &(index, score) in list {
        let Some(&number) = number_of.get(index as usize) else {
            return Err(WriteError::ProductIndexOutOfRange {
                list: describe(),
                index,
                product_count: products.len(),
            });
        };
        let product = || products[index as usize].id.clone();
        if !score.is_finite() || score < 0.0 {
            return Err(WriteError::InvalidScore {
                list: describe(),
                product: product(),
                score,
            });
        }
        if seen.contains(&index) {
            return Err(WriteError::DuplicateInList {
                list: describe(),
                product: product(),
            });
        }
        seen.push(index);
        ranked.push((number, score));
    }
    ranked.sort_by(|left, right| right.1.total_cmp(&left.1));
    Ok(ranked)
}

/// Every product's encoded card, by product number, in one buffer.
#[derive(Default)]
struct CardArena {
    bytes: Vec<u8>,
    /// `ends[number]`: end of that card in `bytes`.
    ends: Vec<usize>,
}

impl CardArena {
    fn push(&mut self, product: &ProductRecord) {
        let number = self.ends.len() as u32;
        let bytes = &mut self.bytes;
        bytes.extend_from_slice(&number.to_le_bytes());
        let flags = [
            (product.available, FLAG_AVAILABLE),
            (product.price_hundredths.is_some(), FLAG_HAS_PRICE),
            (product.rating_tenths.is_some(), FLAG_HAS_RATING),
            (product.price_from, FLAG_PRICE_FROM),
            (product.compare_at_hundredths.is_some(), FLAG_COMPARE_AT),
        ]
        .iter()
        .filter(|(set, _)| *set)
        .fold(0, |flags, (_, bit)| flags | bit);
        bytes.push(flags);
        bytes.extend_from_slice(&product.price_hundredths.unwrap_or(0).to_le_bytes());
        bytes.push(product.rating_tenths.unwrap_or(0));
        match &product.currency {
            Some(code) => bytes.extend_from_slice(code.as_bytes()),
            None => bytes.extend_from_slice(&[0; 3]),
        }
        if let Some(compare_at) = product.compare_at_hundredths {
            bytes.extend_from_slice(&compare_at.to_le_bytes());
        }
        for text in [
            &product.id,
            &product.title,
            &product.url,
            &product.image,
            &product.category,
        ] {
            encode_u32(text.len() as u32, bytes);
            bytes.extend_from_slice(text.as_bytes());
        }
        self.ends.push(self.bytes.len());
    }

    fn card(&self, number: u32) -> &[u8] {
        let number = number as usize;
        let start = if number == 0 {
            0
        } else {
            self.ends[number - 1]
        };
        &self.bytes[start..self.ends[number]]
    }
}

fn encode_bundle(
    out: &mut Vec<u8>,
    kind: BundleKind,
    own_number: Option<u32>,
    neighbours: &[(u32, f32)],
    quantization: &Quantization,
    cards: &CardArena,
) {
    let start = out.len();
    out.push(kind.byte());
    if let Some(number) = own_number {
        out.extend_from_slice(cards.card(number));
    }
    encode_u32(neighbours.len() as u32, out);
    for &(number, score) in neighbours {
        out.extend_from_slice(&number.to_le_bytes()[..3]);
        out.push(quantization.quantize(score));
    }
    for &(number, _) in neighbours {
        out.extend_from_slice(cards.card(number));
    }
    let checksum = crc32(&out[start..]);
    out.extend_from_slice(&checksum.to_le_bytes());
}
