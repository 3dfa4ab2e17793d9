//! Retimer traffic: both directions of every lane fed from the SerDes
//! line model (`xpo_host::serdes::SerdesLine`): random 64b/66b blocks
//! with scrambled payloads, each line at its own random bit phase behind
//! a gearbox that obeys the engine's slip requests, with the configured
//! impairments (bit and header errors, `valid` gaps, dark periods); or,
//! [`RetimerTraffic::linked`], each side's lanes as one IEEE 802.3 clause
//! 82 link (`xpo_host::link::LinkChannel`: alignment markers with their
//! BIP-8, a lane swap, skew in blocks and bits, bit errors, gaps common to
//! the link). The host Tx lines feed `host_tx_*` (slipped by `tx_slip`),
//! the media lines feed `rx_*` (slipped by `rx_slip`). It counts what it
//! injected and which output blocks carried what was sent, independently
//! of any engine's own counters; a linked run's report also sets the
//! engine's link measurements (lane map, skew, BIP errors: the link
//! probes, the values pages 81h/82h show) against what the channels
//! injected.

use crate::lockstep::Stimulus;
use crate::SimError;
use serde::Serialize;
use std::collections::VecDeque;
use xpo_host::link::{LinkChannel, LinkLaneCounts, LinkPlan, RowCheck, RowTally};
use xpo_host::serdes::{LineCounts, LineImpairments, SerdesLine};
use xpo_spec::retimer::{LinkSide, RETIMED_LATENCY};
use xpo_spec::{EngineInputs, EngineOutputs};

/// What to send.
#[derive(Debug, Clone, Copy)]
pub struct RetimerPlan {
    pub seed: u64,
    /// The host's Tx lines (into the Tx path).
    pub host: LineImpairments,
    /// The media lines (into the Rx path).
    pub media: LineImpairments,
    /// Pulse the engine reset on the first cycle this stimulus drives (off
    /// when another stimulus owns it); a later run with the same stimulus
    /// carries on without one.
    pub drive_reset: bool,
}

/// One direction of one lane, as the stimulus saw it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct DirectionReport {
    pub block_lock: bool,
    pub hi_ber: bool,
    /// The engine's counters.
    pub invalid_headers: u32,
    pub errored_blocks: u32,
    /// What the line injected.
    pub blocks_sent: u64,
    pub bit_errors_injected: u64,
    pub header_errors_injected: u64,
    pub dark_cycles: u64,
    pub slips: u64,
    /// Output blocks equal to the block sent `RETIMED_LATENCY` edges
    /// before (and not all zeros): data passing.
    pub blocks_passed: u64,
    /// A linked run: this lane of the direction's link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub link: Option<LinkLaneReport>,
}

/// One physical lane of a direction's link: what the channel injected
/// against what the engine measured (its link probes).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LinkLaneReport {
    /// The engine's `align_status` for the link.
    pub aligned: bool,
    /// The PCS lane the channel put on this physical lane.
    pub pcs_lane_sent: usize,
    /// The engine's lane-number byte (FFh while not AM-locked).
    pub lane_number: u8,
    pub am_lock: bool,
    /// The skew the channel's delays make (blocks, bits).
    pub skew_blocks_injected: u32,
    pub skew_bits_injected: u32,
    /// The engine's measurement (meaningful with `skew_valid`).
    pub skew_valid: bool,
    pub skew_blocks: u16,
    pub skew_bits: u32,
    /// BIP-8s the channel's bit errors put in error at the markers the
    /// engine judged (those that left the channel while the engine's lane
    /// was AM-locked: it locked at an earlier marker, so it saw the whole
    /// period), and the engine's count.
    pub bip_errors_injected: u64,
    pub bip_errors: u32,
    pub markers_sent: u64,
    /// The engine flagged this lane's skew beyond the buffers on the last
    /// cycle (an event).
    pub deskew_error: bool,
    /// The link's hi-BER (clause 82's BER monitor over all its lanes) at
    /// the end of the run.
    pub link_hi_ber: bool,
}

impl LinkLaneReport {
    /// The lane map and the skew are what the channel made.
    pub fn measured_as_injected(&self) -> bool {
        self.aligned
            && self.am_lock
            && usize::from(self.lane_number) == self.pcs_lane_sent
            && self.skew_valid
            && u32::from(self.skew_blocks) == self.skew_blocks_injected
            && self.skew_bits == self.skew_bits_injected
    }
}

