//! `Popcount`: how many bits of a word are set.
//!
//! A leaf primitive in the manner of rust-hdl's own `DFF`: its simulation is
//! plain Rust and its Verilog is written out here, because `#[hdl_gen]` has no
//! way to express an N-input adder tree without one settling pass per stage.
//! Its two descriptions are kept honest by the lockstep cross-check of the
//! rust-hdl engine against the Verilated RTL.

use rust_hdl::prelude::*;

/// Population count of a `N`-bit word into a `C`-bit count.
#[derive(LogicBlock, Default)]
pub struct Popcount<const N: usize, const C: usize> {
    pub word: Signal<In, Bits<N>>,
    pub count: Signal<Out, Bits<C>>,
}

impl<const N: usize, const C: usize> Logic for Popcount<N, C> {
    fn update(&mut self) {
        let w = self.word.val();
        let mut n = 0u64;
        for i in 0..N {
            n += w.get_bit(i) as u64;
        }
        self.count.next = n.into();
    }

    fn connect(&mut self) {
        self.count.connect();
    }

    fn hdl(&self) -> Verilog {
        assert!(
            C >= usize::BITS as usize || 1usize << C > N,
            "Popcount<{N}, {C}>: count too narrow"
        );
        let pad = C - 1;
        Verilog::Custom(format!(
            "\
// Adder tree: synthesis builds a balanced tree from this loop.
integer i;
always @(*) begin
    count = {C}'d0;
    for (i = 0; i < {N}; i = i + 1)
        count = count + {{{pad}'d0, word[i]}};
end
"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_bits() {
        let mut uut = Popcount::<66, 7>::default();
        uut.connect_all();
        for v in [
            0u128,
            1,
            (1 << 66) - 1,
            0x2_8000_0000_0000_0001,
            0x1234_5678_9abc,
        ] {
            uut.word.next = v.to_bits();
            assert!(simulate(&mut uut, 10));
            assert_eq!(uut.count.val().index() as u32, v.count_ones(), "{v:#x}");
        }
    }
}
