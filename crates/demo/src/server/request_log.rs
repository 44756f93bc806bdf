//! The request log behind `/__log`: lets a browser test show which requests a page made
//! (how many Range requests, which byte ranges, how many body bytes each moved).
//!
//! Body bytes are counted as the server hands each chunk to the connection, not taken
//! from `Content-Length`, so a response cut short shows what was really sent.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::response::Response;
use http_body::{Frame, SizeHint};
use serde::Serialize;

/// How many records the log keeps; older ones are dropped first, so a demo server left
/// running for days does not grow without bound.
pub const LOG_CAPACITY: usize = 10_000;

/// One request as `/__log` reports it.
#[derive(Clone, Debug, Serialize, PartialEq, Eq)]
pub struct RequestRecord {
    /// HTTP method, e.g. `GET`.
    pub method: String,
    /// The path and query as requested, helper prefixes included.
    pub path: String,
    /// The `Range` header as sent, or `null`.
    pub range: Option<String>,
    /// The response status code.
    pub status: u16,
    /// Body bytes sent so far (the whole body once the client has read it).
    pub bytes: u64,
    /// Milliseconds since the server started when the request arrived.
    pub at_ms: u64,
    /// How long the server took to start the response, in milliseconds (includes any
    /// `/__slow/` delay).
    pub duration_ms: u64,
}

/// A record whose byte count is still being filled in while the body streams.
struct PendingRecord {
    record: RequestRecord,
    bytes_sent: Arc<AtomicU64>,
}

/// The shared, bounded request log. Cloning shares the same log.
#[derive(Clone)]
pub struct RequestLog {
    records: Arc<Mutex<VecDeque<PendingRecord>>>,
    started: Instant,
}

impl Default for RequestLog {
    fn default() -> Self {
        Self::new()
    }
}

impl RequestLog {
    /// An empty log whose clock starts now.
    pub fn new() -> Self {
        Self {
            records: Arc::new(Mutex::new(VecDeque::new())),
            started: Instant::now(),
        }
    }

    /// Records a request that arrived at `arrived` and wraps the response body so its
    /// bytes are counted as they are sent.
    pub fn record(
        &self,
        arrived: Instant,
        method: &str,
        path: &str,
        range: Option<String>,
        response: Response,
    ) -> Response {
        let bytes_sent = Arc::new(AtomicU64::new(0));
        let record = RequestRecord {
            method: method.to_owned(),
            path: path.to_owned(),
            range,
            status: response.status().as_u16(),
            bytes: 0,
            at_ms: millis(arrived.saturating_duration_since(self.started)),
            duration_ms: millis(arrived.elapsed()),
        };
        {
            let mut records = self.lock();
            if records.len() == LOG_CAPACITY {
                records.pop_front();
            }
            records.push_back(PendingRecord {
                record,
                bytes_sent: Arc::clone(&bytes_sent),
            });
        }
        response.map(|body| {
            Body::new(CountingBody {
                inner: body,
                bytes_sent,
            })
        })
    }

    /// The records so far, in the order their responses started.
    pub fn snapshot(&self) -> Vec<RequestRecord> {
        self.lock().iter().map(PendingRecord::finish).collect()
    }

    /// The records so far, in the order their responses started, leaving the log empty.
    pub fn take(&self) -> Vec<RequestRecord> {
        self.lock()
            .drain(..)
            .map(|pending| pending.finish())
            .collect()
    }

    fn lock(&self) -> MutexGuard<'_, VecDeque<PendingRecord>> {
        // A panic while holding the lock cannot leave the queue half-updated (every
        // operation on it is a single push, pop or drain), so a poisoned lock is safe.
        self.records
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_millis()).unwrap_or(u64::MAX)
}

impl PendingRecord {
    fn finish(&self) -> RequestRecord {
        RequestRecord {
            bytes: self.bytes_sent.load(Ordering::Relaxed),
            ..self.record.clone()
        }
    }
}

/// A response body that adds the length of every data chunk it yields to a counter.
struct CountingBody {
    inner: Body,
    bytes_sent: Arc<AtomicU64>,
}

impl http_body::Body for CountingBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        context: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let polled = Pin::new(&mut self.inner).poll_frame(context);
        if let Poll::Ready(Some(Ok(frame))) = &polled {
            if let Some(data) = frame.data_ref() {
                self.bytes_sent
                    .fetch_add(data.len() as u64, Ordering::Relaxed);
            }
        }
        polled
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}
