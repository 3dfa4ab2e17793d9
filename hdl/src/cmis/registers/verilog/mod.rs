//! The register block's Verilog, generated stage by stage from one
//! [`RegPlan`] (as PeakRDL-regblock has one generator per concern):
//! declarations here, then [`decode`], [`intl`], [`readback`],
//! [`field_logic`] (with [`save_restore`] inside the write branch).

mod decode;
mod field_logic;
mod intl;
mod readback;
mod save_restore;

use crate::cmis::plan::{HwPort, HwRole, RegPlan};
use std::fmt::Write;

/// Generated names: `hw` bits select a half page; `key` is a
/// `{half, addr[6:0]}` case label; `reg` the register of a stored byte.
pub(super) struct Names<'a> {
    plan: &'a RegPlan,
    hw: usize,
}

impl Names<'_> {
    fn key(&self, h: usize, b: usize) -> String {
        format!("{{{}'d{h}, 7'd{b}}}", self.hw)
    }
    fn reg(&self, h: usize, b: usize) -> String {
        format!("s_{}_{b}", self.plan.halves[h].tag())
    }
    /// The snapshot register of a byte after the first of a selected value.
    fn snap(&self, h: usize, b: usize) -> String {
        format!("q_{}_{b}", self.plan.halves[h].tag())
    }
    /// The value a selected port shows (its selector's choice).
    fn selected(&self, p: &HwPort) -> String {
        format!("sel_{}_{}", self.plan.halves[p.half].tag(), p.byte)
    }
}

pub(super) fn clog2(n: usize) -> usize {
    (usize::BITS - (n.max(2) - 1).leading_zeros()) as usize
}

/// `expr`, `width` bits wide, zero-extended to a byte.
pub(super) fn widen(expr: &str, width: u8) -> String {
    if width >= 8 {
        expr.to_string()
    } else {
        format!("{{{}'d0, {expr}}}", 8 - width)
    }
}

/// The block's Verilog body, from the plan.
pub(super) fn verilog(plan: &RegPlan) -> String {
    let n = Names {
        plan,
        hw: clog2(plan.halves.len()),
    };
    let mut v = String::new();
    let _ = writeln!(
        v,
        "// Generated from the xpo register map: {} half pages, {} multi-byte groups.",
        plan.halves.len(),
        plan.groups.len()
    );
    declarations(plan, &n, &mut v);
    decode::window(plan, &n, &mut v);
    intl::intl(plan, &n, &mut v);
    readback::readback(plan, &n, &mut v);
    field_logic::clocked(plan, &n, &mut v);
    field_logic::controls(plan, &n, &mut v);
    field_logic::selections(plan, &n, &mut v);
    v
}

/// Every register the block keeps, and its decode wires.
fn declarations(plan: &RegPlan, n: &Names, v: &mut String) {
    let hw = n.hw;
    let reg = |h: usize, b: usize| n.reg(h, b);
    // Declarations.
    v.push_str("reg txn_prev;\n");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.stored {
                let _ = writeln!(v, "reg [7:0] {};", reg(h, b));
            }
            if c.snapshot {
                let _ = writeln!(v, "reg [7:0] {};", n.snap(h, b));
            }
        }
    }
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Selected) {
        let _ = writeln!(v, "reg [{}:0] {};", p.width - 1, n.selected(p));
    }
    for (g, grp) in plan.groups.iter().enumerate() {
        for k in 0..grp.len {
            let _ = writeln!(v, "reg [7:0] p_{g}_{k};");
        }
        let _ = writeln!(v, "reg [{}:0] w_{g};", grp.len - 1);
    }
    for sb in &plan.saves {
        for (kind, bytes) in sb.sets.iter().enumerate() {
            for slot in 1..=2 {
                let _ = writeln!(v, "reg sv_ok_{}_{kind}_{slot};", sb.bank);
                for i in 0..bytes.len() {
                    let _ = writeln!(v, "reg [7:0] sv_{}_{kind}_{slot}_{i};", sb.bank);
                }
            }
        }
    }
    super::verilog::save_restore::declarations(plan, v);
    let _ = writeln!(
        v,
        "reg a_txn;\nreg a_read;\nreg a_write;\nreg a_hold;\n// The staged address within its half (the half says which).\nreg [6:0] a_addr;\nreg [7:0] a_wdata;\nreg [{0}:0] sel_half;\nreg sel_half_ok;\nreg [{0}:0] half;\nreg half_ok;\nreg [{0}:0] dec_window;\nreg ok_window;\nreg [{0}:0] dec_direct;\nreg ok_direct;\nreg [{0}:0] half_window;\nreg half_window_ok;\nreg [{0}:0] half_direct;\nreg half_direct_ok;\n// The same selections one-hot, for the read-back's address copies.\nreg [{1}:1] oh_window;\nreg [{1}:1] oh_direct;",
        hw - 1,
        plan.halves.len() - 1
    );
    v.push_str("reg [7:0] c_any;\nreg [7:0] c_store;\nreg [7:0] c_sc;\nreg intl;\n// A read's clear-on-read: the byte's own key match implies c_any != 0.\nwire rd_hit = a_txn && a_read && half_ok;\n\n");
}
