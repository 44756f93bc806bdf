//! The product data a rendered card needs, owned and already made safe.
//!
//! Cards from alsobought-core borrow the fetched table bytes; the view outlives that
//! borrow, so each shown product is copied once into a [`ProductView`]. Unsafe URLs
//! are dropped here (alsobought-core's `url_policy`), so no component can use one by
//! mistake.
//! Price, total and rating *inputs* are computed here natively; only the final
//! `Intl.NumberFormat` call happens in the browser (`price_format`).

use alsobought_core::{safe_url, Card};

use crate::json_text::decimal;

/// The most bytes of a title or category a card keeps (about 500 characters of a Latin
/// script, 170 of Chinese). A title is a line or two; a table carrying megabytes in
/// one (a broken export) must not have the page lay out a document inside a card,
/// nor copy it into every event.
const TEXT_LIMIT: usize = 512;

/// `text` cut at a character boundary within [`TEXT_LIMIT`] bytes, with an ellipsis
/// when cut.
fn bounded(text: &str) -> String {
    let mut end = text.len().min(TEXT_LIMIT);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    // `get`, not indexing: the indexing panic would link core::fmt (+3 KB, measured).
    let mut kept = text.get(..end).unwrap_or_default().to_string();
    if end < text.len() {
        kept.push('…');
    }
    kept
}

/// One product as the widget shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ProductView {
    /// The store's product id.
    pub id: String,
    /// Display title (rendered as text, never as HTML).
    pub title: String,
    /// Link target: `http(s):` or relative only.
    pub url: Option<String>,
    /// Image source: `http(s):` or relative only.
    pub image: Option<String>,
    /// The product's category (analytics' `item_category`), if the table has one.
    pub category: Option<String>,
    /// Price in hundredths of the currency unit.
    pub price_hundredths: Option<u32>,
    /// The price is the cheapest variant's: shown as "from €12".
    pub price_from: bool,
    /// The compare-at ("was") price in hundredths: the product is on sale.
    pub compare_at_hundredths: Option<u32>,
    /// The card's own ISO 4217 currency.
    pub currency: Option<String>,
    /// Rating in tenths of a star, 0..=50.
    pub rating_tenths: Option<u8>,
}

impl ProductView {
    /// Copies what the widget shows out of a card borrowed from the table bytes.
    pub fn from_card(card: &Card<'_>) -> Self {
        ProductView {
            id: card.id.to_string(),
            title: bounded(card.title),
            url: safe_url(card.url).map(str::to_string),
            image: safe_url(card.image).map(str::to_string),
            category: (!card.category.is_empty()).then(|| bounded(card.category)),
            price_hundredths: card.price_hundredths,
            price_from: card.price_from,
            compare_at_hundredths: card.compare_at_hundredths,
            currency: card.currency.map(str::to_string),
            rating_tenths: card.rating_tenths,
        }
    }

    /// The currency to show the price in: the card's own, else the store's `data-currency`.
    pub fn display_currency<'a>(&'a self, store_currency: Option<&'a str>) -> Option<&'a str> {
        self.currency.as_deref().or(store_currency)
    }

    /// The price in currency units (what `Intl.NumberFormat` takes).
    pub fn price_amount(&self) -> Option<f64> {
        self.price_hundredths.map(hundredths_to_amount)
    }

    /// The accessible name of the rating, e.g. `"4.5 out of 5 stars"`.
    pub fn rating_label(&self) -> Option<String> {
        let tenths = self.rating_tenths?;
        let mut label = decimal(u64::from(tenths / 10));
        if tenths % 10 != 0 {
            label.push('.');
            label.push(char::from(b'0' + tenths % 10));
        }
        label.push_str(" out of 5 stars");
        Some(label)
    }

    /// The visual rating: five stars, filled to the nearest whole star (the exact
    /// value is in [`rating_label`](Self::rating_label) for assistive technology).
    pub fn rating_stars(&self) -> Option<&'static str> {
        // A window on one static row of stars allocates nothing and leaves `repeat`
        // out of the wasm (every star is 3 bytes of UTF-8).
        const ROW: &str = "★★★★★☆☆☆☆☆";
        let empty = 5 - usize::from((self.rating_tenths? + 5) / 10).min(5);
        ROW.get(3 * empty..3 * (empty + 5))
    }
}

/// Hundredths of a currency unit → units; exact for every price a card can hold.
pub fn hundredths_to_amount(hundredths: u32) -> f64 {
    f64::from(hundredths) / 100.0
}

/// The bundle layout's live total.
#[derive(Clone, Debug, PartialEq)]
pub struct BundleTotal {
    /// Sum of the priced, chosen products in `currency`, in hundredths.
    pub hundredths: u64,
    /// The currency of the sum.
    pub currency: Option<String>,
    /// How many products are chosen (the "Add all" label).
    pub chosen: usize,
}

