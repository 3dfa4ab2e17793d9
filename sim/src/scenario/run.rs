//! Running a [`Scenario`] in lockstep: the stimulus that carries out its
//! timeline (pins, the laser bench's physics, the channel, and the host
//! thread's bus operations), and the report of what each action and
//! expectation came to.

use super::host::{self, HostOutcome, Reply, ReplyKind, Request};
use super::{
    lanes_text, ActionKind, Bus, Check, Expectation, LaneSetup, Pin, Scenario, Side, Window,
};
use crate::coverage::{CoverageReport, CoverageSampler};
use crate::laser::{LaserBench, LaserEvent};
use crate::lockstep::{Lockstep, LockstepOptions, Stimulus};
use crate::prbs_loopback::{LanePlan, PrbsPlan, PrbsScenario};
use crate::retimer::{RetimerPlan, RetimerTraffic};
use crate::run::DivergenceReport;
use crate::{build_engine, EngineKind, SimError, Verilated};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, Sender};
use std::thread::JoinHandle;
use std::time::Instant;
use xpo_host::mgmt::{AxiMaster, AxiPacing, I2cMaster};
use xpo_host::serdes::LineImpairments;
use xpo_spec::prbs::PrbsPattern;
use xpo_spec::{Engine, EngineInputs, EngineOutputs, MgmtInputs};

/// How long past its duration a scenario runs at most, for the accesses
/// started by then to complete (an I2C read-modify-write of a multi-byte
/// field with its page select takes under 100 us at 400 kHz).
pub const ACCESS_GRACE_NS: u64 = 500_000;

/// How `xpo compare` runs a scenario.
#[derive(Debug, Clone, Default)]
pub struct ScenarioOptions {
    /// Instead of the scenario's engines.
    pub engines: Option<Vec<EngineKind>>,
    /// A VCD of every signal of the Verilated design over the whole run.
    pub wave: Option<PathBuf>,
    /// Where a divergence's window goes (always written on a divergence).
    pub divergence_wave: Option<PathBuf>,
}

/// One timeline action's outcome.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionOutcome {
    pub line: usize,
    pub time_us: f64,
    pub action: String,
    /// Register actions: when the host started and finished it.
    pub started_us: Option<f64>,
    pub completed_us: Option<f64>,
    /// A read's value (with its state name when it has one).
    pub value: Option<String>,
    pub error: Option<String>,
    /// The error was the device refusing the access.
    pub refused: bool,
}

/// One expectation's verdict.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ExpectationOutcome {
    pub line: usize,
    pub expectation: String,
    pub passed: bool,
    /// When the verdict was reached.
    pub decided_us: Option<f64>,
    /// The last value seen (with its state name, or mW).
    pub observed: Option<String>,
    pub polls: u64,
    /// Why it failed.
    pub reason: Option<String>,
}

/// What a scenario run came to.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScenarioReport {
    pub scenario: String,
    pub file: PathBuf,
    /// Refused accesses do not fail it (the scenario's `allow_refused`).
    pub allow_refused: bool,
    pub description: String,
    pub engines: Vec<String>,
    pub seed: u64,
    pub cycles: u64,
    pub cycles_run: u64,
    pub passed: bool,
    pub divergence: Option<DivergenceReport>,
    pub actions: Vec<ActionOutcome>,
    pub expectations: Vec<ExpectationOutcome>,
    /// Laser safety properties the bench saw broken.
    pub safety_violations: Vec<String>,
    /// What the run reached (sampled when the model is among the engines).
    pub coverage: CoverageReport,
    /// Each engine's own stepping speed.
    pub cycles_per_second: BTreeMap<String, f64>,
    pub wall_seconds: f64,
}

