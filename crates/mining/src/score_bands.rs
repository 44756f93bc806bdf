//! Score bytes for lists that mix pinned, mined and filled suggestions.
//!
//! The writer stores each score as one byte on a log scale between the table's
//! smallest and largest score, and readers rank by that byte, equal bytes by product
//! number. Pins must come first *in the order given* and fills last, whatever the
//! mined scores are, so each kind gets its own band of bytes: pins the top ones (the
//! first pin 255, the next 254, ...), fills the bottom ones (the first fill just
//! below every mined score, down to 1, never 0 which means "no score"), and mined
//! scores the band between, on the same log scale as before. Scores are then chosen
//! so that the writer's own quantization gives back exactly these bytes.

use alsobought_core::format::Quantization;

/// The smallest log step between two mined bytes: adjacent bytes must stay distinct
/// `f32` scores however narrow the mined range.
const MIN_LOG_STEP: f64 = 1e-3;

/// How a neighbour list is made up: its first `pinned` entries are pins, its last
/// `filled` entries fills, the rest mined.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct ListMakeup {
    pub pinned: usize,
    pub filled: usize,
}

/// The most pins or fills one list may have: together they leave at least 127 of the
/// 255 bytes to the mined scores.
pub(crate) const MAX_BAND: usize = 64;

/// Rewrites the scores of `lists` so that, once quantized by the writer, every pin
/// outranks every mined score, which outranks every fill, pins and fills keep their
/// list order, and mined scores keep their order (ties included). Leaves the lists
/// alone when there is no pin and no fill.
pub(crate) fn place_in_bands(lists: &mut [Vec<(u32, f32)>], makeup: &[ListMakeup]) {
    let top = makeup.iter().map(|list| list.pinned).max().unwrap_or(0);
    let bottom = makeup.iter().map(|list| list.filled).max().unwrap_or(0);
    if top == 0 && bottom == 0 {
        return;
    }
    assert!(top <= MAX_BAND && bottom <= MAX_BAND, "bands are capped");
    let mined = || {
        lists.iter().zip(makeup).flat_map(|(list, parts)| {
            list[parts.pinned..list.len() - parts.filled]
                .iter()
                .map(|&(_, score)| f64::from(score))
        })
    };
    let low = mined().fold(f64::INFINITY, f64::min);
    let high = mined().fold(0.0, f64::max);
    let (low, high) = if low.is_finite() {
        (low, high)
    } else {
        (1.0, 1.0)
    };
    let mined_bytes = 255 - top - bottom;
    let step = ((high / low).ln() / (mined_bytes - 1) as f64).max(MIN_LOG_STEP);
    let first_mined = bottom + 1;
    let byte_of_mined = |score: f32| {
        let steps = ((f64::from(score) / low).ln() / step).round() as usize;
        first_mined + steps.min(mined_bytes - 1)
    };

    let mut bytes: Vec<Vec<usize>> = Vec::with_capacity(lists.len());
    for (list, parts) in lists.iter().zip(makeup) {
        let mined_end = list.len() - parts.filled;
        bytes.push(
            list.iter()
                .enumerate()
                .map(|(position, &(_, score))| {
                    if position < parts.pinned {
                        255 - position
                    } else if position < mined_end {
                        byte_of_mined(score)
                    } else {
                        bottom - (position - mined_end)
                    }
                })
                .collect(),
        );
    }
    let used_low = bytes.iter().flatten().copied().min().unwrap_or(1);
    let used_high = bytes.iter().flatten().copied().max().unwrap_or(255);
    // The writer's range runs from the smallest score stored to the largest: make
    // those the bytes actually used, so its bytes are ours stretched onto 1..=255.
    let value_of = |byte: usize| low * (step * (byte as f64 - first_mined as f64)).exp();
    let range = Quantization {
        min: value_of(used_low) as f32,
        max: value_of(used_high) as f32,
    };
    let span = used_high - used_low;
    for (list, list_bytes) in lists.iter_mut().zip(&bytes) {
        for (entry, &byte) in list.iter_mut().zip(list_bytes) {
            entry.1 = if span == 0 {
                range.max
            } else {
                // Integer rounding keeps distinct bytes distinct: consecutive bytes
                // are at least one step of 1..=255 apart once stretched.
                let stretched = 1 + (2 * 254 * (byte - used_low) + span) / (2 * span);
                match stretched {
                    1 => range.min,
                    255 => range.max,
                    quantized => range.dequantize(quantized as u8),
                }
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bytes the writer would store for these lists.
    fn written_bytes(lists: &[Vec<(u32, f32)>]) -> Vec<Vec<u8>> {
        let range = Quantization::from_scores(lists.iter().flatten().map(|&(_, score)| score));
        lists
            .iter()
            .map(|list| list.iter().map(|&(_, s)| range.quantize(s)).collect())
            .collect()
    }

    #[test]
    fn pins_first_in_order_then_mined_then_fills_all_distinct() {
        let mut lists = vec![
            vec![(9, 0.0), (8, 0.0), (1, 0.9), (2, 0.3), (3, 0.3)],
            vec![(4, 0.0), (5, 0.000_01)],
            vec![(6, 0.0), (7, 0.0), (5, 0.0)],
        ];
        let makeup = [
            ListMakeup {
                pinned: 2,
                filled: 0,
            },
            ListMakeup {
                pinned: 1,
                filled: 0,
            },
            ListMakeup {
                pinned: 0,
                filled: 3,
            },
        ];
        place_in_bands(&mut lists, &makeup);
        let bytes = written_bytes(&lists);
        assert_eq!(bytes[0][0], 255);
        assert!(bytes[0][1] < bytes[0][0] && bytes[0][2] < bytes[0][1]);
        assert!(bytes[0][3] < bytes[0][2]);
        assert_eq!(bytes[0][3], bytes[0][4], "equal mined scores stay equal");
        assert!(bytes[1][0] > bytes[0][2]);
        assert!(
            bytes[1][1] > bytes[2][0],
            "the weakest mined beats every fill"
        );
        assert!(bytes[2][0] > bytes[2][1] && bytes[2][1] > bytes[2][2]);
        assert!(bytes[2][2] >= 1);
    }

    #[test]
    fn fills_alone_still_rank_in_order() {
        let mut lists = vec![vec![(1, 0.0), (2, 0.0)], vec![]];
        let makeup = [
            ListMakeup {
                pinned: 0,
                filled: 2,
            },
            ListMakeup::default(),
        ];
        place_in_bands(&mut lists, &makeup);
        let bytes = written_bytes(&lists);
        assert!(bytes[0][0] > bytes[0][1] && bytes[0][1] > 0, "{bytes:?}");
    }

    #[test]
    fn without_pins_or_fills_scores_are_untouched() {
        let mut lists = vec![vec![(1, 0.7), (2, 0.2)]];
        place_in_bands(&mut lists, &[ListMakeup::default()]);
        assert_eq!(lists, [vec![(1, 0.7), (2, 0.2)]]);
    }
}
