//! PRBS generator and checker, modelled from the standard's definition of the
//! sequences (`s[n] = XOR of s[n-e]` over the polynomial's exponents, bits
//! sent LSB first) and the cycle contracts in `xpo_spec`'s port docs and the
//! block docs: [`Lfsr`] one bit at a time, the way the sequence is defined;
//! [`WordLfsr`], checked against it, a chunk at a time for speed.

use std::collections::VecDeque;
use xpo_spec::prbs::{
    PatternSet, PrbsPattern, PrbsPolynomial, CHECKER_DECISION_LATENCY, WORD_BITS,
};
use xpo_spec::PrbsConfig;

const WORD_MASK: u128 = (1u128 << WORD_BITS) - 1;

/// The last bits of a sequence, newest in bit 0, and its polynomial.
#[derive(Debug, Clone, Copy)]
pub struct Lfsr {
    history: u64,
    poly: &'static PrbsPolynomial,
}

impl Lfsr {
    /// Started from all ones, the conventional seed.
    pub fn new(poly: &'static PrbsPolynomial) -> Self {
        Self {
            history: u64::MAX,
            poly,
        }
    }

    /// The bit the recurrence predicts next.
    #[inline]
    pub fn predict(&self) -> u64 {
        self.poly
            .taps
            .iter()
            .fold(0, |a, &e| a ^ (self.history >> (e - 1)) & 1)
    }

    /// Appends a bit to the history (the predicted one when free-running, the
    /// received one when seeding from the line).
    #[inline]
    pub fn push(&mut self, bit: u64) {
        self.history = (self.history << 1) | bit;
    }

    /// The next 66 bits, free-running, first bit in bit 0.
    pub fn next_word(&mut self) -> u128 {
        let mut w = 0u128;
        for i in 0..WORD_BITS {
            let b = self.predict();
            self.push(b);
            w |= (b as u128) << i;
        }
        w
    }

    /// Replaces the history with the last bits of a received word.
    pub fn seed_from_word(&mut self, word: u128) {
        for i in 0..WORD_BITS {
            self.push(((word >> i) & 1) as u64);
        }
    }
}

/// The same sequence a chunk of bits per step: the model's fast path, with
/// [`Lfsr`] (the definition, a bit at a time) as its test oracle.
///
/// Over GF(2) the characteristic polynomial raised to the power 2^m is
/// p(x^(2^m)), so every sequence of p also obeys `s[n] = XOR of s[n - e·2^m]`.
/// With m as large as a 128-bit history allows, the smallest stretched tap
/// is at least the number of bits that can be computed at once from the
/// history alone: 66 (one step a word) for PRBS7, 15, 23 and 31, 40 for
/// PRBS9, 8 for PRBS13 (whose `x^1` tap limits the plain recurrence to one
/// bit a step).
#[derive(Debug, Clone, Copy)]
pub struct WordLfsr {
    /// The last `span` bits of the sequence, newest in bit 0.
    history: u128,
    /// The stretched exponents `e·2^m`.
    taps: [u32; 4],
    ntaps: usize,
    /// Bits per step: the smallest stretched exponent, at most a word.
    chunk: u32,
    poly: &'static PrbsPolynomial,
}

impl WordLfsr {
    /// Started from all ones (the last `degree` bits), like [`Lfsr::new`].
    pub fn new(poly: &'static PrbsPolynomial) -> Self {
        Self::from_state(poly, u64::MAX)
    }

    /// The sequence whose last `degree` bits are `state` (newest in bit 0):
    /// older bits follow from the recurrence solved for its oldest term,
    /// `s[t - degree] = s[t] ^ XOR of s[t - e]` over the other exponents.
    fn from_state(poly: &'static PrbsPolynomial, state: u64) -> Self {
        let d = poly.degree;
        let m = (0..).take_while(|&m| d << m <= 128).last().unwrap_or(0);
        let span = d << m;
        let mut h = (state as u128) & ((1u128 << d) - 1);
        for j in d..span {
            let newer = j - d;
            let mut b = (h >> newer) & 1;
            for &e in poly.taps.iter().filter(|&&e| e != d) {
                b ^= (h >> (newer + e)) & 1;
            }
            h |= b << j;
        }
        let mut taps = [0u32; 4];
        for (t, &e) in taps.iter_mut().zip(poly.taps) {
            *t = e << m;
        }
        let smallest = poly.taps.iter().map(|&e| e << m).min().unwrap_or(1);
        Self {
            history: h,
            taps,
            ntaps: poly.taps.len(),
            chunk: smallest.min(WORD_BITS as u32),
            poly,
        }
    }

