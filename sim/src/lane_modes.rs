//! A lane's data modes — retimed, bypass and the four CMIS loopbacks —
//! set through the register map and measured on a running engine: which
//! input comes back on which output, bit for bit, and how many cycles
//! later. `xpo bench` reports the measured latencies (`latency_cycles`);
//! `tests/tests/loopbacks.rs` holds them to the contracts.

use crate::lockstep::{Lockstep, LockstepOptions, RunResult, Stimulus};
use crate::retimer::{RetimerPlan, RetimerTraffic};
use crate::traffic::{Both, BusTraffic, Forever};
use crate::{build_engine, EngineKind, SimError};
use serde::Serialize;
use std::collections::VecDeque;
use xpo_host::mgmt::AxiOp;
use xpo_host::serdes::LineImpairments;
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, LaneInputs, LaneOutputs};

/// Lags tried, in cycles pin to pin.
const MAX_LAG: usize = 16;

/// One way a lane passes data, and the interfaces it is watched on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LaneMode {
    /// Host input → media output through the Tx path, retimed.
    Retimed,
    /// Host input → media output through the Tx path in bypass (vendor
    /// page 80h), on a line whose headers never let block lock hold.
    Bypass,
    /// 13h:180: host input → Tx path → media output → Rx path → host
    /// output.
    MediaOutputLoopback,
    /// 13h:181: media input → media output.
    MediaInputLoopback,
    /// 13h:182: media input → Rx path → host output → Tx path → media
    /// output.
    HostOutputLoopback,
    /// 13h:183: host input → host output.
    HostInputLoopback,
}

impl LaneMode {
    pub const ALL: [LaneMode; 6] = [
        LaneMode::Retimed,
        LaneMode::Bypass,
        LaneMode::MediaOutputLoopback,
        LaneMode::MediaInputLoopback,
        LaneMode::HostOutputLoopback,
        LaneMode::HostInputLoopback,
    ];

    /// The JSON key.
    pub fn name(self) -> &'static str {
        match self {
            LaneMode::Retimed => "retimed",
            LaneMode::Bypass => "bypass",
            LaneMode::MediaOutputLoopback => "media_output_loopback",
            LaneMode::MediaInputLoopback => "media_input_loopback",
            LaneMode::HostOutputLoopback => "host_output_loopback",
            LaneMode::HostInputLoopback => "host_input_loopback",
        }
    }

    /// The register-map field that selects it (every lane's bit set).
    pub fn field(self) -> Option<&'static str> {
        match self {
            LaneMode::Retimed => None,
            LaneMode::Bypass => Some("RetimerBypass"),
            LaneMode::MediaOutputLoopback => Some("MediaOutputLoopback"),
            LaneMode::MediaInputLoopback => Some("MediaInputLoopback"),
            LaneMode::HostOutputLoopback => Some("HostOutputLoopback"),
            LaneMode::HostInputLoopback => Some("HostInputLoopback"),
        }
    }

    /// Watched input: the host's (`host_tx_*`) or the media's (`rx_*`).
    fn watches_host_input(self) -> bool {
        matches!(
            self,
            LaneMode::Retimed
                | LaneMode::Bypass
                | LaneMode::MediaOutputLoopback
                | LaneMode::HostInputLoopback
        )
    }

    /// Watched output: to the host (`host_rx_*`) or to the media (`tx_*`).
    fn watches_host_output(self) -> bool {
        matches!(
            self,
            LaneMode::MediaOutputLoopback | LaneMode::HostInputLoopback
        )
    }

    fn pick_in(self, i: &LaneInputs) -> Word {
        if self.watches_host_input() {
            (i.host_tx_valid, i.host_tx_data)
        } else {
            (i.rx_valid, i.rx_data)
        }
    }

    fn pick_out(self, o: &LaneOutputs) -> Word {
        if self.watches_host_output() {
            (o.host_rx_valid, o.host_rx_data)
        } else {
            (o.tx_valid, o.tx_data)
        }
    }
}

/// One interface's `(valid, block)`.
type Word = (bool, u128);

/// Watches every lane from `from` on: which lags (cycles from an input pin
/// to the output pin) returned every input since, bit for bit.
pub struct LatencyProbe {
    mode: LaneMode,
    from: u64,
    sent: Vec<VecDeque<Word>>,
    /// Per lane, bit `k` set: lag `k` has matched on every cycle watched.
    lags: Vec<u32>,
    cycles: u64,
}

impl LatencyProbe {
    pub fn new(mode: LaneMode, lanes: usize, from: u64) -> Self {
        Self {
            mode,
            from,
            sent: vec![VecDeque::new(); lanes],
            lags: vec![((1u32 << (MAX_LAG + 1)) - 1) & !1; lanes],
            cycles: 0,
        }
    }

    /// Cycles watched so far.
    pub fn cycles(&self) -> u64 {
        self.cycles
    }

