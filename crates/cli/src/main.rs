//! `alsobought`, the command-line half of alsobought: glue between files and
//! the libraries that do the real work: alsobought-core (the table format, scoring),
//! alsobought-mining (mining, evaluation, synthetic shops) and alsobought-analytics
//! (the report's counting).
//!
//! `main` parses the command line, runs the subcommand and turns the outcome into an
//! exit code: 0 success, 1 error (one `alsobought: error:` line with the cause chain),
//! 2 usage error (clap's own, or a [`report::UsageError`]).

use std::io;
use std::process::ExitCode;

use clap::Parser;

use alsobought_cli::cli::{Cli, Command};
use alsobought_cli::commands;
use alsobought_cli::report::UsageError;

/// Exit code of a run that failed (bad input, unreadable file, corrupt table).
const EXIT_ERROR: u8 = 1;

/// Exit code of a command line that makes no sense; clap uses it for its own errors.
const EXIT_USAGE: u8 = 2;

fn main() -> ExitCode {
    // Prints help, version or a usage error and exits (0 or 2) by itself.
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // The reader of our output went away (`alsobought recommend ... | head`):
        // nothing is wrong and nobody is left to tell.
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("alsobought: error: {error:#}");
            if error.downcast_ref::<UsageError>().is_some() {
                ExitCode::from(EXIT_USAGE)
            } else {
                ExitCode::from(EXIT_ERROR)
            }
        }
    }
}

/// Runs the subcommand the user asked for.
fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Build(args) => commands::build::run(&args, cli.quiet),
        Command::Recommend(args) => commands::recommend::run(&args, cli.quiet),
        Command::Evaluate(args) => commands::evaluate::run(&args, cli.quiet),
        Command::Inspect(args) => commands::inspect::run(&args, cli.quiet),
        Command::Email(args) => commands::email::run(&args, cli.quiet),
        Command::Report(args) => commands::report::run(&args, cli.quiet),
        Command::Collect(args) => commands::collect::run(&args, cli.quiet),
        Command::Pull(args) => commands::pull::run(&args, cli.quiet),
        Command::Generate(args) => commands::generate::run(&args, cli.quiet),
    }
}

fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|error| error.kind() == io::ErrorKind::BrokenPipe)
    })
}
