//! The browser's byte source: `fetch` with a `Range` header, aborted after a timeout.
//!
//! Plain web-sys `fetch` rather than gloo-net: gloo-net would add its own request
//! builder and error types for the one call the widget makes. The timeout is the
//! browser's own `AbortSignal.timeout`: an `AbortController` with a timer closure to
//! abort it measured 0.3 KB (brotli) more. What a reply means
//! (206, 200, 416, ...) is decided natively in `range_reply`; this file only moves
//! bytes and headers across.

use core::ops::Range;

use futures::future::{FutureExt, LocalBoxFuture};
use js_sys::{Error, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortSignal, Headers, RequestInit, Response};

use crate::load_error::FetchError;
use crate::measurement::json::decimal;
use crate::range_reply::RangeReply;
use crate::table_cache::RangeSource;

/// Fetches byte ranges over HTTP.
pub struct FetchSource;

impl RangeSource for FetchSource {
    fn fetch(
        &self,
        url: &str,
        range: Range<u64>,
        timeout_ms: u32,
    ) -> LocalBoxFuture<'static, Result<RangeReply, FetchError>> {
        fetch_range(url.to_string(), range, timeout_ms).boxed_local()
    }
}

#[wasm_bindgen]
extern "C" {
    /// `AbortSignal.timeout(milliseconds)`: a signal the browser aborts with a
    /// `TimeoutError` after that long (no timer or closure of ours to keep alive).
    #[wasm_bindgen(catch, js_namespace = AbortSignal, js_name = timeout)]
    fn abort_after(milliseconds: u32) -> Result<AbortSignal, JsValue>;
}

async fn fetch_range(
    url: String,
    range: Range<u64>,
    timeout_ms: u32,
) -> Result<RangeReply, FetchError> {
    // The browser aborts the request (and the body) once `timeout_ms` have passed.
    // Browsers from before 2022 lack `AbortSignal.timeout`: they fetch without one.
    let signal = abort_after(timeout_ms).ok();
    let failed = |error: JsValue| {
        if signal.as_ref().is_some_and(AbortSignal::aborted) {
            FetchError::Timeout {
                milliseconds: timeout_ms,
            }
        } else {
            network_error(error)
        }
    };
    let headers = Headers::new().map_err(network_error)?;
    let range_header = [
        "bytes=",
        &decimal(range.start),
        "-",
        &decimal(range.end - 1),
    ]
    .concat();
    headers.set("Range", &range_header).map_err(network_error)?;
    let init = RequestInit::new();
    init.set_headers(&headers);
    init.set_signal(signal.as_ref());
    let window = web_sys::window().ok_or_else(|| FetchError::Network {
        reason: "no window".into(),
    })?;
    let response: Response = JsFuture::from(window.fetch_with_str_and_init(&url, &init))
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
    Ok(RangeReply {
        status,
        content_range,
        etag,
        body: Uint8Array::new(&body).to_vec(),
    })
}

fn network_error(error: JsValue) -> FetchError {
    let reason = error
        .dyn_ref::<Error>()
        .map(|error| String::from(error.message()))
        .unwrap_or_else(|| "unknown error".into());
    FetchError::Network { reason }
}
