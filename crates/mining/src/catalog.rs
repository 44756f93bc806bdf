//! The store's catalog as the miner needs it: product records looked up by id.
//!
//! The catalog decides what a table may contain: only listed products get a page and
//! can be suggested, and unavailable ones are never suggested.

use std::collections::HashMap;

use alsobought_core::format::ProductRecord;

/// Product records keyed by id, in the order they were added.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    records: Vec<ProductRecord>,
    positions: HashMap<String, u32>,
}

impl Catalog {
    /// An empty catalog.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a product. A second record with an id already present is refused (the
    /// first one stays), so the caller can report the line.
    pub fn insert(&mut self, record: ProductRecord) -> Result<(), DuplicateProduct> {
        if self.positions.contains_key(&record.id) {
            return Err(DuplicateProduct { id: record.id });
        }
        let position = u32::try_from(self.records.len()).expect("more than 4 billion products");
        self.positions.insert(record.id.clone(), position);
        self.records.push(record);
        Ok(())
    }

    /// The record with this id.
    pub fn get(&self, id: &str) -> Option<&ProductRecord> {
        self.positions
            .get(id)
            .map(|&position| &self.records[position as usize])
    }

    /// Every record, in insertion order.
    pub fn records(&self) -> &[ProductRecord] {
        &self.records
    }

    /// Number of products.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// Whether the catalog lists no product.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// The records, in insertion order, without the id index.
    pub(crate) fn into_records(self) -> Vec<ProductRecord> {
        self.records
    }

    /// Where the record with this id sits in [`Catalog::records`].
    pub(crate) fn position(&self, id: &str) -> Option<u32> {
        self.positions.get(id).copied()
    }
}

/// A catalog record whose id was already listed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("product `{id}` is listed twice in the catalog: the first record is kept; remove or rename the duplicate")]
pub struct DuplicateProduct {
    /// The repeated id.
    pub id: String,
}
