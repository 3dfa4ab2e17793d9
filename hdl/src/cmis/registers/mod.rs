//! `CmisRegisters`: the CMIS management memory behind a byte-wide port,
//! generated from the register map (as PeakRDL-regblock generates RTL from
//! SystemRDL).
//!
//! Port contract (the host model `CmisMemory` implements the same):
//! - A rising `txn` opens a transaction; a falling `txn` ends it, committing
//!   every multi-byte writable value whose bytes were all written in it.
//! - While `txn` is high, `read` or `write` (not both) accesses byte `addr`:
//!   the lower page, or for 128..255 the page in PageSelect of the bank in
//!   BankSelect — or, while `direct` is high, page `dpage` of bank `dbank`
//!   (the AXI slave's linear addressing). Strobes while `txn` is low are
//!   ignored.
//! - At the edge where `txn` falls, a multi-byte value whose bytes were not
//!   all written keeps its written bytes pending if `hold` is high (AXI: a
//!   U16 may straddle two 32-bit words), and drops them otherwise (I2C: all
//!   bytes in one START..STOP).
//! - `page_ok` and `writable` tell, without side effects and one cycle
//!   after `addr` (with `direct`, `dpage`, `dbank`) was presented, whether
//!   that byte reaches an implemented page and whether a write to it would
//!   be accepted: the AXI slave checks a whole word before touching any
//!   byte. (Registered: the map decode is the block's deepest logic, and a
//!   combinational answer would close a loop through the AXI slave.)
//! - After a read edge `rdata` holds the byte (write-only and self-clearing
//!   bits read 0) and latched flags in it are cleared; after a refused
//!   access (unimplemented page, bank or byte, or a write to a byte without
//!   writable bits) `rdata` is 0 and nothing changed. (The buses learn of
//!   refusals from the probes, before they access anything.)
//! - `int_l` is low while a latched flag bit is set whose mask bit is clear;
//!   InterruptDeasserted (lower byte 3 bit 0) reads `int_l`.
//!
//! Like `PrbsSequence`, a generated leaf: its simulation and its Verilog are
//! both produced from one [`RegPlan`].

mod state;
mod verilog;

use super::plan::RegPlan;
use rust_hdl::prelude::*;
use state::{Port, State};
use xpo_spec::EngineConfig;

/// Module threshold ports of the map rows (temperature then Vcc: HA, LA, HW, LW);
/// their flags are the same names with a `flag_` prefix.
const MODULE_THRESHOLDS: [&str; 8] = [
    "temp_ha", "temp_la", "temp_hw", "temp_lw", "vcc_ha", "vcc_la", "vcc_hw", "vcc_lw",
];

/// Laser threshold ports of the map rows (bias then power: HA, LA, HW, LW); their
/// flags are the same names with a `flag_` prefix.
const THRESHOLDS: [&str; 8] = [
    "bias_ha", "bias_la", "bias_hw", "bias_lw", "power_ha", "power_la", "power_hw", "power_lw",
];

/// Which of the block's signals a hardware port drives or reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Sig {
    ModuleState,
    ModuleStateChanged,
    LowPwrRequestSw,
    LowPwrAllowRequestHw,
    SoftwareReset,
    LaserEnable,
    FiberChecked,
    LaserApc,
    CheckPower,
    BiasSetpoint,
    PowerSetpoint,
    LaneState,
    FaultCode,
    BiasMonitor,
    PowerMonitor,
    /// Index into [`THRESHOLDS`].
    Threshold(usize),
    Flag(usize),
    WarningCode,
    LaneFault,
    LaneWarning,
    LaneVoltage,
    /// Computed in the block from its `sources`.
    Summary,
    Temperature,
    Vcc,
    /// Index into [`MODULE_THRESHOLDS`].
    ModuleThreshold(usize),
    ModuleFlag(usize),
}

