//! The demo catalog: which products exist, their titles, prices, ratings, stock and how
//! popular each one is.
//!
//! Products are drawn round-robin over the product types in a seeded order, so any
//! `--products` count spreads over every category before any type gets a second
//! variant. Ids are `<CATEGORY CODE>-<number from 1001>` (`COF-1001`): short, URL- and
//! file-name-safe, and stable for a given seed and count.

use alsobought_mining::synthetic::SplitMix64;

use super::vocabulary::{Category, ProductType, CATEGORIES, COLOUR_WORDS};

/// One product of the demo catalog.
#[derive(Clone, Debug, PartialEq)]
pub struct Product {
    /// Catalog id, e.g. `COF-1001`.
    pub id: String,
    /// Title shown to shoppers, e.g. `Ceramic Pour-Over Coffee Dripper`.
    pub title: String,
    /// Price in euro cents.
    pub price_cents: u32,
    /// Index into [`CATEGORIES`].
    pub category_index: usize,
    /// Index into the category's product types.
    pub type_index: usize,
    /// Which variant of its type this is (0 = the first variant word).
    pub variant: usize,
    /// False for sold-out products: they have sales history but must never be suggested.
    pub available: bool,
    /// Average rating in tenths of a star (46 = 4.6), or `None` for unrated products.
    pub rating_tenths: Option<u8>,
    /// 0 for the best seller; drives how often the product is bought.
    pub popularity_rank: usize,
}

/// A price in cents as the catalog writes it: `12.99`.
pub fn price_text(cents: u32) -> String {
    format!("{}.{:02}", cents / 100, cents % 100)
}

impl Product {
    /// The product's category.
    pub fn category(&self) -> &'static Category {
        &CATEGORIES[self.category_index]
    }

    /// The product's type (its noun, price range, whether it is a consumable).
    pub fn kind(&self) -> &'static ProductType {
        &self.category().types[self.type_index]
    }

    /// Site-absolute URL of the generated product page.
    pub fn url(&self) -> String {
        format!("/www/generated/products/{}.html", self.id)
    }

    /// Site-absolute URL of the generated product image.
    pub fn image(&self) -> String {
        format!("/www/generated/images/{}.svg", self.id)
    }

    /// The regular price of a product on sale for `price_cents` (its own, or one of
    /// its sizes'): a third more, ending in `.99`. Every sixth product by popularity is
    /// on sale, so the demo pages show sales without drawing on the random stream
    /// (the rest of the shop stays as it was).
    pub fn compare_at_cents(&self, price_cents: u32) -> Option<u32> {
        (self.popularity_rank % 6 == 1).then(|| (price_cents * 4 / 3 / 100 + 1) * 100 - 1)
    }

    /// The price as the catalog writes it: `12.99`.
    pub fn price_text(&self) -> String {
        price_text(self.price_cents)
    }

    /// The price as an Irish shop shows it: `€1,299.00`.
    pub fn price_display(&self) -> String {
        let euros = (self.price_cents / 100).to_string();
        let mut grouped = String::new();
        for (position, digit) in euros.chars().enumerate() {
            if position > 0 && (euros.len() - position).is_multiple_of(3) {
                grouped.push(',');
            }
            grouped.push(digit);
        }
        format!("€{grouped}.{:02}", self.price_cents % 100)
    }

    /// The rating as the catalog writes it (`4.6`), or an empty string.
    pub fn rating_text(&self) -> String {
        self.rating_tenths
            .map(|tenths| format!("{}.{}", tenths / 10, tenths % 10))
            .unwrap_or_default()
    }
}

/// A product to make, ordered the way ids are handed out: by category, type, variant.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Slot {
    category: usize,
    kind: usize,
    variant: usize,
}

/// How many distinct titles the vocabulary can make: every variant word, plain and with
/// each colour word.
pub fn catalog_capacity() -> usize {
    CATEGORIES
        .iter()
        .flat_map(|category| category.types.iter())
        .map(|kind| kind.variants.len() * (1 + COLOUR_WORDS.len()))
        .sum()
}

/// Generates `count` products, ordered by category, type and variant; at most
/// [`catalog_capacity`] of them, since titles must stay unique.
pub fn generate_catalog(count: usize, random: &mut SplitMix64) -> Vec<Product> {
    let mut types: Vec<(usize, usize)> = CATEGORIES
        .iter()
        .enumerate()
        .flat_map(|(category, entry)| (0..entry.types.len()).map(move |kind| (category, kind)))
        .collect();
    random.shuffle(&mut types);

    // Every (type, variant) pair, ordered so that all plain variant words come before
    // any colour word, and within that round-robin over the types in seeded order.
    let mut candidates: Vec<(usize, Slot)> = Vec::new();
    for (position, &(category, kind)) in types.iter().enumerate() {
        let words = CATEGORIES[category].types[kind].variants.len();
        for variant in 0..words * (1 + COLOUR_WORDS.len()) {
            candidates.push((
                position,
                Slot {
                    category,
                    kind,
                    variant,
                },
            ));
        }
    }
    candidates.sort_unstable_by_key(|&(position, slot)| {
        let words = CATEGORIES[slot.category].types[slot.kind].variants.len();
        (slot.variant / words, slot.variant % words, position)
    });
    let mut picks: Vec<Slot> = candidates
        .into_iter()
        .take(count)
        .map(|(_, slot)| slot)
        .collect();
    picks.sort_unstable();

    let mut next_number = vec![1001u32; CATEGORIES.len()];
    let mut products: Vec<Product> = picks
        .into_iter()
        .map(|slot| {
            let (category_index, type_index, variant) = (slot.category, slot.kind, slot.variant);
            let category = &CATEGORIES[category_index];
            let kind = &category.types[type_index];
            let number = next_number[category_index];
            next_number[category_index] += 1;
            Product {
                id: format!("{}-{number}", category.code),
                title: title(kind, variant),
                price_cents: price_cents(kind, random),
                category_index,
                type_index,
                variant,
                available: true,
                rating_tenths: rating_tenths(random),
                popularity_rank: 0,
            }
        })
        .collect();

    let mut ranks: Vec<usize> = (0..products.len()).collect();
    random.shuffle(&mut ranks);
    for (product, rank) in products.iter_mut().zip(ranks) {
        product.popularity_rank = rank;
    }
    mark_sold_out(&mut products, random);
    products
}

