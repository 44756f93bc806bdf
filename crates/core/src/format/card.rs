//! A card: what the widget needs to render one product (and what scoring needs
//! to filter it), borrowed straight from the table bytes.

use super::cursor::Cursor;
use super::error::TableError;
use super::{MAX_PRODUCTS, MAX_RATING_TENTHS};

/// `flags` bit 0: the product can be bought now.
pub(crate) const FLAG_AVAILABLE: u8 = 1;
/// `flags` bit 1: `price` holds a price.
pub(crate) const FLAG_HAS_PRICE: u8 = 1 << 1;
/// `flags` bit 2: `rating` holds a rating.
pub(crate) const FLAG_HAS_RATING: u8 = 1 << 2;
/// `flags` bit 3 (format version 2): `price` is the lowest of the product's variants,
/// shown as "from €12".
pub(crate) const FLAG_PRICE_FROM: u8 = 1 << 3;
/// `flags` bit 4 (format version 3): a compare-at ("was") price follows the currency,
/// shown struck through beside the price as a sale.
pub(crate) const FLAG_COMPARE_AT: u8 = 1 << 4;
const KNOWN_FLAGS: u8 =
    FLAG_AVAILABLE | FLAG_HAS_PRICE | FLAG_HAS_RATING | FLAG_PRICE_FROM | FLAG_COMPARE_AT;

/// One product as stored in a table: every string borrows the table's bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Card<'a> {
    /// The product number: the index of the product's own bundle.
    pub number: u32,
    /// The store's product id (SKU).
    pub id: &'a str,
    /// Display title.
    pub title: &'a str,
    /// Product page URL (may be empty).
    pub url: &'a str,
    /// Image URL (may be empty).
    pub image: &'a str,
    /// Category (may be empty).
    pub category: &'a str,
    /// Price in hundredths of the currency unit, if known.
    pub price_hundredths: Option<u32>,
    /// The price is the lowest of the product's variants ("from €12"); means nothing
    /// without a price.
    pub price_from: bool,
    /// The compare-at ("was") price in hundredths, above `price_hundredths`: the product
    /// is on sale.
    pub compare_at_hundredths: Option<u32>,
    /// ISO 4217 code (three ASCII capital letters), if known.
    pub currency: Option<&'a str>,
    /// Whether the product can be bought now.
    pub available: bool,
    /// Rating in tenths of a star (0..=50), if known.
    pub rating_tenths: Option<u8>,
}

impl<'a> Card<'a> {
    /// Reads one card at the cursor. Layout (`docs/format.md` § Card):
    /// `u32 number, u8 flags, u32 price, u8 rating, [u8;3] currency`, `u32 compare_at`
    /// only with flag bit 4, then the strings id, title, url, image, category, each a
    /// varint length + UTF-8.
    pub(crate) fn parse(cursor: &mut Cursor<'a>) -> Result<Card<'a>, TableError> {
        let number_at = cursor.position();
        let number = cursor.u32()?;
        if number as usize >= MAX_PRODUCTS {
            return Err(cursor.malformed_at(
                number_at,
                format!("card product number {number} is not below 2^24"),
            ));
        }
        let flags_at = cursor.position();
        let flags = cursor.u8()?;
        if flags & !KNOWN_FLAGS != 0 {
            return Err(cursor.malformed_at(
                flags_at,
                format!("card flags {flags:#04x} set bits that no format version defines (only bits 0-4)"),
            ));
        }
        let price_at = cursor.position();
        let price = cursor.u32()?;
        let price_hundredths = if flags & FLAG_HAS_PRICE != 0 {
            Some(price)
        } else if price == 0 {
            None
        } else {
            return Err(
                cursor.malformed_at(price_at, "card has a price but its has-price flag is clear")
            );
        };
        let rating_at = cursor.position();
        let rating = cursor.u8()?;
        let rating_tenths = if flags & FLAG_HAS_RATING != 0 {
            if rating > MAX_RATING_TENTHS {
                return Err(cursor.malformed_at(
                    rating_at,
                    format!(
                        "card rating is {rating} tenths of a star, at most {MAX_RATING_TENTHS}"
                    ),
                ));
            }
            Some(rating)
        } else if rating == 0 {
            None
        } else {
            return Err(cursor.malformed_at(
                rating_at,
                "card has a rating but its has-rating flag is clear",
            ));
        };
        let currency_at = cursor.position();
        let currency_bytes = cursor.take(3)?;
        let currency = if currency_bytes == [0, 0, 0] {
            None
        } else if currency_bytes.iter().all(u8::is_ascii_uppercase) {
            core::str::from_utf8(currency_bytes).ok()
        } else {
            return Err(cursor.malformed_at(
                currency_at,
                format!(
                    "card currency \"{}\" is neither three ASCII capital letters nor three zero bytes",
                    currency_bytes.escape_ascii()
                ),
            ));
        };
        // That it is above the price is left to `Table::verify`: the widget reads
        // CRC-checked bytes of a writer that refuses anything else, and every check
        // here is bytes in its download.
        let compare_at_hundredths = if flags & FLAG_COMPARE_AT != 0 {
            Some(cursor.u32()?)
        } else {
            None
        };
        let id = cursor.string("id")?;
        let title = cursor.string("title")?;
        let url = cursor.string("url")?;
        let image = cursor.string("image")?;
        let category = cursor.string("category")?;
        Ok(Card {
            number,
            id,
            title,
            url,
            image,
            category,
            price_hundredths,
            price_from: flags & FLAG_PRICE_FROM != 0,
            compare_at_hundredths,
            currency,
            available: flags & FLAG_AVAILABLE != 0,
            rating_tenths,
        })
    }
}
