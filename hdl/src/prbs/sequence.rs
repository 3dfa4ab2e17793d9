//! `PrbsSequence`: the next 66 bits of a PRBS from its 31-bit state.

use super::masks::{diagonals, word_masks};
use crate::opaque::{Memo, Opaque};
use rust_hdl::prelude::*;
use std::fmt::Write;
use xpo_spec::prbs::{PatternSet, PrbsPattern, WORD_BITS};

/// Combinational parallel LFSR shared by the generator and the checker.
///
/// `word` bit `i` is `s[n+i]` given `state` bit `j` = `s[n-31+j]`; the state
/// after the word is `word[35 +: 31]`. `supported` is low (and `word` zero)
/// for pattern IDs without a polynomial (SSPRQ, custom, user, reserved).
///
/// A generated leaf: both its simulation and its Verilog come from the same
/// elaboration-time mask table ([`word_masks`]), the Verilog as one
/// `case (pattern)`. Per pattern the word is two 32-bit XORs of shifted,
/// masked state (the diagonals of the parity matrix, [`diagonals`]) and two
/// reduction-XORs: Verilator runs it a third faster than one reduction per
/// bit (66-bit words are wide values to it), and since every term reads
/// state bits only, synthesis still sees a flat XOR per output bit
/// (measurements in `docs/measurements.md`). It is written this
/// way because rust-hdl 0.46's `#[hdl_gen]` cannot assign single bits of a
/// vector (its `set_bit` translation does not compile, and `replace_bit`
/// keeps only the last write in a loop).
#[derive(LogicBlock)]
pub struct PrbsSequence {
    // Inputs
    pub state: Signal<In, Bits<31>>,
    pub pattern: Signal<In, Bits<4>>,
    // Outputs
    pub word: Signal<Out, Bits<66>>,
    pub supported: Signal<Out, Bit>,
    masks: MaskTable,
    memo: Memo<(Bits<31>, Bits<4>)>,
}

/// Parity masks per CMIS pattern ID; `None` where unsupported. Elaboration
/// data, not a signal: invisible to rust-hdl's probes.
type MaskTable = Opaque<[Option<[u32; WORD_BITS]>; 16]>;

impl Default for PrbsSequence {
    /// Every implemented pattern.
    fn default() -> Self {
        Self::with_patterns(PatternSet::IMPLEMENTED)
    }
}

impl PrbsSequence {
    /// A sequence that runs the patterns of `set` only.
    pub fn with_patterns(set: PatternSet) -> Self {
        Self {
            state: Default::default(),
            pattern: Default::default(),
            word: Default::default(),
            supported: Default::default(),
            masks: Opaque(std::array::from_fn(|id| {
                set.polynomial(PrbsPattern(id as u8)).map(word_masks)
            })),
            memo: Default::default(),
        }
    }
}

impl Logic for PrbsSequence {
    fn update(&mut self) {
        if !self.memo.changed((self.state.val(), self.pattern.val())) {
            return;
        }
        let state = self.state.val().to_u32();
        match &self.masks.0[self.pattern.val().index()] {
            Some(masks) => {
                let mut word = 0u128;
                for (i, m) in masks.iter().enumerate() {
                    word |= ((state & m).count_ones() as u128 & 1) << i;
                }
                self.word.next = word.to_bits();
                self.supported.next = true;
            }
            None => {
                self.word.next = 0u64.into();
                self.supported.next = false;
            }
        }
    }

