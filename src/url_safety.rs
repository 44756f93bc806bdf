//! Decides which URLs from the table may become links and image sources.
//!
//! Titles and URLs in a table come from a store's catalog export, which may hold
//! anything. Text is escaped by leptos; URLs are not, so only `http:`, `https:` and
//! scheme-less (relative) URLs are let through: `javascript:`, `data:`, `vbscript:`,
//! `blob:` and every other scheme are dropped. The check follows how browsers parse a
//! URL (leading spaces/control characters stripped, tabs and newlines removed anywhere),
//! so `" java\tscript:alert(1)"` is recognised as the `javascript:` URL it is.

/// The URL to use for a link or image, or `None` when it must not be used.
pub fn safe_url(raw: &str) -> Option<&str> {
    // Browsers strip these from both ends before parsing.
    let trimmed = raw.trim_matches(|character: char| character <= ' ');
    if trimmed.is_empty() {
        return None;
    }
    // Browsers delete tabs and newlines anywhere in the URL, which would let
    // "java\nscript:" through a naive prefix check; no honest URL contains them.
    if trimmed.chars().any(|character| character.is_control()) {
        return None;
    }
    match scheme(trimmed) {
        None => Some(trimmed),
        Some(scheme)
            if scheme.eq_ignore_ascii_case("http") || scheme.eq_ignore_ascii_case("https") =>
        {
            Some(trimmed)
        }
        Some(_) => None,
    }
}

/// The scheme of an absolute URL: an ASCII letter, then letters, digits, `+`, `-` or
/// `.`, then `:`. `None` for relative URLs (`/p/1`, `p?x=a:b`, `//cdn/x.jpg`).
fn scheme(url: &str) -> Option<&str> {
    // `split_once` rather than `&url[..colon]`: the same cut without a panic path, which
    // would link core's str-boundary panic message (3.3 KB of wasm).
    let (candidate, _) = url.split_once(':')?;
    let mut bytes = candidate.bytes();
    let starts_with_letter = bytes.next().is_some_and(|byte| byte.is_ascii_alphabetic());
    let rest_ok =
        bytes.all(|byte| byte.is_ascii_alphanumeric() || matches!(byte, b'+' | b'-' | b'.'));
    (starts_with_letter && rest_ok).then_some(candidate)
}

#[cfg(test)]
mod tests {
    use super::safe_url;

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
}
