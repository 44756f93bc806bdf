//! The demo server, started in-process on port 0 and spoken to over real TCP: the
//! Range behaviour the widget depends on, the strict-CSP header, the test routes,
//! precompressed copies (never for tables), cache lifetimes and the table directory routes.

use std::net::SocketAddr;
use std::path::Path;

use alsobought_demo::server::{self, CachePolicy, RequestLog, ServerOptions, STRICT_CSP};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

/// A parsed HTTP/1.1 response.
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// Starts the server over `root` on a free port with the default options and returns
/// its address.
async fn start(root: &Path) -> SocketAddr {
    start_with(root, ServerOptions::default()).await
}

/// Starts the server over `root` on a free port with `options` and returns its address.
/// A server on `root` with the cache lifetimes a CDN would send (`serve --cache cdn`).
async fn start_cdn(root: &Path) -> SocketAddr {
    start_with(
        root,
        ServerOptions {
            cache: CachePolicy::Cdn,
            ..ServerOptions::default()
        },
    )
    .await
}

async fn start_with(root: &Path, options: ServerOptions) -> SocketAddr {
    let (listener, url) = server::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let address = listener.local_addr().unwrap();
    assert_eq!(url, format!("http://{address}/"));
    assert_ne!(
        address.port(),
        0,
        "port 0 must be replaced by the real port"
    );
    let app = server::router(root, RequestLog::new(), options);
    tokio::spawn(server::serve(listener, app, std::future::pending()));
    address
}

