//! Reads a store catalog (CSV or JSON lines) into the miner's [`Catalog`]: the cards
//! the widget shows, and the list of products that may be suggested at all.
//!
//! A row the widget could not safely show (a `javascript:` link, an unreadable price,
//! no title, a repeated id) is skipped with a warning naming the file, line and field,
//! and counted, like a bad order row: a nightly rebuild should not leave the store on
//! yesterday's table because of one product. `--strict` makes it an error. A file
//! without a header or an id column is an error either way.

use std::borrow::Cow;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

use alsobought_mining::{Catalog, VariantGroups};
use anyhow::{bail, Context};
use serde_json::{Map, Value};

mod columns;
mod platform;
mod rows;
mod shopify;
mod woocommerce;

use super::csv_lines::LinedCsv;
use super::skips::{RowProblem, SkipReport};
use super::source::open_input;
use platform::PlatformExport;
use rows::CatalogBuilder;

/// How a catalog file is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum CatalogFormat {
    /// CSV with a header naming the fields.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl CatalogFormat {
    /// The format a file name implies (`.csv`, `.jsonl`, `.ndjson`, `.json`, each
    /// possibly followed by `.gz`).
    pub fn from_path(path: &Path) -> Option<CatalogFormat> {
        let name = path.file_name()?.to_str()?.to_ascii_lowercase();
        let name = name.strip_suffix(".gz").unwrap_or(&name);
        let extension = name.rsplit_once('.')?.1;
        match extension {
            "csv" => Some(CatalogFormat::Csv),
            "jsonl" | "ndjson" | "json" => Some(CatalogFormat::Jsonl),
            _ => None,
        }
    }
}

/// The catalog fields, as named in a CSV header or a JSON object.
const FIELDS: [&str; 12] = [
    "id",
    "title",
    "price",
    "currency",
    "url",
    "image",
    "category",
    "available",
    "rating",
    "group",
    "default",
    "compare_at",
];

/// Why a row was skipped, by the [`FIELDS`] position at fault (counted per reason).
const REASONS: [&str; FIELDS.len()] = [
    "bad id",
    "no title",
    "bad price",
    "bad currency",
    "unsafe url",
    "unsafe image",
    "bad category",
    "bad available",
    "bad rating",
    "bad group",
    "bad default",
    "bad compare-at price",
];

/// A catalog, read.
#[derive(Debug)]
pub struct CatalogFile {
    /// The products, in file order (a group's variants as one product, where the
    /// group is first met).
    pub catalog: Catalog,
    /// Which group each variant SKU belongs to (empty without a `group` field).
    pub groups: VariantGroups,
    /// Fields the file does not have at all (every product gets the default).
    pub absent_fields: Vec<&'static str>,
    /// The rows skipped as bad.
    pub skips: SkipReport,
    /// The file's name, for messages.
    pub source: String,
}

/// What to do with a row that cannot be used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BadRows {
    /// Skip it with a warning and count it.
    Skip,
    /// Stop with an error (`--strict`).
    Fail,
}

impl BadRows {
    /// What `--strict` asks for.
    pub fn from_strict(strict: bool) -> Self {
        if strict {
            BadRows::Fail
        } else {
            BadRows::Skip
        }
    }
}

/// Reads the catalog at `path` (`-` for standard input); `format` overrides the
/// format the file name implies.
pub fn read_catalog(
    path: &Path,
    format: Option<CatalogFormat>,
    bad_rows: BadRows,
) -> anyhow::Result<CatalogFile> {
    let format = format.or_else(|| CatalogFormat::from_path(path)).with_context(|| {
        format!(
            "cannot tell the format of catalog {} from its name; pass --catalog-format csv or --catalog-format jsonl",
            path.display()
        )
    })?;
    let input = open_input(path)?;
    match format {
        CatalogFormat::Csv => read_csv_catalog(input.reader, &input.name, bad_rows),
        CatalogFormat::Jsonl => read_jsonl_catalog(input.reader, &input.name, bad_rows),
    }
}

/// The text of one product's fields as found in the file, by [`FIELDS`] position.
type RawFields<'a> = [Option<Cow<'a, str>>; FIELDS.len()];

