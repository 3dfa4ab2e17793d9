//! Each direction's lanes as one IEEE 802.3 clause 82 link, in the
//! engine: the lanes' retimer paths hand their block-locked samples to
//! the link's alignment ([`pcs::deskew::Deskew`], written first from the
//! clause), and what it learns — alignment-marker lock, the lane map,
//! the measured skew, deskew errors, BIP-8 errors — reaches the host on
//! vendor pages 81h (receive) and 82h (transmit).
//!
//! # Cycle contract (engine level; written before the RTL's wiring)
//!
//! 1. **Tap.** At edge e the link takes, per lane, the sample its path's
//!    monitors took at edge e − 1 with block lock and bit phase after it
//!    (`retimer` contract 5): the RTL reads the path's held sample, so
//!    the link's input costs no logic in front of the monitors. An edge e
//!    is the link's "row sampled at edge e" of `pcs::deskew`'s contract.
//! 2. **Reset.** The link resets with the lanes (one edge after the
//!    module: the lane contract); at a reset edge it takes no sample.
//! 3. **Reports.** After edge e the engine shows what the RTL shows by
//!    `pcs::deskew` rule 7: a lane's AM lock, lane number and BIP error
//!    count as the model stood after edge e − [`LANE_REPORT_LAG`]; the
//!    link's alignment, skew-valid flag and skew in blocks after e −
//!    [`LINK_REPORT_LAG`]; the skew in bits after e −
//!    [`SKEW_BITS_REPORT_LAG`].
//! 4. **Deskew errors are events.** The link's own latch is cleared at
//!    every edge, so after edge e a lane's `deskew_error` is high when the
//!    instant completed at edge e − [`LINK_REPORT_LAG`] measured it out of
//!    range (rule 4), and the register block latches it (L..DeskewError,
//!    cleared on read; a persistent out-of-range skew raises it again at
//!    every marker instant, like a CMIS latched flag whose condition
//!    persists).
//! 5. **Data.** Transmit: monitoring only; the blocks pass by the link
//!    untouched (item 6 of issue 13). Receive: the link's output is
//!    `pcs::deskew`'s (rules 5 and 6): after edge e it shows the output
//!    row of its step at edge e (the row it tapped at edge e −
//!    `DESKEW_LATENCY`), deskewed, in logical lane order, all zeros while
//!    not aligned. Host lane k carries the link's logical lane k in its
//!    path's place when its `RxLinkDeskew` bit (vendor page 80h byte 129)
//!    is set and it is not in `RetimerBypass` (a bypass lane is untouched):
//!    the two controls, and the lane's `RxPolarityFlip`, are registered at
//!    every edge like the loopbacks and the generator select (the lane
//!    contract), so they act from the output after the edge that sampled
//!    them. After edge e such a lane's path output is: `valid` the link
//!    output's, the block lane k's (flipped under the registered
//!    `RxPolarityFlip`) while the lane's receive path shows its output
//!    enabled after edge e (`output_status`: output disable, data-path
//!    activation, squelch — the gate the lane's own retimed output has),
//!    all zeros otherwise. Above it, as over the path, the host
//!    generator and the host input loopback; the host output loopback
//!    takes it back into the transmit path like any host output. Off at
//!    reset: lanes carrying their own single-lane streams (no markers)
//!    are never aligned and would be squelched for good.
//! 6. **Hi-BER across the link** (clause 82's BER monitor, Figure 82-13:
//!    the invalid sync headers of every PCS lane counted in one window;
//!    `retimer.link_ber_window_ns`, 500 us at 100GBASE-R, and
//!    `retimer.link_ber_threshold`, 97). At edge e the monitor takes one
//!    timer step and tests, in physical lane order, the sync header of
//!    every valid sample the link tapped at edge e − 1, while the
//!    `align_status` the engine shows after edge e − 1 (rule 3's lagged
//!    report) holds; otherwise it is held in BER_MT_INIT (clause 82
//!    monitors the aligned link). After edge e the engine shows its
//!    `hi_ber` on every lane of the link (the probes' `hi_ber`, pages
//!    81h/82h `RxLinkHiBer`/`TxLinkHiBer`). The edge of lag lets the RTL count
//!    the headers from registers, and the shown status is a register
//!    there. (Amended with the RTL: the first text enabled the monitor by
//!    the model's own status after edge e − 1, which the RTL's pipeline
//!    only knows `LINK_REPORT_LAG` edges later.)

