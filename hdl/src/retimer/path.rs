//! `RetimerPath`: one direction of one retimer lane (Tx: host SerDes in,
//! media out; Rx: media in, host SerDes out). The cycle contract is the
//! model's (`xpo_host::model::retimer`): an input stage, then the
//! monitors on the staged sample (loss of signal, Figure 49-14 block lock,
//! Figure 49-15 hi-BER, the header and block-type error counters), and the
//! output register fed from the staged sample (bypass, latency 1) or the
//! one after it (retimed, latency 2), gated by the CMIS controls sampled
//! with the block and the status as it stands.
//!
//! Designed for the clock: the SerDes ports are registered in the input
//! stage, and only the 66-bit activity test looks at them before it (so
//! loss of signal, block lock and the counters' enables start at its
//! register: in the default engine on ECP5 the test in front of them cost
//! 11.5 ns); the loss-of-signal decision is that registered test and two
//! gates (the "one cycle from LOS" flag `near` is kept in a register
//! rather than compared each cycle), and the counters' carries are their
//! own (`SaturatingAdd`), and their enables are registered count
//! decisions (the counters lag the status by one edge, per the contract).

use super::{BerMonitor, BlockLock, BlockTypeCheck};
use crate::saturating::SaturatingAdd;
use rust_hdl::prelude::*;
use xpo_spec::retimer::RetimerTiming;

/// One lane direction.
#[derive(LogicBlock)]
pub struct RetimerPath {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Input from the SerDes gearbox.
    pub valid: Signal<In, Bit>,
    pub block: Signal<In, Bits<66>>,
    // CMIS controls (page 10h) and the data-path gate.
    pub polarity_flip: Signal<In, Bit>,
    pub output_disable: Signal<In, Bit>,
    pub auto_squelch_disable: Signal<In, Bit>,
    pub squelch_force: Signal<In, Bit>,
    pub dp_activated: Signal<In, Bit>,
    pub bypass: Signal<In, Bit>,
    // Output to the other side's serializer.
    pub out_valid: Signal<Out, Bit>,
    pub out_block: Signal<Out, Bits<66>>,
    // Back to the input's gearbox.
    pub slip: Signal<Out, Bit>,
    // Status.
    pub block_lock: Signal<Out, Bit>,
    pub hi_ber: Signal<Out, Bit>,
    pub los: Signal<Out, Bit>,
    pub output_status: Signal<Out, Bit>,
    pub invalid_headers: Signal<Out, Bits<32>>,
    pub errored_blocks: Signal<Out, Bits<32>>,
    // To the direction's link (the model's contract 5): the sample the
    // monitors took at the last edge, block lock after it, the bit phase.
    pub link_valid: Signal<Out, Bit>,
    pub link_block: Signal<Out, Bits<66>>,
    pub link_lock: Signal<Out, Bit>,
    pub link_phase: Signal<Out, Bits<7>>,
    // Input stage: the last edge's sample.
    in_valid: DFF<Bit>,
    in_block: DFF<Bits<66>>,
    in_flip: DFF<Bit>,
    in_disable: DFF<Bit>,
    in_auto_off: DFF<Bit>,
    in_force: DFF<Bit>,
    in_dp: DFF<Bit>,
    in_bypass: DFF<Bit>,
    // The sample before it (the retimed mode's second stage).
    h_valid: DFF<Bit>,
    h_block: DFF<Bits<66>>,
    /// The staged sample is active (valid, with a transition): compared
    /// at the input, so the 66-bit test is not in front of loss of signal,
    /// block lock and the counters' enables in one cycle.
    in_active: DFF<Bit>,
    h_flip: DFF<Bit>,
    // Loss of signal: `signal` is !LOS (so reset means LOS); while it is
    // high, `quiet` counts inactive samples and `near` is quiet = L - 1.
    signal: DFF<Bit>,
    near: DFF<Bit>,
    quiet: DFF<Bits<20>>,
    // The descrambler's memory: payload bits 32:6 of the last block, the
    // line bits 39 and 58 before each of the next block's type bits.
    desc: DFF<Bits<27>>,
    inv_cnt: DFF<Bits<32>>,
    err_cnt: DFF<Bits<32>>,
    /// The count decisions, registered: the counters add them one edge
    /// later (contract 2), so their 32 enables are not at the end of the
    /// activity -> LOS -> block lock -> tested path.
    inv_inc: DFF<Bit>,
    err_inc: DFF<Bit>,
    out_valid_q: DFF<Bit>,
    out_block_q: DFF<Bits<66>>,
    status_q: DFF<Bit>,
    /// Slip requests shown before the current one, modulo 66 (counted
    /// from the registered request, so nothing is added to the lock
    /// decision's path).
    phase: DFF<Bits<7>>,
    /// The squelch gate for the next edge's output, decided one edge ahead
    /// (contract 4): the 66 output flip-flops' clear comes straight from
    /// this flip-flop instead of from block lock through the squelch terms.
    gate_q: DFF<Bit>,
    lock: BlockLock,
    ber: BerMonitor,
    type_check: BlockTypeCheck,
    inv_add: SaturatingAdd<32, 1>,
    err_add: SaturatingAdd<32, 1>,
    // Combinational.
    flip_in: Signal<Local, Bit>,
    active: Signal<Local, Bit>,
    los_next: Signal<Local, Bit>,
    sh_valid: Signal<Local, Bit>,
    count: Signal<Local, Bit>,
    src_valid: Signal<Local, Bit>,
    src_block: Signal<Local, Bits<66>>,
    src_flip: Signal<Local, Bit>,
    squelched: Signal<Local, Bit>,
    /// The bit phase with the request shown now.
    phase_now: Signal<Local, Bits<7>>,
    tx: Constant<Bit>,
    ones: Constant<Bits<66>>,
    zeros: Constant<Bits<66>>,
    quiet_zero: Constant<Bits<20>>,
    quiet_one: Constant<Bits<20>>,
    quiet_before_near: Constant<Bits<20>>,
    one1: Constant<Bits<1>>,
    desc_zero: Constant<Bits<27>>,
    desc_ones: Constant<Bits<27>>,
    cnt_zero: Constant<Bits<32>>,
    phase_one: Constant<Bits<7>>,
    phase_last: Constant<Bits<7>>,
    phase_zero: Constant<Bits<7>>,
}

