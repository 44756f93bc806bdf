//! The append-only events file. One writer thread owns it: request handlers hand it
//! their lines and wait for its word, so a body is acknowledged only once its lines
//! are in the file. Whatever is waiting when the writer wakes goes out in one write
//! (and one fsync under `--fsync`): under load, many bodies share one system call.

use std::fs::{File, OpenOptions};
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::{self, JoinHandle};

use anyhow::Context;
use tokio::sync::{mpsc, oneshot};

use crate::report::warn;

/// Bodies waiting for the writer, at most; handlers wait for room beyond that.
const QUEUE_LENGTH: usize = 1024;

/// How far an acknowledged event is carried before the reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Written to the file (the kernel holds it): survives the collector crashing or
    /// being killed, not the machine losing power.
    Written,
    /// Written and `fdatasync`ed: survives a power loss too, at the price of a disk
    /// flush per batch.
    Synced,
}

/// The open events file and its writer thread.
pub struct EventLog {
    appender: Appender,
    writer: JoinHandle<()>,
}

/// A handle request handlers append through; cheap to clone.
#[derive(Clone)]
pub struct Appender {
    queue: mpsc::Sender<Append>,
    received: Arc<AtomicU64>,
}

struct Append {
    lines: Vec<u8>,
    events: u64,
    stored: oneshot::Sender<Result<(), String>>,
}

impl EventLog {
    /// Opens `path` for appending (creating it) and starts the writer.
    pub fn open(path: &Path, durability: Durability) -> anyhow::Result<EventLog> {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .with_context(|| format!("cannot open {} for appending", path.display()))?;
        let length = file.metadata()?.len();
        let (queue, waiting) = mpsc::channel(QUEUE_LENGTH);
        let received = Arc::new(AtomicU64::new(0));
        let writer = Writer {
            file,
            length,
            durability,
            received: Arc::clone(&received),
            name: path.display().to_string(),
        };
        let writer = thread::Builder::new()
            .name("collect-writer".to_owned())
            .spawn(move || writer.run(waiting))?;
        Ok(EventLog {
            appender: Appender { queue, received },
            writer,
        })
    }

    pub fn appender(&self) -> Appender {
        self.appender.clone()
    }

    /// Waits until every append queued by any [`Appender`] is in the file. Call it once
    /// the handlers are gone (their appenders dropped), or it waits for them.
    pub fn close(self) -> io::Result<()> {
        drop(self.appender);
        self.writer
            .join()
            .map_err(|_| io::Error::other("the events file's writer panicked"))
    }
}

impl Appender {
    /// Appends `lines` (whole JSON lines holding `events` events) and returns once they
    /// are in the file, or why they are not (then none of them is).
    pub async fn append(&self, lines: Vec<u8>, events: u64) -> Result<(), String> {
        let (stored, outcome) = oneshot::channel();
        let append = Append {
            lines,
            events,
            stored,
        };
        let closed = || "the events file is closing".to_owned();
        self.queue.send(append).await.map_err(|_| closed())?;
        outcome.await.map_err(|_| closed())?
    }

    /// Events stored since the collector started.
    pub fn received(&self) -> u64 {
        self.received.load(Ordering::SeqCst)
    }
}

struct Writer {
    file: File,
    /// The file's length after the last good batch: a failed write is cut back to it.
    length: u64,
    durability: Durability,
    received: Arc<AtomicU64>,
    name: String,
}

impl Writer {
    fn run(mut self, mut waiting: mpsc::Receiver<Append>) {
        let mut batch = Vec::new();
        let mut bytes = Vec::new();
        while let Some(first) = waiting.blocking_recv() {
            batch.push(first);
            while let Ok(next) = waiting.try_recv() {
                batch.push(next);
            }
            bytes.clear();
            for append in &batch {
                bytes.extend_from_slice(&append.lines);
            }
            let outcome = self.write(&bytes);
            if outcome.is_ok() {
                let events = batch.iter().map(|append| append.events).sum();
                self.received.fetch_add(events, Ordering::SeqCst);
            }
            for append in batch.drain(..) {
                // The handler may be gone (its client hung up); the events stay stored.
                let _ = append.stored.send(outcome.clone());
            }
        }
        // Every handle is dropped and every batch written: one last sync makes a clean
        // stop durable whatever the policy.
        if let Err(error) = self.file.sync_all() {
            warn(format_args!("cannot sync {}: {error}", self.name));
        }
    }

    fn write(&mut self, bytes: &[u8]) -> Result<(), String> {
        let written = self
            .file
            .write_all(bytes)
            .and_then(|()| match self.durability {
                Durability::Written => Ok(()),
                Durability::Synced => self.file.sync_data(),
            });
        match written {
            Ok(()) => {
                self.length += bytes.len() as u64;
                Ok(())
            }
            Err(error) => {
                warn(format_args!("cannot append to {}: {error}", self.name));
                // A refused body must leave nothing behind, or the client's retry would
                // store its events twice.
                if let Err(error) = self.file.set_len(self.length) {
                    warn(format_args!(
                        "cannot cut {} back after a failed append: {error}",
                        self.name
                    ));
                }
                Err(format!("cannot store the events: {error}"))
            }
        }
    }
}
