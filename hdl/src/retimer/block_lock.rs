//! `BlockLock`: 64b/66b block lock, IEEE 802.3 Figure 49-14, at a 66-bit
//! interface, in the retimer path's cycle contract
//! (`xpo_host::model::retimer`, item 2; the model is
//! `xpo_host::model::pcs::BlockLock`).
//!
//! Figure 49-14's states fold into three registers: `block_lock`, the
//! window counters (`sh_cnt`, `sh_invld_cnt`; RESET_CNT is both at zero)
//! and the slip wait (SLIP is a non-zero `slip_left`). TEST_SH, VALID_SH
//! and INVALID_SH are the decision taken on a tested header in one cycle.
//! The counters are compared with their last value *before* the
//! increment (63, 15), so each comparison is as wide as its counter.

use rust_hdl::prelude::*;

/// One lane direction's lock state machine.
#[derive(LogicBlock)]
pub struct BlockLock {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// `signal_ok` for this block (not loss of signal).
    pub signal_ok: Signal<In, Bit>,
    /// A block arrived (`test_sh` unless waiting for `slip_done`).
    pub valid: Signal<In, Bit>,
    /// Its sync header is `01` or `10`.
    pub sh_valid: Signal<In, Bit>,
    /// The header is tested this cycle (combinational).
    pub tested: Signal<Out, Bit>,
    /// `block_lock` after this cycle (combinational, for the hi-BER
    /// monitor, which acts in the same cycle).
    pub lock_next: Signal<Out, Bit>,
    /// `block_lock` as it stands (registered).
    pub block_lock: Signal<Out, Bit>,
    /// The bit-slip request, one cycle (registered).
    pub slip: Signal<Out, Bit>,
    lock: DFF<Bit>,
    slip_q: DFF<Bit>,
    sh_cnt: DFF<Bits<6>>,
    sh_invld_cnt: DFF<Bits<4>>,
    slip_left: DFF<Bits<4>>,
    cnt_last: Constant<Bits<6>>,
    invld_last: Constant<Bits<4>>,
    slip_wait: Constant<Bits<4>>,
    zero6: Constant<Bits<6>>,
    one6: Constant<Bits<6>>,
    zero4: Constant<Bits<4>>,
    one4: Constant<Bits<4>>,
}

impl BlockLock {
    /// `slip_wait` untested blocks after each slip (at most 15).
    pub fn new(slip_wait: u32) -> Self {
        assert!(slip_wait <= 15, "a 4-bit slip wait");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            signal_ok: Default::default(),
            valid: Default::default(),
            sh_valid: Default::default(),
            tested: Default::default(),
            lock_next: Default::default(),
            block_lock: Default::default(),
            slip: Default::default(),
            lock: Default::default(),
            slip_q: Default::default(),
            sh_cnt: Default::default(),
            sh_invld_cnt: Default::default(),
            slip_left: Default::default(),
            // sh_cnt = 64 and sh_invld_cnt = 16 are reached from 63 and 15.
            cnt_last: Constant::new(63u64.into()),
            invld_last: Constant::new(15u64.into()),
            slip_wait: Constant::new(u64::from(slip_wait).into()),
            zero6: Constant::new(0u64.into()),
            one6: Constant::new(1u64.into()),
            zero4: Constant::new(0u64.into()),
            one4: Constant::new(1u64.into()),
        }
    }
}

impl Logic for BlockLock {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, lock, slip_q, sh_cnt, sh_invld_cnt, slip_left);
        self.block_lock.next = self.lock.q.val();
        self.slip.next = self.slip_q.q.val();
        self.slip_q.d.next = false;
        self.tested.next =
            self.signal_ok.val() & self.valid.val() & (self.slip_left.q.val() == self.zero4.val());
        if !self.signal_ok.val() {
            // reset + !signal_ok: LOCK_INIT, then RESET_CNT.
            self.lock.d.next = false;
            self.sh_cnt.d.next = self.zero6.val();
            self.sh_invld_cnt.d.next = self.zero4.val();
            self.slip_left.d.next = self.zero4.val();
        } else if self.valid.val() {
            if self.slip_left.q.val() != self.zero4.val() {
                // SLIP, waiting for slip_done: not tested.
                self.slip_left.d.next = self.slip_left.q.val() - self.one4.val();
            } else if self.sh_valid.val() {
                // VALID_SH
                if self.sh_cnt.q.val() == self.cnt_last.val() {
                    // sh_cnt = 64: GOOD_64 if no invalid header, RESET_CNT.
                    if self.sh_invld_cnt.q.val() == self.zero4.val() {
                        self.lock.d.next = true;
                    }
                    self.sh_cnt.d.next = self.zero6.val();
                    self.sh_invld_cnt.d.next = self.zero4.val();
                } else {
                    self.sh_cnt.d.next = self.sh_cnt.q.val() + self.one6.val();
                }
            } else if (self.sh_invld_cnt.q.val() == self.invld_last.val()) | !self.lock.q.val() {
                // INVALID_SH with 16 invalid, or hunting: SLIP.
                self.lock.d.next = false;
                self.slip_q.d.next = true;
                self.slip_left.d.next = self.slip_wait.val();
                self.sh_cnt.d.next = self.zero6.val();
                self.sh_invld_cnt.d.next = self.zero4.val();
            } else if self.sh_cnt.q.val() == self.cnt_last.val() {
                // sh_cnt = 64 with fewer than 16 invalid: RESET_CNT.
                self.sh_cnt.d.next = self.zero6.val();
                self.sh_invld_cnt.d.next = self.zero4.val();
            } else {
                self.sh_cnt.d.next = self.sh_cnt.q.val() + self.one6.val();
                self.sh_invld_cnt.d.next = self.sh_invld_cnt.q.val() + self.one4.val();
            }
        }
        self.lock_next.next = self.lock.d.val();
        if self.reset.val() {
            self.lock.d.next = false;
            self.slip_q.d.next = false;
            self.sh_cnt.d.next = self.zero6.val();
            self.sh_invld_cnt.d.next = self.zero4.val();
            self.slip_left.d.next = self.zero4.val();
        }
    }
}
