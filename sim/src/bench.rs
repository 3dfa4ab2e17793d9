//! Engine speed measurements for `xpo bench`.
//!
//! - Each engine runs the default PRBS scenario alone (closed loop on its own
//!   outputs) and its stepping time is measured.
//! - FFI cost: the default scenario's inputs are recorded from the model and
//!   replayed into the Verilated model twice, once from Rust through the
//!   `Engine` API and once by a pure C++ harness built against the same model
//!   objects and packing code. Both must end in the same outputs; the ratio of
//!   their times per cycle is `rust_over_cpp`.
//!
//! Every timing is the best of several repetitions: the machines are shared
//! and the minimum is the least disturbed.

use crate::prbs_loopback::{PrbsPlan, PrbsScenario};
use crate::verilated::{self, Verilated};
use crate::{build_engine, EngineKind, Lockstep, LockstepOptions, SimError, Stimulus};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;
use xpo_host::Model;
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, WordLayout};

/// Speed of one engine.
#[derive(Debug, Clone, Serialize)]
pub struct EngineSpeed {
    pub cycles: u64,
    pub cycles_per_second: f64,
}

/// Rust-driven versus C++-driven Verilator.
#[derive(Debug, Clone, Serialize)]
pub struct FfiSpeed {
    pub cycles: u64,
    /// Time per cycle through `Engine::step_into` over time per cycle in the
    /// C++ harness.
    pub rust_over_cpp: f64,
    /// The same with pre-packed words (FFI call only, no Rust packing).
    pub rust_words_over_cpp: f64,
    pub cpp_cycles_per_second: f64,
    pub rust_cycles_per_second: f64,
    pub rust_words_cycles_per_second: f64,
}

/// APC settling of one setpoint, measured on the model with the physical
/// laser in the loop (the RTL matches it cycle for cycle).
#[derive(Debug, Clone, Serialize)]
pub struct ApcSettling {
    pub setpoint_mw: f64,
    /// From LaneEnable (fiber already confirmed) until the optical power
    /// stays within 2 % of the setpoint; `None` if it never does.
    pub settling_us: Option<f64>,
    /// Highest power above the setpoint after enable, mW (0 if none).
    pub overshoot_mw: f64,
    /// Power at the end of the run, mW.
    pub final_mw: f64,
}

/// The whole bench result, written as JSON.
#[derive(Debug, Clone, Serialize)]
pub struct BenchReport {
    pub engines: BTreeMap<String, EngineSpeed>,
    /// APC settling time against setpoint, laser 0 (`xpo_sim::laser`).
    pub apc: Vec<ApcSettling>,
    pub ffi: Option<FfiSpeed>,
    /// Model speed over Verilator speed.
    pub model_over_verilator: Option<f64>,
    pub lanes: usize,
    pub repetitions: usize,
    /// With `--profile`: speeds at 1, 8 and 16 lanes.
    pub profile: Option<Profile>,
    /// Cycles from a lane's input pin to the output pin that returns it,
    /// per mode (`xpo_sim::lane_modes`): retimed and bypass (host input to
    /// media output) and each loopback — measured on every lane of
    /// `latency_engine`, not copied from the contracts.
    pub latency_cycles: BTreeMap<String, u64>,
    /// The engine the latencies were measured on: Verilator when it is
    /// installed, else the model.
    pub latency_engine: String,
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub cycles: u64,
    /// Cycles for rust-hdl, which is thousands of times slower.
    pub rusthdl_cycles: u64,
    pub repetitions: usize,
    pub seed: u64,
    /// Keep the recorded stimulus (the C++ harness's input file) here, so
    /// another build's harness can replay exactly the same cycles.
    pub save_stimulus: Option<std::path::PathBuf>,
    /// Also measure the cost per lane ([`Profile`]): Verilator models are
    /// built for each lane count, which takes minutes.
    pub profile: bool,
}

/// Lane counts of the profile: one, the default, twice the default.
pub const PROFILE_LANES: [usize; 3] = [1, 8, 16];