impl Sig {
    /// The signal of hardware port `base` (a map row's `Hw::port`); every
    /// port must have one.
    pub(super) fn of(base: &str) -> Self {
        let level = |name: &str| THRESHOLDS.iter().position(|&t| t == name);
        let module = |name: &str| MODULE_THRESHOLDS.iter().position(|&t| t == name);
        match base {
            "module_state" => Self::ModuleState,
            "module_state_changed" => Self::ModuleStateChanged,
            "low_pwr_request_sw" => Self::LowPwrRequestSw,
            "low_pwr_allow_request_hw" => Self::LowPwrAllowRequestHw,
            "software_reset" => Self::SoftwareReset,
            "laser_enable" => Self::LaserEnable,
            "fiber_checked" => Self::FiberChecked,
            "laser_apc" => Self::LaserApc,
            "check_power" => Self::CheckPower,
            "bias_setpoint" => Self::BiasSetpoint,
            "power_setpoint" => Self::PowerSetpoint,
            "lane_state" => Self::LaneState,
            "fault_code" => Self::FaultCode,
            "bias_monitor" => Self::BiasMonitor,
            "power_monitor" => Self::PowerMonitor,
            "warning_code" => Self::WarningCode,
            "lane_fault" => Self::LaneFault,
            "lane_warning" => Self::LaneWarning,
            "lane_voltage" => Self::LaneVoltage,
            "fault_summary" | "warning_summary" => Self::Summary,
            "temperature" => Self::Temperature,
            "vcc" => Self::Vcc,
            b => {
                let flag = b.strip_prefix("flag_");
                match (
                    level(b),
                    flag.and_then(level),
                    module(b),
                    flag.and_then(module),
                ) {
                    (Some(i), ..) => Self::Threshold(i),
                    (_, Some(i), ..) => Self::Flag(i),
                    (_, _, Some(i), _) => Self::ModuleThreshold(i),
                    (.., Some(i)) => Self::ModuleFlag(i),
                    _ => panic!(
                        "hardware port {b} of the register map has no signal in CmisRegisters"
                    ),
                }
            }
        }
    }
}

/// The register block; see the module documentation for its contract.
#[derive(LogicBlock)]
pub struct CmisRegisters {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Management byte port
    pub txn: Signal<In, Bit>,
    pub read: Signal<In, Bit>,
    pub write: Signal<In, Bit>,
    pub addr: Signal<In, Bits<8>>,
    pub wdata: Signal<In, Bits<8>>,
    pub direct: Signal<In, Bit>,
    pub dpage: Signal<In, Bits<8>>,
    pub dbank: Signal<In, Bits<8>>,
    pub hold: Signal<In, Bit>,
    pub rdata: Signal<Out, Bits<8>>,
    pub page_ok: Signal<Out, Bit>,
    pub writable: Signal<Out, Bit>,
    // Interrupt
    pub int_l: Signal<Out, Bit>,
    // Hardware interface (the map rows' `hw` roles)
    pub module_state: Signal<In, Bits<3>>,
    pub module_state_changed: Signal<In, Bit>,
    pub low_pwr_request_sw: Signal<Out, Bit>,
    pub low_pwr_allow_request_hw: Signal<Out, Bit>,
    pub software_reset: Signal<Out, Bit>,
    // Per laser lane
    pub laser_enable: Vec<Signal<Out, Bit>>,
    pub fiber_checked: Vec<Signal<Out, Bit>>,
    pub laser_apc: Vec<Signal<Out, Bit>>,
    pub check_power: Vec<Signal<Out, Bits<16>>>,
    pub bias_setpoint: Vec<Signal<Out, Bits<16>>>,
    pub power_setpoint: Vec<Signal<Out, Bits<16>>>,
    pub lane_state: Vec<Signal<In, Bits<2>>>,
    pub fault_code: Vec<Signal<In, Bits<4>>>,
    pub bias_monitor: Vec<Signal<In, Bits<16>>>,
    pub power_monitor: Vec<Signal<In, Bits<16>>>,
    pub bias_ha: Vec<Signal<Out, Bits<16>>>,
    pub bias_la: Vec<Signal<Out, Bits<16>>>,
    pub bias_hw: Vec<Signal<Out, Bits<16>>>,
    pub bias_lw: Vec<Signal<Out, Bits<16>>>,
    pub power_ha: Vec<Signal<Out, Bits<16>>>,
    pub power_la: Vec<Signal<Out, Bits<16>>>,
    pub power_hw: Vec<Signal<Out, Bits<16>>>,
    pub power_lw: Vec<Signal<Out, Bits<16>>>,
    pub flag_bias_ha: Vec<Signal<In, Bit>>,
    pub flag_bias_la: Vec<Signal<In, Bit>>,
    pub flag_bias_hw: Vec<Signal<In, Bit>>,
    pub flag_bias_lw: Vec<Signal<In, Bit>>,
    pub flag_power_ha: Vec<Signal<In, Bit>>,
    pub flag_power_la: Vec<Signal<In, Bit>>,
    pub flag_power_hw: Vec<Signal<In, Bit>>,
    pub flag_power_lw: Vec<Signal<In, Bit>>,
    pub warning_code: Vec<Signal<In, Bits<4>>>,
    pub lane_fault: Vec<Signal<In, Bit>>,
    pub lane_warning: Vec<Signal<In, Bit>>,
    pub lane_voltage: Vec<Signal<In, Bits<8>>>,
    // Module monitors, page 02h thresholds and lower-page flags
    pub temperature: Signal<In, Bits<16>>,
    pub vcc: Signal<In, Bits<16>>,
    pub temp_ha: Signal<Out, Bits<16>>,
    pub temp_la: Signal<Out, Bits<16>>,
    pub temp_hw: Signal<Out, Bits<16>>,
    pub temp_lw: Signal<Out, Bits<16>>,
    pub vcc_ha: Signal<Out, Bits<16>>,
    pub vcc_la: Signal<Out, Bits<16>>,
    pub vcc_hw: Signal<Out, Bits<16>>,
    pub vcc_lw: Signal<Out, Bits<16>>,
    pub flag_temp_ha: Signal<In, Bit>,
    pub flag_temp_la: Signal<In, Bit>,
    pub flag_temp_hw: Signal<In, Bit>,
    pub flag_temp_lw: Signal<In, Bit>,
    pub flag_vcc_ha: Signal<In, Bit>,
    pub flag_vcc_la: Signal<In, Bit>,
    pub flag_vcc_hw: Signal<In, Bit>,
    pub flag_vcc_lw: Signal<In, Bit>,
    state: Regs,
}

