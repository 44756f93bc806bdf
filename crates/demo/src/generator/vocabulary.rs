//! The demo shop's word lists: categories, product types with their variants and price
//! ranges, and the complementary groups that real shoppers buy together.
//!
//! Why hand-written lists: the titles must read like a real shop ("Ceramic Pour-Over
//! Coffee Dripper") and the planted co-purchase groups must make sense to a person
//! looking at the demo, so they can judge the suggestions by eye. A few titles carry
//! `&`, `'` and accented letters on purpose: they exercise HTML escaping and UTF-8.

/// A shop category and the product types sold in it.
#[derive(Debug)]
pub struct Category {
    /// Lower-case identifier used in the catalog's `category` column and in URLs.
    pub slug: &'static str,
    /// Name shown to shoppers.
    pub name: &'static str,
    /// Three-letter prefix of the category's product ids.
    pub code: &'static str,
    /// Base hue (degrees) of the category's product images.
    pub hue: u16,
    /// One sentence used in every product description of the category.
    pub blurb: &'static str,
    /// What the category sells.
    pub types: &'static [ProductType],
}

/// A kind of product; the catalog holds one or more variants of it.
#[derive(Debug)]
pub struct ProductType {
    /// Identifier used by [`COMPLEMENT_GROUPS`].
    pub key: &'static str,
    /// The noun phrase of every title of this type.
    pub noun: &'static str,
    /// Words put in front of the noun, one per variant, in catalog order.
    pub variants: &'static [&'static str],
    /// Price range in whole euros, inclusive.
    pub price_euros: (u32, u32),
    /// Bought again and in several units (beans, filters, soap).
    pub consumable: bool,
}

/// Product types that shoppers buy together: the structure the miner should find.
#[derive(Debug)]
pub struct ComplementGroup {
    /// Name for documentation and debugging.
    pub name: &'static str,
    /// [`ProductType::key`]s of the members.
    pub members: &'static [&'static str],
}

/// Colour words appended, in brackets, when a product type has more variants than
/// words: `Ceramic Pour-Over Coffee Dripper (Sage)`. They let `--products` reach a few
/// thousand products while every title stays unique.
pub const COLOUR_WORDS: &[&str] = &[
    "Sage",
    "Charcoal",
    "Sand",
    "Terracotta",
    "Ocean",
    "Mustard",
    "Blush",
    "Forest",
    "Slate",
    "Ivory",
    "Plum",
    "Rust",
    "Mint",
    "Navy",
    "Oat",
    "Coral",
    "Olive",
    "Pebble",
    "Saffron",
    "Midnight",
];

const fn kind(
    key: &'static str,
    noun: &'static str,
    variants: &'static [&'static str],
    price_euros: (u32, u32),
    consumable: bool,
) -> ProductType {
    ProductType {
        key,
        noun,
        variants,
        price_euros,
        consumable,
    }
}

