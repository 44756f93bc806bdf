//! `alsobought recommend`: the widget's suggestions, computed from a table file by the
//! same `alsobought_core::recommend` the widget runs.
//!
//! Two forms: a batch (`--queries Q.jsonl`: JSON lines in, JSON lines out, one per
//! query in order) for scripts, servers and email tooling; and `--product ID` for
//! people, printing a readable list with scores and titles.

use std::io::{self, BufReader, BufWriter, Write};
use std::path::PathBuf;

use alsobought_core::{
    recommend, Bundle, Fallback, Prefix, RecommendOptions, Suggestion, SuggestionSource, Table,
    TableScoring,
};
use anyhow::Context;
use clap::{ArgGroup, Args, ValueEnum};
use serde::Serialize;

use super::table_file::open_table;
use crate::input::queries::QueryReader;
use crate::input::source::open_input;
use crate::report::{card_price_text, count_of, plural, warn, write_columns};

/// `alsobought recommend`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Suggest products from a table: JSON lines in and out, or one product for people",
    after_help = RECOMMEND_AFTER_HELP,
    group(ArgGroup::new("input").required(true).args(["queries", "products"]))
)]
pub struct RecommendArgs {
    /// Table FILE written by `alsobought build`.
    #[arg(long, value_name = "FILE.table")]
    table: PathBuf,

    /// Batch mode: read queries from FILE (`-` for standard input), one JSON object per
    /// line, {"query": ["id", ...]} (other keys ignored); write one line
    /// {"query": [...], "recs": ["id", ...]} per query to standard output, in order.
    #[arg(
        long,
        value_name = "FILE",
        required_unless_present = "products",
        conflicts_with = "products"
    )]
    queries: Option<PathBuf>,

    /// For people: suggest for product ID and print a readable list; repeat the flag
    /// for a cart of several products.
    #[arg(long = "product", value_name = "ID")]
    products: Vec<String>,

    /// Suggest at most N products per query (the widget's data-max-suggestions).
    #[arg(long, value_name = "N", default_value_t = RecommendOptions::default().max_suggestions)]
    max: usize,

    /// Leave out neighbours whose score is below SCORE, from 0 to 1 relative to the
    /// table's strongest pair (the widget's data-min-score).
    #[arg(long, value_name = "SCORE", default_value_t = RecommendOptions::default().min_score,
          value_parser = parse_unit_interval)]
    min_score: f32,

    /// Never suggest these product IDs, comma-separated or repeated (the widget's
    /// data-exclude) [default: none].
    #[arg(long, value_name = "ID", value_delimiter = ',')]
    exclude: Vec<String>,

    /// At most N suggestions from one category (the widget's data-max-per-category)
    /// [default: no limit].
    #[arg(long, value_name = "N")]
    max_per_category: Option<usize>,

    /// What fills the slots the neighbours leave empty (the widget's data-fallback).
    #[arg(long, value_name = "KIND", value_enum, default_value_t = FallbackArg::Bestsellers)]
    fallback: FallbackArg,
}

const RECOMMEND_AFTER_HELP: &str = "\
Examples:
  alsobought recommend --table store.table --product SKU-123
  alsobought recommend --table store.table --product SKU-1 --product SKU-7 --max 3
  echo '{\"query\": [\"SKU-1\"]}' | alsobought recommend --table store.table --queries - --max 4";

/// The fallback as a flag value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub(super) enum FallbackArg {
    /// The table's best-sellers, after the neighbours.
    Bestsellers,
    /// Nothing: fewer suggestions, possibly none.
    None,
}

fn parse_unit_interval(text: &str) -> Result<f32, String> {
    match text.parse::<f32>() {
        Ok(value) if (0.0..=1.0).contains(&value) => Ok(value),
        _ => Err(format!("{text:?} is not a number from 0 to 1")),
    }
}

impl RecommendArgs {
    fn options(&self) -> RecommendOptions {
        RecommendOptions {
            max_suggestions: self.max,
            min_score: self.min_score,
            exclude: self.exclude.clone(),
            max_per_category: self.max_per_category,
            fallback: match self.fallback {
                FallbackArg::Bestsellers => Fallback::BestSellers,
                FallbackArg::None => Fallback::None,
            },
        }
    }
}

/// Runs `alsobought recommend`.
pub fn run(args: &RecommendArgs, quiet: bool) -> anyhow::Result<()> {
    let table = open_table(&args.table)?;
    let recommender = Recommender::new(&table, args.options())
        .with_context(|| format!("cannot read table {}", args.table.display()))?;
    match &args.queries {
        Some(path) => run_batch(&recommender, path, quiet),
        None => run_for_people(&recommender, &args.products, args),
    }
}

/// A table ready to answer queries: its prefix parsed once. `email` shares it, so an
/// email suggests exactly what `recommend` and the widget would.
pub(super) struct Recommender<'t> {
    table: &'t Table<Vec<u8>>,
    prefix: Prefix<'t>,
    scoring: TableScoring,
    options: RecommendOptions,
}

