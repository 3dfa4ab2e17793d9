//! The reference model of the whole engine.

pub mod laser;
pub mod module_state;
pub mod monitors;
pub mod prbs;

use crate::mgmt::axi_slave::AxiSlaveModel;
use crate::mgmt::i2c_target::I2cTargetModel;
use crate::mgmt::memory::FieldRef;
use crate::mgmt::port::BytePortModel;
use crate::mgmt::CmisMemory;
use laser::{LaserInputs, LaserLaneModel, LaserOutputs};
use module_state::ModuleStateModel;
use monitors::{ModuleMonitorsModel, MonitorInputs, MonitorOutputs};
use prbs::{PrbsCheckerModel, PrbsGeneratorModel};
use xpo_spec::laser::{LaserParams, Ratio};
use xpo_spec::monitors::MonitorParams;
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, MgmtInputs, MgmtOutputs};

/// One lane of the model.
#[derive(Debug, Clone)]
struct LaneModel {
    generator: PrbsGeneratorModel,
    checker: PrbsCheckerModel,
}

/// The management side: the I2C target and the AXI4-Lite slave sharing the
/// register block's byte port (the AXI slave while it is active), and the
/// hardware interface to the module state machine.
#[derive(Debug, Clone)]
struct Management {
    port: BytePortModel,
    /// The memory in its reset state, for module resets.
    pristine: CmisMemory,
    i2c: I2cTargetModel,
    axi: AxiSlaveModel,
    /// The fields the hardware touches every cycle, resolved once.
    fields: HwFields,
    laser_fields: Vec<LaserFields>,
    /// LaneFaultSummary and LaneWarningSummary per bank of page 1Ah.
    summaries: Vec<(FieldRef, FieldRef)>,
}

/// The register fields one laser lane uses, resolved once.
#[derive(Debug, Clone, Copy)]
struct LaserFields {
    bit: u8,
    /// FiberCheckPower (mW) to the lane's 10 µW units, as the RTL's scaler.
    check_scale: Ratio,
    enable: FieldRef,
    fiber_checked: FieldRef,
    apc: FieldRef,
    check_power: FieldRef,
    bias_setpoint: FieldRef,
    power_setpoint: FieldRef,
    lane_state: FieldRef,
    fault_code: FieldRef,
    bias_monitor: FieldRef,
    power_monitor: FieldRef,
    lane_voltage: FieldRef,
    warning_code: FieldRef,
    /// LaneFaultFlags / LaneWarningFlags (bit `bit`).
    lane_fault: FieldRef,
    lane_warning: FieldRef,
    /// Bias HA/LA/HW/LW then power HA/LA/HW/LW: thresholds and their flags.
    thresholds: [FieldRef; 8],
    flags: [FieldRef; 8],
}

/// Threshold and flag field names, in `LaserInputs::thresholds` order.
const LEVELS: [&str; 8] = [
    "BiasHighAlarm",
    "BiasLowAlarm",
    "BiasHighWarning",
    "BiasLowWarning",
    "PowerHighAlarm",
    "PowerLowAlarm",
    "PowerHighWarning",
    "PowerLowWarning",
];

impl LaserFields {
    /// Lane `g`: instance (or bitmap bit) `g % 8` in bank `g / 8`.
    fn new(memory: &CmisMemory, g: usize) -> Self {
        let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
        let one = |n: &str| memory.field_ref(n, bank, 0);
        let lane = |n: &str| memory.field_ref(n, bank, k);
        Self {
            bit: k,
            check_scale: Ratio::new(100, 1),
            enable: one("LaneEnable"),
            fiber_checked: one("OutputFiberChecked"),
            apc: one("LaserControlMode"),
            check_power: one("FiberCheckPower"),
            bias_setpoint: lane("BiasSetpoint"),
            power_setpoint: lane("PowerSetpoint"),
            lane_state: lane("LaneState"),
            fault_code: lane("LaserFaultCode"),
            bias_monitor: lane("BiasMonitor"),
            power_monitor: lane("PowerMonitor"),
            lane_voltage: lane("LaneVoltageMonitor"),
            warning_code: lane("LaserWarningCode"),
            lane_fault: one("LaneFaultFlags"),
            lane_warning: one("LaneWarningFlags"),
            thresholds: LEVELS.map(|l| one(&format!("Laser{l}"))),
            flags: LEVELS.map(|l| one(&format!("LLaser{l}"))),
        }
    }

    /// The thresholds the register block drives now.
    fn thresholds(&self, m: &CmisMemory) -> [u16; 8] {
        self.thresholds.map(|r| m.peek_at(r) as u16)
    }