impl ScenarioReport {
    /// Why the scenario failed: empty when it passed.
    pub fn failure_reasons(&self) -> Vec<String> {
        let mut v = Vec::new();
        if let Some(d) = &self.divergence {
            v.push(format!(
                "engines diverged at cycle {} ({} {})",
                d.cycle, d.place, d.port
            ));
        }
        for a in &self.actions {
            if a.refused && self.allow_refused {
                continue;
            }
            if let Some(e) = &a.error {
                v.push(format!("line {}: {}: {e}", a.line, a.action));
            }
        }
        for e in &self.expectations {
            if !e.passed {
                v.push(format!(
                    "line {}: expected {}: {}",
                    e.line,
                    e.expectation,
                    e.reason.as_deref().unwrap_or("not met")
                ));
            }
        }
        for s in &self.safety_violations {
            v.push(format!("laser safety: {s}"));
        }
        v
    }
}

/// The data lanes' stimulus.
enum Lanes {
    Retimer(Box<RetimerTraffic>),
    Prbs(Box<PrbsScenario>),
    Idle,
}

/// What the host thread has asked for and the stimulus not yet answered.
enum InFlight {
    Wait(u64),
    Bus,
}

/// One bus's host thread, as the stimulus serves it.
struct HostLink {
    bus: Bus,
    requests: Receiver<Request>,
    replies: Option<Sender<Reply>>,
    thread: Option<JoinHandle<HostOutcome>>,
    in_flight: Option<InFlight>,
    done: bool,
}

impl HostLink {
    fn start(bus: Bus, s: &Scenario) -> Result<Self, SimError> {
        let (req_tx, req_rx) = channel();
        let (rep_tx, rep_rx) = channel();
        let map = s.config.register_map();
        let (actions, exps) = (s.actions.clone(), s.expectations.clone());
        let thread = std::thread::Builder::new()
            .name(format!("scenario {bus:?} host"))
            .spawn(move || host::program(bus, map, actions, exps, req_tx, rep_rx))
            .map_err(|e| SimError::Scenario(format!("cannot start a host thread: {e}")))?;
        Ok(Self {
            bus,
            requests: req_rx,
            replies: Some(rep_tx),
            thread: Some(thread),
            in_flight: None,
            done: false,
        })
    }

    fn reply(&mut self, cycle: u64, kind: ReplyKind) {
        if let Some(tx) = &self.replies {
            // A thread that already returned has nobody to tell.
            let _ = tx.send(Reply { cycle, kind });
        }
        self.in_flight = None;
    }

    /// Takes the host's requests until one needs the bus or a later cycle.
    fn serve(&mut self, cycle: u64, i2c: &mut I2cMaster, axi: &mut AxiMaster) {
        loop {
            match self.in_flight {
                Some(InFlight::Wait(c)) if c <= cycle => self.reply(cycle, ReplyKind::Time),
                Some(_) => return,
                None if self.done => return,
                None => match self.requests.recv() {
                    Ok(Request::WaitUntil(c)) => self.in_flight = Some(InFlight::Wait(c)),
                    Ok(Request::I2c(op)) => {
                        debug_assert_eq!(self.bus, Bus::I2c);
                        i2c.push(op);
                        self.in_flight = Some(InFlight::Bus);
                    }
                    Ok(Request::Axi(op)) => {
                        debug_assert_eq!(self.bus, Bus::Axi);
                        axi.push(op);
                        self.in_flight = Some(InFlight::Bus);
                    }
                    Err(_) => self.done = true,
                },
            }
        }
    }

    /// Ends the thread: its pending request fails, and what it saw comes
    /// back.
    fn finish(&mut self) -> HostOutcome {
        self.replies = None;
        let Some(t) = self.thread.take() else {
            return HostOutcome::default();
        };
        while self.requests.recv().is_ok() {}
        t.join().unwrap_or_default()
    }
}

/// A laser-power expectation, judged on the bench each poll.
struct PowerWatch {
    index: usize,
    next: Option<u64>,
    polls: u64,
    last_mw: Option<f64>,
    passed: bool,
    at: Option<u64>,
    reason: Option<String>,
}

