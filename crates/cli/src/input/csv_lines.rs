//! The line a CSV record starts on, for messages like `orders.csv:1234: ...`.
//!
//! The `csv` crate's own `ByteRecord::position().line()` is where the reader *was*
//! when it started the record, which is off by one for every record of a CRLF file
//! (the `\n` of the previous `\r\n` is still unread) and points at the first of any
//! blank lines before the record. What it counts reliably is the `\n` bytes consumed
//! so far; from that, whether the record's own terminator was a consumed `\n`, and the
//! newlines inside its quoted fields, the first line follows exactly; whether the
//! terminator was consumed depends on the file's line ending and on whether the record
//! ran into the end of the input, which [`EndTracker`] notices.

use std::io::{self, BufRead, BufReader, Read};

/// How the file ends its lines, told from its first line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineEnding {
    /// `\n`: the csv reader consumes it as the record's terminator.
    Lf,
    /// `\r\n`: the csv reader stops at `\r` and consumes the `\n` with the next record.
    CrLf,
    /// A lone `\r` (classic Mac OS): no `\n` to count, so lines are counted as
    /// records, which is exact as long as no field holds a line break.
    Cr,
}

impl LineEnding {
    /// Looks at the first line break in `start` (the first bytes of the file).
    pub fn detect(start: &[u8]) -> LineEnding {
        match start
            .iter()
            .position(|&byte| byte == b'\n' || byte == b'\r')
        {
            Some(at) if start[at] == b'\r' && start.get(at + 1) == Some(&b'\n') => LineEnding::CrLf,
            Some(at) if start[at] == b'\r' && at + 1 < start.len() => LineEnding::Cr,
            _ => LineEnding::Lf,
        }
    }
}

/// A CSV reader that can say on which line each record starts.
pub struct LinedCsv<R> {
    /// The reader; read records from it with `read_byte_record` / `read_record`.
    pub csv: csv::Reader<BufReader<EndTracker<R>>>,
    ending: LineEnding,
}

impl<R: Read> LinedCsv<R> {
    /// Wraps `input`, peeking at its first bytes to learn its line ending.
    pub fn new(input: R, builder: &csv::ReaderBuilder) -> io::Result<Self> {
        let mut buffered = BufReader::with_capacity(1 << 16, EndTracker::new(input));
        let ending = LineEnding::detect(buffered.fill_buf()?);
        Ok(LinedCsv {
            csv: builder.from_reader(buffered),
            ending,
        })
    }

    /// The 1-based line `record` starts on; call right after the reader returned it.
    /// `records_read` counts the data records so far, this one included (used only
    /// for [`LineEnding::Cr`] files).
    pub fn start_line(&self, record: &csv::ByteRecord, records_read: u64) -> u64 {
        let position = self.csv.position();
        let inner_newlines = record
            .as_slice()
            .iter()
            .filter(|&&byte| byte == b'\n')
            .count() as u64;
        let ran_into_end = self.csv.get_ref().get_ref().ends_at(position.byte());
        let last_line = match self.ending {
            LineEnding::Lf if !ran_into_end => position.line() - 1,
            LineEnding::Lf | LineEnding::CrLf => position.line(),
            LineEnding::Cr => return records_read + 1,
        };
        last_line.saturating_sub(inner_newlines).max(1)
    }
}

/// Counts the bytes passed through and notices the end of the input, so a record
/// that ran into the end (no line break after it) can be told apart.
pub struct EndTracker<R> {
    inner: R,
    passed: u64,
    reached_end: bool,
}

impl<R> EndTracker<R> {
    fn new(inner: R) -> Self {
        EndTracker {
            inner,
            passed: 0,
            reached_end: false,
        }
    }

    /// Whether the input has ended and was `offset` bytes long.
    fn ends_at(&self, offset: u64) -> bool {
        self.reached_end && self.passed == offset
    }
}

impl<R: Read> Read for EndTracker<R> {
    fn read(&mut self, buffer: &mut [u8]) -> io::Result<usize> {
        let read = self.inner.read(buffer)?;
        self.passed += read as u64;
        self.reached_end |= read == 0 && !buffer.is_empty();
        Ok(read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The first field of each record with its start line.
    fn lines_of(text: &str) -> Vec<(String, u64)> {
        let mut reader = LinedCsv::new(text.as_bytes(), &csv::ReaderBuilder::new()).unwrap();
        let mut record = csv::ByteRecord::new();
        let mut found = Vec::new();
        let mut records = 0;
        while reader.csv.read_byte_record(&mut record).unwrap() {
            records += 1;
            let line = reader.start_line(&record, records);
            found.push((String::from_utf8_lossy(&record[0]).into_owned(), line));
        }
        found
    }

    fn expected(pairs: &[(&str, u64)]) -> Vec<(String, u64)> {
        pairs
            .iter()
            .map(|(text, line)| ((*text).to_owned(), *line))
            .collect()
    }

    #[test]
    fn lf_with_blank_lines_and_a_multiline_field() {
        let text = "h\n1\n2\n\n5\n\"6\n6\"\n8\n";
        assert_eq!(
            lines_of(text),
            expected(&[("1", 2), ("2", 3), ("5", 5), ("6\n6", 6), ("8", 8)])
        );
    }

    #[test]
    fn crlf_with_blank_lines_and_a_multiline_field() {
        let text = "h\r\n1\r\n2\r\n\r\n5\r\n\"6\r\n6\"\r\n8\r\n";
        assert_eq!(
            lines_of(text),
            expected(&[("1", 2), ("2", 3), ("5", 5), ("6\r\n6", 6), ("8", 8)])
        );
    }

    #[test]
    fn last_record_without_a_line_break() {
        assert_eq!(lines_of("h\n1\n\n\n5"), expected(&[("1", 2), ("5", 5)]));
        assert_eq!(lines_of("h\r\n1\r\n\r\n4"), expected(&[("1", 2), ("4", 4)]));
    }

    #[test]
    fn carriage_returns_only() {
        assert_eq!(lines_of("h\r1\r2\r"), expected(&[("1", 2), ("2", 3)]));
    }

    #[test]
    fn detection_looks_at_the_first_break() {
        assert_eq!(LineEnding::detect(b"a,b\r\n1,2"), LineEnding::CrLf);
        assert_eq!(LineEnding::detect(b"a,b\n1,2\r\n"), LineEnding::Lf);
        assert_eq!(LineEnding::detect(b"a,b\r1,2"), LineEnding::Cr);
        assert_eq!(LineEnding::detect(b"a,b"), LineEnding::Lf);
    }
}
