//! `alsobought generate`: a synthetic shop (catalog, order history and the planted
//! complementary groups) of any size, for trying the tool, testing scale and checking
//! quality against a known truth.
//!
//! Glue only: `alsobought_mining::synthetic` makes the data; this file parses flags,
//! writes the three files (each replaced atomically) and reports sizes and speed.

use std::fs::{self, File};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::time::Instant;

use alsobought_mining::synthetic::{
    default_category_count, default_group_count, SyntheticError, SyntheticOptions, SyntheticShop,
    DEFAULT_BULK_SHARE, DEFAULT_POPULARITY_EXPONENT, DEFAULT_PURPOSEFUL_SHARE, MAX_GROUP_SIZE,
};
use anyhow::Context;
use clap::Args;

use crate::input::values::parse_currency;
use crate::progress::Progress;
use crate::report::{bytes, thousands, UsageError};

/// The file names written into `--out`.
const CATALOG_FILE: &str = "catalog.csv";
const ORDERS_FILE: &str = "orders.csv";
const GROUPS_FILE: &str = "groups.csv";

/// Kept under 80 columns per line, so the examples paste into a shell.
const GENERATE_AFTER_HELP: &str = "\
Writes DIR/catalog.csv, DIR/orders.csv and DIR/groups.csv (the planted truth).
The same flags always give byte-identical files.

Examples:
  alsobought generate --out shop --products 5000 --lines 200k
  alsobought build --orders shop/orders.csv --catalog shop/catalog.csv \\
    --out shop/store.table
  alsobought evaluate --orders shop/orders.csv --catalog shop/catalog.csv \\
    --truth shop/groups.csv
  alsobought generate --out big --products 1M --lines 100M   # ~5 GB";

/// `alsobought generate`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Generate a synthetic shop: catalog, orders and planted complementary groups",
    long_about = "Generate a synthetic shop: catalog, orders and planted complementary groups.\n\n\
        Products sell by Zipf-like popularity; baskets have realistic sizes (about 3.6 \
        lines on average, a fifth single-item, a tail of bulk orders up to 100 lines); a share of orders is built \
        around planted groups of 2 to 4 complementary products, which groups.csv lists \
        so that `alsobought evaluate --truth` can check what a table suggests. Orders are \
        made in parallel and streamed to disk: memory depends on the catalog size only.",
    after_help = GENERATE_AFTER_HELP
)]
pub struct GenerateArgs {
    /// Write the files into DIR (created if missing; files there are replaced).
    #[arg(long, value_name = "DIR", help_heading = "Output")]
    out: PathBuf,

    /// Products in the catalog, 1 to 16,777,216; k, M suffixes accepted (1M).
    #[arg(long, value_name = "N", default_value = "10k", value_parser = parse_products,
          help_heading = "Size")]
    products: u32,

    /// Order lines (rows of orders.csv) to write; k, M, G suffixes accepted (100M).
    #[arg(long, value_name = "N", default_value = "200k", value_parser = parse_count,
          help_heading = "Size")]
    lines: u64,

    /// Seed of all randomness: the same seed and flags give the same files.
    #[arg(long, value_name = "N", default_value_t = 42, help_heading = "Shape")]
    seed: u64,

    /// Complementary groups to plant, 0 to products / 4 [default: products / 10].
    #[arg(long, value_name = "N", value_parser = parse_count_u32, help_heading = "Shape")]
    groups: Option<u32>,

    /// Categories, 1 to products [default: about sqrt(products) / 2, at most 2,000].
    #[arg(long, value_name = "N", value_parser = parse_count_u32, help_heading = "Shape")]
    categories: Option<u32>,

    /// Zipf exponent S of product popularity: 0 is uniform, real shops are about 0.6
    /// to 1.0.
    #[arg(long, value_name = "S", default_value_t = DEFAULT_POPULARITY_EXPONENT,
          help_heading = "Shape")]
    popularity_exponent: f64,

    /// Share of orders built around a planted group (0 to 1); the rest are
    /// popularity noise.
    #[arg(long, value_name = "FRACTION", default_value_t = DEFAULT_PURPOSEFUL_SHARE,
          help_heading = "Shape")]
    purposeful_share: f64,

    /// Share of bulk orders, about 20 lines each (0 to 1): high for a grocery-like
    /// shop of long baskets, 0 for one of short baskets.
    #[arg(long, value_name = "FRACTION", default_value_t = DEFAULT_BULK_SHARE,
          help_heading = "Shape")]
    bulk_share: f64,

    /// Currency CODE (ISO 4217) of every price.
    #[arg(long, value_name = "CODE", default_value = "EUR", value_parser = parse_currency,
          help_heading = "Shape")]
    currency: String,
}

/// Parses a count such as `5000`, `100_000`, `200k`, `1.5M` or `2G` (powers of 1000).
fn parse_count(text: &str) -> Result<u64, String> {
    let cleaned = text.trim().replace('_', "");
    let (number, multiplier) = match cleaned.char_indices().last() {
        Some((at, 'k' | 'K')) => (&cleaned[..at], 1e3),
        Some((at, 'M')) => (&cleaned[..at], 1e6),
        Some((at, 'G')) => (&cleaned[..at], 1e9),
        _ => (cleaned.as_str(), 1.0),
    };
    let invalid = || {
        format!(
            "{text:?} is not a count: write a whole number, optionally with k, M or G (200k, 1.5M)"
        )
    };
    if multiplier == 1.0 {
        return number.parse::<u64>().map_err(|_| invalid());
    }
    let value: f64 = number.parse().map_err(|_| invalid())?;
    let scaled = value * multiplier;
    if !(scaled.is_finite() && scaled >= 0.0 && scaled.fract() == 0.0 && scaled < 1.8e19) {
        return Err(invalid());
    }
    Ok(scaled as u64)
}

