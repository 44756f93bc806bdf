//! `alsobought report`: the widget's collected events (JSON lines, `docs/events.md`)
//! → per experiment and variant: exposures, impressions, rates and revenue with 95%
//! intervals and the lift over the baseline, as a terminal table, JSON or CSV, plus an
//! SVG chart.
//!
//! Glue: this file parses lines into alsobought-analytics' `Event`s, that
//! crate counts and does the statistics, and `report_output` /
//! `report_chart` write the result. The file is read in windows of whole lines whose
//! lines are parsed on all cores in large chunks (a million events are several
//! hundred megabytes of JSON) and folded in file order.

use std::borrow::Cow;
use std::fs;
use std::io::{self, BufWriter, Read, Write};
use std::path::PathBuf;

use alsobought_analytics::{Event, EventAggregator, Report, ReportOptions};
use alsobought_core::events::{EventKind, SCHEMA_VERSION};
use anyhow::{bail, Context};
use clap::{Args, ValueEnum};
use rayon::prelude::*;
use serde::Deserialize;

use super::report_chart::write_chart;
use super::report_output::{write_csv, write_json, write_table};
use crate::input::skips::{RowProblem, SkipReport};
use crate::input::source::open_input;
use crate::input::values::parse_currency;
use crate::report::{count_of, warn, warn_about_skips};

/// Bytes of input parsed per parallel task: large enough that splitting costs
/// nothing, small enough that the core folding the previous batch finds chunks left
/// to parse when it is done.
const CHUNK_BYTES: usize = 1 << 20;

/// Chunks per core in one batch.
const CHUNKS_PER_CORE: usize = 4;

/// Bytes of input held at a time (plus the parsed lines of up to two batches).
const WINDOW_BYTES: usize = 64 << 20;

/// `alsobought report`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Report A/B results from collected widget events: rates, revenue, lift, intervals",
    after_help = REPORT_AFTER_HELP
)]
pub struct ReportArgs {
    /// Events FILE: JSON lines as `alsobought collect` writes them (docs/events.md);
    /// gzip is decompressed transparently and `-` reads standard input.
    #[arg(value_name = "EVENTS.jsonl")]
    events: PathBuf,

    /// Write the report as FORMAT to standard output.
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = ReportFormat::Table)]
    format: ReportFormat,

    /// Also draw every metric of every variant with its 95% interval into FILE, a
    /// self-contained SVG image [default: no chart].
    #[arg(long, value_name = "FILE.svg")]
    chart: Option<PathBuf>,

    /// Compare every variant with variant NAME [default: the holdout, else `control`].
    #[arg(long, value_name = "NAME")]
    baseline: Option<String>,

    /// Sum revenue in currency CODE (ISO 4217); purchases in other currencies are
    /// counted, not converted [default: the most frequent currency among purchases].
    #[arg(long, value_name = "CODE", value_parser = parse_currency)]
    currency: Option<String>,

    /// Fail at the first line that is not a usable event instead of skipping it with
    /// a warning [default: off].
    #[arg(long)]
    strict: bool,
}

const REPORT_AFTER_HELP: &str = "\
Examples:
  alsobought report events.jsonl
  alsobought report events.jsonl --chart results.svg --format csv > results.csv

Rates (click-through, add-to-cart) are per list view with Wilson intervals;
revenue is per exposed visitor (the unit of randomisation), so its intervals
account for visitors seeing the widget several times. docs/events.md has the
definitions.";

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ReportFormat {
    /// Aligned columns for people.
    Table,
    /// One JSON document.
    Json,
    /// One row per experiment, variant and metric.
    Csv,
}

/// The fields of an event line the report reads; the rest (items, context, ...) is
/// skipped by the parser without being built.
#[derive(Deserialize)]
struct EventLine<'a> {
    v: u64,
    #[serde(rename = "type", borrow)]
    kind: Cow<'a, str>,
    ts: i64,
    #[serde(borrow)]
    visitor_id: Cow<'a, str>,
    #[serde(borrow, default)]
    page_view_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    list_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    experiment: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    variant: Option<Cow<'a, str>>,
    #[serde(default)]
    holdout: bool,
    #[serde(default)]
    forced: bool,
    #[serde(borrow, default)]
    order_id: Option<Cow<'a, str>>,
    #[serde(borrow, default)]
    currency: Option<Cow<'a, str>>,
    #[serde(default)]
    value: Option<f64>,
    #[serde(default)]
    attributed_value: Option<f64>,
}

