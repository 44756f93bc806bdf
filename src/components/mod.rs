//! The widget's leptos components, one per file, and what they share: the view model
//! of one rendered widget ([`WidgetView`]) and its actions ([`Rendered::add_to_cart`],
//! [`Rendered::clicked`]), which go to a [`Listener`] the mount wires in.
//!
//! The components are generic over that listener, so the one the mount picks is called
//! directly, with no trait object, and they import nothing of measurement.

mod also_bought;
mod bundle_offer;
mod carousel;
mod product_card;

pub use also_bought::AlsoBought;

use core::cell::RefCell;
use std::rc::Rc;

use web_sys::Element;

use crate::events::{Listener, ShownProduct};
use crate::json_text::concat;
use crate::price_format::PriceFormatter;
use crate::product::{hundredths_to_amount, ProductView};
use crate::settings::WidgetConfig;

/// Everything one rendered widget shows, fixed for the life of the render (a cart
/// update renders anew).
pub struct WidgetView {
    /// The host element events are dispatched on.
    pub host: Element,
    /// The validated settings.
    pub config: WidgetConfig,
    /// The context products found in the table (product on screen first).
    pub context: Vec<ProductView>,
    /// The suggestions, best first, already capped.
    pub suggestions: Vec<ProductView>,
    /// Whether the page reads right to left (`dir="rtl"` on the host or an ancestor).
    pub right_to_left: bool,
    /// `Intl.NumberFormat`s for `data-locale`, made on first use.
    pub prices: RefCell<PriceFormatter>,
}

impl WidgetView {
    /// The store's `data-currency`, for cards without their own.
    pub fn store_currency(&self) -> Option<&str> {
        self.config.currency.as_deref()
    }

    /// The price as the shopper reads it (`€12.50`, or `from €12.00` for a product
    /// whose variants cost more), if the product has one.
    pub fn price_text(&self, product: &ProductView) -> Option<String> {
        let price = self.money(product, product.price_hundredths?);
        Some(from_price(product.price_from, price))
    }

    /// `hundredths` of `product`'s currency as the shopper reads it (`€12.50`).
    pub fn money(&self, product: &ProductView, hundredths: u32) -> String {
        self.prices.borrow_mut().format(
            hundredths_to_amount(hundredths),
            product.display_currency(self.store_currency()),
        )
    }
}

/// A rendered widget: what it shows, and the listener that hears what the shopper does
/// with it (the mount wires it in; the components only know it is a [`Listener`]).
pub struct Rendered<L> {
    /// What it shows.
    pub view: WidgetView,
    /// Hears clicks and adds to cart.
    pub listener: Rc<L>,
}

/// Shared, cheaply cloned access to the widget from event handlers.
pub type Shared<L> = Rc<Rendered<L>>;

impl<L: Listener> Rendered<L> {
    /// Dispatches `alsobought:add-to-cart` for `products`; unless a listener prevents
    /// it, opens `navigate_to` (the product page, where the shopper can buy it).
    pub fn add_to_cart(&self, products: &[ShownProduct<'_>], navigate_to: Option<&str>) {
        let view = &self.view;
        let not_prevented =
            self.listener
                .add_to_cart(&view.host, &view.config, products, navigate_to);
        if let (true, Some(url), Some(window)) = (not_prevented, navigate_to, web_sys::window()) {
            let _ = window.location().set_href(url);
        }
    }

    /// Records a click on the suggestion at `index` (`alsobought:click`).
    pub fn clicked(&self, index: usize) {
        let view = &self.view;
        if let Some(product) = view.suggestions.get(index) {
            let shown = [ShownProduct { index, product }];
            self.listener.click(&view.host, &view.config, &shown);
        }
    }
}

/// `price` as the least a product (or a bundle holding one) costs, when `from`.
pub fn from_price(from: bool, price: String) -> String {
    if from {
        concat(&["from ", &price])
    } else {
        price
    }
}
