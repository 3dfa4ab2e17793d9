//! `LaneAlignment`: a link's alignment status (IEEE 802.3 Figure 82-11
//! per lane, 82.2.12's skew and Figure 82-12's `align_status`) in the
//! cycle contract of `xpo_host::model::pcs::deskew` (the model, written
//! first; rules 1 to 7 there): one `AmLane` per lane (marker lock and the
//! BIP check), the link's decision across lanes (`AlignDecide`) and the
//! skew measurement. The transmit side uses it alone (monitoring: lock,
//! lane map, skew and BIP are reported, the blocks pass by it); the
//! receive side's `Deskew` adds the buffers and the reorder.
//!
//! The pipeline, for the row sampled at edge t:
//! - t: the lanes' input stages (marker decode and BIP fold on the way
//!   in), the row/mismatch test, each lane's bit offset; `Deskew`'s
//!   buffers write the row;
//! - t + 1: the AM locks act on it (their status: `LANE_REPORT_LAG`);
//! - t + 2: the link decides from the lanes' registered results — loss,
//!   measurement, completion, acquisition — and registers it
//!   (`LINK_REPORT_LAG`), and `Deskew`'s read positions;
//! - t + 3: `Deskew`'s buffers read; the least bit offset over
//!   the completing lanes, and 66 × blocks + offset per lane;
//! - t + 4: `skew_bits` (`SKEW_BITS_REPORT_LAG`); `Deskew`'s output row
//!   (`DESKEW_LATENCY`).
//!
//! A lane's count of rows since its last good marker (`since`, rule 4)
//! carries two flags computed when it is written, `since + 1 <= period/2`
//! and `since + 1 <= max_skew`, so the decision compares nothing wide.

use super::align_leaves::{per_lane, AlignDecide, LaneDecode, MinOffset, RowCheck, Times66Plus};
use super::AmLane;
use crate::saturating::SaturatingAdd;
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LaneAlignment {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub valid: Vec<Signal<In, Bit>>,
    pub block: Vec<Signal<In, Bits<66>>>,
    /// Each lane's block lock after its block.
    pub block_lock: Vec<Signal<In, Bit>>,
    /// Each lane's slips since reset, modulo 66.
    pub bit_phase: Vec<Signal<In, Bits<7>>>,
    /// Clears a lane's latched deskew error (a new one wins).
    pub clear_deskew_error: Vec<Signal<In, Bit>>,
    /// For the deskew buffers (`Deskew`): every lane valid on the inputs
    /// (the row to write), the row decided on this cycle, its good markers
    /// by lane, the decision, and the reorder's selections.
    pub row_in: Signal<Out, Bit>,
    pub row: Signal<Out, Bit>,
    pub good: Vec<Signal<Out, Bit>>,
    pub acquire: Signal<Out, Bit>,
    pub aligned_next: Signal<Out, Bit>,
    pub select: Vec<Signal<Out, Bits<16>>>,
    pub align_status: Signal<Out, Bit>,
    pub am_lock: Vec<Signal<Out, Bit>>,
    pub lane_number: Vec<Signal<Out, Bits<5>>>,
    pub bip_errors: Vec<Signal<Out, Bits<32>>>,
    pub last_bip_mismatch: Vec<Signal<Out, Bits<8>>>,
    /// A skew has been measured (`skew_blocks` and, two edges later,
    /// `skew_bits` are meaningful).
    pub skew_measured: Signal<Out, Bit>,
    pub skew_blocks: Vec<Signal<Out, Bits<16>>>,
    pub skew_bits: Vec<Signal<Out, Bits<24>>>,
    pub deskew_error: Vec<Signal<Out, Bit>>,
    am: Vec<AmLane>,
    rows: RowCheck,
    decide: AlignDecide,
    min_offset: MinOffset,
    times66: Vec<Times66Plus>,
    inc: Vec<SaturatingAdd<16, 1>>,
    s1_row: DFF<Bit>,
    s1_any: DFF<Bit>,
    s1_p: Vec<DFF<Bits<7>>>,
    s2_row: DFF<Bit>,
    s2_mismatch: DFF<Bit>,
    s2_p: Vec<DFF<Bits<7>>>,
    prev_lock: Vec<DFF<Bit>>,
    /// Each lane's number one-hot, one edge after the number (valid
    /// whenever its lock is: see `AlignDecide`).
    onehot: Vec<DFF<Bits<16>>>,
    decode: Vec<LaneDecode>,
    aligned: DFF<Bit>,
    known: Vec<DFF<Bit>>,
    since: Vec<DFF<Bits<16>>>,
    le_half1: Vec<DFF<Bit>>,
    le_max1: Vec<DFF<Bit>>,
    sb: Vec<DFF<Bits<16>>>,
    measured: DFF<Bit>,
    err: Vec<DFF<Bit>>,
    sk_go: DFF<Bit>,
    sk_p: Vec<DFF<Bits<7>>>,
    sk_g: Vec<DFF<Bit>>,
    least: DFF<Bits<24>>,
    sb66p: Vec<DFF<Bits<24>>>,
    sk_go2: DFF<Bit>,
    sbits: Vec<DFF<Bits<24>>>,
    half_m1: Constant<Bits<16>>,
    max_m1: Constant<Bits<16>>,
    half_pos: Constant<Bit>,
    max_pos: Constant<Bit>,
    c66: Constant<Bits<7>>,
    one1: Constant<Bits<1>>,
    zero7: Constant<Bits<7>>,
    zero16: Constant<Bits<16>>,
    zero24: Constant<Bits<24>>,
}

