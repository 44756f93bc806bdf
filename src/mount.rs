//! The life of a widget on a page: found (a `[data-alsobought]` element, a script tag
//! carrying the attributes, or the JS `mount`), configured, loaded, rendered into its
//! shadow root, and unmounted.
//!
//! Every mounted widget is one entry in a per-page registry; everything it adds to
//! the page (the rendered view with its listeners, the impression observer) registers
//! its own removal in the entry's teardown list, and unmounting runs them all. A load
//! that finishes after its widget was unmounted or reloaded is dropped by its
//! generation number. Nothing here ever throws into the host page: every failure
//! becomes one `console.error`, an `alsobought:error` event and
//! `data-alsobought-state="error"`.

use core::cell::{Cell, RefCell};
use std::rc::Rc;

use js_sys::Array;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{
    CssStyleSheet, Element, HtmlElement, IntersectionObserver, IntersectionObserverEntry,
    IntersectionObserverInit, ShadowRoot, ShadowRootInit, ShadowRootMode,
};

use crate::components::{AlsoBought, Rendered, WidgetView};
use crate::console;
use crate::events::{self, Announcer, Listener, ShownProduct};
use crate::loader::fetch_source::FetchSource;
use crate::loader::load_error::LoadError;
use crate::loader::table_cache::TableCache;
use crate::loader::table_loader::{load_table, recommend_from, Recommendations};
#[cfg(feature = "measurement")]
use crate::measurement::{identity, tracker::Tracker};
use crate::price_format::PriceFormatter;
#[cfg(feature = "measurement")]
use crate::settings::page::forced_variants;
use crate::settings::page::{AttributeSource, OptionsSource};
use crate::settings::{
    self, ConfigError, Layout, Loading, Origin, Parsed, SettingsSource, WidgetConfig,
};
#[cfg(feature = "measurement")]
use crate::settings::{Configured, PageFacts};
use crate::styles::{reserve_rule, STYLESHEET};

/// The attribute the host gets: `loading`, `ready`, `empty`, `error` or `holdout`.
pub const STATE_ATTRIBUTE: &str = "data-alsobought-state";

/// How near a `data-loading="lazy"` host must come before its table is read: within a
/// viewport's height above or below the visible area, so that a shopper scrolling at
/// reading speed finds the cards already there (a percentage of the viewport scales with
/// the device, where a fixed pixel margin would be a screen on a phone and half of
/// one on a desktop).
const LAZY_MARGIN: &str = "100% 0px";

/// Cleans up one thing a widget added to the page.
type Teardown = Box<dyn FnOnce()>;

/// What measures a widget: measurement's tracker, or nothing in a build without it.
#[cfg(feature = "measurement")]
type Measurer = Tracker;
#[cfg(not(feature = "measurement"))]
type Measurer = ();

/// Dispatches a widget's events, with its measurement told.
type WidgetAnnouncer = Announcer<Measurer>;

/// A widget on the page.
struct Widget {
    /// The element with the shadow root.
    host: HtmlElement,
    /// Where its attributes are read (the host, or the script tag that made it);
    /// `None` when mounted from JS options.
    attributes_from: Option<Element>,
    /// Whether `host` was created by the widget (after a script tag) and is removed on unmount.
    created_host: bool,
    /// The settings in force.
    config: WidgetConfig,
    /// Bumped on every (re)load; stale loads compare and drop their result.
    generation: u32,
    /// Removes everything the current render added.
    teardown: Vec<Teardown>,
    /// Its events and experiment variant, for the life of the mount.
    announcer: Rc<WidgetAnnouncer>,
}

thread_local! {
    static WIDGETS: RefCell<Vec<Widget>> = const { RefCell::new(Vec::new()) };
    static NEXT_GENERATION: Cell<u32> = const { Cell::new(1) };
    static CACHE: Rc<TableCache<FetchSource>> = Rc::new(TableCache::new(FetchSource));
    static SHARED_SHEET: Option<CssStyleSheet> = stylesheet(STYLESHEET);
}

