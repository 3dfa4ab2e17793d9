//! The receive alignment of a multi-lane link, as IEEE 802.3 clause 82
//! arranges it after block lock: alignment-marker lock on every PCS lane
//! (Figure 82-11, [`AmLock`]), the BIP-8 check at each marker (82.2.8,
//! [`BipCheck`]), lane deskew (82.2.12: "the receive PCS shall deskew
//! the PCS lanes") and lane reorder (82.2.13: the lane number from each
//! marker puts the lanes back in order), with Figure 82-12's
//! `align_status` (LOSS_OF_ALIGNMENT / ALIGN_ACQUIRED) and its
//! `all_locked` (every lane's `amps_lock`). Written from the standard's
//! terms before any RTL (issue 13); the engine's RTL will be checked
//! against this.
//!
//! # Cycle contract (what the standard leaves open)
//!
//! Written before either side. The link is the engine's N lanes of one
//! direction; one [`LaneSample`] per lane per edge, taken after the lane's
//! block lock (its `block_lock` and slip count as they stand after the
//! edge's block).
//!
//! 1. **Rows.** The lanes of a link share a word clock (one transmitter,
//!    one SerDes reference; the channel model's gaps are per link). A
//!    *row* is an edge at which every lane has `valid`. An edge with no
//!    lane valid is idle. An edge at which some lanes are valid and others
//!    not is a *valid mismatch*: it happens while a lane slips (its
//!    gearbox skips a word) and otherwise means the lanes are not one
//!    link; it ends alignment and restarts the skew measurement (rule 4).
//! 2. **Per lane, every valid block**: with block lock, the block goes to
//!    the lane's [`AmLock`]; without it, the AM lock is in LOCK_INIT. A
//!    block alignment-marker lock tests as the lane's own marker (2_GOOD
//!    or GOOD_AM) is a *good marker*. The [`BipCheck`] sees every block
//!    while the lane is AM-locked, a marker position being a block AM
//!    lock tested in COMP_AM (good or not) or the locking 2_GOOD; a
//!    mismatch at a good marker counts one *BIP error* (the counter's
//!    unit is a BIP-8 in error, as 802.3's `bip_error` is a per-marker
//!    Boolean; which of its bits were wrong is kept with it). A BIP at an
//!    invalid marker is not judged (its BIP3 byte is as suspect as the
//!    rest of it).
//! 3. **`all_locked`**: every lane AM-locked, and their lane numbers all
//!    different (N lanes carrying N distinct PCS lanes: a link whose lanes
//!    repeat a lane number cannot be reordered, and is not aligned).
//! 4. **Skew measurement** (LOSS_OF_ALIGNMENT). Each lane keeps `since`:
//!    rows since its last good marker (0 on the marker's row), unknown
//!    until it has one. A valid mismatch, a lane's AM lock lost, or the
//!    lane numbers changing makes every `since` unknown. At a row with a
//!    good marker on some lane, once `all_locked` holds and every lane's
//!    `since` is known and at most `period / 2` (every lane has now seen
//!    the marker of this one marker instant: the latest lane's arrives on
//!    this row), the instant is *complete* and each lane's skew is
//!    measured:
//!    - `skew_blocks` = its `since` (the latest lane 0): the rows the
//!      lane's marker arrived before the latest lane's;
//!    - `skew_bits`: the bits the lane's marker arrived before the latest
//!      one's. A lane's bit phase φ (its slips since reset modulo 66)
//!      places its block boundary φ bits later in the stream than its
//!      word boundary; with the gearbox contract (`model::pcs`: a slip
//!      cuts the next word one bit later, and a word is delivered once
//!      its last bit has arrived), a block delivered on a row completed
//!      (66 − φ) mod 66 bits before the end of that row's word time. So
//!      with `A` = −66 × `since` − ((66 − φ) mod 66), the lane's marker
//!      arrival in bits on a common time line, `skew_bits` = max over
//!      lanes of `A` − the lane's `A`.
//!
//!    A complete instant with every `skew_blocks` ≤ `max_skew` acquires
//!    alignment (ALIGN_ACQUIRED, `align_status` true) on that row. One
//!    with a lane beyond `max_skew` sets that lane's *deskew error*
//!    (latched until read: [`Deskew::take_deskew_errors`]) and stays in
//!    LOSS_OF_ALIGNMENT; the next instant is measured afresh. The
//!    measured skews are reported in both cases (an out-of-range lane's
//!    value is the truth, which the buffer cannot absorb). `period / 2`
//!    tells this instant's markers from the last one's, so the
//!    configuration requires `2 × max_skew < period`.
//! 5. **Deskew and reorder** (ALIGN_ACQUIRED). Each lane has a deskew
//!    buffer: its last `max_skew + 1` row blocks. A lane measured
//!    `skew_blocks` = d is read d rows back, so every lane's marker of an
//!    instant leaves on the same row; output lane k carries the lane whose
//!    lane number is k (logical order). Alignment holds while
//!    `all_locked` holds with the lane numbers unchanged and no valid
//!    mismatch: the markers keep their period on every lane, so the
//!    measured skews stay true. Any of those failing is
//!    LOSS_OF_ALIGNMENT on that edge.
//! 6. **Output.** One output row per input row, [`DESKEW_LATENCY`] edges
//!    later (`out_valid` is the row, `valid` of an idle edge or a
//!    mismatch is low): aligned, the deskewed row in logical order; not
//!    aligned, all-zero blocks (a squelched output: never a misaligned
//!    one). The row that acquires alignment is the first aligned output
//!    row; the edge that loses it outputs zeros. Status (`align_status`,
//!    skews, lane numbers, counters) is as it stands after the edge.
//! 7. **Reporting lags.** The RTL shows a row's status some edges after
//!    the row, by what it is computed from; the model's status after
//!    row t is the RTL's after edge t + the lag ([`LANE_REPORT_LAG`] and
//!    the next two): a lane's
//!    AM lock, lane number and BIP counters 1 (its input stage), the
//!    link's `align_status`, `skew_blocks` and deskew errors 2 (decided
//!    from the lanes' registered results), `skew_bits` 4 (the least bit
//!    offset among the lanes whose marker completed the instant gets a
//!    cycle of its own, then the multiply by 66 and the subtraction).
//!    A latched deskew error cleared at edge e is one the model takes
//!    before row e − 2; a row's new error wins over a clear on the same
//!    edge.
//! 8. **Marker rows and what follows the reorder.** An aligned output
//!    row is a *marker row* when it is the row that acquired alignment or
//!    a whole number of `period + 1` rows after it (the markers keep
//!    their period on every lane): every lane's block there is at its
//!    marker position. The transmitter scrambled the aggregate stream
//!    before distributing it over the lanes (802.3 Figure 82-2), so the
//!    errored-block check of an aligned link runs on the aggregate,
//!    after the reorder, with the marker rows removed
//!    (`link_decode::LinkDecode`), never on a PCS lane alone.

