//! The measurement event of docs/events.md section 3, and the GA4 `dataLayer` object
//! of section 6.2 made from it, both as JSON text.
//!
//! One event object is what the collector stores, what DOM listeners get as
//! `detail.event` and what `alsobought report` reads, so it is built in one place.
//! Every common field is always written (`null` when it does not apply), in the order
//! the documentation lists them. Plain Rust, tested natively against the
//! documentation's own examples.

use alsobought_core::events::{EventKind, SCHEMA_VERSION};

use crate::json_text::{
    push_amount, push_integer, push_optional_amount, push_optional_string, push_string,
    push_string_array,
};
use crate::settings::{Assignment, Measurement};

/// The GA4 event pushed to `dataLayer` for an event of `kind`, if any (a purchase
/// pushes nothing: the store's own GA4 `purchase` tag does that).
fn data_layer_name(kind: EventKind) -> Option<&'static str> {
    match kind {
        EventKind::Exposure => Some("alsobought_exposure"),
        EventKind::Impression => Some("view_item_list"),
        EventKind::Click => Some("select_item"),
        EventKind::AddToCart => Some("add_to_cart"),
        EventKind::Purchase => None,
    }
}

/// One product of an event (GA4's item fields, section 3.2).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Item<'a> {
    /// `item_id`: the product id.
    pub id: &'a str,
    /// `item_name`: the product title.
    pub name: &'a str,
    /// `index`: position in the list shown, from 0; `None` for purchase items.
    pub index: Option<usize>,
    /// `price` in hundredths of `currency`.
    pub price_hundredths: Option<i64>,
    /// `item_category`.
    pub category: Option<&'a str>,
    /// `quantity`.
    pub quantity: u32,
}

/// The purchase-only fields.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Order<'a> {
    /// `order_id`: the store's order id.
    pub order_id: &'a str,
    /// `attributed_value` in hundredths.
    pub attributed_value_hundredths: i64,
    /// `attributed_items`: ids of the order items credited to the widget.
    pub attributed_items: Vec<&'a str>,
}

/// One event, borrowing everything it writes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// `type`.
    pub event_type: EventKind,
    /// `ts`: milliseconds since 1970 by the browser's clock.
    pub timestamp_ms: u64,
    /// `visitor_id`.
    pub visitor_id: &'a str,
    /// `page_view_id`.
    pub page_view_id: &'a str,
    /// `experiment`, `variant`, `holdout`, `forced`.
    pub assignment: Option<&'a Assignment>,
    /// `list_id` and `list_name`; `None` on a purchase.
    pub list: Option<(&'a str, &'a str)>,
    /// `layout`: `carousel` or `bundle`; `None` for a holdout and a purchase.
    pub layout: Option<&'a str>,
    /// `context`: the product ids the suggestions were for.
    pub context: Vec<&'a str>,
    /// `items`.
    pub items: Vec<Item<'a>>,
    /// `currency` of `value` and the prices.
    pub currency: Option<&'a str>,
    /// `value` in hundredths.
    pub value_hundredths: Option<i64>,
    /// Purchase-only fields.
    pub order: Option<Order<'a>>,
}

impl<'a> Event<'a> {
    /// An event about a widget's list: identity, experiment and list from `measurement`;
    /// no value and no order.
    pub fn of_list(
        event_type: EventKind,
        timestamp_ms: u64,
        measurement: &'a Measurement,
        layout: Option<&'a str>,
        context: Vec<&'a str>,
    ) -> Self {
        Event {
            event_type,
            timestamp_ms,
            visitor_id: &measurement.visitor_id,
            page_view_id: &measurement.page_view_id,
            assignment: measurement.assignment.as_ref(),
            list: Some((&measurement.list_id, &measurement.list_name)),
            layout,
            context,
            items: Vec::new(),
            currency: None,
            value_hundredths: None,
            order: None,
        }
    }

