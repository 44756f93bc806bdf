//! `alsobought report` on a million generated events, end to end (reading the file,
//! parsing every line, aggregating, writing the report): the figure the measurement
//! issue promises is under 2 seconds.
//!
//! The events are what a real store's collector would hold: every field of the schema
//! on every line, four items per impression, a realistic funnel (exposure → 70%
//! impressions → a few percent clicks and adds → purchases) over three variants with
//! a holdout, visitors assigned by the same `Variants::assign` the widget runs. The
//! generator is seeded, so every run reads the same bytes.
//!
//! Run with `cargo bench -p alsobought-cli --bench report`; `ALSOBOUGHT_BENCH_EVENTS`
//! changes the event count, and `ALSOBOUGHT_BENCH_EVENTS_FILE=PATH` keeps the generated
//! events at PATH (to try the report on them by hand). The result is printed and written into BENCHMARKS.md
//! between `<!-- report-bench:start -->` and `<!-- report-bench:end -->`.

use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use alsobought_core::experiment::Variants;

/// The figure the issue asks for.
const BUDGET: Duration = Duration::from_secs(2);
const DEFAULT_EVENTS: usize = 1_000_000;
const TIMED_RUNS: usize = 7;
const EXPERIMENT: &str = "fbt-bench";
const VARIANTS: &str = "control:45,compact:45,holdout:10";
const SECTION_START: &str = "<!-- report-bench:start -->";
const SECTION_END: &str = "<!-- report-bench:end -->";

/// splitmix64: small, fast and good enough to draw a synthetic funnel.
struct Random(u64);

impl Random {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// True with probability `percent` / 100.
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 10_000 < percent * 100
    }

    fn hex_id(&mut self) -> String {
        format!("{:016x}{:016x}", self.next(), self.next())
    }
}

fn item(out: &mut String, product: u64, index: Option<usize>) {
    let price = 5 + product % 60;
    let index = index.map_or("null".to_owned(), |index| index.to_string());
    write!(
        out,
        r#"{{"item_id":"SKU-{product}","item_name":"Product number {product} in the demo catalog","index":{index},"price":{price}.5,"item_category":"category-{}","quantity":1}}"#,
        product % 12
    )
    .unwrap();
}

/// Appends one event line with every schema field.
#[allow(clippy::too_many_arguments)]
fn event(
    out: &mut String,
    kind: &str,
    ts: u64,
    visitor: &str,
    page_view: &str,
    variant: Option<&str>,
    items: &[u64],
    value: Option<f64>,
    order: Option<(&str, f64)>,
) {
    let (experiment, variant_field, holdout) = match variant {
        Some(variant) => (
            format!("\"{EXPERIMENT}\""),
            format!("\"{variant}\""),
            variant == "holdout",
        ),
        None => ("null".to_owned(), "null".to_owned(), false),
    };
    let is_purchase = kind == "purchase";
    let list = if is_purchase {
        "null,\"list_name\":null,\"layout\":null".to_owned()
    } else {
        format!(
            "\"alsobought_product\",\"list_name\":\"Frequently bought together\",\"layout\":{}",
            if holdout { "null" } else { "\"carousel\"" }
        )
    };
    write!(
        out,
        r#"{{"v":1,"type":"{kind}","ts":{ts},"visitor_id":"{visitor}","page_view_id":"{page_view}","experiment":{experiment},"variant":{variant_field},"holdout":{holdout},"forced":false,"list_id":{list},"context":[{}],"items":["#,
        if is_purchase { "" } else { "\"SKU-1\"" }
    )
    .unwrap();
    for (index, &product) in items.iter().enumerate() {
        if index > 0 {
            out.push(',');
        }
        item(out, product, (!is_purchase).then_some(index));
    }
    let value = value.map_or("null".to_owned(), |value| format!("{value:.2}"));
    let (order_id, attributed) = match order {
        Some((id, attributed)) => (format!("\"{id}\""), format!("{attributed:.2}")),
        None => ("null".to_owned(), "null".to_owned()),
    };
    writeln!(
        out,
        r#"],"currency":"EUR","value":{value},"order_id":{order_id},"attributed_value":{attributed},"attributed_items":[],"received_at":{}}}"#,
        ts + 1500
    )
    .unwrap();
}

