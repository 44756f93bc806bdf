//! The demo store's static file server: real HTTP Range support (206, Content-Range,
//! ETag, Last-Modified) from tower-http's `ServeDir`, the URL layout the embedding
//! snippet promises (`/alsobought/alsobought.js`, `/alsobought/store.table`,
//! `/alsobought/store/` for a table directory), precompressed copies negotiated as a CDN
//! does, and a few helper routes the end-to-end failure tests need.
//!
//! Routes, checked in this order:
//!
//! | path | what it does |
//! |---|---|
//! | `/__log` | JSON list of the requests seen since the last `/__log?clear=1` (that call returns the list, then empties it) |
//! | `/__slow/<ms>/<path>` | waits `ms` milliseconds (at most 60 000), then serves `/<path>` |
//! | `/__norange/<path>` | serves `/<path>` ignoring any `Range` header: always the whole file, 200 |
//! | `/__csp/<path>` | serves `/<path>`; an HTML page comes with the [`STRICT_CSP`] header |
//! | `/cart.js`, `/cart/add.js`, `/products/<handle>.js`, `/wp-json/wc/store/v1/...`, `/?add-to-cart=<id>`, `/api/storefront/carts...` | stand-ins of the Shopify, WooCommerce and BigCommerce storefront cart endpoints ([`platforms`]) |
//! | `/alsobought/<name>.table` | `ROOT/www/generated/<name>.table` (a single-file table) |
//! | `/alsobought/<name>/<path>` | `ROOT/www/generated/<name>/<path>` (a table directory: `entry.bin`, `<16 hex>/<hex>.bin`) |
//! | `/alsobought/<file>` | `ROOT/pkg/<file>` (the built widget) |
//! | anything else | `ROOT/<path>`; a directory serves its `index.html` |
//!
//! The helper prefixes compose (`/__slow/500/__norange/alsobought/store.table`).
//! `/__csp/` serves the store's own pages under the strictest policy the widget promises
//! to work with, so the strict-CSP tests run on the real pages, not on copies.
//!
//! Compression: a file with a precompressed copy next to it (`alsobought.js.br`,
//! `alsobought.js.gz`, as `make widget` writes them) is sent as that copy with
//! `Content-Encoding` when the request's `Accept-Encoding` allows it (brotli preferred),
//! and every answer for such a file carries `Vary: Accept-Encoding` so a cache keeps the
//! variants apart. A file without a copy is sent as it is, without `Vary`. Table files
//! never are: a `*.table` is read by byte offset with `Range`, and an encoded body would
//! make those offsets point into compressed bytes; the directory layout's `*.bin` files
//! are already compact binary and the widget verifies them byte for byte, so a stray
//! `store.table.br` next to a table is ignored.
//!
//! Cache lifetimes (`Cache-Control`, chosen by [`CachePolicy`]; `ETag` and
//! `Last-Modified` validators on every file either way):
//!
//! | file | `no-cache` (default) | `cdn` | why, under `cdn` |
//! |---|---|---|---|
//! | widget: `/alsobought/<file>`, `/pkg/...` | `no-cache` | `public, max-age=3600` | its URL never changes between releases, so an update must reach shoppers within the hour |
//! | single-file table `*.table` | `no-cache` | `public, max-age=3600` | a fixed URL like the widget's: a rebuilt table reaches every shopper within the hour |
//! | table directory's `entry.bin` (and any other file there that is not content-addressed) | `no-cache` | `public, max-age=60, stale-while-revalidate=86400` | the one name that changes meaning on a rebuild: fresh for a minute; after that a page uses the cached entry at once and revalidates it in the background, so a shopper's next page never waits a round trip for it (a stale entry names a build `build --out-dir` still keeps, or the widget re-reads the entry when its folder is gone) |
//! | table directory's `<16 hex>/<hex>.bin` | `no-cache` | `public, max-age=31536000, immutable` | content-addressed: new data gets a new name, so a name never needs revalidating |
//! | pages (`*.html`, directory index) | `no-cache` | `public, max-age=0, must-revalidate` | what Netlify and Cloudflare Pages send for HTML: a page always shows the current prices and stock, at the cost of one revalidation |
//! | other store files (css, js, json, images) | `no-cache` | `public, max-age=3600` | a static host's usual lifetime for assets at unversioned URLs |
//! | errors (404, 416, ...) | `no-cache` | `no-cache` | a table directory uploaded a moment later must be seen at once |
//!
//! `no-cache` is the default because the end-to-end suite rebuilds the widget and tables
//! between runs and must never see a stale copy; `alsobought-demo serve --cache cdn` is
//! for measuring what shoppers get (`make bench`).

mod platforms;
mod request_log;

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
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