    /// The event object as JSON text (docs/events.md section 3.1).
    pub fn to_json(&self) -> String {
        let mut out = String::with_capacity(512 + 160 * self.items.len());
        out.push_str("{\"v\":");
        push_integer(&mut out, SCHEMA_VERSION);
        out.push_str(",\"type\":");
        push_string(&mut out, self.event_type.name());
        out.push_str(",\"ts\":");
        push_integer(&mut out, self.timestamp_ms);
        out.push_str(",\"visitor_id\":");
        push_string(&mut out, self.visitor_id);
        out.push_str(",\"page_view_id\":");
        push_string(&mut out, self.page_view_id);
        let assignment = self.assignment;
        out.push_str(",\"experiment\":");
        push_optional_string(&mut out, assignment.map(|a| a.experiment.as_str()));
        out.push_str(",\"variant\":");
        push_optional_string(&mut out, assignment.map(|a| a.variant.as_str()));
        out.push_str(",\"holdout\":");
        out.push_str(boolean(assignment.is_some_and(|a| a.holdout)));
        out.push_str(",\"forced\":");
        out.push_str(boolean(assignment.is_some_and(|a| a.forced)));
        out.push_str(",\"list_id\":");
        push_optional_string(&mut out, self.list.map(|(id, _)| id));
        out.push_str(",\"list_name\":");
        push_optional_string(&mut out, self.list.map(|(_, name)| name));
        out.push_str(",\"layout\":");
        push_optional_string(&mut out, self.layout);
        out.push_str(",\"context\":");
        push_string_array(&mut out, self.context.iter().copied());
        out.push_str(",\"items\":");
        push_items(&mut out, &self.items, true);
        out.push_str(",\"currency\":");
        push_optional_string(&mut out, self.currency);
        out.push_str(",\"value\":");
        push_optional_amount(&mut out, self.value_hundredths);
        let order = self.order.as_ref();
        out.push_str(",\"order_id\":");
        push_optional_string(&mut out, order.map(|order| order.order_id));
        out.push_str(",\"attributed_value\":");
        push_optional_amount(
            &mut out,
            order.map(|order| order.attributed_value_hundredths),
        );
        out.push_str(",\"attributed_items\":");
        push_string_array(
            &mut out,
            order
                .into_iter()
                .flat_map(|order| order.attributed_items.iter().copied()),
        );
        out.push('}');
        out
    }

    /// The GA4 object pushed to `dataLayer` (section 6.2) as JSON text, and whether
    /// `{ ecommerce: null }` must be pushed before it; `None` for a purchase.
    pub fn data_layer_json(&self) -> Option<(String, bool)> {
        let name = data_layer_name(self.event_type)?;
        let mut out = String::with_capacity(256 + 128 * self.items.len());
        out.push_str("{\"event\":");
        push_string(&mut out, name);
        if let Some(assignment) = self.assignment {
            out.push_str(",\"alsobought_experiment\":");
            push_string(&mut out, &assignment.experiment);
            out.push_str(",\"alsobought_variant\":");
            push_string(&mut out, &assignment.variant);
        }
        let has_ecommerce = self.event_type != EventKind::Exposure;
        if has_ecommerce {
            let (list_id, list_name) = self.list.unwrap_or_default();
            out.push_str(",\"ecommerce\":{\"item_list_id\":");
            push_string(&mut out, list_id);
            out.push_str(",\"item_list_name\":");
            push_string(&mut out, list_name);
            if let Some(currency) = self.currency {
                out.push_str(",\"currency\":");
                push_string(&mut out, currency);
            }
            if let (EventKind::AddToCart, Some(value)) = (self.event_type, self.value_hundredths) {
                out.push_str(",\"value\":");
                push_amount(&mut out, value);
            }
            out.push_str(",\"items\":");
            push_items(&mut out, &self.items, false);
            out.push('}');
        }
        out.push('}');
        Some((out, has_ecommerce))
    }
}

/// What one line is worth in hundredths (price × quantity), `None` without a price.
pub fn line_value(item: &Item<'_>) -> Option<i64> {
    Some(item.price_hundredths? * i64::from(item.quantity))
}

/// Σ price × quantity over the priced items, or `None` when none has a price.
pub fn items_value(items: &[Item<'_>]) -> Option<i64> {
    items
        .iter()
        .filter_map(line_value)
        .reduce(|total, amount| total.saturating_add(amount))
}

fn boolean(flag: bool) -> &'static str {
    if flag {
        "true"
    } else {
        "false"
    }
}

