//! The line side of a retimer lane as stimulus: 64b/66b blocks with
//! scrambled payloads (IEEE 802.3 49.2.6), serialised bit 0 first, and the
//! receive SerDes gearbox that cuts the bit stream into 66-bit words at
//! an unknown bit phase and moves its boundary one bit per slip request.
//!
//! Written from the standard's definitions (the scrambler's polynomial,
//! the block format of 49.2.4), for every engine alike; the receive state
//! machines it feeds are in `model::pcs`.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_spec::retimer::{SYNC_CONTROL, SYNC_DATA, VALID_BLOCK_TYPES};

/// Bits in a 64b/66b block.
pub const BLOCK_BITS: u32 = 66;

/// The self-synchronising scrambler of 49.2.6, G(x) = 1 + x^39 + x^58,
/// over the 64 payload bits of each block (sync headers are not
/// scrambled), bit 0 first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scrambler {
    /// The last 58 scrambled bits, the newest in bit 0.
    state: u64,
}

const STATE_MASK: u64 = (1 << 58) - 1;

impl Scrambler {
    /// A scrambler (or descrambler) whose last 58 line bits were `state`.
    pub fn new(state: u64) -> Self {
        Self {
            state: state & STATE_MASK,
        }
    }

    /// Scrambles 64 payload bits: each line bit is the data bit XOR the
    /// line bits 39 and 58 before it.
    pub fn scramble(&mut self, data: u64) -> u64 {
        let mut out = 0u64;
        for i in 0..64 {
            let s = (data >> i & 1) ^ (self.state >> 38 & 1) ^ (self.state >> 57 & 1);
            self.state = (self.state << 1 | s) & STATE_MASK;
            out |= s << i;
        }
        out
    }

    /// Descrambles 64 line bits: each data bit is the line bit XOR the
    /// line bits 39 and 58 before it; the state is the line itself, so a
    /// receiver synchronises after 58 bits whatever it started from.
    pub fn descramble(&mut self, line: u64) -> u64 {
        let mut out = 0u64;
        for i in 0..64 {
            let l = line >> i & 1;
            let d = l ^ (self.state >> 38 & 1) ^ (self.state >> 57 & 1);
            self.state = (self.state << 1 | l) & STATE_MASK;
            out |= d << i;
        }
        out
    }
}

/// A 66-bit block: sync header in bits 1:0 (bit 0 first on the wire),
/// payload in bits 65:2.
pub fn block(header: u8, payload: u64) -> u128 {
    (header as u128 & 3) | (payload as u128) << 2
}

/// Random 64b/66b traffic: data blocks (`01`) and control blocks (`10`),
/// payloads scrambled. The payload content is random apart from the
/// control blocks' type field: what the receive side checks is the
/// framing and the block types, not the frames.
#[derive(Debug, Clone)]
pub struct BlockSource {
    rng: ChaCha8Rng,
    scrambler: Scrambler,
}

impl BlockSource {
    pub fn new(seed: u64) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let scrambler = Scrambler::new(rng.gen());
        Self { rng, scrambler }
    }

    /// The next block: a data block (nine in ten) or a control block
    /// whose block type field (payload bits 7:0, before scrambling) is
    /// one of Figure 49-7's, so a receiver that decodes block types sees
    /// no errored block on a clean line.
    pub fn next_block(&mut self) -> u128 {
        let (header, data) = if self.rng.gen_bool(0.9) {
            (SYNC_DATA, self.rng.gen::<u64>())
        } else {
            let t = VALID_BLOCK_TYPES[self.rng.gen_range(0..VALID_BLOCK_TYPES.len())];
            (SYNC_CONTROL, self.rng.gen::<u64>() & !0xFF | u64::from(t))
        };
        block(header, self.scrambler.scramble(data))
    }
}

/// The receive gearbox: a bit stream in, 66-bit words out, the first word
/// starting `phase` bits into the stream. A slip request drops one bit, so
/// the next word starts one bit later (the contract in `model::pcs`: the
/// word after the request is already cut at the new boundary).
#[derive(Debug, Clone, Default)]
pub struct SlipGearbox {
    /// Bits received and not yet delivered, the oldest in bit 0.
    bits: u128,
    /// How many of `bits` are valid.
    held: u32,
    /// Bits still to drop (the initial phase, then one per slip).
    skip: u32,
    slips: u64,
}

