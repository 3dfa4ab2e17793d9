//! Builds the Verilator engine's linked part: emits the default
//! configuration's Verilog from `xpo-hdl`, verilates the fast model,
//! compiles it and Verilator's runtime, generates the port-packing shim
//! from the `xpo-spec` port tables, binds the bridge with `cxx` (which also
//! loads run-time-built models, see `src/verilated/library.rs`), and builds
//! the pure C++ bench harness against the fast model (steps in
//! `src/vbuild.rs`).
//!
//! Only the default configuration's fast model is linked in: every other
//! configuration, and the traced models, are built on first use at run
//! time and cached. Without Verilator the crate still builds, and the
//! Verilator engine reports at run time how to install it; set
//! `XPO_REQUIRE_VERILATOR=1` (CI does) to make its absence a build error.
//! `XPO_SIM_CHECK_ONLY=1` (for `cargo clippy`, which links nothing) skips
//! the C++ work and keeps the Rust side, cfg `xpo_verilator` included.

use std::path::PathBuf;
use xpo_spec::EngineConfig;

// Shared with the library, which uses more of them (run-time builds).
#[allow(dead_code)]
#[path = "src/shim_gen.rs"]
mod shim_gen;
#[allow(dead_code)]
#[path = "src/vbuild.rs"]
mod vbuild;
use shim_gen::{sim_header, sim_source, sim_wrapper, Variant, SIM_TOP};
use vbuild::Toolchain;

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xpo_verilator)");
    println!("cargo:rerun-if-env-changed=XPO_REQUIRE_VERILATOR");
    println!("cargo:rerun-if-env-changed=XPO_SIM_CHECK_ONLY");
    println!("cargo:rerun-if-env-changed=VERILATOR");
    println!("cargo:rerun-if-changed=cpp");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shim_gen.rs");
    println!("cargo:rerun-if-changed=src/vbuild.rs");

    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap());
    let cfg = EngineConfig::default();
    println!("cargo:rustc-env=XPO_SIM_HW_KEY={}", cfg.hardware_key());

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
    if std::env::var("XPO_SIM_CHECK_ONLY").is_ok_and(|v| v == "1") {
        println!("cargo:rustc-cfg=xpo_verilator");
        return;
    }

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

    let jobs = std::env::var("NUM_JOBS").unwrap_or_else(|_| "2".into());
    let obj = out.join("obj");
    let runtime = tools
        .build_model(&simfile, SIM_TOP, Variant::Fast, &obj, &jobs, false)
        .unwrap_or_else(|e| panic!("{e}"));
    // rustc links `libNAME.a`; Verilator names its archives `<prefix>__ALL.a`.
    std::fs::copy(
        obj.join(format!("{}__ALL.a", Variant::Fast.prefix())),
        out.join("libxpo_vmodel.a"),
    )
    .unwrap();
    let _ = std::fs::remove_file(out.join("libxpo_vruntime.a"));
    vbuild::run(
        std::process::Command::new("ar")
            .arg("rcs")
            .arg(out.join("libxpo_vruntime.a"))
            .args(&runtime),
    )
    .unwrap_or_else(|e| panic!("{e}"));

    std::fs::write(
        out.join("xpo_sim.h"),
        sim_header(cfg.lanes, cfg.laser_lanes),
    )
    .unwrap();
    std::fs::write(
        out.join(Variant::Fast.source_file()),
        sim_source(cfg.lanes, cfg.laser_lanes, Variant::Fast),
    )
    .unwrap();

    let mut bridge = cxx_build::bridge("src/verilated/ffi.rs");
    bridge
        .file("cpp/bridge.cpp")
        .file(out.join(Variant::Fast.source_file()))
        .include("cpp")
        .include(&out)
        .include(&obj);
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
    println!("cargo:rustc-link-lib=static=xpo_vruntime");
    println!("cargo:rustc-link-lib=dylib=pthread");
    // dlopen for the run-time-built models (in libc since glibc 2.34).
    println!("cargo:rustc-link-lib=dylib=dl");

    let bench = out.join("xpo-verilator-bench");
    tools
        .link_harness(
            std::path::Path::new("cpp/bench_main.cpp"),
            &out,
            &obj,
            &runtime,
            &bench,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    println!("cargo:rustc-env=XPO_CPP_BENCH={}", bench.display());
    println!("cargo:rustc-env=XPO_SIM_VERILOG={}", vfile.display());
    println!("cargo:rustc-cfg=xpo_verilator");
}
