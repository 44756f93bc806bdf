//! Products sold in sizes, and the shop's merchandising rules.
//!
//! A few products come in sizes, as real shops' aprons, robes, gloves and dog beds do:
//! each size is its own SKU in `catalog.csv` (with the product's id as its `group`)
//! and in `orders.csv`, so `alsobought build` has variants to pool. The product's
//! page, image and id stay the group's: the widget and the store speak of the product,
//! the orders of the size bought. `rules.csv` pins one of them on a related page, so
//! the demo shows a pinned pair and a "from" price side by side.
//!
//! Everything is chosen by rule from the catalog (the best seller of each sized type),
//! so it is as deterministic as the catalog itself.

use super::catalog::Product;

/// One size of a product: the SKU suffix, and what it adds to the product's price.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Size {
    /// Appended to the product id: `BAT-1042-L`.
    pub suffix: &'static str,
    /// Euro cents over the product's own (smallest) price.
    pub extra_cents: u32,
}

const fn size(suffix: &'static str, extra_cents: u32) -> Size {
    Size {
        suffix,
        extra_cents,
    }
}

/// Which product types come in sizes, the sizes, and the one the page shows first.
const SIZED_TYPES: [(&str, &[Size], usize); 4] = [
    // One price for every size: the card shows a plain price.
    ("apron", &[size("S-M", 0), size("L-XL", 0)], 0),
    ("robe", &[size("S", 0), size("M", 300), size("L", 600)], 1),
    ("gloves", &[size("S", 0), size("M", 0), size("L", 200)], 1),
    (
        "dog-bed",
        &[size("S", 0), size("M", 1000), size("L", 2000)],
        1,
    ),
];

/// The product type whose best seller pins the robe: a towel's page suggests it first.
const PINNED_ON: (&str, &str) = ("bath-towel", "robe");

/// A product sold in sizes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SizedProduct {
    /// Index of the product in the catalog; its id is the group's.
    pub product: usize,
    /// Its sizes, smallest first.
    pub sizes: &'static [Size],
    /// The size the catalog marks as the default.
    pub default: usize,
}

impl SizedProduct {
    /// The SKU of one size.
    pub fn sku(&self, products: &[Product], size: &Size) -> String {
        format!("{}-{}", products[self.product].id, size.suffix)
    }

    /// Whether its sizes cost different amounts (its card says "from").
    pub fn priced_from(&self) -> bool {
        self.sizes.iter().any(|size| size.extra_cents > 0)
    }

    /// The size a line of the `position`-th order buys: spread over the sizes, so each
    /// is ordered and their co-purchases only add up when pooled.
    pub fn size_bought(&self, position: usize) -> &'static Size {
        &self.sizes[(position * 31 + self.product) % self.sizes.len()]
    }
}

/// The best-selling available product of `key`'s type, if the catalog has one.
fn best_seller_of(products: &[Product], key: &str) -> Option<usize> {
    products
        .iter()
        .enumerate()
        .filter(|(_, product)| product.kind().key == key && product.available)
        .min_by_key(|(_, product)| product.popularity_rank)
        .map(|(index, _)| index)
}

/// The products sold in sizes, in [`SIZED_TYPES`] order (a type the catalog lacks is
/// left out).
pub fn sized_products(products: &[Product]) -> Vec<SizedProduct> {
    SIZED_TYPES
        .iter()
        .filter_map(|&(key, sizes, default)| {
            best_seller_of(products, key).map(|product| SizedProduct {
                product,
                sizes,
                default,
            })
        })
        .collect()
}

/// `rules.csv`: the towel's page pins the robe (a pinned pair whose card shows a
/// "from" price); only the header when the catalog has neither.
pub fn rules_csv(products: &[Product]) -> String {
    let mut csv = String::from("rule,product,target\n");
    let (page, pinned) = PINNED_ON;
    if let (Some(page), Some(pinned)) = (
        best_seller_of(products, page),
        best_seller_of(products, pinned),
    ) {
        csv.push_str(&format!(
            "# a robe goes with a towel: shown first on the towel's page\npin,{},{}\n",
            products[page].id, products[pinned].id
        ));
    }
    csv
}
