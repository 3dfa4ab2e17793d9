//! `BerMonitor`: the hi-BER monitor, IEEE 802.3 Figure 49-15, in the
//! retimer path's cycle contract (`xpo_host::model::retimer`, item 2; the
//! model is `xpo_host::model::pcs::BerMonitor`).
//!
//! The states that wait (START_TIMER, BER_TEST_SH, BER_BAD_SH, HI_BER)
//! are a 2-bit register; BER_MT_INIT and GOOD_BER pass through to
//! START_TIMER in the cycle they are entered. The 125 us timer counts
//! core-clock cycles down and stops at zero; `ber_cnt` is compared with
//! its last value before the increment, as wide as the counter.

use rust_hdl::prelude::*;

// The waiting states' codes, shared with the link's monitor.
pub(super) const START: u64 = 0;
pub(super) const TEST: u64 = 1;
pub(super) const BAD: u64 = 2;
pub(super) const HI: u64 = 3;

/// One lane direction's hi-BER monitor.
#[derive(LogicBlock)]
pub struct BerMonitor {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// `block_lock` after this cycle's block.
    pub block_lock: Signal<In, Bit>,
    /// A sync header is tested this cycle (`ber_test_sh`) ...
    pub tested: Signal<In, Bit>,
    /// ... and it is valid.
    pub sh_valid: Signal<In, Bit>,
    /// `hi_ber` as it stands (registered).
    pub hi_ber: Signal<Out, Bit>,
    st: DFF<Bits<2>>,
    hi: DFF<Bit>,
    ber_cnt: DFF<Bits<16>>,
    timer: DFF<Bits<24>>,
    s_start: Constant<Bits<2>>,
    s_test: Constant<Bits<2>>,
    s_bad: Constant<Bits<2>>,
    s_hi: Constant<Bits<2>>,
    window: Constant<Bits<24>>,
    timer_zero: Constant<Bits<24>>,
    timer_one: Constant<Bits<24>>,
    cnt_zero: Constant<Bits<16>>,
    cnt_one: Constant<Bits<16>>,
    cnt_last: Constant<Bits<16>>,
    threshold_one: Constant<Bit>,
}

impl BerMonitor {
    /// A timer of `window` cycles (2 ..= 2^24 - 1) and `threshold`
    /// invalid headers (1 ..= 65535).
    pub fn new(window: u64, threshold: u32) -> Self {
        assert!((2..1 << 24).contains(&window), "a 24-bit timer");
        assert!((1..=65_535).contains(&threshold), "a 16-bit count");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            block_lock: Default::default(),
            tested: Default::default(),
            sh_valid: Default::default(),
            hi_ber: Default::default(),
            st: Default::default(),
            hi: Default::default(),
            ber_cnt: Default::default(),
            timer: Default::default(),
            s_start: Constant::new(START.into()),
            s_test: Constant::new(TEST.into()),
            s_bad: Constant::new(BAD.into()),
            s_hi: Constant::new(HI.into()),
            window: Constant::new(window.into()),
            timer_zero: Constant::new(0u64.into()),
            timer_one: Constant::new(1u64.into()),
            cnt_zero: Constant::new(0u64.into()),
            cnt_one: Constant::new(1u64.into()),
            cnt_last: Constant::new(u64::from(threshold - 1).into()),
            threshold_one: Constant::new(threshold == 1),
        }
    }
}

impl Logic for BerMonitor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, st, hi, ber_cnt, timer);
        self.hi_ber.next = self.hi.q.val();
        // The timer runs down and stops at zero; `done` is timer_done
        // after this cycle's tick.
        if self.timer.q.val() != self.timer_zero.val() {
            self.timer.d.next = self.timer.q.val() - self.timer_one.val();
        }
        if !self.block_lock.val() {
            // BER_MT_INIT, START_TIMER.
            self.hi.d.next = false;
            self.st.d.next = self.s_start.val();
            self.ber_cnt.d.next = self.cnt_zero.val();
            self.timer.d.next = self.window.val();
        } else if ((self.st.q.val() == self.s_bad.val()) | (self.st.q.val() == self.s_hi.val()))
            & (self.timer.q.val() <= self.timer_one.val())
        {
            // BER_BAD_SH or HI_BER with timer_done: START_TIMER, and the
            // header (if any) is tested against the new timer.
            self.st.d.next = self.s_start.val();
            self.ber_cnt.d.next = self.cnt_zero.val();
            self.timer.d.next = self.window.val();
            if self.tested.val() {
                if self.sh_valid.val() {
                    self.st.d.next = self.s_test.val();
                } else {
                    self.st.d.next = self.s_bad.val();
                    self.ber_cnt.d.next = self.cnt_one.val();
                    if self.threshold_one.val() {
                        self.st.d.next = self.s_hi.val();
                        self.hi.d.next = true;
                    }
                }
            }
        } else if self.tested.val() & (self.st.q.val() != self.s_hi.val()) {
            // BER_TEST_SH from START_TIMER, BER_TEST_SH or BER_BAD_SH
            // (HI_BER waits for timer_done and tests no header).
            if self.sh_valid.val() {
                self.st.d.next = self.s_test.val();
                if self.timer.q.val() <= self.timer_one.val() {
                    // GOOD_BER, START_TIMER.
                    self.hi.d.next = false;
                    self.st.d.next = self.s_start.val();
                    self.ber_cnt.d.next = self.cnt_zero.val();
                    self.timer.d.next = self.window.val();
                }
            } else {
                self.st.d.next = self.s_bad.val();
                self.ber_cnt.d.next = self.ber_cnt.q.val() + self.cnt_one.val();
                if self.ber_cnt.q.val() == self.cnt_last.val() {
                    self.st.d.next = self.s_hi.val();
                    self.hi.d.next = true;
                } else if self.timer.q.val() <= self.timer_one.val() {
                    self.st.d.next = self.s_start.val();
                    self.ber_cnt.d.next = self.cnt_zero.val();
                    self.timer.d.next = self.window.val();
                }
            }
        } else if (self.st.q.val() == self.s_test.val())
            & (self.timer.q.val() <= self.timer_one.val())
        {
            // BER_TEST_SH with timer_done and the last header valid:
            // GOOD_BER, START_TIMER.
            self.hi.d.next = false;
            self.st.d.next = self.s_start.val();
            self.ber_cnt.d.next = self.cnt_zero.val();
            self.timer.d.next = self.window.val();
        }
        if self.reset.val() {
            self.hi.d.next = false;
            self.st.d.next = self.s_start.val();
            self.ber_cnt.d.next = self.cnt_zero.val();
            self.timer.d.next = self.window.val();
        }
    }
}
