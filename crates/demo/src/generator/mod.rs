//! A deterministic generator of a plausible shop, "Northwind Goods": the catalog, an
//! order history with real co-purchase structure, a static page and an SVG image per
//! product, and a JSON copy of the catalog for the store's own scripts.
//!
//! Determinism: everything comes from one seed through the synthetic engine's
//! [`SplitMix64`] (`alsobought generate`'s); no hash map order, clock or locale reaches
//! the output, so the same seed and sizes give byte-identical files on every machine.
//!
//! Output, under the directory given (the demo uses `www/generated/`):
//!
//! | file | content |
//! |---|---|
//! | `catalog.csv` | `id,title,price,currency,url,image,category,available,rating,group,default,compare_at`: one row per size of a product sold in sizes ([`variants`]); `compare_at` for products on sale |
//! | `orders.csv` | `order_id,product_id,quantity,customer_id,created_at`, one row per line item (a size's SKU for a product sold in sizes) |
//! | `rules.csv` | the shop's merchandising rules for `alsobought build --rules` |
//! | `catalog.json` | the catalog as a JSON array, for `www/store.js` |
//! | `products/<id>.html` | product page with the widget container |
//! | `images/<id>.svg` | product image |
//!
//! See [`catalog`] for how products are made and [`orders`] for how the orders are
//! drawn: by the synthetic engine's order model (`alsobought generate`'s), fed the
//! themed catalog and its complementary groups.

pub mod catalog;
pub mod html;
pub mod image;
pub mod orders;
pub mod variants;
pub mod vocabulary;

use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use alsobought_mining::synthetic::SplitMix64;
use serde::Serialize;

use catalog::{catalog_capacity, generate_catalog, price_text, Product};
use orders::{generate_orders, Order};
use variants::{rules_csv, sized_products, SizedProduct};

/// The currency of every demo price.
pub const CURRENCY: &str = "EUR";

/// What to generate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GeneratorOptions {
    /// Seed of all randomness; the same seed gives the same files.
    pub seed: u64,
    /// Number of products in the catalog.
    pub products: usize,
    /// Number of orders in the history.
    pub orders: usize,
}

impl Default for GeneratorOptions {
    fn default() -> Self {
        Self {
            seed: 42,
            products: 300,
            orders: 5000,
        }
    }
}

/// A generated shop, in memory.
#[derive(Clone, Debug)]
pub struct Shop {
    /// The catalog, ordered by category, type and variant.
    pub products: Vec<Product>,
    /// The order history, oldest first.
    pub orders: Vec<Order>,
    /// The products sold in sizes.
    pub sized: Vec<SizedProduct>,
}

impl Shop {
    /// The sizes of the product at `index`, if it is sold in sizes.
    pub fn sizes_of(&self, index: usize) -> Option<&SizedProduct> {
        self.sized.iter().find(|sized| sized.product == index)
    }
}

/// Why a shop could not be generated or written.
#[derive(Debug)]
pub enum GeneratorError {
    /// `--products` is 0 or more than the word lists can name uniquely.
    ProductCount {
        /// The count asked for.
        requested: usize,
        /// The most the vocabulary supports.
        max: usize,
    },
    /// Writing a file failed.
    Write {
        /// The file or directory concerned.
        path: PathBuf,
        /// What the operating system said.
        source: io::Error,
    },
}

impl std::fmt::Display for GeneratorError {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::ProductCount { requested, max } => write!(
                formatter,
                "--products {requested} is out of range: pass a count from 1 to {max} \
                 (the word lists name at most {max} distinct products)"
            ),
            Self::Write { path, source } => write!(
                formatter,
                "cannot write {}: {source} (check that the directory is writable)",
                path.display()
            ),
        }
    }
}

impl std::error::Error for GeneratorError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Write { source, .. } => Some(source),
            Self::ProductCount { .. } => None,
        }
    }
}

