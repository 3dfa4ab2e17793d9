//! Engine configuration: everything that shapes the hardware or its timing.
//!
//! The same struct is used by Verilog emission, the host model and the
//! simulators, so a value can only be set in one place. It is loaded from TOML
//! and validated; every error names the field and the offending value.

use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// Largest number of data lanes: two CMIS banks of eight lanes.
pub const MAX_LANES: usize = 16;
/// Largest number of laser lanes: the ELSFP lane bitmaps cover 32.
pub const MAX_LASER_LANES: usize = 32;

/// Why a configuration was refused.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A field holds a value the hardware cannot be built with.
    #[error("config field `{field}` = {value}: {reason}")]
    Invalid {
        field: &'static str,
        value: String,
        reason: String,
    },
    /// The TOML text does not parse or has unknown/mistyped fields.
    #[error("config {origin}: {message}")]
    Parse { origin: String, message: String },
    /// The file could not be read.
    #[error("config file {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// Parameters of the per-lane PRBS units: the checker's lock detector and
/// the patterns each side implements.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct PrbsConfig {
    /// Consecutive error-free words (seeded from the received bits) before the
    /// checker declares lock and starts free-running and counting.
    pub lock_words: u32,
    /// Consecutive "bad" words (see `unlock_errors`) that drop lock.
    pub unlock_words: u32,
    /// Bit errors in one 66-bit word that make it "bad". A checker that has
    /// slipped sees about half the bits wrong (33); random line errors at any
    /// useful BER almost never reach 16, so they are counted, not mistaken for
    /// loss of sync.
    pub unlock_errors: u32,
    /// Patterns the host-side generator and checker implement and 13h:132 /
    /// 13h:136 advertise (CMIS names). Each costs logic in every lane
    /// ([`crate::prbs::PatternSet`]); the default is 802.3's PAM4 test
    /// patterns, PRBS31Q and PRBS13Q, with their NRZ twins.
    pub host_patterns: crate::prbs::PatternSet,
    /// The same for the media side (13h:134 / 13h:138).
    pub media_patterns: crate::prbs::PatternSet,
}

impl Default for PrbsConfig {
    fn default() -> Self {
        Self {
            lock_words: 16,
            unlock_words: 4,
            unlock_errors: 16,
            host_patterns: crate::prbs::PatternSet::IEEE_PAM4,
            media_patterns: crate::prbs::PatternSet::IEEE_PAM4,
        }
    }
}

/// The module's identity as shown on page 00h (vendor name, part number, ...).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModuleIdentity {
    /// ASCII, at most 16 characters (space padded in memory).
    pub vendor_name: String,
    /// IEEE company ID, three bytes.
    pub vendor_oui: [u8; 3],
    /// ASCII, at most 16 characters.
    pub part_number: String,
    /// ASCII, at most 2 characters.
    pub revision: String,
    /// ASCII, at most 16 characters.
    pub serial_number: String,
    /// YYMMDD plus an optional 2-character lot code.
    pub date_code: String,
}

impl Default for ModuleIdentity {
    fn default() -> Self {
        Self {
            vendor_name: "XPO".into(),
            vendor_oui: [0, 0, 0],
            part_number: "XPO-ENGINE-8".into(),
            revision: "01".into(),
            serial_number: "SIM0000001".into(),
            date_code: "261123".into(),
        }
    }
}

impl ModuleIdentity {
    /// The text (or bytes) of `key`, unpadded.
    pub fn bytes(&self, key: crate::regmap::IdentityKey) -> Vec<u8> {
        use crate::regmap::IdentityKey as K;
        match key {
            K::VendorName => self.vendor_name.as_bytes().to_vec(),
            K::VendorOui => self.vendor_oui.to_vec(),
            K::PartNumber => self.part_number.as_bytes().to_vec(),
            K::Revision => self.revision.as_bytes().to_vec(),
            K::SerialNumber => self.serial_number.as_bytes().to_vec(),
            K::DateCode => self.date_code.as_bytes().to_vec(),
        }
    }
}

/// Timing of the CMIS module state machine, in physical units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct ModuleTiming {
    /// Time spent in ModulePwrUp before ModuleReady, in ns.
    pub power_up_ns: u64,
    /// Time spent in ModulePwrDn before ModuleLowPwr, in ns.
    pub power_down_ns: u64,
}

impl Default for ModuleTiming {
    fn default() -> Self {
        // Short enough to see every state in a default run; the advertised
        // CMIS codes (page 01h) are derived from these and always cover them.
        Self {
            power_up_ns: 2_000,
            power_down_ns: 1_000,
        }
    }
}

