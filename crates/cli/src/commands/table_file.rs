//! Loading a table for `recommend`, `inspect` and `email`: a single file, or a
//! directory written by `build --out-dir` (joined back into the single file, every
//! piece checked, so the rest of the tool reads one layout).

use std::fs;
use std::path::Path;

use alsobought_core::{join_split, SplitEntry, Table, ENTRY_FILE};
use anyhow::Context;

/// Reads the table at `path` (a `.table` file or an `--out-dir` directory) and checks
/// its header (the rest is checked as it is read, or all at once by `Table::verify`).
pub fn open_table(path: &Path) -> anyhow::Result<Table<Vec<u8>>> {
    let bytes = if path.is_dir() {
        join_directory(path)?
    } else {
        fs::read(path).with_context(|| format!("cannot read table {}", path.display()))?
    };
    Table::open(bytes).with_context(|| format!("{} is not a usable table", path.display()))
}

fn join_directory(directory: &Path) -> anyhow::Result<Vec<u8>> {
    let entry_path = directory.join(ENTRY_FILE);
    let entry_bytes = fs::read(&entry_path).with_context(|| {
        format!(
            "cannot read {}: a table directory is what `alsobought build --out-dir` writes",
            entry_path.display()
        )
    })?;
    let entry = SplitEntry::parse(&entry_bytes)
        .with_context(|| format!("{} is not a usable entry file", entry_path.display()))?;
    let shards = (0..1u32 << entry.shard_bits())
        .map(|shard| {
            let path = directory.join(entry.shard_path(shard));
            fs::read(&path).with_context(|| {
                format!(
                    "cannot read shard {}: the directory is incomplete (upload or copy the \
                     whole build folder)",
                    path.display()
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()?;
    join_split(&entry_bytes, &shards).with_context(|| {
        format!(
            "the table directory {} does not add up",
            directory.display()
        )
    })
}
