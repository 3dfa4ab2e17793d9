//! Builds the Verilator engine: emits the Verilog from `xpo-hdl`, verilates
//! it, compiles the model and Verilator's runtime, generates the port-packing
//! shim from the `xpo-spec` port tables, binds it with `cxx`, and builds the
//! pure C++ bench harness against the same objects.
//!
//! The hardware is built for the configuration in `XPO_SIM_CONFIG` (a TOML
//! file) or the default one. Without Verilator the crate still builds, and
//! the Verilator engine reports at run time how to install it; set
//! `XPO_REQUIRE_VERILATOR=1` (CI does) to make its absence a build error.

use std::path::PathBuf;
use std::process::Command;
use xpo_spec::EngineConfig;

#[path = "src/shim_gen.rs"]
mod shim_gen;
use shim_gen::{sim_header, sim_source};

const INSTALL_HINT: &str =
    "install it with `sudo apt-get install -y verilator` (or run scripts/deps.sh)";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xpo_verilator)");
    println!("cargo:rerun-if-env-changed=XPO_SIM_CONFIG");
    println!("cargo:rerun-if-env-changed=XPO_REQUIRE_VERILATOR");
    println!("cargo:rerun-if-env-changed=VERILATOR");
    println!("cargo:rerun-if-changed=cpp");
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/shim_gen.rs");

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

    let verilator = std::env::var("VERILATOR").unwrap_or_else(|_| "verilator".into());
    let root = match Command::new(&verilator)
        .args(["--getenv", "VERILATOR_ROOT"])
        .output()
    {
        Ok(o) if o.status.success() => PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
        _ => {
            let msg = format!("Verilator (`{verilator}`) was not found; {INSTALL_HINT}");
            if std::env::var("XPO_REQUIRE_VERILATOR").is_ok_and(|v| v == "1") {
                panic!("{msg}");
            }
            println!("cargo:warning=xpo-sim: {msg}. Building without the Verilator engine.");
            println!("cargo:rustc-env=XPO_SIM_NO_VERILATOR={msg}");
            return;
        }
    };

    let emitted = xpo_hdl::emit_verilog(&cfg).unwrap_or_else(|e| panic!("emitting Verilog: {e}"));
    let vfile = out.join("xpo_engine.v");
    std::fs::write(&vfile, &emitted.verilog).unwrap();
    let obj = out.join("obj");
    let _ = std::fs::remove_dir_all(&obj);
    run(Command::new(&verilator)
        .args([
            "--cc",
            "--top-module",
            emitted.top,
            "--prefix",
            "Vxpo_engine",
        ])
        .args([
            "-O3",
            "--x-assign",
            "fast",
            "--x-initial",
            "fast",
            "--noassert",
            "--trace",
        ])
        .args(["-Wno-DECLFILENAME", "--Mdir"])
        .arg(&obj)
        .arg(&vfile));
    let jobs = std::env::var("NUM_JOBS").unwrap_or_else(|_| "2".into());
    run(Command::new("make")
        .args(["-s", "-j", &jobs, "-C"])
        .arg(&obj)
        .args(["-f", "Vxpo_engine.mk", "OPT_FAST=-O2", "OPT_SLOW=-O1"])
        .args([
            "Vxpo_engine__ALL.a",
            "verilated.o",
            "verilated_vcd_c.o",
            "verilated_threads.o",
        ]));
    // rustc links `libNAME.a`; Verilator names its archive `Vxpo_engine__ALL.a`.
    std::fs::copy(obj.join("Vxpo_engine__ALL.a"), obj.join("libxpo_vmodel.a")).unwrap();
    run(Command::new("ar")
        .arg("rcs")
        .arg(obj.join("libxpo_vruntime.a"))
        .args(["verilated.o", "verilated_vcd_c.o", "verilated_threads.o"].map(|o| obj.join(o))));

    let lanes = cfg.lanes;
    std::fs::write(out.join("xpo_sim.h"), sim_header(lanes, cfg.laser_lanes)).unwrap();
    std::fs::write(out.join("xpo_sim.cpp"), sim_source(lanes, cfg.laser_lanes)).unwrap();

    let include = root.join("include");
    let vltstd = include.join("vltstd");
    cxx_build::bridge("src/verilated/ffi.rs")
        .file("cpp/bridge.cpp")
        .file(out.join("xpo_sim.cpp"))
        .include("cpp")
        .include(&out)
        .include(&obj)
        .include(&include)
        .include(&vltstd)
        .define("VM_TRACE", "1")
        .flag("-std=c++17")
        .flag("-Wno-unused-parameter")
        .opt_level(2)
        .compile("xpo_bridge");
    println!("cargo:rustc-link-search=native={}", obj.display());
    println!("cargo:rustc-link-lib=static=xpo_vmodel");
    println!("cargo:rustc-link-lib=static=xpo_vruntime");
    println!("cargo:rustc-link-lib=dylib=pthread");

    let bench = out.join("xpo-verilator-bench");
    run(
        Command::new(std::env::var("CXX").unwrap_or_else(|_| "c++".into()))
            .args(["-O2", "-std=c++17", "-DVM_TRACE=1", "-o"])
            .arg(&bench)
            .arg("-I")
            .arg(&out)
            .arg("-I")
            .arg(&obj)
            .arg("-I")
            .arg(&include)
            .arg("-I")
            .arg(&vltstd)
            .arg("cpp/bench_main.cpp")
            .arg(out.join("xpo_sim.cpp"))
            .arg(obj.join("libxpo_vmodel.a"))
            .arg(obj.join("libxpo_vruntime.a"))
            .arg("-lpthread"),
    );
    println!("cargo:rustc-env=XPO_CPP_BENCH={}", bench.display());
    println!("cargo:rustc-env=XPO_SIM_VERILOG={}", vfile.display());
    println!("cargo:rustc-cfg=xpo_verilator");
}

fn run(cmd: &mut Command) {
    let status = cmd
        .status()
        .unwrap_or_else(|e| panic!("running {:?}: {e}", cmd.get_program()));
    assert!(status.success(), "{cmd:?} failed with {status}");
}
