//! The readings of a raw value that more than one setting shares: whole numbers,
//! decimals and locale tags, hand-written because the standard parsers cost every
//! shopper kilobytes of wasm for a handful of attributes.

use super::source::RawValue;
use super::warning::Problem;

/// A whole non-negative number, or the problem with the value.
pub fn whole_number(value: &RawValue) -> Result<u64, Problem> {
    match value {
        RawValue::Text(text) => {
            let text = text.trim();
            if text.is_empty() || !text.bytes().all(|byte| byte.is_ascii_digit()) {
                // "-1" and "2.5" are numbers, just not usable ones.
                return Err(if parse_decimal(text.trim_start_matches('-')).is_some() {
                    Problem::NotAWholeNumber
                } else {
                    Problem::NotANumber
                });
            }
            // Absurdly long digit strings saturate; the caller clamps anyway.
            Ok(text.bytes().fold(0u64, |total, digit| {
                total
                    .saturating_mul(10)
                    .saturating_add(u64::from(digit - b'0'))
            }))
        }
        RawValue::Number(number) => {
            if number.is_finite() && *number >= 0.0 && number.fract() == 0.0 {
                Ok(*number as u64)
            } else if number.is_finite() {
                Err(Problem::NotAWholeNumber)
            } else {
                Err(Problem::NotANumber)
            }
        }
        RawValue::List(_) => Err(Problem::NotANumber),
    }
}

/// `Intl.NumberFormat` throws on malformed tags; this catches the usual mistakes
/// (`en_GB`, `english`, empty) before they reach it: subtags of 1..=8 letters or
/// digits, joined by hyphens, starting with a 2..=8 letter language.
pub fn is_locale_shaped(text: &str) -> bool {
    let mut subtags = text.split('-');
    let language_ok = subtags.next().is_some_and(|language| {
        (2..=8).contains(&language.len()) && language.bytes().all(|b| b.is_ascii_alphabetic())
    });
    language_ok
        && subtags.all(|subtag| {
            (1..=8).contains(&subtag.len()) && subtag.bytes().all(|b| b.is_ascii_alphanumeric())
        })
}

/// A non-negative decimal such as `0.25`, `.5` or `1`.
pub fn parse_decimal(text: &str) -> Option<f32> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
    if whole.is_empty() && fraction.is_empty() {
        return None;
    }
    if !whole
        .bytes()
        .chain(fraction.bytes())
        .all(|byte| byte.is_ascii_digit())
        || whole.len() > 9
    {
        return None;
    }
    let mut value = 0f64;
    for digit in whole.bytes() {
        value = value * 10.0 + f64::from(digit - b'0');
    }
    let mut scale = 0.1f64;
    for digit in fraction.bytes().take(9) {
        value += f64::from(digit - b'0') * scale;
        scale /= 10.0;
    }
    Some(value as f32)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_parse_without_the_standard_float_parser() {
        assert_eq!(parse_decimal("0.25"), Some(0.25));
        assert_eq!(parse_decimal(".5"), Some(0.5));
        assert_eq!(parse_decimal("1"), Some(1.0));
        assert_eq!(parse_decimal("1."), Some(1.0));
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal("-1"), None);
    }
}
