//! `DeskewBuffer`: rule 5 of the deskew contract — each lane's deskew
//! buffer, the read position that delays it by its measured skew, and the
//! lane reorder into logical order — in `Deskew`'s pipeline:
//!
//! - edge t: the row on the inputs is written at `wp` (block RAM, one a
//!   lane) and its address staged;
//! - edge t + 2, as the link decides on the row: each lane's read
//!   position for it is registered. A lane's read position is kept, not
//!   computed: at the row that acquires alignment it is the address of
//!   the lane's last good marker (which lies exactly `skew_blocks` rows
//!   back, as the skew is counted from it), and it advances one a row
//!   after that (the next one, and each marker address + 1, are kept in
//!   registers too). So no subtraction and no skew is on the way, only a
//!   two-way choice into a register;
//! - edge t + 3: each RAM reads at its registered position;
//! - edge t + 4 (`DESKEW_LATENCY`): the reorder (an AND-OR under
//!   registered one-hot selections) into the output register, zeros when
//!   not aligned, with the marker-row flag of rule 8 (a row counter from
//!   the acquiring row).
//!
//! The buffers are `2^abits` rows deep with `2^abits >= max_skew + 4`: a
//! read `max_skew` back never meets the row written on the same edge.
//! Block RAM, not flip-flops: 66 × 128 bits a lane at the default
//! `max_skew` is 8,448 flip-flops a lane and a 128-way multiplexer in
//! front of the read, against two DP16KD (the measurements are in
//! `docs/measurements.md`).

use super::align_leaves::{per_lane, BlockRam, Reorder};
use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct DeskewBuffer {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// Every lane's `valid` on the inputs: the row is written.
    pub row_in: Signal<In, Bit>,
    pub block: Vec<Signal<In, Bits<66>>>,
    /// The row the link is deciding on (two edges after it was written).
    pub row: Signal<In, Bit>,
    /// Per lane, that row was the lane's good marker.
    pub good: Vec<Signal<In, Bit>>,
    pub acquire: Signal<In, Bit>,
    pub aligned_next: Signal<In, Bit>,
    pub select: Vec<Signal<In, Bits<16>>>,
    pub out_valid: Signal<Out, Bit>,
    /// By logical lane.
    pub out_block: Vec<Signal<Out, Bits<66>>>,
    /// The output row is a marker row (rule 8).
    pub out_marker: Signal<Out, Bit>,
    rams: Vec<BlockRam>,
    reorder: Reorder,
    wp: DFF<Bits<12>>,
    s1_ptr: DFF<Bits<12>>,
    s2_ptr: DFF<Bits<12>>,
    /// `s2_ptr + 1`, and each `mp + 1`, kept: the next read position is
    /// a choice among registers, so no carry chain follows the decision.
    s2_ptr1: DFF<Bits<12>>,
    /// Per lane, the address of its last good marker.
    mp: Vec<DFF<Bits<12>>>,
    mp1: Vec<DFF<Bits<12>>>,
    /// Per lane, the next aligned read.
    ra: Vec<DFF<Bits<12>>>,
    /// Per lane, the read position chosen for the row (the RAM's address).
    raddr: Vec<DFF<Bits<12>>>,
    p3_row: DFF<Bit>,
    p3_use: DFF<Bit>,
    p3_select: Vec<DFF<Bits<16>>>,
    p4_row: DFF<Bit>,
    p4_use: DFF<Bit>,
    /// Rows to the next marker row while aligned (rule 8).
    am_left: DFF<Bits<16>>,
    p3_marker: DFF<Bit>,
    p4_marker: DFF<Bit>,
    o_marker: DFF<Bit>,
    period: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    p4_select: Vec<DFF<Bits<16>>>,
    o_valid: DFF<Bit>,
    o_block: Vec<DFF<Bits<66>>>,
    one12: Constant<Bits<12>>,
    zero12: Constant<Bits<12>>,
    zero16: Constant<Bits<16>>,
    zero66: Constant<Bits<66>>,
}

