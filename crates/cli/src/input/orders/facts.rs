//! What an orders file tells about itself for `build`'s summary, besides its baskets:
//! how many customers, which dates, which currencies.

use std::collections::HashSet;
use std::hash::{DefaultHasher, Hasher};

/// The customers, dates and currencies of the used rows, gathered row by row.
#[derive(Debug, Default)]
pub(super) struct FileFacts {
    /// 64-bit hashes of the customer ids: 8 bytes per customer, not the id's text.
    pub(super) customers: HashSet<u64>,
    last_customer: Vec<u8>,
    pub(super) earliest_date: Option<String>,
    pub(super) latest_date: Option<String>,
    pub(super) currencies: Vec<String>,
}

impl FileFacts {
    pub(super) fn count_customer(&mut self, customer: &[u8]) {
        let customer = customer.trim_ascii();
        // Rows of one order are usually adjacent: skip the set for repeats.
        if customer.is_empty() || customer == self.last_customer.as_slice() {
            return;
        }
        self.last_customer.clear();
        self.last_customer.extend_from_slice(customer);
        let mut hasher = DefaultHasher::new();
        hasher.write(customer);
        self.customers.insert(hasher.finish());
    }

    pub(super) fn note_currency(&mut self, currency: &[u8]) {
        let currency = currency.trim_ascii();
        if !currency.is_empty()
            && !self
                .currencies
                .iter()
                .any(|known| known.as_bytes() == currency)
        {
            self.currencies
                .push(String::from_utf8_lossy(currency).into_owned());
        }
    }

    /// Keeps the earliest and latest ISO 8601 dates (these compare as text).
    pub(super) fn widen_date_range(&mut self, date: &[u8]) {
        let date = date.trim_ascii();
        if !looks_like_iso_date(date) {
            return;
        }
        let is_before =
            |known: &Option<String>| known.as_ref().is_none_or(|known| date < known.as_bytes());
        let is_after =
            |known: &Option<String>| known.as_ref().is_none_or(|known| date > known.as_bytes());
        if is_before(&self.earliest_date) {
            self.earliest_date = Some(String::from_utf8_lossy(date).into_owned());
        }
        if is_after(&self.latest_date) {
            self.latest_date = Some(String::from_utf8_lossy(date).into_owned());
        }
    }
}

/// Whether `date` starts like `2009-12-01`.
fn looks_like_iso_date(date: &[u8]) -> bool {
    date.len() >= 10
        && date[..4].iter().all(u8::is_ascii_digit)
        && date[4] == b'-'
        && date[5..7].iter().all(u8::is_ascii_digit)
        && date[7] == b'-'
        && date[8..10].iter().all(u8::is_ascii_digit)
}
