//! `Lane`: everything one lane owns. Today the PRBS generator (transmit side)
//! and checker (receive side); the retimer datapath joins them here.

use crate::prbs::{PrbsChecker, PrbsGenerator};
use rust_hdl::prelude::*;
use xpo_spec::PrbsConfig;

/// One lane; its ports are the per-lane ports of `xpo_spec::LaneInputs` and
/// `xpo_spec::LaneOutputs`, by the same names.
#[derive(LogicBlock)]
pub struct Lane {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // SerDes interface
    pub rx_data: Signal<In, Bits<66>>,
    pub rx_valid: Signal<In, Bit>,
    pub tx_ready: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<66>>,
    pub tx_valid: Signal<Out, Bit>,
    // PRBS control
    pub prbs_gen_enable: Signal<In, Bit>,
    pub prbs_gen_pattern: Signal<In, Bits<4>>,
    pub prbs_gen_invert: Signal<In, Bit>,
    pub prbs_chk_enable: Signal<In, Bit>,
    pub prbs_chk_pattern: Signal<In, Bits<4>>,
    pub prbs_chk_invert: Signal<In, Bit>,
    pub prbs_chk_counter_reset: Signal<In, Bit>,
    // PRBS status
    pub prbs_chk_locked: Signal<Out, Bit>,
    pub prbs_chk_error_count: Signal<Out, Bits<64>>,
    pub prbs_chk_bit_count: Signal<Out, Bits<64>>,
    prbs_gen: PrbsGenerator,
    prbs_chk: PrbsChecker,
}

impl Lane {
    pub fn new(prbs: &PrbsConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            rx_data: Default::default(),
            rx_valid: Default::default(),
            tx_ready: Default::default(),
            tx_data: Default::default(),
            tx_valid: Default::default(),
            prbs_gen_enable: Default::default(),
            prbs_gen_pattern: Default::default(),
            prbs_gen_invert: Default::default(),
            prbs_chk_enable: Default::default(),
            prbs_chk_pattern: Default::default(),
            prbs_chk_invert: Default::default(),
            prbs_chk_counter_reset: Default::default(),
            prbs_chk_locked: Default::default(),
            prbs_chk_error_count: Default::default(),
            prbs_chk_bit_count: Default::default(),
            prbs_gen: Default::default(),
            prbs_chk: PrbsChecker::new(prbs),
        }
    }
}

impl Logic for Lane {
    #[hdl_gen]
    fn update(&mut self) {
        self.prbs_gen.clock.next = self.clock.val();
        self.prbs_gen.reset.next = self.reset.val();
        self.prbs_gen.enable.next = self.prbs_gen_enable.val();
        self.prbs_gen.pattern.next = self.prbs_gen_pattern.val();
        self.prbs_gen.invert.next = self.prbs_gen_invert.val();
        self.prbs_gen.ready.next = self.tx_ready.val();
        self.tx_data.next = self.prbs_gen.data.val();
        self.tx_valid.next = self.prbs_gen.valid.val();

        self.prbs_chk.clock.next = self.clock.val();
        self.prbs_chk.reset.next = self.reset.val();
        self.prbs_chk.enable.next = self.prbs_chk_enable.val();
        self.prbs_chk.pattern.next = self.prbs_chk_pattern.val();
        self.prbs_chk.invert.next = self.prbs_chk_invert.val();
        self.prbs_chk.counter_reset.next = self.prbs_chk_counter_reset.val();
        self.prbs_chk.data.next = self.rx_data.val();
        self.prbs_chk.valid.next = self.rx_valid.val();
        self.prbs_chk_locked.next = self.prbs_chk.locked.val();
        self.prbs_chk_error_count.next = self.prbs_chk.error_count.val();
        self.prbs_chk_bit_count.next = self.prbs_chk.bit_count.val();
    }
}