fn parse_count_u32(text: &str) -> Result<u32, String> {
    let count = parse_count(text)?;
    u32::try_from(count).map_err(|_| format!("{text:?} is too large (at most {})", u32::MAX))
}

fn parse_products(text: &str) -> Result<u32, String> {
    let count = parse_count_u32(text)?;
    let max = alsobought_mining::synthetic::MAX_PRODUCTS;
    if count == 0 || count > max {
        return Err(format!(
            "{text:?} is out of range: 1 to {max} products fit in one table"
        ));
    }
    Ok(count)
}

/// The flag that sets a field of the core's options, for error messages.
fn flag_of_field(field: &str) -> String {
    format!("--{}", field.replace(' ', "-"))
}

impl GenerateArgs {
    /// The core's options these flags describe.
    fn options(&self) -> SyntheticOptions {
        let mut options = SyntheticOptions::new(self.products, self.lines, self.seed);
        options.groups = self.groups.unwrap_or(default_group_count(self.products));
        options.categories = self
            .categories
            .unwrap_or(default_category_count(self.products));
        options.popularity_exponent = self.popularity_exponent;
        options.purposeful_share = self.purposeful_share;
        options.bulk_share = self.bulk_share;
        options.currency = self.currency.clone();
        options
    }
}

/// Runs `alsobought generate`.
pub fn run(args: &GenerateArgs, quiet: bool) -> anyhow::Result<()> {
    let started = Instant::now();
    let options = args.options();
    let shop = SyntheticShop::new(&options).map_err(|error| match error {
        SyntheticError::Invalid {
            field,
            value,
            accepted,
        } => UsageError(format!(
            "{} {value} is out of range: use {accepted}",
            flag_of_field(field)
        )),
    })?;
    fs::create_dir_all(&args.out)
        .with_context(|| format!("cannot create the output directory {}", args.out.display()))?;

    let catalog_bytes =
        write_atomically(&args.out.join(CATALOG_FILE), |out| shop.write_catalog(out))?;
    let groups_bytes = write_atomically(&args.out.join(GROUPS_FILE), |out| shop.write_groups(out))?;
    let orders_started = Instant::now();
    let summary = {
        let progress = Progress::counting(quiet, "order lines written");
        write_atomically(&args.out.join(ORDERS_FILE), |out| {
            shop.write_orders(out, |lines| progress.set_count(lines))
        })?
    };
    let orders_time = orders_started.elapsed().as_secs_f64();

    if !quiet {
        let planted: usize = shop.groups().map(<[u32]>::len).sum();
        let lines = [
            (
                "catalog",
                format!(
                    "{} products in {} categories, {} ({})",
                    thousands(u64::from(options.products)),
                    thousands(u64::from(options.categories)),
                    args.out.join(CATALOG_FILE).display(),
                    bytes(catalog_bytes)
                ),
            ),
            (
                "groups",
                format!(
                    "{} planted groups of 2 to {MAX_GROUP_SIZE} products ({} products), {} ({})",
                    thousands(options.groups.into()),
                    thousands(planted as u64),
                    args.out.join(GROUPS_FILE).display(),
                    bytes(groups_bytes)
                ),
            ),
            (
                "orders",
                format!(
                    "{} orders, {} lines, {} ({})",
                    thousands(summary.orders),
                    thousands(summary.lines),
                    args.out.join(ORDERS_FILE).display(),
                    bytes(summary.bytes)
                ),
            ),
            (
                "time",
                format!(
                    "{:.2} s; orders {:.2} s: {:.1} M lines/s, {}/s on {} threads",
                    started.elapsed().as_secs_f64(),
                    orders_time,
                    summary.lines as f64 / orders_time.max(1e-9) / 1e6,
                    bytes((summary.bytes as f64 / orders_time.max(1e-9)) as u64),
                    rayon::current_num_threads()
                ),
            ),
        ];
        for (label, value) in lines {
            println!("{label:<8} {value}");
        }
    }
    Ok(())
}

/// Writes `path` through `write` into a temporary file next to it, then renames it
/// over `path`: a reader never sees half a file, and an interrupted run leaves the
/// previous file in place.
fn write_atomically<T>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> std::io::Result<T>,
) -> anyhow::Result<T> {
    let mut temporary_name = path.file_name().unwrap_or_default().to_os_string();
    temporary_name.push(format!(".partial-{}", std::process::id()));
    let temporary = path.with_file_name(temporary_name);
    let result = File::create(&temporary).and_then(|file| {
        let mut out = BufWriter::with_capacity(1 << 20, file);
        let value = write(&mut out)?;
        out.flush()?;
        fs::rename(&temporary, path)?;
        Ok(value)
    });
    result
        .inspect_err(|_| {
            // Best effort: the error that matters is the one reported.
            let _ = fs::remove_file(&temporary);
        })
        .with_context(|| {
            format!(
                "cannot write {} (is the disk full or read-only?)",
                path.display()
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_take_separators_and_suffixes() {
        assert_eq!(parse_count("5000"), Ok(5000));
        assert_eq!(parse_count("100_000"), Ok(100_000));
        assert_eq!(parse_count("200k"), Ok(200_000));
        assert_eq!(parse_count("1.5M"), Ok(1_500_000));
        assert_eq!(parse_count("100M"), Ok(100_000_000));
        assert_eq!(parse_count("2G"), Ok(2_000_000_000));
        for bad in ["", "k", "1.5", "1.0000001k", "-3", "12x", "1e3"] {
            assert!(parse_count(bad).is_err(), "{bad:?} accepted");
        }
        assert!(parse_products("0").is_err());
        assert!(parse_products("17M").is_err());
        assert_eq!(parse_products("1M"), Ok(1_000_000));
    }
}
