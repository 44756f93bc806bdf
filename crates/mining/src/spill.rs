//! Sorted runs: how the miner counts more than fits in its memory budget.
//!
//! When a buffer (of baskets, or of pairs) is full, it is sorted, equal keys are
//! combined, and the records are written to a run in spill space; at the end the runs
//! are merged back in key order, combining equal keys across runs, so the merged
//! stream is what one big in-memory sort would have given. Runs are compact (varints,
//! delta-coded keys) and a merge reads at most [`MERGE_FAN_IN`] of them at once, with
//! a fixed buffer each; more runs are first merged in groups into longer ones.
//!
//! The crate does no file I/O itself: the caller provides the space through
//! [`SpillSpace`] (the command-line tool: anonymous files in `--temp-dir`).

use std::cmp::Reverse;
use std::collections::BinaryHeap;
use std::fmt;
use std::io::{self, Read, Seek, SeekFrom, Write};

/// Runs merged at once; more are first merged in groups of this many.
pub(crate) const MERGE_FAN_IN: usize = 64;

/// Bytes buffered per run being read or written.
pub(crate) const RUN_BUFFER_LEN: usize = 64 * 1024;

/// Somewhere to put sorted runs that do not fit in memory.
pub trait SpillSpace {
    /// One run: written once from its start, then read back from its start.
    type Run: Read + Write + Seek;

    /// A new, empty run.
    fn create_run(&mut self) -> io::Result<Self::Run>;
}

/// What spilling took, for the command-line tool's summary.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SpillReport {
    /// Runs of baskets written while reading (0: the baskets fit in memory).
    pub basket_runs: u64,
    /// Runs of pair counts written while counting (0: the pairs fit, or were never
    /// needed).
    pub pair_runs: u64,
    /// Runs written by merging groups of runs (when there were more than 64).
    pub merged_runs: u64,
    /// Bytes written to spill space, all runs together.
    pub bytes_written: u64,
}

impl SpillReport {
    /// Whether anything went to spill space.
    pub fn spilled(&self) -> bool {
        self.bytes_written > 0
    }
}

/// Spill space failed: it is full, gone, or a run came back different.
#[derive(Debug, thiserror::Error)]
pub struct SpillError {
    /// What was being done (`write a sorted run`, ...).
    pub action: &'static str,
    /// Bytes written to spill space before the failure.
    pub bytes_written: u64,
    /// The underlying error.
    #[source]
    pub source: io::Error,
}

impl fmt::Display for SpillError {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            formatter,
            "cannot {} in the temporary space ({} bytes of runs written so far): {}; free \
             space there or use another directory, or allow more memory so that fewer \
             runs are needed",
            self.action, self.bytes_written, self.source
        )
    }
}

/// The encoding of one kind of record in runs.
pub(crate) trait RunFormat {
    /// A record.
    type Record;
    /// What runs are sorted by; records with equal keys are combined.
    type Key: Ord + Copy;

    /// The record's key.
    fn key(record: &Self::Record) -> Self::Key;
    /// Folds `other` (same key) into `into`.
    fn combine(into: &mut Self::Record, other: Self::Record);
    /// Appends the record to `out`; `previous` is the key of the record before it.
    fn encode(record: &Self::Record, previous: Option<Self::Key>, out: &mut Vec<u8>);
    /// Reads the record [`RunFormat::encode`] wrote.
    fn decode<R: Read>(
        input: &mut RunBytes<R>,
        previous: Option<Self::Key>,
    ) -> io::Result<Self::Record>;
}

/// A run in spill space and what it holds.
pub(crate) struct StoredRun<R> {
    file: R,
    records: u64,
}

/// Writes one run, record by record, in key order.
pub(crate) struct RunWriter<F: RunFormat, R> {
    file: R,
    buffer: Vec<u8>,
    previous: Option<F::Key>,
    records: u64,
    bytes: u64,
}

