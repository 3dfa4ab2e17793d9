//! A multi-lane link's transmitter and channel, as stimulus for the
//! receive alignment (issue 13): N PCS lanes of scrambled 64b/66b traffic
//! ([`BlockSource`]) with clause 82 alignment markers every `period` data
//! blocks, each carrying the BIP-8 of the period before it
//! ([`MarkerInserter`]); then per physical lane the channel: which PCS
//! lane it carries (any permutation), a skew of whole blocks and of bits,
//! and bit errors in the BIP-covered bits of data blocks (markers are left
//! intact, so alignment-marker lock is not what is under test); one gap
//! pattern for the whole link (one transmitter, one SerDes reference
//! clock: the deskew contract's rows, `model::pcs::deskew`); and each
//! physical lane through its own slipping gearbox ([`SlipGearbox`],
//! initial phase 0: the bit skew is the line's only bit offset). It counts
//! what it injected: bit errors, and the BIP-8s that will be in error.
//!
//! The skews a receiver must measure follow from the delays: a lane
//! delayed by D = 66 q + b bits has its blocks complete D bits after an
//! undelayed lane's, on the row ⌈D / 66⌉ later ([`LinkChannel::expected_skew`]).

use crate::model::pcs::alignment_marker::{decode_marker, Bip8, MarkerInserter, MAX_LANES};
use crate::serdes::{BlockSource, SlipGearbox, BLOCK_BITS};
use crate::BitErrorChannel;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::{HashMap, VecDeque};

const MASK66: u128 = (1 << 66) - 1;

/// What a link's channel does.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkPlan {
    /// PCS lanes (and physical lanes).
    pub lanes: usize,
    /// Data blocks between markers.
    pub period: u32,
    /// Physical lane x carries PCS lane `permutation[x]`.
    pub permutation: Vec<usize>,
    /// Per physical lane: whole blocks of delay.
    pub skew_blocks: Vec<u32>,
    /// Per physical lane: bits of delay, below 66.
    pub skew_bits: Vec<u32>,
    /// Bit errors per bit of data blocks, independent per physical lane.
    pub bit_error_ratio: f64,
    /// Fraction of cycles without a word, on every lane at once.
    pub gap: f64,
    pub seed: u64,
}

impl LinkPlan {
    /// A straight, clean link of `lanes` lanes.
    pub fn straight(lanes: usize, period: u32, seed: u64) -> Self {
        Self {
            lanes,
            period,
            permutation: (0..lanes).collect(),
            skew_blocks: vec![0; lanes],
            skew_bits: vec![0; lanes],
            bit_error_ratio: 0.0,
            gap: 0.0,
            seed,
        }
    }

    /// Why the plan cannot be run, naming the field.
    pub fn check(&self) -> Result<(), String> {
        let n = self.lanes;
        if n == 0 || n > MAX_LANES {
            return Err(format!("link lanes {n}: 1 to {MAX_LANES} have markers"));
        }
        for (name, len) in [
            ("permutation", self.permutation.len()),
            ("skew_blocks", self.skew_blocks.len()),
            ("skew_bits", self.skew_bits.len()),
        ] {
            if len != n {
                return Err(format!("link {name} has {len} entries for {n} lanes"));
            }
        }
        let mut seen = vec![false; n];
        for &k in &self.permutation {
            if k >= n || std::mem::replace(&mut seen[k], true) {
                return Err(format!(
                    "link permutation {:?} is not a permutation of 0..{n}",
                    self.permutation
                ));
            }
        }
        if let Some(b) = self.skew_bits.iter().find(|&&b| b >= BLOCK_BITS) {
            return Err(format!("link skew_bits {b} is not below 66"));
        }
        if !(0.0..0.99).contains(&self.gap) {
            return Err(format!("link gap {} is not in 0..0.99", self.gap));
        }
        Ok(())
    }
}

/// A skew in blocks (rows) and in bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skew {
    pub blocks: u32,
    pub bits: u32,
}

/// What one physical lane's channel injected.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkLaneCounts {
    /// Words delivered by the gearbox.
    pub words: u64,
    pub bit_errors: u64,
    /// Markers sent after the first whose BIP-8 will not match at the
    /// receiver (an odd count of errors under some BIP bit in the period
    /// the marker closes).
    pub bip_errors: u64,
    /// Markers that left the channel after the first: BIP checks a
    /// receiver could make.
    pub markers: u64,
    pub slips: u64,
}

