//! Alignment-marker lock of one PCS lane, as IEEE 802.3 Figure 82-11
//! (alignment marker lock state diagram, 82.2.18.3) draws it: LOCK_INIT,
//! FIND_1ST, COUNT_1, COMP_2ND, 2_GOOD, COUNT_2, COMP_AM, GOOD_AM,
//! INVALID_AM and SLIP. Written from the diagram, in its terms, before
//! any RTL (issue 13).
//!
//! # At a 66-bit interface
//!
//! One call of [`AmLock::block`] per received block (a `valid` cycle with
//! block lock). The diagram's transient states (2_GOOD, GOOD_AM,
//! INVALID_AM, SLIP) take no block of their own: they act on the block
//! the comparison state tested. What the standard leaves to the
//! implementation is fixed here:
//!
//! - **FIND_1ST** tests every block for any lane's marker
//!   ([`decode_marker`]: M0..M2, M4..M6 and the control header; the BIP
//!   bytes are not part of the test). The first found sets `first_pcsl`.
//! - **COUNT_1 / COUNT_2** pass `period` blocks (the data blocks between
//!   two markers: 16383 in clause 82, a configuration value here); the
//!   block after them is tested in COMP_2ND / COMP_AM.
//! - **COMP_2ND**: the same lane's marker gives 2_GOOD (`am_lock` and the
//!   lane mapping set, the invalid count cleared, COUNT_2); anything else
//!   is SLIP, back to FIND_1ST from the next block (the tested block is
//!   not tested again).
//! - **COMP_AM**: the locked lane's marker gives GOOD_AM (the invalid
//!   count cleared); anything else, another lane's marker included, is
//!   INVALID_AM, and the fourth in a row (`am_invld_cnt` = 4) returns to
//!   LOCK_INIT, `am_lock` false, hunting from the next block.
//! - Block lock lost ([`AmLock::lose_block_lock`]) is LOCK_INIT.

use super::alignment_marker::decode_marker;

/// The consecutive invalid markers that lose lock (Figure 82-11).
pub const INVALID_TO_UNLOCK: u32 = 4;

/// Figure 82-11's states that hold between blocks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AmLockState {
    Find1st,
    /// `period` blocks to pass before COMP_2ND.
    Count1 {
        left: u32,
    },
    Comp2nd,
    Count2 {
        left: u32,
    },
    CompAm,
}

/// What one block did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct AmStep {
    /// The block was tested at a marker position (COMP_2ND, COMP_AM) or
    /// was the first marker found (FIND_1ST).
    pub tested: bool,
    /// It was the expected marker (2_GOOD or GOOD_AM).
    pub good: bool,
    /// It was tested after lock and was not the lane's marker.
    pub invalid: bool,
    /// Lock was declared on this block.
    pub locked_now: bool,
    /// Lock was lost on this block.
    pub lost_now: bool,
}

/// One PCS lane's marker lock.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AmLock {
    /// Lanes whose markers are recognised (the engine's lanes).
    lanes: usize,
    period: u32,
    state: AmLockState,
    am_lock: bool,
    first_pcsl: usize,
    am_invld_cnt: u32,
}

impl AmLock {
    /// A receiver recognising the markers of `lanes` lanes, `period` data
    /// blocks between markers.
    pub fn new(lanes: usize, period: u32) -> Self {
        Self {
            lanes,
            period,
            state: AmLockState::Find1st,
            am_lock: false,
            first_pcsl: 0,
            am_invld_cnt: 0,
        }
    }

    pub fn am_lock(&self) -> bool {
        self.am_lock
    }

    /// The PCS lane this lane carries (valid with [`Self::am_lock`]).
    pub fn lane_mapping(&self) -> Option<usize> {
        self.am_lock.then_some(self.first_pcsl)
    }

    pub fn state(&self) -> AmLockState {
        self.state
    }

    pub fn invalid_count(&self) -> u32 {
        self.am_invld_cnt
    }

    /// LOCK_INIT: block lock was lost (or reset).
    pub fn lose_block_lock(&mut self) {
        *self = Self::new(self.lanes, self.period);
    }

    /// COUNT_x for `period` blocks, or straight to the comparison when
    /// the period is 0 (markers back to back).
    fn count(&self, second: bool) -> AmLockState {
        match (self.period, second) {
            (0, false) => AmLockState::Comp2nd,
            (0, true) => AmLockState::CompAm,
            (p, false) => AmLockState::Count1 { left: p },
            (p, true) => AmLockState::Count2 { left: p },
        }
    }

    /// One received block.
    pub fn block(&mut self, block: u128) -> AmStep {
        let mut step = AmStep::default();
        let marker = decode_marker(block, self.lanes).map(|(lane, _, _)| lane);
        self.state = match self.state {
            AmLockState::Find1st => match marker {
                Some(lane) => {
                    step.tested = true;
                    self.first_pcsl = lane;
                    self.count(false)
                }
                None => AmLockState::Find1st,
            },
            AmLockState::Count1 { left } if left > 1 => AmLockState::Count1 { left: left - 1 },
            AmLockState::Count1 { .. } => AmLockState::Comp2nd,
            AmLockState::Count2 { left } if left > 1 => AmLockState::Count2 { left: left - 1 },
            AmLockState::Count2 { .. } => AmLockState::CompAm,
            AmLockState::Comp2nd => {
                step.tested = true;
                if marker == Some(self.first_pcsl) {
                    // 2_GOOD
                    step.good = true;
                    step.locked_now = true;
                    self.am_lock = true;
                    self.am_invld_cnt = 0;
                    self.count(true)
                } else {
                    // SLIP
                    AmLockState::Find1st
                }
            }
            AmLockState::CompAm => {
                step.tested = true;
                if marker == Some(self.first_pcsl) {
                    // GOOD_AM
                    step.good = true;
                    self.am_invld_cnt = 0;
                    self.count(true)
                } else {
                    // INVALID_AM
                    step.invalid = true;
                    self.am_invld_cnt += 1;
                    if self.am_invld_cnt == INVALID_TO_UNLOCK {
                        step.lost_now = true;
                        self.am_lock = false;
                        self.am_invld_cnt = 0;
                        AmLockState::Find1st
                    } else {
                        self.count(true)
                    }
                }
            }
        };
        step
    }
}

