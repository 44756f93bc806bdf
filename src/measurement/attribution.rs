//! Which purchased items the widget is credited with, and the `purchase` event
//! (docs/events.md section 5).
//!
//! The rule: an item is attributed when the same visitor added that product through
//! the widget in the 7 days before the purchase. What was added is kept in
//! `localStorage` (`alsobought:added`, the 200 newest entries of the last 7 days), and
//! an entry credits one purchase only; the orders already recorded are kept too
//! (`alsobought:orders`, the 50 newest) so a reloaded thank-you page does not count
//! twice. Plain Rust on owned values, tested natively; `purchase.rs` reads and writes
//! the storage and the JS arguments.

use crate::json_text::{push_integer, push_optional_string, push_string};
use crate::measurement::event::{items_value, line_value, Event, Item, Order};
use alsobought_core::events::EventKind;

/// `localStorage` key of the products added through the widget.
pub const ADDED_KEY: &str = "alsobought:added";
/// `localStorage` key of the order ids already recorded.
pub const ORDERS_KEY: &str = "alsobought:orders";
/// How long an add through the widget can earn credit for a purchase.
pub const ATTRIBUTION_WINDOW_MS: u64 = 7 * 24 * 60 * 60 * 1000;
/// At most this many added products are remembered (the newest).
pub const MAX_ADDED_ENTRIES: usize = 200;
/// At most this many order ids are remembered (the newest).
pub const MAX_RECORDED_ORDERS: usize = 50;

/// One product added to the cart through the widget.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AddedEntry {
    /// The product id.
    pub item_id: String,
    /// When it was added (ms since 1970).
    pub ts: u64,
    /// The experiment of the widget it was added from.
    pub experiment: Option<String>,
    /// The visitor's variant in that experiment.
    pub variant: Option<String>,
}

/// Adds `added` to `entries`, then drops what is too old or too many.
pub fn remember_added(
    entries: &mut Vec<AddedEntry>,
    added: impl IntoIterator<Item = AddedEntry>,
    now_ms: u64,
) {
    entries.extend(added);
    prune(entries, now_ms);
}

/// Drops entries older than the attribution window and all but the
/// [`MAX_ADDED_ENTRIES`] newest. Entries are only ever appended, so the oldest come
/// first (no sort: a stable sort costs the widget 3 KB).
pub fn prune(entries: &mut Vec<AddedEntry>, now_ms: u64) {
    entries.retain(|entry| entry.ts.saturating_add(ATTRIBUTION_WINDOW_MS) >= now_ms);
    let excess = entries.len().saturating_sub(MAX_ADDED_ENTRIES);
    entries.drain(..excess);
}

/// For each of `item_ids`, whether the widget is credited with it; removes the
/// entries that earned the credit (each add credits one purchase).
pub fn attribute(entries: &mut Vec<AddedEntry>, item_ids: &[&str], now_ms: u64) -> Vec<bool> {
    prune(entries, now_ms);
    let credited: Vec<bool> = item_ids
        .iter()
        .map(|id| entries.iter().any(|entry| entry.item_id == *id))
        .collect();
    entries.retain(|entry| !item_ids.contains(&entry.item_id.as_str()));
    credited
}

/// Records `order_id`; `false` when it was recorded before (then nothing changes).
pub fn remember_order(orders: &mut Vec<String>, order_id: &str) -> bool {
    if orders.iter().any(|known| known == order_id) {
        return false;
    }
    orders.push(order_id.into());
    let excess = orders.len().saturating_sub(MAX_RECORDED_ORDERS);
    orders.drain(..excess);
    true
}

/// `alsobought:added` as stored: `[{"item_id","ts","experiment","variant"}, ...]`.
pub fn added_json(entries: &[AddedEntry]) -> String {
    let mut out = String::from("[");
    for (position, entry) in entries.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        out.push_str("{\"item_id\":");
        push_string(&mut out, &entry.item_id);
        out.push_str(",\"ts\":");
        push_integer(&mut out, entry.ts);
        out.push_str(",\"experiment\":");
        push_optional_string(&mut out, entry.experiment.as_deref());
        out.push_str(",\"variant\":");
        push_optional_string(&mut out, entry.variant.as_deref());
        out.push('}');
    }
    out.push(']');
    out
}

