//! Reads planted complementary groups (`alsobought generate`'s groups.csv, or any CSV
//! with `group_id,product_id` columns) for `alsobought evaluate --truth`.
//!
//! A truth file is small and must be right, so any bad row is an error naming the file
//! and line rather than a skip: a silently shortened truth would flatter the scores.

use std::path::Path;

use alsobought_mining::evaluation::PlantedGroups;
use anyhow::{bail, Context};

use super::source::open_input;

/// The columns a truth file must have.
const GROUP_COLUMN: &str = "group_id";
const PRODUCT_COLUMN: &str = "product_id";

/// Reads the groups of the CSV file at `path` (gzip is decompressed; `-` is stdin).
pub fn read_planted_groups(path: &Path) -> anyhow::Result<PlantedGroups> {
    let source = open_input(path)?;
    let name = source.name;
    let mut reader = csv::ReaderBuilder::new().from_reader(source.reader);
    let headers = reader
        .headers()
        .with_context(|| format!("cannot read the header of {name}"))?
        .clone();
    let column = |wanted: &str| {
        headers
            .iter()
            .position(|header| header.trim() == wanted)
            .with_context(|| {
                format!(
                    "{name} has no {wanted} column (its header is {:?}): a truth file has \
                     group_id,product_id columns, as `alsobought generate` writes groups.csv",
                    headers.iter().collect::<Vec<_>>().join(",")
                )
            })
    };
    let group_column = column(GROUP_COLUMN)?;
    let product_column = column(PRODUCT_COLUMN)?;
    let mut memberships = Vec::new();
    for record in reader.records() {
        let record = record.with_context(|| format!("cannot read {name}"))?;
        let line = record.position().map_or(0, csv::Position::line);
        let field = |column: usize, label: &str| -> anyhow::Result<String> {
            match record.get(column).map(str::trim) {
                Some(value) if !value.is_empty() => Ok(value.to_owned()),
                _ => {
                    bail!("{name}:{line}: {label} is empty: every row names a group and a product")
                }
            }
        };
        memberships.push((
            field(group_column, GROUP_COLUMN)?,
            field(product_column, PRODUCT_COLUMN)?,
        ));
    }
    if memberships.is_empty() {
        bail!("{name} lists no group member: nothing to check suggestions against");
    }
    Ok(PlantedGroups::from_memberships(memberships))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> anyhow::Result<PlantedGroups> {
        let directory = tempfile::tempdir().unwrap();
        let path = directory.path().join("groups.csv");
        std::fs::write(&path, text).unwrap();
        read_planted_groups(&path)
    }

    #[test]
    fn groups_are_read_in_order_of_appearance() {
        let groups = read("group_id,product_id\n1,A\n1,B\n2,C\n2,D\n2,E\n").unwrap();
        assert_eq!(groups.groups(), [vec!["A", "B"], vec!["C", "D", "E"]]);
    }

    #[test]
    fn a_missing_column_or_empty_field_names_the_file_and_line() {
        let message = format!("{:#}", read("group,product\n1,A\n").unwrap_err());
        assert!(message.contains("no group_id column"), "{message}");
        let message = format!("{:#}", read("group_id,product_id\n1,A\n2,\n").unwrap_err());
        assert!(
            message.contains("groups.csv:3: product_id is empty"),
            "{message}"
        );
        let message = format!("{:#}", read("group_id,product_id\n").unwrap_err());
        assert!(message.contains("lists no group member"), "{message}");
    }
}
