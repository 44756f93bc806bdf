//! One suggestion in the carousel: a slide of the APG carousel pattern.

use leptos::prelude::*;

use super::Shared;
use crate::carousel_geometry::slide_label;
use crate::events::{Listener, ShownProduct};
use crate::json_text::concat;

/// Image size hint (the card's largest width): with `width`/`height` the browser
/// reserves the square before the lazy image arrives.
const IMAGE_SIZE: &str = "192";

/// `li > div.ab-card[role=group][aria-roledescription=slide][aria-label="3 of 8"]`.
#[component]
pub fn ProductCard<L: Listener + 'static>(
    /// The widget; the card shows `data.view.suggestions[index]`.
    data: Shared<L>,
    /// Position among the suggestions, from 0.
    index: usize,
) -> impl IntoView {
    let product = data.view.suggestions[index].clone();
    let label = slide_label(index, data.view.suggestions.len());
    let price = data.view.price_text(&product);
    // A sale: the old price struck through, read out as "was €12.00" (the stylesheet
    // adds the visually hidden "was": a screen reader does not announce a strike).
    // A `span` like the name's, built without `view!`, shares its code: a new element
    // type (`<s>`, or a static `<span>` that brings leptos's `<template>` cloning)
    // costs the download up to 0.9 KB.
    let was = product.compare_at_hundredths.map(|was| {
        leptos::html::span()
            .class("ab-was")
            .child(data.view.money(&product, was))
    });
    let rating = product.rating_stars().map(|stars| {
        view! { <div class="ab-rating" role="img" aria-label=product.rating_label()>{stars}</div> }
    });
    let on_click = {
        let data = Shared::clone(&data);
        move |_| data.clicked(index)
    };
    let on_add = move |_| {
        let product = &data.view.suggestions[index];
        data.add_to_cart(&[ShownProduct { index, product }], product.url.as_deref());
    };
    // The slide is a group inside a list item: `li` may not take the group role, and
    // the list still tells assistive technology how many suggestions there are.
    view! {
        <li>
            <div class="ab-card" role="group" aria-roledescription="slide" aria-label=label>
                <a class="ab-link" href=product.url.clone() on:click=on_click>
                    <img class="ab-image" src=product.image.clone() alt="" loading="lazy" decoding="async"
                        width=IMAGE_SIZE height=IMAGE_SIZE />
                    <span class="ab-name">{product.title.clone()}</span>
                </a>
                <div class="ab-price">{price}{was}</div>
                {rating}
                // The accessible name starts with the visible text (WCAG 2.5.3, label in name).
                <button class="ab-add" type="button" aria-label=concat(&["Add to cart: ", &product.title])
                    on:click=on_add>
                    "Add to cart"
                </button>
            </div>
        </li>
    }
}
