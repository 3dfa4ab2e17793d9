//! `SaturatingAdd`: `a + b`, held at all ones instead of wrapping — the
//! CMIS U64 counters (page 14h error and bit counts) stop at their maximum.
//!
//! A leaf because `#[hdl_gen]` has no widening add: written there, the
//! saturation test is a second N-bit comparison (`sum < a`) behind the
//! adder, doubling the carry chain on a path the PRBS checker runs every
//! word. Here the test is the adder's own carry out, one chain in all.

use crate::opaque::Memo;
use rust_hdl::prelude::*;

/// `sum = min(a + b, 2^N - 1)` for an `N`-bit `a` and an `M`-bit `b`
/// (`M <= N`).
#[derive(LogicBlock, Default)]
pub struct SaturatingAdd<const N: usize, const M: usize> {
    pub a: Signal<In, Bits<N>>,
    pub b: Signal<In, Bits<M>>,
    pub sum: Signal<Out, Bits<N>>,
    memo: Memo<(Bits<N>, Bits<M>)>,
}

impl<const N: usize, const M: usize> Logic for SaturatingAdd<N, M> {
    fn update(&mut self) {
        if !self.memo.changed((self.a.val(), self.b.val())) {
            return;
        }
        if N < 128 {
            // Whole-word arithmetic where the width allows it.
            let (a, b) = (self.a.val().to_u128(), self.b.val().to_u128());
            let max = (1u128 << N) - 1;
            self.sum.next = (a + b).min(max).to_bits();
            return;
        }
        let a = self.a.val();
        let b: Bits<N> = bit_cast::<N, M>(self.b.val());
        let s = a + b;
        // Wrapped iff the sum came out below an operand.
        self.sum.next = if s < a { Bits::<N>::mask() } else { s };
    }

    fn connect(&mut self) {
        self.sum.connect();
    }

    fn hdl(&self) -> Verilog {
        assert!(M <= N, "SaturatingAdd<{N}, {M}>: b wider than a");
        let pad = if N > M {
            format!("{{{}'d0, b}}", N + 1 - M)
        } else {
            "{1'b0, b}".into()
        };
        Verilog::Custom(format!(
            "wire [{N}:0] wide = {{1'b0, a}} + {pad};\n\
             always @(*) sum = wide[{N}] ? {{{N}{{1'b1}}}} : wide[{}:0];\n",
            N - 1
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_and_stops_at_the_maximum() {
        let mut uut = SaturatingAdd::<64, 7>::default();
        uut.connect_all();
        let max = u64::MAX;
        for (a, b) in [
            (0u64, 0u64),
            (5, 66),
            (max - 66, 66),
            (max - 65, 66),
            (max, 1),
            (max, 0),
            (1 << 63, 127),
        ] {
            uut.a.next = a.into();
            uut.b.next = b.into();
            assert!(simulate(&mut uut, 10));
            assert_eq!(uut.sum.val().to_u64(), a.saturating_add(b), "{a} + {b}");
        }
    }
}
