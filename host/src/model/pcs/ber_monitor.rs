//! The hi-BER monitor, IEEE 802.3 Figure 49-15.
//!
//! `ber_cnt` counts invalid sync headers since the 125 µs timer started;
//! reaching the threshold (16 in clause 49) raises `hi_ber` (HI_BER) until
//! that timer expires. A window whose timer expires while the last tested
//! header was valid clears `hi_ber` (GOOD_BER); one that expires right
//! after an invalid header restarts the timer without clearing it (the
//! BER_BAD_SH exit). START_TIMER waits for a header, so a window without
//! blocks ends only at the next header. Timing at the 66-bit interface
//! (timer in core-clock cycles, held in BER_MT_INIT without block lock):
//! see the cycle contract in `super`.

use super::sh_valid;

/// Figure 49-15's states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BerState {
    BerMtInit,
    StartTimer,
    BerTestSh,
    BerBadSh,
    HiBer,
    GoodBer,
}

/// One lane's hi-BER monitor.
#[derive(Debug, Clone)]
pub struct BerMonitor {
    state: BerState,
    hi_ber: bool,
    ber_cnt: u32,
    timer_left: u64,
    window: u64,
    threshold: u32,
}

impl BerMonitor {
    /// A monitor with a timer of `window` cycles (125 µs in clause 49) and
    /// `threshold` invalid headers (16).
    pub fn new(window: u64, threshold: u32) -> Self {
        assert!(window > 0 && threshold > 0, "a window and a threshold");
        let mut m = Self {
            state: BerState::BerMtInit,
            hi_ber: false,
            ber_cnt: 0,
            timer_left: 0,
            window,
            threshold,
        };
        m.init();
        m
    }

    pub fn hi_ber(&self) -> bool {
        self.hi_ber
    }

    pub fn state(&self) -> BerState {
        self.state
    }

    /// BER_MT_INIT, then START_TIMER (UCT).
    fn init(&mut self) {
        self.state = BerState::BerMtInit;
        self.hi_ber = false;
        self.start_timer();
    }

    fn start_timer(&mut self) {
        self.state = BerState::StartTimer;
        self.ber_cnt = 0;
        self.timer_left = self.window;
    }

    /// GOOD_BER, then START_TIMER (UCT).
    fn good_ber(&mut self) {
        self.state = BerState::GoodBer;
        self.hi_ber = false;
        self.start_timer();
    }

    /// BER_TEST_SH with a header, then its exits (and BER_BAD_SH's).
    fn test(&mut self, header: u8, done: bool) {
        self.state = BerState::BerTestSh;
        if sh_valid(header) {
            if done {
                self.good_ber();
            }
            return;
        }
        self.state = BerState::BerBadSh;
        self.ber_cnt += 1;
        if self.ber_cnt == self.threshold {
            self.state = BerState::HiBer;
            self.hi_ber = true;
        } else if done {
            self.start_timer();
        }
    }

    /// One core-clock cycle: `header` when a block arrived (`ber_test_sh`).
    /// Returns `hi_ber` after the cycle.
    pub fn cycle(&mut self, block_lock: bool, header: Option<u8>) -> bool {
        match header {
            Some(h) => self.cycle_headers(block_lock, &[h]),
            None => self.cycle_headers(block_lock, &[]),
        }
    }

    /// One core-clock cycle of a multi-lane receiver (clause 82's BER
    /// monitor, 82.2.18.3, which counts the invalid sync headers of every
    /// PCS lane in one window): the timer advances once, then each header
    /// that arrived in the cycle is tested in turn, lane order, as
    /// `ber_test_sh` would present the aggregate's blocks one after
    /// another. `block_lock` is every lane's (clause 82: all lanes locked).
    /// Returns `hi_ber` after the cycle.
    pub fn cycle_headers(&mut self, block_lock: bool, headers: &[u8]) -> bool {
        if !block_lock {
            self.init();
            return self.hi_ber;
        }
        self.timer_left = self.timer_left.saturating_sub(1);
        if headers.is_empty() {
            self.act(None);
        }
        for &h in headers {
            self.act(Some(h));
        }
        self.hi_ber
    }

