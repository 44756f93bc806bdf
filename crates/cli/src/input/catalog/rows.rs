//! One catalog row at a time: its fields checked and made a product record, or the
//! row rejected (skipped and counted, or an error under `--strict`), with the line a
//! repeated id was first listed on. Rows with a `group` are variants: they become one
//! product per group when the file is read through.

use std::collections::HashMap;

use alsobought_core::ProductRecord;
use alsobought_mining::{group_variants, Catalog, GroupIdTaken, Variant};
use anyhow::bail;

use super::{field_index, BadRows, CatalogFile, RawFields, REASONS};
use crate::input::skips::{RowProblem, SkipReport};
use crate::input::values::{
    card_price, parse_available, parse_currency, parse_flag, parse_rating_tenths,
};

/// Collects records, remembering each id's line to report duplicates, and the rows
/// skipped.
pub(super) struct CatalogBuilder<'s> {
    source: &'s str,
    bad_rows: BadRows,
    catalog: Catalog,
    variants: Vec<Variant>,
    /// Where each id (product or variant SKU) was first listed.
    first_lines: HashMap<String, u64>,
    /// Where each group was first met, and the `group` column's name there.
    group_lines: HashMap<String, (u64, String)>,
    pub(super) last_line: u64,
    skips: SkipReport,
}

impl<'s> CatalogBuilder<'s> {
    pub(super) fn new(source: &'s str, bad_rows: BadRows) -> Self {
        CatalogBuilder {
            source,
            bad_rows,
            catalog: Catalog::new(),
            variants: Vec::new(),
            first_lines: HashMap::new(),
            group_lines: HashMap::new(),
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
        let (record, membership) = match product_record(&fields) {
            Ok(parsed) => parsed,
            Err((field, detail)) => {
                let problem = RowProblem::in_field(REASONS[field], &field_name(field), detail);
                return self.reject(line, problem);
            }
        };
        if let Some(&first_line) = self.first_lines.get(&record.id) {
            let problem = RowProblem::in_field(
                "repeated id",
                &field_name(field_index("id")),
                format!(
                    "product {:?} is already listed on line {first_line} (the first record is kept; remove or rename the duplicate)",
                    record.id
                ),
            );
            return self.reject(line, problem);
        }
        self.first_lines.insert(record.id.clone(), line);
        match membership {
            Some((group, default)) => {
                self.group_lines
                    .entry(group.clone())
                    .or_insert_with(|| (line, field_name(field_index("group"))));
                self.variants.push(Variant {
                    record,
                    group,
                    default,
                });
            }
            None => {
                self.catalog
                    .insert(record)
                    .expect("ids are checked for repeats above");
            }
        }
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

    /// The catalog with each group as one product; a group named like a product of
    /// no group is rejected at the line the group was first met.
    pub(super) fn finish(
        mut self,
        absent_fields: Vec<&'static str>,
    ) -> anyhow::Result<CatalogFile> {
        let (group_records, groups) = group_variants(std::mem::take(&mut self.variants));
        for record in group_records {
            if self.catalog.get(&record.id).is_some() {
                let (line, column) = self.group_lines[&record.id].clone();
                let taken = GroupIdTaken { group: record.id };
                self.reject(
                    line,
                    RowProblem::in_field("bad group", &column, taken.to_string()),
                )?;
                continue;
            }
            self.catalog
                .insert(record)
                .expect("group ids are checked against products above");
        }
        Ok(CatalogFile {
            catalog: self.catalog,
            groups,
            absent_fields,
            skips: self.skips,
            source: self.source.to_owned(),
        })
    }
}

/// A variant's group and whether it is the group's default.
type Membership = Option<(String, bool)>;

/// Turns a product's raw fields into a record and its group, if any; on failure, the
/// field's index and what is wrong with it.
fn product_record(fields: &RawFields) -> Result<(ProductRecord, Membership), (usize, String)> {
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
    if let Some(compare_at) = text("compare_at") {
        let compare_at = check("compare_at", card_price(compare_at))?;
        // A compare-at price at or below the price is no sale (platforms export the
        // regular price there too): the card shows just the price.
        record.compare_at_hundredths = record
            .price_hundredths
            .filter(|&price| compare_at > price)
            .map(|_| compare_at);
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
    let default = match text("default") {
        Some(default) => check("default", parse_flag(default))?,
        None => false,
    };
    let membership = match text("group") {
        Some(group) => Some((group.to_owned(), default)),
        None if default => {
            return Err((
                field_index("default"),
                "marks a default variant, but the row has no group: fill its group column or clear default".to_owned(),
            ))
        }
        None => None,
    };
    Ok((record, membership))
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
