//! `alsobought build`: orders (and a catalog) → a recommendation table file; or
//! pair statistics computed by the Spark job (`--pair-stats`) → the same table.
//!
//! Glue only: the readers in `input/` stream the orders file into alsobought-mining's
//! bounded-memory basket collector (spilling sorted runs to `--temp-dir` past
//! `--max-memory`), [`pair_stats`] reads the Spark job's Parquet, alsobought-mining mines,
//! alsobought-core encodes, and this file writes the bytes and tells the user what went in and out.

mod merchandising;
mod output;
mod pair_stats;
mod spill_files;
mod summary;
mod tuning;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use alsobought_core::{write_table, ProductRecord};
use alsobought_mining::tuning::TuningCopy;
use alsobought_mining::{BasketCollector, Catalog, MemoryBudget, MinedTable};
use anyhow::Context;
use clap::{ArgGroup, Args};

use super::catalog_args::{unlisted_products, CatalogArgs};
use super::mining_args::MiningArgs;
use super::orders_args::OrdersArgs;
use crate::input::catalog::{BadRows, CatalogFile};
use crate::input::orders::OrderHistory;
use crate::input::rules::RulesFile;
use crate::input::values::parse_currency;
use crate::progress::Progress;
use crate::report::{count_of, plural, thousands, warn, UsageError};
use alsobought_mining::VariantGroups;
use merchandising::read_rules_for;
use output::{write_atomically, write_directory};
use pair_stats::PairStats;
use spill_files::{parse_memory_limit, peak_resident_bytes, MemoryLimit, TemporaryFiles};
use summary::{memory_line, orders_lines, print_summary, Timings};
use tuning::{ScoringChoice, COPY_SHARE_OF_BUDGET};

/// How many missing or unusual ids a warning quotes before only counting.
const IDS_QUOTED: usize = 5;

/// `alsobought build`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Mine an order history (and optionally a catalog) into a recommendation table",
    after_help = BUILD_AFTER_HELP,
    group(ArgGroup::new("input").required(true).args(["orders", "pair_stats"])),
    // clap would list --orders as required: it is, unless --pair-stats is given.
    group(ArgGroup::new("output").required(true).multiple(true).args(["out", "out_dir"])),
    override_usage = "alsobought build (--orders FILE | --pair-stats DIR) (--out FILE | --out-dir DIR) [OPTIONS]"
)]
pub struct BuildArgs {
    #[command(flatten)]
    orders: Option<OrdersArgs>,

    /// Mine the pair statistics DIR written by spark/pair_stats.py (summary/,
    /// products/ and pairs/ Parquet datasets) instead of an orders file: the same table
    /// as --orders on the same orders, for histories counted on a Spark cluster.
    #[arg(
        long,
        value_name = "DIR",
        help_heading = "Orders",
        conflicts_with_all = ["orders", "currency"]
    )]
    pair_stats: Option<PathBuf>,

    #[command(flatten)]
    catalog: CatalogArgs,

    /// Currency CODE (ISO 4217) of prices taken from --price-col when there is no
    /// catalog [default: a Shopify export's Currency column, else none: the widget's
    /// data-currency applies].
    #[arg(long, value_name = "CODE", value_parser = parse_currency, help_heading = "Catalog")]
    currency: Option<String>,

    #[command(flatten)]
    mining: MiningArgs,

    /// Merchandising rules FILE: CSV rows rule,product,target[,factor] that pin a
    /// target first on a product's page, block it there (or everywhere with product
    /// *), or boost / bury a product or category:NAME everywhere by a factor. Baked
    /// into the table; see the README's "Merchandising rules".
    #[arg(long, value_name = "FILE", help_heading = "Merchandising")]
    rules: Option<PathBuf>,

    /// Write the table to FILE (replaced atomically: readers never see half a table).
    /// One file read with HTTP Range requests: for hosts that answer Range.
    #[arg(long, value_name = "FILE.table", help_heading = "Output")]
    out: Option<PathBuf>,

    /// Write the table as a directory of small files for any static host (plain GETs,
    /// no Range): DIR/entry.bin (give it a short cache lifetime) and DIR/<build>/*.bin
    /// (content-addressed: cache as immutable). Once the new entry.bin is in place,
    /// DIR keeps the build it replaced (pages may still read it) and drops older ones.
    /// Can be given with --out.
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    out_dir: Option<PathBuf>,

    /// With --out-dir: aim at shard files of about BYTES each. Smaller shards mean
    /// fewer bytes per page and more files (some hosts cap a site's files: Cloudflare
    /// Pages at 20,000).
    #[arg(long, value_name = "BYTES", default_value_t = alsobought_core::DEFAULT_SHARD_BYTES,
          value_parser = clap::value_parser!(u64).range(256..), help_heading = "Output")]
    shard_bytes: u64,

    /// Keep the buffers that grow with the order history (baskets, pair counts)
    /// within SIZE, such as 512M or 8G (K, M, G, T are powers of 1024); past it,
    /// sorted runs are spilled to --temp-dir and merged, with the same table as a
    /// result. Memory that grows with the number of products (ids, neighbour lists,
    /// the table itself) comes on top. `auto` is half the machine's memory, at most
    /// 4G.
    #[arg(long, value_name = "SIZE", default_value = "auto", value_parser = parse_memory_limit,
          help_heading = "Resources")]
    max_memory: MemoryLimit,

    /// Spill sorted runs into DIR when --max-memory is exceeded (anonymous files,
    /// gone when the build ends, even if it is killed) [default: $TMPDIR or /tmp].
    #[arg(long, value_name = "DIR", help_heading = "Resources")]
    temp_dir: Option<PathBuf>,
}

