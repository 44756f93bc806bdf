//! The carousel's maths on plain numbers, so it is tested without a browser.
//!
//! The track scrolls natively (touch swipe, trackpads and scroll-snap come free); the
//! component measures the track in one place and asks this module which buttons are
//! enabled, which card is first in view, where a keypress leads and how far a button
//! scrolls. Right-to-left pages are mirrored here too: browsers report `scrollLeft` as
//! 0 at the start and negative values towards the left in RTL, so "next" means
//! scrolling by a negative amount there.

use crate::json_text::decimal;

/// A scroll of less than this many pixels is rounding, not a position.
const SCROLL_TOLERANCE_PX: f64 = 1.0;

/// A direction in reading order (mirrored on screen for right-to-left pages).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Step {
    /// Towards the start of the list.
    Previous,
    /// Towards the end of the list.
    Next,
}

/// One measurement of the track.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CarouselGeometry {
    /// Number of cards.
    pub item_count: usize,
    /// Width of one card in pixels.
    pub card_width: f64,
    /// Space between cards in pixels.
    pub gap: f64,
    /// Visible width of the track (`clientWidth`).
    pub viewport_width: f64,
    /// Scrollable width of the track (`scrollWidth`).
    pub content_width: f64,
    /// The track's `scrollLeft` as the browser reports it (≤ 0 in RTL).
    pub scroll_left: f64,
    /// Whether the track is laid out right to left.
    pub right_to_left: bool,
}

impl CarouselGeometry {
    /// Distance from one card's start to the next card's start.
    fn stride(&self) -> f64 {
        (self.card_width + self.gap).max(1.0)
    }

    /// How far the track is scrolled from its start, in reading order.
    pub fn offset(&self) -> f64 {
        let offset = if self.right_to_left {
            -self.scroll_left
        } else {
            self.scroll_left
        };
        offset.clamp(0.0, self.max_offset())
    }

    /// The largest possible offset.
    pub fn max_offset(&self) -> f64 {
        (self.content_width - self.viewport_width).max(0.0)
    }

    /// Cards that fit entirely in the viewport (at least one).
    pub fn visible_count(&self) -> usize {
        let fitting =
            ((self.viewport_width + self.gap + SCROLL_TOLERANCE_PX) / self.stride()).floor();
        (fitting as usize).clamp(1, self.item_count.max(1))
    }

    /// The index of the first card that is (almost) fully in view.
    pub fn first_visible(&self) -> usize {
        if self.item_count == 0 {
            return 0;
        }
        // A card cut by less than 5 % still counts as in view: snapping and
        // sub-pixel layout rarely land exactly on a card's edge.
        let index = (self.offset() / self.stride() - 0.05).ceil().max(0.0) as usize;
        index.min(self.item_count - 1)
    }

    /// Number of pages of `visible_count` cards.
    pub fn page_count(&self) -> usize {
        self.item_count.div_ceil(self.visible_count()).max(1)
    }

    /// The page shown now, 0-based; the last page when scrolled to the end.
    pub fn current_page(&self) -> usize {
        if !self.can_go(Step::Next) {
            return self.page_count() - 1;
        }
        (self.first_visible() / self.visible_count()).min(self.page_count() - 1)
    }

    /// Whether the previous/next button does something (disabled at the ends).
    pub fn can_go(&self, step: Step) -> bool {
        match step {
            Step::Previous => self.offset() > SCROLL_TOLERANCE_PX,
            Step::Next => self.offset() < self.max_offset() - SCROLL_TOLERANCE_PX,
        }
    }

    /// The `scrollBy` left amount for a button: one page, mirrored in RTL.
    pub fn page_scroll_by(&self, step: Step) -> f64 {
        let distance = self.visible_count() as f64 * self.stride();
        let towards_end = if step == Step::Next {
            distance
        } else {
            -distance
        };
        if self.right_to_left {
            -towards_end
        } else {
            towards_end
        }
    }

    /// The card a key on the track leads to from `current`, or `None` for other keys
    /// or when already at that end. ArrowRight means "next" only left to right.
    pub fn index_after_key(&self, key: &str, current: usize) -> Option<usize> {
        let last = self.item_count.checked_sub(1)?;
        let current = current.min(last);
        let (forward, backward) = if self.right_to_left {
            ("ArrowLeft", "ArrowRight")
        } else {
            ("ArrowRight", "ArrowLeft")
        };
        let target = match key {
            "Home" => 0,
            "End" => last,
            key if key == forward => (current + 1).min(last),
            key if key == backward => current.saturating_sub(1),
            _ => return None,
        };
        (target != current).then_some(target)
    }
}

