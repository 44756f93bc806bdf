//! JSON and number text written by hand: measurement events, and the decimals the
//! config warnings, carousel labels, prices, Range headers and load errors print.
//!
//! A leaf: it imports nothing of the crate, so every layer may use it. Events leave the
//! widget as text anyway (the beacon body, `localStorage`), the byte
//! length of that text decides how a batch is split, and a serializer or the standard
//! float formatting would cost every shopper kilobytes. Money is integer hundredths
//! (docs/format.md), so every number written is an integer or has at most two
//! decimals. The output is exactly what `JSON.stringify` writes for the same values,
//! which the tests check against a real JSON parser.

/// Appends `text` as a JSON string literal, escaped as `JSON.stringify` escapes it.
pub fn push_string(out: &mut String, text: &str) {
    out.push('"');
    for character in text.chars() {
        match character {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            control if u32::from(control) < 0x20 => {
                let code = u32::from(control) as u8;
                out.push_str("\\u00");
                out.push(hex_digit(code >> 4));
                out.push(hex_digit(code & 0xf));
            }
            other => out.push(other),
        }
    }
    out.push('"');
}

/// Appends `text` as a string literal, or `null`.
pub fn push_optional_string(out: &mut String, text: Option<&str>) {
    match text {
        Some(text) => push_string(out, text),
        None => out.push_str("null"),
    }
}

/// Appends a whole number in decimal. Hand-written: the widget has no other need for
/// `core::fmt` number formatting, and this is a dozen instructions.
pub fn push_integer(out: &mut String, mut value: u64) {
    let mut digits = [0u8; 20];
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (value % 10) as u8;
        value /= 10;
        if value == 0 {
            break;
        }
    }
    out.extend(digits[start..].iter().map(|&digit| char::from(digit)));
}

/// A whole number as decimal text: [`push_integer`] for labels and messages too, so
/// that no integer `to_string` (core::fmt's formatting path) is compiled in.
pub fn decimal(value: u64) -> String {
    let mut out = String::new();
    push_integer(&mut out, value);
    out
}

/// The parts one after another, as `[..].concat()` writes them but without std's
/// generic join (1.2 KB of wasm for the separators no caller here passes).
pub fn concat(parts: &[&str]) -> String {
    let mut text = String::with_capacity(parts.iter().map(|part| part.len()).sum());
    for part in parts {
        text.push_str(part);
    }
    text
}

/// Appends an amount of money given in hundredths as a JSON number in currency units:
/// 1250 → `12.5`, 3000 → `30`, 5 → `0.05`, -199 → `-1.99`.
pub fn push_amount(out: &mut String, hundredths: i64) {
    if hundredths < 0 {
        out.push('-');
    }
    let magnitude = hundredths.unsigned_abs();
    push_integer(out, magnitude / 100);
    let cents = (magnitude % 100) as u8;
    if cents != 0 {
        out.push('.');
        out.push(char::from(b'0' + cents / 10));
        if !cents.is_multiple_of(10) {
            out.push(char::from(b'0' + cents % 10));
        }
    }
}

/// Appends an amount, or `null`.
pub fn push_optional_amount(out: &mut String, hundredths: Option<i64>) {
    match hundredths {
        Some(hundredths) => push_amount(out, hundredths),
        None => out.push_str("null"),
    }
}

/// Appends `[ "a", "b" ]` (without spaces).
pub fn push_string_array<'a>(out: &mut String, texts: impl IntoIterator<Item = &'a str>) {
    out.push('[');
    for (position, text) in texts.into_iter().enumerate() {
        if position > 0 {
            out.push(',');
        }
        push_string(out, text);
    }
    out.push(']');
}

/// Lower-case hexadecimal digit of `nibble` (0..=15).
pub fn hex_digit(nibble: u8) -> char {
    char::from(if nibble < 10 {
        b'0' + nibble
    } else {
        b'a' + nibble - 10
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn string(text: &str) -> String {
        let mut out = String::new();
        push_string(&mut out, text);
        out
    }

    fn amount(hundredths: i64) -> String {
        let mut out = String::new();
        push_amount(&mut out, hundredths);
        out
    }

    #[test]
    fn strings_are_escaped_like_json_stringify_and_parse_back() {
        let hostile =
            "Quote \" back\\slash \n\r\t\u{8}\u{c} \u{1} \u{1f} ü € 😀 \u{2028} </script>";
        let written = string(hostile);
        assert_eq!(
            written,
            "\"Quote \\\" back\\\\slash \\n\\r\\t\\b\\f \\u0001 \\u001f ü € 😀 \u{2028} </script>\""
        );
        let parsed: serde_json::Value = serde_json::from_str(&written).unwrap();
        assert_eq!(parsed, serde_json::Value::String(hostile.into()));
    }

    #[test]
    fn integers_cover_the_whole_range() {
        for value in [0u64, 7, 10, 1_764_000_000_000, u64::MAX] {
            let mut out = String::new();
            push_integer(&mut out, value);
            assert_eq!(out, value.to_string());
        }
    }

    #[test]
    fn amounts_are_the_shortest_decimal_of_the_hundredths() {
        assert_eq!(amount(3000), "30");
        assert_eq!(amount(450), "4.5");
        assert_eq!(amount(1250), "12.5");
        assert_eq!(amount(1999), "19.99");
        assert_eq!(amount(1205), "12.05");
        assert_eq!(amount(5), "0.05");
        assert_eq!(amount(0), "0");
        assert_eq!(amount(-199), "-1.99");
        // What JavaScript prints for the same number (hundredths / 100).
        for hundredths in [1i64, 10, 99, 100, 101, 12_345, 99_999_999] {
            let number: f64 = serde_json::from_str(&amount(hundredths)).unwrap();
            assert_eq!(number, hundredths as f64 / 100.0, "{hundredths}");
        }
    }

    #[test]
    fn string_arrays_and_nulls() {
        let mut out = String::new();
        push_string_array(&mut out, ["a", "b\"c"]);
        out.push(' ');
        push_string_array(&mut out, []);
        out.push(' ');
        push_optional_string(&mut out, None);
        push_optional_amount(&mut out, None);
        assert_eq!(out, "[\"a\",\"b\\\"c\"] [] nullnull");
    }
}