/// The state as an opaque member (rust-hdl sees no signals in it).
struct Regs(State);

impl Logic for Regs {
    fn update(&mut self) {}
}

impl Block for Regs {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}

fn lanes<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}

impl CmisRegisters {
    fn thresholds(&mut self, i: usize) -> &mut Vec<Signal<Out, Bits<16>>> {
        match i {
            0 => &mut self.bias_ha,
            1 => &mut self.bias_la,
            2 => &mut self.bias_hw,
            3 => &mut self.bias_lw,
            4 => &mut self.power_ha,
            5 => &mut self.power_la,
            6 => &mut self.power_hw,
            _ => &mut self.power_lw,
        }
    }

    fn module_thresholds(&mut self, i: usize) -> &mut Signal<Out, Bits<16>> {
        match i {
            0 => &mut self.temp_ha,
            1 => &mut self.temp_la,
            2 => &mut self.temp_hw,
            3 => &mut self.temp_lw,
            4 => &mut self.vcc_ha,
            5 => &mut self.vcc_la,
            6 => &mut self.vcc_hw,
            _ => &mut self.vcc_lw,
        }
    }

    fn module_flags(&self, i: usize) -> &Signal<In, Bit> {
        match i {
            0 => &self.flag_temp_ha,
            1 => &self.flag_temp_la,
            2 => &self.flag_temp_hw,
            3 => &self.flag_temp_lw,
            4 => &self.flag_vcc_ha,
            5 => &self.flag_vcc_la,
            6 => &self.flag_vcc_hw,
            _ => &self.flag_vcc_lw,
        }
    }

    fn flags(&self, i: usize) -> &Vec<Signal<In, Bit>> {
        match i {
            0 => &self.flag_bias_ha,
            1 => &self.flag_bias_la,
            2 => &self.flag_bias_hw,
            3 => &self.flag_bias_lw,
            4 => &self.flag_power_ha,
            5 => &self.flag_power_la,
            6 => &self.flag_power_hw,
            _ => &self.flag_power_lw,
        }
    }

    /// The pre-edge value of hardware port `i` (inputs and latches).
    fn hw_value(&self, i: usize) -> u16 {
        let s = &self.state.0;
        let g = s.plan.hwif[i].lane.unwrap_or(0);
        match s.sigs[i] {
            Sig::ModuleState => self.module_state.val().index() as u16,
            Sig::ModuleStateChanged => self.module_state_changed.val() as u16,
            Sig::LaneState => self.lane_state[g].val().index() as u16,
            Sig::FaultCode => self.fault_code[g].val().index() as u16,
            Sig::BiasMonitor => self.bias_monitor[g].val().index() as u16,
            Sig::PowerMonitor => self.power_monitor[g].val().index() as u16,
            Sig::Flag(k) => self.flags(k)[g].val() as u16,
            Sig::WarningCode => self.warning_code[g].val().index() as u16,
            Sig::LaneFault => self.lane_fault[g].val() as u16,
            Sig::LaneWarning => self.lane_warning[g].val() as u16,
            Sig::LaneVoltage => self.lane_voltage[g].val().index() as u16,
            Sig::Temperature => self.temperature.val().index() as u16,
            Sig::Vcc => self.vcc.val().index() as u16,
            Sig::ModuleFlag(k) => self.module_flags(k).val() as u16,
            _ => 0,
        }
    }

