//! The reference model of the whole engine.

pub mod data_path;
pub mod diagnostics;
pub mod laser;
pub mod link_alignment;
pub mod module_state;
pub mod monitors;
pub mod pcs;
pub mod prbs;
pub mod retimer;
pub mod wiring;

use crate::mgmt::axi_slave::AxiSlaveModel;
use crate::mgmt::i2c_target::I2cTargetModel;
use crate::mgmt::port::BytePortModel;
use crate::mgmt::CmisMemory;
use data_path::{Advertised, DataPathLane, DpConfig, DpInputs, DpState, DpTiming};
use diagnostics::{
    checker_lol, Block, DiagnosticsControls, Interfaces, LaneDiagnostics, Loopbacks, PatternControl,
};
use laser::{LaserInputs, LaserLaneModel, LaserOutputs};
use link_alignment::LinkAlignment;
use module_state::ModuleStateModel;
use monitors::{ModuleMonitorsModel, MonitorInputs};
use retimer::{Direction, PathControls, PathSample, RetimerPath};
use wiring::{HwBundles, HwWiring};
use xpo_spec::data_path::DpCycles;
use xpo_spec::hwif::{DataLaneRegs, LaserRegs};
use xpo_spec::laser::LaserParams;
use xpo_spec::monitors::MonitorParams;
use xpo_spec::retimer::{LinkParams, LinkSide, RetimerTiming};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, MgmtInputs, MgmtOutputs};

/// One lane of the model: the retimer's two paths, the data-path state
/// machine gating them, and the media-side PRBS generator and checker
/// (the lane contract is `xpo_hdl::lane`'s module comment).
#[derive(Debug, Clone)]
struct LaneModel {
    /// The pattern units and the loopback routing (`diagnostics`).
    diag: LaneDiagnostics,
    tx: RetimerPath,
    rx: RetimerPath,
    dp: DataPathLane,
    /// `link_alignment` rule 5: the host output carries the receive
    /// link's logical lane (RxLinkDeskew, not in bypass), and its
    /// RxPolarityFlip, as registered at the last edge.
    link_select: bool,
    link_flip: bool,
    /// The paths and the DPSM after reset, for module resets.
    pristine: Box<(RetimerPath, RetimerPath, DataPathLane)>,
}

impl LaneModel {
    fn new(cfg: &EngineConfig, lane: usize) -> Self {
        let t = RetimerTiming::new(cfg);
        let c = DpCycles::new(cfg);
        let tx = RetimerPath::new(Direction::Tx, &t);
        let rx = RetimerPath::new(Direction::Rx, &t);
        let dp = DataPathLane::new(
            DpTiming {
                init: c.init,
                deinit: c.deinit,
                tx_turn_on: c.tx_turn_on,
                tx_turn_off: c.tx_turn_off,
                config: c.config,
            },
            Advertised {
                data_path_ids: xpo_spec::data_path::allowed_data_paths(cfg, lane),
            },
        );
        Self {
            diag: LaneDiagnostics::new(&cfg.prbs),
            pristine: Box::new((tx.clone(), rx.clone(), dp.clone())),
            tx,
            rx,
            dp,
            link_select: false,
            link_flip: false,
        }
    }

    fn activated(&self) -> bool {
        self.dp.state() == DpState::DpActivated
    }

    /// The lane's status on its register-block port, as it stands: the
    /// LOS/LOL and fault levels count only while the data path is
    /// DPActivated. `laser_fault`: the feeding laser lane's fault level
    /// (`xpo_spec::laser::laser_for_lane`) as it stands.
    fn status(&self, r: &mut DataLaneRegs, laser_fault: bool) {
        let (tx, rx, on) = (self.tx.outputs(), self.rx.outputs(), self.activated());
        r.dp_state = self.dp.state().code() as u64;
        r.dp_state_changed = self.dp.state_changed() as u64;
        r.config_status = self.dp.config_status() as u64;
        r.dp_config_active = self.dp.active().0 as u64;
        r.dp_init_pending = self.dp.init_pending() as u64;
        r.tx_output_status = tx.output_status as u64;
        r.rx_output_status = rx.output_status as u64;
        r.tx_los = (tx.los && on) as u64;
        r.tx_cdr_lol = (!tx.block_lock && on) as u64;
        r.rx_los = (rx.los && on) as u64;
        r.rx_cdr_lol = (!rx.block_lock && on) as u64;
        r.tx_fault = (laser_fault && on) as u64;
        // Page 14h: the checkers' LOL levels and their counts.
        let d = self.diag.outputs();
        r.host_chk_lol = checker_lol(r.host_chk_enable != 0, &d.host_checker) as u64;
        r.media_chk_lol = checker_lol(r.media_chk_enable != 0, &d.media_checker) as u64;
        r.host_chk_errors = d.host_checker.error_count;
        r.host_chk_bits = d.host_checker.bit_count;
        r.media_chk_errors = d.media_checker.error_count;
        r.media_chk_bits = d.media_checker.bit_count;
    }

