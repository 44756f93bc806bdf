//! `alsobought collect`: a tiny HTTP collector for the widget's beacons. It appends
//! every event of every accepted body to a JSON lines file, with the time it arrived,
//! which `alsobought report` then reads (`docs/events.md` section 7).
//!
//! Built on `std::net` rather than an HTTP crate: the protocol it needs is one request
//! per connection with a `Content-Length` body (what `navigator.sendBeacon` and
//! `fetch` send), a CORS preflight and a health check — about as much code as wiring a
//! server library, with nothing to keep up to date. Anything else gets a clear 4xx.
//! Each connection runs on its own thread with timeouts, at most
//! [`MAX_CONNECTIONS`] at once, so one slow client cannot stall the others.

use std::fs::{File, OpenOptions};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{IpAddr, Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use anyhow::Context;
use clap::Args;
use serde_json::{Map, Value};

use crate::report::warn;

/// The event schema version the collector accepts.
const SCHEMA_VERSION: u64 = 1;

/// Events in one body, at most: a widget sends batches of 20.
const MAX_EVENTS_PER_BODY: usize = 1000;

/// The request line and headers together, at most.
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// Connections handled at once; more get 503 at once.
pub const MAX_CONNECTIONS: usize = 64;

/// How long a client may take to send its request or read the reply.
const IO_TIMEOUT: Duration = Duration::from_secs(10);

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
}

const COLLECT_AFTER_HELP: &str = "\
Example:
  alsobought collect --out events.jsonl --port 8787
  <div data-alsobought ... data-beacon=\"https://shop.example/alsobought/collect\">

POST bodies are {\"v\":1,\"events\":[...]} (text/plain or application/json): 204,
or 400 (malformed), 411 (no Content-Length), 413 (too large) with a log line.
OPTIONS answers CORS preflights; GET answers a one-line status.";

/// Runs `alsobought collect` until the process is stopped.
pub fn run(args: &CollectArgs, _quiet: bool) -> anyhow::Result<()> {
    let file = OpenOptions::new()
        .create(true)
        .append(true)
        .open(&args.out)
        .with_context(|| format!("cannot open {} for appending", args.out.display()))?;
    let listener = TcpListener::bind((args.host, args.port)).with_context(|| {
        format!(
            "cannot listen on {}:{} (is the port in use? --port 0 picks a free one)",
            args.host, args.port
        )
    })?;
    let address = listener.local_addr()?;
    let collector = Arc::new(Collector {
        file: Mutex::new(file),
        out_name: args.out.display().to_string(),
        received: AtomicU64::new(0),
        connections: AtomicUsize::new(0),
        max_body: args.max_body,
        allow_origin: args.allow_origin.clone(),
    });
    let shown = match address {
        SocketAddr::V6(v6) => format!("[{}]:{}", v6.ip(), v6.port()),
        SocketAddr::V4(v4) => v4.to_string(),
    };
    println!("collecting on http://{shown}/");
    io::stdout().flush()?;
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                warn(format_args!("cannot accept a connection: {error}"));
                continue;
            }
        };
        let collector = Arc::clone(&collector);
        if collector.connections.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
            collector.connections.fetch_sub(1, Ordering::SeqCst);
            let reply = Reply::text(503, "too many connections; try again");
            let _ = collector.send(&mut &stream, &reply);
            continue;
        }
        thread::spawn(move || {
            collector.handle(stream);
            collector.connections.fetch_sub(1, Ordering::SeqCst);
        });
    }
    Ok(())
}

/// What every connection shares.
struct Collector {
    file: Mutex<File>,
    out_name: String,
    received: AtomicU64,
    connections: AtomicUsize,
    max_body: usize,
    allow_origin: String,
}

/// A parsed request.
struct Request {
    method: String,
    target: String,
    body: Vec<u8>,
}

/// A reply: status, extra headers, a short text body.
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
}

impl Reply {
    fn text(status: u16, body: impl Into<String>) -> Reply {
        let mut body = body.into();
        if !body.is_empty() {
            body.push('\n');
        }
        Reply {
            status,
            headers: Vec::new(),
            body,
        }
    }

    fn with_header(mut self, name: &'static str, value: impl Into<String>) -> Reply {
        self.headers.push((name, value.into()));
        self
    }
}

