//! `xpo`: Verilog generation, lockstep comparison runs and benchmarks for the
//! XPO optical engine's digital core.
//!
//! Exit codes: 0 success, 1 a run found a divergence or a failed check,
//! 2 bad input or an environment problem (the message says what and where).

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
mod compare;
mod files;
mod picture;
mod regress;
mod render;
mod serve;

use files::{write_all_or_nothing, write_file};
use xpo_sim::bench::{run_bench, BenchOptions};
use xpo_sim::run::{DataPathHost, LaneTraffic, LaserScenario, RunSpec, Stimuli};
use xpo_sim::EngineKind;
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
    Run(RunArgs),
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
        /// Also write the figures as a Markdown section (the tables of
        /// `docs/measurements.md`).
        #[arg(long)]
        markdown: Option<PathBuf>,
        /// Also synthesise the engine with Yosys `synth_xilinx` in this
        /// directory and add `qor` to the JSON: LUTs, flip-flops and block
        /// RAMs of the whole engine and of one data lane, and the logic
        /// levels and ends of the longest path (minutes: `xpo fpga
        /// --no-ecp5` does the same alone).
        #[arg(long)]
        qor: Option<PathBuf>,
        /// Keep the recorded stimulus (INPUT_WORDS little-endian u64 words
        /// per cycle) here: another build's C++ harness
        /// (`xpo-verilator-bench FILE`) replays exactly these cycles.
        #[arg(long)]
        save_stimulus: Option<PathBuf>,
        /// Also profile the cost per lane: every engine at 1, 8 and 16 data
        /// lanes (Verilator through models built for each lane count, cached
        /// under ~/.cache/xpo/verilator; minutes the first time), with the
        /// Verilated model's instructions per cycle when valgrind is
        /// installed.
        #[arg(long)]
        profile: bool,
    },
    /// FPGA quality of results: Yosys synth_ecp5 + nextpnr-ecp5 (Fmax,
    /// utilisation, critical path on an LFE5UM-85F) and Yosys synth_xilinx
    /// (LUTs, flip-flops, logic levels), on the engine behind a shift-register
    /// pin wrapper. Exits 1 when ECP5 Fmax is below --min-mhz.
    Fpga(FpgaArgs),
    /// Run many seeds, each an `xpo run` picked by its seed (lane traffic,
    /// laser scenario, data-path host) or a random scenario under `xpo
    /// compare`, `--jobs` at a time; JUnit and JSON reports with functional
    /// coverage, and for each failure the one command that reproduces it.
    /// Exits 1 when any seed fails.
    Regress(regress::RegressArgs),
    /// Run a scenario file (TOML: configuration, a timeline of register
    /// accesses, pins, physics and channel events, and expectations) in
    /// lockstep on the engines. Exits 0 when it passes, 1 on a divergence
    /// or a failed expectation, 2 on a malformed scenario (file:line:col).
    Compare(compare::CompareArgs),
    /// Serve the simulated engine as a virtual module: the management
    /// memory over a TCP line protocol (R, W, PIN, EVENT, STEP, TIME; see
    /// the README), every access real I2C transactions on the RTL's pins,
    /// the engine running free so timers elapse while a host waits.
    Serve(serve::ServeArgs),
}

/// Arguments of `xpo fpga`.
#[derive(clap::Args)]
struct FpgaArgs {
    /// Write the results here as JSON (`{"qor": ...}`).
    #[arg(long)]
    json: PathBuf,
    /// Work directory: the design, tool logs and reports stay there.
    #[arg(long, default_value = "xpo-fpga")]
    dir: PathBuf,
    /// Engine configuration (TOML); the defaults otherwise.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Override the configuration's data lanes.
    #[arg(long)]
    lanes: Option<usize>,
    /// Override the configuration's laser lanes.
    #[arg(long)]
    laser_lanes: Option<usize>,
    /// Target clock for nextpnr, MHz.
    #[arg(long, default_value_t = 156.25)]
    target_mhz: f64,
    /// Exit 1 when the ECP5 Fmax is below this (MHz).
    #[arg(long)]
    min_mhz: Option<f64>,
    /// Skip the ECP5 flow.
    #[arg(long)]
    no_ecp5: bool,
    /// Skip the Xilinx synthesis.
    #[arg(long)]
    no_xilinx: bool,
    /// nextpnr placer seed.
    #[arg(long, default_value_t = 1)]
    seed: u64,
}

