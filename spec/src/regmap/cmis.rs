//! The table: CMIS 5.2 lower page and pages 00h, 01h, 02h, 10h, 11h, 13h,
//! 14h, and OIF-ELSFP-CMIS pages 1Ah and 1Bh, as implemented by xpo.
//!
//! Sources: `shared/reference/cmis-elsfp.md`, cross-checked against the
//! public SONiC `sonic_xcvr` CMIS memory map and FBOSS's CMIS field table
//! (offsets of 13h/14h). Where the sources leave a choice open, the choice is
//! stated in the field's description.

use super::{
    Access, Encoding, Field, Hw, HwRole, HwScope, IdentityKey, Page, RegisterMap, Reset, SaveSet,
};

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
    /// Hardware reaches the field through port(s) `port`, `port_width` bits.
    fn hw(mut self, role: HwRole, scope: HwScope, port: &str, port_width: u8) -> Self {
        self.hw = Some(Hw {
            role,
            scope,
            port: port.to_string(),
            port_width,
            summarizes: None,
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
            fl = fl.hw(HwRole::Control, scope, &level_port(q, i), 16);
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
    /// Advertised laser bias range (1Ah:132/134), µA.
    pub max_bias_ua: u64,
    pub min_bias_ua: u64,
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

    // ---- Lower page (bytes 0..127) ----
    v.push(
        f("Identifier", 0, 0)
            .code()
            .reset(0x19)
            .doc("SFF-8024 identifier: 19h, OSFP 8X module with CMIS management."),
    );
    v.push(
        f("CmisRevision", 0, 1)
            .reset(0x52)
            .doc("CMIS revision implemented: major in 7:4, minor in 3:0 (5.2)."),
    );
    v.push(
        f("FlatMem", 0, 2)
            .bits(7, 1)
            .doc("0: paged memory (pages 01h, 02h, 10h+ implemented)."),
    );
    v.push(
        f("TwiMaxSpeed", 0, 2)
            .bits(2, 2)
            .code()
            .reset(1)
            .doc("Two-wire maximum speed: 0 400 kHz, 1 1 MHz."),
    );
    v.push(
        f("ModuleState", 0, 3)
            .bits(1, 3)
            .code()
            .reset(1)
            .hw(HwRole::Input, HwScope::Module, "module_state", 3)
            .doc("1 ModuleLowPwr, 2 ModulePwrUp, 3 ModuleReady, 4 ModulePwrDn, 5 ModuleFault."),
    );
    v.push(
        f("InterruptDeasserted", 0, 3)
            .bits(0, 1)
            .reset(1)
            .doc("1 while IntL is high (no unmasked latched flag set)."),
    );
    v.push(
        f("BankLaneFlagSummary", 0, 4).lanes(4).doc(
            "Per bank: bit 0 any flag on page 11h of that bank set (banks 0..3 in bytes 4..7).",
        ),
    );
    v.push(
        f("ModuleStateChanged", 0, 8)
            .bits(0, 1)
            .rc()
            .masked_by("MaskModuleStateChanged")
            .hw(HwRole::Latch, HwScope::Module, "module_state_changed", 1)
            .doc("Latched: ModuleState changed."),
    );
    // Module flags (byte 9) and their masks (byte 32), a bit per level.
    let module_levels: Vec<(String, &str)> = levels("Temp").chain(levels("Vcc")).collect();
    for (i, (name, _)) in module_levels.iter().enumerate() {
        v.push(
            f(&format!("L{name}"), 0, 9)
                .bits(i as u8, 1)
                .rc()
                .masked_by(&format!("M{name}"))
                .hw(
                    HwRole::Latch,
                    HwScope::Module,
                    &format!("flag_{}", level_port(["temp", "vcc"][i / 4], i % 4)),
                    1,
                )
                .doc(&format!("Latched module flag: {name}.")),
        );
        v.push(
            f(&format!("M{name}"), 0, 32)
                .bits(i as u8, 1)
                .rw()
                .doc(&format!("Mask for L{name}.")),
        );
    }
    v.push(
        f("TemperatureMonitor", 0, 14)
            .len_bytes(2)
            .enc(Encoding::Signed)
            .units(units::TEMPERATURE)
            .hw(HwRole::Input, HwScope::Module, "temperature", 16)
            .doc("Module temperature."),
    );
    v.push(
        f("VccMonitor", 0, 16)
            .len_bytes(2)
            .units(units::VCC)
            .hw(HwRole::Input, HwScope::Module, "vcc", 16)
            .doc("Module supply voltage."),
    );
    v.push(
        f("SoftwareReset", 0, 26)
            .bits(3, 1)
            .sc()
            .hw(HwRole::Pulse, HwScope::Module, "software_reset", 1)
            .doc("Write 1: reset the module as by the Reset pin; reads 0."),
    );
    v.push(
        f("LowPwrRequestSW", 0, 26)
            .bits(4, 1)
            .rw()
            .hw(HwRole::Control, HwScope::Module, "low_pwr_request_sw", 1)
            .doc("1: request ModuleLowPwr."),
    );
    v.push(
        f("LowPwrAllowRequestHW", 0, 26)
            .bits(6, 1)
            .rw()
            .hw(
                HwRole::Control,
                HwScope::Module,
                "low_pwr_allow_request_hw",
                1,
            )
            .doc("1: the LowPwr pin may request ModuleLowPwr. Reset value 0 (our choice)."),
    );
    v.push(
        f("MaskModuleStateChanged", 0, 31)
            .bits(0, 1)
            .rw()
            .doc("Mask for ModuleStateChanged: 1 keeps it from asserting IntL."),
    );
    v.push(f("ModuleFaultCause", 0, 41).code().doc("Why ModuleFault: 0 none, 1 TEC runaway, 2 data memory corrupted, 3 program memory corrupted, 32 laser safety interlock (vendor)."));
    v.push(
        f("ModuleFunctionType", 0, 57)
            .code()
            .reset(2)
            .doc("Module function: 2, an external laser resource module (ELSFP)."),
    );
    v.push(
        f("MediaType", 0, 85)
            .code()
            .reset(0x02)
            .doc("Media type: 02h optical single-mode."),
    );
    v.push(f("AppDescriptor", 0, 86).len_bytes(4).lanes(8).reset(0xFF00_0000).doc("Application descriptors 1..8 (host interface, media interface, lane counts, host lane options); FFh in the first byte ends the list."));
    v.push(
        f("BankSelect", 0, 126)
            .rw()
            .doc("Bank shown in the upper half for banked pages (10h..FFh)."),
    );
    v.push(
        f("PageSelect", 0, 127)
            .rw()
            .doc("Page shown in the upper half (bytes 128..255)."),
    );

    // ---- Page 00h upper: identity ----
    v.push(
        f("IdentifierCopy", 0, 128)
            .code()
            .reset(0x19)
            .doc("Copy of Identifier."),
    );
    v.push(
        f("VendorName", 0, 129)
            .len_bytes(16)
            .identity(IdentityKey::VendorName)
            .doc("Vendor name, ASCII, space padded."),
    );
    v.push(
        f("VendorOui", 0, 145)
            .len_bytes(3)
            .identity(IdentityKey::VendorOui)
            .enc(Encoding::Unsigned)
            .doc("Vendor IEEE OUI."),
    );
    v.push(
        f("VendorPartNumber", 0, 148)
            .len_bytes(16)
            .identity(IdentityKey::PartNumber)
            .doc("Part number, ASCII."),
    );
    v.push(
        f("VendorRevision", 0, 164)
            .len_bytes(2)
            .identity(IdentityKey::Revision)
            .doc("Revision, ASCII."),
    );
    v.push(
        f("VendorSerialNumber", 0, 166)
            .len_bytes(16)
            .identity(IdentityKey::SerialNumber)
            .doc("Serial number, ASCII."),
    );
    v.push(
        f("DateCode", 0, 182)
            .len_bytes(8)
            .identity(IdentityKey::DateCode)
            .doc("Manufacturing date YYMMDDLL, ASCII."),
    );
    v.push(
        f("PowerClass", 0, 200)
            .bits(5, 3)
            .code()
            .reset(7)
            .doc("Power class: 7 means class 8, see MaxPower."),
    );
    v.push(
        f("MaxPower", 0, 201)
            .reset(48)
            .units(units::MAX_POWER)
            .doc("Maximum power consumption (12 W)."),
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 128,
            last: 221,
        },
        ..f("PageChecksum00h", 0, 222).doc("Low 8 bits of the sum of bytes 128..221.")
    });

    // ---- Page 01h: advertisements ----
    v.push(
        f("DPInitDuration", 1, 144)
            .bits(0, 4)
            .code()
            .reset(4)
            .doc("Maximum DPInit duration code (4: 100 ms)."),
    );
    v.push(
        f("DPDeinitDuration", 1, 144)
            .bits(4, 4)
            .code()
            .reset(2)
            .doc("Maximum DPDeinit duration code (2: 10 ms)."),
    );
    v.push(
        f("TxDisableSupported", 1, 155)
            .bits(1, 1)
            .reset(1)
            .doc("Tx output disable is implemented."),
    );
    v.push(
        f("RxDisableSupported", 1, 156)
            .bits(1, 1)
            .reset(1)
            .doc("Rx output disable is implemented."),
    );
    v.push(f("TxFlagsSupported", 1, 157).bits(0, 4).reset(0b0110).doc(
        "Tx flags implemented: bit 1 TxLOS, bit 2 Tx CDR LOL (0 TxFault, 3 adaptive EQ fail: no).",
    ));
    v.push(
        f("RxFlagsSupported", 1, 158)
            .bits(1, 2)
            .reset(0b11)
            .doc("Rx flags implemented: bit 1 RxLOS, bit 2 Rx CDR LOL."),
    );
    v.push(
        f("LaneMonitorsSupported", 1, 160)
            .bits(0, 3)
            .reset(0)
            .doc("Lane monitors on page 11h: none (laser monitors are on page 1Bh)."),
    );
    v.push(
        f("TxBiasMultiplier", 1, 160)
            .bits(3, 2)
            .code()
            .reset(0)
            .doc("Tx bias multiplier code: 0 x1, 1 x2, 2 x4."),
    );
    v.push(
        f("ModulePwrUpDuration", 1, 167)
            .bits(0, 4)
            .code()
            .reset(duration_code(p.power_up_ns) as u64)
            .doc("Maximum ModulePwrUp duration code, from the configured duration (0: 1 ms, 1: 5 ms, 2: 10 ms, 3: 50 ms, 4: 100 ms, ...)."),
    );
    v.push(
        f("ModulePwrDnDuration", 1, 167)
            .bits(4, 4)
            .code()
            .reset(duration_code(p.power_down_ns) as u64)
            .doc("Maximum ModulePwrDn duration code, from the configured duration."),
    );
    v.push(
        f("TxTurnOnDuration", 1, 168)
            .bits(0, 4)
            .code()
            .reset(1)
            .doc("Maximum Tx turn-on duration code (1: 5 ms)."),
    );
    v.push(
        f("TxTurnOffDuration", 1, 168)
            .bits(4, 4)
            .code()
            .reset(0)
            .doc("Maximum Tx turn-off duration code (0: 1 ms)."),
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 130,
            last: 254,
        },
        ..f("PageChecksum01h", 1, 255).doc("Low 8 bits of the sum of bytes 130..254.")
    });

    // ---- Page 02h: module and lane thresholds ----
    let ro = Access::Ro;
    thresholds(
        &mut v,
        ("Temp", "Module temperature"),
        2,
        128,
        ro,
        true,
        units::TEMPERATURE,
        TEMP_THRESHOLDS,
        Some((HwScope::Module, "temp")),
    );
    thresholds(
        &mut v,
        ("Vcc", "Module supply voltage"),
        2,
        136,
        ro,
        false,
        units::VCC,
        VCC_THRESHOLDS,
        Some((HwScope::Module, "vcc")),
    );
    thresholds(
        &mut v,
        ("TxPower", "Tx optical power"),
        2,
        176,
        ro,
        false,
        units::POWER_0U1W,
        [0; 4],
        None,
    );
    thresholds(
        &mut v,
        ("TxBias", "Tx bias"),
        2,
        184,
        ro,
        false,
        units::BIAS_2UA,
        [0; 4],
        None,
    );
    thresholds(
        &mut v,
        ("RxPower", "Rx optical power"),
        2,
        192,
        ro,
        false,
        units::POWER_0U1W,
        [0; 4],
        None,
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 128,
            last: 254,
        },
        ..f("PageChecksum02h", 2, 255).doc("Low 8 bits of the sum of bytes 128..254.")
    });

    // ---- Page 10h (banked): lane controls ----
    let ctl = |name: &str, byte: u8, d: &str| f(name, 0x10, byte).rw().bitmap().doc(d);
    v.push(ctl(
        "DPDeinit",
        128,
        "Per lane: 1 deinitializes the data path.",
    ));
    v.push(ctl(
        "TxPolarityFlip",
        129,
        "Per lane: invert the host-side (Tx) input polarity.",
    ));
    v.push(ctl(
        "TxDisable",
        130,
        "Per lane: disable the media-side (Tx) output.",
    ));
    v.push(ctl(
        "TxSquelchDisable",
        131,
        "Per lane: disable automatic Tx output squelch on loss of input.",
    ));
    v.push(ctl(
        "TxSquelchForce",
        132,
        "Per lane: force the Tx output squelched.",
    ));
    v.push(ctl(
        "RxPolarityFlip",
        137,
        "Per lane: invert the host-side (Rx) output polarity.",
    ));
    v.push(ctl(
        "RxDisable",
        138,
        "Per lane: disable the host-side (Rx) output.",
    ));
    v.push(
        f("ApplyDPInit", 0x10, 143)
            .sc()
            .bitmap()
            .doc("Per lane: apply staged set 0 with data path initialization; self-clearing."),
    );
    v.push(
        f("ApplyImmediate", 0x10, 144)
            .sc()
            .bitmap()
            .doc("Per lane: apply staged set 0 immediately; self-clearing."),
    );
    v.push(
        f("DPConfig", 0x10, 145)
            .lanes(8)
            .rw()
            .doc("Per lane, staged set 0: AppSel in 7:4, DataPathID in 3:1, ExplicitControl in 0."),
    );
    v.push(ctl("CdrEnableTx", 160, "Per lane: Tx CDR enabled.").reset(0xFF));
    v.push(ctl("CdrEnableRx", 161, "Per lane: Rx CDR enabled.").reset(0xFF));

    // ---- Page 11h (banked): lane status, flags, monitors ----
    v.push(f("DPState", 0x11, 128).bits(0, 4).lanes(8).code().reset(1).doc("Per lane: 1 DPDeactivated, 2 DPInit, 3 DPDeinit, 4 DPActivated, 5 DPTxTurnOn, 6 DPTxTurnOff, 7 DPInitialized."));
    v.push(
        f("RxOutputStatus", 0x11, 132)
            .bitmap()
            .doc("Per lane: Rx output valid."),
    );
    v.push(
        f("TxOutputStatus", 0x11, 133)
            .bitmap()
            .doc("Per lane: Tx output valid."),
    );
    // Latched lane flags, a bitmap byte each; the level groups are
    // consecutive bytes in CMIS level order.
    let mut lane_flags: Vec<(u8, String, String)> = [
        (134, "DPStateChanged", "data path state changed"),
        (135, "TxFault", "Tx fault"),
        (
            136,
            "TxLOS",
            "Tx loss of signal (no block lock on the host input)",
        ),
        (137, "TxCDRLOL", "Tx CDR loss of lock"),
        (
            138,
            "TxAdaptiveInputEqFail",
            "Tx adaptive input equalization failed",
        ),
        (
            147,
            "RxLOS",
            "Rx loss of signal (no block lock on the media input)",
        ),
        (148, "RxCDRLOL", "Rx CDR loss of lock"),
    ]
    .iter()
    .map(|&(b, n, d)| (b, n.to_string(), d.to_string()))
    .collect();
    for (first, prefix, words) in [
        (139u8, "TxPower", "Tx power"),
        (143, "TxBias", "Tx bias"),
        (149, "RxPower", "Rx power"),
    ] {
        for (i, (name, what)) in levels(prefix).enumerate() {
            lane_flags.push((first + i as u8, name, format!("{words} {what}")));
        }
    }
    lane_flags.sort_by_key(|x| x.0);
    for (byte, name, d) in lane_flags {
        v.push(
            f(&format!("L{name}"), 0x11, byte)
                .rc()
                .bitmap()
                .doc(&format!("Per lane, latched: {d}.")),
        );
    }
    v.push(
        f("TxPowerMonitor", 0x11, 154)
            .len_bytes(2)
            .lanes(8)
            .units(units::POWER_0U1W)
            .doc("Per lane Tx optical power."),
    );
    v.push(
        f("TxBiasMonitor", 0x11, 170)
            .len_bytes(2)
            .lanes(8)
            .units(units::BIAS_2UA)
            .doc("Per lane Tx bias."),
    );
    v.push(
        f("RxPowerMonitor", 0x11, 186)
            .len_bytes(2)
            .lanes(8)
            .units(units::POWER_0U1W)
            .doc("Per lane Rx optical power."),
    );
    v.push(f("ConfigStatus", 0x11, 202).bits(0, 4).lanes(8).code().doc("Per lane result of the last ApplyDPInit/ApplyImmediate: 0 undefined, 1 accepted, 2..7 rejected."));

    // ---- Page 13h (banked): PRBS generators/checkers, loopbacks ----
    v.push(
        f("LoopbackCapability", 0x13, 128).reset(0x0F).doc(
            "Bit 0 media output, 1 media input, 2 host output, 3 host input loopback supported.",
        ),
    );
    v.push(f("PatternCapability", 0x13, 129).reset(0x0F).doc(
        "Bit 0 host generator, 1 media generator, 2 host checker, 3 media checker supported.",
    ));
    for (byte, name) in [
        (132, "HostGenPatterns"),
        (134, "MediaGenPatterns"),
        (136, "HostCheckerPatterns"),
        (138, "MediaCheckerPatterns"),
    ] {
        v.push(
            f(&format!("{name}Supported"), 0x13, byte)
                .len_bytes(2)
                .reset(0x0FFF)
                .doc("Bit n set: pattern ID n supported (PRBS31Q..PRBS7: IDs 0..11)."),
        );
    }
    // Generators and checkers share one layout: enable, invert, byte swap,
    // FEC placement, then four bytes of pattern-select nibbles.
    for (base, side, what, inverted, fec, fec_doc) in [
        (
            144u8,
            "HostGen",
            "host-side generator",
            "sends",
            "PreFec",
            "placed before the FEC encoder",
        ),
        (
            152,
            "MediaGen",
            "media-side generator",
            "sends",
            "PreFec",
            "placed before the FEC encoder",
        ),
        (
            160,
            "HostChecker",
            "host-side checker",
            "expects",
            "PostFec",
            "after the FEC decoder",
        ),
        (
            168,
            "MediaChecker",
            "media-side checker",
            "expects",
            "PostFec",
            "after the FEC decoder",
        ),
    ] {
        v.push(
            f(&format!("{side}Enable"), 0x13, base)
                .rw()
                .bitmap()
                .doc(&format!("Per lane: {what} enabled.")),
        );
        v.push(
            f(&format!("{side}Invert"), 0x13, base + 1)
                .rw()
                .bitmap()
                .doc(&format!(
                    "Per lane: {what} {inverted} the inverted pattern."
                )),
        );
        v.push(
            f(&format!("{side}ByteSwap"), 0x13, base + 2)
                .rw()
                .bitmap()
                .doc(&format!(
                    "Per lane: {what} byte swap (not implemented; stored only)."
                )),
        );
        v.push(
            f(&format!("{side}{fec}"), 0x13, base + 3)
                .rw()
                .bitmap()
                .doc(&format!("Per lane: {what} {fec_doc} (stored only).")),
        );
        v.push(
            f(&format!("{side}PatternSelect"), 0x13, base + 4)
                .bits(0, 4)
                .lanes(8)
                .rw()
                .code()
                .doc(&format!(
                    "Per lane: {what} pattern ID (0 PRBS31Q .. 11 PRBS7)."
                )),
        );
    }
    v.push(
        f("ResetErrorCounters", 0x13, 177)
            .bits(5, 1)
            .sc()
            .doc("Write 1: clear every checker's error and bit counters; self-clearing."),
    );
    v.push(
        f("MeasurementRun", 0x13, 177)
            .bits(7, 1)
            .rw()
            .reset(1)
            .doc("1: checkers count; 0: counters frozen (our reading of the start/stop control)."),
    );
    v.push(
        f("MediaOutputLoopback", 0x13, 180)
            .rw()
            .bitmap()
            .doc("Per lane: media-side output looped back to the media input."),
    );
    v.push(
        f("MediaInputLoopback", 0x13, 181)
            .rw()
            .bitmap()
            .doc("Per lane: media-side input looped back to the media output."),
    );
    v.push(
        f("HostOutputLoopback", 0x13, 182)
            .rw()
            .bitmap()
            .doc("Per lane: host-side output looped back to the host input."),
    );
    v.push(
        f("HostInputLoopback", 0x13, 183)
            .rw()
            .bitmap()
            .doc("Per lane: host-side input looped back to the host output."),
    );

    // ---- Page 14h (banked): diagnostics results ----
    v.push(f("DiagnosticsSelector", 0x14, 128).rw().code().doc("Result set shown in bytes 192..255: 2 host checker error counts, 3 host checker bit counts, 4 media checker error counts, 5 media checker bit counts (U64 per lane); others read 0. Our layout; CMIS leaves it to the selector table."));
    v.push(
        f("LHostGenLOL", 0x14, 136)
            .rc()
            .bitmap()
            .doc("Per lane, latched: host generator loss of lock."),
    );
    v.push(
        f("LMediaGenLOL", 0x14, 137)
            .rc()
            .bitmap()
            .doc("Per lane, latched: media generator loss of lock."),
    );
    v.push(
        f("LHostCheckerLOL", 0x14, 138)
            .rc()
            .bitmap()
            .doc("Per lane, latched: host checker not locked."),
    );
    v.push(
        f("LMediaCheckerLOL", 0x14, 139)
            .rc()
            .bitmap()
            .doc("Per lane, latched: media checker not locked."),
    );
    v.push(f("DiagnosticsData", 0x14, 192).len_bytes(8).lanes(8).doc("Per lane U64 of the result set chosen by DiagnosticsSelector, read coherently in one sequential read."));

    // ---- Page 1Ah (banked, 8 laser lanes a bank): ELSFP advertisements, flags, controls ----
    v.push(
        f("LaserMaxPower", 0x1A, 128)
            .len_bytes(2)
            .reset(10000)
            .units(units::LASER_POWER)
            .doc("Maximum optical power per laser lane (20 dBm)."),
    );
    v.push(
        f("LaserMinPower", 0x1A, 130)
            .len_bytes(2)
            .reset(1259)
            .units(units::LASER_POWER)
            .doc("Minimum optical power per laser lane (11 dBm)."),
    );
    v.push(
        f("LaserMaxBias", 0x1A, 132)
            .len_bytes(2)
            .reset(p.max_bias_ua / 100)
            .units(units::LASER_BIAS)
            .doc("Maximum laser bias, from laser.max_bias_ua (500 mA by default); the loops clamp to it."),
    );
    v.push(
        f("LaserMinBias", 0x1A, 134)
            .len_bytes(2)
            .reset(p.min_bias_ua / 100)
            .units(units::LASER_BIAS)
            .doc("Minimum laser bias while on, from laser.min_bias_ua (50 mA by default); APC clamps to it."),
    );
    v.push(
        f("LaserControlMode", 0x1A, 140)
            .bits(0, 1)
            .rw()
            .code()
            .reset(1)
            .hw(HwRole::Control, HwScope::Laser, "laser_apc", 1)
            .doc("0 ACC (bias follows the bias setpoint), 1 APC (power loop). OIF-ELSFP-CMIS advertises the mode here; xpo implements both loops and lets the host write it (an extension), so a reader sees the mode in effect."),
    );
    v.push(
        f("LaserLaneCount", 0x1A, 140)
            .bits(1, 7)
            .reset(p.laser_lanes as u64)
            .doc("Laser lanes in the module."),
    );
    let rw = Access::Rw;
    thresholds(
        &mut v,
        ("LaserBias", "Laser bias"),
        0x1A,
        141,
        rw,
        false,
        units::LASER_BIAS,
        [4800, 400, 4500, 600],
        Some((HwScope::Laser, "bias")),
    );
    thresholds(
        &mut v,
        ("LaserPower", "Laser power"),
        0x1A,
        149,
        rw,
        false,
        units::LASER_POWER,
        [11220, 1000, 10593, 1122],
        Some((HwScope::Laser, "power")),
    );
    v.push(
        f("LaneFaultSummary", 0x1A, 165)
            .bits(2, 1)
            .summary("fault_summary", "lane_fault")
            .doc("Any laser lane of the bank has a fault (live, not latched)."),
    );
    v.push(
        f("LaneWarningSummary", 0x1A, 165)
            .bits(3, 1)
            .summary("warning_summary", "lane_warning")
            .doc("Any laser lane of the bank has a warning (live, not latched)."),
    );
    v.push(
        f("LaneFaultFlags", 0x1A, 166)
            .lanes(4)
            .rc()
            .bitmap()
            .global_mask("GlobalAlarmMask")
            .hw(HwRole::Latch, HwScope::Laser, "lane_fault", 1)
            .doc("Per laser lane, latched: the lane has a fault (nonzero LaserFaultCode); set again while the fault holds. Lanes 1..8 of the bank from bit 0 of byte 166; 167..169 serve lanes 9..32 of a 32-lane bank and read 0 with 8-lane banks."),
    );
    v.push(
        f("LaneWarningFlags", 0x1A, 174)
            .lanes(4)
            .rc()
            .bitmap()
            .global_mask("GlobalWarningMask")
            .hw(HwRole::Latch, HwScope::Laser, "lane_warning", 1)
            .doc("Per laser lane, latched: the lane has a warning (nonzero LaserWarningCode); set again while it holds. Layout as LaneFaultFlags."),
    );
    v.push(f("SaveRestoreCommand", 0x1A, 184).access(Access::Wo).code().doc("10h..12h restore lane controls (factory, set 1, set 2), 18h/19h save set 1/2, 20h..22h restore masks, 28h/29h save masks."));
    v.push(
        f("SaveRestoreStatus", 0x1A, 185)
            .code()
            .doc("Result of the last command: 1 ok, 2 busy, 3 invalid, 4 nothing saved, 8 failed."),
    );
    let laser_levels: Vec<(String, &str)> = levels("Bias").chain(levels("Power")).collect();
    for (i, (n, _)) in laser_levels.iter().enumerate() {
        v.push(
            f(&format!("LLaser{n}"), 0x1A, 186 + i as u8)
                .rc()
                .bitmap()
                .masked_by(&format!("MLaser{n}"))
                .global_mask(if n.ends_with("Alarm") {
                    "GlobalAlarmMask"
                } else {
                    "GlobalWarningMask"
                })
                .hw(
                    HwRole::Latch,
                    HwScope::Laser,
                    &format!("flag_{}", level_port(["bias", "power"][i / 4], i % 4)),
                    1,
                )
                .doc(&format!("Per laser lane, latched: {n}.")),
        );
        v.push(
            f(&format!("MLaser{n}"), 0x1A, 198 + i as u8)
                .rw()
                .bitmap()
                .doc(&format!("Per laser lane: mask for LLaser{n}.")),
        );
    }
    v.push(
        f("GlobalAlarmMask", 0x1A, 210)
            .rw()
            .bitmap()
            .doc("Per laser lane: keeps the lane's fault flag (166) and its bias and power alarm flags from asserting IntL."),
    );
    v.push(
        f("GlobalWarningMask", 0x1A, 211)
            .rw()
            .bitmap()
            .doc("Per laser lane: keeps the lane's warning flag (174) and its bias and power warning flags from asserting IntL."),
    );
    v.push(f("LaserFaultCode", 0x1A, 212).bits(0, 4).stride(8).lanes(8).code().hw(HwRole::Input, HwScope::Laser, "fault_code", 4).doc("Per laser lane: 0 none, 1 APC loop failure, 2 ACC loop failure, 9 over-current (vendor)."));
    v.push(
        f("LaserWarningCode", 0x1A, 212)
            .bits(4, 4)
            .stride(8)
            .lanes(8)
            .code()
            .hw(HwRole::Input, HwScope::Laser, "warning_code", 4)
            .doc("Per laser lane: 0 none; while the lane is on and its loop is out of tolerance (the loop-failure timer runs), the code the lane will fault with: 1 APC, 2 ACC."),
    );
    v.push(
        f("LaneEnable", 0x1A, 220)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Laser, "laser_enable", 1)
            .doc("Per laser lane: 1 enables the laser."),
    );
    v.push(f("LaneState", 0x1A, 221).bits(0, 2).lanes(8).code().hw(HwRole::Input, HwScope::Laser, "lane_state", 2).doc("Per laser lane: 0 off (also fiber check pending and fault), 1 ramping (includes fiber check emission), 2 on."));
    v.push(
        f("OutputFiberChecked", 0x1A, 223)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Laser, "fiber_checked", 1)
            .doc("Per laser lane: host confirms the output fiber is connected; the lane may ramp."),
    );
    v.push(
        f("LaneToFiberMap", 0x1A, 224)
            .lanes(8)
            .doc("Per laser lane: output fiber number."),
    );
    v.push(
        f("LaneFrequency", 0x1A, 232)
            .len_bytes(2)
            .lanes(8)
            .units(units::FREQUENCY)
            .doc("Per laser lane optical frequency."),
    );
    v.push(
        f("FiberCheckPower", 0x1A, 248)
            .rw()
            .reset(1)
            .units(units::FIBER_CHECK_POWER)
            .hw(HwRole::Control, HwScope::Laser, "check_power", 16)
            .doc("Optical power emitted during fiber check."),
    );

    // ---- Page 1Bh (banked): ELSFP setpoints and monitors ----
    v.push(f("BiasSetpoint", 0x1B, 128).len_bytes(2).lanes(8).rw().reset(3000).units(units::LASER_BIAS).hw(HwRole::Control, HwScope::Laser, "bias_setpoint", 16).doc("Per laser lane bias setpoint (ACC); takes effect when both bytes are written in one transaction."));
    v.push(f("PowerSetpoint", 0x1B, 144).len_bytes(2).lanes(8).rw().reset(10000).units(units::LASER_POWER).hw(HwRole::Control, HwScope::Laser, "power_setpoint", 16).doc("Per laser lane optical power setpoint (APC); takes effect when both bytes are written in one transaction."));
    v.push(
        f("BiasMonitor", 0x1B, 184)
            .len_bytes(2)
            .lanes(8)
            .units(units::LASER_BIAS)
            .hw(HwRole::Input, HwScope::Laser, "bias_monitor", 16)
            .doc("Per laser lane bias current."),
    );
    v.push(
        f("PowerMonitor", 0x1B, 200)
            .len_bytes(2)
            .lanes(8)
            .units(units::LASER_POWER)
            .hw(HwRole::Input, HwScope::Laser, "power_monitor", 16)
            .doc("Per laser lane optical power."),
    );
    v.push(
        f("LaneVoltageMonitor", 0x1B, 232)
            .lanes(8)
            .units(units::LANE_VOLTAGE)
            .hw(HwRole::Input, HwScope::Laser, "lane_voltage", 8)
            .doc("Per laser lane forward voltage."),
    );
    v.push(
        f("SupplyCurrentMonitor", 0x1B, 240)
            .len_bytes(2)
            .units(units::SUPPLY_CURRENT)
            .doc("Module supply current."),
    );

    // Status and monitors written by hardware; latched flags are too.
    const VOLATILE: &[&str] = &[
        "ModuleState",
        "InterruptDeasserted",
        "BankLaneFlagSummary",
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
                HwRole::Input | HwRole::Summary => {
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
                assert!(
                    f.page < 0x10,
                    "{}: module ports sit on unbanked pages",
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
            max_bias_ua: 500_000,
            min_bias_ua: 50_000,
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