/// `[{item_id, item_name, index, price, item_category, quantity}, ...]`. The event
/// writes every field (`null` when unknown); GA4 leaves `price` and `item_category`
/// out when unknown.
fn push_items(out: &mut String, items: &[Item<'_>], with_nulls: bool) {
    out.push('[');
    for (position, item) in items.iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        out.push_str("{\"item_id\":");
        push_string(out, item.id);
        out.push_str(",\"item_name\":");
        push_string(out, item.name);
        if item.index.is_some() || with_nulls {
            out.push_str(",\"index\":");
            match item.index {
                Some(index) => push_integer(out, index as u64),
                None => out.push_str("null"),
            }
        }
        if item.price_hundredths.is_some() || with_nulls {
            out.push_str(",\"price\":");
            push_optional_amount(out, item.price_hundredths);
        }
        if item.category.is_some() || with_nulls {
            out.push_str(",\"item_category\":");
            push_optional_string(out, item.category);
        }
        out.push_str(",\"quantity\":");
        push_integer(out, u64::from(item.quantity));
        out.push('}');
    }
    out.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::Value;

    fn compact_measurement() -> Measurement {
        Measurement {
            tracking: true,
            visitor_id: "9f86d081884c7d659a2feaa0c55ad015".into(),
            page_view_id: "0b4e7a0e5fe84ad35fb5f95b9ceeac79".into(),
            assignment: Some(Assignment {
                experiment: "fbt-2026-11".into(),
                variant: "compact".into(),
                holdout: false,
                forced: false,
            }),
            list_id: "alsobought_product".into(),
            list_name: "Frequently bought together".into(),
            beacon: None,
        }
    }

    fn teapot_and_tea() -> Vec<Item<'static>> {
        vec![
            Item {
                id: "SKU-7",
                name: "Teapot",
                index: Some(0),
                price_hundredths: Some(3000),
                category: Some("kitchen"),
                quantity: 1,
            },
            Item {
                id: "SKU-9",
                name: "Tea",
                index: Some(1),
                price_hundredths: Some(450),
                category: Some("food"),
                quantity: 1,
            },
        ]
    }

    // The three example lines of docs/events.md section 3.4, byte for byte.
    #[test]
    fn events_are_written_exactly_as_the_documented_examples() {
        let measurement = compact_measurement();
        let exposure = Event::of_list(
            EventKind::Exposure,
            1_764_000_000_000,
            &measurement,
            Some("bundle"),
            vec!["SKU-123"],
        );
        assert_eq!(
            exposure.to_json(),
            r#"{"v":1,"type":"exposure","ts":1764000000000,"visitor_id":"9f86d081884c7d659a2feaa0c55ad015","page_view_id":"0b4e7a0e5fe84ad35fb5f95b9ceeac79","experiment":"fbt-2026-11","variant":"compact","holdout":false,"forced":false,"list_id":"alsobought_product","list_name":"Frequently bought together","layout":"bundle","context":["SKU-123"],"items":[],"currency":null,"value":null,"order_id":null,"attributed_value":null,"attributed_items":[]}"#
        );

        let mut added = Event::of_list(
            EventKind::AddToCart,
            1_764_000_004_211,
            &measurement,
            Some("bundle"),
            vec!["SKU-123"],
        );
        added.items = teapot_and_tea();
        added.currency = Some("EUR");
        added.value_hundredths = items_value(&added.items);
        assert_eq!(
            added.to_json(),
            r#"{"v":1,"type":"add_to_cart","ts":1764000004211,"visitor_id":"9f86d081884c7d659a2feaa0c55ad015","page_view_id":"0b4e7a0e5fe84ad35fb5f95b9ceeac79","experiment":"fbt-2026-11","variant":"compact","holdout":false,"forced":false,"list_id":"alsobought_product","list_name":"Frequently bought together","layout":"bundle","context":["SKU-123"],"items":[{"item_id":"SKU-7","item_name":"Teapot","index":0,"price":30,"item_category":"kitchen","quantity":1},{"item_id":"SKU-9","item_name":"Tea","index":1,"price":4.5,"item_category":"food","quantity":1}],"currency":"EUR","value":34.5,"order_id":null,"attributed_value":null,"attributed_items":[]}"#
        );

        let items = vec![
            Item {
                id: "SKU-123",
                name: "Mug",
                index: None,
                price_hundredths: Some(1250),
                category: Some("kitchen"),
                quantity: 2,
            },
            Item {
                id: "SKU-7",
                name: "Teapot",
                index: None,
                price_hundredths: Some(3000),
                category: Some("kitchen"),
                quantity: 1,
            },
        ];
        let purchase = Event {
            event_type: EventKind::Purchase,
            timestamp_ms: 1_764_000_301_000,
            visitor_id: "9f86d081884c7d659a2feaa0c55ad015",
            page_view_id: "5d41402abc4b2a76b9719d911017c592",
            assignment: None,
            list: None,
            layout: None,
            context: Vec::new(),
            value_hundredths: items_value(&items),
            items,
            currency: Some("EUR"),
            order: Some(Order {
                order_id: "1001",
                attributed_value_hundredths: 3000,
                attributed_items: vec!["SKU-7"],
            }),
        };
        assert_eq!(
            purchase.to_json(),
            r#"{"v":1,"type":"purchase","ts":1764000301000,"visitor_id":"9f86d081884c7d659a2feaa0c55ad015","page_view_id":"5d41402abc4b2a76b9719d911017c592","experiment":null,"variant":null,"holdout":false,"forced":false,"list_id":null,"list_name":null,"layout":null,"context":[],"items":[{"item_id":"SKU-123","item_name":"Mug","index":null,"price":12.5,"item_category":"kitchen","quantity":2},{"item_id":"SKU-7","item_name":"Teapot","index":null,"price":30,"item_category":"kitchen","quantity":1}],"currency":"EUR","value":55,"order_id":"1001","attributed_value":30,"attributed_items":["SKU-7"]}"#
        );
        assert_eq!(
            purchase.data_layer_json(),
            None,
            "a purchase pushes nothing"
        );
    }

    #[test]
    fn the_data_layer_object_follows_ga4_and_leaves_unknowns_out() {
        let measurement = compact_measurement();
        let mut added = Event::of_list(
            EventKind::AddToCart,
            1,
            &measurement,
            Some("bundle"),
            vec![],
        );
        added.items = teapot_and_tea();
        added.items[1].price_hundredths = None;
        added.items[1].category = None;
        added.currency = Some("EUR");
        added.value_hundredths = items_value(&added.items);
        let (text, clear_first) = added.data_layer_json().unwrap();
        assert!(clear_first);
        let pushed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            pushed,
            serde_json::json!({
                "event": "add_to_cart",
                "alsobought_experiment": "fbt-2026-11",
                "alsobought_variant": "compact",
                "ecommerce": {
                    "item_list_id": "alsobought_product",
                    "item_list_name": "Frequently bought together",
                    "currency": "EUR",
                    "value": 30,
                    "items": [
                        {"item_id": "SKU-7", "item_name": "Teapot", "index": 0, "price": 30,
                         "item_category": "kitchen", "quantity": 1},
                        {"item_id": "SKU-9", "item_name": "Tea", "index": 1, "quantity": 1}
                    ]
                }
            })
        );

        let outside = Measurement {
            assignment: None,
            ..compact_measurement()
        };
        let mut viewed =
            Event::of_list(EventKind::Impression, 1, &outside, Some("carousel"), vec![]);
        viewed.items = teapot_and_tea();
        let (text, _) = viewed.data_layer_json().unwrap();
        let pushed: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(pushed["event"], "view_item_list");
        assert!(
            pushed.get("alsobought_experiment").is_none(),
            "no experiment fields outside one"
        );
        assert!(
            pushed["ecommerce"].get("currency").is_none(),
            "unknown currency left out"
        );
        assert!(
            pushed["ecommerce"].get("value").is_none(),
            "value on add_to_cart only"
        );

        let exposure = Event::of_list(EventKind::Exposure, 1, &measurement, None, vec![]);
        assert_eq!(
            exposure.data_layer_json(),
            Some((
                r#"{"event":"alsobought_exposure","alsobought_experiment":"fbt-2026-11","alsobought_variant":"compact"}"#.into(),
                false
            ))
        );
        let click = Event::of_list(EventKind::Click, 1, &measurement, None, vec![]);
        assert!(click
            .data_layer_json()
            .unwrap()
            .0
            .starts_with(r#"{"event":"select_item""#));
    }

    #[test]
    fn every_common_field_is_present_with_its_documented_type() {
        let measurement = compact_measurement();
        let mut click = Event::of_list(
            EventKind::Click,
            5,
            &measurement,
            Some("carousel"),
            vec!["A", "B"],
        );
        click.items = vec![Item {
            id: "X \"quoted\"",
            name: "Line\nbreak",
            index: Some(3),
            price_hundredths: None,
            category: None,
            quantity: 1,
        }];
        let event: Value = serde_json::from_str(&click.to_json()).unwrap();
        let object = event.as_object().unwrap();
        let expected = [
            ("v", "number"),
            ("type", "string"),
            ("ts", "number"),
            ("visitor_id", "string"),
            ("page_view_id", "string"),
            ("experiment", "string"),
            ("variant", "string"),
            ("holdout", "boolean"),
            ("forced", "boolean"),
            ("list_id", "string"),
            ("list_name", "string"),
            ("layout", "string"),
            ("context", "array"),
            ("items", "array"),
            ("currency", "null"),
            ("value", "null"),
            ("order_id", "null"),
            ("attributed_value", "null"),
            ("attributed_items", "array"),
        ];
        let type_of = |value: &Value| match value {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        };
        let mut keys: Vec<&str> = object.keys().map(String::as_str).collect();
        keys.sort_unstable();
        let mut expected_keys: Vec<&str> = expected.iter().map(|(key, _)| *key).collect();
        expected_keys.sort_unstable();
        assert_eq!(keys, expected_keys);
        for (key, kind) in expected {
            assert_eq!(type_of(&object[key]), kind, "{key}");
        }
        assert_eq!(event["items"][0]["item_id"], "X \"quoted\"");
        assert_eq!(event["items"][0]["price"], Value::Null);
        assert_eq!(event["items"][0]["index"], 3);
    }

    #[test]
    fn value_sums_priced_items_times_quantity() {
        let mut items = teapot_and_tea();
        items[0].quantity = 3;
        assert_eq!(items_value(&items), Some(9450));
        items
            .iter_mut()
            .for_each(|item| item.price_hundredths = None);
        assert_eq!(items_value(&items), None);
        assert_eq!(items_value(&[]), None);
    }
}
