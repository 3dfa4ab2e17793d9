//! Line and SerDes models used as stimulus for every engine.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Geometric};
use xpo_spec::prbs::WORD_BITS;

/// A binary symmetric channel: flips each bit independently with probability
/// `ber`, from a seeded generator, and counts every flip it makes while
/// counting is on.
///
/// Gaps between errors are drawn from the geometric distribution, so the
/// cost is per error, not per bit.
#[derive(Debug, Clone)]
pub struct BitErrorChannel {
    rng: ChaCha8Rng,
    gaps: Option<Geometric>,
    /// Error-free bits left before the next flip.
    until_next: u64,
    injected: u64,
    counting: bool,
}

impl BitErrorChannel {
    /// A channel with bit-error ratio `ber` (0 for a clean line, at most 0.5).
    pub fn new(ber: f64, seed: u64) -> Result<Self, String> {
        if !(0.0..=0.5).contains(&ber) || ber.is_nan() {
            return Err(format!("bit-error ratio {ber} is not in 0..=0.5"));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let gaps = if ber > 0.0 {
            Some(Geometric::new(ber).map_err(|e| format!("bit-error ratio {ber}: {e}"))?)
        } else {
            None
        };
        let until_next = gaps.as_ref().map_or(u64::MAX, |g| g.sample(&mut rng));
        Ok(Self {
            rng,
            gaps,
            until_next,
            injected: 0,
            counting: true,
        })
    }

    /// Passes one 66-bit word through the channel.
    pub fn transmit(&mut self, word: u128) -> u128 {
        let Some(gaps) = self.gaps.as_ref() else {
            return word;
        };
        let mut out = word;
        let mut pos = 0u64;
        while pos + self.until_next < WORD_BITS as u64 {
            pos += self.until_next;
            out ^= 1u128 << pos;
            if self.counting {
                self.injected += 1;
            }
            pos += 1;
            self.until_next = gaps.sample(&mut self.rng);
        }
        self.until_next -= WORD_BITS as u64 - pos;
        out
    }

    /// Starts (or stops) counting injected errors from the next word on.
    pub fn set_counting(&mut self, on: bool) {
        self.counting = on;
    }

    /// Clears the injected-error tally.
    pub fn clear_count(&mut self) {
        self.injected = 0;
    }

    /// Errors injected while counting.
    pub fn injected(&self) -> u64 {
        self.injected
    }

    /// A uniform draw from the channel's generator, for stimulus that must
    /// share its seed.
    pub fn chance(&mut self, p: f64) -> bool {
        self.rng.gen_bool(p)
    }
}

/// Gearbox/serializer gaps: `ready` is low on a seeded fraction of cycles, as
/// when the SerDes word rate is below the core clock.
#[derive(Debug, Clone)]
pub struct Gearbox {
    rng: ChaCha8Rng,
    gap: f64,
}

impl Gearbox {
    /// `gap` is the fraction of cycles without a word, in 0..1.
    pub fn new(gap: f64, seed: u64) -> Result<Self, String> {
        if !(0.0..1.0).contains(&gap) {
            return Err(format!("gearbox gap fraction {gap} is not in 0..1"));
        }
        Ok(Self {
            rng: ChaCha8Rng::seed_from_u64(seed),
            gap,
        })
    }

    /// Whether the serializer takes a word this cycle.
    pub fn ready(&mut self) -> bool {
        self.gap == 0.0 || !self.rng.gen_bool(self.gap)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_every_flip_it_makes() {
        let mut ch = BitErrorChannel::new(1e-2, 7).unwrap();
        let mut flips = 0u64;
        for i in 0..20_000u128 {
            let w = i.wrapping_mul(0x9e37_79b9_7f4a_7c15) & ((1 << 66) - 1);
            flips += (ch.transmit(w) ^ w).count_ones() as u64;
        }
        assert_eq!(ch.injected(), flips);
        // 1.32 M bits at 1e-2: 13 200 expected, sd ~ 114.
        assert!((12_600..13_800).contains(&flips), "{flips}");
    }

    #[test]
    fn clean_line_and_bad_ber() {
        let mut ch = BitErrorChannel::new(0.0, 1).unwrap();
        assert_eq!(ch.transmit(0x1234), 0x1234);
        assert!(BitErrorChannel::new(0.7, 1).unwrap_err().contains("0.7"));
        assert!(BitErrorChannel::new(f64::NAN, 1).is_err());
        assert!(Gearbox::new(1.0, 1).is_err());
    }

    #[test]
    fn same_seed_same_errors() {
        let mut a = BitErrorChannel::new(1e-3, 99).unwrap();
        let mut b = BitErrorChannel::new(1e-3, 99).unwrap();
        for _ in 0..1000 {
            assert_eq!(a.transmit(0), b.transmit(0));
        }
    }
}
