//! `Verilated`: the emitted Verilog, compiled by Verilator, as an [`Engine`].
//!
//! The model is built by `build.rs` for one hardware configuration (the
//! default, or `XPO_SIM_CONFIG` at build time); asking for another is a clear
//! error rather than a silent mismatch.

#[cfg(xpo_verilator)]
mod ffi;

use crate::SimError;
use std::path::Path;
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, WordLayout};

/// The hardware key (see [`EngineConfig::hardware_key`]) the linked model was
/// built for.
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

/// The Verilated RTL.
pub struct Verilated {
    #[cfg(xpo_verilator)]
    sim: cxx::UniquePtr<ffi::bridge::XpoSim>,
    config: EngineConfig,
    in_layout: WordLayout,
    out_layout: WordLayout,
    in_words: Vec<u64>,
    out_words: Vec<u64>,
}

impl Verilated {
    /// A fresh model for `cfg`, which must match the configuration the model
    /// was built for. This is the fast model, built without tracing.
    pub fn new(cfg: &EngineConfig) -> Result<Self, SimError> {
        Self::build(cfg, false)
    }

    /// A fresh model that writes a VCD of every signal in the design to
    /// `path` from its first cycle: the model built with `--trace`, which
    /// only waveform runs pay for.
    pub fn with_trace(cfg: &EngineConfig, path: &Path) -> Result<Self, SimError> {
        let mut v = Self::build(cfg, true)?;
        v.open_trace(path)?;
        Ok(v)
    }

    fn build(cfg: &EngineConfig, traced: bool) -> Result<Self, SimError> {
        #[cfg(not(xpo_verilator))]
        let _ = traced;
        cfg.validate()?;
        availability()?;
        let wanted = cfg.hardware_key();
        if wanted != BUILT_HW_KEY {
            return Err(SimError::ConfigMismatch {
                built: BUILT_HW_KEY.to_string(),
                wanted,
            });
        }
        let in_layout = WordLayout::inputs(cfg.lanes, cfg.laser_lanes);
        let out_layout = WordLayout::outputs(cfg.lanes, cfg.laser_lanes);
        let mut engine = Self {
            #[cfg(xpo_verilator)]
            sim: ffi::bridge::new_sim(traced),
            config: cfg.clone(),
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
