//! The orders the tuner needs, copied while a build reads them.
//!
//! A build streams its lines into the bounded-memory [`crate::BasketCollector`], which
//! forgets order ids; the tuner splits by order id, so it needs [`Orders`]. This sink
//! passes every line on and keeps a copy beside it — but only while the copy stays
//! within its own byte limit: a history too large for that is built untuned (the
//! caller says so) rather than let tuning break the build's memory bound.

use crate::{LineSink, Orders, OrdersBuilder, SpillError};

/// Estimated bytes of an [`OrdersBuilder`] per order (its id twice, a basket vector,
/// a hash-map slot) on top of the id's own bytes, twice.
const BYTES_PER_ORDER: usize = 96;
/// Per line: a product number, with the basket vector's spare capacity.
const BYTES_PER_LINE: usize = 8;
/// Per product: its id twice and a hash-map slot, on top of the id's bytes, twice.
const BYTES_PER_PRODUCT: usize = 64;

/// A [`LineSink`] that feeds `inner` and copies the orders for tuning while the copy
/// stays within `max_bytes`.
pub struct TuningCopy<T> {
    inner: T,
    copy: Option<OrdersBuilder>,
    estimated_bytes: usize,
    max_bytes: usize,
}

/// What a [`TuningCopy`] collected: the inner sink's result and the copy, `None` when
/// the history outgrew the copy's limit.
pub struct TuningCopyOf<C> {
    /// What the inner sink collected.
    pub collected: C,
    /// Every order, for the tuner; `None` when they did not fit the limit.
    pub orders: Option<Orders>,
}

impl<T> TuningCopy<T> {
    /// Feeds `inner`, copying the orders within `max_bytes` of estimated memory.
    pub fn new(inner: T, max_bytes: usize) -> Self {
        TuningCopy {
            inner,
            copy: Some(OrdersBuilder::new()),
            estimated_bytes: 0,
            max_bytes,
        }
    }
}

impl<T: LineSink> LineSink for TuningCopy<T> {
    type Collected = TuningCopyOf<T::Collected>;

    fn push_line(&mut self, order_id: &str, product_id: &str) -> Result<(), SpillError> {
        self.inner.push_line(order_id, product_id)?;
        if let Some(copy) = &mut self.copy {
            let (orders, products) = (copy.order_count(), copy.product_count());
            copy.add_line(order_id, product_id);
            self.estimated_bytes += BYTES_PER_LINE;
            if copy.order_count() > orders {
                self.estimated_bytes += BYTES_PER_ORDER + 2 * order_id.len();
            }
            if copy.product_count() > products {
                self.estimated_bytes += BYTES_PER_PRODUCT + 2 * product_id.len();
            }
            if self.estimated_bytes > self.max_bytes {
                self.copy = None;
            }
        }
        Ok(())
    }

    fn products_seen(&self) -> usize {
        self.inner.products_seen()
    }

    fn into_collected(self) -> Result<Self::Collected, SpillError> {
        Ok(TuningCopyOf {
            collected: self.inner.into_collected()?,
            orders: self.copy.map(OrdersBuilder::finish),
        })
    }
}
