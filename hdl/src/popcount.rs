//! `Popcount`: how many bits of a word are set.
//!
//! A leaf primitive in the manner of rust-hdl's own `DFF`: its simulation is
//! plain Rust and its Verilog is written out here, because `#[hdl_gen]` has no
//! way to express an N-input adder tree without one settling pass per stage.
//! The tree is written out add by add, with no loop: Verilator would leave
//! a 66-iteration loop rolled (its unroll limit is 64) and run it as C++.
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
        Verilog::Custom(adder_tree(N, C))
    }
}

/// The Verilog of an `n`-bit popcount into `c` bits: a balanced tree of
/// two-input adds written out stage by stage, each sum one bit wider than
/// its widest operand (a loop would be unrolled by synthesis but left a
/// loop by Verilator beyond its unroll limit, evaluated every cycle).
fn adder_tree(n: usize, c: usize) -> String {
    use std::fmt::Write;
    let mut v = String::from("// Adder tree: one stage of two-input adds per line group.\n");
    // (expression, width) of the terms still to add.
    let mut terms: Vec<(String, usize)> = (0..n).map(|i| (format!("word[{i}]"), 1)).collect();
    let mut stage = 0;
    while terms.len() > 1 {
        let mut next = Vec::with_capacity(terms.len().div_ceil(2));
        for (k, pair) in terms.chunks(2).enumerate() {
            match pair {
                [(a, wa), (b, wb)] => {
                    let w = wa.max(wb) + 1;
                    let name = format!("s{stage}_{k}");
                    let _ = writeln!(
                        v,
                        "wire [{}:0] {name} = {{{}'d0, {a}}} + {{{}'d0, {b}}};",
                        w - 1,
                        w - wa,
                        w - wb
                    );
                    next.push((name, w));
                }
                [t] => next.push(t.clone()),
                _ => unreachable!(),
            }
        }
        terms = next;
        stage += 1;
    }
    let (top, w) = terms.pop().unwrap_or_else(|| ("1'b0".into(), 1));
    let top = if c > w {
        format!("{{{}'d0, {top}}}", c - w)
    } else {
        top
    };
    let _ = writeln!(v, "always @(*) count = {top};");
    v
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
