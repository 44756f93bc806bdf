//! The tracking parameters on every link, so the store's analytics can credit the
//! email with the visits and sales it brings.

/// `url` with utm_source=alsobought, utm_medium=email and utm_campaign added to its
/// query (replacing any utm_source/medium/campaign already there), before its fragment.
pub fn with_tracking(url: &str, campaign: &str) -> String {
    let (before_fragment, fragment) = match url.split_once('#') {
        Some((before, fragment)) => (before, Some(fragment)),
        None => (url, None),
    };
    let (path, query) = before_fragment
        .split_once('?')
        .unwrap_or((before_fragment, ""));
    let mut parameters: Vec<String> = query
        .split('&')
        .filter(|parameter| {
            let key = parameter.split('=').next().unwrap_or_default();
            !parameter.is_empty() && !matches!(key, "utm_source" | "utm_medium" | "utm_campaign")
        })
        .map(str::to_owned)
        .collect();
    parameters.push("utm_source=alsobought".to_owned());
    parameters.push("utm_medium=email".to_owned());
    if !campaign.is_empty() {
        parameters.push(format!("utm_campaign={}", percent_encode(campaign)));
    }
    let mut tracked = format!("{path}?{}", parameters.join("&"));
    if let Some(fragment) = fragment {
        tracked.push('#');
        tracked.push_str(fragment);
    }
    tracked
}

/// Percent-encodes everything but RFC 3986's unreserved characters.
fn percent_encode(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_goes_into_the_query_before_the_fragment() {
        let track = |url| with_tracking(url, "post purchase");
        let suffix = "utm_source=alsobought&utm_medium=email&utm_campaign=post%20purchase";
        assert_eq!(
            track("https://s.example/p"),
            format!("https://s.example/p?{suffix}")
        );
        assert_eq!(
            track("https://s.example/p?color=red"),
            format!("https://s.example/p?color=red&{suffix}")
        );
        assert_eq!(
            track("https://s.example/p?#reviews"),
            format!("https://s.example/p?{suffix}#reviews")
        );
        assert_eq!(
            track("https://s.example/p?utm_source=old&size=m&utm_medium=x#a?b"),
            format!("https://s.example/p?size=m&{suffix}#a?b")
        );
        assert_eq!(
            with_tracking("https://s.example/p", ""),
            "https://s.example/p?utm_source=alsobought&utm_medium=email"
        );
    }
}
