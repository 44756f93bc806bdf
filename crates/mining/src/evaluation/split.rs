//! Which orders are held out for testing: decided by a hash of the order id, so the
//! same file always splits the same way, whatever order its lines come in, and the
//! split does not depend on dates the input may not have.

use crate::Orders;

/// Orders divided into the ones mined and the ones held out.
#[derive(Debug, Clone)]
pub struct Split {
    /// Orders the table is built from.
    pub training: Orders,
    /// Held-out orders the queries come from.
    pub test: Orders,
}

/// Splits `orders` by order id: an order goes to the test side when its id's hash,
/// read as a fraction of 2^32, is below `test_fraction` (clamped to 0..=1).
pub fn split_orders(orders: &Orders, test_fraction: f64) -> Split {
    let is_test: Vec<bool> = orders
        .order_ids()
        .iter()
        .map(|id| is_held_out(id, test_fraction))
        .collect();
    Split {
        training: orders.subset(|position| !is_test[position]),
        test: orders.subset(|position| is_test[position]),
    }
}

/// Whether the order with this id is held out.
pub fn is_held_out(order_id: &str, test_fraction: f64) -> bool {
    let unit = f64::from(mix(order_id.as_bytes(), 0)) / 4_294_967_296.0;
    unit < test_fraction.clamp(0.0, 1.0)
}

/// A well-spread 32-bit hash of `bytes` under `seed`: FNV-1a, then the murmur3
/// finaliser, because FNV alone leaves short numeric ids (`489434`, `489435`)
/// clustered in the high bits this split reads.
pub(crate) fn mix(bytes: &[u8], seed: u32) -> u32 {
    let mut hash = 0x811c_9dc5u32 ^ seed;
    for &byte in bytes {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash ^= hash >> 16;
    hash = hash.wrapping_mul(0x85eb_ca6b);
    hash ^= hash >> 13;
    hash = hash.wrapping_mul(0xc2b2_ae35);
    hash ^ (hash >> 16)
}