/// Arguments of `xpo run`.
#[derive(clap::Args)]
struct RunArgs {
    /// Cycles to run.
    #[arg(long, default_value_t = xpo_sim::run::DEFAULT_RUN_CYCLES)]
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
    /// Where to write the waveform of a divergence's window (inputs and
    /// every engine's outputs, VCD).
    #[arg(long, default_value = "xpo-divergence.vcd")]
    divergence_wave: PathBuf,
    /// Also dump every signal of the Verilated design over the run to this
    /// file: FST for `.fst`, VCD for `.vcd` (needs `verilator` among the
    /// engines; the traced model is built on first use and cached).
    #[arg(long, alias = "trace")]
    wave: Option<PathBuf>,
    /// One JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Where to draw the lasers' bias and power against time (SVG).
    #[arg(long, default_value = "xpo-lasers.svg")]
    svg: PathBuf,
    /// The laser scenario: one bring-up with an interlock pulse, or a
    /// soak campaign of 1.8 ms rounds each ending with the three faults.
    #[arg(long, value_enum, default_value_t = LaserArg::BringUp)]
    lasers: LaserArg,
    /// What the data lanes carry: 64b/66b traffic through both retimer
    /// directions (reported under `retimer`), or the media-side PRBS
    /// generator looped to its checker (reported under `lanes`).
    #[arg(long, value_enum, default_value_t = LaneTrafficArg::Retimer)]
    lane_traffic: LaneTrafficArg,
    /// Who brings the data paths up under retimer traffic: a CMIS host
    /// over I2C in SONiC's order (reported under `data_path_bring_up`),
    /// or nobody (the reset values bring them up).
    #[arg(long, value_enum, default_value_t = DataPathArg::CmisI2c)]
    data_path: DataPathArg,
    /// Under retimer traffic, set vendor page 80h RxLinkDeskew on every
    /// lane: the host outputs carry the receive link deskewed and
    /// reordered, checked row by row against the rows sent (reported
    /// under `rx_link_rows`).
    #[arg(long)]
    rx_deskew: bool,
}

/// Who brings the data paths up in `xpo run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum DataPathArg {
    CmisI2c,
    Reset,
}

impl From<DataPathArg> for DataPathHost {
    fn from(a: DataPathArg) -> Self {
        match a {
            DataPathArg::CmisI2c => DataPathHost::CmisI2c,
            DataPathArg::Reset => DataPathHost::Reset,
        }
    }
}

/// The data-lane traffic of `xpo run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LaneTrafficArg {
    Retimer,
    Prbs,
}

impl From<LaneTrafficArg> for LaneTraffic {
    fn from(a: LaneTrafficArg) -> Self {
        match a {
            LaneTrafficArg::Retimer => LaneTraffic::Retimer,
            LaneTrafficArg::Prbs => LaneTraffic::Prbs,
        }
    }
}

/// The laser scenarios of `xpo run`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum LaserArg {
    /// `xpo_sim::laser::default_bring_up`.
    BringUp,
    /// `xpo_sim::laser::fault_campaign`.
    Campaign,
}

impl From<LaserArg> for LaserScenario {
    fn from(a: LaserArg) -> Self {
        match a {
            LaserArg::BringUp => LaserScenario::BringUp,
            LaserArg::Campaign => LaserScenario::Campaign,
        }
    }
}

fn load_config(path: Option<&Path>) -> Result<EngineConfig> {
    Ok(match path {
        Some(p) => EngineConfig::from_file(p)?,
        None => EngineConfig::default(),
    })
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

/// `xpo run`'s JSON: the report and where the picture went.
#[derive(serde::Serialize)]
struct RunJson<'a> {
    #[serde(flatten)]
    report: &'a xpo_sim::run::RunReport,
    laser_picture: &'a Path,
    /// `RunReport::failure_reasons` (empty: passed; `xpo regress` reads it).
    failures: Vec<String>,
}

fn run(a: &RunArgs) -> Result<u8> {
    let engines = EngineKind::parse_list(&a.engines)?;
    if a.wave.is_some() && !engines.contains(&EngineKind::Verilator) {
        bail!("--wave dumps the Verilated design: add verilator to --engines");
    }
    let spec = RunSpec {
        config: load_config(a.config.as_deref())?,
        engines,
        seed: a.seed,
        cycles: a.cycles,
        stimuli: Stimuli {
            lasers: a.lasers.into(),
            lanes: a.lane_traffic.into(),
            data_path: a.data_path.into(),
            rx_link_deskew: a.rx_deskew,
            ..Stimuli::default()
        },
        divergence_wave: Some(a.divergence_wave.clone()),
        trace: a.wave.clone(),
    };
    let bar = ProgressBar::new(spec.cycles);
    bar.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} cycles {wide_bar} {eta}")
            .expect("valid template"),
    );
    let report = xpo_sim::run::run_with_progress(&spec, &mut |c| bar.set_position(c));
    bar.finish_and_clear();
    let report = report?;
    picture::bring_up_svg(&a.svg, &report.laser_trace, spec.config.clock_hz)
        .with_context(|| format!("drawing {}", a.svg.display()))?;
    let mut out = std::io::stdout().lock();
    if a.json {
        let doc = RunJson {
            report: &report,
            laser_picture: &a.svg,
            failures: report.failure_reasons(),
        };
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        write!(out, "{}", render::run_summary(&report, &a.svg))?;
    }
    Ok(report.failed() as u8)
}