/// One physical lane of the channel.
#[derive(Debug, Clone)]
struct PhysicalLane {
    /// Whole-block delay: the blocks in flight.
    line: VecDeque<u128>,
    bit_skew: u32,
    /// The last block into the bit delay.
    previous: u128,
    errors: BitErrorChannel,
    /// The BIP bits the errors since the last marker flipped.
    flipped: Bip8,
    seen_marker: bool,
    gearbox: SlipGearbox,
    counts: LinkLaneCounts,
    /// This cycle: a marker after the first left the channel, and
    /// whether its BIP-8 will be in error.
    marker_out: Option<bool>,
}

/// Rows the transmitter sent that a receiver's output may still carry.
const ROW_HISTORY: usize = 4096;

/// The transmitter's rows (one block per PCS lane, in PCS lane order),
/// the last [`ROW_HISTORY`] of them, for checking what a receiver that
/// deskews and reorders puts out: its aligned output rows must be these
/// rows, in order, each whole ([`RowCheck`]).
#[derive(Debug, Clone, Default)]
pub struct SentRows {
    rows: VecDeque<Vec<u128>>,
    /// The index of `rows[0]` since the start.
    first: u64,
    /// PCS lane 0's block of each kept row, to its index (the latest
    /// wins: scrambled 64-bit payloads do not repeat within the history,
    /// and a marker repeats only a period later).
    by_lane0: HashMap<u128, u64>,
}

impl SentRows {
    fn push(&mut self, row: Vec<u128>) {
        let next = self.first + self.rows.len() as u64;
        self.by_lane0.insert(row[0], next);
        self.rows.push_back(row);
        if self.rows.len() > ROW_HISTORY {
            let old = self.rows.pop_front().expect("kept rows");
            if self.by_lane0.get(&old[0]) == Some(&self.first) {
                self.by_lane0.remove(&old[0]);
            }
            self.first += 1;
        }
    }

    /// Row `index`, if still kept.
    pub fn row(&self, index: u64) -> Option<&[u128]> {
        let i = index.checked_sub(self.first)?;
        self.rows.get(usize::try_from(i).ok()?).map(Vec::as_slice)
    }

    /// The latest kept row whose PCS lane 0 block is `block`.
    pub fn find(&self, block: u128) -> Option<u64> {
        self.by_lane0.get(&block).copied()
    }
}

/// A receiver's deskewed output, row by row, against the rows sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RowTally {
    /// Output rows (every lane valid, some block not all zeros) equal to
    /// a sent row on every logical lane, each the row after the last.
    pub in_order: u64,
    /// Rows that are the row after the last but differ in some blocks
    /// (bit errors on the line), and those blocks.
    pub errored: u64,
    pub blocks_differing: u64,
    /// Rows not the sent row after the last: misaligned, misordered,
    /// repeated or lost rows.
    pub out_of_order: u64,
}

/// Checks a receiver's output rows against [`SentRows`].
#[derive(Debug, Clone, Default)]
pub struct RowCheck {
    /// The index of the last row matched.
    last: Option<u64>,
    pub tally: RowTally,
}

impl RowCheck {
    /// One output edge: `valid` and the blocks by logical lane. An
    /// all-zero row (not aligned, squelched) ends the sequence.
    pub fn output(&mut self, sent: &SentRows, valid: bool, blocks: &[u128]) {
        if !valid {
            return;
        }
        if blocks.iter().all(|&b| b == 0) {
            self.last = None;
            return;
        }
        let t = &mut self.tally;
        let want = match self.last {
            Some(j) => Some(j + 1),
            None => sent.find(blocks[0]),
        };
        let Some((j, row)) = want.and_then(|j| sent.row(j).map(|r| (j, r))) else {
            t.out_of_order += 1;
            self.last = None;
            return;
        };
        let differing = row.iter().zip(blocks).filter(|(a, b)| a != b).count() as u64;
        if differing == 0 {
            t.in_order += 1;
            self.last = Some(j);
        } else if differing < blocks.len() as u64 {
            t.errored += 1;
            t.blocks_differing += differing;
            self.last = Some(j);
        } else {
            t.out_of_order += 1;
            self.last = None;
        }
    }

    /// An output edge went unseen (a stimulus's first cycle of a later
    /// run sees no outputs): the next row is found afresh.
    pub fn lose_track(&mut self) {
        self.last = None;
    }
}