impl<'a> EventLine<'a> {
    fn event(&'a self, kind: EventKind) -> Event<'a> {
        Event {
            kind,
            timestamp_ms: self.ts,
            visitor_id: &self.visitor_id,
            page_view_id: self.page_view_id.as_deref(),
            list_id: self.list_id.as_deref(),
            experiment: self.experiment.as_deref(),
            variant: self.variant.as_deref(),
            holdout: self.holdout,
            forced: self.forced,
            order_id: self.order_id.as_deref(),
            currency: self.currency.as_deref(),
            value: self.value,
            attributed_value: self.attributed_value,
        }
    }
}

/// One line's outcome: an event to count, or what is wrong with it.
enum ParsedLine<'a> {
    Event(EventLine<'a>, EventKind),
    Blank,
    Problem(RowProblem),
}

/// An events file, read and counted.
pub struct EventsRead {
    /// The figures.
    pub report: Report,
    /// The lines that were not usable events, by reason.
    pub skips: SkipReport,
    /// Lines read.
    pub lines: u64,
}

/// Runs `alsobought report`.
pub fn run(args: &ReportArgs, _quiet: bool) -> anyhow::Result<()> {
    let input = open_input(&args.events)?;
    let source = input.name.clone();
    let options = ReportOptions {
        baseline: args.baseline.clone(),
        currency: args.currency.clone(),
    };
    let EventsRead {
        report,
        skips,
        lines: line_number,
    } = read_events(input.reader, &source, options, args.strict)?;
    warn_about_skips(&source, &skips);

    if report.experiments.is_empty() {
        bail!(
            "{source}: no usable event in {}; see docs/events.md for the format",
            count_of(line_number, "line", "lines")
        );
    }
    let counts = &report.counts;
    if counts.purchases_in_other_currencies > 0 {
        warn(format_args!(
            "{} in {} left out: revenue is summed in {} (choose with --currency)",
            count_of(
                counts.purchases_in_other_currencies,
                "purchase",
                "purchases"
            ),
            counts.other_currencies.join(", "),
            report.currency.as_deref().unwrap_or("-"),
        ));
    }
    for experiment in &report.experiments {
        if experiment.visitors_in_several_variants > 0 {
            warn(format_args!(
                "experiment {}: {} exposed in several variants, counted in their first \
                 (did the variants spec change while it ran?)",
                experiment.name.as_deref().unwrap_or("-"),
                count_of(
                    experiment.visitors_in_several_variants,
                    "visitor was",
                    "visitors were"
                ),
            ));
        }
        if let (Some(wanted), Some(name)) = (&args.baseline, &experiment.name) {
            if experiment.baseline.as_deref() != Some(wanted.as_str()) {
                warn(format_args!(
                    "experiment {name} has no variant {wanted:?} (--baseline); comparing with {}",
                    experiment.baseline.as_deref().unwrap_or("nothing")
                ));
            }
        }
    }

    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match args.format {
        ReportFormat::Table => write_table(&mut out, &report)?,
        ReportFormat::Json => write_json(&mut out, &report)?,
        ReportFormat::Csv => write_csv(&mut out, &report)?,
    }
    out.flush().context("cannot write to standard output")?;
    if let Some(path) = &args.chart {
        let mut svg = Vec::new();
        write_chart(&mut svg, &report)?;
        fs::write(path, svg)
            .with_context(|| format!("cannot write the chart to {}", path.display()))?;
    }
    Ok(())
}

/// Reads the event lines of `reader` (called `source` in messages) and counts them;
/// with `strict`, the first line that is not a usable event is an error naming it.
pub fn read_events(
    mut reader: impl Read,
    source: &str,
    options: ReportOptions,
    strict: bool,
) -> anyhow::Result<EventsRead> {
    let mut folder = EventFolder {
        aggregator: EventAggregator::new(options),
        skips: SkipReport::default(),
        line_number: 0,
        strict,
        source,
    };
    // The file is read in windows of whole lines, so memory stays bounded however
    // many events were collected.
    let mut window = Vec::with_capacity(WINDOW_BYTES + CHUNK_BYTES);
    let mut carried = Vec::new();
    loop {
        window.clear();
        window.append(&mut carried);
        let at_end = fill_window(&mut reader, &mut window, &mut carried, WINDOW_BYTES)
            .with_context(|| format!("cannot read {source}"))?;
        fold_window(&window, &mut folder)?;
        if at_end {
            break;
        }
    }
    Ok(EventsRead {
        report: folder.aggregator.finish(),
        skips: folder.skips,
        lines: folder.line_number,
    })
}

/// Reads into `window` (which may already hold the start of a line) until it holds
/// at least `window_bytes`, then moves the bytes after its last line end into
/// `carried`; returns whether the input is exhausted.
fn fill_window(
    reader: &mut impl Read,
    window: &mut Vec<u8>,
    carried: &mut Vec<u8>,
    window_bytes: usize,
) -> io::Result<bool> {
    loop {
        // Straight into the window's spare room (no bounce buffer); once it is full
        // and a line is still open, in quarter-window steps.
        let wanted = window_bytes
            .saturating_sub(window.len())
            .max(window_bytes / 4)
            .max(1);
        let before = window.len();
        let read = reader.by_ref().take(wanted as u64).read_to_end(window)?;
        if read < wanted {
            return Ok(true);
        }
        if window.len() >= window_bytes {
            // Earlier bytes hold no line end (or the last round would have cut there).
            if let Some(offset) = window[before..].iter().rposition(|&byte| byte == b'\n') {
                let last = before + offset;
                carried.extend_from_slice(&window[last + 1..]);
                window.truncate(last + 1);
                return Ok(false);
            }
        }
    }
}

/// Parses a window's lines and folds them: batches of a few chunks per core are
/// parsed in parallel while the previous batch is folded into the aggregator, which
/// has to see the lines in file order.
fn fold_window(window: &[u8], folder: &mut EventFolder<'_>) -> anyhow::Result<()> {
    let chunks: Vec<&[u8]> = line_aligned_chunks(window, CHUNK_BYTES).collect();
    let mut parsed_batch: Option<Vec<Vec<ParsedLine<'_>>>> = None;
    for batch in chunks.chunks(rayon::current_num_threads().max(1) * CHUNKS_PER_CORE) {
        let previous = parsed_batch.take();
        let (parsed, folded) = rayon::join(
            || parse_batch(batch),
            || previous.map_or(Ok(()), |lines| folder.fold(lines)),
        );
        folded?;
        parsed_batch = Some(parsed);
    }
    match parsed_batch {
        Some(lines) => folder.fold(lines),
        None => Ok(()),
    }
}

/// Parses each chunk's lines, the chunks in parallel.
fn parse_batch<'a>(chunks: &[&'a [u8]]) -> Vec<Vec<ParsedLine<'a>>> {
    chunks.par_iter().map(|chunk| parse_chunk(chunk)).collect()
}