use super::alignment_marker::BipCheck;
use super::am_lock::{AmLock, AmLockState};
use std::collections::VecDeque;

/// Bits in a 64b/66b block.
const BLOCK_BITS: i64 = 66;

/// Edges from an input row to its output row (rule 6): one to register
/// the row (the lanes' marker decode and BIP fold on the way in), one in
/// which the lanes' AM lock acts on it and the buffers write it, one in
/// which the link decides on it and registers each lane's read position,
/// one for the deskew buffer's registered read at that position; the
/// reorder then selects among the buffers' outputs into the output
/// register. So neither the decision nor any logic after a block RAM's
/// clock-to-out is on a RAM port's path. Fixed here before the RTL's
/// timing was measured at 2, then 3; an 8-lane receive side placed on
/// ECP5 at 3 (the read position chosen by the decision in front of the
/// RAM's address) reached 89 MHz, its path all routing to the RAMs.
pub const DESKEW_LATENCY: usize = 4;

/// Rule 7: edges from a row to the RTL's report of a lane's `am_lock`,
/// lane number, BIP error count and last mismatch.
pub const LANE_REPORT_LAG: usize = 1;
/// Rule 7: to the RTL's `align_status`, `skew_blocks` and latched deskew
/// errors.
pub const LINK_REPORT_LAG: usize = 2;
/// Rule 7: to the RTL's `skew_bits`.
pub const SKEW_BITS_REPORT_LAG: usize = 4;

/// Figure 82-12's two states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AlignState {
    LossOfAlignment,
    AlignAcquired,
}

/// What the configuration fixes for a link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeskewConfig {
    /// Lanes in the link (PCS lanes 0..lanes carry markers 0..lanes of
    /// Table 82-2, the project's profile).
    pub lanes: usize,
    /// Data blocks between markers (16383 in clause 82).
    pub period: u32,
    /// The deepest skew the buffer absorbs, in blocks.
    pub max_skew: u32,
}

