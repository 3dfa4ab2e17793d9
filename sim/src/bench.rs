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

use crate::scenario::{PrbsPlan, PrbsScenario};
use crate::verilated::{self, Verilated};
use crate::{build_engine, EngineKind, Lockstep, LockstepOptions, SimError, Stimulus};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::Write;
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
}

/// What to measure.
#[derive(Debug, Clone)]
pub struct BenchOptions {
    pub cycles: u64,
    /// Cycles for rust-hdl, which is thousands of times slower.
    pub rusthdl_cycles: u64,
    pub repetitions: usize,
    pub seed: u64,
}

impl Default for BenchOptions {
    fn default() -> Self {
        Self {
            cycles: 1_000_000,
            rusthdl_cycles: 20_000,
            repetitions: 3,
            seed: 1,
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
    let mut sc = PrbsScenario::new(PrbsPlan::default_for(cfg.lanes, seed), cfg.lanes)?;
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
    let mut sc = PrbsScenario::new(PrbsPlan::default_for(cfg.lanes, seed), cfg.lanes)?;
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

fn ffi_speed(cfg: &EngineConfig, opts: &BenchOptions) -> Result<FfiSpeed, SimError> {
    let harness = verilated::cpp_bench_harness()
        .ok_or_else(|| SimError::NoVerilator("no C++ bench harness in this build".into()))?;
    let cycles = opts.cycles;
    let stimulus = record(cfg, cycles, opts.seed)?;
    let in_lay = WordLayout::inputs(cfg.lanes, cfg.laser_lanes);
    let out_lay = WordLayout::outputs(cfg.lanes, cfg.laser_lanes);
    let mut words = vec![0u64; in_lay.words * stimulus.len()];
    for (i, s) in stimulus.iter().enumerate() {
        in_lay.pack_inputs(s, &mut words[i * in_lay.words..(i + 1) * in_lay.words]);
    }
    let file = tempfile_path("xpo-bench-stimulus");
    {
        let mut f = std::fs::File::create(&file).map_err(|source| SimError::Io {
            path: file.clone(),
            source,
        })?;
        let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
        f.write_all(&bytes).map_err(|source| SimError::Io {
            path: file.clone(),
            source,
        })?;
    }
    let mut best_cpp = f64::MAX;
    let mut cpp_last: Vec<u64> = Vec::new();
    for _ in 0..opts.repetitions {
        let out = Command::new(harness)
            .arg(&file)
            .output()
            .map_err(|source| SimError::Io {
                path: harness.to_path_buf(),
                source,
            })?;
        if !out.status.success() {
            return Err(SimError::Scenario(format!(
                "C++ bench harness failed: {}",
                String::from_utf8_lossy(&out.stderr)
            )));
        }
        let v: serde_json::Value = serde_json::from_slice(&out.stdout)
            .map_err(|e| SimError::Scenario(format!("C++ bench harness output: {e}")))?;
        best_cpp = best_cpp.min(v["seconds"].as_f64().unwrap_or(f64::MAX));
        cpp_last = v["last_outputs"]
            .as_array()
            .map(|a| a.iter().filter_map(|x| x.as_u64()).collect())
            .unwrap_or_default();
    }
    let _ = std::fs::remove_file(&file);

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
    Ok(BenchReport {
        engines,
        apc,
        ffi,
        model_over_verilator,
        lanes: cfg.lanes,
        repetitions: opts.repetitions,
    })
}
