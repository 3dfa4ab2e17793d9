//! One direction of a retimer lane, as CMIS controls it and IEEE 802.3
//! clause 49 monitors it: the Tx direction (host SerDes in, media out) or
//! the Rx direction (media in, host SerDes out). Written before its RTL
//! (issue 12's rule), from the standards' terms: signal_ok and Figure
//! 49-14's block lock, Figure 49-15's hi-BER monitor, the receive
//! process's R_TYPE = E for errored blocks (49.2.13.2.3: an invalid sync
//! header, or a control block whose type field is not one of Figure
//! 49-7's), and CMIS page 10h's lane controls (polarity flip 10h:129/137,
//! output disable 10h:130/138, automatic squelch disable 10h:131/139,
//! squelch force 10h:132). The RTL is checked against this, never the
//! other way round.
//!
//! # Cycle contract (what the standards leave open)
//!
//! Written before either side; the RTL implements exactly this.
//!
//! 1. **Input stage.** Every input (`valid`, the block, the controls) is
//!    sampled at a rising edge and acted on at the next one. A *sample*
//!    is one edge's inputs.
//! 2. **Monitors.** At edge t + 1 the monitors take the sample of edge t,
//!    in this order:
//!    - *Signal.* A sample is *active* when `valid` is high and its 66
//!      bits are not all equal (a dead line, a squelched far end, or a
//!      SerDes without a recovered clock has no transitions). Loss of
//!      signal (LOS) is true once `los_cycles` consecutive samples were
//!      not active, and false from the first active one. LOS is true
//!      after reset, until the first active sample.
//!    - *Block lock* (Figure 49-14 with `signal_ok = !LOS`): LOS forces
//!      LOCK_INIT; otherwise a `valid` sample's sync header is the
//!      `test_sh` of `model::pcs` (its cycle contract applies: a slip
//!      request is shown for one cycle, and the next `slip_wait` blocks
//!      are not tested; the block already in the input stage when the
//!      slip is shown is from the old boundary, so `slip_wait >= 1`).
//!    - *Hi-BER* (Figure 49-15): one cycle of the monitor, with the
//!      tested header if there was one and block lock as it stands after
//!      the block.
//!    - *Counters* (32 bits, saturating): a tested block that arrived
//!      while `block_lock` was true counts in `invalid_headers` if its
//!      header is invalid, and in `errored_blocks` if it is an error
//!      block in 49.2.13.2.3's sense at the framing level: an invalid
//!      header, or header `10` with a descrambled block type field outside
//!      Figure 49-7. The descrambler (1 + x^39 + x^58) runs on every
//!      `valid` sample's payload. (A full decode of the control characters
//!      is the PCS's job, not a retimer's.)
//!
//!    The status outputs after edge t + 1 (`block_lock`, `hi_ber`, `los`,
//!    `slip`) include the sample of edge t; the counters include it after
//!    edge t + 2 (the count decision is registered, so the 32-bit
//!    counters' enables are not at the end of the lock state machine's
//!    path: it was the default engine's critical path on ECP5).
//! 3. **Data.** The output at edge e is one sample's block: in the
//!    retimed mode the sample of edge e − 2 (latency 2, `RETIMED_LATENCY`),
//!    in bypass the sample of edge e − 1 (latency 1, `BYPASS_LATENCY`);
//!    the mode is the bypass control of the sample of edge e − 1, so a
//!    mode change repeats or drops one block (hosts change modes with the
//!    data path down). `out_valid` is that sample's `valid`.
//! 4. **Gate.** The output block is the sample's block with the polarity
//!    flip applied if its flip control was set (Tx: 10h:129 flips the
//!    *input*, so the monitors see the flipped block too; Rx: 10h:137
//!    flips the *output* only), or all zeros (a quiet line: a disabled
//!    driver) when the output is squelched. Squelched is: output disable,
//!    or the data path not DPActivated, or (Tx only) squelch force, or,
//!    unless automatic squelch is disabled, LOS or, in the retimed mode,
//!    no block lock. The gate used at edge e is *decided one edge ahead*,
//!    at edge e − 1 (it is registered: the 66 output flip-flops' clear
//!    then comes straight from a flip-flop; decided in the same cycle it
//!    was the default engine's critical path on ECP5, lock → squelch →
//!    clear at 91.8 MHz). At edge e − 1 it takes the controls of the
//!    sample of edge e − 2 (in the retimed mode the output sample's own;
//!    in bypass the sample one block before the output's, so a control
//!    reaches a bypass output one block after the data it was sampled
//!    with) and LOS and block lock as they stood before edge e − 1 (so the
//!    output after edge E + 2 is the first squelched one when the status
//!    after edge E is the first to show LOS or a lost lock). The gate
//!    is squelched after reset. `output_status` (11h:132/133) after edge
//!    e is the negation of the gate used at edge e.
//! 5. **To the link** (issue 13). After edge t + 1 the path shows, for
//!    its lane's part of the direction's multi-lane link
//!    (`model::link_alignment`), the sample the monitors took at that
//!    edge (`valid` and the block as they saw it: Tx with the input flip
//!    undone), block lock after it, and its bit phase: the slip requests
//!    since reset, modulo 66, the one shown after this edge included
//!    (`pcs::deskew::LaneSample`'s terms).

