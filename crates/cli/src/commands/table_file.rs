//! Loading a table file for `recommend` and `inspect`: the whole file in memory, its
//! header checked, errors naming the file.

use std::fs;
use std::path::Path;

use alsobought_core::Table;
use anyhow::Context;

/// Reads the table at `path` and checks its header (the rest is checked as it is
/// read, or all at once by `Table::verify`).
pub fn open_table(path: &Path) -> anyhow::Result<Table<Vec<u8>>> {
    let bytes = fs::read(path).with_context(|| format!("cannot read table {}", path.display()))?;
    Table::open(bytes).with_context(|| format!("{} is not a usable table", path.display()))
}
