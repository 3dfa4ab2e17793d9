//! `DataPathStateMachine`: one host lane's CMIS data-path state machine
//! (DPSM), its staged-to-active configuration (ApplyDPInit, ConfigStatus,
//! DPInitPending). The contract is the model's
//! (`xpo_host::model::data_path`, written first from CMIS 5.2 section
//! 6.3.3): inputs sampled at the edge, the state after the edge shown in
//! 11h, each transient state lasting exactly its configured cycles.
//!
//! Designed for the clock: a transient state's duration is loaded into a
//! down-counter when it is entered and the exit test is that counter at
//! zero, so no cycle compares a running count with a state-dependent
//! limit; the configuration verdict is a leaf (`ConfigCheck`) over the
//! staged byte straight from the register block.

use rust_hdl::prelude::*;
pub use xpo_spec::data_path::DpCycles;

/// CMIS state codes (11h:128 nibbles).
mod code {
    pub const DEACTIVATED: u64 = 1;
    pub const INIT: u64 = 2;
    pub const DEINIT: u64 = 3;
    pub const ACTIVATED: u64 = 4;
    pub const TX_TURN_ON: u64 = 5;
    pub const TX_TURN_OFF: u64 = 6;
    pub const INITIALIZED: u64 = 7;
}

/// ConfigStatus codes (11h:202 nibbles).
mod status {
    pub const SUCCESS: u64 = 0x1;
    pub const REJECTED_INVALID_APP_SEL: u64 = 0x3;
    pub const REJECTED_INVALID_DATA_PATH: u64 = 0x4;
    pub const REJECTED_LANES_IN_USE: u64 = 0x6;
    pub const IN_PROGRESS: u64 = 0xC;
}

/// The verdict on a staged DPConfig byte (AppSel 7:4, DataPathID 3:1):
/// ConfigSuccess when AppSel names an advertised Application (1-based)
/// whose lane assignment lets this lane belong to DataPathID, else the
/// rejection code. A leaf with its own Verilog: two constant bitmaps over
/// the seven judged bits, built from the advertisement at elaboration.
#[derive(LogicBlock)]
pub struct ConfigCheck {
    /// Staged bits 7:1 (AppSel, DataPathID; the Explicit bit is not
    /// judged).
    pub key: Signal<In, Bits<7>>,
    pub verdict: Signal<Out, Bits<4>>,
    /// Bit k: staged bits 7:1 = k is ConfigSuccess.
    success: Constant<Bits<128>>,
    /// Bit k: AppSel is advertised but DataPathID k & 7 is not allowed.
    bad_data_path: Constant<Bits<128>>,
}

impl ConfigCheck {
    /// Per AppSel 1.., the DataPathIDs allowed for this lane.
    pub fn new(allowed: &[Vec<u8>]) -> Self {
        assert!(allowed.len() <= 15, "AppSel is 4 bits");
        let (mut ok, mut bad) = (0u128, 0u128);
        for k in 0..128u8 {
            let (app, dp) = ((k >> 3) as usize, k & 7);
            match allowed.get(app.wrapping_sub(1)) {
                None => {}
                Some(ids) if !ids.contains(&dp) => bad |= 1 << k,
                Some(_) => ok |= 1 << k,
            }
        }
        Self {
            key: Default::default(),
            verdict: Default::default(),
            success: Constant::new(ok.to_bits()),
            bad_data_path: Constant::new(bad.to_bits()),
        }
    }

    fn judge(&self, k: usize) -> u64 {
        if self.success.val().get_bit(k) {
            status::SUCCESS
        } else if self.bad_data_path.val().get_bit(k) {
            status::REJECTED_INVALID_DATA_PATH
        } else {
            status::REJECTED_INVALID_APP_SEL
        }
    }
}

impl Logic for ConfigCheck {
    fn update(&mut self) {
        let v = self.judge(self.key.val().index());
        self.verdict.next = v.into();
    }

    fn connect(&mut self) {
        self.verdict.connect();
    }

    fn hdl(&self) -> Verilog {
        // Two constant bitmaps indexed by the key: a 7-input function
        // per verdict bit once synthesis folds the constants.
        Verilog::Custom(format!(
            "always @(*) verdict = success[key] ? 4'd{} : bad_data_path[key] ? 4'd{} : 4'd{};\n",
            status::SUCCESS,
            status::REJECTED_INVALID_DATA_PATH,
            status::REJECTED_INVALID_APP_SEL
        ))
    }
}

