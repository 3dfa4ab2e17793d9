//! Simulation for xpo: the Verilator engine, the engine factory, the lockstep
//! runner that cross-checks engines cycle by cycle, the built-in stimuli,
//! scenarios from TOML files (`xpo compare`), and waveform output for
//! divergences.

pub mod bench;
pub mod coverage;
pub mod engines;
pub mod host_program;
pub mod lane_modes;
pub mod laser;
pub mod lockstep;
pub mod mgmt_bus;
pub mod prbs_loopback;
pub mod regress;
pub mod retimer;
pub mod run;
pub mod scenario;
pub mod shim_gen;
pub mod traffic;
pub mod vbuild;
pub mod verilated;
pub mod wave;

pub use engines::{build_engine, EngineKind};
pub use lockstep::{Divergence, Lockstep, LockstepOptions, RunResult, Stimulus};
pub use verilated::Verilated;

use std::path::PathBuf;

/// Why a simulation could not be set up or run.
#[derive(Debug, thiserror::Error)]
pub enum SimError {
    #[error(transparent)]
    Config(#[from] xpo_spec::ConfigError),
    #[error(transparent)]
    Emit(#[from] xpo_hdl::EmitError),
    /// This build has no Verilator model.
    #[error("the Verilator engine is unavailable: {0}; then rebuild xpo")]
    NoVerilator(String),
    /// Verilator or the C++ compiler a run-time model build needs is
    /// missing (no rebuild of xpo is needed: install it and run again).
    #[error("cannot build a Verilator model: {0}")]
    Toolchain(String),
    /// A waveform file whose format the extension does not name.
    #[error("{0}: a waveform is written as FST (.fst) or VCD (.vcd), chosen by the extension")]
    WaveFormat(PathBuf),
    #[error("cannot open waveform file {0}")]
    Trace(PathBuf),
    #[error("unknown engine `{0}` (expected model, rusthdl or verilator)")]
    UnknownEngine(String),
    #[error("scenario: {0}")]
    Scenario(String),
    /// Building a Verilated model at run time failed (`vbuild`).
    #[error("building a Verilator model failed: {0}")]
    Build(String),
    /// Reading the engine's registers back after a run failed (a hung bus,
    /// a refused access).
    #[error("read-back after the run: {0}")]
    Readback(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}