/// Sends one GET with the extra header lines and reads the whole response.
async fn get(address: SocketAddr, path: &str, extra_headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(address).await.unwrap();
    let mut request = format!("GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n");
    for (name, value) in extra_headers {
        request.push_str(&format!("{name}: {value}\r\n"));
    }
    request.push_str("\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).await.unwrap();
    let split = raw
        .windows(4)
        .position(|window| window == b"\r\n\r\n")
        .expect("a complete response head");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .map(|line| {
            let (name, value) = line.split_once(':').unwrap();
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// A root laid out like the repository: a table, a widget, pages.
fn demo_root() -> (tempfile::TempDir, Vec<u8>) {
    let root = tempfile::tempdir().unwrap();
    let table: Vec<u8> = (0..5000u32).map(|i| (i * 7 % 251) as u8).collect();
    std::fs::create_dir_all(root.path().join("www/generated")).unwrap();
    std::fs::create_dir_all(root.path().join("pkg")).unwrap();
    std::fs::write(root.path().join("www/generated/store.table"), &table).unwrap();
    std::fs::write(root.path().join("pkg/alsobought.js"), "export default 1;\n").unwrap();
    std::fs::write(
        root.path().join("pkg/alsobought_bg.wasm"),
        b"\0asm\x01\0\0\0",
    )
    .unwrap();
    std::fs::write(
        root.path().join("index.html"),
        "<!doctype html><title>home</title>",
    )
    .unwrap();
    std::fs::write(
        root.path().join("www/product.html"),
        "<!doctype html><title>product</title>",
    )
    .unwrap();
    std::fs::write(root.path().join("www/store.css"), "body{}").unwrap();
    (root, table)
}

#[tokio::test]
async fn range_request_on_the_table_returns_206_with_exactly_those_bytes() {
    let (root, table) = demo_root();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/alsobought/store.table",
        &[("Range", "bytes=100-199")],
    )
    .await;
    assert_eq!(reply.status, 206);
    assert_eq!(reply.header("content-range"), Some("bytes 100-199/5000"));
    assert_eq!(
        reply.header("content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(reply.body, &table[100..200]);
    assert!(
        reply.header("etag").is_some(),
        "range clients key caches on the ETag"
    );
    assert!(reply.header("last-modified").is_some());
}

#[tokio::test]
async fn suffix_range_returns_the_end_of_the_file() {
    let (root, table) = demo_root();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/alsobought/store.table",
        &[("Range", "bytes=-16")],
    )
    .await;
    assert_eq!(reply.status, 206);
    assert_eq!(reply.header("content-range"), Some("bytes 4984-4999/5000"));
    assert_eq!(reply.body, &table[4984..]);
}

#[tokio::test]
async fn range_past_the_end_is_refused_with_416() {
    let (root, _) = demo_root();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/alsobought/store.table",
        &[("Range", "bytes=9000-")],
    )
    .await;
    assert_eq!(reply.status, 416);
}

#[tokio::test]
async fn norange_route_ignores_range_and_sends_the_whole_file() {
    let (root, table) = demo_root();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/__norange/alsobought/store.table",
        &[("Range", "bytes=0-9")],
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, table);
}

#[tokio::test]
async fn slow_route_delays_then_serves_the_file() {
    let (root, _) = demo_root();
    let address = start(root.path()).await;
    let started = std::time::Instant::now();
    let reply = get(address, "/__slow/250/www/store.css", &[]).await;
    assert!(started.elapsed() >= std::time::Duration::from_millis(250));
    assert_eq!(reply.status, 200);
    assert_eq!(reply.body, b"body{}");
    let bad = get(address, "/__slow/soon/www/store.css", &[]).await;
    assert_eq!(bad.status, 400);
    assert!(String::from_utf8_lossy(&bad.body).contains("milliseconds"));
}

#[tokio::test]
async fn pages_asked_for_under_csp_carry_the_strict_policy_and_others_do_not() {
    let (root, _) = demo_root();
    let address = start(root.path()).await;
    let strict = get(address, "/__csp/www/product.html", &[]).await;
    assert_eq!(strict.status, 200);
    assert_eq!(strict.body, b"<!doctype html><title>product</title>");
    assert_eq!(strict.header("content-security-policy"), Some(STRICT_CSP));
    let same_page = get(address, "/www/product.html", &[]).await;
    assert_eq!(same_page.header("content-security-policy"), None);
    let stylesheet = get(address, "/__csp/www/store.css", &[]).await;
    assert_eq!(stylesheet.status, 200);
    assert_eq!(stylesheet.header("content-security-policy"), None);
    let home = get(address, "/", &[]).await;
    assert_eq!(home.status, 200);
    assert_eq!(home.body, b"<!doctype html><title>home</title>");
    assert_eq!(home.header("content-security-policy"), None);
}

#[tokio::test]
async fn widget_files_are_served_with_the_types_browsers_require() {
    let (root, _) = demo_root();
    let address = start(root.path()).await;
    let wasm = get(address, "/alsobought/alsobought_bg.wasm", &[]).await;
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
    let script = get(address, "/alsobought/alsobought.js", &[]).await;
    assert_eq!(
        script.header("content-type"),
        Some("text/javascript; charset=utf-8")
    );
    assert_eq!(script.body, b"export default 1;\n");
    let direct = get(address, "/pkg/alsobought.js", &[]).await;
    assert_eq!(direct.body, script.body);
}

#[tokio::test]
async fn log_lists_requests_with_range_status_and_bytes_then_clears() {
    let (root, _) = demo_root();
    let address = start(root.path()).await;
    get(address, "/__log?clear=1", &[]).await;
    get(
        address,
        "/alsobought/store.table",
        &[("Range", "bytes=0-95")],
    )
    .await;
    get(address, "/missing.js", &[]).await;
    let log = get(address, "/__log?clear=1", &[]).await;
    let records: serde_json::Value = serde_json::from_slice(&log.body).unwrap();
    let records = records.as_array().unwrap();
    assert_eq!(records.len(), 2, "{records:?}");
    assert_eq!(records[0]["path"], "/alsobought/store.table");
    assert_eq!(records[0]["range"], "bytes=0-95");
    assert_eq!(records[0]["status"], 206);
    assert_eq!(records[0]["bytes"], 96);
    assert_eq!(records[1]["path"], "/missing.js");
    assert_eq!(records[1]["status"], 404);
    assert_eq!(records[1]["range"], serde_json::Value::Null);
    let empty = get(address, "/__log", &[]).await;
    assert_eq!(empty.body, b"[]");
}

/// What Chromium sends on a secure or localhost origin.
const CHROMIUM_ACCEPT_ENCODING: (&str, &str) = ("Accept-Encoding", "gzip, deflate, br, zstd");
const WIDGET_JS_BROTLI: &[u8] = b"brotli copy of alsobought.js";
const WIDGET_JS_GZIP: &[u8] = b"gzip copy of alsobought.js";
/// A table directory's content-addressed file, as `alsobought build --out-dir` names them.
const CONTENT_FILE: &str = "0123456789abcdef/00ff.bin";

/// [`demo_root`] with the precompressed copies `make widget` writes, copies of two store
/// files, copies lying next to the table (which must never be sent), and a table
/// directory `www/generated/shop/`.
fn demo_root_with_copies() -> (tempfile::TempDir, Vec<u8>) {
    let (root, table) = demo_root();
    let write = |path: &str, bytes: &[u8]| {
        let path = root.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    };
    write("pkg/alsobought.js.br", WIDGET_JS_BROTLI);
    write("pkg/alsobought.js.gz", WIDGET_JS_GZIP);
    write("pkg/alsobought_bg.wasm.br", b"brotli copy of the wasm");
    write("www/product.html.br", b"brotli copy of product.html");
    write("index.html.gz", b"gzip copy of index.html");
    write("www/generated/store.table.br", b"must never be sent");
    write("www/generated/store.table.gz", b"must never be sent");
    write("www/generated/shop/entry.bin", b"entry file");
    write("www/generated/shop/entry.bin.br", b"must never be sent");
    write(
        &format!("www/generated/shop/{CONTENT_FILE}"),
        &table[..1000],
    );
    (root, table)
}

#[tokio::test]
async fn brotli_copy_is_sent_with_content_encoding_and_vary_when_accepted() {
    let (root, _) = demo_root_with_copies();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/alsobought/alsobought.js",
        &[CHROMIUM_ACCEPT_ENCODING],
    )
    .await;
    assert_eq!(reply.status, 200);
    assert_eq!(reply.header("content-encoding"), Some("br"));
    assert_eq!(reply.header("vary"), Some("accept-encoding"));
    assert_eq!(reply.body, WIDGET_JS_BROTLI);
    assert_eq!(
        reply.header("content-type"),
        Some("text/javascript; charset=utf-8"),
        "the type is the original file's"
    );
    let identity = get(address, "/alsobought/alsobought.js", &[]).await;
    assert_ne!(
        reply.header("etag"),
        identity.header("etag"),
        "each encoding is its own representation with its own validator"
    );
    let wasm = get(
        address,
        "/alsobought/alsobought_bg.wasm",
        &[("Accept-Encoding", "br")],
    )
    .await;
    assert_eq!(wasm.header("content-encoding"), Some("br"));
    assert_eq!(wasm.header("content-type"), Some("application/wasm"));
}

#[tokio::test]
async fn gzip_copy_is_sent_when_only_gzip_is_accepted() {
    let (root, _) = demo_root_with_copies();
    let address = start(root.path()).await;
    let reply = get(
        address,
        "/alsobought/alsobought.js",
        &[("Accept-Encoding", "gzip, deflate")],
    )
    .await;
    assert_eq!(reply.header("content-encoding"), Some("gzip"));
    assert_eq!(reply.header("vary"), Some("accept-encoding"));
    assert_eq!(reply.body, WIDGET_JS_GZIP);
    // The wasm has only a brotli copy: a gzip-only client gets the file itself.
    let wasm = get(
        address,
        "/alsobought/alsobought_bg.wasm",
        &[("Accept-Encoding", "gzip")],
    )
    .await;
    assert_eq!(wasm.header("content-encoding"), None);
    assert_eq!(wasm.body, b"\0asm\x01\0\0\0");
}

#[tokio::test]
async fn the_file_itself_is_sent_when_no_encoding_is_accepted() {
    let (root, _) = demo_root_with_copies();
    let address = start(root.path()).await;
    for accept in [None, Some("identity"), Some("zstd")] {
        let headers: Vec<(&str, &str)> = accept
            .map(|value| ("Accept-Encoding", value))
            .into_iter()
            .collect();
        let reply = get(address, "/alsobought/alsobought.js", &headers).await;
        assert_eq!(reply.status, 200, "{accept:?}");
        assert_eq!(reply.header("content-encoding"), None, "{accept:?}");
        assert_eq!(reply.body, b"export default 1;\n", "{accept:?}");
        assert_eq!(
            reply.header("vary"),
            Some("accept-encoding"),
            "a cache must not hand this identity answer to a brotli client ({accept:?})"
        );
    }
}

#[tokio::test]
async fn store_files_with_a_copy_are_negotiated_and_files_without_one_are_unchanged() {
    let (root, _) = demo_root_with_copies();
    let address = start(root.path()).await;
    let page = get(address, "/www/product.html", &[CHROMIUM_ACCEPT_ENCODING]).await;
    assert_eq!(page.header("content-encoding"), Some("br"));
    assert_eq!(page.body, b"brotli copy of product.html");
    let home = get(address, "/", &[CHROMIUM_ACCEPT_ENCODING]).await;
    assert_eq!(
        home.header("content-encoding"),
        Some("gzip"),
        "a directory's index.html too"
    );
    assert_eq!(home.body, b"gzip copy of index.html");
    let stylesheet = get(address, "/www/store.css", &[CHROMIUM_ACCEPT_ENCODING]).await;
    assert_eq!(stylesheet.status, 200);
    assert_eq!(stylesheet.header("content-encoding"), None);
    assert_eq!(
        stylesheet.header("vary"),
        None,
        "no copy: nothing to vary on"
    );
    assert_eq!(stylesheet.body, b"body{}");
}

#[tokio::test]
async fn table_files_are_never_sent_encoded_even_with_a_copy_next_to_them() {
    let (root, table) = demo_root_with_copies();
    let address = start(root.path()).await;
    for path in [
        "/alsobought/store.table",
        "/www/generated/store.table",
        "/__norange/alsobought/store.table",
    ] {
        let ranged = get(
            address,
            path,
            &[CHROMIUM_ACCEPT_ENCODING, ("Range", "bytes=100-199")],
        )
        .await;
        let expected_status = if path.starts_with("/__norange/") {
            200
        } else {
            206
        };
        assert_eq!(ranged.status, expected_status, "{path}");
        assert_eq!(ranged.header("content-encoding"), None, "{path}");
        assert_eq!(ranged.header("vary"), None, "{path}");
        if expected_status == 206 {
            assert_eq!(
                ranged.header("content-range"),
                Some("bytes 100-199/5000"),
                "{path}"
            );
            assert_eq!(ranged.body, &table[100..200], "{path}");
        } else {
            assert_eq!(ranged.body, table, "{path}");
        }
        let whole = get(address, path, &[CHROMIUM_ACCEPT_ENCODING]).await;
        assert_eq!(whole.status, 200, "{path}");
        assert_eq!(whole.header("content-encoding"), None, "{path}");
        assert_eq!(whole.body, table, "{path}");
    }
    for path in [
        "/alsobought/shop/entry.bin",
        "/www/generated/shop/entry.bin",
    ] {
        let entry = get(address, path, &[CHROMIUM_ACCEPT_ENCODING]).await;
        assert_eq!(entry.status, 200, "{path}");
        assert_eq!(entry.header("content-encoding"), None, "{path}");
        assert_eq!(entry.body, b"entry file", "{path}");
    }
}

#[tokio::test]
async fn table_directory_files_are_served_under_alsobought_and_compose_with_the_helpers() {
    let (root, table) = demo_root_with_copies();
    let address = start(root.path()).await;
    let entry = get(address, "/alsobought/shop/entry.bin", &[]).await;
    assert_eq!(entry.status, 200);
    assert_eq!(entry.body, b"entry file");
    assert!(entry.header("etag").is_some() && entry.header("last-modified").is_some());
    let content_path = format!("/alsobought/shop/{CONTENT_FILE}");
    let content = get(address, &content_path, &[]).await;
    assert_eq!(content.status, 200);
    assert_eq!(content.body, &table[..1000]);
    let ranged = get(address, &content_path, &[("Range", "bytes=10-19")]).await;
    assert_eq!(ranged.status, 206);
    assert_eq!(ranged.body, &table[10..20]);
    let unranged = get(
        address,
        &format!("/__slow/10/__norange{content_path}"),
        &[("Range", "bytes=10-19")],
    )
    .await;
    assert_eq!(unranged.status, 200);
    assert_eq!(unranged.body, &table[..1000]);
    let directory_itself = get(address, "/alsobought/shop/", &[]).await;
    assert_eq!(directory_itself.status, 404);
}

#[tokio::test]
async fn a_table_directory_uploaded_while_the_server_runs_is_served_at_once() {
    let (root, _) = demo_root();
    let address = start_cdn(root.path()).await;
    let before = get(address, "/alsobought/later/entry.bin", &[]).await;
    assert_eq!(before.status, 404);
    assert_eq!(
        before.header("cache-control"),
        Some("no-cache"),
        "a 404 must not be cached: the upload may come a moment later"
    );
    let directory = root.path().join("www/generated/later/fedcba9876543210");
    std::fs::create_dir_all(&directory).unwrap();
    std::fs::write(
        root.path().join("www/generated/later/entry.bin"),
        b"new entry",
    )
    .unwrap();
    std::fs::write(directory.join("0a.bin"), b"new page").unwrap();
    let after = get(address, "/alsobought/later/entry.bin", &[]).await;
    assert_eq!(after.status, 200);
    assert_eq!(after.body, b"new entry");
    assert_eq!(
        after.header("cache-control"),
        Some("public, max-age=60, stale-while-revalidate=86400")
    );
    let page = get(address, "/alsobought/later/fedcba9876543210/0a.bin", &[]).await;
    assert_eq!(page.body, b"new page");
    assert_eq!(
        page.header("cache-control"),
        Some("public, max-age=31536000, immutable")
    );
}

#[tokio::test]
async fn cdn_policy_sends_each_kind_of_file_its_lifetime() {
    let (root, _) = demo_root_with_copies();
    std::fs::create_dir_all(root.path().join("www/generated/shop/0123456789ABCDEF")).unwrap();
    std::fs::write(
        root.path()
            .join("www/generated/shop/0123456789ABCDEF/00ff.bin"),
        b"not a content address: upper-case hex",
    )
    .unwrap();
    let address = start_cdn(root.path()).await;
    let hour = "public, max-age=3600";
    let minute = "public, max-age=60, stale-while-revalidate=86400";
    let year = "public, max-age=31536000, immutable";
    let page = "public, max-age=0, must-revalidate";
    let content_path = format!("/alsobought/shop/{CONTENT_FILE}");
    // (path, request headers, status, Cache-Control)
    type Case<'a> = (&'a str, &'a [(&'a str, &'a str)], u16, &'a str);
    let cases: [Case; 14] = [
        (
            "/alsobought/alsobought.js",
            &[CHROMIUM_ACCEPT_ENCODING],
            200,
            hour,
        ),
        ("/alsobought/alsobought_bg.wasm", &[], 200, hour),
        ("/pkg/alsobought.js", &[], 200, hour),
        (
            "/alsobought/store.table",
            &[("Range", "bytes=0-95")],
            206,
            hour,
        ),
        (
            "/__norange/alsobought/store.table",
            &[("Range", "bytes=0-95")],
            200,
            hour,
        ),
        ("/alsobought/shop/entry.bin", &[], 200, minute),
        (&content_path, &[], 200, year),
        (&content_path, &[("Range", "bytes=0-9")], 206, year),
        (
            "/alsobought/shop/0123456789ABCDEF/00ff.bin",
            &[],
            200,
            minute,
        ),
        ("/", &[], 200, page),
        ("/www/product.html", &[CHROMIUM_ACCEPT_ENCODING], 200, page),
        ("/__csp/www/product.html", &[], 200, page),
        ("/www/store.css", &[], 200, hour),
        ("/www/missing.css", &[], 404, "no-cache"),
    ];
    for (path, headers, status, cache_control) in cases {
        let reply = get(address, path, headers).await;
        assert_eq!(reply.status, status, "{path}");
        assert_eq!(reply.header("cache-control"), Some(cache_control), "{path}");
        if status != 404 {
            assert!(
                reply.header("etag").is_some() && reply.header("last-modified").is_some(),
                "{path} keeps its validators"
            );
        }
    }
    let past_the_end = get(
        address,
        "/alsobought/store.table",
        &[("Range", "bytes=9000-")],
    )
    .await;
    assert_eq!(past_the_end.status, 416);
    assert_eq!(past_the_end.header("cache-control"), Some("no-cache"));
}

