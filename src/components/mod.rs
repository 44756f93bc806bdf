//! The widget's leptos components, one per file, and what they share: the data of
//! one rendered widget and the add-to-cart action.

mod also_bought;
mod bundle_offer;
mod carousel;
mod product_card;

pub use also_bought::AlsoBought;

use core::cell::RefCell;
use std::rc::Rc;

use web_sys::Element;

use crate::events::ShownProduct;
use crate::measurement::tracker::Tracker;
use crate::price_format::PriceFormatter;
use crate::product::ProductView;
use crate::settings::WidgetConfig;

/// Everything one rendered widget shows, fixed for the life of the render (a cart
/// update renders anew).
pub struct WidgetData {
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
    /// Records what the shopper does with it (docs/events.md).
    pub tracker: Rc<Tracker>,
}

/// Shared, cheaply cloned access to the widget's data from event handlers.
pub type Shared = Rc<WidgetData>;

impl WidgetData {
    /// The store's `data-currency`, for cards without their own.
    pub fn store_currency(&self) -> Option<&str> {
        self.config.currency.as_deref()
    }

    /// The price as the shopper reads it (`€12.50`), if the product has one.
    pub fn price_text(&self, product: &ProductView) -> Option<String> {
        let amount = product.price_amount()?;
        Some(
            self.prices
                .borrow_mut()
                .format(amount, product.display_currency(self.store_currency())),
        )
    }

    /// Dispatches `alsobought:add-to-cart` for `products`; unless a listener prevents
    /// it, opens `navigate_to` (the product page, where the shopper can buy it).
    pub fn add_to_cart(&self, products: &[ShownProduct<'_>], navigate_to: Option<&str>) {
        let not_prevented = self.tracker.add_to_cart(self, products, navigate_to);
        if let (true, Some(url), Some(window)) = (not_prevented, navigate_to, web_sys::window()) {
            let _ = window.location().set_href(url);
        }
    }

    /// Records a click on the suggestion at `index` (`alsobought:click`).
    pub fn clicked(&self, index: usize) {
        if let Some(product) = self.suggestions.get(index) {
            self.tracker.click(self, &[ShownProduct { index, product }]);
        }
    }
}
