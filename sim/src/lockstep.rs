//! The lockstep runner: identical stimulus to two or three engines, every
//! output compared every cycle.
//!
//! Stimulus may react to outputs (a loopback channel, a bus master), so it is
//! computed from the first engine's outputs, which every other engine must
//! match anyway. On the first divergence the runner records the cycle, port
//! and every engine's value, keeps running a few cycles so the waveform shows
//! what followed, and writes a VCD of the window around it.

use crate::wave;
use std::collections::VecDeque;
use std::fmt;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use xpo_spec::{Engine, EngineInputs, EngineOutputs, LaneOutputs, Place};

/// Produces each cycle's inputs.
pub trait Stimulus {
    /// Fills `inputs` for `cycle`, given the reference engine's outputs after
    /// the previous cycle (all zeros before cycle 0).
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs);

    /// The stimulus has done all it set out to do: the run may end before
    /// its cycle budget.
    fn finished(&self) -> bool {
        false
    }
}

/// Called after every cycle of a run with the cycle, the engines and the
/// reference engine's outputs.
pub type Observer<'a> = dyn FnMut(u64, &[Box<dyn Engine>], &EngineOutputs) + 'a;

/// Knobs of a lockstep run.
#[derive(Debug, Clone)]
pub struct LockstepOptions {
    /// Cycles to run if nothing diverges.
    pub cycles: u64,
    /// Cycles of history kept for reports and waveforms.
    pub window: usize,
    /// Cycles run past a divergence before stopping, for the waveform.
    pub after: usize,
    /// Where to write the divergence waveform (`None`: no file).
    pub wave_path: Option<PathBuf>,
}

impl Default for LockstepOptions {
    fn default() -> Self {
        Self {
            cycles: 1000,
            window: 32,
            after: 8,
            wave_path: None,
        }
    }
}

/// One cycle of history: the inputs and each engine's outputs.
#[derive(Debug, Clone)]
pub struct Record {
    pub cycle: u64,
    pub inputs: EngineInputs,
    pub outputs: Vec<EngineOutputs>,
}

/// The first cycle where engines disagreed.
#[derive(Debug, Clone)]
pub struct Divergence {
    pub cycle: u64,
    /// Where the port is.
    pub place: Place,
    pub port: &'static str,
    /// `(engine, value)` for every engine at the divergence.
    pub values: Vec<(String, u128)>,
    /// Every `(place, port)` that disagreed at that cycle.
    pub all_ports: Vec<(Place, &'static str)>,
    /// Cycles around the divergence (before and after), oldest first.
    pub history: Vec<Record>,
    pub engine_names: Vec<String>,
    /// The waveform written, if any.
    pub wave: Option<PathBuf>,
}

impl fmt::Display for Divergence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let vals: Vec<String> = self
            .values
            .iter()
            .map(|(n, v)| format!("{n}={v:#x}"))
            .collect();
        writeln!(
            f,
            "divergence at cycle {}: {} port {}: {}",
            self.cycle,
            self.place,
            self.port,
            vals.join(" ")
        )?;
        if self.all_ports.len() > 1 {
            let others: Vec<String> = self
                .all_ports
                .iter()
                .map(|(l, p)| format!("{l} {p}"))
                .collect();
            writeln!(f, "  all differing ports that cycle: {}", others.join(", "))?;
        }
        writeln!(f, "  history of {} {}:", self.place, self.port)?;
        for r in &self.history {
            let mark = if r.cycle == self.cycle { ">" } else { " " };
            let vals: Vec<String> = r
                .outputs
                .iter()
                .zip(&self.engine_names)
                .map(|(o, n)| format!("{n}={:#x}", o.value(self.place, self.port).unwrap_or(0)))
                .collect();
            writeln!(f, "  {mark} cycle {:>8}: {}", r.cycle, vals.join(" "))?;
        }
        if let Some(w) = &self.wave {
            writeln!(f, "  waveform: {}", w.display())?;
        }
        Ok(())
    }
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunResult {
    /// Cycles stepped on every engine.
    pub cycles: u64,
    pub divergence: Option<Divergence>,
    /// `(engine, time spent in its steps)`.
    pub engine_time: Vec<(String, Duration)>,
    /// The reference engine's outputs after the last cycle.
    pub last_outputs: EngineOutputs,
}

impl RunResult {
    /// Cycles per second of each engine's own stepping.
    pub fn cycles_per_second(&self) -> Vec<(String, f64)> {
        self.engine_time
            .iter()
            .map(|(n, t)| (n.clone(), self.cycles as f64 / t.as_secs_f64().max(1e-12)))
            .collect()
    }
}

/// Engines run side by side.
pub struct Lockstep {
    engines: Vec<Box<dyn Engine>>,
}

impl Lockstep {
    /// The first engine is the reference whose outputs feed the stimulus.
    pub fn new(engines: Vec<Box<dyn Engine>>) -> Self {
        assert!(!engines.is_empty(), "lockstep needs at least one engine");
        let (lanes, lasers) = (engines[0].config().lanes, engines[0].config().laser_lanes);
        assert!(
            engines
                .iter()
                .all(|e| e.config().lanes == lanes && e.config().laser_lanes == lasers),
            "engines disagree on lane counts"
        );
        Self { engines }
    }

