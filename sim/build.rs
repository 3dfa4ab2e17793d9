//! Builds the Verilator engine: emits the Verilog from `xpo-hdl`, verilates
//! it, compiles the model and Verilator's runtime, generates the port-packing
//! shim from the `xpo-spec` port tables, binds it with `cxx`, and builds the
//! pure C++ bench harness against the same objects.
//!
//! The hardware is built for the configuration in `XPO_SIM_CONFIG` (a TOML
//! file) or the default one. Without Verilator the crate still builds, and
//! the Verilator engine reports at run time how to install it; set
//! `XPO_REQUIRE_VERILATOR=1` (CI does) to make its absence a build error.

use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::Command;
use xpo_spec::{
    EngineConfig, LaneInputs, LaneOutputs, LaserInputs, LaserOutputs, MgmtInputs, MgmtOutputs,
    PortSpec, WordLayout,
};

const INSTALL_HINT: &str =
    "install it with `sudo apt-get install -y verilator` (or run scripts/deps.sh)";

fn main() {
    println!("cargo::rustc-check-cfg=cfg(xpo_verilator)");
    println!("cargo:rerun-if-env-changed=XPO_SIM_CONFIG");
    println!("cargo:rerun-if-env-changed=XPO_REQUIRE_VERILATOR");
    println!("cargo:rerun-if-env-changed=VERILATOR");
    println!("cargo:rerun-if-changed=cpp");
    println!("cargo:rerun-if-changed=build.rs");

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

fn sim_header(lanes: usize, lasers: usize) -> String {
    format!(
        r#"// Generated by xpo-sim's build.rs from the xpo-spec port tables; do not edit.
#pragma once
#include <cstddef>
#include <cstdint>
#include <memory>

class Vxpo_engine;
class VerilatedContext;
class VerilatedVcdC;

namespace xpo {{
constexpr std::size_t LANES = {lanes};
constexpr std::size_t INPUT_WORDS = {iw};
constexpr std::size_t OUTPUT_WORDS = {ow};

// One Verilated xpo_engine with its own VerilatedContext, stepped one core
// clock cycle per tick(); ports travel as packed 64-bit words (WordLayout).
class XpoSim {{
public:
    XpoSim();
    ~XpoSim();
    XpoSim(const XpoSim&) = delete;
    XpoSim& operator=(const XpoSim&) = delete;
    void tick(const uint64_t* in, uint64_t* out);
    bool open_trace(const char* path);
    void close_trace();
private:
    std::unique_ptr<VerilatedContext> ctx_;
    std::unique_ptr<Vxpo_engine> top_;
    std::unique_ptr<VerilatedVcdC> trace_;
    uint64_t cycle_ = 0;
}};
}}  // namespace xpo
"#,
        iw = WordLayout::inputs(lanes, lasers).words,
        ow = WordLayout::outputs(lanes, lasers).words,
    )
}

/// Verilator's C type for a packed port of `bits` bits; `None` for `VlWide`.
fn narrow(bits: usize) -> Option<&'static str> {
    match bits {
        0..=8 => Some("CData"),
        9..=16 => Some("SData"),
        17..=32 => Some("IData"),
        33..=64 => Some("QData"),
        _ => None,
    }
}

/// Where a port's per-lane values sit in the word array: the first lane's
/// word and the words per lane.
#[derive(Clone, Copy)]
struct Slots {
    first: usize,
    words: usize,
}

fn lane_slots(lay: &WordLayout, index: usize) -> Slots {
    Slots {
        first: lay.port_offsets[index],
        words: lay.slot_words[index],
    }
}

fn laser_slots(lay: &WordLayout, index: usize) -> Slots {
    Slots {
        first: lay.laser_offsets[index],
        words: 1,
    }
}

fn set_port(code: &mut String, p: &PortSpec, slots: Slots, lanes: usize) {
    let total = p.width * lanes;
    let slot = |lane: usize| slots.first + lane * slots.words;
    match narrow(total) {
        Some(ty) => {
            let mask = if p.width == 64 {
                "~0ULL".into()
            } else {
                format!("0x{:x}ULL", (1u128 << p.width) - 1)
            };
            let terms: Vec<String> = (0..lanes)
                .map(|l| format!("((in[{}] & {mask}) << {})", slot(l), l * p.width))
                .collect();
            let _ = writeln!(
                code,
                "    top_->{} = static_cast<{ty}>({});",
                p.name,
                terms.join(" | ")
            );
        }
        None => {
            for l in 0..lanes {
                let hi = if slots.words == 2 {
                    format!("in[{}]", slot(l) + 1)
                } else {
                    "0".into()
                };
                let _ = writeln!(
                    code,
                    "    put_bits(top_->{}.data(), {}, {}, in[{}], {hi});",
                    p.name,
                    l * p.width,
                    p.width,
                    slot(l)
                );
            }
        }
    }
}

fn get_port(code: &mut String, p: &PortSpec, slots: Slots, lanes: usize) {
    let total = p.width * lanes;
    let slot = |lane: usize| slots.first + lane * slots.words;
    for l in 0..lanes {
        match narrow(total) {
            Some(_) => {
                let mask = if p.width == 64 {
                    "~0ULL".into()
                } else {
                    format!("0x{:x}ULL", (1u128 << p.width) - 1)
                };
                let _ = writeln!(
                    code,
                    "    out[{}] = (static_cast<uint64_t>(top_->{}) >> {}) & {mask};",
                    slot(l),
                    p.name,
                    l * p.width
                );
            }
            None => {
                let hi = if slots.words == 2 {
                    format!("&out[{}]", slot(l) + 1)
                } else {
                    "nullptr".into()
                };
                let _ = writeln!(
                    code,
                    "    get_bits(top_->{}.data(), {}, {}, &out[{}], {hi});",
                    p.name,
                    l * p.width,
                    p.width,
                    slot(l)
                );
            }
        }
    }
}

