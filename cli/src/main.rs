//! `xpo`: Verilog generation, lockstep comparison runs and benchmarks for the
//! XPO optical engine's digital core.
//!
//! Exit codes: 0 success, 1 a run found a divergence or a failed check,
//! 2 bad input or an environment problem (the message says what and where).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use serde_json::json;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
mod picture;

use xpo_sim::bench::{run_bench, BenchOptions};
use xpo_sim::scenario::{PrbsPlan, PrbsScenario};
use xpo_sim::traffic::{Both, BusTraffic};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions, Verilated};
use xpo_spec::EngineConfig;

#[derive(Parser)]
#[command(
    name = "xpo",
    version,
    about = "XPO optical engine co-design kit: emit Verilog, cross-check engines, benchmark"
)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Write the Verilog (one .v file), a file list (.f) and the config used.
    Emit {
        /// Output directory (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Engine configuration (TOML); the defaults otherwise.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Run the built-in scenario in lockstep on several engines.
    Run {
        /// Cycles to run.
        #[arg(long, default_value_t = 120_000)]
        cycles: u64,
        /// Seed of the line models (bit errors, gearbox gaps).
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Engines, comma separated; the first is the reference whose outputs
        /// drive the stimulus.
        #[arg(long, default_value = "model,rusthdl,verilator")]
        engines: String,
        /// Engine configuration (TOML).
        #[arg(long)]
        config: Option<PathBuf>,
        /// Where to write the waveform of a divergence.
        #[arg(long, default_value = "xpo-divergence.vcd")]
        wave: PathBuf,
        /// Also dump every signal of the Verilated design to this VCD file
        /// (needs `verilator` among the engines; large for long runs).
        #[arg(long)]
        trace: Option<PathBuf>,
        /// One JSON object on stdout instead of the summary.
        #[arg(long)]
        json: bool,
        /// Where to draw the lasers' bias and power against time (SVG).
        #[arg(long, default_value = "xpo-lasers.svg")]
        svg: PathBuf,
        /// The laser scenario: one bring-up with an interlock pulse, or a
        /// soak campaign of 1.8 ms rounds each ending with the three faults.
        #[arg(long, value_enum, default_value_t = LaserScenario::BringUp)]
        lasers: LaserScenario,
    },
    /// Export the CMIS/ELSFP register map (JSON, Markdown, C header, SystemRDL).
    Regmap {
        /// json, md, c or rdl.
        #[arg(long)]
        format: String,
        /// Write here instead of stdout.
        #[arg(long)]
        out: Option<PathBuf>,
        /// Engine configuration (TOML): lane counts and identity strings.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Measure engine speeds and the Rust/C++ cost of driving Verilator.
    Bench {
        /// Write the results here as JSON.
        #[arg(long)]
        json: PathBuf,
        /// Cycles per measurement (model, Verilator, FFI).
        #[arg(long, default_value_t = 1_000_000)]
        cycles: u64,
        /// Cycles for the rust-hdl engine.
        #[arg(long, default_value_t = 20_000)]
        rusthdl_cycles: u64,
        /// Repetitions; the best is kept.
        #[arg(long, default_value_t = 3)]
        repetitions: usize,
        /// Engine configuration (TOML).
        #[arg(long)]
        config: Option<PathBuf>,
    },
}

/// The laser scenarios of `xpo run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LaserScenario {
    /// `xpo_sim::lasers::default_bring_up`.
    BringUp,
    /// `xpo_sim::lasers::fault_campaign`.
    Campaign,
}

fn load_config(path: Option<&Path>) -> Result<EngineConfig> {
    Ok(match path {
        Some(p) => EngineConfig::from_file(p)?,
        None => EngineConfig::default(),
    })
}

/// Writes `files` into `dir` so that either all appear or none change: each
/// goes to a temporary name first and is renamed once all are written.
fn write_all_or_nothing(dir: &Path, files: &[(&str, String)]) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let mut staged = Vec::new();
    for (name, text) in files {
        let tmp = dir.join(format!(".{name}.tmp"));
        if let Err(e) = std::fs::write(&tmp, text) {
            for (t, _) in &staged {
                let _ = std::fs::remove_file(t);
            }
            return Err(e).with_context(|| format!("writing {}", tmp.display()));
        }
        staged.push((tmp, dir.join(name)));
    }
    for (tmp, dest) in staged {
        std::fs::rename(&tmp, &dest).with_context(|| format!("writing {}", dest.display()))?;
    }
    Ok(())
}