    /// Per lane, the one lag that returned every input bit for bit, or
    /// `None` (none did; or several did, so the traffic did not tell them
    /// apart).
    pub fn lags(&self) -> Vec<Option<u64>> {
        self.lags
            .iter()
            .map(|&m| (m.count_ones() == 1).then(|| u64::from(m.trailing_zeros())))
            .collect()
    }
}

impl Stimulus for LatencyProbe {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        // `previous` is after edge cycle - 1, the last entry of `sent` the
        // input of that edge: lag k (cycles pin to pin) is entry len - k.
        let watching = cycle > self.from;
        if watching {
            self.cycles += 1;
        }
        for (l, q) in self.sent.iter_mut().enumerate() {
            if watching && q.len() == MAX_LAG {
                let got = self.mode.pick_out(&previous.lanes[l]);
                for k in 1..=MAX_LAG {
                    let want = q[MAX_LAG - k];
                    if got.0 != want.0 || (want.0 && got.1 != want.1) {
                        self.lags[l] &= !(1 << k);
                    }
                }
            }
            q.push_back(self.mode.pick_in(&inputs.lanes[l]));
            if q.len() > MAX_LAG {
                q.pop_front();
            }
        }
    }
}

/// AXI writes setting `mode`'s bit on every lane of every bank, at cycle
/// 20 (empty for the retimed mode).
pub fn mode_script(cfg: &EngineConfig, mode: LaneMode) -> Result<Vec<(u64, AxiOp)>, SimError> {
    match mode.field() {
        Some(name) => every_lane_script(cfg, name, 20),
        None => Ok(Vec::new()),
    }
}

/// AXI writes setting the one-bit-a-lane field `name` (a lane bitmap such
/// as `RetimerBypass` or `RxLinkDeskew`) on every lane of every bank, at
/// cycle `at`.
pub fn every_lane_script(
    cfg: &EngineConfig,
    name: &str,
    at: u64,
) -> Result<Vec<(u64, AxiOp)>, SimError> {
    let map = cfg.register_map();
    let f = map
        .field(name)
        .ok_or_else(|| SimError::Scenario(format!("{name} is not in the register map")))?;
    let byte = f.instance(0).byte;
    Ok((0..cfg.lanes.div_ceil(8) as u8)
        .map(|bank| {
            let addr = xpo_spec::regmap::linear_address(bank, f.page, byte);
            (
                at,
                AxiOp::Write {
                    addr: addr & !3,
                    data: 0xFF << (8 * (addr & 3)),
                    strb: 1 << (addr & 3),
                },
            )
        })
        .collect())
}

/// The lines of a mode run: 2 % `valid` gaps; for the bypass, half the
/// headers invalid so block lock never holds.
fn lines(mode: LaneMode) -> LineImpairments {
    LineImpairments {
        gap: 0.02,
        header_error_ratio: if mode == LaneMode::Bypass { 0.5 } else { 0.0 },
        ..LineImpairments::clean()
    }
}

/// Runs `engines` in lockstep for `cycles` with `mode` set over AXI at
/// cycle 20 and both directions of every lane carrying traffic; the probe
/// watches from cycle `from` on (time for the data paths to come up and
/// the paths to lock).
pub fn run_mode(
    engines: Vec<Box<dyn Engine>>,
    mode: LaneMode,
    seed: u64,
    from: u64,
    cycles: u64,
) -> Result<(RunResult, LatencyProbe), SimError> {
    let cfg = engines
        .first()
        .ok_or_else(|| SimError::Scenario("a mode run needs an engine".into()))?
        .config()
        .clone();
    let mut traffic = RetimerTraffic::new(
        RetimerPlan {
            seed,
            host: lines(mode),
            media: lines(mode),
            drive_reset: true,
        },
        cfg.lanes,
    )?;
    let mut bus = BusTraffic::new(&cfg, seed, 0).with_script(mode_script(&cfg, mode)?);
    let mut forever = Forever(&mut bus);
    let mut probe = LatencyProbe::new(mode, cfg.lanes, from);
    let r = Lockstep::new(engines).run(
        &mut Both(&mut Both(&mut traffic, &mut forever), &mut probe),
        &LockstepOptions {
            cycles,
            ..Default::default()
        },
    );
    Ok((r, probe))
}

/// Each mode's latency, cycles pin to pin, measured on `kind`: the one lag
/// that returned every input of every lane bit for bit over 2,000 cycles.
pub fn measure_latencies(
    cfg: &EngineConfig,
    kind: EngineKind,
    seed: u64,
) -> Result<Vec<(LaneMode, u64)>, SimError> {
    let mut out = Vec::new();
    for mode in LaneMode::ALL {
        let (_, probe) = run_mode(vec![build_engine(kind, cfg)?], mode, seed, 4_000, 6_000)?;
        let lags = probe.lags();
        match lags.first().copied().flatten() {
            Some(k) if lags.iter().all(|&x| x == Some(k)) => out.push((mode, k)),
            _ => {
                return Err(SimError::Scenario(format!(
                    "{}: no single latency returned every block on every lane ({lags:?})",
                    mode.name()
                )))
            }
        }
    }
    Ok(out)
}