    /// The lane's controls as the register block drives them now.
    fn controls(&self, m: &CmisMemory) -> LaneControls {
        let bit = |r: FieldRef| m.peek_at(r) >> self.bit & 1 == 1;
        LaneControls {
            enable: bit(self.enable),
            fiber_checked: bit(self.fiber_checked),
            apc: m.peek_at(self.apc) != 0,
            // FiberCheckPower is in mW; the lane works in 10 uW.
            check_power: self.check_scale.apply(m.peek_at(self.check_power) as u16),
            bias_setpoint: m.peek_at(self.bias_setpoint) as u16,
            power_setpoint: m.peek_at(self.power_setpoint) as u16,
        }
    }
}

/// A laser lane's controls from the register block (LaneEnable,
/// OutputFiberChecked, LaserControlMode, FiberCheckPower in 10 µW, the
/// setpoints).
#[derive(Debug, Clone, Copy)]
struct LaneControls {
    enable: bool,
    fiber_checked: bool,
    apc: bool,
    check_power: u16,
    bias_setpoint: u16,
    power_setpoint: u16,
}

#[derive(Debug, Clone, Copy)]
struct HwFields {
    module_state: FieldRef,
    state_changed: FieldRef,
    software_reset: FieldRef,
    low_pwr_request_sw: FieldRef,
    low_pwr_allow_request_hw: FieldRef,
    temperature: FieldRef,
    vcc: FieldRef,
    /// Page 02h temperature then Vcc thresholds (HA, LA, HW, LW) and their
    /// lower-page flags.
    module_thresholds: [FieldRef; 8],
    module_flags: [FieldRef; 8],
}

/// Module threshold and flag names, in `MonitorOutputs::flags` order.
const MODULE_LEVELS: [&str; 8] = [
    "TempHighAlarm",
    "TempLowAlarm",
    "TempHighWarning",
    "TempLowWarning",
    "VccHighAlarm",
    "VccLowAlarm",
    "VccHighWarning",
    "VccLowWarning",
];

impl HwFields {
    fn new(memory: &CmisMemory) -> Self {
        Self {
            module_state: memory.field_ref("ModuleState", 0, 0),
            state_changed: memory.field_ref("ModuleStateChanged", 0, 0),
            software_reset: memory.field_ref("SoftwareReset", 0, 0),
            low_pwr_request_sw: memory.field_ref("LowPwrRequestSW", 0, 0),
            low_pwr_allow_request_hw: memory.field_ref("LowPwrAllowRequestHW", 0, 0),
            temperature: memory.field_ref("TemperatureMonitor", 0, 0),
            vcc: memory.field_ref("VccMonitor", 0, 0),
            module_thresholds: MODULE_LEVELS.map(|l| memory.field_ref(l, 0, 0)),
            module_flags: MODULE_LEVELS.map(|l| memory.field_ref(&format!("L{l}"), 0, 0)),
        }
    }
}

impl Management {
    fn new(cfg: &EngineConfig) -> Self {
        let memory = CmisMemory::new(cfg);
        Self {
            fields: HwFields::new(&memory),
            laser_fields: (0..cfg.laser_lanes)
                .map(|g| LaserFields::new(&memory, g))
                .collect(),
            summaries: (0..cfg.laser_lanes.div_ceil(8) as u8)
                .map(|b| {
                    (
                        memory.field_ref("LaneFaultSummary", b, 0),
                        memory.field_ref("LaneWarningSummary", b, 0),
                    )
                })
                .collect(),
            port: BytePortModel::new(memory.clone()),
            pristine: memory,
            i2c: I2cTargetModel::new(cfg),
            axi: AxiSlaveModel::new(),
        }
    }

