//! ELSFP save/restore (1Ah:184/185). A write to a bank's command byte is
//! registered (`sr_go_*`, `sr_cmd_*`, in the accepted-write branch) and
//! the command runs at the next edge, first in the clocked block so that
//! edge's commit and write win over a restore, as they would have a cycle
//! after an immediate one: the command's decode and the fan-out to every
//! saved copy are then off the bus address path (issue 11).

use super::clog2;
use crate::cmis::plan::{RegPlan, SavedByte};
use std::fmt::Write;

/// Declarations of the registered commands.
pub(super) fn declarations(plan: &RegPlan, v: &mut String) {
    for sb in &plan.saves {
        let _ = writeln!(v, "reg sr_go_{0};\nreg [7:0] sr_cmd_{0};", sb.bank);
    }
}

/// Inside the accepted-write branch: register a write to a command byte.
pub(super) fn register_command(plan: &RegPlan, v: &mut String) {
    let hw = clog2(plan.halves.len());
    for sb in &plan.saves {
        let _ = writeln!(
            v,
            "                if ({{half, a_addr[6:0]}} == {{{hw}'d{h}, 7'd{c}}}) begin\n                    sr_go_{b} <= 1'b1;\n                    sr_cmd_{b} <= a_wdata;\n                end",
            h = sb.half,
            c = sb.command,
            b = sb.bank
        );
    }
}

/// Reset values of the registered commands.
pub(super) fn reset(plan: &RegPlan, v: &mut String) {
    for sb in &plan.saves {
        let _ = writeln!(v, "        sr_go_{} <= 1'b0;", sb.bank);
    }
}

/// First in the clocked block (outside reset): run the command registered
/// at the previous edge and set its status byte.
pub(super) fn save_restore(plan: &RegPlan, v: &mut String) {
    use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
    let reg = |h: usize, b: u8| format!("s_{}_{b}", plan.halves[h].tag());
    let commands: Vec<u8> = (0..=255u8).filter(|&c| decode(c).is_some()).collect();
    for sb in &plan.saves {
        let bank = sb.bank;
        let status = reg(sb.half, sb.status);
        let _ = writeln!(
            v,
            "                sr_go_{bank} <= 1'b0;\n                if (sr_go_{bank}) begin\n                    case (sr_cmd_{bank})"
        );
        for &cmd in &commands {
            let (set, slot, save) = decode(cmd).expect("valid command");
            let kind = set as usize;
            let bytes = &sb.sets[kind];
            let _ = writeln!(v, "                        8'h{cmd:02X}: begin");
            if save {
                for (
                    i,
                    &SavedByte {
                        half: h,
                        byte: b,
                        bits: m,
                    },
                ) in bytes.iter().enumerate()
                {
                    let _ = writeln!(
                        v,
                        "                            sv_{bank}_{kind}_{slot}_{i} <= {} & 8'h{m:02X};",
                        reg(h, b)
                    );
                }
                let _ = writeln!(
                    v,
                    "                            sv_ok_{bank}_{kind}_{slot} <= 1'b1;\n                            {status} <= 8'd{OK};"
                );
            } else {
                let from = |i: usize, h: usize, b: u8, m: u8| {
                    if slot == 0 {
                        format!("8'h{:02X}", plan.halves[h].bytes[b as usize].reset & m)
                    } else {
                        format!("sv_{bank}_{kind}_{slot}_{i}")
                    }
                };
                let guard = if slot == 0 {
                    "1'b1".to_string()
                } else {
                    format!("sv_ok_{bank}_{kind}_{slot}")
                };
                let _ = writeln!(v, "                            if ({guard}) begin");
                for (
                    i,
                    &SavedByte {
                        half: h,
                        byte: b,
                        bits: m,
                    },
                ) in bytes.iter().enumerate()
                {
                    let r = reg(h, b);
                    let _ = writeln!(
                        v,
                        "                                {r} <= ({r} & 8'h{:02X}) | ({} & 8'h{m:02X});",
                        !m,
                        from(i, h, b, m)
                    );
                }
                let _ = writeln!(
                    v,
                    "                                {status} <= 8'd{OK};\n                            end else begin\n                                {status} <= 8'd{NOTHING_SAVED};\n                            end"
                );
            }
            v.push_str("                        end\n");
        }
        let _ = writeln!(
            v,
            "                        default: {status} <= 8'd{INVALID};\n                    endcase\n                end"
        );
    }
}
