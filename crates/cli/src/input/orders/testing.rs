//! Helpers shared by the tests of every part of the reader: an orders file from text.

use std::io::Read;

use super::{read_orders_from_into, OrderHistory, OrdersOptions};
use crate::progress::Progress;

/// Reads orders from `reader`, calling it `source` in messages.
pub(super) fn read_orders_from(
    reader: impl Read,
    source: &str,
    options: &OrdersOptions,
    progress: &Progress,
) -> anyhow::Result<OrderHistory> {
    let sink = alsobought_mining::OrdersBuilder::new();
    read_orders_from_into(reader, source, options, progress, sink)
}

pub(super) fn read(text: &str, options: &OrdersOptions) -> anyhow::Result<OrderHistory> {
    read_orders_from(text.as_bytes(), "orders.csv", options, &Progress::hidden())
}

pub(super) fn read_default(text: &str) -> OrderHistory {
    read(text, &OrdersOptions::default()).unwrap()
}

pub(super) fn baskets(history: &OrderHistory) -> Vec<Vec<&str>> {
    let ids = history.orders.product_ids();
    history
        .orders
        .baskets()
        .iter()
        .map(|basket| {
            basket
                .iter()
                .map(|&product| ids[product as usize].as_str())
                .collect()
        })
        .collect()
}