/// The laser lanes' analogue interface and control loops, in physical
/// units; `xpo_hdl::laser::LaserLane` converts them to codes and cycles at
/// elaboration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct LaserConfig {
    /// Bias DAC resolution, bits.
    pub dac_bits: u32,
    /// Bias current at the full-scale DAC code, µA.
    pub dac_full_scale_ua: u64,
    /// Resolution of the bias-sense and monitor-photodiode ADCs, bits.
    pub adc_bits: u32,
    /// Bias sense calibration: current at the full-scale code, µA, and the
    /// code read at zero current.
    pub bias_adc_full_scale_ua: u64,
    pub bias_adc_offset: u32,
    /// Monitor photodiode calibration: optical output power at the
    /// full-scale code, µW (responsivity, tap ratio and trans-impedance in
    /// one number), and the code read in the dark.
    pub power_adc_full_scale_uw: u64,
    pub power_adc_offset: u32,
    /// Soft-start and loop slew limit, µA per µs.
    pub slew_ua_per_us: u64,
    /// Control loop update rate, Hz.
    pub update_hz: u64,
    /// APC proportional and integral gains as right shifts of the power
    /// error (10 µW units) into DAC codes: gain = 2^-shift.
    pub apc_kp_shift: u32,
    pub apc_ki_shift: u32,
    /// The loop is "within tolerance" when the controlled quantity is
    /// within this percentage of its setpoint.
    pub tolerance_percent: u32,
    /// A loop out of tolerance this long is a loop failure (fault code 1
    /// APC, 2 ACC), µs.
    pub loop_timeout_us: u64,
    /// Bias sense above this is an over-current fault (vendor code 9), µA.
    pub over_current_ua: u64,
    /// Advertised bias range (1Ah:132/134), µA; the loops clamp to it.
    pub max_bias_ua: u64,
    pub min_bias_ua: u64,
}

impl Default for LaserConfig {
    fn default() -> Self {
        Self {
            dac_bits: 12,
            dac_full_scale_ua: 600_000,
            adc_bits: 12,
            bias_adc_full_scale_ua: 600_000,
            bias_adc_offset: 0,
            power_adc_full_scale_uw: 200_000,
            power_adc_offset: 0,
            slew_ua_per_us: 2_000,
            update_hz: 1_000_000,
            apc_kp_shift: 4,
            apc_ki_shift: 5,
            tolerance_percent: 5,
            loop_timeout_us: 500,
            over_current_ua: 550_000,
            max_bias_ua: 500_000,
            min_bias_ua: 50_000,
        }
    }
}

/// The module and lane monitors' converters (CMIS lower page 14..17,
/// ELSFP 1Bh:232..239) and their two-point calibration, in physical units;
/// `spec::monitors::MonitorParams` turns them into scale factors.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct MonitorConfig {
    /// Resolution of the temperature, Vcc and laser forward-voltage ADCs.
    pub adc_bits: u32,
    /// Temperature sensor: m°C at code `temperature_adc_offset`, and the
    /// span (m°C) the full code range covers above it.
    pub temperature_min_mdeg_c: i64,
    pub temperature_span_mdeg_c: u64,
    pub temperature_adc_offset: u32,
    /// Supply sense: volts at the full-scale code, µV, and the zero code.
    pub vcc_full_scale_uv: u64,
    pub vcc_adc_offset: u32,
    /// Laser forward-voltage sense, per laser lane: full scale, µV, and the
    /// zero code.
    pub lane_voltage_full_scale_uv: u64,
    pub lane_voltage_adc_offset: u32,
    /// Module supply-current sense (ELSFP 1Bh:240, 200 µA units): µA at
    /// the full-scale code, and the zero code.
    pub supply_current_full_scale_ua: u64,
    pub supply_current_adc_offset: u32,
}

impl Default for MonitorConfig {
    fn default() -> Self {
        Self {
            adc_bits: 12,
            temperature_min_mdeg_c: -40_000,
            temperature_span_mdeg_c: 165_000,
            temperature_adc_offset: 0,
            vcc_full_scale_uv: 4_096_000,
            vcc_adc_offset: 0,
            lane_voltage_full_scale_uv: 3_072_000,
            lane_voltage_adc_offset: 0,
            // 2 mA a code with a 12-bit ADC: 8 lasers at 500 mA and the
            // module's own draw fit.
            supply_current_full_scale_ua: 8_192_000,
            supply_current_adc_offset: 0,
        }
    }
}

/// The retimer lanes' receive-side monitors (IEEE 802.3 clause 49 block
/// lock and hi-BER, and this project's loss of signal), in physical units;
/// `xpo_spec::retimer::RetimerTiming` turns them into cycles once, for the
/// RTL and the model alike.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct RetimerConfig {
    /// Blocks after a bit-slip request whose sync headers block lock does
    /// not test (the `slip_done` wait of Figure 49-14 at a 66-bit
    /// interface): the block already in the input stage when the slip is
    /// shown, plus the SerDes gearbox's settling time. At least 1.
    pub slip_wait_blocks: u32,
    /// The hi-BER monitor's timer (clause 49: 125 us).
    pub ber_window_ns: u64,
    /// Invalid sync headers within one timer window that raise hi-BER
    /// (clause 49: 16).
    pub ber_threshold: u32,
    /// Time without a block that has a transition (a `valid` block whose 66
    /// bits are not all equal) before loss of signal is declared; it must
    /// exceed the SerDes gearbox's longest gap.
    pub los_ns: u64,
    /// The lanes of each direction form one multi-lane link (IEEE 802.3
    /// clause 82 PCS lanes): data blocks between alignment markers on
    /// every lane (clause 82: 16383; small values for tests). PCS lane
    /// `k` carries Table 82-2's marker `k` (the project's profile for up
    /// to 16 lanes).
    pub am_period: u32,
    /// The deepest lane-to-lane skew the receive side's deskew buffers
    /// absorb, in blocks; a larger one is reported (a latched deskew
    /// error), never misaligned. Below half of `am_period` (the
    /// measurement tells marker instants apart by it).
    pub max_skew_blocks: u32,
    /// The link's hi-BER monitor (IEEE 802.3 clause 82, Figure 82-13:
    /// invalid sync headers of every PCS lane in one window): its timer
    /// (100GBASE-R: 500 us; 40GBASE-R: 1.25 ms) ...
    pub link_ber_window_ns: u64,
    /// ... and the invalid headers within it that raise the link's hi-BER
    /// (clause 82: 97).
    pub link_ber_threshold: u32,
}

