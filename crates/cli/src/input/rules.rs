//! Reads a merchandising rules file (`build --rules`, `inspect --rules`): CSV with a
//! header `rule,product,target` and an optional `factor` column, one rule a row.
//!
//! A row that cannot be used (an unknown rule or product, a malformed factor) is
//! skipped with a warning naming the file, line and field, like a bad order row, or
//! stops the build under `--strict`: a typo in a pin must not pass silently, and must
//! not leave the store on yesterday's table either.

use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

use alsobought_mining::{Block, MerchandisingRules, Pin, Weight, WeightTarget};
use anyhow::{bail, Context};

use super::catalog::BadRows;
use super::csv_lines::LinedCsv;
use super::skips::{RowProblem, SkipReport};
use super::source::open_input;

/// The columns of a rules file; `factor` may be absent.
const COLUMNS: [&str; 4] = ["rule", "product", "target", "factor"];

/// What a boost or bury without a factor multiplies or divides by.
pub const DEFAULT_FACTOR: f32 = 2.0;

/// The largest factor: past it, one rule would stretch the table's score range so far
/// that the 8-bit scores of everything else lose their precision.
const MAX_FACTOR: f32 = 1000.0;

/// The written form of a category target: `category:NAME`.
const CATEGORY_PREFIX: &str = "category:";

/// The four rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleKind {
    /// Show a target first on a product's page.
    Pin,
    /// Never show a target on a product's page (or any page).
    Block,
    /// Move a product or category up everywhere.
    Boost,
    /// Move a product or category down everywhere.
    Bury,
}

impl RuleKind {
    const ALL: [RuleKind; 4] = [
        RuleKind::Pin,
        RuleKind::Block,
        RuleKind::Boost,
        RuleKind::Bury,
    ];

    /// The rule's name in a rules file.
    pub fn name(self) -> &'static str {
        match self {
            RuleKind::Pin => "pin",
            RuleKind::Block => "block",
            RuleKind::Boost => "boost",
            RuleKind::Bury => "bury",
        }
    }
}

/// What rules may name: the products (and categories) the table will hold.
pub trait KnownProducts {
    /// Whether product `id` is one.
    fn has_product(&self, id: &str) -> bool;
    /// Whether some product has this category.
    fn has_category(&self, category: &str) -> bool;
    /// Where the products come from, for messages ("the catalog catalog.csv").
    fn described(&self) -> String;
}

/// Known products as sets of ids and categories.
pub struct ProductSet<'a> {
    /// Product ids.
    pub ids: HashSet<&'a str>,
    /// Non-empty categories.
    pub categories: HashSet<&'a str>,
    /// Where they come from, for messages.
    pub from: String,
}

impl KnownProducts for ProductSet<'_> {
    fn has_product(&self, id: &str) -> bool {
        self.ids.contains(id)
    }

    fn has_category(&self, category: &str) -> bool {
        self.categories.contains(category)
    }

    fn described(&self) -> String {
        self.from.clone()
    }
}

/// A rules file, read.
#[derive(Debug, Default)]
pub struct RulesFile {
    /// The rules that could be used, in file order.
    pub rules: MerchandisingRules,
    /// The line of each rule, parallel to `rules.pins`, `rules.blocks` and
    /// `rules.weights`.
    pub lines: RuleLines,
    /// How many rows of each rule were used, in [`RuleKind::ALL`] order.
    pub counts: [u64; 4],
    /// The rows skipped as bad.
    pub skips: SkipReport,
    /// The file's name, for messages.
    pub source: String,
}

/// Where each rule was written.
#[derive(Debug, Default)]
pub struct RuleLines {
    /// Lines of the pins.
    pub pins: Vec<u64>,
    /// Lines of the blocks.
    pub blocks: Vec<u64>,
    /// Lines of the boosts and buries.
    pub weights: Vec<u64>,
}

