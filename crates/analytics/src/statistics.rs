//! The statistics behind `alsobought report`: 95% intervals for rates (Wilson), means
//! and ratios of per-visitor sums (normal approximation, delta method), and the
//! comparison of a variant with its baseline (difference, relative lift with its
//! interval, two-sided p-value).
//!
//! Large-sample normal methods are the right tool here: an A/B test worth reading has
//! hundreds of visitors per variant, and the Wilson interval covers the small-count
//! corner of rates (it stays inside [0, 1] and does not collapse at 0 successes).

/// The two-sided 95% quantile of the standard normal distribution.
pub const Z_95: f64 = 1.959_963_984_540_054;

/// A two-sided 95% confidence interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interval {
    /// Lower end.
    pub low: f64,
    /// Upper end.
    pub high: f64,
}

/// The Wilson score interval of a proportion `successes / trials` (`None` without
/// trials). Unlike the textbook `p ± z·√(p(1-p)/n)` it stays inside [0, 1] and keeps a
/// sensible width at 0 or `trials` successes, which click-through rates often are.
pub fn wilson_interval(successes: u64, trials: u64) -> Option<Interval> {
    if trials == 0 {
        return None;
    }
    let n = trials as f64;
    let p = successes as f64 / n;
    let z2 = Z_95 * Z_95;
    let denominator = 1.0 + z2 / n;
    let centre = (p + z2 / (2.0 * n)) / denominator;
    let half_width = Z_95 / denominator * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt();
    Some(Interval {
        low: (centre - half_width).max(0.0),
        high: (centre + half_width).min(1.0),
    })
}

/// The standard error of a proportion, `√(p(1-p)/n)` (0 without trials).
pub fn proportion_standard_error(successes: u64, trials: u64) -> f64 {
    if trials == 0 {
        return 0.0;
    }
    let p = successes as f64 / trials as f64;
    (p * (1.0 - p) / trials as f64).sqrt()
}

/// Running sums of one value per unit (a visitor's revenue), enough for its mean and
/// the standard error of the mean.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MeanSums {
    /// Units seen.
    pub count: u64,
    /// Σ value.
    pub sum: f64,
    /// Σ value².
    pub sum_of_squares: f64,
}

impl MeanSums {
    /// Adds one unit's value.
    pub fn add(&mut self, value: f64) {
        self.count += 1;
        self.sum += value;
        self.sum_of_squares += value * value;
    }

    /// The mean (`None` without units).
    pub fn mean(&self) -> Option<f64> {
        (self.count > 0).then(|| self.sum / self.count as f64)
    }

    /// The standard error of the mean, `s / √n` with the sample variance `s²`
    /// (`None` below two units, where no variance can be estimated).
    pub fn standard_error(&self) -> Option<f64> {
        if self.count < 2 {
            return None;
        }
        let n = self.count as f64;
        let mean = self.sum / n;
        // Clamped: rounding can take a zero variance a hair below zero.
        let variance = ((self.sum_of_squares - n * mean * mean) / (n - 1.0)).max(0.0);
        Some((variance / n).sqrt())
    }
}

/// Running sums of two values per unit (a visitor's revenue `y` and exposures `x`) for
/// the ratio `Σy / Σx` and its delta-method standard error.
///
/// The ratio weighs units by `x` (revenue per exposure, not the mean of per-visitor
/// ratios); its variance has to come from the units, because the `x` exposures of one
/// visitor are not independent observations.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct RatioSums {
    /// Units seen.
    pub count: u64,
    /// Σ x (denominator values).
    pub sum_x: f64,
    /// Σ y (numerator values).
    pub sum_y: f64,
    /// Σ x².
    pub sum_xx: f64,
    /// Σ y².
    pub sum_yy: f64,
    /// Σ x·y.
    pub sum_xy: f64,
}

impl RatioSums {
    /// Adds one unit's numerator `y` and denominator `x`.
    pub fn add(&mut self, y: f64, x: f64) {
        self.count += 1;
        self.sum_x += x;
        self.sum_y += y;
        self.sum_xx += x * x;
        self.sum_yy += y * y;
        self.sum_xy += x * y;
    }

