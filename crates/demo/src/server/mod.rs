//! The demo store's static file server: real HTTP Range support (206, Content-Range,
//! ETag, Last-Modified) from tower-http's `ServeDir`, the URL layout the embedding
//! snippet promises (`/alsobought/alsobought.js`, `/alsobought/store.table`), and a few
//! helper routes the end-to-end failure tests need.
//!
//! Routes, checked in this order:
//!
//! | path | what it does |
//! |---|---|
//! | `/__log` | JSON list of the requests seen since the last `/__log?clear=1` (that call returns the list, then empties it) |
//! | `/__slow/<ms>/<path>` | waits `ms` milliseconds (at most 60 000), then serves `/<path>` |
//! | `/__norange/<path>` | serves `/<path>` ignoring any `Range` header: always the whole file, 200 |
//! | `/__csp/<path>` | serves `/<path>`; an HTML page comes with the [`STRICT_CSP`] header |
//! | `/alsobought/<name>.table` | `ROOT/www/generated/<name>.table` |
//! | `/alsobought/<file>` | `ROOT/pkg/<file>` (the built widget) |
//! | anything else | `ROOT/<path>`; a directory serves its `index.html` |
//!
//! The helper prefixes compose (`/__slow/500/__norange/alsobought/store.table`).
//! `/__csp/` serves the store's own pages under the strictest policy the widget promises
//! to work with, so the strict-CSP tests run on the real pages, not on copies. Static responses
//! carry `Cache-Control: no-cache`: browsers revalidate with the ETag on every load, so
//! a rebuilt widget or table is never served stale during development.

mod request_log;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::header::{self, HeaderValue};
use axum::http::{StatusCode, Uri};
use axum::response::{IntoResponse, Response};
use axum::serve::ListenerExt;
use axum::Router;
use tokio::net::TcpListener;
use tower::ServiceExt;
use tower_http::services::ServeDir;

pub use request_log::{RequestLog, RequestRecord};

/// The Content-Security-Policy sent with every HTML page requested under `/__csp/`: the
/// strictest policy the widget promises to work under (no inline script or style,
/// WebAssembly compilation allowed).
pub const STRICT_CSP: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; \
style-src 'self'; img-src 'self' data:";

/// The longest delay `/__slow/<ms>/` accepts: long enough for any timeout test, short
/// enough that a typo cannot hang a test run.
pub const MAX_SLOW_DELAY_MS: u64 = 60_000;

/// How long a shutdown waits for requests still in flight (a `/__slow/` one, a
/// browser's keep-alive connection) before the server stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Where the server finds its files, all under one root (the repository root for the
/// demo): pages and assets directly, the widget in `pkg/`, tables in `www/generated/`.
#[derive(Clone)]
struct StaticFiles {
    root: ServeDir,
    widget: ServeDir,
    tables: ServeDir,
}

/// Everything a request handler needs; cloned cheaply into every request.
#[derive(Clone)]
struct ServerState {
    files: Arc<StaticFiles>,
    log: RequestLog,
    print_requests: bool,
}

/// Options of [`router`] beyond the root directory.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Print one line per request on stderr (off by default: a test that spawns the
    /// server and never reads its stderr must not block on a full pipe).
    pub print_requests: bool,
}

/// Builds the demo server's router over `root`, recording requests into `log`.
pub fn router(root: &Path, log: RequestLog, options: ServerOptions) -> Router {
    let files = StaticFiles {
        root: ServeDir::new(root),
        widget: ServeDir::new(root.join("pkg")),
        tables: ServeDir::new(root.join("www").join("generated")),
    };
    let state = ServerState {
        files: Arc::new(files),
        log,
        print_requests: options.print_requests,
    };
    Router::new().fallback(handle).with_state(state)
}

