//! `alsobought inspect`: what is inside a table file (header, sizes by section, the
//! best-sellers, one product's card and neighbours) and, with `--verify`, whether every
//! checksum and structural rule holds.
//!
//! It answers the questions a store owner has after a build ("how big, what does a
//! page download, what does product X suggest?") and is the first step when the widget
//! refuses a table.

use std::io::{self, Write};
use std::path::PathBuf;

use alsobought_core::{Bundle, Card, Quantization, Table, TableStats};
use alsobought_mining::WeightTarget;
use anyhow::Context;
use clap::Args;

use super::table_file::open_table;
use crate::input::catalog::BadRows;
use crate::input::rules::{read_rules, KnownProducts, RulesFile};
use crate::report::warn;
use crate::report::{bytes, card_price_text, thousands, write_columns};

/// How many best-sellers the overview lists.
const BEST_SELLERS_SHOWN: usize = 5;

/// `alsobought inspect`'s arguments.
#[derive(Debug, Args)]
#[command(
    about = "Show a table's header, sizes and a product's card and neighbours; verify checksums",
    after_help = "Example:\n  alsobought inspect store.table --product SKU-123 --verify"
)]
pub struct InspectArgs {
    /// Table FILE written by `alsobought build`.
    #[arg(value_name = "FILE.table")]
    table: PathBuf,

    /// Also show product ID's card and its neighbours with their scores [default: none].
    #[arg(long, value_name = "ID")]
    product: Option<String>,

    /// With --product: mark which of its suggestions the merchandising rules FILE
    /// (the one given to `build --rules`) pinned, boosted or buried, and list the
    /// targets it blocks there.
    #[arg(long, value_name = "FILE", requires = "product")]
    rules: Option<PathBuf>,

    /// Check every checksum and structural rule of the file; exit code 1 if any fails
    /// [default: only the header and the parts shown are checked].
    #[arg(long)]
    verify: bool,
}

/// Runs `alsobought inspect`.
pub fn run(args: &InspectArgs, _quiet: bool) -> anyhow::Result<()> {
    let table = open_table(&args.table)?;
    let name = args.table.display();
    let stats = table
        .stats()
        .with_context(|| format!("cannot read table {name}"))?;
    let stdout = io::stdout();
    let mut out = stdout.lock();
    write_overview(&mut out, &table, &stats)?;
    write_best_sellers(&mut out, &table).with_context(|| format!("cannot read table {name}"))?;
    if let Some(id) = &args.product {
        let bundle = table
            .bundle(id)
            .with_context(|| format!("cannot read table {name}"))?
            .with_context(|| format!("product {id:?} is not in table {name}"))?;
        let rules = match &args.rules {
            Some(path) => {
                let known = TableIds {
                    table: &table,
                    name: name.to_string(),
                };
                let file = read_rules(path, &known, BadRows::Skip)?;
                for row in &file.skips.examples {
                    warn(format_args!(
                        "{}; its rule is not marked",
                        row.problem.at(&file.source, row.line)
                    ));
                }
                Some(file)
            }
            None => None,
        };
        write_product(
            &mut out,
            &bundle,
            &table.header().quantization(),
            rules.as_ref(),
        )?;
    }
    if args.verify {
        table
            .verify()
            .with_context(|| format!("table {name} failed verification"))?;
        writeln!(out, "\nverify: every checksum and structural rule holds")?;
    }
    Ok(())
}