use super::pcs::deskew::{
    Deskew, DeskewConfig, DeskewOutput, LaneSample, LANE_REPORT_LAG, LINK_REPORT_LAG,
    SKEW_BITS_REPORT_LAG,
};
use super::pcs::BerMonitor;
use std::collections::VecDeque;
use xpo_spec::retimer::{LinkParams, LinkProbes};

/// What the engine shows for one lane of a link after an edge (rule 3),
/// in the register pages' terms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaneReport {
    pub am_lock: bool,
    /// The PCS lane number, while AM-locked.
    pub lane_number: Option<usize>,
    pub bip_errors: u32,
    /// The link's `align_status`.
    pub aligned: bool,
    /// The skew fields hold a measurement.
    pub skew_valid: bool,
    pub skew_blocks: u32,
    pub skew_bits: u32,
    /// An instant measured this lane out of range (rule 4: an event).
    pub deskew_error: bool,
    /// The link's hi-BER (rule 6), the same on every lane.
    pub hi_ber: bool,
}

impl LaneReport {
    /// The lane-number byte of pages 81h/82h: FFh while not AM-locked.
    pub fn lane_number_byte(&self) -> u8 {
        match (self.am_lock, self.lane_number) {
            (true, Some(n)) => n as u8,
            _ => 0xFF,
        }
    }

    /// The report as pages 81h/82h and the link probes show it.
    pub fn probes(&self) -> LinkProbes {
        LinkProbes {
            am_lock: self.am_lock,
            lane_aligned: self.aligned,
            skew_valid: self.skew_valid,
            deskew_error: self.deskew_error,
            lane_number: self.lane_number_byte(),
            skew_blocks: self.skew_blocks as u16,
            skew_bits: self.skew_bits,
            bip_errors: self.bip_errors,
            hi_ber: self.hi_ber,
        }
    }
}

/// One direction's link.
#[derive(Debug, Clone)]
pub struct LinkAlignment {
    params: LinkParams,
    deskew: Deskew,
    /// Rule 6: the link's hi-BER monitor, and the sync headers of the
    /// last edge's valid samples (tested at the next edge).
    ber: BerMonitor,
    headers: Vec<u8>,
    /// The model's status after each of the last few edges, newest last.
    history: VecDeque<Vec<LaneReport>>,
    /// What the engine shows after the last edge (rule 3).
    shown: Vec<LaneReport>,
    /// The link's output row after the last edge (rule 5).
    output: DeskewOutput,
}

/// Edges of history the reports need.
const DEPTH: usize = 1 + max(SKEW_BITS_REPORT_LAG, max(LINK_REPORT_LAG, LANE_REPORT_LAG));

const fn max(a: usize, b: usize) -> usize {
    if a > b {
        a
    } else {
        b
    }
}

impl LinkAlignment {
    /// The link of a validated configuration, after reset.
    pub fn new(p: LinkParams) -> Self {
        let cfg = DeskewConfig {
            lanes: p.lanes,
            period: p.period,
            max_skew: p.max_skew,
        };
        let mut deskew = Deskew::new(cfg);
        // A fresh link has no deskew errors to clear: reading its status
        // changes nothing.
        let mut now = vec![LaneReport::default(); p.lanes];
        Self::status_into(&mut deskew, &mut now);
        Self {
            params: p,
            deskew,
            ber: BerMonitor::new(p.ber_window, p.ber_threshold),
            headers: Vec::with_capacity(p.lanes),
            history: (0..DEPTH).map(|_| now.clone()).collect(),
            shown: now,
            output: DeskewOutput {
                valid: false,
                blocks: vec![0; p.lanes],
                marker: false,
            },
        }
    }

