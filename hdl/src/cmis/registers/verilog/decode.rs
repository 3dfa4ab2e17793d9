//! Address decode: which half page a window byte reaches, from PageSelect
//! and BankSelect (or the AXI slave's direct page and bank), and the
//! port's input stage that registers it with the access.
//!
//! The page-and-bank decode is registered (see the port contract in
//! [`super::super`]): both selections are decoded every cycle into
//! `half_window` / `half_direct`, and an access picks one of them by
//! `direct` and `addr[7]`. The case over every implemented page and bank
//! then sits between registers instead of in front of every write enable.

use super::Names;
use crate::cmis::plan::RegPlan;
use std::fmt::Write;

/// The `sel_half`/`sel_half_ok` decode of the byte address.
pub(super) fn window(plan: &RegPlan, n: &Names, v: &mut String) {
    let hw = n.hw;
    let reg = |h: usize, b: usize| n.reg(h, b);
    let (page, bank) = (
        reg(0, plan.page_select as usize),
        reg(0, plan.bank_select as usize),
    );
    page_case(plan, hw, &page, &bank, "dec_window", "ok_window", v);
    page_case(plan, hw, "dpage", "dbank", "dec_direct", "ok_direct", v);
    // After reset the window selection is the register reset values'.
    let lower = &plan.halves[0].bytes;
    let reset_page = lower[plan.page_select as usize].reset;
    let reset_bank = lower[plan.bank_select as usize].reset;
    let reset_half = plan.resolve(0x80, reset_bank, reset_page);
    // Bit h of `oh_*` (upper halves only: 1.. ): the decode selects half h.
    let onehot = |dec: &str| {
        let bits: Vec<String> = (1..plan.halves.len())
            .rev()
            .map(|h| format!("{dec} == {hw}'d{h}"))
            .collect();
        format!("{{{}}}", bits.join(", "))
    };
    let (oh_direct, oh_window) = (onehot("dec_direct"), onehot("dec_window"));
    let oh_reset = format!(
        "{}'b{}",
        plan.halves.len() - 1,
        (1..plan.halves.len())
            .rev()
            .map(|h| if reset_half == Some(h) { '1' } else { '0' })
            .collect::<String>()
    );
    let _ = writeln!(
        v,
        "always @(posedge clock) begin\n    half_direct <= dec_direct;\n    half_direct_ok <= ok_direct;\n    oh_direct <= {oh_direct};\n    if (reset) begin\n        half_window <= {hw}'d{0};\n        half_window_ok <= 1'b{1};\n        oh_window <= {oh_reset};\n    end else begin\n        half_window <= dec_window;\n        half_window_ok <= ok_window;\n        oh_window <= {oh_window};\n    end\nend",
        reset_half.unwrap_or(0),
        reset_half.is_some() as u8
    );
    let _ = writeln!(
        v,
        "always @(*) begin\n    sel_half = direct ? half_direct : half_window;\n    sel_half_ok = direct ? half_direct_ok : half_window_ok;\n    if (!addr[7]) begin\n        sel_half = {hw}'d0;\n        sel_half_ok = 1'b1;\n    end\nend\n"
    );
    input_stage(hw, v);
}

/// The port's input stage: the access and its resolved half are registered
/// (`a_*`, `half`, `half_ok`), and every effect (write, read, clear, probe)
/// acts on them at the next edge (after reset: no access, at lower byte 0,
/// as the host model's idle request). The read-back mux and the write decode
/// then start at registers local to the block instead of behind the bus
/// masters' address logic and the page select (issue 11). The read-back
/// keeps its own copies of the address, one per half page
/// ([`super::readback`]).
fn input_stage(hw: usize, v: &mut String) {
    let _ = writeln!(
        v,
        "always @(posedge clock) begin\n    if (reset) begin\n        a_txn <= 1'b0;\n        a_read <= 1'b0;\n        a_write <= 1'b0;\n        a_hold <= 1'b0;\n        a_addr <= 7'd0;\n        a_wdata <= 8'd0;\n        half <= {hw}'d0;\n        half_ok <= 1'b1;\n    end else begin\n        a_txn <= txn;\n        a_read <= read;\n        a_write <= write;\n        a_hold <= hold;\n        a_addr <= addr[6:0];\n        a_wdata <= wdata;\n        half <= sel_half;\n        half_ok <= sel_half_ok;\n    end\nend\n"
    );
}

/// A combinational decode of `page`/`bank` into the upper half it selects
/// (`out`) and whether one is implemented (`ok`).
fn page_case(
    plan: &RegPlan,
    hw: usize,
    page: &str,
    bank: &str,
    out: &str,
    ok: &str,
    v: &mut String,
) {
    let _ = writeln!(
        v,
        "always @(*) begin\n    {out} = {hw}'d0;\n    {ok} = 1'b1;\n    case ({page})"
    );
    for &(p, banks) in &plan.pages {
        let idx = |b: u8| {
            plan.halves
                .iter()
                .position(|h| h.key == Some((b, p)))
                .expect("half")
        };
        if p < 0x10 {
            let _ = writeln!(v, "        8'h{p:02X}: {out} = {hw}'d{};", idx(0));
        } else {
            let _ = writeln!(v, "        8'h{p:02X}:\n            case ({bank})");
            for b in 0..banks {
                let _ = writeln!(v, "                8'd{b}: {out} = {hw}'d{};", idx(b));
            }
            let _ = writeln!(
                v,
                "                default: {ok} = 1'b0;\n            endcase"
            );
        }
    }
    let _ = writeln!(v, "        default: {ok} = 1'b0;\n    endcase\nend");
}
