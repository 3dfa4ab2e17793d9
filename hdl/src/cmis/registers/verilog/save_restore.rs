//! ELSFP save/restore (1Ah:184/185). A write to a bank's command byte is
//! decoded and registered in the accepted-write branch, one strobe per
//! command (`sr_go_<bank>_<cmd>`, and `sr_bad_<bank>` for a command that
//! is not one), and the command runs at the next edge, first in the
//! clocked block so that edge's commit and write win over a restore, as
//! they would have a cycle after an immediate one: the command's decode
//! and the fan-out to every saved copy are then off the bus address path
//! (issue 11), and each saved byte's multiplexer sees one strobe, not the
//! command's eight bits through a decoder (on ECP5 the decoder in front
//! of the fan-out to every laser lane's thresholds was the default
//! engine's critical path: 10.7 ns, 6 levels).

use super::clog2;
use crate::cmis::plan::{RegPlan, SavedByte};
use std::fmt::Write;

/// The valid command codes.
fn commands() -> Vec<u8> {
    use xpo_spec::regmap::save_restore::decode;
    (0..=255u8).filter(|&c| decode(c).is_some()).collect()
}

/// Every strobe of a bank: one a valid command, then `sr_bad_<bank>`.
fn strobes(bank: u8) -> Vec<String> {
    commands()
        .iter()
        .map(|c| format!("sr_go_{bank}_{c:02X}"))
        .chain(std::iter::once(format!("sr_bad_{bank}")))
        .collect()
}

/// Declarations of the registered command strobes.
pub(super) fn declarations(plan: &RegPlan, v: &mut String) {
    for sb in &plan.saves {
        for s in strobes(sb.bank) {
            let _ = writeln!(v, "reg {s};");
        }
    }
}

/// Inside the accepted-write branch: a write to a command byte sets the
/// strobe of its command.
pub(super) fn register_command(plan: &RegPlan, v: &mut String) {
    let hw = clog2(plan.halves.len());
    let cmds = commands();
    for sb in &plan.saves {
        let b = sb.bank;
        let _ = writeln!(
            v,
            "                if ({{half, a_addr[6:0]}} == {{{hw}'d{h}, 7'd{c}}}) begin",
            h = sb.half,
            c = sb.command,
        );
        for c in &cmds {
            let _ = writeln!(
                v,
                "                    sr_go_{b}_{c:02X} <= a_wdata == 8'h{c:02X};"
            );
        }
        let valid: Vec<String> = cmds
            .iter()
            .map(|c| format!("a_wdata != 8'h{c:02X}"))
            .collect();
        let _ = writeln!(
            v,
            "                    sr_bad_{b} <= {};\n                end",
            valid.join(" && ")
        );
    }
}

/// Reset values of the registered command strobes.
pub(super) fn reset(plan: &RegPlan, v: &mut String) {
    for sb in &plan.saves {
        for s in strobes(sb.bank) {
            let _ = writeln!(v, "        {s} <= 1'b0;");
        }
    }
}

/// First in the clocked block (outside reset): run the command registered
/// at the previous edge and set its status byte.
pub(super) fn save_restore(plan: &RegPlan, v: &mut String) {
    use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
    let reg = |h: usize, b: u8| format!("s_{}_{b}", plan.halves[h].tag());
    for sb in &plan.saves {
        let bank = sb.bank;
        let status = reg(sb.half, sb.status);
        for s in strobes(bank) {
            let _ = writeln!(v, "                {s} <= 1'b0;");
        }
        for &cmd in &commands() {
            let (set, slot, save) = decode(cmd).expect("valid command");
            let kind = set as usize;
            let bytes = &sb.sets[kind];
            let _ = writeln!(
                v,
                "                        if (sr_go_{bank}_{cmd:02X}) begin"
            );
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
            "                        if (sr_bad_{bank}) {status} <= 8'd{INVALID};"
        );
    }
}
