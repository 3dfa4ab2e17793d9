//! [`RunReport`]: what a run did, typed and `Serialize`. Every figure is
//! counted on the engines or the benches while the run went; the plan's
//! own numbers appear only where they are labelled as the plan
//! (`laser_campaign.plan`, a lane's configured BER).

use super::readback::{LaserReadback, ModuleReadback, Readback};
use super::{LaserTrace, RunSpec};
use crate::laser::{CampaignPlan, LaserBench, LaserObservations, SafetyViolation};
use crate::lockstep::{Divergence, RunResult};
use crate::prbs_loopback::LaneReport;
use crate::retimer::DirectionReport;
use crate::traffic::TrafficReport;
use crate::EngineKind;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use xpo_spec::{EngineConfig, Place};

/// The first divergence of a run, for reports.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DivergenceReport {
    pub cycle: u64,
    /// `management`, `lane N` or `laser N`.
    pub place: String,
    pub lane: Option<usize>,
    pub port: &'static str,
    /// Each engine's value, as hex.
    pub values: BTreeMap<String, String>,
    /// The waveform of the window around it, if one was written.
    pub wave: Option<PathBuf>,
    /// The full text: every differing port and the history.
    pub report: String,
}

impl From<&Divergence> for DivergenceReport {
    fn from(d: &Divergence) -> Self {
        Self {
            cycle: d.cycle,
            place: d.place.to_string(),
            lane: match d.place {
                Place::Lane(l) => Some(l),
                _ => None,
            },
            port: d.port,
            values: d
                .values
                .iter()
                .map(|(n, v)| (n.clone(), format!("{v:#x}")))
                .collect(),
            wave: d.wave.clone(),
            report: d.to_string(),
        }
    }
}

/// The management traffic, and whether the management outputs diverged.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ManagementReport {
    #[serde(flatten)]
    pub traffic: TrafficReport,
    pub divergences: u32,
}

/// The safety properties checked every cycle, and what the laser bench
/// saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LaserSafety {
    pub violations: Vec<SafetyViolation>,
    #[serde(flatten)]
    pub seen: LaserObservations,
}

/// The soak campaign's plan: what was to be provoked where (what
/// happened is counted in [`LaserSafety`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CampaignReport {
    pub plan: CampaignPlan,
}

/// The run's CMIS host bringing the data paths up over I2C.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BringUpSummary {
    /// The cycle the host finished (`None`: the run ended first).
    pub ended_at_cycle: Option<u64>,
    /// Application 1 as the module advertised it.
    pub application: Option<xpo_spec::data_path::Application>,
    /// Each wait, in order: the state awaited and the polls it took.
    pub waits: Vec<(&'static str, u32)>,
    /// Why it stopped, if it did not complete.
    pub error: Option<String>,
}

impl BringUpSummary {
    pub(super) fn of(
        r: Result<
            (
                Result<
                    xpo_host::mgmt::bring_up::BringUpReport,
                    xpo_host::mgmt::bring_up::BringUpError,
                >,
                Option<u64>,
            ),
            String,
        >,
    ) -> Self {
        match r {
            Ok((Ok(rep), ended)) => Self {
                ended_at_cycle: ended,
                application: Some(rep.application),
                waits: rep.waits,
                error: None,
            },
            Ok((Err(e), None)) => Self {
                ended_at_cycle: None,
                application: None,
                waits: Vec::new(),
                error: Some(format!("the run ended before the bring-up did ({e})")),
            },
            Ok((Err(e), ended)) => Self {
                ended_at_cycle: ended,
                application: None,
                waits: Vec::new(),
                error: Some(e.to_string()),
            },
            Err(panic) => Self {
                ended_at_cycle: None,
                application: None,
                waits: Vec::new(),
                error: Some(format!("the host program panicked: {panic}")),
            },
        }
    }

    /// Completed, with every lane brought up.
    pub fn succeeded(&self) -> bool {
        self.error.is_none() && self.ended_at_cycle.is_some()
    }
}

