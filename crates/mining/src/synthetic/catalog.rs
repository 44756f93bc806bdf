//! The synthetic catalog: ids, titles, prices, categories, stock and ratings of up to
//! millions of products, each row computed from the product number alone.
//!
//! Stateless rows (a product's random numbers come from a hash of the seed and its
//! number) let the catalog be written in one pass with no per-product memory, and give
//! a product the same card whichever sizes the rest of the run has.
//!
//! Cards are sized like a real shop's: titles of 20–45 characters, site-relative URLs,
//! two-level category slugs. That matters: the table's bytes per product page (a leaf of
//! the directory, a bundle of neighbour cards) grow with card size.

use super::random::{mix, SplitMix64};
use super::text::{push_decimal, push_hundredths, push_padded};

/// Departments and the product nouns of each: a category is one noun of one
/// department (`kitchen/chef-knife`), repeated with a number suffix when more
/// categories are asked for than the vocabulary has. (Vocabulary tables skip rustfmt:
/// one entry per line would be ten times longer.)
#[rustfmt::skip]
const DEPARTMENTS: [(&str, [&str; 6]); 16] = [
    ("kitchen", ["Skillet", "Saucepan", "Chef Knife", "Cutting Board", "Mixing Bowl", "Colander"]),
    ("coffee", ["Pour-Over Dripper", "Paper Filters", "Burr Grinder", "Milk Frother", "Espresso Cups", "Coffee Beans"]),
    ("garden", ["Trowel", "Pruning Shears", "Watering Can", "Seed Tray", "Planter", "Garden Gloves"]),
    ("bath", ["Bath Towel", "Soap Dish", "Bath Mat", "Toothbrush Holder", "Shower Caddy", "Hand Soap"]),
    ("office", ["Notebook", "Gel Pens", "Desk Lamp", "Stapler", "Paper Tray", "Sticky Notes"]),
    ("toys", ["Jigsaw Puzzle", "Building Blocks", "Plush Bear", "Kite", "Card Game", "Marbles"]),
    ("outdoor", ["Tent", "Sleeping Bag", "Headlamp", "Camping Stove", "Water Bottle", "Backpack"]),
    ("pets", ["Dog Leash", "Cat Bed", "Pet Bowl", "Chew Toy", "Litter Scoop", "Treat Pouch"]),
    ("audio", ["Headphones", "Speaker", "Audio Cable", "Earbuds", "Microphone", "Headphone Stand"]),
    ("fitness", ["Yoga Mat", "Dumbbell", "Resistance Band", "Jump Rope", "Foam Roller", "Gym Towel"]),
    ("lighting", ["Table Lamp", "LED Bulb", "String Lights", "Lamp Shade", "Floor Lamp", "Night Light"]),
    ("baby", ["Baby Bottle", "Bib", "Pacifier", "Swaddle Blanket", "Teether", "Diaper Bag"]),
    ("crafts", ["Yarn", "Knitting Needles", "Sketchbook", "Paint Brushes", "Watercolour Set", "Glue Gun"]),
    ("tea", ["Teapot", "Loose Leaf Tea", "Tea Infuser", "Tea Cups", "Tea Tin", "Honey Jar"]),
    ("cycling", ["Bike Light", "Bike Lock", "Helmet", "Tyre Pump", "Bottle Cage", "Saddle Bag"]),
    ("home", ["Throw Pillow", "Wool Blanket", "Scented Candle", "Flower Vase", "Picture Frame", "Wall Clock"]),
];

/// First word of a title.
#[rustfmt::skip]
const ADJECTIVES: [&str; 24] = [
    "Classic", "Compact", "Deluxe", "Everyday", "Heritage", "Nordic", "Urban", "Studio",
    "Vintage", "Modern", "Rustic", "Essential", "Premium", "Travel", "Artisan", "Pro",
    "Coastal", "Alpine", "Minimal", "Family", "Signature", "Little", "Grand", "Weekend",
];

/// Second word of a title.
#[rustfmt::skip]
const MATERIALS: [&str; 16] = [
    "Ceramic", "Bamboo", "Steel", "Linen", "Oak", "Recycled", "Cotton", "Glass", "Copper",
    "Walnut", "Stoneware", "Organic", "Wool", "Enamel", "Cork", "Canvas",
];

