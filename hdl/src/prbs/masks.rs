//! Elaboration-time algebra for the parallel LFSR.
//!
//! The state of a lane's sequence is the last 31 bits sent, oldest in bit 0:
//! state bit `j` is `s[n-31+j]`, so the state after a 66-bit word is simply
//! the word's top 31 bits (`word[35 +: 31]`). Every one of the next 66 bits is
//! the XOR of a fixed subset of those state bits (the sequence is linear over
//! GF(2)), so the hardware needs one 31-bit parity mask per output bit and
//! polynomial. Masks are found by running the recurrence symbolically: each
//! sequence bit is represented by the set of state bits it is the XOR of.

use xpo_spec::prbs::{PrbsPolynomial, MAX_DEGREE, WORD_BITS};

/// Bits of state kept for every polynomial.
pub const STATE_BITS: usize = MAX_DEGREE;

/// For each bit `i` of the next word, the state bits whose XOR is `s[n+i]`.
pub fn word_masks(poly: &PrbsPolynomial) -> [u32; WORD_BITS] {
    // seq[STATE_BITS + t] holds s[n + t] for t in -31..66.
    let mut seq: Vec<u32> = (0..STATE_BITS).map(|j| 1u32 << j).collect();
    for n in 0..WORD_BITS {
        let mask = poly
            .taps
            .iter()
            .fold(0, |acc, &e| acc ^ seq[STATE_BITS + n - e as usize]);
        seq.push(mask);
    }
    let mut out = [0u32; WORD_BITS];
    out.copy_from_slice(&seq[STATE_BITS..]);
    out
}

/// One diagonal of the word's GF(2) matrix over 32 output bits: the
/// output bits in `mask` take state bit `bit + shift` (`shift` may be
/// negative), so the whole group is `({1'b0, state} >> shift) & mask`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Diagonal {
    pub shift: i32,
    pub mask: u32,
}

/// Output bits `lo .. lo + 32` of the word as an XOR of shifted and masked
/// copies of the zero-extended state, one term per diagonal of the parity
/// matrix. The same function as the per-bit parities, written so a
/// simulator evaluates a handful of 32-bit shifts instead of 32 reductions:
/// every term reads state bits only, never earlier output bits, so
/// synthesis still sees one flat XOR per output bit.
pub fn diagonals(masks: &[u32; WORD_BITS], lo: usize) -> Vec<Diagonal> {
    let mut diags: Vec<Diagonal> = Vec::new();
    for (r, m) in masks.iter().enumerate().skip(lo).take(32) {
        for j in 0..STATE_BITS {
            if m >> j & 1 == 1 {
                let shift = j as i32 - (r - lo) as i32;
                match diags.iter_mut().find(|d| d.shift == shift) {
                    Some(d) => d.mask |= 1 << (r - lo),
                    None => diags.push(Diagonal {
                        shift,
                        mask: 1 << (r - lo),
                    }),
                }
            }
        }
    }
    diags.sort_by_key(|d| d.shift);
    diags
}

/// Applies [`diagonals`] to a concrete state (what the Verilog computes).
pub fn apply_diagonals(diags: &[Diagonal], state: u32) -> u32 {
    diags.iter().fold(0, |acc, d| {
        let shifted = if d.shift >= 0 {
            state >> d.shift
        } else {
            state << -d.shift
        };
        acc ^ (shifted & d.mask)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The diagonal form is the parity form: for every polynomial, both
    /// 32-bit chunks, and states spread over the whole 31-bit space, each
    /// output bit equals its mask's parity.
    #[test]
    fn diagonals_equal_parities() {
        for p in &xpo_spec::prbs::POLYNOMIALS {
            let masks = word_masks(p);
            for lo in [0, 32] {
                let diags = diagonals(&masks, lo);
                assert!(diags.iter().all(|d| d.mask != 0));
                let mut x = 0x1234_5678u32;
                for _ in 0..2000 {
                    // xorshift: states with every bit pattern density.
                    x ^= x << 13;
                    x ^= x >> 17;
                    x ^= x << 5;
                    let state = x & 0x7fff_ffff;
                    let got = apply_diagonals(&diags, state);
                    for r in 0..32 {
                        let want = (state & masks[lo + r]).count_ones() & 1;
                        assert_eq!(got >> r & 1, want, "{} bit {}", p.name, lo + r);
                    }
                }
                // And on each single state bit (the matrix itself).
                for j in 0..STATE_BITS {
                    let got = apply_diagonals(&diags, 1 << j);
                    for r in 0..32 {
                        assert_eq!(got >> r & 1, masks[lo + r] >> j & 1, "{} ({r},{j})", p.name);
                    }
                }
            }
        }
    }

    use xpo_spec::prbs::POLYNOMIALS;

    /// The masks applied to a concrete state give the same bits as running
    /// the recurrence bit by bit, and only touch the newest `degree` bits.
    #[test]
    fn masks_match_serial_recurrence() {
        for p in &POLYNOMIALS {
            let masks = word_masks(p);
            let state = 0x5a5a_1234u32 & 0x7fff_ffff;
            let mut hist: Vec<u32> = (0..STATE_BITS).map(|j| (state >> j) & 1).collect();
            for (i, m) in masks.iter().enumerate() {
                let n = hist.len();
                let bit = p.taps.iter().fold(0, |a, &e| a ^ hist[n - e as usize]);
                hist.push(bit);
                assert_eq!((state & m).count_ones() & 1, bit, "{} bit {i}", p.name);
                let oldest_used = STATE_BITS - p.degree as usize;
                assert_eq!(
                    m & ((1 << oldest_used) - 1),
                    0,
                    "{} uses stale bits",
                    p.name
                );
            }
        }
    }
}