impl Default for RetimerConfig {
    fn default() -> Self {
        Self {
            slip_wait_blocks: 1,
            ber_window_ns: 125_000,
            ber_threshold: 16,
            los_ns: 1_000,
            am_period: 16_383,
            max_skew_blocks: 64,
            link_ber_window_ns: 500_000,
            link_ber_threshold: 97,
        }
    }
}

/// The CMIS data-path state machine's durations, in ns (advertised on
/// page 01h as the covering duration codes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct DataPathTiming {
    /// DPInit: DPDeactivated to DPInitialized.
    pub init_ns: u64,
    /// DPDeinit: back to DPDeactivated.
    pub deinit_ns: u64,
    /// DPTxTurnOn: DPInitialized to DPActivated.
    pub tx_turn_on_ns: u64,
    /// DPTxTurnOff: DPActivated back to DPInitialized.
    pub tx_turn_off_ns: u64,
    /// How long ApplyDPInit shows ConfigInProgress before its verdict.
    pub config_ns: u64,
}

impl Default for DataPathTiming {
    fn default() -> Self {
        // Short enough to see every state in a default run, like
        // [module]; page 01h advertises codes that cover them.
        Self {
            init_ns: 2_000,
            deinit_ns: 1_000,
            tx_turn_on_ns: 1_000,
            tx_turn_off_ns: 500,
            config_ns: 100,
        }
    }
}

/// Configuration of one XPO engine instance.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct EngineConfig {
    /// Data lanes in each direction (8 for 800G/1.6T 8-lane optics).
    pub lanes: usize,
    /// Core clock frequency in Hz; physical durations are converted to cycles
    /// from it in [`EngineConfig::cycles_for_ns`] and nowhere else.
    pub clock_hz: u64,
    /// Laser lanes of the external laser source (ELSFP pages 1Ah/1Bh, one
    /// bank per 8 lanes).
    pub laser_lanes: usize,
    /// PRBS checker lock detector.
    pub prbs: PrbsConfig,
    /// Page 00h identity strings.
    pub identity: ModuleIdentity,
    /// Module state machine timing.
    pub module: ModuleTiming,
    /// Laser lanes: converters, calibration, control loops.
    pub laser: LaserConfig,
    /// Module temperature, Vcc and laser forward-voltage monitors.
    pub monitors: MonitorConfig,
    /// Retimer lanes: block lock, hi-BER and loss-of-signal monitors.
    pub retimer: RetimerConfig,
    /// Data-path state machine durations.
    pub data_path: DataPathTiming,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            lanes: 8,
            // 66-bit blocks of a 10.3125 Gb/s lane: the FPGA prototype rate.
            clock_hz: 156_250_000,
            laser_lanes: 8,
            prbs: PrbsConfig::default(),
            identity: ModuleIdentity::default(),
            module: ModuleTiming::default(),
            laser: LaserConfig::default(),
            monitors: MonitorConfig::default(),
            retimer: RetimerConfig::default(),
            data_path: DataPathTiming::default(),
        }
    }
}

fn check_range<T: PartialOrd + std::fmt::Display + Copy>(
    field: &'static str,
    value: T,
    lo: T,
    hi: T,
    why: &str,
) -> Result<(), ConfigError> {
    if value < lo || value > hi {
        return Err(ConfigError::Invalid {
            field,
            value: value.to_string(),
            reason: format!("must be in {lo}..={hi} ({why})"),
        });
    }
    Ok(())
}

/// The longest the AXI4-Lite slave holds the register block for one access
/// (a write's six probe cycles, four byte cycles, one closing cycle); the
/// I2C target may wait this long for it.
pub const AXI_MAX_HOLD_CYCLES: u64 = 11;

