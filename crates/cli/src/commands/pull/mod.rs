//! `alsobought pull`: brings an orders file up to date from the store's platform, so
//! the table can be rebuilt every night without anyone exporting a CSV.
//!
//! The first pull fetches the whole history (on Shopify by a bulk operation), later
//! ones only the orders changed since (the high-water mark in `<out>.state`). Progress
//! is durable page by page (`journal`), so a killed pull resumes where it stopped, and
//! the output is replaced only once every page is in. Rate limits are kept to as the
//! platform reports them (`shopify::graphql`, `http`).

use std::path::PathBuf;

use anyhow::Context;
use clap::{ArgGroup, Args};

use crate::progress::Progress;
use crate::report::{count_of, thousands};
use http::Http;
use journal::{Finished, Session};
use shopify::Shopify;
use woocommerce::WooCommerce;

mod http;
mod journal;
mod shopify;
mod state;
mod woocommerce;

/// Kept under 80 columns per line, so the examples paste into a shell.
const PULL_AFTER_HELP: &str = "\
Writes OUT as JSON lines (one order a line, read by `build --orders OUT`) and
keeps OUT.state beside it: run the same command again to fetch only what
changed, or to resume a pull that was interrupted.

Examples:
  SHOPIFY_TOKEN=shpat_... alsobought pull --shopify example.myshopify.com \\
    --token-env SHOPIFY_TOKEN --out orders.jsonl
  alsobought pull --woocommerce https://shop.example.com \\
    --key-env WC_KEY --secret-env WC_SECRET --out orders.jsonl
  alsobought build --orders orders.jsonl --out store.table";

/// Flags of `alsobought pull`.
#[derive(Debug, Args)]
#[command(after_help = PULL_AFTER_HELP)]
#[command(group(ArgGroup::new("platform").required(true).args(["shopify", "woocommerce"])))]
pub struct PullArgs {
    /// The Shopify store to pull from, by its myshopify.com domain
    /// (example.myshopify.com).
    #[arg(long, value_name = "STORE", requires = "token_env")]
    pub shopify: Option<String>,

    /// The WooCommerce site to pull from, by its address (https://shop.example.com).
    #[arg(long, value_name = "URL", requires_all = ["key_env", "secret_env"])]
    pub woocommerce: Option<String>,

    /// The environment variable that holds the Shopify Admin API access token (the
    /// token itself never goes on a command line, where others can see it).
    #[arg(long, value_name = "VAR", conflicts_with = "woocommerce")]
    pub token_env: Option<String>,

    /// The environment variable that holds the WooCommerce REST API consumer key.
    #[arg(long, value_name = "VAR", conflicts_with = "shopify")]
    pub key_env: Option<String>,

    /// The environment variable that holds the WooCommerce consumer secret.
    #[arg(long, value_name = "VAR", conflicts_with = "shopify")]
    pub secret_env: Option<String>,

    /// The orders file to create or bring up to date; OUT.state beside it remembers
    /// how far it reaches.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,

    /// Send the API requests to this base URL instead of the platform's, for a test
    /// stand-in or a proxy [default: https://STORE for Shopify, the site's address
    /// for WooCommerce].
    #[arg(long, value_name = "URL")]
    pub api_base: Option<String>,
}

/// Runs `alsobought pull`.
pub fn run(args: &PullArgs, quiet: bool) -> anyhow::Result<()> {
    let http = Http::new();
    let api_base = args.api_base.as_deref();
    let (platform, store) = match (&args.shopify, &args.woocommerce) {
        (Some(store), _) => ("shopify", shopify_domain(store)),
        (None, Some(site)) => ("woocommerce", site.trim_end_matches('/').to_owned()),
        (None, None) => unreachable!("clap requires a platform"),
    };
    let progress = Progress::counting(quiet, "orders pulled");
    let mut session = Session::open(&args.out, platform, &store, progress)?;
    if session.resumed() && !quiet {
        eprintln!(
            "alsobought: resuming the interrupted pull into {} ({} already fetched)",
            args.out.display(),
            count_of(session.run().orders, "order", "orders")
        );
    }
    let mut mode = if session.state.high_water.is_none() {
        "first pull"
    } else {
        "changes"
    };
    let mut throttled = None;
    if !session.run().fetched {
        if platform == "shopify" {
            let token_env = args
                .token_env
                .as_deref()
                .expect("clap requires --token-env");
            let token = env_value(token_env, "--token-env", "the Admin API access token")?;
            let mut client = Shopify::new(&http, &store, api_base, token, token_env);
            let report = shopify::pull(&mut client, &mut session)?;
            mode = report.mode;
            throttled = Some(report.throttled);
        } else {
            let key_env = args.key_env.as_deref().expect("clap requires --key-env");
            let secret_env = args
                .secret_env
                .as_deref()
                .expect("clap requires --secret-env");
            let credentials = (
                env_value(key_env, "--key-env", "the consumer key")?,
                env_value(secret_env, "--secret-env", "the consumer secret")?,
            );
            WooCommerce::new(&http, &store, api_base, credentials, key_env).pull(&mut session)?;
        }
    }
    let finished = session.finish()?;
    if !quiet {
        print_summary(args, platform, &store, mode, throttled, &finished);
    }
    Ok(())
}

/// `https://example.myshopify.com/` → `example.myshopify.com`.
fn shopify_domain(store: &str) -> String {
    let store = store.trim().trim_end_matches('/');
    store
        .strip_prefix("https://")
        .or_else(|| store.strip_prefix("http://"))
        .unwrap_or(store)
        .to_owned()
}

/// The value of the environment variable `variable`, given with `flag`.
fn env_value(variable: &str, flag: &str, what: &str) -> anyhow::Result<String> {
    let value = std::env::var(variable)
        .ok()
        .filter(|value| !value.trim().is_empty())
        .with_context(|| {
            format!("the environment variable {variable} (given with {flag}) is not set: it must hold {what}")
        })?;
    Ok(value.trim().to_owned())
}

fn print_summary(
    args: &PullArgs,
    platform: &str,
    store: &str,
    mode: &str,
    throttled: Option<u32>,
    finished: &Finished,
) {
    let throttled = throttled
        .map(|count| format!(", {} throttled", thousands(u64::from(count))))
        .unwrap_or_default();
    println!(
        "pulled   {} from {platform} {store} ({mode}{throttled})",
        count_of(finished.fetched, "order", "orders")
    );
    println!(
        "wrote    {} ({}, {} replaced by a newer version)",
        args.out.display(),
        count_of(finished.total, "order", "orders"),
        thousands(finished.replaced)
    );
    if let Some(high_water) = &finished.high_water {
        println!("next     orders changed from {high_water} on");
    }
}