/// Mounts every `[data-alsobought]` element and every `<script data-table src=".../alsobought.js">`
/// not mounted yet.
pub fn mount_page() {
    let Some(document) = web_sys::window().and_then(|window| window.document()) else {
        return;
    };
    if let Ok(hosts) = document.query_selector_all("[data-alsobought]") {
        for index in 0..hosts.length() {
            let Some(host) = hosts
                .item(index)
                .and_then(|node| node.dyn_into::<HtmlElement>().ok())
            else {
                continue;
            };
            if !is_mounted(&host) {
                mount_from_attributes(host.clone(), host.into(), false);
            }
        }
    }
    if let Ok(scripts) = document.query_selector_all("script[data-table]") {
        for index in 0..scripts.length() {
            let Some(script) = scripts
                .item(index)
                .and_then(|node| node.dyn_into::<Element>().ok())
            else {
                continue;
            };
            if is_widget_script(&script) && !has_script_widget(&script) {
                let Ok(host) = document.create_element("div") else {
                    continue;
                };
                if script.after_with_node_1(&host).is_ok() {
                    mount_from_attributes(host.unchecked_into(), script, true);
                }
            }
        }
    }
}

/// Whether the script's `src` is this module (`…/alsobought.js`, query and hash ignored).
fn is_widget_script(script: &Element) -> bool {
    let source = script.get_attribute("src").unwrap_or_default();
    let path = source.split(['?', '#']).next().unwrap_or_default();
    path.ends_with("alsobought.js")
}

/// Reads the data attributes of `attributes_from` and mounts a widget on `host`.
pub fn mount_from_attributes(host: HtmlElement, attributes_from: Element, created_host: bool) {
    let configured = configure(&AttributeSource(&attributes_from));
    start(
        host,
        Some(attributes_from),
        created_host,
        Origin::Attributes,
        configured,
    );
}

/// Mounts a widget on `host` with settings from the JS options object.
pub fn mount_from_options(host: HtmlElement, options: &JsValue) {
    let configured = if options.is_object() {
        configure(&OptionsSource(options))
    } else {
        Err(ConfigError::OptionsNotAnObject)
    };
    start(host, None, false, Origin::Options, configured);
}

/// Validates a widget's settings from `source` with its experiment variant applied,
/// under this page view and the shopper's visitor id.
#[cfg(feature = "measurement")]
fn configure(source: &dyn SettingsSource) -> Result<(Parsed, Measurer), ConfigError> {
    let forced_variants = forced_variants();
    let page_view_id = identity::page_view_id();
    let page = PageFacts {
        page_view_id: &page_view_id,
        forced_variants: &forced_variants,
    };
    let Configured {
        parsed,
        measurement,
    } = settings::configure(source, &page, identity::visitor_id)?;
    Ok((parsed, Tracker::new(measurement)))
}

/// Validates a widget's settings from `source`; a build without measurement runs no
/// experiment, so it says so when the settings ask for one.
#[cfg(not(feature = "measurement"))]
fn configure(source: &dyn SettingsSource) -> Result<(Parsed, Measurer), ConfigError> {
    if source.plain(settings::source::EXPERIMENT).is_some() {
        console::warn(
            "alsobought: this build has no measurement: the experiment is ignored and every shopper sees the plain settings",
        );
    }
    Ok((settings::experiment::parse_with_variant(source, None)?, ()))
}

/// Mounts a configured widget on `host`, or fails it; warnings and errors reach the
/// console here, spelled as the store wrote the settings (`origin`).
fn start(
    host: HtmlElement,
    attributes_from: Option<Element>,
    created_host: bool,
    origin: Origin,
    configured: Result<(Parsed, Measurer), ConfigError>,
) {
    unmount(&host);
    let (parsed, measurer) = match configured {
        Ok(configured) => configured,
        Err(error) => return fail(&host, &error.message(origin)),
    };
    for warning in &parsed.warnings {
        console::warn(&warning.message(origin));
    }
    let announcer = Rc::new(Announcer::new(measurer));
    // Before anything loads, so that every variant, the holdout included, is counted
    // at the same moment (docs/events.md 3.3).
    announcer.exposure(&host, &parsed.config);
    WIDGETS.with_borrow_mut(|widgets| {
        widgets.push(Widget {
            host: host.clone(),
            attributes_from,
            created_host,
            config: parsed.config,
            generation: 0,
            teardown: Vec::new(),
            announcer,
        })
    });
    reload(&host);
}

