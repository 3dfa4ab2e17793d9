//! `ByteJoin`: four bytes side by side as one 32-bit word, byte 0 in the
//! least significant bits.
//!
//! A leaf because `#[hdl_gen]` has no concatenation: widening an 8-bit value
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
}