impl SlipGearbox {
    /// A gearbox whose first word starts `phase` bits into the stream
    /// (`phase < 66`).
    pub fn new(phase: u32) -> Self {
        assert!(phase < BLOCK_BITS, "a bit phase within one block");
        Self {
            skip: phase,
            ..Default::default()
        }
    }

    /// Requests one bit slip.
    pub fn slip(&mut self) {
        self.skip += 1;
        self.slips += 1;
    }

    pub fn slips(&self) -> u64 {
        self.slips
    }

    /// Takes one 66-bit block from the line and returns the next 66-bit
    /// word, if enough bits have arrived (dropping bits can leave a cycle
    /// without a word, as a real gearbox's slip does).
    pub fn push(&mut self, line_block: u128) -> Option<u128> {
        let mask = |n: u32| (1u128 << n) - 1;
        let mut incoming = line_block & mask(BLOCK_BITS);
        let mut n = BLOCK_BITS;
        // Slips drop the oldest bits first: the boundary moves one bit
        // later in the stream.
        let drop = self.skip.min(self.held);
        self.bits >>= drop;
        self.held -= drop;
        self.skip -= drop;
        let drop = self.skip.min(n);
        incoming >>= drop;
        n -= drop;
        self.skip -= drop;
        // At most 65 bits are held between calls, so a word completes at
        // most once per block.
        if self.held + n < BLOCK_BITS {
            self.bits |= incoming << self.held;
            self.held += n;
            return None;
        }
        let need = BLOCK_BITS - self.held;
        let word = self.bits | (incoming & mask(need)) << self.held;
        self.bits = incoming >> need;
        self.held = n - need;
        Some(word)
    }
}

/// What a line does to the blocks on it: the impairments of issue 12's
/// SerDes and channel model, all seeded.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineImpairments {
    /// Independent bit errors on the line, anywhere in a block.
    pub bit_error_ratio: f64,
    /// Probability per block of one sync-header error that makes the
    /// header invalid (`01` -> `00`, `10` -> `11`): an error every
    /// receiver detects, so its count is exact.
    pub header_error_ratio: f64,
    /// Fraction of core-clock cycles without a word (`valid` low): the
    /// SerDes word clock slower than the core's (±100 ppm is 1e-4).
    pub gap: f64,
    /// Loss-of-signal periods: every `los_period` cycles (0 for none) the
    /// line goes dark (`valid` low) for `los_length` cycles.
    pub los_period: u64,
    pub los_length: u64,
}

impl LineImpairments {
    /// A clean line with no gaps.
    pub fn clean() -> Self {
        Self {
            bit_error_ratio: 0.0,
            header_error_ratio: 0.0,
            gap: 0.0,
            los_period: 0,
            los_length: 0,
        }
    }
}

/// What a line injected, counted as it went.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LineCounts {
    /// Blocks sent onto the line.
    pub blocks: u64,
    /// Bit errors from the bit-error ratio.
    pub bit_errors: u64,
    /// Sync-header errors injected on purpose.
    pub header_errors: u64,
    /// Cycles the line was dark.
    pub dark_cycles: u64,
    /// Slip requests the gearbox obeyed.
    pub slips: u64,
}

/// One direction of one lane's line, as a receiver's SerDes delivers it:
/// random 64b/66b traffic ([`BlockSource`]), the channel's impairments,
/// and a gearbox ([`SlipGearbox`]) at a random initial bit phase that
/// slips one bit per request. One call per core-clock cycle.
#[derive(Debug, Clone)]
pub struct SerdesLine {
    source: BlockSource,
    channel: crate::channel::BitErrorChannel,
    gearbox: SlipGearbox,
    rng: ChaCha8Rng,
    impair: LineImpairments,
    cycle: u64,
    counts: LineCounts,
}

