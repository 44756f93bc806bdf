//! One mounted widget's measurement: it turns what happens to the widget into the
//! events of docs/events.md and sends each where it goes (section 6): the DOM event on
//! the host (always), then, with tracking on, the GA4 `dataLayer` push and the beacon
//! queue.
//!
//! A tracker lives from `mount` to `unmount` (a cart update re-renders under the same
//! tracker), which is what "one exposure and at most one impression per page view per
//! list" needs.

use core::cell::Cell;

use js_sys::{Object, Reflect, JSON};
use wasm_bindgen::JsValue;
use web_sys::Element;

use crate::events::{self, Listener, ShownProduct};
use crate::measurement::attribution::{remember_added, AddedEntry, ADDED_KEY};
use crate::measurement::event::{items_value, Event, Item};
use crate::measurement::{attribution, beacon, data_layer, storage};
use crate::settings::{Layout, Measurement, WidgetConfig};
use alsobought_core::events::EventKind;

/// The measurement of one mounted widget.
pub struct Tracker {
    measurement: Measurement,
    impressed: Cell<bool>,
}

impl Tracker {
    /// A tracker for a widget configured with `measurement`.
    pub fn new(measurement: Measurement) -> Self {
        if let Some(url) = &measurement.beacon {
            beacon::register(url);
        }
        Tracker {
            measurement,
            impressed: Cell::new(false),
        }
    }

    /// Whether the widget is in a holdout variant: it shows nothing.
    pub fn is_holdout(&self) -> bool {
        self.measurement.is_holdout()
    }
}

/// Each event goes to the DOM, and with tracking on to `dataLayer` and the beacon.
impl Listener for Tracker {
    /// Records the exposure of a widget in an experiment (nothing outside one).
    fn exposure(&self, host: &Element, config: &WidgetConfig) {
        if self.measurement.assignment.is_none() {
            return;
        }
        let event = self.event(EventKind::Exposure, config, &[], None);
        self.announce(host, events::EXPOSURE, &[], None, &event, false);
    }

    /// `alsobought:ready`, a DOM event only.
    fn ready(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]) {
        let currency = config.currency.as_deref();
        self.dispatch(host, events::READY, shown, currency, None, false);
    }

    /// Records the impression, once per mount; the event's items are the suggestions
    /// among the products shown.
    fn impression(
        &self,
        host: &Element,
        config: &WidgetConfig,
        suggestions: usize,
        shown: &[ShownProduct<'_>],
    ) {
        if self.impressed.replace(true) {
            return;
        }
        let currency = config.currency.as_deref();
        let suggestions = shown
            .get(shown.len().saturating_sub(suggestions)..)
            .unwrap_or_default();
        let event = self.event(EventKind::Impression, config, suggestions, currency);
        self.announce(host, events::IMPRESSION, shown, currency, &event, false);
    }

    /// Records a click on `shown` (a followed link or an unhandled add).
    fn click(&self, host: &Element, config: &WidgetConfig, shown: &[ShownProduct<'_>]) {
        let currency = config.currency.as_deref();
        let event = self.event(EventKind::Click, config, shown, currency);
        self.announce(host, events::CLICK, shown, currency, &event, false);
    }

    /// Dispatches the cancelable `alsobought:add-to-cart` for `products`. A store that
    /// handles it (`preventDefault()`) put them in the cart: that is recorded as
    /// `add_to_cart` and remembered for attribution. Otherwise the caller sends the
    /// shopper to `navigate_to`, recorded here as a click on that product. Returns
    /// whether the event was left unhandled.
    fn add_to_cart(
        &self,
        host: &Element,
        config: &WidgetConfig,
        products: &[ShownProduct<'_>],
        navigate_to: Option<&str>,
    ) -> bool {
        let currency = config.currency.as_deref();
        let mut event = self.event(EventKind::AddToCart, config, products, currency);
        event.value_hundredths = items_value(&event.items);
        let not_prevented =
            self.announce(host, events::ADD_TO_CART, products, currency, &event, true);
        if not_prevented {
            let opened = products
                .iter()
                .find(|shown| navigate_to.is_some() && shown.product.url.as_deref() == navigate_to);
            if let Some(opened) = opened {
                self.click(host, config, &[*opened]);
            }
        } else if self.measurement.tracking {
            self.remember_added(&event);
        }
        not_prevented
    }
}

impl Tracker {
    /// Dispatches `name` on `host` with `detail.products` and the widget's
    /// `experiment` / `variant`, and `detail.event` when given (JSON text).
    fn dispatch(
        &self,
        host: &Element,
        name: &str,
        shown: &[ShownProduct<'_>],
        store_currency: Option<&str>,
        event_json: Option<&str>,
        cancelable: bool,
    ) -> bool {
        let detail = events::products_detail(shown, store_currency);
        let assignment = self.measurement.assignment.as_ref();
        set(
            &detail,
            "experiment",
            assignment.map(|assignment| assignment.experiment.as_str()),
        );
        set(
            &detail,
            "variant",
            assignment.map(|assignment| assignment.variant.as_str()),
        );
        let event = event_json
            .and_then(|json| JSON::parse(json).ok())
            .unwrap_or(JsValue::NULL);
        let _ = Reflect::set(&detail, &"event".into(), &event);
        events::dispatch(host, name, &detail, cancelable)
    }

    /// The DOM event first (with the event object only when tracking is on: with it
    /// off no id exists); then, unless a cancelable event was left unhandled, the
    /// `dataLayer` push and the beacon. Returns whether the DOM event was not prevented.
    fn announce(
        &self,
        host: &Element,
        name: &str,
        shown: &[ShownProduct<'_>],
        store_currency: Option<&str>,
        event: &Event<'_>,
        cancelable: bool,
    ) -> bool {
        let json = self.measurement.tracking.then(|| event.to_json());
        let not_prevented = self.dispatch(
            host,
            name,
            shown,
            store_currency,
            json.as_deref(),
            cancelable,
        );
        if cancelable && not_prevented {
            return true;
        }
        if let Some(json) = json {
            if let Some((pushed, clear_first)) = event.data_layer_json() {
                data_layer::push(&pushed, clear_first);
            }
            if let Some(url) = &self.measurement.beacon {
                beacon::enqueue(url, json);
            }
        }
        not_prevented
    }

    /// An event of this widget about `shown`.
    fn event<'a>(
        &'a self,
        event_type: EventKind,
        config: &'a WidgetConfig,
        shown: &[ShownProduct<'a>],
        store_currency: Option<&'a str>,
    ) -> Event<'a> {
        let layout = (!self.is_holdout()).then_some(match config.layout {
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
