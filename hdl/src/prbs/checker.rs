//! `PrbsChecker`: one lane's PRBS checker with lock detection and BER
//! counters.

use super::generator::SEED;
use super::PrbsSequence;
use crate::popcount::{FieldSum, GroupPopcount};
use crate::saturating::SaturatingAdd;
use rust_hdl::prelude::*;
use xpo_spec::prbs::{PatternSet, CHECKER_DECISION_LATENCY};
use xpo_spec::PrbsConfig;

/// Checks received words against the selected PRBS.
///
/// Cycle contract (the host model implements the same from this text;
/// `D` is [`CHECKER_DECISION_LATENCY`], 4):
/// - Enabling, pattern/invert latching and stopping work as in the
///   generator. Only cycles with `valid` high and a supported pattern,
///   while running and enabled, carry a *word*.
/// - A word is *judged* on the edge it arrives, in the state the checker is
///   in before that edge. Hunting: it is compared with the prediction from
///   the previous word (feed-forward), then the reference is re-seeded from
///   its last 31 bits. Locked: it is compared with the free-running
///   reference, which advances one word.
/// - The judgement (the number of error bits) is *acted on* `D` edges
///   later, if the checker is still in the state it was judged in.
///   - Hunting: an error-free word extends the run of good words and
///     `lock_words` in a row gain lock: from the next word on, the
///     reference free-runs and words are judged locked.
///   - Gaining lock: the words judged while hunting still in flight re-seeded
///     the reference, so each is still acted on: one with any error
///     abandons the lock (hunting resumes, the run restarts). `locked`
///     shows lock only once none of them is left (`D` edges after lock is
///     gained), so it never rises and falls back for this.
///   - Locked: `error_count` grows by the word's error bits and
///     `bit_count` by 66, both saturating at 2^64-1 (the CMIS 14h U64
///     counters). A word with at least `unlock_errors` errors is bad;
///     `unlock_words` bad words in a row drop lock and hunting resumes with
///     the next word to arrive; words judged locked still in flight are
///     dropped.
/// - `counter_reset` zeroes both counters on its edge; a word that arrived
///   on or before that edge is never counted (it still counts towards the
///   runs). Counters hold their value while the checker is disabled.
/// - `stopped` (CMIS 13h:177 bit 7, MeasurementRun, low): a word that
///   arrives while it is high is never counted (it still counts towards
///   the runs and the lock); words already in flight still are, so the
///   counters stop within `D` edges and hold.
/// - Disabling the checker or `reset` drops the words in flight.
///
/// Why `D` is 4: the error bits are compared on arrival and registered
/// (the reference loop stays one LFSR step), counted per six-bit group on
/// the next edge, summed on the one after, carried one more register on
/// the next, and the last edge adds the sum into the 64-bit counters and
/// updates the lock; each of those fits the clock on its own. The carry
/// stage was added for the default engine on ECP5 (at 3, its critical
/// path was the group sum's register to the error counter's adder across
/// the die: 10.60 ns, 6.49 ns of it routing); a register between them
/// lets the placer put the count beside the counters.
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
    pub stopped: Signal<In, Bit>,
    // Deserializer interface
    pub data: Signal<In, Bits<66>>,
    pub valid: Signal<In, Bit>,
    // Status
    pub locked: Signal<Out, Bit>,
    pub error_count: Signal<Out, Bits<64>>,
    pub bit_count: Signal<Out, Bits<64>>,
    lfsr: PrbsSequence,
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
    /// Judged words in flight: stage 1 holds the error bits, stage 2 their
    /// per-group counts, stage 3 the word's error count, stage 4 the same
    /// one edge on. Each stage carries
    /// whether it holds a word (`word`), whether that word was judged
    /// locked (`judged_locked`) and whether it may still be counted
    /// (`countable`: judged locked, no `counter_reset` since).
    s1_mismatch: DFF<Bits<66>>,
    s1_word: DFF<Bit>,
    s1_judged_locked: DFF<Bit>,
    s1_countable: DFF<Bit>,
    groups: GroupPopcount<66, 6, 33>,
    s2_groups: DFF<Bits<33>>,
    s2_word: DFF<Bit>,
    s2_judged_locked: DFF<Bit>,
    s2_countable: DFF<Bit>,
    group_sum: FieldSum<33, 3, 7>,
    s3_count: DFF<Bits<7>>,
    s3_word: DFF<Bit>,
    s3_judged_locked: DFF<Bit>,
    s3_countable: DFF<Bit>,
    s4_count: DFF<Bits<7>>,
    s4_word: DFF<Bit>,
    s4_judged_locked: DFF<Bit>,
    s4_countable: DFF<Bit>,
    error_sum: SaturatingAdd<64, 7>,
    bit_sum: SaturatingAdd<64, 7>,
    seed: Constant<Bits<31>>,
    ones: Constant<Bits<66>>,
    count_zero: Constant<Bits<64>>,
    error_free: Constant<Bits<7>>,
    word_bits: Constant<Bits<7>>,
    run_zero: Constant<Bits<8>>,
    run_one: Constant<Bits<8>>,
    pattern_zero: Constant<Bits<4>>,
    lock_last: Constant<Bits<8>>,
    unlock_last: Constant<Bits<8>>,
    unlock_errors: Constant<Bits<7>>,
}

