//! `alsobought-demo`: the command line over the demo store's generator and server.
//! Glue only: the work happens in the library's `generator` and `server` modules.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

use alsobought_demo::generator::{self, GeneratorOptions};
use alsobought_demo::server;

/// The demo store of alsobought: generate a plausible shop, then serve it.
#[derive(Parser, Debug)]
#[command(name = "alsobought-demo", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Generate the demo shop: catalog.csv, orders.csv, catalog.json, product pages
    /// and product images.
    ///
    /// Deterministic: the same seed and sizes give byte-identical files.
    Generate(GenerateArgs),
    /// Serve a directory with HTTP Range support and the demo's test routes.
    ///
    /// Prints exactly one line on stdout, `serving http://ADDR:PORT/`, once listening.
    /// Stops cleanly on Ctrl-C or SIGTERM.
    Serve(ServeArgs),
}

/// Arguments of `alsobought-demo generate`.
#[derive(clap::Args, Debug)]
struct GenerateArgs {
    /// Directory to write into (created if missing); the demo uses www/generated.
    #[arg(long, value_name = "DIR")]
    out: PathBuf,
    /// Seed of the generator; the same seed gives the same shop.
    #[arg(long, value_name = "N", default_value_t = GeneratorOptions::default().seed)]
    seed: u64,
    /// Number of products in the catalog.
    #[arg(long, value_name = "COUNT", default_value_t = GeneratorOptions::default().products)]
    products: usize,
    /// Number of orders in the history.
    #[arg(long, value_name = "COUNT", default_value_t = GeneratorOptions::default().orders)]
    orders: usize,
}

/// Arguments of `alsobought-demo serve`.
#[derive(clap::Args, Debug)]
struct ServeArgs {
    /// Directory to serve: the repository root (index.html, www/, pkg/).
    #[arg(long, value_name = "DIR")]
    root: PathBuf,
    /// Address to listen on; port 0 picks a free port (the URL printed says which).
    #[arg(long, value_name = "IP:PORT", default_value = "127.0.0.1:8080")]
    addr: SocketAddr,
    /// Print one line per request on stderr.
    #[arg(long)]
    print_requests: bool,
    /// Cache lifetimes: `no-cache` (every load revalidates: development, the e2e suite)
    /// or `cdn` (what a CDN in front of a static host sends: an hour for the widget and
    /// the table, a year for a table directory's content-addressed files).
    #[arg(long, value_enum, value_name = "POLICY", default_value_t = server::CachePolicy::NoCache)]
    cache: server::CachePolicy,
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("alsobought-demo: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Generate(args) => generate(args),
        Command::Serve(args) => serve(args),
    }
}

fn generate(args: GenerateArgs) -> anyhow::Result<()> {
    let options = GeneratorOptions {
        seed: args.seed,
        products: args.products,
        orders: args.orders,
    };
    let summary = generator::generate(&args.out, &options)?;
    let mut report = format!(
        "generated {} products ({} sold out), {} orders with {} line items into {} (seed {})\n",
        summary.products,
        summary.sold_out,
        summary.orders,
        summary.line_items,
        args.out.display(),
        options.seed
    );
    for (file, bytes) in &summary.files {
        report.push_str(&format!("  {file:<18} {bytes:>10} bytes\n"));
    }
    print_report(&report)
}

/// Prints to stdout; a closed pipe (`| head`) is not an error worth reporting.
fn print_report(report: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    match std::io::stdout().lock().write_all(report.as_bytes()) {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            Err(error).context("cannot write to stdout")
        }
        _ => Ok(()),
    }
}

fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let missing = server::check_root(&args.root).map_err(anyhow::Error::msg)?;
    for problem in missing {
        eprintln!("alsobought-demo: warning: {problem}");
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    runtime.block_on(async {
        let (listener, url) = server::bind(args.addr).await?;
        let app = server::router(
            &args.root,
            server::RequestLog::new(),
            server::ServerOptions {
                print_requests: args.print_requests,
                cache: args.cache,
            },
        );
        // Tests read this line to learn the port: print it alone and flush it now,
        // since stdout is block-buffered when it is a pipe.
        {
            use std::io::Write as _;
            let mut stdout = std::io::stdout().lock();
            writeln!(stdout, "serving {url}")?;
            stdout.flush()?;
        }
        server::serve(listener, app, server::termination_signal()).await?;
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
