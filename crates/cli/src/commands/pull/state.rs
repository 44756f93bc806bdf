//! The pull's memory between runs: `<out>.state`, a small JSON file beside the
//! output. It says which store the output belongs to, how far the output reaches (the
//! high-water mark the next pull starts from) and, while a pull is under way, where it
//! stands (the bulk operation, the page cursor, how much of the journal is durable), so
//! a killed pull resumes where it stopped.
//!
//! It is replaced atomically (written to a temporary file, flushed, renamed over the
//! old one) after each durable step: a crash leaves the old state or the new one,
//! never half of either.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};

/// What `<out>.state` holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PullState {
    /// `shopify` or `woocommerce`.
    pub platform: String,
    /// The store as given on the command line.
    pub store: String,
    /// Orders changed at or after this instant (ISO 8601) are not all in the output
    /// yet: the next pull asks for them. `None` before the first complete pull.
    pub high_water: Option<String>,
    /// The pull under way, if one was interrupted.
    pub run: Option<RunState>,
}

/// Where an unfinished pull stands.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// The Shopify bulk operation of a first pull, once started.
    pub bulk_operation_id: Option<String>,
    /// Shopify: the `endCursor` of the last page in the journal.
    pub cursor: Option<String>,
    /// WooCommerce: the `modified_after` of the next request.
    pub modified_after: Option<String>,
    /// WooCommerce: the page of the next request (1-based).
    pub page: u32,
    /// Bytes of the journal that hold whole, flushed pages.
    pub journal_len: u64,
    /// Every page is in the journal: only the merge into the output is left.
    pub fetched: bool,
    /// The high-water mark the output will have once this run is merged.
    pub next_high_water: Option<String>,
    /// Orders written to the journal (pages can repeat an order; the merge keeps one).
    pub orders: u64,
}

impl PullState {
    /// The state of `out`'s pull from `platform`'s `store`: the saved one, or a fresh
    /// one when there is none. A state for another store or platform is an error:
    /// mixing two stores' orders would be silent garbage.
    pub fn load(path: &Path, platform: &str, store: &str) -> anyhow::Result<PullState> {
        let text = match fs::read_to_string(path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(PullState {
                    platform: platform.to_owned(),
                    store: store.to_owned(),
                    high_water: None,
                    run: None,
                })
            }
            Err(error) => {
                return Err(error).with_context(|| format!("cannot read {}", path.display()))
            }
        };
        let state: PullState = serde_json::from_str(&text).with_context(|| {
            format!(
                "{} is not a pull state (delete it, and the output beside it, to pull everything again)",
                path.display()
            )
        })?;
        if state.platform != platform || state.store != store {
            bail!(
                "{} belongs to a pull from {} store {:?}, not {platform} store {store:?}: give each store its own --out",
                path.display(),
                state.platform,
                state.store
            );
        }
        Ok(state)
    }

    /// Replaces the file at `path` with this state, atomically.
    pub fn save(&self, path: &Path) -> anyhow::Result<()> {
        let json = serde_json::to_string_pretty(self).expect("a state serialises");
        replace_atomically(path, |file| file.write_all(json.as_bytes()))
    }
}

/// The state file of the output `out`: `orders.jsonl` → `orders.jsonl.state`.
pub fn state_path(out: &Path) -> PathBuf {
    with_suffix(out, ".state")
}

/// `path` with `suffix` appended to its file name.
pub fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// Writes `path` through `write` into a temporary file beside it, flushes it to disk
/// and renames it over `path`.
pub fn replace_atomically(
    path: &Path,
    write: impl FnOnce(&mut File) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let temporary = with_suffix(path, ".tmp");
    let outcome = File::create(&temporary).and_then(|mut file| {
        write(&mut file)?;
        file.sync_all()
    });
    outcome
        .and_then(|()| fs::rename(&temporary, path))
        .with_context(|| format!("cannot write {}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_saved_state_loads_back_and_guards_its_store() {
        let dir = tempfile::tempdir().unwrap();
        let path = state_path(&dir.path().join("orders.jsonl"));
        assert!(path.ends_with("orders.jsonl.state"));
        let mut state = PullState::load(&path, "shopify", "a.myshopify.com").unwrap();
        assert_eq!(state.high_water, None);
        state.run = Some(RunState {
            cursor: Some("abc".to_owned()),
            journal_len: 42,
            ..RunState::default()
        });
        state.save(&path).unwrap();
        assert_eq!(
            PullState::load(&path, "shopify", "a.myshopify.com").unwrap(),
            state
        );
        let error = PullState::load(&path, "shopify", "b.myshopify.com").unwrap_err();
        assert!(format!("{error:#}").contains("give each store its own --out"));
        assert!(!with_suffix(&path, ".tmp").exists());
    }
}
