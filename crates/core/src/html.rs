//! HTML escaping for the native tools that write markup from table and catalog text:
//! the email fragments and the report's SVG chart (`alsobought email`, `report --chart`)
//! and the demo store's generated pages and images. The widget needs none: it renders
//! through the DOM, where text is text.

/// Escapes text for HTML and XML element content and for double- or single-quoted
/// attribute values.
pub fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for character in text.chars() {
        match character {
            '&' => escaped.push_str("&amp;"),
            '<' => escaped.push_str("&lt;"),
            '>' => escaped.push_str("&gt;"),
            '"' => escaped.push_str("&quot;"),
            '\'' => escaped.push_str("&#39;"),
            other => escaped.push(other),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_character_that_can_break_out_of_text_or_attributes_is_escaped() {
        assert_eq!(
            escape(r#"Salt & Pepper <Mill> "Set" Kids' Café"#),
            "Salt &amp; Pepper &lt;Mill&gt; &quot;Set&quot; Kids&#39; Café"
        );
        assert_eq!(
            escape("<b>\"Tom\" & 'Jerry'</b>"),
            "&lt;b&gt;&quot;Tom&quot; &amp; &#39;Jerry&#39;&lt;/b&gt;"
        );
    }
}
