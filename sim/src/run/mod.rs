//! A run as data: [`RunSpec`] says what to run (configuration, engines,
//! seed, cycles, stimuli), [`run`] runs it in lockstep and returns a typed
//! [`RunReport`] of what happened — counted on the engines and the benches,
//! never copied from the plan. `xpo run` builds a spec from its arguments
//! and renders the report; scenarios, regressions and the virtual module
//! build and render the same two values.

mod readback;
mod report;

pub use readback::{
    DataLaneReadback, LaserFlags, LaserReadback, LaserSummary, ModuleFlags, ModuleReadback,
    Readback,
};
pub use report::{
    BringUpSummary, DivergenceReport, LaserSafety, ManagementReport, RetimerLaneReport, RunReport,
};

use crate::coverage::CoverageSampler;
use crate::host_program::HostProgram;
use crate::laser;
use crate::lockstep::{Lockstep, LockstepOptions, Stimulus};
use crate::prbs_loopback::{PrbsPlan, PrbsScenario};
use crate::retimer::{RetimerPlan, RetimerTraffic};
use crate::traffic::{Both, BusTraffic};
use crate::{build_engine, EngineKind, SimError, Verilated};
use serde::{Deserialize, Serialize};
use std::cell::RefCell;
use std::path::PathBuf;
use std::rc::Rc;
use xpo_host::link::LinkPlan;
use xpo_host::mgmt::bring_up::{bring_up, BringUpError, BringUpReport};
use xpo_host::mgmt::{DriverError, WindowAccess};
use xpo_host::serdes::LineImpairments;
use xpo_spec::{Engine, EngineConfig};

/// The laser scenario of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaserScenario {
    /// [`laser::default_bring_up`]: one bring-up, an interlock pulse while
    /// the lanes are on, and the host re-enabling them.
    #[default]
    BringUp,
    /// [`laser::fault_campaign`]: a soak of 1.8 ms rounds, each ending
    /// with one lane in each fault.
    Campaign,
}

/// What the data lanes carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum LaneTraffic {
    /// 64b/66b traffic through both retimer directions of every lane,
    /// each direction's lanes one clause 82 link ([`RetimerTraffic`]
    /// linked by [`run_links`]: alignment markers at the configured
    /// period, a random lane swap, skew in blocks and bits, the bit errors
    /// and gaps of [`retimer_lines`]), the data paths brought up as
    /// [`Stimuli::data_path`] says; reported in `retimer`, with each
    /// lane's link (lane map, skew and BIP errors injected and measured).
    #[default]
    Retimer,
    /// The media-side PRBS generator looped to its checker through the
    /// channel model on every lane (the PRBS pins); reported in `lanes`.
    Prbs,
}

/// Who brings the data paths up in a retimer-traffic run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataPathHost {
    /// A CMIS host over I2C, in SONiC's order
    /// ([`xpo_host::mgmt::bring_up`]): DPDeinit on every lane, AppSel 1
    /// staged, ApplyDPInit, DPDeinit cleared, Tx outputs enabled, each
    /// step awaited by polling. The lanes first come up by themselves
    /// (DPDeinit is clear at reset), so the run sees them go down and up.
    #[default]
    CmisI2c,
    /// Nobody: the lanes come up from the reset values alone.
    Reset,
}

/// The most polls each wait of the run's data-path bring-up takes before
/// it gives up (each is an I2C read of a few microseconds).
pub const BRING_UP_POLLS: u32 = 200;

/// The lines of a run's retimer traffic: a bit error in 10^6, a header
/// error in 10^4, 2 % `valid` gaps, no dark periods.
pub fn retimer_lines() -> LineImpairments {
    LineImpairments {
        bit_error_ratio: 1e-6,
        header_error_ratio: 1e-4,
        gap: 0.02,
        ..LineImpairments::clean()
    }
}

