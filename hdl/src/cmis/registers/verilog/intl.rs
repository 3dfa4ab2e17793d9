//! IntL: any latched flag bit set whose mask bits (its own and the ELSFP
//! global mask) are clear.

use super::Names;
use crate::cmis::plan::{FlagTerm, RegPlan};
use std::fmt::Write;

/// The combinational `intl` and the `int_l` pin.
pub(super) fn intl(plan: &RegPlan, n: &Names, v: &mut String) {
    let reg = |h: usize, b: usize| n.reg(h, b);
    // IntL.
    let mut terms = Vec::new();
    for &FlagTerm {
        half: h,
        byte: b,
        bits,
        mask,
        global,
    } in &plan.flags
    {
        let mut t = format!("({} & 8'h{bits:02X})", reg(h, b as usize));
        let masks = [mask, global.map(|m| (h, m))];
        for (mh, m) in masks.into_iter().flatten() {
            t = format!("({t} & ~({} & 8'h{bits:02X}))", reg(mh, m as usize));
        }
        terms.push(t);
    }
    let _ = writeln!(v, "always @(*) begin\n    intl = 1'b0;");
    for t in &terms {
        let _ = writeln!(v, "    intl = intl | (|{t});");
    }
    v.push_str("    int_l = ~intl;\nend\n\n");
}
