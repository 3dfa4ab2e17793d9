//! `PrbsChecker`: one lane's PRBS checker with lock detection and BER
//! counters.

use super::generator::SEED;
use super::PrbsSequence;
use crate::popcount::Popcount;
use rust_hdl::prelude::*;
use xpo_spec::PrbsConfig;

/// Checks received words against the selected PRBS.
///
/// Cycle contract (the host model implements the same from this text):
/// - Enabling, pattern/invert latching and stopping work as in the
///   generator. Only cycles with `valid` high and a supported pattern are
///   looked at.
/// - Hunting: each word is compared with the prediction from the previous
///   word (feed-forward), then the reference is re-seeded from this word's
///   last 31 bits. After `lock_words` consecutive error-free words it locks.
/// - Locked: the reference free-runs, so every received bit error is counted
///   exactly once (a feed-forward checker would count each error once per
///   polynomial tap plus one). `error_count` grows by the word's error bits
///   and `bit_count` by 66, both saturating at 2^64-1 (the CMIS 14h U64 counters). A word with at least
///   `unlock_errors` errors is bad; `unlock_words` bad words in a row drop
///   lock and hunting resumes with the next word.
/// - `counter_reset` zeroes both counters; the word of that cycle is not
///   counted. Counters hold their value while the checker is disabled.
#[derive(LogicBlock)]
pub struct PrbsChecker {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Control
    pub enable: Signal<In, Bit>,
    pub pattern: Signal<In, Bits<4>>,
    pub invert: Signal<In, Bit>,
    pub counter_reset: Signal<In, Bit>,
    // Deserializer interface
    pub data: Signal<In, Bits<66>>,
    pub valid: Signal<In, Bit>,
    // Status
    pub locked: Signal<Out, Bit>,
    pub error_count: Signal<Out, Bits<64>>,
    pub bit_count: Signal<Out, Bits<64>>,
    lfsr: PrbsSequence,
    /// Error bits in this word, as wide as the counter it is added to.
    error_bits: Popcount<66, 64>,
    running: DFF<Bit>,
    active_pattern: DFF<Bits<4>>,
    active_invert: DFF<Bit>,
    reference: DFF<Bits<31>>,
    lock: DFF<Bit>,
    /// Consecutive good words while hunting, bad words while locked.
    run: DFF<Bits<8>>,
    errors: DFF<Bits<64>>,
    bits: DFF<Bits<64>>,
    /// Received word with the selected inversion undone.
    plain: Signal<Local, Bits<66>>,
    error_sum: Signal<Local, Bits<64>>,
    bit_sum: Signal<Local, Bits<64>>,
    seed: Constant<Bits<31>>,
    ones: Constant<Bits<66>>,
    saturated: Constant<Bits<64>>,
    count_zero: Constant<Bits<64>>,
    word_bits: Constant<Bits<64>>,
    run_zero: Constant<Bits<8>>,
    run_one: Constant<Bits<8>>,
    pattern_zero: Constant<Bits<4>>,
    lock_last: Constant<Bits<8>>,
    unlock_last: Constant<Bits<8>>,
    unlock_errors: Constant<Bits<64>>,
}

impl PrbsChecker {
    /// A checker with the lock detector of `cfg` (already validated).
    pub fn new(cfg: &PrbsConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            pattern: Default::default(),
            invert: Default::default(),
            counter_reset: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            locked: Default::default(),
            error_count: Default::default(),
            bit_count: Default::default(),
            lfsr: Default::default(),
            error_bits: Default::default(),
            running: Default::default(),
            active_pattern: Default::default(),
            active_invert: Default::default(),
            reference: Default::default(),
            lock: Default::default(),
            run: Default::default(),
            errors: Default::default(),
            bits: Default::default(),
            plain: Default::default(),
            error_sum: Default::default(),
            bit_sum: Default::default(),
            seed: Constant::new(SEED.into()),
            ones: Constant::new(Bits::<66>::mask()),
            saturated: Constant::new(Bits::<64>::mask()),
            count_zero: Constant::new(0u64.into()),
            word_bits: Constant::new(66u64.into()),
            run_zero: Constant::new(0u64.into()),
            run_one: Constant::new(1u64.into()),
            pattern_zero: Constant::new(0u64.into()),
            // Compare the run counter with N-1 before incrementing it, so the
            // comparison is as wide as the counter.
            lock_last: Constant::new(((cfg.lock_words - 1) as u64).into()),
            unlock_last: Constant::new(((cfg.unlock_words - 1) as u64).into()),
            unlock_errors: Constant::new((cfg.unlock_errors as u64).into()),
        }
    }
}