impl RetimerPath {
    /// A Tx (`tx`) or Rx path with the `[retimer]` timing (validated:
    /// `los_cycles` >= 2).
    pub fn new(tx: bool, t: &RetimerTiming) -> Self {
        assert!((2..1 << 20).contains(&t.los_cycles), "a 20-bit LOS counter");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: Default::default(),
            block: Default::default(),
            polarity_flip: Default::default(),
            output_disable: Default::default(),
            auto_squelch_disable: Default::default(),
            squelch_force: Default::default(),
            dp_activated: Default::default(),
            bypass: Default::default(),
            out_valid: Default::default(),
            out_block: Default::default(),
            slip: Default::default(),
            block_lock: Default::default(),
            hi_ber: Default::default(),
            los: Default::default(),
            output_status: Default::default(),
            invalid_headers: Default::default(),
            errored_blocks: Default::default(),
            link_valid: Default::default(),
            link_block: Default::default(),
            link_lock: Default::default(),
            link_phase: Default::default(),
            phase: Default::default(),
            phase_now: Default::default(),
            in_valid: Default::default(),
            in_block: Default::default(),
            in_flip: Default::default(),
            in_disable: Default::default(),
            in_auto_off: Default::default(),
            in_force: Default::default(),
            in_dp: Default::default(),
            in_bypass: Default::default(),
            h_valid: Default::default(),
            h_block: Default::default(),
            in_active: Default::default(),
            h_flip: Default::default(),
            signal: Default::default(),
            near: Default::default(),
            quiet: Default::default(),
            desc: Default::default(),
            inv_cnt: Default::default(),
            err_cnt: Default::default(),
            inv_inc: Default::default(),
            err_inc: Default::default(),
            out_valid_q: Default::default(),
            out_block_q: Default::default(),
            status_q: Default::default(),
            gate_q: Default::default(),
            lock: BlockLock::new(t.slip_wait),
            ber: BerMonitor::new(t.ber_window, t.ber_threshold),
            type_check: Default::default(),
            inv_add: Default::default(),
            err_add: Default::default(),
            flip_in: Default::default(),
            active: Default::default(),
            los_next: Default::default(),
            sh_valid: Default::default(),
            count: Default::default(),
            src_valid: Default::default(),
            src_block: Default::default(),
            src_flip: Default::default(),
            squelched: Default::default(),
            tx: Constant::new(tx),
            ones: Constant::new(Bits::<66>::mask()),
            zeros: Constant::new(0u64.into()),
            quiet_zero: Constant::new(0u64.into()),
            quiet_one: Constant::new(1u64.into()),
            quiet_before_near: Constant::new(u64::from(t.los_cycles - 2).into()),
            one1: Constant::new(1u64.into()),
            desc_zero: Constant::new(0u64.into()),
            desc_ones: Constant::new(Bits::<27>::mask()),
            cnt_zero: Constant::new(0u64.into()),
            phase_one: Constant::new(1u64.into()),
            phase_last: Constant::new(65u64.into()),
            phase_zero: Constant::new(0u64.into()),
        }
    }
}