/// Both directions of one lane.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct LaneReport {
    pub lane: usize,
    pub tx: DirectionReport,
    pub rx: DirectionReport,
}

/// The last words driven on one input, `(valid, word)`, newest last.
type Sent = VecDeque<(bool, u128)>;

/// One side's lines: a line per lane, or the lanes as one link.
enum Lines {
    Serdes(Vec<SerdesLine>),
    Link {
        channel: Box<LinkChannel>,
        /// The counts at the last `clear_counts`.
        base: Vec<LinkLaneCounts>,
        /// Per lane, BIP-8 errors at markers that left the channel while
        /// the engine's lane was AM-locked (since `clear_counts`).
        judged: Vec<u64>,
    },
}

impl Lines {
    /// One cycle: each lane's slip request of the last edge in, each
    /// lane's word out.
    fn cycle(&mut self, slips: &[bool]) -> Vec<(bool, u128)> {
        match self {
            Lines::Serdes(lines) => lines
                .iter_mut()
                .zip(slips)
                .map(|(l, &s)| l.cycle(s))
                .collect(),
            Lines::Link { channel, .. } => channel.cycle(slips),
        }
    }

    fn counts(&self, lane: usize) -> LineCounts {
        match self {
            Lines::Serdes(lines) => lines[lane].counts(),
            Lines::Link { channel, base, .. } => {
                let (c, b) = (channel.counts()[lane], base[lane]);
                LineCounts {
                    blocks: c.words - b.words,
                    bit_errors: c.bit_errors - b.bit_errors,
                    header_errors: 0,
                    dark_cycles: 0,
                    slips: c.slips - b.slips,
                }
            }
        }
    }

    /// A link has bit errors only: on when the impairments have any.
    fn set_impairments(&mut self, imp: LineImpairments) {
        match self {
            Lines::Serdes(lines) => lines.iter_mut().for_each(|l| l.set_impairments(imp)),
            Lines::Link { channel, .. } => channel.set_errors(imp.bit_error_ratio > 0.0),
        }
    }

    fn clear_counts(&mut self) {
        match self {
            Lines::Serdes(lines) => lines.iter_mut().for_each(|l| l.clear_counts()),
            Lines::Link {
                channel,
                base,
                judged,
            } => {
                *base = channel.counts();
                judged.iter_mut().for_each(|j| *j = 0);
            }
        }
    }

    /// A linked side: counts the BIP errors of the markers that left the
    /// channel this cycle on lanes the engine shows AM-locked.
    fn judge(&mut self, am_lock: impl Iterator<Item = bool>) {
        if let Lines::Link {
            channel, judged, ..
        } = self
        {
            for ((j, m), locked) in judged.iter_mut().zip(channel.markers_out()).zip(am_lock) {
                *j += u64::from(locked && m == Some(true));
            }
        }
    }

    fn lanes(&self) -> usize {
        match self {
            Lines::Serdes(lines) => lines.len(),
            Lines::Link { channel, .. } => channel.plan().lanes,
        }
    }
}

/// The stimulus.
pub struct RetimerTraffic {
    plan: RetimerPlan,
    host: Lines,
    media: Lines,
    /// Scratch: one side's slip requests.
    slips: Vec<bool>,
    /// Per lane, the last words driven (newest last): host, media.
    sent: Vec<(Sent, Sent)>,
    passed: Vec<(u64, u64)>,
    /// A linked media side: the host outputs as rows of the receive
    /// link, against the rows its transmitter sent (they match when the
    /// engine deskews: vendor page 80h `RxLinkDeskew`).
    rx_rows: RowCheck,
    /// Scratch: the host outputs of one cycle, as a row.
    row: Vec<u128>,
    started: bool,
}

impl RetimerTraffic {
    pub fn new(plan: RetimerPlan, lanes: usize) -> Result<Self, SimError> {
        let line = |imp, seed| SerdesLine::new(imp, seed).map_err(SimError::Scenario);
        let mut host = Vec::new();
        let mut media = Vec::new();
        for l in 0..lanes as u64 {
            host.push(line(plan.host, plan.seed ^ (2 * l + 1) << 32)?);
            media.push(line(plan.media, plan.seed ^ (2 * l + 2) << 32)?);
        }
        Ok(Self {
            plan,
            host: Lines::Serdes(host),
            media: Lines::Serdes(media),
            slips: vec![false; lanes],
            sent: vec![Default::default(); lanes],
            passed: vec![(0, 0); lanes],
            rx_rows: RowCheck::default(),
            row: Vec::with_capacity(lanes),
            started: false,
        })
    }