impl EngineConfig {
    /// Checks every field; the first problem found is returned.
    pub fn validate(&self) -> Result<(), ConfigError> {
        check_range(
            "lanes",
            self.lanes,
            1,
            MAX_LANES,
            "two CMIS banks of 8 lanes",
        )?;
        check_range(
            "clock_hz",
            self.clock_hz,
            1_000_000,
            1_000_000_000,
            "a core clock an FPGA or ASIC can run",
        )?;
        check_range(
            "laser_lanes",
            self.laser_lanes,
            1,
            MAX_LASER_LANES,
            "ELSFP lane bitmaps cover 32 lanes",
        )?;
        self.check_identity()?;
        for (field, ns) in [
            ("module.power_up_ns", self.module.power_up_ns),
            ("module.power_down_ns", self.module.power_down_ns),
            ("data_path.init_ns", self.data_path.init_ns),
            ("data_path.deinit_ns", self.data_path.deinit_ns),
            ("data_path.tx_turn_on_ns", self.data_path.tx_turn_on_ns),
            ("data_path.tx_turn_off_ns", self.data_path.tx_turn_off_ns),
        ] {
            check_range(
                field,
                ns,
                1,
                6_000_000_000_000,
                "CMIS durations end at 6000 s",
            )?;
            check_range(
                field,
                self.cycles_for_ns(ns),
                1,
                u32::MAX as u64,
                "the timer is 32 bits of core-clock cycles",
            )?;
        }
        check_range(
            "prbs.lock_words",
            self.prbs.lock_words,
            1,
            255,
            "held in an 8-bit run counter",
        )?;
        check_range(
            "prbs.unlock_words",
            self.prbs.unlock_words,
            1,
            255,
            "held in an 8-bit run counter",
        )?;
        for (field, set) in [
            ("prbs.host_patterns", self.prbs.host_patterns),
            ("prbs.media_patterns", self.prbs.media_patterns),
        ] {
            if set.is_empty() {
                return Err(ConfigError::Invalid {
                    field,
                    value: "[]".into(),
                    reason: "page 13h advertises a generator and a checker on each side: name at least one pattern".into(),
                });
            }
        }
        self.check_laser()?;
        self.check_monitors()?;
        self.check_retimer()?;
        check_range(
            "data_path.config_ns in cycles",
            self.cycles_for_ns(self.data_path.config_ns),
            1,
            65_535,
            "a 16-bit check counter of at least one cycle",
        )?;
        check_range(
            "prbs.unlock_errors",
            self.prbs.unlock_errors,
            1,
            66,
            "errors in one 66-bit word",
        )?;
        Ok(())
    }

    fn check_retimer(&self) -> Result<(), ConfigError> {
        let r = &self.retimer;
        check_range(
            "retimer.slip_wait_blocks",
            r.slip_wait_blocks,
            1,
            15,
            "the block in the input stage is from the old boundary; a 4-bit wait counter",
        )?;
        check_range(
            "retimer.ber_threshold",
            r.ber_threshold,
            1,
            65_535,
            "a 16-bit invalid-header counter",
        )?;
        check_range(
            "retimer.ber_window_ns",
            r.ber_window_ns,
            1,
            1_000_000_000,
            "up to one second",
        )?;
        check_range(
            "retimer.ber_window_ns in cycles",
            self.cycles_for_ns(r.ber_window_ns),
            2,
            (1 << 24) - 1,
            "a 24-bit timer of at least two cycles",
        )?;
        check_range(
            "retimer.link_ber_threshold",
            r.link_ber_threshold,
            1,
            65_535,
            "a 16-bit invalid-header counter",
        )?;
        check_range(
            "retimer.link_ber_window_ns",
            r.link_ber_window_ns,
            1,
            1_000_000_000,
            "up to one second",
        )?;
        check_range(
            "retimer.link_ber_window_ns in cycles",
            self.cycles_for_ns(r.link_ber_window_ns),
            2,
            (1 << 24) - 1,
            "a 24-bit timer of at least two cycles",
        )?;
        check_range("retimer.los_ns", r.los_ns, 1, 1_000_000, "up to 1 ms")?;
        check_range(
            "retimer.los_ns in cycles",
            self.cycles_for_ns(r.los_ns),
            2,
            (1 << 20) - 1,
            "a 20-bit counter of at least two cycles",
        )?;
        check_range(
            "retimer.am_period",
            r.am_period,
            2,
            65_535,
            "a 16-bit count of the rows since a lane's marker",
        )?;
        check_range(
            "retimer.max_skew_blocks",
            r.max_skew_blocks,
            0,
            4_092,
            "a deskew buffer of at most 4096 blocks a lane",
        )?;
        if 2 * u64::from(r.max_skew_blocks) >= u64::from(r.am_period) {
            return Err(ConfigError::Invalid {
                field: "retimer.max_skew_blocks",
                value: r.max_skew_blocks.to_string(),
                reason: format!(
                    "must be below half of retimer.am_period ({}): markers of one instant are told from the last one's by it",
                    r.am_period
                ),
            });
        }
        Ok(())
    }

