//! `SaturatingAdd`: `a + b`, held at all ones instead of wrapping — the
//! CMIS U64 counters (page 14h error and bit counts) stop at their maximum.
//!
//! A leaf because `#[hdl_gen]` has no widening add: written there, the
//! saturation test is a second N-bit comparison (`sum < a`) behind the
//! adder, doubling the carry chain on a path the PRBS checker runs every
//! word. Here the test is the adder's own carry out, one chain in all.
//!
//! Wide counters (N >= [`SPLIT_FROM`]) are written carry-select: the low
//! half adds `b`, the high half's increment is computed beside it, and the
//! low half's carry picks one. Two half-length chains in parallel instead
//! of one: the PRBS checkers' 64-bit counters (65 carry cells, 7.6 ns of
//! routing) were the default engine's critical path on ECP5. The same
//! function: a test proves it equal to the plain form with Yosys.

use crate::opaque::Memo;
use rust_hdl::prelude::*;

/// Counters at least this wide are written carry-select (module comment).
pub const SPLIT_FROM: usize = 48;

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
        let k = N / 2;
        if N >= SPLIT_FROM && M < k {
            // sum = a + b: low = a[k-1:0] + b (its carry out c), high =
            // a[N-1:k] + c, taken from the precomputed a[N-1:k] + 1. It
            // wraps iff c and the high half is all ones (hi1's carry).
            let h = N - k;
            return Verilog::Custom(format!(
                "wire [{k}:0] lo = {{1'b0, a[{km1}:0]}} + {{{lpad}'d0, b}};\n\
                 wire [{h}:0] hi1 = {{1'b0, a[{nm1}:{k}]}} + {h1}'d1;\n\
                 always @(*) sum = (lo[{k}] & hi1[{h}]) ? {{{N}{{1'b1}}}} : \
                 {{lo[{k}] ? hi1[{hm1}:0] : a[{nm1}:{k}], lo[{km1}:0]}};\n",
                km1 = k - 1,
                lpad = k + 1 - M,
                nm1 = N - 1,
                h1 = h + 1,
                hm1 = h - 1,
            ));
        }
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

    /// The carry-select form (wide counters) is the plain saturating add:
    /// Yosys proves the leaf's Verilog equal to `a + b` held at all ones,
    /// for every input (a SAT miter). Skipped without Yosys unless
    /// `XPO_REQUIRE_FPGA=1` (`scripts/test.sh` sets it).
    #[test]
    fn the_carry_select_verilog_is_the_plain_saturating_add() {
        fn module<const N: usize, const M: usize>() -> String {
            let Verilog::Custom(body) = SaturatingAdd::<N, M>::default().hdl() else {
                panic!("a custom leaf")
            };
            format!(
                "module split(input [{}:0] a, input [{}:0] b, output reg [{}:0] sum);\n{body}endmodule\n\
                 module plain(input [{}:0] a, input [{}:0] b, output [{}:0] sum);\n\
                 wire [{N}:0] w = a + b;\nassign sum = w[{N}] ? {{{N}{{1'b1}}}} : w[{}:0];\nendmodule\n",
                N - 1, M - 1, N - 1, N - 1, M - 1, N - 1, N - 1
            )
        }
        if std::process::Command::new("yosys")
            .arg("-V")
            .output()
            .is_err()
        {
            assert!(
                std::env::var("XPO_REQUIRE_FPGA").as_deref() != Ok("1"),
                "yosys is required (XPO_REQUIRE_FPGA=1)"
            );
            eprintln!("yosys not installed: skipped");
            return;
        }
        for (text, split) in [
            (module::<64, 7>(), true),
            (module::<48, 1>(), true),
            (module::<32, 1>(), false),
        ] {
            assert_eq!(text.contains("hi1"), split, "{text}");
            let dir = std::env::temp_dir().join(format!("xpo-satadd-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            let path = dir.join("adders.v");
            std::fs::write(&path, &text).unwrap();
            let out = std::process::Command::new("yosys")
                .args([
                    "-q",
                    "-p",
                    &format!(
                        "read_verilog {}; proc; miter -equiv -flatten -make_outputs plain split miter; \
                         hierarchy -top miter; flatten; opt; sat -verify -prove trigger 0 miter",
                        path.display()
                    ),
                ])
                .output()
                .unwrap();
            let _ = std::fs::remove_dir_all(&dir);
            assert!(
                out.status.success(),
                "not proven equal:\n{text}\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
        }
    }
}