    fn connect(&mut self) {
        self.word.connect();
        self.supported.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::new();
        v.push_str(
            "always @(*) begin\n    word = 66'd0;\n    supported = 1'b1;\n    case (pattern)\n",
        );
        // Group pattern IDs that share a polynomial (a Q pattern and its twin).
        let mut done = [false; 16];
        for id in 0..16 {
            let Some(masks) = &self.masks.0[id] else {
                continue;
            };
            if done[id] {
                continue;
            }
            let ids: Vec<usize> = (id..16)
                .filter(|&o| self.masks.0[o].as_ref() == Some(masks))
                .collect();
            let labels: Vec<String> = ids.iter().map(|o| format!("4'd{o}")).collect();
            let names: Vec<String> = ids.iter().map(|&o| PrbsPattern(o as u8).name()).collect();
            let poly = PrbsPattern(id as u8).polynomial().expect("has masks");
            let terms: Vec<String> = poly.taps.iter().map(|e| format!("x^{e}")).collect();
            let _ = writeln!(
                v,
                "        {}: begin // {}: {} + 1",
                labels.join(", "),
                names.join(", "),
                terms.join(" + ")
            );
            // Bits 0..63 as two 32-bit XORs of shifted state (one term per
            // diagonal of the parity matrix), bits 64 and 65 as parities.
            for lo in [0, 32] {
                let terms: Vec<String> = diagonals(masks, lo)
                    .iter()
                    .map(|d| match d.shift {
                        0 => format!("({{1'b0, state}} & 32'h{:08x})", d.mask),
                        s if s > 0 => format!("(({{1'b0, state}} >> {s}) & 32'h{:08x})", d.mask),
                        s => format!("(({{1'b0, state}} << {}) & 32'h{:08x})", -s, d.mask),
                    })
                    .collect();
                let _ = writeln!(
                    v,
                    "            word[{}:{lo}] = {};",
                    lo + 31,
                    terms.join("\n                ^ ")
                );
            }
            for (i, m) in masks.iter().enumerate().skip(64) {
                let _ = writeln!(v, "            word[{i}] = ^(state & 31'h{m:08x});");
            }
            v.push_str("        end\n");
            for o in ids {
                done[o] = true;
            }
        }
        v.push_str("        default: supported = 1'b0;\n    endcase\nend\n");
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::prbs::PrbsPattern;

    /// A sequence built for a subset runs exactly that subset: the others
    /// read unsupported, and their words are zero.
    #[test]
    fn a_pattern_set_leaves_the_other_ids_unsupported() {
        let set = PatternSet::IEEE_PAM4;
        let (mut full, mut part) = (PrbsSequence::default(), PrbsSequence::with_patterns(set));
        full.connect_all();
        part.connect_all();
        for id in 0..16u8 {
            for uut in [&mut full, &mut part] {
                uut.state.next = 0x1234_5677u64.into();
                uut.pattern.next = (id as u64).into();
                assert!(simulate(uut, 10));
            }
            // PRBS31Q, PRBS31, PRBS13Q, PRBS13 in the set (IDs 0, 1, 6, 7).
            let listed = [0, 1, 6, 7].contains(&id);
            assert_eq!(part.supported.val(), listed, "ID {id}");
            if listed {
                assert_eq!(part.word.val(), full.word.val(), "ID {id}");
            } else {
                assert_eq!(part.word.val(), Bits::<66>::default(), "ID {id}");
            }
        }
        let v = match part.hdl() {
            Verilog::Custom(v) => v,
            _ => unreachable!(),
        };
        assert!(v.contains("4'd0, 4'd1:") && v.contains("4'd6, 4'd7:"));
        assert!(!v.contains("4'd2") && !v.contains("4'd11"), "{v}");
    }

    /// Every CMIS pattern ID selects the polynomial `xpo-spec` gives it, and
    /// unsupported IDs say so.
    #[test]
    fn pattern_decode_matches_spec() {
        let mut uut = PrbsSequence::default();
        uut.connect_all();
        for id in 0..16u8 {
            uut.state.next = 0x7fff_ffffu64.into();
            uut.pattern.next = (id as u64).into();
            assert!(simulate(&mut uut, 10));
            match PrbsPattern(id).polynomial() {
                Some(p) => {
                    assert!(uut.supported.val(), "ID {id}");
                    // From all ones, the first `degree` bits of the sequence
                    // are the XOR of two (or four) ones: zero for even tap
                    // counts, and bit `degree - 1 - tap` patterns follow.
                    let mut hist = vec![1u32; 31];
                    for i in 0..66 {
                        let n = hist.len();
                        let b = p.taps.iter().fold(0, |a, &e| a ^ hist[n - e as usize]);
                        hist.push(b);
                        assert_eq!(uut.word.val().get_bit(i) as u32, b, "ID {id} bit {i}");
                    }
                }
                None => {
                    assert!(!uut.supported.val(), "ID {id}");
                    assert_eq!(uut.word.val(), Bits::<66>::default());
                }
            }
        }
    }
}
