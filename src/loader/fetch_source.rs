//! The browser's byte source: `fetch` with a `Range` header, aborted after a timeout.
//!
//! Plain web-sys `fetch` rather than gloo-net: gloo-net would add its own request
//! builder and error types for the one call the widget makes. What a reply means
//! (206, 200, 416, ...) is decided natively in `range_reply`; this file only moves
//! bytes and headers across.

use core::cell::Cell;
use core::ops::Range;
use std::rc::Rc;

use alsobought_core::INITIAL_FETCH_LEN;
use futures::future::{FutureExt, LocalBoxFuture};
use js_sys::{Error, Map, Object, Promise, Reflect, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, RequestCache, RequestInit, Response};

use super::load_error::FetchError;
use super::range_reply::RangeReply;
use super::table_cache::{RangeSource, MAX_READ_LEN, WHOLE_FILE};
use crate::json_text::{concat, decimal};

/// Fetches byte ranges over HTTP.
pub struct FetchSource;

impl RangeSource for FetchSource {
    fn fetch(
        &self,
        url: &str,
        range: Range<u64>,
        timeout_ms: u32,
        fresh: bool,
    ) -> LocalBoxFuture<'static, Result<RangeReply, FetchError>> {
        fetch_range(url.to_string(), range, timeout_ms, fresh).boxed_local()
    }
}

/// The global the start-up code in `alsobought.js` (src/startup.js) fills with
/// each table's first reads, begun while the wasm was still downloading: a JS `Map` from
/// the URL read (the `data-table` value for a single file's first 4 KiB; the entry and
/// shard URLs of the directory layout) to `{ response: Promise<Response>, controller:
/// AbortController }`.
const FIRST_READS: &str = "__alsoboughtFirstReads";

/// The request for `url`'s `range` that the start-up code already made, if any; taken
/// once (a later read of the same range, e.g. after the table changed, fetches).
fn take_first_read(url: &str, range: &Range<u64>) -> Option<(AbortController, Promise)> {
    if *range != (0..INITIAL_FETCH_LEN) && *range != WHOLE_FILE {
        return None;
    }
    let reads: Map = Reflect::get(&js_sys::global(), &FIRST_READS.into())
        .ok()?
        .dyn_into()
        .ok()?;
    let read = reads.get(&url.into());
    reads.delete(&url.into());
    let response = Reflect::get(&read, &"response".into())
        .ok()?
        .dyn_into()
        .ok()?;
    let controller = Reflect::get(&read, &"controller".into())
        .ok()?
        .dyn_into()
        .ok()?;
    Some((controller, response))
}

async fn fetch_range(
    url: String,
    range: Range<u64>,
    timeout_ms: u32,
    fresh: bool,
) -> Result<RangeReply, FetchError> {
    let started = if fresh {
        None
    } else {
        take_first_read(&url, &range)
    };
    let (controller, request) = match started {
        Some(started) => started,
        None => start_fetch(&url, &range, fresh)?,
    };
    let timed_out = Rc::new(Cell::new(false));
    // Dropping the timer (when this function returns) cancels it.
    let _timer = {
        let controller = controller.clone();
        let timed_out = Rc::clone(&timed_out);
        gloo_timers::callback::Timeout::new(timeout_ms, move || {
            timed_out.set(true);
            controller.abort();
        })
    };
    let failed = |error: JsValue| {
        if timed_out.get() {
            FetchError::Timeout {
                milliseconds: timeout_ms,
            }
        } else {
            network_error(error)
        }
    };
    let response: Response = JsFuture::from(request)
        .await
        .map_err(&failed)?
        .unchecked_into();
    let header = |name: &str| response.headers().get(name).ok().flatten();
    let content_range = header("Content-Range");
    let etag = header("ETag");
    let status = response.status();
    let body = JsFuture::from(response.array_buffer().map_err(network_error)?)
        .await
        .map_err(&failed)?;
    let body = Uint8Array::new(&body);
    // A server that ignores Range sends the whole table (200), which may be large.
    if (range == WHOLE_FILE || status == 206) && body.length() > MAX_READ_LEN {
        return Err(FetchError::TooLarge {
            bytes: body.length().into(),
        });
    }
    Ok(RangeReply {
        status,
        content_range,
        etag,
        body: body.to_vec(),
    })
}

/// Starts `fetch(url)` for `range`, abortable through the returned controller.
fn start_fetch(
    url: &str,
    range: &Range<u64>,
    fresh: bool,
) -> Result<(AbortController, Promise), FetchError> {
    let controller = AbortController::new().map_err(network_error)?;
    let init = RequestInit::new();
    if *range != WHOLE_FILE {
        // `fetch` takes the headers as a plain object too: no `Headers` instance to
        // make and fill (two JS imports fewer in the download).
        let headers = Object::new();
        let range_header = concat(&[
            "bytes=",
            &decimal(range.start),
            "-",
            &decimal(range.end - 1),
        ]);
        Reflect::set(&headers, &"Range".into(), &range_header.into()).map_err(network_error)?;
        init.set_headers(&headers);
    }
    if fresh {
        // A retry after the table changed: ask the server (revalidate), not the
        // HTTP cache that served the replaced file.
        init.set_cache(RequestCache::NoCache);
    }
    init.set_signal(Some(&controller.signal()));
    let window = web_sys::window().ok_or_else(|| FetchError::Network {
        reason: "no window".into(),
    })?;
    let request = window.fetch_with_str_and_init(url, &init);
    Ok((controller, request))
}

fn network_error(error: JsValue) -> FetchError {
    let reason = error
        .dyn_ref::<Error>()
        .map(|error| String::from(error.message()))
        .unwrap_or_else(|| "unknown error".into());
    FetchError::Network { reason }
}
