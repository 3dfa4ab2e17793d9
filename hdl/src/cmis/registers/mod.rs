//! `CmisRegisters`: the CMIS management memory behind a byte-wide port,
//! generated from the register map (as PeakRDL-regblock generates RTL from
//! SystemRDL).
//!
//! Port contract (the host model `CmisMemory` implements the same):
//! - **Input stage.** The block registers every cycle's port (`txn`,
//!   `read`, `write`, `addr`, `wdata`, `hold`) with the half page the
//!   address resolves to, and acts on it at the *next* edge: everything
//!   below happens one edge after the port showed it. (The read-back mux
//!   over every byte and the write decode then start at registers inside
//!   the block, not behind the bus masters' address logic and the page
//!   select: issue 11's critical path.)
//! - A rising `txn` opens a transaction; a falling `txn` ends it, committing
//!   every multi-byte writable value whose bytes were all written in it.
//! - While `txn` is high, `read` or `write` (not both) accesses byte `addr`:
//!   the lower page, or for 128..255 the page in PageSelect of the bank in
//!   BankSelect — or, while `direct` is high, page `dpage` of bank `dbank`
//!   (the AXI slave's linear addressing). Strobes while `txn` is low are
//!   ignored.
//! - The page and bank are those selected on the cycle *before* the port
//!   showed the access: the block decodes PageSelect/BankSelect and
//!   `dpage`/`dbank` every cycle into registers (the decode over every
//!   implemented page is the block's deepest logic). So a write to
//!   PageSelect or BankSelect steers upper accesses shown from the third
//!   cycle after it was shown (an I2C host needs a whole byte, hundreds of
//!   cycles, before its next access), and a bus master presents
//!   `dpage`/`dbank` one cycle before it uses them (the AXI slave shows the
//!   next access's page while idle). `direct` and `addr` are taken with
//!   the access.
//! - At the edge where the falling `txn` acts, a multi-byte value whose
//!   bytes were not all written keeps its written bytes pending if `hold`
//!   is high (AXI: a U16 may straddle two 32-bit words), and drops them
//!   otherwise (I2C: all bytes in one START..STOP).
//! - `page_ok` and `writable` tell, without side effects and two cycles
//!   after `addr` (with `direct`, `dpage`, `dbank`) was shown (its input
//!   stage, then a register), whether that byte reaches an implemented
//!   page and whether a write to it would be accepted: the AXI slave
//!   checks a whole word before touching any byte.
//! - At the edge a read acts, latched flags in its byte are cleared, and
//!   one edge later (three cycles after the port showed it) `rdata` holds
//!   the byte as it was before that clear (write-only and self-clearing
//!   bits read 0): the read-back is two registered stages, a byte per half
//!   page and then the half, since the flat multiplexer over every byte was
//!   the engine's critical path. After a refused access (unimplemented
//!   page, bank or byte, or a write to a byte without writable bits)
//!   `rdata` is 0, on the same schedule, and nothing changed. (The buses
//!   learn of refusals from the probes, before they access anything.)
//! - Hardware inputs are sampled at edges where the acting `txn` is low.
//! - A write to a save/restore command byte (1Ah:184 of a bank) runs the
//!   command at the next edge, before that edge's commit and access (they
//!   win over a restore, as they would after an immediate one); its status
//!   byte is set then. (The command's decode and its fan-out to every saved
//!   copy would otherwise sit behind the bus address.)
//! - `int_l` is low while a latched flag bit is set whose mask bit is clear;
//!   InterruptDeasserted (lower byte 3 bit 0) reads `int_l`.
//!
//! Like `PrbsSequence`, a generated leaf: its simulation and its Verilog are
//! both produced from one [`RegPlan`].

mod state;
mod verilog;

use super::hwif::{CommandRegs, DataLaneRegs, HwBundle, LaserRegs, ModuleStateRegs, MonitorRegs};
use super::plan::{HwPort, HwRole, RegPlan};
use crate::opaque::Opaque;
use rust_hdl::prelude::*;
use state::{Port, State};
use xpo_spec::hwif::{BundleId, BUNDLES};
use xpo_spec::EngineConfig;

/// Where the block reaches hardware port `plan.hwif[i]`: the bundle
/// member, the laser lane (0 for module bundles) and the port's index in
/// its bundle. Resolved once, so the per-cycle loops compare no names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Slot {
    member: BundleId,
    lane: usize,
    index: usize,
}

impl Slot {
    /// The slot of a hardware port; `None` for summaries (computed inside).
    pub(super) fn of(p: &HwPort) -> Option<Self> {
        let (b, index) = p.bundle?;
        Some(Self {
            member: BUNDLES[b].id,
            lane: p.lane.unwrap_or(0),
            index,
        })
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
    // Hardware interface: the bundles of `xpo_spec::hwif`, each port used
    // by the map rows that name it.
    pub state_machine: ModuleStateRegs,
    pub monitors: MonitorRegs,
    pub commands: CommandRegs,
    pub laser: Vec<LaserRegs>,
    pub data_lane: Vec<DataLaneRegs>,
    /// The state (rust-hdl sees no signals in it).
    state: Opaque<State>,
}

impl CmisRegisters {
    /// The current value of hardware port `i` (inputs and latches).
    fn hw_value(&self, i: usize) -> u64 {
        match self.state.0.slots[i] {
            None => 0,
            Some(Slot {
                member,
                lane,
                index,
            }) => match member {
                BundleId::ModuleStateRegs => self.state_machine.get(index),
                BundleId::MonitorRegs => self.monitors.get(index),
                BundleId::CommandRegs => self.commands.get(index),
                BundleId::LaserRegs => self.laser[lane].get(index),
                BundleId::DataLaneRegs => self.data_lane[lane].get(index),
            },
        }
    }