/// Checks that `root` is a directory the server can serve, and lists the files the demo
/// expects but that are missing, each with the command that makes it.
pub fn check_root(root: &Path) -> Result<Vec<String>, String> {
    if !root.is_dir() {
        return Err(format!(
            "--root {} is not a directory: pass the repository root (the folder with index.html)",
            root.display()
        ));
    }
    let expected = [
        ("pkg/alsobought.js", "make widget"),
        ("pkg/alsobought_bg.wasm", "make widget"),
        ("pkg/alsobought.css", "make widget"),
        ("www/generated/store.table", "make demo-data"),
        ("www/generated/catalog.json", "make demo-data"),
    ];
    Ok(expected
        .iter()
        .filter(|(path, _)| !root.join(path).is_file())
        .map(|(path, fix)| format!("{} is missing (run `{fix}`)", root.join(path).display()))
        .collect())
}

/// Binds `address` (port 0 picks a free port) and returns the listener and the URL to print.
pub async fn bind(address: SocketAddr) -> io::Result<(TcpListener, String)> {
    let listener = TcpListener::bind(address).await.map_err(|error| {
        io::Error::new(
            error.kind(),
            format!("cannot listen on {address}: {error} (pick another --addr, or port 0 for any free port)"),
        )
    })?;
    let local = listener.local_addr()?;
    Ok((listener, format!("http://{local}/")))
}

/// Serves `app` on `listener` until `shutdown` completes, then lets requests in flight
/// finish for at most [`SHUTDOWN_GRACE`].
pub async fn serve(
    listener: TcpListener,
    app: Router,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> io::Result<()> {
    let (shutdown_started, shutdown_seen) = tokio::sync::oneshot::channel::<()>();
    let graceful = async move {
        shutdown.await;
        let _ = shutdown_started.send(());
    };
    // Nagle's algorithm holds a response's small body segment until the client ACKs
    // the headers, and Chromium delays that ACK by up to 40 ms: every table range
    // would pay it. CDNs and nginx (`tcp_nodelay on`) send at once; so does this.
    let listener = listener.tap_io(|stream| {
        if let Err(error) = stream.set_nodelay(true) {
            eprintln!("alsobought-demo: cannot set TCP_NODELAY ({error}); responses may stall");
        }
    });
    let server = axum::serve(listener, app).with_graceful_shutdown(graceful);
    let grace_expired = async move {
        // An error only means the server finished first and dropped the sender.
        let _ = shutdown_seen.await;
        tokio::time::sleep(SHUTDOWN_GRACE).await;
    };
    tokio::select! {
        outcome = server => outcome,
        () = grace_expired => {
            eprintln!("alsobought-demo: requests still open after {SHUTDOWN_GRACE:?}; stopping anyway");
            Ok(())
        }
    }
}

/// Resolves when the process receives SIGINT (Ctrl-C) or SIGTERM.
pub async fn termination_signal() {
    let interrupt = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("alsobought-demo: cannot listen for Ctrl-C: {error}");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut stream) => {
                stream.recv().await;
            }
            Err(error) => {
                eprintln!("alsobought-demo: cannot listen for SIGTERM: {error}");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {}
        () = terminate => {}
    }
}

/// The one handler behind every route: peels the test-helper prefixes, serves the file,
/// then adds the headers and the log record.
async fn handle(State(state): State<ServerState>, request: Request) -> Response {
    let arrived = Instant::now();
    let requested = request.uri().clone();
    if requested.path() == "/__log" {
        return log_response(&state.log, requested.query());
    }
    let method = request.method().clone();
    let range = request
        .headers()
        .get(header::RANGE)
        .map(|value| String::from_utf8_lossy(value.as_bytes()).into_owned());

    let mut response = match apply_test_helpers(request).await {
        Ok(request) => serve_file(&state.files, request).await,
        Err(response) => response,
    };
    add_headers(requested.path(), &mut response);
    if state.print_requests {
        eprintln!(
            "{method} {requested} {}{}",
            response.status().as_u16(),
            range
                .as_deref()
                .map(|r| format!(" ({r})"))
                .unwrap_or_default()
        );
    }
    state.log.record(
        arrived,
        method.as_str(),
        &requested.to_string(),
        range,
        response,
    )
}