use crate::model::pcs::deskew::LaneSample;
use crate::model::pcs::{sh_valid, BerMonitor, BlockLock};
use crate::serdes::Scrambler;
use xpo_spec::retimer::{valid_block_type, RetimerTiming, SYNC_CONTROL};

/// Bit phases of a lane: its slips count modulo a block's bits.
const PHASES: u8 = crate::serdes::BLOCK_BITS as u8;

/// A 66-bit block of all ones.
pub const ALL_ONES: u128 = (1 << 66) - 1;

/// Which way the path carries data; it decides where the polarity flip
/// sits and whether squelch force applies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Host SerDes in, media (modulator driver) out.
    Tx,
    /// Media (photodetector SerDes) in, host SerDes out.
    Rx,
}

/// One lane's CMIS controls for this direction, as sampled with a block.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathControls {
    /// 10h:129 (Tx input) or 10h:137 (Rx output) polarity flip.
    pub polarity_flip: bool,
    /// 10h:130 (Tx) or 10h:138 (Rx) output disable.
    pub output_disable: bool,
    /// 10h:131 (Tx) or 10h:139 (Rx): no automatic squelch.
    pub auto_squelch_disable: bool,
    /// 10h:132: force the Tx output squelched (ignored on Rx: CMIS has no
    /// Rx squelch force).
    pub squelch_force: bool,
    /// The lane's data path is DPActivated.
    pub dp_activated: bool,
    /// Bypass ("linear") mode instead of retimed.
    pub bypass: bool,
}

/// One edge's inputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PathSample {
    pub valid: bool,
    /// Bit 0 first on the wire; sync header in bits 1:0.
    pub block: u128,
    pub controls: PathControls,
}

/// The path's outputs after an edge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PathOutputs {
    pub out_valid: bool,
    pub out_block: u128,
    /// Bit-slip request to the input's gearbox (one cycle).
    pub slip: bool,
    pub block_lock: bool,
    pub hi_ber: bool,
    pub los: bool,
    /// The output is passing data (not squelched or disabled).
    pub output_status: bool,
    pub invalid_headers: u32,
    pub errored_blocks: u32,
}

impl PathOutputs {
    /// CDR loss of lock at a 66-bit interface: no block lock.
    pub fn lol(&self) -> bool {
        !self.block_lock
    }
}

/// One direction of one lane.
#[derive(Debug, Clone)]
pub struct RetimerPath {
    direction: Direction,
    los_cycles: u32,
    /// The input stage: the last edge's sample.
    staged: PathSample,
    /// The sample before it (the retimed mode's second stage).
    held: PathSample,
    lock: BlockLock,
    ber: BerMonitor,
    descrambler: Scrambler,
    /// Consecutive samples without activity, saturating at `los_cycles`.
    quiet: u32,
    /// The count decisions of the last edge (invalid header, errored
    /// block), applied to the counters at this one.
    pending: (bool, bool),
    /// The gate decided at the last edge, used at this one (contract 4).
    gate_squelched: bool,
    out: PathOutputs,
    /// Contract 5: the sample the monitors took at the last edge, as the
    /// lane's link sees it.
    link: LaneSample,
}

