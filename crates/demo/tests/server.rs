//! The demo server, started in-process on port 0 and spoken to over real TCP: the
//! Range behaviour the widget depends on, the strict-CSP header, and the test routes.

use std::net::SocketAddr;
use std::path::Path;

use alsobought_demo::server::{self, RequestLog, ServerOptions, STRICT_CSP};
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

/// Starts the server over `root` on a free port and returns its address.
async fn start(root: &Path) -> SocketAddr {
    let (listener, url) = server::bind("127.0.0.1:0".parse().unwrap()).await.unwrap();
    let address = listener.local_addr().unwrap();
    assert_eq!(url, format!("http://{address}/"));
    assert_ne!(
        address.port(),
        0,
        "port 0 must be replaced by the real port"
    );
    let app = server::router(root, RequestLog::new(), ServerOptions::default());
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
