//! The exports hold up outside Rust: the C header compiles cleanly and agrees
//! with CMIS offsets; the SystemRDL compiles with systemrdl-compiler and puts
//! every field at the linear address and reset value the map gives it.

use std::path::PathBuf;
use std::process::Command;
use xpo_export::{export, Format};
use xpo_spec::regmap::{linear_address, Reset};
use xpo_spec::EngineConfig;

fn cfg() -> EngineConfig {
    EngineConfig {
        lanes: 16,
        laser_lanes: 12,
        ..Default::default()
    }
}

#[test]
fn c_header_compiles_with_wall_werror_and_matches_cmis() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("xpo_cmis.h"),
        export(&cfg(), Format::CHeader),
    )
    .unwrap();
    // Offsets typed from CMIS 5.2 / OIF-ELSFP-CMIS, not from the map.
    let test = r#"
#include "xpo_cmis.h"
#include "xpo_cmis.h" /* include guard */
_Static_assert(XPO_MODULE_STATE_BYTE == 3u && XPO_MODULE_STATE_MASK == 0x0Eu, "ModuleState 3:1");
_Static_assert(XPO_LOW_PWR_REQUEST_SW_BYTE == 26u && XPO_LOW_PWR_REQUEST_SW_SHIFT == 4u, "byte 26 bit 4");
_Static_assert(XPO_SOFTWARE_RESET_ACCESS == XPO_ACCESS_SC, "self-clearing");
_Static_assert(XPO_PAGE_SELECT_BYTE == 127u && XPO_BANK_SELECT_BYTE == 126u, "page/bank select");
_Static_assert(XPO_BIAS_SETPOINT_PAGE == 0x1Bu && XPO_BIAS_SETPOINT_BYTE_OF(7) == 142u, "1Bh:128 + 2*7");
_Static_assert(XPO_DP_STATE_BYTE_OF(1) == 128u && XPO_DP_STATE_SHIFT_OF(1) == 4u, "lane 2 nibble");
_Static_assert(XPO_LANE_ENABLE_PAGE == 0x1Au && XPO_LANE_ENABLE_BYTE == 220u, "1Ah:220");
_Static_assert(XPO_LINEAR_ADDRESS(1, 0x1Bu, 128u) == (256ul + 0x1Bul) * 128ul + 128ul, "optoe layout");
_Static_assert(XPO_LINEAR_ADDRESS(3, 0x10u, 5u) == 5ul, "lower page ignores bank and page");
_Static_assert(XPO_PAGE_10H_BANKS == 2u && XPO_PAGE_1AH_BANKS == 2u, "16 data lanes, 12 laser lanes");
int main(void) { return XPO_CMIS_REVISION_RESET == 0x52u ? 0 : 1; }
"#;
    let c = dir.path().join("t.c");
    std::fs::write(&c, test).unwrap();
    let out = Command::new("gcc")
        .args(["-std=c11", "-Wall", "-Wextra", "-Werror", "-pedantic", "-o"])
        .arg(dir.path().join("t"))
        .arg(&c)
        .output()
        .expect("gcc is installed (scripts/deps.sh)");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = Command::new(dir.path().join("t")).status().unwrap();
    assert!(run.success(), "CMIS revision reset value");
}

fn rdl_python() -> PathBuf {
    let p = std::env::var_os("XPO_RDL_PYTHON")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            home.join(".cache/xpo/venv/bin/python")
        });
    assert!(
        p.exists(),
        "no Python with systemrdl-compiler at {}: run scripts/deps.sh (scripts/test.sh does)",
        p.display()
    );
    p
}