    /// Each side's lanes as one clause 82 link: `host` into the Tx paths,
    /// `media` into the Rx paths (`plan`'s line impairments and seed are
    /// not used: the link plans carry their own). Each link plan must be
    /// for `lanes` lanes and pass `LinkPlan::check`.
    pub fn linked(
        plan: RetimerPlan,
        host: LinkPlan,
        media: LinkPlan,
        lanes: usize,
    ) -> Result<Self, SimError> {
        let side = |name: &str, p: LinkPlan| {
            if p.lanes != lanes {
                return Err(SimError::Scenario(format!(
                    "{name} link of {} lanes for an engine of {lanes}",
                    p.lanes
                )));
            }
            let channel =
                LinkChannel::new(p).map_err(|e| SimError::Scenario(format!("{name} link: {e}")))?;
            Ok(Lines::Link {
                base: channel.counts(),
                judged: vec![0; lanes],
                channel: Box::new(channel),
            })
        };
        Ok(Self {
            plan,
            host: side("host", host)?,
            media: side("media", media)?,
            slips: vec![false; lanes],
            sent: vec![Default::default(); lanes],
            passed: vec![(0, 0); lanes],
            rx_rows: RowCheck::default(),
            row: Vec::with_capacity(lanes),
            started: false,
        })
    }

    /// A linked run's side (Tx: host), per physical lane, from the
    /// engine's outputs after the last cycle; `None` for per-lane lines.
    fn link_lanes(&self, out: &EngineOutputs, tx: bool) -> Option<Vec<LinkLaneReport>> {
        let Lines::Link {
            channel,
            base,
            judged,
        } = (if tx { &self.host } else { &self.media })
        else {
            return None;
        };
        let skew = channel.expected_skew();
        let counts = channel.counts();
        Some(
            (0..channel.plan().lanes)
                .map(|x| {
                    let o = &out.lanes[x];
                    let (c, b) = (counts[x], base[x]);
                    let mut r = LinkLaneReport {
                        pcs_lane_sent: channel.plan().permutation[x],
                        skew_blocks_injected: skew[x].blocks,
                        skew_bits_injected: skew[x].bits,
                        bip_errors_injected: judged[x],
                        markers_sent: c.markers - b.markers,
                        ..Default::default()
                    };
                    let p = o.link(if tx { LinkSide::Tx } else { LinkSide::Rx });
                    r.aligned = p.lane_aligned;
                    r.am_lock = p.am_lock;
                    r.lane_number = p.lane_number;
                    r.skew_valid = p.skew_valid;
                    r.skew_blocks = p.skew_blocks;
                    r.skew_bits = p.skew_bits;
                    r.bip_errors = p.bip_errors;
                    r.deskew_error = p.deskew_error;
                    r.link_hi_ber = p.hi_ber;
                    r
                })
                .collect(),
        )
    }

    /// Lets each line change its impairments from the next cycle on.
    /// (A linked side has bit errors only: on while the impairments have
    /// a bit-error ratio, at its plan's ratio.)
    pub fn set_impairments(&mut self, host: LineImpairments, media: LineImpairments) {
        self.host.set_impairments(host);
        self.media.set_impairments(media);
    }

    /// Changes one side's impairments from the next cycle on, the other
    /// side's unchanged (`tx`: the host side, into the Tx paths).
    pub fn set_side_impairments(&mut self, tx: bool, imp: LineImpairments) {
        if tx {
            self.host.set_impairments(imp);
        } else {
            self.media.set_impairments(imp);
        }
    }

    /// Clears the injected counts and the passed tallies.
    pub fn clear_counts(&mut self) {
        self.host.clear_counts();
        self.media.clear_counts();
        self.passed.iter_mut().for_each(|p| *p = (0, 0));
        self.rx_rows.tally = RowTally::default();
    }