use platforms::Platforms;
pub use request_log::{RequestLog, RequestRecord};

/// The Content-Security-Policy sent with every HTML page requested under `/__csp/`: the
/// strictest policy the widget promises to work under (no inline script or style,
/// WebAssembly compilation allowed), with the one inline script the README advises, the
/// early start of the wasm (`generator::html::EARLY_WASM_SCRIPT`), allowed by its hash as
/// the README tells a strict-CSP store to do. tests/e2e/specs/security.test.mjs checks
/// the hash against the pages' script (a wrong one shows as a violation).
pub const STRICT_CSP: &str = "default-src 'self'; \
script-src 'self' 'wasm-unsafe-eval' 'sha256-Eq4FRwrPmXuKLwVbEDySmGqpDQNN/xeLnGn7PnAiCJI='; \
style-src 'self'; img-src 'self' data:";

/// The longest delay `/__slow/<ms>/` accepts: long enough for any timeout test, short
/// enough that a typo cannot hang a test run.
pub const MAX_SLOW_DELAY_MS: u64 = 60_000;

/// How long a shutdown waits for requests still in flight (a `/__slow/` one, a
/// browser's keep-alive connection) before the server stops anyway.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(3);

/// Where the server finds its files, all under one root (the repository root for the
/// demo): pages and assets directly, the widget in `pkg/`, tables in `www/generated/`.
struct StaticFiles {
    root: Directory,
    widget: Directory,
    tables: Directory,
}

/// One directory served two ways: as the files are, and with their precompressed
/// copies negotiated. Only a file that has a copy goes through the second, because
/// tower-http sends `Vary: Accept-Encoding` for every file once negotiation is on.
struct Directory {
    path: PathBuf,
    as_stored: ServeDir,
    negotiated: ServeDir,
}

impl Directory {
    fn new(path: PathBuf) -> Self {
        Self {
            as_stored: ServeDir::new(&path),
            negotiated: ServeDir::new(&path).precompressed_br().precompressed_gzip(),
            path,
        }
    }

    /// Whether the file at `url_path` (percent-encoded, relative to this directory) has a
    /// `.br` or `.gz` copy next to it.
    async fn has_precompressed_copy(&self, url_path: &str) -> bool {
        let decoded = percent_encoding::percent_decode_str(url_path).decode_utf8_lossy();
        let mut relative = decoded.trim_start_matches('/').to_owned();
        if relative.is_empty() || relative.ends_with('/') {
            relative.push_str("index.html");
        }
        // ServeDir refuses such paths anyway; never look outside the directory.
        if !Path::new(&relative)
            .components()
            .all(|component| matches!(component, Component::Normal(_)))
        {
            return false;
        }
        for suffix in [".br", ".gz"] {
            let copy = self.path.join(format!("{relative}{suffix}"));
            if tokio::fs::metadata(&copy)
                .await
                .is_ok_and(|metadata| metadata.is_file())
            {
                return true;
            }
        }
        false
    }
}

/// Which cache lifetimes the server sends (the table in the module documentation).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum CachePolicy {
    /// `Cache-Control: no-cache` on everything: browsers revalidate with the ETag on
    /// every load, so a rebuilt widget or table is never served stale during development.
    #[default]
    #[value(name = "no-cache")]
    NoCache,
    /// The lifetimes a CDN in front of a static host sends: an hour for the widget, the
    /// single-file table and store assets, a minute for a table directory's entry file,
    /// a year (`immutable`) for its content-addressed files, revalidation for pages.
    Cdn,
}

/// What kind of file a request resolves to: decides its cache lifetime and whether a
/// precompressed copy may be sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum FileKind {
    /// `pkg/`: the widget's module, wasm and stylesheet, at URLs that never change.
    Widget,
    /// `*.table`: read by byte offset with `Range`.
    SingleTable,
    /// A table directory's `entry.bin`, or any other file there that is not
    /// content-addressed.
    TableEntry,
    /// A table directory's `<16 hex>/<hex>.bin`.
    TableContent,
    /// An HTML page of the store (or a directory's `index.html`).
    Page,
    /// Any other file of the store.
    StoreAsset,
}

impl FileKind {
    /// The kind of a file under the root, by its URL path.
    fn of_store_path(path: &str) -> Self {
        if path.starts_with("/pkg/") {
            Self::Widget
        } else if path.ends_with(".table") {
            Self::SingleTable
        } else if path.ends_with(".bin") {
            Self::of_table_directory_file(path)
        } else if path.ends_with(".html") || path.ends_with('/') {
            Self::Page
        } else {
            Self::StoreAsset
        }
    }