impl RetimerPath {
    /// The path after reset.
    pub fn new(direction: Direction, timing: &RetimerTiming) -> Self {
        Self {
            direction,
            los_cycles: timing.los_cycles,
            staged: PathSample::default(),
            held: PathSample::default(),
            lock: BlockLock::new(timing.slip_wait),
            ber: BerMonitor::new(timing.ber_window, timing.ber_threshold),
            descrambler: Scrambler::new(0),
            quiet: timing.los_cycles,
            pending: (false, false),
            gate_squelched: true,
            out: PathOutputs {
                out_valid: false,
                out_block: 0,
                slip: false,
                block_lock: false,
                hi_ber: false,
                los: true,
                output_status: false,
                invalid_headers: 0,
                errored_blocks: 0,
            },
            link: LaneSample::default(),
        }
    }

    /// Contract 5: the sample the monitors took at the last edge (Tx: the
    /// input polarity flip undone), block lock after it, and the bit phase
    /// (this path's slip requests since reset, modulo 66, its own
    /// included).
    pub fn link_sample(&self) -> LaneSample {
        self.link
    }

    /// The outputs as they stand.
    pub fn outputs(&self) -> &PathOutputs {
        &self.out
    }

    /// Whether a sample's controls and the status squelch its output.
    fn squelched(&self, c: &PathControls, los: bool, block_lock: bool) -> bool {
        c.output_disable
            || !c.dp_activated
            || (self.direction == Direction::Tx && c.squelch_force)
            || (!c.auto_squelch_disable && (los || (!c.bypass && !block_lock)))
    }