impl DeskewConfig {
    /// Why the configuration cannot be used, if it cannot.
    pub fn check(&self) -> Result<(), String> {
        if self.lanes == 0 || self.lanes > super::alignment_marker::MAX_LANES {
            return Err(format!(
                "a link of {} lanes: 1 to {} have markers",
                self.lanes,
                super::alignment_marker::MAX_LANES
            ));
        }
        if 2 * u64::from(self.max_skew) >= u64::from(self.period) {
            return Err(format!(
                "max_skew {} must be below half the marker period {} (rule 4 tells instants apart by it)",
                self.max_skew, self.period
            ));
        }
        Ok(())
    }
}

/// One lane's input on one edge, after its block lock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneSample {
    pub valid: bool,
    /// Bit 0 first on the wire; sync header in bits 1:0.
    pub block: u128,
    /// The lane's block lock after this block.
    pub block_lock: bool,
    /// Slip requests the lane's block lock has made since reset, modulo
    /// 66 (its bit phase).
    pub bit_phase: u8,
}

/// One lane's status, by physical lane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneStatus {
    pub am_lock: bool,
    /// The PCS lane number learned from the marker (with `am_lock`).
    pub lane_number: Option<usize>,
    /// The last measured skew (rule 4), `None` before the first complete
    /// instant.
    pub skew_blocks: Option<u32>,
    pub skew_bits: Option<u32>,
    /// BIP-8s in error (rule 2), saturating.
    pub bip_errors: u32,
    /// The BIP bits in error at the last BIP error.
    pub last_bip_mismatch: u8,
}

/// One output edge.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeskewOutput {
    pub valid: bool,
    /// By logical (PCS) lane.
    pub blocks: Vec<u128>,
    /// An aligned marker row (rule 8): every lane's block is its marker
    /// position.
    pub marker: bool,
}

/// One lane's part of rule 2: its alignment-marker lock and BIP check,
/// one call per edge. The RTL's `AmLane` is checked against this.
#[derive(Debug, Clone)]
pub struct AmLane {
    am: AmLock,
    bip: BipCheck,
    bip_errors: u32,
    last_bip_mismatch: u8,
}

impl AmLane {
    /// A lane recognising the markers of `lanes` lanes, `period` data
    /// blocks apart.
    pub fn new(lanes: usize, period: u32) -> Self {
        Self {
            am: AmLock::new(lanes, period),
            bip: BipCheck::new(),
            bip_errors: 0,
            last_bip_mismatch: 0,
        }
    }

    pub fn am_lock(&self) -> bool {
        self.am.am_lock()
    }

    /// The PCS lane number learned from the marker (with `am_lock`).
    pub fn lane_number(&self) -> Option<usize> {
        self.am.lane_mapping()
    }

    /// BIP-8s in error, saturating.
    pub fn bip_errors(&self) -> u32 {
        self.bip_errors
    }

    /// The BIP bits in error at the last BIP error.
    pub fn last_bip_mismatch(&self) -> u8 {
        self.last_bip_mismatch
    }

    /// One edge's sample; returns whether its block was a good marker.
    pub fn step(&mut self, valid: bool, block: u128, block_lock: bool) -> bool {
        if !block_lock {
            self.am.lose_block_lock();
            self.bip = BipCheck::new();
            return false;
        }
        if !valid {
            return false;
        }
        let was_locked = self.am.am_lock();
        let comp_am = self.am.state() == AmLockState::CompAm;
        let step = self.am.block(block);
        let at_marker = (comp_am && step.tested) || (step.locked_now && step.good);
        if was_locked || step.locked_now {
            let mismatch = self.bip.block(block, at_marker);
            if let (Some(m), true) = (mismatch, step.good) {
                if m != 0 {
                    self.bip_errors = self.bip_errors.saturating_add(1);
                    self.last_bip_mismatch = m;
                }
            }
        }
        if !self.am.am_lock() {
            self.bip = BipCheck::new();
        }
        step.good
    }
}

/// The receive alignment of one link.
#[derive(Debug, Clone)]
pub struct Deskew {
    cfg: DeskewConfig,
    lanes: Vec<AmLane>,
    status: Vec<LaneStatus>,
    since: Vec<Option<u32>>,
    /// The lane numbers alignment was acquired with.
    aligned_map: Option<Vec<usize>>,
    state: AlignState,
    /// Per lane, the last `max_skew + 1` row blocks, newest at the back.
    buffers: Vec<VecDeque<u128>>,
    deskew_error: Vec<bool>,
    /// Aligned rows output since alignment was acquired (rule 8).
    rows_aligned: u64,
    pipeline: VecDeque<DeskewOutput>,
}