impl LaneAlignment {
    /// A link of `lanes` lanes (markers 0..lanes of Table 82-2), `period`
    /// data blocks between markers, measuring skews up to `max_skew` rows.
    /// The configuration must pass `DeskewConfig::check` (and
    /// `period < 65536`).
    pub fn new(lanes: usize, period: u32, max_skew: u32) -> Self {
        assert!((1..=16).contains(&lanes), "1 to 16 lanes");
        assert!(
            2 * u64::from(max_skew) < u64::from(period) && period < 1 << 16,
            "max_skew below half the period, the period below 65536"
        );
        let half = period / 2;
        let c16 = |x: u32| Constant::new(u64::from(x).into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: per_lane(lanes),
            block: per_lane(lanes),
            block_lock: per_lane(lanes),
            bit_phase: per_lane(lanes),
            clear_deskew_error: per_lane(lanes),
            row_in: Default::default(),
            row: Default::default(),
            good: per_lane(lanes),
            acquire: Default::default(),
            aligned_next: Default::default(),
            select: per_lane(lanes),
            align_status: Default::default(),
            am_lock: per_lane(lanes),
            lane_number: per_lane(lanes),
            bip_errors: per_lane(lanes),
            last_bip_mismatch: per_lane(lanes),
            skew_measured: Default::default(),
            skew_blocks: per_lane(lanes),
            skew_bits: per_lane(lanes),
            deskew_error: per_lane(lanes),
            am: (0..lanes).map(|_| AmLane::new(lanes, period)).collect(),
            rows: RowCheck::new(lanes),
            decide: AlignDecide::new(lanes),
            min_offset: MinOffset::new(lanes),
            times66: per_lane(lanes),
            inc: per_lane(lanes),
            s1_row: Default::default(),
            s1_any: Default::default(),
            s1_p: per_lane(lanes),
            s2_row: Default::default(),
            s2_mismatch: Default::default(),
            s2_p: per_lane(lanes),
            prev_lock: per_lane(lanes),
            onehot: per_lane(lanes),
            decode: per_lane(lanes),
            aligned: Default::default(),
            known: per_lane(lanes),
            since: per_lane(lanes),
            le_half1: per_lane(lanes),
            le_max1: per_lane(lanes),
            sb: per_lane(lanes),
            measured: Default::default(),
            err: per_lane(lanes),
            sk_go: Default::default(),
            sk_p: per_lane(lanes),
            sk_g: per_lane(lanes),
            least: Default::default(),
            sb66p: per_lane(lanes),
            sk_go2: Default::default(),
            sbits: per_lane(lanes),
            half_m1: c16(half.saturating_sub(1)),
            max_m1: c16(max_skew.saturating_sub(1)),
            half_pos: Constant::new(half > 0),
            max_pos: Constant::new(max_skew > 0),
            c66: Constant::new(66u64.into()),
            one1: Constant::new(1u64.into()),
            zero7: Constant::new(0u64.into()),
            zero16: Constant::new(0u64.into()),
            zero24: Constant::new(0u64.into()),
        }
    }
}