/// A JS number of currency units as hundredths, rounded half away from zero; `None`
/// when it is not a finite amount a price could be (beyond ±10^13 units).
pub fn amount_to_hundredths(amount: f64) -> Option<i64> {
    let hundredths = amount * 100.0;
    if !hundredths.is_finite() || hundredths.abs() > 1e15 {
        return None;
    }
    let rounded = if hundredths < 0.0 {
        hundredths - 0.5
    } else {
        hundredths + 0.5
    };
    Some(rounded as i64)
}

/// One line of an order as `trackPurchase` received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseItem {
    /// `item_id` (or `id`).
    pub id: String,
    /// `item_name` (or `title`); the id when neither is given.
    pub name: String,
    /// `price` per unit, in hundredths.
    pub price_hundredths: Option<i64>,
    /// `item_category`.
    pub category: Option<String>,
    /// `quantity`, 1 when not given.
    pub quantity: u32,
}

/// An order as `trackPurchase` received it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PurchaseInput {
    /// `orderId`.
    pub order_id: String,
    /// `currency`, ISO 4217.
    pub currency: Option<String>,
    /// `items`.
    pub items: Vec<PurchaseItem>,
    /// `value`: the order's value in hundredths; Σ price × quantity when not given.
    pub value_hundredths: Option<i64>,
}

/// Who made the purchase and when.
pub struct Purchaser<'a> {
    /// The visitor id.
    pub visitor_id: &'a str,
    /// The page view id of the thank-you page.
    pub page_view_id: &'a str,
    /// `Date.now()`.
    pub now_ms: u64,
}