impl Logic for PrbsChecker {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            running,
            active_pattern,
            active_invert,
            reference,
            lock,
            run,
            errors,
            bits
        );
        self.lfsr.state.next = self.reference.q.val();
        self.lfsr.pattern.next = self.active_pattern.q.val();
        if self.active_invert.q.val() {
            self.plain.next = self.data.val() ^ self.ones.val();
        } else {
            self.plain.next = self.data.val();
        }
        self.error_bits.word.next = self.plain.val() ^ self.lfsr.word.val();
        // A sum below its old value wrapped: saturate instead.
        self.error_sum.next = self.errors.q.val() + self.error_bits.count.val();
        self.bit_sum.next = self.bits.q.val() + self.word_bits.val();
        self.locked.next = self.lock.q.val();
        self.error_count.next = self.errors.q.val();
        self.bit_count.next = self.bits.q.val();
        if !self.running.q.val() {
            self.running.d.next = self.enable.val();
            self.active_pattern.d.next = self.pattern.val();
            self.active_invert.d.next = self.invert.val();
            self.reference.d.next = self.seed.val();
            self.lock.d.next = false;
            self.run.d.next = self.run_zero.val();
        } else if !self.enable.val() {
            self.running.d.next = false;
            self.lock.d.next = false;
            self.run.d.next = self.run_zero.val();
        } else if self.valid.val() & self.lfsr.supported.val() {
            if !self.lock.q.val() {
                // Hunting: predict from the received bits, then re-seed.
                self.reference.d.next = self.plain.val().get_bits::<31>(35);
                if !self.error_bits.count.val().any() {
                    if self.run.q.val() == self.lock_last.val() {
                        self.lock.d.next = true;
                        self.run.d.next = self.run_zero.val();
                    } else {
                        self.run.d.next = self.run.q.val() + self.run_one.val();
                    }
                } else {
                    self.run.d.next = self.run_zero.val();
                }
            } else {
                // Locked: free-run and count every bit error once.
                self.reference.d.next = self.lfsr.word.val().get_bits::<31>(35);
                if self.error_sum.val() < self.errors.q.val() {
                    self.errors.d.next = self.saturated.val();
                } else {
                    self.errors.d.next = self.error_sum.val();
                }
                if self.bit_sum.val() < self.bits.q.val() {
                    self.bits.d.next = self.saturated.val();
                } else {
                    self.bits.d.next = self.bit_sum.val();
                }
                if self.error_bits.count.val() >= self.unlock_errors.val() {
                    if self.run.q.val() == self.unlock_last.val() {
                        self.lock.d.next = false;
                        self.run.d.next = self.run_zero.val();
                    } else {
                        self.run.d.next = self.run.q.val() + self.run_one.val();
                    }
                } else {
                    self.run.d.next = self.run_zero.val();
                }
            }
        }
        if self.counter_reset.val() {
            self.errors.d.next = self.count_zero.val();
            self.bits.d.next = self.count_zero.val();
        }
        if self.reset.val() {
            self.running.d.next = false;
            self.active_pattern.d.next = self.pattern_zero.val();
            self.active_invert.d.next = false;
            self.reference.d.next = self.seed.val();
            self.lock.d.next = false;
            self.run.d.next = self.run_zero.val();
            self.errors.d.next = self.count_zero.val();
            self.bits.d.next = self.count_zero.val();
        }
    }
}