impl Deskew {
    /// A link after reset. Panics on a configuration [`DeskewConfig::check`]
    /// refuses (the engine configuration validates it first).
    pub fn new(cfg: DeskewConfig) -> Self {
        cfg.check().expect("a valid deskew configuration");
        let n = cfg.lanes;
        Self {
            cfg,
            lanes: vec![AmLane::new(n, cfg.period); n],
            status: vec![LaneStatus::default(); n],
            since: vec![None; n],
            aligned_map: None,
            state: AlignState::LossOfAlignment,
            buffers: vec![VecDeque::new(); n],
            deskew_error: vec![false; n],
            rows_aligned: 0,
            pipeline: (0..DESKEW_LATENCY)
                .map(|_| DeskewOutput {
                    valid: false,
                    blocks: vec![0; n],
                    marker: false,
                })
                .collect(),
        }
    }

    /// `align_status` (Figure 82-12).
    pub fn align_status(&self) -> bool {
        self.state == AlignState::AlignAcquired
    }

    pub fn state(&self) -> AlignState {
        self.state
    }

    /// Per physical lane.
    pub fn lanes(&self) -> &[LaneStatus] {
        &self.status
    }

    /// The latched deskew errors (rule 4), as they stand.
    pub fn deskew_errors(&self) -> &[bool] {
        &self.deskew_error
    }

    /// Clears the latched deskew errors (what [`Self::take_deskew_errors`]
    /// does, without returning them).
    pub fn clear_deskew_errors(&mut self) {
        self.deskew_error.iter_mut().for_each(|e| *e = false);
    }

    /// The latched deskew errors (rule 4), cleared by the read.
    pub fn take_deskew_errors(&mut self) -> Vec<bool> {
        let n = self.cfg.lanes;
        std::mem::replace(&mut self.deskew_error, vec![false; n])
    }

    /// `all_locked` with distinct lane numbers (rule 3): the lane numbers
    /// by physical lane.
    fn lane_map(&self) -> Option<Vec<usize>> {
        let map: Option<Vec<usize>> = self.lanes.iter().map(|a| a.lane_number()).collect();
        let map = map?;
        let mut seen = vec![false; self.cfg.lanes];
        for &k in &map {
            if std::mem::replace(&mut seen[k], true) {
                return None;
            }
        }
        Some(map)
    }

    fn lose_alignment(&mut self) {
        self.state = AlignState::LossOfAlignment;
        self.aligned_map = None;
        self.since.iter_mut().for_each(|s| *s = None);
    }

