//! LEB128 unsigned varints (7 bits per byte, low group first, high bit = "more"),
//! used for string lengths and neighbour counts. The reader accepts only the
//! shortest encoding of a `u32`, so every value has exactly one byte form and a
//! corrupt continuation bit cannot make a reader walk far.

/// At most five bytes encode a `u32` (5 × 7 = 35 bits).
pub(crate) const MAX_VARINT_LEN: usize = 5;

/// Why a varint could not be decoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum VarintError {
    /// The bytes ended while the continuation bit was still set.
    Truncated,
    /// More than five bytes, a value above `u32::MAX`, or a needless zero group.
    Invalid(&'static str),
}

/// Decodes a varint at the start of `bytes`: the value and the bytes it used.
pub(crate) fn decode_u32(bytes: &[u8]) -> Result<(u32, usize), VarintError> {
    let mut value: u64 = 0;
    for (index, &byte) in bytes.iter().enumerate().take(MAX_VARINT_LEN) {
        value |= u64::from(byte & 0x7F) << (7 * index);
        if byte & 0x80 == 0 {
            if index > 0 && byte == 0 {
                return Err(VarintError::Invalid(
                    "varint is not in its shortest form (ends in a zero group)",
                ));
            }
            return u32::try_from(value)
                .map(|value| (value, index + 1))
                .map_err(|_| VarintError::Invalid("varint value exceeds u32::MAX"));
        }
    }
    if bytes.len() >= MAX_VARINT_LEN {
        Err(VarintError::Invalid("varint is longer than five bytes"))
    } else {
        Err(VarintError::Truncated)
    }
}

/// Appends the shortest encoding of `value` to `out`.
pub(crate) fn encode_u32(mut value: u32, out: &mut Vec<u8>) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7F) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn encoded(value: u32) -> Vec<u8> {
        let mut out = Vec::new();
        encode_u32(value, &mut out);
        out
    }

    #[test]
    fn round_trips_boundary_values() {
        for value in [0, 1, 127, 128, 255, 300, 16_383, 16_384, u32::MAX] {
            let bytes = encoded(value);
            assert_eq!(decode_u32(&bytes), Ok((value, bytes.len())), "{value}");
        }
        assert_eq!(encoded(300), [0xAC, 0x02]);
        assert_eq!(encoded(u32::MAX).len(), MAX_VARINT_LEN);
    }

    #[test]
    fn refuses_overlong_oversized_and_cut_encodings() {
        assert!(matches!(
            decode_u32(&[0x80, 0x00]),
            Err(VarintError::Invalid(_))
        ));
        assert!(matches!(
            decode_u32(&[0xFF, 0xFF, 0xFF, 0xFF, 0x1F]),
            Err(VarintError::Invalid(_))
        ));
        assert!(matches!(
            decode_u32(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
            Err(VarintError::Invalid(_))
        ));
        assert_eq!(decode_u32(&[0x80, 0x80]), Err(VarintError::Truncated));
        assert_eq!(decode_u32(&[]), Err(VarintError::Truncated));
    }
}