    /// The kind of a file of a table directory, by its path.
    fn of_table_directory_file(path: &str) -> Self {
        let mut parts = path.rsplit('/');
        let file = parts.next().unwrap_or("");
        let folder = parts.next().unwrap_or("");
        let is_lower_hex = |text: &str| {
            !text.is_empty()
                && text
                    .bytes()
                    .all(|byte| byte.is_ascii_digit() || (b'a'..=b'f').contains(&byte))
        };
        let content_addressed = folder.len() == 16
            && is_lower_hex(folder)
            && file.strip_suffix(".bin").is_some_and(is_lower_hex);
        if content_addressed {
            Self::TableContent
        } else {
            Self::TableEntry
        }
    }

    /// Table bytes are read by offset and checked byte for byte: never encoded.
    fn may_be_encoded(self) -> bool {
        matches!(self, Self::Widget | Self::Page | Self::StoreAsset)
    }

    fn cache_control(self, policy: CachePolicy, status: StatusCode) -> &'static str {
        let cacheable = status.is_success() || status == StatusCode::NOT_MODIFIED;
        match policy {
            CachePolicy::Cdn if cacheable => match self {
                Self::Widget | Self::SingleTable | Self::StoreAsset => "public, max-age=3600",
                Self::TableEntry => "public, max-age=60, stale-while-revalidate=86400",
                Self::TableContent => "public, max-age=31536000, immutable",
                Self::Page => "public, max-age=0, must-revalidate",
            },
            CachePolicy::Cdn | CachePolicy::NoCache => "no-cache",
        }
    }
}

/// Everything a request handler needs; cloned cheaply into every request.
#[derive(Clone)]
struct ServerState {
    files: Arc<StaticFiles>,
    log: RequestLog,
    print_requests: bool,
    cache: CachePolicy,
    platforms: Platforms,
}

/// Options of [`router`] beyond the root directory.
#[derive(Clone, Debug, Default)]
pub struct ServerOptions {
    /// Print one line per request on stderr (off by default: a test that spawns the
    /// server and never reads its stderr must not block on a full pipe).
    pub print_requests: bool,
    /// The cache lifetimes sent with files.
    pub cache: CachePolicy,
}

/// Builds the demo server's router over `root`, recording requests into `log`.
pub fn router(root: &Path, log: RequestLog, options: ServerOptions) -> Router {
    let files = StaticFiles {
        root: Directory::new(root.to_path_buf()),
        widget: Directory::new(root.join("pkg")),
        tables: Directory::new(root.join("www").join("generated")),
    };
    let state = ServerState {
        files: Arc::new(files),
        log,
        print_requests: options.print_requests,
        cache: options.cache,
        platforms: Platforms::new(root),
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
        // Without the copies the widget goes out uncompressed: a benchmark would measure
        // a download no CDN sends.
        ("pkg/alsobought.js.br", "make widget"),
        ("pkg/alsobought_bg.wasm.br", "make widget"),
        ("www/generated/store.table", "make demo-data"),
        // The demo pages read the table's directory layout (docs/format.md §17).
        ("www/generated/store/entry.bin", "make demo-data"),
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
        Ok(request) => match state.platforms.answer(request).await {
            Ok(response) => response,
            Err(request) => serve_file(&state.files, state.cache, request).await,
        },
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
/// the root; a precompressed copy when the file has one and may be encoded; with the
/// cache lifetime of its kind.
async fn serve_file(files: &StaticFiles, cache: CachePolicy, request: Request) -> Response {
    let path = request.uri().path().to_owned();
    let (directory, inner_path, kind) = match path.strip_prefix("/alsobought/") {
        Some(name) if name.ends_with(".table") => (&files.tables, name, FileKind::SingleTable),
        Some(name) if name.contains('/') => {
            (&files.tables, name, FileKind::of_table_directory_file(name))
        }
        Some(name) => (&files.widget, name, FileKind::Widget),
        None => (&files.root, &path[1..], FileKind::of_store_path(&path)),
    };
    let request = with_path(request, &format!("/{inner_path}"));
    let negotiated = kind.may_be_encoded() && directory.has_precompressed_copy(inner_path).await;
    let service = if negotiated {
        &directory.negotiated
    } else {
        &directory.as_stored
    };
    let mut response = match service.clone().oneshot(request).await {
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
    };
    let cache_control = kind.cache_control(cache, response.status());
    let headers = response.headers_mut();
    if negotiated {
        // ServeDir leaves Vary off its 304s; a cache needs it there too (RFC 9110 15.4.5).
        headers
            .entry(header::VARY)
            .or_insert(HeaderValue::from_static("accept-encoding"));
    }
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(cache_control),
    );
    response
}

/// Adds the CSP header to HTML asked for under `/__csp/`, a UTF-8 charset to text types, and
/// `Cache-Control: no-cache` to what [`serve_file`] did not answer (the helpers' errors).
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