    /// `Σy / Σx` (`None` when Σx is 0).
    pub fn ratio(&self) -> Option<f64> {
        (self.sum_x > 0.0).then(|| self.sum_y / self.sum_x)
    }

    /// The delta-method standard error of the ratio `r`:
    /// `√((s_y² − 2r·s_xy + r²·s_x²) / n) / x̄`, with sample (co)variances over units
    /// (`None` below two units or when Σx is 0).
    pub fn standard_error(&self) -> Option<f64> {
        let ratio = self.ratio()?;
        if self.count < 2 {
            return None;
        }
        let n = self.count as f64;
        let mean_x = self.sum_x / n;
        let mean_y = self.sum_y / n;
        let variance_x = (self.sum_xx - n * mean_x * mean_x) / (n - 1.0);
        let variance_y = (self.sum_yy - n * mean_y * mean_y) / (n - 1.0);
        let covariance = (self.sum_xy - n * mean_x * mean_y) / (n - 1.0);
        let spread = (variance_y - 2.0 * ratio * covariance + ratio * ratio * variance_x).max(0.0);
        Some((spread / n).sqrt() / mean_x)
    }
}

/// The interval `estimate ± z·standard_error`.
pub fn normal_interval(estimate: f64, standard_error: f64) -> Interval {
    Interval {
        low: estimate - Z_95 * standard_error,
        high: estimate + Z_95 * standard_error,
    }
}

/// Φ(x), the standard normal distribution function.
pub fn normal_cdf(x: f64) -> f64 {
    0.5 * complementary_error_function(-x / std::f64::consts::SQRT_2)
}

/// The two-sided p-value of a z statistic: P(|Z| ≥ |z|).
pub fn two_sided_p_value(z: f64) -> f64 {
    complementary_error_function(z.abs() / std::f64::consts::SQRT_2).min(1.0)
}

/// erfc(x), with a relative error below 1.2·10⁻⁷ everywhere: the Chebyshev fit of
/// Numerical Recipes (2nd ed., §6.2, `erfcc`). Plenty for p-values, which are read to
/// two or three digits; it also stays accurate far in the tail, where `1 − erf` would
/// round to 0.
pub fn complementary_error_function(x: f64) -> f64 {
    let z = x.abs();
    let t = 1.0 / (1.0 + 0.5 * z);
    let polynomial = -z * z - 1.265_512_23
        + t * (1.000_023_68
            + t * (0.374_091_96
                + t * (0.096_784_18
                    + t * (-0.186_288_06
                        + t * (0.278_868_07
                            + t * (-1.135_203_98
                                + t * (1.488_515_87 + t * (-0.822_152_23 + t * 0.170_872_77))))))));
    let tail = t * polynomial.exp();
    if x >= 0.0 {
        tail
    } else {
        2.0 - tail
    }
}

/// The p-value of the pooled two-proportion z-test of `s1/n1` against `s0/n0`
/// (two-sided). Equal rates of 0 or 1 give 1: nothing differs.
pub fn two_proportion_p_value(s1: u64, n1: u64, s0: u64, n0: u64) -> Option<f64> {
    if n1 == 0 || n0 == 0 {
        return None;
    }
    let (n1f, n0f) = (n1 as f64, n0 as f64);
    let pooled = (s1 + s0) as f64 / (n1f + n0f);
    let standard_error = (pooled * (1.0 - pooled) * (1.0 / n1f + 1.0 / n0f)).sqrt();
    let difference = s1 as f64 / n1f - s0 as f64 / n0f;
    Some(p_value_of_difference(difference, standard_error))
}

/// The p-value of the Welch z-test of two independent estimates with standard errors
/// (two-sided): `z = (a − b) / √(se_a² + se_b²)`.
pub fn welch_p_value(a: f64, se_a: f64, b: f64, se_b: f64) -> f64 {
    p_value_of_difference(a - b, (se_a * se_a + se_b * se_b).sqrt())
}

/// A difference with no spread at all is certain: p = 0 when it is not zero, 1 when it is.
fn p_value_of_difference(difference: f64, standard_error: f64) -> f64 {
    if standard_error > 0.0 {
        two_sided_p_value(difference / standard_error)
    } else if difference == 0.0 {
        1.0
    } else {
        0.0
    }
}

