//! The collector's HTTP side: hyper's HTTP/1.1 connections (the demo server's stack),
//! an axum router with one handler, and the limits as layers around it. From the
//! outside in:
//!
//! - the accept loop: at most [`MAX_CONNECTIONS`] connections at once (one more gets
//!   503 and is closed), a request head of at most [`MAX_HEAD_BYTES`] (431) that must
//!   arrive within [`RECEIVE_TIMEOUT`];
//! - [`log_refusals`]: one line on standard error per 4xx/5xx reply, with its reason;
//! - [`CorsLayer`]: preflights, and `Access-Control-Allow-Origin` on every reply;
//! - [`require_declared_length`]: a POST declares its length (411) within `--max-body`
//!   (413) before a byte of its body is read;
//! - [`RequestBodyTimeoutLayer`] (408) and [`RequestBodyLimitLayer`] (413) on the
//!   body's bytes as they are read.
//!
//! There is deliberately no timeout around the whole request: one firing while the
//! events are being written would answer 408 for events already stored, and the
//! client's retry would store them twice.

use std::future::Future;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{to_bytes, Body};
use axum::extract::{Request, State};
use axum::http::header::{ALLOW, CONNECTION, CONTENT_LENGTH, CONTENT_TYPE, TRANSFER_ENCODING};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::{RequestBodyTimeoutLayer, TimeoutError};

use super::events::{beacon_lines, now_ms};
use super::store::Appender;
use crate::report::warn;

/// Connections served at once; more get 503 at once.
pub const MAX_CONNECTIONS: usize = 64;

/// The request line and headers together, at most (hyper's buffer: 8 KiB or more).
const MAX_HEAD_BYTES: usize = 16 * 1024;

/// How long a client may take to send a request's head, and then each piece of its
/// body.
const RECEIVE_TIMEOUT: Duration = Duration::from_secs(10);

/// How long a shutdown waits for requests in flight before it stops anyway.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What every request handler shares.
pub struct Collector {
    pub appender: Appender,
    pub out_name: String,
    pub max_body: usize,
    pub allow_origin: AllowOrigin,
}

/// The client's address, for log lines.
#[derive(Clone, Copy)]
struct Peer(SocketAddr);

/// The router with every per-request layer.
pub fn router(collector: Collector) -> Router {
    let cors = cors(collector.allow_origin.clone());
    let max_body = collector.max_body;
    let collector = Arc::new(collector);
    Router::new()
        .fallback(dispatch)
        .layer(RequestBodyLimitLayer::new(max_body))
        .layer(RequestBodyTimeoutLayer::new(RECEIVE_TIMEOUT))
        .layer(middleware::from_fn_with_state(
            Arc::clone(&collector),
            require_declared_length,
        ))
        .layer(cors)
        .layer(middleware::from_fn(log_refusals))
        .with_state(collector)
}

/// What a connection beyond [`MAX_CONNECTIONS`] gets: the same CORS header and log
/// line as any refusal, then the connection is closed.
fn overloaded_router(allow_origin: AllowOrigin) -> Router {
    let refuse = || async {
        let mut reply = text(
            StatusCode::SERVICE_UNAVAILABLE,
            "too many connections; try again",
        );
        let headers = reply.headers_mut();
        headers.insert(CONNECTION, HeaderValue::from_static("close"));
        headers.insert("Retry-After", HeaderValue::from_static("1"));
        reply
    };
    Router::new()
        .fallback(refuse)
        .layer(cors(allow_origin))
        .layer(middleware::from_fn(log_refusals))
}

fn cors(allow_origin: AllowOrigin) -> CorsLayer {
    CorsLayer::new()
        .allow_origin(allow_origin)
        .allow_methods([Method::POST, Method::OPTIONS])
        .allow_headers([CONTENT_TYPE])
        .max_age(Duration::from_secs(86_400))
}

/// Serves `app` on `listener` until `shutdown` completes: then it stops accepting, lets
/// the requests in flight finish (for at most [`SHUTDOWN_GRACE`]) and returns.
pub async fn serve(
    listener: TcpListener,
    app: Router,
    allow_origin: AllowOrigin,
    shutdown: impl Future<Output = ()>,
) {
    let overloaded = overloaded_router(allow_origin);
    let slots = Arc::new(Semaphore::new(MAX_CONNECTIONS));
    let graceful = GracefulShutdown::new();
    let mut http = http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(RECEIVE_TIMEOUT)
        .max_buf_size(MAX_HEAD_BYTES)
        // What the hand-written collector sent, and what log-reading eyes expect.
        .title_case_headers(true);
    tokio::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(error) => {
                    // Out of file descriptors, typically: wait for some to close.
                    warn(format_args!("cannot accept a connection: {error}"));
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // A reply is one small write: send it at once rather than after the client's
        // delayed ACK (the demo server does the same).
        let _ = stream.set_nodelay(true);
        let slot = Arc::clone(&slots).try_acquire_owned().ok();
        let app = if slot.is_some() {
            app.clone()
        } else {
            overloaded.clone()
        };
        let service = service_fn(move |mut request: hyper::Request<Incoming>| {
            request.extensions_mut().insert(Peer(peer));
            app.clone().oneshot(request)
        });
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                log_connection_error(peer, &error);
            }
            drop(slot);
        });
    }
    drop(listener);
    if tokio::time::timeout(SHUTDOWN_GRACE, graceful.shutdown())
        .await
        .is_err()
    {
        warn(format_args!(
            "requests still open after {SHUTDOWN_GRACE:?}; stopping anyway"
        ));
    }
}

