//! Which catalog URLs may become links and image sources: one policy for the widget,
//! `alsobought build`'s catalog reader and `alsobought email`.
//!
//! Titles and URLs in a table come from a store's catalog export, which may hold
//! anything. Text is escaped where it is shown; URLs are not, so only `http:`, `https:`
//! and scheme-less (relative) URLs are let through: `javascript:`, `data:`, `vbscript:`,
//! `blob:` and every other scheme are refused. The check follows how browsers parse a
//! URL (spaces and control characters stripped from both ends, tabs and newlines
//! removed anywhere), so `" java\tscript:alert(1)"` is recognised as the `javascript:`
//! URL it is. Callers may add rules of their own on top (an email needs absolute URLs),
//! never loosen this one.

use std::fmt;

/// Why a URL must not become a link or an image source.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UrlRefusal {
    /// Nothing but spaces and control characters.
    Empty,
    /// A control character inside the URL (a browser would delete a tab or newline,
    /// which turns `java\tscript:` into `javascript:`; no honest URL holds one).
    ControlCharacter,
    /// A scheme other than `http:` or `https:`.
    Scheme,
}

impl fmt::Display for UrlRefusal {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        formatter.write_str(match self {
            UrlRefusal::Empty => "is empty",
            UrlRefusal::ControlCharacter => "holds a control character (tab, newline…)",
            UrlRefusal::Scheme => "is not an http(s) or relative URL",
        })
    }
}

/// The URL as a browser will read it (trimmed like a browser trims it), or why it must
/// not be used.
pub fn check_url(raw: &str) -> Result<&str, UrlRefusal> {
    // Browsers strip C0 controls and spaces from both ends before parsing.
    let trimmed = raw.trim_matches(|character: char| character <= ' ');
    if trimmed.is_empty() {
        return Err(UrlRefusal::Empty);
    }
    // Browsers delete tabs and newlines anywhere in the URL, which would let
    // "java\nscript:" through a naive prefix check.
    if trimmed.chars().any(|character| character.is_control()) {
        return Err(UrlRefusal::ControlCharacter);
    }
    match url_scheme(trimmed) {
        Some(scheme)
            if !scheme.eq_ignore_ascii_case("http") && !scheme.eq_ignore_ascii_case("https") =>
        {
            Err(UrlRefusal::Scheme)
        }
        _ => Ok(trimmed),
    }
}

/// The URL to use for a link or image, or `None` when it must not be used.
pub fn safe_url(raw: &str) -> Option<&str> {
    check_url(raw).ok()
}

/// The scheme of an absolute URL: an ASCII letter, then letters, digits, `+`, `-` or
/// `.`, then `:`. `None` for relative URLs (`/p/1`, `p?x=a:b`, `//cdn/x.jpg`).
pub fn url_scheme(url: &str) -> Option<&str> {
    // `split_once` rather than `&url[..colon]`: the same cut without a panic path, which
    // would link core's str-boundary panic message into the widget (3.3 KB of wasm).
    let (candidate, _) = url.split_once(':')?;
    let mut bytes = candidate.bytes();
    let starts_with_letter = bytes.next().is_some_and(|byte| byte.is_ascii_alphabetic());
    let rest_ok =
        bytes.all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    (starts_with_letter && rest_ok).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn http_https_and_relative_urls_are_kept() {
        for url in [
            "https://shop.example/p/1",
            "HTTP://shop.example/p/1",
            "/p/1",
            "p/1?colour=red:blue",
            "//cdn.example/img.jpg",
            "#reviews",
            "?page=2",
        ] {
            assert_eq!(safe_url(url), Some(url), "{url}");
        }
    }

    #[test]
    fn surrounding_spaces_are_trimmed_like_a_browser_does() {
        assert_eq!(safe_url("  /p/1 \n"), Some("/p/1"));
        assert_eq!(
            safe_url("\u{0}https://s.example/\u{1f}"),
            Some("https://s.example/")
        );
    }

    #[test]
    fn script_and_data_schemes_are_dropped() {
        for url in [
            "javascript:alert(1)",
            "JavaScript:alert(1)",
            " \u{1}javascript:alert(1)",
            "java\tscript:alert(1)",
            "java\nscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox(1)",
            "blob:https://shop.example/uuid",
            "file:///etc/passwd",
            "",
            "   ",
        ] {
            assert_eq!(safe_url(url), None, "{url:?}");
        }
    }

    #[test]
    fn refusals_say_why() {
        assert_eq!(check_url(" \t"), Err(UrlRefusal::Empty));
        assert_eq!(
            check_url("java\tscript:alert(1)"),
            Err(UrlRefusal::ControlCharacter)
        );
        assert_eq!(check_url("/p/\u{7f}1"), Err(UrlRefusal::ControlCharacter));
        assert_eq!(check_url("data:,x"), Err(UrlRefusal::Scheme));
        assert_eq!(url_scheme("https://s.example/"), Some("https"));
        assert_eq!(url_scheme("p?x=a:b"), None);
    }

    /// What a browser's URL parser does to an `href` before it looks for the scheme
    /// (WHATWG URL: strip leading/trailing C0 controls and spaces, remove every ASCII
    /// tab and newline), then the scheme it finds, lower-cased.
    fn scheme_a_browser_sees(href: &str) -> Option<String> {
        let stripped: String = href
            .trim_matches(|character: char| character <= ' ')
            .chars()
            .filter(|character| !matches!(character, '\t' | '\n' | '\r'))
            .collect();
        url_scheme(&stripped).map(str::to_ascii_lowercase)
    }

    /// Pieces a hostile catalog would splice together: scheme names cut anywhere,
    /// the characters browsers strip or delete, and plain URL characters.
    fn hostile_url() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("java"),
            Just("script"),
            Just("JavaScript"),
            Just("http"),
            Just("s"),
            Just("data"),
            Just("vb"),
            Just(":"),
            Just("//"),
            Just("/"),
            Just("\t"),
            Just("\n"),
            Just("\r"),
            Just(" "),
            Just("\u{0}"),
            Just("\u{1}"),
            Just("\u{1f}"),
            Just("\u{7f}"),
            Just("\u{85}"),
            Just("\u{a0}"),
            Just("a"),
            Just("1"),
            Just("+"),
            Just("."),
            Just("?"),
            Just("#"),
        ];
        proptest::collection::vec(piece, 0..10).prop_map(|pieces| pieces.concat())
    }

    proptest! {
        #[test]
        fn no_accepted_url_reaches_a_browser_with_another_scheme(raw in hostile_url()) {
            if let Some(href) = safe_url(&raw) {
                let scheme = scheme_a_browser_sees(href);
                prop_assert!(
                    matches!(scheme.as_deref(), None | Some("http") | Some("https")),
                    "{raw:?} became {href:?}, which a browser reads as scheme {scheme:?}"
                );
                // What the widget writes is what the browser parses: nothing left to strip.
                prop_assert_eq!(href.trim_matches(|character: char| character <= ' '), href);
            }
        }

        #[test]
        fn arbitrary_text_never_passes_with_another_scheme(raw in any::<String>()) {
            if let Some(href) = safe_url(&raw) {
                let scheme = scheme_a_browser_sees(href);
                prop_assert!(
                    matches!(scheme.as_deref(), None | Some("http") | Some("https")),
                    "{raw:?} became {href:?}"
                );
            }
        }
    }
}