fn write_overview(
    out: &mut impl Write,
    table: &Table<Vec<u8>>,
    stats: &TableStats,
) -> io::Result<()> {
    let header = table.header();
    let share = |part: u64| {
        format!(
            "{:.1} %",
            100.0 * part as f64 / stats.file_bytes.max(1) as f64
        )
    };
    let per = |total: u64, count: u64| {
        if count == 0 {
            "-".to_owned()
        } else {
            format!("{:.1} B", total as f64 / count as f64)
        }
    };
    let rows: Vec<Vec<String>> = vec![
        vec!["format version".into(), header.version.to_string()],
        vec!["products".into(), thousands(u64::from(stats.product_count))],
        vec!["neighbour edges".into(), thousands(stats.edge_count)],
        vec!["max neighbours".into(), stats.max_neighbours.to_string()],
        vec!["best-sellers".into(), stats.best_seller_count.to_string()],
        vec!["orders mined".into(), thousands(stats.order_count)],
        vec![
            "buckets".into(),
            format!(
                "{} (bucket_bits {})",
                thousands(u64::from(stats.bucket_count)),
                header.bucket_bits
            ),
        ],
        vec![
            "scores".into(),
            format!(
                "{} to {} (log scale, 255 steps)",
                header.score_min, header.score_max
            ),
        ],
        vec![
            "file".into(),
            format!(
                "{} ({} bytes)",
                bytes(stats.file_bytes),
                thousands(stats.file_bytes)
            ),
        ],
        vec![
            "per product".into(),
            per(stats.file_bytes, u64::from(stats.product_count)),
        ],
        vec![
            "per edge".into(),
            format!(
                "{} B edge record ({} of edges); {} with the neighbours' card copies",
                alsobought_core::EDGE_LEN,
                bytes(stats.edge_count * alsobought_core::EDGE_LEN as u64),
                per(stats.bundle_bytes, stats.edge_count)
            ),
        ],
    ];
    write_columns(out, &rows)?;
    writeln!(out, "\nbytes by section")?;
    let sections = [
        ("header", stats.header_bytes),
        ("root directory", stats.root_directory_bytes),
        ("best-sellers", stats.best_sellers_bytes),
        ("leaf directories", stats.leaf_directory_bytes),
        ("bundles", stats.bundle_bytes),
    ];
    let mut rows: Vec<Vec<String>> = sections
        .iter()
        .map(|(section, size)| vec![format!("  {section}"), thousands(*size), share(*size)])
        .collect();
    rows.push(vec![
        "  first fetch (prefix)".into(),
        thousands(stats.prefix_bytes()),
        share(stats.prefix_bytes()),
    ]);
    rows.push(vec![
        "  largest leaf".into(),
        thousands(stats.largest_leaf_bytes),
        String::new(),
    ]);
    rows.push(vec![
        "  largest bundle".into(),
        thousands(stats.largest_bundle_bytes),
        String::new(),
    ]);
    write_columns(out, &rows)
}

fn write_best_sellers(out: &mut impl Write, table: &Table<Vec<u8>>) -> anyhow::Result<()> {
    let prefix = table.prefix()?;
    let shown: Vec<Vec<String>> = prefix
        .best_sellers()
        .neighbours()
        .take(BEST_SELLERS_SHOWN)
        .enumerate()
        .map(|(rank, (card, _))| {
            vec![
                format!("  {}", rank + 1),
                card.id.to_owned(),
                card.title.to_owned(),
            ]
        })
        .collect();
    if !shown.is_empty() {
        writeln!(out, "\nbest-sellers (first {})", shown.len())?;
        write_columns(out, &shown)?;
    }
    Ok(())
}

/// The products of a table, for checking the ids a rules file names. Categories are
/// not indexed in a table, so every category passes.
struct TableIds<'t> {
    table: &'t Table<Vec<u8>>,
    name: String,
}

impl KnownProducts for TableIds<'_> {
    fn has_product(&self, id: &str) -> bool {
        matches!(self.table.bundle(id), Ok(Some(_)))
    }

    fn has_category(&self, _category: &str) -> bool {
        true
    }

    fn described(&self) -> String {
        format!("table {}", self.name)
    }
}

