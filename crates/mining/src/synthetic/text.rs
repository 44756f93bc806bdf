//! Number and date formatting straight into a byte buffer, for writing hundreds of
//! millions of CSV lines: no `format!`, no allocation per line, no locale.

/// Appends `value` in decimal.
pub fn push_decimal(buffer: &mut Vec<u8>, value: u64) {
    let mut digits = [0u8; 20];
    let mut at = digits.len();
    let mut rest = value;
    loop {
        at -= 1;
        digits[at] = b'0' + (rest % 10) as u8;
        rest /= 10;
        if rest == 0 {
            break;
        }
    }
    buffer.extend_from_slice(&digits[at..]);
}

/// Appends `value` in decimal, left-padded with zeros to at least `width` digits.
pub fn push_padded(buffer: &mut Vec<u8>, value: u64, width: usize) {
    let digits = decimal_width(value);
    buffer.resize(buffer.len() + width.saturating_sub(digits), b'0');
    push_decimal(buffer, value);
}

/// Number of decimal digits of `value` (1 for 0).
pub fn decimal_width(value: u64) -> usize {
    let mut digits = 1;
    let mut rest = value / 10;
    while rest > 0 {
        digits += 1;
        rest /= 10;
    }
    digits
}

/// Appends an amount of hundredths as `12.99`.
pub fn push_hundredths(buffer: &mut Vec<u8>, hundredths: u64) {
    push_decimal(buffer, hundredths / 100);
    buffer.push(b'.');
    push_padded(buffer, hundredths % 100, 2);
}

/// Days in each month of a common (non-leap) year.
const MONTH_LENGTHS: [u64; 12] = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/// Seconds in a common year.
pub const SECONDS_PER_YEAR: u64 = 365 * 86_400;

/// Appends second `second` (0 ..[`SECONDS_PER_YEAR`]) of the common year `year` as ISO
/// 8601 UTC: `2025-03-14T09:26:11Z`.
pub fn push_timestamp(buffer: &mut Vec<u8>, year: u64, second: u64) {
    let second = second.min(SECONDS_PER_YEAR - 1);
    let mut day = second / 86_400;
    let mut month = 0;
    while day >= MONTH_LENGTHS[month] {
        day -= MONTH_LENGTHS[month];
        month += 1;
    }
    let time = second % 86_400;
    push_padded(buffer, year, 4);
    buffer.push(b'-');
    push_padded(buffer, month as u64 + 1, 2);
    buffer.push(b'-');
    push_padded(buffer, day + 1, 2);
    buffer.push(b'T');
    push_padded(buffer, time / 3600, 2);
    buffer.push(b':');
    push_padded(buffer, time / 60 % 60, 2);
    buffer.push(b':');
    push_padded(buffer, time % 60, 2);
    buffer.push(b'Z');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(write: impl FnOnce(&mut Vec<u8>)) -> String {
        let mut buffer = Vec::new();
        write(&mut buffer);
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn decimals_match_the_standard_formatting() {
        for value in [0, 7, 10, 99, 1_000_000, u64::MAX] {
            assert_eq!(text(|b| push_decimal(b, value)), value.to_string());
            assert_eq!(decimal_width(value), value.to_string().len());
        }
        assert_eq!(text(|b| push_padded(b, 42, 6)), "000042");
        assert_eq!(text(|b| push_padded(b, 1_234_567, 3)), "1234567");
        assert_eq!(text(|b| push_hundredths(b, 1299)), "12.99");
        assert_eq!(text(|b| push_hundredths(b, 5)), "0.05");
    }

    #[test]
    fn timestamps_cross_month_boundaries_and_clamp_at_the_year_end() {
        assert_eq!(text(|b| push_timestamp(b, 2025, 0)), "2025-01-01T00:00:00Z");
        assert_eq!(
            text(|b| push_timestamp(b, 2025, 31 * 86_400 + 3661)),
            "2025-02-01T01:01:01Z"
        );
        assert_eq!(
            text(|b| push_timestamp(b, 2025, 59 * 86_400)),
            "2025-03-01T00:00:00Z"
        );
        assert_eq!(
            text(|b| push_timestamp(b, 2025, u64::MAX)),
            "2025-12-31T23:59:59Z"
        );
    }
}
