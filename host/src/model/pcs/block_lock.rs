//! Block lock, IEEE 802.3 Figure 49-14 (the lock state diagram).
//!
//! States and variables are the standard's: `sh_cnt` counts headers tested
//! in the current window of 64, `sh_invld_cnt` the invalid ones among
//! them. Lock is declared after 64 consecutive valid headers (a window with
//! no invalid header); while hunting, any invalid header slips; while
//! locked, 16 invalid headers in one window of 64 lose lock and slip. The
//! windows are consecutive, not sliding: each restarts at RESET_CNT.
//!
//! Timing at the 66-bit interface: see the cycle contract in `super`.

use super::sh_valid;

/// Figure 49-14's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockState {
    LockInit,
    ResetCnt,
    TestSh,
    ValidSh,
    InvalidSh,
    Good64,
    Slip,
}

/// One lane's lock state machine.
#[derive(Debug, Clone)]
pub struct BlockLock {
    state: LockState,
    block_lock: bool,
    sh_cnt: u32,
    sh_invld_cnt: u32,
    /// Blocks still to arrive before `slip_done`.
    slip_wait_left: u32,
    /// The gearbox's slip settling time in blocks (contract: `slip_wait`).
    slip_wait: u32,
    slips: u64,
}

/// What one block did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LockStep {
    /// A bit slip was requested this cycle (SLIP entered).
    pub slip: bool,
    /// `block_lock` after this block.
    pub block_lock: bool,
    /// This block's header was tested (not swallowed by a slip's wait).
    pub tested: bool,
}

impl BlockLock {
    /// After reset: LOCK_INIT, then RESET_CNT (an unconditional arc).
    pub fn new(slip_wait: u32) -> Self {
        let mut s = Self {
            state: LockState::LockInit,
            block_lock: false,
            sh_cnt: 0,
            sh_invld_cnt: 0,
            slip_wait_left: 0,
            slip_wait,
            slips: 0,
        };
        s.enter(LockState::LockInit);
        s
    }

    pub fn block_lock(&self) -> bool {
        self.block_lock
    }

    pub fn state(&self) -> LockState {
        self.state
    }

    /// Slips requested since reset.
    pub fn slips(&self) -> u64 {
        self.slips
    }

    /// The global arc of Figure 49-14: `reset + !signal_ok` forces
    /// LOCK_INIT from any state (the slip count is kept: it is this
    /// model's statistic, not the standard's variable).
    pub fn lose_signal(&mut self) {
        self.enter(LockState::LockInit);
    }

    /// A state's entry actions, then its unconditional arcs.
    fn enter(&mut self, s: LockState) {
        self.state = s;
        match s {
            LockState::LockInit => {
                self.block_lock = false;
                // UCT
                self.enter(LockState::ResetCnt);
            }
            LockState::ResetCnt => {
                self.sh_cnt = 0;
                self.sh_invld_cnt = 0;
            }
            LockState::Good64 => {
                self.block_lock = true;
                // UCT
                self.enter(LockState::ResetCnt);
            }
            LockState::Slip => {
                self.block_lock = false;
                self.slips += 1;
                self.slip_wait_left = self.slip_wait;
                if self.slip_wait == 0 {
                    // slip_done already: the next block is from the new
                    // boundary.
                    self.enter(LockState::ResetCnt);
                }
            }
            LockState::TestSh | LockState::ValidSh | LockState::InvalidSh => {}
        }
    }

