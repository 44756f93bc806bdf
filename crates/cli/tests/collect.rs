//! `alsobought collect` over real sockets: beacon bodies become JSON lines with a
//! receive time, preflights and health checks are answered, bad bodies are refused
//! with a status and a log line, and `report` reads what was collected.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, ChildStderr, Command, Stdio};
use std::time::Duration;

use common::Scratch;

/// A running collector, stopped when dropped.
struct Collector {
    child: Child,
    address: String,
}

impl Collector {
    /// Starts `alsobought collect --port 0 --out events.jsonl` plus `extra` in `scratch`.
    fn start(scratch: &Scratch, extra: &[&str]) -> Collector {
        let mut child = Command::new(env!("CARGO_BIN_EXE_alsobought"))
            .args(["collect", "--port", "0", "--out", "events.jsonl"])
            .args(extra)
            .current_dir(scratch.path(""))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the alsobought binary runs");
        let mut first_line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut first_line)
            .unwrap();
        let address = first_line
            .trim()
            .strip_prefix("collecting on http://")
            .and_then(|rest| rest.strip_suffix('/'))
            .unwrap_or_else(|| panic!("unexpected first line {first_line:?}"))
            .to_owned();
        Collector { child, address }
    }

    /// Sends `request` and returns the whole reply.
    fn send(&self, request: &[u8]) -> String {
        exchange(&self.address, request).unwrap()
    }

    fn post(&self, content_type: &str, body: &str) -> String {
        exchange(
            &self.address,
            &post_request(&self.address, content_type, body),
        )
        .unwrap()
    }

    /// Stops the collector as a service manager does (SIGTERM: it finishes what it
    /// was doing, log lines included, and exits 0) and returns what it logged.
    fn stop(mut self) -> String {
        terminate(&self.child);
        let exit = self.child.wait().unwrap();
        assert!(exit.success(), "collect exits 0 on SIGTERM, not {exit:?}");
        let mut stderr: ChildStderr = self.child.stderr.take().unwrap();
        let mut log = String::new();
        stderr.read_to_string(&mut log).unwrap();
        log
    }
}

/// Sends `request` with `Connection: close` after its first line, and returns the
/// whole reply (the collector keeps connections open otherwise, as browsers expect).
fn exchange(address: &str, request: &[u8]) -> std::io::Result<String> {
    let mut stream = TcpStream::connect(address)?;
    stream.set_read_timeout(Some(Duration::from_secs(10)))?;
    let first_line_end = request
        .windows(2)
        .position(|pair| pair == b"\r\n")
        .map_or(request.len(), |at| at + 2);
    let (first_line, rest) = request.split_at(first_line_end);
    // One write: the collector may answer a malformed first line before the rest.
    stream.write_all(&[first_line, b"Connection: close\r\n", rest].concat())?;
    let mut reply = String::new();
    stream.read_to_string(&mut reply)?;
    Ok(reply)
}

fn terminate(child: &Child) {
    let sent = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(sent.success(), "kill -TERM {}", child.id());
}

fn post_request(address: &str, content_type: &str, body: &str) -> Vec<u8> {
    format!(
        "POST /collect HTTP/1.1\r\nHost: {address}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

impl Drop for Collector {
    fn drop(&mut self) {
        // Already stopped by `stop` in the normal case; this covers a failed assertion.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status(reply: &str) -> &str {
    reply.split("\r\n").next().unwrap_or_default()
}

/// The comma-separated values of header `name` in `reply` (names compared without case,
/// header names within the values lowercased), as HTTP defines a list header.
fn header_list(reply: &str, name: &str) -> Vec<String> {
    let head = reply.split("\r\n\r\n").next().unwrap_or_default();
    head.split("\r\n")
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .filter(|(header, _)| header.trim().eq_ignore_ascii_case(name))
        .flat_map(|(_, values)| values.split(','))
        .map(|value| {
            let value = value.trim();
            if name.eq_ignore_ascii_case("Access-Control-Allow-Headers") {
                value.to_ascii_lowercase()
            } else {
                value.to_owned()
            }
        })
        .collect()
}

const BEACON: &str = r#"{"v":1,"events":[{"v":1,"type":"exposure","ts":1000,"visitor_id":"v1","page_view_id":"pv1","experiment":"fbt","variant":"control","holdout":false,"forced":false,"list_id":"alsobought_product"},{"v":1,"type":"purchase","ts":2000,"visitor_id":"v1","page_view_id":"pv2","order_id":"o1","currency":"EUR","value":12.5,"attributed_value":0}]}"#;

#[test]
fn beacons_are_appended_as_lines_with_a_receive_time() {
    let scratch = Scratch::new();
    let collector = Collector::start(&scratch, &[]);
    let reply = collector.post("text/plain;charset=UTF-8", BEACON);
    assert_eq!(status(&reply), "HTTP/1.1 204 No Content", "{reply}");
    assert!(
        reply.contains("Access-Control-Allow-Origin: *\r\n"),
        "{reply}"
    );
    let reply = collector.post(
        "application/json",
        r#"{"v":1,"events":[{"type":"impression","ts":1100,"visitor_id":"v1","page_view_id":"pv1","experiment":"fbt","variant":"control","list_id":"alsobought_product"}]}"#,
    );
    assert_eq!(status(&reply), "HTTP/1.1 204 No Content", "{reply}");

    let health = collector.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&health), "HTTP/1.1 200 OK");
    assert!(
        health.contains("3 events received into events.jsonl"),
        "{health}"
    );
    let log = collector.stop();
    assert_eq!(log, "", "accepted bodies are not logged");

    let stored = std::fs::read_to_string(scratch.path("events.jsonl")).unwrap();
    let lines: Vec<serde_json::Value> = stored
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["type"], "exposure");
    assert_eq!(lines[1]["order_id"], "o1");
    assert_eq!(lines[2]["v"], 1, "the envelope's version fills in");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    for line in &lines {
        let received = line["received_at"].as_u64().unwrap();
        assert!(now_ms - received < 60_000, "received_at {received}");
    }

    // What was collected is what the report reads.
    let run = scratch
        .run(&["report", "events.jsonl", "--format", "json"])
        .success();
    let report: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
    let control = &report["experiments"][0]["variants"][0];
    assert_eq!(control["variant"], "control");
    assert_eq!(control["impressions"], 1);
    assert_eq!(control["revenue"], 12.5);
}