/// Writes one file atomically (see [`write_all_or_nothing`]).
fn write_file(path: &Path, text: String) -> Result<()> {
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    let name = path
        .file_name()
        .with_context(|| format!("{}: not a file name", path.display()))?
        .to_string_lossy()
        .to_string();
    write_all_or_nothing(dir, &[(name.as_str(), text)])
}

fn emit(out: &Path, config: Option<&Path>) -> Result<u8> {
    let cfg = load_config(config)?;
    let v = xpo_hdl::emit_verilog(&cfg)?;
    let vname = format!("{}.v", v.top);
    write_all_or_nothing(
        out,
        &[
            (vname.as_str(), v.verilog.clone()),
            (&format!("{}.f", v.top), format!("{vname}\n")),
            ("xpo.toml", cfg.to_toml()),
        ],
    )?;
    eprintln!(
        "wrote {}/{{{vname}, {}.f, xpo.toml}} ({} lanes, top module {})",
        out.display(),
        v.top,
        cfg.lanes,
        v.top
    );
    Ok(0)
}

/// Each laser lane as the host sees it, read over AXI from `engine` as a run
/// left it (`outputs`: its last outputs): state, fault code, monitors,
/// setpoints and the latched threshold flags (reading clears them).
fn laser_report(
    engine: Box<dyn xpo_spec::Engine>,
    outputs: &xpo_spec::EngineOutputs,
    cfg: &xpo_spec::EngineConfig,
) -> Result<(Vec<serde_json::Value>, serde_json::Value)> {
    let mut host = xpo_host::mgmt::Driver::new(
        xpo_sim::mgmt_bus::EngineAxi::attach(engine, outputs.clone()),
        cfg.register_map(),
    );
    let mut lasers = Vec::new();
    for g in 0..cfg.laser_lanes {
        let mut read = |name: &str| {
            host.read_field(name, g)
                .with_context(|| format!("reading {name} of laser {g}"))
        };
        let mut flags = serde_json::Map::new();
        for (key, field) in [
            ("bias_high_alarm", "LLaserBiasHighAlarm"),
            ("bias_low_alarm", "LLaserBiasLowAlarm"),
            ("bias_high_warning", "LLaserBiasHighWarning"),
            ("bias_low_warning", "LLaserBiasLowWarning"),
            ("power_high_alarm", "LLaserPowerHighAlarm"),
            ("power_low_alarm", "LLaserPowerLowAlarm"),
            ("power_high_warning", "LLaserPowerHighWarning"),
            ("power_low_warning", "LLaserPowerLowWarning"),
        ] {
            flags.insert(key.into(), json!(read(field)? == 1));
        }
        let state = read("LaneState")?;
        let state = ["off", "ramping", "on"]
            .get(state as usize)
            .copied()
            .unwrap_or("reserved");
        lasers.push(json!({
            "lane": g,
            "state": state,
            "fault_code": read("LaserFaultCode")?,
            "bias_monitor_ma": read("BiasMonitor")? as f64 / 10.0,
            "power_monitor_mw": read("PowerMonitor")? as f64 / 100.0,
            "power_setpoint_mw": read("PowerSetpoint")? as f64 / 100.0,
            "bias_setpoint_ma": read("BiasSetpoint")? as f64 / 10.0,
            "voltage_monitor_v": read("LaneVoltageMonitor")? as f64 * 0.015,
            "warning_code": read("LaserWarningCode")?,
            "fault_flag": read("LaneFaultFlags")? == 1,
            "warning_flag": read("LaneWarningFlags")? == 1,
            "flags": flags,
        }));
    }
    // The module monitors (lower page 14..17) and their flags (byte 9),
    // and each bank's lane summary (1Ah:165).
    let mut read = |name: &str, lane: usize| {
        host.read_field(name, lane)
            .with_context(|| format!("reading {name}"))
    };
    let mut flags = serde_json::Map::new();
    for (key, field) in [
        ("temperature_high_alarm", "LTempHighAlarm"),
        ("temperature_low_alarm", "LTempLowAlarm"),
        ("temperature_high_warning", "LTempHighWarning"),
        ("temperature_low_warning", "LTempLowWarning"),
        ("vcc_high_alarm", "LVccHighAlarm"),
        ("vcc_low_alarm", "LVccLowAlarm"),
        ("vcc_high_warning", "LVccHighWarning"),
        ("vcc_low_warning", "LVccLowWarning"),
    ] {
        flags.insert(key.into(), json!(read(field, 0)? == 1));
    }
    let mut summaries = Vec::new();
    for bank in 0..cfg.laser_lanes.div_ceil(8) {
        summaries.push(json!({
            "bank": bank,
            "any_fault": read("LaneFaultSummary", bank)? == 1,
            "any_warning": read("LaneWarningSummary", bank)? == 1,
        }));
    }
    let module = json!({
        "temperature_c": read("TemperatureMonitor", 0)? as u16 as i16 as f64 / 256.0,
        "vcc_v": read("VccMonitor", 0)? as f64 / 10_000.0,
        "flags": flags,
        "laser_summary": summaries,
    });
    Ok((lasers, module))
}

