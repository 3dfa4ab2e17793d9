//! The table: CMIS 5.2 lower page and pages 00h, 01h, 02h, 10h, 11h, 13h,
//! 14h, OIF-ELSFP-CMIS pages 1Ah and 1Bh, and xpo's vendor pages 80h..82h,
//! as implemented by xpo.
//!
//! Sources: `shared/reference/cmis-elsfp.md`, cross-checked against the
//! public SONiC `sonic_xcvr` CMIS memory map and FBOSS's CMIS field table
//! (offsets of 13h/14h). Where the sources leave a choice open, the choice is
//! stated in the field's description.

use super::{
    Access, Choice, Encoding, Field, Hw, HwRole, HwScope, IdentityKey, Page, RegisterMap, Reset,
    SaveSet, Selection,
};

mod lower;
mod page_00h;
mod page_01h;
mod page_02h;
mod page_10h;
mod page_11h;
mod page_13h;
mod page_14h;
mod page_1ah;
mod page_1bh;
mod page_80h;
mod page_81h_82h;

use lower::lower;
use page_00h::page_00h;
use page_01h::page_01h;
use page_02h::page_02h;
use page_10h::page_10h;
use page_11h::page_11h;
use page_13h::page_13h;
use page_14h::page_14h;
use page_1ah::page_1ah;
use page_1bh::page_1bh;
use page_80h::page_80h;
use page_81h_82h::{page_81h, page_82h};

fn f(name: &str, page: u8, byte: u8) -> Field {
    Field {
        name: name.to_string(),
        page,
        byte,
        len: 1,
        lsb: 0,
        width: 8,
        count: 1,
        stride_bits: 8,
        access: Access::Ro,
        encoding: Encoding::Unsigned,
        reset: Reset::Value(0),
        units: None,
        volatile: false,
        masked_by: None,
        global_mask: None,
        saved: None,
        hw: None,
        description: String::new(),
    }
}

impl Field {
    fn bits(mut self, lsb: u8, width: u8) -> Self {
        self.lsb = lsb;
        self.width = width;
        self.stride_bits = width as u16;
        self
    }
    fn len_bytes(mut self, len: u8) -> Self {
        self.len = len;
        self.width = 8 * len;
        self.stride_bits = 8 * len as u16;
        self
    }
    fn lanes(mut self, count: u8) -> Self {
        self.count = count;
        self
    }
    fn stride(mut self, bits: u16) -> Self {
        self.stride_bits = bits;
        self
    }
    fn access(mut self, a: Access) -> Self {
        self.access = a;
        self
    }
    fn rw(self) -> Self {
        self.access(Access::Rw)
    }
    fn rc(self) -> Self {
        self.access(Access::Rc)
    }
    fn sc(self) -> Self {
        self.access(Access::Sc)
    }
    fn enc(mut self, e: Encoding) -> Self {
        self.encoding = e;
        self
    }
    fn bitmap(self) -> Self {
        self.enc(Encoding::LaneBitmap)
    }
    fn code(self) -> Self {
        self.enc(Encoding::Code)
    }
    fn reset(mut self, v: u64) -> Self {
        self.reset = Reset::Value(v);
        self
    }
    fn identity(mut self, k: IdentityKey) -> Self {
        self.reset = Reset::Identity(k);
        self.enc(Encoding::Ascii)
    }
    fn global_mask(mut self, m: &str) -> Self {
        self.global_mask = Some(m.to_string());
        self
    }
    fn masked_by(mut self, m: &str) -> Self {
        self.masked_by = Some(m.to_string());
        self
    }
    fn units(mut self, u: &str) -> Self {
        self.units = Some(u.to_string());
        self
    }
    fn doc(mut self, d: &str) -> Self {
        self.description = d.to_string();
        self
    }
    /// Hardware reaches the field through port(s) `port`, as wide as
    /// [`crate::hwif`] declares it (the one declaration of each port).
    fn hw(mut self, role: HwRole, scope: HwScope, port: &str) -> Self {
        let port_width = crate::hwif::signal(port)
            .map(|s| s.width)
            .unwrap_or_else(|| panic!("{}: port {port} is declared in no hwif bundle", self.name));
        self.hw = Some(Hw {
            role,
            scope,
            port: port.to_string(),
            port_width,
            summarizes: None,
            selects: None,
            flags_of: None,
        });
        self
    }
    /// A per-bank summary: the OR of per-laser-lane port `of` over the bank.
    fn summary(mut self, port: &str, of: &str) -> Self {
        self.hw = Some(Hw {
            role: HwRole::Summary,
            scope: HwScope::Bank,
            port: port.to_string(),
            port_width: 1,
            summarizes: Some(of.to_string()),
            selects: None,
            flags_of: None,
        });
        self
    }
    /// Per bank (instance), 1 while any latched flag of `page` in that
    /// bank is set.
    fn flag_summary(mut self, port: &str, page: u8) -> Self {
        self.hw = Some(Hw {
            role: HwRole::FlagSummary,
            scope: HwScope::Bank,
            port: port.to_string(),
            port_width: 1,
            summarizes: None,
            selects: None,
            flags_of: Some(page),
        });
        self
    }
    /// Per bank, instance by instance, a per-data-lane port chosen by the
    /// value of field `by`: `(value, ports, first lane)` as [`Choice`]
    /// says.
    fn selected(mut self, port: &str, by: &str, choices: &[(u8, &[&str], u8)]) -> Self {
        let choices = choices
            .iter()
            .map(|&(value, ports, first_lane)| {
                for p in ports {
                    assert!(
                        crate::hwif::signal(p).is_some(),
                        "{}: port {p} is declared in no hwif bundle",
                        self.name
                    );
                }
                Choice {
                    value,
                    ports: ports.iter().map(|p| p.to_string()).collect(),
                    first_lane,
                }
            })
            .collect();
        self.hw = Some(Hw {
            role: HwRole::Selected,
            scope: HwScope::Bank,
            port: port.to_string(),
            port_width: 8 * self.len,
            summarizes: None,
            flags_of: None,
            selects: Some(Selection {
                by: by.to_string(),
                choices,
            }),
        });
        self
    }
}