    fn check_monitors(&self) -> Result<(), ConfigError> {
        let m = &self.monitors;
        check_range("monitors.adc_bits", m.adc_bits, 4, 16, "a 16-bit ADC port")?;
        check_range(
            "monitors.temperature_min_mdeg_c",
            m.temperature_min_mdeg_c,
            -128_000,
            127_000,
            "the signed 1/256 degC monitor",
        )?;
        check_range(
            "monitors.temperature_span_mdeg_c",
            m.temperature_span_mdeg_c,
            1_000,
            255_000,
            "1 to 255 degC across the ADC range",
        )?;
        check_range(
            "monitors.temperature_min_mdeg_c + temperature_span_mdeg_c",
            m.temperature_min_mdeg_c + m.temperature_span_mdeg_c as i64,
            -127_000,
            127_000,
            "the signed 1/256 degC monitor",
        )?;
        check_range(
            "monitors.vcc_full_scale_uv",
            m.vcc_full_scale_uv,
            100_000,
            6_500_000,
            "the 100 uV monitor",
        )?;
        check_range(
            "monitors.lane_voltage_full_scale_uv",
            m.lane_voltage_full_scale_uv,
            100_000,
            10_000_000,
            "a sense ADC; the 8-bit 15 mV monitor saturates at 3.825 V",
        )?;
        check_range(
            "monitors.supply_current_full_scale_ua",
            m.supply_current_full_scale_ua,
            100_000,
            13_107_000,
            "the U16 200 uA monitor's range (13.107 A)",
        )?;
        let adc_max = (1u32 << m.adc_bits) - 1;
        for (field, v) in [
            ("monitors.temperature_adc_offset", m.temperature_adc_offset),
            ("monitors.vcc_adc_offset", m.vcc_adc_offset),
            (
                "monitors.lane_voltage_adc_offset",
                m.lane_voltage_adc_offset,
            ),
            (
                "monitors.supply_current_adc_offset",
                m.supply_current_adc_offset,
            ),
        ] {
            check_range(field, v, 0, adc_max / 2, "half the ADC range")?;
        }
        Ok(())
    }

    fn check_laser(&self) -> Result<(), ConfigError> {
        let l = &self.laser;
        check_range("laser.dac_bits", l.dac_bits, 4, 16, "a 16-bit DAC port")?;
        check_range("laser.adc_bits", l.adc_bits, 4, 16, "a 16-bit ADC port")?;
        check_range(
            "laser.dac_full_scale_ua",
            l.dac_full_scale_ua,
            1_000,
            5_000_000,
            "1 mA to 5 A",
        )?;
        check_range(
            "laser.bias_adc_full_scale_ua",
            l.bias_adc_full_scale_ua,
            1_000,
            5_000_000,
            "1 mA to 5 A",
        )?;
        check_range(
            "laser.power_adc_full_scale_uw",
            l.power_adc_full_scale_uw,
            100,
            5_000_000,
            "0.1 mW to 5 W",
        )?;
        let adc_max = (1u32 << l.adc_bits) - 1;
        check_range(
            "laser.bias_adc_offset",
            l.bias_adc_offset,
            0,
            adc_max / 2,
            "half the ADC range",
        )?;
        check_range(
            "laser.power_adc_offset",
            l.power_adc_offset,
            0,
            adc_max / 2,
            "half the ADC range",
        )?;
        check_range(
            "laser.update_hz",
            l.update_hz,
            self.clock_hz.div_ceil(65_535),
            self.clock_hz / (crate::laser::LOOP_LATENCY as u64 + 1),
            "the update divider is 16 bits and longer than the loop pipeline (10 cycles)",
        )?;
        check_range(
            "laser.max_bias_ua",
            l.max_bias_ua,
            l.min_bias_ua.max(1),
            l.dac_full_scale_ua.min(6_553_500),
            "between the minimum bias and the DAC full scale (and U16 of 100 uA)",
        )?;
        check_range(
            "laser.min_bias_ua",
            l.min_bias_ua,
            0,
            l.max_bias_ua,
            "at most the maximum",
        )?;
        check_range(
            "laser.slew_ua_per_us",
            l.slew_ua_per_us,
            1,
            l.dac_full_scale_ua,
            "at most full scale per microsecond",
        )?;
        let step = self.laser_slew_codes();
        check_range(
            "laser.slew_ua_per_us (per update)",
            step,
            1,
            65_535,
            "at least one DAC code per update",
        )?;
        check_range(
            "laser.apc_kp_shift",
            l.apc_kp_shift,
            0,
            15,
            "a 16-bit error",
        )?;
        check_range(
            "laser.apc_ki_shift",
            l.apc_ki_shift,
            0,
            15,
            "a 16-bit error",
        )?;
        check_range(
            "laser.tolerance_percent",
            l.tolerance_percent,
            1,
            50,
            "a loop window",
        )?;
        check_range(
            "laser.loop_timeout_us",
            l.loop_timeout_us,
            1,
            65_535 * 1_000_000 / l.update_hz.max(1),
            "a 16-bit count of loop updates",
        )?;
        check_range(
            "laser.over_current_ua",
            l.over_current_ua,
            l.max_bias_ua,
            l.bias_adc_full_scale_ua,
            "above the maximum bias and within the bias-sense range",
        )?;
        Ok(())
    }