    /// One received block's 2-bit sync header (`test_sh` true).
    pub fn block(&mut self, header: u8) -> LockStep {
        if self.state == LockState::Slip {
            // Waiting for slip_done: the block is from the old boundary or
            // in the gearbox's settling time, and is not tested.
            self.slip_wait_left -= 1;
            if self.slip_wait_left == 0 {
                self.enter(LockState::ResetCnt);
            }
            return LockStep {
                slip: false,
                block_lock: self.block_lock,
                tested: false,
            };
        }
        // RESET_CNT, VALID_SH and INVALID_SH wait for test_sh; then
        // TEST_SH decides on sh_valid.
        self.state = LockState::TestSh;
        let slips_before = self.slips;
        if sh_valid(header) {
            self.state = LockState::ValidSh;
            self.sh_cnt += 1;
            if self.sh_cnt == 64 && self.sh_invld_cnt == 0 {
                self.enter(LockState::Good64);
            } else if self.sh_cnt == 64 {
                self.enter(LockState::ResetCnt);
            }
            // else: sh_cnt < 64, wait in VALID_SH for the next test_sh.
        } else {
            self.state = LockState::InvalidSh;
            self.sh_cnt += 1;
            self.sh_invld_cnt += 1;
            if self.sh_invld_cnt == 16 || !self.block_lock {
                self.enter(LockState::Slip);
            } else if self.sh_cnt == 64 {
                // Fewer than 16 invalid in this window while locked.
                self.enter(LockState::ResetCnt);
            }
            // else: wait in INVALID_SH for the next test_sh.
        }
        LockStep {
            slip: self.slips != slips_before,
            block_lock: self.block_lock,
            tested: true,
        }
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from Figure 49-14 and 49.2.9 ("64 consecutive valid
    //! sync headers", "16 invalid sync headers in 64"), typed from the
    //! standard's counts, not from this implementation.
    use super::*;

    const GOOD: u8 = 0b01;
    const CTRL: u8 = 0b10;
    const BAD: u8 = 0b11;

    fn run(l: &mut BlockLock, headers: impl IntoIterator<Item = u8>) -> Vec<LockStep> {
        headers.into_iter().map(|h| l.block(h)).collect()
    }

    #[test]
    fn lock_after_exactly_64_consecutive_valid_headers() {
        let mut l = BlockLock::new(0);
        let steps = run(
            &mut l,
            (0..64).map(|i| if i % 3 == 0 { CTRL } else { GOOD }),
        );
        assert!(
            steps[..63].iter().all(|s| !s.block_lock),
            "not before the 64th"
        );
        assert!(steps[63].block_lock, "at the 64th");
        assert_eq!(l.slips(), 0);
    }

    #[test]
    fn hunting_slips_on_every_invalid_header_and_restarts_the_count() {
        let mut l = BlockLock::new(0);
        let mut steps = run(&mut l, std::iter::repeat_n(GOOD, 63));
        steps.extend(run(&mut l, [BAD]));
        assert!(steps[63].slip && !steps[63].block_lock);
        // The count restarted: 63 more valid headers are not enough.
        let after = run(&mut l, std::iter::repeat_n(GOOD, 64));
        assert!(!after[62].block_lock && after[63].block_lock);
        // Two invalid in a row while hunting: two slips.
        let mut l = BlockLock::new(0);
        let s = run(&mut l, [BAD, BAD, GOOD]);
        assert!(s[0].slip && s[1].slip && !s[2].slip);
        assert_eq!(l.slips(), 2);
    }

    #[test]
    fn locked_lane_loses_lock_at_the_16th_invalid_header_of_a_window() {
        let mut l = BlockLock::new(0);
        run(&mut l, std::iter::repeat_n(GOOD, 64));
        assert!(l.block_lock());
        // 15 invalid headers among 64: still locked, no slip.
        let w: Vec<u8> = (0..64).map(|i| if i < 15 { BAD } else { GOOD }).collect();
        let s = run(&mut l, w);
        assert!(s.iter().all(|s| s.block_lock && !s.slip));
        // The next window: the 16th invalid header slips and unlocks, at
        // once, whatever the window's position.
        // Invalid at every even index: the 16th is at index 30.
        let w: Vec<u8> = (0..40)
            .map(|i| if i % 2 == 0 { BAD } else { GOOD })
            .collect();
        let s = run(&mut l, w);
        let first_slip = s.iter().position(|s| s.slip).expect("loses lock");
        assert_eq!(first_slip, 30, "the 16th invalid header");
        assert!(s[..30].iter().all(|s| s.block_lock));
        assert!(!s[30].block_lock);
        // Hunting again: the invalid headers after it slip one by one.
        assert_eq!(s[31..].iter().filter(|s| s.slip).count(), 4);
    }

    #[test]
    fn windows_are_consecutive_not_sliding() {
        // 15 invalid at the end of one window and 15 at the start of the
        // next: 30 within 64 consecutive blocks, but never 16 in one
        // window, so lock holds (a sliding window would drop it).
        let mut l = BlockLock::new(0);
        run(&mut l, std::iter::repeat_n(GOOD, 64));
        let mut w = vec![GOOD; 49];
        w.extend(std::iter::repeat_n(BAD, 15));
        w.extend(std::iter::repeat_n(BAD, 15));
        w.extend(std::iter::repeat_n(GOOD, 49));
        let s = run(&mut l, w);
        assert!(s.iter().all(|s| s.block_lock && !s.slip));
    }

    #[test]
    fn a_window_with_errors_keeps_but_does_not_renew_lock_from_hunting() {
        // While hunting, a window needs zero invalid headers (GOOD_64 only
        // on sh_invld_cnt = 0); any invalid slips first anyway.
        let mut l = BlockLock::new(0);
        let mut w = vec![GOOD; 40];
        w.push(BAD);
        w.extend(std::iter::repeat_n(GOOD, 63));
        let s = run(&mut l, w);
        assert!(s.iter().all(|s| !s.block_lock));
        assert_eq!(l.slips(), 1);
        assert!(l.block(GOOD).block_lock, "the 64th after the slip");
    }

    #[test]
    fn slip_wait_swallows_that_many_blocks_untested() {
        let mut l = BlockLock::new(3);
        let s = run(&mut l, [BAD, BAD, BAD, BAD, GOOD]);
        assert!(s[0].slip && s[0].tested);
        assert!(!s[1].tested && !s[2].tested && !s[3].tested, "settling");
        assert!(s[4].tested && !s[4].slip);
        assert_eq!(l.slips(), 1, "invalid headers while settling do not slip");
        assert_eq!(l.state(), LockState::ValidSh);
        let s = run(&mut l, std::iter::repeat_n(GOOD, 63));
        assert!(
            !s[61].block_lock && s[62].block_lock,
            "64 tested after the wait"
        );
    }
}