    /// Drives control and pulse port `i` of the plan.
    fn drive(&mut self, i: usize) {
        let s = &self.state.0;
        let g = s.plan.hwif[i].lane.unwrap_or(0);
        let (v, pulse, sig) = (s.control(i), s.pulses[i], s.sigs[i]);
        let word = |v: u16| -> Bits<16> { (v as u64).into() };
        match sig {
            Sig::LowPwrRequestSw => self.low_pwr_request_sw.next = v != 0,
            Sig::LowPwrAllowRequestHw => self.low_pwr_allow_request_hw.next = v != 0,
            Sig::SoftwareReset => self.software_reset.next = pulse,
            Sig::LaserEnable => self.laser_enable[g].next = v != 0,
            Sig::FiberChecked => self.fiber_checked[g].next = v != 0,
            Sig::LaserApc => self.laser_apc[g].next = v != 0,
            Sig::CheckPower => self.check_power[g].next = word(v),
            Sig::BiasSetpoint => self.bias_setpoint[g].next = word(v),
            Sig::PowerSetpoint => self.power_setpoint[g].next = word(v),
            Sig::Threshold(k) => self.thresholds(k)[g].next = word(v),
            Sig::ModuleThreshold(k) => self.module_thresholds(k).next = word(v),
            _ => {}
        }
    }

    /// The block for `cfg`'s register map.
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            txn: Default::default(),
            read: Default::default(),
            write: Default::default(),
            addr: Default::default(),
            wdata: Default::default(),
            direct: Default::default(),
            dpage: Default::default(),
            dbank: Default::default(),
            hold: Default::default(),
            rdata: Default::default(),
            page_ok: Default::default(),
            writable: Default::default(),
            int_l: Default::default(),
            module_state: Default::default(),
            module_state_changed: Default::default(),
            low_pwr_request_sw: Default::default(),
            low_pwr_allow_request_hw: Default::default(),
            software_reset: Default::default(),
            laser_enable: lanes(cfg.laser_lanes),
            fiber_checked: lanes(cfg.laser_lanes),
            laser_apc: lanes(cfg.laser_lanes),
            check_power: lanes(cfg.laser_lanes),
            bias_setpoint: lanes(cfg.laser_lanes),
            power_setpoint: lanes(cfg.laser_lanes),
            lane_state: lanes(cfg.laser_lanes),
            fault_code: lanes(cfg.laser_lanes),
            bias_monitor: lanes(cfg.laser_lanes),
            power_monitor: lanes(cfg.laser_lanes),
            bias_ha: lanes(cfg.laser_lanes),
            bias_la: lanes(cfg.laser_lanes),
            bias_hw: lanes(cfg.laser_lanes),
            bias_lw: lanes(cfg.laser_lanes),
            power_ha: lanes(cfg.laser_lanes),
            power_la: lanes(cfg.laser_lanes),
            power_hw: lanes(cfg.laser_lanes),
            power_lw: lanes(cfg.laser_lanes),
            flag_bias_ha: lanes(cfg.laser_lanes),
            flag_bias_la: lanes(cfg.laser_lanes),
            flag_bias_hw: lanes(cfg.laser_lanes),
            flag_bias_lw: lanes(cfg.laser_lanes),
            flag_power_ha: lanes(cfg.laser_lanes),
            flag_power_la: lanes(cfg.laser_lanes),
            flag_power_hw: lanes(cfg.laser_lanes),
            flag_power_lw: lanes(cfg.laser_lanes),
            warning_code: lanes(cfg.laser_lanes),
            lane_fault: lanes(cfg.laser_lanes),
            lane_warning: lanes(cfg.laser_lanes),
            lane_voltage: lanes(cfg.laser_lanes),
            temperature: Default::default(),
            vcc: Default::default(),
            temp_ha: Default::default(),
            temp_la: Default::default(),
            temp_hw: Default::default(),
            temp_lw: Default::default(),
            vcc_ha: Default::default(),
            vcc_la: Default::default(),
            vcc_hw: Default::default(),
            vcc_lw: Default::default(),
            flag_temp_ha: Default::default(),
            flag_temp_la: Default::default(),
            flag_temp_hw: Default::default(),
            flag_temp_lw: Default::default(),
            flag_vcc_ha: Default::default(),
            flag_vcc_la: Default::default(),
            flag_vcc_hw: Default::default(),
            flag_vcc_lw: Default::default(),
            state: Regs(State::new(RegPlan::new(cfg))),
        }
    }
}