#[test]
fn preflights_are_answered_with_the_allowed_origin() {
    let scratch = Scratch::new();
    let collector = Collector::start(&scratch, &["--allow-origin", "https://shop.example"]);
    let reply = collector.send(
        b"OPTIONS /collect HTTP/1.1\r\nHost: x\r\nOrigin: https://shop.example\r\n\
          Access-Control-Request-Method: POST\r\nAccess-Control-Request-Headers: content-type\r\n\r\n",
    );
    // tower-http's CORS layer answers 200 where the hand-written collector said 204:
    // a preflight succeeds on any 2xx.
    assert_eq!(status(&reply), "HTTP/1.1 200 OK", "{reply}");
    for (name, expected) in [
        ("Access-Control-Allow-Origin", &["https://shop.example"][..]),
        ("Access-Control-Allow-Methods", &["POST", "OPTIONS"]),
        ("Access-Control-Allow-Headers", &["content-type"]),
        ("Access-Control-Max-Age", &["86400"]),
    ] {
        assert_eq!(header_list(&reply, name), expected, "{name} in {reply}");
    }
    // A POST's reply carries the configured origin too, whatever the request's Origin.
    let post = collector.post("text/plain", BEACON);
    assert_eq!(
        header_list(&post, "Access-Control-Allow-Origin"),
        ["https://shop.example"],
        "{post}"
    );
    collector.stop();
}