/// The link: transmitter, channel and receive gearboxes. One call of
/// [`LinkChannel::cycle`] per core-clock cycle.
#[derive(Debug, Clone)]
pub struct LinkChannel {
    plan: LinkPlan,
    sources: Vec<BlockSource>,
    inserters: Vec<MarkerInserter>,
    /// A data block a marker displaced, waiting for the next slot.
    waiting: Vec<Option<u128>>,
    physical: Vec<PhysicalLane>,
    rng: ChaCha8Rng,
    /// Bit errors held off ([`LinkChannel::set_errors`]).
    error_free: bool,
    sent: SentRows,
}

impl LinkChannel {
    pub fn new(plan: LinkPlan) -> Result<Self, String> {
        plan.check()?;
        let mut rng = ChaCha8Rng::seed_from_u64(plan.seed);
        let n = plan.lanes;
        let sources = (0..n).map(|_| BlockSource::new(rng.gen())).collect();
        let inserters = (0..n)
            .map(|k| MarkerInserter::new(k, plan.period))
            .collect();
        let mut physical = Vec::new();
        for x in 0..n {
            physical.push(PhysicalLane {
                // The line starts dark (zeros) for its delay.
                line: (0..plan.skew_blocks[x]).map(|_| 0).collect(),
                bit_skew: plan.skew_bits[x],
                previous: 0,
                errors: BitErrorChannel::new(plan.bit_error_ratio, rng.gen())?,
                flipped: Bip8::new(),
                seen_marker: false,
                gearbox: SlipGearbox::new(0),
                counts: LinkLaneCounts::default(),
                marker_out: None,
            });
        }
        Ok(Self {
            waiting: vec![None; n],
            plan,
            sources,
            inserters,
            physical,
            rng,
            error_free: false,
            sent: SentRows::default(),
        })
    }

    pub fn plan(&self) -> &LinkPlan {
        &self.plan
    }

    /// Per physical lane.
    pub fn counts(&self) -> Vec<LinkLaneCounts> {
        self.physical.iter().map(|p| p.counts).collect()
    }

    /// The transmitter's last rows, in PCS lane order.
    pub fn sent_rows(&self) -> &SentRows {
        &self.sent
    }

    /// Stops (or resumes) injecting bit errors: a test lets the markers
    /// that close the errored periods reach the receiver.
    pub fn set_errors(&mut self, on: bool) {
        self.error_free = !on;
    }

    /// The skew a receiver must measure on each physical lane: the bits
    /// and rows its blocks arrive before the latest lane's.
    pub fn expected_skew(&self) -> Vec<Skew> {
        let delay: Vec<u32> = (0..self.plan.lanes)
            .map(|x| BLOCK_BITS * self.plan.skew_blocks[x] + self.plan.skew_bits[x])
            .collect();
        let rows: Vec<u32> = delay.iter().map(|d| d.div_ceil(BLOCK_BITS)).collect();
        let (dmax, rmax) = (
            *delay.iter().max().expect("lanes"),
            *rows.iter().max().expect("lanes"),
        );
        (0..self.plan.lanes)
            .map(|x| Skew {
                blocks: rmax - rows[x],
                bits: dmax - delay[x],
            })
            .collect()
    }

    /// Per physical lane, whether a marker (after the first) left the
    /// channel in the last cycle, and if so whether its BIP-8 will be in
    /// error: a stimulus that watches the receiver can count only the
    /// checks the receiver was locked to make.
    pub fn markers_out(&self) -> impl ExactSizeIterator<Item = Option<bool>> + '_ {
        self.physical.iter().map(|p| p.marker_out)
    }

    /// One cycle: obeys each lane's slip request shown after the last
    /// edge, and returns this cycle's `(valid, word)` per physical lane.
    pub fn cycle(&mut self, slips: &[bool]) -> Vec<(bool, u128)> {
        assert_eq!(slips.len(), self.plan.lanes, "one slip request per lane");
        for (p, &s) in self.physical.iter_mut().zip(slips) {
            p.marker_out = None;
            if s {
                p.gearbox.slip();
                p.counts.slips += 1;
            }
        }
        if self.plan.gap > 0.0 && self.rng.gen_bool(self.plan.gap) {
            return vec![(false, 0); self.plan.lanes];
        }
        // The transmitter: one block on every PCS lane.
        let sent: Vec<u128> = (0..self.plan.lanes)
            .map(|k| {
                let data = match self.waiting[k].take() {
                    Some(d) => d,
                    None => self.sources[k].next_block(),
                };
                let (block, marker) = self.inserters[k].next(data);
                if marker {
                    self.waiting[k] = Some(data);
                }
                block
            })
            .collect();
        let lanes = self.plan.lanes;
        let error_free = self.error_free;
        let words = self
            .physical
            .iter_mut()
            .zip(&self.plan.permutation)
            .map(|(p, &k)| {
                p.line.push_back(sent[k]);
                let mut b = p.line.pop_front().expect("one in, one out");
                if decode_marker(b, lanes).is_some() {
                    if p.seen_marker {
                        p.counts.markers += 1;
                        let bad = p.flipped.value() != 0;
                        p.counts.bip_errors += u64::from(bad);
                        p.marker_out = Some(bad);
                    }
                    p.seen_marker = true;
                    p.flipped = Bip8::new();
                } else if !error_free {
                    let before = p.errors.injected();
                    let e = p.errors.transmit(b);
                    if e != b {
                        p.counts.bit_errors += p.errors.injected() - before;
                        p.flipped.block(e ^ b);
                        b = e;
                    }
                }
                // The bit delay: the line runs `bit_skew` bits behind.
                let s = p.bit_skew;
                let out = if s == 0 {
                    b
                } else {
                    ((b << s) | (p.previous >> (BLOCK_BITS - s))) & MASK66
                };
                p.previous = b;
                match p.gearbox.push(out) {
                    Some(w) => {
                        p.counts.words += 1;
                        (true, w)
                    }
                    None => (false, 0),
                }
            })
            .collect();
        self.sent.push(sent);
        words
    }
}