/// Writes `count` events to `path`; returns the file size.
fn generate(path: &Path, count: usize) -> u64 {
    let variants = Variants::parse(VARIANTS).unwrap();
    let mut random = Random(2026);
    let mut file = BufWriter::new(fs::File::create(path).unwrap());
    let mut line = String::new();
    let mut written = 0;
    let mut ts = 1_764_000_000_000u64;
    let mut orders = 0u64;
    while written < count {
        let visitor = random.hex_id();
        let variant = variants.assign(EXPERIMENT, &visitor).name.clone();
        let holdout = variant == "holdout";
        let mut added = Vec::new();
        for _ in 0..1 + random.next() % 5 {
            ts += 1 + random.next() % 60_000;
            let page_view = random.hex_id();
            let shown: Vec<u64> = (0..4).map(|_| random.next() % 5000).collect();
            line.clear();
            event(
                &mut line,
                "exposure",
                ts,
                &visitor,
                &page_view,
                Some(&variant),
                &[],
                None,
                None,
            );
            written += 1;
            if !holdout && random.chance(70) {
                event(
                    &mut line,
                    "impression",
                    ts + 900,
                    &visitor,
                    &page_view,
                    Some(&variant),
                    &shown,
                    None,
                    None,
                );
                written += 1;
                if random.chance(6) {
                    event(
                        &mut line,
                        "click",
                        ts + 4000,
                        &visitor,
                        &page_view,
                        Some(&variant),
                        &shown[..1],
                        None,
                        None,
                    );
                    written += 1;
                }
                if random.chance(3) {
                    added.push(shown[1]);
                    let price = 5.5 + (shown[1] % 60) as f64;
                    event(
                        &mut line,
                        "add_to_cart",
                        ts + 5000,
                        &visitor,
                        &page_view,
                        Some(&variant),
                        &shown[1..2],
                        Some(price),
                        None,
                    );
                    written += 1;
                }
            }
            file.write_all(line.as_bytes()).unwrap();
        }
        if random.chance(if holdout { 4 } else { 5 }) {
            orders += 1;
            let order_id = format!("order-{orders}");
            let mut items = vec![random.next() % 5000];
            items.extend(&added);
            let value: f64 = items
                .iter()
                .map(|product| 5.5 + (product % 60) as f64)
                .sum();
            let attributed: f64 = added
                .iter()
                .map(|product| 5.5 + (product % 60) as f64)
                .sum();
            line.clear();
            let page_view = random.hex_id();
            event(
                &mut line,
                "purchase",
                ts + 90_000,
                &visitor,
                &page_view,
                None,
                &items,
                Some(value),
                Some((&order_id, attributed)),
            );
            written += 1;
            file.write_all(line.as_bytes()).unwrap();
        }
    }
    file.flush().unwrap();
    fs::metadata(path).unwrap().len()
}

/// CPU time (user + system) of the finished children of this process so far, from
/// /proc/self/stat (Linux; clock ticks of 1/100 s there). `None` elsewhere.
fn children_cpu_time() -> Option<Duration> {
    let stat = fs::read_to_string("/proc/self/stat").ok()?;
    // Fields after the command name in parentheses start at field 3 (state); cutime and
    // cstime are fields 16 and 17.
    let fields: Vec<&str> = stat[stat.rfind(')')? + 1..].split_whitespace().collect();
    let ticks: u64 = fields.get(13)?.parse::<u64>().ok()? + fields.get(14)?.parse::<u64>().ok()?;
    Some(Duration::from_millis(ticks * 10))
}

/// One timed run: wall-clock time and the CPU time it used.
struct Timing {
    wall: Duration,
    cpu: Option<Duration>,
}

fn run_report(binary: &Path, events: &Path) -> Timing {
    let cpu_before = children_cpu_time();
    let started = Instant::now();
    let output = Command::new(binary)
        .args(["report", "--format", "json"])
        .arg(events)
        .output()
        .expect("the alsobought binary runs");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "alsobought report failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let cpu = children_cpu_time()
        .zip(cpu_before)
        .map(|(after, before)| after - before);
    Timing { wall: elapsed, cpu }
}

