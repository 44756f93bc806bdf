//! The product-id hash that places a product in a bucket and orders the bundles:
//! FNV-1a 32-bit, chosen because a third-party reader can implement it in two
//! lines in any language and it needs no key.

const OFFSET_BASIS: u32 = 0x811C_9DC5;
const PRIME: u32 = 0x0100_0193;

/// FNV-1a 32-bit hash of the id's UTF-8 bytes.
/// `product_hash("") == 0x811C_9DC5`, `product_hash("a") == 0xE40C_292C`.
pub fn product_hash(id: &str) -> u32 {
    id.bytes().fold(OFFSET_BASIS, |hash, byte| {
        (hash ^ u32::from(byte)).wrapping_mul(PRIME)
    })
}

/// The top `bits` bits of a hash (0 for no bits): its bucket in a single file, its
/// shard in a directory (both layouts place products this one way).
pub(crate) fn top_bits(hash: u32, bits: u8) -> u32 {
    if bits == 0 {
        0
    } else {
        hash >> (32 - u32::from(bits))
    }
}

#[cfg(test)]
mod tests {
    use super::product_hash;

    #[test]
    fn matches_the_published_fnv1a_vectors() {
        assert_eq!(product_hash(""), 0x811C_9DC5);
        assert_eq!(product_hash("a"), 0xE40C_292C);
        assert_eq!(product_hash("foobar"), 0xBF9C_F968);
    }
}