    /// Core-clock cycles between laser-loop updates.
    pub fn laser_update_cycles(&self) -> u64 {
        (self.clock_hz / self.laser.update_hz.max(1)).max(1)
    }

    /// The slew limit as DAC codes per loop update (rounded down, so the
    /// physical limit always holds).
    pub fn laser_slew_codes(&self) -> u64 {
        let l = &self.laser;
        let ua_per_update = l.slew_ua_per_us as u128 * 1_000_000 / l.update_hz.max(1) as u128;
        (ua_per_update * (1u128 << l.dac_bits) / l.dac_full_scale_ua.max(1) as u128) as u64
    }

    /// Loop updates in the loop timeout.
    pub fn laser_timeout_updates(&self) -> u64 {
        (self.laser.loop_timeout_us as u128 * self.laser.update_hz as u128 / 1_000_000).max(1)
            as u64
    }

    fn check_identity(&self) -> Result<(), ConfigError> {
        use crate::regmap::IdentityKey as K;
        let map = self.register_map();
        let id = &self.identity;
        for (key, field, name) in [
            (K::VendorName, "VendorName", "identity.vendor_name"),
            (K::PartNumber, "VendorPartNumber", "identity.part_number"),
            (K::Revision, "VendorRevision", "identity.revision"),
            (
                K::SerialNumber,
                "VendorSerialNumber",
                "identity.serial_number",
            ),
            (K::DateCode, "DateCode", "identity.date_code"),
        ] {
            let text = id.bytes(key);
            let room = map.field(field).expect("identity field in the map").len as usize;
            if text.len() > room || !text.iter().all(|c| (0x20..0x7f).contains(c)) {
                return Err(ConfigError::Invalid {
                    field: name,
                    value: format!("{:?}", String::from_utf8_lossy(&text)),
                    reason: format!("must be printable ASCII of at most {room} characters"),
                });
            }
        }
        let d = id.date_code.as_bytes();
        if d.len() < 6 || !d[..6].iter().all(u8::is_ascii_digit) {
            return Err(ConfigError::Invalid {
                field: "identity.date_code",
                value: format!("{:?}", id.date_code),
                reason: "must start with YYMMDD digits".into(),
            });
        }
        Ok(())
    }

    /// The CMIS/ELSFP register map this configuration implements.
    pub fn register_map(&self) -> crate::regmap::RegisterMap {
        crate::regmap::cmis::cmis_map(&crate::regmap::cmis::MapParams {
            data_lanes: self.lanes,
            laser_lanes: self.laser_lanes,
            power_up_ns: self.module.power_up_ns,
            power_down_ns: self.module.power_down_ns,
            dp_init_ns: self.data_path.init_ns,
            dp_deinit_ns: self.data_path.deinit_ns,
            tx_turn_on_ns: self.data_path.tx_turn_on_ns,
            tx_turn_off_ns: self.data_path.tx_turn_off_ns,
            max_bias_ua: self.laser.max_bias_ua,
            min_bias_ua: self.laser.min_bias_ua,
            application: crate::data_path::advertised_application(self),
            host_patterns: self.prbs.host_patterns.bits(),
            media_patterns: self.prbs.media_patterns.bits(),
        })
    }

    /// Parses and validates TOML text; `origin` names it in errors.
    pub fn from_toml_str(text: &str, origin: &str) -> Result<Self, ConfigError> {
        let cfg: Self = toml::from_str(text).map_err(|e| ConfigError::Parse {
            origin: origin.to_string(),
            message: e.to_string(),
        })?;
        cfg.validate()?;
        Ok(cfg)
    }

