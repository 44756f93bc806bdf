//! The widget's measurement in headless Chromium (docs/events.md): GA4 `dataLayer`
//! pushes through the page's own `push`, the event objects DOM listeners get, the
//! experiment variant's settings, the holdout, tracking off, and `trackPurchase`
//! crediting a product added through the widget. Real tables (alsobought-core's
//! `write_table`) served from Blob URLs, as in `widget.rs`.
//! Run with `cargo test -p alsobought-widget --target wasm32-unknown-unknown`.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use alsobought::mount::{mount_from_attributes, unmount};
use alsobought_core::{write_table, ProductRecord, TableInput};
use gloo_timers::future::TimeoutFuture;
use js_sys::{Array, Object, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;
use web_sys::HtmlElement;

#[path = "support.rs"]
mod support;

use support::{blob_url, document, host_element, record_events, settled};

wasm_bindgen_test_configure!(run_in_browser);

/// P0 was bought with P1..P4 (P1 strongest); every product has a price and a category.
fn shop_table() -> Vec<u8> {
    let products = (0..5)
        .map(|index| {
            let mut product = ProductRecord::with_id(format!("P{index}"));
            product.title = format!("Product {index}");
            product.url = format!("/p/{index}");
            product.price_hundredths = Some(1000 + index * 250);
            product.currency = Some("EUR".into());
            product.category = format!("c{index}");
            product
        })
        .collect();
    let mut neighbours = vec![Vec::new(); 5];
    neighbours[0] = (1..=4).map(|index| (index, 10.0 - index as f32)).collect();
    let input = TableInput {
        products,
        neighbours,
        best_sellers: vec![(1, 5.0)],
        order_count: 10,
        max_neighbours: 4,
        ..TableInput::default()
    };
    write_table(&input).expect("the test shop is a valid table")
}

fn window() -> web_sys::Window {
    web_sys::window().unwrap()
}

fn get(object: &JsValue, key: &str) -> JsValue {
    Reflect::get(object, &key.into()).unwrap()
}

fn text(object: &JsValue, key: &str) -> Option<String> {
    get(object, key).as_string()
}

fn number(object: &JsValue, key: &str) -> Option<f64> {
    get(object, key).as_f64()
}

/// A `<div data-alsobought>` in view, mounted with `attributes`.
fn mount_host(attributes: &[(&str, &str)]) -> HtmlElement {
    let host = host_element(attributes);
    document()
        .body()
        .unwrap()
        .prepend_with_node_1(&host)
        .unwrap();
    // The runner's log sits above the test's elements: bring the widget into view.
    host.scroll_into_view();
    mount_from_attributes(host.clone(), host.clone().into(), false);
    host
}

/// `window.dataLayer` as Google Tag Manager leaves it: an array whose own `push`
/// processes each message. Returns what that `push` saw.
fn install_tag_manager_data_layer() -> Rc<RefCell<Vec<JsValue>>> {
    let layer = Array::new();
    let seen: Rc<RefCell<Vec<JsValue>>> = Rc::default();
    let sink = Rc::clone(&seen);
    let push = Closure::<dyn FnMut(JsValue) -> u32>::new(move |message: JsValue| {
        sink.borrow_mut().push(message);
        sink.borrow().len() as u32
    });
    Reflect::set(&layer, &"push".into(), push.as_ref()).unwrap();
    push.forget();
    Reflect::set(&window(), &"dataLayer".into(), &layer).unwrap();
    seen
}

fn remove_data_layer() {
    Reflect::delete_property(&window().unchecked_into::<Object>(), &"dataLayer".into()).unwrap();
}

/// Prevents the default of `name` on `host`: the store handles adds, nothing navigates.
fn prevent_default(host: &HtmlElement, name: &str) {
    let prevent =
        Closure::<dyn FnMut(web_sys::Event)>::new(|event: web_sys::Event| event.prevent_default());
    host.add_event_listener_with_callback(name, prevent.as_ref().unchecked_ref())
        .unwrap();
    prevent.forget();
}

async fn wait_for(condition: impl Fn() -> bool, what: &str) {
    for _ in 0..300 {
        if condition() {
            return;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("timed out waiting for {what}");
}

fn shadow_elements(host: &HtmlElement, selector: &str) -> Vec<HtmlElement> {
    let nodes = host
        .shadow_root()
        .unwrap()
        .query_selector_all(selector)
        .unwrap();
    (0..nodes.length())
        .map(|index| nodes.item(index).unwrap().unchecked_into())
        .collect()
}

/// Checks the GA4 shape of one `dataLayer` item (docs/events.md 6.2).
fn assert_ga4_item(item: &JsValue, index: f64) {
    let id = text(item, "item_id").expect("item_id is a string");
    assert!(id.starts_with('P'), "{id}");
    assert_eq!(
        text(item, "item_name"),
        Some(["Product ", &id[1..]].concat())
    );
    assert_eq!(number(item, "index"), Some(index));
    assert!(number(item, "price").is_some_and(|price| price >= 10.0));
    assert_eq!(text(item, "item_category"), Some(["c", &id[1..]].concat()));
    assert_eq!(number(item, "quantity"), Some(1.0));
}

#[wasm_bindgen_test]
async fn data_layer_gets_ga4_events_through_its_own_push_each_after_an_ecommerce_reset() {
    let pushed = install_tag_manager_data_layer();
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-experiment", "wasm-test"),
        // One variant: every visitor lands in it, whatever their id.
        ("data-variants", "compact"),
        ("data-variant-compact-max-suggestions", "2"),
        ("data-list-id", "pdp"),
    ]);
    let exposures = record_events(&host, "alsobought:exposure");
    let clicks = record_events(&host, "alsobought:click");
    prevent_default(&host, "click");
    prevent_default(&host, "alsobought:add-to-cart");
    assert_eq!(settled(&host).await, "ready");
    assert_eq!(
        shadow_elements(&host, ".ab-card").len(),
        2,
        "the variant's cap of 2 applies"
    );
    wait_for(|| pushed.borrow().len() >= 3, "the view_item_list push").await;

    let messages = pushed.borrow().clone();
    // The exposure was recorded at mount, before any listener of this test existed.
    assert!(exposures.borrow().is_empty());
    assert_eq!(
        text(&messages[0], "event").as_deref(),
        Some("alsobought_exposure")
    );
    assert_eq!(
        text(&messages[0], "alsobought_experiment").as_deref(),
        Some("wasm-test")
    );
    assert_eq!(
        text(&messages[0], "alsobought_variant").as_deref(),
        Some("compact")
    );
    assert!(
        get(&messages[0], "ecommerce").is_undefined(),
        "nothing to clear before an exposure"
    );

    assert!(
        get(&messages[1], "ecommerce").is_null(),
        "{{ ecommerce: null }} comes first"
    );
    let view = &messages[2];
    assert_eq!(text(view, "event").as_deref(), Some("view_item_list"));
    assert_eq!(text(view, "alsobought_variant").as_deref(), Some("compact"));
    let ecommerce = get(view, "ecommerce");
    assert_eq!(text(&ecommerce, "item_list_id").as_deref(), Some("pdp"));
    assert_eq!(
        text(&ecommerce, "item_list_name").as_deref(),
        Some("Frequently bought together")
    );
    assert_eq!(text(&ecommerce, "currency").as_deref(), Some("EUR"));
    assert!(
        get(&ecommerce, "value").is_undefined(),
        "value is for add_to_cart only"
    );
    let items = Array::from(&get(&ecommerce, "items"));
    assert_eq!(items.length(), 2);
    assert_ga4_item(&items.get(0), 0.0);
    assert_ga4_item(&items.get(1), 1.0);
    assert_eq!(text(&items.get(0), "item_id").as_deref(), Some("P1"));

    shadow_elements(&host, "a.ab-link")[1].click();
    shadow_elements(&host, "button.ab-add")[0].click();
    let messages = pushed.borrow().clone();
    assert_eq!(messages.len(), 7);
    assert!(get(&messages[3], "ecommerce").is_null());
    assert_eq!(text(&messages[4], "event").as_deref(), Some("select_item"));
    let selected = Array::from(&get(&get(&messages[4], "ecommerce"), "items"));
    assert_eq!(selected.length(), 1);
    assert_ga4_item(&selected.get(0), 1.0);
    assert!(get(&messages[5], "ecommerce").is_null());
    assert_eq!(text(&messages[6], "event").as_deref(), Some("add_to_cart"));
    let added = get(&messages[6], "ecommerce");
    assert_eq!(number(&added, "value"), Some(12.5), "P1 costs 12.50");
    assert_eq!(text(&added, "currency").as_deref(), Some("EUR"));

    // The DOM event carries the same event object the beacon would send.
    let click = clicks.borrow()[0].clone();
    assert_eq!(text(&click, "experiment").as_deref(), Some("wasm-test"));
    assert_eq!(text(&click, "variant").as_deref(), Some("compact"));
    let event = get(&click, "event");
    assert_eq!(text(&event, "type").as_deref(), Some("click"));
    assert_eq!(text(&event, "list_id").as_deref(), Some("pdp"));
    assert_eq!(text(&event, "layout").as_deref(), Some("carousel"));
    assert_eq!(get(&event, "holdout").as_bool(), Some(false));
    assert_eq!(
        text(&event, "visitor_id").map(|id| id.len()),
        Some(32),
        "a 32-hex visitor id"
    );
    unmount(&host);
    host.remove();
    remove_data_layer();
}

#[wasm_bindgen_test]
async fn a_holdout_shows_nothing_fetches_nothing_and_records_its_exposure() {
    let pushed = install_tag_manager_data_layer();
    let exposures = record_events(&window().document().unwrap(), "alsobought:exposure");
    // A table URL that cannot load: a holdout must never ask for it.
    let host = mount_host(&[
        ("data-table", "/this-table-must-not-be-fetched.table"),
        ("data-product", "P0"),
        ("data-experiment", "wasm-holdout"),
        ("data-variants", "holdout"),
    ]);
    assert_eq!(
        host.get_attribute("data-alsobought-state").as_deref(),
        Some("holdout")
    );
    TimeoutFuture::new(200).await;
    assert_eq!(
        host.get_attribute("data-alsobought-state").as_deref(),
        Some("holdout"),
        "no load was started"
    );
    assert_eq!(host.get_bounding_client_rect().height(), 0.0);
    assert_eq!(shadow_elements(&host, "section").len(), 0);
    let exposure = exposures.borrow()[0].clone();
    let event = get(&exposure, "event");
    assert_eq!(text(&event, "type").as_deref(), Some("exposure"));
    assert_eq!(get(&event, "holdout").as_bool(), Some(true));
    assert!(get(&event, "layout").is_null(), "a holdout has no layout");
    assert_eq!(pushed.borrow().len(), 1);
    assert_eq!(
        text(&pushed.borrow()[0], "alsobought_variant").as_deref(),
        Some("holdout")
    );
    unmount(&host);
    host.remove();
    remove_data_layer();
}

#[wasm_bindgen_test]
async fn tracking_off_dispatches_dom_events_but_pushes_and_stores_nothing() {
    let pushed = install_tag_manager_data_layer();
    let url = blob_url(&shop_table());
    let host = mount_host(&[
        ("data-table", &url),
        ("data-product", "P0"),
        ("data-tracking", "off"),
        ("data-experiment", "wasm-off"),
        ("data-variants", "holdout"),
    ]);
    let clicks = record_events(&host, "alsobought:click");
    prevent_default(&host, "click");
    assert_eq!(
        settled(&host).await,
        "ready",
        "experiment attributes are ignored"
    );
    shadow_elements(&host, "a.ab-link")[0].click();
    let click = clicks.borrow()[0].clone();
    assert!(
        get(&click, "event").is_null(),
        "no event object without an id"
    );
    assert!(get(&click, "variant").is_null());
    TimeoutFuture::new(100).await;
    assert!(pushed.borrow().is_empty(), "{:?}", pushed.borrow());
    unmount(&host);
    host.remove();
    remove_data_layer();
}

#[wasm_bindgen_test]
async fn track_purchase_credits_what_was_added_through_the_widget_once() {
    let storage = window().local_storage().unwrap().unwrap();
    storage.remove_item("alsobought:added").unwrap();
    storage.remove_item("alsobought:orders").unwrap();
    let url = blob_url(&shop_table());
    let host = mount_host(&[("data-table", &url), ("data-product", "P0")]);
    prevent_default(&host, "alsobought:add-to-cart");
    assert_eq!(settled(&host).await, "ready");
    shadow_elements(&host, "button.ab-add")[0].click();
    let stored = storage.get_item("alsobought:added").unwrap().unwrap();
    assert!(stored.contains("\"item_id\":\"P1\""), "{stored}");
    unmount(&host);
    host.remove();

    let purchases = record_events(&window().document().unwrap(), "alsobought:purchase");
    let order = js_sys::JSON::parse(
        r#"{"orderId": 1001, "currency": "eur", "items": [
            {"item_id": "P0", "item_name": "Product 0", "price": 10, "quantity": 2},
            {"id": "P1", "title": "Product 1", "price": 12.5}]}"#,
    )
    .unwrap();
    let event = alsobought::api::track_purchase(order.clone());
    assert_eq!(text(&event, "type").as_deref(), Some("purchase"));
    assert_eq!(text(&event, "order_id").as_deref(), Some("1001"));
    assert_eq!(text(&event, "currency").as_deref(), Some("EUR"));
    assert_eq!(number(&event, "value"), Some(32.5));
    assert_eq!(number(&event, "attributed_value"), Some(12.5));
    let credited: Vec<String> = Array::from(&get(&event, "attributed_items"))
        .iter()
        .filter_map(|id| id.as_string())
        .collect();
    assert_eq!(credited, ["P1"]);
    assert!(get(&event, "experiment").is_null());
    assert_eq!(purchases.borrow().len(), 1);
    assert_eq!(
        text(&get(&purchases.borrow()[0], "event"), "order_id").as_deref(),
        Some("1001")
    );
    assert!(
        alsobought::api::track_purchase(order).is_null(),
        "a reloaded thank-you page records nothing"
    );
    assert!(
        alsobought::api::track_purchase(JsValue::from_str("1001")).is_null(),
        "bad arguments are a warning, not an exception"
    );
    let without_currency =
        js_sys::JSON::parse(r#"{"orderId": "1002", "items": [{"item_id": "P1", "price": 12.5}]}"#)
            .unwrap();
    assert!(
        alsobought::api::track_purchase(without_currency).is_null(),
        "the report sums revenue per currency: a purchase needs one"
    );
}

