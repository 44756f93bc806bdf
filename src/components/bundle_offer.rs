//! The bundle layout (the "frequently bought together" box of large shops): the
//! product on screen plus the suggestions, each with a checkbox, a live total and
//! one "Add all to cart" button that sends every chosen product in one event.
//!
//! With a cart as context the cart items are already bought, so only the
//! suggestions are listed.

use leptos::prelude::*;

use super::{from_price, Shared};
use crate::events::{Listener, ShownProduct};
use crate::json_text::{concat, decimal};
use crate::price_format::PriceFormatter;
use crate::product::{bundle_total, ProductView};

/// `.ab-bundle` with one `label.ab-item` per product, `.ab-total` and `button.ab-add-all`.
#[component]
pub fn BundleOffer<L: Listener + 'static>(
    /// What to show.
    data: Shared<L>,
) -> impl IntoView {
    let view = &data.view;
    let on_screen = view.config.product.as_deref();
    let items: Vec<ProductView> = view
        .context
        .iter()
        .filter(|product| Some(product.id.as_str()) == on_screen)
        .take(1)
        .chain(&view.suggestions)
        .cloned()
        .collect();
    let item_count = items.len();
    let chosen = RwSignal::new_local(vec![true; item_count]);
    // Reactive text must be `Send`, so the total's closure holds arena handles and
    // owned values, not the `Rc` of the widget's data. The products and the price
    // formatter share one stored value: each stored type is its own copy of the
    // arena code.
    let store_currency = view.config.currency.clone();
    let products_and_prices =
        StoredValue::new_local((items, PriceFormatter::new(view.config.locale.as_deref())));

    let rows = products_and_prices.with_value(|(items, _)| {
        items
            .iter()
            .enumerate()
            .map(|(index, product)| {
                let on_change = move |event| chosen.update(|chosen| chosen[index] = event_target_checked(&event));
                view! {
                    <label class="ab-item">
                        <input type="checkbox" checked=true on:change=on_change />
                        <img class="ab-image" src=product.image.clone() alt="" loading="lazy" decoding="async"
                            width="56" height="56" />
                        <span class="ab-name">{product.title.clone()}</span>
                        <span class="ab-price">{view.price_text(product)}</span>
                    </label>
                }
            })
            .collect_view()
    });

    let total = move || {
        let chosen = chosen.get();
        products_and_prices
            .try_update_value(|(items, formatter)| {
                let picked = items
                    .iter()
                    .zip(&chosen)
                    .filter(|(_, &is_chosen)| is_chosen)
                    .map(|(product, _)| product);
                // A product in variants adds its lowest price: the total is the least
                // the bundle costs.
                let from = picked.clone().any(|product| product.price_from);
                let total = bundle_total(picked, store_currency.as_deref());
                let amount = total.hundredths as f64 / 100.0;
                from_price(from, formatter.format(amount, total.currency.as_deref()))
            })
            .unwrap_or_default()
    };
    let chosen_count =
        move || chosen.with(|chosen| chosen.iter().filter(|&&is_chosen| is_chosen).count());
    let add_all = move |_| {
        let chosen = chosen.get_untracked();
        products_and_prices.with_value(|(items, _)| {
            let picked: Vec<ShownProduct<'_>> = items
                .iter()
                .enumerate()
                .filter(|(index, _)| chosen[*index])
                .map(|(index, product)| ShownProduct { index, product })
                .collect();
            // Without a listener the shopper lands on the first chosen suggestion's
            // page (the product on screen is the page they are on).
            let destination = picked
                .iter()
                .find(|shown| {
                    Some(shown.product.id.as_str()) != data.view.config.product.as_deref()
                })
                .or(picked.first())
                .and_then(|shown| shown.product.url.as_deref());
            data.add_to_cart(&picked, destination);
        });
    };
    view! {
        <div class="ab-bundle">
            {rows}
            <div class="ab-summary">
                <span class="ab-total" aria-live="polite">"Total: " {total}</span>
                <button class="ab-add-all" type="button" disabled=move || chosen_count() == 0 on:click=add_all>
                    {move || concat(&["Add all ", &decimal(chosen_count() as u64), " to cart"])}
                </button>
            </div>
        </div>
    }
}
