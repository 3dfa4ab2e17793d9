//! Read-back: each implemented byte's value (the stored register, a
//! constant, InterruptDeasserted from IntL) and its bit classes, selected
//! by `{half, addr}`.

use super::Names;
use crate::cmis::plan::RegPlan;
use std::fmt::Write;

/// The read value and the byte classes of the addressed byte.
pub(super) fn readback(plan: &RegPlan, n: &Names, v: &mut String) {
    let key = |h: usize, b: usize| n.key(h, b);
    let reg = |h: usize, b: usize| n.reg(h, b);
    // Read value and byte classes.
    v.push_str("always @(*) begin\n    rval = 8'd0;\n    c_any = 8'd0;\n    c_store = 8'd0;\n    c_rzero = 8'd0;\n    c_sc = 8'd0;\n");
    let _ = writeln!(v, "    case ({{half, a_addr[6:0]}})");
    let (ib, ibit) = plan.interrupt;
    for (h, half) in plan.halves.iter().enumerate() {
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
                "        {}: begin rval = {value}; c_any = 8'h{:02X}; c_store = 8'h{:02X}; c_rzero = 8'h{:02X}; c_sc = 8'h{:02X}; end",
                key(h, b),
                c.any,
                c.store,
                c.read_zero,
                c.sc
            );
        }
    }
    v.push_str("        default: ;\n    endcase\nend\n\n");
}
