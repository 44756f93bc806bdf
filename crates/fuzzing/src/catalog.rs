//! `catalog`: fuzzer bytes as a catalog, CSV (any header, a Shopify products export)
//! or JSON lines, strict or not, read by `alsobought build`'s reader. What it accepts
//! the table writer must accept too: ids and titles present and unique, links that
//! pass the URL policy, prices, currencies and ratings in range.

use alsobought_cli::input::catalog::{read_csv_catalog, read_jsonl_catalog, BadRows};
use alsobought_core::{check_url, write_table, TableInput};

use crate::text_checks::{check_error, check_skips};

/// The `catalog` target: byte 0 bit 0 strict, bit 1 JSON lines; the rest is the file.
pub fn catalog(data: &[u8]) {
    let Some((&choice, file)) = data.split_first() else {
        return;
    };
    let bad_rows = BadRows::from_strict(choice & 1 != 0);
    let (source, read) = if choice & 2 != 0 {
        (
            "catalog.jsonl",
            read_jsonl_catalog(file, "catalog.jsonl", bad_rows),
        )
    } else {
        (
            "catalog.csv",
            read_csv_catalog(file, "catalog.csv", bad_rows),
        )
    };
    let read = match read {
        Ok(read) => read,
        Err(error) => return check_error(&format!("{error:#}"), source, file),
    };
    check_skips(&read.skips, file);
    let records = read.catalog.records();
    for record in records {
        assert!(
            !record.id.is_empty() && !record.title.is_empty(),
            "{record:?}"
        );
        for link in [&record.url, &record.image] {
            assert!(
                link.is_empty() || check_url(link).is_ok(),
                "unsafe link kept: {link:?}"
            );
        }
    }
    // Every product the reader keeps is one the table can hold.
    let input = TableInput {
        products: records.to_vec(),
        neighbours: vec![Vec::new(); records.len()],
        ..TableInput::default()
    };
    if let Err(error) = write_table(&input) {
        panic!("the catalog reader kept a product the writer refuses: {error}");
    }
}
