//! Population count in two registered halves, for the clock: how many bits
//! of a word are set.
//!
//! A 66-bit popcount is seven stages of adders; with the PRBS reference
//! ahead of it and a 64-bit accumulator behind it, it held the engine's
//! critical path (19.1 ns on ECP5, `docs/measurements.md`). It is split
//! into two leaves so a register can sit between them:
//!
//! - [`GroupPopcount`]: the count of each small group of bits (six bits
//!   fit one 6-input function per count bit, about two LUT4 levels);
//! - [`FieldSum`]: the sum of those counts, a balanced adder tree.
//!
//! Leaf primitives in the manner of rust-hdl's own `DFF`: the simulation
//! is plain Rust and the Verilog is written out here, because `#[hdl_gen]`
//! cannot express an N-input adder tree without one settling pass per
//! stage. The trees are written out add by add, with no loop: Verilator
//! would leave a loop beyond its unroll limit (64) rolled and run it as
//! C++. The two descriptions are kept honest by the unit tests below and
//! by the lockstep cross-check of the rust-hdl engine against the
//! Verilated RTL.

use crate::opaque::Memo;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// Bits needed to hold the numbers `0..=n`.
const fn count_bits(n: usize) -> usize {
    (usize::BITS - n.leading_zeros()) as usize
}

/// The count of each `G`-bit group of an `N`-bit word (the last group may
/// be shorter), packed group 0 first into `W` bits: `ceil(N/G)` fields of
/// `W / ceil(N/G)` bits each.
#[derive(LogicBlock, Default)]
pub struct GroupPopcount<const N: usize, const G: usize, const W: usize> {
    pub word: Signal<In, Bits<N>>,
    pub counts: Signal<Out, Bits<W>>,
    memo: Memo<Bits<N>>,
}

impl<const N: usize, const G: usize, const W: usize> GroupPopcount<N, G, W> {
    const GROUPS: usize = N.div_ceil(G);
    const FIELD: usize = W / Self::GROUPS;
}

impl<const N: usize, const G: usize, const W: usize> Logic for GroupPopcount<N, G, W> {
    fn update(&mut self) {
        let w = self.word.val();
        if !self.memo.changed(w) {
            return;
        }
        if N <= 128 && W <= 128 {
            // Whole-word arithmetic where the widths allow it.
            let v = w.to_u128();
            let group = (1u128 << G) - 1;
            let mut out = 0u128;
            for g in 0..Self::GROUPS {
                let n = u128::from((v >> (g * G) & group).count_ones());
                out |= n << (g * Self::FIELD);
            }
            self.counts.next = out.to_bits();
            return;
        }
        let mut out = Bits::<W>::default();
        for g in 0..Self::GROUPS {
            let n = (g * G..((g + 1) * G).min(N))
                .filter(|&i| w.get_bit(i))
                .count();
            for b in 0..Self::FIELD {
                out = out.replace_bit(g * Self::FIELD + b, (n >> b) & 1 == 1);
            }
        }
        self.counts.next = out;
    }

    fn connect(&mut self) {
        self.counts.connect();
    }

    fn hdl(&self) -> Verilog {
        assert!(
            Self::GROUPS * Self::FIELD == W && Self::FIELD >= count_bits(G),
            "GroupPopcount<{N}, {G}, {W}>: {W} bits do not hold {} counts of {G} bits",
            Self::GROUPS
        );
        let mut v = String::from("// One small count per group of bits.\n");
        for g in 0..Self::GROUPS {
            let terms: Vec<String> = (g * G..((g + 1) * G).min(N))
                .map(|i| format!("{{{}'d0, word[{i}]}}", Self::FIELD - 1))
                .collect();
            let (hi, lo) = ((g + 1) * Self::FIELD - 1, g * Self::FIELD);
            let _ = writeln!(v, "always @(*) counts[{hi}:{lo}] = {};", terms.join(" + "));
        }
        Verilog::Custom(v)
    }
}

/// The sum of the `N / F` fields of `F` bits each in an `N`-bit word, into
/// `C` bits (which must hold the largest possible sum).
#[derive(LogicBlock, Default)]
pub struct FieldSum<const N: usize, const F: usize, const C: usize> {
    pub fields: Signal<In, Bits<N>>,
    pub sum: Signal<Out, Bits<C>>,
}

impl<const N: usize, const F: usize, const C: usize> Logic for FieldSum<N, F, C> {
    fn update(&mut self) {
        let w = self.fields.val();
        let mut sum = 0u64;
        for k in 0..N / F {
            for b in 0..F {
                sum += (w.get_bit(k * F + b) as u64) << b;
            }
        }
        self.sum.next = sum.into();
    }

    fn connect(&mut self) {
        self.sum.connect();
    }

    fn hdl(&self) -> Verilog {
        let largest = (N / F) * ((1usize << F) - 1);
        assert!(
            N.is_multiple_of(F) && C >= count_bits(largest),
            "FieldSum<{N}, {F}, {C}>: a sum up to {largest} does not fit"
        );
        let fields = (0..N / F)
            .map(|k| (format!("fields[{}:{}]", (k + 1) * F - 1, k * F), F))
            .collect();
        Verilog::Custom(adder_tree(fields, C, "sum"))
    }
}

/// The Verilog of the sum of `terms` (expression, width) into a `c`-bit
/// `out`: a balanced tree of two-input adds written out stage by stage,
/// each sum one bit wider than its widest operand.
fn adder_tree(mut terms: Vec<(String, usize)>, c: usize, out: &str) -> String {
    let mut v = String::from("// Adder tree: one stage of two-input adds per line group.\n");
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
    let _ = writeln!(v, "always @(*) {out} = {top};");
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORDS: [u128; 6] = [
        0,
        1,
        (1 << 66) - 1,
        0x2_8000_0000_0000_0001,
        0x1234_5678_9abc,
        0x3_f00f_0ff0_f00f_0ff0,
    ];

    /// Group counts then their sum give `count_ones`, through both leaves
    /// as the checker wires them (66 bits, groups of 6, 3-bit counts).
    #[test]
    fn group_counts_sum_to_the_popcount() {
        let mut groups = GroupPopcount::<66, 6, 33>::default();
        let mut sum = FieldSum::<33, 3, 7>::default();
        groups.connect_all();
        sum.connect_all();
        for v in WORDS {
            groups.word.next = v.to_bits();
            assert!(simulate(&mut groups, 10));
            let packed = groups.counts.val();
            for g in 0..11 {
                let want = (v >> (6 * g) & 0x3f).count_ones() as u64;
                let got = packed.get_bits::<3>(3 * g).index() as u64;
                assert_eq!(got, want, "{v:#x} group {g}");
            }
            sum.fields.next = packed;
            assert!(simulate(&mut sum, 10));
            assert_eq!(sum.sum.val().index() as u32, v.count_ones(), "{v:#x}");
        }
    }

    #[test]
    fn verilog_refuses_fields_too_narrow() {
        let narrow = std::panic::catch_unwind(|| FieldSum::<33, 3, 6>::default().hdl());
        assert!(narrow.is_err(), "11 x 7 = 77 needs 7 bits");
        let ok = FieldSum::<33, 3, 7>::default().hdl();
        assert!(matches!(ok, Verilog::Custom(s) if s.contains("always @(*) sum =")));
        let short = std::panic::catch_unwind(|| GroupPopcount::<66, 8, 18>::default().hdl());
        assert!(short.is_err(), "9 groups of 8 need 4-bit counts");
    }
}