impl Logic for CmisRegisters {
    fn update(&mut self) {
        let s = &mut self.state.0;
        let port = Port {
            txn: self.txn.val(),
            read: self.read.val(),
            write: self.write.val(),
            addr: self.addr.val().index() as u8,
            wdata: self.wdata.val().index() as u8,
            direct: self.direct.val(),
            dpage: self.dpage.val().index() as u8,
            dbank: self.dbank.val().index() as u8,
            hold: self.hold.val(),
        };
        if self.clock.pos_edge() {
            if self.reset.val() {
                let plan = s.plan.clone();
                *s = State::new(plan);
            } else {
                let hw: Vec<u16> = (0..self.state.0.sigs.len())
                    .map(|i| self.hw_value(i))
                    .collect();
                self.state.0.edge(&port, &hw);
            }
        }
        let s = &self.state.0;
        self.page_ok.next = s.page_ok;
        self.writable.next = s.writable;
        self.rdata.next = (s.rdata as u64).into();
        self.int_l.next = !s.intl();
        for i in 0..self.state.0.plan.hwif.len() {
            self.drive(i);
        }
    }

    fn connect(&mut self) {
        self.rdata.connect();
        self.page_ok.connect();
        self.writable.connect();
        self.int_l.connect();
        self.low_pwr_request_sw.connect();
        self.low_pwr_allow_request_hw.connect();
        self.software_reset.connect();
        for sig in [
            &mut self.temp_ha,
            &mut self.temp_la,
            &mut self.temp_hw,
            &mut self.temp_lw,
            &mut self.vcc_ha,
            &mut self.vcc_la,
            &mut self.vcc_hw,
            &mut self.vcc_lw,
        ] {
            sig.connect();
        }
        for v in [
            &mut self.laser_enable,
            &mut self.fiber_checked,
            &mut self.laser_apc,
        ] {
            for sig in v.iter_mut() {
                sig.connect();
            }
        }
        for v in [
            &mut self.check_power,
            &mut self.bias_setpoint,
            &mut self.power_setpoint,
            &mut self.bias_ha,
            &mut self.bias_la,
            &mut self.bias_hw,
            &mut self.bias_lw,
            &mut self.power_ha,
            &mut self.power_la,
            &mut self.power_hw,
            &mut self.power_lw,
        ] {
            for sig in v.iter_mut() {
                sig.connect();
            }
        }
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(verilog::verilog(&self.state.0.plan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edge(b: &mut CmisRegisters, m: (bool, bool, bool, u8, u8)) {
        b.txn.next = m.0;
        b.read.next = m.1;
        b.write.next = m.2;
        b.addr.next = (m.3 as u64).into();
        b.wdata.next = (m.4 as u64).into();
        b.clock.next = false.into();
        assert!(simulate(b, 50));
        b.clock.next = true.into();
        assert!(simulate(b, 50));
    }

    /// The hardware interface acts on the fields whose map rows name it.
    #[test]
    fn hardware_interface_reaches_its_fields() {
        let mut b = CmisRegisters::new(&EngineConfig::default());
        b.connect_all();
        b.module_state.next = 3u64.into();
        b.module_state_changed.next = true;
        edge(&mut b, (false, false, false, 0, 0));
        b.module_state_changed.next = false;
        edge(&mut b, (true, true, false, 3, 0));
        assert_eq!(
            b.rdata.val().index() >> 1 & 7,
            3,
            "ModuleState from hardware"
        );
        assert!(!b.int_l.val(), "ModuleStateChanged raised IntL");
        edge(&mut b, (true, true, false, 8, 0));
        assert_eq!(b.rdata.val().index(), 1, "the latched flag reads 1 ...");
        edge(&mut b, (true, true, false, 8, 0));
        assert_eq!(b.rdata.val().index(), 0, "... and is cleared by the read");
        assert!(b.int_l.val());
        edge(&mut b, (true, false, true, 26, 0x18));
        assert!(b.low_pwr_request_sw.val() && !b.low_pwr_allow_request_hw.val());
        assert!(b.software_reset.val(), "SoftwareReset pulses");
        edge(&mut b, (false, false, false, 0, 0));
        assert!(!b.software_reset.val(), "for one cycle");
    }
}
