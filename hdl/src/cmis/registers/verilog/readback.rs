//! Read-back, two registered stages (issue 12's timing item: the flat
//! `{half, addr}` multiplexer over every byte of every page was the
//! one-lane engine's critical path, 9 logic levels on ECP5):
//!
//! 1. At the edge a read acts, each half page's byte at the access's
//!    address (the stored register, a snapshot register, a constant,
//!    InterruptDeasserted from IntL; read-zero bits already masked) is
//!    registered in `rv_<h>`: a 16-way case on `ra_<h>` (the byte within
//!    its 16-byte group) per group, the groups ORed under `rg_<h>` (one
//!    bit per group the half uses, one-hot), with the access's `half`, whether it was a hit (`rb_ok`) and whether
//!    `rdata` changes at all (`rb_valid`: a read, or a refused write).
//! 2. At the next edge `rdata` takes `rv_<half>` (or 0 for a refusal).
//!
//! `ra_<h>`/`rg_<h>` are the input stage's address, kept per half page and
//! loaded only by accesses to that half (the one-hot `oh_window` /
//! `oh_direct` say which): `rv_<h>` is used only when the access was to
//! half `h`, when its copy holds that access's address. One shared
//! address register fanned out to every group multiplexer of every half
//! (about 570 of them, 2,000+ LUT inputs on its low bits) was the default
//! engine's critical path once the vendor pages filled the ECP5 to 89 %;
//! the load enables make the copies different logic, so synthesis cannot
//! merge them back into one.
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
    // The readable bytes of 16-byte group `g` of half page `h`.
    let readable = |h: usize, g: usize| {
        let bytes = &plan.halves[h].bytes;
        (16 * g..16 * g + 16).filter(|&b| bytes.get(b).is_some_and(|c| c.any != 0))
    };
    // Per half page, its groups that hold a readable byte.
    let groups: Vec<Vec<usize>> = (0..plan.halves.len())
        .map(|h| {
            (0..8)
                .filter(|&g| readable(h, g).next().is_some())
                .collect()
        })
        .collect();
    // The per-half address copies, declared before their first use.
    for (h, used) in groups.iter().enumerate() {
        if !used.is_empty() {
            let _ = writeln!(v, "reg [3:0] ra_{h};\nreg [{}:0] rg_{h};", used.len() - 1);
        }
    }
    // Per half page and 16-byte group, the byte at `a_addr[3:0]`.
    for (h, half) in plan.halves.iter().enumerate() {
        for &g in &groups[h] {
            let _ = writeln!(
                v,
                "reg [7:0] gv_{h}_{g};\nalways @(*) begin\n    case (ra_{h})"
            );
            for b in readable(h, g) {
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
    }
    // The per-half address copies, loaded by accesses to their half.
    v.push_str("always @(posedge clock) begin\n");
    for (h, used) in groups.iter().enumerate() {
        if used.is_empty() {
            continue;
        }
        let load = if h == 0 {
            "!addr[7]".to_string()
        } else {
            format!("addr[7] && (direct ? oh_direct[{h}] : oh_window[{h}])")
        };
        // Bit i of `rg_<h>`: the address is in the half's i-th used group.
        let hits: Vec<String> = used
            .iter()
            .rev()
            .map(|g| format!("addr[6:4] == 3'd{g}"))
            .collect();
        let _ = writeln!(
            v,
            "    if ({load}) begin\n        ra_{h} <= addr[3:0];\n        rg_{h} <= {{{}}};\n    end",
            hits.join(", ")
        );
    }
    v.push_str("end\n");
    v.push_str("always @(posedge clock) begin\n");
    for (h, used) in groups.iter().enumerate() {
        let terms: Vec<String> = used
            .iter()
            .enumerate()
            .map(|(i, g)| format!("({{8{{rg_{h}[{i}]}}}} & gv_{h}_{g})"))
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
