//! What a host reads back over AXI from an engine a run left behind: each
//! laser lane and the module monitors, in CMIS units converted to physical
//! ones. Reading clears the latched flags it reads.

use crate::mgmt_bus::EngineAxi;
use crate::SimError;
use serde::Serialize;
use xpo_host::mgmt::Driver;
use xpo_spec::{Engine, EngineConfig, EngineOutputs};

type Host = Driver<EngineAxi>;

fn field(host: &mut Host, name: &str, instance: usize) -> Result<u64, SimError> {
    host.read_field(name, instance)
        .map_err(|e| SimError::Readback(format!("reading {name} ({instance}): {e}")))
}

/// The four latched flags `L{quantity}{High,Low}{Alarm,Warning}` of a
/// monitored quantity, in that order.
fn threshold_flags(
    host: &mut Host,
    quantity: &str,
    instance: usize,
) -> Result<[bool; 4], SimError> {
    let mut out = [false; 4];
    for (o, level) in out
        .iter_mut()
        .zip(["HighAlarm", "LowAlarm", "HighWarning", "LowWarning"])
    {
        *o = field(host, &format!("L{quantity}{level}"), instance)? == 1;
    }
    Ok(out)
}

/// A laser lane's eight latched threshold flags (1Ah:186..193).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LaserFlags {
    pub bias_high_alarm: bool,
    pub bias_low_alarm: bool,
    pub bias_high_warning: bool,
    pub bias_low_warning: bool,
    pub power_high_alarm: bool,
    pub power_low_alarm: bool,
    pub power_high_warning: bool,
    pub power_low_warning: bool,
}

/// The module monitors' eight latched flags (lower byte 9).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ModuleFlags {
    pub temperature_high_alarm: bool,
    pub temperature_low_alarm: bool,
    pub temperature_high_warning: bool,
    pub temperature_low_warning: bool,
    pub vcc_high_alarm: bool,
    pub vcc_low_alarm: bool,
    pub vcc_high_warning: bool,
    pub vcc_low_warning: bool,
}

/// One laser lane as the host sees it after a run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaserReadback {
    pub lane: usize,
    /// LaneState: off, ramping or on.
    pub state: &'static str,
    pub fault_code: u64,
    pub warning_code: u64,
    pub bias_monitor_ma: f64,
    pub power_monitor_mw: f64,
    pub power_setpoint_mw: f64,
    pub bias_setpoint_ma: f64,
    pub voltage_monitor_v: f64,
    /// The lane's bits of LaneFaultFlags / LaneWarningFlags.
    pub fault_flag: bool,
    pub warning_flag: bool,
    pub flags: LaserFlags,
}

impl LaserReadback {
    /// Reads laser lane `g` (clearing its latched flags).
    pub fn read(host: &mut Host, g: usize) -> Result<Self, SimError> {
        let state = match field(host, "LaneState", g)? {
            0 => "off",
            1 => "ramping",
            2 => "on",
            _ => "reserved",
        };
        let [bias_high_alarm, bias_low_alarm, bias_high_warning, bias_low_warning] =
            threshold_flags(host, "LaserBias", g)?;
        let [power_high_alarm, power_low_alarm, power_high_warning, power_low_warning] =
            threshold_flags(host, "LaserPower", g)?;
        Ok(Self {
            lane: g,
            state,
            fault_code: field(host, "LaserFaultCode", g)?,
            warning_code: field(host, "LaserWarningCode", g)?,
            // CMIS units: 100 µA, 10 µW, 15 mV.
            bias_monitor_ma: field(host, "BiasMonitor", g)? as f64 / 10.0,
            power_monitor_mw: field(host, "PowerMonitor", g)? as f64 / 100.0,
            power_setpoint_mw: field(host, "PowerSetpoint", g)? as f64 / 100.0,
            bias_setpoint_ma: field(host, "BiasSetpoint", g)? as f64 / 10.0,
            voltage_monitor_v: field(host, "LaneVoltageMonitor", g)? as f64 * 0.015,
            fault_flag: field(host, "LaneFaultFlags", g)? == 1,
            warning_flag: field(host, "LaneWarningFlags", g)? == 1,
            flags: LaserFlags {
                bias_high_alarm,
                bias_low_alarm,
                bias_high_warning,
                bias_low_warning,
                power_high_alarm,
                power_low_alarm,
                power_high_warning,
                power_low_warning,
            },
        })
    }
}

/// One bank's ELSFP lane summary (1Ah:165).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LaserSummary {
    pub bank: usize,
    pub any_fault: bool,
    pub any_warning: bool,
}

/// The module monitors (lower page 14..17, ELSFP 1Bh:240 supply current),
/// their flags (byte 9) and each bank's lane summary.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModuleReadback {
    pub temperature_c: f64,
    pub vcc_v: f64,
    pub supply_current_a: f64,
    pub flags: ModuleFlags,
    pub laser_summary: Vec<LaserSummary>,
}

