//! Builds the Verilator engine: emits the Verilog from `xpo-hdl`, verilates
//! it twice (the fast model, and a traced one for waveforms), compiles the
//! models and Verilator's runtime, generates the port-packing shims from
//! the `xpo-spec` port tables, binds them with `cxx`, and builds the pure
//! C++ bench harness against the fast model (steps in `src/vbuild.rs`).
//!
//! The hardware is built for the configuration in `XPO_SIM_CONFIG` (a TOML
//! file) or the default one. Without Verilator the crate still builds, and
//! the Verilator engine reports at run time how to install it; set
//! `XPO_REQUIRE_VERILATOR=1` (CI does) to make its absence a build error.

use std::path::PathBuf;
use xpo_spec::EngineConfig;

#[path = "src/shim_gen.rs"]
mod shim_gen;
#[path = "src/vbuild.rs"]
mod vbuild;
use shim_gen::{sim_header, sim_source, sim_wrapper, Variant, SIM_TOP};
use vbuild::Toolchain;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xpo_verilator)");
    println!("cargo:rerun-if-env-changed=XPO_SIM_CONFIG");
    println!("cargo:rerun-if-env-changed=XPO_REQUIRE_VERILATOR");
    println!("cargo:rerun-if-env-changed=VERILATOR");
    println!("cargo:rerun-if-changed=cpp");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shim_gen.rs");
    println!("cargo:rerun-if-changed=src/vbuild.rs");

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let cfg = match std::env::var_os("XPO_SIM_CONFIG") {
        Some(p) => {
            let p = PathBuf::from(p);
            println!("cargo:rerun-if-changed={}", p.display());
            EngineConfig::from_file(&p).unwrap_or_else(|e| panic!("XPO_SIM_CONFIG: {e}"))
        }
        None => EngineConfig::default(),
    };
    println!("cargo:rustc-env=XPO_SIM_HW_KEY={}", cfg.hardware_key());
    println!("cargo:rustc-env=XPO_SIM_LANES={}", cfg.lanes);

    let tools = match Toolchain::find() {
        Ok(t) => t,
        Err(msg) => {
            if std::env::var("XPO_REQUIRE_VERILATOR").is_ok_and(|v| v == "1") {
                panic!("{msg}");
            }
            println!("cargo:warning=xpo-sim: {msg}. Building without the Verilator engine.");
            println!("cargo:rustc-env=XPO_SIM_NO_VERILATOR={msg}");
            return;
        }
    };

    let emitted = xpo_hdl::emit_verilog(&cfg).unwrap_or_else(|e| panic!("emitting Verilog: {e}"));
    // `xpo_engine.v` is what `xpo emit` writes; Verilator builds it behind
    // the simulation wrapper (inputs on the falling edge, see `sim_wrapper`).
    let vfile = out.join("xpo_engine.v");
    std::fs::write(&vfile, &emitted.verilog).unwrap();
    let simfile = out.join("xpo_engine_sim.v");
    std::fs::write(
        &simfile,
        emitted.verilog.clone() + &sim_wrapper(cfg.lanes, cfg.laser_lanes),
    )
    .unwrap();

    // Two models: the fast one every run uses, and one built with
    // `--trace` for runs that ask for a waveform.
    let jobs = std::env::var("NUM_JOBS").unwrap_or_else(|_| "2".into());
    let (obj, obj_trace) = (out.join("obj"), out.join("obj_trace"));
    let fast_runtime = tools
        .build_model(&simfile, SIM_TOP, Variant::Fast, &obj, &jobs)
        .unwrap_or_else(|e| panic!("{e}"));
    let traced_runtime = tools
        .build_model(&simfile, SIM_TOP, Variant::Traced, &obj_trace, &jobs)
        .unwrap_or_else(|e| panic!("{e}"));
    // rustc links `libNAME.a`; Verilator names its archives `<prefix>__ALL.a`.
    for (dir, variant, lib) in [
        (&obj, Variant::Fast, "libxpo_vmodel.a"),
        (&obj_trace, Variant::Traced, "libxpo_vmodel_trace.a"),
    ] {
        std::fs::copy(
            dir.join(format!("{}__ALL.a", variant.prefix())),
            out.join(lib),
        )
        .unwrap();
    }
    // The traced build's runtime (with VCD support) serves both models.
    let _ = std::fs::remove_file(out.join("libxpo_vruntime.a"));
    vbuild::run(
        std::process::Command::new("ar")
            .arg("rcs")
            .arg(out.join("libxpo_vruntime.a"))
            .args(&traced_runtime),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    let lanes = cfg.lanes;
    std::fs::write(out.join("xpo_sim.h"), sim_header(lanes, cfg.laser_lanes)).unwrap();
    for v in [Variant::Fast, Variant::Traced] {
        std::fs::write(
            out.join(v.source_file()),
            sim_source(lanes, cfg.laser_lanes, v),
        )
        .unwrap();
    }

    let mut bridge = cxx_build::bridge("src/verilated/ffi.rs");
    bridge
        .file("cpp/bridge.cpp")
        .file(out.join(Variant::Fast.source_file()))
        .file(out.join(Variant::Traced.source_file()))
        .include("cpp")
        .include(&out)
        .include(&obj)
        .include(&obj_trace);
    for inc in tools.includes() {
        bridge.include(inc);
    }
    bridge
        .flag("-std=c++17")
        .flag("-Wno-unused-parameter")
        .opt_level(2)
        .compile("xpo_bridge");
    println!("cargo:rustc-link-search=native={}", out.display());
    println!("cargo:rustc-link-lib=static=xpo_vmodel");
    println!("cargo:rustc-link-lib=static=xpo_vmodel_trace");
    println!("cargo:rustc-link-lib=static=xpo_vruntime");
    println!("cargo:rustc-link-lib=dylib=pthread");

    let bench = out.join("xpo-verilator-bench");
    tools
        .link_harness(
            std::path::Path::new("cpp/bench_main.cpp"),
            &out,
            &obj,
            &fast_runtime,
            &bench,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    println!("cargo:rustc-env=XPO_CPP_BENCH={}", bench.display());
    println!("cargo:rustc-env=XPO_SIM_VERILOG={}", vfile.display());
    println!("cargo:rustc-cfg=xpo_verilator");
}
