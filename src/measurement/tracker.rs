//! One mounted widget's measurement: it turns what happens to the widget into the
//! events of docs/events.md and sends each where it goes (section 6): into the DOM
//! event's detail (always; the event itself is dispatched by `events`), then, with
//! tracking on, the GA4 `dataLayer` push and the beacon queue.

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::events::{self, Measure, ShownProduct};
use crate::measurement::attribution::{remember_added, AddedEntry, ADDED_KEY};
use crate::measurement::event::{items_value, Event, Item};
use crate::measurement::{attribution, beacon, data_layer, storage};
use crate::settings::{Layout, Measurement, WidgetConfig};
use alsobought_core::events::EventKind;

/// The measurement of one mounted widget.
pub struct Tracker {
    measurement: Measurement,
}

impl Tracker {
    /// A tracker for a widget configured with `measurement`.
    pub fn new(measurement: Measurement) -> Self {
        if let Some(url) = &measurement.beacon {
            beacon::register(url);
        }
        Tracker { measurement }
    }
}

impl Measure for Tracker {
    fn is_holdout(&self) -> bool {
        self.measurement.is_holdout()
    }

    /// Records the exposure of a widget in an experiment (nothing outside one), with
    /// its own DOM event, `alsobought:exposure`.
    fn mounted(&self, host: &Element, config: &WidgetConfig) {
        if self.measurement.assignment.is_none() {
            return;
        }
        let detail = events::products_detail(&[], None);
        let recorded = self.record(Some(EventKind::Exposure), config, &[], &detail);
        recorded(events::dispatch(host, events::EXPOSURE, &detail, false));
    }

    /// Adds the widget's `experiment` and `variant` to `detail`, and `event`, the event
    /// object (`null` for `ready` and with tracking off: then no id exists). Once the
    /// DOM event is dispatched, unless an add to cart was left unhandled (the caller
    /// records the click it becomes), the event goes to `dataLayer` and the beacon; a
    /// handled add is remembered for attribution.
    fn record<'a>(
        &'a self,
        kind: Option<EventKind>,
        config: &'a WidgetConfig,
        items: &[ShownProduct<'a>],
        detail: &Object,
    ) -> impl FnOnce(bool) + 'a {
        let assignment = self.measurement.assignment.as_ref();
        set(
            detail,
            "experiment",
            assignment.map(|assignment| assignment.experiment.as_str()),
        );
        set(
            detail,
            "variant",
            assignment.map(|assignment| assignment.variant.as_str()),
        );
        let event = kind
            .filter(|_| self.measurement.tracking)
            .map(|kind| self.event(kind, config, items));
        let json = event.as_ref().map(Event::to_json);
        let event_value = json
            .as_deref()
            .and_then(|json| JSON::parse(json).ok())
            .unwrap_or(JsValue::NULL);
        let _ = Reflect::set(detail, &"event".into(), &event_value);
        move |not_prevented| {
            let (Some(event), Some(json)) = (event, json) else {
                return;
            };
            if event.event_type == EventKind::AddToCart {
                if not_prevented {
                    return;
                }
                self.remember_added(&event);
            }
            if let Some((pushed, clear_first)) = event.data_layer_json() {
                data_layer::push(&pushed, clear_first);
            }
            if let Some(url) = &self.measurement.beacon {
                beacon::enqueue(url, json);
            }
        }
    }
}

impl Tracker {
    /// An event of this widget about `shown` (an add to cart with its value).
    fn event<'a>(
        &'a self,
        event_type: EventKind,
        config: &'a WidgetConfig,
        shown: &[ShownProduct<'a>],
    ) -> Event<'a> {
        let store_currency = config.currency.as_deref();
        let layout = (!self.measurement.is_holdout()).then_some(match config.layout {
            Layout::Carousel => "carousel",
            Layout::Bundle => "bundle",
        });
        let mut event = Event::of_list(
            event_type,
            js_sys::Date::now() as u64,
            &self.measurement,
            layout,
            config.context_ids(),
        );
        event.currency = shown
            .iter()
            .find_map(|shown| shown.product.display_currency(store_currency));
        event.items = shown
            .iter()
            .map(|shown| Item {
                id: &shown.product.id,
                name: &shown.product.title,
                index: Some(shown.index),
                price_hundredths: shown.product.price_hundredths.map(i64::from),
                category: shown.product.category.as_deref(),
                quantity: 1,
            })
            .collect();
        if event_type == EventKind::AddToCart {
            event.value_hundredths = items_value(&event.items);
        }
        event
    }

    /// Adds the products of a handled add to `alsobought:added`.
    fn remember_added(&self, event: &Event<'_>) {
        let assignment = self.measurement.assignment.as_ref();
        let mut entries = storage::read_added(ADDED_KEY);
        remember_added(
            &mut entries,
            event.items.iter().map(|item| AddedEntry {
                item_id: item.id.into(),
                ts: event.timestamp_ms,
                experiment: assignment.map(|assignment| assignment.experiment.clone()),
                variant: assignment.map(|assignment| assignment.variant.clone()),
            }),
            event.timestamp_ms,
        );
        storage::write(ADDED_KEY, &attribution::added_json(&entries));
    }
}

fn set(target: &Object, key: &str, value: Option<&str>) {
    let value = value.map(JsValue::from).unwrap_or(JsValue::NULL);
    // Reflect.set on a plain new object cannot fail.
    let _ = Reflect::set(target, &key.into(), &value);
}
