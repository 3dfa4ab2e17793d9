//! The CMIS 5.x data-path state machine (DPSM) of one host lane, written
//! from the standard's description (CMIS 5.2, section 6.3.3, "Data Path
//! State Machine"; `../shared/reference/cmis-elsfp.md`) in its own terms,
//! before any RTL (issue 12's rule). Each lane is its own data path here:
//! the engine's one Application is 8 lanes of one data path on the wire,
//! but every lane has its own DPDeinit, OutputDisableTx and ApplyDPInit
//! bit, and SONiC and FBOSS drive them lane by lane with one mask.
//!
//! # States (11h:128..131, a nibble a lane)
//!
//! Steady: DPDeactivated (1), DPInitialized (7), DPActivated (4).
//! Transient: DPInit (2), DPDeinit (3), DPTxTurnOn (5), DPTxTurnOff (6).
//!
//! - DPDeactivated → DPInit when DPDeinit (10h:128) is clear.
//! - DPInit → DPInitialized when initialisation is done.
//! - DPInitialized → DPDeinit when DPDeinit is set; → DPTxTurnOn when the
//!   Tx output is enabled (OutputDisableTx, 10h:130, clear).
//! - DPTxTurnOn → DPActivated when the output is on.
//! - DPActivated → DPTxTurnOff when DPDeinit is set or the output disabled.
//! - DPTxTurnOff → DPDeinit if DPDeinit is set, else → DPInitialized.
//! - DPDeinit → DPDeactivated when done.
//! - A module that is not in ModuleReady holds every lane DPDeactivated.
//!
//! A transient state finishes its work before its exit conditions are
//! evaluated (so a DPDeinit set during DPInit leaves through
//! DPInitialized), as CMIS specifies for transient states.
//!
//! # Cycle contract (what CMIS leaves open)
//!
//! - **Edges.** Inputs (module Ready, DPDeinit, OutputDisableTx, an
//!   ApplyDPInit pulse) are sampled on the rising edge; the state after the
//!   edge is what 11h shows.
//! - **Transient durations.** A transient state lasts exactly its
//!   configured number of cycles (DPInit, DPDeinit, TxTurnOn, TxTurnOff;
//!   at least 1): it is entered at one edge and left at the edge
//!   `cycles` later. The advertised maxima (01h:144, 01h:168) are the
//!   smallest CMIS duration codes at or above the configured times.
//! - **Steady-state exits** happen at the first edge their condition holds.
//! - **DPStateChanged** (11h:134, latched) is raised at the edge that
//!   enters a steady state by the DPSM's own transitions. Being forced to
//!   DPDeactivated because the module left ModuleReady does not raise it
//!   (the module state change is the host's event, ModuleStateChanged).
//! - **ApplyDPInit** (10h:143, per lane) is acted on at the edge it is seen:
//!   only a lane in DPDeactivated accepts a new configuration (CMIS hosts
//!   deinitialise first, SONiC's xcvrd among them); there the staged
//!   DPConfig (10h:145..152) is checked against the advertised
//!   Applications, and ConfigStatus (11h:202..205) shows ConfigInProgress
//!   (Ch) for `config_cycles` cycles, then ConfigSuccess (1) with the
//!   staged set copied to the active set (11h:206..213) and DPInitPending
//!   (11h:235) set, or the rejection code (3 invalid AppSel, 4 invalid
//!   DataPathID) with the active set unchanged. A lane in any other state
//!   answers at once with ConfigRejectedLanesInUse (6). DPInitPending clears
//!   when the lane enters DPInit (the pending configuration is now being
//!   applied).

/// A DPSM state, with its CMIS code (11h:128..131 nibble).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DpState {
    DpDeactivated,
    DpInit,
    DpDeinit,
    DpActivated,
    DpTxTurnOn,
    DpTxTurnOff,
    DpInitialized,
}

impl DpState {
    /// Every state, in CMIS code order.
    pub const ALL: [Self; 7] = [
        Self::DpDeactivated,
        Self::DpInit,
        Self::DpDeinit,
        Self::DpActivated,
        Self::DpTxTurnOn,
        Self::DpTxTurnOff,
        Self::DpInitialized,
    ];

    /// The CMIS state code.
    pub fn code(self) -> u8 {
        match self {
            Self::DpDeactivated => 1,
            Self::DpInit => 2,
            Self::DpDeinit => 3,
            Self::DpActivated => 4,
            Self::DpTxTurnOn => 5,
            Self::DpTxTurnOff => 6,
            Self::DpInitialized => 7,
        }
    }

