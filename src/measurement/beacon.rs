//! Sending events to the store's collector (`data-beacon`, docs/events.md section
//! 6.3) with `navigator.sendBeacon`: a `text/plain` string body, so the request is
//! CORS-safelisted (no preflight) and carries no credentials.
//!
//! No request competes with the page while it loads: a due queue waits for the
//! `load` event and then for an idle moment (`requestIdleCallback`). When the page is
//! hidden or left (`visibilitychange` to hidden, `pagehide`: the last moments a page is
//! sure to get) everything queued is sent at once. The policy itself (when, how many
//! per body) is `batch.rs`. The two page listeners live as long as the page, like the
//! queues they flush, so they are never removed.

use core::cell::{Cell, RefCell};

use js_sys::{Reflect, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::RequestInit;

use crate::console;
use crate::measurement::batch::{AfterPush, BeaconQueue, MAX_UNSENT_AGE_MS};

thread_local! {
    static QUEUES: RefCell<Vec<BeaconQueue>> = const { RefCell::new(Vec::new()) };
    static LISTENING: Cell<bool> = const { Cell::new(false) };
    static SEND_SCHEDULED: Cell<bool> = const { Cell::new(false) };
}

/// Makes sure a queue for `url` exists (so `trackPurchase` finds the page's collector)
/// and that the page listeners are installed.
pub fn register(url: &str) {
    QUEUES.with_borrow_mut(|queues| {
        if !queues.iter().any(|queue| queue.url == url) {
            queues.push(BeaconQueue::new(url));
        }
    });
    listen_once();
}

/// The first collector URL a widget of this page registered.
pub fn first_url() -> Option<String> {
    QUEUES.with_borrow(|queues| queues.first().map(|queue| queue.url.clone()))
}

/// Queues one event (JSON text) for `url`.
pub fn enqueue(url: &str, event: String) {
    register(url);
    let after = QUEUES.with_borrow_mut(|queues| {
        queues
            .iter_mut()
            .find(|queue| queue.url == url)
            .map(|queue| queue.push(event))
    });
    match after {
        Some(AfterPush::StartTimer(timer)) => {
            let url = url.to_string();
            let when_due = Closure::once_into_js(move || {
                let due = QUEUES.with_borrow(|queues| {
                    queues
                        .iter()
                        .any(|queue| queue.url == url && queue.is_due(timer))
                });
                if due {
                    send_when_idle();
                }
            });
            if let Some(window) = web_sys::window() {
                let _ = window.set_timeout_with_callback_and_timeout_and_arguments_0(
                    when_due.unchecked_ref(),
                    MAX_UNSENT_AGE_MS as i32,
                );
            }
        }
        Some(AfterPush::SendWhenIdle) => send_when_idle(),
        Some(AfterPush::Wait) | None => {}
    }
}

/// Sends every queue once the page has loaded and is idle (at once where the browser
/// has no `requestIdleCallback`, after the load).
fn send_when_idle() {
    let Some(window) = web_sys::window() else {
        return;
    };
    if SEND_SCHEDULED.replace(true) {
        return;
    }
    let loaded = window
        .document()
        .is_some_and(|document| document.ready_state() == "complete");
    // The callbacks capture nothing and are passed as `fn()` pointers: every
    // `Closure` of one type shares its conversion code, one per closure type is
    // compiled otherwise (here and in `listen_once`, `api::start`).
    if !loaded {
        let after_load: fn() = || {
            SEND_SCHEDULED.set(false);
            send_when_idle();
        };
        let after_load = Closure::once_into_js(after_load);
        let _ = window.add_event_listener_with_callback("load", after_load.unchecked_ref());
        return;
    }
    let when_idle: fn() = || {
        SEND_SCHEDULED.set(false);
        send_all();
    };
    let when_idle = Closure::once_into_js(when_idle);
    if window
        .request_idle_callback(when_idle.unchecked_ref())
        .is_err()
    {
        // `setTimeout(callback, 0)` through the same binding as the unsent-age timer
        // above: one JS import (and its glue) fewer than `set_timeout_with_callback`
        // would add.
        let _ = window
            .set_timeout_with_callback_and_timeout_and_arguments_0(when_idle.unchecked_ref(), 0);
    }
}

/// Sends everything queued, now.
fn send_all() {
    let batches: Vec<_> = QUEUES.with_borrow_mut(|queues| {
        queues
            .iter_mut()
            .map(|queue| (queue.url.clone(), queue.take_bodies()))
            .collect()
    });
    for (url, bodies) in batches {
        for body in &bodies.texts {
            send(&url, body);
        }
        if bodies.oversized > 0 {
            console::warn(
                "alsobought: an event larger than a beacon body (60,000 bytes) was not sent",
            );
        }
    }
}

/// One body: `sendBeacon`, else once with a `keepalive` fetch; a failure drops it
/// (analytics never retries in a loop).
fn send(url: &str, body: &str) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let queued = window
        .navigator()
        .send_beacon_with_opt_str(url, Some(body))
        .unwrap_or(false);
    if queued {
        return;
    }
    // A plain object: web-sys has no `keepalive` setter, and one parse is less code
    // than five setters.
    let Ok(init) =
        JSON::parse(r#"{"method":"POST","keepalive":true,"mode":"no-cors","credentials":"omit"}"#)
    else {
        return;
    };
    let _ = Reflect::set(&init, &"body".into(), &body.into());
    let request = window.fetch_with_str_and_init(url, init.unchecked_ref::<RequestInit>());
    // Awaited so that a network failure is not an unhandled rejection on the page.
    wasm_bindgen_futures::spawn_local(async move {
        let _ = wasm_bindgen_futures::JsFuture::from(request).await;
    });
}

/// Installs the `visibilitychange` and `pagehide` listeners once per page.
fn listen_once() {
    if LISTENING.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        return;
    };
    let on_visibility: fn() = || {
        let hidden = web_sys::window()
            .and_then(|window| window.document())
            .is_some_and(|document| document.hidden());
        if hidden {
            send_all();
        }
    };
    let on_visibility = Closure::<dyn FnMut()>::new(on_visibility);
    if let Some(document) = window.document() {
        let _ = document.add_event_listener_with_callback(
            "visibilitychange",
            on_visibility.as_ref().unchecked_ref(),
        );
    }
    let on_page_hide = Closure::<dyn FnMut()>::new(send_all as fn());
    let _ =
        window.add_event_listener_with_callback("pagehide", on_page_hide.as_ref().unchecked_ref());
    on_visibility.forget();
    on_page_hide.forget();
}