    /// One edge: every lane's sample; returns the output row of this edge
    /// (the input row of [`DESKEW_LATENCY`] edges ago).
    pub fn step(&mut self, lanes: &[LaneSample]) -> DeskewOutput {
        assert_eq!(lanes.len(), self.cfg.lanes, "one sample per lane");
        let n = self.cfg.lanes;
        let valid = lanes.iter().filter(|l| l.valid).count();
        let row = valid == n;
        let mismatch = valid != 0 && !row;
        let before: Vec<(bool, Option<usize>)> = self
            .lanes
            .iter()
            .map(|a| (a.am_lock(), a.lane_number()))
            .collect();

        // Rule 2: per lane, AM lock and the BIP check.
        let mut good_marker = vec![false; n];
        for ((lane, s), g) in self.lanes.iter_mut().zip(lanes).zip(&mut good_marker) {
            *g = lane.step(s.valid, s.block, s.block_lock);
        }
        let map = self.lane_map();
        for (st, lane) in self.status.iter_mut().zip(&self.lanes) {
            st.am_lock = lane.am_lock();
            st.lane_number = lane.lane_number();
            st.bip_errors = lane.bip_errors();
            st.last_bip_mismatch = lane.last_bip_mismatch();
        }

        // Rule 5: alignment holds only with the same lanes, locked, no
        // mismatch; rule 4: the measurement restarts on the same events (a
        // lane gaining lock is none of them: its marker started its count).
        let lost = before
            .iter()
            .zip(&self.lanes)
            .any(|(&(locked, number), a)| {
                (locked && !a.am_lock()) || (number.is_some() && a.lane_number() != number)
            });
        if mismatch || lost || (self.state == AlignState::AlignAcquired && map.is_none()) {
            self.lose_alignment();
        }

        // Rows enter the deskew buffers.
        if row {
            for (b, s) in self.buffers.iter_mut().zip(lanes) {
                b.push_back(s.block);
                if b.len() > self.cfg.max_skew as usize + 1 {
                    b.pop_front();
                }
            }
        }

        // Rule 4: the measurement.
        if row && self.state == AlignState::LossOfAlignment {
            for (s, &g) in self.since.iter_mut().zip(&good_marker) {
                *s = if g {
                    Some(0)
                } else {
                    s.map(|v| v.saturating_add(1))
                };
            }
            let half = self.cfg.period / 2;
            let complete = map.is_some()
                && good_marker.iter().any(|&g| g)
                && self.since.iter().all(|s| s.is_some_and(|v| v <= half));
            if complete {
                let since: Vec<u32> = self.since.iter().map(|s| s.unwrap_or(0)).collect();
                let arrival: Vec<i64> = since
                    .iter()
                    .zip(lanes)
                    .map(|(&d, l)| {
                        -BLOCK_BITS * i64::from(d)
                            - (BLOCK_BITS - i64::from(l.bit_phase)).rem_euclid(BLOCK_BITS)
                    })
                    .collect();
                let latest = *arrival.iter().max().expect("at least one lane");
                let mut in_range = true;
                for (x, st) in self.status.iter_mut().enumerate() {
                    st.skew_blocks = Some(since[x]);
                    st.skew_bits = Some((latest - arrival[x]) as u32);
                    if since[x] > self.cfg.max_skew {
                        self.deskew_error[x] = true;
                        in_range = false;
                    }
                }
                if in_range {
                    self.state = AlignState::AlignAcquired;
                    self.aligned_map = map.clone();
                }
                // Either way the next instant is measured afresh.
                self.since.iter_mut().for_each(|s| *s = None);
            }
        }

        // Rule 6: this edge's output row enters the pipeline.
        let out = if row && self.state == AlignState::AlignAcquired {
            let map = self.aligned_map.as_ref().expect("aligned with a map");
            let mut blocks = vec![0u128; n];
            for (x, b) in self.buffers.iter().enumerate() {
                let d = self.status[x].skew_blocks.expect("measured") as usize;
                blocks[map[x]] = b[b.len() - 1 - d];
            }
            // Rule 8: the acquiring row is every lane's marker, and the
            // markers keep their period on every lane.
            let marker = self
                .rows_aligned
                .checked_rem(u64::from(self.cfg.period) + 1)
                == Some(0);
            self.rows_aligned += 1;
            DeskewOutput {
                valid: true,
                blocks,
                marker,
            }
        } else {
            // An idle edge keeps the count: rule 8 counts rows.
            if self.state != AlignState::AlignAcquired {
                self.rows_aligned = 0;
            }
            DeskewOutput {
                valid: row,
                blocks: vec![0; n],
                marker: false,
            }
        };
        self.pipeline.push_back(out);
        self.pipeline.pop_front().expect("DESKEW_LATENCY entries")
    }
}

#[cfg(test)]
mod tests {
    //! Known answers worked by hand from Table 82-2's markers, Figure
    //! 82-11's lock rule and the contract's rules: skews typed per lane,
    //! permutations typed per lane, and the output rows checked against
    //! the blocks each lane was sent.
    use super::*;
    use crate::model::pcs::alignment_marker::{decode_marker, MarkerInserter};
    use proptest::prelude::*;

    const PERIOD: u32 = 40;

    fn cfg(lanes: usize, max_skew: u32) -> DeskewConfig {
        DeskewConfig {
            lanes,
            period: PERIOD,
            max_skew,
        }
    }

    /// A transmitter: PCS lane k's data block t is `tag(k, t)`, markers
    /// inserted every `PERIOD` blocks with their BIP.
    struct Link {
        tx: Vec<MarkerInserter>,
        next_data: Vec<u64>,
    }

    fn tag(lane: usize, t: u64) -> u128 {
        // A data block (header 0b10 in bit order 1:0) whose payload names
        // its lane and index.
        0b10 | ((((lane as u128) << 40) | u128::from(t) | 1 << 50) << 2)
    }

    impl Link {
        fn new(lanes: usize) -> Self {
            Self {
                tx: (0..lanes).map(|k| MarkerInserter::new(k, PERIOD)).collect(),
                next_data: vec![0; lanes],
            }
        }

        /// The next block of every PCS lane.
        fn next(&mut self) -> Vec<u128> {
            self.tx
                .iter_mut()
                .zip(&mut self.next_data)
                .enumerate()
                .map(|(k, (m, t))| {
                    if m.marker_due() {
                        m.next(0).0
                    } else {
                        let b = tag(k, *t);
                        *t += 1;
                        m.next(b).0
                    }
                })
                .collect()
        }
    }