/// Arguments of `xpo run`.
struct RunArgs<'a> {
    cycles: u64,
    seed: u64,
    engines: &'a str,
    config: Option<&'a Path>,
    wave: &'a Path,
    trace: Option<&'a Path>,
    as_json: bool,
    svg: &'a Path,
    lasers: LaserScenario,
}

fn run(a: RunArgs) -> Result<u8> {
    let RunArgs {
        cycles,
        seed,
        engines,
        config,
        wave,
        trace,
        as_json,
        svg,
        lasers: laser_scenario,
    } = a;
    let cfg = load_config(config)?;
    let kinds = EngineKind::parse_list(engines)?;
    if trace.is_some() && !kinds.contains(&EngineKind::Verilator) {
        bail!("--trace dumps the Verilated design: add verilator to --engines");
    }
    let mut built: Vec<Box<dyn xpo_spec::Engine>> = Vec::new();
    for k in &kinds {
        let context = || format!("building the {} engine", k.name());
        match (k, trace) {
            (EngineKind::Verilator, Some(path)) => {
                let mut v = Verilated::new(&cfg).with_context(context)?;
                v.trace(path)?;
                built.push(Box::new(v));
            }
            _ => built.push(build_engine(*k, &cfg).with_context(context)?),
        }
    }
    let mut scenario = PrbsScenario::new(PrbsPlan::default_for(cfg.lanes, seed), cfg.lanes)?;
    // Management transactions run alongside on both buses: AXI4-Lite
    // back to back with random gaps and back-pressure, I2C transfers with
    // idle time between them.
    // The lasers: a host brings every lane up over AXI (APC, fibre check,
    // ramp), the interlock pulses while they are on, the host re-enables
    // them; random traffic leaves the laser pages' writes to that script.
    let (script, mut lasers, campaign) = match laser_scenario {
        LaserScenario::BringUp => {
            let (script, bench) = xpo_sim::lasers::default_bring_up(&cfg, seed);
            (script, bench, None)
        }
        LaserScenario::Campaign => {
            let (script, bench, plan) = xpo_sim::lasers::fault_campaign(&cfg, seed, cycles);
            (script, bench, Some(plan))
        }
    };
    lasers.record_every = cfg.cycles_for_ns(1_000).max(1);
    let mut traffic = BusTraffic::new(&cfg, seed, u64::MAX)
        .with_script(script)
        .sparing(&[0x1A, 0x1B]);
    let mut lockstep = Lockstep::new(built);
    let opts = LockstepOptions {
        cycles,
        wave_path: Some(wave.to_path_buf()),
        ..Default::default()
    };
    let bar = ProgressBar::new(cycles);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} cycles {wide_bar} {eta}")
            .expect("valid template"),
    );
    let result = lockstep.run_with_progress(
        &mut Both(&mut Both(&mut scenario, &mut traffic), &mut lasers),
        &opts,
        &mut |c| bar.set_position(c),
    );
    let management = traffic.report();
    bar.finish_and_clear();
    picture::bring_up_svg(svg, &lasers.trace, cfg.clock_hz)
        .with_context(|| format!("drawing {}", svg.display()))?;
    let reference = lockstep
        .into_engines()
        .into_iter()
        .next()
        .expect("at least one engine");
    let (laser_json, module_json) = laser_report(reference, &result.last_outputs, &cfg)?;
    let lanes = scenario.report(&result.last_outputs);
    let count_mismatch: Vec<usize> = lanes
        .iter()
        .enumerate()
        .filter(|(_, l)| l.errors_counted != l.errors_injected || !l.locked)
        .map(|(i, _)| i)
        .collect();
    let failed =
        result.divergence.is_some() || !count_mismatch.is_empty() || !lasers.violations.is_empty();
    let cps: serde_json::Map<String, serde_json::Value> = result
        .cycles_per_second()
        .into_iter()
        .map(|(n, v)| (n, json!(v)))
        .collect();
    if as_json {
        let lane_json: Vec<_> = lanes
            .iter()
            .enumerate()
            .map(|(i, l)| {
                json!({
                    "lane": i,
                    "pattern": l.pattern,
                    "bits_checked": l.bits_checked,
                    "errors_injected": l.errors_injected,
                    "errors_counted": l.errors_counted,
                    "locked": l.locked,
                    "ber_configured": l.ber_configured,
                    "ber_measured": l.ber_measured,
                })
            })
            .collect();
        let divergence = result.divergence.as_ref().map(|d| {
            json!({
                "cycle": d.cycle,
                "place": d.place.to_string(),
                "lane": match d.place { xpo_spec::Place::Lane(l) => Some(l), _ => None },
                "port": d.port,
                "values": d.values.iter().map(|(n, v)| (n.clone(), json!(format!("{v:#x}")))).collect::<serde_json::Map<_, _>>(),
                "wave": d.wave,
                "report": d.to_string(),
            })
        });
        let doc = json!({
            "cycles": result.cycles,
            "engines": kinds.iter().map(|k| k.name()).collect::<Vec<_>>(),
            "divergences": result.divergence.is_some() as u32,
            "divergence": divergence,
            "cycles_per_second": cps,
            "lanes": lane_json,
            "management": {
                "transactions": management.transactions,
                "i2c_transactions": management.i2c_transactions,
                "axi_transactions": management.axi_transactions,
                "i2c_aborted": management.i2c_aborted,
                "i2c_other_address": management.i2c_other_address,
                "reads": management.reads,
                "writes": management.writes,
                "refused": management.refused,
                "module_states": management.module_states,
                "divergences": result.divergence.as_ref().is_some_and(|d| d.place == xpo_spec::Place::Management) as u32,
            },
            "lasers": laser_json,
            "module_monitors": module_json,
            "laser_picture": svg,
            "laser_safety": {
                "violations": lasers.violations,
                "interlock_cycles": lasers.interlock_cycles,
                "dark_until_reenabled": lasers.dark_latches,
            },
            "laser_campaign": campaign,
            "count_mismatch_lanes": count_mismatch,
            "seed": seed,
            "config": cfg,
        });
        let mut out = std::io::stdout().lock();
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        println!(
            "xpo run: {} cycles x {} lanes on {} (seed {seed})",
            result.cycles,
            cfg.lanes,
            kinds
                .iter()
                .map(|k| k.name())
                .collect::<Vec<_>>()
                .join(", ")
        );
        for (n, v) in result.cycles_per_second() {
            println!("  {n:>9}: {v:>12.0} cycles/s");
        }
        println!("  lane  pattern            locked  bits checked   injected    counted  BER");
        for (i, l) in lanes.iter().enumerate() {
            println!(
                "  {i:>4}  {:<17}  {:<6}  {:>12}  {:>9}  {:>9}  {:.2e}",
                l.pattern,
                if l.locked { "yes" } else { "NO" },
                l.bits_checked,
                l.errors_injected,
                l.errors_counted,
                l.ber_measured
            );
        }
        println!(
            "  management: {} transactions ({} I2C, {} of them aborted mid-byte; {} AXI4-Lite), {} byte reads, {} byte writes, {} AXI accesses refused as the map requires; module states read: {}",
            management.transactions,
            management.i2c_transactions,
            management.i2c_aborted,
            management.axi_transactions,
            management.reads,
            management.writes,
            management.refused,
            management.module_states.join(", ")
        );
        println!("  laser  state    fault  bias (mA)  power (mW)  setpoint (mW)");
        for l in &laser_json {
            println!(
                "  {:>5}  {:<7}  {:>5}  {:>9.1}  {:>10.2}  {:>13.2}",
                l["lane"],
                l["state"].as_str().unwrap_or(""),
                l["fault_code"],
                l["bias_monitor_ma"].as_f64().unwrap_or(0.0),
                l["power_monitor_mw"].as_f64().unwrap_or(0.0),
                l["power_setpoint_mw"].as_f64().unwrap_or(0.0)
            );
        }
        println!(
            "  module: {:.2} degC, {:.4} V",
            module_json["temperature_c"].as_f64().unwrap_or(0.0),
            module_json["vcc_v"].as_f64().unwrap_or(0.0)
        );
        println!("  laser bring-up picture: {}", svg.display());
        println!(
            "  laser safety: {} violations, interlock asserted {} cycles, {} lanes kept dark until re-enabled",
            lasers.violations.len(),
            lasers.interlock_cycles,
            lasers.dark_latches
        );
        for v in &lasers.violations {
            println!("    {v}");
        }
        match &result.divergence {
            Some(d) => print!("{d}"),
            None => println!("no divergence: every output of every engine agreed on every cycle"),
        }
        if !count_mismatch.is_empty() {
            println!("lanes whose counted errors differ from the injected ones, or not locked: {count_mismatch:?}");
        }
    }
    Ok(if failed { 1 } else { 0 })
}