/// Logs what went wrong with a connection outside any request handler: hyper has
/// already answered a malformed head itself (400 or 431).
fn log_connection_error(peer: SocketAddr, error: &hyper::Error) {
    if error.is_parse_too_large() {
        warn(format_args!(
            "{peer} request: 431 request line and headers exceed {MAX_HEAD_BYTES} bytes"
        ));
    } else if error.is_parse() {
        warn(format_args!("{peer} request: 400 {error}"));
    } else if error.is_timeout() {
        warn(format_args!(
            "{peer}: no complete request within {RECEIVE_TIMEOUT:?}; connection closed"
        ));
    } else {
        warn(format_args!("{peer}: {error}"));
    }
}

/// Logs every refusal, with the reason its body gives.
async fn log_refusals(request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<Peer>()
        .map_or_else(|| "unknown peer".to_owned(), |Peer(peer)| peer.to_string());
    let request_line = format!("{} {}", request.method(), request.uri());
    let reply = next.run(request).await;
    let status = reply.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return reply;
    }
    let (parts, body) = reply.into_parts();
    // Refusals are short texts of ours or of a layer; the cap only guards the log.
    let reason = to_bytes(body, 4096).await.unwrap_or_default();
    warn(format_args!(
        "{peer} {request_line}: {} {}",
        status.as_u16(),
        String::from_utf8_lossy(&reason).trim_end()
    ));
    Response::from_parts(parts, Body::from(reason))
}

/// A POST must say how long its body is, and be no longer than `--max-body`: refused
/// before its body is read.
async fn require_declared_length(
    State(collector): State<Arc<Collector>>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    if let Some(encoding) = request.headers().get(TRANSFER_ENCODING) {
        let encoding = String::from_utf8_lossy(encoding.as_bytes());
        return text(
            StatusCode::LENGTH_REQUIRED,
            format!("Transfer-Encoding {encoding:?} is not supported; send a Content-Length"),
        );
    }
    // hyper has checked the header's syntax (a malformed one never gets here).
    let length = request
        .headers()
        .get(CONTENT_LENGTH)
        .and_then(|length| length.to_str().ok()?.parse::<u64>().ok());
    match length {
        None => text(StatusCode::LENGTH_REQUIRED, "a POST needs a Content-Length"),
        Some(length) if length > collector.max_body as u64 => text(
            StatusCode::PAYLOAD_TOO_LARGE,
            format!(
                "the body has {length} bytes; at most {} are accepted (--max-body)",
                collector.max_body
            ),
        ),
        Some(_) => next.run(request).await,
    }
}

/// The one handler: POST stores, GET answers a status line, anything else is refused.
/// (OPTIONS never gets here: the CORS layer answers it.)
async fn dispatch(State(collector): State<Arc<Collector>>, method: Method, body: Body) -> Response {
    match method {
        Method::POST => store(&collector, body).await,
        Method::GET | Method::HEAD => text(
            StatusCode::OK,
            format!(
                "alsobought collector: {} events received into {}",
                collector.appender.received(),
                collector.out_name
            ),
        ),
        other => {
            let mut reply = text(
                StatusCode::METHOD_NOT_ALLOWED,
                format!("method {other} is not allowed; POST events"),
            );
            reply
                .headers_mut()
                .insert(ALLOW, HeaderValue::from_static("POST, OPTIONS, GET"));
            reply
        }
    }
}

/// Reads a beacon body, checks it and appends its events, all at once; 204 only once
/// they are in the file.
async fn store(collector: &Collector, body: Body) -> Response {
    let body = match to_bytes(body, usize::MAX).await {
        Ok(body) => body,
        Err(error) => return body_error(&error),
    };
    let lines = match beacon_lines(&body, now_ms()) {
        Ok(lines) => lines,
        Err(message) => return text(StatusCode::BAD_REQUEST, message),
    };
    let events = lines.iter().filter(|&&byte| byte == b'\n').count() as u64;
    match collector.appender.append(lines, events).await {
        Ok(()) => StatusCode::NO_CONTENT.into_response(),
        Err(message) => text(StatusCode::INTERNAL_SERVER_ERROR, message),
    }
}

/// Why a body could not be read: too slow (408), too long (413) or cut short (400).
fn body_error(error: &axum::Error) -> Response {
    let mut cause: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(current) = cause {
        if current.is::<TimeoutError>() {
            return text(
                StatusCode::REQUEST_TIMEOUT,
                format!("the body did not arrive within {RECEIVE_TIMEOUT:?}"),
            );
        }
        if current.is::<http_body_util::LengthLimitError>() {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is larger than --max-body",
            );
        }
        cause = current.source();
    }
    text(
        StatusCode::BAD_REQUEST,
        format!("the body ended early: {error}"),
    )
}

/// A reply with a one-line text body.
fn text(status: StatusCode, message: impl Into<String>) -> Response {
    let mut body = message.into();
    body.push('\n');
    let mut reply = (status, [(CONTENT_TYPE, "text/plain; charset=utf-8")], body).into_response();
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        // RFC 9110's name for 413; the http crate still says "Payload Too Large".
        reply
            .extensions_mut()
            .insert(hyper::ext::ReasonPhrase::from_static(b"Content Too Large"));
    }
    reply
}