impl RulesFile {
    /// `3 pins, 1 block, 2 boosts, 0 buries`.
    pub fn counts_text(&self) -> String {
        RuleKind::ALL
            .iter()
            .zip(self.counts)
            .map(|(kind, count)| {
                let name = kind.name();
                let plural = match kind {
                    RuleKind::Bury => "buries".to_owned(),
                    _ => format!("{name}s"),
                };
                format!("{count} {}", if count == 1 { name } else { &plural })
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Reads the rules file at `path`, checking what it names against `known`.
pub fn read_rules(
    path: &Path,
    known: &dyn KnownProducts,
    bad_rows: BadRows,
) -> anyhow::Result<RulesFile> {
    let input = open_input(path)?;
    parse_rules(input.reader, &input.name, known, bad_rows)
}

/// Reads rules from `reader` (named `source` in messages).
pub fn parse_rules(
    reader: impl Read,
    source: &str,
    known: &dyn KnownProducts,
    bad_rows: BadRows,
) -> anyhow::Result<RulesFile> {
    let mut lined = LinedCsv::new(
        reader,
        csv::ReaderBuilder::new().flexible(true).comment(Some(b'#')),
    )
    .with_context(|| format!("cannot read rules file {source}"))?;
    let headers: Vec<String> = lined
        .csv
        .headers()
        .with_context(|| format!("cannot read the header row of {source}"))?
        .iter()
        .map(|header| header.trim().to_ascii_lowercase())
        .collect();
    let positions: Vec<Option<usize>> = COLUMNS
        .iter()
        .map(|column| headers.iter().position(|header| header == column))
        .collect();
    if let Some(missing) = COLUMNS[..3]
        .iter()
        .zip(&positions)
        .find(|(_, position)| position.is_none())
    {
        bail!(
            "rules file {source} has no {:?} column; the header has: {}; a rules file starts with the line rule,product,target,factor (see the README's \"Merchandising rules\")",
            missing.0,
            headers.iter().map(|header| format!("{header:?}")).collect::<Vec<_>>().join(", ")
        );
    }
    let mut file = RulesFile {
        source: source.to_owned(),
        ..RulesFile::default()
    };
    let mut record = csv::StringRecord::new();
    let mut records_read = 0;
    while lined
        .csv
        .read_record(&mut record)
        .with_context(|| format!("cannot read rules file {source}"))?
    {
        records_read += 1;
        let line = lined.start_line(record.as_byte_record(), records_read);
        let field = |column: usize| {
            positions[column]
                .and_then(|position| record.get(position))
                .map_or("", str::trim)
        };
        let outcome = if record.len() > headers.len() {
            Err(RowProblem {
                reason: "wrong number of fields",
                field: None,
                detail: format!(
                    "the row has {} fields but the header has {} (an unquoted comma?)",
                    record.len(),
                    headers.len()
                ),
            })
        } else {
            parse_rule([field(0), field(1), field(2), field(3)], known)
        };
        match outcome {
            Ok(rule) => file.add(rule, line),
            Err(problem) if bad_rows == BadRows::Fail => bail!(
                "{}; stopping because of --strict (without it the row is skipped with a warning)",
                problem.at(source, line)
            ),
            Err(problem) => file.skips.skip(line, problem),
        }
    }
    Ok(file)
}

/// One row's rule.
enum ParsedRule {
    Pin(Pin),
    Block(Block),
    Weight(RuleKind, Weight),
}

impl RulesFile {
    fn add(&mut self, rule: ParsedRule, line: u64) {
        let kind = match rule {
            ParsedRule::Pin(pin) => {
                self.rules.pins.push(pin);
                self.lines.pins.push(line);
                RuleKind::Pin
            }
            ParsedRule::Block(block) => {
                self.rules.blocks.push(block);
                self.lines.blocks.push(line);
                RuleKind::Block
            }
            ParsedRule::Weight(kind, weight) => {
                self.rules.weights.push(weight);
                self.lines.weights.push(line);
                kind
            }
        };
        let index = RuleKind::ALL
            .iter()
            .position(|known| *known == kind)
            .expect("one of the four");
        self.counts[index] += 1;
    }
}

/// A row's `rule,product,target,factor` fields (trimmed, empty when absent) as a
/// rule, or what is wrong with them.
fn parse_rule(
    [rule, product, target, factor]: [&str; 4],
    known: &dyn KnownProducts,
) -> Result<ParsedRule, RowProblem> {
    let kind = RuleKind::ALL
        .into_iter()
        .find(|kind| kind.name().eq_ignore_ascii_case(rule))
        .ok_or_else(|| {
            RowProblem::in_field(
                "unknown rule",
                "rule",
                format!("{rule:?} is not a rule: write pin, block, boost or bury"),
            )
        })?;
    let everywhere = product == "*";
    match kind {
        RuleKind::Pin if everywhere => {
            return Err(RowProblem::in_field(
                "bad product",
                "product",
                "a pin names one product (\"*\" is for block, boost and bury; to move a product up everywhere, boost it)",
            ))
        }
        RuleKind::Boost | RuleKind::Bury if !everywhere => {
            return Err(RowProblem::in_field(
                "bad product",
                "product",
                format!(
                    "{product:?}: a {} applies on every page, so its product is \"*\" (to put a target first on one product's page, pin it)",
                    kind.name()
                ),
            ))
        }
        _ if !everywhere => known_product(known, "product", product)?,
        _ => {}
    }
    match kind {
        RuleKind::Pin | RuleKind::Block => {
            if target.starts_with(CATEGORY_PREFIX) {
                return Err(RowProblem::in_field(
                    "bad target",
                    "target",
                    format!(
                        "{target:?}: a {} names one product; category targets are for boost and bury",
                        kind.name()
                    ),
                ));
            }
            known_product(known, "target", target)?;
            if !factor.is_empty() {
                return Err(RowProblem::in_field(
                    "bad factor",
                    "factor",
                    format!(
                        "{factor:?}: a {} takes no factor (only boost and bury do); leave it empty",
                        kind.name()
                    ),
                ));
            }
            if kind == RuleKind::Pin {
                if product == target {
                    return Err(RowProblem::in_field(
                        "bad target",
                        "target",
                        format!("{target:?} is the product itself: a product is never suggested on its own page"),
                    ));
                }
                return Ok(ParsedRule::Pin(Pin {
                    product: product.to_owned(),
                    target: target.to_owned(),
                }));
            }
            Ok(ParsedRule::Block(Block {
                product: (!everywhere).then(|| product.to_owned()),
                target: target.to_owned(),
            }))
        }
        RuleKind::Boost | RuleKind::Bury => {
            let target = match target.strip_prefix(CATEGORY_PREFIX) {
                Some(category) => {
                    if !known.has_category(category) {
                        return Err(RowProblem::in_field(
                            "unknown category",
                            "target",
                            format!(
                                "no product of {} has category {category:?} (categories are case-sensitive)",
                                known.described()
                            ),
                        ));
                    }
                    WeightTarget::Category(category.to_owned())
                }
                None => {
                    known_product(known, "target", target)?;
                    WeightTarget::Product(target.to_owned())
                }
            };
            let factor = parse_factor(factor)?;
            let factor = if kind == RuleKind::Bury {
                1.0 / factor
            } else {
                factor
            };
            Ok(ParsedRule::Weight(kind, Weight { target, factor }))
        }
    }
}

/// Checks that the `column` value `id` names a known product.
fn known_product(known: &dyn KnownProducts, column: &str, id: &str) -> Result<(), RowProblem> {
    if id.is_empty() {
        return Err(RowProblem::in_field(
            "empty id",
            column,
            "empty value: write a product id (or * for every product, where the rule allows it)",
        ));
    }
    if !known.has_product(id) {
        return Err(RowProblem::in_field(
            "unknown product",
            column,
            format!(
                "no product {id:?} in {} (ids are case-sensitive)",
                known.described()
            ),
        ));
    }
    Ok(())
}

/// A boost or bury factor: a number above 1 and at most [`MAX_FACTOR`]; empty is
/// [`DEFAULT_FACTOR`].
fn parse_factor(text: &str) -> Result<f32, RowProblem> {
    if text.is_empty() {
        return Ok(DEFAULT_FACTOR);
    }
    let problem = |detail: String| RowProblem::in_field("bad factor", "factor", detail);
    let factor: f32 = text.parse().map_err(|_| {
        problem(format!(
            "{text:?} is not a number: write a factor above 1 such as 2 (a boost multiplies scores by it, a bury divides them by it)"
        ))
    })?;
    if factor.is_nan() || factor <= 1.0 {
        return Err(problem(format!(
            "{text:?} is not above 1: a boost multiplies scores by its factor and a bury divides them by it, so write bury with 2 to halve"
        )));
    }
    if factor > MAX_FACTOR {
        return Err(problem(format!(
            "{text:?} is above {MAX_FACTOR}: so strong a factor would squeeze every other score into a few of the table's 255 score steps"
        )));
    }
    Ok(factor)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> ProductSet<'static> {
        ProductSet {
            ids: HashSet::from(["MUG", "TEA", "POT", "CARD"]),
            categories: HashSet::from(["kitchen"]),
            from: "the catalog catalog.csv".to_owned(),
        }
    }

    fn parse(text: &str, bad_rows: BadRows) -> anyhow::Result<RulesFile> {
        parse_rules(text.as_bytes(), "rules.csv", &known(), bad_rows)
    }

    #[test]
    fn every_rule_in_file_order_with_its_line() {
        let text = "Rule,Product,Target,Factor\n# comments are allowed\npin,MUG,TEA,\npin,MUG,POT\nblock,*,CARD\nBLOCK,TEA,MUG\nboost,*,category:kitchen,3\nbury,*,POT,\n";
        let file = parse(text, BadRows::Fail).unwrap();
        let pins: Vec<(&str, &str)> = file
            .rules
            .pins
            .iter()
            .map(|pin| (pin.product.as_str(), pin.target.as_str()))
            .collect();
        assert_eq!(pins, [("MUG", "TEA"), ("MUG", "POT")]);
        assert_eq!(file.lines.pins, [3, 4]);
        assert_eq!(file.rules.blocks[0].product, None);
        assert_eq!(file.rules.blocks[1].product.as_deref(), Some("TEA"));
        assert_eq!(
            file.rules.weights,
            [
                Weight {
                    target: WeightTarget::Category("kitchen".into()),
                    factor: 3.0
                },
                Weight {
                    target: WeightTarget::Product("POT".into()),
                    factor: 0.5
                }
            ]
        );
        assert_eq!(file.counts_text(), "2 pins, 2 blocks, 1 boost, 1 bury");
    }

    #[test]
    fn bad_rows_name_file_line_and_field() {
        let text = "rule,product,target,factor\npinn,MUG,TEA,\npin,mug,TEA,\npin,MUG,TEA,2\nboost,*,POT,0.5\nboost,*,POT,lots\nbury,*,category:garden,\nboost,MUG,POT,2\nblock,MUG,TEA,,extra\npin,MUG,TEA\n";
        let file = parse(text, BadRows::Skip).unwrap();
        let messages: Vec<String> = file
            .skips
            .examples
            .iter()
            .map(|row| row.problem.at("rules.csv", row.line))
            .collect();
        assert_eq!(
            messages,
            [
                "rules.csv:2: field \"rule\": \"pinn\" is not a rule: write pin, block, boost or bury",
                "rules.csv:3: field \"product\": no product \"mug\" in the catalog catalog.csv (ids are case-sensitive)",
                "rules.csv:4: field \"factor\": \"2\": a pin takes no factor (only boost and bury do); leave it empty",
                "rules.csv:5: field \"factor\": \"0.5\" is not above 1: a boost multiplies scores by its factor and a bury divides them by it, so write bury with 2 to halve",
                "rules.csv:6: field \"factor\": \"lots\" is not a number: write a factor above 1 such as 2 (a boost multiplies scores by it, a bury divides them by it)",
                "rules.csv:7: field \"target\": no product of the catalog catalog.csv has category \"garden\" (categories are case-sensitive)",
                "rules.csv:8: field \"product\": \"MUG\": a boost applies on every page, so its product is \"*\" (to put a target first on one product's page, pin it)",
                "rules.csv:9: the row has 5 fields but the header has 4 (an unquoted comma?)",
            ]
        );
        assert_eq!(file.rules.pins.len(), 1, "only the last row is good");
        assert_eq!(file.skips.skipped_total(), 8);
    }

    #[test]
    fn strict_stops_at_the_first_bad_row() {
        let message = format!(
            "{:#}",
            parse("rule,product,target\npin,MUG,NOPE\n", BadRows::Fail).unwrap_err()
        );
        assert_eq!(
            message,
            "rules.csv:2: field \"target\": no product \"NOPE\" in the catalog catalog.csv (ids are case-sensitive); stopping because of --strict (without it the row is skipped with a warning)"
        );
    }

    #[test]
    fn a_missing_column_is_fatal_even_without_strict() {
        let message = format!(
            "{:#}",
            parse("rule,product\npin,MUG\n", BadRows::Skip).unwrap_err()
        );
        assert!(
            message.starts_with("rules file rules.csv has no \"target\" column; the header has: \"rule\", \"product\""),
            "{message}"
        );
    }
}
