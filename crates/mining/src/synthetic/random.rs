//! Seeded pseudo-random numbers for synthetic data: SplitMix64 (Steele, Lea and Flood,
//! 2014) and the draws the generators need (uniform below a bound, chance, shuffle,
//! geometric).
//!
//! Why not the `rand` crate: generated data must be byte-identical for a seed in every
//! future build, and a generator with a fixed algorithm written here guarantees that
//! where a dependency's algorithms may change between versions. The demo store's
//! generator and `alsobought generate` share these, so there is one copy to trust.

/// A SplitMix64 generator: 64 bits of state, full period, passes BigCrush.
#[derive(Clone, Debug)]
pub struct SplitMix64 {
    state: u64,
}

/// SplitMix64's increment (the golden ratio in 64-bit fixed point).
const GOLDEN_GAMMA: u64 = 0x9E37_79B9_7F4A_7C15;

impl SplitMix64 {
    /// A generator that starts from `seed`; every seed, 0 included, is fine.
    pub fn new(seed: u64) -> Self {
        Self { state: seed }
    }

    /// The generator of stream `index` of the family keyed by `seed`: chunks of work
    /// done in parallel each draw from their own stream, so the result does not depend
    /// on how the chunks are scheduled.
    pub fn stream(seed: u64, index: u64) -> Self {
        Self::new(mix(
            seed ^ mix(index.wrapping_add(1).wrapping_mul(GOLDEN_GAMMA))
        ))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(GOLDEN_GAMMA);
        mix(self.state)
    }

    /// A uniform float in `[0, 1)` built from the top 53 bits.
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// A uniform integer in `0..bound` (`bound` > 0), without modulo bias worth
    /// mentioning for the bounds used here (Lemire's multiply-shift).
    pub fn below(&mut self, bound: usize) -> usize {
        debug_assert!(bound > 0, "below(0) has no possible value");
        ((u128::from(self.next_u64()) * bound as u128) >> 64) as usize
    }

    /// A uniform integer in `low..=high`.
    pub fn between(&mut self, low: u32, high: u32) -> u32 {
        low + self.below((high - low + 1) as usize) as u32
    }

    /// True with probability `probability`.
    pub fn chance(&mut self, probability: f64) -> bool {
        self.next_f64() < probability
    }

    /// Shuffles `items` in place (Fisher–Yates).
    pub fn shuffle<T>(&mut self, items: &mut [T]) {
        for last in (1..items.len()).rev() {
            let other = self.below(last + 1);
            items.swap(last, other);
        }
    }

    /// A geometric count of failures before the first success, with mean `mean`
    /// (≥ 0): `P(k) = (1 - p)^k p` where `p = 1 / (1 + mean)`. By inversion, one
    /// uniform draw each.
    pub fn geometric(&mut self, mean: f64) -> u64 {
        if mean <= 0.0 {
            return 0;
        }
        let failure = mean / (1.0 + mean);
        // 1 - U is in (0, 1], so the logarithm is finite.
        let uniform = 1.0 - self.next_f64();
        (uniform.ln() / failure.ln()).floor() as u64
    }

    /// A generator for a sub-task, so adding draws to one part of a generator does
    /// not shift the numbers every later part sees.
    pub fn fork(&mut self, purpose: &str) -> SplitMix64 {
        let salt = purpose
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325u64, |hash, byte| {
                (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3)
            });
        SplitMix64::new(self.next_u64() ^ salt)
    }
}

/// SplitMix64's output function; also a good stateless hash of a 64-bit value.
pub fn mix(value: u64) -> u64 {
    let mut z = value;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitmix64_matches_the_reference_sequence() {
        // First outputs for seed 1234567 from the reference C implementation
        // (Vigna, https://prng.di.unimi.it/splitmix64.c).
        let mut random = SplitMix64::new(1_234_567);
        assert_eq!(random.next_u64(), 6_457_827_717_110_365_317);
        assert_eq!(random.next_u64(), 3_203_168_211_198_807_973);
        assert_eq!(random.next_u64(), 9_817_491_932_198_370_423);
    }

    #[test]
    fn below_stays_in_bounds_and_reaches_every_value() {
        let mut random = SplitMix64::new(7);
        let mut seen = [0u32; 5];
        for _ in 0..1000 {
            seen[random.below(5)] += 1;
        }
        assert!(seen.iter().all(|&count| count > 150), "{seen:?}");
    }

    #[test]
    fn forks_for_different_purposes_differ() {
        let mut first = SplitMix64::new(5);
        let mut second = SplitMix64::new(5);
        assert_ne!(
            first.fork("orders").next_u64(),
            second.fork("catalog").next_u64()
        );
    }

    #[test]
    fn streams_of_one_seed_differ_and_repeat() {
        let first: Vec<u64> = (0..4)
            .map(|index| SplitMix64::stream(9, index).next_u64())
            .collect();
        let again: Vec<u64> = (0..4)
            .map(|index| SplitMix64::stream(9, index).next_u64())
            .collect();
        assert_eq!(first, again);
        let mut distinct = first.clone();
        distinct.sort_unstable();
        distinct.dedup();
        assert_eq!(distinct.len(), 4, "{first:?}");
    }

    #[test]
    fn geometric_draws_have_the_requested_mean_and_shape() {
        let mut random = SplitMix64::new(3);
        let draws: Vec<u64> = (0..100_000).map(|_| random.geometric(2.0)).collect();
        let mean = draws.iter().sum::<u64>() as f64 / draws.len() as f64;
        assert!((mean - 2.0).abs() < 0.05, "mean {mean}");
        // P(0) = p = 1/3.
        let zeros = draws.iter().filter(|&&draw| draw == 0).count() as f64 / 100_000.0;
        assert!((zeros - 1.0 / 3.0).abs() < 0.01, "P(0) {zeros}");
        assert_eq!(random.geometric(0.0), 0);
    }
}