    /// One edge. `module_reset`: the register block resets (ResetL,
    /// SoftwareReset) while the buses carry on. Returns whether
    /// SoftwareReset was written 1 (the module resets at the next edge).
    fn step(
        &mut self,
        i: &MgmtInputs,
        module_reset: bool,
        module_state: u8,
        state_changed: bool,
        lasers: &[LaserOutputs],
        monitors: &MonitorOutputs,
    ) -> bool {
        // Everything below sees the others as they are before the edge.
        let axi_active = self.axi.active();
        let request = if axi_active {
            self.axi.request()
        } else {
            self.i2c.request()
        };
        let probe = self.port.probed;
        let rdata = self.port.rdata;
        let i2c_busy = self.i2c.busy();
        let mut software_reset = false;
        if module_reset {
            self.port = BytePortModel::new(self.pristine.clone());
        } else {
            self.port.step(&request);
            let f = self.fields;
            let memory = &mut self.port.memory;
            memory.hw_write_at(f.module_state, module_state as u64);
            if state_changed {
                memory.hw_latch_at(f.state_changed, 1);
            }
            memory.hw_write_at(f.temperature, monitors.temperature as u64);
            memory.hw_write_at(f.vcc, monitors.vcc as u64);
            for (flag, &raised) in f.module_flags.iter().zip(&monitors.flags) {
                if raised {
                    memory.hw_latch_at(*flag, 1);
                }
            }
            for (lf, o) in self.laser_fields.iter().zip(lasers) {
                memory.hw_write_at(lf.lane_state, o.lane_state as u64);
                memory.hw_write_at(lf.fault_code, o.fault_code as u64);
                memory.hw_write_at(lf.bias_monitor, o.bias_monitor as u64);
                memory.hw_write_at(lf.power_monitor, o.power_monitor as u64);
                memory.hw_write_at(lf.lane_voltage, o.voltage_monitor as u64);
                memory.hw_write_at(lf.warning_code, o.warning_code as u64);
                if o.fault_code != 0 {
                    memory.hw_latch_at(lf.lane_fault, 1 << lf.bit);
                }
                if o.warning_code != 0 {
                    memory.hw_latch_at(lf.lane_warning, 1 << lf.bit);
                }
                for (flag, &raised) in lf.flags.iter().zip(&o.flags) {
                    if raised {
                        memory.hw_latch_at(*flag, 1 << lf.bit);
                    }
                }
            }
            // The lane summary of each bank: any lane with a fault / a
            // warning now.
            for (b, &(fault, warning)) in self.summaries.iter().enumerate() {
                let bank = lasers.iter().skip(8 * b).take(8);
                let any_fault = bank.clone().any(|o| o.fault_code != 0);
                let any_warning = bank.clone().any(|o| o.warning_code != 0);
                memory.hw_write_at(fault, any_fault as u64);
                memory.hw_write_at(warning, any_warning as u64);
            }
            let reset_byte = f.software_reset.loc;
            software_reset = memory.take_pulses().iter().any(|&(half, byte, bits)| {
                half.is_none() && byte == reset_byte.byte && bits & reset_byte.mask() != 0
            });
        }
        self.i2c.step(i.i2c_scl, i.i2c_sda, !axi_active, rdata);
        self.axi.step(i, i2c_busy, probe, rdata);
        software_reset
    }

    fn outputs(&self, o: &mut MgmtOutputs) {
        o.i2c_sda_low = self.i2c.sda_low();
        self.axi.outputs(o);
        o.int_l = !self.port.memory.intl_asserted();
    }
}

/// The engine as plain Rust, stepped one core-clock cycle at a time.
#[derive(Debug, Clone)]
pub struct Model {
    config: EngineConfig,
    lanes: Vec<LaneModel>,
    mgmt: Management,
    module_state: ModuleStateModel,
    lasers: Vec<LaserLaneModel>,
    laser_params: LaserParams,
    monitors: ModuleMonitorsModel,
    monitor_params: MonitorParams,
    lane_inputs: Vec<LaserInputs>,
    lane_status: Vec<LaserOutputs>,
    /// SoftwareReset was written: the module resets at the next edge.
    software_reset: bool,
}

impl Model {
    /// A model in its reset state; `cfg` must be valid.
    pub fn new(cfg: &EngineConfig) -> Result<Self, xpo_spec::ConfigError> {
        cfg.validate()?;
        let lanes = (0..cfg.lanes)
            .map(|_| LaneModel {
                generator: PrbsGeneratorModel::default(),
                checker: PrbsCheckerModel::new(&cfg.prbs),
            })
            .collect();
        Ok(Self {
            config: cfg.clone(),
            lanes,
            mgmt: Management::new(cfg),
            module_state: ModuleStateModel::new(cfg),
            lasers: vec![LaserLaneModel::new(LaserParams::new(cfg)); cfg.laser_lanes],
            laser_params: LaserParams::new(cfg),
            monitors: ModuleMonitorsModel::new(MonitorParams::new(cfg)),
            monitor_params: MonitorParams::new(cfg),
            lane_inputs: Vec::with_capacity(cfg.laser_lanes),
            lane_status: Vec::with_capacity(cfg.laser_lanes),
            software_reset: false,
        })
    }
}

impl Engine for Model {
    fn name(&self) -> &str {
        "model"
    }