    /// The diagram's step for one header (or none) at the timer as it
    /// stands.
    fn act(&mut self, header: Option<u8>) {
        let done = self.timer_left == 0;
        match self.state {
            BerState::StartTimer => {
                if let Some(h) = header {
                    self.test(h, done);
                }
            }
            BerState::BerTestSh => match header {
                Some(h) => self.test(h, done),
                // Still testing the last (valid) header.
                None if done => self.good_ber(),
                None => {}
            },
            BerState::BerBadSh => {
                if done {
                    self.start_timer();
                    if let Some(h) = header {
                        self.test(h, false);
                    }
                } else if let Some(h) = header {
                    self.test(h, false);
                }
            }
            BerState::HiBer => {
                if done {
                    self.start_timer();
                    if let Some(h) = header {
                        self.test(h, false);
                    }
                }
            }
            BerState::BerMtInit | BerState::GoodBer => unreachable!("transient states"),
        }
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from Figure 49-15 and 49.2.13.2.2 (16 invalid sync
    //! headers within 125 µs), with a short window so the timer's edges
    //! can be counted by hand.
    use super::*;

    const GOOD: u8 = 0b01;
    const BAD: u8 = 0b00;

    #[test]
    fn sixteen_invalid_headers_in_a_window_raise_hi_ber_fifteen_do_not() {
        let mut m = BerMonitor::new(1000, 16);
        for i in 0..15 {
            assert!(!m.cycle(true, Some(BAD)), "after {} invalid", i + 1);
        }
        for _ in 0..100 {
            assert!(!m.cycle(true, Some(GOOD)));
        }
        assert!(m.cycle(true, Some(BAD)), "the 16th in the same window");
        assert_eq!(m.state(), BerState::HiBer);
    }

    #[test]
    fn invalid_headers_in_different_windows_do_not_add_up() {
        let mut m = BerMonitor::new(100, 16);
        // 10 invalid early in window 1, then valid headers past its end,
        // then 10 invalid in window 2.
        for c in 0..150 {
            let h = if c < 10 || (110..120).contains(&c) {
                BAD
            } else {
                GOOD
            };
            assert!(!m.cycle(true, Some(h)), "cycle {c}");
        }
    }

    #[test]
    fn hi_ber_holds_to_the_end_of_its_window_and_clears_after_a_clean_one() {
        let w = 50u64;
        let mut m = BerMonitor::new(w, 16);
        // Window 1 starts at construction: its timer is done in cycle w.
        let mut hi = Vec::new();
        for c in 1..=4 * w {
            let h = if c <= 16 { BAD } else { GOOD };
            hi.push((c, m.cycle(true, Some(h))));
        }
        let at = |c: u64| hi[(c - 1) as usize].1;
        assert!(!at(15) && at(16), "raised at the 16th invalid header");
        assert!(at(w), "held through window 1");
        // Window 2 (cycles w+1 .. 2w) is clean: GOOD_BER when its timer is
        // done, in cycle 2w.
        assert!(at(2 * w - 1));
        assert!(!at(2 * w), "cleared at the end of the clean window");
        assert!(!at(3 * w));
    }

    #[test]
    fn a_window_ending_on_an_invalid_header_keeps_hi_ber() {
        let w = 40u64;
        let mut m = BerMonitor::new(w, 16);
        for c in 1..=w {
            m.cycle(true, Some(if c <= 16 { BAD } else { GOOD }));
        }
        assert!(m.hi_ber());
        // Window 2: clean except its last header; BER_BAD_SH's timer exit
        // restarts the timer without GOOD_BER.
        for c in w + 1..=2 * w {
            m.cycle(true, Some(if c == 2 * w { BAD } else { GOOD }));
        }
        assert!(m.hi_ber(), "no GOOD_BER from BER_BAD_SH");
        for _ in 2 * w + 1..=3 * w {
            m.cycle(true, Some(GOOD));
        }
        assert!(!m.hi_ber(), "the next clean window clears it");
    }

    #[test]
    fn without_block_lock_the_monitor_is_held_and_counts_nothing() {
        let mut m = BerMonitor::new(1000, 16);
        for _ in 0..15 {
            m.cycle(true, Some(BAD));
        }
        // Lock lost: BER_MT_INIT clears the count.
        assert!(!m.cycle(false, Some(BAD)));
        assert_eq!(m.state(), BerState::StartTimer);
        assert!(
            !m.cycle(true, Some(BAD)),
            "one invalid header after re-lock"
        );
        for _ in 0..100 {
            assert!(!m.cycle(false, Some(BAD)));
        }
    }

    #[test]
    fn a_window_without_blocks_ends_at_the_next_header() {
        let w = 20u64;
        let mut m = BerMonitor::new(w, 16);
        // 16 invalid headers, then silence: HI_BER's timer expires with no
        // header in the cycle, so START_TIMER is left waiting.
        for c in 1..=w {
            m.cycle(true, (c <= 16).then_some(BAD));
        }
        assert!(m.hi_ber());
        assert_eq!(m.state(), BerState::StartTimer);
        // Window 2 has no blocks at all (loss of signal): START_TIMER waits
        // for ber_test_sh, so hi_ber stays until a header arrives.
        for _ in 0..3 * w {
            m.cycle(true, None);
        }
        assert!(m.hi_ber(), "no header, no GOOD_BER");
        // The first header tests valid with the timer long done: GOOD_BER.
        assert!(!m.cycle(true, Some(GOOD)));
    }

    /// Clause 82 (82.2.18.3, 100GBASE-R: 97 invalid sync headers in
    /// 500 µs over all PCS lanes): eight lanes' headers in one window add
    /// up; 96 spread over lanes and cycles do not raise hi_ber, the 97th
    /// does, even when several arrive in one cycle.
    #[test]
    fn a_links_invalid_headers_add_up_across_lanes() {
        let mut m = BerMonitor::new(10_000, 97);
        let mut bad = 0;
        let mut c = 0;
        while bad < 96 {
            // Cycle c: lane (c % 8) invalid, the others valid; on every
            // tenth cycle two more lanes invalid.
            let mut h = [GOOD; 8];
            h[c % 8] = BAD;
            bad += 1;
            if c % 10 == 9 && bad + 2 <= 96 {
                h[(c + 3) % 8] = BAD;
                h[(c + 5) % 8] = BAD;
                bad += 2;
            }
            assert!(!m.cycle_headers(true, &h), "{bad} invalid headers");
            c += 1;
        }
        assert_eq!(bad, 96);
        // One cycle with the 97th and 98th on two lanes.
        let mut h = [GOOD; 8];
        h[2] = BAD;
        h[6] = BAD;
        assert!(m.cycle_headers(true, &h));
        assert_eq!(m.state(), BerState::HiBer);
        // Any lane without lock: BER_MT_INIT.
        assert!(!m.cycle_headers(false, &h));
    }
}
