//! Product exports of the shop platforms, read as they are: told apart by their
//! headers, each turns its rows into the catalog's fields (a row may also be no
//! product at all: an extra image, a variable product's parent).

use super::shopify::ShopifyProducts;
use super::woocommerce::WooCommerceProducts;
use super::RawFields;
use crate::input::skips::RowProblem;

/// A platform's products export, recognised by its header.
pub(super) enum PlatformExport {
    /// Shopify's products export (`Handle`, `Variant SKU`, …).
    Shopify(ShopifyProducts),
    /// WooCommerce's product CSV exporter (`ID`, `Type`, `SKU`, `Regular price`, …).
    WooCommerce(WooCommerceProducts),
}

impl PlatformExport {
    /// The export whose header this is, with the column each catalog field is read
    /// from (by `FIELDS` position), or `None` for the plain catalog header.
    pub(super) fn recognise(headers: &[String]) -> Option<(Self, Vec<Option<usize>>)> {
        if let Some((export, positions)) = ShopifyProducts::recognise(headers) {
            return Some((PlatformExport::Shopify(export), positions));
        }
        WooCommerceProducts::recognise(headers)
            .map(|(export, positions)| (PlatformExport::WooCommerce(export), positions))
    }

    /// The catalog fields of one row, `None` for a row that is not a product of its
    /// own, or the problem with a column only the platform has.
    pub(super) fn fields<'r>(
        &mut self,
        record: &'r csv::StringRecord,
        positions: &[Option<usize>],
        headers: &[String],
    ) -> Result<Option<RawFields<'r>>, RowProblem> {
        match self {
            PlatformExport::Shopify(export) => export.fields(record, positions, headers),
            PlatformExport::WooCommerce(export) => export.fields(record, positions, headers),
        }
    }
}