/// Optional colour suffix of a title, `(Sage)`.
#[rustfmt::skip]
const COLOURS: [&str; 12] = [
    "Sage", "Charcoal", "Ivory", "Terracotta", "Navy", "Mustard", "Blush", "Olive", "Slate",
    "Sand", "Forest", "Plum",
];

/// Share of products that are sold out: they keep their sales history but the table
/// never suggests them.
const SOLD_OUT_SHARE: f64 = 0.03;
/// Share of products without a rating.
const UNRATED_SHARE: f64 = 0.2;

/// The catalog as a function of the product number.
#[derive(Clone, Debug)]
pub struct CatalogModel {
    products: u32,
    categories: u32,
    seed: u64,
    id_width: usize,
    currency: String,
}

impl CatalogModel {
    /// A catalog of `products` products in `categories` categories (both ≥ 1,
    /// `categories` ≤ `products`), prices in `currency`.
    pub fn new(products: u32, categories: u32, seed: u64, currency: &str) -> Self {
        Self {
            products,
            categories,
            seed,
            id_width: super::text::decimal_width(u64::from(products)),
            currency: currency.to_owned(),
        }
    }

    /// Number of products.
    pub fn products(&self) -> u32 {
        self.products
    }

    /// Number of categories.
    pub fn categories(&self) -> u32 {
        self.categories
    }

    /// The category of `product`: categories are contiguous runs of product numbers of
    /// (nearly) equal length.
    pub fn category_of(&self, product: u32) -> u32 {
        (u64::from(product) * u64::from(self.categories) / u64::from(self.products)) as u32
    }

    /// The product numbers of `category`.
    pub fn category_range(&self, category: u32) -> std::ops::Range<u32> {
        let start = |category: u32| {
            (u64::from(category) * u64::from(self.products)).div_ceil(u64::from(self.categories))
                as u32
        };
        start(category)..start(category + 1)
    }

    /// Appends the id of `product` (`P0000042` for product 41 of a million: numbered
    /// from 1, zero-padded to the width of the largest number).
    pub fn push_id(&self, buffer: &mut Vec<u8>, product: u32) {
        buffer.push(b'P');
        push_padded(buffer, u64::from(product) + 1, self.id_width);
    }

    /// The id of `product` as a string.
    pub fn id(&self, product: u32) -> String {
        let mut buffer = Vec::with_capacity(self.id_width + 1);
        self.push_id(&mut buffer, product);
        String::from_utf8(buffer).expect("ids are ASCII")
    }

    /// Appends the slug of `category`: `kitchen/chef-knife`, `kitchen/chef-knife-2`, ...
    pub fn push_category(&self, buffer: &mut Vec<u8>, category: u32) {
        let (department, noun, round) = self.category_words(category);
        buffer.extend_from_slice(department.as_bytes());
        buffer.push(b'/');
        for byte in noun.bytes() {
            buffer.push(if byte == b' ' {
                b'-'
            } else {
                byte.to_ascii_lowercase()
            });
        }
        if round > 0 {
            buffer.push(b'-');
            push_decimal(buffer, u64::from(round) + 1);
        }
    }

    /// `(department, noun, round)` of a category.
    fn category_words(&self, category: u32) -> (&'static str, &'static str, u32) {
        let departments = DEPARTMENTS.len() as u32;
        let nouns = DEPARTMENTS[0].1.len() as u32;
        let (department, nouns_of) = DEPARTMENTS[(category % departments) as usize];
        let noun = nouns_of[((category / departments) % nouns) as usize];
        (department, noun, category / (departments * nouns))
    }

    /// Appends the CSV header of the catalog, newline included.
    pub fn push_header(buffer: &mut Vec<u8>) {
        buffer.extend_from_slice(b"id,title,price,currency,url,image,category,available,rating\n");
    }

