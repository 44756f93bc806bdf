//! `localStorage`, the only place the widget keeps anything (docs/events.md section 9:
//! the visitor id, what was added through the widget, the orders recorded).
//!
//! Every access can throw (storage blocked, quota full, a sandboxed frame), and an
//! analytics failure must never break the store's page, so each one is a `None` or
//! `false` here.

use js_sys::{Array, Reflect, JSON};
use wasm_bindgen::{JsCast, JsValue};

use crate::measurement::attribution::AddedEntry;

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The value under `key`, if storage works and has one.
pub fn read(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok().flatten()
}

/// Stores `value` under `key`; `false` when storage is unavailable or full.
pub fn write(key: &str, value: &str) -> bool {
    local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok())
}

/// The JSON array stored under `key`, element by element; empty when absent or not
/// an array (a damaged value is then replaced on the next write).
fn read_array(key: &str) -> Array {
    read(key)
        .and_then(|text| JSON::parse(&text).ok())
        .filter(Array::is_array)
        .map_or_else(Array::new, JsCast::unchecked_into)
}

fn string_field(object: &JsValue, key: &str) -> Option<String> {
    Reflect::get(object, &key.into()).ok()?.as_string()
}

/// `alsobought:added`, skipping entries without an id or a time.
pub fn read_added(key: &str) -> Vec<AddedEntry> {
    read_array(key)
        .iter()
        .filter_map(|entry| {
            let entry = &entry;
            Some(AddedEntry {
                item_id: string_field(entry, "item_id")?,
                ts: Reflect::get(entry, &"ts".into()).ok()?.as_f64()? as u64,
                experiment: string_field(entry, "experiment"),
                variant: string_field(entry, "variant"),
            })
        })
        .collect()
}

/// `alsobought:orders`: the order ids recorded.
pub fn read_strings(key: &str) -> Vec<String> {
    read_array(key)
        .iter()
        .filter_map(|value| value.as_string())
        .collect()
}
