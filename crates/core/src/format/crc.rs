//! CRC32 (IEEE 802.3, the polynomial zlib, gzip and PNG use), hand-written so the
//! widget's wasm carries no checksum crate.
//!
//! Two tables computed at compile time, one algorithm: native code (the command-line
//! tool checksums whole tables) shifts a byte per lookup through a 1 KiB table; the
//! wasm32 widget, which checksums a few kilobytes per page, shifts half a byte per
//! lookup through a 64-byte table, because every byte of its download counts and the
//! 1 KiB table does not compress (about 1 KB of brotli). Both are tested natively.

/// The reflected IEEE polynomial.
const POLYNOMIAL: u32 = 0xEDB8_8320;

/// One entry per `BITS`-bit value: the CRC register after shifting it through.
const fn build_table<const ENTRIES: usize>(bits: u32) -> [u32; ENTRIES] {
    let mut table = [0u32; ENTRIES];
    let mut value = 0;
    while value < ENTRIES {
        let mut register = value as u32;
        let mut bit = 0;
        while bit < bits {
            register = if register & 1 == 1 {
                (register >> 1) ^ POLYNOMIAL
            } else {
                register >> 1
            };
            bit += 1;
        }
        table[value] = register;
        value += 1;
    }
    table
}

/// CRC32 (IEEE) of `bytes`, as zlib's `crc32(0, bytes, len)` computes it.
/// `crc32(b"123456789") == 0xCBF4_3926`.
pub fn crc32(bytes: &[u8]) -> u32 {
    #[cfg(not(target_arch = "wasm32"))]
    return crc32_by_bytes(bytes);
    #[cfg(target_arch = "wasm32")]
    return crc32_by_nibbles(bytes);
}

#[cfg_attr(target_arch = "wasm32", allow(dead_code))]
fn crc32_by_bytes(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 256] = build_table(8);
    let mut register = u32::MAX;
    for &byte in bytes {
        register = TABLE[((register ^ u32::from(byte)) & 0xFF) as usize] ^ (register >> 8);
    }
    !register
}

#[cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]
fn crc32_by_nibbles(bytes: &[u8]) -> u32 {
    const TABLE: [u32; 16] = build_table(4);
    let mut register = u32::MAX;
    for &byte in bytes {
        register ^= u32::from(byte);
        register = TABLE[(register & 0xF) as usize] ^ (register >> 4);
        register = TABLE[(register & 0xF) as usize] ^ (register >> 4);
    }
    !register
}

#[cfg(test)]
mod tests {
    use super::{crc32, crc32_by_bytes, crc32_by_nibbles};

    #[test]
    fn matches_the_published_check_values() {
        assert_eq!(crc32(b""), 0);
        assert_eq!(crc32(b"123456789"), 0xCBF4_3926);
        assert_eq!(
            crc32(b"The quick brown fox jumps over the lazy dog"),
            0x414F_A339
        );
    }

    #[test]
    fn the_widgets_small_table_computes_the_same_checksums() {
        assert_eq!(crc32_by_nibbles(b"123456789"), 0xCBF4_3926);
        // Every byte value, at every length up to 4 KiB, in a fixed pseudo-random order.
        let mut state = 0x2545_F491_u32;
        let bytes: Vec<u8> = (0..4096)
            .map(|_| {
                state ^= state << 13;
                state ^= state >> 17;
                state ^= state << 5;
                state as u8
            })
            .chain(0..=255)
            .collect();
        for length in (0..bytes.len()).step_by(97) {
            assert_eq!(
                crc32_by_nibbles(&bytes[..length]),
                crc32_by_bytes(&bytes[..length]),
                "length {length}"
            );
        }
    }
}