/// A request the collector refuses before reading it all.
struct Refusal {
    reply: Reply,
    /// The method and target, when the request line was read.
    request: Option<(String, String)>,
}

impl Collector {
    fn handle(&self, stream: TcpStream) {
        let peer = stream
            .peer_addr()
            .map_or_else(|_| "unknown peer".to_owned(), |peer| peer.to_string());
        let _ = stream.set_read_timeout(Some(IO_TIMEOUT));
        let _ = stream.set_write_timeout(Some(IO_TIMEOUT));
        let mut reader = BufReader::new(&stream);
        let (reply, request_line) = match self.read_request(&mut reader, &stream) {
            Ok(request) => {
                let line = format!("{} {}", request.method, request.target);
                (self.respond(&request), line)
            }
            Err(refusal) => {
                let line = refusal
                    .request
                    .map_or("request".to_owned(), |(method, target)| {
                        format!("{method} {target}")
                    });
                (refusal.reply, line)
            }
        };
        if reply.status >= 400 {
            warn(format_args!(
                "{peer} {request_line}: {} {}",
                reply.status,
                reply.body.trim_end()
            ));
        }
        if let Err(error) = self.send(&mut &stream, &reply) {
            warn(format_args!("{peer} {request_line}: cannot reply: {error}"));
        }
        linger(&stream);
    }

    /// Reads the request line, headers and (bounded) body.
    fn read_request(
        &self,
        reader: &mut BufReader<&TcpStream>,
        stream: &TcpStream,
    ) -> Result<Request, Refusal> {
        let refuse = |status, message: String, request: Option<(String, String)>| Refusal {
            reply: Reply::text(status, message),
            request,
        };
        let mut head_bytes = 0usize;
        let mut read_line = |reader: &mut BufReader<&TcpStream>| -> Result<String, Refusal> {
            let mut line = Vec::new();
            let limit = (MAX_HEAD_BYTES - head_bytes + 1) as u64;
            let read = reader
                .by_ref()
                .take(limit)
                .read_until(b'\n', &mut line)
                .map_err(|error| refuse(400, format!("cannot read the request: {error}"), None))?;
            head_bytes += read;
            if head_bytes > MAX_HEAD_BYTES {
                return Err(refuse(
                    431,
                    format!("request line and headers exceed {MAX_HEAD_BYTES} bytes"),
                    None,
                ));
            }
            if read == 0 || !line.ends_with(b"\n") {
                return Err(refuse(400, "the request ended early".to_owned(), None));
            }
            Ok(String::from_utf8_lossy(&line).trim_end().to_owned())
        };
        let request_line = read_line(reader)?;
        let mut parts = request_line.split(' ');
        let (Some(method), Some(target), Some(version), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(refuse(
                400,
                format!("malformed request line {request_line:?}"),
                None,
            ));
        };
        let identity = Some((method.to_owned(), target.to_owned()));
        if !version.starts_with("HTTP/1.") {
            return Err(refuse(
                505,
                format!("{version} is not supported; use HTTP/1.1"),
                identity,
            ));
        }
        let mut content_length: Option<usize> = None;
        let mut expects_continue = false;
        loop {
            let line = read_line(reader).map_err(|mut refusal| {
                refusal.request = identity.clone();
                refusal
            })?;
            if line.is_empty() {
                break;
            }
            let Some((name, value)) = line.split_once(':') else {
                return Err(refuse(400, format!("malformed header {line:?}"), identity));
            };
            let value = value.trim();
            if name.eq_ignore_ascii_case("content-length") {
                let length = value
                    .parse::<usize>()
                    .ok()
                    .filter(|&length| content_length.is_none_or(|known| known == length));
                match length {
                    Some(length) => content_length = Some(length),
                    None => {
                        return Err(refuse(
                            400,
                            format!("bad or conflicting Content-Length {value:?}"),
                            identity,
                        ))
                    }
                }
            } else if name.eq_ignore_ascii_case("transfer-encoding")
                && !value.eq_ignore_ascii_case("identity")
            {
                return Err(refuse(
                    411,
                    format!("Transfer-Encoding {value:?} is not supported; send a Content-Length"),
                    identity,
                ));
            } else if name.eq_ignore_ascii_case("expect") {
                expects_continue = value.eq_ignore_ascii_case("100-continue");
            }
        }
        let mut body = Vec::new();
        if method == "POST" {
            let Some(length) = content_length else {
                return Err(refuse(
                    411,
                    "a POST needs a Content-Length".to_owned(),
                    identity,
                ));
            };
            if length > self.max_body {
                return Err(refuse(
                    413,
                    format!(
                        "the body has {length} bytes; at most {} are accepted (--max-body)",
                        self.max_body
                    ),
                    identity,
                ));
            }
            if expects_continue {
                let _ = (&mut &*stream).write_all(b"HTTP/1.1 100 Continue\r\n\r\n");
            }
            body.resize(length, 0);
            reader.read_exact(&mut body).map_err(|error| {
                refuse(
                    400,
                    format!("the body ended before its {length} bytes: {error}"),
                    identity.clone(),
                )
            })?;
        }
        Ok(Request {
            method: method.to_owned(),
            target: target.to_owned(),
            body,
        })
    }