/// Starts (again) loading the widget on `host`, after tearing down its current render.
pub fn reload(host: &HtmlElement) {
    let generation = NEXT_GENERATION.with(|next| next.replace(next.get().wrapping_add(1)));
    let found = WIDGETS.with_borrow_mut(|widgets| {
        let widget = widgets.iter_mut().find(|widget| widget.host == *host)?;
        widget.generation = generation;
        Some((
            widget.config.clone(),
            core::mem::take(&mut widget.teardown),
            Rc::clone(&widget.announcer),
        ))
    });
    let Some((config, teardown, announcer)) = found else {
        return;
    };
    teardown.into_iter().for_each(|teardown| teardown());
    if let Err(message) = prepare_shadow_root(host, &config) {
        return fail(host, &message);
    }
    // A holdout shows nothing and fetches nothing; its exposure is recorded.
    if announcer.is_holdout() {
        let _ = host.set_attribute(STATE_ATTRIBUTE, "holdout");
        return;
    }
    let _ = host.set_attribute(STATE_ATTRIBUTE, "loading");
    let lazy = config.loading == Loading::Lazy;
    let load = {
        let host = host.clone();
        move || {
            wasm_bindgen_futures::spawn_local(async move {
                let cache = CACHE.with(Rc::clone);
                let context_ids = config.context_ids();
                let outcome =
                    load_table(&cache, &config.table_url, &context_ids, config.timeout_ms)
                        .await
                        .and_then(|loaded| recommend_from(&loaded, &config));
                if current_generation(&host) != Some(generation) {
                    return;
                }
                match outcome {
                    Err(error) => fail_load(&host, &config, &error),
                    Ok(recommendations) if recommendations.suggestions.is_empty() => {
                        let _ = host.set_attribute(STATE_ATTRIBUTE, "empty");
                    }
                    Ok(recommendations) => render(&host, config, recommendations, announcer),
                }
            });
        }
    };
    if lazy {
        // The host keeps its reserved height meanwhile, so nothing moves when it renders.
        let near = IntersectionObserverInit::new();
        near.set_root_margin(LAZY_MARGIN);
        watch_once(
            host,
            &near,
            IntersectionObserverEntry::is_intersecting,
            Box::new(load),
        );
    } else {
        load();
    }
}

/// A new page view in a single-page app: widgets loaded from now on check that their
/// table is still the one this page read (`TableCache::revalidate`), so a rebuilt one
/// is picked up.
pub fn start_page_view() {
    CACHE.with(|cache| cache.revalidate());
}

/// Re-reads the attributes of every attribute-configured widget and reloads it,
/// forgets widgets whose host left the page, and mounts new ones.
pub fn refresh_page() {
    let widgets: Vec<(HtmlElement, Option<Element>, bool)> = WIDGETS.with_borrow(|widgets| {
        widgets
            .iter()
            .map(|widget| {
                (
                    widget.host.clone(),
                    widget.attributes_from.clone(),
                    widget.created_host,
                )
            })
            .collect()
    });
    for (host, attributes_from, created_host) in widgets {
        match attributes_from {
            _ if !host.is_connected() => unmount(&host),
            Some(attributes_from) => mount_from_attributes(host, attributes_from, created_host),
            None => reload(&host),
        }
    }
    mount_page();
}

