//! `Lane`: everything one data lane owns: the retimer's two paths (Tx:
//! host SerDes in, media out; Rx: media in, host SerDes out), the CMIS
//! data-path state machine that gates them, and the four PRBS units of
//! CMIS page 13h (a generator and a checker on each side).
//!
//! Cycle contract of the lane (the paths' and the DPSM's own contracts
//! are in `xpo_host::model::retimer` and `xpo_host::model::data_path`):
//! - the lane resets one edge after the module (its reset is registered in
//!   the lane; at power-up the lane is in reset);
//! - the paths take their CMIS controls from the register block (page
//!   10h) and `dp_activated` from the DPSM state as it stands;
//! - the loopbacks (13h:180..183) and the generator select follow the
//!   diagnostics contract in `xpo_host::model::diagnostics`: registered at
//!   every edge; the paths' inputs take the looped output as it stands
//!   (output loopbacks); the outputs carry the generator, else the other
//!   interface's input sampled at the edge (input loopbacks), else the
//!   path; the media checker watches the Rx path's input, the host
//!   checker the Tx path's; the pattern units take their 13h controls
//!   (enables, inverts, pattern nibbles, the bank's counter reset and
//!   MeasurementRun) from
//!   the register block; the host generator paces on every cycle (the
//!   host SerDes takes a word a cycle: the engine has no host-side ready);
//! - the host output takes the receive link's logical lane for this lane
//!   (the core's `Deskew`) in the path's place when vendor page 80h
//!   `RxLinkDeskew` is set and `RetimerBypass` is not, both registered at
//!   every edge with `RxPolarityFlip`, under the Rx path's output gate as
//!   it stands (`output_status`): `xpo_host::model::link_alignment` rule 5;
//! - the 11h flags are levels the register block latches: TxLOS/RxLOS are
//!   the paths' loss of signal and TxCDRLOL/RxCDRLOL their lack of block
//!   lock, each raised only while the lane is DPActivated (a data path
//!   the host has not brought up reports nothing).

use crate::cmis::data_path::{DataPathStateMachine, DpCycles};
use crate::cmis::hwif::DataLanePort;
use crate::prbs::{PrbsChecker, PrbsGenerator};
use crate::retimer::RetimerPath;
use rust_hdl::prelude::*;
use xpo_spec::retimer::RetimerTiming;
use xpo_spec::EngineConfig;