    /// Steady states wait for the host; transient ones finish on their own.
    pub fn is_steady(self) -> bool {
        matches!(
            self,
            Self::DpDeactivated | Self::DpInitialized | Self::DpActivated
        )
    }
}

/// ConfigStatus codes (11h:202..205 nibble).
pub mod config_status {
    pub const UNDEFINED: u8 = 0x0;
    pub const SUCCESS: u8 = 0x1;
    pub const REJECTED_INVALID_APP_SEL: u8 = 0x3;
    pub const REJECTED_INVALID_DATA_PATH: u8 = 0x4;
    pub const REJECTED_LANES_IN_USE: u8 = 0x6;
    pub const IN_PROGRESS: u8 = 0xC;
}

/// A lane's DPConfig byte (10h:145.. staged, 11h:206.. active): AppSel in
/// bits 7:4, DataPathID in 3:1, Explicit control in 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpConfig(pub u8);

impl DpConfig {
    pub fn app_sel(self) -> u8 {
        self.0 >> 4
    }
    pub fn data_path_id(self) -> u8 {
        (self.0 >> 1) & 7
    }
}

/// The cycles each transient state and a configuration check take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DpTiming {
    pub init: u32,
    pub deinit: u32,
    pub tx_turn_on: u32,
    pub tx_turn_off: u32,
    pub config: u32,
}

/// What the lane may be configured to: for each advertised Application
/// (AppSel 1..), the DataPathIDs (first host lane of a data path) its lane
/// assignment allows this lane to belong to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advertised {
    pub data_path_ids: Vec<Vec<u8>>,
}

/// One edge's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct DpInputs {
    /// The module state machine is in ModuleReady.
    pub module_ready: bool,
    /// DPDeinit (10h:128) for this lane.
    pub dp_deinit: bool,
    /// OutputDisableTx (10h:130) for this lane.
    pub tx_disable: bool,
    /// ApplyDPInit (10h:143) was written 1 for this lane.
    pub apply_dp_init: bool,
    /// This lane's staged DPConfig (10h:145 + lane).
    pub staged: DpConfig,
}

/// One lane's data-path state machine and configuration status.
#[derive(Debug, Clone)]
pub struct DataPathLane {
    timing: DpTiming,
    advertised: Advertised,
    state: DpState,
    /// Cycles spent in the current transient state.
    elapsed: u32,
    /// A configuration check in progress: its result and cycles left.
    checking: Option<(u8, DpConfig, u32)>,
    config_status: u8,
    active: DpConfig,
    init_pending: bool,
    /// DPStateChanged raised at the last edge (the register block latches).
    state_changed: bool,
}

impl DataPathLane {
    /// A lane after reset: DPDeactivated, nothing configured.
    pub fn new(timing: DpTiming, advertised: Advertised) -> Self {
        Self {
            timing,
            advertised,
            state: DpState::DpDeactivated,
            elapsed: 0,
            checking: None,
            config_status: config_status::UNDEFINED,
            active: DpConfig::default(),
            init_pending: false,
            state_changed: false,
        }
    }

    pub fn state(&self) -> DpState {
        self.state
    }
    pub fn config_status(&self) -> u8 {
        self.config_status
    }
    pub fn active(&self) -> DpConfig {
        self.active
    }
    pub fn init_pending(&self) -> bool {
        self.init_pending
    }
    /// Whether the last edge raised DPStateChanged.
    pub fn state_changed(&self) -> bool {
        self.state_changed
    }

    fn duration(&self, s: DpState) -> u32 {
        let t = &self.timing;
        match s {
            DpState::DpInit => t.init,
            DpState::DpDeinit => t.deinit,
            DpState::DpTxTurnOn => t.tx_turn_on,
            DpState::DpTxTurnOff => t.tx_turn_off,
            _ => 0,
        }
        .max(1)
    }

    /// The verdict on a staged configuration.
    fn check(&self, c: DpConfig) -> u8 {
        let app = c.app_sel() as usize;
        match self.advertised.data_path_ids.get(app.wrapping_sub(1)) {
            None => config_status::REJECTED_INVALID_APP_SEL,
            Some(ids) if !ids.contains(&c.data_path_id()) => {
                config_status::REJECTED_INVALID_DATA_PATH
            }
            Some(_) => config_status::SUCCESS,
        }
    }

