//! Retimer traffic: both directions of every lane fed from the SerDes
//! line model (`xpo_host::serdes::SerdesLine`): random 64b/66b blocks
//! with scrambled payloads, each line at its own random bit phase behind
//! a gearbox that obeys the engine's slip requests, with the configured
//! impairments (bit and header errors, `valid` gaps, dark periods). The
//! host Tx line feeds `host_tx_*` (slipped by `tx_slip`), the media line
//! feeds `rx_*` (slipped by `rx_slip`). It counts what it injected and
//! which output blocks carried what was sent, independently of any
//! engine's own counters.

use crate::lockstep::Stimulus;
use crate::SimError;
use serde::Serialize;
use std::collections::VecDeque;
use xpo_host::serdes::{LineCounts, LineImpairments, SerdesLine};
use xpo_spec::retimer::RETIMED_LATENCY;
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

/// The stimulus.
pub struct RetimerTraffic {
    plan: RetimerPlan,
    host: Vec<SerdesLine>,
    media: Vec<SerdesLine>,
    /// Per lane, the last words driven (newest last): host, media.
    sent: Vec<(Sent, Sent)>,
    passed: Vec<(u64, u64)>,
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
            host,
            media,
            sent: vec![Default::default(); lanes],
            passed: vec![(0, 0); lanes],
            started: false,
        })
    }

    /// Lets each line change its impairments from the next cycle on.
    pub fn set_impairments(&mut self, host: LineImpairments, media: LineImpairments) {
        for l in &mut self.host {
            l.set_impairments(host);
        }
        for l in &mut self.media {
            l.set_impairments(media);
        }
    }

    /// Clears the injected counts and the passed tallies.
    pub fn clear_counts(&mut self) {
        for l in self.host.iter_mut().chain(self.media.iter_mut()) {
            l.clear_counts();
        }
        self.passed.iter_mut().for_each(|p| *p = (0, 0));
    }

    /// Per lane and direction, from the stimulus's counts and the engine's
    /// outputs after the last cycle.
    pub fn report(&self, out: &EngineOutputs) -> Vec<LaneReport> {
        let dir = |c: LineCounts, lock, hi_ber, inv, err, passed| DirectionReport {
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
        };
        (0..self.host.len())
            .map(|l| {
                let o = &out.lanes[l];
                LaneReport {
                    lane: l,
                    tx: dir(
                        self.host[l].counts(),
                        o.tx_block_lock,
                        o.tx_hi_ber,
                        o.tx_invalid_headers,
                        o.tx_errored_blocks,
                        self.passed[l].0,
                    ),
                    rx: dir(
                        self.media[l].counts(),
                        o.rx_block_lock,
                        o.rx_hi_ber,
                        o.rx_invalid_headers,
                        o.rx_errored_blocks,
                        self.passed[l].1,
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
        for (l, i) in inputs.lanes.iter_mut().enumerate() {
            let o = &previous.lanes[l];
            // Before the first edge of a run `previous` is all zeros.
            let first = cycle == 0;
            let (sh, sm) = &mut self.sent[l];
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
            let (hv, hw) = self.host[l].cycle(!first && o.tx_slip);
            let (mv, mw) = self.media[l].cycle(!first && o.rx_slip);
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