/// One lane; its ports are the per-lane ports of `xpo_spec::LaneInputs` and
/// `xpo_spec::LaneOutputs`, by the same names.
#[derive(LogicBlock)]
pub struct Lane {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The module state machine is in ModuleReady.
    pub module_ready: Signal<In, Bit>,
    /// The ELSFP laser lane feeding this lane is in a fault (CMIS TxFault,
    /// `xpo_spec::laser::laser_for_lane`).
    pub laser_fault: Signal<In, Bit>,
    // Media SerDes: Rx input, Tx output.
    pub rx_data: Signal<In, Bits<66>>,
    pub rx_valid: Signal<In, Bit>,
    pub rx_slip: Signal<Out, Bit>,
    pub tx_ready: Signal<In, Bit>,
    pub tx_data: Signal<Out, Bits<66>>,
    pub tx_valid: Signal<Out, Bit>,
    // Host SerDes: Tx input, Rx output.
    pub host_tx_data: Signal<In, Bits<66>>,
    pub host_tx_valid: Signal<In, Bit>,
    pub tx_slip: Signal<Out, Bit>,
    pub host_rx_data: Signal<Out, Bits<66>>,
    pub host_rx_valid: Signal<Out, Bit>,
    // Retimer status
    pub tx_block_lock: Signal<Out, Bit>,
    pub rx_block_lock: Signal<Out, Bit>,
    pub tx_hi_ber: Signal<Out, Bit>,
    pub rx_hi_ber: Signal<Out, Bit>,
    pub tx_invalid_headers: Signal<Out, Bits<32>>,
    pub tx_errored_blocks: Signal<Out, Bits<32>>,
    pub rx_invalid_headers: Signal<Out, Bits<32>>,
    pub rx_errored_blocks: Signal<Out, Bits<32>>,
    // PRBS checkers' results (observation ports until page 14h reads them)
    pub media_chk_locked: Signal<Out, Bit>,
    pub media_chk_error_count: Signal<Out, Bits<64>>,
    pub media_chk_bit_count: Signal<Out, Bits<64>>,
    pub host_chk_locked: Signal<Out, Bit>,
    pub host_chk_error_count: Signal<Out, Bits<64>>,
    pub host_chk_bit_count: Signal<Out, Bits<64>>,
    /// Each path's sample for its direction's link (the core's
    /// `LaneAlignment`s; `xpo_host::model::retimer` contract 5).
    pub rx_link_valid: Signal<Out, Bit>,
    pub rx_link_block: Signal<Out, Bits<66>>,
    pub rx_link_lock: Signal<Out, Bit>,
    pub rx_link_phase: Signal<Out, Bits<7>>,
    pub tx_link_valid: Signal<Out, Bit>,
    pub tx_link_block: Signal<Out, Bits<66>>,
    pub tx_link_lock: Signal<Out, Bit>,
    pub tx_link_phase: Signal<Out, Bits<7>>,
    /// The links' status for this lane, for vendor pages 81h/82h.
    pub rx_am_lock: Signal<In, Bit>,
    pub rx_lane_aligned: Signal<In, Bit>,
    pub rx_skew_valid: Signal<In, Bit>,
    pub rx_deskew_error: Signal<In, Bit>,
    pub rx_lane_number: Signal<In, Bits<8>>,
    pub rx_skew_blocks: Signal<In, Bits<16>>,
    pub rx_skew_bits: Signal<In, Bits<32>>,
    pub rx_bip_errors: Signal<In, Bits<32>>,
    pub rx_link_hi_ber: Signal<In, Bit>,
    pub tx_am_lock: Signal<In, Bit>,
    pub tx_lane_aligned: Signal<In, Bit>,
    pub tx_skew_valid: Signal<In, Bit>,
    pub tx_deskew_error: Signal<In, Bit>,
    pub tx_lane_number: Signal<In, Bits<8>>,
    pub tx_skew_blocks: Signal<In, Bits<16>>,
    pub tx_skew_bits: Signal<In, Bits<32>>,
    pub tx_bip_errors: Signal<In, Bits<32>>,
    pub tx_link_hi_ber: Signal<In, Bit>,
    /// The receive link's deskewed output for this lane's logical lane
    /// (`xpo_host::model::link_alignment` rule 5).
    pub rx_deskew_valid: Signal<In, Bit>,
    pub rx_deskew_block: Signal<In, Bits<66>>,
    /// To the register block: pages 10h/11h for this lane.
    pub regs: DataLanePort,
    media_gen: PrbsGenerator,
    media_chk: PrbsChecker,
    host_gen: PrbsGenerator,
    host_chk: PrbsChecker,
    /// The host generator's pace: every cycle.
    host_pace: Constant<Bit>,
    tx_path: RetimerPath,
    rx_path: RetimerPath,
    dp: DataPathStateMachine,
    /// The module reset, one edge later: a register per lane, so the reset
    /// is not one net from the core to every flip-flop of every lane (on
    /// ECP5 that net cost 9.4 ns of routing in the default engine). High
    /// at power-up.
    lane_reset: DFFWithInit<Bit>,
    /// The media and host outputs carry their generator (its enable, last
    /// edge).
    gen_sel: DFF<Bit>,
    host_gen_sel: DFF<Bit>,
    /// The loopbacks the routing uses (13h:180..183, last edge).
    lb_media_output: DFF<Bit>,
    lb_media_input: DFF<Bit>,
    lb_host_output: DFF<Bit>,
    lb_host_input: DFF<Bit>,
    /// The interfaces' inputs sampled at the edge, for input loopbacks.
    media_in_data: DFF<Bits<66>>,
    media_in_valid: DFF<Bit>,
    host_in_data: DFF<Bits<66>>,
    host_in_valid: DFF<Bit>,
    /// The host output carries the receive link's logical lane
    /// (RxLinkDeskew and not RetimerBypass, last edge), flipped under
    /// RxPolarityFlip (last edge).
    link_sel: DFF<Bit>,
    link_flip: DFF<Bit>,
    ones66: Constant<Bits<66>>,
    zero66: Constant<Bits<66>>,
    /// The paths' inputs after the output loopbacks.
    tx_in_data: Signal<Local, Bits<66>>,
    tx_in_valid: Signal<Local, Bit>,
    rx_in_data: Signal<Local, Bits<66>>,
    rx_in_valid: Signal<Local, Bit>,
    /// The outputs as they stand (read back by the output loopbacks).
    media_out_data: Signal<Local, Bits<66>>,
    media_out_valid: Signal<Local, Bit>,
    host_out_data: Signal<Local, Bits<66>>,
    host_out_valid: Signal<Local, Bit>,
}