    fn respond(&self, request: &Request) -> Reply {
        match request.method.as_str() {
            "POST" => match self.store(&request.body) {
                Ok(()) => Reply::text(204, ""),
                Err(Rejection::BadBody(message)) => Reply::text(400, message),
                Err(Rejection::Storage(message)) => Reply::text(500, message),
            },
            "OPTIONS" => Reply::text(204, "")
                .with_header("Access-Control-Allow-Methods", "POST, OPTIONS")
                .with_header("Access-Control-Allow-Headers", "Content-Type")
                .with_header("Access-Control-Max-Age", "86400"),
            "GET" | "HEAD" => Reply::text(
                200,
                format!(
                    "alsobought collector: {} events received into {}",
                    self.received.load(Ordering::SeqCst),
                    self.out_name
                ),
            ),
            other => Reply::text(405, format!("method {other} is not allowed; POST events"))
                .with_header("Allow", "POST, OPTIONS, GET"),
        }
    }

    /// Checks a beacon body and appends its events, all at once.
    fn store(&self, body: &[u8]) -> Result<(), Rejection> {
        let lines = beacon_lines(body, now_ms()).map_err(Rejection::BadBody)?;
        let events = lines.iter().filter(|&&byte| byte == b'\n').count() as u64;
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        file.write_all(&lines)
            .and_then(|()| file.flush())
            .map_err(|error| {
                warn(format_args!("cannot append to {}: {error}", self.out_name));
                Rejection::Storage(format!("cannot store the events: {error}"))
            })?;
        self.received.fetch_add(events, Ordering::SeqCst);
        Ok(())
    }

    fn send(&self, stream: &mut impl Write, reply: &Reply) -> io::Result<()> {
        let mut head = format!(
            "HTTP/1.1 {} {}\r\nAccess-Control-Allow-Origin: {}\r\nConnection: close\r\n",
            reply.status,
            reason_phrase(reply.status),
            self.allow_origin
        );
        for (name, value) in &reply.headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        if reply.status != 204 {
            head.push_str(&format!(
                "Content-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\n",
                reply.body.len()
            ));
        }
        head.push_str("\r\n");
        stream.write_all(head.as_bytes())?;
        if reply.status != 204 {
            stream.write_all(reply.body.as_bytes())?;
        }
        stream.flush()
    }
}

/// Closes a connection gently: closing a socket with unread request bytes (a refused
/// body) makes the kernel send a reset, which can destroy the reply before the client
/// reads it. So: end our side, then read and drop what the client still sends, for a
/// bounded time and amount.
fn linger(stream: &TcpStream) {
    const DRAIN_LIMIT: u64 = 1 << 20;
    let _ = stream.shutdown(std::net::Shutdown::Write);
    let _ = stream.set_read_timeout(Some(Duration::from_secs(1)));
    let _ = io::copy(&mut stream.take(DRAIN_LIMIT), &mut io::sink());
}

/// Why a POST was not stored.
enum Rejection {
    /// The client's fault (400).
    BadBody(String),
    /// Ours (500): the file could not be written.
    Storage(String),
}