/// The links of a run's retimer traffic, host side then media side: the
/// configuration's lanes and marker period, a lane swap and per-lane skews
/// drawn from `seed` (below `max_skew_blocks` blocks with up to 65 bits
/// more, so the deskew range holds them), and [`retimer_lines`]' bit-error
/// ratio and gaps.
pub fn run_links(cfg: &EngineConfig, seed: u64) -> (LinkPlan, LinkPlan) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x11_4B5);
    let lines = retimer_lines();
    let max_skew = cfg.retimer.max_skew_blocks;
    let mut plan = || {
        let n = cfg.lanes;
        let mut permutation: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            permutation.swap(i, rng.gen_range(0..=i));
        }
        // With no room for skew, none: a bit of it is a row late.
        let (skew_blocks, skew_bits) = if max_skew == 0 {
            (vec![0; n], vec![0; n])
        } else {
            (
                (0..n).map(|_| rng.gen_range(0..max_skew)).collect(),
                (0..n).map(|_| rng.gen_range(0..66)).collect(),
            )
        };
        LinkPlan {
            lanes: n,
            period: cfg.retimer.am_period,
            permutation,
            skew_blocks,
            skew_bits,
            bit_error_ratio: lines.bit_error_ratio,
            gap: lines.gap,
            seed: rng.gen(),
        }
    };
    (plan(), plan())
}

/// What drives the engines besides the reset.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stimuli {
    #[serde(default)]
    pub lanes: LaneTraffic,
    /// With [`LaneTraffic::Prbs`], the PRBS loopback per lane; `None`:
    /// [`PrbsPlan::default_for`] the configuration's lanes and the run's
    /// seed.
    #[serde(default)]
    pub prbs: Option<PrbsPlan>,
    #[serde(default)]
    pub lasers: LaserScenario,
    /// With [`LaneTraffic::Retimer`], who brings the data paths up.
    #[serde(default)]
    pub data_path: DataPathHost,
    /// Record the lasers' bias and power every this many nanoseconds (for
    /// the bring-up picture); 0: never.
    #[serde(default = "one_microsecond")]
    pub laser_trace_ns: u64,
    /// With [`LaneTraffic::Retimer`]: set vendor page 80h `RxLinkDeskew`
    /// on every lane at cycle 20, so the host outputs carry the receive
    /// link deskewed and reordered, and check them row by row against
    /// the rows the media transmitter sent (the report's
    /// `rx_link_rows`). Off by default: the per-lane retimed output is
    /// what a CMIS host expects.
    #[serde(default)]
    pub rx_link_deskew: bool,
}

fn one_microsecond() -> u64 {
    1_000
}

impl Default for Stimuli {
    fn default() -> Self {
        Self {
            lanes: LaneTraffic::Retimer,
            prbs: None,
            lasers: LaserScenario::BringUp,
            data_path: DataPathHost::CmisI2c,
            laser_trace_ns: one_microsecond(),
            rx_link_deskew: false,
        }
    }
}

/// One lockstep run, as data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunSpec {
    #[serde(default)]
    pub config: EngineConfig,
    /// The first is the reference whose outputs drive the stimulus.
    pub engines: Vec<EngineKind>,
    pub seed: u64,
    pub cycles: u64,
    #[serde(default)]
    pub stimuli: Stimuli,
    /// Where the waveform of a divergence goes (`None`: not written).
    #[serde(default)]
    pub divergence_wave: Option<PathBuf>,
    /// A VCD of every signal of the Verilated design (needs `verilator`).
    #[serde(default)]
    pub trace: Option<PathBuf>,
}

/// Cycles of the default `xpo run`: 1.024 ms at 156.25 MHz, room for the
/// laser bring-up, the interlock and the re-enable, and for the CMIS
/// host's data-path bring-up over I2C (about 30 transactions at the
/// fastest SCL the target follows, 112 024 cycles with seed 1) with
/// traffic passing after it.
pub const DEFAULT_RUN_CYCLES: u64 = 160_000;

