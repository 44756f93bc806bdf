//! Batch mode: the suggestions for every order of an orders file, as JSON lines on
//! standard output or one file per order.

use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::Path;

use anyhow::Context;
use serde_json::json;

use super::render::Renderer;
use super::{EmailArgs, EmailFormat};
use crate::commands::orders_args::OrdersArgs;
use crate::commands::recommend::Recommender;
use crate::report::{count_of, warn};

pub(super) fn run_batch(
    args: &EmailArgs,
    orders_args: &OrdersArgs,
    recommender: &Recommender<'_>,
    renderer: &Renderer<'_>,
    quiet: bool,
) -> anyhow::Result<()> {
    let history = orders_args.read(quiet, &Default::default())?;
    let orders = &history.orders;
    if let Some(directory) = &args.out_dir {
        fs::create_dir_all(directory)
            .with_context(|| format!("cannot create --out-dir {}", directory.display()))?;
    }
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let (mut empty, mut unknown_ids) = (0u64, 0u64);
    for (order_id, basket) in orders.order_ids().iter().zip(orders.baskets()) {
        let ids: Vec<String> = basket
            .iter()
            .map(|&product| orders.product_ids()[product as usize].clone())
            .collect();
        let (context, unknown) = recommender.context(&ids)?;
        unknown_ids += unknown.len() as u64;
        let id_refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let suggestions = renderer.usable(recommender.suggest(&id_refs, &context));
        empty += u64::from(suggestions.is_empty());
        let feed = renderer.feed(Some(order_id), &ids, &suggestions);
        match (&args.out_dir, args.format) {
            (Some(directory), EmailFormat::Html) => {
                write_file(directory, order_id, "html", renderer.html(&suggestions))?
            }
            (Some(directory), EmailFormat::Json) => write_file(
                directory,
                order_id,
                "json",
                serde_json::to_string_pretty(&feed)? + "\n",
            )?,
            (None, format) => {
                let line = match format {
                    EmailFormat::Json => feed,
                    EmailFormat::Html => json!({
                        "order_id": order_id,
                        "order": ids,
                        "html": renderer.html(&suggestions),
                    }),
                };
                serde_json::to_writer(&mut out, &line)
                    .context("cannot write to standard output")?;
                out.write_all(b"\n")
                    .context("cannot write to standard output")?;
            }
        }
    }
    out.flush().context("cannot write to standard output")?;
    if empty > 0 {
        warn(format_args!(
            "{} of {} got no suggestion (empty output)",
            count_of(empty, "order", "orders"),
            count_of(orders.order_count() as u64, "order", "orders"),
        ));
    }
    if unknown_ids > 0 && !quiet {
        warn(format_args!(
            "{} of the orders {} not in table {}",
            count_of(unknown_ids, "product id", "product ids"),
            if unknown_ids == 1 { "is" } else { "are" },
            args.table.display()
        ));
    }
    Ok(())
}

fn write_file(
    directory: &Path,
    order_id: &str,
    extension: &str,
    text: String,
) -> anyhow::Result<()> {
    let path = directory.join(format!("{}.{extension}", file_stem(order_id)));
    fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// A file name for an order id: letters, digits, `-` and `_` as they are, every other
/// byte as `%XX`, so distinct ids never share a file (`#1001` → `%231001`) and no id
/// can climb out of the directory.
fn file_stem(order_id: &str) -> String {
    let mut stem = String::with_capacity(order_id.len());
    for byte in order_id.bytes() {
        if byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_' {
            stem.push(byte as char);
        } else {
            stem.push_str(&format!("%{byte:02X}"));
        }
    }
    if stem.is_empty() {
        stem.push_str("%00");
    }
    stem
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_stems_are_safe_and_distinct() {
        assert_eq!(file_stem("1001"), "1001");
        assert_eq!(file_stem("#1001"), "%231001");
        assert_eq!(file_stem("../etc/passwd"), "%2E%2E%2Fetc%2Fpasswd");
        assert_eq!(file_stem(""), "%00");
        assert_ne!(file_stem("a b"), file_stem("a_b"));
    }
}
