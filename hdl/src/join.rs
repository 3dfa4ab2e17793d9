//! Bit assembly `#[hdl_gen]` cannot write: `ByteJoin`, four bytes side by
//! side as one 32-bit word, byte 0 in the least significant bits; `Widen`,
//! an M-bit value zero-extended to N bits.
//!
//! Leaves because `#[hdl_gen]` has no concatenation: widening an 8-bit value
//! with `bit_cast` emits a mixed-width `&` that Verilator's WIDTH lint
//! rejects.

use rust_hdl::prelude::*;

#[derive(LogicBlock, Default)]
pub struct ByteJoin {
    pub b0: Signal<In, Bits<8>>,
    pub b1: Signal<In, Bits<8>>,
    pub b2: Signal<In, Bits<8>>,
    pub b3: Signal<In, Bits<8>>,
    pub word: Signal<Out, Bits<32>>,
}

impl Logic for ByteJoin {
    fn update(&mut self) {
        let b = |s: &Signal<In, Bits<8>>| s.val().index() as u64;
        let w = b(&self.b0) | b(&self.b1) << 8 | b(&self.b2) << 16 | b(&self.b3) << 24;
        self.word.next = w.into();
    }

    fn connect(&mut self) {
        self.word.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom("always @(*) word = {b3, b2, b1, b0};\n".into())
    }
}

/// An M-bit value zero-extended to N bits (M <= N).
#[derive(LogicBlock, Default)]
pub struct Widen<const M: usize, const N: usize> {
    pub narrow: Signal<In, Bits<M>>,
    pub wide: Signal<Out, Bits<N>>,
}

impl<const M: usize, const N: usize> Logic for Widen<M, N> {
    fn update(&mut self) {
        self.wide.next = bit_cast::<N, M>(self.narrow.val());
    }

    fn connect(&mut self) {
        self.wide.connect();
    }

    fn hdl(&self) -> Verilog {
        assert!(M <= N, "Widen<{M}, {N}>: narrowing");
        Verilog::Custom(if M == N {
            "always @(*) wide = narrow;\n".into()
        } else {
            format!("always @(*) wide = {{{}'d0, narrow}};\n", N - M)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn byte_zero_is_least_significant() {
        let mut j = ByteJoin::default();
        j.connect_all();
        j.b0.next = 0x11u64.into();
        j.b1.next = 0x22u64.into();
        j.b2.next = 0x33u64.into();
        j.b3.next = 0xA4u64.into();
        assert!(simulate(&mut j, 10));
        assert_eq!(j.word.val().index(), 0xA433_2211);
    }

    #[test]
    fn widen_pads_with_zeros() {
        let mut w = Widen::<5, 8>::default();
        w.connect_all();
        w.narrow.next = 0x1Fu64.into();
        assert!(simulate(&mut w, 10));
        assert_eq!(w.wide.val().index(), 0x1F);
    }
}