/// The `purchase` event's JSON, crediting the items `credited` marks.
pub fn purchase_json(
    input: &PurchaseInput,
    credited: &[bool],
    purchaser: &Purchaser<'_>,
) -> String {
    let items: Vec<Item<'_>> = input
        .items
        .iter()
        .map(|item| Item {
            id: &item.id,
            name: &item.name,
            index: None,
            price_hundredths: item.price_hundredths,
            category: item.category.as_deref(),
            quantity: item.quantity,
        })
        .collect();
    // One pass over the credited lines: their value and their distinct ids.
    let mut attributed_value_hundredths = 0i64;
    let mut attributed_items: Vec<&str> = Vec::new();
    for (item, _) in items.iter().zip(credited).filter(|(_, &credited)| credited) {
        if let Some(amount) = line_value(item) {
            attributed_value_hundredths = attributed_value_hundredths.saturating_add(amount);
        }
        if !attributed_items.contains(&item.id) {
            attributed_items.push(item.id);
        }
    }
    Event {
        event_type: EventKind::Purchase,
        timestamp_ms: purchaser.now_ms,
        visitor_id: purchaser.visitor_id,
        page_view_id: purchaser.page_view_id,
        assignment: None,
        list: None,
        layout: None,
        context: Vec::new(),
        value_hundredths: input.value_hundredths.or_else(|| items_value(&items)),
        currency: input.currency.as_deref(),
        order: Some(Order {
            order_id: &input.order_id,
            attributed_value_hundredths,
            attributed_items,
        }),
        items,
    }
    .to_json()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DAY_MS: u64 = 24 * 60 * 60 * 1000;
    const NOW: u64 = 1_764_000_301_000;

    fn added(id: &str, ts: u64) -> AddedEntry {
        AddedEntry {
            item_id: id.into(),
            ts,
            experiment: Some("fbt-2026-11".into()),
            variant: Some("compact".into()),
        }
    }

    fn line(id: &str, name: &str, price: i64, quantity: u32) -> PurchaseItem {
        PurchaseItem {
            id: id.into(),
            name: name.into(),
            price_hundredths: Some(price),
            category: Some("kitchen".into()),
            quantity,
        }
    }

    #[test]
    fn the_documented_purchase_credits_the_teapot_added_through_the_widget() {
        let mut entries = vec![added("SKU-7", NOW - 300_000)];
        let input = PurchaseInput {
            order_id: "1001".into(),
            currency: Some("EUR".into()),
            items: vec![
                line("SKU-123", "Mug", 1250, 2),
                line("SKU-7", "Teapot", 3000, 1),
            ],
            value_hundredths: None,
        };
        let credited = attribute(&mut entries, &["SKU-123", "SKU-7"], NOW);
        assert_eq!(credited, [false, true]);
        assert!(
            entries.is_empty(),
            "the entry that earned the credit is used up"
        );
        let purchaser = Purchaser {
            visitor_id: "9f86d081884c7d659a2feaa0c55ad015",
            page_view_id: "5d41402abc4b2a76b9719d911017c592",
            now_ms: NOW,
        };
        assert_eq!(
            purchase_json(&input, &credited, &purchaser),
            r#"{"v":1,"type":"purchase","ts":1764000301000,"visitor_id":"9f86d081884c7d659a2feaa0c55ad015","page_view_id":"5d41402abc4b2a76b9719d911017c592","experiment":null,"variant":null,"holdout":false,"forced":false,"list_id":null,"list_name":null,"layout":null,"context":[],"items":[{"item_id":"SKU-123","item_name":"Mug","index":null,"price":12.5,"item_category":"kitchen","quantity":2},{"item_id":"SKU-7","item_name":"Teapot","index":null,"price":30,"item_category":"kitchen","quantity":1}],"currency":"EUR","value":55,"order_id":"1001","attributed_value":30,"attributed_items":["SKU-7"]}"#
        );
        // A second order with the teapot earns nothing: the add credited one purchase.
        assert_eq!(attribute(&mut entries, &["SKU-7"], NOW), [false]);
    }

    #[test]
    fn adds_older_than_seven_days_earn_nothing() {
        let mut entries = vec![
            added("OLD", NOW - 7 * DAY_MS - 1),
            added("EDGE", NOW - 7 * DAY_MS),
        ];
        assert_eq!(
            attribute(&mut entries, &["OLD", "EDGE"], NOW),
            [false, true]
        );
    }

    #[test]
    fn a_given_order_value_wins_and_nothing_credited_is_zero() {
        let input = PurchaseInput {
            order_id: "7".into(),
            currency: None,
            items: vec![line("A", "A", 100, 1)],
            value_hundredths: Some(5_000),
        };
        let purchaser = Purchaser {
            visitor_id: "v",
            page_view_id: "p",
            now_ms: 1,
        };
        let event: serde_json::Value =
            serde_json::from_str(&purchase_json(&input, &[false], &purchaser)).unwrap();
        assert_eq!(event["value"], 50);
        assert_eq!(event["attributed_value"], 0);
        assert_eq!(event["attributed_items"], serde_json::json!([]));
        assert_eq!(event["currency"], serde_json::Value::Null);
    }

    #[test]
    fn at_most_the_newest_entries_and_orders_are_kept() {
        let mut entries = Vec::new();
        remember_added(
            &mut entries,
            (0..250).map(|n| added(&format!("P{n}"), NOW - 1000 + n)),
            NOW,
        );
        assert_eq!(entries.len(), MAX_ADDED_ENTRIES);
        assert_eq!(entries[0].item_id, "P50");

        let mut orders = Vec::new();
        for n in 0..60 {
            assert!(remember_order(&mut orders, &n.to_string()));
        }
        assert_eq!(orders.len(), MAX_RECORDED_ORDERS);
        assert_eq!(orders[0], "10");
        assert!(
            !remember_order(&mut orders, "59"),
            "a recorded order is refused"
        );
        assert_eq!(orders.len(), MAX_RECORDED_ORDERS);
    }

    #[test]
    fn stored_entries_are_the_documented_json() {
        let entries = vec![
            added("SKU-7", 5),
            AddedEntry {
                item_id: "X\"".into(),
                ts: 6,
                experiment: None,
                variant: None,
            },
        ];
        assert_eq!(
            added_json(&entries),
            r#"[{"item_id":"SKU-7","ts":5,"experiment":"fbt-2026-11","variant":"compact"},{"item_id":"X\"","ts":6,"experiment":null,"variant":null}]"#
        );
        assert_eq!(added_json(&[]), "[]");
    }

    #[test]
    fn amounts_become_hundredths_without_float_drift() {
        assert_eq!(amount_to_hundredths(12.5), Some(1250));
        assert_eq!(amount_to_hundredths(19.99), Some(1999));
        assert_eq!(amount_to_hundredths(0.1 + 0.2), Some(30));
        assert_eq!(amount_to_hundredths(-1.5), Some(-150));
        assert_eq!(
            amount_to_hundredths(1.005),
            Some(100),
            "1.005 is 1.00499... in binary"
        );
        assert_eq!(amount_to_hundredths(f64::NAN), None);
        assert_eq!(amount_to_hundredths(f64::INFINITY), None);
        assert_eq!(amount_to_hundredths(1e20), None);
    }
}