    /// Reads, parses and validates a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Self::from_toml_str(&text, &path.display().to_string())
    }

    /// The configuration as TOML, as written next to emitted Verilog.
    pub fn to_toml(&self) -> String {
        toml::to_string_pretty(self).expect("EngineConfig always serializes")
    }

    /// Core-clock cycles in a duration, rounded up so a timer never expires
    /// early.
    pub fn cycles_for_ns(&self, ns: u64) -> u64 {
        (ns as u128 * self.clock_hz as u128).div_ceil(1_000_000_000) as u64
    }

    /// Length of the I2C glitch filter in core-clock cycles: spikes up to
    /// 50 ns (the I2C-bus specification's tSP for Fm and Fm+) are
    /// suppressed; at least one cycle.
    pub fn i2c_filter_cycles(&self) -> u32 {
        self.cycles_for_ns(50).max(1) as u32
    }

    /// Worst-case core-clock cycles from an SCL fall at the pin to the I2C
    /// target's new SDA drive: two synchronizer flops, the filter, the
    /// event register, a wait for the AXI slave to release the register
    /// block ([`AXI_MAX_HOLD_CYCLES`]), the read, the register block's
    /// input stage and its two read-back stages, the capture, and the
    /// output flop.
    pub fn i2c_response_cycles(&self) -> u64 {
        2 + self.i2c_filter_cycles() as u64 + 1 + AXI_MAX_HOLD_CYCLES + 4 + 1
    }

    /// The fastest SCL (50 % duty) the I2C target follows at this core
    /// clock: its response plus 100 ns of data set-up must fit in the low
    /// half of the period.
    pub fn i2c_max_scl_hz(&self) -> u64 {
        self.clock_hz / (2 * (self.i2c_response_cycles() + self.cycles_for_ns(100)))
    }

    /// The hardware-shaping part of the configuration as a stable key, used to
    /// tell whether a pre-built simulator matches this configuration.
    pub fn hardware_key(&self) -> String {
        // Everything that changes the RTL: the whole configuration but the
        // clock frequency where no duration depends on it.
        format!(
            "lanes={} laser_lanes={} lock={} unlock={} unlock_errors={} host_patterns={:#x} media_patterns={:#x} pwrup_cycles={} pwrdn_cycles={} i2c_filter={} laser={:?} monitors={:?} laser_update_cycles={} identity={:?} retimer={:?} link={:?} data_path={:?} data_path_codes={:?}",
            self.lanes,
            self.laser_lanes,
            self.prbs.lock_words,
            self.prbs.unlock_words,
            self.prbs.unlock_errors,
            self.prbs.host_patterns.bits(),
            self.prbs.media_patterns.bits(),
            self.cycles_for_ns(self.module.power_up_ns),
            self.cycles_for_ns(self.module.power_down_ns),
            self.i2c_filter_cycles(),
            self.laser,
            self.monitors,
            self.laser_update_cycles(),
            self.identity,
            crate::retimer::RetimerTiming::new(self),
            // The links' marker period, deskew depth and hi-BER rule.
            crate::retimer::LinkParams::new(self),
            crate::data_path::DpCycles::new(self),
            // The advertised duration codes (page 01h) are map constants.
            [
                self.data_path.init_ns,
                self.data_path.deinit_ns,
                self.data_path.tx_turn_on_ns,
                self.data_path.tx_turn_off_ns,
            ]
            .map(crate::regmap::cmis::duration_code)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each change that shapes the RTL gives another hardware key (the
    /// Verilator engine picks its model by it), and the key is stable.
    #[test]
    fn every_hardware_shaping_field_changes_the_hardware_key() {
        type Change = fn(&mut EngineConfig);
        let base = EngineConfig::default();
        assert_eq!(base.hardware_key(), EngineConfig::default().hardware_key());
        let changes: [(&str, Change); 9] = [
            ("lanes", |c| c.lanes = 4),
            ("laser_lanes", |c| c.laser_lanes = 16),
            ("prbs.lock_words", |c| c.prbs.lock_words += 1),
            ("retimer.ber_threshold", |c| c.retimer.ber_threshold += 1),
            ("retimer.am_period", |c| c.retimer.am_period = 1_000),
            ("retimer.max_skew_blocks", |c| {
                c.retimer.max_skew_blocks = 32
            }),
            ("retimer.link_ber_threshold", |c| {
                c.retimer.link_ber_threshold = 5
            }),
            ("retimer.link_ber_window_ns", |c| {
                c.retimer.link_ber_window_ns = 1_000
            }),
            ("module.power_up_ns", |c| c.module.power_up_ns += 1_000),
        ];
        for (name, change) in changes {
            let mut c = base.clone();
            change(&mut c);
            c.validate().unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_ne!(c.hardware_key(), base.hardware_key(), "{name}");
        }
    }

    /// The advertised bias range (1Ah:132/134, 100 uA units) is the one the
    /// laser loops clamp to.
    #[test]
    fn advertised_bias_range_follows_the_laser_config() {
        use crate::regmap::Reset;
        let mut cfg = EngineConfig::default();
        cfg.laser.max_bias_ua = 400_000;
        cfg.laser.min_bias_ua = 20_000;
        cfg.validate().unwrap();
        let map = cfg.register_map();
        let reset = |n: &str| map.field(n).unwrap().reset.clone();
        assert_eq!(reset("LaserMaxBias"), Reset::Value(4_000));
        assert_eq!(reset("LaserMinBias"), Reset::Value(200));
    }

    /// Page 13h advertises each side's configured patterns (bit n = CMIS
    /// pattern ID n): by default PRBS31Q, PRBS31, PRBS13Q, PRBS13.
    #[test]
    fn advertised_patterns_follow_the_prbs_config() {
        use crate::regmap::Reset;
        let reset =
            |cfg: &EngineConfig, n: &str| cfg.register_map().field(n).unwrap().reset.clone();
        let cfg = EngineConfig::default();
        for n in ["HostGenPatternsSupported", "HostCheckerPatternsSupported"] {
            assert_eq!(reset(&cfg, n), Reset::Value(0b1100_0011), "{n}");
        }
        let cfg = EngineConfig::from_toml_str(
            "[prbs]\nmedia_patterns = [\"PRBS9\", \"prbs7q\"]\n",
            "test",
        )
        .unwrap();
        for n in ["MediaGenPatternsSupported", "MediaCheckerPatternsSupported"] {
            assert_eq!(reset(&cfg, n), Reset::Value((1 << 9) | (1 << 10)), "{n}");
        }
        assert_eq!(reset(&cfg, "HostGenPatternsSupported"), Reset::Value(0xC3));
        for (text, wanted) in [
            ("media_patterns = []", "prbs.media_patterns"),
            ("host_patterns = [\"SSPRQ\"]", "not implemented"),
            ("host_patterns = [\"PRBS8\"]", "unknown PRBS pattern"),
        ] {
            let e = EngineConfig::from_toml_str(&format!("[prbs]\n{text}\n"), "t.toml")
                .unwrap_err()
                .to_string();
            assert!(e.contains(wanted), "{text}: {e}");
        }
    }

    /// CMIS modules offer 400 kHz and 1 MHz two-wire speeds; the default
    /// core clock must follow both, with the 50 ns spike filter.
    #[test]
    fn default_clock_supports_fast_mode_plus_i2c() {
        let cfg = EngineConfig::default();
        assert!(
            cfg.i2c_max_scl_hz() >= 1_000_000,
            "{}",
            cfg.i2c_max_scl_hz()
        );
        assert_eq!(cfg.i2c_filter_cycles(), 8, "50 ns at 6.4 ns a cycle");
        let slow = EngineConfig {
            clock_hz: 10_000_000,
            ..Default::default()
        };
        assert_eq!(slow.i2c_filter_cycles(), 1);
        assert!(slow.i2c_max_scl_hz() < 1_000_000);
    }

    #[test]
    fn default_is_valid_and_round_trips() {
        let c = EngineConfig::default();
        c.validate().unwrap();
        let back = EngineConfig::from_toml_str(&c.to_toml(), "round trip").unwrap();
        assert_eq!(back, c);
    }

    #[test]
    fn errors_name_field_and_value() {
        let e = EngineConfig::from_toml_str("lanes = 0", "t").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("`lanes`") && msg.contains("= 0"), "{msg}");
        let e = EngineConfig::from_toml_str("[prbs]\nunlock_errors = 67", "t").unwrap_err();
        assert!(e.to_string().contains("prbs.unlock_errors"), "{e}");
    }

    /// The skew the buffers absorb must stay below half the marker
    /// period (the measurement tells instants apart by it), and both fit
    /// their counters.
    #[test]
    fn link_alignment_limits_are_checked() {
        let ok = "[retimer]\nam_period = 100\nmax_skew_blocks = 49";
        EngineConfig::from_toml_str(ok, "t").unwrap();
        let e =
            EngineConfig::from_toml_str("[retimer]\nam_period = 100\nmax_skew_blocks = 50", "t")
                .unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("retimer.max_skew_blocks") && msg.contains("= 50"),
            "{msg}"
        );
        let e = EngineConfig::from_toml_str("[retimer]\nam_period = 65536", "t").unwrap_err();
        assert!(e.to_string().contains("retimer.am_period"), "{e}");
        let e = EngineConfig::from_toml_str("[retimer]\nmax_skew_blocks = 4093", "t").unwrap_err();
        assert!(e.to_string().contains("retimer.max_skew_blocks"), "{e}");
    }

    #[test]
    fn unknown_fields_are_refused_with_origin() {
        let e = EngineConfig::from_toml_str("lane = 4", "my.toml").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("my.toml") && msg.contains("lane"), "{msg}");
    }

    #[test]
    fn durations_round_up() {
        let c = EngineConfig {
            clock_hz: 156_250_000,
            ..Default::default()
        };
        assert_eq!(c.cycles_for_ns(1_000), 157); // 156.25 cycles
        assert_eq!(c.cycles_for_ns(64), 10);
    }

    #[test]
    fn identity_is_checked_against_the_map() {
        let e = EngineConfig::from_toml_str(
            "[identity]\nvendor_name = \"A VENDOR NAME TOO LONG\"",
            "t",
        )
        .unwrap_err();
        assert!(
            e.to_string().contains("identity.vendor_name") && e.to_string().contains("16"),
            "{e}"
        );
        let e = EngineConfig::from_toml_str("[identity]\ndate_code = \"2611\"", "t").unwrap_err();
        assert!(e.to_string().contains("date_code"), "{e}");
        let e = EngineConfig::from_toml_str("laser_lanes = 33", "t").unwrap_err();
        assert!(e.to_string().contains("laser_lanes"), "{e}");
    }

    /// The example in the README is a valid configuration equal to the
    /// defaults (comments and all), so the documentation stays true.
    #[test]
    fn readme_example_is_the_default() {
        let readme = include_str!("../../README.md");
        let start = readme.find("## Configuration").expect("section");
        let block = &readme[start..];
        let body = &block[block.find("```toml\n").expect("toml block") + 8..];
        let body = &body[..body.find("```").expect("end of block")];
        let cfg = EngineConfig::from_toml_str(body, "README.md").unwrap();
        assert_eq!(cfg, EngineConfig::default());
    }

    #[test]
    fn missing_file_is_named() {
        let e = EngineConfig::from_file(Path::new("/nonexistent/x.toml")).unwrap_err();
        assert!(e.to_string().contains("/nonexistent/x.toml"));
    }
}