/// Reads a CSV catalog whose header names the fields (any case, any order; other
/// columns are ignored), or a platform's products export as it is: Shopify's (told by
/// its `Handle` and `Variant SKU` columns) or WooCommerce's (`ID`, `Type`, `SKU`,
/// `Name`, `Regular price`).
pub fn read_csv_catalog(
    reader: impl Read,
    source: &str,
    bad_rows: BadRows,
) -> anyhow::Result<CatalogFile> {
    let mut lined = LinedCsv::new(reader, csv::ReaderBuilder::new().flexible(true))
        .with_context(|| format!("cannot read catalog {source}"))?;
    let headers: Vec<String> = lined
        .csv
        .headers()
        .with_context(|| format!("cannot read the header row of {source}"))?
        .iter()
        .map(|header| header.trim().to_owned())
        .collect();
    let (mut platform, positions) = match PlatformExport::recognise(&headers) {
        Some((export, positions)) => (Some(export), positions),
        None => (
            None,
            FIELDS
                .iter()
                .map(|field| {
                    headers
                        .iter()
                        .position(|header| header.eq_ignore_ascii_case(field))
                })
                .collect(),
        ),
    };
    for required in ["id", "title"] {
        if positions[field_index(required)].is_none() {
            bail!(
                "catalog {source} has no {required:?} column; the header has: {}; a catalog needs at least id and title (and usually price, currency, url, image, category, available)",
                headers.iter().map(|header| format!("{header:?}")).collect::<Vec<_>>().join(", ")
            );
        }
    }
    let mut builder = CatalogBuilder::new(source, bad_rows);
    let mut record = csv::StringRecord::new();
    let mut records_read = 0;
    loop {
        let more = lined.csv.read_record(&mut record).with_context(|| {
            format!(
                "cannot read catalog {source} after line {}",
                builder.last_line
            )
        })?;
        if !more {
            break;
        }
        records_read += 1;
        let line = lined.start_line(record.as_byte_record(), records_read);
        if record.len() != headers.len() {
            builder.reject(
                line,
                RowProblem {
                    reason: "wrong number of fields",
                    field: None,
                    detail: format!(
                        "the row has {} fields but the header has {} (an unquoted comma or quote?)",
                        record.len(),
                        headers.len()
                    ),
                },
            )?;
            continue;
        }
        let fields: RawFields = match &mut platform {
            Some(export) => match export.fields(&record, &positions, &headers) {
                Ok(Some(fields)) => fields,
                Ok(None) => continue,
                Err(problem) => {
                    builder.reject(line, problem)?;
                    continue;
                }
            },
            None => std::array::from_fn(|field| {
                positions[field].map(|column| Cow::Borrowed(record[column].trim()))
            }),
        };
        builder.add(line, fields, |field| {
            headers[positions[field].unwrap_or(0)].clone()
        })?;
    }
    let absent_fields = FIELDS
        .iter()
        .zip(&positions)
        .filter(|(_, position)| position.is_none())
        .map(|(field, _)| *field)
        .collect();
    builder.finish(absent_fields)
}

/// Reads a JSON lines catalog: one object per line with the fields as keys (other keys
/// are ignored, blank lines skipped). Numbers are accepted for ids and prices,
/// booleans for `available`.
pub fn read_jsonl_catalog(
    reader: impl Read,
    source: &str,
    bad_rows: BadRows,
) -> anyhow::Result<CatalogFile> {
    let mut builder = CatalogBuilder::new(source, bad_rows);
    let mut seen = [false; FIELDS.len()];
    let mut lines = BufReader::new(reader);
    let mut text = String::new();
    let mut line = 0u64;
    loop {
        text.clear();
        line += 1;
        let read = lines
            .read_line(&mut text)
            .with_context(|| format!("cannot read catalog {source} at line {line}"))?;
        if read == 0 {
            break;
        }
        if text.trim().is_empty() {
            continue;
        }
        let Ok(object) = serde_json::from_str::<Map<String, Value>>(text.trim_end()) else {
            builder.reject(
                line,
                RowProblem {
                    reason: "not a JSON object",
                    field: None,
                    detail:
                        "not a JSON object (expected {\"id\": \"...\", \"title\": \"...\", ...})"
                            .to_owned(),
                },
            )?;
            continue;
        };
        match json_fields(&object) {
            Ok(fields) => {
                for (seen, field) in seen.iter_mut().zip(&fields) {
                    *seen |= field.is_some();
                }
                builder.add(line, fields, |field| FIELDS[field].to_owned())?;
            }
            Err(problem) => builder.reject(line, problem)?,
        }
    }
    let absent_fields = FIELDS
        .iter()
        .zip(seen)
        .filter(|(_, seen)| !seen)
        .map(|(field, _)| *field)
        .collect();
    builder.finish(absent_fields)
}

