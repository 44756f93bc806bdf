//! What both browser test files (`widget.rs`, `measurement.rs`) need to put a widget on
//! the test page and watch it: tables served from Blob URLs, hosts, settling, events.
//! Included by each with `#[path = "support.rs"] mod support;` (each is its own crate).

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Blob, CustomEvent, EventTarget, HtmlElement, Url};

/// A Blob URL serving `bytes`: Chromium answers Range requests on it like a static server.
pub fn blob_url(bytes: &[u8]) -> String {
    let parts = Array::of1(&Uint8Array::from(bytes));
    let blob = Blob::new_with_u8_array_sequence(&parts).unwrap();
    Url::create_object_url_with_blob(&blob).unwrap()
}

pub fn document() -> web_sys::Document {
    web_sys::window().unwrap().document().unwrap()
}

/// A `<div data-alsobought>` with `attributes`, not yet in the page, in a phone-sized
/// column (the test page's own layout).
pub fn host_element(attributes: &[(&str, &str)]) -> HtmlElement {
    let host: HtmlElement = document().create_element("div").unwrap().unchecked_into();
    host.set_attribute("data-alsobought", "").unwrap();
    for (name, value) in attributes {
        host.set_attribute(name, value).unwrap();
    }
    host.set_attribute("style", "width:360px").unwrap();
    host
}

/// Waits until the host leaves the `loading` state; returns the state.
pub async fn settled(host: &HtmlElement) -> String {
    for _ in 0..500 {
        match host.get_attribute("data-alsobought-state").as_deref() {
            Some("loading") | None => TimeoutFuture::new(10).await,
            Some(state) => {
                // Let effects queued by the render (the carousel's first measurement) run.
                TimeoutFuture::new(0).await;
                return state.to_string();
            }
        }
    }
    panic!("the widget is still loading after 5 s");
}

/// Records the `detail` of every `name` event dispatched on `target`.
pub fn record_events(target: &EventTarget, name: &str) -> Rc<RefCell<Vec<JsValue>>> {
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = Rc::clone(&seen);
    let listener = Closure::<dyn FnMut(CustomEvent)>::new(move |event: CustomEvent| {
        sink.borrow_mut().push(event.detail())
    });
    target
        .add_event_listener_with_callback(name, listener.as_ref().unchecked_ref())
        .unwrap();
    listener.forget();
    seen
}