    /// One edge: `r` holds the register block's controls before it;
    /// `link` is the receive link's output for this lane's logical lane
    /// after the edge (`valid`, block).
    fn step(
        &mut self,
        reset: bool,
        module_ready: bool,
        r: &DataLaneRegs,
        link: (bool, u128),
        i: &xpo_spec::LaneInputs,
        o: &mut xpo_spec::LaneOutputs,
    ) {
        // Page 13h: the four pattern units, the bank's counter reset.
        let c = DiagnosticsControls {
            host_generator: PatternControl {
                enable: r.host_gen_enable != 0,
                invert: r.host_gen_invert != 0,
                pattern: r.host_gen_pattern as u8,
            },
            media_generator: PatternControl {
                enable: r.media_gen_enable != 0,
                invert: r.media_gen_invert != 0,
                pattern: r.media_gen_pattern as u8,
            },
            host_checker: PatternControl {
                enable: r.host_chk_enable != 0,
                invert: r.host_chk_invert != 0,
                pattern: r.host_chk_pattern as u8,
            },
            media_checker: PatternControl {
                enable: r.media_chk_enable != 0,
                invert: r.media_chk_invert != 0,
                pattern: r.media_chk_pattern as u8,
            },
            reset_counters: r.prbs_counter_reset != 0,
            stopped: r.prbs_run == 0,
            loopbacks: Loopbacks {
                media_output: r.media_output_loopback != 0,
                media_input: r.media_input_loopback != 0,
                host_output: r.host_output_loopback != 0,
                host_input: r.host_input_loopback != 0,
            },
        };
        let block = |valid, data| Block { valid, data };
        let ifs = Interfaces {
            host_input: block(i.host_tx_valid, i.host_tx_data),
            media_input: block(i.rx_valid, i.rx_data),
            tx_ready: i.tx_ready,
            host_rx_ready: true,
        };
        let into = self.diag.path_inputs(&ifs);
        if reset {
            let (tx, rx, dp) = &*self.pristine;
            (self.tx, self.rx, self.dp) = (tx.clone(), rx.clone(), dp.clone());
        } else {
            let on = self.activated();
            self.tx.step(PathSample {
                valid: into.tx_path_in.valid,
                block: into.tx_path_in.data,
                controls: PathControls {
                    polarity_flip: r.tx_polarity_flip != 0,
                    output_disable: r.tx_disable != 0,
                    auto_squelch_disable: r.tx_squelch_disable != 0,
                    squelch_force: r.tx_squelch_force != 0,
                    dp_activated: on,
                    bypass: r.retimer_bypass != 0,
                },
            });
            self.rx.step(PathSample {
                valid: into.rx_path_in.valid,
                block: into.rx_path_in.data,
                controls: PathControls {
                    polarity_flip: r.rx_polarity_flip != 0,
                    output_disable: r.rx_disable != 0,
                    auto_squelch_disable: r.rx_squelch_disable != 0,
                    squelch_force: false,
                    dp_activated: on,
                    bypass: r.retimer_bypass != 0,
                },
            });
            self.dp.step(&DpInputs {
                module_ready,
                dp_deinit: r.dp_deinit != 0,
                tx_disable: r.tx_disable != 0,
                apply_dp_init: r.apply_dp_init != 0,
                staged: DpConfig(r.dp_config as u8),
            });
        }
        // Rule 5 of `link_alignment`: the registered select and flip.
        self.link_select = !reset && r.rx_link_deskew != 0 && r.retimer_bypass == 0;
        self.link_flip = !reset && r.rx_polarity_flip != 0;
        let (tx, rx) = (self.tx.outputs(), self.rx.outputs());
        let rx_out = if self.link_select {
            let flip = if self.link_flip { retimer::ALL_ONES } else { 0 };
            let data = if rx.output_status { link.1 ^ flip } else { 0 };
            block(link.0, data)
        } else {
            block(rx.out_valid, rx.out_block)
        };
        let d = self
            .diag
            .step(reset, &c, &ifs, (block(tx.out_valid, tx.out_block), rx_out));
        o.media_chk_locked = d.media_checker.locked;
        o.media_chk_error_count = d.media_checker.error_count;
        o.media_chk_bit_count = d.media_checker.bit_count;
        o.host_chk_locked = d.host_checker.locked;
        o.host_chk_error_count = d.host_checker.error_count;
        o.host_chk_bit_count = d.host_checker.bit_count;
        o.tx_data = d.media_output.data;
        o.tx_valid = d.media_output.valid;
        o.host_rx_data = d.host_output.data;
        o.host_rx_valid = d.host_output.valid;
        o.tx_slip = tx.slip;
        o.rx_slip = rx.slip;
        o.tx_block_lock = tx.block_lock;
        o.rx_block_lock = rx.block_lock;
        o.tx_hi_ber = tx.hi_ber;
        o.rx_hi_ber = rx.hi_ber;
        o.tx_invalid_headers = tx.invalid_headers;
        o.tx_errored_blocks = tx.errored_blocks;
        o.rx_invalid_headers = rx.invalid_headers;
        o.rx_errored_blocks = rx.errored_blocks;
    }
}