    /// Rule 2: back to the state after reset.
    pub fn reset(&mut self) {
        *self = Self::new(self.params);
    }

    /// Rule 6: the link's hi-BER after the last edge.
    pub fn hi_ber(&self) -> bool {
        self.ber.hi_ber()
    }

    /// The model's status after a step, with that step's new deskew
    /// errors (the link's latch, read and cleared: rule 4 of the contract
    /// above), into `out` (one report a lane).
    fn status_into(d: &mut Deskew, out: &mut [LaneReport]) {
        let measured = d.lanes().first().is_some_and(|l| l.skew_blocks.is_some());
        let aligned = d.align_status();
        for ((r, l), &e) in out.iter_mut().zip(d.lanes()).zip(d.deskew_errors()) {
            *r = LaneReport {
                am_lock: l.am_lock,
                lane_number: l.lane_number,
                bip_errors: l.bip_errors,
                aligned,
                skew_valid: measured,
                skew_blocks: l.skew_blocks.unwrap_or(0),
                skew_bits: l.skew_bits.unwrap_or(0),
                deskew_error: e,
                // The link's, set by `step` (rule 6).
                hi_ber: false,
            };
        }
        d.clear_deskew_errors();
    }

    /// One edge with every lane's tap (rule 1).
    pub fn step(&mut self, taps: &[LaneSample]) {
        // Rule 6: the last edge's headers, enabled by the status shown
        // after it.
        let shown_aligned = self.shown.first().is_some_and(|r| r.aligned);
        self.ber.cycle_headers(shown_aligned, &self.headers);
        self.headers.clear();
        self.headers.extend(
            taps.iter()
                .filter(|t| t.valid)
                .map(|t| (t.block & 0b11) as u8),
        );
        self.output = self.deskew.step(taps);
        // The oldest snapshot's buffer becomes the newest.
        let mut now = self.history.pop_front().expect("DEPTH >= 1");
        Self::status_into(&mut self.deskew, &mut now);
        self.history.push_back(now);
        let at = |lag: usize| &self.history[self.history.len() - 1 - lag];
        let (lane, link, bits) = (
            at(LANE_REPORT_LAG),
            at(LINK_REPORT_LAG),
            at(SKEW_BITS_REPORT_LAG),
        );
        for (((s, a), k), b) in self.shown.iter_mut().zip(lane).zip(link).zip(bits) {
            *s = LaneReport {
                am_lock: a.am_lock,
                lane_number: a.lane_number,
                bip_errors: a.bip_errors,
                aligned: k.aligned,
                skew_valid: k.skew_valid,
                skew_blocks: k.skew_blocks,
                skew_bits: b.skew_bits,
                deskew_error: k.deskew_error,
                hi_ber: self.ber.hi_ber(),
            };
        }
    }

    /// Rule 5: the link's output row after the last edge, by logical
    /// lane.
    pub fn output(&self) -> &DeskewOutput {
        &self.output
    }

    /// What the engine shows after the last edge, by physical lane.
    pub fn reports(&self) -> &[LaneReport] {
        &self.shown
    }
}

#[cfg(test)]
mod tests {
    //! The engine-level lags and events, from the contract above, on a
    //! two-lane link fed markers by hand.
    use super::*;
    use crate::model::pcs::alignment_marker::marker_block;

    fn sample(block: u128) -> LaneSample {
        LaneSample {
            valid: true,
            block,
            block_lock: true,
            bit_phase: 0,
        }
    }

    /// A data block (sync header 01 on the wire, as a number 0b10).
    const DATA: u128 = 0b10 | (0x5A5A_5A5A << 2);