impl<F: RunFormat, R: Read + Write + Seek> RunWriter<F, R> {
    /// Starts a run in a new file of `space`.
    pub fn create<S: SpillSpace<Run = R>>(
        space: &mut S,
        report: &SpillReport,
    ) -> Result<Self, SpillError> {
        let file = space
            .create_run()
            .map_err(|source| spill_error("create a run file", report, source))?;
        Ok(RunWriter {
            file,
            buffer: Vec::with_capacity(RUN_BUFFER_LEN + 64),
            previous: None,
            records: 0,
            bytes: 0,
        })
    }

    /// Appends a record; keys must not decrease.
    pub fn push(&mut self, record: &F::Record, report: &SpillReport) -> Result<(), SpillError> {
        let previous = self.previous;
        self.push_with(
            F::key(record),
            |out| F::encode(record, previous, out),
            report,
        )
    }

    /// Appends the record with key `key` that `encode` writes (as [`RunFormat::encode`]
    /// would, given the previous key), for callers that hold the record's parts rather
    /// than a record.
    pub fn push_with(
        &mut self,
        key: F::Key,
        encode: impl FnOnce(&mut Vec<u8>),
        report: &SpillReport,
    ) -> Result<(), SpillError> {
        debug_assert!(self.previous.is_none_or(|previous| previous <= key));
        encode(&mut self.buffer);
        self.previous = Some(key);
        self.records += 1;
        if self.buffer.len() >= RUN_BUFFER_LEN {
            self.flush(report)?;
        }
        Ok(())
    }

    fn flush(&mut self, report: &SpillReport) -> Result<(), SpillError> {
        self.file
            .write_all(&self.buffer)
            .map_err(|source| spill_error("write a sorted run", report, source))?;
        self.bytes += self.buffer.len() as u64;
        self.buffer.clear();
        Ok(())
    }

    /// Ends the run, counting its bytes in `report`.
    pub fn finish(mut self, report: &mut SpillReport) -> Result<StoredRun<R>, SpillError> {
        self.flush(report)?;
        self.file
            .flush()
            .map_err(|source| spill_error("write a sorted run", report, source))?;
        report.bytes_written += self.bytes;
        Ok(StoredRun {
            file: self.file,
            records: self.records,
        })
    }
}

fn spill_error(action: &'static str, report: &SpillReport, source: io::Error) -> SpillError {
    SpillError {
        action,
        bytes_written: report.bytes_written,
        source,
    }
}

/// Buffered bytes of a run being read back, with the varint and fixed-width readers
/// the formats need.
pub(crate) struct RunBytes<R> {
    file: R,
    buffer: Box<[u8]>,
    position: usize,
    filled: usize,
}

impl<R: Read> RunBytes<R> {
    fn new(file: R) -> Self {
        RunBytes {
            file,
            buffer: vec![0; RUN_BUFFER_LEN].into_boxed_slice(),
            position: 0,
            filled: 0,
        }
    }

    /// The next byte.
    #[inline]
    pub fn byte(&mut self) -> io::Result<u8> {
        if self.position == self.filled {
            self.refill()?;
        }
        let byte = self.buffer[self.position];
        self.position += 1;
        Ok(byte)
    }

    #[cold]
    fn refill(&mut self) -> io::Result<()> {
        loop {
            match self.file.read(&mut self.buffer) {
                Ok(0) => {
                    return Err(io::Error::new(
                        io::ErrorKind::UnexpectedEof,
                        "a sorted run ended early: its temporary file was cut or changed",
                    ))
                }
                Ok(read) => {
                    self.position = 0;
                    self.filled = read;
                    return Ok(());
                }
                Err(error) if error.kind() == io::ErrorKind::Interrupted => {}
                Err(error) => return Err(error),
            }
        }
    }

    /// A LEB128 varint of up to 64 bits.
    #[inline]
    pub fn varint(&mut self) -> io::Result<u64> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7F) << shift;
            if byte & 0x80 == 0 {
                return Ok(value);
            }
        }
        Err(io::Error::new(
            io::ErrorKind::InvalidData,
            "a sorted run holds a varint longer than 64 bits: its temporary file was changed",
        ))
    }

    /// A little-endian u64.
    pub fn u64_le(&mut self) -> io::Result<u64> {
        let mut bytes = [0u8; 8];
        for byte in &mut bytes {
            *byte = self.byte()?;
        }
        Ok(u64::from_le_bytes(bytes))
    }
}

