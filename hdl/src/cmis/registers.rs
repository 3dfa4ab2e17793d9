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

use super::plan::{FlagTerm, HwPort, HwRole, RegPlan, SavedByte};
use rust_hdl::prelude::*;
use std::fmt::Write;
use xpo_spec::EngineConfig;

/// The byte port's inputs for one cycle.
#[derive(Debug, Clone, Copy, Default)]
struct Port {
    txn: bool,
    read: bool,
    write: bool,
    addr: u8,
    wdata: u8,
    direct: bool,
    dpage: u8,
    dbank: u8,
    hold: bool,
}

/// The register state, advanced once per rising edge.
struct State {
    plan: RegPlan,
    store: Vec<[u8; 128]>,
    pending: Vec<[u8; 8]>,
    written: Vec<u8>,
    txn_prev: bool,
    rdata: u8,
    page_ok: bool,
    writable: bool,
    /// Pulse outputs, in `plan.hwif` order (0 for other roles).
    pulses: Vec<bool>,
    /// The block signal of each hardware port, in `plan.hwif` order,
    /// resolved once so the per-pass loops do not compare names.
    sigs: Vec<Sig>,
    /// For `Summary` ports: the `plan.hwif` indices of the ports they OR.
    sources: Vec<Vec<usize>>,
    /// Save/restore sets per `plan.saves` entry: `[set kind][slot - 1]`,
    /// the saved bytes (in the entry's order) if that slot was saved.
    saved: Vec<[[Option<Vec<u8>>; 2]; 2]>,
}

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
enum Sig {
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
    fn of(base: &str) -> Self {
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

impl State {
    fn new(plan: RegPlan) -> Self {
        let store = plan
            .halves
            .iter()
            .map(|h| std::array::from_fn(|b| h.bytes[b].reset))
            .collect();
        let n = plan.groups.len();
        let n_saves = plan.saves.len();
        let sigs: Vec<Sig> = plan.hwif.iter().map(|p| Sig::of(&p.base)).collect();
        let sources = plan
            .hwif
            .iter()
            .map(|p| match (p.role, p.lane) {
                (HwRole::Summary, Some(bank)) => plan
                    .hwif
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        Some(&q.base) == p.summarizes.as_ref()
                            && q.lane.is_some_and(|g| g / 8 == bank)
                    })
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        Self {
            plan,
            store,
            pending: vec![[0; 8]; n],
            written: vec![0; n],
            txn_prev: false,
            rdata: 0,
            page_ok: false,
            writable: false,
            pulses: vec![false; sigs.len()],
            sigs,
            sources,
            saved: vec![Default::default(); n_saves],
        }
    }

    fn intl(&self) -> bool {
        self.plan.flags.iter().any(|t| {
            let FlagTerm {
                half: h,
                byte: b,
                bits,
                mask,
                global,
            } = *t;
            let set = self.store[h][b as usize] & bits;
            let masked = mask.map_or(0, |m| self.store[h][m as usize] & bits)
                | global.map_or(0, |m| self.store[h][m as usize] & bits);
            set & !masked != 0
        })
    }

    fn value(&self, h: usize, b: usize) -> u8 {
        let mut v = self.store[h][b];
        let (ib, bit) = self.plan.interrupt;
        if h == 0 && b == ib as usize {
            v = (v & !(1 << bit)) | ((!self.intl() as u8) << bit);
        }
        v
    }

    /// The value control port `i` shows: its field's stored bits.
    fn control(&self, i: usize) -> u16 {
        let p = &self.plan.hwif[i];
        let bytes = &self.store[p.half];
        if p.len > 1 {
            (bytes[p.byte as usize] as u16) << 8 | bytes[p.byte as usize + 1] as u16
        } else {
            ((bytes[p.byte as usize] & p.mask()) >> p.lsb) as u16
        }
    }

    /// One rising edge. `hw` holds the pre-edge value of every hardware
    /// port in `plan.hwif` order (inputs and latch requests; others ignored).
    fn edge(&mut self, port: &Port, hw: &[u16]) {
        let Port {
            txn,
            read,
            write,
            addr,
            wdata,
            ..
        } = *port;
        (self.page_ok, self.writable) = self.probe(port);
        self.access(port);
        for (i, &value) in hw.iter().enumerate().take(self.plan.hwif.len()) {
            let p = &self.plan.hwif[i];
            let (half, byte, mask, lsb, len) = (p.half, p.byte as usize, p.mask(), p.lsb, p.len);
            let value = match p.role {
                HwRole::Summary => self.sources[i].iter().any(|&k| hw[k] != 0) as u16,
                _ => value,
            };
            match p.role {
                HwRole::Input | HwRole::Summary if !txn => {
                    let bytes = &mut self.store[half];
                    if len > 1 {
                        bytes[byte] = (value >> 8) as u8;
                        bytes[byte + 1] = value as u8;
                    } else {
                        bytes[byte] = (bytes[byte] & !mask) | (((value as u8) << lsb) & mask);
                    }
                }
                HwRole::Latch => self.store[half][byte] |= ((value as u8) << lsb) & mask,
                HwRole::Pulse => {
                    self.pulses[i] = txn && write && !read && addr == p.byte && wdata & mask != 0;
                }
                _ => {}
            }
        }
    }

    /// The half `port` addresses, `None` if its page or bank is not
    /// implemented.
    fn half(&self, port: &Port) -> Option<usize> {
        let lower = &self.store[0];
        let (bank, page) = if port.direct {
            (port.dbank, port.dpage)
        } else {
            (
                lower[self.plan.bank_select as usize],
                lower[self.plan.page_select as usize],
            )
        };
        self.plan.resolve(port.addr, bank, page)
    }

    /// The probes for `port`'s address: `(page_ok, writable)`.
    fn probe(&self, port: &Port) -> (bool, bool) {
        match self.half(port) {
            Some(h) => {
                let c = self.plan.halves[h].bytes[(port.addr & 0x7f) as usize];
                (true, c.any != 0 && c.store | c.sc != 0)
            }
            None => (false, false),
        }
    }

    /// Runs save/restore command `cmd` of `plan.saves[k]` (the edge of its
    /// write) and sets the bank's status byte.
    fn save_restore(&mut self, k: usize, cmd: u8) {
        use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
        let sb = &self.plan.saves[k];
        let status = match decode(cmd) {
            None => INVALID,
            Some((set, slot, save)) => {
                let kind = set as usize;
                let bytes = &sb.sets[kind];
                if save {
                    let v = bytes
                        .iter()
                        .map(|s| self.store[s.half][s.byte as usize] & s.bits)
                        .collect();
                    self.saved[k][kind][slot - 1] = Some(v);
                    OK
                } else {
                    let values: Option<Vec<u8>> = if slot == 0 {
                        Some(
                            bytes
                                .iter()
                                .map(|s| {
                                    self.plan.halves[s.half].bytes[s.byte as usize].reset & s.bits
                                })
                                .collect(),
                        )
                    } else {
                        self.saved[k][kind][slot - 1].clone()
                    };
                    match values {
                        Some(v) => {
                            for (
                                &SavedByte {
                                    half: h,
                                    byte: b,
                                    bits: m,
                                },
                                x,
                            ) in bytes.iter().zip(v)
                            {
                                let r = &mut self.store[h][b as usize];
                                *r = (*r & !m) | (x & m);
                            }
                            OK
                        }
                        None => NOTHING_SAVED,
                    }
                }
            }
        };
        let sb = &self.plan.saves[k];
        self.store[sb.half][sb.status as usize] = status;
    }

    fn access(&mut self, port: &Port) {
        let Port {
            txn,
            read,
            write,
            addr,
            wdata,
            hold,
            ..
        } = *port;
        let txn_prev = std::mem::replace(&mut self.txn_prev, txn);
        if !txn && txn_prev {
            for (g, grp) in self.plan.groups.iter().enumerate() {
                let all = ((1u16 << grp.len) - 1) as u8;
                if self.written[g] == all {
                    for k in 0..grp.len as usize {
                        self.store[grp.half][grp.first as usize + k] = self.pending[g][k];
                    }
                    self.written[g] = 0;
                } else if !hold {
                    self.written[g] = 0;
                }
            }
        }
        if !txn || !(read || write) {
            return;
        }
        let half = self.half(port);
        let b = (addr & 0x7f) as usize;
        let class = half.map(|h| self.plan.halves[h].bytes[b]);
        match (half, class) {
            (Some(h), Some(c)) if c.any != 0 => {
                if read {
                    self.rdata = self.value(h, b) & !c.read_zero;
                    self.store[h][b] &= !c.rc;
                } else if c.store | c.sc == 0 {
                    self.rdata = 0;
                } else if let Some(g) = c.group {
                    let k = b - self.plan.groups[g].first as usize;
                    self.pending[g][k] = wdata;
                    self.written[g] |= 1 << k;
                } else {
                    self.store[h][b] = (self.store[h][b] & !c.store) | (wdata & c.store);
                    if let Some(k) = self
                        .plan
                        .saves
                        .iter()
                        .position(|sb| sb.half == h && sb.command as usize == b)
                    {
                        self.save_restore(k, wdata);
                    }
                }
            }
            _ => {
                self.rdata = 0;
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
        Verilog::Custom(verilog(&self.state.0.plan))
    }
}

fn clog2(n: usize) -> usize {
    (usize::BITS - (n.max(2) - 1).leading_zeros()) as usize
}

/// Save/restore (inside the accepted-write branch): a write to a bank's
/// command byte runs the command at this edge and sets its status byte.
fn save_restore_verilog(plan: &RegPlan, v: &mut String) {
    use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
    let hw = clog2(plan.halves.len());
    let reg = |h: usize, b: u8| format!("s_{}_{b}", plan.halves[h].tag());
    let commands: Vec<u8> = (0..=255u8).filter(|&c| decode(c).is_some()).collect();
    for sb in &plan.saves {
        let bank = sb.bank;
        let status = reg(sb.half, sb.status);
        let _ = writeln!(
            v,
            "                if ({{half, addr[6:0]}} == {{{hw}'d{}, 7'd{}}}) begin\n                    case (wdata)",
            sb.half, sb.command
        );
        for &cmd in &commands {
            let (set, slot, save) = decode(cmd).expect("valid command");
            let kind = set as usize;
            let bytes = &sb.sets[kind];
            let _ = writeln!(v, "                        8'h{cmd:02X}: begin");
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
            "                        default: {status} <= 8'd{INVALID};\n                    endcase\n                end"
        );
    }
}

/// `expr`, `width` bits wide, zero-extended to a byte.
fn widen(expr: &str, width: u8) -> String {
    if width >= 8 {
        expr.to_string()
    } else {
        format!("{{{}'d0, {expr}}}", 8 - width)
    }
}

/// The block's Verilog body, from the plan.
fn verilog(plan: &RegPlan) -> String {
    let hw = clog2(plan.halves.len());
    let key = |h: usize, b: usize| format!("{{{hw}'d{h}, 7'd{b}}}");
    let reg = |h: usize, b: usize| format!("s_{}_{b}", plan.halves[h].tag());
    let mut v = String::new();
    let _ = writeln!(
        v,
        "// Generated from the xpo register map: {} half pages, {} multi-byte groups.",
        plan.halves.len(),
        plan.groups.len()
    );
    // Declarations.
    v.push_str("reg txn_prev;\n");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.stored {
                let _ = writeln!(v, "reg [7:0] {};", reg(h, b));
            }
        }
    }
    for (g, grp) in plan.groups.iter().enumerate() {
        for k in 0..grp.len {
            let _ = writeln!(v, "reg [7:0] p_{g}_{k};");
        }
        let _ = writeln!(v, "reg [{}:0] w_{g};", grp.len - 1);
    }
    for sb in &plan.saves {
        for (kind, bytes) in sb.sets.iter().enumerate() {
            for slot in 1..=2 {
                let _ = writeln!(v, "reg sv_ok_{}_{kind}_{slot};", sb.bank);
                for i in 0..bytes.len() {
                    let _ = writeln!(v, "reg [7:0] sv_{}_{kind}_{slot}_{i};", sb.bank);
                }
            }
        }
    }
    let _ = writeln!(v, "reg [{}:0] half;\nreg half_ok;", hw - 1);
    v.push_str("reg [7:0] rval;\nreg [7:0] c_any;\nreg [7:0] c_store;\nreg [7:0] c_rzero;\nreg [7:0] c_sc;\nreg intl;\nwire rd_ok = txn && read && half_ok && c_any != 8'd0;\n\n");

    // Window: which half a byte address reaches.
    let _ = writeln!(
        v,
        "wire [7:0] sel_page = direct ? dpage : {};\nwire [7:0] sel_bank = direct ? dbank : {};",
        reg(0, plan.page_select as usize),
        reg(0, plan.bank_select as usize)
    );
    let _ = writeln!(v, "always @(*) begin\n    half = {hw}'d0;\n    half_ok = 1'b1;\n    if (addr[7]) begin\n        case (sel_page)");
    for &(page, banks) in &plan.pages {
        let idx = |bank: u8| {
            plan.halves
                .iter()
                .position(|h| h.key == Some((bank, page)))
                .expect("half")
        };
        if page < 0x10 {
            let _ = writeln!(v, "            8'h{page:02X}: half = {hw}'d{};", idx(0));
        } else {
            let _ = writeln!(v, "            8'h{page:02X}:");
            v.push_str("                case (sel_bank)\n");
            for bank in 0..banks {
                let _ = writeln!(
                    v,
                    "                    8'd{bank}: half = {hw}'d{};",
                    idx(bank)
                );
            }
            v.push_str("                    default: half_ok = 1'b0;\n                endcase\n");
        }
    }
    v.push_str("            default: half_ok = 1'b0;\n        endcase\n    end\nend\n\n");

    // IntL.
    let mut terms = Vec::new();
    for &FlagTerm {
        half: h,
        byte: b,
        bits,
        mask,
        global,
    } in &plan.flags
    {
        let mut t = format!("({} & 8'h{bits:02X})", reg(h, b as usize));
        for m in [mask, global].into_iter().flatten() {
            t = format!("({t} & ~({} & 8'h{bits:02X}))", reg(h, m as usize));
        }
        terms.push(t);
    }
    let _ = writeln!(v, "always @(*) begin\n    intl = 1'b0;");
    for t in &terms {
        let _ = writeln!(v, "    intl = intl | (|{t});");
    }
    v.push_str("    int_l = ~intl;\nend\n\n");

    // Read value and byte classes.
    v.push_str("always @(*) begin\n    rval = 8'd0;\n    c_any = 8'd0;\n    c_store = 8'd0;\n    c_rzero = 8'd0;\n    c_sc = 8'd0;\n");
    let _ = writeln!(v, "    case ({{half, addr[6:0]}})");
    let (ib, ibit) = plan.interrupt;
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.any == 0 {
                continue;
            }
            let mut value = if c.stored {
                reg(h, b)
            } else {
                format!("8'h{:02X}", c.reset)
            };
            if h == 0 && b == ib as usize {
                value = format!(
                    "(({value} & 8'h{:02X}) | ({{7'd0, ~intl}} << {ibit}))",
                    !(1u8 << ibit)
                );
            }
            let _ = writeln!(
                v,
                "        {}: begin rval = {value}; c_any = 8'h{:02X}; c_store = 8'h{:02X}; c_rzero = 8'h{:02X}; c_sc = 8'h{:02X}; end",
                key(h, b),
                c.any,
                c.store,
                c.read_zero,
                c.sc
            );
        }
    }
    v.push_str("        default: ;\n    endcase\nend\n\n");

