//! Shopify's products export read as-is: one row per variant, the product's `Handle`
//! as the group, its SKU as the id orders name.
//!
//! The export writes a product's own fields (`Title`, `Type`, `Published`, `Status`,
//! its first `Image Src`) on its first row only, so they are carried over to the rows
//! of its other variants; rows that only add an image (no SKU, no price) are not
//! variants. The first variant is the default (Shopify's own order), and every variant
//! links to the product's page, `/products/<handle>`.
//!
//! What may be suggested follows what the store sells: a `draft` or `archived` product,
//! or one not `Published` to the online store, is not suggested; nor is a variant whose
//! tracked stock (`Variant Inventory Tracker` set, `Variant Inventory Qty` at or below
//! zero) is gone unless its `Variant Inventory Policy` is `continue` (sell when out of
//! stock). `Variant Compare At Price` above `Variant Price` is a sale.

use std::borrow::Cow;

use super::columns::{column_text, find_column};
use super::{field_index, RawFields, FIELDS};
use crate::input::skips::RowProblem;
use crate::input::values::{parse_flag, parse_quantity};

/// The catalog field each export column fills; `url` and `group` are made from the
/// `Handle`, `default` from the row's position, `available` from several columns.
const COLUMNS: [(&str, &str); 8] = [
    ("id", "Variant SKU"),
    ("title", "Title"),
    ("price", "Variant Price"),
    ("url", "Handle"),
    ("image", "Image Src"),
    ("category", "Type"),
    ("available", "Status"),
    ("compare_at", "Variant Compare At Price"),
];

/// The columns of an export, and the product whose rows are being read.
pub(super) struct ShopifyProducts {
    handle: usize,
    published: Option<usize>,
    variant_image: Option<usize>,
    inventory_tracker: Option<usize>,
    inventory_quantity: Option<usize>,
    inventory_policy: Option<usize>,
    product: Option<ProductFields>,
}

/// What the first row of a product says for all its variants.
struct ProductFields {
    handle: String,
    title: String,
    image: String,
    category: String,
    /// Active and published: the store sells it online.
    on_sale_online: bool,
}

impl ShopifyProducts {
    /// The export's reader, when the header is a Shopify products export's, with the
    /// column each catalog field is read from (by [`FIELDS`] position).
    pub(super) fn recognise(headers: &[String]) -> Option<(Self, Vec<Option<usize>>)> {
        let find = |name: &str| find_column(headers, name);
        let handle = find("Handle")?;
        find("Variant SKU")?;
        let mut positions = vec![None; FIELDS.len()];
        for (field, column) in COLUMNS {
            positions[field_index(field)] = find(column);
        }
        positions[field_index("group")] = Some(handle);
        let export = ShopifyProducts {
            handle,
            published: find("Published"),
            variant_image: find("Variant Image"),
            inventory_tracker: find("Variant Inventory Tracker"),
            inventory_quantity: find("Variant Inventory Qty"),
            inventory_policy: find("Variant Inventory Policy"),
            product: None,
        };
        Some((export, positions))
    }

    /// The catalog fields of one row, `None` for a row that only adds an image, or the
    /// problem with a column only this export has.
    pub(super) fn fields<'r>(
        &mut self,
        record: &'r csv::StringRecord,
        positions: &[Option<usize>],
        headers: &[String],
    ) -> Result<Option<RawFields<'r>>, RowProblem> {
        let column = |field: &str| column_text(record, positions[field_index(field)]);
        if column("id").is_empty() && column("price").is_empty() {
            return Ok(None);
        }
        let handle = record[self.handle].trim();
        let first_variant = self
            .product
            .as_ref()
            .is_none_or(|product| product.handle != handle);
        if first_variant {
            let published = column_text(record, self.published);
            let published = parse_flag(published).map_err(|detail| {
                RowProblem::in_field(
                    "bad available",
                    &headers[self.published.unwrap_or(0)],
                    detail,
                )
            })? || published.is_empty();
            let active = matches!(
                column("available").to_ascii_lowercase().as_str(),
                "" | "active"
            );
            self.product = Some(ProductFields {
                handle: handle.to_owned(),
                title: column("title").to_owned(),
                image: column("image").to_owned(),
                category: column("category").to_owned(),
                on_sale_online: active && published,
            });
        }
        let in_stock = self.in_stock(record, headers)?;
        let product = self.product.as_ref().expect("set above");
        let variant_image =
            Some(column_text(record, self.variant_image)).filter(|image| !image.is_empty());
        let owned = |text: &str| (!text.is_empty()).then(|| Cow::Owned(text.to_owned()));
        let mut fields: RawFields = Default::default();
        fields[field_index("id")] = Some(Cow::Borrowed(column("id")));
        fields[field_index("title")] = owned(&product.title);
        fields[field_index("price")] = Some(Cow::Borrowed(column("price")));
        fields[field_index("compare_at")] = Some(Cow::Borrowed(column("compare_at")));
        fields[field_index("url")] =
            (!handle.is_empty()).then(|| Cow::Owned(format!("/products/{handle}")));
        fields[field_index("image")] = variant_image
            .map(Cow::Borrowed)
            .or_else(|| owned(&product.image));
        fields[field_index("category")] = owned(&product.category);
        let available = product.on_sale_online && in_stock;
        fields[field_index("available")] =
            Some(Cow::Borrowed(if available { "true" } else { "false" }));
        if !handle.is_empty() {
            fields[field_index("group")] = Some(Cow::Borrowed(handle));
            fields[field_index("default")] =
                Some(Cow::Borrowed(if first_variant { "true" } else { "false" }));
        }
        Ok(Some(fields))
    }

    /// Whether the variant can be bought: its stock is not tracked, is above zero, or
    /// may be oversold (`continue`).
    fn in_stock(&self, record: &csv::StringRecord, headers: &[String]) -> Result<bool, RowProblem> {
        let quantity = column_text(record, self.inventory_quantity);
        if quantity.is_empty() {
            return Ok(true);
        }
        let quantity_column = &headers[self.inventory_quantity.unwrap_or(0)];
        let quantity = parse_quantity(quantity)
            .map_err(|detail| RowProblem::in_field("bad available", quantity_column, detail))?;
        // Without a tracker column the quantity is taken as tracked; a blank tracker
        // means Shopify does not track this variant's stock.
        let tracked = self.inventory_tracker.is_none()
            || !column_text(record, self.inventory_tracker).is_empty();
        let oversold = column_text(record, self.inventory_policy).eq_ignore_ascii_case("continue");
        Ok(quantity > 0 || !tracked || oversold)
    }
}