impl Default for RunSpec {
    /// The default `xpo run`: [`DEFAULT_RUN_CYCLES`] on all three engines,
    /// seed 1.
    fn default() -> Self {
        Self {
            config: EngineConfig::default(),
            engines: EngineKind::ALL.to_vec(),
            seed: 1,
            cycles: DEFAULT_RUN_CYCLES,
            stimuli: Stimuli::default(),
            divergence_wave: None,
            trace: None,
        }
    }
}

impl RunSpec {
    /// Checks what can be checked before anything is built.
    pub fn validate(&self) -> Result<(), SimError> {
        self.config.validate()?;
        if self.engines.is_empty() {
            return Err(SimError::Scenario("a run needs at least one engine".into()));
        }
        if self.trace.is_some() && !self.engines.contains(&EngineKind::Verilator) {
            return Err(SimError::Scenario(
                "a trace dumps the Verilated design: add verilator to the engines".into(),
            ));
        }
        if let Some(w) = &self.trace {
            if crate::shim_gen::Variant::for_wave(w).is_none() {
                return Err(SimError::WaveFormat(w.clone()));
            }
        }
        if let Some(w) = &self.divergence_wave {
            if crate::wave::WaveFormat::of(w).is_none() {
                return Err(SimError::WaveFormat(w.clone()));
            }
        }
        Ok(())
    }
}

/// Runs `spec` (see [`run_with_progress`]).
pub fn run(spec: &RunSpec) -> Result<RunReport, SimError> {
    run_with_progress(spec, &mut |_| {})
}

