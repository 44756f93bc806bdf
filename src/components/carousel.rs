//! The carousel layout: previous/next buttons around a natively scrolling track.
//!
//! Swiping, trackpads and scroll-snap are the browser's own horizontal scrolling of
//! `ul.ab-track`; the buttons scroll by one page with `scrollBy` (instantly when the
//! shopper prefers reduced motion); arrow keys, Home and End on the track move focus
//! card by card. The track is measured in one place ([`measure`]) and every decision
//! is made by `CarouselGeometry` on plain numbers. There is no auto-rotation.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlElement, KeyboardEvent, ScrollBehavior, ScrollToOptions};

use super::product_card::ProductCard;
use super::Shared;
use crate::carousel_geometry::{CarouselGeometry, Step};
use crate::events::Listener;

/// `button.ab-prev`, `ul.ab-track` of `li.ab-card`s, `button.ab-next`.
#[component]
pub fn Carousel<L: Listener + 'static>(
    /// What to show.
    data: Shared<L>,
) -> impl IntoView {
    let count = data.view.suggestions.len();
    let right_to_left = data.view.right_to_left;
    let geometry = RwSignal::new_local(None::<CarouselGeometry>);
    // The track is looked up in the widget's shadow root when needed: a `NodeRef` is
    // a signal of its own, and its machinery measured 0.3 KB (brotli) of the download.
    // `try_`: the frame callback below may run after an unmount disposed the signal.
    let remeasure = move |host: &Element| {
        if let Some(track) = track_of(host) {
            geometry.try_set(Some(measure(&track, count, right_to_left)));
        }
    };
    // Measure once the track is in the document (the next frame: the view is mounted
    // by then), then whenever the window resizes or the track scrolls. A frame callback
    // rather than an `Effect`: nothing reactive is read, and the effect machinery
    // measured 0.5 KB (brotli) in the download.
    let host = data.view.host.clone();
    request_animation_frame({
        let host = host.clone();
        move || remeasure(&host)
    });
    let resize = window_event_listener(leptos::ev::resize, {
        let host = host.clone();
        move |_| remeasure(&host)
    });
    on_cleanup(move || resize.remove());
    let on_scroll = {
        let host = host.clone();
        move |_| remeasure(&host)
    };

    // Before the first measurement nothing is known to be scrollable: both disabled.
    // Both buttons take their closures from one maker each, so the two share one
    // closure type and the view code for them is compiled once, not twice.
    let disabled = move |step| {
        move || !geometry.with(|geometry| geometry.is_some_and(|geometry| geometry.can_go(step)))
    };
    let page = move |host: &Element, step| {
        let (Some(track), Some(geometry)) = (track_of(host), geometry.get_untracked()) else {
            return;
        };
        let options = ScrollToOptions::new();
        options.set_left(geometry.page_scroll_by(step));
        options.set_behavior(scroll_behavior());
        track.scroll_by_with_scroll_to_options(&options);
    };
    let on_page = |step| {
        let host = host.clone();
        move |_| page(&host, step)
    };
    let on_key = {
        let host = host.clone();
        move |event: KeyboardEvent| {
            let Some(track) = track_of(&host) else {
                return;
            };
            let geometry = measure(&track, count, right_to_left);
            let cards = track.children();
            let focused = event
                .target()
                .and_then(|target| target.dyn_into::<web_sys::Node>().ok());
            let current = (0..cards.length())
                .find(|&index| {
                    cards
                        .item(index)
                        .is_some_and(|card| card.contains(focused.as_ref()))
                })
                .map_or(geometry.first_visible(), |index| index as usize);
            if let Some(target) = geometry.index_after_key(&event.key(), current) {
                event.prevent_default();
                focus_card(cards.item(target as u32));
            }
        }
    };
    let cards = (0..count)
        .map(|index| view! { <ProductCard data=Shared::clone(&data) index=index /> })
        .collect_view();
    view! {
        <div class="ab-carousel">
            <button class="ab-prev" type="button" aria-label="Previous products"
                disabled=disabled(Step::Previous) on:click=on_page(Step::Previous)>"‹"</button>
            <ul class="ab-track" on:scroll=on_scroll on:keydown=on_key>{cards}</ul>
            <button class="ab-next" type="button" aria-label="Next products"
                disabled=disabled(Step::Next) on:click=on_page(Step::Next)>"›"</button>
        </div>
    }
}

/// The carousel's track in the shadow root of `host`.
fn track_of(host: &Element) -> Option<HtmlElement> {
    host.shadow_root()?
        .query_selector(".ab-track")
        .ok()??
        .dyn_into()
        .ok()
}

/// The one place the DOM is measured.
fn measure(track: &HtmlElement, item_count: usize, right_to_left: bool) -> CarouselGeometry {
    let cards = track.children();
    let width_of = |index: u32| {
        cards
            .item(index)
            .and_then(|card| card.dyn_into::<HtmlElement>().ok())
    };
    let (card_width, gap) = match (width_of(0), width_of(1)) {
        (Some(first), Some(second)) => {
            let width = f64::from(first.offset_width());
            let stride = f64::from((second.offset_left() - first.offset_left()).abs());
            (width, (stride - width).max(0.0))
        }
        (Some(first), None) => (f64::from(first.offset_width()), 0.0),
        _ => (1.0, 0.0),
    };
    CarouselGeometry {
        item_count,
        card_width,
        gap,
        viewport_width: f64::from(track.client_width()),
        content_width: f64::from(track.scroll_width()),
        scroll_left: f64::from(track.scroll_left()),
        right_to_left,
    }
}

/// Focuses the card's link (or its button when it has no link); the browser
/// scrolls it into view and scroll-snap aligns it.
fn focus_card(card: Option<Element>) {
    let target = card.and_then(|card| card.query_selector("a[href],button").ok().flatten());
    if let Some(target) = target.and_then(|target| target.dyn_into::<HtmlElement>().ok()) {
        let _ = target.focus();
    }
}

/// `smooth`, or `auto` (instant) when the shopper prefers reduced motion.
fn scroll_behavior() -> ScrollBehavior {
    let reduced = web_sys::window()
        .and_then(|window| {
            window
                .match_media("(prefers-reduced-motion: reduce)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches());
    if reduced {
        ScrollBehavior::Auto
    } else {
        ScrollBehavior::Smooth
    }
}