impl Lane {
    /// Lane `lane` of a validated configuration.
    pub fn new(cfg: &EngineConfig, lane: usize) -> Self {
        let t = RetimerTiming::new(cfg);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            module_ready: Default::default(),
            laser_fault: Default::default(),
            rx_data: Default::default(),
            rx_valid: Default::default(),
            rx_slip: Default::default(),
            tx_ready: Default::default(),
            tx_data: Default::default(),
            tx_valid: Default::default(),
            host_tx_data: Default::default(),
            host_tx_valid: Default::default(),
            tx_slip: Default::default(),
            host_rx_data: Default::default(),
            host_rx_valid: Default::default(),
            tx_block_lock: Default::default(),
            rx_block_lock: Default::default(),
            tx_hi_ber: Default::default(),
            rx_hi_ber: Default::default(),
            tx_invalid_headers: Default::default(),
            tx_errored_blocks: Default::default(),
            rx_invalid_headers: Default::default(),
            rx_errored_blocks: Default::default(),
            media_chk_locked: Default::default(),
            media_chk_error_count: Default::default(),
            media_chk_bit_count: Default::default(),
            host_chk_locked: Default::default(),
            host_chk_error_count: Default::default(),
            host_chk_bit_count: Default::default(),
            rx_link_valid: Default::default(),
            rx_link_block: Default::default(),
            rx_link_lock: Default::default(),
            rx_link_phase: Default::default(),
            tx_link_valid: Default::default(),
            tx_link_block: Default::default(),
            tx_link_lock: Default::default(),
            tx_link_phase: Default::default(),
            rx_am_lock: Default::default(),
            rx_lane_aligned: Default::default(),
            rx_skew_valid: Default::default(),
            rx_deskew_error: Default::default(),
            rx_lane_number: Default::default(),
            rx_skew_blocks: Default::default(),
            rx_skew_bits: Default::default(),
            rx_bip_errors: Default::default(),
            rx_link_hi_ber: Default::default(),
            tx_am_lock: Default::default(),
            tx_lane_aligned: Default::default(),
            tx_skew_valid: Default::default(),
            tx_deskew_error: Default::default(),
            tx_lane_number: Default::default(),
            tx_skew_blocks: Default::default(),
            tx_skew_bits: Default::default(),
            tx_bip_errors: Default::default(),
            tx_link_hi_ber: Default::default(),
            rx_deskew_valid: Default::default(),
            rx_deskew_block: Default::default(),
            regs: Default::default(),
            media_gen: PrbsGenerator::with_patterns(cfg.prbs.media_patterns),
            media_chk: PrbsChecker::new(&cfg.prbs, cfg.prbs.media_patterns),
            host_gen: PrbsGenerator::with_patterns(cfg.prbs.host_patterns),
            host_chk: PrbsChecker::new(&cfg.prbs, cfg.prbs.host_patterns),
            host_pace: Constant::new(true),
            tx_path: RetimerPath::new(true, &t),
            rx_path: RetimerPath::new(false, &t),
            dp: DataPathStateMachine::new(
                &DpCycles::new(cfg),
                xpo_spec::data_path::allowed_data_paths(cfg, lane),
            ),
            lane_reset: DFFWithInit::new(true),
            gen_sel: Default::default(),
            host_gen_sel: Default::default(),
            lb_media_output: Default::default(),
            lb_media_input: Default::default(),
            lb_host_output: Default::default(),
            lb_host_input: Default::default(),
            media_in_data: Default::default(),
            media_in_valid: Default::default(),
            host_in_data: Default::default(),
            host_in_valid: Default::default(),
            link_sel: Default::default(),
            link_flip: Default::default(),
            ones66: Constant::new(Bits::<66>::mask()),
            zero66: Constant::new(0u64.into()),
            tx_in_data: Default::default(),
            tx_in_valid: Default::default(),
            rx_in_data: Default::default(),
            rx_in_valid: Default::default(),
            media_out_data: Default::default(),
            media_out_valid: Default::default(),
            host_out_data: Default::default(),
            host_out_valid: Default::default(),
        }
    }
}

