//! Address decode: which half page a window byte reaches, from PageSelect
//! and BankSelect (or the AXI slave's direct page and bank).

use super::Names;
use crate::cmis::plan::RegPlan;
use std::fmt::Write;

/// The `half`/`half_ok` decode of the byte address.
pub(super) fn window(plan: &RegPlan, n: &Names, v: &mut String) {
    let hw = n.hw;
    let reg = |h: usize, b: usize| n.reg(h, b);
    // Window: which half a byte address reaches.
    let _ = writeln!(
        v,
        "wire [7:0] sel_page = direct ? dpage : {};\nwire [7:0] sel_bank = direct ? dbank : {};",
        reg(0, plan.page_select as usize),
        reg(0, plan.bank_select as usize)
    );
    let _ = writeln!(v, "always @(*) begin\n    half = {hw}'d0;\n    half_ok = 1'b1;\n    if (addr[7]) begin\n        case (sel_page)");
    for &(page, banks) in &plan.pages {
        let idx = |bank: u8| {
            plan.halves
                .iter()
                .position(|h| h.key == Some((bank, page)))
                .expect("half")
        };
        if page < 0x10 {
            let _ = writeln!(v, "            8'h{page:02X}: half = {hw}'d{};", idx(0));
        } else {
            let _ = writeln!(v, "            8'h{page:02X}:");
            v.push_str("                case (sel_bank)\n");
            for bank in 0..banks {
                let _ = writeln!(
                    v,
                    "                    8'd{bank}: half = {hw}'d{};",
                    idx(bank)
                );
            }
            v.push_str("                    default: half_ok = 1'b0;\n                endcase\n");
        }
    }
    v.push_str("            default: half_ok = 1'b0;\n        endcase\n    end\nend\n\n");
}