/// Every category of the demo shop, in navigation order.
#[rustfmt::skip]
pub const CATEGORIES: &[Category] = &[
    Category {
        slug: "coffee",
        name: "Coffee",
        code: "COF",
        hue: 25,
        blurb: "Chosen for slow mornings and properly brewed coffee.",
        types: &[
            kind("dripper", "Pour-Over Coffee Dripper", &["Ceramic", "Glass", "Stainless Steel", "Copper", "Porcelain"], (14, 39), false),
            kind("filters", "Paper Coffee Filters, 100 Pack", &["Unbleached", "White", "Size 02", "Size 01"], (4, 8), true),
            kind("beans", "Whole Bean Coffee, 250 g", &["Ethiopian Yirgacheffe", "Colombian Huila", "Kenyan AA", "Guatemalan Antigua", "Brazil Cerrado", "House Espresso", "Sumatra Mandheling", "Decaf Swiss Water"], (8, 16), true),
            kind("kettle", "Gooseneck Kettle", &["Matte Black", "Brushed Steel", "Copper", "Electric", "White Enamel"], (29, 89), false),
            kind("grinder", "Burr Coffee Grinder", &["Hand", "Electric", "Ceramic", "Travel"], (25, 149), false),
            kind("scale", "Coffee Scale with Timer", &["Digital", "Compact", "Bamboo"], (19, 49), false),
            kind("press", "French Press", &["Glass", "Double-Wall Steel", "Copper", "Stoneware"], (19, 59), false),
            kind("espresso-cups", "Espresso Cups, Set of 2", &["Café", "Porcelain", "Double-Wall Glass", "Stoneware"], (12, 29), false),
            kind("frother", "Milk Frother", &["Handheld", "Electric", "Stainless Steel"], (9, 69), false),
        ],
    },
    Category {
        slug: "tea",
        name: "Tea",
        code: "TEA",
        hue: 95,
        blurb: "Loose leaves and the quiet tools that brew them well.",
        types: &[
            kind("loose-tea", "Loose Leaf Tea, 100 g", &["Assam Breakfast", "Darjeeling First Flush", "Sencha", "Jasmine Pearl", "Earl Grey", "Rooibos Vanilla", "Chamomile", "Peppermint", "Oolong", "Lapsang Souchong"], (6, 18), true),
            kind("teapot", "Teapot with Infuser", &["Cast Iron", "Glass", "Ceramic", "Stoneware"], (24, 69), false),
            kind("infuser", "Tea Infuser", &["Stainless Steel", "Silicone Leaf", "Mesh Ball", "Basket"], (5, 14), false),
            kind("caddy", "Tea Caddy", &["Tin", "Bamboo", "Ceramic"], (9, 24), false),
            kind("tea-cups", "Tea Cups, Set of 4", &["Porcelain", "Stoneware", "Double-Wall Glass"], (18, 44), false),
            kind("honey", "Honey, 340 g", &["Wildflower", "Heather", "Acacia", "Orange Blossom", "Raw Clover"], (7, 15), true),
            kind("cosy", "Tea Cosy", &["Wool", "Hand-Knitted", "Linen"], (14, 29), false),
        ],
    },
    Category {
        slug: "kitchen",
        name: "Kitchen",
        code: "KIT",
        hue: 5,
        blurb: "Tools that earn their place on the counter.",
        types: &[
            kind("chef-knife", "Chef's Knife, 20 cm", &["Damascus", "Stainless Steel", "Carbon Steel", "Olive Wood Handle"], (39, 149), false),
            kind("board", "Cutting Board", &["Oak", "Walnut", "Bamboo", "Olive Wood", "End-Grain Maple"], (19, 69), false),
            kind("sharpener", "Knife Sharpener", &["Whetstone", "Pull-Through", "Ceramic Rod"], (12, 49), false),
            kind("board-oil", "Board Oil, 250 ml", &["Food-Safe Mineral", "Beeswax & Mineral"], (7, 12), true),
            kind("mills", "Salt & Pepper Mill Set", &["Oak", "Acacia", "Ceramic", "Brushed Steel"], (19, 59), false),
            kind("ramekins", "Crème Brûlée Ramekins, Set of 4", &["White", "Blue Glazed", "Stoneware"], (14, 29), false),
            kind("bowls", "Mixing Bowls, Set of 3", &["Stainless Steel", "Glass", "Ceramic"], (19, 54), false),
            kind("spoons", "Measuring Spoons", &["Stainless Steel", "Copper", "Magnetic"], (6, 19), false),
            kind("apron", "Kitchen Apron", &["Linen", "Denim", "Canvas", "Striped Cotton"], (16, 39), false),
            kind("tea-towels", "Tea Towels, Set of 3", &["Linen", "Waffle Cotton", "Striped"], (12, 24), false),
        ],
    },
    Category {
        slug: "home",
        name: "Home",
        code: "HOM",
        hue: 205,
        blurb: "Small things that make a room feel lived in.",
        types: &[
            kind("candle", "Scented Candle", &["Fig & Cedar", "Sea Salt", "Lavender", "Amber", "Fresh Linen", "Vanilla & Tonka", "Wild Fig"], (14, 34), true),
            kind("candle-holder", "Candle Holder", &["Brass", "Ceramic", "Smoked Glass", "Marble"], (12, 39), false),
            kind("wick-trimmer", "Wick Trimmer", &["Brass", "Matte Black", "Gold"], (9, 19), false),
            kind("matches", "Matches in Glass Jar", &["Long", "Scented", "Safety"], (5, 12), true),
            kind("throw", "Throw Blanket", &["Wool", "Cotton Knit", "Chunky Knit", "Linen"], (39, 119), false),
            kind("cushion-cover", "Cushion Cover, 45 × 45 cm", &["Linen", "Velvet", "Bouclé", "Cotton"], (14, 34), false),
            kind("cushion-insert", "Cushion Insert, 45 × 45 cm", &["Feather", "Hollowfibre"], (9, 19), false),
            kind("vase", "Vase", &["Stoneware", "Glass Bud", "Ribbed Ceramic", "Terracotta", "Speckled"], (16, 59), false),
            kind("frame", "Picture Frame, A4", &["Oak", "Black Metal", "Walnut"], (14, 34), false),
        ],
    },
    Category {
        slug: "garden",
        name: "Garden",
        code: "GAR",
        hue: 130,
        blurb: "For windowsills, balconies and proper vegetable beds.",
        types: &[
            kind("pot", "Plant Pot", &["Terracotta 14 cm", "Glazed Ceramic 18 cm", "Concrete 20 cm", "Self-Watering 16 cm"], (9, 39), false),
            kind("soil", "Potting Soil, 10 L", &["Peat-Free", "Cactus & Succulent", "Orchid", "Seed Starting"], (6, 14), true),
            kind("watering-can", "Watering Can", &["Galvanised 5 L", "Copper 1.5 L", "Kids' 1 L", "Indoor 1 L"], (12, 49), false),
            kind("shears", "Pruning Shears", &["Bypass", "Anvil", "Bonsai"], (14, 45), false),
            kind("gloves", "Gardening Gloves", &["Leather", "Bamboo", "Nitrile"], (9, 24), false),
            kind("seeds", "Seed Collection", &["Herb", "Wildflower", "Salad Leaves", "Tomato", "Sunflower", "Chilli", "Pumpkin"], (5, 12), true),
            kind("mister", "Plant Mister", &["Glass", "Brass", "Ceramic"], (9, 24), false),
            kind("kneeler", "Garden Kneeler Pad", &["Foam", "Waterproof"], (9, 19), false),
            kind("labels", "Plant Labels, Pack of 50", &["Bamboo", "Slate", "Copper"], (5, 14), true),
        ],
    },
    Category {
        slug: "stationery",
        name: "Stationery",
        code: "STA",
        hue: 265,
        blurb: "Paper and pens for lists, letters and long thoughts.",
        types: &[
            kind("notebook", "Dotted Notebook, A5", &["Linen", "Recycled Kraft", "Leather", "Hardcover", "Softcover"], (9, 29), false),
            kind("fountain-pen", "Fountain Pen", &["Brass", "Matte Black", "Demonstrator", "Walnut"], (24, 89), false),
            kind("ink", "Bottled Ink, 50 ml", &["Midnight Blue", "Forest Green", "Sepia", "Jet Black", "Oxblood"], (8, 16), true),
            kind("cartridges", "Ink Cartridges, Pack of 12", &["Royal Blue", "Black"], (4, 7), true),
            kind("pencils", "Pencil Set", &["Graphite", "Coloured", "Sketching"], (7, 24), false),
            kind("organiser", "Desk Organiser", &["Oak", "Felt", "Metal Mesh"], (14, 39), false),
            kind("washi", "Washi Tape, Set of 5", &["Botanical", "Pastel", "Metallic"], (6, 12), true),
            kind("cards", "Greeting Cards, Pack of 6", &["Letterpress", "Watercolour", "Botanical"], (9, 18), true),
            kind("wax-seal", "Wax Seal Kit", &["Brass Monogram", "Botanical", "Starter"], (16, 34), false),
        ],
    },
    Category {
        slug: "toys",
        name: "Toys",
        code: "TOY",
        hue: 40,
        blurb: "Made to be played with, handed down and played with again.",
        types: &[
            kind("blocks", "Wooden Building Blocks", &["50-Piece", "100-Piece", "Rainbow"], (19, 49), false),
            kind("puzzle", "Jigsaw Puzzle", &["1000-Piece", "500-Piece", "Kids' 100-Piece"], (12, 29), false),
            kind("puzzle-mat", "Puzzle Mat", &["Roll-Up", "Felt"], (12, 24), false),
            kind("plush", "Plush Bear", &["Classic", "Honey", "Mini"], (14, 34), false),
            kind("train", "Wooden Train Set", &["Starter", "Deluxe", "Figure-Eight"], (29, 89), false),
            kind("track", "Train Track Expansion Pack", &["Bridge", "Curves", "Junction"], (12, 29), false),
            kind("crayons", "Crayons", &["Beeswax", "Jumbo", "Washable"], (6, 14), true),
            kind("colouring", "Colouring Book", &["Animals", "Ocean", "Space", "Dinosaurs"], (5, 11), true),
            kind("kite", "Kite", &["Rainbow Delta", "Dragon", "Stunt", "Octopus"], (16, 45), false),
        ],
    },
    Category {
        slug: "bath",
        name: "Bath",
        code: "BAT",
        hue: 175,
        blurb: "Soft, simple things for the bathroom.",
        types: &[
            kind("bath-towel", "Bath Towel", &["Organic Cotton", "Waffle", "Linen", "Turkish"], (19, 44), false),
            kind("hand-towel", "Hand Towel", &["Organic Cotton", "Waffle", "Linen", "Turkish"], (9, 19), false),
            kind("bath-mat", "Bath Mat", &["Cotton", "Cork", "Teak"], (19, 59), false),
            kind("soap", "Bar Soap", &["Olive Oil", "Oatmeal", "Charcoal", "Lavender", "Goat Milk", "Rose Clay"], (4, 9), true),
            kind("soap-dish", "Soap Dish", &["Ceramic", "Teak", "Marble"], (8, 22), false),
            kind("bath-salts", "Bath Salts, 500 g", &["Epsom", "Himalayan", "Eucalyptus"], (8, 16), true),
            kind("sponge", "Bath Sponge", &["Natural Loofah", "Konjac", "Sea"], (4, 12), true),
            kind("robe", "Bathrobe", &["Waffle", "Terry", "Linen"], (49, 119), false),
        ],
    },
    Category {
        slug: "outdoor",
        name: "Outdoor",
        code: "OUT",
        hue: 80,
        blurb: "For picnics, campsites and long walks.",
        types: &[
            kind("camp-mug", "Camping Mug", &["Enamel", "Titanium", "Insulated Steel", "Speckled Enamel"], (9, 29), false),
            kind("flask", "Vacuum Flask", &["0.5 L", "1 L", "Food"], (19, 44), false),
            kind("picnic-blanket", "Picnic Blanket", &["Waterproof", "Wool Tartan", "Cotton"], (29, 69), false),
            kind("picnic-basket", "Picnic Basket", &["Wicker", "Insulated"], (39, 89), false),
            kind("headlamp", "Headlamp", &["Rechargeable", "300-Lumen", "Compact"], (19, 49), false),
            kind("hammock", "Hammock", &["Cotton", "Parachute Nylon"], (29, 79), false),
            kind("hammock-straps", "Hammock Straps", &["Tree-Friendly", "Quick-Hang"], (14, 29), false),
            kind("bottle", "Water Bottle, 750 ml", &["Stainless Steel", "Glass", "Collapsible"], (12, 34), false),
            kind("binoculars", "Binoculars, 8 × 42", &["Compact", "Waterproof"], (59, 199), false),
        ],
    },
    Category {
        slug: "pets",
        name: "Pets",
        code: "PET",
        hue: 330,
        blurb: "Sturdy, washable things for the animals you live with.",
        types: &[
            kind("dog-bed", "Dog Bed", &["Orthopaedic", "Donut", "Rectangular"], (39, 119), false),
            kind("collar", "Dog Collar", &["Leather", "Nylon", "Reflective", "Tartan"], (12, 34), false),
            kind("lead", "Dog Lead", &["Leather", "Rope", "Retractable"], (14, 39), false),
            kind("poop-bags", "Poop Bags, 120 Pack", &["Compostable", "Lavender-Scented"], (5, 11), true),
            kind("dog-treats", "Dog Treats, 200 g", &["Chicken", "Salmon", "Peanut Butter"], (4, 9), true),
            kind("scratching-post", "Cat Scratching Post", &["Sisal", "Cardboard"], (19, 59), false),
            kind("cat-toys", "Cat Toy Set", &["Feather Wand", "Catnip Mouse"], (6, 16), false),
            kind("pet-bowl", "Pet Bowl", &["Ceramic", "Stainless Steel", "Slow-Feed", "Travel"], (9, 24), false),
            kind("brush", "Pet Grooming Brush", &["Slicker", "Deshedding"], (9, 24), false),
        ],
    },
];