fn bench(
    json_path: &Path,
    cycles: u64,
    rusthdl_cycles: u64,
    repetitions: usize,
    config: Option<&Path>,
) -> Result<u8> {
    let cfg = load_config(config)?;
    if cycles == 0 || rusthdl_cycles == 0 || repetitions == 0 {
        bail!("--cycles, --rusthdl-cycles and --repetitions must be at least 1");
    }
    let opts = BenchOptions {
        cycles,
        rusthdl_cycles,
        repetitions,
        ..Default::default()
    };
    let report = run_bench(&cfg, &opts)?;
    let text = serde_json::to_string_pretty(&report)? + "\n";
    write_file(json_path, text.clone()).context("--json")?;
    print!("{text}");
    Ok(0)
}

fn regmap(format: &str, out: Option<&Path>, config: Option<&Path>) -> Result<u8> {
    let cfg = load_config(config)?;
    let format: xpo_export::Format = format.parse()?;
    let text = xpo_export::export(&cfg, format);
    match out {
        None => print!("{text}"),
        Some(path) => write_file(path, text).context("--out")?,
    }
    Ok(0)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match &cli.command {
        Cmd::Emit { out, config } => emit(out, config.as_deref()),
        Cmd::Run {
            cycles,
            seed,
            engines,
            config,
            wave,
            trace,
            json,
            svg,
            lasers,
        } => run(RunArgs {
            cycles: *cycles,
            seed: *seed,
            engines,
            config: config.as_deref(),
            wave,
            trace: trace.as_deref(),
            as_json: *json,
            svg,
            lasers: *lasers,
        }),
        Cmd::Regmap {
            format,
            out,
            config,
        } => regmap(format, out.as_deref(), config.as_deref()),
        Cmd::Bench {
            json,
            cycles,
            rusthdl_cycles,
            repetitions,
            config,
        } => bench(
            json,
            *cycles,
            *rusthdl_cycles,
            *repetitions,
            config.as_deref(),
        ),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("xpo: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