    // Clocked behaviour.
    v.push_str("always @(posedge clock) begin\n    txn_prev <= txn;\n    page_ok <= half_ok;\n    writable <= half_ok && c_any != 8'd0 && (c_store | c_sc) != 8'd0;\n    if (reset) begin\n        txn_prev <= 1'b0;\n        rdata <= 8'd0;\n        page_ok <= 1'b0;\n        writable <= 1'b0;\n");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.stored {
                let _ = writeln!(v, "        {} <= 8'h{:02X};", reg(h, b), c.reset);
            }
        }
    }
    for (g, grp) in plan.groups.iter().enumerate() {
        let _ = writeln!(v, "        w_{g} <= {}'d0;", grp.len);
    }
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Pulse) {
        let _ = writeln!(v, "        {} <= 1'b0;", p.port);
    }
    for sb in &plan.saves {
        for (kind, bytes) in sb.sets.iter().enumerate() {
            for slot in 1..=2 {
                let _ = writeln!(v, "        sv_ok_{}_{kind}_{slot} <= 1'b0;", sb.bank);
                for i in 0..bytes.len() {
                    let _ = writeln!(v, "        sv_{}_{kind}_{slot}_{i} <= 8'd0;", sb.bank);
                }
            }
        }
    }
    v.push_str("    end else begin\n        if (!txn && txn_prev) begin\n");
    for (g, grp) in plan.groups.iter().enumerate() {
        let _ = writeln!(v, "            if (&w_{g}) begin");
        for k in 0..grp.len {
            let _ = writeln!(
                v,
                "                {} <= p_{g}_{k};",
                reg(grp.half, (grp.first + k) as usize)
            );
        }
        let _ = writeln!(
            v,
            "                w_{g} <= {}'d0;\n            end else if (!hold) begin\n                w_{g} <= {}'d0;\n            end",
            grp.len,
            grp.len
        );
    }
    v.push_str("        end\n        if (txn && read) begin\n            if (!half_ok || c_any == 8'd0) begin\n                rdata <= 8'd0;\n            end else begin\n                rdata <= rval & ~c_rzero;\n");
    v.push_str("            end\n        end else if (txn && write) begin\n");
    v.push_str("            if (!half_ok || c_any == 8'd0 || (c_store | c_sc) == 8'd0) begin\n                rdata <= 8'd0;\n            end else begin\n");
    let _ = writeln!(v, "                case ({{half, addr[6:0]}})");
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if let Some(g) = c.group {
                let k = b - plan.groups[g].first as usize;
                let _ = writeln!(
                    v,
                    "                    {}: begin p_{g}_{k} <= wdata; w_{g}[{k}] <= 1'b1; end",
                    key(h, b)
                );
            } else if c.store != 0 {
                let _ = writeln!(
                    v,
                    "                    {}: {} <= ({} & 8'h{:02X}) | (wdata & 8'h{:02X});",
                    key(h, b),
                    reg(h, b),
                    reg(h, b),
                    !c.store,
                    c.store
                );
            }
        }
    }
    v.push_str("                    default: ;\n                endcase\n");
    save_restore_verilog(plan, &mut v);
    v.push_str("            end\n        end\n");
    // Latched flags: cleared by a read of their byte, raised by hardware;
    // a raise wins over a same-cycle clear.
    for (h, half) in plan.halves.iter().enumerate() {
        for (b, c) in half.bytes.iter().enumerate() {
            if c.rc == 0 {
                continue;
            }
            let mut set = String::from("8'd0");
            for p in plan
                .hwif
                .iter()
                .filter(|p| p.role == HwRole::Latch && p.half == h && p.byte as usize == b)
            {
                set = format!(
                    "{set} | (({} << {}) & 8'h{:02X})",
                    widen(&p.port, p.width),
                    p.lsb,
                    p.mask()
                );
            }
            let r = reg(h, b);
            let _ = writeln!(
                v,
                "        {r} <= ({r} & ~((rd_ok && {{half, addr[6:0]}} == {}) ? 8'h{:02X} : 8'd0)) | {set};",
                key(h, b),
                c.rc
            );
        }
    }
    // Hardware inputs, sampled only outside transactions (coherent reads);
    // one assignment per byte, however many fields share it.
    let mut input_bytes: Vec<(usize, usize)> = Vec::new();
    let sampled = |p: &&HwPort| matches!(p.role, HwRole::Input | HwRole::Summary);
    for p in plan.hwif.iter().filter(sampled) {
        for k in 0..p.len as usize {
            let at = (p.half, p.byte as usize + k);
            if !input_bytes.contains(&at) {
                input_bytes.push(at);
            }
        }
    }
    for (h, b) in input_bytes {
        let r = reg(h, b);
        let mut keep = 0xffu8;
        let mut terms = Vec::new();
        for p in plan.hwif.iter().filter(|p| sampled(p) && p.half == h) {
            if p.len > 1 && (b == p.byte as usize || b == p.byte as usize + 1) {
                keep = 0;
                let hi = if b == p.byte as usize { "15:8" } else { "7:0" };
                terms.push(format!("{}[{hi}]", p.port));
            } else if p.len == 1 && b == p.byte as usize {
                keep &= !p.mask();
                let value = match p.role {
                    HwRole::Summary => {
                        let bank = p.lane.expect("per-bank row");
                        let ors: Vec<&str> = plan
                            .hwif
                            .iter()
                            .filter(|q| {
                                Some(&q.base) == p.summarizes.as_ref()
                                    && q.lane.is_some_and(|g| g / 8 == bank)
                            })
                            .map(|q| q.port.as_str())
                            .collect();
                        format!("({})", ors.join(" | "))
                    }
                    _ => p.port.clone(),
                };
                terms.push(format!(
                    "(({} << {}) & 8'h{:02X})",
                    widen(&value, p.width),
                    p.lsb,
                    p.mask()
                ));
            }
        }
        let _ = writeln!(
            v,
            "        if (!txn) {r} <= ({r} & 8'h{keep:02X}) | {};",
            terms.join(" | ")
        );
    }
    // One-cycle pulses after a host write of 1 to a self-clearing bit.
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Pulse) {
        let _ = writeln!(
            v,
            "        {} <= txn && write && !read && addr == 8'd{} && (wdata & 8'h{:02X}) != 8'd0;",
            p.port,
            p.byte,
            p.mask()
        );
    }
    v.push_str("    end\nend\n\n");
    // Controls: the stored bits of the field.
    v.push_str("always @(*) begin\n");
    for p in plan.hwif.iter().filter(|p| p.role == HwRole::Control) {
        let class = &plan.halves[p.half].bytes;
        // A read-only control (page 02h's thresholds) is a constant.
        let byte = |b: usize| {
            if class[b].stored {
                reg(p.half, b)
            } else {
                format!("8'h{:02X}", class[b].reset)
            }
        };
        let r = byte(p.byte as usize);
        let value = if p.len > 1 {
            format!("{{{r}, {}}}", byte(p.byte as usize + 1))
        } else if p.width == 1 && p.port_width == 1 {
            format!("|({r} & 8'h{:02X})", p.mask())
        } else {
            let bits = format!("{r}[{}:{}]", p.lsb + p.width - 1, p.lsb);
            if p.port_width > p.width {
                format!("{{{}'d0, {bits}}}", p.port_width - p.width)
            } else {
                bits
            }
        };
        let _ = writeln!(v, "    {} = {value};", p.port);
    }
    v.push_str("end\n");
    v
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
