//! The widget's stylesheet, adopted into each shadow root from a constructed
//! `CSSStyleSheet` (`new CSSStyleSheet()` + `replaceSync` + `adoptedStyleSheets`).
//!
//! Constructed sheets are not `<style>` elements or `style` attributes, so they work
//! under `Content-Security-Policy: style-src 'self'`; nothing in the widget sets an
//! inline style. `:host { all: initial }` keeps the host page's CSS out; the store
//! themes the widget only through the `--alsobought-*` custom properties (they
//! inherit into the shadow tree). One sheet is shared by every widget on the page;
//! a second, per-widget sheet only carries the height to reserve.
//!
//! No layout shift: every card has a fixed height derived from the card width, and
//! the host reserves exactly that height while loading, so the rendered carousel
//! takes the place kept for it. See [`reserve_rule`] for when nothing is reserved.

use crate::config::{Layout, WidgetConfig};

/// The shared stylesheet.
///
/// Sizes are in `em` of the widget's own font size (the browser's default, whatever
/// the page does to `html` or the host), so a store theme that sets `html { font-size:
/// 40px }` cannot blow the cards up, and the reserve below and the real layout use the
/// same numbers. `:host` rules lose to the page's own rules for the host element unless
/// marked `!important` (the shadow tree wins only for important declarations), so the
/// few that must hold are; everything inherited is reset again on `.ab-root`, which no
/// page selector can reach.
pub const STYLESHEET: &str = r#"
:host{all:initial;display:block!important;box-sizing:border-box!important;font-size:medium!important;
contain:layout paint;
--ab-accent:var(--alsobought-accent,#0b57d0);--ab-text:var(--alsobought-text,#1f2328);
--ab-muted:var(--alsobought-muted,#59636e);--ab-bg:var(--alsobought-background,transparent);
--ab-radius:var(--alsobought-radius,.5em);--ab-gap:var(--alsobought-gap,1em);
--ab-card:var(--alsobought-card-width,clamp(8.5em,38vw,12em));
--ab-head:2.25em;--ab-body:8.75em;--ab-row:4.5em;--ab-foot:3.5em}
:host([data-alsobought-state=loading]),:host([data-alsobought-state=ready]){min-height:calc(var(--ab-reserve,0)*var(--ab-height))!important}
:host([data-alsobought-state=error]),:host([data-alsobought-state=empty]),:host([data-alsobought-state=holdout]){display:none!important}
.ab-root{all:initial;display:block;box-sizing:border-box;font:400 1em/1.4 var(--alsobought-font,system-ui,-apple-system,"Segoe UI",Roboto,sans-serif);
color:var(--ab-text);background:var(--ab-bg)}
.ab-root *,.ab-root *::before,.ab-root *::after{box-sizing:inherit}
.ab-title{margin:0 0 .5em;font-size:1.125em;line-height:1.5;font-weight:600}
.ab-carousel{display:flex;align-items:center;gap:.25em}
.ab-track{display:flex;gap:var(--ab-gap);margin:0;padding:0 0 .5em;list-style:none;flex:1;min-width:0;
overflow-x:auto;overscroll-behavior-x:contain;scroll-snap-type:x mandatory;scrollbar-width:none}
.ab-track>li{flex:0 0 var(--ab-card);width:var(--ab-card);scroll-snap-align:start;display:flex}
.ab-card{width:100%;height:calc(var(--ab-card) + var(--ab-body));display:flex;flex-direction:column;gap:.25em;overflow:hidden}
.ab-link{display:flex;flex-direction:column;gap:.25em;color:inherit;text-decoration:none;border-radius:var(--ab-radius)}
.ab-link:hover .ab-name{text-decoration:underline}
.ab-image{display:block;width:100%;height:auto;aspect-ratio:1;object-fit:cover;border-radius:var(--ab-radius);background:#0000000d}
.ab-name{font-size:.9375em;line-height:1.4;height:2.8em;overflow:hidden;display:-webkit-box;-webkit-box-orient:vertical;-webkit-line-clamp:2}
.ab-price{font-weight:600;line-height:1.4em;height:1.4em}
.ab-rating{color:#9a6700;font-size:.875em;line-height:1.375em;height:1.375em;letter-spacing:.05em}
.ab-add,.ab-add-all,.ab-prev,.ab-next{font:inherit;cursor:pointer;border-radius:var(--ab-radius)}
.ab-add,.ab-add-all{margin-top:auto;min-height:2.25em;padding:.25em .75em;border:0;background:var(--ab-accent);color:#fff;font-weight:600}
.ab-prev,.ab-next{flex:none;font-size:1.25em;width:1.8em;height:1.8em;padding:0;border:1px solid var(--ab-muted);background:#fff;color:var(--ab-text);line-height:1}
.ab-prev:disabled,.ab-next:disabled{opacity:.35;cursor:default}
:focus-visible{outline:2px solid var(--ab-accent);outline-offset:2px}
.ab-bundle{display:flex;flex-direction:column;gap:.5em}
.ab-item{display:flex;align-items:center;gap:.75em;height:var(--ab-row);cursor:pointer}
.ab-item input{flex:none;width:1.25em;height:1.25em;margin:0;accent-color:var(--ab-accent)}
.ab-item .ab-image{width:3.5em;flex:none}
.ab-item .ab-name{flex:1;height:auto;max-height:2.8em}
.ab-summary{display:flex;flex-wrap:wrap;align-items:center;justify-content:space-between;gap:.5em;min-height:var(--ab-foot)}
.ab-total{font-weight:600}
@media (prefers-reduced-motion:reduce){.ab-track{scroll-behavior:auto}}
@media (forced-colors:active){.ab-add,.ab-add-all{border:1px solid}}
"#;

/// The per-widget rule that sets how much height to reserve while loading.
///
/// A reserve prevents a shift when the suggestions appear, but if nothing is shown
/// in the end, collapsing the reserve is a shift too. With the default best-seller
/// fallback a render is all but certain (only a broken table prevents it), so the
/// height is reserved; with `data-fallback="none"` an empty result is a normal
/// outcome, so nothing is reserved. The bundle's height depends on its rows: the
/// product on screen (if any) plus the configured number of suggestions.
pub fn reserve_rule(config: &WidgetConfig) -> String {
    let reserve = if config.fallback == alsobought_core::Fallback::None {
        "0"
    } else {
        "1"
    };
    let height = match config.layout {
        Layout::Carousel => {
            String::from("calc(var(--ab-head) + var(--ab-card) + var(--ab-body) + .5em)")
        }
        Layout::Bundle => {
            let rows = config.max_suggestions + usize::from(config.product.is_some());
            [
                "calc(var(--ab-head) + ",
                &rows.to_string(),
                " * (var(--ab-row) + .5em) + var(--ab-foot))",
            ]
            .concat()
        }
    };
    [
        ":host{--ab-reserve:",
        reserve,
        ";--ab-height:",
        &height,
        "}",
    ]
    .concat()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{parse_config, Origin, RawValue};

    fn config(pairs: &[(&str, &str)]) -> WidgetConfig {
        parse_config(Origin::Attributes, |setting| {
            pairs
                .iter()
                .find(|(name, _)| *name == setting.attribute)
                .map(|(_, value)| RawValue::Text(value.to_string()))
        })
        .unwrap()
        .config
    }

    #[test]
    fn height_is_reserved_unless_an_empty_result_is_expected() {
        let carousel = reserve_rule(&config(&[("table", "t"), ("product", "A")]));
        assert!(carousel.starts_with(":host{--ab-reserve:1;"), "{carousel}");
        let without_fallback = reserve_rule(&config(&[
            ("table", "t"),
            ("product", "A"),
            ("fallback", "none"),
        ]));
        assert!(
            without_fallback.starts_with(":host{--ab-reserve:0;"),
            "{without_fallback}"
        );
    }

    #[test]
    fn the_bundle_reserves_one_row_per_product_shown() {
        let bundle = reserve_rule(&config(&[
            ("table", "t"),
            ("product", "A"),
            ("layout", "bundle"),
            ("max-suggestions", "3"),
        ]));
        assert!(bundle.contains(" 4 * (var(--ab-row)"), "{bundle}");
    }

    #[test]
    fn the_stylesheet_isolates_the_host_and_uses_every_theming_property() {
        assert!(STYLESHEET.contains(":host{all:initial;"));
        for property in [
            "--alsobought-accent",
            "--alsobought-font",
            "--alsobought-card-width",
            "--alsobought-radius",
            "--alsobought-gap",
            "--alsobought-text",
            "--alsobought-muted",
            "--alsobought-background",
        ] {
            assert!(STYLESHEET.contains(property), "{property}");
        }
    }
}