/// `Ceramic Pour-Over Coffee Dripper`, then `Ceramic Pour-Over Coffee Dripper (Sage)`
/// once the plain variant words are used up.
fn title(kind: &ProductType, variant: usize) -> String {
    let word = kind.variants[variant % kind.variants.len()];
    match variant / kind.variants.len() {
        0 => format!("{word} {}", kind.noun),
        colour => format!("{word} {} ({})", kind.noun, COLOUR_WORDS[colour - 1]),
    }
}

/// A price in the type's range with the endings shops use: under €10 `.49`/`.95`/`.99`,
/// above mostly round or `.99`.
fn price_cents(kind: &ProductType, random: &mut SplitMix64) -> u32 {
    let (low, high) = kind.price_euros;
    let euros = random.between(low, high);
    let cents = if euros < 10 {
        [49, 95, 99, 50][random.below(4)]
    } else {
        [0, 0, 50, 95, 99, 99][random.below(6)]
    };
    // `.99` on a round price reads as one euro less: €19.99 rather than €20.99.
    match cents {
        95 | 99 if euros > low => (euros - 1) * 100 + cents,
        _ => euros * 100 + cents,
    }
}

/// Most products are rated, mostly between 4 and 5 stars, as on real shops.
fn rating_tenths(random: &mut SplitMix64) -> Option<u8> {
    if random.chance(0.12) {
        return None;
    }
    let spread = random.next_f64() * random.next_f64() * 17.0;
    Some(50 - spread.round() as u8)
}

/// Sells out about one product in forty, chosen among the better sellers: those are the
/// ones a miner would suggest, so the demo shows they are skipped while sold out.
fn mark_sold_out(products: &mut [Product], random: &mut SplitMix64) {
    if products.len() < 4 {
        return;
    }
    let wanted = (products.len() / 40).max(2);
    let mut candidates: Vec<usize> = (0..products.len())
        .filter(|&index| products[index].popularity_rank < products.len().div_ceil(3))
        .collect();
    random.shuffle(&mut candidates);
    for index in candidates.into_iter().take(wanted) {
        products[index].available = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn default_catalog_has_unique_ids_and_titles_across_every_category() {
        let products = generate_catalog(300, &mut SplitMix64::new(1));
        assert_eq!(products.len(), 300);
        let ids: BTreeSet<&str> = products.iter().map(|p| p.id.as_str()).collect();
        let titles: BTreeSet<&str> = products.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(ids.len(), 300);
        assert_eq!(titles.len(), 300);
        let categories: BTreeSet<usize> = products.iter().map(|p| p.category_index).collect();
        assert_eq!(categories.len(), CATEGORIES.len());
        assert!(
            products.iter().all(|p| !p.title.contains('(')),
            "300 fit without colours"
        );
    }

    #[test]
    fn large_catalogs_use_colour_words_and_stay_unique() {
        let products = generate_catalog(2000, &mut SplitMix64::new(2));
        let titles: BTreeSet<&str> = products.iter().map(|p| p.title.as_str()).collect();
        assert_eq!(titles.len(), 2000);
        assert!(products.iter().any(|p| p.title.ends_with("(Sage)")));
    }

    #[test]
    fn prices_ratings_and_stock_are_plausible() {
        let products = generate_catalog(300, &mut SplitMix64::new(3));
        for product in &products {
            let (low, high) = product.kind().price_euros;
            assert!(
                product.price_cents >= low * 100 - 100 && product.price_cents <= high * 100 + 99
            );
            assert!(product.rating_tenths.is_none_or(|r| (33..=50).contains(&r)));
        }
        let rated = products
            .iter()
            .filter(|p| p.rating_tenths.is_some())
            .count();
        assert!(rated > 220, "most products are rated: {rated}");
        let sold_out = products.iter().filter(|p| !p.available).count();
        assert!((2..=12).contains(&sold_out), "{sold_out} sold out");
    }

    #[test]
    fn some_products_are_on_sale_from_a_third_more() {
        let products = generate_catalog(300, &mut SplitMix64::new(1));
        let on_sale: Vec<&Product> = products
            .iter()
            .filter(|product| product.compare_at_cents(product.price_cents).is_some())
            .collect();
        assert_eq!(on_sale.len(), 50);
        for product in on_sale {
            let was = product.compare_at_cents(product.price_cents).unwrap();
            assert!(was > product.price_cents && was % 100 == 99, "{was}");
        }
    }

    #[test]
    fn prices_are_written_with_cents_and_displayed_the_irish_way() {
        let mut product = generate_catalog(1, &mut SplitMix64::new(4)).remove(0);
        product.price_cents = 129_900;
        assert_eq!(product.price_text(), "1299.00");
        assert_eq!(product.price_display(), "€1,299.00");
        product.price_cents = 495;
        assert_eq!(product.price_text(), "4.95");
        assert_eq!(product.price_display(), "€4.95");
    }
}