/// Runs `spec` in lockstep, calling `progress(cycles done)` now and then,
/// then reads every laser lane and the module monitors back over AXI from
/// the reference engine. An error means the run could not be set up; what
/// the engines did, divergences and a hung read-back included, is the
/// report.
pub fn run_with_progress(
    spec: &RunSpec,
    progress: &mut dyn FnMut(u64),
) -> Result<RunReport, SimError> {
    spec.validate()?;
    let cfg = &spec.config;
    let mut built: Vec<Box<dyn Engine>> = Vec::new();
    for &kind in &spec.engines {
        match (kind, &spec.trace) {
            (EngineKind::Verilator, Some(path)) => {
                built.push(Box::new(Verilated::with_trace(cfg, path)?));
            }
            _ => built.push(build_engine(kind, cfg)?),
        }
    }
    let (mut prbs, mut retimer) = match spec.stimuli.lanes {
        LaneTraffic::Prbs => {
            let plan = match &spec.stimuli.prbs {
                Some(p) => p.clone(),
                None => PrbsPlan::default_for(cfg, spec.seed),
            };
            (Some(PrbsScenario::new(plan, cfg.lanes)?), None)
        }
        LaneTraffic::Retimer => {
            let plan = RetimerPlan {
                seed: spec.seed,
                host: retimer_lines(),
                media: retimer_lines(),
                drive_reset: true,
            };
            let (host, media) = run_links(cfg, spec.seed);
            (
                None,
                Some(RetimerTraffic::linked(plan, host, media, cfg.lanes)?),
            )
        }
    };
    let (script, mut bench, campaign) = match spec.stimuli.lasers {
        LaserScenario::BringUp => {
            let (script, bench) = laser::default_bring_up(cfg, spec.seed);
            (script, bench, None)
        }
        LaserScenario::Campaign => {
            let (script, bench, plan) = laser::fault_campaign(cfg, spec.seed, spec.cycles);
            (script, bench, Some(plan))
        }
    };
    bench.record_every = match spec.stimuli.laser_trace_ns {
        0 => 0,
        ns => cfg.cycles_for_ns(ns).max(1),
    };
    // Random management transactions run on both buses alongside; the
    // laser pages' writes are left to the laser host script, and with
    // retimer traffic the lane pages' (data path, loopbacks, bypass) stay
    // as CMIS brings the lanes up and the module is never asked into low
    // power, so the retimer report means what it says.
    // With PRBS traffic the pattern units' page (13h) is the scenario's:
    // its writes join the laser host's on the one AXI master.
    let spared: &[u8] = match spec.stimuli.lanes {
        LaneTraffic::Retimer => &[0x10, 0x13, 0x1A, 0x1B, 0x80],
        LaneTraffic::Prbs => &[0x13, 0x1A, 0x1B],
    };
    let mut script = script;
    if let Some(p) = prbs.as_mut() {
        script.extend(p.script());
    }
    if spec.stimuli.rx_link_deskew && spec.stimuli.lanes == LaneTraffic::Retimer {
        script.extend(crate::lane_modes::every_lane_script(
            cfg,
            "RxLinkDeskew",
            20,
        )?);
    }
    let mut traffic = BusTraffic::new(cfg, spec.seed, u64::MAX)
        .with_script(script)
        .sparing(spared);
    if spec.stimuli.lanes == LaneTraffic::Retimer {
        traffic = traffic.holding_power();
    }
    let host = (spec.stimuli.lanes == LaneTraffic::Retimer
        && spec.stimuli.data_path == DataPathHost::CmisI2c)
        .then(|| Rc::new(RefCell::new(data_path_host(cfg))));
    if let Some(h) = &host {
        traffic = traffic.with_i2c_host(h.clone());
    }
    let mut lockstep = Lockstep::new(built);
    let opts = LockstepOptions {
        cycles: spec.cycles,
        wave_path: spec.divergence_wave.clone(),
        ..Default::default()
    };
    let lanes: &mut dyn Stimulus = match (&mut prbs, &mut retimer) {
        (Some(p), _) => p,
        (_, Some(r)) => r,
        _ => unreachable!("one of the two was built above"),
    };
    let mut coverage = CoverageSampler::new(cfg);
    let result = lockstep.run_observed(
        &mut Both(&mut Both(lanes, &mut traffic), &mut bench),
        &opts,
        progress,
        &mut |c, e, o| coverage.observe(c, e, o),
    );
    let reference = lockstep
        .into_engines()
        .into_iter()
        .next()
        .expect("validated: at least one engine");
    let readback = Readback::from_engine(reference, result.last_outputs.clone(), cfg);
    let bring_up = host.map(|h| BringUpSummary::of(h.borrow_mut().finish()));
    Ok(RunReport::new(
        spec,
        &result,
        prbs.map(|p| p.report(&result.last_outputs))
            .unwrap_or_default(),
        retimer
            .as_ref()
            .map(|r| r.report(&result.last_outputs))
            .unwrap_or_default(),
        retimer
            .as_ref()
            .filter(|_| spec.stimuli.rx_link_deskew)
            .and_then(|r| r.rx_rows()),
        traffic.report(),
        readback,
        bench,
        campaign,
        bring_up,
        coverage.report(),
    ))
}

/// The bring-up's result and the window selection it left.
type BringUpOutcome = Result<BringUpReport, BringUpError>;

/// The run's CMIS host: [`bring_up`] over I2C, then the window back on
/// bank 0, page 0 for the random traffic after it.
fn data_path_host(cfg: &EngineConfig) -> HostProgram<BringUpOutcome> {
    let lanes = cfg.lanes;
    HostProgram::start(cfg.register_map(), move |d| {
        let r = bring_up(d, lanes, BRING_UP_POLLS);
        let w = d.access_mut();
        if w.selected() != (0, 0) {
            w.select(0, 0).map_err(DriverError::from)?;
        }
        r
    })
}