#[test]
fn bad_requests_are_refused_and_logged() {
    let scratch = Scratch::new();
    let collector = Collector::start(&scratch, &["--max-body", "1000"]);
    let bad_json = collector.post("text/plain", "{\"v\":1,\"events\":[");
    assert_eq!(status(&bad_json), "HTTP/1.1 400 Bad Request");
    assert!(bad_json.contains("the body is not JSON"), "{bad_json}");
    let wrong_version = collector.post("text/plain", "{\"v\":2,\"events\":[]}");
    assert_eq!(status(&wrong_version), "HTTP/1.1 400 Bad Request");
    let oversized = collector.post("text/plain", &"x".repeat(1001));
    assert_eq!(status(&oversized), "HTTP/1.1 413 Content Too Large");
    let chunked = collector.send(
        b"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    );
    assert_eq!(status(&chunked), "HTTP/1.1 411 Length Required");
    let delete = collector.send(b"DELETE / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(status(&delete), "HTTP/1.1 405 Method Not Allowed");
    let garbage = collector.send(b"hello\r\n\r\n");
    assert_eq!(status(&garbage), "HTTP/1.1 400 Bad Request");
    // A refused body leaves nothing behind, and the collector keeps going.
    let good = collector.post("text/plain", BEACON);
    assert_eq!(status(&good), "HTTP/1.1 204 No Content");

    let log = collector.stop();
    let lines: Vec<&str> = log.lines().collect();
    assert_eq!(lines.len(), 6, "{log}");
    assert!(
        lines[0].starts_with("alsobought: warning: 127.0.0.1:")
            && lines[0].contains("POST /collect: 400 the body is not JSON"),
        "{log}"
    );
    assert!(
        lines[2].contains("413 the body has 1001 bytes; at most 1000"),
        "{log}"
    );
    assert!(
        lines[3].contains("411 Transfer-Encoding \"chunked\""),
        "{log}"
    );
    let stored = std::fs::read_to_string(scratch.path("events.jsonl")).unwrap();
    assert_eq!(stored.lines().count(), 2);
}

#[test]
fn sigterm_mid_load_keeps_every_acknowledged_event_once() {
    use std::collections::HashMap;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    let scratch = Scratch::new();
    let mut collector = Collector::start(&scratch, &[]);
    let acknowledged_bodies = Arc::new(AtomicUsize::new(0));
    let clients: Vec<_> = (0..4)
        .map(|client| {
            let address = collector.address.clone();
            let acknowledged_bodies = Arc::clone(&acknowledged_bodies);
            std::thread::spawn(move || {
                let mut acknowledged = Vec::new();
                for body in 0.. {
                    let ids = [format!("c{client}-b{body}-0"), format!("c{client}-b{body}-1")];
                    let beacon = format!(
                        r#"{{"v":1,"events":[{{"type":"click","page_view_id":"{}"}},{{"type":"click","page_view_id":"{}"}}]}}"#,
                        ids[0], ids[1]
                    );
                    let request = post_request(&address, "text/plain", &beacon);
                    // Refused, reset or cut short once the collector stops: not acknowledged.
                    match exchange(&address, &request) {
                        Ok(reply) if status(&reply) == "HTTP/1.1 204 No Content" => {
                            acknowledged.extend(ids);
                            acknowledged_bodies.fetch_add(1, Ordering::SeqCst);
                        }
                        _ => break,
                    }
                }
                acknowledged
            })
        })
        .collect();
    while acknowledged_bodies.load(Ordering::SeqCst) < 200 {
        std::thread::sleep(Duration::from_millis(5));
    }
    terminate(&collector.child);
    let exit = collector.child.wait().unwrap();
    assert!(exit.success(), "collect exits 0 on SIGTERM, not {exit:?}");
    let acknowledged: Vec<String> = clients
        .into_iter()
        .flat_map(|client| client.join().unwrap())
        .collect();
    assert!(acknowledged.len() >= 400);

    let stored = std::fs::read_to_string(scratch.path("events.jsonl")).unwrap();
    let mut copies: HashMap<String, usize> = HashMap::new();
    for line in stored.lines() {
        let event: serde_json::Value = serde_json::from_str(line).expect("whole lines only");
        *copies
            .entry(event["page_view_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    for id in &acknowledged {
        assert_eq!(copies.get(id), Some(&1), "acknowledged event {id}");
    }
    assert!(
        copies.values().all(|&count| count == 1),
        "no event is stored twice"
    );
}

#[test]
fn connections_beyond_the_limit_and_oversized_heads_are_refused_with_a_reason() {
    let scratch = Scratch::new();
    let collector = Collector::start(&scratch, &[]);
    // 64 connections that send nothing yet hold every slot (accepted in connect order).
    let held: Vec<TcpStream> = (0..64)
        .map(|_| TcpStream::connect(&collector.address).unwrap())
        .collect();
    let refused = collector.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assert_eq!(
        status(&refused),
        "HTTP/1.1 503 Service Unavailable",
        "{refused}"
    );
    assert!(refused.contains("Retry-After: 1\r\n"), "{refused}");
    assert!(refused.contains("too many connections"), "{refused}");
    drop(held);
    // The slots come back once those connections close.
    let mut health = String::new();
    for _ in 0..100 {
        health = collector.send(b"GET / HTTP/1.1\r\nHost: x\r\n\r\n");
        if status(&health) == "HTTP/1.1 200 OK" {
            break;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(status(&health), "HTTP/1.1 200 OK", "{health}");

    let big_head = format!(
        "GET / HTTP/1.1\r\nHost: x\r\nX-Padding: {}\r\n\r\n",
        "a".repeat(20_000)
    );
    let too_big = collector.send(big_head.as_bytes());
    assert_eq!(
        status(&too_big),
        "HTTP/1.1 431 Request Header Fields Too Large",
        "{too_big}"
    );

    let log = collector.stop();
    assert!(
        log.contains("GET /: 503 too many connections; try again"),
        "{log}"
    );
    assert!(
        log.contains("request: 431 request line and headers exceed 16384 bytes"),
        "{log}"
    );
}

#[test]
fn a_port_in_use_is_a_clear_error() {
    let scratch = Scratch::new();
    let collector = Collector::start(&scratch, &[]);
    let port = collector.address.rsplit(':').next().unwrap().to_owned();
    scratch
        .run(&["collect", "--out", "other.jsonl", "--port", &port])
        .expect_code(1)
        .stderr_has(&format!("cannot listen on 127.0.0.1:{port}"))
        .stderr_has("--port 0 picks a free one");
    collector.stop();
}
