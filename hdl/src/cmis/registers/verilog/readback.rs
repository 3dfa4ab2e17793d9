//! Read-back, two registered stages (issue 12's timing item: the flat
//! `{half, addr}` multiplexer over every byte of every page was the
//! one-lane engine's critical path, 9 logic levels on ECP5):
//!
//! 1. At the edge a read acts, each half page's byte at `a_addr` (the
//!    stored register, a snapshot register, a constant, InterruptDeasserted
//!    from IntL; read-zero bits already masked) is registered in `rv_<h>`:
//!    a 16-way case on `a_addr[3:0]` per 16-byte group, the groups ORed
//!    under the one-hot `a_grp` (`decode.rs`),
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
    // Per half page and 16-byte group, the byte at `a_addr[3:0]`.
    let mut groups: Vec<Vec<usize>> = Vec::new();
    for (h, half) in plan.halves.iter().enumerate() {
        let mut used = Vec::new();
        for g in 0..8usize {
            let bytes: Vec<usize> = (16 * g..16 * g + 16)
                .filter(|&b| half.bytes.get(b).is_some_and(|c| c.any != 0))
                .collect();
            if bytes.is_empty() {
                continue;
            }
            used.push(g);
            let _ = writeln!(
                v,
                "reg [7:0] gv_{h}_{g};\nalways @(*) begin\n    case (a_addr[3:0])"
            );
            for b in bytes {
                let c = &half.bytes[b];
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
                    "        4'd{}: gv_{h}_{g} = {value} & 8'h{:02X};",
                    b - 16 * g,
                    !c.read_zero
                );
            }
            let _ = writeln!(v, "        default: gv_{h}_{g} = 8'd0;\n    endcase\nend");
        }
        groups.push(used);
    }
    v.push_str("always @(posedge clock) begin\n");
    for (h, used) in groups.iter().enumerate() {
        let terms: Vec<String> = used
            .iter()
            .map(|g| format!("({{8{{a_grp[{g}]}}}} & gv_{h}_{g})"))
            .collect();
        let rhs = if terms.is_empty() {
            "8'd0".to_string()
        } else {
            terms.join(" | ")
        };
        let _ = writeln!(v, "    rv_{h} <= {rhs};");
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