#[cfg(test)]
mod tests {
    //! The link through a receiver built from the standard's models
    //! (block lock per lane, then `model::pcs::deskew`): what the channel
    //! injected is what the receiver measures.
    use super::*;
    use crate::model::pcs::deskew::{Deskew, DeskewConfig, DeskewOutput, LaneSample};
    use crate::model::pcs::BlockLock;

    /// Block lock per lane (slip wait 0: the gearbox cuts the next word at
    /// the new boundary) and the link's deskew.
    struct Receiver {
        locks: Vec<BlockLock>,
        slips: Vec<bool>,
        deskew: Deskew,
        /// The output row of the last cycle.
        out: DeskewOutput,
    }

    impl Receiver {
        fn new(cfg: DeskewConfig) -> Self {
            Self {
                locks: (0..cfg.lanes).map(|_| BlockLock::new(0)).collect(),
                slips: vec![false; cfg.lanes],
                deskew: Deskew::new(cfg),
                out: DeskewOutput::default(),
            }
        }

        /// One cycle; returns whether the output row had markers, all in
        /// logical order (`Some(true)`), or not aligned (`Some(false)`).
        fn cycle(&mut self, link: &mut LinkChannel) -> Option<bool> {
            let words = link.cycle(&self.slips);
            let mut samples = Vec::new();
            for (x, (valid, w)) in words.into_iter().enumerate() {
                self.slips[x] = false;
                if valid {
                    self.slips[x] = self.locks[x].block((w & 3) as u8).slip;
                }
                samples.push(LaneSample {
                    valid,
                    block: w,
                    block_lock: self.locks[x].block_lock(),
                    bit_phase: (self.locks[x].slips() % 66) as u8,
                });
            }
            let n = samples.len();
            self.out = self.deskew.step(&samples);
            let markers: Vec<Option<usize>> = self
                .out
                .blocks
                .iter()
                .map(|&b| decode_marker(b, n).map(|m| m.0))
                .collect();
            markers
                .iter()
                .any(|m| m.is_some())
                .then(|| markers.iter().enumerate().all(|(k, m)| *m == Some(k)))
        }
    }

    fn deskew_cfg(lanes: usize, period: u32) -> DeskewConfig {
        DeskewConfig {
            lanes,
            period,
            max_skew: 12,
        }
    }