impl<'t> Recommender<'t> {
    pub(super) fn new(
        table: &'t Table<Vec<u8>>,
        options: RecommendOptions,
    ) -> anyhow::Result<Self> {
        let prefix = table.prefix()?;
        let scoring = prefix.header().scoring();
        Ok(Recommender {
            table,
            prefix,
            scoring,
            options,
        })
    }

    /// The bundles of the context ids the table holds, and the ids it does not.
    pub(super) fn context<'q>(
        &self,
        ids: &'q [String],
    ) -> anyhow::Result<(Vec<Bundle<'t>>, Vec<&'q str>)> {
        let mut bundles = Vec::with_capacity(ids.len());
        let mut unknown = Vec::new();
        for id in ids {
            match self.prefix.find_in_file(self.table.bytes(), id)? {
                Some(bundle) => bundles.push(bundle),
                None => unknown.push(id.as_str()),
            }
        }
        Ok((bundles, unknown))
    }

    pub(super) fn suggest(&self, ids: &[&str], context: &[Bundle<'t>]) -> Vec<Suggestion<'t>> {
        recommend(
            ids,
            context,
            Some(self.prefix.best_sellers()),
            &self.scoring,
            &self.options,
        )
    }
}

/// One output line of the batch form.
#[derive(Serialize)]
struct Answer<'a> {
    query: &'a [String],
    recs: Vec<&'a str>,
}

fn run_batch(
    recommender: &Recommender<'_>,
    path: &std::path::Path,
    quiet: bool,
) -> anyhow::Result<()> {
    let input = open_input(path)?;
    let queries = QueryReader::new(BufReader::new(input.reader), &input.name);
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut query_count = 0u64;
    let mut unknown_ids = 0u64;
    let mut first_unknown: Option<(u64, String)> = None;
    for query in queries {
        let query = query?;
        let (context, unknown) = recommender.context(&query.ids)?;
        if let (None, Some(id)) = (&first_unknown, unknown.first()) {
            first_unknown = Some((query.line, (*id).to_owned()));
        }
        unknown_ids += unknown.len() as u64;
        let ids: Vec<&str> = query.ids.iter().map(String::as_str).collect();
        let suggestions = recommender.suggest(&ids, &context);
        let answer = Answer {
            query: &query.ids,
            recs: suggestions
                .iter()
                .map(|suggestion| suggestion.card.id)
                .collect(),
        };
        serde_json::to_writer(&mut out, &answer).context("cannot write to standard output")?;
        out.write_all(b"\n")
            .context("cannot write to standard output")?;
        query_count += 1;
    }
    out.flush().context("cannot write to standard output")?;
    if let (false, Some((line, id))) = (quiet, first_unknown) {
        warn(format_args!(
            "{} in {} {} not in the table (first: {id:?} on line {line}); they add no neighbours",
            count_of(unknown_ids, "query id", "query ids"),
            count_of(query_count, "query", "queries"),
            plural(unknown_ids, "is", "are"),
        ));
    }
    Ok(())
}

fn run_for_people(
    recommender: &Recommender<'_>,
    products: &[String],
    args: &RecommendArgs,
) -> anyhow::Result<()> {
    let (context, unknown) = recommender.context(products)?;
    for id in &unknown {
        warn(format_args!(
            "product {id:?} is not in table {}: it adds no neighbours",
            args.table.display()
        ));
    }
    let ids: Vec<&str> = products.iter().map(String::as_str).collect();
    let suggestions = recommender.suggest(&ids, &context);

    let stdout = io::stdout();
    let mut out = stdout.lock();
    let named: Vec<String> = context
        .iter()
        .filter_map(Bundle::product)
        .map(|card| format!("{} ({})", card.id, card.title))
        .chain(unknown.iter().map(|id| format!("{id} (not in the table)")))
        .collect();
    writeln!(out, "Suggestions for {}:", named.join(" + "))?;
    if suggestions.is_empty() {
        writeln!(
            out,
            "  none (no neighbour passes the filters{})",
            if args.fallback == FallbackArg::None {
                " and --fallback none"
            } else {
                ""
            }
        )?;
        return Ok(());
    }
    let mut rows = vec![["#", "id", "score", "from", "price", "title"]
        .map(String::from)
        .to_vec()];
    for (rank, suggestion) in suggestions.iter().enumerate() {
        let card = &suggestion.card;
        rows.push(vec![
            (rank + 1).to_string(),
            card.id.to_owned(),
            match suggestion.source {
                SuggestionSource::Neighbours => format!("{:.3}", suggestion.score),
                SuggestionSource::BestSellers => "-".to_owned(),
            },
            match suggestion.source {
                SuggestionSource::Neighbours => "bought together".to_owned(),
                SuggestionSource::BestSellers => "best-seller".to_owned(),
            },
            card_price_text(card),
            card.title.to_owned(),
        ]);
    }
    write_columns(&mut out, &rows)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_score_must_be_a_fraction() {
        assert_eq!(parse_unit_interval("0.25"), Ok(0.25));
        assert!(parse_unit_interval("1.5").is_err());
        assert!(parse_unit_interval("-0").is_ok());
        assert!(parse_unit_interval("x").is_err());
    }
}