    /// The engines, as the last run left them (reference first).
    pub fn into_engines(self) -> Vec<Box<dyn Engine>> {
        self.engines
    }

    pub fn engine_names(&self) -> Vec<String> {
        self.engines.iter().map(|e| e.name().to_string()).collect()
    }

    /// Runs `opts.cycles` cycles of `stimulus` (or until just after the first
    /// divergence, or until the stimulus is finished).
    pub fn run(&mut self, stimulus: &mut dyn Stimulus, opts: &LockstepOptions) -> RunResult {
        self.run_with_progress(stimulus, opts, &mut |_| {})
    }

    /// [`Lockstep::run`], calling `progress(cycles done)` every 65 536 cycles.
    pub fn run_with_progress(
        &mut self,
        stimulus: &mut dyn Stimulus,
        opts: &LockstepOptions,
        progress: &mut dyn FnMut(u64),
    ) -> RunResult {
        self.run_observed(stimulus, opts, progress, &mut |_, _, _| {})
    }

    /// [`Lockstep::run_with_progress`], calling `observe(cycle, engines,
    /// reference outputs)` after every cycle (coverage sampling).
    pub fn run_observed(
        &mut self,
        stimulus: &mut dyn Stimulus,
        opts: &LockstepOptions,
        progress: &mut dyn FnMut(u64),
        observe: &mut Observer,
    ) -> RunResult {
        let cfg = self.engines[0].config().clone();
        let n = self.engines.len();
        let names = self.engine_names();
        let mut inputs = EngineInputs::for_config(&cfg);
        let mut outputs: Vec<EngineOutputs> =
            (0..n).map(|_| EngineOutputs::for_config(&cfg)).collect();
        let mut previous = EngineOutputs::for_config(&cfg);
        let mut time = vec![Duration::ZERO; n];
        let mut history: VecDeque<Record> = VecDeque::with_capacity(opts.window + opts.after + 1);
        let mut divergence: Option<Divergence> = None;
        let mut stop_at = u64::MAX;
        let mut cycle = 0;
        while cycle < opts.cycles && cycle <= stop_at && !stimulus.finished() {
            stimulus.drive(cycle, &previous, &mut inputs);
            for (i, e) in self.engines.iter_mut().enumerate() {
                let t = Instant::now();
                e.step_into(&inputs, &mut outputs[i]);
                time[i] += t.elapsed();
            }
            let agree = outputs[1..].iter().all(|o| *o == outputs[0]);
            if opts.window > 0 {
                let keep = if divergence.is_some() {
                    usize::MAX
                } else {
                    opts.window
                };
                // Reuse the oldest record's allocations once the window is full.
                let mut rec = if history.len() >= keep {
                    history.pop_front().expect("window is full")
                } else {
                    Record {
                        cycle,
                        inputs: EngineInputs::default(),
                        outputs: Vec::new(),
                    }
                };
                rec.cycle = cycle;
                rec.inputs.clone_from(&inputs);
                rec.outputs.clone_from(&outputs);
                history.push_back(rec);
            }
            if !agree && divergence.is_none() {
                let (place, port, all_ports) = first_difference(&outputs);
                divergence = Some(Divergence {
                    cycle,
                    place,
                    port,
                    values: names
                        .iter()
                        .zip(&outputs)
                        .map(|(nm, o)| (nm.clone(), o.value(place, port).unwrap_or(0)))
                        .collect(),
                    all_ports,
                    history: Vec::new(),
                    engine_names: names.clone(),
                    wave: None,
                });
                stop_at = cycle + opts.after as u64;
            }
            observe(cycle, &self.engines, &outputs[0]);
            previous.clone_from(&outputs[0]);
            cycle += 1;
            if cycle % 65_536 == 0 {
                progress(cycle);
            }
        }
        if let Some(d) = divergence.as_mut() {
            d.history = history.into_iter().collect();
            if let Some(path) = &opts.wave_path {
                if wave::write_window(path, &d.engine_names, &d.history).is_ok() {
                    d.wave = Some(path.clone());
                }
            }
        }
        RunResult {
            cycles: cycle,
            divergence,
            engine_time: names.into_iter().zip(time).collect(),
            last_outputs: previous,
        }
    }
}

type PortList = Vec<(Place, &'static str)>;

fn first_difference(outputs: &[EngineOutputs]) -> (Place, &'static str, PortList) {
    let mut all: PortList = Vec::new();
    for o in &outputs[1..] {
        for (lane, p) in outputs[0].differences(o) {
            if !all.contains(&(lane, p.name)) {
                all.push((lane, p.name));
            }
        }
    }
    let rank = |p: Place| match p {
        Place::Management => (0, 0),
        Place::Lane(l) => (1, l),
        Place::Laser(l) => (2, l),
    };
    all.sort_by_key(|&(place, name)| {
        (
            rank(place),
            LaneOutputs::PORTS.iter().position(|p| p.name == name),
        )
    });
    (all[0].0, all[0].1, all)
}
