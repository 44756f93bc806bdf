//! Parsers for the values order and catalog files carry (prices, quantities, ratings,
//! availability, currencies), shared so both files accept the same spellings.
//!
//! Each returns a message quoting the offending value on failure; the caller adds the
//! file, line and field.

/// Parses a price such as `12.5`, `12.50` or `1299` into hundredths of the currency
/// unit, rounding extra decimals to the nearest hundredth. Negative prices are returned
/// as such; the caller decides what they mean.
pub fn parse_price_hundredths(text: &str) -> Result<i64, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a price (expected a number such as 12.50)"))?;
    if !value.is_finite() || value.abs() > 1e15 {
        return Err(format!("{text:?} is not a usable price"));
    }
    Ok((value * 100.0).round() as i64)
}

/// A price that fits a table card: non-negative hundredths below 2^32.
pub fn card_price(text: &str) -> Result<u32, String> {
    let hundredths = parse_price_hundredths(text)?;
    u32::try_from(hundredths).map_err(|_| {
        format!("price {text:?} is outside 0..=42949672.95, the range a table card stores")
    })
}

/// Parses a quantity: a whole number, possibly written with a zero fraction (`3.0`).
pub fn parse_quantity(text: &str) -> Result<i64, String> {
    if let Ok(whole) = text.parse::<i64>() {
        return Ok(whole);
    }
    match text.parse::<f64>() {
        Ok(value) if value.fract() == 0.0 && value.abs() < 1e15 => Ok(value as i64),
        _ => Err(format!("{text:?} is not a whole number")),
    }
}

/// Parses a star rating from 0 to 5 (`4.5`) into tenths of a star.
pub fn parse_rating_tenths(text: &str) -> Result<u8, String> {
    let value: f64 = text
        .parse()
        .map_err(|_| format!("{text:?} is not a rating (expected a number from 0 to 5)"))?;
    if !(0.0..=5.0).contains(&value) {
        return Err(format!("rating {text:?} is outside 0 to 5"));
    }
    Ok((value * 10.0).round() as u8)
}

/// Parses availability: `true`/`false`, `yes`/`no`, `1`/`0`, `in stock`/`out of stock`
/// (any case); an empty value means available.
pub fn parse_available(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "" | "true" | "yes" | "1" | "in stock" | "in_stock" | "instock" => Ok(true),
        "false" | "no" | "0" | "out of stock" | "out_of_stock" | "outofstock" => Ok(false),
        _ => Err(format!(
            "{text:?} is not an availability (expected true/false, yes/no, 1/0 or in stock/out of stock)"
        )),
    }
}

/// Parses a yes/no field such as a catalog's `default` (empty is no).
pub fn parse_flag(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "" | "false" | "no" | "0" => Ok(false),
        "true" | "yes" | "1" => Ok(true),
        _ => Err(format!(
            "{text:?} is not a yes/no value (expected true/false, yes/no or 1/0)"
        )),
    }
}

/// Parses an ISO 4217 currency code (`EUR`, `usd`), returned in upper case.
pub fn parse_currency(text: &str) -> Result<String, String> {
    if text.len() == 3 && text.bytes().all(|byte| byte.is_ascii_alphabetic()) {
        Ok(text.to_ascii_uppercase())
    } else {
        Err(format!(
            "{text:?} is not an ISO 4217 currency code (three letters such as EUR)"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_round_to_hundredths() {
        assert_eq!(parse_price_hundredths("12.5"), Ok(1250));
        assert_eq!(parse_price_hundredths("6.95"), Ok(695));
        assert_eq!(parse_price_hundredths("0.335"), Ok(34));
        assert_eq!(parse_price_hundredths("-11062.06"), Ok(-1106206));
        assert!(parse_price_hundredths("£3").unwrap_err().contains("\"£3\""));
        assert!(parse_price_hundredths("NaN").is_err());
    }

    #[test]
    fn card_prices_must_fit_the_format() {
        assert_eq!(card_price("42949672.95"), Ok(u32::MAX));
        assert!(card_price("42949672.96").is_err());
        assert!(card_price("-1").is_err());
    }

    #[test]
    fn quantities_are_whole_numbers() {
        assert_eq!(parse_quantity("12"), Ok(12));
        assert_eq!(parse_quantity("-3"), Ok(-3));
        assert_eq!(parse_quantity("2.0"), Ok(2));
        assert!(parse_quantity("1.5").is_err());
        assert!(parse_quantity("").is_err());
    }

    #[test]
    fn ratings_availability_and_currencies() {
        assert_eq!(parse_rating_tenths("4.5"), Ok(45));
        assert!(parse_rating_tenths("6").is_err());
        assert_eq!(parse_available("Out of stock"), Ok(false));
        assert_eq!(parse_available(""), Ok(true));
        assert!(parse_available("maybe").is_err());
        assert_eq!(parse_currency("eur"), Ok("EUR".to_owned()));
        assert!(parse_currency("EURO").is_err());
    }
}