/// Kept under 80 columns per line: clap wraps help to the terminal, and a wrapped
/// example no longer pastes into a shell.
const BUILD_AFTER_HELP: &str = "\
Examples:
  alsobought build --orders orders.csv --catalog catalog.csv --out store.table
  alsobought build --orders orders_export.csv --out store.table   # Shopify

Online Retail II (UCI, online_retail_II_*.csv[.gz]) needs its columns named,
and its cancellations (invoices C...), returns, stock adjustments and
non-product stock codes dropped:
  alsobought build --orders online_retail_II_2009-2010.csv.gz \\
    --order-col Invoice --product-col StockCode --quantity-col Quantity \\
    --customer-col 'Customer ID' --date-col InvoiceDate \\
    --title-col Description --price-col Price --currency GBP \\
    --skip-orders-prefix C,A --skip-negative-quantity --skip-zero-price \\
    --exclude-products POST,DOT,M,m,D,S,B,C2,PADS,ADJUST,ADJUST2 \\
    --exclude-products 'BANK CHARGES,AMAZONFEE,GIFT,SP1002' \\
    --exclude-products-matching 'TEST*,gift_*,DCGS*' \\
    --out retail.table

Pair statistics counted by Spark (see the README's Scale section):
  spark-submit spark/pair_stats.py --orders orders.csv --out stats
  alsobought build --pair-stats stats --catalog catalog.csv --out store.table";

/// Runs `alsobought build`.
pub fn run(args: &BuildArgs, quiet: bool) -> anyhow::Result<()> {
    match (&args.orders, &args.pair_stats) {
        (Some(orders), _) => build_from_orders(args, orders, quiet),
        (None, Some(dir)) => build_from_pair_stats(args, dir, quiet),
        (None, None) => unreachable!("clap requires --orders or --pair-stats"),
    }
}

/// `--orders FILE`: read, collect within the memory budget, mine.
fn build_from_orders(args: &BuildArgs, orders: &OrdersArgs, quiet: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let budget = args.max_memory.bytes();
    let temp_dir = args.temp_dir.clone().unwrap_or_else(std::env::temp_dir);
    let space = TemporaryFiles::new(&temp_dir).map_err(|error| {
        UsageError(format!(
            "--temp-dir {}: {error}; give an existing directory you can write to",
            temp_dir.display()
        ))
    })?;
    let collector = BasketCollector::new(MemoryBudget { bytes: budget }, space);
    // Only a build that may tune copies its orders.
    let copy_limit = match args.mining.untuned_because() {
        Some(_) => 0,
        None => budget / COPY_SHARE_OF_BUDGET,
    };
    let bad_rows = BadRows::from_strict(orders.strict);
    // The catalog first: its variant groups decide what each order line counts as.
    let catalog_file = read_catalog_file(args, bad_rows)?;
    let groups = catalog_file
        .as_ref()
        .map(|(_, _, groups)| groups.clone())
        .unwrap_or_default();
    let history = orders.read_into(quiet, &groups, TuningCopy::new(collector, copy_limit))?;
    let (catalog, catalog_line) = match catalog_file {
        Some((catalog, line, _)) => (Some(catalog), Some(line)),
        None => (
            catalog_from_orders(
                &history,
                history.orders.collected.product_ids(),
                order_currency(&history, args.currency.as_deref()).as_deref(),
            ),
            None,
        ),
    };
    if let Some(catalog) = &catalog {
        warn_about_unlisted_products(history.orders.collected.product_ids(), catalog);
    }
    warn_about_a_weight_without_categories(&args.mining, catalog.as_ref());
    let rules = read_rules(
        args,
        catalog.as_ref(),
        history.orders.collected.product_ids(),
        bad_rows,
    )?;
    let read_time = started.elapsed();

    let mining_started = Instant::now();
    let (copied, history) = history.take_orders();
    let collected = copied.collected;
    let choice = ScoringChoice::decide(
        &args.mining,
        copied.orders.as_ref(),
        catalog.as_ref(),
        copy_limit,
        collected.in_memory(),
        quiet,
    );
    drop(copied.orders);
    let options = mining_options(args, rules.as_ref(), &choice);
    if !collected.in_memory() && options.measure.needs_basket_sizes() {
        anyhow::bail!(
            "--measure {} weighs each co-purchase by the size of its order, but the orders \
             outgrew the memory budget and were spilled as pair counts, which do not \
             carry order sizes ({}); allow more memory, or choose another --measure",
            options.measure.name(),
            args.max_memory.describe()
        );
    }
    let (mut mined, spill) = {
        let message = if collected.in_memory() {
            "counting pairs and scoring neighbours"
        } else {
            "merging sorted runs, counting pairs and scoring neighbours"
        };
        let _progress = Progress::step(quiet, message);
        collected
            .mine(catalog, &options)
            .with_context(|| format!("spilling to --temp-dir {} failed", temp_dir.display()))?
    };
    mined.input.cart_combination = choice.scoring().combination;
    // Reading and counting are what the budget bounds; encoding adds the table.
    let counting_peak = peak_resident_bytes();
    let (table, times) = encode_and_write(args, &mined, started, read_time, mining_started)?;
    if !quiet {
        let mut lines = orders_lines(&history, mined.stats.orders);
        lines.extend(catalog_line.map(|line| ("catalog", line)));
        lines.push((
            "memory",
            memory_line(args, &spill, &temp_dir, counting_peak),
        ));
        lines.extend(choice.summary_lines());
        print_summary(
            args,
            &options,
            lines,
            rules.as_ref(),
            &mined,
            table.len() as u64,
            &times,
        );
    }
    Ok(())
}

/// `--pair-stats DIR`: read the Spark job's statistics, mine them.
fn build_from_pair_stats(args: &BuildArgs, dir: &Path, quiet: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let stats = PairStats::open(dir)?;
    // --strict belongs to the orders flags: pair statistics are checked as a whole.
    let bad_rows = BadRows::Skip;
    let (catalog, catalog_line) = read_catalog_file(args, bad_rows)?
        .map(|(catalog, line, groups)| {
            if !groups.is_empty() {
                warn(format_args!(
                    "the catalog's variant groups cannot be applied to pair statistics, which count SKUs: build from --orders to pool variants"
                ));
            }
            (catalog, line)
        })
        .unzip();
    if let Some(catalog) = &catalog {
        warn_about_unlisted_products(&stats.statistics.product_ids, catalog);
    }
    warn_about_a_weight_without_categories(&args.mining, catalog.as_ref());
    let rules = read_rules(
        args,
        catalog.as_ref(),
        &stats.statistics.product_ids,
        bad_rows,
    )?;
    let choice = ScoringChoice::Untuned {
        scoring: args.mining.untuned_scoring(),
        because: args.mining.untuned_because().map_or_else(
            || "not tuned: tuning asks held-out orders, and pair statistics have none".into(),
            |flag| format!("set by {flag}"),
        ),
    };
    let options = mining_options(args, rules.as_ref(), &choice);
    let read_time = started.elapsed();

    let mining_started = Instant::now();
    let mut mined = {
        let progress = Progress::counting(quiet, "reading pairs and scoring neighbours");
        stats.mine(catalog, &options, &progress)?
    };
    mined.input.cart_combination = choice.scoring().combination;
    let (table, times) = encode_and_write(args, &mined, started, read_time, mining_started)?;
    if !quiet {
        let summary = &stats.summary;
        let mut lines = vec![
            (
                "orders",
                format!(
                    "{} from {} (pair statistics of spark/pair_stats.py)",
                    thousands(summary.order_count),
                    dir.display()
                ),
            ),
            (
                "rows",
                format!(
                    "{} used by the job: {} distinct products, {} distinct pairs",
                    thousands(summary.line_count),
                    thousands(summary.product_count),
                    thousands(summary.pair_count)
                ),
            ),
        ];
        lines.extend(catalog_line.map(|line| ("catalog", line)));
        lines.extend(choice.summary_lines());
        print_summary(
            args,
            &options,
            lines,
            rules.as_ref(),
            &mined,
            table.len() as u64,
            &times,
        );
    }
    Ok(())
}

/// Encodes the mined table and writes it to `--out` atomically; the timings of the
/// phases, encoding counted with mining (both paths of `build` end here).
fn encode_and_write(
    args: &BuildArgs,
    mined: &MinedTable,
    started: Instant,
    reading: Duration,
    mining_started: Instant,
) -> anyhow::Result<(Vec<u8>, Timings)> {
    let table = write_table(&mined.input).context("cannot encode the table")?;
    let mining = mining_started.elapsed();
    let writing_started = Instant::now();
    if let Some(out) = &args.out {
        write_atomically(out, &table)
            .with_context(|| format!("--out {}: cannot write the table", out.display()))?;
    }
    let directory = match &args.out_dir {
        Some(directory) => Some(write_directory(directory, &table, args.shard_bytes)?),
        None => None,
    };
    let times = Timings {
        reading,
        mining,
        writing: writing_started.elapsed(),
        total: started.elapsed(),
        directory,
    };
    Ok((table, times))
}

/// `--rules`, read and checked against the products the table will hold.
fn read_rules(
    args: &BuildArgs,
    catalog: Option<&alsobought_mining::Catalog>,
    product_ids: &[String],
    bad_rows: BadRows,
) -> anyhow::Result<Option<RulesFile>> {
    args.rules
        .as_deref()
        .map(|path| read_rules_for(path, catalog, product_ids, bad_rows))
        .transpose()
}

/// The mining flags with the chosen scoring and the rules read from `--rules`.
fn mining_options(
    args: &BuildArgs,
    rules: Option<&RulesFile>,
    choice: &ScoringChoice,
) -> alsobought_mining::MiningOptions {
    let mut options = args.mining.options().with_scoring(&choice.scoring());
    if let Some(file) = rules {
        options.rules = file.rules.clone();
    }
    options
}

/// `--catalog`, if given, with the summary line about it (products used, rows
/// skipped).
fn read_catalog_file(
    args: &BuildArgs,
    bad_rows: BadRows,
) -> anyhow::Result<Option<(alsobought_mining::Catalog, String, VariantGroups)>> {
    let Some(mut file) = args.catalog.read(bad_rows)? else {
        return Ok(None);
    };
    let variants = match file.groups.variant_count() {
        0 => String::new(),
        count => format!(
            " (variants pooled: {})",
            count_of(count as u64, "SKU", "SKUs")
        ),
    };
    let line = format!(
        "{} from {}{variants}, {} skipped as bad",
        count_of(file.catalog.len() as u64, "product", "products"),
        file.source,
        count_of(file.skips.skipped_total(), "row", "rows")
    );
    let groups = std::mem::take(&mut file.groups);
    Ok(Some((catalog_from_file(file, args), line, groups)))
}

/// The catalog read from its file, saying which flags and fields go unused.
fn catalog_from_file(file: CatalogFile, args: &BuildArgs) -> Catalog {
    let source = args
        .catalog
        .catalog
        .as_deref()
        .unwrap_or(Path::new("-"))
        .display();
    let orders = args.orders.as_ref();
    for (flag, given) in [
        (
            "--title-col",
            orders.is_some_and(|orders| orders.title_col.is_some()),
        ),
        (
            "--price-col",
            orders.is_some_and(|orders| orders.price_col.is_some()),
        ),
        ("--currency", args.currency.is_some()),
    ] {
        if given {
            warn(format_args!(
                "{flag} is ignored: cards come from the catalog {source}"
            ));
        }
    }
    let plain: Vec<&str> = file
        .absent_fields
        .iter()
        .copied()
        .filter(|field| ["price", "url", "image"].contains(field))
        .collect();
    if !plain.is_empty() {
        warn(format_args!(
            "catalog {source} has no {} field: cards go without",
            plain.join(", ")
        ));
    }
    file.catalog
}

/// The currency of prices taken from order rows: `--currency`, or else the one
/// currency the export names (Shopify's `Currency` column).
fn order_currency<O>(history: &OrderHistory<O>, flag: Option<&str>) -> Option<String> {
    if let Some(flag) = flag {
        return Some(flag.to_owned());
    }
    match history.currencies.as_slice() {
        [only] => parse_currency(only).ok(),
        [] => None,
        several => {
            warn(format_args!(
                "{} mixes currencies ({}): prices go without one; pass --currency to pick it",
                history.source,
                several.join(", ")
            ));
            None
        }
    }
}

/// Without a catalog: when the orders carry titles or prices, a catalog of every
/// ordered product made from them (its most frequent title and price); otherwise
/// `None`, and each product is known by its id alone.
fn catalog_from_orders<O>(
    history: &OrderHistory<O>,
    product_ids: &[String],
    currency: Option<&str>,
) -> Option<Catalog> {
    let hints = history.hints.as_ref()?;
    let mut untitled = Vec::new();
    let mut catalog = Catalog::new();
    for (id, hint) in product_ids.iter().zip(hints) {
        let mut record = ProductRecord::with_id(id.as_str());
        match &hint.title {
            Some(title) => record.title = title.clone(),
            None => untitled.push(id.as_str()),
        }
        record.price_hundredths = hint.price_hundredths;
        record.currency = hint.price_hundredths.and(currency.map(str::to_owned));
        catalog
            .insert(record)
            .expect("order product ids are distinct");
    }
    if history.columns.title.is_some() && !untitled.is_empty() {
        warn(format_args!(
            "{}: {} {} no title on any line and {} titled with {} id: {}",
            history.source,
            thousands(untitled.len() as u64),
            plural(untitled.len() as u64, "product has", "products have"),
            plural(untitled.len() as u64, "is", "are"),
            plural(untitled.len() as u64, "its", "their"),
            quoted_ids(&untitled)
        ));
    }
    Some(catalog)
}

/// Products that were ordered but are not in the catalog are never suggested: say so.
fn warn_about_unlisted_products(product_ids: &[String], catalog: &Catalog) {
    let unlisted = unlisted_products(product_ids, catalog);
    if !unlisted.is_empty() {
        warn(format_args!(
            "{} ordered {} not in the catalog and never suggested: {}",
            thousands(unlisted.len() as u64),
            plural(unlisted.len() as u64, "product is", "products are"),
            quoted_ids(&unlisted)
        ));
    }
}

/// `--category-weight` lifts catalog categories' best-sellers: without a category it
/// changes nothing, which the store should hear rather than find out.
fn warn_about_a_weight_without_categories(mining: &MiningArgs, catalog: Option<&Catalog>) {
    let Some(weight) = mining.category_weight.filter(|&weight| weight > 0.0) else {
        return;
    };
    let categorised = catalog.is_some_and(|catalog| {
        catalog
            .records()
            .iter()
            .any(|record| !record.category.is_empty())
    });
    if !categorised {
        warn(format_args!(
            "--category-weight {weight} changes nothing: no product has a catalog category; \
             give --catalog with a category column"
        ));
    }
}

/// The first few ids, quoted, and how many more.
pub fn quoted_ids(ids: &[&str]) -> String {
    let mut quoted: Vec<String> = ids
        .iter()
        .take(IDS_QUOTED)
        .map(|id| format!("{id:?}"))
        .collect();
    if ids.len() > IDS_QUOTED {
        quoted.push(format!(
            "and {} more",
            thousands((ids.len() - IDS_QUOTED) as u64)
        ));
    }
    quoted.join(", ")
}