/// What the rules did to `neighbour` on `product`'s page: `pin (rules.csv:2)`,
/// `boost ×4 (rules.csv:5)`, ...; empty when no rule names it.
fn rule_marks(rules: &RulesFile, product: &str, neighbour: &Card<'_>) -> String {
    let at = |line: u64| format!("{}:{line}", rules.source);
    let mut marks: Vec<String> = rules
        .rules
        .pins
        .iter()
        .zip(&rules.lines.pins)
        .filter(|(pin, _)| pin.product == product && pin.target == neighbour.id)
        .map(|(_, &line)| format!("pin ({})", at(line)))
        .collect();
    for (weight, &line) in rules.rules.weights.iter().zip(&rules.lines.weights) {
        let applies = match &weight.target {
            WeightTarget::Product(id) => id == neighbour.id,
            WeightTarget::Category(category) => category == neighbour.category,
        };
        if applies {
            marks.push(if weight.factor >= 1.0 {
                format!("boost ×{} ({})", weight.factor, at(line))
            } else {
                format!("bury ÷{} ({})", 1.0 / weight.factor, at(line))
            });
        }
    }
    marks.join(", ")
}

/// The targets the rules keep off `product`'s page: `B (rules.csv:3)`, ...
fn blocked_here(rules: &RulesFile, product: &str) -> Vec<String> {
    rules
        .rules
        .blocks
        .iter()
        .zip(&rules.lines.blocks)
        .filter(|(block, _)| block.product.as_deref().is_none_or(|id| id == product))
        .map(|(block, &line)| {
            let everywhere = if block.product.is_none() {
                ", everywhere"
            } else {
                ""
            };
            format!("{} ({}:{line}{everywhere})", block.target, rules.source)
        })
        .collect()
}

fn write_product(
    out: &mut impl Write,
    bundle: &Bundle<'_>,
    quantization: &Quantization,
    rules: Option<&RulesFile>,
) -> io::Result<()> {
    let Some(card) = bundle.product() else {
        return Ok(());
    };
    writeln!(out, "\nproduct {}", card.id)?;
    write_columns(out, &card_rows(&card))?;
    writeln!(out, "\nneighbours ({}, best first)", bundle.len())?;
    if bundle.is_empty() {
        writeln!(
            out,
            "  none: the widget shows best-sellers for this product"
        )?;
        return Ok(());
    }
    let mut heading = ["  #", "id", "score", "relative", "q", "title"]
        .map(String::from)
        .to_vec();
    if rules.is_some() {
        heading.push("rule".into());
    }
    let mut rows = vec![heading];
    for (rank, (neighbour, quantized)) in bundle.neighbours().enumerate() {
        let score = quantization.dequantize(quantized);
        let relative = if quantization.max > 0.0 {
            score / quantization.max
        } else {
            0.0
        };
        rows.push(vec![
            format!("  {}", rank + 1),
            neighbour.id.to_owned(),
            format!("{score:.4}"),
            format!("{relative:.3}"),
            quantized.to_string(),
            neighbour.title.to_owned(),
        ]);
        if let Some(rules) = rules {
            rows.last_mut()
                .expect("just pushed")
                .push(rule_marks(rules, card.id, &neighbour));
        }
    }
    write_columns(out, &rows)?;
    if let Some(rules) = rules {
        let blocked = blocked_here(rules, card.id);
        if !blocked.is_empty() {
            writeln!(out, "\nblocked here: {}", blocked.join(", "))?;
        }
    }
    Ok(())
}

/// A card's fields as label/value rows.
fn card_rows(card: &Card<'_>) -> Vec<Vec<String>> {
    let or_dash = |text: &str| {
        if text.is_empty() {
            "-".to_owned()
        } else {
            text.to_owned()
        }
    };
    vec![
        vec!["  number".into(), card.number.to_string()],
        vec!["  title".into(), or_dash(card.title)],
        vec!["  price".into(), card_price_text(card)],
        vec![
            "  available".into(),
            if card.available { "yes" } else { "no" }.into(),
        ],
        vec!["  category".into(), or_dash(card.category)],
        vec!["  url".into(), or_dash(card.url)],
        vec!["  image".into(), or_dash(card.image)],
        vec![
            "  rating".into(),
            card.rating_tenths.map_or("-".to_owned(), |tenths| {
                format!("{}.{} / 5", tenths / 10, tenths % 10)
            }),
        ],
    ]
}