    /// One rising edge with this edge's inputs; returns the outputs after it.
    pub fn step(&mut self, input: PathSample) -> &PathOutputs {
        let x = std::mem::replace(&mut self.staged, input);
        let before = self.out;

        // Data (contract 3 and 4).
        let src = if x.controls.bypass { x } else { self.held };
        let next_gate = self.squelched(&x.controls, before.los, before.block_lock);
        let squelched = std::mem::replace(&mut self.gate_squelched, next_gate);
        let flip = if src.controls.polarity_flip {
            ALL_ONES
        } else {
            0
        };
        let mut out = before;
        out.out_valid = src.valid;
        out.out_block = if squelched { 0 } else { src.block ^ flip };
        out.output_status = !squelched;

        // Monitors (contract 2) on the staged sample.
        let seen = if self.direction == Direction::Tx && x.controls.polarity_flip {
            x.block ^ ALL_ONES
        } else {
            x.block
        };
        let active = x.valid && seen != 0 && seen != ALL_ONES;
        self.quiet = if active {
            0
        } else {
            (self.quiet + 1).min(self.los_cycles)
        };
        out.los = self.quiet >= self.los_cycles;
        let header = (seen & 3) as u8;
        let block_type = if x.valid {
            (self.descrambler.descramble((seen >> 2) as u64) & 0xFF) as u8
        } else {
            0
        };
        let lock_before = self.lock.block_lock();
        let mut tested = None;
        out.slip = false;
        if out.los {
            self.lock.lose_signal();
        } else if x.valid {
            let s = self.lock.block(header);
            out.slip = s.slip;
            if s.tested {
                tested = Some(header);
            }
        }
        out.block_lock = self.lock.block_lock();
        out.hi_ber = self.ber.cycle(out.block_lock, tested);
        self.link = LaneSample {
            valid: x.valid,
            block: seen,
            block_lock: out.block_lock,
            bit_phase: (self.link.bit_phase + u8::from(out.slip)) % PHASES,
        };
        let (inv, err) = self.pending;
        if inv {
            out.invalid_headers = out.invalid_headers.saturating_add(1);
        }
        if err {
            out.errored_blocks = out.errored_blocks.saturating_add(1);
        }
        self.pending = match (tested, lock_before) {
            (Some(h), true) => (
                !sh_valid(h),
                !sh_valid(h) || (h == SYNC_CONTROL && !valid_block_type(block_type)),
            ),
            _ => (false, false),
        };
        self.held = x;
        self.out = out;
        &self.out
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from clause 49 (64 headers to lock, 16 in 64 to lose
    //! it, the hi-BER threshold, R_TYPE = E), CMIS's controls and the
    //! contract's edges, counted by hand.
    use super::*;
    use crate::serdes::{block, BlockSource, Scrambler, SlipGearbox, BLOCK_BITS};
    use xpo_spec::retimer::SYNC_DATA;

    fn timing() -> RetimerTiming {
        RetimerTiming {
            slip_wait: 1,
            ber_window: 1_000,
            ber_threshold: 16,
            los_cycles: 8,
        }
    }

    fn on() -> PathControls {
        PathControls {
            dp_activated: true,
            ..Default::default()
        }
    }

    fn sample(b: u128, controls: PathControls) -> PathSample {
        PathSample {
            valid: true,
            block: b,
            controls,
        }
    }

    /// A path locked on a clean scrambled stream; returns it and the source.
    fn locked(direction: Direction, controls: PathControls) -> (RetimerPath, BlockSource) {
        let mut p = RetimerPath::new(direction, &timing());
        let mut src = BlockSource::new(3);
        for _ in 0..66 {
            p.step(sample(src.next_block(), controls));
        }
        assert!(p.outputs().block_lock && !p.outputs().los);
        (p, src)
    }

    #[test]
    fn retimed_latency_is_two_edges_bypass_one() {
        for (bypass, latency) in [(false, 2usize), (true, 1)] {
            let c = PathControls { bypass, ..on() };
            let (mut p, mut src) = locked(Direction::Rx, c);
            let blocks: Vec<u128> = (0..6).map(|_| src.next_block()).collect();
            let outs: Vec<u128> = blocks
                .iter()
                .map(|&b| p.step(sample(b, c)).out_block)
                .collect();
            for i in latency..6 {
                assert_eq!(outs[i], blocks[i - latency], "bypass {bypass}, edge {i}");
            }
        }
    }

    /// Through the slipping gearbox, from each of the 66 bit phases: the
    /// lane locks on the block boundary with block lock shown after
    /// `slip_wait` + 64 blocks from the last slip request (the untested
    /// wait, then Figure 49-14's 64 valid headers).
    #[test]
    fn locks_from_every_bit_phase_through_the_gearbox() {
        for phase in 0..BLOCK_BITS {
            let t = timing();
            let mut p = RetimerPath::new(Direction::Rx, &t);
            let mut src = BlockSource::new(100 + u64::from(phase));
            let mut g = SlipGearbox::new(phase);
            let mut words_since_slip = 0u32;
            let mut slips = 0u32;
            let mut locked_after = None;
            for _ in 0..20_000 {
                let word = g.push(src.next_block());
                let out = *p.step(PathSample {
                    valid: word.is_some(),
                    block: word.unwrap_or(0),
                    controls: on(),
                });
                if out.block_lock {
                    locked_after = Some(words_since_slip);
                    break;
                }
                // Count the words delivered from the slip's edge on.
                if out.slip {
                    g.slip();
                    slips += 1;
                    words_since_slip = 0;
                }
                if word.is_some() {
                    words_since_slip += 1;
                }
            }
            // Words counted up to the edge before lock shows: the one
            // swallowed by the wait, then 64 tested.
            let n = locked_after.unwrap_or_else(|| panic!("phase {phase}: no lock"));
            if slips > 0 {
                assert_eq!(n, t.slip_wait + 64, "phase {phase}");
            }
            assert_eq!((phase + slips) % BLOCK_BITS, 0, "phase {phase}: aligned");
        }
    }

    #[test]
    fn los_after_los_cycles_without_activity_resets_lock_and_squelches() {
        let (mut p, mut src) = locked(Direction::Rx, on());
        // The last active block at edge 0; idle samples from edge 1.
        p.step(sample(src.next_block(), on()));
        let mut los_at = None;
        for e in 1..=20 {
            let o = *p.step(PathSample {
                controls: on(),
                ..Default::default()
            });
            if o.los && los_at.is_none() {
                los_at = Some(e);
                assert!(!o.block_lock, "signal_ok false: LOCK_INIT");
            }
        }
        // Samples 1..=8 inactive; the 8th is judged at edge 9.
        assert_eq!(los_at, Some(9));
        // A constant line with `valid` high is no signal either.
        let (mut p, mut src) = locked(Direction::Tx, on());
        p.step(sample(src.next_block(), on()));
        let o: Vec<PathOutputs> = (0..=10).map(|_| *p.step(sample(0, on()))).collect();
        assert_eq!(o.iter().position(|o| o.los), Some(8));
        // The squelch follows two edges later (the gate is decided one
        // edge ahead, contract 4, from the status before that edge):
        // status down from edge 10, and zeros out.
        assert_eq!(o.iter().position(|o| !o.output_status), Some(10));
        let o = p.step(sample(ALL_ONES, on()));
        assert!(o.los && o.out_block == 0 && !o.output_status);
        // The first active sample clears LOS at the edge after it.
        p.step(sample(src.next_block(), on()));
        assert!(!p.step(sample(src.next_block(), on())).los);
    }

    #[test]
    fn counts_invalid_headers_and_errored_blocks_while_locked() {
        let (mut p, mut src) = locked(Direction::Rx, on());
        // Line errors in the sync header, 11 in this window of 64 (16
        // would lose lock): each is one invalid header and one errored
        // block.
        let mut injected = 0;
        for i in 0..64 {
            let b = src.next_block();
            let b = if i % 6 == 3 {
                injected += 1;
                b ^ 1 // 01 -> 00, 10 -> 11
            } else {
                b
            };
            p.step(sample(b, on()));
        }
        // The last one (i = 63) is tested at the next edge and counted
        // at the one after (contract 2).
        p.step(sample(src.next_block(), on()));
        assert_eq!(p.outputs().invalid_headers, injected - 1);
        p.step(sample(src.next_block(), on()));
        let o = *p.outputs();
        assert!(o.block_lock);
        assert_eq!(injected, 11);
        assert_eq!(o.invalid_headers, injected);
        assert_eq!(o.errored_blocks, injected);
        // Without lock nothing counts: a hunting lane's invalid headers
        // are slips, not errors.
        let mut p = RetimerPath::new(Direction::Rx, &timing());
        for _ in 0..40 {
            p.step(sample(src.next_block() | 3, on()));
        }
        assert_eq!(p.outputs().invalid_headers + p.outputs().errored_blocks, 0);
        assert!(!p.outputs().block_lock);
    }

    #[test]
    fn a_control_block_with_an_undefined_type_is_an_errored_block() {
        let (mut p, _) = locked(Direction::Rx, on());
        // Scramble our own blocks from the line state the path has seen:
        // sync the descrambler first with one block.
        let mut tx = Scrambler::new(0);
        let data = [
            (0b10u8, 0x1Eu64),    // idle: fine
            (SYNC_CONTROL, 0x00), // type 00: undefined
            (SYNC_DATA, 0x00),    // data block: anything goes
            (SYNC_CONTROL, 0x1F), // undefined
            (SYNC_CONTROL, 0xFF), // terminate, 7 data bytes: fine
        ];
        p.step(sample(block(SYNC_DATA, tx.scramble(0x55)), on()));
        let before = p.outputs().errored_blocks;
        for (h, d) in data {
            p.step(sample(block(h, tx.scramble(d)), on()));
        }
        p.step(sample(block(SYNC_DATA, tx.scramble(0)), on()));
        // The first data block resynchronised the descrambler (64 >= 58
        // line bits), so exactly the two undefined types counted.
        assert_eq!(p.outputs().errored_blocks - before, 2);
        assert_eq!(p.outputs().invalid_headers, 0);
        assert!(p.outputs().block_lock);
    }

    #[test]
    fn hi_ber_at_the_threshold_within_the_window() {
        let (mut p, mut src) = locked(Direction::Rx, on());
        // 15 invalid headers spread over three lock windows: no hi-BER,
        // and lock holds (at most 5 per window of 64).
        let mut bad = 0;
        for i in 0..192 {
            let b = src.next_block();
            let b = if i % 13 == 0 && bad < 15 {
                bad += 1;
                b | 3
            } else {
                b
            };
            assert!(!p.step(sample(b, on())).hi_ber);
        }
        // The 16th inside the same 1000-cycle window raises it.
        p.step(sample(src.next_block() | 3, on()));
        assert!(p.step(sample(src.next_block(), on())).hi_ber);
        assert!(p.outputs().block_lock);
    }

    #[test]
    fn squelch_disable_force_and_data_path_gate_the_output() {
        // Four edges: a control sampled at the first decides the gate at
        // the second for the third's output; a fresh path's LOS, cleared
        // at the second edge, reaches the gate used at the fourth.
        let b = |p: &mut RetimerPath, src: &mut BlockSource, c| {
            p.step(sample(src.next_block(), c));
            p.step(sample(src.next_block(), c));
            p.step(sample(src.next_block(), c));
            *p.step(sample(src.next_block(), c))
        };
        let (mut p, mut src) = locked(Direction::Tx, on());
        assert!(b(&mut p, &mut src, on()).output_status);
        for c in [
            PathControls {
                output_disable: true,
                ..on()
            },
            PathControls {
                squelch_force: true,
                ..on()
            },
            PathControls {
                dp_activated: false,
                ..on()
            },
        ] {
            let o = b(&mut p, &mut src, c);
            assert!(!o.output_status && o.out_block == 0, "{c:?}");
        }
        // Rx has no squelch force.
        let (mut p, mut src) = locked(Direction::Rx, on());
        let o = b(
            &mut p,
            &mut src,
            PathControls {
                squelch_force: true,
                ..on()
            },
        );
        assert!(o.output_status && o.out_block != 0);
        // Unlocked and retimed: squelched, unless automatic squelch is
        // off; in bypass, lock is not needed.
        let mut p = RetimerPath::new(Direction::Rx, &timing());
        let mut src = BlockSource::new(8);
        assert!(!b(&mut p, &mut src, on()).output_status);
        let free = PathControls {
            auto_squelch_disable: true,
            ..on()
        };
        assert!(b(&mut p, &mut src, free).output_status);
        let mut p = RetimerPath::new(Direction::Rx, &timing());
        let by = PathControls {
            bypass: true,
            ..on()
        };
        let o = b(&mut p, &mut src, by);
        assert!(!o.block_lock && o.output_status && o.out_block != 0);
    }

    #[test]
    fn polarity_flip_tx_corrects_the_input_rx_inverts_the_output() {
        // Tx: an inverted host trace with the flip set locks, counts no
        // errors and sends the original blocks.
        let flip = PathControls {
            polarity_flip: true,
            ..on()
        };
        let mut p = RetimerPath::new(Direction::Tx, &timing());
        let mut src = BlockSource::new(4);
        let mut sent = Vec::new();
        for _ in 0..300 {
            let b = src.next_block();
            sent.push(b);
            p.step(sample(b ^ ALL_ONES, flip));
        }
        let o = *p.outputs();
        assert!(o.block_lock && o.errored_blocks == 0);
        assert_eq!(o.out_block, sent[sent.len() - 3]);
        // Without the flip the same inverted line locks (01 and 10 swap)
        // but its control blocks decode as errors.
        let mut p = RetimerPath::new(Direction::Tx, &timing());
        for b in &sent {
            p.step(sample(b ^ ALL_ONES, on()));
        }
        assert!(p.outputs().block_lock && p.outputs().errored_blocks > 0);
        // Rx: the monitors see the line as it is; the output is inverted.
        let (mut p, mut src) = locked(Direction::Rx, flip);
        let b0 = src.next_block();
        p.step(sample(b0, flip));
        p.step(sample(src.next_block(), flip));
        let o = *p.step(sample(src.next_block(), flip));
        assert_eq!(o.out_block, b0 ^ ALL_ONES);
        assert_eq!(o.errored_blocks, 0);
    }
}