impl DeskewBuffer {
    /// Buffers for `lanes` lanes absorbing up to `max_skew` rows, the
    /// markers `period` data blocks apart.
    pub fn new(lanes: usize, max_skew: u32, period: u32) -> Self {
        let abits = Self::address_bits(max_skew);
        Self {
            clock: Default::default(),
            reset: Default::default(),
            row_in: Default::default(),
            block: per_lane(lanes),
            row: Default::default(),
            good: per_lane(lanes),
            acquire: Default::default(),
            aligned_next: Default::default(),
            select: per_lane(lanes),
            out_valid: Default::default(),
            out_block: per_lane(lanes),
            out_marker: Default::default(),
            rams: (0..lanes).map(|_| BlockRam::new(abits)).collect(),
            reorder: Reorder::new(lanes),
            wp: Default::default(),
            s1_ptr: Default::default(),
            s2_ptr: Default::default(),
            s2_ptr1: Default::default(),
            mp: per_lane(lanes),
            mp1: per_lane(lanes),
            ra: per_lane(lanes),
            raddr: per_lane(lanes),
            p3_row: Default::default(),
            p3_use: Default::default(),
            p3_select: per_lane(lanes),
            p4_row: Default::default(),
            p4_use: Default::default(),
            am_left: Default::default(),
            p3_marker: Default::default(),
            p4_marker: Default::default(),
            o_marker: Default::default(),
            period: Constant::new(u64::from(period).into()),
            one16: Constant::new(1u64.into()),
            p4_select: per_lane(lanes),
            o_valid: Default::default(),
            o_block: per_lane(lanes),
            one12: Constant::new(1u64.into()),
            zero12: Constant::new(0u64.into()),
            zero16: Constant::new(0u64.into()),
            zero66: Constant::new(0u64.into()),
        }
    }

    /// Address bits of a buffer for `max_skew`: `2^bits >= max_skew + 4`
    /// (a row is read three edges after it is written, up to `max_skew`
    /// rows back, while three more rows have been written).
    pub fn address_bits(max_skew: u32) -> usize {
        let depth = (u64::from(max_skew) + 4).next_power_of_two();
        let bits = depth.trailing_zeros() as usize;
        assert!(bits <= 12, "max_skew {max_skew} needs more than 4096 rows");
        bits.max(1)
    }
}

