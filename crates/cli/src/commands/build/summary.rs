//! What `alsobought build` tells the user at the end: what went in (orders, catalog,
//! memory), what the miner kept, what rules and the cold-start fill changed, where the
//! table went and how long it took.

use std::path::Path;
use std::time::Duration;

use alsobought_mining::{MinedTable, MiningOptions, SpillReport};

use super::merchandising;
use super::output::DirectoryWritten;
use super::BuildArgs;
use crate::commands::orders_args::rows_summary;
use crate::input::orders::OrderHistory;
use crate::input::rules::RulesFile;
use crate::report::{bytes, count_of, thousands};

/// Where the time went (and what `--out-dir` wrote).
pub struct Timings {
    pub reading: Duration,
    pub mining: Duration,
    pub writing: Duration,
    pub total: Duration,
    pub directory: Option<DirectoryWritten>,
}

/// The summary lines about the orders file: what was read and what was used.
pub fn orders_lines(history: &OrderHistory<()>, order_count: u64) -> Vec<(&'static str, String)> {
    let mut details = vec![history.layout.to_string()];
    if let Some(customers) = history.customers {
        details.push(count_of(customers, "customer", "customers"));
    }
    if let Some((earliest, latest)) = &history.date_range {
        details.push(format!("{} to {}", date_part(earliest), date_part(latest)));
    }
    let orders = format!(
        "{} from {} ({})",
        thousands(order_count),
        history.source,
        details.join("; ")
    );
    let (rows, dropped) = rows_summary(history);
    let mut lines = vec![("orders", orders), ("rows", rows)];
    if let Some(dropped) = dropped {
        lines.push(("", format!("({dropped})")));
    }
    lines
}

/// How the memory budget went: all in memory, or what was spilled where; and the
/// most memory held before the table was encoded (reading and counting).
pub fn memory_line(
    args: &BuildArgs,
    spill: &SpillReport,
    temp_dir: &Path,
    counting_peak: Option<u64>,
) -> String {
    let mut line = args.max_memory.describe();
    if spill.spilled() {
        let mut runs = vec![count_of(spill.basket_runs, "run", "runs") + " of baskets"];
        if spill.pair_runs > 0 {
            runs.push(count_of(spill.pair_runs, "run", "runs") + " of pair counts");
        }
        if spill.merged_runs > 0 {
            runs.push(count_of(spill.merged_runs, "merged run", "merged runs"));
        }
        line.push_str(&format!(
            "; spilled {} ({}) to {}",
            runs.join(", "),
            bytes(spill.bytes_written),
            temp_dir.display()
        ));
    } else {
        line.push_str("; the baskets fit, nothing spilled");
    }
    if let Some(peak) = counting_peak {
        line.push_str(&format!("; {} resident until encoding", bytes(peak)));
    }
    line
}

pub fn print_summary(
    args: &BuildArgs,
    options: &MiningOptions,
    mut lines: Vec<(&'static str, String)>,
    rules: Option<&RulesFile>,
    mined: &MinedTable,
    table_bytes: u64,
    times: &Timings,
) {
    let stats = &mined.stats;
    let mut products = format!("{} in the table", thousands(stats.products_written));
    if args.catalog.catalog.is_some() {
        products.push_str(&format!(
            " (the catalog's); {} ordered, {} of them not in the catalog",
            thousands(stats.products_in_orders),
            thousands(stats.products_not_in_catalog)
        ));
    }
    let per_product = table_bytes / stats.products_written.max(1);
    lines.extend([
        ("products", products),
        (
            "pairs",
            format!(
                "{} bought together at least once",
                thousands(stats.co_occurring_pairs)
            ),
        ),
        (
            "neighbours",
            format!(
                "{} (up to {} per product; measure {}; pairs in at least {})",
                count_of(stats.edges, "edge", "edges"),
                mined.input.max_neighbours,
                options.measure.name(),
                count_of(u64::from(options.min_together), "order", "orders")
            ),
        ),
    ]);
    lines.extend(merchandising::summary_lines(
        rules,
        mined,
        args.mining.cold_start_fill,
    ));
    lines.extend([
        (
            "table",
            table_destinations(args, table_bytes, per_product, times),
        ),
        (
            "time",
            format!(
                "{:.2} s (reading {:.2} s, mining and encoding {:.2} s, writing {:.2} s)",
                times.total.as_secs_f64(),
                times.reading.as_secs_f64(),
                times.mining.as_secs_f64(),
                times.writing.as_secs_f64()
            ),
        ),
    ]);
    for (label, value) in lines {
        println!("{label:<11} {value}");
    }
}

/// Where the table went: the file, the directory (with its file count and largest
/// shard, which bound what a product page downloads), or both.
fn table_destinations(
    args: &BuildArgs,
    table_bytes: u64,
    per_product: u64,
    times: &Timings,
) -> String {
    let mut places = Vec::new();
    if let Some(out) = &args.out {
        places.push(out.display().to_string());
    }
    if let (Some(directory), Some(written)) = (&args.out_dir, &times.directory) {
        let mut place = format!(
            "{}/ ({} + entry.bin of {}; largest shard {}",
            directory.display(),
            count_of(written.split.shards.len() as u64, "shard", "shards"),
            bytes(written.split.entry.len() as u64),
            bytes(written.largest_shard() as u64)
        );
        if written.removed > 0 {
            place.push_str(&format!(
                "; {} of older builds removed",
                count_of(written.removed as u64, "folder", "folders")
            ));
        }
        place.push(')');
        places.push(place);
    }
    format!(
        "{} ({} per product) written to {}",
        bytes(table_bytes),
        bytes(per_product),
        places.join(" and ")
    )
}

/// The date of an ISO 8601 timestamp (`2009-12-01 07:45:00` → `2009-12-01`).
fn date_part(timestamp: &str) -> &str {
    timestamp.get(..10).unwrap_or(timestamp)
}