    /// Physical lane x carries PCS lane `perm[x]`, delayed by `delay[x]`
    /// blocks (the line starts full of a filler data block).
    struct Channel {
        perm: Vec<usize>,
        lines: Vec<VecDeque<u128>>,
    }

    impl Channel {
        fn new(perm: &[usize], delay: &[u32]) -> Self {
            Self {
                perm: perm.to_vec(),
                lines: delay
                    .iter()
                    .map(|&d| (0..d).map(|_| tag(99, 0)).collect())
                    .collect(),
            }
        }

        fn carry(&mut self, sent: &[u128]) -> Vec<LaneSample> {
            self.carry_holding(sent, usize::MAX)
        }

        /// As `carry`, but lane `held` delivers no word this edge (its
        /// gearbox skipped one): from now on it is one block later.
        fn carry_holding(&mut self, sent: &[u128], held: usize) -> Vec<LaneSample> {
            self.lines
                .iter_mut()
                .zip(&self.perm)
                .enumerate()
                .map(|(x, (line, &k))| {
                    line.push_back(sent[k]);
                    LaneSample {
                        valid: x != held,
                        block: if x == held {
                            0
                        } else {
                            line.pop_front().unwrap()
                        },
                        block_lock: true,
                        bit_phase: 0,
                    }
                })
                .collect()
        }
    }

    /// Runs `edges` rows through the link, channel and deskew; returns
    /// the outputs and the edge alignment was first seen.
    fn run(
        d: &mut Deskew,
        link: &mut Link,
        ch: &mut Channel,
        edges: usize,
    ) -> (Vec<DeskewOutput>, Option<usize>) {
        let mut outs = Vec::new();
        let mut aligned_at = None;
        for e in 0..edges {
            let s = ch.carry(&link.next());
            outs.push(d.step(&s));
            if d.align_status() && aligned_at.is_none() {
                aligned_at = Some(e);
            }
        }
        (outs, aligned_at)
    }

    /// Every aligned output row carries, on logical lane k, PCS lane k's
    /// blocks in order, all lanes at the same index: markers together,
    /// data block t of every lane together.
    fn assert_aligned_in_order(outs: &[DeskewOutput], lanes: usize) {
        let mut seen_rows = 0;
        for o in outs
            .iter()
            .filter(|o| o.valid && o.blocks.iter().any(|&b| b != 0))
        {
            seen_rows += 1;
            let markers: Vec<Option<usize>> = o
                .blocks
                .iter()
                .map(|&b| decode_marker(b, lanes).map(|(l, _, _)| l))
                .collect();
            if markers[0].is_some() {
                for (k, m) in markers.iter().enumerate() {
                    assert_eq!(*m, Some(k), "marker row: {markers:?}");
                }
            } else {
                let t0 = o.blocks[0] >> 2 & 0xFF_FFFF_FFFF;
                for (k, &b) in o.blocks.iter().enumerate() {
                    assert_eq!(b, tag(k, t0 as u64), "lane {k} at index {t0}");
                }
            }
        }
        assert!(seen_rows > 50, "aligned rows were output: {seen_rows}");
    }

    #[test]
    fn skews_are_measured_exactly_and_the_output_is_aligned() {
        // Lanes 0..3 straight through, delays 0, 5, 2, 7 blocks: the
        // latest lane (3) has skew 0, the others 7 minus their delay.
        let delay = [0, 5, 2, 7];
        let mut d = Deskew::new(cfg(4, 8));
        let mut link = Link::new(4);
        let mut ch = Channel::new(&[0, 1, 2, 3], &delay);
        let (outs, aligned_at) = run(&mut d, &mut link, &mut ch, 400);
        let at = aligned_at.expect("aligned");
        // Lock: markers at blocks 0, 41, 82 (period 40 + the marker);
        // lane 3 (delay 7) sees its second at edge 41 + 7 = 48: locked,
        // and that row completes the instant.
        assert_eq!(at, 48);
        let skews: Vec<u32> = d.lanes().iter().map(|l| l.skew_blocks.unwrap()).collect();
        assert_eq!(skews, vec![7, 2, 5, 0]);
        let bits: Vec<u32> = d.lanes().iter().map(|l| l.skew_bits.unwrap()).collect();
        assert_eq!(bits, vec![7 * 66, 2 * 66, 5 * 66, 0]);
        assert_aligned_in_order(&outs, 4);
        // The first aligned row leaves DESKEW_LATENCY edges after it, and
        // it is the marker row.
        assert!(outs[..at + DESKEW_LATENCY]
            .iter()
            .all(|o| o.blocks.iter().all(|&b| b == 0)));
        assert_eq!(
            decode_marker(outs[at + DESKEW_LATENCY].blocks[2], 4).map(|m| m.0),
            Some(2)
        );
        // Rule 8: that row, and the rows a period + 1 apart after it, are
        // the marker rows, and hold every lane's marker.
        for (i, o) in outs.iter().enumerate().skip(at + DESKEW_LATENCY) {
            let due = (i - at - DESKEW_LATENCY).is_multiple_of(PERIOD as usize + 1);
            assert_eq!(o.marker, due, "row {i}");
            if due {
                for (k, &b) in o.blocks.iter().enumerate() {
                    assert_eq!(decode_marker(b, 4).map(|m| m.0), Some(k), "row {i}");
                }
            }
        }
    }