/// The pipeline below has exactly the contract's stages.
const _: () = assert!(CHECKER_DECISION_LATENCY == 4);

impl PrbsChecker {
    /// A checker with the lock detector of `cfg` (already validated),
    /// running the patterns of `set` (others never lock).
    pub fn new(cfg: &PrbsConfig, set: PatternSet) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            pattern: Default::default(),
            invert: Default::default(),
            counter_reset: Default::default(),
            stopped: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            locked: Default::default(),
            error_count: Default::default(),
            bit_count: Default::default(),
            lfsr: PrbsSequence::with_patterns(set),
            running: Default::default(),
            active_pattern: Default::default(),
            active_invert: Default::default(),
            reference: Default::default(),
            lock: Default::default(),
            run: Default::default(),
            errors: Default::default(),
            bits: Default::default(),
            plain: Default::default(),
            s1_mismatch: Default::default(),
            s1_word: Default::default(),
            s1_judged_locked: Default::default(),
            s1_countable: Default::default(),
            groups: Default::default(),
            s2_groups: Default::default(),
            s2_word: Default::default(),
            s2_judged_locked: Default::default(),
            s2_countable: Default::default(),
            group_sum: Default::default(),
            s3_count: Default::default(),
            s3_word: Default::default(),
            s3_judged_locked: Default::default(),
            s3_countable: Default::default(),
            s4_count: Default::default(),
            s4_word: Default::default(),
            s4_judged_locked: Default::default(),
            s4_countable: Default::default(),
            error_sum: Default::default(),
            bit_sum: Default::default(),
            seed: Constant::new(SEED.into()),
            ones: Constant::new(Bits::<66>::mask()),
            count_zero: Constant::new(0u64.into()),
            error_free: Constant::new(0u64.into()),
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
            bits,
            s1_mismatch,
            s1_word,
            s1_judged_locked,
            s1_countable,
            s2_groups,
            s2_word,
            s2_judged_locked,
            s2_countable,
            s3_count,
            s3_word,
            s3_judged_locked,
            s3_countable,
            s4_count,
            s4_word,
            s4_judged_locked,
            s4_countable
        );
        self.lfsr.state.next = self.reference.q.val();
        self.lfsr.pattern.next = self.active_pattern.q.val();
        if self.active_invert.q.val() {
            self.plain.next = self.data.val() ^ self.ones.val();
        } else {
            self.plain.next = self.data.val();
        }
        self.locked.next = self.lock.q.val()
            & !(self.s1_word.q.val() & !self.s1_judged_locked.q.val())
            & !(self.s2_word.q.val() & !self.s2_judged_locked.q.val())
            & !(self.s3_word.q.val() & !self.s3_judged_locked.q.val())
            & !(self.s4_word.q.val() & !self.s4_judged_locked.q.val());
        self.error_count.next = self.errors.q.val();
        self.bit_count.next = self.bits.q.val();
        // Stage 1: judge the arriving word (see the contract).
        self.s1_mismatch.d.next = self.plain.val() ^ self.lfsr.word.val();
        self.s1_word.d.next = false;
        self.s1_judged_locked.d.next = self.lock.q.val();
        self.s1_countable.d.next =
            self.lock.q.val() & !self.counter_reset.val() & !self.stopped.val();
        // Stage 2: count the error bits per group.
        self.groups.word.next = self.s1_mismatch.q.val();
        self.s2_groups.d.next = self.groups.counts.val();
        self.s2_word.d.next = self.s1_word.q.val();
        self.s2_judged_locked.d.next = self.s1_judged_locked.q.val();
        self.s2_countable.d.next = self.s1_countable.q.val() & !self.counter_reset.val();
        // Stage 3: sum the groups.
        self.group_sum.fields.next = self.s2_groups.q.val();
        self.s3_count.d.next = self.group_sum.sum.val();
        self.s3_word.d.next = self.s2_word.q.val();
        self.s3_judged_locked.d.next = self.s2_judged_locked.q.val();
        self.s3_countable.d.next = self.s2_countable.q.val() & !self.counter_reset.val();
        // Stage 4: the count carried to the counters (a register hop: the
        // 64-bit counters need not sit beside the group sum).
        self.s4_count.d.next = self.s3_count.q.val();
        self.s4_word.d.next = self.s3_word.q.val();
        self.s4_judged_locked.d.next = self.s3_judged_locked.q.val();
        self.s4_countable.d.next = self.s3_countable.q.val() & !self.counter_reset.val();
        // Decision: the counters' saturating sums.
        self.error_sum.a.next = self.errors.q.val();
        self.error_sum.b.next = self.s4_count.q.val();
        self.bit_sum.a.next = self.bits.q.val();
        self.bit_sum.b.next = self.word_bits.val();
        if !self.running.q.val() {
            self.running.d.next = self.enable.val();
            self.active_pattern.d.next = self.pattern.val();
            self.active_invert.d.next = self.invert.val();
            self.reference.d.next = self.seed.val();
            self.lock.d.next = false;
            self.run.d.next = self.run_zero.val();
            self.s2_word.d.next = false;
            self.s3_word.d.next = false;
            self.s4_word.d.next = false;
        } else if !self.enable.val() {
            self.running.d.next = false;
            self.lock.d.next = false;
            self.run.d.next = self.run_zero.val();
            self.s2_word.d.next = false;
            self.s3_word.d.next = false;
            self.s4_word.d.next = false;
        } else {
            if self.valid.val() & self.lfsr.supported.val() {
                self.s1_word.d.next = true;
                if !self.lock.q.val() {
                    // Hunting: predict from the received bits, then re-seed.
                    self.reference.d.next = self.plain.val().get_bits::<31>(35);
                } else {
                    // Locked: free-run, so every bit error is counted once.
                    self.reference.d.next = self.lfsr.word.val().get_bits::<31>(35);
                }
            }
            if self.s4_word.q.val() & (self.s4_judged_locked.q.val() == self.lock.q.val()) {
                if !self.lock.q.val() {
                    if self.s4_count.q.val() == self.error_free.val() {
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
                    if self.s4_countable.q.val() {
                        self.errors.d.next = self.error_sum.sum.val();
                        self.bits.d.next = self.bit_sum.sum.val();
                    }
                    if self.s4_count.q.val() >= self.unlock_errors.val() {
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
            } else if self.s4_word.q.val() & self.lock.q.val() {
                // Judged while hunting, lock gained since: this word re-seeded
                // the reference, so an error in it abandons the lock.
                if self.s4_count.q.val() != self.error_free.val() {
                    self.lock.d.next = false;
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
            self.s1_word.d.next = false;
            self.s2_word.d.next = false;
            self.s3_word.d.next = false;
            self.s4_word.d.next = false;
        }
    }
}