    /// One rising edge.
    pub fn step(&mut self, i: &DpInputs) {
        self.state_changed = false;
        // The configuration: a check in progress, then a new request.
        if let Some((verdict, staged, left)) = self.checking {
            if left <= 1 {
                self.checking = None;
                self.config_status = verdict;
                if verdict == config_status::SUCCESS {
                    self.active = staged;
                    self.init_pending = true;
                }
            } else {
                self.checking = Some((verdict, staged, left - 1));
            }
        }
        if i.apply_dp_init {
            if self.state == DpState::DpDeactivated {
                let verdict = self.check(i.staged);
                self.config_status = config_status::IN_PROGRESS;
                self.checking = Some((verdict, i.staged, self.timing.config.max(1)));
            } else {
                self.config_status = config_status::REJECTED_LANES_IN_USE;
            }
        }
        // The state machine.
        if !i.module_ready {
            self.state = DpState::DpDeactivated;
            self.elapsed = 0;
            return;
        }
        let next = if self.state.is_steady() {
            match self.state {
                DpState::DpDeactivated if !i.dp_deinit => Some(DpState::DpInit),
                DpState::DpInitialized if i.dp_deinit => Some(DpState::DpDeinit),
                DpState::DpInitialized if !i.tx_disable => Some(DpState::DpTxTurnOn),
                DpState::DpActivated if i.dp_deinit || i.tx_disable => Some(DpState::DpTxTurnOff),
                _ => None,
            }
        } else {
            self.elapsed += 1;
            (self.elapsed >= self.duration(self.state)).then_some(match self.state {
                DpState::DpInit => DpState::DpInitialized,
                DpState::DpTxTurnOn => DpState::DpActivated,
                DpState::DpTxTurnOff if i.dp_deinit => DpState::DpDeinit,
                DpState::DpTxTurnOff => DpState::DpInitialized,
                _ => DpState::DpDeactivated,
            })
        };
        if let Some(n) = next {
            self.state = n;
            self.elapsed = 0;
            self.state_changed = n.is_steady();
            if n == DpState::DpInit {
                self.init_pending = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use DpState::*;

    const T: DpTiming = DpTiming {
        init: 5,
        deinit: 3,
        tx_turn_on: 4,
        tx_turn_off: 2,
        config: 2,
    };

    /// One Application (AppSel 1): 8 lanes of one data path starting at
    /// lane 0, so DataPathID 0 is the only valid one.
    fn lane() -> DataPathLane {
        DataPathLane::new(
            T,
            Advertised {
                data_path_ids: vec![vec![0]],
            },
        )
    }

    fn ready(dp_deinit: bool, tx_disable: bool) -> DpInputs {
        DpInputs {
            module_ready: true,
            dp_deinit,
            tx_disable,
            ..Default::default()
        }
    }

    /// Steps until the state changes; returns (edges taken, new state).
    fn until_change(l: &mut DataPathLane, i: DpInputs) -> (u32, DpState) {
        let s = l.state();
        for n in 1..=100 {
            l.step(&i);
            if l.state() != s {
                return (n, l.state());
            }
        }
        panic!("stuck in {s:?}");
    }

    /// CMIS state codes, 11h:128 nibbles.
    #[test]
    fn state_codes_are_cmis() {
        let codes: Vec<u8> = DpState::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes, [1, 2, 3, 4, 5, 6, 7]);
    }

    /// The full walk with its timing: up to DPActivated, then down through
    /// DPTxTurnOff and DPDeinit, each transient state lasting exactly its
    /// configured cycles and each steady state entered raising
    /// DPStateChanged.
    #[test]
    fn up_and_down_with_the_configured_durations() {
        let mut l = lane();
        // Deinit held: stays deactivated.
        for _ in 0..10 {
            l.step(&ready(true, false));
            assert_eq!(l.state(), DpDeactivated);
        }
        let up = ready(false, false);
        assert_eq!(until_change(&mut l, up), (1, DpInit));
        assert!(!l.state_changed(), "DPInit is transient");
        assert_eq!(until_change(&mut l, up), (T.init, DpInitialized));
        assert!(l.state_changed());
        assert_eq!(until_change(&mut l, up), (1, DpTxTurnOn));
        assert_eq!(until_change(&mut l, up), (T.tx_turn_on, DpActivated));
        assert!(l.state_changed());
        let down = ready(true, false);
        assert_eq!(until_change(&mut l, down), (1, DpTxTurnOff));
        assert_eq!(until_change(&mut l, down), (T.tx_turn_off, DpDeinit));
        assert_eq!(until_change(&mut l, down), (T.deinit, DpDeactivated));
        assert!(l.state_changed());
    }

    /// With the Tx output disabled the lane stops at DPInitialized;
    /// disabling it in DPActivated goes back there through DPTxTurnOff.
    #[test]
    fn tx_disable_holds_and_returns_to_initialized() {
        let mut l = lane();
        let off = ready(false, true);
        until_change(&mut l, off);
        assert_eq!(until_change(&mut l, off), (T.init, DpInitialized));
        for _ in 0..20 {
            l.step(&off);
            assert_eq!(l.state(), DpInitialized);
            assert!(!l.state_changed(), "raised once, on entry");
        }
        let on = ready(false, false);
        until_change(&mut l, on);
        assert_eq!(until_change(&mut l, on), (T.tx_turn_on, DpActivated));
        assert_eq!(until_change(&mut l, off), (1, DpTxTurnOff));
        assert_eq!(until_change(&mut l, off), (T.tx_turn_off, DpInitialized));
        assert!(l.state_changed());
    }

    /// A transient state completes before its exits are evaluated: DPDeinit
    /// set during DPInit leaves through DPInitialized, then DPDeinit.
    #[test]
    fn transient_states_complete_first() {
        let mut l = lane();
        l.step(&ready(false, false));
        assert_eq!(l.state(), DpInit);
        let down = ready(true, false);
        assert_eq!(until_change(&mut l, down), (T.init, DpInitialized));
        assert_eq!(until_change(&mut l, down), (1, DpDeinit));
        assert_eq!(until_change(&mut l, down), (T.deinit, DpDeactivated));
    }

    /// A module leaving ModuleReady forces DPDeactivated at once, from any
    /// state, without DPStateChanged; back in Ready the lane comes up again.
    #[test]
    fn module_not_ready_forces_deactivated() {
        let mut l = lane();
        let up = ready(false, false);
        for _ in 0..(2 + T.init + T.tx_turn_on) {
            l.step(&up);
        }
        assert_eq!(l.state(), DpActivated);
        l.step(&DpInputs::default());
        assert_eq!(l.state(), DpDeactivated);
        assert!(!l.state_changed());
        assert_eq!(until_change(&mut l, up), (1, DpInit));
    }

    /// The SONiC bring-up: DPDeinit set, AppSel 1 / DataPathID 0 staged,
    /// ApplyDPInit; ConfigStatus is ConfigInProgress then ConfigSuccess with
    /// the active set copied and DPInitPending set until DPInit runs.
    #[test]
    fn apply_dp_init_in_deactivated_succeeds() {
        let mut l = lane();
        let staged = DpConfig(0x10);
        assert_eq!((staged.app_sel(), staged.data_path_id()), (1, 0));
        l.step(&DpInputs {
            apply_dp_init: true,
            staged,
            ..ready(true, false)
        });
        assert_eq!(l.config_status(), config_status::IN_PROGRESS);
        assert_eq!(l.active(), DpConfig(0));
        for _ in 0..T.config {
            l.step(&ready(true, false));
        }
        assert_eq!(l.config_status(), config_status::SUCCESS);
        assert_eq!(l.active(), staged);
        assert!(l.init_pending());
        l.step(&ready(false, false));
        assert_eq!(l.state(), DpInit);
        assert!(
            !l.init_pending(),
            "DPInit applies the pending configuration"
        );
    }

    /// Rejections: an AppSel not advertised (0 or 2), a DataPathID the
    /// Application does not allow, and a lane not deactivated.
    #[test]
    fn apply_dp_init_rejections() {
        for (staged, want) in [
            (0x00, config_status::REJECTED_INVALID_APP_SEL),
            (0x20, config_status::REJECTED_INVALID_APP_SEL),
            (0x12, config_status::REJECTED_INVALID_DATA_PATH),
        ] {
            let mut l = lane();
            l.step(&DpInputs {
                apply_dp_init: true,
                staged: DpConfig(staged),
                ..ready(true, false)
            });
            for _ in 0..T.config {
                l.step(&ready(true, false));
            }
            assert_eq!(l.config_status(), want, "staged {staged:#04x}");
            assert_eq!(l.active(), DpConfig(0), "active set unchanged");
            assert!(!l.init_pending());
        }
        let mut l = lane();
        l.step(&ready(false, false));
        l.step(&DpInputs {
            apply_dp_init: true,
            staged: DpConfig(0x10),
            ..ready(false, false)
        });
        assert_eq!(l.config_status(), config_status::REJECTED_LANES_IN_USE);
        assert_eq!(l.active(), DpConfig(0));
    }
}