    #[test]
    fn swapped_lanes_leave_in_logical_order() {
        // Physical lane x carries PCS lane perm[x].
        let perm = [2, 0, 3, 1];
        let delay = [3, 0, 1, 6];
        let mut d = Deskew::new(cfg(4, 8));
        let mut link = Link::new(4);
        let mut ch = Channel::new(&perm, &delay);
        let (outs, at) = run(&mut d, &mut link, &mut ch, 400);
        assert!(at.is_some());
        let map: Vec<usize> = d.lanes().iter().map(|l| l.lane_number.unwrap()).collect();
        assert_eq!(map, perm);
        let skews: Vec<u32> = d.lanes().iter().map(|l| l.skew_blocks.unwrap()).collect();
        assert_eq!(skews, vec![3, 6, 5, 0]);
        assert_aligned_in_order(&outs, 4);
    }

    #[test]
    fn every_skew_up_to_the_maximum_and_one_beyond() {
        let max = 8;
        for s in 0..=max + 1 {
            let delay = [s, 0];
            let mut d = Deskew::new(cfg(2, max));
            let mut link = Link::new(2);
            let mut ch = Channel::new(&[0, 1], &delay);
            let (_, at) = run(&mut d, &mut link, &mut ch, 300);
            // Lane 1 is early by s.
            assert_eq!(d.lanes()[1].skew_blocks, Some(s), "skew {s}");
            assert_eq!(d.lanes()[0].skew_blocks, Some(0), "skew {s}");
            let errors = d.take_deskew_errors();
            if s <= max {
                assert!(at.is_some() && errors == vec![false, false], "skew {s}");
            } else {
                assert!(at.is_none(), "skew {s} is out of range: never aligned");
                assert_eq!(errors, vec![false, true], "the early lane is flagged");
                assert_eq!(d.take_deskew_errors(), vec![false, false], "read clears");
            }
        }
    }

    #[test]
    fn bit_skew_counts_where_in_its_row_a_block_completed() {
        // Lane 1's marker completes 3 rows after lane 0's; its bit phase
        // 5 says it completed 66 - 5 = 61 bits before the end of its row:
        // lane 0 is 3 * 66 - 61 = 137 bits early.
        let mut d = Deskew::new(cfg(2, 8));
        let mut link = Link::new(2);
        let mut ch = Channel::new(&[0, 1], &[0, 3]);
        for _ in 0..200 {
            let mut s = ch.carry(&link.next());
            s[1].bit_phase = 5;
            d.step(&s);
        }
        assert_eq!(d.lanes()[0].skew_blocks, Some(3));
        assert_eq!(d.lanes()[0].skew_bits, Some(137));
        assert_eq!(d.lanes()[1].skew_bits, Some(0));
        // Lane 1 one row early, completing 66 - 60 = 6 bits before the
        // end of its row: 72 bits before lane 0 (bit phase 0: at the end
        // of its row).
        let mut d = Deskew::new(cfg(2, 8));
        let mut link = Link::new(2);
        let mut ch = Channel::new(&[0, 1], &[1, 0]);
        for _ in 0..200 {
            let mut s = ch.carry(&link.next());
            s[1].bit_phase = 60;
            d.step(&s);
        }
        assert_eq!(d.lanes()[1].skew_blocks, Some(1));
        assert_eq!(d.lanes()[1].skew_bits, Some(72));
        assert_eq!(d.lanes()[0].skew_bits, Some(0));
    }