    /// A linked run: the host outputs (`host_rx_*`, host lane k as
    /// logical lane k) as rows of the receive link against the rows its
    /// transmitter sent, since the last `clear_counts`; `None` for
    /// per-lane lines.
    pub fn rx_rows(&self) -> Option<RowTally> {
        matches!(self.media, Lines::Link { .. }).then_some(self.rx_rows.tally)
    }

    /// Per lane and direction, from the stimulus's counts and the engine's
    /// outputs after the last cycle.
    pub fn report(&self, out: &EngineOutputs) -> Vec<LaneReport> {
        let (tx_link, rx_link) = (self.link_lanes(out, true), self.link_lanes(out, false));
        let pick = |v: &Option<Vec<LinkLaneReport>>, l: usize| v.as_ref().map(|v| v[l]);
        let dir = |c: LineCounts, lock, hi_ber, inv, err, passed, link| DirectionReport {
            block_lock: lock,
            hi_ber,
            invalid_headers: inv,
            errored_blocks: err,
            blocks_sent: c.blocks,
            bit_errors_injected: c.bit_errors,
            header_errors_injected: c.header_errors,
            dark_cycles: c.dark_cycles,
            slips: c.slips,
            blocks_passed: passed,
            link,
        };
        (0..self.host.lanes())
            .map(|l| {
                let o = &out.lanes[l];
                LaneReport {
                    lane: l,
                    tx: dir(
                        self.host.counts(l),
                        o.tx_block_lock,
                        o.tx_hi_ber,
                        o.tx_invalid_headers,
                        o.tx_errored_blocks,
                        self.passed[l].0,
                        pick(&tx_link, l),
                    ),
                    rx: dir(
                        self.media.counts(l),
                        o.rx_block_lock,
                        o.rx_hi_ber,
                        o.rx_invalid_headers,
                        o.rx_errored_blocks,
                        self.passed[l].1,
                        pick(&rx_link, l),
                    ),
                }
            })
            .collect()
    }
}

impl Stimulus for RetimerTraffic {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        inputs.reset = self.plan.drive_reset && !self.started;
        self.started = true;
        // `previous` is after the edge of cycle - 1: its output carries
        // the word driven RETIMED_LATENCY cycles before that.
        let back = RETIMED_LATENCY as usize + 1;
        // Before the first edge of a run `previous` is all zeros.
        let first = cycle == 0;
        for (l, o) in previous.lanes.iter().enumerate() {
            let (sh, sm) = &self.sent[l];
            if sh.len() == back {
                let (v, w) = sh[0];
                if v && w != 0 && o.tx_valid && o.tx_data == w {
                    self.passed[l].0 += 1;
                }
            }
            if sm.len() == back {
                let (v, w) = sm[0];
                if v && w != 0 && o.host_rx_valid && o.host_rx_data == w {
                    self.passed[l].1 += 1;
                }
            }
        }
        if let Lines::Link { channel, .. } = &self.media {
            if first {
                // A later run's first cycle sees no outputs: the last
                // run's final row goes unchecked.
                self.rx_rows.lose_track();
            } else {
                let valid = previous.lanes.iter().all(|o| o.host_rx_valid);
                self.row.clear();
                self.row
                    .extend(previous.lanes.iter().map(|o| o.host_rx_data));
                self.rx_rows.output(channel.sent_rows(), valid, &self.row);
            }
        }
        for (s, o) in self.slips.iter_mut().zip(&previous.lanes) {
            *s = !first && o.tx_slip;
        }
        let host = self.host.cycle(&self.slips);
        self.host.judge(previous.lanes.iter().map(|o| o.tx_am_lock));
        for (s, o) in self.slips.iter_mut().zip(&previous.lanes) {
            *s = !first && o.rx_slip;
        }
        let media = self.media.cycle(&self.slips);
        self.media
            .judge(previous.lanes.iter().map(|o| o.rx_am_lock));
        for (((i, (hv, hw)), (mv, mw)), (sh, sm)) in inputs
            .lanes
            .iter_mut()
            .zip(host)
            .zip(media)
            .zip(self.sent.iter_mut())
        {
            i.host_tx_valid = hv;
            i.host_tx_data = hw;
            i.rx_valid = mv;
            i.rx_data = mw;
            for (q, x) in [(sh, (hv, hw)), (sm, (mv, mw))] {
                if q.len() == back {
                    q.pop_front();
                }
                q.push_back(x);
            }
        }
    }
}