struct ScenarioStimulus {
    lanes: Lanes,
    /// Per side (host, media), the lanes held dark.
    dark: [Vec<bool>; 2],
    bench: LaserBench,
    /// Pins, channel events: `(cycle, kind)` in time order.
    timeline: Vec<(u64, ActionKind)>,
    next: usize,
    lp_mode: bool,
    reset_low: bool,
    module_fault: bool,
    i2c: I2cMaster,
    i2c_sda: bool,
    axi: AxiMaster,
    /// The I2C host, then the AXI host.
    hosts: [HostLink; 2],
    expectations: Vec<Expectation>,
    power: Vec<PowerWatch>,
    /// The scenario's last cycle (its duration), and the cycle driven last.
    end: u64,
    cycle: u64,
}

impl ScenarioStimulus {
    fn new(s: &Scenario) -> Result<Self, SimError> {
        let cfg = s.config.clone();
        let lanes = match &s.lanes {
            LaneSetup::Retimer { host, media } => Lanes::Retimer(Box::new(RetimerTraffic::linked(
                RetimerPlan {
                    seed: s.seed,
                    host: LineImpairments::clean(),
                    media: LineImpairments::clean(),
                    drive_reset: true,
                },
                (**host).clone(),
                (**media).clone(),
                cfg.lanes,
            )?)),
            LaneSetup::Prbs {
                bit_error_ratio,
                gap,
            } => {
                let plan = PrbsPlan {
                    lanes: (0..cfg.lanes)
                        .map(|_| LanePlan {
                            pattern: PrbsPattern::PRBS31.0,
                            invert: false,
                            checker_pattern: None,
                            checker_invert: None,
                            ber: *bit_error_ratio,
                            gap: *gap,
                        })
                        .collect(),
                    seed: s.seed,
                    events: Vec::new(),
                };
                let mut p = PrbsScenario::new(plan, cfg.lanes)?;
                // The pattern units are the timeline's to set: the loopback
                // only carries the words, its own setup writes are dropped.
                let _ = p.script();
                Lanes::Prbs(Box::new(p))
            }
            LaneSetup::Idle => Lanes::Idle,
        };
        let mut bench = LaserBench::new(&cfg, s.seed);
        let mut timeline = Vec::new();
        for a in &s.actions {
            match &a.kind {
                ActionKind::Physics(e) => bench = bench.at(a.cycle, *e),
                ActionKind::Pin {
                    pin: Pin::Interlock,
                    high,
                } => bench = bench.at(a.cycle, LaserEvent::Interlock(*high)),
                k if !k.on_bus() => timeline.push((a.cycle, k.clone())),
                _ => {}
            }
        }
        let power = s
            .expectations
            .iter()
            .enumerate()
            .filter(|(_, e)| matches!(e.check, Check::LaserPower { .. }))
            .map(|(index, e)| PowerWatch {
                index,
                next: Some(match e.window {
                    Window::By { after, .. } => after,
                    Window::Throughout { from, .. } => from,
                }),
                polls: 0,
                last_mw: None,
                passed: false,
                at: None,
                reason: None,
            })
            .collect();
        Ok(Self {
            dark: [vec![false; cfg.lanes], vec![false; cfg.lanes]],
            i2c: I2cMaster::new(&cfg, s.i2c_scl_hz),
            i2c_sda: true,
            axi: AxiMaster::new(s.seed, AxiPacing::EAGER),
            lanes,
            bench,
            timeline,
            next: 0,
            lp_mode: false,
            reset_low: false,
            module_fault: false,
            hosts: [HostLink::start(Bus::I2c, s)?, HostLink::start(Bus::Axi, s)?],
            expectations: s.expectations.clone(),
            power,
            end: s.cycles,
            cycle: 0,
        })
    }