/// Strips `/__slow/<ms>/` (after sleeping), `/__norange/` (after dropping the `Range`
/// header) and `/__csp/` from the front of the path, as many times as they appear.
async fn apply_test_helpers(mut request: Request) -> Result<Request, Response> {
    loop {
        let path = request.uri().path().to_owned();
        if let Some(rest) = path.strip_prefix("/__slow/") {
            let (delay, target) = rest.split_once('/').unwrap_or((rest, ""));
            let delay_ms = match delay.parse::<u64>() {
                Ok(ms) if ms <= MAX_SLOW_DELAY_MS => ms,
                _ => {
                    return Err(plain_error(
                        StatusCode::BAD_REQUEST,
                        format!(
                            "/__slow/ wants a delay in milliseconds (0..={MAX_SLOW_DELAY_MS}) then a path, \
                             e.g. /__slow/500/alsobought/store.table; got {delay:?}"
                        ),
                    ))
                }
            };
            tokio::time::sleep(Duration::from_millis(delay_ms)).await;
            request = with_path(request, &format!("/{target}"));
        } else if let Some(target) = path.strip_prefix("/__norange/") {
            request.headers_mut().remove(header::RANGE);
            request.headers_mut().remove(header::IF_RANGE);
            request = with_path(request, &format!("/{target}"));
        } else if let Some(target) = path.strip_prefix("/__csp/") {
            request = with_path(request, &format!("/{target}"));
        } else {
            return Ok(request);
        }
    }
}

/// Serves one file: `/alsobought/*` from the widget or table directory, the rest from
/// the root.
async fn serve_file(files: &StaticFiles, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let (directory, request) = match path.strip_prefix("/alsobought/") {
        Some(name) if name.ends_with(".table") => {
            (&files.tables, with_path(request, &format!("/{name}")))
        }
        Some(name) => (&files.widget, with_path(request, &format!("/{name}"))),
        None => (&files.root, request),
    };
    match directory.clone().oneshot(request).await {
        // ServeDir's 404 has an empty body; say what was looked for instead.
        Ok(response) if response.status() == StatusCode::NOT_FOUND => plain_error(
            StatusCode::NOT_FOUND,
            format!("{path} not found under the server root (is the demo built? run `make demo`)"),
        ),
        Ok(response) => response.map(Body::new),
        Err(error) => plain_error(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("cannot read the file for {path}: {error}"),
        ),
    }
}

/// Adds the CSP header to HTML asked for under `/__csp/`, a UTF-8 charset to text types, and
/// `Cache-Control: no-cache` so every load revalidates against the current files.
fn add_headers(request_path: &str, response: &mut Response) {
    let content_type = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let headers = response.headers_mut();
    if content_type.starts_with("text/html") && request_path.contains("/__csp/") {
        headers.insert(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(STRICT_CSP),
        );
    }
    let is_text = content_type.starts_with("text/")
        || content_type == "application/json"
        || content_type == "image/svg+xml";
    if is_text && !content_type.contains("charset") {
        if let Ok(value) = HeaderValue::from_str(&format!("{content_type}; charset=utf-8")) {
            headers.insert(header::CONTENT_TYPE, value);
        }
    }
    headers
        .entry(header::CACHE_CONTROL)
        .or_insert(HeaderValue::from_static("no-cache"));
}

/// Answers `/__log`: the records as JSON; `?clear=1` also empties the log afterwards.
fn log_response(log: &RequestLog, query: Option<&str>) -> Response {
    let clear = query
        .unwrap_or("")
        .split('&')
        .any(|pair| pair == "clear=1" || pair == "clear=true");
    let records = if clear { log.take() } else { log.snapshot() };
    let mut response = axum::Json(records).into_response();
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// Replaces the request's path, keeping its query string.
fn with_path(mut request: Request, path: &str) -> Request {
    let path_and_query = match request.uri().query() {
        Some(query) => format!("{path}?{query}"),
        None => path.to_owned(),
    };
    // The path came out of a valid URI, so parsing only fails on an unreachable edge
    // case; keeping the original path then gives an honest 404 instead of a panic.
    if let Ok(uri) = path_and_query.parse::<Uri>() {
        *request.uri_mut() = uri;
    }
    request
}

/// A short plain-text error response that says what was wrong and how to fix it.
fn plain_error(status: StatusCode, message: String) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}
