//! Field logic, clocked: reset values, multi-byte commits at the end of a
//! transaction, host reads and writes (read-zero, store, self-clearing),
//! save/restore, latched flags (a hardware raise wins over a same-cycle
//! read-clear), hardware inputs sampled outside transactions, pulses; and
//! the hardware controls driven from the stored bits.

use super::widen;
use super::Names;
use crate::cmis::plan::{HwPort, HwRole, RegPlan};
use std::fmt::Write;

/// The clocked block of every stored byte.
pub(super) fn clocked(plan: &RegPlan, n: &Names, v: &mut String) {
    let key = |h: usize, b: usize| n.key(h, b);
    let reg = |h: usize, b: usize| n.reg(h, b);
    // Clocked behaviour.
    v.push_str("always @(posedge clock) begin\n    txn_prev <= a_txn;\n    page_ok <= half_ok;\n    writable <= half_ok && c_any != 8'd0 && (c_store | c_sc) != 8'd0;\n    if (reset) begin\n        txn_prev <= 1'b0;\n        page_ok <= 1'b0;\n        writable <= 1'b0;\n");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.stored {
                let _ = writeln!(v, "        {} <= 8'h{:02X};", reg(h, b), c.reset);
            }
            if c.snapshot {
                let _ = writeln!(v, "        {} <= 8'd0;", n.snap(h, b));
            }
        }
    }
    for (g, grp) in plan.groups.iter().enumerate() {
        let _ = writeln!(v, "        w_{g} <= {}'d0;", grp.len);
    }
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Pulse) {
        let _ = writeln!(v, "        {} <= 1'b0;", p.port);
    }
    for sb in &plan.saves {
        for (kind, bytes) in sb.sets.iter().enumerate() {
            for slot in 1..=2 {
                let _ = writeln!(v, "        sv_ok_{}_{kind}_{slot} <= 1'b0;", sb.bank);
                for i in 0..bytes.len() {
                    let _ = writeln!(v, "        sv_{}_{kind}_{slot}_{i} <= 8'd0;", sb.bank);
                }
            }
        }
    }
    super::save_restore::reset(plan, v);
    v.push_str("    end else begin\n");
    super::save_restore::save_restore(plan, v);
    v.push_str("        if (!a_txn && txn_prev) begin\n");
    for (g, grp) in plan.groups.iter().enumerate() {
        let _ = writeln!(v, "            if (&w_{g}) begin");
        for k in 0..grp.len {
            let _ = writeln!(
                v,
                "                {} <= p_{g}_{k};",
                reg(grp.half, (grp.first + k) as usize)
            );
        }
        let _ = writeln!(
            v,
            "                w_{g} <= {}'d0;\n            end else if (!a_hold) begin\n                w_{g} <= {}'d0;\n            end",
            grp.len,
            grp.len
        );
    }
    // Writes (reads change no stored byte here: `rdata` is the read-back
    // pipeline's, and clear-on-read is with the latched flags below). Only
    // writable bytes have a label below, and a label matches only with
    // `half_ok` (an unimplemented page selects no half), so the refusal
    // test (`c_any`, `c_store`) decides `rdata` alone and stays off every
    // write enable (issue 11).
    v.push_str("        end\n        if (a_txn && !a_read && a_write) begin\n");
    v.push_str("            if (half_ok) begin\n");
    let _ = writeln!(v, "                case ({{half, a_addr[6:0]}})");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if let Some(g) = c.group {
                let k = b - plan.groups[g].first as usize;
                let _ = writeln!(
                    v,
                    "                    {}: begin p_{g}_{k} <= a_wdata; w_{g}[{k}] <= 1'b1; end",
                    key(h, b)
                );
            } else if c.store != 0 {
                let _ = writeln!(
                    v,
                    "                    {}: {} <= ({} & 8'h{:02X}) | (a_wdata & 8'h{:02X});",
                    key(h, b),
                    reg(h, b),
                    reg(h, b),
                    !c.store,
                    c.store
                );
            }
        }
    }
    v.push_str("                    default: ;\n                endcase\n");
    super::save_restore::register_command(plan, v);
    v.push_str("            end\n        end\n");
    // Latched flags: cleared by a read of their byte, raised by hardware;
    // a raise wins over a same-cycle clear.
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.rc == 0 {
                continue;
            }
            let mut set = String::from("8'd0");
            for p in plan
                .hwif
                .iter()
                .filter(|p| p.role == HwRole::Latch && p.half == h && p.byte as usize == b)
            {
                set = format!(
                    "{set} | (({} << {}) & 8'h{:02X})",
                    widen(&p.port, p.width),
                    p.lsb,
                    p.mask()
                );
            }
            let r = reg(h, b);
            let _ = writeln!(
                v,
                "        {r} <= ({r} & ~((rd_hit && {{half, a_addr[6:0]}} == {}) ? 8'h{:02X} : 8'd0)) | {set};",
                key(h, b),
                c.rc
            );
        }
    }
    // Hardware inputs, sampled only outside transactions (coherent reads);
    // one assignment per byte, however many fields share it.
    let mut input_bytes: Vec<(usize, usize)> = Vec::new();
    let sampled = |p: &&HwPort| {
        matches!(
            p.role,
            HwRole::Input | HwRole::Summary | HwRole::Selected | HwRole::FlagSummary
        )
    };
    for p in plan.hwif.iter().filter(sampled) {
        for k in 0..p.len as usize {
            let at = (p.half, p.byte as usize + k);
            if !input_bytes.contains(&at) {
                input_bytes.push(at);
            }
        }
    }
    for (h, b) in input_bytes {
        let r = reg(h, b);
        let mut keep = 0xffu8;
        let mut terms = Vec::new();
        for p in plan.hwif.iter().filter(|p| sampled(p) && p.half == h) {
            let i = b.wrapping_sub(p.byte as usize);
            if p.len > 1 && i < p.len as usize {
                // Big-endian: the first byte is the most significant.
                keep = 0;
                let lo = 8 * (p.len as usize - 1 - i);
                let value = match p.role {
                    HwRole::Selected => n.selected(p),
                    _ => p.port.clone(),
                };
                terms.push(format!("{value}[{}:{lo}]", lo + 7));
            } else if p.len == 1 && b == p.byte as usize {
                keep &= !p.mask();
                let value = match p.role {
                    HwRole::Summary => {
                        let bank = p.lane.expect("per-bank row");
                        let ors: Vec<&str> = plan
                            .hwif
                            .iter()
                            .filter(|q| {
                                Some(&q.base) == p.summarizes.as_ref()
                                    && q.lane.is_some_and(|g| g / 8 == bank)
                            })
                            .map(|q| q.port.as_str())
                            .collect();
                        format!("({})", ors.join(" | "))
                    }
                    HwRole::FlagSummary => {
                        let h = p.flags_of.expect("a flag summary's half");
                        let any: Vec<String> = plan
                            .flags
                            .iter()
                            .filter(|t| t.half == h)
                            .map(|t| {
                                format!(
                                    "(({} & 8'h{:02X}) != 8'd0)",
                                    reg(h, t.byte as usize),
                                    t.bits
                                )
                            })
                            .collect();
                        if any.is_empty() {
                            "1'b0".to_string()
                        } else {
                            format!("({})", any.join(" || "))
                        }
                    }
                    _ => p.port.clone(),
                };
                terms.push(format!(
                    "(({} << {}) & 8'h{:02X})",
                    widen(&value, p.width),
                    p.lsb,
                    p.mask()
                ));
            }
        }
        let _ = writeln!(
            v,
            "        if (!a_txn) {r} <= ({r} & 8'h{keep:02X}) | {};",
            terms.join(" | ")
        );
    }
    // A read of a selected value's first byte loads its other bytes, as
    // sampled, into their snapshot registers (a coherent U64 across
    // transactions).
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Selected) {
        let first = p.byte as usize;
        let _ = writeln!(
            v,
            "        if (rd_hit && {{half, a_addr[6:0]}} == {}) begin",
            key(p.half, first)
        );
        for b in first + 1..first + p.len as usize {
            let _ = writeln!(
                v,
                "            {} <= {};",
                n.snap(p.half, b),
                reg(p.half, b)
            );
        }
        v.push_str("        end\n");
    }
    // One-cycle pulses after a host write of 1 to a self-clearing bit, in
    // its own half (ApplyDPInit sits in every bank of page 10h).
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Pulse) {
        let _ = writeln!(
            v,
            "        {} <= a_txn && a_write && !a_read && half_ok && {{half, a_addr[6:0]}} == {} && (a_wdata & 8'h{:02X}) != 8'd0;",
            p.port,
            key(p.half, p.byte as usize),
            p.mask()
        );
    }
    v.push_str("    end\nend\n\n");
}