    /// The next `k` bits (`k` at most `chunk`), first bit in bit 0.
    #[inline]
    fn step(&mut self, k: u32) -> u128 {
        let mask = (1u128 << k) - 1;
        let mut block = 0u128;
        for &e in &self.taps[..self.ntaps] {
            block ^= self.history >> (e - k);
        }
        // Bit k-1-i of the block is the i-th new bit.
        let block = block & mask;
        self.history = (self.history << k) | block;
        block.reverse_bits() >> (128 - k)
    }

    /// The next 66 bits, free-running, first bit in bit 0.
    pub fn next_word(&mut self) -> u128 {
        let mut w = 0u128;
        let mut done = 0u32;
        while done < WORD_BITS as u32 {
            let k = self.chunk.min(WORD_BITS as u32 - done);
            w |= self.step(k) << done;
            done += k;
        }
        w
    }

    /// Replaces the history with the last bits of a received word.
    pub fn seed_from_word(&mut self, word: u128) {
        let d = self.poly.degree;
        let last = (word >> (WORD_BITS as u32 - d)).reverse_bits() >> (128 - d);
        *self = Self::from_state(self.poly, last as u64);
    }
}

/// What the generator shows after an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct GeneratorOutputs {
    pub data: u128,
    pub valid: bool,
}

/// The transmit-side pattern generator of one lane.
#[derive(Debug, Clone)]
pub struct PrbsGeneratorModel {
    /// The patterns this side implements (advertised on page 13h); any
    /// other ID leaves the generator idle, as SSPRQ does.
    patterns: PatternSet,
    /// Running with this latched pattern and inversion, or idle.
    running: Option<(PrbsPattern, bool)>,
    lfsr: Option<WordLfsr>,
    out: GeneratorOutputs,
}

impl PrbsGeneratorModel {
    /// An idle generator implementing `patterns`.
    pub fn new(patterns: PatternSet) -> Self {
        Self {
            patterns,
            running: None,
            lfsr: None,
            out: GeneratorOutputs::default(),
        }
    }

    /// One rising edge.
    pub fn step(
        &mut self,
        reset: bool,
        enable: bool,
        pattern: u8,
        invert: bool,
        ready: bool,
    ) -> GeneratorOutputs {
        self.out.valid = false;
        if reset {
            *self = Self::new(self.patterns);
            return self.out;
        }
        match self.running {
            None => {
                if enable {
                    let p = PrbsPattern(pattern);
                    self.running = Some((p, invert));
                    self.lfsr = self.patterns.polynomial(p).map(WordLfsr::new);
                }
            }
            Some(_) if !enable => {
                self.running = None;
                self.lfsr = None;
            }
            Some((_, inv)) => {
                if let (true, Some(lfsr)) = (ready, self.lfsr.as_mut()) {
                    let w = lfsr.next_word();
                    self.out.data = if inv { !w & WORD_MASK } else { w };
                    self.out.valid = true;
                }
            }
        }
        self.out
    }
}

/// Checker inputs for one edge.
#[derive(Debug, Clone, Copy, Default)]
pub struct CheckerInputs {
    pub enable: bool,
    pub pattern: u8,
    pub invert: bool,
    pub counter_reset: bool,
    /// The measurement is stopped (13h:177 bit 7, MeasurementRun, low): a
    /// word that arrives meanwhile is not counted.
    pub stopped: bool,
    pub data: u128,
    pub valid: bool,
}

/// What the checker shows after an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CheckerOutputs {
    pub locked: bool,
    pub error_count: u64,
    pub bit_count: u64,
}

/// A word's judgement, waiting to be acted on.
#[derive(Debug, Clone, Copy)]
struct Judgement {
    /// Judged while locked (against the free-running reference) rather
    /// than while hunting (against the previous word's prediction).
    locked: bool,
    /// Bit errors found.
    errors: u32,
    /// Judged locked and no counter reset since: adds to the counters.
    countable: bool,
}

