//! `Verilated`: the emitted Verilog, compiled by Verilator, as an [`Engine`].
//!
//! The default configuration's fast model is linked into xpo (`build.rs`);
//! every other model (another configuration, or a traced one) is built on
//! first use into a cached shared library (`library`, `cache`) and loaded
//! behind the same cxx bridge, so any configuration runs on Verilator
//! without rebuilding xpo.

pub mod cache;
#[cfg(xpo_verilator)]
mod ffi;
pub mod library;

use crate::shim_gen::Variant;
use crate::SimError;
use std::path::{Path, PathBuf};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, WordLayout};

/// The hardware key (see [`EngineConfig::hardware_key`]) of the model
/// linked into xpo: the default configuration's.
pub const BUILT_HW_KEY: &str = env!("XPO_SIM_HW_KEY");

/// Path of the Verilog the linked model was built from, if there is one.
pub fn built_verilog() -> Option<&'static Path> {
    option_env!("XPO_SIM_VERILOG").map(Path::new)
}

/// Path of the pure C++ bench harness built against the same model.
pub fn cpp_bench_harness() -> Option<&'static Path> {
    option_env!("XPO_CPP_BENCH").map(Path::new)
}

/// Whether this build has a Verilator model, and if not, why.
pub fn availability() -> Result<(), SimError> {
    match option_env!("XPO_SIM_NO_VERILATOR") {
        Some(why) => Err(SimError::NoVerilator(why.to_string())),
        None => Ok(()),
    }
}

/// Where a Verilated engine's model came from.
#[derive(Debug, Clone, PartialEq)]
pub enum ModelOrigin {
    /// The default configuration's fast model, linked into xpo.
    Linked,
    /// A shared library of the run-time cache (`library`).
    Library {
        /// The library loaded.
        path: PathBuf,
        /// Seconds this process spent building it; `None`: it was cached.
        build_seconds: Option<f64>,
    },
}

/// The Verilated RTL.
pub struct Verilated {
    #[cfg(xpo_verilator)]
    sim: cxx::UniquePtr<ffi::bridge::XpoSim>,
    config: EngineConfig,
    origin: ModelOrigin,
    in_layout: WordLayout,
    out_layout: WordLayout,
    in_words: Vec<u64>,
    out_words: Vec<u64>,
}

impl Verilated {
    /// A fresh fast model (built without tracing) for `cfg`: the linked one
    /// for the default hardware, else one from the run-time cache, built
    /// first if this configuration is new.
    pub fn new(cfg: &EngineConfig) -> Result<Self, SimError> {
        cfg.validate()?;
        availability()?;
        if cfg.hardware_key() == BUILT_HW_KEY {
            return Self::build(cfg, ModelOrigin::Linked);
        }
        Self::from_library(cfg, Variant::Fast)
    }

    /// A fresh model that writes every signal in the design to `path` from
    /// its first cycle, as an FST (`.fst`, Verilator's own writer) or a VCD
    /// (`.vcd`): a traced model from the run-time cache, which only
    /// waveform runs pay for.
    pub fn with_trace(cfg: &EngineConfig, path: &Path) -> Result<Self, SimError> {
        let variant = Variant::for_wave(path).ok_or_else(|| SimError::WaveFormat(path.into()))?;
        cfg.validate()?;
        availability()?;
        let mut v = Self::from_library(cfg, variant)?;
        v.open_trace(path)?;
        Ok(v)
    }

    fn from_library(cfg: &EngineConfig, variant: Variant) -> Result<Self, SimError> {
        let lib = library::model_library(cfg, variant)?;
        Self::build(
            cfg,
            ModelOrigin::Library {
                path: lib.path,
                build_seconds: lib.build_seconds,
            },
        )
    }

    /// Where this engine's model came from (and whether it was built now).
    pub fn origin(&self) -> &ModelOrigin {
        &self.origin
    }

    fn build(cfg: &EngineConfig, origin: ModelOrigin) -> Result<Self, SimError> {
        let in_layout = WordLayout::inputs(cfg.lanes, cfg.laser_lanes);
        let out_layout = WordLayout::outputs(cfg.lanes, cfg.laser_lanes);
        #[cfg(xpo_verilator)]
        let sim = match &origin {
            ModelOrigin::Linked => ffi::bridge::new_sim(),
            ModelOrigin::Library { path, .. } => ffi::bridge::open_sim(
                &path.to_string_lossy(),
                &cfg.hardware_key(),
                in_layout.words,
                out_layout.words,
            )
            .map_err(|e| SimError::Build(e.what().to_string()))?,
        };
        let mut engine = Self {
            #[cfg(xpo_verilator)]
            sim,
            config: cfg.clone(),
            origin,
            in_words: vec![0; in_layout.words],
            out_words: vec![0; out_layout.words],
            in_layout,
            out_layout,
        };
        engine.reset();
        Ok(engine)
    }

    fn open_trace(&mut self, path: &Path) -> Result<(), SimError> {
        #[cfg(xpo_verilator)]
        {
            let p = path.to_string_lossy();
            if ffi::bridge::open_trace(self.sim.pin_mut(), &p) {
                return Ok(());
            }
        }
        Err(SimError::Trace(path.to_path_buf()))
    }

    /// Stops tracing and flushes the file.
    pub fn stop_trace(&mut self) {
        #[cfg(xpo_verilator)]
        ffi::bridge::close_trace(self.sim.pin_mut());
    }

    /// Steps one cycle from already packed input words (the layout of
    /// [`WordLayout::inputs`]); used by the bench to replay recorded stimulus.
    pub fn step_words(&mut self, inputs: &[u64]) -> &[u64] {
        assert_eq!(inputs.len(), self.in_layout.words, "input word count");
        #[cfg(xpo_verilator)]
        ffi::bridge::tick(self.sim.pin_mut(), inputs, &mut self.out_words);
        &self.out_words
    }
}

impl Engine for Verilated {
    fn name(&self) -> &str {
        "verilator"
    }

    fn config(&self) -> &EngineConfig {
        &self.config
    }

    #[inline]
    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        self.in_layout.pack_inputs(inputs, &mut self.in_words);
        #[cfg(xpo_verilator)]
        ffi::bridge::tick(self.sim.pin_mut(), &self.in_words, &mut self.out_words);
        self.out_layout.unpack_outputs(&self.out_words, outputs);
    }
}