    #[test]
    fn reports_follow_the_rule_7_lags() {
        let p = LinkParams {
            lanes: 2,
            period: 8,
            max_skew: 3,
            ber_window: 1_000,
            ber_threshold: 1_000,
        };
        let mut link = LinkAlignment::new(p);
        // Markers every period + 1 rows on both lanes, lane 1 arriving one
        // row after lane 0 (skew 1 block on lane 0). BIP values are those
        // of the blocks since the last marker only if computed; here the
        // markers' BIP fields are zero and the data blocks are chosen so
        // the BIP check is not what is tested.
        let mut first_lock = None;
        let mut first_aligned = None;
        for e in 0..60usize {
            let m0 = e % 9 == 0;
            let m1 = e % 9 == 1;
            let b0 = if m0 { marker_block(0, 0) } else { DATA };
            let b1 = if m1 { marker_block(1, 0) } else { DATA };
            link.step(&[sample(b0), sample(b1)]);
            let r = link.reports();
            if r[0].am_lock && first_lock.is_none() {
                first_lock = Some(e);
            }
            if r[0].aligned && first_aligned.is_none() {
                first_aligned = Some(e);
                assert!(r[0].skew_valid);
                assert_eq!((r[0].skew_blocks, r[1].skew_blocks), (1, 0));
            }
        }
        // Lane 0 locks at its second marker (row 9), shown LANE_REPORT_LAG
        // later; the link completes that instant at row 10 (lane 1's
        // second marker), shown LINK_REPORT_LAG later.
        assert_eq!(first_lock, Some(9 + LANE_REPORT_LAG));
        assert_eq!(first_aligned, Some(10 + LINK_REPORT_LAG));
        let r = link.reports();
        assert_eq!((r[0].lane_number_byte(), r[1].lane_number_byte()), (0, 1));
        assert_eq!(r[0].skew_bits, 66, "one block, same bit phase");
    }

    #[test]
    fn an_out_of_range_skew_is_an_event_at_every_instant() {
        let p = LinkParams {
            lanes: 2,
            period: 10,
            max_skew: 2,
            ber_window: 1_000,
            ber_threshold: 1_000,
        };
        let mut link = LinkAlignment::new(p);
        // Lane 1 three rows after lane 0: beyond max_skew 2.
        let mut events = Vec::new();
        for e in 0..80usize {
            let b0 = if e % 11 == 0 {
                marker_block(0, 0)
            } else {
                DATA
            };
            let b1 = if e % 11 == 3 {
                marker_block(1, 0)
            } else {
                DATA
            };
            link.step(&[sample(b0), sample(b1)]);
            let r = link.reports();
            assert!(!r[0].aligned, "edge {e}: never aligned");
            if r[0].deskew_error {
                events.push(e);
            }
            assert!(!r[1].deskew_error, "the latest lane is in range");
        }
        // Instants complete at rows 14, 25, 36, ... (lane 1's second
        // marker on); each is one event, LINK_REPORT_LAG later.
        let want: Vec<usize> = (0..6).map(|k| 14 + 11 * k + LINK_REPORT_LAG).collect();
        assert_eq!(events, want);
        assert_eq!(link.reports()[0].skew_blocks, 3);
    }

    #[test]
    fn reset_returns_to_unlocked_with_no_lane_number() {
        let p = LinkParams {
            lanes: 1,
            period: 4,
            max_skew: 1,
            ber_window: 1_000,
            ber_threshold: 1_000,
        };
        let mut link = LinkAlignment::new(p);
        for e in 0..20usize {
            let b = if e % 5 == 0 { marker_block(0, 0) } else { DATA };
            link.step(&[sample(b)]);
        }
        assert!(link.reports()[0].am_lock);
        link.reset();
        let r = link.reports()[0];
        assert!(!r.am_lock && !r.aligned && !r.skew_valid);
        assert_eq!(r.lane_number_byte(), 0xFF);
    }

    /// A two-lane link (period 8) brought to alignment, its BER monitor
    /// with a window of `window` cycles and a threshold of `threshold`.
    fn aligned_link(window: u64, threshold: u32) -> (LinkAlignment, usize) {
        let mut link = LinkAlignment::new(LinkParams {
            lanes: 2,
            period: 8,
            max_skew: 3,
            ber_window: window,
            ber_threshold: threshold,
        });
        for e in 0..30usize {
            let b = if e % 9 == 0 {
                [marker_block(0, 0), marker_block(1, 0)]
            } else {
                [DATA; 2]
            };
            link.step(&[sample(b[0]), sample(b[1])]);
        }
        assert!(link.deskew.align_status(), "aligned by then");
        (link, 30)
    }

