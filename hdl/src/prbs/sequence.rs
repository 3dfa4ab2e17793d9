//! `PrbsSequence`: the next 66 bits of a PRBS from its 31-bit state.

use super::masks::word_masks;
use rust_hdl::prelude::*;
use std::fmt::Write;
use xpo_spec::prbs::{PrbsPattern, WORD_BITS};

/// Combinational parallel LFSR shared by the generator and the checker.
///
/// `word` bit `i` is `s[n+i]` given `state` bit `j` = `s[n-31+j]`; the state
/// after the word is `word[35 +: 31]`. `supported` is low (and `word` zero)
/// for pattern IDs without a polynomial (SSPRQ, custom, user, reserved).
///
/// A generated leaf: both its simulation and its Verilog come from the same
/// elaboration-time table of polynomials (the simulation from its parity
/// masks, [`word_masks`]; the Verilog as one `case (pattern)` of
/// recurrence slices, [`sliced_verilog`]). It is written this way because rust-hdl 0.46's `#[hdl_gen]` cannot assign single bits of a
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
}

/// Parity masks per CMIS pattern ID; `None` where unsupported. Elaboration
/// data, not a signal: invisible to rust-hdl's probes.
struct MaskTable([Option<[u32; WORD_BITS]>; 16]);

impl Default for PrbsSequence {
    fn default() -> Self {
        Self {
            state: Default::default(),
            pattern: Default::default(),
            word: Default::default(),
            supported: Default::default(),
            masks: MaskTable(std::array::from_fn(|id| {
                PrbsPattern(id as u8).polynomial().map(word_masks)
            })),
        }
    }
}

impl Logic for MaskTable {
    fn update(&mut self) {}
}

impl Block for MaskTable {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}

impl Logic for PrbsSequence {
    fn update(&mut self) {
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
        Verilog::Custom(sliced_verilog(&self.masks))
    }
}

/// The Verilog: per polynomial, the word as slices of the recurrence.
///
/// With `x` the sequence from the state on (`x[j]` = `state[j]` for
/// `j < 31`, `word[j - 31]` after), `x[j] = XOR of x[j - e]` over the
/// exponents; a run of up to `min(e)` bits depends only on bits before it,
/// so each run is one shift-and-XOR of earlier slices (PRBS31: three runs
/// of 28 bits) instead of a 31-input parity per bit. Each run is a
/// register of its own (assigned once, read after), so no variable reads
/// itself; every register gets a default, so none is a latch.
fn sliced_verilog(masks: &MaskTable) -> String {
    const STATE: u32 = 31;
    let mut decl = String::new();
    let mut defaults = String::new();
    let mut body = String::new();
    // Group pattern IDs that share a polynomial (a Q pattern and its twin).
    let mut done = [false; 16];
    for id in 0..16 {
        let Some(m) = &masks.0[id] else { continue };
        if done[id] {
            continue;
        }
        let ids: Vec<usize> = (id..16)
            .filter(|&o| masks.0[o].as_ref() == Some(m))
            .collect();
        let poly = PrbsPattern(id as u8).polynomial().expect("has masks");
        let run = *poly.taps.iter().min().expect("taps");
        // Runs: (first x index, length, register name).
        let mut runs: Vec<(u32, u32, String)> = Vec::new();
        let mut at = STATE;
        while at < STATE + WORD_BITS as u32 {
            let k = run.min(STATE + WORD_BITS as u32 - at);
            runs.push((at, k, format!("r{id}_{}", runs.len())));
            at += k;
        }
        // `x[lo +: len]` as a concatenation of state and run slices.
        let slice = |lo: u32, len: u32, runs: &[(u32, u32, String)]| -> String {
            let mut parts = Vec::new();
            let mut j = lo;
            while j < lo + len {
                let (name, base, end) = if j < STATE {
                    ("state".to_string(), 0, STATE)
                } else {
                    let r = runs
                        .iter()
                        .find(|(s, k, _)| (*s..s + k).contains(&j))
                        .expect("an earlier run");
                    (r.2.clone(), r.0, r.0 + r.1)
                };
                let top = (lo + len).min(end);
                parts.push(format!("{name}[{}:{}]", top - 1 - base, j - base));
                j = top;
            }
            parts.reverse();
            if parts.len() == 1 {
                parts.remove(0)
            } else {
                format!("{{{}}}", parts.join(", "))
            }
        };
        let labels: Vec<String> = ids.iter().map(|o| format!("4'd{o}")).collect();
        let names: Vec<String> = ids.iter().map(|&o| PrbsPattern(o as u8).name()).collect();
        let terms: Vec<String> = poly.taps.iter().map(|e| format!("x^{e}")).collect();
        let _ = writeln!(
            body,
            "        {}: begin // {}: {} + 1",
            labels.join(", "),
            names.join(", "),
            terms.join(" + ")
        );
        for (start, k, name) in &runs {
            let _ = writeln!(decl, "reg [{}:0] {name};", k - 1);
            let _ = writeln!(defaults, "    {name} = {k}'d0;");
            let xs: Vec<String> = poly
                .taps
                .iter()
                .map(|&e| slice(start - e, *k, &runs))
                .collect();
            let _ = writeln!(body, "            {name} = {};", xs.join(" ^ "));
        }
        let all: Vec<&str> = runs.iter().rev().map(|r| r.2.as_str()).collect();
        let _ = writeln!(body, "            word = {{{}}};", all.join(", "));
        body.push_str("        end\n");
        for o in ids {
            done[o] = true;
        }
    }
    format!(
        "{decl}always @(*) begin\n    word = 66'd0;\n    supported = 1'b1;\n{defaults}    case (pattern)\n{body}        default: supported = 1'b0;\n    endcase\nend\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::prbs::PrbsPattern;

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
