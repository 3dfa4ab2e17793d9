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

#[cfg(test)]
mod tests {
    use super::*;
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