    /// A block whose sync header is invalid (00: neither data nor control).
    const BAD: u128 = DATA & !0b11;

    /// Rule 6 with clause 82's rule scaled down: `threshold` invalid
    /// headers over all lanes within one window raise hi-BER, one fewer
    /// does not; it shows one edge after the edge that tapped the last
    /// one; a window of valid headers clears it (GOOD_BER).
    #[test]
    fn the_links_hi_ber_counts_every_lanes_invalid_headers_in_one_window() {
        // Invalid headers on both lanes, then lane 1 only, then both:
        // 2 + 1 + 2, threshold 5 reached by row 2's lane 1.
        let (mut link, mut e) = aligned_link(1_000, 5);
        let mut rows = vec![[BAD, BAD], [DATA, BAD], [BAD, BAD]];
        rows.extend(std::iter::repeat_n([DATA; 2], 20));
        let mut raised_at = None;
        for (k, r) in rows.iter().enumerate() {
            let b = |x: u128, lane: usize| {
                if e % 9 == 0 {
                    marker_block(lane, 0)
                } else {
                    x
                }
            };
            link.step(&[sample(b(r[0], 0)), sample(b(r[1], 1))]);
            // Every lane's report (the probes, pages 81h/82h) shows it.
            assert!(link.reports().iter().all(|r| r.hi_ber == link.hi_ber()));
            if link.hi_ber() && raised_at.is_none() {
                raised_at = Some(k);
            }
            e += 1;
        }
        // Rows 0 and 1 hold four; row 2's is the fifth, shown one edge
        // after the edge that tapped it.
        assert_eq!(raised_at, Some(3));
        // Figure 82-13 (as 49-15): HI_BER holds to the end of the window,
        // then a new window starts (START_TIMER), and only a whole window
        // of valid headers ends in GOOD_BER. So still high one window on,
        // clear two windows on.
        let mut step_clean = |link: &mut LinkAlignment, n: usize| {
            for _ in 0..n {
                let b = |lane: usize| {
                    if e % 9 == 0 {
                        marker_block(lane, 0)
                    } else {
                        DATA
                    }
                };
                link.step(&[sample(b(0)), sample(b(1))]);
                e += 1;
            }
        };
        step_clean(&mut link, 1_000);
        assert!(link.hi_ber(), "held through the window that raised it");
        step_clean(&mut link, 1_000);
        assert!(!link.hi_ber(), "a window of valid headers clears it");
        // Four only: never raised.
        let (mut link, mut e) = aligned_link(1_000, 5);
        for r in [[BAD, BAD], [DATA, BAD], [DATA, DATA], [BAD, DATA]] {
            let b = |x: u128, lane: usize| {
                if e % 9 == 0 {
                    marker_block(lane, 0)
                } else {
                    x
                }
            };
            link.step(&[sample(b(r[0], 0)), sample(b(r[1], 1))]);
            assert!(!link.hi_ber());
            e += 1;
        }
    }

    /// Rule 6: an unaligned link's monitor is held in BER_MT_INIT, however
    /// many invalid headers arrive.
    #[test]
    fn an_unaligned_link_never_raises_hi_ber() {
        let mut link = LinkAlignment::new(LinkParams {
            lanes: 2,
            period: 8,
            max_skew: 3,
            ber_window: 100,
            ber_threshold: 2,
        });
        for _ in 0..300 {
            link.step(&[sample(BAD), sample(BAD)]);
            assert!(!link.hi_ber());
        }
    }

    /// The configuration's link monitor is clause 82's at 100GBASE-R:
    /// 97 invalid headers in 500 us (78,125 cycles at 156.25 MHz).
    #[test]
    fn the_default_link_monitor_is_clause_82s() {
        let p = LinkParams::new(&xpo_spec::EngineConfig::default());
        assert_eq!((p.ber_threshold, p.ber_window), (97, 78_125));
    }
}
