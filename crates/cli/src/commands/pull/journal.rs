//! A pull's durable progress: the orders fetched so far go to `<out>.journal`, one
//! JSON line each, and after every page the journal is flushed to disk and the state
//! records its length and the page cursor. A killed pull resumes by cutting the
//! journal back to that length (dropping a half-written page) and asking for the next
//! page: no order is lost and none is fetched twice into the output.
//!
//! When every page is in, the journal is merged into the output: an order in the
//! journal replaces its earlier line (an order changed since the last pull), so the
//! output holds each order once, in the order orders were first pulled, changed ones
//! moved to the end. The merge is idempotent, so a pull killed between writing the
//! output and saving the state merges again to the same file.

use std::collections::{HashMap, HashSet};
use std::fs::{self, File, OpenOptions};
use std::io::{BufRead, BufReader, BufWriter, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use serde::Deserialize;

use super::state::{replace_atomically, state_path, with_suffix, PullState, RunState};
use crate::input::orders::PulledOrder;
use crate::progress::Progress;

/// An open pull: its state, its journal and where the output goes.
pub struct Session {
    /// The state; `run` is always `Some` while the session is open.
    pub state: PullState,
    state_path: PathBuf,
    journal_path: PathBuf,
    out: PathBuf,
    journal: BufWriter<File>,
    /// Orders fetched so far (a bulk operation shows only its time until the download).
    progress: Progress,
}

/// What a finished pull did, for the summary.
#[derive(Debug)]
pub struct Finished {
    /// Orders fetched by this run (pages may overlap; each order counted per fetch).
    pub fetched: u64,
    /// Orders in the output now.
    pub total: u64,
    /// Orders of the output that this run replaced with a newer version.
    pub replaced: u64,
    /// The output's new high-water mark.
    pub high_water: Option<String>,
}

impl Session {
    /// Opens the pull of `platform`'s `store` into `out`, resuming an interrupted one.
    pub fn open(
        out: &Path,
        platform: &str,
        store: &str,
        progress: Progress,
    ) -> anyhow::Result<Session> {
        let state_path = state_path(out);
        let mut state = PullState::load(&state_path, platform, store)?;
        if state.high_water.is_some() && !out.exists() {
            bail!(
                "{} says the orders were pulled up to {}, but {} is missing: restore it, or delete the state to pull everything again",
                state_path.display(),
                state.high_water.as_deref().unwrap_or_default(),
                out.display()
            );
        }
        let run = state.run.get_or_insert_with(|| RunState {
            page: 1,
            ..RunState::default()
        });
        let journal_path = with_suffix(out, ".journal");
        let mut file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&journal_path)
            .with_context(|| format!("cannot open {}", journal_path.display()))?;
        // Whatever lies past the recorded length is a page the last run did not finish.
        file.set_len(run.journal_len)
            .and_then(|()| file.seek(SeekFrom::End(0)))
            .with_context(|| format!("cannot resume {}", journal_path.display()))?;
        Ok(Session {
            state,
            state_path,
            journal_path,
            out: out.to_owned(),
            journal: BufWriter::new(file),
            progress,
        })
    }

    /// Whether this session picks up an interrupted pull.
    pub fn resumed(&self) -> bool {
        let run = self.run_ref();
        run.journal_len > 0 || run.bulk_operation_id.is_some() || run.cursor.is_some()
    }

    /// The run under way.
    pub fn run(&mut self) -> &mut RunState {
        self.state.run.as_mut().expect("an open session has a run")
    }

    fn run_ref(&self) -> &RunState {
        self.state.run.as_ref().expect("an open session has a run")
    }

    /// Adds `orders` to the journal (durable only after [`Session::commit`]).
    pub fn append(&mut self, orders: &[PulledOrder]) -> anyhow::Result<()> {
        for order in orders {
            serde_json::to_writer(&mut self.journal, order)
                .map_err(std::io::Error::from)
                .and_then(|()| self.journal.write_all(b"\n"))
                .with_context(|| format!("cannot write {}", self.journal_path.display()))?;
            let run = self.run();
            run.orders += 1;
            if run.next_high_water.as_deref() < Some(order.updated_at.as_str()) {
                run.next_high_water = Some(order.updated_at.clone());
            }
        }
        let fetched = self.run_ref().orders;
        self.progress.set_count(fetched);
        Ok(())
    }

    /// Makes what was appended durable and saves the state (with whatever the caller
    /// changed in [`Session::run`]): the step a resumed pull starts after.
    pub fn commit(&mut self) -> anyhow::Result<()> {
        self.journal
            .flush()
            .and_then(|()| self.journal.get_ref().sync_data())
            .with_context(|| format!("cannot write {}", self.journal_path.display()))?;
        let length = self
            .journal
            .get_mut()
            .stream_position()
            .with_context(|| format!("cannot write {}", self.journal_path.display()))?;
        self.run().journal_len = length;
        self.state.save(&self.state_path)
    }

    /// Merges the journal into the output, moves the high-water mark and forgets the
    /// run.
    pub fn finish(mut self) -> anyhow::Result<Finished> {
        self.run().fetched = true;
        self.commit()?;
        let (total, replaced) = merge(&self.out, &self.journal_path)?;
        let run = self.state.run.take().expect("an open session has a run");
        if run.next_high_water.is_some() {
            self.state.high_water = run.next_high_water;
        }
        self.state.save(&self.state_path)?;
        drop(self.journal);
        fs::remove_file(&self.journal_path)
            .with_context(|| format!("cannot remove {}", self.journal_path.display()))?;
        Ok(Finished {
            fetched: run.orders,
            total,
            replaced,
            high_water: self.state.high_water,
        })
    }
}

