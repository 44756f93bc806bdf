//! `alsobought email`: suggestions for a post-purchase email — the products bought
//! with what the customer just ordered — as an email-safe HTML fragment or a JSON
//! feed, for one order or for every order of an orders file (a whole campaign).
//!
//! Email clients are the hostile end of HTML: no stylesheets (Gmail drops `<style>`
//! in many cases), no relative URLs (there is no page to resolve them against), tables
//! for layout (Outlook renders with Word). So the fragment is a `role=presentation`
//! table with inline styles only, every link and image URL absolute, every link tagged
//! `utm_source=alsobought&utm_medium=email` so the store's analytics can credit it,
//! and every text escaped. The suggestions come from the same `Recommender` as
//! `alsobought recommend`, so an email shows what the widget would.

use std::io::{self, Write};
use std::path::PathBuf;

// The command's parts take their core items from here (`use super::...`): one place
// to change when the core's modules move.
use alsobought_core::{
    check_url, html, url_scheme, Card, Fallback, RecommendOptions, Suggestion, Table, UrlRefusal,
};
use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};

use super::orders_args::OrdersArgs;
use super::recommend::{FallbackArg, Recommender};
use super::table_file::open_table;
use crate::report::{warn, UsageError};
use batch::run_batch;
use render::Renderer;
use urls::{refuse_relative_urls, BaseUrl};

mod batch;
mod render;
mod tracking;
mod urls;

/// `alsobought email`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Suggestions for post-purchase emails: an email-safe HTML fragment or a JSON feed",
    after_help = EMAIL_AFTER_HELP,
    group(ArgGroup::new("input").required(true).args(["order", "orders"])),
    // clap would list --orders as required: it is, but only in batch mode.
    override_usage = "alsobought email --table <FILE.table> (--order <ID>... | --orders <FILE>) [OPTIONS]"
)]
pub struct EmailArgs {
    /// Table FILE written by `alsobought build`.
    #[arg(long, value_name = "FILE.table")]
    table: PathBuf,

    /// One order: the product IDs it contains, comma-separated or repeated; the
    /// fragment (or feed) goes to standard output.
    #[arg(
        long = "order",
        value_name = "ID",
        value_delimiter = ',',
        conflicts_with = "orders"
    )]
    order: Vec<String>,

    /// Batch mode: every order of an orders file (read like `build --orders`, with the
    /// same column and filter flags), one JSON line per order on standard output, or
    /// one file per order in --out-dir.
    #[command(flatten)]
    orders: Option<OrdersArgs>,

    /// Suggest at most N products per order.
    #[arg(long, value_name = "N", default_value_t = 3)]
    max: usize,

    /// Resolve the table's relative product and image URLs against URL (the store's
    /// address, e.g. https://shop.example/); required when the table has relative URLs
    /// [default: none].
    #[arg(long, value_name = "URL", value_parser = BaseUrl::parse)]
    base_url: Option<BaseUrl>,

    /// Write FORMAT: `html` (the fragment) or `json` (the suggestions as a feed).
    #[arg(long, value_name = "FORMAT", value_enum, default_value_t = EmailFormat::Html)]
    format: EmailFormat,

    /// Batch mode: write ORDER_ID.html (or .json) per order into DIR, created if missing
    /// [default: JSON lines on standard output].
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,

    /// The fragment's heading.
    #[arg(long, value_name = "TEXT", default_value = "You may also like")]
    heading: String,

    /// The utm_campaign added to every link, next to utm_source=alsobought and
    /// utm_medium=email.
    #[arg(long, value_name = "NAME", default_value = "post_purchase")]
    utm_campaign: String,

    /// Never suggest these product IDs, comma-separated or repeated [default: none].
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    exclude: Vec<String>,

    /// What fills the slots the neighbours leave empty.
    #[arg(long, value_name = "KIND", value_enum, default_value_t = FallbackArg::Bestsellers)]
    fallback: FallbackArg,
}

const EMAIL_AFTER_HELP: &str = "\
Examples:
  alsobought email --table store.table --order SKU-1,SKU-7 --base-url https://shop.example/
  alsobought email --table store.table --order SKU-1 --format json
  alsobought email --table store.table --orders last_week.csv --out-dir emails/";

/// The output formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum EmailFormat {
    /// An HTML fragment to paste into an email template.
    Html,
    /// The suggestions as JSON, for an email service's own template.
    Json,
}

/// Runs `alsobought email`.
pub fn run(args: &EmailArgs, quiet: bool) -> anyhow::Result<()> {
    // clap's `requires` does not see into the optional --orders group: checked here.
    if args.out_dir.is_some() && args.orders.is_none() {
        return Err(UsageError(
            "--out-dir writes one file per order of --orders FILE; for --order, redirect standard output instead"
                .to_owned(),
        )
        .into());
    }
    let table = open_table(&args.table)?;
    let table_name = args.table.display().to_string();
    if args.base_url.is_none() {
        refuse_relative_urls(&table, &table_name)?;
    }
    let options = RecommendOptions {
        max_suggestions: args.max,
        exclude: args.exclude.clone(),
        fallback: match args.fallback {
            FallbackArg::Bestsellers => Fallback::BestSellers,
            FallbackArg::None => Fallback::None,
        },
        ..RecommendOptions::default()
    };
    let recommender = Recommender::new(&table, options)
        .with_context(|| format!("cannot read table {table_name}"))?;
    let renderer = Renderer::new(args.base_url.as_ref(), &args.utm_campaign, &args.heading);
    match &args.orders {
        Some(orders) => run_batch(args, orders, &recommender, &renderer, quiet),
        None => {
            let (context, unknown) = recommender.context(&args.order)?;
            for id in &unknown {
                warn(format_args!(
                    "product {id:?} is not in table {table_name}: it adds no suggestions"
                ));
            }
            let ids: Vec<&str> = args.order.iter().map(String::as_str).collect();
            let suggestions = renderer.usable(recommender.suggest(&ids, &context));
            if suggestions.is_empty() {
                warn("no suggestions for this order: the output is empty");
            }
            let stdout = io::stdout();
            let mut out = stdout.lock();
            match args.format {
                EmailFormat::Html => out.write_all(renderer.html(&suggestions).as_bytes())?,
                EmailFormat::Json => {
                    let feed = renderer.feed(None, &args.order, &suggestions);
                    serde_json::to_writer_pretty(&mut out, &feed)?;
                    writeln!(out)?;
                }
            }
            out.flush().context("cannot write to standard output")?;
            Ok(())
        }
    }
}