/// The management side: the I2C target and the AXI4-Lite slave sharing the
/// register block's byte port (the AXI slave while it is active), and the
/// register block's hardware side, wired from the map rows.
#[derive(Debug, Clone)]
struct Management {
    port: BytePortModel,
    /// The memory in its reset state, for module resets.
    pristine: CmisMemory,
    i2c: I2cTargetModel,
    axi: AxiSlaveModel,
    wiring: HwWiring,
}

impl Management {
    fn new(cfg: &EngineConfig) -> Self {
        let memory = CmisMemory::new(cfg);
        Self {
            wiring: HwWiring::new(&memory, cfg.laser_lanes, cfg.lanes),
            port: BytePortModel::new(memory.clone()),
            pristine: memory,
            i2c: I2cTargetModel::new(cfg),
            axi: AxiSlaveModel::new(),
        }
    }

    /// One edge. `module_reset`: the register block resets (ResetL,
    /// SoftwareReset) while the buses carry on. `hw` holds the hardware
    /// ports as they are before the edge; the pulse ports show this edge's
    /// pulses after it.
    fn step(&mut self, i: &MgmtInputs, module_reset: bool, hw: &mut HwBundles) {
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
        if module_reset {
            self.port = BytePortModel::new(self.pristine.clone());
            self.wiring.clear_pulses(hw);
            hw.forget_sampled();
        } else {
            self.port.step(&request);
            self.wiring.sample(&mut self.port.memory, hw);
        }
        self.i2c.step(i.i2c_scl, i.i2c_sda, !axi_active, rdata);
        self.axi.step(i, i2c_busy, probe, rdata);
    }

    fn outputs(&self, o: &mut MgmtOutputs) {
        o.i2c_sda_low = self.i2c.sda_low();
        self.axi.outputs(o);
        o.int_l = !self.port.memory.intl_asserted();
    }
}

/// A laser lane's inputs: its register-block port and its pins.
/// FiberCheckPower is in mW; the lane works in 10 µW.
fn laser_inputs(r: &LaserRegs, pins: &xpo_spec::LaserInputs, interlock: bool) -> LaserInputs {
    /// 1 mW in 10 µW.
    const CHECK_POWER_PER_MW: u16 = 100;
    // The controls are at most 16 bits wide (their ports' width).
    let w = |v: u64| v as u16;
    LaserInputs {
        enable: r.laser_enable != 0,
        fiber_checked: r.fiber_checked != 0,
        apc: r.laser_apc != 0,
        // The RTL's Scale saturates at 16 bits.
        check_power: w(r.check_power).saturating_mul(CHECK_POWER_PER_MW),
        bias_setpoint: w(r.bias_setpoint),
        power_setpoint: w(r.power_setpoint),
        thresholds: [
            r.bias_ha, r.bias_la, r.bias_hw, r.bias_lw, r.power_ha, r.power_la, r.power_hw,
            r.power_lw,
        ]
        .map(w),
        interlock,
        bias_adc: pins.bias_adc,
        bias_adc_valid: pins.bias_adc_valid,
        power_adc: pins.power_adc,
        power_adc_valid: pins.power_adc_valid,
        voltage_adc: pins.voltage_adc,
        voltage_adc_valid: pins.voltage_adc_valid,
    }
}