    fn apply(&mut self, kind: &ActionKind) {
        match kind {
            ActionKind::Pin { pin, high } => match pin {
                Pin::LpMode => self.lp_mode = *high,
                Pin::ResetL => self.reset_low = !*high,
                Pin::ModuleFault => self.module_fault = *high,
                Pin::Interlock => unreachable!("the bench's"),
            },
            ActionKind::Channel {
                side,
                lanes,
                los,
                errors,
            } => {
                let s = match side {
                    Side::Host => 0,
                    Side::Media => 1,
                };
                if let Some(dark) = los {
                    for &l in lanes {
                        self.dark[s][l] = *dark;
                    }
                }
                if let (Some(on), Lanes::Retimer(r)) = (errors, &mut self.lanes) {
                    // A linked side's bit errors are on at its plan's ratio
                    // while the impairments name any.
                    let imp = LineImpairments {
                        bit_error_ratio: if *on { 1.0 } else { 0.0 },
                        ..LineImpairments::clean()
                    };
                    r.set_side_impairments(*side == Side::Host, imp);
                }
            }
            _ => unreachable!("only pins and channel events are on the stimulus timeline"),
        }
    }

    fn watch_power(&mut self, cycle: u64) {
        for w in &mut self.power {
            let Some(t) = w.next.filter(|&t| t <= cycle) else {
                continue;
            };
            let e = &self.expectations[w.index];
            let Check::LaserPower { lane, .. } = e.check else {
                unreachable!("power watches watch power")
            };
            let mw = self.bench.laser(lane).last().1 * 1e3;
            w.polls += 1;
            w.last_mw = Some(mw);
            let holds = e.check.holds(mw);
            let close = match e.window {
                Window::By { by, .. } => by,
                Window::Throughout { until, .. } => until,
            };
            let last = cycle >= close;
            // `by` passes at its first hold, `from`..`until` at its last poll.
            let passes = holds && (matches!(e.window, Window::By { .. }) || last);
            match (e.window, holds) {
                _ if passes => {
                    w.passed = true;
                    w.at = Some(cycle);
                    w.next = None;
                }
                (Window::Throughout { .. }, false) => {
                    w.at = Some(cycle);
                    w.reason = Some(format!("{mw:.3} mW at cycle {cycle}"));
                    w.next = None;
                }
                (Window::By { .. }, false) if last => {
                    w.at = Some(cycle);
                    w.reason = Some(format!("last {mw:.3} mW, {} polls", w.polls));
                    w.next = None;
                }
                _ => w.next = Some((t + e.poll).min(close)),
            }
        }
    }

    /// Ends the host threads; what each saw, I2C then AXI.
    fn finish(&mut self) -> [HostOutcome; 2] {
        [self.hosts[0].finish(), self.hosts[1].finish()]
    }
}

impl Stimulus for ScenarioStimulus {
    /// Past the duration with both hosts' last accesses complete.
    fn finished(&self) -> bool {
        self.cycle >= self.end && self.hosts.iter().all(|h| h.done)
    }

    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.cycle = cycle;
        while self
            .timeline
            .get(self.next)
            .is_some_and(|(c, _)| *c <= cycle)
        {
            let k = self.timeline[self.next].1.clone();
            self.apply(&k);
            self.next += 1;
        }
        match &mut self.lanes {
            Lanes::Retimer(r) => r.drive(cycle, previous, inputs),
            Lanes::Prbs(p) => p.drive(cycle, previous, inputs),
            // Nothing arrives; the media serializer takes a word a cycle.
            Lanes::Idle => {
                for l in &mut inputs.lanes {
                    l.rx_valid = false;
                    l.host_tx_valid = false;
                    l.tx_ready = true;
                }
            }
        }
        inputs.reset = cycle == 0;
        for (l, i) in inputs.lanes.iter_mut().enumerate() {
            if self.dark[0][l] {
                i.host_tx_valid = false;
                i.host_tx_data = 0;
            }
            if self.dark[1][l] {
                i.rx_valid = false;
                i.rx_data = 0;
            }
        }
        let mut m = MgmtInputs::idle();
        m.low_power_pin = self.lp_mode;
        m.module_reset = self.reset_low;
        m.module_fault = self.module_fault;
        if inputs.reset {
            self.axi.abandon();
        }
        for h in &mut self.hosts {
            h.serve(cycle, &mut self.i2c, &mut self.axi);
        }
        self.axi.drive(&previous.mgmt, &mut m);
        if let Some((_, r)) = self.axi.take_done().pop() {
            self.hosts[1].reply(cycle, ReplyKind::Axi(r));
        }
        let target_low = previous.mgmt.i2c_sda_low;
        let (scl, sda) = self.i2c.step(self.i2c_sda && !target_low);
        if let Some((_, r)) = self.i2c.take_done().pop() {
            self.hosts[0].reply(cycle, ReplyKind::I2c(r));
        }
        self.i2c_sda = sda;
        m.i2c_scl = scl;
        m.i2c_sda = sda && !target_low;
        inputs.mgmt = m;
        self.bench.drive(cycle, previous, inputs);
        self.watch_power(cycle);
    }
}

