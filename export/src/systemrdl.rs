//! SystemRDL 2.0: one 8-bit register per implemented byte, grouped in one
//! regfile per upper page and instantiated once per bank at its linear
//! (optoe/SONiC) address, so register tools see the same addresses the host
//! uses. Multi-byte values appear byte by byte (`_hi`/`_lo`, or `_b0` for the
//! most significant of longer ones).

use crate::halves;
use std::collections::BTreeMap;
use std::fmt::Write;
use xpo_spec::regmap::{linear_address, Access, Encoding, HwRole, RegisterMap};
use xpo_spec::EngineConfig;

struct Slice {
    name: String,
    msb: u8,
    lsb: u8,
    access: Access,
    hw: Option<HwRole>,
    reset: u8,
    desc: String,
}

/// SystemRDL access properties: from the field's hardware role where it
/// has one (`hw=w` inputs, `hwset` latches, `hw=r` controls,
/// `singlepulse` pulses), else from its software access.
fn properties(a: Access, hw: Option<HwRole>) -> &'static str {
    match (hw, a) {
        (Some(HwRole::Input | HwRole::Summary | HwRole::Selected | HwRole::FlagSummary), _) => {
            "sw = r; hw = w;"
        }
        (Some(HwRole::Latch), _) => "sw = r; hw = na; rclr; hwset;",
        (Some(HwRole::Control), Access::Ro) => "sw = r; hw = r;",
        (Some(HwRole::Control), _) => "sw = rw; hw = r;",
        (Some(HwRole::Pulse), _) => "sw = rw; hw = r; singlepulse;",
        (None, a) => match a {
            Access::Ro => "sw = r; hw = w;",
            Access::Rw => "sw = rw; hw = r;",
            Access::Wo => "sw = w; hw = r;",
            Access::Rc => "sw = r; hw = w; rclr;",
            // Hardware clears the field once it has acted on it.
            Access::Sc => "sw = rw; hw = r; hwclr;",
        },
    }
}

fn quote(s: &str) -> String {
    s.replace('\\', "\\\\").replace('"', "\\\"")
}

/// Registers of one half page, by byte.
fn bytes_of(map: &RegisterMap, half: Option<u8>, image: &[u8; 128]) -> BTreeMap<u8, Vec<Slice>> {
    let base = if half.is_none() { 0 } else { 128 };
    let mut regs: BTreeMap<u8, Vec<Slice>> = BTreeMap::new();
    for f in map.fields_of(half) {
        for i in 0..f.count {
            let l = f.instance(i);
            let lane = if f.count > 1 {
                format!("_{}", i + 1)
            } else {
                String::new()
            };
            for k in 0..l.len {
                let part = match (l.len, k) {
                    (1, _) => String::new(),
                    (2, 0) => "_hi".into(),
                    (2, _) => "_lo".into(),
                    (_, k) => format!("_b{k}"),
                };
                let byte = l.byte + k;
                let (lsb, width) = if l.len > 1 { (0, 8) } else { (l.lsb, l.width) };
                let hw = f.hw.as_ref().map(|h| h.role);
                // A pulse is one bit in SystemRDL (`singlepulse`): a
                // lane bitmap of pulses (ApplyDPInit) is one field a lane.
                let bits: Vec<(String, u8, u8)> =
                    if hw == Some(HwRole::Pulse) && f.encoding == Encoding::LaneBitmap {
                        (0..width)
                            .map(|b| (format!("{}{lane}{part}_lane{}", f.name, b + 1), lsb + b, 1))
                            .collect()
                    } else {
                        vec![(format!("{}{lane}{part}", f.name), lsb, width)]
                    };
                for (name, lsb, width) in bits {
                    let mask = if width >= 8 {
                        0xff
                    } else {
                        ((1u16 << width) - 1) as u8
                    };
                    regs.entry(byte).or_default().push(Slice {
                        name,
                        msb: lsb + width - 1,
                        lsb,
                        access: f.access,
                        hw,
                        reset: (image[(byte - base) as usize] >> lsb) & mask,
                        desc: f.description.clone(),
                    });
                }
            }
        }
    }
    regs
}

fn write_regs(s: &mut String, regs: &BTreeMap<u8, Vec<Slice>>, base: u8, indent: &str) {
    for (byte, slices) in regs {
        let names: Vec<&str> = slices.iter().map(|x| x.name.as_str()).collect();
        let _ = writeln!(s, "{indent}reg {{");
        let _ = writeln!(
            s,
            "{indent}    name = \"Byte {byte}: {}\";",
            names.join(", ")
        );
        let _ = writeln!(s, "{indent}    regwidth = 8;");
        for x in slices {
            let _ = writeln!(
                s,
                "{indent}    field {{ desc = \"{}\"; {} }} {}[{}:{}] = 0x{:X};",
                quote(&x.desc),
                properties(x.access, x.hw),
                x.name,
                x.msb,
                x.lsb,
                x.reset
            );
        }
        let _ = writeln!(s, "{indent}}} B{byte} @ 0x{:X};", byte - base);
    }
}

/// The whole map as SystemRDL.
pub fn render(map: &RegisterMap, cfg: &EngineConfig) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "// xpo_cmis.rdl: the xpo CMIS {} / OIF-ELSFP-CMIS management memory.",
        map.cmis_revision
    );
    let _ = writeln!(s, "// Generated by xpo from its register map; do not edit.");
    let _ = writeln!(s, "// Addresses are linear (optoe/SONiC): upper byte B of page P, bank K at (K*256+P)*128+B.\n");
    let mut defs = String::new();
    let mut insts = String::new();
    for half in halves(map) {
        let image = map.reset_half(half, &cfg.identity);
        let regs = bytes_of(map, half, &image);
        match half {
            None => write_regs(&mut insts, &regs, 0, "    "),
            Some(p) => {
                let page = map.page(p).expect("declared");
                let _ = writeln!(defs, "regfile page{p:02X}h_t {{");
                let _ = writeln!(
                    defs,
                    "    name = \"Page {p:02X}h\";\n    desc = \"{}\";",
                    quote(&page.description)
                );
                write_regs(&mut defs, &regs, 128, "    ");
                let _ = writeln!(defs, "}};\n");
                for bank in 0..page.banks {
                    let _ = writeln!(
                        insts,
                        "    page{p:02X}h_t page{p:02X}h_bank{bank} @ 0x{:X};",
                        linear_address(bank, p, 128)
                    );
                }
            }
        }
    }
    s.push_str(&defs);
    let _ = writeln!(s, "addrmap xpo_cmis {{");
    let _ = writeln!(s, "    name = \"xpo management memory\";");
    let _ = writeln!(
        s,
        "    desc = \"CMIS {} with OIF-ELSFP-CMIS pages 1Ah/1Bh; {} data lanes, {} laser lanes.\";",
        map.cmis_revision, cfg.lanes, cfg.laser_lanes
    );
    s.push_str(&insts);
    let _ = writeln!(s, "}};");
    s
}
