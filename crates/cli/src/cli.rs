//! The command line as clap sees it: the subcommands, the global flags and the help
//! text around them. Each subcommand's own flags live next to its code in
//! `commands/`.

use clap::{Parser, Subcommand};

use crate::commands::{
    build, collect, email, evaluate, generate, inspect, pull, recommend, report,
};

/// Printed after the subcommand list of `alsobought --help`.
const AFTER_HELP: &str = "\
Example:
  alsobought build --orders orders.csv --catalog catalog.csv --out store.table
  alsobought recommend --table store.table --product SKU-123
  alsobought inspect store.table --verify

Exit codes: 0 success, 1 error (bad input, unreadable file, corrupt table),
2 usage error (unknown flag, missing or conflicting arguments).";

/// alsobought: "frequently bought together" suggestions from your order history.
///
/// Mine orders (and a catalog) into one static recommendation table that the
/// alsobought widget reads in the shopper's browser; check what it suggests, and
/// measure how good the suggestions are on held-out orders.
#[derive(Debug, Parser)]
#[command(name = "alsobought", version, after_help = AFTER_HELP, max_term_width = 100)]
pub struct Cli {
    /// No progress display and no summary; warnings and errors are still printed
    /// [default: off; progress is shown only on a terminal anyway].
    #[arg(long, short, global = true)]
    pub quiet: bool,

    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Mine an order history (and optionally a catalog) into a recommendation table.
    Build(build::BuildArgs),
    /// Suggest products from a table: JSON lines in and out, or one product for people.
    Recommend(recommend::RecommendArgs),
    /// Measure suggestion quality on held-out orders against simple baselines.
    Evaluate(evaluate::EvaluateArgs),
    /// Show a table's header, sizes and a product's card and neighbours; verify checksums.
    Inspect(inspect::InspectArgs),
    /// Suggestions for post-purchase emails: an email-safe HTML fragment or a JSON feed.
    Email(email::EmailArgs),
    /// Report A/B results from collected widget events: rates, revenue, lift, intervals.
    Report(report::ReportArgs),
    /// Collect widget beacons over HTTP into a JSON lines file for `alsobought report`.
    Collect(collect::CollectArgs),
    /// Fetch the order history from Shopify or WooCommerce, then only what changed.
    Pull(pull::PullArgs),
    /// Generate a synthetic shop (catalog, orders, planted groups) of any size.
    Generate(generate::GenerateArgs),
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn clap_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_argument_has_help_text() {
        let command = Cli::command();
        for subcommand in command.get_subcommands() {
            assert!(
                subcommand.get_about().is_some(),
                "{} has no about",
                subcommand.get_name()
            );
            for argument in subcommand.get_arguments() {
                assert!(
                    argument.get_help().is_some(),
                    "{} --{} has no help",
                    subcommand.get_name(),
                    argument.get_id()
                );
            }
        }
    }
}