#[tokio::test]
async fn revalidation_answers_304_with_the_lifetime_and_vary_of_the_file() {
    let (root, _) = demo_root_with_copies();
    let address = start_cdn(root.path()).await;
    let first = get(
        address,
        "/alsobought/alsobought.js",
        &[CHROMIUM_ACCEPT_ENCODING],
    )
    .await;
    let etag = first.header("etag").unwrap().to_owned();
    let again = get(
        address,
        "/alsobought/alsobought.js",
        &[CHROMIUM_ACCEPT_ENCODING, ("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(again.status, 304);
    assert_eq!(again.header("cache-control"), Some("public, max-age=3600"));
    assert_eq!(again.header("vary"), Some("accept-encoding"));
    assert!(again.body.is_empty());
}

#[tokio::test]
async fn default_policy_makes_every_file_revalidate() {
    let (root, _) = demo_root_with_copies();
    let address = start(root.path()).await;
    let content_path = format!("/alsobought/shop/{CONTENT_FILE}");
    for path in [
        "/alsobought/alsobought.js",
        "/alsobought/store.table",
        "/alsobought/shop/entry.bin",
        &content_path,
        "/",
        "/www/store.css",
        "/__slow/nope/x",
    ] {
        let reply = get(address, path, &[CHROMIUM_ACCEPT_ENCODING]).await;
        assert_eq!(reply.header("cache-control"), Some("no-cache"), "{path}");
    }
}