/// The catalog fields of one JSON object, as text.
fn json_fields(object: &Map<String, Value>) -> Result<RawFields<'_>, RowProblem> {
    let mut fields: RawFields = Default::default();
    for (index, field) in FIELDS.iter().enumerate() {
        fields[index] = match object.get(*field) {
            None | Some(Value::Null) => None,
            Some(Value::String(text)) => Some(Cow::Owned(text.trim().to_owned())),
            Some(Value::Number(number)) => Some(Cow::Owned(number.to_string())),
            Some(Value::Bool(flag)) => Some(Cow::Borrowed(if *flag { "true" } else { "false" })),
            Some(other) => {
                return Err(RowProblem::in_field(
                    REASONS[index],
                    field,
                    format!("expected a string or number, found {}", json_kind(other)),
                ))
            }
        };
    }
    Ok(fields)
}

fn json_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn field_index(name: &str) -> usize {
    FIELDS
        .iter()
        .position(|field| *field == name)
        .expect("a known field")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn csv(text: &str) -> anyhow::Result<CatalogFile> {
        read_csv_catalog(text.as_bytes(), "catalog.csv", BadRows::Fail)
    }

    fn error(outcome: anyhow::Result<CatalogFile>) -> String {
        format!("{:#}", outcome.unwrap_err())
    }

    #[test]
    fn csv_fields_in_any_order_and_case() {
        let file = csv("\u{feff}Title,ID,Price,currency,available,rating,extra\r\n\"Mug, blue\",M1,12.5,eur,no,4.5,x\r\nTea,T1,,,,,\r\n").unwrap();
        let records = file.catalog.records();
        assert_eq!(records[0].id, "M1");
        assert_eq!(records[0].title, "Mug, blue");
        assert_eq!(records[0].price_hundredths, Some(1250));
        assert_eq!(records[0].currency.as_deref(), Some("EUR"));
        assert!(!records[0].available);
        assert_eq!(records[0].rating_tenths, Some(45));
        assert_eq!(records[1].price_hundredths, None);
        assert!(records[1].available);
        assert_eq!(
            file.absent_fields,
            ["url", "image", "category", "group", "default", "compare_at"]
        );
    }

    #[test]
    fn malformed_values_name_file_line_and_field() {
        let message = error(csv("id,title,price\nA,Mug,1\n\nB,Tea,cheap\n"));
        assert!(
            message.starts_with("catalog.csv:4: field \"price\": \"cheap\" is not a price"),
            "{message}"
        );
        let message = error(csv("id,title\nA,\n"));
        assert!(
            message.starts_with("catalog.csv:2: field \"title\": empty value"),
            "{message}"
        );
        let message = error(csv("id,title,url\nA,Mug,javascript:alert(1)\n"));
        assert!(
            message.starts_with(
                "catalog.csv:2: field \"url\": \"javascript:alert(1)\" is not an http(s)"
            ),
            "{message}"
        );
    }

    #[test]
    fn without_strict_bad_rows_are_skipped_with_file_line_field_and_why() {
        let text = "id,title,url,price\nA,Mug,/p/a,1\nB,Tea,javascript:alert(1),2\nC,Cup,/p/c,cheap\nA,Again,/p/a2,3\nD,Pot,/p/d\nE,Jug,/p/e,4\n";
        let file = read_csv_catalog(text.as_bytes(), "catalog.csv", BadRows::Skip).unwrap();
        let ids: Vec<&str> = file
            .catalog
            .records()
            .iter()
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["A", "E"]);
        assert_eq!(file.skips.skipped_total(), 4);
        let messages: Vec<String> = file
            .skips
            .examples
            .iter()
            .map(|row| row.problem.at("catalog.csv", row.line))
            .collect();
        assert_eq!(messages[0], "catalog.csv:3: field \"url\": \"javascript:alert(1)\" is not an http(s) or relative URL");
        assert!(
            messages[1].starts_with("catalog.csv:4: field \"price\": \"cheap\" is not a price"),
            "{messages:?}"
        );
        assert!(
            messages[2].starts_with(
                "catalog.csv:5: field \"id\": product \"A\" is already listed on line 2"
            ),
            "{messages:?}"
        );
        assert!(
            messages[3].starts_with("catalog.csv:6: the row has 3 fields but the header has 4"),
            "{messages:?}"
        );

        let lines = "{\"id\": \"A\", \"title\": \"Mug\"}\n{\"id\": \"B\", \"title\": [\"Tea\"]}\nnot json\n";
        let file = read_jsonl_catalog(lines.as_bytes(), "c.jsonl", BadRows::Skip).unwrap();
        assert_eq!(file.catalog.len(), 1);
        assert_eq!(
            file.skips.skipped,
            [("no title", 1), ("not a JSON object", 1)]
        );
    }

    #[test]
    fn duplicates_name_both_lines() {
        let message = error(csv("id,title\nA,Mug\nB,Tea\nA,Cup\n"));
        assert!(
            message.starts_with(
                "catalog.csv:4: field \"id\": product \"A\" is already listed on line 2"
            ),
            "{message}"
        );
    }

    #[test]
    fn missing_columns_list_the_header() {
        let message = error(csv("sku,name\nA,Mug\n"));
        assert!(
            message.contains("has no \"id\" column; the header has: \"sku\", \"name\""),
            "{message}"
        );
    }

    #[test]
    fn json_lines_accept_numbers_and_booleans() {
        let text = "{\"id\": 7, \"title\": \"Mug\", \"price\": 12.5, \"available\": false, \"url\": \"/p/7\", \"x\": [1]}\n\n{\"id\": \"T\", \"title\": \"Tea\", \"price\": \"3\"}\n";
        let file = read_jsonl_catalog(text.as_bytes(), "catalog.jsonl", BadRows::Fail).unwrap();
        let records = file.catalog.records();
        assert_eq!(
            (records[0].id.as_str(), records[0].price_hundredths),
            ("7", Some(1250))
        );
        assert!(!records[0].available);
        assert_eq!(records[0].url, "/p/7");
        assert_eq!(records[1].price_hundredths, Some(300));
        assert_eq!(
            file.absent_fields,
            [
                "currency",
                "image",
                "category",
                "rating",
                "group",
                "default",
                "compare_at"
            ]
        );
    }

    #[test]
    fn json_lines_errors_name_the_line() {
        let message = format!(
            "{:#}",
            read_jsonl_catalog(
                "{\"id\": \"A\", \"title\": \"Mug\"}\n{\"id\": \"B\", \"title\": [\"Tea\"]}\n"
                    .as_bytes(),
                "c.jsonl",
                BadRows::Fail
            )
            .unwrap_err()
        );
        assert!(
            message.starts_with(
                "c.jsonl:2: field \"title\": expected a string or number, found an array"
            ),
            "{message}"
        );
        let message = format!(
            "{:#}",
            read_jsonl_catalog("[1]\n".as_bytes(), "c.jsonl", BadRows::Fail).unwrap_err()
        );
        assert!(
            message.starts_with("c.jsonl:1: not a JSON object"),
            "{message}"
        );
    }

    #[test]
    fn format_follows_the_extension() {
        assert_eq!(
            CatalogFormat::from_path(Path::new("c.CSV.gz")),
            Some(CatalogFormat::Csv)
        );
        assert_eq!(
            CatalogFormat::from_path(Path::new("c.ndjson")),
            Some(CatalogFormat::Jsonl)
        );
        assert_eq!(CatalogFormat::from_path(Path::new("catalog")), None);
        assert_eq!(CatalogFormat::from_path(Path::new("-")), None);
    }

    #[test]
    fn a_compare_at_price_above_the_price_is_a_sale() {
        let file = csv("id,title,price,compare_at\nA,Mug,9,12\nB,Tea,4,4\nC,Pot,5,\n").unwrap();
        let records = file.catalog.records();
        assert_eq!(records[0].compare_at_hundredths, Some(1200));
        assert_eq!(
            records[1].compare_at_hundredths, None,
            "no sale at the price"
        );
        assert_eq!(records[2].compare_at_hundredths, None);
        let message = error(csv("id,title,price,compare_at\nA,Mug,9,soon\n"));
        assert!(
            message.starts_with("catalog.csv:2: field \"compare_at\": \"soon\" is not a price"),
            "{message}"
        );
    }
}