impl SerdesLine {
    /// A line with its own seed; the initial bit phase is drawn from it.
    pub fn new(impair: LineImpairments, seed: u64) -> Result<Self, String> {
        for (name, p, hi) in [
            ("header_error_ratio", impair.header_error_ratio, 1.0),
            ("gap", impair.gap, 0.99),
        ] {
            if !(0.0..=hi).contains(&p) {
                return Err(format!("line {name} {p} is not in 0..={hi}"));
            }
        }
        if impair.los_period > 0 && impair.los_length >= impair.los_period {
            return Err(format!(
                "line los_length {} does not leave light in a period of {}",
                impair.los_length, impair.los_period
            ));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let phase = rng.gen_range(0..BLOCK_BITS);
        Ok(Self {
            source: BlockSource::new(rng.gen()),
            channel: crate::channel::BitErrorChannel::new(impair.bit_error_ratio, rng.gen())?,
            gearbox: SlipGearbox::new(phase),
            rng,
            impair,
            cycle: 0,
            counts: LineCounts::default(),
        })
    }

    pub fn counts(&self) -> LineCounts {
        self.counts
    }

    /// Changes the impairments from the next cycle on (a test's phases:
    /// lock on a clean line, then errors).
    pub fn set_impairments(&mut self, impair: LineImpairments) {
        self.impair = impair;
    }

    /// Starts counting afresh.
    pub fn clear_counts(&mut self) {
        self.counts = LineCounts::default();
        self.channel.clear_count();
    }

    /// One cycle: obeys the receiver's slip request shown after the last
    /// edge, then returns this cycle's `(valid, word)`.
    pub fn cycle(&mut self, slip: bool) -> (bool, u128) {
        if slip {
            self.gearbox.slip();
            self.counts.slips += 1;
        }
        let c = self.cycle;
        self.cycle += 1;
        let dark = self.impair.los_period > 0
            && c % self.impair.los_period >= self.impair.los_period - self.impair.los_length;
        if dark {
            self.counts.dark_cycles += 1;
            return (false, 0);
        }
        if self.impair.gap > 0.0 && self.rng.gen_bool(self.impair.gap) {
            return (false, 0);
        }
        let mut b = self.source.next_block();
        self.counts.blocks += 1;
        if self.impair.header_error_ratio > 0.0 && self.rng.gen_bool(self.impair.header_error_ratio)
        {
            b ^= 1;
            self.counts.header_errors += 1;
        }
        let before = self.channel.injected();
        let b = self.channel.transmit(b);
        self.counts.bit_errors += self.channel.injected() - before;
        match self.gearbox.push(b) {
            Some(w) => (true, w),
            None => (false, 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::pcs::BlockLock;

    /// The scrambler is the standard's bit-serial definition: line bit i
    /// is data bit i ^ line bit i-39 ^ line bit i-58, checked against a
    /// plain list of line bits.
    #[test]
    fn scrambler_follows_g_of_x() {
        let mut s = Scrambler::new(0x2AA_AAAA_5555_1234);
        let init = 0x2AA_AAAA_5555_1234u64;
        // line[-58..0] from the initial state (bit 0 the newest).
        let mut line: Vec<u64> = (0..58).rev().map(|k| init >> k & 1).collect();
        let mut rng = ChaCha8Rng::seed_from_u64(5);
        for _ in 0..20 {
            let data: u64 = rng.gen();
            let out = s.scramble(data);
            for i in 0..64 {
                let n = line.len();
                let want = (data >> i & 1) ^ line[n - 39] ^ line[n - 58];
                assert_eq!(out >> i & 1, want);
                line.push(want);
            }
        }
    }

    #[test]
    fn descrambling_inverts_and_resynchronises_after_58_bits() {
        let mut tx = Scrambler::new(0x1234_5678_9abc);
        let mut rx = Scrambler::new(0x3ff_ffff_ffff_ffff); // wrong start
        let mut rng = ChaCha8Rng::seed_from_u64(9);
        let first: u64 = rng.gen();
        let got = rx.descramble(tx.scramble(first));
        // Bits 58..63 already depend only on line bits.
        assert_eq!(got >> 58, first >> 58);
        for _ in 0..50 {
            let d: u64 = rng.gen();
            assert_eq!(rx.descramble(tx.scramble(d)), d);
        }
    }

    /// One line error becomes three data errors, at 0, 39 and 58 bits
    /// (the polynomial's three terms): the error multiplication 49.2.6's
    /// self-synchronising scrambler is known for.
    #[test]
    fn a_line_error_multiplies_by_three() {
        let mut tx = Scrambler::new(7);
        let mut rx = Scrambler::new(7);
        let data = [0u64; 4];
        let mut errors = Vec::new();
        for (w, d) in data.iter().enumerate() {
            let mut line = tx.scramble(*d);
            if w == 0 {
                line ^= 1 << 10;
            }
            let e = rx.descramble(line) ^ d;
            for i in 0..64 {
                if e >> i & 1 == 1 {
                    errors.push(w * 64 + i);
                }
            }
        }
        assert_eq!(errors, [10, 49, 68]);
    }

    #[test]
    fn gearbox_cuts_at_the_phase_and_slips_one_bit() {
        let blocks = [
            block(SYNC_DATA, 0xdead_beef_0123_4567),
            block(SYNC_CONTROL, 0x0f0f_f0f0_1111_2222),
            block(SYNC_DATA, 3),
        ];
        let stream = |i: u32| -> u128 {
            // Bit i of the serialised stream.
            blocks[(i / 66) as usize] >> (i % 66) & 1
        };
        let mut g = SlipGearbox::new(5);
        assert_eq!(g.push(blocks[0]), None, "61 bits held");
        let w = g.push(blocks[1]).unwrap();
        for b in 0..66 {
            assert_eq!(w >> b & 1, stream(5 + b), "bit {b}");
        }
        g.slip();
        let w = g.push(blocks[2]).unwrap_or(0);
        // 5 + 66 + 1 slipped: the next word starts at stream bit 72, but
        // only 198 - 72 = 126 bits exist, so one word was possible.
        for b in 0..66 {
            assert_eq!(w >> b & 1, stream(72 + b), "bit {b} after the slip");
        }
    }

    /// 49.2.9 at a 66-bit interface: from every one of the 66 bit phases,
    /// block lock slips to the block boundary and locks on the 64th block
    /// after its last slip, with at most 65 slips.
    #[test]
    fn block_lock_from_every_bit_phase() {
        for phase in 0..BLOCK_BITS {
            let mut src = BlockSource::new(u64::from(phase));
            let mut g = SlipGearbox::new(phase);
            let mut lock = BlockLock::new(0);
            let (mut words, mut last_slip_word) = (0u64, 0u64);
            let mut locked_at = None;
            for _ in 0..20_000 {
                let Some(w) = g.push(src.next_block()) else {
                    continue;
                };
                words += 1;
                let step = lock.block((w & 3) as u8);
                if step.slip {
                    g.slip();
                    last_slip_word = words;
                }
                if step.block_lock {
                    locked_at = Some(words);
                    break;
                }
            }
            let at = locked_at.unwrap_or_else(|| panic!("phase {phase}: no lock"));
            assert_eq!(
                at - last_slip_word,
                64,
                "phase {phase}: 64 blocks after the last slip"
            );
            assert!(g.slips() <= 65, "phase {phase}: {} slips", g.slips());
            // Locked on the true boundary: the total bits dropped is a
            // whole number of blocks.
            assert_eq!((u64::from(phase) + g.slips()) % 66, 0, "phase {phase}");
        }
    }

    #[test]
    fn serdes_line_counts_what_it_injects_and_refuses_nonsense() {
        let mut line = SerdesLine::new(
            LineImpairments {
                header_error_ratio: 0.25,
                los_period: 100,
                los_length: 10,
                ..LineImpairments::clean()
            },
            3,
        )
        .unwrap();
        for c in 0..1_000u64 {
            let (valid, _) = line.cycle(false);
            if c % 100 >= 90 {
                assert!(!valid, "dark at cycle {c}");
            }
        }
        let n = line.counts();
        assert_eq!(n.dark_cycles, 100);
        assert_eq!(n.blocks, 900);
        // 900 draws at 1/4: 225 expected, sd 13.
        assert!((170..280).contains(&n.header_errors), "{n:?}");
        assert_eq!(n.bit_errors, 0);
        let bad = |i: LineImpairments| SerdesLine::new(i, 1).unwrap_err();
        let clean = LineImpairments::clean();
        assert!(bad(LineImpairments { gap: 1.0, ..clean }).contains("gap"));
        assert!(bad(LineImpairments {
            los_period: 5,
            los_length: 5,
            ..clean
        })
        .contains("los_length"));
        assert!(bad(LineImpairments {
            bit_error_ratio: 0.9,
            ..clean
        })
        .contains("0.9"));
    }
}