/// Appends `value` as a LEB128 varint.
#[inline]
pub(crate) fn push_varint(mut value: u64, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

/// A value read back from a run that cannot be what was written.
pub(crate) fn corrupt_run(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("a sorted run holds {what}: its temporary file was changed"),
    )
}

/// Reads one run's records back in order.
struct RunReader<F: RunFormat, R> {
    bytes: RunBytes<R>,
    remaining: u64,
    previous: Option<F::Key>,
}

impl<F: RunFormat, R: Read + Seek> RunReader<F, R> {
    fn open(mut run: StoredRun<R>) -> io::Result<Self> {
        run.file.seek(SeekFrom::Start(0))?;
        Ok(RunReader {
            bytes: RunBytes::new(run.file),
            remaining: run.records,
            previous: None,
        })
    }

    fn next(&mut self) -> io::Result<Option<F::Record>> {
        if self.remaining == 0 {
            return Ok(None);
        }
        self.remaining -= 1;
        let record = F::decode(&mut self.bytes, self.previous)?;
        self.previous = Some(F::key(&record));
        Ok(Some(record))
    }
}

/// Merges runs into one stream in key order, records with equal keys combined.
pub(crate) struct RunMerger<F: RunFormat, R> {
    readers: Vec<RunReader<F, R>>,
    heads: Vec<Option<F::Record>>,
    heap: BinaryHeap<Reverse<(F::Key, usize)>>,
}

impl<F: RunFormat, R: Read + Seek> RunMerger<F, R> {
    /// Opens at most [`MERGE_FAN_IN`] runs (see [`reduce_runs`]).
    pub fn new(runs: Vec<StoredRun<R>>, report: &SpillReport) -> Result<Self, SpillError> {
        debug_assert!(runs.len() <= MERGE_FAN_IN);
        let mut merger = RunMerger {
            readers: Vec::with_capacity(runs.len()),
            heads: Vec::with_capacity(runs.len()),
            heap: BinaryHeap::with_capacity(runs.len()),
        };
        for run in runs {
            let mut reader = RunReader::open(run)
                .map_err(|source| spill_error("read a sorted run back", report, source))?;
            let head = reader
                .next()
                .map_err(|source| spill_error("read a sorted run back", report, source))?;
            if let Some(record) = &head {
                merger
                    .heap
                    .push(Reverse((F::key(record), merger.readers.len())));
            }
            merger.readers.push(reader);
            merger.heads.push(head);
        }
        Ok(merger)
    }

    /// The next record in key order, with every equal-keyed record of every run folded
    /// into it; `None` at the end.
    pub fn next(&mut self, report: &SpillReport) -> Result<Option<F::Record>, SpillError> {
        let Some(Reverse((key, run))) = self.heap.pop() else {
            return Ok(None);
        };
        let mut record = self.advance(run, report)?;
        while let Some(&Reverse((next_key, next_run))) = self.heap.peek() {
            if next_key != key {
                break;
            }
            self.heap.pop();
            let other = self.advance(next_run, report)?;
            F::combine(&mut record, other);
        }
        Ok(Some(record))
    }

    /// Takes run `run`'s head and reads its next record into its place.
    fn advance(&mut self, run: usize, report: &SpillReport) -> Result<F::Record, SpillError> {
        let head = self.readers[run]
            .next()
            .map_err(|source| spill_error("read a sorted run back", report, source))?;
        if let Some(next) = &head {
            self.heap.push(Reverse((F::key(next), run)));
        }
        Ok(std::mem::replace(&mut self.heads[run], head).expect("a run in the heap has a head"))
    }
}

