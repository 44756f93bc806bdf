//! Zipf draws over millions of ranks without a table: rejection-inversion sampling
//! (W. Hörmann and G. Derflinger, "Rejection-inversion to generate variates from
//! monotone discrete distributions", ACM TOMACS 6(3), 1996), as Apache Commons RNG's
//! `RejectionInversionZipfSampler` implements it.
//!
//! Why not cumulative sums and a binary search: a million products would cost 8 MB and
//! ~20 cache misses per draw, and a generator of 100M order lines makes more than 100M
//! draws. This sampler holds four numbers, costs about two logarithms and exponentials
//! per draw, and accepts over 90 % of its proposals.

use super::SplitMix64;

/// Draws ranks `0..count` with probability proportional to `1 / (rank + 1)^exponent`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ZipfSampler {
    count: u64,
    exponent: f64,
    /// `H(1.5) - 1`: the upper end of the proposal interval (H is decreasing in use).
    integral_first: f64,
    /// `H(count + 0.5)`: the lower end.
    integral_last: f64,
    /// Acceptance shortcut: a proposal `x` with `k - x ≤ squeeze` is always accepted.
    squeeze: f64,
}

impl ZipfSampler {
    /// A sampler over `count` ranks (at least 1) with `exponent` ≥ 0 (0 is uniform,
    /// about 1 is classic Zipf; real sales are usually 0.6–1.0).
    ///
    /// # Panics
    /// When `count` is 0 or `exponent` is negative or not finite: callers validate.
    pub fn new(count: u64, exponent: f64) -> Self {
        assert!(count > 0, "a Zipf sampler needs at least one rank");
        assert!(
            exponent.is_finite() && exponent >= 0.0,
            "a Zipf exponent must be finite and at least 0, got {exponent}"
        );
        let integral_first = h_integral(1.5, exponent) - 1.0;
        let integral_last = h_integral(count as f64 + 0.5, exponent);
        let squeeze =
            2.0 - h_integral_inverse(h_integral(2.5, exponent) - h(2.0, exponent), exponent);
        Self {
            count,
            exponent,
            integral_first,
            integral_last,
            squeeze,
        }
    }

    /// Number of ranks.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// Draws one rank in `0..count` (0 the most likely).
    pub fn sample(&self, random: &mut SplitMix64) -> u64 {
        loop {
            let uniform =
                self.integral_last + random.next_f64() * (self.integral_first - self.integral_last);
            let x = h_integral_inverse(uniform, self.exponent);
            let k = ((x + 0.5) as u64).clamp(1, self.count);
            let kf = k as f64;
            if kf - x <= self.squeeze
                || uniform >= h_integral(kf + 0.5, self.exponent) - h(kf, self.exponent)
            {
                return k - 1;
            }
        }
    }
}

/// `h(x) = x^-exponent`, the (unnormalised) probability of rank `x` (from 1).
fn h(x: f64, exponent: f64) -> f64 {
    (-exponent * x.ln()).exp()
}

/// `H(x) = (x^(1-exponent) - 1) / (1 - exponent)`, an integral of `h`, written so it
/// stays accurate at exponent 1 (where it is `ln x`).
fn h_integral(x: f64, exponent: f64) -> f64 {
    let log_x = x.ln();
    expm1_over_x((1.0 - exponent) * log_x) * log_x
}

/// The inverse of [`h_integral`].
fn h_integral_inverse(x: f64, exponent: f64) -> f64 {
    // Rounding can push t just below -1, where the logarithm is undefined.
    let t = (x * (1.0 - exponent)).max(-1.0);
    (ln1p_over_x(t) * x).exp()
}

/// `ln(1 + x) / x`, continuous at 0.
fn ln1p_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.ln_1p() / x
    } else {
        1.0 - x * (0.5 - x * (1.0 / 3.0 - 0.25 * x))
    }
}

/// `(e^x - 1) / x`, continuous at 0.
fn expm1_over_x(x: f64) -> f64 {
    if x.abs() > 1e-8 {
        x.exp_m1() / x
    } else {
        1.0 + x * 0.5 * (1.0 + x / 3.0 * (1.0 + 0.25 * x))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Draw frequencies against the exact Zipf probabilities, by a chi-square statistic.
    fn chi_square(count: u64, exponent: f64, draws: usize, seed: u64) -> f64 {
        let sampler = ZipfSampler::new(count, exponent);
        let mut random = SplitMix64::new(seed);
        let mut seen = vec![0u64; count as usize];
        for _ in 0..draws {
            seen[sampler.sample(&mut random) as usize] += 1;
        }
        let weights: Vec<f64> = (1..=count).map(|k| (k as f64).powf(-exponent)).collect();
        let total: f64 = weights.iter().sum();
        seen.iter()
            .zip(&weights)
            .map(|(&observed, weight)| {
                let expected = weight / total * draws as f64;
                (observed as f64 - expected).powi(2) / expected
            })
            .sum()
    }

    #[test]
    fn draws_follow_the_zipf_probabilities() {
        // 19 degrees of freedom: the 99.9th percentile of chi-square is 43.8.
        for exponent in [0.0, 0.5, 0.8, 1.0, 1.5] {
            let statistic = chi_square(20, exponent, 200_000, 11);
            assert!(
                statistic < 43.8,
                "exponent {exponent}: chi-square {statistic}"
            );
        }
    }

    #[test]
    fn every_draw_is_in_range_even_for_one_rank_and_huge_counts() {
        let mut random = SplitMix64::new(5);
        let single = ZipfSampler::new(1, 0.8);
        assert!((0..100).all(|_| single.sample(&mut random) == 0));
        let huge = ZipfSampler::new(1 << 40, 1.0);
        assert!((0..10_000).all(|_| huge.sample(&mut random) < 1 << 40));
    }

    #[test]
    fn the_head_gets_its_share_over_a_million_ranks() {
        let sampler = ZipfSampler::new(1_000_000, 1.0);
        let mut random = SplitMix64::new(8);
        let draws = 200_000;
        let firsts = (0..draws)
            .filter(|_| sampler.sample(&mut random) == 0)
            .count() as f64
            / draws as f64;
        // 1 / H(1,000,000) = 1 / 14.39.
        assert!((firsts - 1.0 / 14.392_7).abs() < 0.003, "{firsts}");
    }
}