/// What [`write_shop`] wrote, for the command's report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct GenerationSummary {
    /// Products in the catalog.
    pub products: usize,
    /// Sold-out products among them.
    pub sold_out: usize,
    /// Orders in the history.
    pub orders: usize,
    /// Line items (rows of orders.csv).
    pub line_items: usize,
    /// `(file name, bytes)` of the single files, then totals of the page and image folders.
    pub files: Vec<(String, u64)>,
}

/// Builds the shop in memory.
pub fn build_shop(options: &GeneratorOptions) -> Result<Shop, GeneratorError> {
    let max = catalog_capacity();
    if options.products == 0 || options.products > max {
        return Err(GeneratorError::ProductCount {
            requested: options.products,
            max,
        });
    }
    let mut random = SplitMix64::new(options.seed);
    let products = generate_catalog(options.products, &mut random.fork("catalog"));
    let orders = generate_orders(&products, options.orders, &mut random.fork("orders"));
    let sized = sized_products(&products);
    Ok(Shop {
        products,
        orders,
        sized,
    })
}

/// Generates the shop described by `options` into `out`.
pub fn generate(
    out: &Path,
    options: &GeneratorOptions,
) -> Result<GenerationSummary, GeneratorError> {
    write_shop(&build_shop(options)?, out)
}

/// Writes every file of `shop` under `out`, removing pages and images of products that
/// no longer exist (from an earlier, larger run).
pub fn write_shop(shop: &Shop, out: &Path) -> Result<GenerationSummary, GeneratorError> {
    let pages_dir = out.join("products");
    let images_dir = out.join("images");
    for directory in [out, &pages_dir, &images_dir] {
        fs::create_dir_all(directory).map_err(|source| GeneratorError::Write {
            path: directory.to_path_buf(),
            source,
        })?;
    }
    let mut files = Vec::new();
    for (name, content) in [
        ("catalog.csv", catalog_csv(shop)),
        ("orders.csv", orders_csv(shop)),
        ("catalog.json", catalog_json(shop)),
        ("rules.csv", rules_csv(&shop.products)),
    ] {
        write_file(&out.join(name), &content)?;
        files.push((name.to_owned(), content.len() as u64));
    }
    let mut page_bytes = 0;
    let mut image_bytes = 0;
    for (index, product) in shop.products.iter().enumerate() {
        let page = html::product_page(product, shop.sizes_of(index));
        let picture = image::product_image(product);
        write_file(&pages_dir.join(format!("{}.html", product.id)), &page)?;
        write_file(&images_dir.join(format!("{}.svg", product.id)), &picture)?;
        page_bytes += page.len() as u64;
        image_bytes += picture.len() as u64;
    }
    remove_stale(&pages_dir, "html", shop)?;
    remove_stale(&images_dir, "svg", shop)?;
    files.push(("products/*.html".to_owned(), page_bytes));
    files.push(("images/*.svg".to_owned(), image_bytes));
    Ok(GenerationSummary {
        products: shop.products.len(),
        sold_out: shop.products.iter().filter(|p| !p.available).count(),
        orders: shop.orders.len(),
        line_items: shop.orders.iter().map(|order| order.lines.len()).sum(),
        files,
    })
}

/// `catalog.csv`: one row per product, or per size of a product sold in sizes (its
/// SKU, its price, the product's id as `group`, `default` on the size the page shows
/// first), RFC 4180 quoting where needed.
pub fn catalog_csv(shop: &Shop) -> String {
    let mut csv = String::from(
        "id,title,price,currency,url,image,category,available,rating,group,default,compare_at\n",
    );
    for (index, product) in shop.products.iter().enumerate() {
        let row = |id: String, price_cents: u32, group: &str, default: &str| {
            [
                id,
                product.title.clone(),
                price_text(price_cents),
                CURRENCY.to_owned(),
                product.url(),
                product.image(),
                product.category().slug.to_owned(),
                product.available.to_string(),
                product.rating_text(),
                group.to_owned(),
                default.to_owned(),
                product
                    .compare_at_cents(price_cents)
                    .map(price_text)
                    .unwrap_or_default(),
            ]
        };
        let Some(sized) = shop.sizes_of(index) else {
            push_csv_row(
                &mut csv,
                &row(product.id.clone(), product.price_cents, "", ""),
            );
            continue;
        };
        for (position, size) in sized.sizes.iter().enumerate() {
            let fields = row(
                sized.sku(&shop.products, size),
                product.price_cents + size.extra_cents,
                &product.id,
                if position == sized.default { "yes" } else { "" },
            );
            push_csv_row(&mut csv, &fields);
        }
    }
    csv
}