/// One lane's DPSM.
#[derive(LogicBlock)]
pub struct DataPathStateMachine {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The module state machine is in ModuleReady.
    pub module_ready: Signal<In, Bit>,
    /// DPDeinit (10h:128) for this lane.
    pub dp_deinit: Signal<In, Bit>,
    /// OutputDisableTx (10h:130) for this lane.
    pub tx_disable: Signal<In, Bit>,
    /// ApplyDPInit (10h:143) written 1 for this lane (a pulse).
    pub apply_dp_init: Signal<In, Bit>,
    /// This lane's staged DPConfig (10h:145 + lane).
    pub staged: Signal<In, Bits<8>>,
    /// The state's CMIS code (11h:128 nibble).
    pub state: Signal<Out, Bits<4>>,
    /// A steady state was entered at the last edge (DPStateChanged).
    pub state_changed: Signal<Out, Bit>,
    pub config_status: Signal<Out, Bits<4>>,
    /// The active DPConfig (11h:206 + lane).
    pub active: Signal<Out, Bits<8>>,
    pub init_pending: Signal<Out, Bit>,
    /// The lane is DPActivated (its outputs may pass data).
    pub activated: Signal<Out, Bit>,
    st: DFF<Bits<4>>,
    left: DFF<Bits<32>>,
    changed: DFF<Bit>,
    cfg_status: DFF<Bits<4>>,
    active_q: DFF<Bits<8>>,
    pending: DFF<Bit>,
    checking: DFF<Bit>,
    chk_verdict: DFF<Bits<4>>,
    chk_staged: DFF<Bits<8>>,
    chk_left: DFF<Bits<16>>,
    check: ConfigCheck,
    s_deactivated: Constant<Bits<4>>,
    s_init: Constant<Bits<4>>,
    s_deinit: Constant<Bits<4>>,
    s_activated: Constant<Bits<4>>,
    s_tx_on: Constant<Bits<4>>,
    s_tx_off: Constant<Bits<4>>,
    s_initialized: Constant<Bits<4>>,
    st_success: Constant<Bits<4>>,
    st_in_use: Constant<Bits<4>>,
    st_in_progress: Constant<Bits<4>>,
    init_last: Constant<Bits<32>>,
    deinit_last: Constant<Bits<32>>,
    tx_on_last: Constant<Bits<32>>,
    tx_off_last: Constant<Bits<32>>,
    left_zero: Constant<Bits<32>>,
    left_one: Constant<Bits<32>>,
    config_cycles: Constant<Bits<16>>,
    chk_one: Constant<Bits<16>>,
    zero4: Constant<Bits<4>>,
    zero8: Constant<Bits<8>>,
    zero16: Constant<Bits<16>>,
}

impl DataPathStateMachine {
    /// A lane with these durations (each 1 ..= 2^32 - 1 cycles; the check
    /// at most 65535) and the DataPathIDs each advertised Application
    /// allows it.
    pub fn new(c: &DpCycles, allowed: Vec<Vec<u8>>) -> Self {
        let last = |n: u32| -> Constant<Bits<32>> { Constant::new(u64::from(n.max(1) - 1).into()) };
        assert!(c.config <= 65_535, "a 16-bit check counter");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            module_ready: Default::default(),
            dp_deinit: Default::default(),
            tx_disable: Default::default(),
            apply_dp_init: Default::default(),
            staged: Default::default(),
            state: Default::default(),
            state_changed: Default::default(),
            config_status: Default::default(),
            active: Default::default(),
            init_pending: Default::default(),
            activated: Default::default(),
            st: Default::default(),
            left: Default::default(),
            changed: Default::default(),
            cfg_status: Default::default(),
            active_q: Default::default(),
            pending: Default::default(),
            checking: Default::default(),
            chk_verdict: Default::default(),
            chk_staged: Default::default(),
            chk_left: Default::default(),
            check: ConfigCheck::new(&allowed),
            s_deactivated: Constant::new(code::DEACTIVATED.into()),
            s_init: Constant::new(code::INIT.into()),
            s_deinit: Constant::new(code::DEINIT.into()),
            s_activated: Constant::new(code::ACTIVATED.into()),
            s_tx_on: Constant::new(code::TX_TURN_ON.into()),
            s_tx_off: Constant::new(code::TX_TURN_OFF.into()),
            s_initialized: Constant::new(code::INITIALIZED.into()),
            st_success: Constant::new(status::SUCCESS.into()),
            st_in_use: Constant::new(status::REJECTED_LANES_IN_USE.into()),
            st_in_progress: Constant::new(status::IN_PROGRESS.into()),
            init_last: last(c.init),
            deinit_last: last(c.deinit),
            tx_on_last: last(c.tx_turn_on),
            tx_off_last: last(c.tx_turn_off),
            left_zero: Constant::new(0u64.into()),
            left_one: Constant::new(1u64.into()),
            config_cycles: Constant::new(u64::from(c.config.max(1)).into()),
            chk_one: Constant::new(1u64.into()),
            zero4: Constant::new(0u64.into()),
            zero8: Constant::new(0u64.into()),
            zero16: Constant::new(0u64.into()),
        }
    }
}