fn bench(
    json_path: &Path,
    qor_dir: Option<&Path>,
    opts: BenchOptions,
    config: Option<&Path>,
    markdown: Option<&Path>,
) -> Result<u8> {
    let cfg = load_config(config)?;
    if opts.cycles == 0 || opts.rusthdl_cycles == 0 || opts.repetitions == 0 {
        bail!("--cycles, --rusthdl-cycles and --repetitions must be at least 1");
    }
    // The tools are looked for before any measurement runs.
    if qor_dir.is_some() {
        xpo_fpga::xilinx::tool()?;
    }
    let report = run_bench(&cfg, &opts)?;
    let mut value = serde_json::to_value(&report)?;
    if let Some(dir) = qor_dir {
        let opts = xpo_fpga::QorOptions {
            ecp5: false,
            xilinx: true,
            ..Default::default()
        };
        let qor = xpo_fpga::run_qor(&cfg, &opts, dir)?;
        eprint!("{}", render::qor_summary(&qor));
        value["qor"] = serde_json::to_value(qor.xilinx)?;
    }
    let text = serde_json::to_string_pretty(&value)? + "\n";
    write_file(json_path, text.clone()).context("--json")?;
    if let Some(md) = markdown {
        write_file(md, render::bench_markdown(&report)).context("--markdown")?;
    }
    print!("{text}");
    Ok(0)
}

fn fpga(a: &FpgaArgs) -> Result<u8> {
    let mut cfg = load_config(a.config.as_deref())?;
    if let Some(n) = a.lanes {
        cfg.lanes = n;
    }
    if let Some(n) = a.laser_lanes {
        cfg.laser_lanes = n;
    }
    cfg.validate()?;
    if !(a.target_mhz > 0.0 && a.target_mhz.is_finite()) {
        bail!("--target-mhz must be a positive number of MHz");
    }
    if a.no_ecp5 && a.min_mhz.is_some() {
        bail!("--min-mhz needs the ECP5 flow (drop --no-ecp5)");
    }
    let opts = xpo_fpga::QorOptions {
        ecp5: !a.no_ecp5,
        xilinx: !a.no_xilinx,
        target_mhz: a.target_mhz,
        seed: a.seed,
    };
    let qor = xpo_fpga::run_qor(&cfg, &opts, &a.dir)?;
    let text = serde_json::to_string_pretty(&serde_json::json!({ "qor": qor }))? + "\n";
    write_file(&a.json, text).context("--json")?;
    print!("{}", render::qor_summary(&qor));
    Ok(
        match (a.min_mhz, qor.ecp5_meets(a.min_mhz.unwrap_or(0.0))) {
            (Some(_), Some(false)) => 1,
            _ => 0,
        },
    )
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

/// Run-time Verilator builds (another configuration, a traced model) take
/// seconds to minutes: on a terminal they show a spinner with the step and
/// the elapsed time, and leave one line saying what was built where;
/// elsewhere each step is a plain line on standard error.
fn show_model_builds() {
    use xpo_sim::verilated::cache::{set_observer, BuildEvent};
    if !std::io::stderr().is_terminal() {
        set_observer(|e| {
            if !matches!(e, BuildEvent::Reused { .. }) {
                eprintln!("xpo: {e}");
            }
        });
        return;
    }
    let spinner = std::sync::Mutex::new(None::<ProgressBar>);
    set_observer(move |e| {
        let mut s = spinner.lock().unwrap_or_else(|p| p.into_inner());
        match e {
            BuildEvent::Waiting { .. } | BuildEvent::Step { .. } => {
                let bar = s.get_or_insert_with(|| {
                    let b = ProgressBar::new_spinner();
                    b.set_style(
                        ProgressStyle::with_template("{spinner} [{elapsed}] {msg}")
                            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                    );
                    b.enable_steady_tick(std::time::Duration::from_millis(120));
                    b
                });
                bar.set_message(e.to_string());
            }
            BuildEvent::Built { .. } | BuildEvent::Failed { .. } => {
                if let Some(bar) = s.take() {
                    bar.finish_and_clear();
                }
                eprintln!("xpo: {e}");
            }
            BuildEvent::Reused { .. } => {}
        }
    });
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    show_model_builds();
    let result = match &cli.command {
        Cmd::Emit { out, config } => emit(out, config.as_deref()),
        Cmd::Run(args) => run(args),
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
            markdown,
            qor,
            save_stimulus,
            profile,
        } => bench(
            json,
            qor.as_deref(),
            BenchOptions {
                cycles: *cycles,
                rusthdl_cycles: *rusthdl_cycles,
                repetitions: *repetitions,
                save_stimulus: save_stimulus.clone(),
                profile: *profile,
                ..Default::default()
            },
            config.as_deref(),
            markdown.as_deref(),
        ),
        Cmd::Fpga(args) => fpga(args),
        Cmd::Regress(args) => regress::regress(args),
        Cmd::Compare(args) => compare::compare(args),
        Cmd::Serve(args) => serve::serve(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) => {
            eprintln!("xpo: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
