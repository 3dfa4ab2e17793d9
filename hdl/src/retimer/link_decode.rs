//! `LinkDecode`: an aligned link's errored-block check over its
//! aggregate stream (IEEE 802.3 Figure 82-2's receive after the lane
//! reorder: alignment removal, descramble, R_TYPE), in the contract of
//! `xpo_host::model::pcs::link_decode` (the model, written first).
//!
//! The rows arrive deskewed, in logical lane order. The aggregate stream
//! is lane 0, 1, …, N − 1 of a row, then the next row's, marker rows
//! removed. The descrambler is self-synchronising (1 + x^39 + x^58): a
//! descrambled bit i of a block is its line bit i XOR the line bits 39
//! and 58 before it, which for the type field (bits 0..7) are the bits
//! 25..32 and 6..13 of the block before it in the aggregate — lane k − 1
//! of the same row, or for lane 0 the last lane of the last non-marker
//! row (kept, 27 bits). So all N blocks of a row are descrambled at once,
//! eight bits each, with no chain across the row.
//!
//! Pipeline: the row sampled at edge t is judged on the way in (header,
//! the descrambled type through `BlockTypeCheck`) and its errored flags
//! registered at t; the counters add them at t + 1
//! (`LINK_DECODE_LATENCY`).

use super::align_leaves::per_lane;
use super::BlockTypeCheck;
use crate::saturating::SaturatingAdd;
use rust_hdl::prelude::*;
use xpo_spec::retimer::{SYNC_CONTROL, SYNC_DATA};

#[derive(LogicBlock)]
pub struct LinkDecode {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// A row of the deskewed output.
    pub valid: Signal<In, Bit>,
    /// The row is a marker row (removed).
    pub marker: Signal<In, Bit>,
    /// By logical lane, each block's bits 0..34: the sync header and
    /// payload bits 0..32, all the check reads (the type field, and the
    /// predecessor bits its descrambling needs).
    pub block: Vec<Signal<In, Bits<35>>>,
    /// Errored blocks by logical lane, saturating.
    pub errored: Vec<Signal<Out, Bits<32>>>,
    types: Vec<BlockTypeCheck>,
    add: Vec<SaturatingAdd<32, 1>>,
    /// Line bits 6..32 of the last block of the last non-marker row.
    last: DFF<Bits<27>>,
    err_q: Vec<DFF<Bit>>,
    count: Vec<DFF<Bits<32>>>,
    /// Per lane: the descrambled type field, and the header tests.
    desc: Vec<Signal<Local, Bits<8>>>,
    sync_data: Constant<Bits<2>>,
    sync_control: Constant<Bits<2>>,
    one1: Constant<Bits<1>>,
    zero27: Constant<Bits<27>>,
    zero32: Constant<Bits<32>>,
}

impl LinkDecode {
    /// The check for a link of `lanes` logical lanes.
    pub fn new(lanes: usize) -> Self {
        assert!((1..=16).contains(&lanes), "1 to 16 lanes");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: Default::default(),
            marker: Default::default(),
            block: per_lane(lanes),
            errored: per_lane(lanes),
            types: per_lane(lanes),
            add: per_lane(lanes),
            last: Default::default(),
            err_q: per_lane(lanes),
            count: per_lane(lanes),
            desc: per_lane(lanes),
            sync_data: Constant::new(u64::from(SYNC_DATA).into()),
            sync_control: Constant::new(u64::from(SYNC_CONTROL).into()),
            one1: Constant::new(1u64.into()),
            zero27: Constant::new(0u64.into()),
            zero32: Constant::new(0u64.into()),
        }
    }
}

impl Logic for LinkDecode {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, last);
        for k in 0..self.block.len() {
            self.err_q[k].clock.next = self.clock.val();
            self.count[k].clock.next = self.clock.val();
        }
        // Lane 0's predecessor is the kept last block; lane k's is lane
        // k - 1 (block bits 2 + i are payload bit i).
        self.desc[0].next = self.block[0].val().get_bits::<8>(2)
            ^ self.last.q.val().get_bits::<8>(19)
            ^ self.last.q.val().get_bits::<8>(0);
        for k in 1..self.block.len() {
            self.desc[k].next = self.block[k].val().get_bits::<8>(2)
                ^ self.block[k - 1].val().get_bits::<8>(27)
                ^ self.block[k - 1].val().get_bits::<8>(8);
        }
        // The last lane's block is kept: each lane's write replaces the one
        // before it, so the last lane's stands.
        self.last.d.next = self.last.q.val();
        for k in 0..self.block.len() {
            if self.valid.val() & !self.marker.val() {
                self.last.d.next = self.block[k].val().get_bits::<27>(8);
            }
        }
        for k in 0..self.block.len() {
            self.types[k].block_type.next = self.desc[k].val();
            self.types[k].invert.next = false;
            self.err_q[k].d.next = false;
            if self.valid.val() & !self.marker.val() {
                if self.block[k].val().get_bits::<2>(0) == self.sync_control.val() {
                    self.err_q[k].d.next = !self.types[k].valid.val();
                } else {
                    self.err_q[k].d.next =
                        self.block[k].val().get_bits::<2>(0) != self.sync_data.val();
                }
            }
            self.add[k].a.next = self.count[k].q.val();
            self.add[k].b.next = self.one1.val();
            self.count[k].d.next = self.count[k].q.val();
            if self.err_q[k].q.val() {
                self.count[k].d.next = self.add[k].sum.val();
            }
            self.errored[k].next = self.count[k].q.val();
        }
        if self.reset.val() {
            self.last.d.next = self.zero27.val();
            for k in 0..self.block.len() {
                self.err_q[k].d.next = false;
                self.count[k].d.next = self.zero32.val();
            }
        }
    }
}
