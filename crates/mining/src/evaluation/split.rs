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
    is_held_out_by(order_id, test_fraction, 0)
}

/// Whether the order with this id is held out by the split of hash seed `seed`: seed 0
/// is [`is_held_out`]'s; another seed cuts a slice independent of it (the tuning inside
/// `alsobought evaluate` holds out part of the training orders that way).
pub fn is_held_out_by(order_id: &str, test_fraction: f64, seed: u32) -> bool {
    let unit = f64::from(mix(order_id.as_bytes(), seed)) / 4_294_967_296.0;
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn another_seed_holds_out_a_share_of_the_training_orders_too() {
        let ids: Vec<String> = (0..20_000).map(|n| format!("O{n}")).collect();
        let training: Vec<&String> = ids.iter().filter(|id| !is_held_out(id, 0.2)).collect();
        let nested = training
            .iter()
            .filter(|id| is_held_out_by(id, 0.2, 0x7475_6e65))
            .count();
        // Seed 0 would hold out none of them: its slice is exactly what they are not.
        assert!(training.iter().all(|id| !is_held_out_by(id, 0.2, 0)));
        let share = nested as f64 / training.len() as f64;
        assert!((0.18..0.22).contains(&share), "{share}");
    }
}