/// Units of one LSB, as written in exports.
pub mod units {
    pub const TEMPERATURE: &str = "1/256 degC";
    pub const VCC: &str = "100 uV";
    pub const POWER_0U1W: &str = "0.1 uW";
    pub const BIAS_2UA: &str = "2 uA x TxBiasMultiplier";
    pub const LASER_BIAS: &str = "100 uA";
    pub const LASER_POWER: &str = "10 uW";
    pub const LANE_VOLTAGE: &str = "15 mV";
    pub const SUPPLY_CURRENT: &str = "200 uA";
    pub const FREQUENCY: &str = "5 GHz";
    pub const FIBER_CHECK_POWER: &str = "1 mW";
    pub const MAX_POWER: &str = "0.25 W";
}

/// The four levels of every CMIS threshold and flag group, in CMIS order:
/// (name suffix, words).
const LEVELS: [(&str, &str); 4] = [
    ("HighAlarm", "high alarm"),
    ("LowAlarm", "low alarm"),
    ("HighWarning", "high warning"),
    ("LowWarning", "low warning"),
];

/// Hardware port names of the four levels, in [`LEVELS`] order.
const LEVEL_PORTS: [&str; 4] = ["ha", "la", "hw", "lw"];

/// The hardware port of level `i` (of [`LEVELS`]) of quantity `q`:
/// `temp_ha`, `bias_lw`, ...
fn level_port(q: &str, i: usize) -> String {
    format!("{q}_{}", LEVEL_PORTS[i])
}

