//! The root component: the labelled region with its heading, and the chosen layout.

use leptos::either::Either;
use leptos::prelude::*;

use super::bundle_offer::BundleOffer;
use super::carousel::Carousel;
use super::Shared;
use crate::events::Listener;
use crate::settings::Layout;

/// The id of the heading inside the shadow root (ids there do not clash with the page's).
const HEADING_ID: &str = "ab-title";

/// The whole widget: `section.ab-root` labelled by its heading `.ab-title` (an `h2`
/// unless `data-heading` says otherwise).
///
/// The carousel layout is announced as a carousel (WAI-ARIA APG pattern); the bundle
/// layout is a form-like list, so it is a plain labelled region.
#[component]
pub fn AlsoBought<L: Listener + 'static>(
    /// What to show.
    data: Shared<L>,
) -> impl IntoView {
    let title = data.view.config.title.clone();
    let layout = data.view.config.layout;
    let role_description = (layout == Layout::Carousel).then_some("carousel");
    view! {
        <section class="ab-root" role="region" aria-roledescription=role_description aria-labelledby=HEADING_ID>
            // `data-heading` picks the level; `part` lets the page's CSS reach the
            // title (`::part(title)`) to match its own section headings.
            {leptos::html::custom(data.view.config.heading)
                .class("ab-title")
                .id(HEADING_ID)
                .attr("part", "title")
                .child(title)}
            {match layout {
                Layout::Carousel => Either::Left(view! { <Carousel data=data /> }),
                Layout::Bundle => Either::Right(view! { <BundleOffer data=data /> }),
            }}
        </section>
    }
}