    fn config(&self) -> &EngineConfig {
        &self.config
    }

    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        // The engine reset, the module reset pin and SoftwareReset reset the
        // whole module.
        // The engine reset, the module reset pin and SoftwareReset reset the
        // whole module; the bus interfaces only on the engine (bus) reset.
        let reset = inputs.reset || inputs.mgmt.module_reset || self.software_reset;
        let interlock = inputs.mgmt.interlock;
        if inputs.reset {
            self.mgmt = Management::new(&self.config);
            self.module_state = ModuleStateModel::new(&self.config);
            self.software_reset = false;
            for l in &mut self.lasers {
                *l = LaserLaneModel::new(self.laser_params);
            }
            self.monitors = ModuleMonitorsModel::new(self.monitor_params);
        } else {
            // Every block sees the others' outputs from before this edge.
            let (state, changed) = (self.module_state.state(), self.module_state.changed());
            let (mem, f) = (&self.mgmt.port.memory, self.mgmt.fields);
            let request = mem.peek_at(f.low_pwr_request_sw) != 0
                || (mem.peek_at(f.low_pwr_allow_request_hw) != 0 && inputs.mgmt.low_power_pin);
            // Scratch buffers reused every cycle (no allocation per step).
            let mut lane_inputs = std::mem::take(&mut self.lane_inputs);
            let mut status = std::mem::take(&mut self.lane_status);
            lane_inputs.clear();
            status.clear();
            for ((lf, l), a) in self
                .mgmt
                .laser_fields
                .iter()
                .zip(&self.lasers)
                .zip(&inputs.lasers)
            {
                let c = lf.controls(mem);
                let thresholds = lf.thresholds(mem);
                let li = LaserInputs {
                    thresholds,
                    enable: c.enable,
                    fiber_checked: c.fiber_checked,
                    apc: c.apc,
                    check_power: c.check_power,
                    bias_setpoint: c.bias_setpoint,
                    power_setpoint: c.power_setpoint,
                    interlock,
                    bias_adc: a.bias_adc,
                    bias_adc_valid: a.bias_adc_valid,
                    power_adc: a.power_adc,
                    power_adc_valid: a.power_adc_valid,
                    voltage_adc: a.voltage_adc,
                    voltage_adc_valid: a.voltage_adc_valid,
                };
                status.push(l.outputs(&li));
                lane_inputs.push(li);
            }
            let module_thresholds = f.module_thresholds.map(|r| mem.peek_at(r) as u16);
            let monitors = self.monitors.outputs(&module_thresholds);
            self.software_reset =
                self.mgmt
                    .step(&inputs.mgmt, reset, state, changed, &status, &monitors);
            if reset {
                self.module_state = ModuleStateModel::new(&self.config);
                for l in &mut self.lasers {
                    *l = LaserLaneModel::new(self.laser_params);
                }
                self.monitors = ModuleMonitorsModel::new(self.monitor_params);
            } else {
                self.module_state.step(request, inputs.mgmt.module_fault);
                let m = &inputs.mgmt;
                self.monitors.step(&MonitorInputs {
                    temperature_adc: m.temperature_adc,
                    temperature_adc_valid: m.temperature_adc_valid,
                    vcc_adc: m.vcc_adc,
                    vcc_adc_valid: m.vcc_adc_valid,
                });
                for (l, i) in self.lasers.iter_mut().zip(&lane_inputs) {
                    l.step(i);
                }
            }
            self.lane_inputs = lane_inputs;
            self.lane_status = status;
        }
        self.mgmt.outputs(&mut outputs.mgmt);
        for (l, o) in self.lasers.iter().zip(outputs.lasers.iter_mut()) {
            (o.bias_dac, o.driver_enable) = l.drive(interlock);
        }
        for ((lane, i), o) in self
            .lanes
            .iter_mut()
            .zip(&inputs.lanes)
            .zip(outputs.lanes.iter_mut())
        {
            let g = lane.generator.step(
                reset,
                i.prbs_gen_enable,
                i.prbs_gen_pattern,
                i.prbs_gen_invert,
                i.tx_ready,
            );
            o.tx_data = g.data;
            o.tx_valid = g.valid;
            let c = lane.checker.step(
                reset,
                prbs::CheckerInputs {
                    enable: i.prbs_chk_enable,
                    pattern: i.prbs_chk_pattern,
                    invert: i.prbs_chk_invert,
                    counter_reset: i.prbs_chk_counter_reset,
                    data: i.rx_data,
                    valid: i.rx_valid,
                },
            );
            o.prbs_chk_locked = c.locked;
            o.prbs_chk_error_count = c.error_count;
            o.prbs_chk_bit_count = c.bit_count;
        }
    }
}