/// Parses the lines of one chunk. A chunk of valid UTF-8 (the normal case) is split
/// with the standard library's memchr-based search and parsed as text, which serde
/// then need not validate string by string: together four times faster than splitting
/// bytes one by one. A chunk with invalid UTF-8 goes line by line, so only the bad
/// lines are refused.
fn parse_chunk(chunk: &[u8]) -> Vec<ParsedLine<'_>> {
    match std::str::from_utf8(chunk) {
        Ok(text) => {
            // Sized once: growing a vector of large parsed lines by doubling moved
            // them around and churned the allocator.
            let mut lines = Vec::with_capacity(text.matches('\n').count() + 1);
            lines.extend(text.split('\n').map(parse_line));
            lines
        }
        Err(_) => chunk
            .split(|&byte| byte == b'\n')
            .map(|line| match std::str::from_utf8(line) {
                Ok(text) => parse_line(text),
                Err(error) => ParsedLine::Problem(RowProblem {
                    reason: "not UTF-8",
                    field: None,
                    detail: format!(
                        "the line is not valid UTF-8 (invalid byte at column {}); events are UTF-8 JSON",
                        error.valid_up_to() + 1
                    ),
                }),
            })
            .collect(),
    }
}

/// Folds parsed lines into the aggregator in file order, keeping count of lines and
/// of the ones skipped.
struct EventFolder<'s> {
    aggregator: EventAggregator,
    skips: SkipReport,
    line_number: u64,
    strict: bool,
    source: &'s str,
}

impl EventFolder<'_> {
    fn fold(&mut self, chunks: Vec<Vec<ParsedLine<'_>>>) -> anyhow::Result<()> {
        for line in chunks.into_iter().flatten() {
            self.line_number += 1;
            let problem = match line {
                ParsedLine::Blank => continue,
                ParsedLine::Problem(problem) => problem,
                ParsedLine::Event(line, kind) => match self.aggregator.add(&line.event(kind)) {
                    Ok(()) => continue,
                    Err(problem) => RowProblem {
                        reason: problem.reason,
                        field: None,
                        detail: problem.detail,
                    },
                },
            };
            if self.strict {
                bail!(
                    "{}; stopping because of --strict (without it the line is skipped with a warning)",
                    problem.at(self.source, self.line_number)
                );
            }
            self.skips.skip(self.line_number, problem);
        }
        Ok(())
    }
}