/// The planted co-purchase structure: most orders start from one of these groups.
/// Some groups cross categories (a kettle serves coffee and tea), as in real shops.
#[rustfmt::skip]
pub const COMPLEMENT_GROUPS: &[ComplementGroup] = &[
    ComplementGroup { name: "pour-over coffee", members: &["dripper", "filters", "beans", "kettle", "scale", "grinder"] },
    ComplementGroup { name: "french press", members: &["press", "beans", "grinder", "frother"] },
    ComplementGroup { name: "espresso at home", members: &["espresso-cups", "beans", "frother"] },
    ComplementGroup { name: "tea time", members: &["teapot", "loose-tea", "infuser", "tea-cups", "honey", "kettle"] },
    ComplementGroup { name: "tea pantry", members: &["loose-tea", "caddy", "cosy", "honey"] },
    ComplementGroup { name: "knife care", members: &["chef-knife", "board", "sharpener", "board-oil"] },
    ComplementGroup { name: "baking day", members: &["bowls", "spoons", "apron", "ramekins", "tea-towels"] },
    ComplementGroup { name: "dinner table", members: &["mills", "tea-towels", "candle", "candle-holder"] },
    ComplementGroup { name: "candle evening", members: &["candle", "candle-holder", "wick-trimmer", "matches", "throw"] },
    ComplementGroup { name: "sofa refresh", members: &["cushion-cover", "cushion-insert", "throw"] },
    ComplementGroup { name: "flowers", members: &["vase", "frame", "mister"] },
    ComplementGroup { name: "repotting", members: &["pot", "soil", "mister", "labels"] },
    ComplementGroup { name: "vegetable bed", members: &["seeds", "watering-can", "gloves", "kneeler", "labels", "shears"] },
    ComplementGroup { name: "fountain pen", members: &["fountain-pen", "ink", "cartridges", "notebook"] },
    ComplementGroup { name: "desk setup", members: &["notebook", "pencils", "organiser", "washi"] },
    ComplementGroup { name: "letter writing", members: &["cards", "wax-seal", "fountain-pen", "ink"] },
    ComplementGroup { name: "train layout", members: &["train", "track", "blocks"] },
    ComplementGroup { name: "puzzle night", members: &["puzzle", "puzzle-mat"] },
    ComplementGroup { name: "rainy afternoon", members: &["crayons", "colouring", "plush"] },
    ComplementGroup { name: "bathroom refresh", members: &["bath-towel", "hand-towel", "bath-mat", "robe"] },
    ComplementGroup { name: "soap shelf", members: &["soap", "soap-dish", "sponge", "bath-salts"] },
    ComplementGroup { name: "picnic", members: &["picnic-blanket", "picnic-basket", "flask", "camp-mug"] },
    ComplementGroup { name: "camping", members: &["headlamp", "hammock", "hammock-straps", "camp-mug", "bottle"] },
    ComplementGroup { name: "day on the hill", members: &["binoculars", "bottle", "flask", "kite"] },
    ComplementGroup { name: "new puppy", members: &["collar", "lead", "poop-bags", "dog-treats", "dog-bed", "pet-bowl"] },
    ComplementGroup { name: "dog walk", members: &["lead", "poop-bags", "dog-treats"] },
    ComplementGroup { name: "happy cat", members: &["scratching-post", "cat-toys", "pet-bowl", "brush"] },
];

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn every_group_member_names_a_product_type() {
        let keys: BTreeSet<&str> = CATEGORIES
            .iter()
            .flat_map(|category| category.types.iter().map(|kind| kind.key))
            .collect();
        for group in COMPLEMENT_GROUPS {
            for member in group.members {
                assert!(
                    keys.contains(member),
                    "group {:?} names unknown type {member:?}",
                    group.name
                );
            }
        }
    }

    #[test]
    fn product_type_keys_and_category_codes_are_unique() {
        let mut keys = BTreeSet::new();
        let mut codes = BTreeSet::new();
        for category in CATEGORIES {
            assert!(
                codes.insert(category.code),
                "duplicate code {}",
                category.code
            );
            for kind in category.types {
                assert!(keys.insert(kind.key), "duplicate type key {}", kind.key);
                assert!(!kind.variants.is_empty() && kind.price_euros.0 <= kind.price_euros.1);
            }
        }
    }

    #[test]
    fn default_catalog_size_fits_without_colour_words() {
        let variants: usize = CATEGORIES
            .iter()
            .flat_map(|category| category.types.iter())
            .map(|kind| kind.variants.len())
            .sum();
        assert!(variants >= 300, "only {variants} plain titles");
    }
}