/// The JSON lines to append for a beacon body: each event with `received_at`, and
/// `v` from the envelope when the event lacks it; or what is wrong with the body.
pub fn beacon_lines(body: &[u8], received_at_ms: u64) -> Result<Vec<u8>, String> {
    let envelope: Value = serde_json::from_slice(body).map_err(|error| {
        format!("the body is not JSON ({error}); expected {{\"v\":1,\"events\":[...]}}")
    })?;
    let Value::Object(mut envelope) = envelope else {
        return Err(
            "the body is not a JSON object; expected {\"v\":1,\"events\":[...]}".to_owned(),
        );
    };
    match envelope.get("v").and_then(Value::as_u64) {
        Some(SCHEMA_VERSION) => {}
        Some(other) => {
            return Err(format!(
                "schema version {other} is not supported (this collector takes {SCHEMA_VERSION})"
            ))
        }
        None => return Err("the body has no numeric \"v\" (schema version)".to_owned()),
    }
    let Some(Value::Array(events)) = envelope.remove("events") else {
        return Err("the body has no \"events\" array".to_owned());
    };
    if events.len() > MAX_EVENTS_PER_BODY {
        return Err(format!(
            "{} events in one body; at most {MAX_EVENTS_PER_BODY}",
            events.len()
        ));
    }
    let mut lines = Vec::with_capacity(body.len() + events.len() * 32);
    for (index, event) in events.into_iter().enumerate() {
        let Value::Object(mut event) = event else {
            return Err(format!("event {index} is not a JSON object"));
        };
        if !matches!(event.get("type"), Some(Value::String(_))) {
            return Err(format!("event {index} has no string \"type\""));
        }
        event
            .entry("v")
            .or_insert_with(|| Value::from(SCHEMA_VERSION));
        event.insert("received_at".to_owned(), Value::from(received_at_ms));
        serde_json::to_writer(&mut lines, &Map::from_iter(event))
            .map_err(|error| format!("event {index} cannot be stored: {error}"))?;
        lines.push(b'\n');
    }
    Ok(lines)
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_millis() as u64)
}

fn reason_phrase(status: u16) -> &'static str {
    match status {
        200 => "OK",
        204 => "No Content",
        400 => "Bad Request",
        405 => "Method Not Allowed",
        411 => "Length Required",
        413 => "Content Too Large",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        503 => "Service Unavailable",
        505 => "HTTP Version Not Supported",
        _ => "Unknown",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn events_get_the_receive_time_and_the_envelope_version() {
        let lines = beacon_lines(
            br#"{"v":1,"events":[{"type":"click","visitor_id":"a"},{"v":1,"type":"impression"}]}"#,
            42,
        )
        .unwrap();
        let lines: Vec<Value> = String::from_utf8(lines)
            .unwrap()
            .lines()
            .map(|line| serde_json::from_str(line).unwrap())
            .collect();
        assert_eq!(lines.len(), 2);
        assert_eq!(lines[0]["v"], 1);
        assert_eq!(lines[0]["received_at"], 42);
        assert_eq!(lines[0]["visitor_id"], "a");
        assert_eq!(lines[1]["type"], "impression");
    }

    #[test]
    fn malformed_bodies_say_what_is_wrong() {
        for (body, expected) in [
            (&b"nope"[..], "the body is not JSON"),
            (b"[1]", "not a JSON object"),
            (b"{\"events\":[]}", "no numeric \"v\""),
            (
                b"{\"v\":2,\"events\":[]}",
                "schema version 2 is not supported",
            ),
            (b"{\"v\":1}", "no \"events\" array"),
            (b"{\"v\":1,\"events\":[3]}", "event 0 is not a JSON object"),
            (
                b"{\"v\":1,\"events\":[{\"type\":1}]}",
                "event 0 has no string \"type\"",
            ),
        ] {
            let message = beacon_lines(body, 0).unwrap_err();
            assert!(message.contains(expected), "{message}");
        }
        let many = format!(
            "{{\"v\":1,\"events\":[{}]}}",
            vec!["{\"type\":\"click\"}"; 1001].join(",")
        );
        assert!(beacon_lines(many.as_bytes(), 0)
            .unwrap_err()
            .contains("1001 events"));
    }
}