/// The receive-side pattern checker of one lane.
///
/// Its timing is the checker's cycle contract (`xpo_hdl::prbs::PrbsChecker`):
/// words are judged on arrival and acted on [`CHECKER_DECISION_LATENCY`]
/// edges later, so the model keeps the judgements of the last edges in
/// arrival order (`None` for an edge without a word).
#[derive(Debug, Clone)]
pub struct PrbsCheckerModel {
    cfg: PrbsConfig,
    /// The patterns this side implements; any other ID never locks.
    patterns: PatternSet,
    running: Option<(PrbsPattern, bool)>,
    reference: Option<WordLfsr>,
    /// Locked (the reference free-runs) rather than hunting; shown as
    /// `locked` once no word judged while hunting is in flight.
    lock: bool,
    /// Good words in a row while hunting; bad words in a row while locked.
    run: u32,
    /// Judgements of the last `CHECKER_DECISION_LATENCY` edges, oldest first.
    in_flight: VecDeque<Option<Judgement>>,
    out: CheckerOutputs,
}

impl PrbsCheckerModel {
    pub fn new(cfg: &PrbsConfig, patterns: PatternSet) -> Self {
        Self {
            cfg: cfg.clone(),
            patterns,
            running: None,
            reference: None,
            lock: false,
            run: 0,
            in_flight: std::iter::repeat_n(None, CHECKER_DECISION_LATENCY).collect(),
            out: CheckerOutputs::default(),
        }
    }

    /// Drops every judged word not yet acted on.
    fn drop_in_flight(&mut self) {
        self.in_flight.iter_mut().for_each(|j| *j = None);
    }

    /// One rising edge.
    pub fn step(&mut self, reset: bool, i: CheckerInputs) -> CheckerOutputs {
        if reset {
            *self = Self::new(&self.cfg, self.patterns);
            return self.out;
        }
        match self.running {
            None => {
                self.lock = false;
                self.run = 0;
                self.drop_in_flight();
                if i.enable {
                    let p = PrbsPattern(i.pattern);
                    self.running = Some((p, i.invert));
                    self.reference = self.patterns.polynomial(p).map(WordLfsr::new);
                }
            }
            Some(_) if !i.enable => {
                self.running = None;
                self.lock = false;
                self.run = 0;
                self.drop_in_flight();
            }
            Some((_, inv)) => {
                let arriving = self.judge(inv, &i);
                let due = self.in_flight.pop_front().flatten();
                self.in_flight.push_back(arriving);
                match due {
                    Some(j) if j.locked == self.lock => self.act_on(j),
                    // Judged while hunting, lock gained since: the reference
                    // may hold this word's errors, so lock is abandoned.
                    Some(j) if self.lock && j.errors > 0 => {
                        self.lock = false;
                        self.run = 0;
                    }
                    _ => {}
                }
            }
        }
        self.out.locked = self.lock
            && !self
                .in_flight
                .iter()
                .any(|j| matches!(j, Some(j) if !j.locked));
        if i.counter_reset {
            self.out.error_count = 0;
            self.out.bit_count = 0;
            for j in self.in_flight.iter_mut().flatten() {
                j.countable = false;
            }
        }
        self.out
    }

    /// Compares the arriving word, if any, in the state before this edge
    /// and advances the reference.
    fn judge(&mut self, inv: bool, i: &CheckerInputs) -> Option<Judgement> {
        let reference = self.reference.as_mut().filter(|_| i.valid)?;
        let plain = if inv { !i.data & WORD_MASK } else { i.data };
        let mut prediction = *reference;
        let expected = prediction.next_word();
        let locked = self.lock;
        if locked {
            *reference = prediction;
        } else {
            reference.seed_from_word(plain);
        }
        Some(Judgement {
            locked,
            errors: (plain ^ expected).count_ones(),
            countable: locked && !i.stopped,
        })
    }