/// A relative lift, `value / baseline − 1`, with its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Lift {
    /// The lift (0.12 is +12%).
    pub relative: f64,
    /// Its interval.
    pub interval: Interval,
}

/// The lift of `value` over `baseline` (independent estimates with these standard
/// errors), its interval by the delta method:
/// `Var(v/b) ≈ se_v²/b² + v²·se_b²/b⁴`. `None` when the baseline is 0 (no relative
/// change can be stated).
pub fn lift(value: f64, value_se: f64, baseline: f64, baseline_se: f64) -> Option<Lift> {
    if baseline == 0.0 {
        return None;
    }
    let ratio = value / baseline;
    let variance = value_se * value_se / (baseline * baseline)
        + value * value * baseline_se * baseline_se / baseline.powi(4);
    let interval = normal_interval(ratio - 1.0, variance.sqrt());
    Some(Lift {
        relative: ratio - 1.0,
        interval,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64, tolerance: f64) -> bool {
        (a - b).abs() <= tolerance
    }

    #[test]
    fn normal_distribution_matches_tables() {
        assert!(close(normal_cdf(0.0), 0.5, 1e-7));
        assert!(close(normal_cdf(Z_95), 0.975, 1e-7));
        assert!(close(normal_cdf(-1.0), 0.158_655_25, 1e-7));
        assert!(close(two_sided_p_value(2.575_829_3), 0.01, 1e-7));
        // Far in the tail erfc keeps its relative precision.
        let tail = complementary_error_function(6.0);
        assert!(close(tail / 2.151_973_671_249_891e-17, 1.0, 1e-6), "{tail}");
    }

    #[test]
    fn wilson_interval_matches_a_worked_example() {
        // 10 of 100: centre (0.1 + 1.9207/100) / 1.038415 = 0.114800, half-width
        // 1.959964 / 1.038415 × √(0.0009 + 0.00009604) = 0.059568.
        let interval = wilson_interval(10, 100).unwrap();
        assert!(close(interval.low, 0.055_229, 1e-5), "{interval:?}");
        assert!(close(interval.high, 0.174_366, 1e-5), "{interval:?}");
        let none = wilson_interval(0, 50).unwrap();
        assert_eq!(none.low, 0.0);
        assert!(close(none.high, 0.071_348, 1e-5), "{none:?}");
        assert_eq!(wilson_interval(0, 0), None);
    }

    #[test]
    fn ratio_standard_error_reduces_to_the_mean_when_every_x_is_one() {
        let mut ratio = RatioSums::default();
        let mut mean = MeanSums::default();
        for value in [0.0, 10.0, 0.0, 30.0, 5.0] {
            ratio.add(value, 1.0);
            mean.add(value);
        }
        assert_eq!(ratio.ratio(), mean.mean());
        assert!(close(
            ratio.standard_error().unwrap(),
            mean.standard_error().unwrap(),
            1e-12
        ));
    }

    #[test]
    fn lift_interval_is_centred_and_undefined_on_a_zero_baseline() {
        let lift = lift(1.2, 0.1, 1.0, 0.05).unwrap();
        assert!(close(lift.relative, 0.2, 1e-12));
        // √(0.01 + 1.44 × 0.0025) = √0.0136 = 0.116619
        assert!(close(lift.interval.high - 0.2, Z_95 * 0.116_619, 1e-6));
        assert_eq!(super::lift(1.0, 0.1, 0.0, 0.0), None);
    }

    #[test]
    fn two_proportion_test_matches_a_worked_example() {
        // 60/1000 against 40/1000: pooled 0.05, se √(0.05 × 0.95 × 0.002) = 0.0097468,
        // z = 2.0519, p = 0.04018.
        let p = two_proportion_p_value(60, 1000, 40, 1000).unwrap();
        assert!(close(p, 0.040_18, 1e-4), "{p}");
        assert_eq!(two_proportion_p_value(0, 10, 0, 10), Some(1.0));
        assert_eq!(two_proportion_p_value(1, 0, 0, 10), None);
    }
}