/// One lane count of the profile.
#[derive(Debug, Clone, Serialize)]
pub struct LaneProfile {
    pub lanes: usize,
    pub model_cycles_per_second: f64,
    pub rusthdl_cycles_per_second: f64,
    /// The C++ harness on a model verilated for this lane count (no Rust,
    /// no FFI); `None` without Verilator.
    pub verilator_cpp_cycles_per_second: Option<f64>,
    /// Instructions per cycle of that model, from `valgrind --tool=callgrind`
    /// (two run lengths, the difference over the difference in cycles, so
    /// start-up is excluded); `None` without valgrind.
    pub verilator_instructions_per_cycle: Option<f64>,
}

/// Time per cycle as fixed cost plus cost per lane, fitted (least squares)
/// over the profile's lane counts.
#[derive(Debug, Clone, Serialize)]
pub struct CostFit {
    pub engine: String,
    pub fixed_ns_per_cycle: f64,
    pub ns_per_lane_per_cycle: f64,
}

/// Cost per lane and fixed cost of every engine (`xpo bench --profile`).
#[derive(Debug, Clone, Serialize)]
pub struct Profile {
    pub lanes: Vec<LaneProfile>,
    pub fits: Vec<CostFit>,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            cycles: 1_000_000,
            rusthdl_cycles: 20_000,
            repetitions: 3,
            seed: 1,
            save_stimulus: None,
            profile: false,
        }
    }
}

fn engine_speed(
    kind: EngineKind,
    cfg: &EngineConfig,
    cycles: u64,
    seed: u64,
) -> Result<f64, SimError> {
    let mut ls = Lockstep::new(vec![build_engine(kind, cfg)?]);
    let mut sc = PrbsScenario::new(PrbsPlan::default_for(cfg, seed), cfg.lanes)?;
    let opts = LockstepOptions {
        cycles,
        window: 0,
        ..Default::default()
    };
    let r = ls.run(&mut sc, &opts);
    Ok(r.cycles_per_second()[0].1)
}

/// Records the default scenario's inputs, driven from the model.
fn record(cfg: &EngineConfig, cycles: u64, seed: u64) -> Result<Vec<EngineInputs>, SimError> {
    let mut model = Model::new(cfg)?;
    let mut sc = PrbsScenario::new(PrbsPlan::default_for(cfg, seed), cfg.lanes)?;
    let mut prev = EngineOutputs::for_config(cfg);
    let mut inputs = EngineInputs::for_config(cfg);
    let mut rec = Vec::with_capacity(cycles as usize);
    for c in 0..cycles {
        sc.drive(c, &prev, &mut inputs);
        model.step_into(&inputs, &mut prev);
        rec.push(inputs.clone());
    }
    Ok(rec)
}

/// Recorded inputs as the harness's words.
fn pack(cfg: &EngineConfig, stimulus: &[EngineInputs]) -> Vec<u64> {
    let in_lay = WordLayout::inputs(cfg.lanes, cfg.laser_lanes);
    let mut words = vec![0u64; in_lay.words * stimulus.len()];
    for (i, s) in stimulus.iter().enumerate() {
        in_lay.pack_inputs(s, &mut words[i * in_lay.words..(i + 1) * in_lay.words]);
    }
    words
}

fn write_words(file: &Path, words: &[u64]) -> Result<(), SimError> {
    let io = |source| SimError::Io {
        path: file.to_path_buf(),
        source,
    };
    let mut f = std::fs::File::create(file).map_err(io)?;
    let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
    f.write_all(&bytes).map_err(io)
}

/// Runs the C++ harness on a stimulus file: its seconds and last outputs.
fn run_harness(harness: &Path, file: &Path) -> Result<(f64, Vec<u64>), SimError> {
    let out = Command::new(harness)
        .arg(file)
        .output()
        .map_err(|source| SimError::Io {
            path: harness.to_path_buf(),
            source,
        })?;
    if !out.status.success() {
        return Err(SimError::Scenario(format!(
            "C++ bench harness {} failed: {}",
            harness.display(),
            String::from_utf8_lossy(&out.stderr)
        )));
    }
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .map_err(|e| SimError::Scenario(format!("C++ bench harness output: {e}")))?;
    let seconds = v["seconds"].as_f64().unwrap_or(f64::MAX);
    let last = v["last_outputs"]
        .as_array()
        .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
        .unwrap_or_default();
    Ok((seconds, last))
}

