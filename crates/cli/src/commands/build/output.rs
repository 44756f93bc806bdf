//! Where `build` puts the table: one file (`--out`, for hosts that answer HTTP Range)
//! and/or a directory of small files (`--out-dir`, for any static host), each
//! written so that a page reading the old table while it is replaced never sees half
//! of the new one.

use std::fs;
use std::io::Write;
use std::path::Path;

use alsobought_core::{generation_dir, split_table, SplitEntry, SplitTable, ENTRY_FILE};
use anyhow::Context;

/// Writes `bytes` to a temporary file next to `path`, then renames it over `path`, so
/// a widget being served the old table never reads a half-written one.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let file_name = path
        .file_name()
        .with_context(|| format!("{} does not name a file", path.display()))?;
    let mut temporary_name = file_name.to_os_string();
    temporary_name.push(format!(".partial-{}", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let written = fs::File::create(&temporary)
        .and_then(|mut file| {
            file.write_all(bytes)?;
            file.sync_all()
        })
        .and_then(|()| fs::rename(&temporary, path));
    if let Err(error) = written {
        // Best effort: the error that matters is the one reported below.
        let _ = fs::remove_file(&temporary);
        return Err(error).with_context(|| format!("cannot write {}", path.display()));
    }
    Ok(())
}

/// What `--out-dir` wrote, for the summary.
pub struct DirectoryWritten {
    pub split: SplitTable,
    /// Folders of builds before the replaced one that were removed.
    pub removed: usize,
}

impl DirectoryWritten {
    /// The largest shard file, in bytes.
    pub fn largest_shard(&self) -> usize {
        self.split
            .shards
            .iter()
            .map(|(_, bytes)| bytes.len())
            .max()
            .unwrap_or(0)
    }
}

/// Writes the directory layout of `table` into `directory`: the new build's shard
/// folder first, then `entry.bin` (atomically); then the folders of builds before the
/// one it replaces go. The replaced build's folder stays: pages and caches still
/// holding its entry (for up to the entry's cache lifetime) keep reading one whole
/// build, and a sync of DIR to a host uploads the same. A page that finds its build's
/// folder gone reads the entry again (the widget does), so it never mixes two builds.
pub fn write_directory(
    directory: &Path,
    table: &[u8],
    shard_bytes: u64,
) -> anyhow::Result<DirectoryWritten> {
    let split = split_table(table, shard_bytes).context("cannot split the table into files")?;
    let replaced = fs::read(directory.join(ENTRY_FILE))
        .ok()
        .and_then(|bytes| Some(SplitEntry::parse(&bytes).ok()?.generation()))
        .map(generation_dir);
    fs::create_dir_all(directory.join(&split.generation_dir))
        .with_context(|| format!("cannot create --out-dir {}", directory.display()))?;
    for (path, bytes) in split.files() {
        let target = directory.join(path);
        if path == ENTRY_FILE {
            write_atomically(&target, bytes)?;
        } else {
            fs::write(&target, bytes)
                .with_context(|| format!("cannot write {}", target.display()))?;
        }
    }
    let mut removed = 0;
    let listing = fs::read_dir(directory)
        .with_context(|| format!("cannot list --out-dir {}", directory.display()))?;
    for item in listing {
        let item = item.with_context(|| format!("cannot list {}", directory.display()))?;
        let name = item.file_name().to_string_lossy().into_owned();
        let keep = name == split.generation_dir || Some(&name) == replaced.as_ref();
        if is_generation_name(&name) && !keep && item.path().is_dir() {
            fs::remove_dir_all(item.path()).with_context(|| {
                format!("cannot remove the earlier build {}", item.path().display())
            })?;
            removed += 1;
        }
    }
    Ok(DirectoryWritten { split, removed })
}

/// A shard folder's name: 16 lowercase hex digits (only those are ever removed).
fn is_generation_name(name: &str) -> bool {
    name.len() == 16
        && name
            .bytes()
            .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
}