impl Logic for Lane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            lane_reset,
            gen_sel,
            host_gen_sel,
            lb_media_output,
            lb_media_input,
            lb_host_output,
            lb_host_input,
            media_in_data,
            media_in_valid,
            host_in_data,
            host_in_valid,
            link_sel,
            link_flip
        );
        clock!(self, clock, media_gen, media_chk, host_gen, host_chk, tx_path, rx_path, dp);
        self.lane_reset.d.next = self.reset.val();
        // The data-path state machine.
        self.dp.reset.next = self.lane_reset.q.val();
        self.dp.module_ready.next = self.module_ready.val();
        self.dp.dp_deinit.next = self.regs.dp_deinit.val();
        self.dp.tx_disable.next = self.regs.tx_disable.val();
        self.dp.apply_dp_init.next = self.regs.apply_dp_init.val();
        self.dp.staged.next = self.regs.dp_config.val();
        self.regs.dp_state.next = self.dp.state.val();
        self.regs.dp_state_changed.next = self.dp.state_changed.val();
        self.regs.config_status.next = self.dp.config_status.val();
        self.regs.dp_config_active.next = self.dp.active.val();
        self.regs.dp_init_pending.next = self.dp.init_pending.val();

        // The outputs as they stand: generator, else input loopback, else
        // the path (the diagnostics contract, item 3).
        if self.gen_sel.q.val() {
            self.media_out_data.next = self.media_gen.data.val();
            self.media_out_valid.next = self.media_gen.valid.val();
        } else if self.lb_media_input.q.val() {
            self.media_out_data.next = self.media_in_data.q.val();
            self.media_out_valid.next = self.media_in_valid.q.val();
        } else {
            self.media_out_data.next = self.tx_path.out_block.val();
            self.media_out_valid.next = self.tx_path.out_valid.val();
        }
        if self.host_gen_sel.q.val() {
            self.host_out_data.next = self.host_gen.data.val();
            self.host_out_valid.next = self.host_gen.valid.val();
        } else if self.lb_host_input.q.val() {
            self.host_out_data.next = self.host_in_data.q.val();
            self.host_out_valid.next = self.host_in_valid.q.val();
        } else if self.link_sel.q.val() {
            // The link's logical lane under this lane's output gate.
            self.host_out_valid.next = self.rx_deskew_valid.val();
            if !self.rx_path.output_status.val() {
                self.host_out_data.next = self.zero66.val();
            } else if self.link_flip.q.val() {
                self.host_out_data.next = self.rx_deskew_block.val() ^ self.ones66.val();
            } else {
                self.host_out_data.next = self.rx_deskew_block.val();
            }
        } else {
            self.host_out_data.next = self.rx_path.out_block.val();
            self.host_out_valid.next = self.rx_path.out_valid.val();
        }
        self.tx_data.next = self.media_out_data.val();
        self.tx_valid.next = self.media_out_valid.val();
        self.host_rx_data.next = self.host_out_data.val();
        self.host_rx_valid.next = self.host_out_valid.val();
        // The paths' inputs: an output loopback feeds the output back
        // (item 2).
        if self.lb_host_output.q.val() {
            self.tx_in_data.next = self.host_out_data.val();
            self.tx_in_valid.next = self.host_out_valid.val();
        } else {
            self.tx_in_data.next = self.host_tx_data.val();
            self.tx_in_valid.next = self.host_tx_valid.val();
        }
        if self.lb_media_output.q.val() {
            self.rx_in_data.next = self.media_out_data.val();
            self.rx_in_valid.next = self.media_out_valid.val();
        } else {
            self.rx_in_data.next = self.rx_data.val();
            self.rx_in_valid.next = self.rx_valid.val();
        }
        // The routing's registers (item 1) and the input-loopback samples.
        self.lb_media_output.d.next =
            self.regs.media_output_loopback.val() & !self.lane_reset.q.val();
        self.lb_media_input.d.next =
            self.regs.media_input_loopback.val() & !self.lane_reset.q.val();
        self.lb_host_output.d.next =
            self.regs.host_output_loopback.val() & !self.lane_reset.q.val();
        self.lb_host_input.d.next = self.regs.host_input_loopback.val() & !self.lane_reset.q.val();
        self.media_in_data.d.next = self.rx_data.val();
        self.media_in_valid.d.next = self.rx_valid.val();
        self.host_in_data.d.next = self.host_tx_data.val();
        self.host_in_valid.d.next = self.host_tx_valid.val();
        self.link_sel.d.next = self.regs.rx_link_deskew.val()
            & !self.regs.retimer_bypass.val()
            & !self.lane_reset.q.val();
        self.link_flip.d.next = self.regs.rx_polarity_flip.val() & !self.lane_reset.q.val();

        // Tx: host SerDes in, media out.
        self.tx_path.reset.next = self.lane_reset.q.val();
        self.tx_path.valid.next = self.tx_in_valid.val();
        self.tx_path.block.next = self.tx_in_data.val();
        self.tx_path.polarity_flip.next = self.regs.tx_polarity_flip.val();
        self.tx_path.output_disable.next = self.regs.tx_disable.val();
        self.tx_path.auto_squelch_disable.next = self.regs.tx_squelch_disable.val();
        self.tx_path.squelch_force.next = self.regs.tx_squelch_force.val();
        self.tx_path.dp_activated.next = self.dp.activated.val();
        self.tx_path.bypass.next = self.regs.retimer_bypass.val();
        self.tx_slip.next = self.tx_path.slip.val();
        // Rx: media in, host SerDes out.
        self.rx_path.reset.next = self.lane_reset.q.val();
        self.rx_path.valid.next = self.rx_in_valid.val();
        self.rx_path.block.next = self.rx_in_data.val();
        self.rx_path.polarity_flip.next = self.regs.rx_polarity_flip.val();
        self.rx_path.output_disable.next = self.regs.rx_disable.val();
        self.rx_path.auto_squelch_disable.next = self.regs.rx_squelch_disable.val();
        self.rx_path.squelch_force.next = false;
        self.rx_path.dp_activated.next = self.dp.activated.val();
        self.rx_path.bypass.next = self.regs.retimer_bypass.val();
        self.rx_slip.next = self.rx_path.slip.val();
        // Status and flags.
        self.tx_block_lock.next = self.tx_path.block_lock.val();
        self.rx_block_lock.next = self.rx_path.block_lock.val();
        self.tx_hi_ber.next = self.tx_path.hi_ber.val();
        self.rx_hi_ber.next = self.rx_path.hi_ber.val();
        self.tx_invalid_headers.next = self.tx_path.invalid_headers.val();
        self.tx_errored_blocks.next = self.tx_path.errored_blocks.val();
        self.rx_invalid_headers.next = self.rx_path.invalid_headers.val();
        self.rx_errored_blocks.next = self.rx_path.errored_blocks.val();
        self.rx_link_valid.next = self.rx_path.link_valid.val();
        self.rx_link_block.next = self.rx_path.link_block.val();
        self.rx_link_lock.next = self.rx_path.link_lock.val();
        self.rx_link_phase.next = self.rx_path.link_phase.val();
        self.tx_link_valid.next = self.tx_path.link_valid.val();
        self.tx_link_block.next = self.tx_path.link_block.val();
        self.tx_link_lock.next = self.tx_path.link_lock.val();
        self.tx_link_phase.next = self.tx_path.link_phase.val();
        self.regs.rx_am_lock.next = self.rx_am_lock.val();
        self.regs.rx_lane_aligned.next = self.rx_lane_aligned.val();
        self.regs.rx_skew_valid.next = self.rx_skew_valid.val();
        self.regs.rx_deskew_error.next = self.rx_deskew_error.val();
        self.regs.rx_lane_number.next = self.rx_lane_number.val();
        self.regs.rx_skew_blocks.next = self.rx_skew_blocks.val();
        self.regs.rx_skew_bits.next = self.rx_skew_bits.val();
        self.regs.rx_bip_errors.next = self.rx_bip_errors.val();
        self.regs.rx_link_hi_ber.next = self.rx_link_hi_ber.val();
        self.regs.tx_am_lock.next = self.tx_am_lock.val();
        self.regs.tx_lane_aligned.next = self.tx_lane_aligned.val();
        self.regs.tx_skew_valid.next = self.tx_skew_valid.val();
        self.regs.tx_deskew_error.next = self.tx_deskew_error.val();
        self.regs.tx_lane_number.next = self.tx_lane_number.val();
        self.regs.tx_skew_blocks.next = self.tx_skew_blocks.val();
        self.regs.tx_skew_bits.next = self.tx_skew_bits.val();
        self.regs.tx_bip_errors.next = self.tx_bip_errors.val();
        self.regs.tx_link_hi_ber.next = self.tx_link_hi_ber.val();
        self.regs.tx_output_status.next = self.tx_path.output_status.val();
        self.regs.rx_output_status.next = self.rx_path.output_status.val();
        self.regs.tx_los.next = self.tx_path.los.val() & self.dp.activated.val();
        self.regs.tx_cdr_lol.next = !self.tx_path.block_lock.val() & self.dp.activated.val();
        self.regs.rx_los.next = self.rx_path.los.val() & self.dp.activated.val();
        self.regs.rx_cdr_lol.next = !self.rx_path.block_lock.val() & self.dp.activated.val();
        self.regs.tx_fault.next = self.laser_fault.val() & self.dp.activated.val();

        // The pattern units (13h): each generator takes its side's output
        // while enabled; each checker watches its side's input after the
        // output loopback (the paths' inputs).
        self.media_gen.reset.next = self.lane_reset.q.val();
        self.media_gen.enable.next = self.regs.media_gen_enable.val();
        self.media_gen.pattern.next = self.regs.media_gen_pattern.val();
        self.media_gen.invert.next = self.regs.media_gen_invert.val();
        self.media_gen.ready.next = self.tx_ready.val();
        self.gen_sel.d.next = self.regs.media_gen_enable.val() & !self.lane_reset.q.val();
        self.host_gen.reset.next = self.lane_reset.q.val();
        self.host_gen.enable.next = self.regs.host_gen_enable.val();
        self.host_gen.pattern.next = self.regs.host_gen_pattern.val();
        self.host_gen.invert.next = self.regs.host_gen_invert.val();
        self.host_gen.ready.next = self.host_pace.val();
        self.host_gen_sel.d.next = self.regs.host_gen_enable.val() & !self.lane_reset.q.val();

        self.media_chk.reset.next = self.lane_reset.q.val();
        self.media_chk.enable.next = self.regs.media_chk_enable.val();
        self.media_chk.pattern.next = self.regs.media_chk_pattern.val();
        self.media_chk.invert.next = self.regs.media_chk_invert.val();
        self.media_chk.counter_reset.next = self.regs.prbs_counter_reset.val();
        self.media_chk.stopped.next = !self.regs.prbs_run.val();
        self.media_chk.data.next = self.rx_in_data.val();
        self.media_chk.valid.next = self.rx_in_valid.val();
        self.media_chk_locked.next = self.media_chk.locked.val();
        self.media_chk_error_count.next = self.media_chk.error_count.val();
        self.media_chk_bit_count.next = self.media_chk.bit_count.val();
        self.host_chk.reset.next = self.lane_reset.q.val();
        self.host_chk.enable.next = self.regs.host_chk_enable.val();
        self.host_chk.pattern.next = self.regs.host_chk_pattern.val();
        self.host_chk.invert.next = self.regs.host_chk_invert.val();
        self.host_chk.counter_reset.next = self.regs.prbs_counter_reset.val();
        self.host_chk.stopped.next = !self.regs.prbs_run.val();
        self.host_chk.data.next = self.tx_in_data.val();
        self.host_chk.valid.next = self.tx_in_valid.val();
        self.host_chk_locked.next = self.host_chk.locked.val();
        self.host_chk_error_count.next = self.host_chk.error_count.val();
        self.host_chk_bit_count.next = self.host_chk.bit_count.val();
        // Page 14h: the checkers' counts (DiagnosticsData) and their LOL
        // levels, enabled and not locked (latched into 14h:138/139).
        self.regs.host_chk_errors.next = self.host_chk.error_count.val();
        self.regs.host_chk_bits.next = self.host_chk.bit_count.val();
        self.regs.media_chk_errors.next = self.media_chk.error_count.val();
        self.regs.media_chk_bits.next = self.media_chk.bit_count.val();
        self.regs.host_chk_lol.next = self.regs.host_chk_enable.val() & !self.host_chk.locked.val();
        self.regs.media_chk_lol.next =
            self.regs.media_chk_enable.val() & !self.media_chk.locked.val();
    }
}
