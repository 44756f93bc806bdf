//! Who the events are about (docs/events.md section 2): the visitor id, 128 random
//! bits kept in `localStorage` (no cookie), and the page view id, drawn when the
//! module loads and again on every JS-API `mount()` / `refresh()`.
//!
//! When `localStorage` is unavailable (blocked storage, some private modes) the visitor
//! id lives for the page only, and the console says so once: the visitor then gets a
//! fresh assignment on every page, which keeps experiments unbiased but counts one
//! person as several visitors.

use crate::json_text::hex_digit;

/// The `localStorage` key of the visitor id.
pub const VISITOR_KEY: &str = "alsobought:visitor";

/// 16 random bytes as 32 lower-case hex characters.
pub fn hex_id(bytes: &[u8; 16]) -> String {
    let mut id = String::with_capacity(32);
    for byte in bytes {
        id.push(hex_digit(byte >> 4));
        id.push(hex_digit(byte & 0xf));
    }
    id
}

#[cfg(target_arch = "wasm32")]
mod browser {
    use core::cell::RefCell;

    use alsobought_core::events::is_valid_visitor_id;

    use super::{hex_id, VISITOR_KEY};
    use crate::console;
    use crate::measurement::storage;

    thread_local! {
        static VISITOR_ID: RefCell<Option<String>> = const { RefCell::new(None) };
        static PAGE_VIEW_ID: RefCell<Option<String>> = const { RefCell::new(None) };
    }

    /// A fresh id from `crypto.getRandomValues` (`Math.random` only where the page has
    /// no `crypto`, which no supported browser lacks).
    pub fn random_id() -> String {
        let mut bytes = [0u8; 16];
        let filled = web_sys::window()
            .and_then(|window| window.crypto().ok())
            .is_some_and(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).is_ok());
        if !filled {
            for byte in &mut bytes {
                *byte = (js_sys::Math::random() * 256.0) as u8;
            }
        }
        hex_id(&bytes)
    }

    /// The visitor id: the stored one when valid, else a new one, stored.
    pub fn visitor_id() -> String {
        VISITOR_ID.with_borrow_mut(|cached| {
            cached
                .get_or_insert_with(|| {
                    if let Some(stored) = storage::read(VISITOR_KEY) {
                        if is_valid_visitor_id(&stored) {
                            return stored;
                        }
                    }
                    let fresh = random_id();
                    if !storage::write(VISITOR_KEY, &fresh) {
                        console::warn(
                            "alsobought: localStorage is unavailable, so the visitor id lasts for this page only; \
                             experiments stay unbiased but a returning shopper counts as a new visitor",
                        );
                    }
                    fresh
                })
                .clone()
        })
    }

    /// The page view id in force.
    pub fn page_view_id() -> String {
        PAGE_VIEW_ID.with_borrow_mut(|cached| cached.get_or_insert_with(random_id).clone())
    }

    /// Starts a new page view (a single-page app's navigation: `mount()`, `refresh()`).
    pub fn start_page_view() {
        PAGE_VIEW_ID.with_borrow_mut(|cached| *cached = Some(random_id()));
    }
}

#[cfg(target_arch = "wasm32")]
pub use browser::{page_view_id, random_id, start_page_view, visitor_id};

#[cfg(test)]
mod tests {
    use super::*;
    use alsobought_core::events::is_valid_visitor_id;

    #[test]
    fn ids_are_32_lower_case_hex_characters_the_core_accepts() {
        let id = hex_id(&[
            0x9f, 0x86, 0xd0, 0x81, 0x88, 0x4c, 0x7d, 0x65, 0x9a, 0x2f, 0xea, 0xa0, 0xc5, 0x5a,
            0xd0, 0x15,
        ]);
        assert_eq!(id, "9f86d081884c7d659a2feaa0c55ad015");
        assert!(is_valid_visitor_id(&id));
        assert_eq!(hex_id(&[0; 16]), "0".repeat(32));
        assert_eq!(hex_id(&[0xff; 16]), "f".repeat(32));
    }
}