#[test]
fn systemrdl_compiles_and_places_every_field() {
    let cfg = cfg();
    let map = cfg.register_map();
    let dir = tempfile::tempdir().unwrap();
    let rdl = dir.path().join("xpo_cmis.rdl");
    std::fs::write(&rdl, export(&cfg, Format::SystemRdl)).unwrap();
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/../scripts/rdl_check.py");
    let out = Command::new(rdl_python())
        .arg(script)
        .arg(&rdl)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "systemrdl-compiler:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let fields: serde_json::Map<String, serde_json::Value> =
        serde_json::from_slice(&out.stdout).unwrap();
    // Every byte of every instance of every field, in every bank, at its
    // linear address with its reset value: numbers big-endian, identity
    // text as CMIS stores it (ASCII, space padded), checksums skipped
    // (they follow the other bytes).
    let id = &cfg.identity;
    let mut checked = 0;
    let mut multi_byte = 0;
    let mut hw_checked = 0;
    for f in &map.fields {
        let banks = if f.in_lower() {
            1
        } else {
            map.page(f.page).unwrap().banks
        };
        for bank in 0..banks {
            for i in 0..f.count {
                let l = f.instance(i);
                let lane = if f.count > 1 {
                    format!("_{}", i + 1)
                } else {
                    String::new()
                };
                let scope = if f.in_lower() {
                    String::new()
                } else {
                    format!("page{:02X}h_bank{bank}.", f.page)
                };
                let text: Option<Vec<u8>> = match f.reset {
                    Reset::Identity(key) => {
                        use xpo_spec::regmap::IdentityKey as K;
                        let raw: Vec<u8> = match key {
                            K::VendorName => id.vendor_name.bytes().collect(),
                            K::VendorOui => id.vendor_oui.to_vec(),
                            K::PartNumber => id.part_number.bytes().collect(),
                            K::Revision => id.revision.bytes().collect(),
                            K::SerialNumber => id.serial_number.bytes().collect(),
                            K::DateCode => id.date_code.bytes().collect(),
                        };
                        Some(
                            (0..l.len as usize)
                                .map(|k| raw.get(k).copied().unwrap_or(b' '))
                                .collect(),
                        )
                    }
                    _ => None,
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
                    // SystemRDL pulses are one bit: a lane bitmap of
                    // pulses is one field a lane (`_lane1` at bit 0, ...).
                    let pulse_bitmap =
                        f.hw.as_ref()
                            .is_some_and(|h| h.role == xpo_spec::regmap::HwRole::Pulse)
                            && f.encoding == xpo_spec::regmap::Encoding::LaneBitmap;
                    let slices: Vec<(String, u8, u8)> = if pulse_bitmap {
                        (0..width)
                            .map(|b| (format!("{}{lane}{part}_lane{}", f.name, b + 1), lsb + b, 1))
                            .collect()
                    } else {
                        vec![(format!("{}{lane}{part}", f.name), lsb, width)]
                    };
                    for (name, lsb, width) in slices {
                        let path = format!("xpo_cmis.{scope}B{byte}.{name}");
                        let got = fields
                            .get(&path)
                            .unwrap_or_else(|| panic!("{path} missing"));
                        assert_eq!(
                            got["address"].as_u64().unwrap(),
                            linear_address(bank, f.page, byte) as u64,
                            "{path}"
                        );
                        assert_eq!(got["lsb"].as_u64().unwrap(), lsb as u64, "{path}");
                        assert_eq!(
                            got["msb"].as_u64().unwrap(),
                            (lsb + width - 1) as u64,
                            "{path}"
                        );
                        let want = match (&f.reset, &text) {
                            (Reset::Value(v), _) if pulse_bitmap => Some(v >> lsb & 1),
                            (Reset::Value(v), _) => Some(v >> (8 * (l.len - 1 - k) as u32) & 0xff),
                            (_, Some(t)) => Some(t[k as usize] as u64),
                            _ => None,
                        };
                        if let Some(want) = want {
                            assert_eq!(got["reset"].as_u64().unwrap(), want, "{path}");
                        }
                        // The hardware role, as SystemRDL says it.
                        if let Some(hw) = &f.hw {
                            use xpo_spec::regmap::HwRole as R;
                            let (prop, want) = match hw.role {
                                R::Input | R::Summary | R::Selected | R::FlagSummary => {
                                    ("hw", serde_json::json!("w"))
                                }
                                R::Latch => ("hwset", serde_json::json!(true)),
                                R::Control => ("hw", serde_json::json!("r")),
                                R::Pulse => ("singlepulse", serde_json::json!(true)),
                            };
                            assert_eq!(got[prop], want, "{path}: {:?}", hw.role);
                            let sw = if f.access.writable() { "rw" } else { "r" };
                            if hw.role == R::Control {
                                assert_eq!(got["sw"], sw, "{path}");
                            }
                            hw_checked += 1;
                        }
                    }
                    checked += 1;
                    multi_byte += (l.len > 1) as usize;
                }
            }
        }
    }
    assert!(multi_byte > 300, "{multi_byte} bytes of multi-byte fields");
    assert!(hw_checked > 100, "{hw_checked} bytes with a hardware role");
    assert!(checked > 500, "{checked}");
}