impl Logic for DeskewBuffer {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, wp, s1_ptr, s2_ptr, s2_ptr1, p3_row, p3_use, p4_row, p4_use, o_valid,
            am_left, p3_marker, p4_marker, o_marker
        );
        for x in 0..self.rams.len() {
            self.mp[x].clock.next = self.clock.val();
            self.mp1[x].clock.next = self.clock.val();
            self.ra[x].clock.next = self.clock.val();
            self.p3_select[x].clock.next = self.clock.val();
            self.p4_select[x].clock.next = self.clock.val();
            self.raddr[x].clock.next = self.clock.val();
            self.o_block[x].clock.next = self.clock.val();
            self.rams[x].clock.next = self.clock.val();
            self.mp[x].d.next = self.mp[x].q.val();
            self.mp1[x].d.next = self.mp1[x].q.val();
            self.ra[x].d.next = self.ra[x].q.val();
        }
        // Edge t: the row is written.
        self.wp.d.next = self.wp.q.val();
        if self.row_in.val() {
            self.wp.d.next = self.wp.q.val() + self.one12.val();
        }
        self.s1_ptr.d.next = self.wp.q.val();
        self.s2_ptr.d.next = self.s1_ptr.q.val();
        self.s2_ptr1.d.next = self.s1_ptr.q.val() + self.one12.val();
        for x in 0..self.rams.len() {
            self.rams[x].write.next = self.row_in.val();
            self.rams[x].write_address.next = self.wp.q.val();
            self.rams[x].write_data.next = self.block[x].val();
        }
        // Edge t + 2: the read positions.
        for x in 0..self.rams.len() {
            if self.row.val() & self.good[x].val() {
                self.mp[x].d.next = self.s2_ptr.q.val();
                self.mp1[x].d.next = self.s2_ptr1.q.val();
            }
            if self.acquire.val() {
                self.raddr[x].d.next = self.mp[x].d.val();
            } else {
                self.raddr[x].d.next = self.ra[x].q.val();
            }
            if self.row.val() & self.aligned_next.val() {
                if self.acquire.val() {
                    self.ra[x].d.next = self.mp1[x].d.val();
                } else {
                    self.ra[x].d.next = self.ra[x].q.val() + self.one12.val();
                }
            }
            self.p3_select[x].d.next = self.select[x].val();
        }
        self.p3_row.d.next = self.row.val();
        self.p3_use.d.next = self.row.val() & self.aligned_next.val();
        // Rule 8: the acquiring row is a marker row, then every period + 1.
        self.am_left.d.next = self.am_left.q.val();
        self.p3_marker.d.next = false;
        if self.row.val() & self.aligned_next.val() {
            if self.acquire.val() | (self.am_left.q.val() == self.zero16.val()) {
                self.p3_marker.d.next = true;
                self.am_left.d.next = self.period.val();
            } else {
                self.am_left.d.next = self.am_left.q.val() - self.one16.val();
            }
        }
        // Edge t + 3: the read.
        self.p4_row.d.next = self.p3_row.q.val();
        self.p4_use.d.next = self.p3_use.q.val();
        self.p4_marker.d.next = self.p3_marker.q.val();
        for x in 0..self.rams.len() {
            self.rams[x].read_address.next = self.raddr[x].q.val();
            self.p4_select[x].d.next = self.p3_select[x].q.val();
        }
        // Edge t + 4: the reorder into the output register.
        for x in 0..self.rams.len() {
            self.reorder.data[x].next = self.rams[x].read_data.val();
            self.reorder.select[x].next = self.p4_select[x].q.val();
            if self.p4_use.q.val() {
                self.o_block[x].d.next = self.reorder.out[x].val();
            } else {
                self.o_block[x].d.next = self.zero66.val();
            }
            self.out_block[x].next = self.o_block[x].q.val();
        }
        self.o_valid.d.next = self.p4_row.q.val();
        self.out_valid.next = self.o_valid.q.val();
        self.o_marker.d.next = self.p4_marker.q.val();
        self.out_marker.next = self.o_marker.q.val();

        if self.reset.val() {
            self.wp.d.next = self.zero12.val();
            self.s1_ptr.d.next = self.zero12.val();
            self.s2_ptr.d.next = self.zero12.val();
            self.s2_ptr1.d.next = self.zero12.val();
            self.p3_row.d.next = false;
            self.p3_use.d.next = false;
            self.p4_row.d.next = false;
            self.p4_use.d.next = false;
            self.o_valid.d.next = false;
            self.am_left.d.next = self.zero16.val();
            self.p3_marker.d.next = false;
            self.p4_marker.d.next = false;
            self.o_marker.d.next = false;
            for x in 0..self.rams.len() {
                self.mp[x].d.next = self.zero12.val();
                self.mp1[x].d.next = self.zero12.val();
                self.ra[x].d.next = self.zero12.val();
                self.p3_select[x].d.next = self.zero16.val();
                self.p4_select[x].d.next = self.zero16.val();
                self.raddr[x].d.next = self.zero12.val();
                self.o_block[x].d.next = self.zero66.val();
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::DeskewBuffer;

    /// The depth is the power of two at or above `max_skew + 4` (a row is
    /// read three edges after it is written, `max_skew` back).
    #[test]
    fn depth_leaves_room_for_the_rows_written_before_the_read() {
        for (max_skew, bits) in [(0, 2), (12, 4), (60, 6), (61, 7), (64, 7), (4092, 12)] {
            assert_eq!(
                DeskewBuffer::address_bits(max_skew),
                bits,
                "max_skew {max_skew}"
            );
        }
    }
}