    /// Acts on a judgement made in the current state.
    fn act_on(&mut self, j: Judgement) {
        if !self.lock {
            if j.errors == 0 {
                self.run += 1;
                if self.run == self.cfg.lock_words {
                    self.lock = true;
                    self.run = 0;
                }
            } else {
                self.run = 0;
            }
        } else {
            if j.countable {
                self.out.error_count = self.out.error_count.saturating_add(j.errors as u64);
                self.out.bit_count = self.out.bit_count.saturating_add(WORD_BITS as u64);
            }
            if j.errors >= self.cfg.unlock_errors {
                self.run += 1;
                if self.run == self.cfg.unlock_words {
                    self.lock = false;
                    self.run = 0;
                }
            } else {
                self.run = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::prbs::POLYNOMIALS;

    /// PRBS7 from all ones: the well-known first bits of x^7 + x^6 + 1
    /// (period 127), checked against an independent recurrence on a Vec.
    #[test]
    fn lfsr_follows_recurrence_and_period() {
        for p in &POLYNOMIALS[..3] {
            let mut l = Lfsr::new(p);
            let mut bits = vec![1u64; p.degree as usize];
            let period = (1usize << p.degree) - 1;
            let mut seq = Vec::new();
            for _ in 0..(2 * period).div_ceil(66) {
                let w = l.next_word();
                for i in 0..66 {
                    seq.push(((w >> i) & 1) as u64);
                }
            }
            for (n, &b) in seq.iter().enumerate() {
                let m = bits.len();
                let want = p.taps.iter().fold(0, |a, &e| a ^ bits[m - e as usize]);
                bits.push(want);
                assert_eq!(b, want, "{} bit {n}", p.name);
            }
            assert_eq!(seq[..period], seq[period..2 * period], "{} period", p.name);
        }
    }

    /// The chunked LFSR gives the definition's bits, from the conventional
    /// seed and from seeds taken off received words (random, so any state),
    /// for every polynomial.
    #[test]
    fn word_lfsr_matches_the_bit_serial_definition() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(7);
        for p in &POLYNOMIALS {
            let (mut slow, mut fast) = (Lfsr::new(p), WordLfsr::new(p));
            for n in 0..40 {
                assert_eq!(fast.next_word(), slow.next_word(), "{} word {n}", p.name);
            }
            for round in 0..20 {
                let word = rng.gen::<u128>() & WORD_MASK;
                slow.seed_from_word(word);
                fast.seed_from_word(word);
                for n in 0..5 {
                    let (f, s) = (fast.next_word(), slow.next_word());
                    assert_eq!(f, s, "{} round {round} word {n}", p.name);
                }
            }
        }
    }

    fn run_loop(pattern: u8, invert: bool, flips: &[(usize, u32)], words: usize) -> CheckerOutputs {
        let cfg = PrbsConfig::default();
        let mut g = PrbsGeneratorModel::new(PatternSet::IMPLEMENTED);
        let mut c = PrbsCheckerModel::new(&cfg, PatternSet::IMPLEMENTED);
        let mut out = CheckerOutputs::default();
        let mut rx = GeneratorOutputs::default();
        let mut reset_done = false;
        for n in 0..words {
            let mut data = rx.data;
            for &(w, bit) in flips {
                if w == n {
                    data ^= 1 << bit;
                }
            }
            let counter_reset = out.locked && !reset_done;
            reset_done |= counter_reset;
            out = c.step(
                false,
                CheckerInputs {
                    enable: true,
                    pattern,
                    invert,
                    counter_reset,
                    stopped: false,
                    data,
                    valid: rx.valid,
                },
            );
            rx = g.step(false, true, pattern, invert, true);
        }
        out
    }

    #[test]
    fn checker_locks_and_counts_each_error_once() {
        let clean = run_loop(1, true, &[], 100);
        assert!(clean.locked);
        assert_eq!(clean.error_count, 0);
        assert!(clean.bit_count > 0 && clean.bit_count.is_multiple_of(66));
        // Three single-bit errors well after lock: exactly three counted.
        let hit = run_loop(1, true, &[(60, 3), (61, 30), (70, 65)], 100);
        assert!(hit.locked);
        assert_eq!(hit.error_count, 3);
        assert_eq!(hit.bit_count, clean.bit_count);
    }

    /// A line error in the re-seeding bits of any word around the moment
    /// lock is gained (judged while hunting, acted on after) must not leave
    /// a wrong reference: at most the one injected error is ever counted.
    #[test]
    fn an_error_while_lock_is_gained_never_corrupts_the_reference() {
        for w in 0..40 {
            let out = run_loop(1, false, &[(w, 50)], 120);
            assert!(out.locked, "flip in word {w}");
            assert!(out.error_count <= 1, "flip in word {w}: {out:?}");
            // Relocked within lock_words + a few words of the flip.
            assert!(out.bit_count >= 40 * 66, "flip in word {w}: {out:?}");
        }
    }

    #[test]
    fn wrong_inversion_never_locks() {
        let cfg = PrbsConfig::default();
        let mut g = PrbsGeneratorModel::new(PatternSet::IMPLEMENTED);
        let mut c = PrbsCheckerModel::new(&cfg, PatternSet::IMPLEMENTED);
        let mut rx = GeneratorOutputs::default();
        for _ in 0..200 {
            let o = c.step(
                false,
                CheckerInputs {
                    enable: true,
                    pattern: 9,
                    invert: false,
                    data: rx.data,
                    valid: rx.valid,
                    ..Default::default()
                },
            );
            // PRBS9 inverted is not a PRBS9 word sequence: x^9+x^5+1 has two
            // taps, so complementing every bit breaks the recurrence.
            assert!(!o.locked);
            rx = g.step(false, true, 9, true, true);
        }
    }

    /// A pattern ID the side does not advertise (13h:132..139) is treated
    /// like SSPRQ: the generator sends nothing and the checker never locks,
    /// while an advertised one on the same units runs.
    #[test]
    fn a_pattern_outside_the_advertised_set_is_not_run() {
        let cfg = PrbsConfig::default();
        let set = PatternSet::IEEE_PAM4;
        for (pattern, runs) in [
            (PrbsPattern::PRBS9.0, false),
            (PrbsPattern::PRBS13Q.0, true),
        ] {
            let mut g = PrbsGeneratorModel::new(set);
            let mut c = PrbsCheckerModel::new(&cfg, set);
            let mut rx = GeneratorOutputs::default();
            let (mut sent, mut locked) = (0, false);
            for _ in 0..200 {
                let o = c.step(
                    false,
                    CheckerInputs {
                        enable: true,
                        pattern,
                        data: rx.data,
                        valid: rx.valid,
                        ..Default::default()
                    },
                );
                locked |= o.locked;
                rx = g.step(false, true, pattern, false, true);
                sent += rx.valid as u32;
            }
            assert_eq!((sent > 150, locked), (runs, runs), "pattern {pattern}");
        }
    }

    /// MeasurementRun low (`stopped`): the words in flight (at most
    /// `CHECKER_DECISION_LATENCY`) still count, then the counters hold
    /// while the lock is kept; counting resumes when it is high again.
    #[test]
    fn a_stopped_measurement_holds_the_counters_and_keeps_lock() {
        let cfg = PrbsConfig::default();
        let mut g = PrbsGeneratorModel::new(PatternSet::IMPLEMENTED);
        let mut c = PrbsCheckerModel::new(&cfg, PatternSet::IMPLEMENTED);
        let mut rx = GeneratorOutputs::default();
        let mut step = |stopped: bool| {
            let o = c.step(
                false,
                CheckerInputs {
                    enable: true,
                    pattern: 1,
                    data: rx.data,
                    valid: rx.valid,
                    stopped,
                    ..Default::default()
                },
            );
            rx = g.step(false, true, 1, false, true);
            o
        };
        for _ in 0..100 {
            step(false);
        }
        let running = step(false);
        assert!(running.locked && running.bit_count > 0);
        let first = step(true);
        // The words already judged still land: at most D of them.
        let mut held = first;
        for _ in 0..CHECKER_DECISION_LATENCY {
            held = step(true);
        }
        assert!(held.bit_count - running.bit_count <= (CHECKER_DECISION_LATENCY as u64 + 1) * 66);
        for _ in 0..50 {
            let o = step(true);
            assert!(o.locked, "lock is kept while stopped");
            assert_eq!(o.bit_count, held.bit_count, "held while stopped");
        }
        for _ in 0..10 {
            step(false);
        }
        assert_eq!(
            step(false).bit_count,
            held.bit_count + 11 * 66 - (CHECKER_DECISION_LATENCY as u64) * 66
        );
    }
}
