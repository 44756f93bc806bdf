//! One catalog row at a time: its fields checked and made a product record, or the
//! row rejected (skipped and counted, or an error under `--strict`), with the line a
//! repeated id was first listed on.

use alsobought_core::ProductRecord;
use alsobought_mining::Catalog;
use anyhow::bail;

use super::{field_index, BadRows, CatalogFile, RawFields, REASONS};
use crate::input::skips::{RowProblem, SkipReport};
use crate::input::values::{card_price, parse_available, parse_currency, parse_rating_tenths};

/// Collects records, remembering each product's line to report duplicates, and the
/// rows skipped.
pub(super) struct CatalogBuilder<'s> {
    source: &'s str,
    bad_rows: BadRows,
    catalog: Catalog,
    lines: Vec<u64>,
    pub(super) last_line: u64,
    skips: SkipReport,
}

impl<'s> CatalogBuilder<'s> {
    pub(super) fn new(source: &'s str, bad_rows: BadRows) -> Self {
        CatalogBuilder {
            source,
            bad_rows,
            catalog: Catalog::new(),
            lines: Vec::new(),
            last_line: 1,
            skips: SkipReport::default(),
        }
    }

    /// Validates one product and adds it, or rejects the row; `field_name` gives a
    /// field's name as the file spells it, for messages.
    pub(super) fn add(
        &mut self,
        line: u64,
        fields: RawFields,
        field_name: impl Fn(usize) -> String,
    ) -> anyhow::Result<()> {
        self.last_line = line;
        let record = match product_record(&fields) {
            Ok(record) => record,
            Err((field, detail)) => {
                let problem = RowProblem::in_field(REASONS[field], &field_name(field), detail);
                return self.reject(line, problem);
            }
        };
        let id = record.id.clone();
        if let Err(duplicate) = self.catalog.insert(record) {
            let first_line = self
                .catalog
                .records()
                .iter()
                .position(|known| known.id == id)
                .map_or(0, |position| self.lines[position]);
            let problem = RowProblem::in_field(
                "repeated id",
                &field_name(field_index("id")),
                format!("product {id:?} is already listed on line {first_line} ({duplicate})"),
            );
            return self.reject(line, problem);
        }
        self.lines.push(line);
        Ok(())
    }

    /// A row that cannot be used: an error under `--strict`, otherwise skipped and
    /// counted.
    pub(super) fn reject(&mut self, line: u64, problem: RowProblem) -> anyhow::Result<()> {
        self.last_line = line;
        if self.bad_rows == BadRows::Fail {
            bail!(
                "{}; stopping because of --strict (without it the row is skipped with a warning)",
                problem.at(self.source, line)
            );
        }
        self.skips.skip(line, problem);
        Ok(())
    }

    pub(super) fn finish(self, absent_fields: Vec<&'static str>) -> CatalogFile {
        CatalogFile {
            catalog: self.catalog,
            absent_fields,
            skips: self.skips,
            source: self.source.to_owned(),
        }
    }
}

/// Turns a product's raw fields into a record; on failure, the field's index and what
/// is wrong with it.
fn product_record(fields: &RawFields) -> Result<ProductRecord, (usize, String)> {
    let text = |name: &str| {
        fields[field_index(name)]
            .as_deref()
            .filter(|text| !text.is_empty())
    };
    let id = check(
        "id",
        text("id").ok_or_else(|| "empty value: every product needs an id".to_owned()),
    )?;
    let title = check(
        "title",
        text("title")
            .ok_or_else(|| "empty value: every product needs a title for its card".to_owned()),
    )?;
    let mut record = ProductRecord::with_id(id);
    record.title = title.to_owned();
    if let Some(price) = text("price") {
        record.price_hundredths = Some(check("price", card_price(price))?);
    }
    if let Some(currency) = text("currency") {
        record.currency = Some(check("currency", parse_currency(currency))?);
    }
    if let Some(url) = text("url") {
        record.url = check("url", link(url))?;
    }
    if let Some(image) = text("image") {
        record.image = check("image", link(image))?;
    }
    if let Some(category) = text("category") {
        record.category = category.to_owned();
    }
    if let Some(available) = text("available") {
        record.available = check("available", parse_available(available))?;
    }
    if let Some(rating) = text("rating") {
        record.rating_tenths = Some(check("rating", parse_rating_tenths(rating))?);
    }
    Ok(record)
}

/// Attaches the field's index to a value parser's complaint.
fn check<T>(name: &str, outcome: Result<T, String>) -> Result<T, (usize, String)> {
    outcome.map_err(|detail| (field_index(name), detail))
}

/// Accepts an http(s) or relative link, as browsers will read it; refuses what the
/// widget and `email` would drop (`javascript:`, `data:`, a tab inside the URL), so the
/// store hears of it when it builds rather than finding the card without its link.
fn link(text: &str) -> Result<String, String> {
    match alsobought_core::check_url(text) {
        Ok(url) => Ok(url.to_owned()),
        // Blank is "no link", as an empty field is.
        Err(alsobought_core::UrlRefusal::Empty) => Ok(String::new()),
        Err(refusal) => Err(format!("{text:?} {refusal}")),
    }
}