/// A laser lane's status on its register-block port: the fault and warning
/// flags are high while their codes are nonzero.
fn laser_status(o: &LaserOutputs, r: &mut LaserRegs) {
    r.lane_state = o.lane_state as u64;
    r.fault_code = o.fault_code as u64;
    r.warning_code = o.warning_code as u64;
    r.lane_fault = (o.fault_code != 0) as u64;
    r.lane_warning = (o.warning_code != 0) as u64;
    r.bias_monitor = o.bias_monitor as u64;
    r.power_monitor = o.power_monitor as u64;
    r.lane_voltage = o.voltage_monitor as u64;
    let flags = [
        &mut r.flag_bias_ha,
        &mut r.flag_bias_la,
        &mut r.flag_bias_hw,
        &mut r.flag_bias_lw,
        &mut r.flag_power_ha,
        &mut r.flag_power_la,
        &mut r.flag_power_hw,
        &mut r.flag_power_lw,
    ];
    for (f, &raised) in flags.into_iter().zip(&o.flags) {
        *f = raised as u64;
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
    /// The data lanes' register-block controls before the edge (a scratch
    /// buffer reused every cycle).
    lane_controls: Vec<DataLaneRegs>,
    /// The register block's hardware ports (SoftwareReset's pulse among
    /// them: the module resets at the edge after it).
    hw: HwBundles,
    /// The module reset of the last edge: the lanes' reset (high at
    /// power-up).
    lane_reset: bool,
    /// Per data lane, the laser lane that feeds it.
    lane_laser: Vec<usize>,
    /// Each direction's lanes as one link (`link_alignment`).
    rx_link: LinkAlignment,
    tx_link: LinkAlignment,
}

impl Model {
    /// A model in its reset state; `cfg` must be valid.
    pub fn new(cfg: &EngineConfig) -> Result<Self, xpo_spec::ConfigError> {
        cfg.validate()?;
        let lanes = (0..cfg.lanes).map(|l| LaneModel::new(cfg, l)).collect();
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
            lane_controls: vec![DataLaneRegs::default(); cfg.lanes],
            hw: HwBundles::new(cfg.laser_lanes, cfg.lanes),
            lane_reset: true,
            lane_laser: (0..cfg.lanes)
                .map(|l| xpo_spec::laser::laser_for_lane(cfg, l))
                .collect(),
            rx_link: LinkAlignment::new(LinkParams::new(cfg)),
            tx_link: LinkAlignment::new(LinkParams::new(cfg)),
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

    fn peek_field(&self, name: &str, bank: u8, instance: u8) -> Option<u64> {
        self.mgmt.port.memory.try_peek(name, bank, instance)
    }

    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        // The engine reset, the module reset pin and SoftwareReset reset the
        // whole module.
        // The engine reset, the module reset pin and SoftwareReset reset the
        // whole module; the bus interfaces only on the engine (bus) reset.
        let reset =
            inputs.reset || inputs.mgmt.module_reset || self.hw.commands.software_reset != 0;
        let interlock = inputs.mgmt.interlock;
        // The lanes reset one edge after the module (the lane contract):
        // this edge they act on the controls and the module state as they
        // stand, even while the module resets.
        let lane_reset = std::mem::replace(&mut self.lane_reset, reset);
        let module_ready = self.module_state.state() == module_state::READY;
        {
            let hw = &mut self.hw;
            self.mgmt.wiring.drive(&self.mgmt.port.memory, hw);
            for (((r, l), c), &g) in hw
                .data_lane
                .iter_mut()
                .zip(&self.lanes)
                .zip(self.lane_controls.iter_mut())
                .zip(&self.lane_laser)
            {
                l.status(r, self.lasers[g].faulted());
                *c = *r;
            }
            for (r, (rx, tx)) in hw
                .data_lane
                .iter_mut()
                .zip(self.rx_link.reports().iter().zip(self.tx_link.reports()))
            {
                // Pages 81h (receive) and 82h (transmit).
                r.set_link(LinkSide::Rx, &rx.probes());
                r.set_link(LinkSide::Tx, &tx.probes());
            }
        }
        if inputs.reset {
            self.mgmt = Management::new(&self.config);
            self.module_state = ModuleStateModel::new(&self.config);
            self.hw = HwBundles::new(self.config.laser_lanes, self.config.lanes);
            for l in &mut self.lasers {
                *l = LaserLaneModel::new(self.laser_params);
            }
            self.monitors = ModuleMonitorsModel::new(self.monitor_params);
        } else {
            // Every block sees the others' outputs from before this edge:
            // the register block's controls, then each block's status.
            let hw = &mut self.hw;
            let sm = &mut hw.state_machine;
            sm.module_state = self.module_state.state() as u64;
            sm.module_state_changed = self.module_state.changed() as u64;
            let request = sm.low_pwr_request_sw != 0
                || (sm.low_pwr_allow_request_hw != 0 && inputs.mgmt.low_power_pin);
            // A scratch buffer reused every cycle (no allocation per step).
            let mut lane_inputs = std::mem::take(&mut self.lane_inputs);
            lane_inputs.clear();
            for ((r, l), pins) in hw.laser.iter_mut().zip(&self.lasers).zip(&inputs.lasers) {
                let li = laser_inputs(r, pins, interlock);
                laser_status(&l.outputs(&li), r);
                lane_inputs.push(li);
            }
            self.monitors.drive(&mut hw.monitors);
            self.mgmt.step(&inputs.mgmt, reset, hw);
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
                    supply_current_adc: m.supply_current_adc,
                    supply_current_adc_valid: m.supply_current_adc_valid,
                });
                for (l, i) in self.lasers.iter_mut().zip(&lane_inputs) {
                    l.step(i);
                }
            }
            self.lane_inputs = lane_inputs;
        }
        self.mgmt.outputs(&mut outputs.mgmt);
        for (l, o) in self.lasers.iter().zip(outputs.lasers.iter_mut()) {
            (o.bias_dac, o.driver_enable) = l.drive(interlock);
        }
        // The links take the paths' samples of the last edge (contract
        // rule 1 of `link_alignment`) before the paths move on.
        if lane_reset {
            self.rx_link.reset();
            self.tx_link.reset();
        } else {
            let taps = |tx: bool| -> Vec<_> {
                self.lanes
                    .iter()
                    .map(|l| if tx { &l.tx } else { &l.rx }.link_sample())
                    .collect()
            };
            let (rx, tx) = (taps(false), taps(true));
            self.rx_link.step(&rx);
            self.tx_link.step(&tx);
        }
        for ((o, rx), tx) in outputs
            .lanes
            .iter_mut()
            .zip(self.rx_link.reports())
            .zip(self.tx_link.reports())
        {
            o.set_link(LinkSide::Rx, &rx.probes());
            o.set_link(LinkSide::Tx, &tx.probes());
        }
        let link = self.rx_link.output();
        for (g, ((lane, i), o)) in self
            .lanes
            .iter_mut()
            .zip(&inputs.lanes)
            .zip(outputs.lanes.iter_mut())
            .enumerate()
        {
            let from_link = (link.valid, link.blocks[g]);
            lane.step(
                lane_reset,
                module_ready,
                &self.lane_controls[g],
                from_link,
                i,
                o,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// CMIS TxFault (11h:135) is a transmitter fault on a data path in
    /// use: the feeding laser's fault shows on the lane's port only while
    /// the lane is DPActivated.
    #[test]
    fn tx_fault_follows_the_feeding_laser_while_activated() {
        let cfg = EngineConfig::default();
        let mut lane = LaneModel::new(&cfg, 0);
        let (mut r, i) = (DataLaneRegs::default(), xpo_spec::LaneInputs::default());
        let mut o = xpo_spec::LaneOutputs::default();
        lane.status(&mut r, true);
        assert_eq!(r.tx_fault, 0, "DPDeactivated: no fault to report");
        // DPDeinit and OutputDisableTx clear: DPInit, DPTxTurnOn, then
        // DPActivated within the configured durations.
        for _ in 0..2_000 {
            lane.step(
                false,
                true,
                &DataLaneRegs::default(),
                (false, 0),
                &i,
                &mut o,
            );
        }
        assert!(lane.activated());
        lane.status(&mut r, true);
        assert_eq!(r.tx_fault, 1);
        lane.status(&mut r, false);
        assert_eq!(r.tx_fault, 0);
    }
}
