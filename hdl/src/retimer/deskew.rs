//! `Deskew`: the receive side of a link's alignment — `LaneAlignment`
//! (AM lock, BIP, skew measurement, `align_status`) and the deskew
//! buffers with the lane reorder (`DeskewBuffer`; 82.2.12, 82.2.13), in
//! the cycle contract of `xpo_host::model::pcs::deskew`. The output row of
//! the row sampled at edge t leaves after edge t + `DESKEW_LATENCY` (4),
//! in logical lane order, zeros while not aligned. The status ports are
//! `LaneAlignment`'s, forwarded.

use super::align_leaves::per_lane;
use super::{DeskewBuffer, LaneAlignment};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Deskew {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub valid: Vec<Signal<In, Bit>>,
    pub block: Vec<Signal<In, Bits<66>>>,
    pub block_lock: Vec<Signal<In, Bit>>,
    pub bit_phase: Vec<Signal<In, Bits<7>>>,
    pub clear_deskew_error: Vec<Signal<In, Bit>>,
    pub out_valid: Signal<Out, Bit>,
    /// By logical lane.
    pub out_block: Vec<Signal<Out, Bits<66>>>,
    /// The output row is a marker row (contract rule 8).
    pub out_marker: Signal<Out, Bit>,
    pub align_status: Signal<Out, Bit>,
    pub am_lock: Vec<Signal<Out, Bit>>,
    pub lane_number: Vec<Signal<Out, Bits<5>>>,
    pub bip_errors: Vec<Signal<Out, Bits<32>>>,
    pub last_bip_mismatch: Vec<Signal<Out, Bits<8>>>,
    pub skew_measured: Signal<Out, Bit>,
    pub skew_blocks: Vec<Signal<Out, Bits<16>>>,
    pub skew_bits: Vec<Signal<Out, Bits<24>>>,
    pub deskew_error: Vec<Signal<Out, Bit>>,
    align: LaneAlignment,
    buffer: DeskewBuffer,
}

impl Deskew {
    /// Arguments as `LaneAlignment::new`; the buffers absorb `max_skew`.
    pub fn new(lanes: usize, period: u32, max_skew: u32) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: per_lane(lanes),
            block: per_lane(lanes),
            block_lock: per_lane(lanes),
            bit_phase: per_lane(lanes),
            clear_deskew_error: per_lane(lanes),
            out_valid: Default::default(),
            out_block: per_lane(lanes),
            out_marker: Default::default(),
            align_status: Default::default(),
            am_lock: per_lane(lanes),
            lane_number: per_lane(lanes),
            bip_errors: per_lane(lanes),
            last_bip_mismatch: per_lane(lanes),
            skew_measured: Default::default(),
            skew_blocks: per_lane(lanes),
            skew_bits: per_lane(lanes),
            deskew_error: per_lane(lanes),
            align: LaneAlignment::new(lanes, period, max_skew),
            buffer: DeskewBuffer::new(lanes, max_skew, period),
        }
    }
}

impl Logic for Deskew {
    #[hdl_gen]
    fn update(&mut self) {
        self.align.clock.next = self.clock.val();
        self.align.reset.next = self.reset.val();
        self.buffer.clock.next = self.clock.val();
        self.buffer.reset.next = self.reset.val();
        self.buffer.row_in.next = self.align.row_in.val();
        self.buffer.row.next = self.align.row.val();
        self.buffer.acquire.next = self.align.acquire.val();
        self.buffer.aligned_next.next = self.align.aligned_next.val();
        for x in 0..self.valid.len() {
            self.align.valid[x].next = self.valid[x].val();
            self.align.block[x].next = self.block[x].val();
            self.align.block_lock[x].next = self.block_lock[x].val();
            self.align.bit_phase[x].next = self.bit_phase[x].val();
            self.align.clear_deskew_error[x].next = self.clear_deskew_error[x].val();
            self.buffer.block[x].next = self.block[x].val();
            self.buffer.good[x].next = self.align.good[x].val();
            self.buffer.select[x].next = self.align.select[x].val();
            self.out_block[x].next = self.buffer.out_block[x].val();
            self.am_lock[x].next = self.align.am_lock[x].val();
            self.lane_number[x].next = self.align.lane_number[x].val();
            self.bip_errors[x].next = self.align.bip_errors[x].val();
            self.last_bip_mismatch[x].next = self.align.last_bip_mismatch[x].val();
            self.skew_blocks[x].next = self.align.skew_blocks[x].val();
            self.skew_bits[x].next = self.align.skew_bits[x].val();
            self.deskew_error[x].next = self.align.deskew_error[x].val();
        }
        self.out_valid.next = self.buffer.out_valid.val();
        self.out_marker.next = self.buffer.out_marker.val();
        self.align_status.next = self.align.align_status.val();
        self.skew_measured.next = self.align.skew_measured.val();
    }
}
