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
        let score = (min * pow(max / min, position)) as f32;
        // Not `clamp`: its `min <= max` assertion would link f32's `Debug` (float
        // formatting, 20 KB raw) into the widget; `min < max` was checked above.
        score.max(self.min).min(self.max)
    }
}

/// `base^exponent` by the standard `powf`, natively: scoring a 20-product cart
/// dequantizes ~400 edges, and the series below made the native `recommend` 4 × slower
/// (7 → 30 µs, `cargo bench --bench recommend`).
#[cfg(not(target_arch = "wasm32"))]
fn pow(base: f64, exponent: f64) -> f64 {
    base.powf(exponent)
}

/// `base^exponent` as `exp(exponent · ln base)`: on wasm32 `powf` is libm's `pow`, 2 KB of
/// the widget's download for the one call above; these two series are a tenth of that
/// and agree with `powf` to a few units in the last place of an `f64`, far below the
/// `f32` the score is rounded to (a test compares every byte of several ranges), so both
/// targets dequantize every byte alike.
#[cfg(any(target_arch = "wasm32", test))]
fn series_pow(base: f64, exponent: f64) -> f64 {
    exp(exponent * ln(base))
}

#[cfg(target_arch = "wasm32")]
fn pow(base: f64, exponent: f64) -> f64 {
    series_pow(base, exponent)
}

/// The natural logarithm of a positive, finite `x`: `x = m · 2^e` with `m` in
/// `[√½, √2)`, and `ln m = 2 · atanh((m − 1) / (m + 1))` as its odd series.
#[cfg(any(target_arch = "wasm32", test))]
fn ln(x: f64) -> f64 {
    let bits = x.to_bits();
    let mut exponent = ((bits >> 52) & 0x7ff) as i64 - 1023;
    let mut mantissa = f64::from_bits((bits & 0x000f_ffff_ffff_ffff) | 0x3ff0_0000_0000_0000);
    if mantissa > core::f64::consts::SQRT_2 {
        mantissa /= 2.0;
        exponent += 1;
    }
    let s = (mantissa - 1.0) / (mantissa + 1.0);
    let s2 = s * s;
    // |s| < 0.172: the terms up to s^25 reach below 1e-19 of the sum.
    let mut series = 0.0;
    for k in (0..13).rev() {
        series = series * s2 + 1.0 / f64::from(2 * k + 1);
    }
    exponent as f64 * core::f64::consts::LN_2 + 2.0 * s * series
}

/// `e^y` for the `y` of [`Quantization::dequantize`] (|y| < 709): `y = n · ln 2 + t`
/// with |t| ≤ ln 2 / 2, the Taylor series of `e^t`, then times `2^n` as an exponent.
#[cfg(any(target_arch = "wasm32", test))]
fn exp(y: f64) -> f64 {
    // `floor` is one wasm instruction; `round` would be a libm function.
    let n = (y / core::f64::consts::LN_2 + 0.5).floor();
    let t = y - n * core::f64::consts::LN_2;
    // |t| ≤ 0.347: the terms up to t^17/17! reach below 1e-20.
    let mut series = 1.0;
    for k in (1..18).rev() {
        series = 1.0 + series * t / f64::from(k);
    }
    series * f64::from_bits(((n as i64 + 1023) as u64) << 52)
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
    fn dequantize_agrees_with_powf_to_the_last_bit_of_an_f32() {
        let mut min = 1e-30f32;
        while min < 1e30 {
            let mut ratio = 1.0001f32;
            while ratio < 1e20 && min * ratio < f32::MAX {
                let range = Quantization {
                    min,
                    max: min * ratio,
                };
                let (low, high) = (f64::from(range.min), f64::from(range.max));
                for quantized in 1..=255u8 {
                    let position = f64::from(quantized - 1) / 254.0;
                    let expected =
                        ((low * (high / low).powf(position)) as f32).clamp(range.min, range.max);
                    // What the widget (wasm32) computes, and what native code does.
                    let series = ((low * series_pow(high / low, position)) as f32)
                        .clamp(range.min, range.max);
                    assert_eq!(series, expected, "{range:?} q={quantized}");
                    assert_eq!(
                        range.dequantize(quantized),
                        expected,
                        "{range:?} q={quantized}"
                    );
                }
                ratio *= 3.7;
            }
            min *= 13.1;
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