/// The bench's recorded laser samples, for pictures, kept out of the
/// report's JSON.
pub type LaserTrace = Vec<Vec<laser::LaserSample>>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spec_reads_back_from_toml_and_refuses_unknown_fields() {
        let spec = RunSpec::default();
        let text = toml::to_string(&spec).unwrap();
        let back: RunSpec = toml::from_str(&text).unwrap();
        assert_eq!(back, spec);
        let bad = format!("{text}\nflux_capacitor = 1\n");
        let e = toml::from_str::<RunSpec>(&bad).unwrap_err().to_string();
        assert!(e.contains("flux_capacitor"), "{e}");
    }

    #[test]
    fn a_trace_without_verilator_is_refused_before_anything_runs() {
        let spec = RunSpec {
            engines: vec![EngineKind::Model],
            trace: Some("x.vcd".into()),
            ..RunSpec::default()
        };
        let e = run(&spec).unwrap_err().to_string();
        assert!(e.contains("add verilator"), "{e}");
        assert!(!std::path::Path::new("x.vcd").exists());
    }

    /// The default run's CMIS host brings every lane down and up again
    /// over I2C, in SONiC's order, each wait answered; traffic then passes
    /// on every lane. (The model alone: the three engines run it in
    /// `xpo run` and the lockstep tests.)
    #[test]
    fn the_cmis_host_brings_the_data_paths_up_over_i2c() {
        let spec = RunSpec {
            engines: vec![EngineKind::Model],
            ..RunSpec::default()
        };
        let r = run(&spec).unwrap();
        assert!(!r.failed(), "{r:#?}");
        let b = r
            .data_path_bring_up
            .as_ref()
            .expect("the default has a host");
        assert_eq!(b.error, None);
        let at = b.ended_at_cycle.expect("finished");
        assert!(
            at < spec.cycles - 10_000,
            "done at {at}, too late for traffic after"
        );
        let waits: Vec<&str> = b.waits.iter().map(|w| w.0).collect();
        assert_eq!(
            waits,
            [
                "ModuleReady",
                "DPDeactivated",
                "ConfigSuccess",
                "DPInitialized",
                "DPActivated"
            ]
        );
        assert_eq!(
            b.application.map(|a| (a.host_lanes, a.media_lanes)),
            Some((8, 8))
        );
        // Every I2C operation of the bring-up went over the pins.
        assert!(r.management.traffic.hosted >= 20, "{:?}", r.management);
        // Coverage saw what the bring-up did: the module come up, each
        // lane go through the CMIS sequence (DPDeinit written, so DPDeinit
        // state), the state-change flags latched and read clear, the
        // lasers ramp and both links align. Never a fault here.
        let c = &r.coverage;
        assert!(c.sampled);
        for bin in [
            "module state ModuleLowPwr",
            "module state ModuleReady",
            "data-path state DPDeinit",
            "data-path state DPActivated",
            "flag LDPStateChanged raised",
            "flag LDPStateChanged cleared",
            "laser lane state ramping",
            "laser lane state on",
            "link rx aligned",
            "link tx aligned",
        ] {
            assert_eq!(c.bins.get(bin), Some(&true), "{bin}");
        }
        assert_eq!(c.bins.get("module state ModuleFault"), Some(&false));
        assert_eq!(c.bins.get("laser fault over-current"), Some(&false));
        for l in &r.retimer {
            assert_eq!(l.dp_state, "DPActivated", "{l:?}");
            assert!(l.tx.block_lock && l.rx.block_lock, "{l:?}");
            // Each direction a link through the bring-up (DPDeinit gates
            // the outputs, not the monitors): aligned with the lane map,
            // skew and judged BIP errors the channel made.
            for k in [l.tx.link, l.rx.link] {
                let k = k.expect("a linked run");
                assert!(k.markers_sent >= 5 && k.measured_as_injected(), "{l:?}");
                assert_eq!(u64::from(k.bip_errors), k.bip_errors_injected, "{l:?}");
            }
        }
        assert!(r.misaligned_link_lanes.is_empty());
    }

    /// Too short a run for the host: the report says the bring-up did not
    /// finish, and the run failed.
    #[test]
    fn a_run_too_short_for_the_bring_up_fails_saying_so() {
        let spec = RunSpec {
            engines: vec![EngineKind::Model],
            cycles: 20_000,
            ..RunSpec::default()
        };
        let r = run(&spec).unwrap();
        let b = r.data_path_bring_up.as_ref().unwrap();
        assert_eq!(b.ended_at_cycle, None);
        assert!(b.error.as_ref().unwrap().contains("run ended"), "{b:?}");
        assert!(r.failed());
    }

    /// `rx_link_deskew`: with markers every 300 blocks the receive link
    /// aligns within the run, and the host outputs then carry its rows in
    /// logical order, each the next row sent (line bit errors aside);
    /// the run passes and the JSON has the tally.
    #[test]
    fn a_run_with_the_receive_link_deskewed_checks_its_rows() {
        let mut spec = RunSpec {
            engines: vec![EngineKind::Model],
            cycles: 6_000,
            stimuli: Stimuli {
                data_path: DataPathHost::Reset,
                rx_link_deskew: true,
                ..Stimuli::default()
            },
            ..RunSpec::default()
        };
        spec.config.retimer.am_period = 300;
        spec.config.retimer.max_skew_blocks = 40;
        let r = run(&spec).unwrap();
        assert!(!r.failed(), "{:?}", r.failure_reasons());
        let rows = r.rx_link_rows.expect("the tally");
        assert!(rows.in_order > 3_000, "{rows:?}");
        assert_eq!(rows.out_of_order, 0, "{rows:?}");
        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["rx_link_rows"]["in_order"], rows.in_order);
        // Without it, no tally and the per-lane output passes blocks.
        spec.stimuli.rx_link_deskew = false;
        let r = run(&spec).unwrap();
        assert!(r.rx_link_rows.is_none());
        assert!(r.retimer.iter().all(|l| l.rx.blocks_passed > 3_000));
    }

    #[test]
    fn a_short_model_run_reports_what_it_counted() {
        let spec = RunSpec {
            engines: vec![EngineKind::Model],
            cycles: 4_000,
            stimuli: Stimuli {
                data_path: DataPathHost::Reset,
                ..Stimuli::default()
            },
            ..RunSpec::default()
        };
        let r = run(&spec).unwrap();
        assert_eq!(r.cycles, 4_000);
        assert!(r.divergence.is_none());
        // Retimer traffic by default: both directions of every lane
        // locked, the data paths up (ModuleReady, then DPInit and
        // DPTxTurnOn), blocks passed and the line's errors counted.
        assert!(r.lanes.is_empty());
        assert_eq!(r.retimer.len(), spec.config.lanes);
        assert!(r.unlocked_retimer_lanes.is_empty(), "{:?}", r.retimer);
        for l in &r.retimer {
            assert_eq!(l.dp_state, "DPActivated", "{l:?}");
            for d in [l.tx, l.rx] {
                assert!(d.blocks_sent > 3_000 && d.blocks_passed > 1_000, "{l:?}");
                assert!(d.errored_blocks >= d.invalid_headers, "{l:?}");
            }
        }
        assert_eq!(r.lasers.len(), spec.config.laser_lanes);
        // 4 000 cycles is 25.6 µs: the lanes were enabled at 10 µs and are
        // in fiber check or ramping, none on yet.
        assert!(r.lasers.iter().all(|l| l.state != "on"), "{:?}", r.lasers);
        assert!(r.management.traffic.transactions > 0);
        assert_eq!(r.laser_safety.seen.interlock_cycles, 0);
    }

    #[test]
    fn a_prbs_run_reports_the_prbs_lanes_instead() {
        let spec = RunSpec {
            engines: vec![EngineKind::Model],
            cycles: 3_000,
            stimuli: Stimuli {
                lanes: LaneTraffic::Prbs,
                ..Stimuli::default()
            },
            ..RunSpec::default()
        };
        let r = run(&spec).unwrap();
        assert!(r.retimer.is_empty());
        assert_eq!(r.lanes.len(), spec.config.lanes);
        assert!(r.lanes.iter().all(|l| l.locked), "{:?}", r.lanes);
    }
}