impl Logic for DataPathStateMachine {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            st,
            left,
            changed,
            cfg_status,
            active_q,
            pending,
            checking,
            chk_verdict,
            chk_staged,
            chk_left
        );
        self.check.key.next = self.staged.val().get_bits::<7>(1);
        self.state.next = self.st.q.val();
        self.state_changed.next = self.changed.q.val();
        self.config_status.next = self.cfg_status.q.val();
        self.active.next = self.active_q.q.val();
        self.init_pending.next = self.pending.q.val();
        self.activated.next = self.st.q.val() == self.s_activated.val();
        self.changed.d.next = false;

        // The configuration: a check in progress, then a new request.
        if self.checking.q.val() {
            if self.chk_left.q.val() <= self.chk_one.val() {
                self.checking.d.next = false;
                self.cfg_status.d.next = self.chk_verdict.q.val();
                if self.chk_verdict.q.val() == self.st_success.val() {
                    self.active_q.d.next = self.chk_staged.q.val();
                    self.pending.d.next = true;
                }
            } else {
                self.chk_left.d.next = self.chk_left.q.val() - self.chk_one.val();
            }
        }
        if self.apply_dp_init.val() {
            if self.st.q.val() == self.s_deactivated.val() {
                self.cfg_status.d.next = self.st_in_progress.val();
                self.checking.d.next = true;
                self.chk_verdict.d.next = self.check.verdict.val();
                self.chk_staged.d.next = self.staged.val();
                self.chk_left.d.next = self.config_cycles.val();
            } else {
                self.cfg_status.d.next = self.st_in_use.val();
            }
        }

        // The state machine.
        if !self.module_ready.val() {
            self.st.d.next = self.s_deactivated.val();
        } else if self.st.q.val() == self.s_deactivated.val() {
            if !self.dp_deinit.val() {
                self.st.d.next = self.s_init.val();
                self.left.d.next = self.init_last.val();
                self.pending.d.next = false;
            }
        } else if self.st.q.val() == self.s_initialized.val() {
            if self.dp_deinit.val() {
                self.st.d.next = self.s_deinit.val();
                self.left.d.next = self.deinit_last.val();
            } else if !self.tx_disable.val() {
                self.st.d.next = self.s_tx_on.val();
                self.left.d.next = self.tx_on_last.val();
            }
        } else if self.st.q.val() == self.s_activated.val() {
            if self.dp_deinit.val() | self.tx_disable.val() {
                self.st.d.next = self.s_tx_off.val();
                self.left.d.next = self.tx_off_last.val();
            }
        } else if self.left.q.val() != self.left_zero.val() {
            // A transient state still working.
            self.left.d.next = self.left.q.val() - self.left_one.val();
        } else if self.st.q.val() == self.s_init.val() {
            self.st.d.next = self.s_initialized.val();
            self.changed.d.next = true;
        } else if self.st.q.val() == self.s_tx_on.val() {
            self.st.d.next = self.s_activated.val();
            self.changed.d.next = true;
        } else if self.st.q.val() == self.s_tx_off.val() {
            if self.dp_deinit.val() {
                self.st.d.next = self.s_deinit.val();
                self.left.d.next = self.deinit_last.val();
            } else {
                self.st.d.next = self.s_initialized.val();
                self.changed.d.next = true;
            }
        } else {
            // DPDeinit done.
            self.st.d.next = self.s_deactivated.val();
            self.changed.d.next = true;
        }

        if self.reset.val() {
            self.st.d.next = self.s_deactivated.val();
            self.left.d.next = self.left_zero.val();
            self.changed.d.next = false;
            self.cfg_status.d.next = self.zero4.val();
            self.active_q.d.next = self.zero8.val();
            self.pending.d.next = false;
            self.checking.d.next = false;
            self.chk_verdict.d.next = self.zero4.val();
            self.chk_staged.d.next = self.zero8.val();
            self.chk_left.d.next = self.zero16.val();
        }
    }
}

/// A DPSM on its own, stepped like the engines, for block-level
/// cross-checks against the model (`tests/tests/data_path.rs`).
pub struct DataPathStepper {
    dp: DataPathStateMachine,
}

/// One edge's inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DpDrive {
    pub module_ready: bool,
    pub dp_deinit: bool,
    pub tx_disable: bool,
    pub apply_dp_init: bool,
    pub staged: u8,
}

/// The outputs after an edge: `(state code, state_changed, config_status,
/// active, init_pending)`.
pub type DpSense = (u8, bool, u8, u8, bool);

impl DataPathStepper {
    /// A lane, reset on its first edge.
    pub fn new(c: &DpCycles, allowed: Vec<Vec<u8>>) -> Self {
        let mut dp = DataPathStateMachine::new(c, allowed);
        dp.connect_all();
        let mut s = Self { dp };
        s.dp.reset.next = true;
        s.edge();
        s.dp.reset.next = false;
        s
    }

    fn edge(&mut self) {
        self.dp.clock.next = false.into();
        assert!(simulate(&mut self.dp, 100), "DPSM settles");
        self.dp.clock.next = true.into();
        assert!(simulate(&mut self.dp, 100), "DPSM settles");
    }

    pub fn step(&mut self, d: &DpDrive) -> DpSense {
        self.dp.module_ready.next = d.module_ready;
        self.dp.dp_deinit.next = d.dp_deinit;
        self.dp.tx_disable.next = d.tx_disable;
        self.dp.apply_dp_init.next = d.apply_dp_init;
        self.dp.staged.next = u64::from(d.staged).into();
        self.edge();
        let p = &self.dp;
        (
            p.state.val().index() as u8,
            p.state_changed.val(),
            p.config_status.val().index() as u8,
            p.active.val().index() as u8,
            p.init_pending.val(),
        )
    }
}
