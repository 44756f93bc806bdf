//! WooCommerce's product CSV exporter (Products → Export) read as-is: one row per
//! product, and for a `variable` product one more row per `variation`, whose `Parent`
//! (`id:NN`, or the parent's SKU) names the product it belongs to.
//!
//! A product's id is its `SKU`, or its `ID` when it has none (what orders name: the
//! Store and REST APIs give both). A variable product's row is no product of its own:
//! its name, categories, first image and publication carry over to its variations,
//! which pool into one product under the parent's id (the first variation is shown).
//! `grouped` products only list others and are left out. The exporter writes no
//! permalink, so a card links to `/?post_type=product&p=<ID>`, which WordPress
//! redirects to the product's page.
//!
//! Suggested only when sold: `Published` 1 (0 is private, -1 a draft), `Visibility
//! in catalog` not `hidden`, and `In stock?` 1 or `backorder`. A `Sale price` below
//! the `Regular price` is shown as a sale (the sale's dates are not read: a build
//! shows what the export says now).

use std::borrow::Cow;
use std::collections::HashMap;

use super::columns::{column_text, find_column};
use super::{field_index, RawFields, FIELDS};
use crate::input::skips::RowProblem;
use crate::input::values::card_price;

/// The catalog field each exporter column fills, as far as one column does.
const COLUMNS: [(&str, &str); 8] = [
    ("id", "SKU"),
    ("title", "Name"),
    ("price", "Regular price"),
    ("url", "ID"),
    ("image", "Images"),
    ("category", "Categories"),
    ("available", "In stock?"),
    ("group", "Parent"),
];

/// The columns of an export, and the variable products met so far.
pub(super) struct WooCommerceProducts {
    id: usize,
    kind: usize,
    sale_price: Option<usize>,
    published: Option<usize>,
    visibility: Option<usize>,
    /// Variable products by `id:NN` and by SKU.
    parents: HashMap<String, Parent>,
}

/// What a variable product's row gives its variations.
#[derive(Clone)]
struct Parent {
    /// The product's id in the catalog (its SKU, or its ID).
    id: String,
    name: String,
    image: String,
    category: String,
    listed: bool,
    /// No variation of it has been read yet.
    first: bool,
}

impl WooCommerceProducts {
    /// The export's reader, when the header is a WooCommerce product export's.
    pub(super) fn recognise(headers: &[String]) -> Option<(Self, Vec<Option<usize>>)> {
        let find = |name: &str| find_column(headers, name);
        let id = find("ID")?;
        let kind = find("Type")?;
        for required in ["SKU", "Name", "Regular price"] {
            find(required)?;
        }
        let mut positions = vec![None; FIELDS.len()];
        for (field, column) in COLUMNS {
            positions[field_index(field)] = find(column);
        }
        positions[field_index("compare_at")] = find("Regular price");
        let export = WooCommerceProducts {
            id,
            kind,
            sale_price: find("Sale price"),
            published: find("Published"),
            visibility: find("Visibility in catalog").or_else(|| find("Visibility in catalogue")),
            parents: HashMap::new(),
        };
        Some((export, positions))
    }

