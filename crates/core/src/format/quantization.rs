//! Neighbour scores are stored in one byte each, on a log scale between the
//! table's smallest and largest score: association scores span orders of
//! magnitude, and a log scale gives every score the same relative precision
//! (about 0.9 % per step for a 100× range) where a linear one would flatten
//! every weak pair to the same value.

/// Maps scores to bytes and back for one table (`score_min`, `score_max` from
/// the header).
///
/// `q = 0` means "no score" (a score of 0); `q` in `1..=255` stands for
/// `min · (max / min)^((q − 1) / 254)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Quantization {
    /// The smallest positive score stored (`q = 1`); 0 when there is none.
    pub min: f32,
    /// The largest score stored (`q = 255`); 0 when there is none.
    pub max: f32,
}

impl Quantization {
    /// The range of the positive, finite scores in `scores` (`{0, 0}` if none).
    pub fn from_scores(scores: impl IntoIterator<Item = f32>) -> Self {
        scores
            .into_iter()
            .filter(|score| score.is_finite() && *score > 0.0)
            .fold(Quantization { min: 0.0, max: 0.0 }, |range, score| {
                if range.max == 0.0 {
                    Quantization {
                        min: score,
                        max: score,
                    }
                } else {
                    Quantization {
                        min: range.min.min(score),
                        max: range.max.max(score),
                    }
                }
            })
    }

    /// Whether `min` and `max` make a range a table may store: both finite,
    /// `0 < min ≤ max`, or both exactly 0 (a table without scores).
    pub fn is_valid(&self) -> bool {
        let both_zero = self.min == 0.0 && self.max == 0.0;
        let ordered =
            self.min.is_finite() && self.max.is_finite() && self.min > 0.0 && self.min <= self.max;
        both_zero || ordered
    }

    /// The byte for `score`: 0 for 0, negative or NaN scores, otherwise
    /// `1 + round(254 · ln(score / min) / ln(max / min))`, clamped to `1..=255`
    /// (255 for every positive score when `min == max`).
    pub fn quantize(&self, score: f32) -> u8 {
        if !is_positive(score) || !is_positive(self.max) {
            return 0;
        }
        let (min, max) = (f64::from(self.min), f64::from(self.max));
        if max <= min {
            return 255;
        }
        let position = ((f64::from(score) / min).ln() / (max / min).ln()).clamp(0.0, 1.0);
        1 + (position * 254.0).round() as u8
    }

    /// The score a byte stands for: 0 for `q = 0`, otherwise
    /// `min · (max / min)^((q − 1) / 254)`, within `[min, max]`.
    pub fn dequantize(&self, quantized: u8) -> f32 {
        if quantized == 0 {
            return 0.0;
        }
        if !is_positive(self.max - self.min) {
            return self.max;
        }
        let (min, max) = (f64::from(self.min), f64::from(self.max));
        let position = f64::from(quantized - 1) / 254.0;
        let score = (min * (max / min).powf(position)) as f32;
        score.clamp(self.min, self.max)
    }
}

/// `value > 0`, false for NaN.
fn is_positive(value: f32) -> bool {
    value > 0.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_survives_a_round_trip() {
        for range in [
            Quantization {
                min: 0.001,
                max: 1.0,
            },
            Quantization { min: 1.0, max: 1.5 },
            Quantization {
                min: 3e-30,
                max: 3e30,
            },
        ] {
            for quantized in 1..=255u8 {
                let score = range.dequantize(quantized);
                assert_eq!(range.quantize(score), quantized, "{range:?} q={quantized}");
            }
        }
    }

    #[test]
    fn scores_keep_their_relative_precision() {
        let range = Quantization {
            min: 0.01,
            max: 1.0,
        };
        let half_step = (1.0f64 / 0.01).powf(1.0 / 508.0);
        let mut score = 0.01f32;
        while score <= 1.0 {
            let back = f64::from(range.dequantize(range.quantize(score)));
            let ratio = back / f64::from(score);
            assert!(
                ratio <= half_step * 1.000_001 && ratio >= 1.0 / half_step / 1.000_001,
                "{score} came back as {back}"
            );
            score *= 1.01;
        }
    }

    #[test]
    fn zero_means_no_score_and_edges_clamp() {
        let range = Quantization { min: 0.5, max: 2.0 };
        assert_eq!(range.quantize(0.0), 0);
        assert_eq!(range.quantize(-1.0), 0);
        assert_eq!(range.quantize(f32::NAN), 0);
        assert_eq!(range.quantize(0.1), 1);
        assert_eq!(range.quantize(10.0), 255);
        assert_eq!(range.dequantize(0), 0.0);
        assert_eq!(range.dequantize(1), 0.5);
        assert_eq!(range.dequantize(255), 2.0);
        let single = Quantization { min: 0.3, max: 0.3 };
        assert_eq!(single.quantize(0.3), 255);
        assert_eq!(single.dequantize(255), 0.3);
        let empty = Quantization { min: 0.0, max: 0.0 };
        assert_eq!(empty.quantize(1.0), 0);
        assert_eq!(empty.dequantize(7), 0.0);
    }

    #[test]
    fn ranges_come_from_positive_finite_scores() {
        let range = Quantization::from_scores([0.0, 3.0, 0.5, f32::NAN, 2.0]);
        assert_eq!(range, Quantization { min: 0.5, max: 3.0 });
        assert!(range.is_valid());
        assert_eq!(
            Quantization::from_scores([0.0]),
            Quantization { min: 0.0, max: 0.0 }
        );
        assert!(!Quantization { min: 2.0, max: 1.0 }.is_valid());
        assert!(!Quantization { min: 0.0, max: 1.0 }.is_valid());
    }
}