/// Merges groups of runs into longer runs until at most [`MERGE_FAN_IN`] remain, so
/// the final merge keeps a bounded number of files open and buffers in memory.
pub(crate) fn reduce_runs<F: RunFormat, S: SpillSpace>(
    mut runs: Vec<StoredRun<S::Run>>,
    space: &mut S,
    report: &mut SpillReport,
) -> Result<Vec<StoredRun<S::Run>>, SpillError> {
    while runs.len() > MERGE_FAN_IN {
        let group: Vec<_> = runs.drain(..MERGE_FAN_IN).collect();
        let mut merger = RunMerger::<F, S::Run>::new(group, report)?;
        let mut writer = RunWriter::<F, S::Run>::create(space, report)?;
        while let Some(record) = merger.next(report)? {
            writer.push(&record, report)?;
        }
        runs.push(writer.finish(report)?);
        report.merged_runs += 1;
    }
    Ok(runs)
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;
    use std::io::Cursor;

    /// Spill space in memory, so the run logic is tested without files (the
    /// command-line tests spill to real files).
    #[derive(Default)]
    pub(crate) struct MemorySpace {
        pub runs_created: usize,
    }

    impl SpillSpace for MemorySpace {
        type Run = Cursor<Vec<u8>>;

        fn create_run(&mut self) -> io::Result<Self::Run> {
            self.runs_created += 1;
            Ok(Cursor::new(Vec::new()))
        }
    }

    /// `(key, count)` records with delta-coded keys, as pair runs store them.
    struct Counted;

    impl RunFormat for Counted {
        type Record = (u64, u64);
        type Key = u64;

        fn key(record: &(u64, u64)) -> u64 {
            record.0
        }

        fn combine(into: &mut (u64, u64), other: (u64, u64)) {
            into.1 += other.1;
        }

        fn encode(record: &(u64, u64), previous: Option<u64>, out: &mut Vec<u8>) {
            push_varint(record.0 - previous.unwrap_or(0), out);
            push_varint(record.1, out);
        }

        fn decode<R: Read>(
            input: &mut RunBytes<R>,
            previous: Option<u64>,
        ) -> io::Result<(u64, u64)> {
            let key = previous.unwrap_or(0) + input.varint()?;
            Ok((key, input.varint()?))
        }
    }

    #[test]
    fn many_runs_merge_in_groups_into_one_sorted_combined_stream() {
        let mut space = MemorySpace::default();
        let mut report = SpillReport::default();
        let mut runs = Vec::new();
        let mut expected = std::collections::BTreeMap::new();
        // 150 runs force two group merges before the final one.
        for run in 0..150u64 {
            let mut writer = RunWriter::<Counted, _>::create(&mut space, &report).unwrap();
            for step in 0..40u64 {
                let key = (run * 7 + step * 13) % 211 + (step << 40);
                *expected.entry(key).or_insert(0) += run + 1;
            }
            let mut records: Vec<(u64, u64)> = (0..40u64)
                .map(|step| ((run * 7 + step * 13) % 211 + (step << 40), run + 1))
                .collect();
            records.sort_unstable();
            for record in &records {
                writer.push(record, &report).unwrap();
            }
            runs.push(writer.finish(&mut report).unwrap());
        }
        let runs = reduce_runs::<Counted, _>(runs, &mut space, &mut report).unwrap();
        assert!(runs.len() <= MERGE_FAN_IN);
        assert_eq!(report.merged_runs, 2);
        let mut merger = RunMerger::<Counted, _>::new(runs, &report).unwrap();
        let mut merged = Vec::new();
        while let Some(record) = merger.next(&report).unwrap() {
            merged.push(record);
        }
        assert_eq!(merged, expected.into_iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_cut_run_is_an_error_not_a_short_stream() {
        let mut space = MemorySpace::default();
        let mut report = SpillReport::default();
        let mut writer = RunWriter::<Counted, _>::create(&mut space, &report).unwrap();
        for key in 0..1000u64 {
            writer.push(&(key * 1000, 1), &report).unwrap();
        }
        let mut run = writer.finish(&mut report).unwrap();
        let cut = run.file.get_ref().len() / 2;
        run.file.get_mut().truncate(cut);
        let mut merger = RunMerger::<Counted, _>::new(vec![run], &report).unwrap();
        let error = loop {
            match merger.next(&report) {
                Ok(Some(_)) => continue,
                Ok(None) => panic!("a cut run read to the end"),
                Err(error) => break error,
            }
        };
        assert_eq!(error.source.kind(), io::ErrorKind::UnexpectedEof);
        assert!(error.to_string().contains("cannot read a sorted run back"));
    }
}