/// The receive link's deskewed rows on the host outputs
/// (`xpo_host::link::RowCheck`): once aligned, each must be the next row
/// the media transmitter sent, in logical lane order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LinkRows {
    /// Rows equal to the next row sent on every logical lane.
    pub in_order: u64,
    /// The next row sent, some blocks differing (line bit errors), and
    /// those blocks (at most the bit errors the media lines injected).
    pub errored: u64,
    pub blocks_differing: u64,
    /// Rows that were not the next row sent: lost, repeated, misaligned
    /// or misordered. A failure.
    pub out_of_order: u64,
}

/// One lane's retimer in a run: what its lines sent and injected, what the
/// engine locked and counted, and its data path as read back.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RetimerLaneReport {
    pub lane: usize,
    /// DPState read back over AXI after the run.
    pub dp_state: &'static str,
    /// Host → media.
    pub tx: DirectionReport,
    /// Media → host.
    pub rx: DirectionReport,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// Cycles stepped on every engine.
    pub cycles: u64,
    pub engines: Vec<EngineKind>,
    /// 0 or 1: a run stops shortly after its first divergence.
    pub divergences: u32,
    pub divergence: Option<DivergenceReport>,
    /// Each engine's cycles per second of its own stepping.
    pub cycles_per_second: BTreeMap<String, f64>,
    /// The PRBS loopback per lane (a `--lane-traffic prbs` run; empty
    /// otherwise).
    pub lanes: Vec<LaneReport>,
    /// Both retimer directions per lane (a retimer-traffic run, the
    /// default; empty otherwise): lock, errors injected on the line and
    /// counted by the engine, and the data-path state read back over AXI.
    pub retimer: Vec<RetimerLaneReport>,
    /// A run with `rx_link_deskew`: the host outputs as the receive
    /// link's rows against the rows the media transmitter sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rx_link_rows: Option<LinkRows>,
    /// The CMIS host's data-path bring-up over I2C (a retimer-traffic run
    /// with `data_path = "cmis-i2c"`, the default).
    pub data_path_bring_up: Option<BringUpSummary>,
    pub management: ManagementReport,
    /// Every laser lane, read back over AXI after the run.
    pub lasers: Vec<LaserReadback>,
    pub module_monitors: Option<ModuleReadback>,
    /// Why the read-back stopped (a hung bus, a refused field), if it did.
    pub readback_error: Option<String>,
    pub laser_safety: LaserSafety,
    pub laser_campaign: Option<CampaignReport>,
    /// Lanes whose checker is not locked or whose counted errors differ
    /// from the channel's injected ones.
    pub count_mismatch_lanes: Vec<usize>,
    /// Retimer lanes with a direction not block-locked at the end (the
    /// run's lines have no dark periods, so every path should hold lock).
    pub unlocked_retimer_lanes: Vec<usize>,
    /// Retimer lanes whose link, in either direction, is not aligned with
    /// the lane number and skew the channel injected at the end, once its
    /// channel has sent three markers after the first (time to lock and
    /// measure).
    pub misaligned_link_lanes: Vec<usize>,
    /// What the run reached: states, faults, loopbacks, patterns, latched
    /// flags, link events (`crate::coverage`).
    pub coverage: crate::coverage::CoverageReport,
    pub seed: u64,
    pub config: EngineConfig,
    /// The lasers' bias and power against time, per lane (for pictures).
    #[serde(skip)]
    pub laser_trace: LaserTrace,
}