/// Sums the chosen products. Prices are only added up in one currency (the first
/// chosen product's); a product priced in another currency, or without a price, is
/// still counted as chosen but not summed, because adding euros to pounds is wrong.
pub fn bundle_total<'a>(
    chosen: impl IntoIterator<Item = &'a ProductView>,
    store_currency: Option<&str>,
) -> BundleTotal {
    let mut total = BundleTotal {
        hundredths: 0,
        currency: None,
        chosen: 0,
    };
    let mut currency_fixed = false;
    for product in chosen {
        total.chosen += 1;
        let Some(price) = product.price_hundredths else {
            continue;
        };
        let currency = product.display_currency(store_currency);
        if !currency_fixed {
            total.currency = currency.map(str::to_string);
            currency_fixed = true;
        } else if total.currency.as_deref() != currency {
            continue;
        }
        total.hundredths += u64::from(price);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(id: &str, price: Option<u32>, currency: Option<&str>) -> ProductView {
        ProductView {
            id: id.into(),
            title: id.into(),
            url: None,
            image: None,
            category: None,
            price_hundredths: price,
            price_from: false,
            compare_at_hundredths: None,
            currency: currency.map(str::to_string),
            rating_tenths: None,
        }
    }

    #[test]
    fn cards_with_hostile_urls_lose_them_but_keep_their_text() {
        let card = Card {
            number: 3,
            id: "X",
            title: "<img src=x onerror=alert(1)>",
            url: "javascript:alert(1)",
            image: "data:image/svg+xml,<svg onload=alert(1)>",
            category: "",
            price_hundredths: Some(1999),
            currency: Some("GBP"),
            price_from: false,
            compare_at_hundredths: None,
            available: true,
            rating_tenths: Some(45),
        };
        let view = ProductView::from_card(&card);
        assert_eq!(view.title, "<img src=x onerror=alert(1)>");
        assert_eq!(view.url, None);
        assert_eq!(view.image, None);
        assert_eq!(view.price_amount(), Some(19.99));
    }

    #[test]
    fn megabytes_of_title_or_category_are_cut_to_a_line_or_two() {
        let long = "Très long ".repeat(200_000);
        let card = Card {
            number: 1,
            id: "LONG",
            title: &long,
            url: "",
            image: "",
            category: &long,
            price_hundredths: None,
            compare_at_hundredths: None,
            currency: None,
            price_from: false,
            available: true,
            rating_tenths: None,
        };
        let view = ProductView::from_card(&card);
        assert!(view.title.len() <= TEXT_LIMIT + '…'.len_utf8());
        assert!(
            view.title.len() > TEXT_LIMIT - 4,
            "cut at the last whole character"
        );
        assert!(view.title.starts_with("Très long Très") && view.title.ends_with('…'));
        assert_eq!(view.category.as_deref(), Some(view.title.as_str()));
        let short = Card {
            title: "Mug",
            ..card
        };
        assert_eq!(
            ProductView::from_card(&short).title,
            "Mug",
            "a usual title is kept whole"
        );
    }

    #[test]
    fn the_cards_own_currency_wins_over_the_stores() {
        assert_eq!(
            product("A", Some(1), Some("GBP")).display_currency(Some("EUR")),
            Some("GBP")
        );
        assert_eq!(
            product("A", Some(1), None).display_currency(Some("EUR")),
            Some("EUR")
        );
        assert_eq!(product("A", Some(1), None).display_currency(None), None);
    }

    #[test]
    fn ratings_read_as_stars_out_of_five() {
        let mut view = product("A", None, None);
        assert_eq!(view.rating_label(), None);
        view.rating_tenths = Some(45);
        assert_eq!(view.rating_label().as_deref(), Some("4.5 out of 5 stars"));
        assert_eq!(view.rating_stars(), Some("★★★★★"));
        view.rating_tenths = Some(40);
        assert_eq!(view.rating_label().as_deref(), Some("4 out of 5 stars"));
        assert_eq!(view.rating_stars(), Some("★★★★☆"));
        view.rating_tenths = Some(44);
        assert_eq!(view.rating_stars(), Some("★★★★☆"));
        view.rating_tenths = Some(50);
        assert_eq!(view.rating_stars(), Some("★★★★★"));
        view.rating_tenths = Some(0);
        assert_eq!(view.rating_stars(), Some("☆☆☆☆☆"));
    }

    #[test]
    fn the_bundle_total_sums_one_currency_and_counts_every_chosen_product() {
        let products = [
            product("A", Some(1000), Some("EUR")),
            product("B", Some(250), None),
            product("C", Some(999), Some("GBP")),
            product("D", None, Some("EUR")),
        ];
        let total = bundle_total(&products, Some("EUR"));
        assert_eq!(
            total,
            BundleTotal {
                hundredths: 1250,
                currency: Some("EUR".into()),
                chosen: 4
            }
        );
        let none_chosen = bundle_total(&products[..0], None);
        assert_eq!(
            none_chosen,
            BundleTotal {
                hundredths: 0,
                currency: None,
                chosen: 0
            }
        );
    }
}