/// Runs `s` in lockstep on its engines (or `opts.engines`) and judges its
/// expectations. An error means the run could not be set up (an engine
/// unavailable, a wave file that cannot be written); everything that
/// happened in the run is the report.
pub fn run_scenario(s: &Scenario, opts: &ScenarioOptions) -> Result<ScenarioReport, SimError> {
    let engines = opts.engines.clone().unwrap_or_else(|| s.engines.clone());
    if engines.is_empty() {
        return Err(SimError::Scenario("a run needs at least one engine".into()));
    }
    if let Some(w) = &opts.wave {
        if !engines.contains(&EngineKind::Verilator) {
            return Err(SimError::Scenario(
                "--wave dumps the Verilated design: add verilator to the engines".into(),
            ));
        }
        if crate::shim_gen::Variant::for_wave(w).is_none() {
            return Err(SimError::WaveFormat(w.clone()));
        }
    }
    if let Some(w) = &opts.divergence_wave {
        if crate::wave::WaveFormat::of(w).is_none() {
            return Err(SimError::WaveFormat(w.clone()));
        }
    }
    let started = Instant::now();
    let cfg = &s.config;
    let mut built: Vec<Box<dyn Engine>> = Vec::new();
    for &k in &engines {
        match (k, &opts.wave) {
            (EngineKind::Verilator, Some(p)) => {
                built.push(Box::new(Verilated::with_trace(cfg, p)?))
            }
            _ => built.push(build_engine(k, cfg)?),
        }
    }
    let mut stim = ScenarioStimulus::new(s)?;
    let mut lockstep = Lockstep::new(built);
    let lopts = LockstepOptions {
        // Cycles 0..=duration (a time equal to the duration is in the run),
        // then until the hosts' accesses started by then complete.
        cycles: s.cycles + 1 + cfg.cycles_for_ns(ACCESS_GRACE_NS),
        wave_path: Some(opts.divergence_wave.clone().unwrap_or_else(|| {
            std::env::temp_dir().join(format!("xpo-compare-{}-divergence.vcd", s.name))
        })),
        ..Default::default()
    };
    let mut coverage = CoverageSampler::new(cfg);
    let result = lockstep.run_observed(&mut stim, &lopts, &mut |_| {}, &mut |c, e, o| {
        coverage.observe(c, e, o)
    });
    let hosts = stim.finish();
    let host_of = |b: Bus| &hosts[usize::from(b == Bus::Axi)];
    let us = |c: u64| c as f64 * 1e6 / cfg.clock_hz as f64;
    let actions = s
        .actions
        .iter()
        .enumerate()
        .map(|(i, a)| {
            let h = match &a.kind {
                ActionKind::Write { bus, .. } | ActionKind::Read { bus, .. } => {
                    host_of(*bus).actions.get(i).cloned().unwrap_or_default()
                }
                _ => Default::default(),
            };
            let field_of = |k: &ActionKind| match k {
                ActionKind::Read { field, .. } => field.clone(),
                _ => String::new(),
            };
            ActionOutcome {
                line: a.line,
                time_us: us(a.cycle),
                action: describe(&a.kind),
                started_us: h.started.map(us),
                completed_us: h.completed.map(us),
                value: h.value.map(|v| host::shown_all(&field_of(&a.kind), &v)),
                error: h.error,
                refused: h.refused,
            }
        })
        .collect();
    let expectations =
        s.expectations
            .iter()
            .enumerate()
            .map(|(i, e)| {
                let field = match &e.check {
                    Check::Field { field, bus, .. } => Some((field.as_str(), *bus)),
                    Check::LaserPower { .. } => None,
                };
                match field {
                    Some((f, bus)) => {
                        let v = host_of(bus).verdicts.get(i).cloned().unwrap_or_default();
                        ExpectationOutcome {
                            line: e.line,
                            expectation: e.text.clone(),
                            passed: v.passed,
                            decided_us: v.at.map(us),
                            observed: v.last_value.map(|x| host::shown_all(f, &x)),
                            polls: v.polls,
                            reason: if v.passed {
                                None
                            } else {
                                Some(v.reason.unwrap_or_else(|| "not decided".into()))
                            },
                        }
                    }
                    None => {
                        let w = stim
                            .power
                            .iter()
                            .find(|w| w.index == i)
                            .expect("a watch per power expectation");
                        ExpectationOutcome {
                            line: e.line,
                            expectation: e.text.clone(),
                            passed: w.passed,
                            decided_us: w.at.map(us),
                            observed: w.last_mw.map(|p| format!("{p:.3} mW")),
                            polls: w.polls,
                            reason: if w.passed {
                                None
                            } else {
                                Some(w.reason.clone().unwrap_or_else(|| {
                                    "the run ended before the window closed".into()
                                }))
                            },
                        }
                    }
                }
            })
            .collect();
    let safety_violations = stim
        .bench
        .safety
        .violations
        .iter()
        .map(|v| format!("{v:?}"))
        .collect();
    let mut report = ScenarioReport {
        scenario: s.name.clone(),
        file: s.path.clone(),
        allow_refused: s.allow_refused,
        description: s.description.clone(),
        engines: engines.iter().map(|k| k.name().to_string()).collect(),
        seed: s.seed,
        cycles: s.cycles,
        cycles_run: result.cycles,
        passed: false,
        divergence: result.divergence.as_ref().map(DivergenceReport::from),
        actions,
        expectations,
        safety_violations,
        coverage: coverage.report(),
        cycles_per_second: result.cycles_per_second().into_iter().collect(),
        wall_seconds: started.elapsed().as_secs_f64(),
    };
    report.passed = report.failure_reasons().is_empty();
    Ok(report)
}

/// An action in the file's terms.
fn describe(k: &ActionKind) -> String {
    match k {
        ActionKind::Write {
            field,
            lanes,
            value,
            bus,
        } => format!("write {field}{} = {value} over {bus:?}", lanes_text(lanes)),
        ActionKind::Read { field, lanes, bus } => {
            format!("read {field}{} over {bus:?}", lanes_text(lanes))
        }
        ActionKind::Pin { pin, high } => format!("pin {pin:?} = {}", u8::from(*high)),
        ActionKind::Physics(e) => format!("physics {e:?}"),
        ActionKind::Channel {
            side,
            lanes,
            los,
            errors,
        } => {
            let mut s = format!("channel {side:?} lanes {lanes:?}");
            if let Some(on) = los {
                s += if *on { " dark (LOS)" } else { " lit" };
            }
            if let Some(on) = errors {
                s += if *on {
                    " bit errors on"
                } else {
                    " bit errors off"
                };
            }
            s
        }
    }
}