impl Logic for LaneAlignment {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            s1_row,
            s1_any,
            s2_row,
            s2_mismatch,
            aligned,
            measured,
            sk_go,
            least,
            sk_go2
        );
        for x in 0..self.am.len() {
            self.s1_p[x].clock.next = self.clock.val();
            self.s2_p[x].clock.next = self.clock.val();
            self.prev_lock[x].clock.next = self.clock.val();
            self.onehot[x].clock.next = self.clock.val();
            self.known[x].clock.next = self.clock.val();
            self.since[x].clock.next = self.clock.val();
            self.le_half1[x].clock.next = self.clock.val();
            self.le_max1[x].clock.next = self.clock.val();
            self.sb[x].clock.next = self.clock.val();
            self.err[x].clock.next = self.clock.val();
            self.sk_p[x].clock.next = self.clock.val();
            self.sk_g[x].clock.next = self.clock.val();
            self.sb66p[x].clock.next = self.clock.val();
            self.sbits[x].clock.next = self.clock.val();
        }

        // Edge t: the lanes' input stages and the row test.
        for x in 0..self.am.len() {
            self.am[x].clock.next = self.clock.val();
            self.am[x].reset.next = self.reset.val();
            self.am[x].valid.next = self.valid[x].val();
            self.am[x].block.next = self.block[x].val();
            self.am[x].block_lock.next = self.block_lock[x].val();
            self.rows.valid[x].next = self.valid[x].val();
            // The block boundary lies (66 - phase) mod 66 bits before the
            // end of the word (rule 4).
            if self.bit_phase[x].val() == self.zero7.val() {
                self.s1_p[x].d.next = self.zero7.val();
            } else {
                self.s1_p[x].d.next = self.c66.val() - self.bit_phase[x].val();
            }
            self.s2_p[x].d.next = self.s1_p[x].q.val();
            self.prev_lock[x].d.next = self.am[x].am_lock.val();
            self.decode[x].number.next = self.am[x].lane_number.val();
            self.onehot[x].d.next = self.decode[x].onehot.val();
        }
        self.s1_row.d.next = self.rows.all.val();
        self.s1_any.d.next = self.rows.any.val();
        self.s2_row.d.next = self.s1_row.q.val();
        self.s2_mismatch.d.next = self.s1_any.q.val() & !self.s1_row.q.val();

        // Edge t + 2: the link's decision on the row the lanes acted on.
        self.decide.row.next = self.s2_row.q.val();
        self.decide.mismatch.next = self.s2_mismatch.q.val();
        self.decide.aligned.next = self.aligned.q.val();
        for x in 0..self.am.len() {
            self.decide.lock[x].next = self.am[x].am_lock.val();
            self.decide.onehot[x].next = self.onehot[x].q.val();
            self.decide.good[x].next = self.am[x].good_marker.val();
            self.decide.prev_lock[x].next = self.prev_lock[x].q.val();
            self.decide.known[x].next = self.known[x].q.val();
            self.decide.le_half1[x].next = self.le_half1[x].q.val();
            self.decide.le_max1[x].next = self.le_max1[x].q.val();
        }
        self.aligned.d.next = self.decide.aligned_next.val();
        self.measured.d.next = self.measured.q.val() | self.decide.complete.val();
        self.sk_go.d.next = self.decide.complete.val();
        for x in 0..self.am.len() {
            self.inc[x].a.next = self.since[x].q.val();
            self.inc[x].b.next = self.one1.val();
            self.since[x].d.next = self.since[x].q.val();
            self.le_half1[x].d.next = self.le_half1[x].q.val();
            self.le_max1[x].d.next = self.le_max1[x].q.val();
            if self.decide.measuring.val() {
                if self.am[x].good_marker.val() {
                    self.since[x].d.next = self.zero16.val();
                    self.le_half1[x].d.next = self.half_pos.val();
                    self.le_max1[x].d.next = self.max_pos.val();
                } else {
                    self.since[x].d.next = self.inc[x].sum.val();
                    self.le_half1[x].d.next = self.since[x].q.val() < self.half_m1.val();
                    self.le_max1[x].d.next = self.since[x].q.val() < self.max_m1.val();
                }
            }
            self.known[x].d.next = (self.decide.measuring.val() & self.am[x].good_marker.val())
                | (self.known[x].q.val() & !self.decide.lose.val());
            self.sb[x].d.next = self.sb[x].q.val();
            self.sk_p[x].d.next = self.sk_p[x].q.val();
            self.sk_g[x].d.next = self.sk_g[x].q.val();
            if self.decide.complete.val() {
                self.known[x].d.next = false;
                self.sb[x].d.next = self.since[x].d.val();
                self.sk_p[x].d.next = self.s2_p[x].q.val();
                self.sk_g[x].d.next = self.am[x].good_marker.val();
            }
            self.err[x].d.next = self.decide.out_of_range[x].val()
                | (self.err[x].q.val() & !self.clear_deskew_error[x].val());
        }

        // Edges t + 3 and t + 4: the bit skews.
        self.sk_go2.d.next = self.sk_go.q.val();
        self.least.d.next = self.least.q.val();
        if self.sk_go.q.val() {
            self.least.d.next = self.min_offset.least.val();
        }
        for x in 0..self.am.len() {
            self.min_offset.p[x].next = self.sk_p[x].q.val();
            self.min_offset.mask[x].next = self.sk_g[x].q.val();
            self.times66[x].blocks.next = self.sb[x].q.val();
            self.times66[x].p.next = self.sk_p[x].q.val();
            self.sb66p[x].d.next = self.sb66p[x].q.val();
            if self.sk_go.q.val() {
                self.sb66p[x].d.next = self.times66[x].bits.val();
            }
            self.sbits[x].d.next = self.sbits[x].q.val();
            if self.sk_go2.q.val() {
                self.sbits[x].d.next = self.sb66p[x].q.val() - self.least.q.val();
            }
        }

        // For the deskew buffers.
        self.row_in.next = self.rows.all.val();
        self.row.next = self.s2_row.q.val();
        self.acquire.next = self.decide.acquire.val();
        self.aligned_next.next = self.decide.aligned_next.val();
        for x in 0..self.am.len() {
            self.good[x].next = self.am[x].good_marker.val();
            self.select[x].next = self.decide.select[x].val();
        }

        // Status.
        self.align_status.next = self.aligned.q.val();
        self.skew_measured.next = self.measured.q.val();
        for x in 0..self.am.len() {
            self.am_lock[x].next = self.am[x].am_lock.val();
            self.lane_number[x].next = self.am[x].lane_number.val();
            self.bip_errors[x].next = self.am[x].bip_errors.val();
            self.last_bip_mismatch[x].next = self.am[x].last_bip_mismatch.val();
            self.skew_blocks[x].next = self.sb[x].q.val();
            self.skew_bits[x].next = self.sbits[x].q.val();
            self.deskew_error[x].next = self.err[x].q.val();
        }

        if self.reset.val() {
            self.s1_row.d.next = false;
            self.s1_any.d.next = false;
            self.s2_row.d.next = false;
            self.s2_mismatch.d.next = false;
            self.aligned.d.next = false;
            self.measured.d.next = false;
            self.sk_go.d.next = false;
            self.sk_go2.d.next = false;
            self.least.d.next = self.zero24.val();
            for x in 0..self.am.len() {
                self.s1_p[x].d.next = self.zero7.val();
                self.s2_p[x].d.next = self.zero7.val();
                self.prev_lock[x].d.next = false;
                self.onehot[x].d.next = self.zero16.val();
                self.known[x].d.next = false;
                self.since[x].d.next = self.zero16.val();
                self.le_half1[x].d.next = false;
                self.le_max1[x].d.next = false;
                self.sb[x].d.next = self.zero16.val();
                self.err[x].d.next = false;
                self.sk_p[x].d.next = self.zero7.val();
                self.sk_g[x].d.next = false;
                self.sb66p[x].d.next = self.zero24.val();
                self.sbits[x].d.next = self.zero24.val();
            }
        }
    }
}