fn sim_source(lanes: usize, lasers: usize) -> String {
    let il = WordLayout::inputs(lanes, lasers);
    let ol = WordLayout::outputs(lanes, lasers);
    let mut set = String::new();
    for (i, p) in MgmtInputs::PORTS.iter().enumerate() {
        let ty = narrow(p.width).expect("management ports are narrow");
        let _ = writeln!(
            set,
            "    top_->{} = static_cast<{ty}>(in[{}]);",
            p.name, il.mgmt_offsets[i]
        );
    }
    for (i, p) in LaneInputs::PORTS.iter().enumerate() {
        if narrow(p.width * lanes).is_none() {
            let _ = writeln!(
                set,
                "    std::memset(top_->{}.data(), 0, sizeof(top_->{}));",
                p.name, p.name
            );
        }
        set_port(&mut set, p, lane_slots(&il, i), lanes);
    }
    for (i, p) in LaserInputs::PORTS.iter().enumerate() {
        if narrow(p.width * lasers).is_none() {
            let _ = writeln!(
                set,
                "    std::memset(top_->{}.data(), 0, sizeof(top_->{}));",
                p.name, p.name
            );
        }
        set_port(&mut set, p, laser_slots(&il, i), lasers);
    }
    let mut get = String::new();
    for (i, p) in MgmtOutputs::PORTS.iter().enumerate() {
        let _ = writeln!(
            get,
            "    out[{}] = static_cast<uint64_t>(top_->{});",
            ol.mgmt_offsets[i], p.name
        );
    }
    for (i, p) in LaneOutputs::PORTS.iter().enumerate() {
        get_port(&mut get, p, lane_slots(&ol, i), lanes);
    }
    for (i, p) in LaserOutputs::PORTS.iter().enumerate() {
        get_port(&mut get, p, laser_slots(&ol, i), lasers);
    }
    format!(
        r#"// Generated by xpo-sim's build.rs from the xpo-spec port tables; do not edit.
#include "xpo_sim.h"
#include <cstring>
#include "Vxpo_engine.h"
#include "verilated.h"
#include "verilated_vcd_c.h"

namespace xpo {{
namespace {{
// ORs `width` bits (from lo, then hi) into 32-bit words at bit `offset`;
// the port was cleared first.
inline void put_bits(EData* w, unsigned offset, unsigned width, uint64_t lo, uint64_t hi) {{
    for (unsigned b = 0; b < width; b += 32) {{
        const unsigned n = width - b < 32 ? width - b : 32;
        const uint64_t src = b < 64 ? (lo >> b) | (b ? hi << (64 - b) : 0) : hi >> (b - 64);
        const uint64_t chunk = src & ((n == 32) ? 0xffffffffULL : ((1ULL << n) - 1));
        const unsigned at = offset + b;
        const unsigned s = at % 32;
        w[at / 32] |= static_cast<EData>(chunk << s);
        if (s + n > 32) w[at / 32 + 1] |= static_cast<EData>(chunk >> (32 - s));
    }}
}}

// Reads `width` bits at bit `offset` into lo (and hi, when non-null).
inline void get_bits(const EData* w, unsigned offset, unsigned width, uint64_t* lo, uint64_t* hi) {{
    uint64_t l = 0, h = 0;
    for (unsigned b = 0; b < width; b += 32) {{
        const unsigned n = width - b < 32 ? width - b : 32;
        const unsigned at = offset + b;
        const unsigned s = at % 32;
        uint64_t chunk = static_cast<uint64_t>(w[at / 32]) >> s;
        if (s + n > 32) chunk |= static_cast<uint64_t>(w[at / 32 + 1]) << (32 - s);
        chunk &= (n == 32) ? 0xffffffffULL : ((1ULL << n) - 1);
        if (b < 64) {{
            l |= chunk << b;
            if (b + 32 > 64) h |= chunk >> (64 - b);
        }} else {{
            h |= chunk << (b - 64);
        }}
    }}
    *lo = l;
    if (hi) *hi = h;
}}
}}  // namespace

XpoSim::XpoSim() : ctx_(new VerilatedContext) {{
    ctx_->traceEverOn(true);
    top_.reset(new Vxpo_engine(ctx_.get(), "xpo_engine"));
    top_->clock = 1;
    top_->eval();
}}

XpoSim::~XpoSim() {{
    close_trace();
    top_->final();
}}

bool XpoSim::open_trace(const char* path) {{
    close_trace();
    trace_.reset(new VerilatedVcdC);
    top_->trace(trace_.get(), 99);
    trace_->open(path);
    if (!trace_->isOpen()) {{
        trace_.reset();
        return false;
    }}
    return true;
}}

void XpoSim::close_trace() {{
    if (trace_) {{
        trace_->close();
        trace_.reset();
    }}
}}

void XpoSim::tick(const uint64_t* in, uint64_t* out) {{
    top_->reset = static_cast<CData>(in[0] & 1);
{set}
    // Settle the new inputs with the clock low, then take the rising edge.
    top_->clock = 0;
    top_->eval();
    if (trace_) trace_->dump(2 * cycle_);
    top_->clock = 1;
    top_->eval();
    if (trace_) trace_->dump(2 * cycle_ + 1);
    ++cycle_;
{get}}}
}}  // namespace xpo
"#
    )
}