/// `prefix` followed by each level: `TempHighAlarm`, `TempLowAlarm`, ...
fn levels(prefix: &str) -> impl Iterator<Item = (String, &'static str)> + '_ {
    LEVELS
        .iter()
        .map(move |(suffix, what)| (format!("{prefix}{suffix}"), *what))
}

/// Four thresholds (high alarm, low alarm, high warning, low warning), U16
/// each, from `byte` on `page`; with `hw`, each drives a 16-bit control
/// port per scope named after the quantity (`temp_ha`, ...).
#[allow(clippy::too_many_arguments)]
fn thresholds(
    out: &mut Vec<Field>,
    (prefix, words): (&str, &str),
    page: u8,
    byte: u8,
    access: Access,
    signed: bool,
    unit: &str,
    values: [u64; 4],
    hw: Option<(HwScope, &str)>,
) {
    for (i, (name, what)) in levels(prefix).enumerate() {
        let mut fl = f(&name, page, byte + 2 * i as u8)
            .len_bytes(2)
            .access(access)
            .reset(values[i])
            .units(unit)
            .doc(&format!("{words} {what} threshold."));
        if signed {
            fl = fl.enc(Encoding::Signed);
        }
        if let Some((scope, q)) = hw {
            fl = fl.hw(HwRole::Control, scope, &level_port(q, i));
        }
        out.push(fl);
    }
}

/// Values from the configuration that appear in the map.
#[derive(Debug, Clone)]
pub struct MapParams {
    /// Data lanes (pages 10h..14h have one bank per 8).
    pub data_lanes: usize,
    /// Laser lanes (pages 1Ah/1Bh have one bank per 8).
    pub laser_lanes: usize,
    /// Longest ModulePwrUp / ModulePwrDn, in ns (advertised on page 01h).
    pub power_up_ns: u64,
    pub power_down_ns: u64,
    /// Longest DPInit / DPDeinit / DPTxTurnOn / DPTxTurnOff, in ns
    /// (advertised on page 01h).
    pub dp_init_ns: u64,
    pub dp_deinit_ns: u64,
    pub tx_turn_on_ns: u64,
    pub tx_turn_off_ns: u64,
    /// Advertised laser bias range (1Ah:132/134), µA.
    pub max_bias_ua: u64,
    pub min_bias_ua: u64,
    /// The Application advertised as AppSel 1 (lower page 86..89, page
    /// 01h:176).
    pub application: crate::data_path::Application,
    /// Patterns each side's PRBS units implement (13h:132..139 bitmaps).
    pub host_patterns: u16,
    pub media_patterns: u16,
}

/// CMIS duration codes (page 01h) and their upper bounds in ms.
pub const DURATION_CODES_MS: [u64; 14] = [
    1, 5, 10, 50, 100, 500, 1000, 5000, 10_000, 60_000, 300_000, 600_000, 3_000_000, 6_000_000,
];

/// The smallest CMIS duration code whose bound covers `ns`.
pub fn duration_code(ns: u64) -> u8 {
    DURATION_CODES_MS
        .iter()
        .position(|&ms| ms * 1_000_000 >= ns)
        .unwrap_or(DURATION_CODES_MS.len() - 1) as u8
}

fn banks(lanes: usize) -> u8 {
    lanes.div_ceil(8).max(1) as u8
}

/// Temperature thresholds 75 / -5 / 70 / 0 degC in 1/256 degC (two's
/// complement for the negative one), Vcc 3.63 / 2.97 / 3.464 / 3.134 V in
/// 100 uV: the typical values of `cmis-elsfp.md`.
const TEMP_THRESHOLDS: [u64; 4] = [75 * 256, (-5i16 * 256) as u16 as u64, 70 * 256, 0];
const VCC_THRESHOLDS: [u64; 4] = [36300, 29700, 34640, 31340];

/// Builds the whole map for `p`.
pub fn cmis_map(p: &MapParams) -> RegisterMap {
    let mut v: Vec<Field> = Vec::new();
    let data_banks = banks(p.data_lanes);
    let laser_banks = banks(p.laser_lanes);

    lower(&mut v, p);
    page_00h(&mut v);
    page_01h(&mut v, p);
    page_02h(&mut v);
    page_10h(&mut v);
    page_11h(&mut v);
    page_13h(&mut v, p);
    page_14h(&mut v);
    page_1ah(&mut v, p);
    page_1bh(&mut v);
    page_80h(&mut v);
    page_81h(&mut v);
    page_82h(&mut v);

    // Status and monitors written by hardware; latched flags are too.
    const VOLATILE: &[&str] = &[
        "ModuleState",
        "InterruptDeasserted",
        "FlagSummaryPage11h",
        "FlagSummaryPage14h",
        "TemperatureMonitor",
        "VccMonitor",
        "ModuleFaultCause",
        "DPState",
        "RxOutputStatus",
        "TxOutputStatus",
        "TxPowerMonitor",
        "TxBiasMonitor",
        "RxPowerMonitor",
        "ConfigStatus",
        "DPConfigActive",
        "DPInitPending",
        "DiagnosticsData",
        "LaneFaultSummary",
        "LaneWarningSummary",
        "LaneFaultFlags",
        "LaneWarningFlags",
        "SaveRestoreStatus",
        "LaserFaultCode",
        "LaserWarningCode",
        "LaneState",
        "BiasMonitor",
        "PowerMonitor",
        "LaneVoltageMonitor",
        "SupplyCurrentMonitor",
        "RxAmLock",
        "RxLaneAligned",
        "RxSkewValid",
        "RxLaneNumber",
        "RxSkewBlocks",
        "RxSkewBits",
        "RxBipErrors",
        "RxLinkHiBer",
        "TxAmLock",
        "TxLaneAligned",
        "TxSkewValid",
        "TxLaneNumber",
        "TxSkewBlocks",
        "TxSkewBits",
        "TxBipErrors",
        "TxLinkHiBer",
    ];
    for fl in &mut v {
        fl.volatile = fl.access == Access::Rc || VOLATILE.contains(&fl.name.as_str());
    }
    // What ELSFP save/restore (1Ah:184) copies per bank: the lane controls
    // (mode, thresholds, enables, fiber check, setpoints) and the masks.
    for fl in &mut v {
        let n = fl.name.as_str();
        let control = matches!(
            n,
            "LaserControlMode"
                | "LaneEnable"
                | "OutputFiberChecked"
                | "FiberCheckPower"
                | "BiasSetpoint"
                | "PowerSetpoint"
        ) || (fl.page == 0x1A && n.starts_with("Laser") && fl.access == Access::Rw);
        let mask = fl.page == 0x1A
            && (n.starts_with("MLaser") || n == "GlobalAlarmMask" || n == "GlobalWarningMask");
        fl.saved = if control {
            Some(SaveSet::LaneControls)
        } else if mask {
            Some(SaveSet::Masks)
        } else {
            None
        };
    }

    let page = |page: u8, banks: u8, name: &str, d: &str| Page {
        page,
        banks,
        name: name.to_string(),
        description: d.to_string(),
    };
    RegisterMap {
        name: "xpo_cmis".to_string(),
        cmis_revision: "5.2".to_string(),
        pages: vec![
            page(
                0x00,
                1,
                "Page00h",
                "Lower page (bytes 0..127) and upper page 00h: identity.",
            ),
            page(0x01, 1, "Page01h", "Advertisements."),
            page(0x02, 1, "Page02h", "Module and lane thresholds."),
            page(0x10, data_banks, "Page10h", "Lane controls (banked)."),
            page(
                0x11,
                data_banks,
                "Page11h",
                "Lane status, flags and monitors (banked).",
            ),
            page(
                0x13,
                data_banks,
                "Page13h",
                "Diagnostics: PRBS generators/checkers and loopbacks (banked).",
            ),
            page(0x14, data_banks, "Page14h", "Diagnostics results (banked)."),
            page(
                0x1A,
                laser_banks,
                "Page1Ah",
                "ELSFP laser advertisements, flags and controls (banked).",
            ),
            page(
                0x1B,
                laser_banks,
                "Page1Bh",
                "ELSFP laser setpoints and monitors (banked).",
            ),
            page(
                0x80,
                data_banks,
                "Page80h",
                "xpo vendor lane controls: retimer bypass (banked like 10h).",
            ),
            page(
                0x81,
                data_banks,
                "Page81h",
                "xpo vendor: the receive link's lane alignment (banked like 10h).",
            ),
            page(
                0x82,
                data_banks,
                "Page82h",
                "xpo vendor: the transmit link's lane alignment (banked like 10h).",
            ),
        ],
        fields: v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Hardware ports are unique, a summary ORs an existing per-laser-lane
    /// port, a module port sits on an unbanked scalar field, and latches,
    /// pulses and controls sit on fields whose access allows them.
    #[test]
    fn hardware_roles_are_consistent() {
        let map = crate::EngineConfig::default().register_map();
        let hw: Vec<(&Field, &Hw)> = map
            .fields
            .iter()
            .filter_map(|f| f.hw.as_ref().map(|h| (f, h)))
            .collect();
        assert!(hw.len() >= 50, "{}", hw.len());
        for (i, (f, h)) in hw.iter().enumerate() {
            assert!(
                hw[..i].iter().all(|(_, o)| o.port != h.port),
                "{}: port {} twice",
                f.name,
                h.port
            );
            match h.role {
                HwRole::Latch => assert_eq!(f.access, Access::Rc, "{}", f.name),
                HwRole::Pulse => assert_eq!(f.access, Access::Sc, "{}", f.name),
                // A control may be a read-only constant (page 02h's
                // advertised thresholds) that hardware compares against.
                HwRole::Control => {
                    assert!(matches!(f.access, Access::Rw | Access::Ro), "{}", f.name)
                }
                HwRole::Input | HwRole::Summary | HwRole::Selected | HwRole::FlagSummary => {
                    assert_eq!(f.access, Access::Ro, "{}", f.name);
                    assert!(
                        f.volatile,
                        "{}: hardware-written fields are volatile",
                        f.name
                    );
                }
            }
            assert_eq!(
                h.summarizes.is_some(),
                h.role == HwRole::Summary,
                "{}",
                f.name
            );
            if let Some(sel) = &h.selects {
                assert_eq!(h.role, HwRole::Selected, "{}", f.name);
                let by = map.field(&sel.by).expect("the selector is in the map");
                assert_eq!((by.page, by.count), (f.page, 1), "{}: selector", f.name);
            }
            if let Some(of) = &h.summarizes {
                assert!(
                    hw.iter()
                        .any(|(_, o)| &o.port == of && o.scope == HwScope::Laser),
                    "{}: summarizes unknown port {of}",
                    f.name
                );
            }
            if h.scope == HwScope::Module {
                assert_eq!(f.count, 1, "{}", f.name);
                // On a banked page a module value shows in every bank, so
                // only hardware may write it (one control per port).
                assert!(
                    f.page < 0x10 || matches!(h.role, HwRole::Input | HwRole::Latch),
                    "{}: module controls sit on unbanked pages",
                    f.name
                );
            }
        }
    }

    fn map() -> RegisterMap {
        cmis_map(&MapParams {
            data_lanes: 8,
            laser_lanes: 16,
            power_up_ns: 10_000,
            power_down_ns: 20_000_000,
            dp_init_ns: 2_000,
            dp_deinit_ns: 1_000,
            tx_turn_on_ns: 1_000,
            tx_turn_off_ns: 500,
            max_bias_ua: 500_000,
            min_bias_ua: 50_000,
            application: crate::data_path::advertised_application(&crate::EngineConfig::default()),
            host_patterns: 0x0FFF,
            media_patterns: 0x00C3,
        })
    }

    /// ELSFP save/restore covers the lane controls (mode, the eight
    /// thresholds, enable, fiber checked, check power, both setpoints) and
    /// the masks (eight per-flag masks, the two global masks).
    #[test]
    fn save_sets_hold_the_elsfp_lane_controls_and_masks() {
        let m = map();
        let set = |s: SaveSet| -> Vec<&str> {
            m.fields
                .iter()
                .filter(|f| f.saved == Some(s))
                .map(|f| f.name.as_str())
                .collect()
        };
        let controls = set(SaveSet::LaneControls);
        assert_eq!(controls.len(), 14, "{controls:?}");
        for n in [
            "LaserControlMode",
            "LaserBiasHighAlarm",
            "LaserPowerLowWarning",
            "LaneEnable",
            "OutputFiberChecked",
            "FiberCheckPower",
            "BiasSetpoint",
            "PowerSetpoint",
        ] {
            assert!(controls.contains(&n), "{n}");
        }
        let masks = set(SaveSet::Masks);
        assert_eq!(masks.len(), 10, "{masks:?}");
        assert!(masks.contains(&"MLaserBiasHighAlarm") && masks.contains(&"GlobalWarningMask"));
        use crate::regmap::save_restore::decode;
        assert_eq!(decode(0x10), Some((SaveSet::LaneControls, 0, false)));
        assert_eq!(decode(0x19), Some((SaveSet::LaneControls, 2, true)));
        assert_eq!(decode(0x22), Some((SaveSet::Masks, 2, false)));
        assert_eq!(decode(0x28), Some((SaveSet::Masks, 1, true)));
        assert_eq!(decode(0x13), None);
        assert_eq!(decode(0x2A), None);
    }

    #[test]
    fn structurally_sound() {
        let problems = map().check();
        assert!(problems.is_empty(), "{problems:#?}");
    }

    /// Spot checks against the published offsets (SONiC / FBOSS / CMIS 5.2),
    /// typed here from those sources, not from the table.
    #[test]
    fn offsets_match_public_memory_maps() {
        let m = map();
        let at = |n: &str| {
            let f = m.field(n).unwrap_or_else(|| panic!("{n}"));
            (f.page, f.byte, f.lsb, f.width)
        };
        assert_eq!(at("ModuleState"), (0, 3, 1, 3));
        assert_eq!(at("TemperatureMonitor"), (0, 14, 0, 16));
        assert_eq!(at("LowPwrRequestSW"), (0, 26, 4, 1));
        assert_eq!(at("VendorName"), (0, 129, 0, 128));
        assert_eq!(at("DateCode"), (0, 182, 0, 64));
        assert_eq!(at("ModulePwrUpDuration"), (1, 167, 0, 4));
        assert_eq!(
            m.field("ModulePwrUpDuration").unwrap().reset,
            Reset::Value(0),
            "10 us fits the 1 ms code"
        );
        assert_eq!(
            m.field("ModulePwrDnDuration").unwrap().reset,
            Reset::Value(3),
            "20 ms needs the 50 ms code"
        );
        assert_eq!(at("TxBiasHighAlarm"), (2, 184, 0, 16));
        assert_eq!(at("HostGenPatternSelect"), (0x13, 148, 0, 4));
        assert_eq!(at("MediaCheckerEnable"), (0x13, 168, 0, 8));
        assert_eq!(at("HostInputLoopback"), (0x13, 183, 0, 8));
        assert_eq!(at("LaneEnable"), (0x1A, 220, 0, 8));
        assert_eq!(at("BiasSetpoint"), (0x1B, 128, 0, 16));
        let dp = m.field("DPState").unwrap();
        assert_eq!(dp.instance(1).byte, 128);
        assert_eq!(dp.instance(1).lsb, 4, "lane 2 in bits 7:4");
        assert_eq!(dp.instance(7).byte, 131);
        let mon = m.field("TxBiasMonitor").unwrap();
        assert_eq!(mon.instance(7).byte, 184);
        assert_eq!(
            m.field("PageChecksum01h").unwrap().reset,
            Reset::Checksum {
                first: 130,
                last: 254
            }
        );
        assert_eq!(m.page(0x1A).unwrap().banks, 2, "16 laser lanes: two banks");
        assert_eq!(m.field("LaserLaneCount").unwrap().reset, Reset::Value(16));
        assert_eq!(
            m.field("LTempHighAlarm").unwrap().masked_by.as_deref(),
            Some("MTempHighAlarm")
        );
        assert_eq!(
            m.field("MTempHighAlarm").unwrap().byte,
            32,
            "masks of byte 9 at byte 32"
        );
    }

    #[test]
    fn reset_image_places_values_text_and_checksums() {
        let m = map();
        let id = crate::ModuleIdentity::default();
        let lower = m.reset_half(None, &id);
        assert_eq!(lower[0], 0x19);
        assert_eq!(lower[1], 0x52);
        assert_eq!(lower[2], 0x04, "TwiMaxSpeed 1 in bits 3:2, FlatMem 0");
        assert_eq!(
            lower[3], 0x03,
            "ModuleLowPwr (1) in 3:1, interrupt deasserted"
        );
        let p0 = m.reset_half(Some(0), &id);
        assert_eq!(&p0[129 - 128..129 - 128 + 16], b"XPO             ");
        let sum: u32 = p0[0..=93].iter().map(|&b| b as u32).sum();
        assert_eq!(p0[222 - 128], sum as u8);
        let p1b = m.reset_half(Some(0x1B), &id);
        assert_eq!(
            &p1b[0..2],
            &3000u16.to_be_bytes(),
            "BiasSetpoint lane 1, big-endian"
        );
        assert_eq!(&p1b[14..16], &3000u16.to_be_bytes(), "lane 8");
        let p2 = m.reset_half(Some(2), &id);
        assert_eq!(
            &p2[2..4],
            &(-5i16 * 256).to_be_bytes(),
            "TempLowAlarm -5 degC"
        );
    }

    #[test]
    fn hardware_fields_are_marked_volatile() {
        let m = map();
        for n in ["ModuleState", "BiasMonitor", "LTempHighAlarm", "LaneState"] {
            assert!(m.field(n).unwrap().volatile, "{n}");
        }
        for n in ["Identifier", "LaneEnable", "VendorName"] {
            assert!(!m.field(n).unwrap().volatile, "{n}");
        }
        assert!(m
            .fields
            .iter()
            .filter(|f| f.volatile)
            .all(|f| !f.access.writable()));
    }

    #[test]
    fn checker_finds_overlaps() {
        let mut m = map();
        m.fields.push(f("Clash", 0x1B, 129));
        let p = m.check();
        assert!(
            p.iter().any(|s| s.contains("Clash") && s.contains("129")),
            "{p:?}"
        );
    }
}