    /// The catalog fields of one row; `None` for a variable product's own row and a
    /// grouped product.
    pub(super) fn fields<'r>(
        &mut self,
        record: &'r csv::StringRecord,
        positions: &[Option<usize>],
        headers: &[String],
    ) -> Result<Option<RawFields<'r>>, RowProblem> {
        let column = |field: &str| column_text(record, positions[field_index(field)]);
        let types = record[self.kind].to_ascii_lowercase();
        // "simple, virtual", "variable", "variation", "external", "grouped": the first
        // word is the product type, the others are flags.
        let kind = types.split(',').next().unwrap_or("").trim().to_owned();
        let row_id = record[self.id].trim();
        let sku = column("id");
        let id = if sku.is_empty() { row_id } else { sku };
        let listed = self.listed(record, headers)?;
        let image = first_image(column("image"));
        let category = first_category(column("category"));
        match kind.as_str() {
            "grouped" => return Ok(None),
            "variable" => {
                let parent = Parent {
                    id: id.to_owned(),
                    name: column("title").to_owned(),
                    image: image.to_owned(),
                    category,
                    listed,
                    first: true,
                };
                if !row_id.is_empty() {
                    self.parents.insert(format!("id:{row_id}"), parent.clone());
                }
                if !sku.is_empty() {
                    self.parents.insert(sku.to_owned(), parent);
                }
                return Ok(None);
            }
            _ => {}
        }
        let (price, compare_at) = self.prices(record, column("price"), headers)?;
        let mut fields: RawFields = Default::default();
        fields[field_index("id")] = Some(Cow::Borrowed(id));
        fields[field_index("price")] = Some(price);
        fields[field_index("compare_at")] = compare_at;
        fields[field_index("url")] =
            (!row_id.is_empty()).then(|| Cow::Owned(format!("/?post_type=product&p={row_id}")));
        let in_stock = match column("available").to_ascii_lowercase().as_str() {
            "" | "1" | "backorder" | "onbackorder" => true,
            "0" => false,
            other => {
                return Err(RowProblem::in_field(
                    "bad available",
                    &headers[positions[field_index("available")].unwrap_or(0)],
                    format!("{other:?} is not a stock status (expected 1, 0 or backorder)"),
                ))
            }
        };
        let parent_name = column("group");
        let own = |text: &str| (!text.is_empty()).then(|| Cow::Owned(text.to_owned()));
        let shown = if kind == "variation" && !parent_name.is_empty() {
            let parent = self.parents.get_mut(parent_name).ok_or_else(|| {
                RowProblem::in_field(
                    "bad group",
                    &headers[positions[field_index("group")].unwrap_or(0)],
                    format!(
                        "variation of {parent_name:?}, but no variable product with that ID or SKU is listed above it"
                    ),
                )
            })?;
            fields[field_index("title")] = own(&parent.name);
            fields[field_index("category")] = own(&parent.category);
            fields[field_index("image")] = own(image).or_else(|| own(&parent.image));
            fields[field_index("group")] = Some(Cow::Owned(parent.id.clone()));
            fields[field_index("default")] =
                Some(Cow::Borrowed(if parent.first { "true" } else { "false" }));
            parent.first = false;
            listed && parent.listed
        } else {
            fields[field_index("title")] = Some(Cow::Borrowed(column("title")));
            fields[field_index("category")] = own(&category);
            fields[field_index("image")] = own(image);
            listed
        };
        fields[field_index("available")] = Some(Cow::Borrowed(if shown && in_stock {
            "true"
        } else {
            "false"
        }));
        Ok(Some(fields))
    }

    /// Whether the shop shows the product: published, and not hidden from its
    /// catalog.
    fn listed(&self, record: &csv::StringRecord, headers: &[String]) -> Result<bool, RowProblem> {
        let published = match column_text(record, self.published) {
            "" | "1" => true,
            // The exporter writes a leading `-` as `'-`, so that a spreadsheet does
            // not take the cell for a formula.
            "0" | "-1" | "'-1" => false,
            other => {
                return Err(RowProblem::in_field(
                    "bad available",
                    &headers[self.published.unwrap_or(0)],
                    format!("{other:?} is not a publication status (expected 1, 0 or -1)"),
                ))
            }
        };
        let hidden = column_text(record, self.visibility).eq_ignore_ascii_case("hidden");
        Ok(published && !hidden)
    }

    /// The price to show and the compare-at price: the sale price and the regular
    /// one during a sale, the regular price otherwise.
    fn prices<'r>(
        &self,
        record: &'r csv::StringRecord,
        regular: &'r str,
        headers: &[String],
    ) -> Result<(Cow<'r, str>, Option<Cow<'r, str>>), RowProblem> {
        let sale = column_text(record, self.sale_price);
        if sale.is_empty() {
            return Ok((Cow::Borrowed(regular), None));
        }
        // Checked here, so that a bad sale price is reported under its own column.
        card_price(sale).map_err(|detail| {
            RowProblem::in_field("bad price", &headers[self.sale_price.unwrap_or(0)], detail)
        })?;
        Ok((Cow::Borrowed(sale), Some(Cow::Borrowed(regular))))
    }
}

/// The first of the `Images` column's URLs (`a.jpg, b.jpg`).
fn first_image(images: &str) -> &str {
    images.split(',').next().unwrap_or("").trim()
}

/// The most specific category of the first listed path: `Clothing > Tshirts, Music`
/// is `Tshirts`. The exporter writes a comma inside a category's name as `\,`.
fn first_category(categories: &str) -> String {
    let mut first = String::new();
    let mut chars = categories.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => first.extend(chars.next()),
            ',' => break,
            _ => first.push(c),
        }
    }
    first.rsplit('>').next().unwrap_or("").trim().to_owned()
}
