//! Read-back, two registered stages (issue 12's timing item: the flat
//! `{half, addr}` multiplexer over every byte of every page was the
//! one-lane engine's critical path, 9 logic levels on ECP5):
//!
//! 1. At the edge a read acts, each half page's byte at `a_addr` (the
//!    stored register, a snapshot register, a constant, InterruptDeasserted
//!    from IntL; read-zero bits already masked) is registered in `rv_<h>`,
//!    with the access's `half`, whether it was a hit (`rb_ok`) and whether
//!    `rdata` changes at all (`rb_valid`: a read, or a refused write).
//! 2. At the next edge `rdata` takes `rv_<half>` (or 0 for a refusal).
//!
//! The byte classes (`c_any`, `c_store`, `c_sc`) of the addressed byte are
//! constants per `{half, addr}` and stay combinational: they feed the
//! write probe and the refusal test.

use super::Names;
use crate::cmis::plan::RegPlan;
use std::fmt::Write;

/// The byte classes of the addressed byte, and the two read-back stages.
pub(super) fn readback(plan: &RegPlan, n: &Names, v: &mut String) {
    let key = |h: usize, b: usize| n.key(h, b);
    let reg = |h: usize, b: usize| n.reg(h, b);
    let hw = n.hw;
    // Byte classes.
    v.push_str("always @(*) begin\n    c_any = 8'd0;\n    c_store = 8'd0;\n    c_sc = 8'd0;\n");
    let _ = writeln!(v, "    case ({{half, a_addr[6:0]}})");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.any == 0 {
                continue;
            }
            let _ = writeln!(
                v,
                "        {}: begin c_any = 8'h{:02X}; c_store = 8'h{:02X}; c_sc = 8'h{:02X}; end",
                key(h, b),
                c.any,
                c.store,
                c.sc
            );
        }
    }
    v.push_str("        default: ;\n    endcase\nend\n\n");
    // Stage 1: one byte per half page.
    for h in 0..plan.halves.len() {
        let _ = writeln!(v, "reg [7:0] rv_{h};");
    }
    let _ = writeln!(
        v,
        "reg rb_valid;\nreg rb_ok;\nreg [{}:0] rb_half;\nreg [7:0] rb_byte;",
        hw - 1
    );
    let (ib, ibit) = plan.interrupt;
    v.push_str("always @(posedge clock) begin\n");
    for (h, half) in plan.halves.iter().enumerate() {
        let _ = writeln!(v, "    case (a_addr[6:0])");
        for (b, c) in half.bytes.iter().enumerate() {
            if c.any == 0 {
                continue;
            }
            let mut value = if c.snapshot {
                n.snap(h, b)
            } else if c.stored {
                reg(h, b)
            } else {
                format!("8'h{:02X}", c.reset)
            };
            if h == 0 && b == ib as usize {
                value = format!(
                    "(({value} & 8'h{:02X}) | ({{7'd0, ~intl}} << {ibit}))",
                    !(1u8 << ibit)
                );
            }
            let _ = writeln!(
                v,
                "        7'd{b}: rv_{h} <= {value} & 8'h{:02X};",
                !c.read_zero
            );
        }
        let _ = writeln!(v, "        default: rv_{h} <= 8'd0;\n    endcase");
    }
    v.push_str(
        "    rb_half <= half;\n    rb_ok <= a_read && half_ok && c_any != 8'd0;\n    rb_valid <= a_txn && (a_read || (a_write && (!half_ok || c_any == 8'd0 || (c_store | c_sc) == 8'd0)));\n",
    );
    // Stage 2.
    v.push_str("    if (rb_valid) begin\n        rdata <= rb_ok ? rb_byte : 8'd0;\n    end\n    if (reset) begin\n        rb_valid <= 1'b0;\n        rdata <= 8'd0;\n    end\nend\n");
    v.push_str("always @(*) begin\n    case (rb_half)\n");
    for h in 0..plan.halves.len() {
        let _ = writeln!(v, "        {hw}'d{h}: rb_byte = rv_{h};");
    }
    v.push_str("        default: rb_byte = 8'd0;\n    endcase\nend\n\n");
}
