//! Shopify's products export read as-is: one row per variant, the product's `Handle`
//! as the group, its SKU as the id orders name.
//!
//! The export writes a product's own fields (`Title`, `Type`, `Status`, its first
//! `Image Src`) on its first row only, so they are carried over to the rows of its
//! other variants; rows that only add an image (no SKU, no price) are not variants.
//! The first variant is the default (Shopify's own order), and every variant links to
//! the product's page, `/products/<handle>`.

use std::borrow::Cow;

use super::{field_index, RawFields, FIELDS};

/// The catalog field each export column fills; `url` and `group` are made from the
/// `Handle`, `default` from the row's position.
const COLUMNS: [(&str, &str); 7] = [
    ("id", "Variant SKU"),
    ("title", "Title"),
    ("price", "Variant Price"),
    ("url", "Handle"),
    ("image", "Image Src"),
    ("category", "Type"),
    ("available", "Status"),
];

/// The columns of an export, and the product whose rows are being read.
pub(super) struct ShopifyProducts {
    handle: usize,
    variant_image: Option<usize>,
    product: Option<ProductFields>,
}

/// What the first row of a product says for all its variants.
struct ProductFields {
    handle: String,
    title: String,
    image: String,
    category: String,
    status: String,
}

impl ShopifyProducts {
    /// The export's reader, when the header is a Shopify products export's, with the
    /// column each catalog field is read from (by [`FIELDS`] position).
    pub(super) fn recognise(headers: &[String]) -> Option<(Self, Vec<Option<usize>>)> {
        let find = |name: &str| {
            headers
                .iter()
                .position(|header| header.eq_ignore_ascii_case(name))
        };
        let handle = find("Handle")?;
        find("Variant SKU")?;
        let mut positions = vec![None; FIELDS.len()];
        for (field, column) in COLUMNS {
            positions[field_index(field)] = find(column);
        }
        positions[field_index("group")] = Some(handle);
        let export = ShopifyProducts {
            handle,
            variant_image: find("Variant Image"),
            product: None,
        };
        Some((export, positions))
    }

    /// The catalog fields of one row, or `None` for a row that only adds an image.
    pub(super) fn fields<'r>(
        &mut self,
        record: &'r csv::StringRecord,
        positions: &[Option<usize>],
    ) -> Option<RawFields<'r>> {
        let column = |field: &str| {
            positions[field_index(field)]
                .map(|index| record[index].trim())
                .unwrap_or("")
        };
        if column("id").is_empty() && column("price").is_empty() {
            return None;
        }
        let handle = record[self.handle].trim();
        let first_variant = self
            .product
            .as_ref()
            .is_none_or(|product| product.handle != handle);
        if first_variant {
            self.product = Some(ProductFields {
                handle: handle.to_owned(),
                title: column("title").to_owned(),
                image: column("image").to_owned(),
                category: column("category").to_owned(),
                status: column("available").to_owned(),
            });
        }
        let product = self.product.as_ref().expect("set above");
        let variant_image = self
            .variant_image
            .map(|index| record[index].trim())
            .filter(|image| !image.is_empty());
        let available = match product.status.to_ascii_lowercase().as_str() {
            "" | "active" => "true",
            _ => "false",
        };
        let owned = |text: &str| (!text.is_empty()).then(|| Cow::Owned(text.to_owned()));
        let mut fields: RawFields = Default::default();
        fields[field_index("id")] = Some(Cow::Borrowed(column("id")));
        fields[field_index("title")] = owned(&product.title);
        fields[field_index("price")] = Some(Cow::Borrowed(column("price")));
        fields[field_index("url")] =
            (!handle.is_empty()).then(|| Cow::Owned(format!("/products/{handle}")));
        fields[field_index("image")] = variant_image
            .map(Cow::Borrowed)
            .or_else(|| owned(&product.image));
        fields[field_index("category")] = owned(&product.category);
        fields[field_index("available")] = Some(Cow::Borrowed(available));
        if !handle.is_empty() {
            fields[field_index("group")] = Some(Cow::Borrowed(handle));
            fields[field_index("default")] =
                Some(Cow::Borrowed(if first_variant { "true" } else { "false" }));
        }
        Some(fields)
    }
}