#[cfg(test)]
mod tests {
    use super::super::alignment_marker::marker_block;
    use super::*;

    const PERIOD: u32 = 20;
    const DATA: u128 = 0b10 | 0x1234_5678 << 2;

    /// Feeds `n` data blocks; none of them tested.
    fn data(l: &mut AmLock, n: u32) {
        for _ in 0..n {
            assert_eq!(l.block(DATA), AmStep::default());
        }
    }

    /// 82.2.18.3: lock after two markers of the same lane one period
    /// apart, on the second; the lane mapping is the marker's lane.
    #[test]
    fn two_markers_one_period_apart_lock() {
        let mut l = AmLock::new(8, PERIOD);
        data(&mut l, 7);
        let s = l.block(marker_block(5, 0x11));
        assert!(s.tested && !s.good && !l.am_lock());
        data(&mut l, PERIOD);
        assert_eq!(l.state(), AmLockState::Comp2nd);
        let s = l.block(marker_block(5, 0x22));
        assert!(s.locked_now && s.good);
        assert_eq!(l.lane_mapping(), Some(5));
        // Locked, the next marker is one period later again.
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(5, 0)).good);
    }

    /// A second marker of another lane, or none, is SLIP: no lock, and
    /// the hunt restarts after the tested block.
    #[test]
    fn a_second_marker_of_another_lane_is_a_slip() {
        let mut l = AmLock::new(8, PERIOD);
        l.block(marker_block(2, 0));
        data(&mut l, PERIOD);
        let s = l.block(marker_block(3, 0));
        assert!(s.tested && !s.good && !l.am_lock());
        assert_eq!(l.state(), AmLockState::Find1st);
        // Lane 3's next marker, a period later, is a new first one.
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(3, 0)).tested);
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(3, 0)).locked_now);
        assert_eq!(l.lane_mapping(), Some(3));
    }

    /// A marker one block early or late is not at the position: the
    /// tested block is then a data block (SLIP).
    #[test]
    fn a_marker_off_its_position_does_not_lock() {
        for gap in [PERIOD - 1, PERIOD + 1] {
            let mut l = AmLock::new(8, PERIOD);
            l.block(marker_block(0, 0));
            for _ in 0..gap {
                l.block(DATA);
            }
            l.block(marker_block(0, 0));
            assert!(!l.am_lock(), "gap {gap}");
        }
    }

    /// Locked: three bad markers (corrupted, another lane's) and then a
    /// good one keep lock and clear the count; four in a row lose it on
    /// the fourth, and it is regained by two good markers.
    #[test]
    fn four_consecutive_invalid_markers_lose_lock() {
        let mut l = AmLock::new(8, PERIOD);
        l.block(marker_block(1, 0));
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(1, 0)).locked_now);
        let corrupted = marker_block(1, 0) ^ 1 << 20;
        for bad in [corrupted, marker_block(2, 0), DATA] {
            data(&mut l, PERIOD);
            assert!(l.block(bad).invalid);
        }
        assert_eq!(l.invalid_count(), 3);
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(1, 0)).good);
        assert_eq!(l.invalid_count(), 0);
        for k in 1..=INVALID_TO_UNLOCK {
            data(&mut l, PERIOD);
            let s = l.block(corrupted);
            assert!(s.invalid);
            assert_eq!(s.lost_now, k == INVALID_TO_UNLOCK, "bad marker {k}");
            assert_eq!(l.am_lock(), k < INVALID_TO_UNLOCK);
        }
        assert_eq!(l.lane_mapping(), None);
        data(&mut l, PERIOD);
        l.block(marker_block(1, 0));
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(1, 0)).locked_now);
    }

    /// A bad BIP does not make a marker invalid (the BIP is counted, not
    /// used for lock), and lanes beyond the engine's are not markers.
    #[test]
    fn bip_bytes_are_not_part_of_the_test_and_foreign_lanes_are_not_markers() {
        let mut l = AmLock::new(4, PERIOD);
        assert!(!l.block(marker_block(7, 0)).tested);
        l.block(marker_block(0, 0x00));
        data(&mut l, PERIOD);
        assert!(l.block(marker_block(0, 0xA5)).locked_now);
    }

    /// Block lock lost: LOCK_INIT.
    #[test]
    fn losing_block_lock_is_lock_init() {
        let mut l = AmLock::new(8, PERIOD);
        l.block(marker_block(6, 0));
        data(&mut l, PERIOD);
        l.block(marker_block(6, 0));
        assert!(l.am_lock());
        l.lose_block_lock();
        assert!(!l.am_lock());
        assert_eq!(l.state(), AmLockState::Find1st);
    }
}