impl RunReport {
    #[allow(clippy::too_many_arguments)]
    pub(super) fn new(
        spec: &RunSpec,
        result: &RunResult,
        lanes: Vec<LaneReport>,
        retimer: Vec<crate::retimer::LaneReport>,
        rx_rows: Option<xpo_host::link::RowTally>,
        traffic: TrafficReport,
        readback: Readback,
        bench: LaserBench,
        campaign: Option<CampaignPlan>,
        data_path_bring_up: Option<BringUpSummary>,
        coverage: crate::coverage::CoverageReport,
    ) -> Self {
        let count_mismatch_lanes = lanes
            .iter()
            .enumerate()
            .filter(|(_, l)| l.errors_counted != l.errors_injected || !l.locked)
            .map(|(i, _)| i)
            .collect();
        let unlocked_retimer_lanes = retimer
            .iter()
            .filter(|l| !l.tx.block_lock || !l.rx.block_lock)
            .map(|l| l.lane)
            .collect();
        let misaligned_link_lanes = retimer
            .iter()
            .filter(|l| {
                [l.tx.link, l.rx.link]
                    .iter()
                    .flatten()
                    .any(|k| k.markers_sent >= 3 && !k.measured_as_injected())
            })
            .map(|l| l.lane)
            .collect();
        let divergence = result.divergence.as_ref();
        Self {
            cycles: result.cycles,
            engines: spec.engines.clone(),
            divergences: divergence.is_some() as u32,
            divergence: divergence.map(DivergenceReport::from),
            cycles_per_second: result.cycles_per_second().into_iter().collect(),
            retimer: retimer
                .into_iter()
                .map(|l| RetimerLaneReport {
                    lane: l.lane,
                    dp_state: readback
                        .data_lanes
                        .get(l.lane)
                        .map_or("not read", |d| d.dp_state),
                    tx: l.tx,
                    rx: l.rx,
                })
                .collect(),
            lanes,
            data_path_bring_up,
            management: ManagementReport {
                traffic,
                divergences: divergence.is_some_and(|d| d.place == Place::Management) as u32,
            },
            lasers: readback.lasers,
            module_monitors: readback.module,
            readback_error: readback.error,
            laser_campaign: campaign.map(|plan| CampaignReport { plan }),
            laser_safety: LaserSafety {
                violations: bench.safety.violations,
                seen: bench.safety.seen,
            },
            count_mismatch_lanes,
            unlocked_retimer_lanes,
            misaligned_link_lanes,
            rx_link_rows: rx_rows.map(|t| LinkRows {
                in_order: t.in_order,
                errored: t.errored,
                blocks_differing: t.blocks_differing,
                out_of_order: t.out_of_order,
            }),
            coverage,
            seed: spec.seed,
            config: spec.config.clone(),
            laser_trace: bench.trace,
        }
    }

    /// Whether the run failed: a divergence, a PRBS lane not locked or
    /// miscounting, a retimer path not locked, a data-path bring-up that
    /// did not complete, a laser safety violation, or a read-back that
    /// could not complete.
    pub fn failed(&self) -> bool {
        !self.failure_reasons().is_empty()
    }

    /// Why the run failed, one reason a line (empty: it passed): a
    /// divergence, a bring-up that did not complete, a failed read-back,
    /// counts that disagree with what was injected, a safety violation.
    pub fn failure_reasons(&self) -> Vec<String> {
        let mut why = Vec::new();
        if let Some(d) = &self.divergence {
            why.push(format!(
                "divergence at cycle {} on {} {}",
                d.cycle, d.place, d.port
            ));
        }
        if let Some(b) = self.data_path_bring_up.as_ref().filter(|b| !b.succeeded()) {
            why.push(match &b.error {
                Some(e) => format!("data-path bring-up failed: {e}"),
                None => "the data-path bring-up did not finish in the run".into(),
            });
        }
        if let Some(e) = &self.readback_error {
            why.push(format!("read-back failed: {e}"));
        }
        for (lanes, what) in [
            (
                &self.count_mismatch_lanes,
                "PRBS errors counted != injected on lanes",
            ),
            (
                &self.unlocked_retimer_lanes,
                "retimer lanes without block lock",
            ),
            (&self.misaligned_link_lanes, "link lanes misaligned"),
        ] {
            if !lanes.is_empty() {
                why.push(format!("{what} {lanes:?}"));
            }
        }
        if let Some(r) = &self.rx_link_rows {
            let bit_errors: u64 = self.retimer.iter().map(|l| l.rx.bit_errors_injected).sum();
            if r.out_of_order > 0 {
                why.push(format!(
                    "{} receive link rows out of order on the host outputs",
                    r.out_of_order
                ));
            }
            if r.blocks_differing > bit_errors {
                why.push(format!(
                    "{} deskewed blocks differ from those sent, more than the {bit_errors} bit errors injected",
                    r.blocks_differing
                ));
            }
        }
        let v = &self.laser_safety.violations;
        if !v.is_empty() {
            why.push(format!(
                "{} laser safety violations, first: {}",
                v.len(),
                v[0]
            ));
        }
        why
    }
}