impl Logic for RetimerPath {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            in_valid,
            in_block,
            in_active,
            in_flip,
            in_disable,
            in_auto_off,
            in_force,
            in_dp,
            in_bypass,
            h_valid,
            h_block,
            h_flip,
            signal,
            near,
            quiet,
            desc,
            inv_cnt,
            err_cnt,
            inv_inc,
            err_inc,
            out_valid_q,
            out_block_q,
            status_q,
            gate_q,
            phase
        );
        clock!(self, clock, lock, ber);
        self.lock.reset.next = self.reset.val();
        self.ber.reset.next = self.reset.val();

        // Input stage (contract 1), and the stage after it.
        self.in_valid.d.next = self.valid.val();
        self.in_block.d.next = self.block.val();
        self.in_active.d.next = self.valid.val()
            & (self.block.val() != self.zeros.val())
            & (self.block.val() != self.ones.val());
        self.in_flip.d.next = self.polarity_flip.val();
        self.in_disable.d.next = self.output_disable.val();
        self.in_auto_off.d.next = self.auto_squelch_disable.val();
        self.in_force.d.next = self.squelch_force.val();
        self.in_dp.d.next = self.dp_activated.val();
        self.in_bypass.d.next = self.bypass.val();
        self.h_valid.d.next = self.in_valid.q.val();
        self.h_block.d.next = self.in_block.q.val();
        self.h_flip.d.next = self.in_flip.q.val();

        // Monitors on the staged sample (contract 2). The Tx input's
        // polarity flip is undone before them (`flip_in`); header
        // validity and activity are the same either way.
        self.flip_in.next = self.tx.val() & self.in_flip.q.val();
        self.active.next = self.in_active.q.val();
        self.los_next.next = !self.active.val() & (!self.signal.q.val() | self.near.q.val());
        self.signal.d.next = !self.los_next.val();
        self.near.d.next = !self.active.val()
            & self.signal.q.val()
            & (self.quiet.q.val() == self.quiet_before_near.val());
        if self.active.val() {
            self.quiet.d.next = self.quiet_zero.val();
        } else if self.signal.q.val() {
            self.quiet.d.next = self.quiet.q.val() + self.quiet_one.val();
        }
        self.sh_valid.next = self.in_block.q.val().get_bit(0) ^ self.in_block.q.val().get_bit(1);
        self.lock.signal_ok.next = !self.los_next.val();
        self.lock.valid.next = self.in_valid.q.val();
        self.lock.sh_valid.next = self.sh_valid.val();
        self.ber.block_lock.next = self.lock.lock_next.val();
        self.ber.tested.next = self.lock.tested.val();
        self.ber.sh_valid.next = self.sh_valid.val();
        // Type bit i = line bit i ^ line bit i-39 ^ line bit i-58.
        // Type bit i = line bit i ^ line bit i-39 ^ line bit i-58; the
        // leaf undoes the flip of the line bit (`desc` holds flipped
        // bits already). Its inputs come straight from registers, so the
        // emitted always block has no loop through it.
        self.type_check.block_type.next = self.in_block.q.val().get_bits::<8>(2)
            ^ self.desc.q.val().get_bits::<8>(19)
            ^ self.desc.q.val().get_bits::<8>(0);
        self.type_check.invert.next = self.tx.val() & self.in_flip.q.val();
        if self.in_valid.q.val() {
            if self.flip_in.val() {
                self.desc.d.next = self.in_block.q.val().get_bits::<27>(8) ^ self.desc_ones.val();
            } else {
                self.desc.d.next = self.in_block.q.val().get_bits::<27>(8);
            }
        }
        // Counted: tested blocks that arrived while locked.
        self.count.next = self.lock.tested.val() & self.lock.block_lock.val();
        self.inv_add.a.next = self.inv_cnt.q.val();
        self.inv_add.b.next = self.one1.val();
        self.err_add.a.next = self.err_cnt.q.val();
        self.err_add.b.next = self.one1.val();
        self.inv_inc.d.next = self.count.val() & !self.sh_valid.val();
        // A control block (sync header `10` on the wire: bit 0, sent first,
        // set; `xpo_spec::retimer::SYNC_CONTROL`) with a type field
        // outside Figure 49-7 is an errored block.
        self.err_inc.d.next = self.count.val()
            & (!self.sh_valid.val()
                | ((self.in_block.q.val().get_bit(0) ^ self.flip_in.val())
                    & !self.type_check.valid.val()));
        if self.inv_inc.q.val() {
            self.inv_cnt.d.next = self.inv_add.sum.val();
        }
        if self.err_inc.q.val() {
            self.err_cnt.d.next = self.err_add.sum.val();
        }

        // Data (contracts 3 and 4).
        if self.in_bypass.q.val() {
            self.src_valid.next = self.in_valid.q.val();
            self.src_block.next = self.in_block.q.val();
            self.src_flip.next = self.in_flip.q.val();
        } else {
            self.src_valid.next = self.h_valid.q.val();
            self.src_block.next = self.h_block.q.val();
            self.src_flip.next = self.h_flip.q.val();
        }
        // The gate for the next edge, from the staged sample's controls and
        // the status as it stands (contract 4).
        self.squelched.next = self.in_disable.q.val()
            | !self.in_dp.q.val()
            | (self.tx.val() & self.in_force.q.val())
            | (!self.in_auto_off.q.val()
                & (!self.signal.q.val() | (!self.in_bypass.q.val() & !self.lock.block_lock.val())));
        self.gate_q.d.next = self.squelched.val();
        self.out_valid_q.d.next = self.src_valid.val();
        self.status_q.d.next = !self.gate_q.q.val();
        if self.gate_q.q.val() {
            self.out_block_q.d.next = self.zeros.val();
        } else if self.src_flip.val() {
            self.out_block_q.d.next = self.src_block.val() ^ self.ones.val();
        } else {
            self.out_block_q.d.next = self.src_block.val();
        }

        self.out_valid.next = self.out_valid_q.q.val();
        self.out_block.next = self.out_block_q.q.val();
        self.output_status.next = self.status_q.q.val();
        self.slip.next = self.lock.slip.val();
        self.block_lock.next = self.lock.block_lock.val();
        self.hi_ber.next = self.ber.hi_ber.val();
        self.los.next = !self.signal.q.val();
        self.invalid_headers.next = self.inv_cnt.q.val();
        self.errored_blocks.next = self.err_cnt.q.val();

        // To the link (contract 5): the held sample is the one the
        // monitors took at the last edge; Tx undoes the input flip.
        if self.lock.slip.val() {
            if self.phase.q.val() == self.phase_last.val() {
                self.phase_now.next = self.phase_zero.val();
            } else {
                self.phase_now.next = self.phase.q.val() + self.phase_one.val();
            }
        } else {
            self.phase_now.next = self.phase.q.val();
        }
        self.phase.d.next = self.phase_now.val();
        self.link_valid.next = self.h_valid.q.val();
        if self.tx.val() & self.h_flip.q.val() {
            self.link_block.next = self.h_block.q.val() ^ self.ones.val();
        } else {
            self.link_block.next = self.h_block.q.val();
        }
        self.link_lock.next = self.lock.block_lock.val();
        self.link_phase.next = self.phase_now.val();

        if self.reset.val() {
            self.in_valid.d.next = false;
            self.in_block.d.next = self.zeros.val();
            self.in_active.d.next = false;
            self.in_flip.d.next = false;
            self.in_disable.d.next = false;
            self.in_auto_off.d.next = false;
            self.in_force.d.next = false;
            self.in_dp.d.next = false;
            self.in_bypass.d.next = false;
            self.h_valid.d.next = false;
            self.h_block.d.next = self.zeros.val();
            self.h_flip.d.next = false;
            self.signal.d.next = false;
            self.near.d.next = false;
            self.quiet.d.next = self.quiet_zero.val();
            self.desc.d.next = self.desc_zero.val();
            self.inv_cnt.d.next = self.cnt_zero.val();
            self.err_cnt.d.next = self.cnt_zero.val();
            self.inv_inc.d.next = false;
            self.err_inc.d.next = false;
            self.out_valid_q.d.next = false;
            self.out_block_q.d.next = self.zeros.val();
            self.status_q.d.next = false;
            self.gate_q.d.next = true;
            self.phase.d.next = self.phase_zero.val();
        }
    }
}