    /// Also: once aligned, every output row is the next row sent, whole,
    /// in logical order ([`RowCheck`] against the transmitter's rows).
    #[test]
    fn measured_skew_equals_injected_in_blocks_and_bits() {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        for case in 0..12 {
            let lanes = 8;
            let mut perm: Vec<usize> = (0..lanes).collect();
            for i in (1..lanes).rev() {
                perm.swap(i, rng.gen_range(0..=i));
            }
            let plan = LinkPlan {
                lanes,
                period: 200,
                permutation: perm.clone(),
                skew_blocks: (0..lanes).map(|_| rng.gen_range(0..=10)).collect(),
                skew_bits: (0..lanes).map(|_| rng.gen_range(0..66)).collect(),
                bit_error_ratio: 0.0,
                gap: if case % 2 == 0 { 0.0 } else { 1.0 / 33.0 },
                seed: case,
            };
            let mut link = LinkChannel::new(plan.clone()).unwrap();
            let mut rx = Receiver::new(deskew_cfg(lanes, 200));
            let mut marker_rows = 0;
            let mut check = RowCheck::default();
            for _ in 0..2_000 {
                if let Some(in_order) = rx.cycle(&mut link) {
                    if rx.deskew.align_status() {
                        assert!(in_order, "case {case}: a marker row out of order");
                        marker_rows += 1;
                    }
                }
                check.output(link.sent_rows(), rx.out.valid, &rx.out.blocks);
            }
            let t = check.tally;
            assert!(t.in_order > 1_000, "case {case}: {t:?}, {plan:?}");
            assert_eq!((t.errored, t.out_of_order), (0, 0), "case {case}: {t:?}");
            assert!(rx.deskew.align_status(), "case {case}: {plan:?}");
            assert!(
                marker_rows >= 5,
                "case {case}: {marker_rows} aligned marker rows"
            );
            let want = link.expected_skew();
            for (x, l) in rx.deskew.lanes().iter().enumerate() {
                assert_eq!(l.lane_number, Some(perm[x]), "case {case} lane {x}");
                assert_eq!(
                    (l.skew_blocks, l.skew_bits),
                    (Some(want[x].blocks), Some(want[x].bits)),
                    "case {case} lane {x}: {plan:?}"
                );
            }
        }
    }

    /// The check itself: a swapped pair of blocks is a row with
    /// differing blocks, a lost row is out of order.
    #[test]
    fn the_row_check_fails_swapped_and_lost_rows() {
        let mut sent = SentRows::default();
        for r in 0..4u128 {
            sent.push((0..4).map(|k| 0x100 * (r + 1) + k).collect());
        }
        let mut c = RowCheck::default();
        c.output(&sent, true, &[0x100, 0x101, 0x102, 0x103]);
        c.output(&sent, true, &[0x200, 0x202, 0x201, 0x203]);
        assert_eq!((c.tally.in_order, c.tally.errored), (1, 1));
        assert_eq!(c.tally.blocks_differing, 2);
        c.output(&sent, true, &[0x400, 0x401, 0x402, 0x403]);
        assert_eq!(c.tally.out_of_order, 1, "{:?}", c.tally);
    }

    #[test]
    fn bip_errors_counted_equal_injected_per_lane() {
        let lanes = 4;
        let plan = LinkPlan {
            permutation: vec![3, 1, 0, 2],
            skew_blocks: vec![2, 0, 5, 1],
            skew_bits: vec![10, 0, 40, 65],
            bit_error_ratio: 2e-5,
            ..LinkPlan::straight(lanes, 100, 3)
        };
        let mut link = LinkChannel::new(plan).unwrap();
        link.set_errors(false);
        let mut rx = Receiver::new(deskew_cfg(lanes, 100));
        for _ in 0..600 {
            rx.cycle(&mut link);
        }
        assert!(rx.deskew.align_status());
        link.set_errors(true);
        for _ in 0..40_000 {
            rx.cycle(&mut link);
        }
        // Quiet again: the markers closing the errored periods arrive.
        link.set_errors(false);
        for _ in 0..400 {
            rx.cycle(&mut link);
        }
        let counts = link.counts();
        let mut total = 0;
        for (x, l) in rx.deskew.lanes().iter().enumerate() {
            assert_eq!(u64::from(l.bip_errors), counts[x].bip_errors, "lane {x}");
            total += counts[x].bip_errors;
            assert!(counts[x].bit_errors >= counts[x].bip_errors);
        }
        assert!(total > 20, "errors were injected: {counts:?}");
        assert!(rx.deskew.align_status());
    }

    #[test]
    fn bad_plans_are_refused_naming_the_field() {
        let ok = LinkPlan::straight(4, 100, 1);
        assert!(ok.check().is_ok());
        for (plan, what) in [
            (
                LinkPlan {
                    permutation: vec![0, 1, 1, 3],
                    ..ok.clone()
                },
                "permutation",
            ),
            (
                LinkPlan {
                    skew_bits: vec![0, 66, 0, 0],
                    ..ok.clone()
                },
                "skew_bits",
            ),
            (
                LinkPlan {
                    skew_blocks: vec![0; 3],
                    ..ok.clone()
                },
                "skew_blocks",
            ),
            (
                LinkPlan {
                    lanes: 21,
                    ..ok.clone()
                },
                "lanes",
            ),
        ] {
            let e = LinkChannel::new(plan).unwrap_err();
            assert!(e.contains(what), "{e}");
        }
    }
}
