//! `build --rules` and what the summary says about the rules, the cold-start fill and
//! an order history too thin to trust.

use std::path::Path;

use alsobought_mining::{Catalog, MinedTable};

use crate::input::catalog::BadRows;
use crate::input::rules::{read_rules, ProductSet, RulesFile};
use crate::report::{count_of, plural, thousands, warn_about_skips};

/// Below this many orders a table's pairs are mostly chance, however many products.
const FEW_ORDERS: u64 = 500;

/// Reads `--rules`, checking the ids it names against the catalog, or without one
/// against the ordered products (`product_ids`).
pub fn read_rules_for(
    path: &Path,
    catalog: Option<&Catalog>,
    product_ids: &[String],
    bad_rows: BadRows,
) -> anyhow::Result<RulesFile> {
    let known = match catalog {
        Some(catalog) => ProductSet {
            ids: catalog.records().iter().map(|r| r.id.as_str()).collect(),
            categories: catalog
                .records()
                .iter()
                .map(|record| record.category.as_str())
                .filter(|category| !category.is_empty())
                .collect(),
            from: "the catalog".to_owned(),
        },
        None => ProductSet {
            ids: product_ids.iter().map(String::as_str).collect(),
            categories: Default::default(),
            from: "the orders (there is no --catalog, so no categories either)".to_owned(),
        },
    };
    let file = read_rules(path, &known, bad_rows)?;
    warn_about_skips(&file.source, &file.skips);
    Ok(file)
}

/// The summary lines about rules, cold start and thin histories (none when there is
/// nothing to say).
pub fn summary_lines(
    rules: Option<&RulesFile>,
    mined: &MinedTable,
    fill_to: u8,
) -> Vec<(&'static str, String)> {
    let stats = &mined.stats;
    let mut lines = Vec::new();
    if let Some(file) = rules {
        let report = &stats.rules;
        let mut done = vec![format!(
            "{} placed first ({} new to their product's list)",
            count_of(report.pins_placed, "pin", "pins"),
            thousands(report.pins_added)
        )];
        if report.pins_left_out > 0 {
            done.push(format!(
                "{} left out (target unavailable or blocked, or more pins than --neighbours)",
                count_of(report.pins_left_out, "pin", "pins")
            ));
        }
        done.push(format!(
            "{} blocked",
            count_of(report.blocked_suggestions, "suggestion", "suggestions")
        ));
        if report.blocked_everywhere > 0 {
            done.push(format!(
                "{} blocked everywhere (never suggested, no best-seller)",
                count_of(report.blocked_everywhere, "product", "products")
            ));
        }
        done.push(format!(
            "{} moved by boost or bury",
            count_of(report.weighted_suggestions, "suggestion", "suggestions")
        ));
        let skipped = file.skips.skipped_total();
        lines.push((
            "rules",
            format!(
                "{} from {}{}",
                file.counts_text(),
                file.source,
                if skipped > 0 {
                    format!(" ({} skipped as bad)", count_of(skipped, "row", "rows"))
                } else {
                    String::new()
                }
            ),
        ));
        lines.push(("", done.join(", ")));
    }
    if fill_to > 0 {
        let filled = stats.cold_start;
        lines.push((
            "cold start",
            format!(
                "{} with fewer than {fill_to} neighbours filled with {} (their category's first, then the store's)",
                count_of(filled.products_filled, "product", "products"),
                count_of(filled.suggestions_added, "best-seller", "best-sellers")
            ),
        ));
    }
    let alone = stats.products_without_co_purchases;
    if stats.orders < FEW_ORDERS || alone * 2 > stats.products_written {
        lines.push((
            "note",
            format!(
                "few orders to learn from: {} {}, and {} of {} products never bought with another; suggestions are mostly best-sellers until more orders come in",
                thousands(stats.orders),
                plural(stats.orders, "order", "orders"),
                thousands(alone),
                thousands(stats.products_written)
            ),
        ));
    }
    lines
}