fn main() {
    // `cargo bench` passes `--bench`; `cargo test --benches` passes nothing and
    // expects a quick check, not a measurement.
    let measuring = std::env::args().any(|argument| argument == "--bench");
    let count = std::env::var("ALSOBOUGHT_BENCH_EVENTS")
        .ok()
        .and_then(|text| text.parse().ok())
        .unwrap_or(if measuring { DEFAULT_EVENTS } else { 10_000 });
    let binary = PathBuf::from(env!("CARGO_BIN_EXE_alsobought"));
    let scratch = tempfile::tempdir().unwrap();
    let events = std::env::var_os("ALSOBOUGHT_BENCH_EVENTS_FILE")
        .map_or_else(|| scratch.path().join("events.jsonl"), PathBuf::from);
    let generated = Instant::now();
    let bytes = generate(&events, count);
    println!(
        "report bench: {count} events, {:.1} MB, generated in {:.1} s",
        bytes as f64 / 1e6,
        generated.elapsed().as_secs_f64()
    );
    // One unmeasured run puts the file in the page cache, as it is after collecting.
    run_report(&binary, &events);
    if !measuring {
        return;
    }
    let mut timings: Vec<Timing> = (0..TIMED_RUNS)
        .map(|_| run_report(&binary, &events))
        .collect();
    timings.sort_by_key(|timing| timing.wall);
    let median = timings[TIMED_RUNS / 2].wall;
    let fastest = timings[0].wall;
    let mut cpu: Vec<Duration> = timings.iter().filter_map(|timing| timing.cpu).collect();
    cpu.sort();
    let median_cpu = cpu.get(cpu.len() / 2).copied();
    let verdict = if median < BUDGET { "within" } else { "over" };
    println!(
        "report bench: median {:.2} s, fastest {:.2} s of {TIMED_RUNS} runs ({verdict} the {} s budget); \
         median CPU time {}",
        median.as_secs_f64(),
        fastest.as_secs_f64(),
        BUDGET.as_secs(),
        median_cpu.map_or("unknown".to_owned(), |cpu| format!("{:.2} s", cpu.as_secs_f64()))
    );
    if count == DEFAULT_EVENTS {
        record(count, bytes, median, fastest, median_cpu, verdict);
    }
}

/// Replaces this bench's section of BENCHMARKS.md (or appends it).
fn record(
    count: usize,
    bytes: u64,
    median: Duration,
    fastest: Duration,
    median_cpu: Option<Duration>,
    verdict: &str,
) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../BENCHMARKS.md");
    let Ok(existing) = fs::read_to_string(&path) else {
        println!("report bench: {} not found; not recorded", path.display());
        return;
    };
    let cores = std::thread::available_parallelism().map_or(1, usize::from);
    let load = fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|text| {
            let fields: Vec<&str> = text.split_whitespace().take(3).collect();
            (fields.len() == 3).then(|| fields.join(" "))
        })
        .unwrap_or_else(|| "unknown".to_owned());
    let section = format!(
        "{SECTION_START}\n## `alsobought report`\n\n\
         Measured by `cargo bench -p alsobought-cli --bench report` (`make bench`): the release \
         binary, end to end (read, parse, aggregate, JSON out), on {count} generated events \
         ({:.0} MB of JSON lines with every schema field, four items per impression; three \
         variants with a holdout). {cores} CPUs, load average {load} at the end.\n\n\
         | runs | median | fastest | budget | median CPU time (user + system) |\n|---:|---:|---:|---|---:|\n\
         | {TIMED_RUNS} | {:.2} s | {:.2} s | < {} s: **{verdict}** | {} |\n\n\
         The machine is shared: wall-clock times rise with its load; the CPU time does not, \
         and divided by the cores it bounds what an idle machine of this kind takes.\n\
         {SECTION_END}",
        bytes as f64 / 1e6,
        median.as_secs_f64(),
        fastest.as_secs_f64(),
        BUDGET.as_secs(),
        median_cpu.map_or("unknown".to_owned(), |cpu| format!("{:.2} s", cpu.as_secs_f64())),
    );
    let updated = match (existing.find(SECTION_START), existing.find(SECTION_END)) {
        (Some(start), Some(end)) if start < end => format!(
            "{}{section}{}",
            &existing[..start],
            &existing[end + SECTION_END.len()..]
        ),
        _ => format!("{}\n\n{section}\n", existing.trim_end()),
    };
    fs::write(&path, updated).unwrap();
    println!("report bench: wrote {}", path.display());
}
