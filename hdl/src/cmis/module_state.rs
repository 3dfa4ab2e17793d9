//! `ModuleStateMachine`: the CMIS module state machine (MSM).
//!
//! Cycle contract (the host model implements the same from this text):
//! - Module reset puts it in ModuleLowPwr with the timer cleared.
//! - A low-power request is LowPwrRequestSW, or the LowPwr pin while
//!   LowPwrAllowRequestHW is set.
//! - LowPwr → PwrUp when no request; PwrUp → Ready after the configured
//!   power-up cycles, or → PwrDn on a request; Ready → PwrDn on a request;
//!   PwrDn → LowPwr after the configured power-down cycles. A fault moves any
//!   state but Fault to Fault, which only a module reset leaves.
//! - Every change raises `changed` for one cycle (the register block latches
//!   it into ModuleStateChanged).

use super::hwif::ModuleStatePort;
use rust_hdl::prelude::*;
use xpo_spec::EngineConfig;

/// CMIS ModuleState codes.
pub mod code {
    pub const LOW_PWR: u64 = 1;
    pub const PWR_UP: u64 = 2;
    pub const READY: u64 = 3;
    pub const PWR_DN: u64 = 4;
    pub const FAULT: u64 = 5;
}

#[derive(LogicBlock)]
pub struct ModuleStateMachine {
    // Clock and module reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// To the register block: the state and its change flag out, the
    /// software low-power controls in (`xpo_spec::hwif::ModuleStateRegs`).
    pub regs: ModuleStatePort,
    // Requests
    pub low_power_pin: Signal<In, Bit>,
    pub fault: Signal<In, Bit>,
    request: Signal<Local, Bit>,
    st: DFF<Bits<3>>,
    timer: DFF<Bits<32>>,
    chg: DFF<Bit>,
    up_last: Constant<Bits<32>>,
    dn_last: Constant<Bits<32>>,
    timer_zero: Constant<Bits<32>>,
    timer_one: Constant<Bits<32>>,
    low_pwr: Constant<Bits<3>>,
    pwr_up: Constant<Bits<3>>,
    ready: Constant<Bits<3>>,
    pwr_dn: Constant<Bits<3>>,
    fault_state: Constant<Bits<3>>,
}

impl ModuleStateMachine {
    /// Durations from `cfg` (validated: at least one cycle, 32 bits).
    pub fn new(cfg: &EngineConfig) -> Self {
        let last = |ns: u64| Constant::new((cfg.cycles_for_ns(ns).max(1) - 1).into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            regs: Default::default(),
            low_power_pin: Default::default(),
            fault: Default::default(),
            request: Default::default(),
            st: Default::default(),
            timer: Default::default(),
            chg: Default::default(),
            up_last: last(cfg.module.power_up_ns),
            dn_last: last(cfg.module.power_down_ns),
            timer_zero: Constant::new(0u64.into()),
            timer_one: Constant::new(1u64.into()),
            low_pwr: Constant::new(code::LOW_PWR.into()),
            pwr_up: Constant::new(code::PWR_UP.into()),
            ready: Constant::new(code::READY.into()),
            pwr_dn: Constant::new(code::PWR_DN.into()),
            fault_state: Constant::new(code::FAULT.into()),
        }
    }
}

impl Logic for ModuleStateMachine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, st, timer, chg);
        self.request.next = self.regs.low_pwr_request_sw.val()
            | (self.regs.low_pwr_allow_request_hw.val() & self.low_power_pin.val());
        self.regs.module_state.next = self.st.q.val();
        self.regs.module_state_changed.next = self.chg.q.val();
        self.chg.d.next = false;
        if self.fault.val() & (self.st.q.val() != self.fault_state.val()) {
            self.st.d.next = self.fault_state.val();
            self.chg.d.next = true;
        } else if self.st.q.val() == self.low_pwr.val() {
            if !self.request.val() {
                self.st.d.next = self.pwr_up.val();
                self.timer.d.next = self.timer_zero.val();
                self.chg.d.next = true;
            }
        } else if self.st.q.val() == self.pwr_up.val() {
            if self.request.val() {
                self.st.d.next = self.pwr_dn.val();
                self.timer.d.next = self.timer_zero.val();
                self.chg.d.next = true;
            } else if self.timer.q.val() == self.up_last.val() {
                self.st.d.next = self.ready.val();
                self.chg.d.next = true;
            } else {
                self.timer.d.next = self.timer.q.val() + self.timer_one.val();
            }
        } else if self.st.q.val() == self.ready.val() {
            if self.request.val() {
                self.st.d.next = self.pwr_dn.val();
                self.timer.d.next = self.timer_zero.val();
                self.chg.d.next = true;
            }
        } else if self.st.q.val() == self.pwr_dn.val() {
            if self.timer.q.val() == self.dn_last.val() {
                self.st.d.next = self.low_pwr.val();
                self.chg.d.next = true;
            } else {
                self.timer.d.next = self.timer.q.val() + self.timer_one.val();
            }
        }
        if self.reset.val() {
            self.st.d.next = self.low_pwr.val();
            self.timer.d.next = self.timer_zero.val();
            self.chg.d.next = false;
        }
    }
}
