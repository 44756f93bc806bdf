//! The order history of `alsobought generate`: a fixed number of line items drawn from
//! the [`OrderModel`] and written as CSV, chunk by chunk.
//!
//! Determinism without a global sequence: the history is cut into chunks of a fixed
//! number of lines, each drawn from its own [`SplitMix64::stream`]; an order never
//! straddles chunks (the last order of a chunk is cut to fit), and an order's id is
//! the number of its first line. So chunks are independent and can be made in any
//! order on any number of threads with the same bytes as a result. Timestamps run
//! through the year with the order's position.

use super::catalog::CatalogModel;
use super::orders::{Basket, OrderModel, MAX_BASKET_LINES};
use super::random::SplitMix64;
use super::text::{push_decimal, push_timestamp, SECONDS_PER_YEAR};

/// The year the timestamps run through.
const YEAR: u64 = 2025;

/// The CSV header of the orders file, newline included.
pub const ORDERS_HEADER: &[u8] = b"order_id,product_id,quantity,customer_id,created_at\n";

/// Counts of what a run or a chunk wrote.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OrdersSummary {
    /// Orders written.
    pub orders: u64,
    /// Line items written (CSV rows, header excluded).
    pub lines: u64,
    /// Bytes written, the header included when there was one.
    pub bytes: u64,
}

impl std::ops::Add for OrdersSummary {
    type Output = OrdersSummary;

    fn add(self, other: OrdersSummary) -> OrdersSummary {
        OrdersSummary {
            orders: self.orders + other.orders,
            lines: self.lines + other.lines,
            bytes: self.bytes + other.bytes,
        }
    }
}

/// Appends the time of the order at `position` of `total` (lines or orders, whichever
/// the history counts) as ISO 8601 UTC: positions spread evenly over the year, so a
/// history reads as a year of trade, oldest first.
pub fn push_order_time(buffer: &mut Vec<u8>, position: u64, total: u64) {
    let second =
        (u128::from(position) * u128::from(SECONDS_PER_YEAR) / u128::from(total.max(1))) as u64;
    push_timestamp(buffer, YEAR, second);
}

/// How the line items are cut into independently seeded chunks.
#[derive(Clone, Copy, Debug)]
pub struct ChunkedHistory {
    /// Keys each chunk's stream.
    pub seed: u64,
    /// Line items in the whole history.
    pub total_lines: u64,
    /// Line items per chunk (at least 1).
    pub lines_per_chunk: u64,
}

impl ChunkedHistory {
    /// Number of chunks the history is made in.
    pub fn chunk_count(&self) -> u64 {
        self.total_lines.div_ceil(self.lines_per_chunk)
    }

    /// Appends chunk `chunk`'s CSV lines, orders drawn from `model` over `catalog`, to
    /// `buffer` and returns what it wrote.
    pub fn write_chunk(
        &self,
        model: &OrderModel,
        catalog: &CatalogModel,
        chunk: u64,
        buffer: &mut Vec<u8>,
    ) -> OrdersSummary {
        let first_line = chunk * self.lines_per_chunk;
        let end = (first_line + self.lines_per_chunk).min(self.total_lines);
        let before = buffer.len();
        let mut random = SplitMix64::stream(self.seed, chunk);
        let mut basket = Basket {
            customer: 0,
            lines: Vec::with_capacity(MAX_BASKET_LINES as usize),
        };
        let mut order_prefix: Vec<u8> = Vec::with_capacity(24);
        let mut order_suffix: Vec<u8> = Vec::with_capacity(40);
        let mut line = first_line.min(end);
        let mut orders = 0;
        while line < end {
            model.draw_order(&mut random, end - line, &mut basket);

            order_prefix.clear();
            order_prefix.push(b'O');
            push_decimal(&mut order_prefix, line + 1);
            order_prefix.push(b',');
            order_suffix.clear();
            order_suffix.extend_from_slice(b",C");
            push_decimal(&mut order_suffix, basket.customer + 1);
            order_suffix.push(b',');
            push_order_time(&mut order_suffix, line, self.total_lines);
            order_suffix.push(b'\n');

            for &(product, quantity) in &basket.lines {
                buffer.extend_from_slice(&order_prefix);
                catalog.push_id(buffer, product);
                buffer.push(b',');
                push_decimal(buffer, quantity);
                buffer.extend_from_slice(&order_suffix);
            }
            line += basket.lines.len() as u64;
            orders += 1;
        }
        OrdersSummary {
            orders,
            lines: line - first_line.min(end),
            bytes: (buffer.len() - before) as u64,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn time(position: u64, total: u64) -> String {
        let mut buffer = Vec::new();
        push_order_time(&mut buffer, position, total);
        String::from_utf8(buffer).unwrap()
    }

    #[test]
    fn order_times_spread_over_the_year_in_position_order() {
        assert_eq!(time(0, 4), "2025-01-01T00:00:00Z");
        assert_eq!(time(2, 4), "2025-07-02T12:00:00Z");
        assert_eq!(time(3, 4), "2025-10-01T18:00:00Z");
        assert!(time(4_999, 5_000).starts_with("2025-12-31T"));
        assert_eq!(time(0, 0), "2025-01-01T00:00:00Z");
    }
}
