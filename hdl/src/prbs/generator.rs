//! `PrbsGenerator`: one lane's PRBS test-pattern generator.

use super::PrbsSequence;
use rust_hdl::prelude::*;
use xpo_spec::prbs::PatternSet;

/// All-ones state: the conventional PRBS seed (never the all-zero lock-up).
pub(crate) const SEED: u64 = 0x7fff_ffff;

/// Sends one 66-bit word of the selected PRBS for every cycle the serializer
/// is `ready`.
///
/// Cycle contract (the host model implements the same from this text):
/// - While not running, the generator samples `pattern` and `invert` and
///   holds the all-ones seed; it starts running the cycle after `enable` is
///   seen high. The pattern is fixed while running; change it by disabling.
/// - While running and `ready`, it computes the next word, registers it on
///   `data` and raises `valid` for the following cycle; the first word sent
///   is `s[0..66]` of the sequence started from all ones.
/// - A pattern ID outside the generator's [`PatternSet`] (the side's
///   advertised patterns; never SSPRQ, custom, user) sends nothing (`valid`
///   stays low).
/// - Dropping `enable` stops it at the next edge; `reset` clears everything.
#[derive(LogicBlock)]
pub struct PrbsGenerator {
    // Clock and reset
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Control
    pub enable: Signal<In, Bit>,
    pub pattern: Signal<In, Bits<4>>,
    pub invert: Signal<In, Bit>,
    // Serializer interface
    pub ready: Signal<In, Bit>,
    pub data: Signal<Out, Bits<66>>,
    pub valid: Signal<Out, Bit>,
    lfsr: PrbsSequence,
    running: DFF<Bit>,
    active_pattern: DFF<Bits<4>>,
    active_invert: DFF<Bit>,
    state: DFF<Bits<31>>,
    data_reg: DFF<Bits<66>>,
    valid_reg: DFF<Bit>,
    seed: Constant<Bits<31>>,
    ones: Constant<Bits<66>>,
    data_zero: Constant<Bits<66>>,
    pattern_zero: Constant<Bits<4>>,
}

impl Default for PrbsGenerator {
    /// Every implemented pattern.
    fn default() -> Self {
        Self::with_patterns(PatternSet::IMPLEMENTED)
    }
}

impl PrbsGenerator {
    /// A generator running the patterns of `set` only.
    pub fn with_patterns(set: PatternSet) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            pattern: Default::default(),
            invert: Default::default(),
            ready: Default::default(),
            data: Default::default(),
            valid: Default::default(),
            lfsr: PrbsSequence::with_patterns(set),
            running: Default::default(),
            active_pattern: Default::default(),
            active_invert: Default::default(),
            state: Default::default(),
            data_reg: Default::default(),
            valid_reg: Default::default(),
            seed: Constant::new(SEED.into()),
            ones: Constant::new(Bits::<66>::mask()),
            data_zero: Constant::new(0u64.into()),
            pattern_zero: Constant::new(0u64.into()),
        }
    }
}

impl Logic for PrbsGenerator {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            running,
            active_pattern,
            active_invert,
            state,
            data_reg,
            valid_reg
        );
        self.lfsr.state.next = self.state.q.val();
        self.lfsr.pattern.next = self.active_pattern.q.val();
        self.data.next = self.data_reg.q.val();
        self.valid.next = self.valid_reg.q.val();
        self.valid_reg.d.next = false;
        if !self.running.q.val() {
            self.running.d.next = self.enable.val();
            self.active_pattern.d.next = self.pattern.val();
            self.active_invert.d.next = self.invert.val();
            self.state.d.next = self.seed.val();
        } else if !self.enable.val() {
            self.running.d.next = false;
        } else if self.ready.val() & self.lfsr.supported.val() {
            // Next state: the word's last 31 bits.
            self.state.d.next = self.lfsr.word.val().get_bits::<31>(35);
            if self.active_invert.q.val() {
                self.data_reg.d.next = self.lfsr.word.val() ^ self.ones.val();
            } else {
                self.data_reg.d.next = self.lfsr.word.val();
            }
            self.valid_reg.d.next = true;
        }
        if self.reset.val() {
            self.running.d.next = false;
            self.active_pattern.d.next = self.pattern_zero.val();
            self.active_invert.d.next = false;
            self.state.d.next = self.seed.val();
            self.data_reg.d.next = self.data_zero.val();
            self.valid_reg.d.next = false;
        }
    }
}