/// Splits `bytes` into pieces of about `target` bytes that end at a line end (the
/// last one at the end of the input), so each can be parsed on its own and the lines
/// still come out in order.
fn line_aligned_chunks(bytes: &[u8], target: usize) -> impl Iterator<Item = &[u8]> {
    let mut rest = bytes;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let cut = if rest.len() <= target {
            rest.len()
        } else {
            match rest[target..].iter().position(|&byte| byte == b'\n') {
                // The newline stays with this chunk: the next starts a fresh line.
                Some(offset) => target + offset + 1,
                None => rest.len(),
            }
        };
        let (chunk, remainder) = rest.split_at(cut);
        rest = remainder;
        // A chunk ending in a newline would yield an empty last "line": drop it.
        Some(chunk.strip_suffix(b"\n").unwrap_or(chunk))
    })
}

fn parse_line(line: &str) -> ParsedLine<'_> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    if line.trim().is_empty() {
        return ParsedLine::Blank;
    }
    let parsed: EventLine<'_> = match serde_json::from_str(line) {
        Ok(parsed) => parsed,
        Err(error) => {
            return ParsedLine::Problem(RowProblem {
                reason: "not an event",
                field: None,
                detail: format!("not an event line ({error})"),
            })
        }
    };
    if parsed.v != SCHEMA_VERSION {
        return ParsedLine::Problem(RowProblem::in_field(
            "unsupported version",
            "v",
            format!(
                "schema version {} is not {SCHEMA_VERSION}, the one this alsobought reads (upgrade alsobought)",
                parsed.v
            ),
        ));
    }
    match EventKind::from_name(&parsed.kind) {
        Some(kind) => ParsedLine::Event(parsed, kind),
        None => ParsedLine::Problem(RowProblem::in_field(
            "unknown type",
            "type",
            format!(
                "unknown event type {:?} (known: exposure, impression, click, add_to_cart, purchase)",
                parsed.kind
            ),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_end_at_line_ends_and_keep_every_line() {
        let text = b"aaaa\nbb\ncccccc\nd\n\ne";
        for target in 1..text.len() + 2 {
            let lines: Vec<&[u8]> = line_aligned_chunks(text, target)
                .flat_map(|chunk| chunk.split(|&byte| byte == b'\n'))
                .collect();
            assert_eq!(
                lines,
                [&b"aaaa"[..], b"bb", b"cccccc", b"d", b"", b"e"],
                "target {target}"
            );
        }
    }

    #[test]
    fn windows_hold_whole_lines_and_lose_none() {
        let text: Vec<u8> = (0..5000)
            .flat_map(|number| format!("line {number}\n").into_bytes())
            .chain(*b"last line without end")
            .collect();
        for window_bytes in [1, 7, 100, 1 << 20] {
            let mut reader = &text[..];
            let (mut window, mut carried, mut seen) = (Vec::new(), Vec::new(), Vec::new());
            loop {
                window.clear();
                window.append(&mut carried);
                let at_end =
                    fill_window(&mut reader, &mut window, &mut carried, window_bytes).unwrap();
                assert!(at_end || window.ends_with(b"\n"), "a window ends mid-line");
                seen.extend_from_slice(&window);
                if at_end {
                    break;
                }
            }
            assert_eq!(seen, text, "window of {window_bytes} bytes");
        }
    }

    #[test]
    fn lines_are_events_blanks_or_problems() {
        let event = r#"{"v":1,"type":"click","ts":5,"visitor_id":"a\u0062","page_view_id":"p","list_id":"l","items":[{"item_id":"x"}]}"#;
        match parse_line(event) {
            ParsedLine::Event(line, EventKind::Click) => assert_eq!(line.visitor_id, "ab"),
            _ => panic!("not parsed as a click"),
        }
        assert!(matches!(parse_line("  \r"), ParsedLine::Blank));
        for (line, reason) in [
            ("{\"v\":1", "not an event"),
            (
                "{\"v\":2,\"type\":\"click\",\"ts\":1,\"visitor_id\":\"a\"}",
                "unsupported version",
            ),
            (
                "{\"v\":1,\"type\":\"hover\",\"ts\":1,\"visitor_id\":\"a\"}",
                "unknown type",
            ),
            (
                "{\"v\":1,\"type\":\"click\",\"visitor_id\":\"a\"}",
                "not an event",
            ),
        ] {
            match parse_line(line) {
                ParsedLine::Problem(problem) => assert_eq!(problem.reason, reason),
                _ => panic!("{line} was accepted"),
            }
        }
        // Invalid UTF-8 costs only its own line.
        let chunk = b"{\"v\":1,\"type\":\"click\",\"ts\":1,\"visitor_id\":\"a\",\"page_view_id\":\"p\",\"list_id\":\"l\"}\n\xff\n";
        let lines = parse_chunk(chunk);
        assert!(matches!(lines[0], ParsedLine::Event(_, EventKind::Click)));
        assert!(matches!(&lines[1], ParsedLine::Problem(problem) if problem.reason == "not UTF-8"));
        assert!(matches!(lines[2], ParsedLine::Blank));
    }
}