    #[test]
    fn a_valid_mismatch_or_a_lost_lane_ends_alignment_and_it_is_regained() {
        let mut d = Deskew::new(cfg(3, 8));
        let mut link = Link::new(3);
        let mut ch = Channel::new(&[0, 1, 2], &[1, 4, 0]);
        run(&mut d, &mut link, &mut ch, 150);
        assert!(d.align_status());
        let skews: Vec<u32> = d.lanes().iter().map(|l| l.skew_blocks.unwrap()).collect();
        assert_eq!(skews, vec![3, 0, 4]);
        // One edge where lane 2 has no word (its gearbox skipped one):
        // a valid mismatch, and lane 2 is a block later from now on.
        let s = ch.carry_holding(&link.next(), 2);
        d.step(&s);
        assert!(!d.align_status());
        assert!(d.lanes()[2].am_lock, "no block was lost: AM lock holds");
        // Regained at the next marker instant, with lane 2's new skew.
        let (outs, at) = run(&mut d, &mut link, &mut ch, 150);
        assert!(at.is_some());
        let skews: Vec<u32> = d.lanes().iter().map(|l| l.skew_blocks.unwrap()).collect();
        assert_eq!(skews, vec![3, 0, 3]);
        assert_aligned_in_order(&outs[at.unwrap() + DESKEW_LATENCY..], 3);
        // Block lock lost on lane 1: AM lock is LOCK_INIT, alignment lost
        // on that edge; regained after two markers.
        let mut s = ch.carry(&link.next());
        s[1].block_lock = false;
        d.step(&s);
        assert!(!d.align_status() && !d.lanes()[1].am_lock);
        let (_, at) = run(&mut d, &mut link, &mut ch, 200);
        assert!(at.is_some() && d.align_status());
    }

    #[test]
    fn bip_errors_are_counted_per_marker_on_their_lane() {
        let mut d = Deskew::new(cfg(2, 8));
        let mut link = Link::new(2);
        let mut ch = Channel::new(&[1, 0], &[2, 0]);
        let mut injected = [0u32; 2];
        for e in 0..1000u64 {
            let mut s = ch.carry(&link.next());
            // After lock, one flipped payload bit on physical lane 0 in
            // every third period, never in a marker.
            if (200..900).contains(&e) && e % (3 * u64::from(PERIOD + 1)) == 10 {
                assert!(decode_marker(s[0].block, 2).is_none());
                s[0].block ^= 1 << 20;
                injected[0] += 1;
            }
            d.step(&s);
        }
        assert!(injected[0] > 5);
        assert_eq!(d.lanes()[0].bip_errors, injected[0]);
        assert_eq!(d.lanes()[1].bip_errors, 0);
        // Block bit 20 is BIP bit (20 - 2) % 8 = 2 (Table 82-3).
        assert_eq!(d.lanes()[0].last_bip_mismatch, 1 << 2);
        assert!(d.align_status(), "a BIP error does not touch alignment");
    }

    #[test]
    fn repeated_lane_numbers_are_not_a_link() {
        let mut d = Deskew::new(cfg(2, 8));
        let mut link = Link::new(2);
        let mut ch = Channel::new(&[1, 1], &[0, 0]);
        let (outs, at) = run(&mut d, &mut link, &mut ch, 300);
        assert!(at.is_none());
        assert!(d.lanes().iter().all(|l| l.am_lock));
        assert!(outs.iter().all(|o| o.blocks.iter().all(|&b| b == 0)));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        /// Any permutation of eight lanes with any skews up to the
        /// maximum: measured exactly, output aligned and in order.
        #[test]
        fn any_permutation_and_skews(
            perm in Just((0..8usize).collect::<Vec<_>>()).prop_shuffle(),
            delay in proptest::collection::vec(0u32..=12, 8),
        ) {
            let mut d = Deskew::new(cfg(8, 12));
            let mut link = Link::new(8);
            let mut ch = Channel::new(&perm, &delay);
            let (outs, at) = run(&mut d, &mut link, &mut ch, 300);
            prop_assert!(at.is_some());
            let latest = *delay.iter().max().unwrap();
            for (x, l) in d.lanes().iter().enumerate() {
                prop_assert_eq!(l.lane_number, Some(perm[x]));
                prop_assert_eq!(l.skew_blocks, Some(latest - delay[x]));
                prop_assert_eq!(l.skew_bits, Some(66 * (latest - delay[x])));
            }
            assert_aligned_in_order(&outs, 8);
        }
    }

    #[test]
    fn the_configuration_is_checked() {
        assert!(cfg(4, 19).check().is_ok());
        assert!(cfg(4, 20).check().unwrap_err().contains("half"));
        assert!(cfg(0, 1).check().is_err());
        assert!(cfg(21, 1).check().is_err());
    }
}