    /// Drives control and pulse port `i` of the plan.
    fn drive(&mut self, i: usize) {
        let s = &self.state.0;
        let v = match s.plan.hwif[i].role {
            HwRole::Control => s.control(i),
            HwRole::Pulse => s.pulses[i] as u64,
            _ => return,
        };
        let Some(Slot {
            member,
            lane,
            index,
        }) = s.slots[i]
        else {
            return;
        };
        match member {
            BundleId::ModuleStateRegs => self.state_machine.set(index, v),
            BundleId::MonitorRegs => self.monitors.set(index, v),
            BundleId::CommandRegs => self.commands.set(index, v),
            BundleId::LaserRegs => self.laser[lane].set(index, v),
            BundleId::DataLaneRegs => self.data_lane[lane].set(index, v),
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
            state_machine: Default::default(),
            monitors: Default::default(),
            commands: Default::default(),
            laser: (0..cfg.laser_lanes).map(|_| Default::default()).collect(),
            data_lane: (0..cfg.lanes).map(|_| Default::default()).collect(),
            state: Opaque(State::new(RegPlan::new(cfg))),
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
                // The direct decode is registered through reset too.
                s.half_direct = s.plan.resolve(0x80, port.dbank, port.dpage);
            } else {
                let hw: Vec<u64> = (0..self.state.0.slots.len())
                    .map(|i| self.hw_value(i))
                    .collect();
                let src: Vec<u64> = self
                    .state
                    .0
                    .plan
                    .sources
                    .iter()
                    .map(|p| self.data_lane[p.lane].get(p.bundle.1))
                    .collect();
                self.state.0.edge(&port, &hw, &src);
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
        self.state_machine.connect_controls();
        self.monitors.connect_controls();
        self.commands.connect_controls();
        for l in &mut self.laser {
            l.connect_controls();
        }
        for l in &mut self.data_lane {
            l.connect_controls();
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

    /// A read of `addr` in an open transaction: the strobe's cycle, then a
    /// cycle for the input stage and one for the first read-back stage;
    /// `rdata` after the third edge.
    fn read(b: &mut CmisRegisters, addr: u8) -> u64 {
        edge(b, (true, true, false, addr, 0));
        edge(b, (true, false, false, addr, 0));
        edge(b, (true, false, false, addr, 0));
        b.rdata.val().index() as u64
    }

    /// A module status port on a banked page (1Bh:240 supply current)
    /// shows in every bank: bank 1 of a 16-laser module reads it too.
    #[test]
    fn a_module_value_on_a_banked_page_shows_in_every_bank() {
        let cfg = EngineConfig {
            laser_lanes: 16,
            ..Default::default()
        };
        let mut b = CmisRegisters::new(&cfg);
        b.connect_all();
        b.monitors.supply_current.next = 0x3A98u64.into();
        edge(&mut b, (false, false, false, 0, 0));
        for bank in [0u8, 1] {
            edge(&mut b, (true, false, true, 126, bank));
            edge(&mut b, (true, false, true, 127, 0x1B));
            edge(&mut b, (false, false, false, 0, 0));
            edge(&mut b, (false, false, false, 0, 0));
            let hi = read(&mut b, 240);
            let lo = read(&mut b, 241);
            edge(&mut b, (false, false, false, 0, 0));
            assert_eq!((hi, lo), (0x3A, 0x98), "bank {bank}");
        }
    }

    /// The hardware interface acts on the fields whose map rows name it.
    #[test]
    fn hardware_interface_reaches_its_fields() {
        let mut b = CmisRegisters::new(&EngineConfig::default());
        b.connect_all();
        b.state_machine.module_state.next = 3u64.into();
        b.state_machine.module_state_changed.next = true;
        edge(&mut b, (false, false, false, 0, 0));
        b.state_machine.module_state_changed.next = false;
        edge(&mut b, (false, false, false, 0, 0));
        assert_eq!(read(&mut b, 3) >> 1 & 7, 3, "ModuleState from hardware");
        assert!(!b.int_l.val(), "ModuleStateChanged raised IntL");
        assert_eq!(read(&mut b, 8), 1, "the latched flag reads 1 ...");
        assert_eq!(read(&mut b, 8), 0, "... and is cleared by the read");
        assert!(b.int_l.val());
        edge(&mut b, (true, false, true, 26, 0x18));
        assert!(
            !b.commands.software_reset.val(),
            "the write acts at the next edge"
        );
        edge(&mut b, (true, false, false, 26, 0));
        let sm = &b.state_machine;
        assert!(sm.low_pwr_request_sw.val() && !sm.low_pwr_allow_request_hw.val());
        assert!(b.commands.software_reset.val(), "SoftwareReset pulses");
        edge(&mut b, (false, false, false, 0, 0));
        assert!(!b.commands.software_reset.val(), "for one cycle");
    }
}
