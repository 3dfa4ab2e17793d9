//! `XpoCore`: the top of the engine, N lanes.
//!
//! Each per-lane port is a `Vec` of signals, one per lane, so the lane count
//! is a run-time configuration value rather than a type parameter. rust-hdl
//! names them `rx_data$0`, `rx_data$1`, ...; [`crate::emit`] wraps the core
//! in `xpo_engine`, whose ports are packed buses with plain names.

use crate::cmis::{CmisRegisters, ModuleStateMachine};
use crate::lane::Lane;
use rust_hdl::prelude::*;
use xpo_spec::EngineConfig;

/// The engine top: clock, synchronous reset and the per-lane ports of
/// `xpo_spec::LaneInputs` / `LaneOutputs`.
#[derive(LogicBlock)]
pub struct XpoCore {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Management byte port and interrupt
    pub mgmt_txn: Signal<In, Bit>,
    pub mgmt_read: Signal<In, Bit>,
    pub mgmt_write: Signal<In, Bit>,
    pub mgmt_addr: Signal<In, Bits<8>>,
    pub mgmt_wdata: Signal<In, Bits<8>>,
    pub module_reset: Signal<In, Bit>,
    pub low_power_pin: Signal<In, Bit>,
    pub mgmt_rdata: Signal<Out, Bits<8>>,
    pub mgmt_err: Signal<Out, Bit>,
    pub int_l: Signal<Out, Bit>,
    // SerDes interface, per lane
    pub rx_data: Vec<Signal<In, Bits<66>>>,
    pub rx_valid: Vec<Signal<In, Bit>>,
    pub tx_ready: Vec<Signal<In, Bit>>,
    pub tx_data: Vec<Signal<Out, Bits<66>>>,
    pub tx_valid: Vec<Signal<Out, Bit>>,
    // PRBS control, per lane
    pub prbs_gen_enable: Vec<Signal<In, Bit>>,
    pub prbs_gen_pattern: Vec<Signal<In, Bits<4>>>,
    pub prbs_gen_invert: Vec<Signal<In, Bit>>,
    pub prbs_chk_enable: Vec<Signal<In, Bit>>,
    pub prbs_chk_pattern: Vec<Signal<In, Bits<4>>>,
    pub prbs_chk_invert: Vec<Signal<In, Bit>>,
    pub prbs_chk_counter_reset: Vec<Signal<In, Bit>>,
    // PRBS status, per lane
    pub prbs_chk_locked: Vec<Signal<Out, Bit>>,
    pub prbs_chk_error_count: Vec<Signal<Out, Bits<64>>>,
    pub prbs_chk_bit_count: Vec<Signal<Out, Bits<64>>>,
    pub lanes: Vec<Lane>,
    pub registers: CmisRegisters,
    pub module_state: ModuleStateMachine,
    /// Engine reset, the module reset pin, or SoftwareReset: the whole
    /// module returns to its reset state.
    reset_all: Signal<Local, Bit>,
    /// No fault sources yet: the laser lanes will drive this.
    no_fault: Constant<Bit>,
}

fn per_lane<T: Default>(n: usize) -> Vec<T> {
    (0..n).map(|_| T::default()).collect()
}

impl XpoCore {
    /// The core for `cfg`, which must already be validated.
    pub fn new(cfg: &EngineConfig) -> Self {
        let n = cfg.lanes;
        Self {
            clock: Default::default(),
            reset: Default::default(),
            mgmt_txn: Default::default(),
            mgmt_read: Default::default(),
            mgmt_write: Default::default(),
            mgmt_addr: Default::default(),
            mgmt_wdata: Default::default(),
            module_reset: Default::default(),
            low_power_pin: Default::default(),
            mgmt_rdata: Default::default(),
            mgmt_err: Default::default(),
            int_l: Default::default(),
            rx_data: per_lane(n),
            rx_valid: per_lane(n),
            tx_ready: per_lane(n),
            tx_data: per_lane(n),
            tx_valid: per_lane(n),
            prbs_gen_enable: per_lane(n),
            prbs_gen_pattern: per_lane(n),
            prbs_gen_invert: per_lane(n),
            prbs_chk_enable: per_lane(n),
            prbs_chk_pattern: per_lane(n),
            prbs_chk_invert: per_lane(n),
            prbs_chk_counter_reset: per_lane(n),
            prbs_chk_locked: per_lane(n),
            prbs_chk_error_count: per_lane(n),
            prbs_chk_bit_count: per_lane(n),
            lanes: (0..n).map(|_| Lane::new(&cfg.prbs)).collect(),
            registers: CmisRegisters::new(cfg),
            module_state: ModuleStateMachine::new(cfg),
            reset_all: Default::default(),
            no_fault: Constant::new(false),
        }
    }
}

impl Logic for XpoCore {
    #[hdl_gen]
    fn update(&mut self) {
        self.reset_all.next =
            self.reset.val() | self.module_reset.val() | self.registers.software_reset.val();
        self.registers.clock.next = self.clock.val();
        self.registers.reset.next = self.reset_all.val();
        self.registers.module_state.next = self.module_state.state.val();
        self.registers.module_state_changed.next = self.module_state.changed.val();
        self.module_state.clock.next = self.clock.val();
        self.module_state.reset.next = self.reset_all.val();
        self.module_state.low_pwr_request_sw.next = self.registers.low_pwr_request_sw.val();
        self.module_state.low_pwr_allow_request_hw.next =
            self.registers.low_pwr_allow_request_hw.val();
        self.module_state.low_power_pin.next = self.low_power_pin.val();
        self.module_state.fault.next = self.no_fault.val();
        self.registers.txn.next = self.mgmt_txn.val();
        self.registers.read.next = self.mgmt_read.val();
        self.registers.write.next = self.mgmt_write.val();
        self.registers.addr.next = self.mgmt_addr.val();
        self.registers.wdata.next = self.mgmt_wdata.val();
        self.mgmt_rdata.next = self.registers.rdata.val();
        self.mgmt_err.next = self.registers.err.val();
        self.int_l.next = self.registers.int_l.val();
        for i in 0..self.lanes.len() {
            self.lanes[i].clock.next = self.clock.val();
            self.lanes[i].reset.next = self.reset_all.val();
            self.lanes[i].rx_data.next = self.rx_data[i].val();
            self.lanes[i].rx_valid.next = self.rx_valid[i].val();
            self.lanes[i].tx_ready.next = self.tx_ready[i].val();
            self.lanes[i].prbs_gen_enable.next = self.prbs_gen_enable[i].val();
            self.lanes[i].prbs_gen_pattern.next = self.prbs_gen_pattern[i].val();
            self.lanes[i].prbs_gen_invert.next = self.prbs_gen_invert[i].val();
            self.lanes[i].prbs_chk_enable.next = self.prbs_chk_enable[i].val();
            self.lanes[i].prbs_chk_pattern.next = self.prbs_chk_pattern[i].val();
            self.lanes[i].prbs_chk_invert.next = self.prbs_chk_invert[i].val();
            self.lanes[i].prbs_chk_counter_reset.next = self.prbs_chk_counter_reset[i].val();
            self.tx_data[i].next = self.lanes[i].tx_data.val();
            self.tx_valid[i].next = self.lanes[i].tx_valid.val();
            self.prbs_chk_locked[i].next = self.lanes[i].prbs_chk_locked.val();
            self.prbs_chk_error_count[i].next = self.lanes[i].prbs_chk_error_count.val();
            self.prbs_chk_bit_count[i].next = self.lanes[i].prbs_chk_bit_count.val();
        }
    }
}