    /// Appends `product`'s CSV row, newline included. No field needs quoting: the
    /// vocabulary has no commas or quotes.
    pub fn push_row(&self, buffer: &mut Vec<u8>, product: u32) {
        let category = self.category_of(product);
        let mut random = SplitMix64::new(mix(self.seed ^ u64::from(product)));
        let (_, noun, _) = self.category_words(category);

        self.push_id(buffer, product);
        buffer.push(b',');
        buffer.extend_from_slice(ADJECTIVES[random.below(ADJECTIVES.len())].as_bytes());
        buffer.push(b' ');
        buffer.extend_from_slice(MATERIALS[random.below(MATERIALS.len())].as_bytes());
        buffer.push(b' ');
        buffer.extend_from_slice(noun.as_bytes());
        if random.chance(0.5) {
            buffer.extend_from_slice(b" (");
            buffer.extend_from_slice(COLOURS[random.below(COLOURS.len())].as_bytes());
            buffer.push(b')');
        }
        buffer.push(b',');
        push_hundredths(buffer, self.price_cents(category, &mut random));
        buffer.push(b',');
        buffer.extend_from_slice(self.currency.as_bytes());
        buffer.extend_from_slice(b",/products/");
        self.push_id(buffer, product);
        buffer.extend_from_slice(b",/images/");
        self.push_id(buffer, product);
        buffer.extend_from_slice(b".jpg,");
        self.push_category(buffer, category);
        buffer.extend_from_slice(if random.chance(SOLD_OUT_SHARE) {
            b",false,"
        } else {
            b",true,"
        });
        if !random.chance(UNRATED_SHARE) {
            // Mostly between 4 and 5 stars, as on real shops.
            let spread = (random.next_f64() * random.next_f64() * 20.0) as u64;
            let tenths = 50 - spread;
            push_decimal(buffer, tenths / 10);
            buffer.push(b'.');
            push_decimal(buffer, tenths % 10);
        }
        buffer.push(b'\n');
    }

    /// A price around the category's own level (log-uniform between 3 and 250 units
    /// over categories), with the endings shops use.
    fn price_cents(&self, category: u32, random: &mut SplitMix64) -> u64 {
        let level = mix(self.seed ^ 0xca7e_6021 ^ u64::from(category)) >> 11;
        let level = level as f64 / (1u64 << 53) as f64;
        let base = 3.0 * (250.0f64 / 3.0).powf(level);
        let units = (base * (0.6 + random.next_f64())).max(1.0) as u64;
        let cents = [0, 49, 95, 99, 99, 50][random.below(6)];
        units * 100 + cents
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn categories_partition_the_products_in_runs() {
        for (products, categories) in [(10, 3), (1000, 7), (5, 5), (1, 1)] {
            let model = CatalogModel::new(products, categories, 1, "EUR");
            let mut next = 0;
            for category in 0..categories {
                let range = model.category_range(category);
                assert_eq!(range.start, next);
                assert!(
                    !range.is_empty(),
                    "{products}/{categories}: {category} empty"
                );
                for product in range.clone() {
                    assert_eq!(model.category_of(product), category);
                }
                next = range.end;
            }
            assert_eq!(next, products);
        }
    }

    #[test]
    fn rows_have_nine_plain_fields_and_padded_ids() {
        let model = CatalogModel::new(1_000_000, 500, 3, "EUR");
        let mut row = Vec::new();
        model.push_row(&mut row, 41);
        let row = String::from_utf8(row).unwrap();
        let fields: Vec<&str> = row.trim_end().split(',').collect();
        assert_eq!(fields.len(), 9, "{row}");
        assert_eq!(fields[0], "P0000042");
        assert_eq!(fields[4], "/products/P0000042");
        assert!(fields[2].parse::<f64>().unwrap() >= 1.0, "{row}");
        assert!(["true", "false"].contains(&fields[7]));
        assert!(!row.contains('"'));
    }

    #[test]
    fn vocabulary_needs_no_csv_quoting() {
        let words = DEPARTMENTS
            .iter()
            .flat_map(|(department, nouns)| {
                std::iter::once(*department).chain(nouns.iter().copied())
            })
            .chain(ADJECTIVES)
            .chain(MATERIALS)
            .chain(COLOURS);
        for word in words {
            assert!(!word.contains([',', '"', '\n', '\r']), "{word}");
        }
    }

    #[test]
    fn category_slugs_repeat_with_a_round_number() {
        let model = CatalogModel::new(1000, 200, 1, "EUR");
        let slug = |category| {
            let mut buffer = Vec::new();
            model.push_category(&mut buffer, category);
            String::from_utf8(buffer).unwrap()
        };
        assert_eq!(slug(0), "kitchen/skillet");
        assert_eq!(slug(16 * 2), "kitchen/chef-knife");
        assert_eq!(slug(96), "kitchen/skillet-2");
    }
}