impl ModuleReadback {
    /// Reads the module monitors, their flags (clearing them) and every
    /// bank's lane summary.
    pub fn read(host: &mut Host, cfg: &EngineConfig) -> Result<Self, SimError> {
        let [temperature_high_alarm, temperature_low_alarm, temperature_high_warning, temperature_low_warning] =
            threshold_flags(host, "Temp", 0)?;
        let [vcc_high_alarm, vcc_low_alarm, vcc_high_warning, vcc_low_warning] =
            threshold_flags(host, "Vcc", 0)?;
        let laser_summary = (0..cfg.laser_lanes.div_ceil(8))
            .map(|bank| {
                Ok(LaserSummary {
                    bank,
                    any_fault: field(host, "LaneFaultSummary", bank)? == 1,
                    any_warning: field(host, "LaneWarningSummary", bank)? == 1,
                })
            })
            .collect::<Result<_, SimError>>()?;
        Ok(Self {
            // Signed 1/256 °C; 100 µV.
            temperature_c: field(host, "TemperatureMonitor", 0)? as u16 as i16 as f64 / 256.0,
            vcc_v: field(host, "VccMonitor", 0)? as f64 / 10_000.0,
            // 200 µA.
            supply_current_a: field(host, "SupplyCurrentMonitor", 0)? as f64 / 5_000.0,
            flags: ModuleFlags {
                temperature_high_alarm,
                temperature_low_alarm,
                temperature_high_warning,
                temperature_low_warning,
                vcc_high_alarm,
                vcc_low_alarm,
                vcc_high_warning,
                vcc_low_warning,
            },
            laser_summary,
        })
    }
}

/// One data lane as the host sees it after a run (page 11h). The output
/// status is not read: the lines are idle once the run ends, so it would
/// report the squelch that follows, not the run (`blocks_passed` in the
/// run's retimer report says whether data passed).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DataLaneReadback {
    pub lane: usize,
    /// DPState by its CMIS name (DPActivated, ...).
    pub dp_state: &'static str,
}

/// CMIS 11h:128 state codes by name.
fn dp_state_name(code: u64) -> &'static str {
    match code {
        1 => "DPDeactivated",
        2 => "DPInit",
        3 => "DPDeinit",
        4 => "DPActivated",
        5 => "DPTxTurnOn",
        6 => "DPTxTurnOff",
        7 => "DPInitialized",
        _ => "reserved",
    }
}

impl DataLaneReadback {
    pub fn read(host: &mut Host, lane: usize) -> Result<Self, SimError> {
        Ok(Self {
            lane,
            dp_state: dp_state_name(field(host, "DPState", lane)?),
        })
    }
}

/// Everything read back after a run, or why it could not be: a design
/// whose bus hangs or refuses a field of the map is a finding of the run,
/// not bad input.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Readback {
    pub data_lanes: Vec<DataLaneReadback>,
    pub lasers: Vec<LaserReadback>,
    pub module: Option<ModuleReadback>,
    pub error: Option<String>,
}

impl Readback {
    /// Reads every laser lane and the module monitors over AXI from
    /// `engine` as a run left it (`outputs`: its last outputs).
    pub fn from_engine(
        engine: Box<dyn Engine>,
        outputs: EngineOutputs,
        cfg: &EngineConfig,
    ) -> Self {
        let mut host = Driver::new(EngineAxi::attach(engine, outputs), cfg.register_map());
        let mut lasers = Vec::new();
        let mut data_lanes = Vec::new();
        let result = (|| {
            for l in 0..cfg.lanes {
                data_lanes.push(DataLaneReadback::read(&mut host, l)?);
            }
            for g in 0..cfg.laser_lanes {
                lasers.push(LaserReadback::read(&mut host, g)?);
            }
            ModuleReadback::read(&mut host, cfg)
        })();
        match result {
            Ok(module) => Self {
                data_lanes,
                lasers,
                module: Some(module),
                error: None,
            },
            Err(e) => Self {
                data_lanes,
                lasers,
                module: None,
                error: Some(e.to_string()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An engine whose management bus never answers (every output stuck
    /// at 0): AXI handshakes never complete.
    struct Stuck(EngineConfig);

    impl Engine for Stuck {
        fn name(&self) -> &str {
            "stuck"
        }
        fn config(&self) -> &EngineConfig {
            &self.0
        }
        fn step_into(&mut self, _: &xpo_spec::EngineInputs, outputs: &mut EngineOutputs) {
            *outputs = EngineOutputs::for_config(&self.0);
        }
    }

    #[test]
    fn a_hung_bus_is_reported_not_a_panic() {
        let cfg = EngineConfig::default();
        let outputs = EngineOutputs::for_config(&cfg);
        let r = Readback::from_engine(Box::new(Stuck(cfg.clone())), outputs, &cfg);
        assert!(r.data_lanes.is_empty() && r.lasers.is_empty() && r.module.is_none());
        let e = r.error.expect("the read-back must fail");
        assert!(e.contains("DPState") && e.contains("hung"), "{e}");
    }
}