/// Just the id of a line, to merge without reading whole orders.
#[derive(Deserialize)]
struct IdOnly {
    id: String,
}

/// Writes `out` anew: its orders not in `journal`, then the journal's orders (the
/// last line of each). Returns the orders written and how many replaced a line of
/// the old output.
fn merge(out: &Path, journal: &Path) -> anyhow::Result<(u64, u64)> {
    let journal_lines = read_lines(journal)?;
    let mut last_of: HashMap<String, usize> = HashMap::new();
    for (index, line) in journal_lines.iter().enumerate() {
        last_of.insert(id_of(line, journal, index)?, index);
    }
    let kept: HashSet<usize> = last_of.values().copied().collect();
    let old_lines = if out.exists() {
        read_lines(out)?
    } else {
        Vec::new()
    };
    let mut total = 0;
    let mut replaced = 0;
    replace_atomically(out, |file| {
        let mut writer = BufWriter::new(file);
        for (index, line) in old_lines.iter().enumerate() {
            let id = id_of(line, out, index).map_err(std::io::Error::other)?;
            if last_of.contains_key(&id) {
                replaced += 1;
                continue;
            }
            writeln!(writer, "{line}")?;
            total += 1;
        }
        for (index, line) in journal_lines.iter().enumerate() {
            if kept.contains(&index) {
                writeln!(writer, "{line}")?;
                total += 1;
            }
        }
        writer.flush()
    })?;
    Ok((total, replaced))
}

fn read_lines(path: &Path) -> anyhow::Result<Vec<String>> {
    let file = File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    BufReader::new(file)
        .lines()
        .filter(|line| !matches!(line, Ok(text) if text.trim().is_empty()))
        .collect::<Result<_, _>>()
        .with_context(|| format!("cannot read {}", path.display()))
}

fn id_of(line: &str, path: &Path, index: usize) -> anyhow::Result<String> {
    serde_json::from_str::<IdOnly>(line)
        .map(|order| order.id)
        .with_context(|| {
            format!(
                "{}: order {} is not a pulled order (was the file edited?)",
                path.display(),
                index + 1
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn order(id: &str, updated_at: &str) -> PulledOrder {
        PulledOrder {
            id: id.to_owned(),
            created_at: "2026-01-01T00:00:00Z".to_owned(),
            updated_at: updated_at.to_owned(),
            status: "paid".to_owned(),
            lines: Vec::new(),
        }
    }

    fn ids(path: &Path) -> Vec<String> {
        read_lines(path)
            .unwrap()
            .iter()
            .enumerate()
            .map(|(index, line)| id_of(line, path, index).unwrap())
            .collect()
    }

    #[test]
    fn an_uncommitted_page_is_dropped_and_changed_orders_replace_old_lines() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("orders.jsonl");
        let mut session = Session::open(&out, "shopify", "s", Progress::hidden()).unwrap();
        session
            .append(&[order("1", "a1"), order("2", "a2")])
            .unwrap();
        session.commit().unwrap();
        session.append(&[order("3", "a3")]).unwrap();
        drop(session); // killed before the commit: order 3 is not durable

        let mut session = Session::open(&out, "shopify", "s", Progress::hidden()).unwrap();
        assert!(session.resumed());
        session.append(&[order("4", "a4")]).unwrap();
        let finished = session.finish().unwrap();
        assert_eq!(ids(&out), ["1", "2", "4"]);
        assert_eq!(finished.high_water.as_deref(), Some("a4"));

        let mut session = Session::open(&out, "shopify", "s", Progress::hidden()).unwrap();
        assert!(!session.resumed());
        session
            .append(&[order("2", "b2"), order("5", "b5"), order("2", "b3")])
            .unwrap();
        let finished = session.finish().unwrap();
        assert_eq!(ids(&out), ["1", "4", "5", "2"]);
        assert_eq!((finished.total, finished.replaced), (4, 1));
        assert!(read_lines(&out).unwrap()[3].contains("\"b3\""));
        assert!(!with_suffix(&out, ".journal").exists());

        // The state without its output would make the next pull fetch changes only.
        fs::remove_file(&out).unwrap();
        let error = Session::open(&out, "shopify", "s", Progress::hidden())
            .err()
            .unwrap();
        assert!(format!("{error:#}").contains("is missing: restore it, or delete the state"));
    }
}
