//! Verilated models built at run time into shared libraries: any hardware
//! configuration (the one linked into xpo is only the default's fast
//! model), and the traced models (VCD and FST) of every configuration.
//!
//! On first use the configuration's Verilog is emitted, wrapped for
//! simulation, verilated, compiled position-independent with the port
//! shim, and linked into `libxpo_sim.so`, which exports only the small C
//! ABI of `shim_gen::abi_source`; the entry is cached (`cache`) under a
//! hash of the Verilog, the generated C++, the tools' versions and the
//! flags, so the second run of a configuration loads it at once. The
//! bridge's C++ side opens the library (`cpp/bridge.cpp`).

use super::cache::{self, BuildEvent};
use crate::shim_gen::{abi_source, sim_header, sim_source, sim_wrapper, Variant, SIM_TOP};
use crate::vbuild::{compiler, Toolchain};
use crate::SimError;
use std::path::PathBuf;
use std::process::Command;
use xpo_spec::EngineConfig;

/// The file name of the library inside its cache entry.
pub const LIBRARY: &str = "libxpo_sim.so";

/// A model library, ready to load.
#[derive(Debug, Clone)]
pub struct ModelLibrary {
    /// The shared library.
    pub path: PathBuf,
    /// Seconds spent building it, or `None` when the cache had it.
    pub build_seconds: Option<f64>,
}

/// One line naming a tool's version, part of the cache key (a new
/// Verilator or compiler means a new build).
fn version_of(program: &str) -> Result<String, String> {
    let out = Command::new(program)
        .arg("--version")
        .output()
        .map_err(|e| format!("cannot run `{program}`: {e}"))?;
    if !out.status.success() {
        return Err(format!("`{program} --version` failed ({})", out.status));
    }
    Ok(String::from_utf8_lossy(&out.stdout)
        .lines()
        .next()
        .unwrap_or_default()
        .to_string())
}

/// How a build is named in progress lines: the variant and what sets this
/// configuration apart from the default one.
fn describe(cfg: &EngineConfig, variant: Variant) -> String {
    let model = match variant {
        Variant::Fast => "Verilator model",
        Variant::Vcd => "Verilator model with VCD tracing",
        Variant::Fst => "Verilator model with FST tracing",
    };
    format!(
        "{model} ({} lanes, {} laser lanes)",
        cfg.lanes, cfg.laser_lanes
    )
}

/// The library of `variant` for `cfg`: from the cache, or built now.
pub fn model_library(cfg: &EngineConfig, variant: Variant) -> Result<ModelLibrary, SimError> {
    cfg.validate()?;
    let tools = Toolchain::find().map_err(SimError::Toolchain)?;
    let cxx = compiler();
    let cxx_version = version_of(&cxx).map_err(|e| {
        SimError::Toolchain(format!(
            "the C++ compiler is missing ({e}); set CXX or install g++ \
             (`sudo apt-get install -y g++ make`)"
        ))
    })?;
    let verilator_version = version_of(&tools.verilator).map_err(SimError::Toolchain)?;
    let hw_key = cfg.hardware_key();
    let verilog = xpo_hdl::emit_verilog(cfg)?.verilog + &sim_wrapper(cfg.lanes, cfg.laser_lanes);
    let header = sim_header(cfg.lanes, cfg.laser_lanes);
    let shim = sim_source(cfg.lanes, cfg.laser_lanes, variant);
    let abi = abi_source(variant, &hw_key);
    // The build's own description: bump when the flags in `vbuild` change.
    const RECIPE: &str = "vbuild 1: -O3 x-fast noassert probes, OPT_FAST=-O2 OPT_SLOW=-O1, \
                          -fPIC -fvisibility=hidden, version script";
    let key = cache::key(&[
        RECIPE.as_bytes(),
        format!("{variant:?}").as_bytes(),
        verilator_version.as_bytes(),
        cxx.as_bytes(),
        cxx_version.as_bytes(),
        verilog.as_bytes(),
        header.as_bytes(),
        shim.as_bytes(),
        abi.as_bytes(),
    ]);
    let what = describe(cfg, variant);
    let kind = match variant {
        Variant::Fast => "model",
        Variant::Vcd => "model-vcd",
        Variant::Fst => "model-fst",
    };
    let entry = cache::entry(kind, &key, &what, |dir| {
        let write = |name: &str, text: &str| {
            let p = dir.join(name);
            std::fs::write(&p, text).map_err(|source| SimError::Io { path: p, source })
        };
        write("xpo_engine_sim.v", &verilog)?;
        write("xpo_sim.h", &header)?;
        write(variant.source_file(), &shim)?;
        write("xpo_sim_abi.cpp", &abi)?;
        write("config.toml", &toml::to_string(cfg).unwrap_or_default())?;
        let obj = dir.join("obj");
        let jobs = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(2)
            .to_string();
        let step = |step, doing| {
            cache::emit(BuildEvent::Step {
                what: what.clone(),
                step,
                of: 3,
                doing,
            })
        };
        step(1, "verilating");
        tools
            .verilate(&dir.join("xpo_engine_sim.v"), SIM_TOP, variant, &obj)
            .map_err(SimError::Build)?;
        step(2, "compiling the model");
        let runtime = tools
            .compile_model(variant, &obj, &jobs, true)
            .map_err(SimError::Build)?;
        step(3, "linking the shared library");
        tools
            .link_shared(variant, dir, &obj, &runtime, &dir.join(LIBRARY))
            .map_err(SimError::Build)?;
        // The objects are not needed once linked (tens of MB).
        let _ = std::fs::remove_dir_all(&obj);
        Ok(())
    })?;
    Ok(ModelLibrary {
        path: entry.dir.join(LIBRARY),
        build_seconds: entry.built.map(|d| d.as_secs_f64()),
    })
}
