//! The catalog flags shared by `build` and `evaluate`: a catalog decides which products
//! may be suggested, so an evaluation with the same catalog measures what a build
//! would ship.

use std::path::PathBuf;

use alsobought_mining::Catalog;
use anyhow::bail;
use clap::Args;

use crate::input::catalog::{read_catalog, BadRows, CatalogFile, CatalogFormat};
use crate::report::warn_about_skips;

/// Where the catalog is and how it is written.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// Catalog FILE (CSV or JSON lines) with id,title,price,currency,url,image,category,
    /// available[,rating]: gives the cards, and products it does not list are never
    /// suggested [default: none; every ordered product is suggestible, titled by
    /// --title-col or its id].
    #[arg(long, value_name = "FILE", help_heading = "Catalog")]
    pub catalog: Option<PathBuf>,

    /// Read the catalog as FORMAT [default: from the file name: .csv, or .jsonl /
    /// .ndjson / .json].
    #[arg(
        long,
        value_name = "FORMAT",
        value_enum,
        help_heading = "Catalog",
        requires = "catalog"
    )]
    pub catalog_format: Option<CatalogFormat>,
}

impl CatalogArgs {
    /// Reads the catalog, if one was given, warning about the rows skipped; an empty
    /// catalog is an error, since nothing could be suggested.
    pub fn read(&self, bad_rows: BadRows) -> anyhow::Result<Option<CatalogFile>> {
        let Some(path) = &self.catalog else {
            return Ok(None);
        };
        let file = read_catalog(path, self.catalog_format, bad_rows)?;
        warn_about_skips(&file.source, &file.skips);
        if file.catalog.is_empty() {
            bail!(
                "catalog {} lists no product: nothing could be suggested",
                path.display()
            );
        }
        Ok(Some(file))
    }
}

/// Ordered product ids the catalog does not list (never suggested).
pub fn unlisted_products<'o>(product_ids: &'o [String], catalog: &Catalog) -> Vec<&'o str> {
    product_ids
        .iter()
        .map(String::as_str)
        .filter(|id| catalog.get(id).is_none())
        .collect()
}
