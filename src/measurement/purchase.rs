//! `trackPurchase({ orderId, items, currency, value?, beacon?, tracking? })`, called by
//! the store on its thank-you page (docs/events.md section 5): one `purchase` event
//! with the part of the order credited to the widget, dispatched as
//! `alsobought:purchase` on `document`, queued for the beacon and returned.
//!
//! `items` are GA4 items, so the array the store pushes for GA4's own `purchase` can be
//! passed as is (`id` and `title` are accepted for `item_id` and `item_name`). Bad
//! arguments are a console warning and a `null` result, never an exception in the
//! store's checkout code.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use crate::console;
use crate::events;
use crate::json_text::push_string_array;
use crate::measurement::attribution::{
    amount_to_hundredths, attribute, purchase_json, remember_order, PurchaseInput, PurchaseItem,
    Purchaser, ADDED_KEY, ORDERS_KEY,
};
use crate::measurement::{attribution, beacon, identity, storage};

/// Records the purchase `options` describes; returns the event object, or `null` when
/// nothing was recorded (tracking off, an order already recorded, bad arguments).
pub fn track_purchase(options: &JsValue) -> JsValue {
    let Some(input) = read_purchase(options) else {
        console::warn(
            "alsobought: trackPurchase() needs { orderId, currency, items: [{ item_id, item_name, \
             price, quantity }] }; nothing was recorded",
        );
        return JsValue::NULL;
    };
    if tracking_refused(options) {
        return JsValue::NULL;
    }
    let mut orders = storage::read_strings(ORDERS_KEY);
    if !remember_order(&mut orders, &input.order_id) {
        return JsValue::NULL;
    }
    let mut stored = String::new();
    push_string_array(&mut stored, orders.iter().map(String::as_str));
    storage::write(ORDERS_KEY, &stored);

    let now_ms = js_sys::Date::now() as u64;
    let mut added = storage::read_added(ADDED_KEY);
    let ids: Vec<&str> = input.items.iter().map(|item| item.id.as_str()).collect();
    let credited = attribute(&mut added, &ids, now_ms);
    storage::write(ADDED_KEY, &attribution::added_json(&added));

    let visitor_id = identity::visitor_id();
    let page_view_id = identity::page_view_id();
    let purchaser = Purchaser {
        visitor_id: &visitor_id,
        page_view_id: &page_view_id,
        now_ms,
    };
    let json = purchase_json(&input, &credited, &purchaser);
    let event = JSON::parse(&json).unwrap_or(JsValue::NULL);
    if let Some(document) = web_sys::window().and_then(|window| window.document()) {
        let detail = js_sys::Object::new();
        let _ = Reflect::set(&detail, &"event".into(), &event);
        events::dispatch(&document, events::PURCHASE, &detail, false);
    }
    if let Some(url) = text(options, "beacon").or_else(page_beacon) {
        beacon::enqueue(&url, json);
    }
    event
}

/// The collector of the page: the first one a widget registered, else the first
/// `data-beacon` attribute on the page.
fn page_beacon() -> Option<String> {
    beacon::first_url().or_else(|| {
        web_sys::window()?
            .document()?
            .query_selector("[data-beacon]")
            .ok()??
            .get_attribute("data-beacon")
    })
}

/// `tracking: "off"` in the options, or a widget on the page mounted with
/// `data-tracking="off"` (the shopper has not agreed to measurement).
fn tracking_refused(options: &JsValue) -> bool {
    text(options, "tracking").is_some_and(|value| value.eq_ignore_ascii_case("off"))
        || web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.query_selector("[data-tracking=off i]").ok())
            .flatten()
            .is_some()
}

/// Reads `trackPurchase`'s argument: `None` without an `orderId`, an `items` array, a
/// currency or a value (given, or from priced items): the report needs all four.
fn read_purchase(options: &JsValue) -> Option<PurchaseInput> {
    let order_id = text(options, "orderId").filter(|id| !id.is_empty())?;
    let items = field(options, "items").filter(Array::is_array)?;
    let mut lines = Vec::new();
    for item in items.unchecked_ref::<Array>().iter() {
        let Some(id) = text(&item, "item_id").or_else(|| text(&item, "id")) else {
            console::warn("alsobought: trackPurchase() left out an item without item_id");
            continue;
        };
        let quantity = field(&item, "quantity")
            .and_then(|quantity| quantity.as_f64())
            .filter(|quantity| *quantity >= 0.0)
            .map_or(1, |quantity| quantity as u32);
        lines.push(PurchaseItem {
            name: text(&item, "item_name")
                .or_else(|| text(&item, "title"))
                .unwrap_or_else(|| id.clone()),
            id,
            price_hundredths: amount(&item, "price"),
            category: text(&item, "item_category"),
            quantity,
        });
    }
    let currency = text(options, "currency")
        .filter(|code| code.len() == 3 && code.bytes().all(|byte| byte.is_ascii_alphabetic()))?
        .to_ascii_uppercase();
    let value_hundredths = amount(options, "value");
    if value_hundredths.is_none() && lines.iter().all(|line| line.price_hundredths.is_none()) {
        return None;
    }
    Some(PurchaseInput {
        order_id,
        currency: Some(currency),
        items: lines,
        value_hundredths,
    })
}

fn field(object: &JsValue, key: &str) -> Option<JsValue> {
    Reflect::get(object, &key.into())
        .ok()
        .filter(|value| !value.is_undefined() && !value.is_null())
}

/// A string field, or a number as JavaScript writes it (numeric order ids and SKUs).
fn text(object: &JsValue, key: &str) -> Option<String> {
    let value = field(object, key)?;
    value.as_string().or_else(|| {
        value.as_f64()?;
        Some(value.unchecked_ref::<js_sys::Object>().to_string().into())
    })
}

fn amount(object: &JsValue, key: &str) -> Option<i64> {
    amount_to_hundredths(field(object, key)?.as_f64()?)
}