/// `orders.csv`: one row per line item, orders in id order.
pub fn orders_csv(shop: &Shop) -> String {
    let mut csv = String::from("order_id,product_id,quantity,customer_id,created_at\n");
    for (position, order) in shop.orders.iter().enumerate() {
        for &(product, quantity) in &order.lines {
            // A product sold in sizes is ordered as one of its sizes' SKUs.
            let sku = match shop.sizes_of(product) {
                Some(sized) => sized.sku(&shop.products, sized.size_bought(position)),
                None => shop.products[product].id.clone(),
            };
            let fields = [
                order.id.clone(),
                sku,
                quantity.to_string(),
                order.customer_id.clone(),
                order.created_at.clone(),
            ];
            push_csv_row(&mut csv, &fields);
        }
    }
    csv
}

/// One product as `catalog.json` lists it.
#[derive(Serialize)]
struct CatalogEntry<'a> {
    id: &'a str,
    title: &'a str,
    /// Decimal string, exactly as in catalog.csv (no binary float rounding).
    price: String,
    /// The same price in cents, for arithmetic in the store's scripts.
    price_cents: u32,
    /// The product comes in sizes that cost more: `price` is the smallest's.
    price_from: bool,
    currency: &'a str,
    url: String,
    image: String,
    category: &'a str,
    category_name: &'a str,
    available: bool,
    rating: Option<f32>,
}

/// `catalog.json`: the catalog for the store's own scripts (cart, home page grid).
pub fn catalog_json(shop: &Shop) -> String {
    let entries: Vec<CatalogEntry<'_>> = shop
        .products
        .iter()
        .enumerate()
        .map(|(index, product)| CatalogEntry {
            id: &product.id,
            title: &product.title,
            price: product.price_text(),
            price_cents: product.price_cents,
            price_from: shop.sizes_of(index).is_some_and(SizedProduct::priced_from),
            currency: CURRENCY,
            url: product.url(),
            image: product.image(),
            category: product.category().slug,
            category_name: product.category().name,
            available: product.available,
            rating: product.rating_tenths.map(|tenths| f32::from(tenths) / 10.0),
        })
        .collect();
    let mut json = serde_json::to_string_pretty(&entries).expect("plain data serializes");
    json.push('\n');
    json
}

fn push_csv_row(csv: &mut String, fields: &[String]) {
    for (position, field) in fields.iter().enumerate() {
        if position > 0 {
            csv.push(',');
        }
        if field.contains([',', '"', '\n', '\r']) {
            let _ = write!(csv, "\"{}\"", field.replace('"', "\"\""));
        } else {
            csv.push_str(field);
        }
    }
    csv.push('\n');
}

fn write_file(path: &Path, content: &str) -> Result<(), GeneratorError> {
    fs::write(path, content).map_err(|source| GeneratorError::Write {
        path: path.to_path_buf(),
        source,
    })
}

/// Deletes `*.<extension>` files in `directory` that belong to no current product.
fn remove_stale(directory: &Path, extension: &str, shop: &Shop) -> Result<(), GeneratorError> {
    let listing_error = |source| GeneratorError::Write {
        path: directory.to_path_buf(),
        source,
    };
    for entry in fs::read_dir(directory).map_err(listing_error)? {
        let path = entry.map_err(listing_error)?.path();
        let stale = path.extension().is_some_and(|ext| ext == extension)
            && path
                .file_stem()
                .and_then(|stem| stem.to_str())
                .is_some_and(|stem| !shop.products.iter().any(|p| p.id == stem));
        if stale {
            fs::remove_file(&path).map_err(|source| GeneratorError::Write { path, source })?;
        }
    }
    Ok(())
}