/// The slide label of the APG carousel pattern: `"3 of 8"` for index 2 of 8.
pub fn slide_label(index: usize, count: usize) -> String {
    let mut label = decimal(index as u64 + 1);
    label.push_str(" of ");
    label.push_str(&decimal(count as u64));
    label
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 8 cards of 160 px with 16 px gaps in a 544 px viewport: 3 fit (3×160 + 2×16 = 512).
    fn eight_cards(scroll_left: f64, right_to_left: bool) -> CarouselGeometry {
        CarouselGeometry {
            item_count: 8,
            card_width: 160.0,
            gap: 16.0,
            viewport_width: 544.0,
            content_width: 8.0 * 160.0 + 7.0 * 16.0,
            scroll_left,
            right_to_left,
        }
    }

    #[test]
    fn at_the_start_only_next_is_enabled() {
        let geometry = eight_cards(0.0, false);
        assert_eq!(geometry.visible_count(), 3);
        assert_eq!(geometry.page_count(), 3);
        assert_eq!(geometry.current_page(), 0);
        assert!(!geometry.can_go(Step::Previous));
        assert!(geometry.can_go(Step::Next));
    }

    #[test]
    fn at_the_end_only_previous_is_enabled_and_the_last_page_shows() {
        let geometry = eight_cards(1392.0 - 544.0, false);
        assert!(geometry.can_go(Step::Previous));
        assert!(!geometry.can_go(Step::Next));
        assert_eq!(geometry.current_page(), 2);
        assert_eq!(geometry.first_visible(), 5);
    }

    #[test]
    fn a_page_scroll_moves_by_the_visible_cards_and_lands_on_the_next_page() {
        let start = eight_cards(0.0, false);
        let by = start.page_scroll_by(Step::Next);
        assert_eq!(by, 3.0 * 176.0);
        let after = eight_cards(by, false);
        assert_eq!(after.first_visible(), 3);
        assert_eq!(after.current_page(), 1);
        assert_eq!(after.page_scroll_by(Step::Previous), -by);
    }

    #[test]
    fn right_to_left_mirrors_scrolling_and_arrow_keys() {
        let start = eight_cards(0.0, true);
        assert!(start.page_scroll_by(Step::Next) < 0.0);
        let after = eight_cards(start.page_scroll_by(Step::Next), true);
        assert_eq!(after.first_visible(), 3);
        assert!(after.can_go(Step::Previous));
        assert_eq!(start.index_after_key("ArrowLeft", 0), Some(1));
        assert_eq!(start.index_after_key("ArrowRight", 1), Some(0));
    }

    #[test]
    fn keys_move_one_card_and_home_end_jump_but_stop_at_the_ends() {
        let geometry = eight_cards(0.0, false);
        assert_eq!(geometry.index_after_key("ArrowRight", 2), Some(3));
        assert_eq!(geometry.index_after_key("ArrowLeft", 2), Some(1));
        assert_eq!(geometry.index_after_key("ArrowLeft", 0), None);
        assert_eq!(geometry.index_after_key("ArrowRight", 7), None);
        assert_eq!(geometry.index_after_key("End", 2), Some(7));
        assert_eq!(geometry.index_after_key("Home", 2), Some(0));
        assert_eq!(geometry.index_after_key("Enter", 2), None);
    }

    #[test]
    fn a_swipe_that_stops_mid_card_counts_the_mostly_visible_card() {
        assert_eq!(eight_cards(176.0 * 2.0 - 4.0, false).first_visible(), 2);
        assert_eq!(eight_cards(176.0 * 2.0 - 80.0, false).first_visible(), 2);
        assert_eq!(eight_cards(176.0 * 2.0 - 170.0, false).first_visible(), 1);
    }

    #[test]
    fn a_narrow_phone_viewport_still_shows_one_card_and_fewer_cards_than_fit_need_no_buttons() {
        let mut phone = eight_cards(0.0, false);
        phone.viewport_width = 120.0;
        assert_eq!(phone.visible_count(), 1);
        assert_eq!(phone.page_count(), 8);
        let mut short = eight_cards(0.0, false);
        short.item_count = 2;
        short.content_width = 336.0;
        assert!(!short.can_go(Step::Next) && !short.can_go(Step::Previous));
        assert_eq!(short.page_count(), 1);
    }

    #[test]
    fn slide_labels_count_from_one() {
        assert_eq!(slide_label(2, 8), "3 of 8");
    }
}