#[wasm_bindgen_test]
async fn the_page_url_forces_a_variant_whose_js_options_settings_apply() {
    let history = window().history().unwrap();
    let original = window().location().href().unwrap();
    history
        .replace_state_with_url(
            &JsValue::NULL,
            "",
            Some("?alsobought_variant=wasm-force%3Ab"),
        )
        .unwrap();
    let url = blob_url(&shop_table());
    let host: HtmlElement = window()
        .document()
        .unwrap()
        .create_element("div")
        .unwrap()
        .unchecked_into();
    window()
        .document()
        .unwrap()
        .body()
        .unwrap()
        .prepend_with_node_1(&host)
        .unwrap();
    let exposures = record_events(&host, "alsobought:exposure");
    let options = js_sys::JSON::parse(
        r#"{"product": "P0", "experiment": "wasm-force", "variants": "a:1,b:0",
            "variantSettings": {"b": {"maxSuggestions": 1, "layout": "bundle"}}}"#,
    )
    .unwrap();
    Reflect::set(&options, &"table".into(), &url.as_str().into()).unwrap();
    alsobought::api::mount(host.clone(), options);
    history
        .replace_state_with_url(&JsValue::NULL, "", Some(&original))
        .unwrap();
    assert_eq!(settled(&host).await, "ready");
    let event = get(&exposures.borrow()[0], "event");
    assert_eq!(
        text(&event, "variant").as_deref(),
        Some("b"),
        "weight 0, but forced"
    );
    assert_eq!(get(&event, "forced").as_bool(), Some(true));
    assert_eq!(text(&event, "layout").as_deref(), Some("bundle"));
    assert_eq!(
        shadow_elements(&host, "label.ab-item").len(),
        2,
        "the product on screen and the variant's one suggestion"
    );
    unmount(&host);
    host.remove();
}