/// Replaces the cart of the widget on `host` and reloads it.
pub fn update_cart(host: &HtmlElement, cart: Vec<String>) {
    let known = WIDGETS.with_borrow_mut(|widgets| {
        let widget = widgets.iter_mut().find(|widget| widget.host == *host)?;
        widget.config.cart = cart;
        Some(())
    });
    match known {
        Some(()) => reload(host),
        None => console::warn(
            "alsobought: updateCart() on an element without a widget; call mount() first",
        ),
    }
}

/// Removes the widget on `host`: its render, its listeners and observers, its state.
pub fn unmount(host: &HtmlElement) {
    let removed = WIDGETS.with_borrow_mut(|widgets| {
        let index = widgets.iter().position(|widget| widget.host == *host)?;
        Some(widgets.remove(index))
    });
    let Some(widget) = removed else { return };
    widget.teardown.into_iter().for_each(|teardown| teardown());
    let _ = host.remove_attribute(STATE_ATTRIBUTE);
    // A shadow root cannot be removed; without its sheets the host is the page's again.
    if let Some(root) = host.shadow_root() {
        root.set_adopted_style_sheets(&Array::new());
    }
    if widget.created_host {
        host.remove();
    }
}

fn is_mounted(host: &HtmlElement) -> bool {
    WIDGETS.with_borrow(|widgets| widgets.iter().any(|widget| widget.host == *host))
}

fn has_script_widget(script: &Element) -> bool {
    WIDGETS.with_borrow(|widgets| {
        widgets
            .iter()
            .any(|widget| widget.attributes_from.as_ref() == Some(script))
    })
}

fn current_generation(host: &HtmlElement) -> Option<u32> {
    WIDGETS.with_borrow(|widgets| {
        widgets
            .iter()
            .find(|widget| widget.host == *host)
            .map(|widget| widget.generation)
    })
}

fn add_teardown(host: &HtmlElement, teardown: Teardown) {
    let leftover = WIDGETS.with_borrow_mut(|widgets| {
        match widgets.iter_mut().find(|widget| widget.host == *host) {
            Some(widget) => {
                widget.teardown.push(teardown);
                None
            }
            None => Some(teardown),
        }
    });
    // The widget was unmounted meanwhile: clean up at once.
    if let Some(teardown) = leftover {
        teardown();
    }
}

/// Opens (or reuses) the host's shadow root and adopts the shared and per-widget sheets.
fn prepare_shadow_root(host: &HtmlElement, config: &WidgetConfig) -> Result<ShadowRoot, String> {
    let root = match host.shadow_root() {
        Some(root) => root,
        None => host
            .attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))
            .map_err(|_| String::from("alsobought: cannot attach a shadow root to this element; use a <div data-alsobought>"))?,
    };
    let sheets = Array::new();
    if let Some(shared) = SHARED_SHEET.with(Clone::clone) {
        sheets.push(&shared);
    }
    if let Some(reserve) = stylesheet(&reserve_rule(config)) {
        sheets.push(&reserve);
    }
    root.set_adopted_style_sheets(&sheets);
    Ok(root)
}

fn stylesheet(text: &str) -> Option<CssStyleSheet> {
    let sheet = CssStyleSheet::new().ok()?;
    sheet.replace_sync(text).ok()?;
    Some(sheet)
}

/// Renders the suggestions into the shadow root, then announces them.
fn render(
    host: &HtmlElement,
    config: WidgetConfig,
    recommendations: Recommendations,
    announcer: Rc<WidgetAnnouncer>,
) {
    let Some(root) = host.shadow_root() else {
        return;
    };
    let Some(container) = host
        .owner_document()
        .and_then(|document| document.create_element("div").ok())
        .and_then(|element| element.dyn_into::<HtmlElement>().ok())
    else {
        return;
    };
    if root.append_child(&container).is_err() {
        return;
    }
    let right_to_left = host
        .closest("[dir]")
        .ok()
        .flatten()
        .and_then(|element| element.get_attribute("dir"))
        .as_deref()
        == Some("rtl");
    let data = Rc::new(Rendered {
        view: WidgetView {
            host: host.clone().into(),
            prices: RefCell::new(PriceFormatter::new(config.locale.as_deref())),
            config,
            context: recommendations.context,
            suggestions: recommendations.suggestions,
            right_to_left,
        },
        listener: announcer,
    });
    let view_data = Rc::clone(&data);
    let handle = leptos::mount::mount_to(
        container.clone(),
        move || leptos::view! { <AlsoBought data=view_data /> },
    );
    add_teardown(
        host,
        Box::new(move || {
            drop(handle);
            container.remove();
        }),
    );
    let _ = host.set_attribute(STATE_ATTRIBUTE, "ready");
    let view = &data.view;
    data.listener
        .ready(host, &view.config, &shown_products(view));
    observe_impression(host, data);
}

