//! `alsobought collect`: a small HTTP collector for the widget's beacons. It appends
//! every event of every accepted body to a JSON lines file, with the time it arrived,
//! which `alsobought report` then reads (`docs/events.md` section 7).
//!
//! It faces the public internet (behind the store's proxy), so it runs on the demo
//! server's well-trodden stack (hyper, axum, tower-http on tokio) rather than on
//! hand-parsed HTTP, and states its limits as layers: [`server`] has the list.
//! [`events`] checks a body; [`store`] owns the file and acknowledges a body only once
//! its events are written.

pub mod events;
mod server;
mod store;

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;

use anyhow::Context;
use axum::http::HeaderValue;
use clap::Args;
use tower_http::cors::AllowOrigin;

use store::{Durability, EventLog};

/// `alsobought collect`'s flags.
#[derive(Debug, Args)]
#[command(
    about = "Collect widget beacons over HTTP into a JSON lines file for `alsobought report`",
    after_help = COLLECT_AFTER_HELP
)]
pub struct CollectArgs {
    /// Append the events to FILE, one JSON object per line (created if missing).
    #[arg(long, value_name = "FILE.jsonl")]
    out: PathBuf,

    /// Listen on PORT; 0 picks a free one (the address is printed either way).
    #[arg(long, value_name = "PORT", default_value_t = 8787)]
    port: u16,

    /// Listen on ADDRESS; the default takes requests from this machine only (put the
    /// store's HTTPS reverse proxy in front of it).
    #[arg(long, value_name = "ADDRESS", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST))]
    host: IpAddr,

    /// Refuse bodies larger than BYTES with 413 (a widget's beacon stays under 60,000).
    #[arg(long, value_name = "BYTES", default_value_t = 65_536)]
    max_body: usize,

    /// The Access-Control-Allow-Origin of every reply: `*`, or the store's origin such
    /// as https://shop.example.
    #[arg(long, value_name = "ORIGIN", default_value = "*")]
    allow_origin: String,

    /// Also fdatasync the file before acknowledging a body: acknowledged events then
    /// survive a power loss, not only the collector being stopped or killed (costs a
    /// disk flush per batch of bodies; see BENCHMARKS.md).
    #[arg(long)]
    fsync: bool,
}

const COLLECT_AFTER_HELP: &str = "\
Example:
  alsobought collect --out events.jsonl --port 8787
  <div data-alsobought ... data-beacon=\"https://shop.example/alsobought/collect\">

POST bodies are {\"v\":1,\"events\":[...]} (text/plain or application/json): 204,
or 400 (malformed), 411 (no Content-Length), 413 (too large), 408 (too slow),
503 (too many connections) with a log line. OPTIONS answers CORS preflights; GET
answers a one-line status. SIGTERM or Ctrl-C: stops accepting, finishes the requests
in flight, and exits 0 with every acknowledged event in the file.";

/// Runs `alsobought collect` until SIGTERM or Ctrl-C; then finishes the requests in
/// flight and returns once every acknowledged event is in the file.
pub fn run(args: &CollectArgs, _quiet: bool) -> anyhow::Result<()> {
    let allow_origin = match args.allow_origin.as_str() {
        "*" => AllowOrigin::any(),
        origin => AllowOrigin::exact(HeaderValue::from_str(origin).map_err(|_| {
            crate::report::UsageError(format!(
                "--allow-origin {origin:?} is not a valid header value; give `*` or an origin such as https://shop.example"
            ))
        })?),
    };
    let durability = if args.fsync {
        Durability::Synced
    } else {
        Durability::Written
    };
    let log = EventLog::open(&args.out, durability)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the collector's runtime")?;
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind((args.host, args.port)))
        .with_context(|| {
            format!(
                "cannot listen on {}:{} (is the port in use? --port 0 picks a free one)",
                args.host, args.port
            )
        })?;
    let stop = {
        let _inside = runtime.enter();
        termination_signal().context("cannot listen for SIGTERM and Ctrl-C")?
    };
    let shown = match listener.local_addr()? {
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => v4.to_string(),
    };
    println!("collecting on http://{shown}/");
    io::stdout().flush()?;
    let app = server::router(server::Collector {
        appender: log.appender(),
        out_name: args.out.display().to_string(),
        max_body: args.max_body,
        allow_origin: allow_origin.clone(),
    });
    runtime.block_on(server::serve(listener, app, allow_origin, stop));
    // Dropping the runtime ends whatever outlived the grace period, and with it the
    // last appenders; the writer then drains its queue and stops.
    drop(runtime);
    log.close()
        .with_context(|| format!("cannot finish writing {}", args.out.display()))
}

/// Listens for SIGTERM and SIGINT (Ctrl-C) from the moment it is called, so a stop
/// sent as soon as the address is printed is not lost to the default action (death
/// without a flush); the future resolves on the first of them.
fn termination_signal() -> io::Result<impl std::future::Future<Output = ()>> {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        let mut terminate = signal(SignalKind::terminate())?;
        let mut interrupt = signal(SignalKind::interrupt())?;
        Ok(async move {
            tokio::select! {
                _ = terminate.recv() => {}
                _ = interrupt.recv() => {}
            }
        })
    }
    #[cfg(not(unix))]
    {
        Ok(async {
            let _ = tokio::signal::ctrl_c().await;
        })
    }
}