/// The control ports, combinational from the stored bits.
pub(super) fn controls(plan: &RegPlan, n: &Names, v: &mut String) {
    let reg = |h: usize, b: usize| n.reg(h, b);
    // Controls: the stored bits of the field.
    v.push_str("always @(*) begin\n");
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Control) {
        let class = &plan.halves[p.half].bytes;
        // A read-only control (page 02h's thresholds) is a constant.
        let byte = |b: usize| {
            if class[b].stored {
                reg(p.half, b)
            } else {
                format!("8'h{:02X}", class[b].reset)
            }
        };
        let r = byte(p.byte as usize);
        let value = if p.len > 1 {
            format!("{{{r}, {}}}", byte(p.byte as usize + 1))
        } else if p.width == 1 && p.port_width == 1 {
            format!("|({r} & 8'h{:02X})", p.mask())
        } else {
            let bits = format!("{r}[{}:{}]", p.lsb + p.width - 1, p.lsb);
            if p.port_width > p.width {
                format!("{{{}'d0, {bits}}}", p.port_width - p.width)
            } else {
                bits
            }
        };
        let _ = writeln!(v, "    {} = {value};", p.port);
    }
    v.push_str("end\n");
}

/// Each selected value: the source its selector's stored byte chooses
/// (0 for a value that selects nothing or a lane the module lacks).
pub(super) fn selections(plan: &RegPlan, n: &Names, v: &mut String) {
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Selected) {
        let (sh, sb) = p.selector.expect("a selected port has a selector");
        let sel = n.selected(p);
        let _ = writeln!(
            v,
            "always @(*) begin\n    case ({})",
            n.reg(sh, sb as usize)
        );
        for &(value, src) in &p.choices {
            let from = src.map_or_else(
                || format!("{}'d0", p.width),
                |k| plan.sources[k].port.clone(),
            );
            let _ = writeln!(v, "        8'd{value}: {sel} = {from};");
        }
        let _ = writeln!(
            v,
            "        default: {sel} = {}'d0;\n    endcase\nend",
            p.width
        );
    }
}
