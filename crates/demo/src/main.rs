//! `alsobought-demo`: the command line over the demo store's generator and server.
//! Glue only: the work happens in the library's `generator` and `server` modules.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use clap::{Parser, Subcommand};

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
    /// Serve a directory with HTTP Range support and the demo's test routes.
    ///
    /// Prints exactly one line on stdout, `serving http://ADDR:PORT/`, once listening.
    /// Stops cleanly on Ctrl-C or SIGTERM.
    Serve(ServeArgs),
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
        Command::Serve(args) => serve(args),
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