/// The products on screen, as events list them.
fn shown_products(view: &WidgetView) -> Vec<ShownProduct<'_>> {
    let mut shown: Vec<ShownProduct<'_>> = Vec::new();
    if view.config.layout == Layout::Bundle {
        let on_screen = view.config.product.as_deref();
        shown.extend(
            view.context
                .iter()
                .filter(|product| Some(product.id.as_str()) == on_screen)
                .take(1)
                .map(|product| ShownProduct { index: 0, product }),
        );
    }
    let offset = shown.len();
    shown.extend(
        view.suggestions
            .iter()
            .enumerate()
            .map(|(index, product)| ShownProduct {
                index: index + offset,
                product,
            }),
    );
    shown
}

/// Records the impression the first time at least half of the widget is visible (the
/// announcer keeps it to once per mount, across cart updates).
fn observe_impression(host: &HtmlElement, data: Rc<Rendered<WidgetAnnouncer>>) {
    let options = IntersectionObserverInit::new();
    options.set_threshold_f64(0.5);
    watch_once(
        host,
        &options,
        |entry| entry.is_intersecting() && entry.intersection_ratio() >= 0.5,
        Box::new(move || {
            let view = &data.view;
            let suggestions = view.suggestions.len();
            let shown = shown_products(view);
            data.listener
                .impression(&view.host, &view.config, suggestions, &shown);
        }),
    );
}

/// Calls `reached` the first time one of `host`'s intersection entries passes
/// `is_reached`; the widget's teardown stops the watch (and drops `reached` uncalled).
/// `reached` is boxed so that every watch shares one copy of this code in the wasm.
fn watch_once(
    host: &HtmlElement,
    options: &IntersectionObserverInit,
    is_reached: fn(&IntersectionObserverEntry) -> bool,
    reached: Box<dyn FnOnce()>,
) {
    let observer_slot: Rc<RefCell<Option<IntersectionObserver>>> = Rc::default();
    let mut reached = Some(reached);
    let callback = {
        let observer_slot = Rc::clone(&observer_slot);
        Closure::<dyn FnMut(Array)>::new(move |entries: Array| {
            if !entries
                .iter()
                .any(|entry| is_reached(entry.unchecked_ref()))
            {
                return;
            }
            if let Some(observer) = observer_slot.borrow_mut().take() {
                observer.disconnect();
            }
            if let Some(reached) = reached.take() {
                reached();
            }
        })
    };
    let Ok(observer) =
        IntersectionObserver::new_with_options(callback.as_ref().unchecked_ref(), options)
    else {
        return;
    };
    observer.observe(host);
    *observer_slot.borrow_mut() = Some(observer);
    add_teardown(
        host,
        Box::new(move || {
            if let Some(observer) = observer_slot.borrow_mut().take() {
                observer.disconnect();
            }
            drop(callback);
        }),
    );
}

fn fail_load(host: &HtmlElement, config: &WidgetConfig, error: &LoadError) {
    fail(host, &error.console_message(&config.table_url));
}

/// The one failure path: one console line, the state, the event; nothing rendered.
fn fail(host: &HtmlElement, message: &str) {
    console::error(message);
    let _ = host.set_attribute(STATE_ATTRIBUTE, "error");
    events::dispatch(host, events::ERROR, &events::error_detail(message), false);
}
