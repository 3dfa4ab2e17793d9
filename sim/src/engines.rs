//! Building engines by name.

use crate::{SimError, Verilated};
use std::str::FromStr;
use xpo_hdl::RustHdlEngine;
use xpo_host::Model;
use xpo_spec::{Engine, EngineConfig};

/// The three implementations of the engine.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum EngineKind {
    /// The host-side reference model (`xpo-host`).
    Model,
    /// The rust-hdl description stepped directly (`xpo-hdl`).
    RustHdl,
    /// The emitted Verilog under Verilator.
    Verilator,
}

impl EngineKind {
    pub const ALL: [EngineKind; 3] = [
        EngineKind::Model,
        EngineKind::RustHdl,
        EngineKind::Verilator,
    ];

    pub fn name(self) -> &'static str {
        match self {
            EngineKind::Model => "model",
            EngineKind::RustHdl => "rusthdl",
            EngineKind::Verilator => "verilator",
        }
    }

    /// Parses a comma-separated list such as `model,verilator`.
    pub fn parse_list(s: &str) -> Result<Vec<Self>, SimError> {
        let mut v = Vec::new();
        for part in s.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let k = part.parse()?;
            if !v.contains(&k) {
                v.push(k);
            }
        }
        if v.is_empty() {
            return Err(SimError::UnknownEngine(s.to_string()));
        }
        Ok(v)
    }
}

impl FromStr for EngineKind {
    type Err = SimError;
    fn from_str(s: &str) -> Result<Self, SimError> {
        match s.to_ascii_lowercase().as_str() {
            "model" => Ok(EngineKind::Model),
            "rusthdl" | "rust-hdl" => Ok(EngineKind::RustHdl),
            "verilator" | "rtl" => Ok(EngineKind::Verilator),
            _ => Err(SimError::UnknownEngine(s.to_string())),
        }
    }
}

/// A fresh engine of `kind` for `cfg`, in its reset state.
pub fn build_engine(kind: EngineKind, cfg: &EngineConfig) -> Result<Box<dyn Engine>, SimError> {
    Ok(match kind {
        EngineKind::Model => Box::new(Model::new(cfg)?),
        EngineKind::RustHdl => Box::new(RustHdlEngine::new(cfg)?),
        EngineKind::Verilator => Box::new(Verilated::new(cfg)?),
    })
}