/// Instructions the harness executes on `file`, from callgrind's summary;
/// `None` when valgrind is not installed or says nothing countable.
fn callgrind_instructions(harness: &Path, file: &Path) -> Option<u64> {
    let out = Command::new("valgrind")
        .args(["--tool=callgrind", "--callgrind-out-file=/dev/null"])
        .arg(harness)
        .arg(file)
        .output()
        .ok()?;
    if !out.status.success() {
        return None;
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let line = err.lines().find(|l| l.contains("Collected :"))?;
    line.rsplit(':').next()?.trim().parse().ok()
}

/// Instructions per cycle of a harness: two run lengths from the same
/// recorded stimulus, so start-up and file reading cancel out.
fn instructions_per_cycle(harness: &Path, words: &[u64], per_cycle: usize) -> Option<f64> {
    let (short, long) = (2_000usize, 6_000usize);
    if words.len() < long * per_cycle {
        return None;
    }
    let mut counts = Vec::new();
    for n in [short, long] {
        let file = tempfile_path(&format!("xpo-callgrind-{n}"));
        write_words(&file, &words[..n * per_cycle]).ok()?;
        let c = callgrind_instructions(harness, &file);
        let _ = std::fs::remove_file(&file);
        counts.push(c?);
    }
    Some((counts[1] as f64 - counts[0] as f64) / (long - short) as f64)
}

/// The C++ bench harness for `cfg`, verilated at run time (cached by the
/// hash of everything it is built from, see `verilated::cache`).
pub fn build_harness(cfg: &EngineConfig) -> Result<PathBuf, SimError> {
    use crate::shim_gen::{sim_header, sim_source, sim_wrapper, Variant, SIM_TOP};
    use crate::verilated::cache;
    let tools = crate::vbuild::Toolchain::find().map_err(SimError::NoVerilator)?;
    let verilog = xpo_hdl::emit_verilog(cfg)?.verilog + &sim_wrapper(cfg.lanes, cfg.laser_lanes);
    let header = sim_header(cfg.lanes, cfg.laser_lanes);
    let source = sim_source(cfg.lanes, cfg.laser_lanes, Variant::Fast);
    let main = include_str!("../cpp/bench_main.cpp");
    let key = cache::key(&[
        verilog.as_bytes(),
        header.as_bytes(),
        source.as_bytes(),
        main.as_bytes(),
        tools.verilator.as_bytes(),
        tools.root.as_os_str().as_encoded_bytes(),
    ]);
    let what = format!("C++ bench harness ({} lanes)", cfg.lanes);
    let entry = cache::entry("harness", &key, &what, |dir| {
        let io = |path: &Path| {
            let path = path.to_path_buf();
            move |source| SimError::Io { path, source }
        };
        for (name, text) in [
            ("xpo_engine_sim.v", verilog.as_str()),
            ("xpo_sim.h", header.as_str()),
            (Variant::Fast.source_file(), source.as_str()),
            ("bench_main.cpp", main),
        ] {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(io(&p))?;
        }
        let obj = dir.join("obj");
        let runtime = tools
            .build_model(
                &dir.join("xpo_engine_sim.v"),
                SIM_TOP,
                Variant::Fast,
                &obj,
                "2",
                false,
            )
            .map_err(SimError::Build)?;
        tools
            .link_harness(
                &dir.join("bench_main.cpp"),
                dir,
                &obj,
                &runtime,
                &dir.join("xpo-verilator-bench"),
            )
            .map_err(SimError::Build)?;
        // The model's objects are not needed once linked.
        let _ = std::fs::remove_dir_all(&obj);
        Ok(())
    })?;
    Ok(entry.dir.join("xpo-verilator-bench"))
}

/// Speeds at each of [`PROFILE_LANES`] and the fitted costs.
fn profile(cfg: &EngineConfig, opts: &BenchOptions) -> Result<Profile, SimError> {
    let mut lanes = Vec::new();
    for n in PROFILE_LANES {
        let mut c = cfg.clone();
        c.lanes = n;
        c.validate()?;
        let best = |kind, cycles| -> Result<f64, SimError> {
            let mut best = 0f64;
            for _ in 0..opts.repetitions {
                best = best.max(engine_speed(kind, &c, cycles, opts.seed)?);
            }
            Ok(best)
        };
        let model = best(EngineKind::Model, opts.cycles)?;
        let rusthdl = best(EngineKind::RustHdl, opts.rusthdl_cycles)?;
        let (cpp, ipc) = match build_harness(&c) {
            Ok(exe) => {
                let per_cycle = WordLayout::inputs(c.lanes, c.laser_lanes).words;
                let words = pack(&c, &record(&c, opts.cycles, opts.seed)?);
                let file = tempfile_path(&format!("xpo-profile-{n}"));
                write_words(&file, &words)?;
                let mut best_s = f64::MAX;
                for _ in 0..opts.repetitions {
                    best_s = best_s.min(run_harness(&exe, &file)?.0);
                }
                let _ = std::fs::remove_file(&file);
                let ipc = instructions_per_cycle(&exe, &words, per_cycle);
                (Some(opts.cycles as f64 / best_s), ipc)
            }
            Err(SimError::NoVerilator(_)) => (None, None),
            Err(e) => return Err(e),
        };
        lanes.push(LaneProfile {
            lanes: n,
            model_cycles_per_second: model,
            rusthdl_cycles_per_second: rusthdl,
            verilator_cpp_cycles_per_second: cpp,
            verilator_instructions_per_cycle: ipc,
        });
    }
    let mut fits = Vec::new();
    type Speed = fn(&LaneProfile) -> Option<f64>;
    let engines: [(&str, Speed); 3] = [
        ("model", |p| Some(p.model_cycles_per_second)),
        ("rusthdl", |p| Some(p.rusthdl_cycles_per_second)),
        ("verilator_cpp", |p| p.verilator_cpp_cycles_per_second),
    ];
    for (name, speed) in engines {
        let pts: Option<Vec<(f64, f64)>> = lanes
            .iter()
            .map(|p| speed(p).map(|s| (p.lanes as f64, 1e9 / s)))
            .collect();
        if let Some((fixed, per_lane)) = pts.as_deref().and_then(fit_line) {
            fits.push(CostFit {
                engine: name.to_string(),
                fixed_ns_per_cycle: fixed,
                ns_per_lane_per_cycle: per_lane,
            });
        }
    }
    Ok(Profile { lanes, fits })
}

/// Least-squares line `y = a + b x` through `pts`: `(a, b)`; `None` with
/// fewer than two distinct `x`.
pub fn fit_line(pts: &[(f64, f64)]) -> Option<(f64, f64)> {
    let n = pts.len() as f64;
    let (sx, sy) = pts.iter().fold((0.0, 0.0), |(a, b), (x, y)| (a + x, b + y));
    let (mx, my) = (sx / n, sy / n);
    let sxx: f64 = pts.iter().map(|(x, _)| (x - mx) * (x - mx)).sum();
    if sxx == 0.0 {
        return None;
    }
    let sxy: f64 = pts.iter().map(|(x, y)| (x - mx) * (y - my)).sum();
    let b = sxy / sxx;
    Some((my - b * mx, b))
}

fn ffi_speed(cfg: &EngineConfig, opts: &BenchOptions) -> Result<FfiSpeed, SimError> {
    let harness = verilated::cpp_bench_harness()
        .ok_or_else(|| SimError::NoVerilator("no C++ bench harness in this build".into()))?;
    let cycles = opts.cycles;
    let stimulus = record(cfg, cycles, opts.seed)?;
    let in_lay = WordLayout::inputs(cfg.lanes, cfg.laser_lanes);
    let out_lay = WordLayout::outputs(cfg.lanes, cfg.laser_lanes);
    let words = pack(cfg, &stimulus);
    let file = opts
        .save_stimulus
        .clone()
        .unwrap_or_else(|| tempfile_path("xpo-bench-stimulus"));
    write_words(&file, &words)?;
    let mut best_cpp = f64::MAX;
    let mut cpp_last: Vec<u64> = Vec::new();
    for _ in 0..opts.repetitions {
        let (seconds, last) = run_harness(harness, &file)?;
        best_cpp = best_cpp.min(seconds);
        cpp_last = last;
    }
    if opts.save_stimulus.is_none() {
        let _ = std::fs::remove_file(&file);
    }

    let mut best_rust = f64::MAX;
    let mut best_words = f64::MAX;
    let mut rust_last = EngineOutputs::for_config(cfg);
    for _ in 0..opts.repetitions {
        let mut v = Verilated::new(cfg)?;
        let mut out = EngineOutputs::for_config(cfg);
        let t = Instant::now();
        for s in &stimulus {
            v.step_into(s, &mut out);
        }
        best_rust = best_rust.min(t.elapsed().as_secs_f64());
        rust_last = out;

        let mut v = Verilated::new(cfg)?;
        let t = Instant::now();
        for chunk in words.chunks_exact(in_lay.words) {
            v.step_words(chunk);
        }
        best_words = best_words.min(t.elapsed().as_secs_f64());
    }
    let mut expected = EngineOutputs::for_config(cfg);
    if cpp_last.len() != out_lay.words {
        return Err(SimError::Scenario(
            "C++ harness reported the wrong output width".into(),
        ));
    }
    out_lay.unpack_outputs(&cpp_last, &mut expected);
    if expected != rust_last {
        return Err(SimError::Scenario(
            "C++ harness and Rust-driven Verilator ended in different outputs".into(),
        ));
    }
    Ok(FfiSpeed {
        cycles,
        rust_over_cpp: best_rust / best_cpp,
        rust_words_over_cpp: best_words / best_cpp,
        cpp_cycles_per_second: cycles as f64 / best_cpp,
        rust_cycles_per_second: cycles as f64 / best_rust,
        rust_words_cycles_per_second: cycles as f64 / best_words,
    })
}

/// One APC step response: laser 0 enabled with its fiber confirmed, in
/// APC at `setpoint_mw`, for 800 µs, sampled every microsecond.
pub fn apc_settling(
    cfg: &EngineConfig,
    setpoint_mw: f64,
    seed: u64,
) -> Result<ApcSettling, SimError> {
    use crate::laser::{field_writes, LaserBench};
    use crate::traffic::BusTraffic;
    let map = cfg.register_map();
    let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
    let mut script = Vec::new();
    let raw = (setpoint_mw * 100.0).round() as u64;
    for (t, name, value) in [
        (1, "LaserControlMode", 1),
        (1, "PowerSetpoint", raw),
        (1, "OutputFiberChecked", 1),
        (5, "LaneEnable", 1),
    ] {
        for op in field_writes(&map, name, 0, 0, value) {
            script.push((us(t), op));
        }
    }
    let mut host = BusTraffic::new(cfg, seed, 0).with_script(script);
    let mut lasers = LaserBench::new(cfg, seed);
    lasers.record_every = us(1).max(1);
    let mut model = Model::new(cfg)?;
    model.reset();
    let mut inputs = EngineInputs::for_config(cfg);
    let mut out = EngineOutputs::for_config(cfg);
    for cycle in 0..us(800) {
        host.drive(cycle, &out.clone(), &mut inputs);
        lasers.drive(cycle, &out.clone(), &mut inputs);
        model.step_into(&inputs, &mut out);
    }
    let trace = &lasers.trace[0];
    let t_us = |c: u64| c as f64 * 1e6 / cfg.clock_hz as f64;
    let start = us(5);
    let band = setpoint_mw * 0.02;
    let last_out = trace
        .iter()
        .rposition(|s| s.cycle >= start && (s.power_mw - setpoint_mw).abs() > band);
    let settling_us = match last_out {
        Some(i) if i + 1 < trace.len() => Some(t_us(trace[i + 1].cycle - start)),
        Some(_) => None,
        None => Some(0.0),
    };
    let overshoot_mw = trace
        .iter()
        .filter(|s| s.cycle >= start)
        .map(|s| s.power_mw - setpoint_mw)
        .fold(0.0, f64::max);
    Ok(ApcSettling {
        setpoint_mw,
        settling_us,
        overshoot_mw,
        final_mw: trace.last().map_or(0.0, |s| s.power_mw),
    })
}

fn tempfile_path(stem: &str) -> std::path::PathBuf {
    std::env::temp_dir().join(format!("{stem}-{}.bin", std::process::id()))
}

/// Runs every measurement the build supports.
pub fn run_bench(cfg: &EngineConfig, opts: &BenchOptions) -> Result<BenchReport, SimError> {
    let mut engines = BTreeMap::new();
    let have_verilator = verilated::availability().is_ok();
    for kind in EngineKind::ALL {
        if kind == EngineKind::Verilator && !have_verilator {
            continue;
        }
        let cycles = if kind == EngineKind::RustHdl {
            opts.rusthdl_cycles
        } else {
            opts.cycles
        };
        let mut best = 0f64;
        for _ in 0..opts.repetitions {
            best = best.max(engine_speed(kind, cfg, cycles, opts.seed)?);
        }
        engines.insert(
            kind.name().to_string(),
            EngineSpeed {
                cycles,
                cycles_per_second: best,
            },
        );
    }
    let ffi = if have_verilator {
        Some(ffi_speed(cfg, opts)?)
    } else {
        None
    };
    let model_over_verilator = match (engines.get("model"), engines.get("verilator")) {
        (Some(m), Some(v)) => Some(m.cycles_per_second / v.cycles_per_second),
        _ => None,
    };
    let apc = [20.0, 40.0, 60.0, 80.0, 100.0]
        .iter()
        .map(|&mw| apc_settling(cfg, mw, opts.seed))
        .collect::<Result<Vec<_>, _>>()?;
    let profile = if opts.profile {
        Some(profile(cfg, opts)?)
    } else {
        None
    };
    let latency_kind = if have_verilator {
        EngineKind::Verilator
    } else {
        EngineKind::Model
    };
    let latency_cycles = crate::lane_modes::measure_latencies(cfg, latency_kind, opts.seed)?
        .into_iter()
        .map(|(mode, k)| (mode.name().to_string(), k))
        .collect();
    Ok(BenchReport {
        engines,
        apc,
        ffi,
        model_over_verilator,
        lanes: cfg.lanes,
        repetitions: opts.repetitions,
        profile,
        latency_cycles,
        latency_engine: latency_kind.name().to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The fit recovers a known line, and refuses a single lane count.
    #[test]
    fn cost_fit_is_least_squares() {
        // (0,1), (1,3), (2,2): mean x 1, mean y 2, Sxx 2, Sxy 1 by hand,
        // so the slope is 1/2 and the intercept 3/2.
        let (a, b) = fit_line(&[(0.0, 1.0), (1.0, 3.0), (2.0, 2.0)]).unwrap();
        assert!(
            (a - 1.5).abs() < 1e-12 && (b - 0.5).abs() < 1e-12,
            "{a} {b}"
        );
        let exact = [(1.0, 12.0), (2.0, 14.0), (4.0, 18.0)];
        let (a, b) = fit_line(&exact).unwrap();
        assert!((a - 10.0).abs() < 1e-9 && (b - 2.0).abs() < 1e-9);
        assert!(fit_line(&[(8.0, 1.0), (8.0, 2.0)]).is_none());
    }
}
