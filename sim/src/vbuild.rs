//! Building Verilated models: verilate the emitted Verilog behind the
//! simulation wrapper, compile the model and Verilator's runtime, and link
//! the pure C++ bench harness.
//!
//! One implementation for both places that build: `build.rs` includes this
//! file (`#[path]`) to build the models linked into xpo (fast and traced),
//! and `xpo bench --profile` builds harnesses for other lane counts at run
//! time (`crate::bench`). Errors are text naming the command that failed;
//! `build.rs` panics with it, the library wraps it in a `SimError`.

use super::shim_gen::Variant;
use std::path::{Path, PathBuf};
use std::process::Command;

/// How to run Verilator on this machine.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// The `verilator` executable (`VERILATOR`, else from `PATH`).
    pub verilator: String,
    /// `VERILATOR_ROOT`, for its runtime sources and headers.
    pub root: PathBuf,
}

/// The hint every "Verilator missing" message carries.
pub const INSTALL_HINT: &str =
    "install it with `sudo apt-get install -y verilator` (or run scripts/deps.sh)";

impl Toolchain {
    /// Finds Verilator, or says why not.
    pub fn find() -> Result<Self, String> {
        let verilator = std::env::var("VERILATOR").unwrap_or_else(|_| "verilator".into());
        match Command::new(&verilator)
            .args(["--getenv", "VERILATOR_ROOT"])
            .output()
        {
            Ok(o) if o.status.success() => Ok(Self {
                root: PathBuf::from(String::from_utf8_lossy(&o.stdout).trim()),
                verilator,
            }),
            _ => Err(format!(
                "Verilator (`{verilator}`) was not found; {INSTALL_HINT}"
            )),
        }
    }

    /// Include directories for code that uses a Verilated model.
    pub fn includes(&self) -> [PathBuf; 2] {
        let include = self.root.join("include");
        [include.join("vltstd"), include]
    }

    /// Verilates `vfile` (top `top`) as `variant` into `obj` and compiles
    /// the model archive (`<prefix>__ALL.a`) and the runtime objects
    /// (position-independent when `pic`, for a shared library). Returns the
    /// runtime objects' paths.
    pub fn build_model(
        &self,
        vfile: &Path,
        top: &str,
        variant: Variant,
        obj: &Path,
        jobs: &str,
        pic: bool,
    ) -> Result<Vec<PathBuf>, String> {
        self.verilate(vfile, top, variant, obj)?;
        self.compile_model(variant, obj, jobs, pic)
    }

    /// Runs Verilator: `vfile` (top `top`) as `variant`'s C++ into `obj`.
    pub fn verilate(
        &self,
        vfile: &Path,
        top: &str,
        variant: Variant,
        obj: &Path,
    ) -> Result<(), String> {
        let _ = std::fs::remove_dir_all(obj);
        let mut cmd = Command::new(&self.verilator);
        cmd.args(["--cc", "--top-module", top, "--prefix", variant.prefix()])
            // `-O3` on the C++ side and `--threads 2` were measured and
            // gain nothing on this design (docs/measurements.md).
            .args([
                "-O3",
                "--x-assign",
                "fast",
                "--x-initial",
                "fast",
                "--noassert",
            ]);
        if let Some(flag) = variant.trace_flag() {
            cmd.arg(flag);
        }
        // The lockstep compares the simulation probes every cycle.
        cmd.arg(format!("-D{}", xpo_spec::PROBES_DEFINE));
        cmd.args(["-Wno-DECLFILENAME", "--Mdir"])
            .arg(obj)
            .arg(vfile);
        run(&mut cmd)
    }

    /// Compiles a verilated `variant` in `obj`: the model archive and the
    /// runtime objects (see [`Toolchain::build_model`]).
    pub fn compile_model(
        &self,
        variant: Variant,
        obj: &Path,
        jobs: &str,
        pic: bool,
    ) -> Result<Vec<PathBuf>, String> {
        let runtime = variant.runtime_objects();
        let archive = format!("{}__ALL.a", variant.prefix());
        let mut make = Command::new("make");
        make.args(["-s", "-j", jobs, "-C"])
            .arg(obj)
            .args(["-f", &format!("{}.mk", variant.prefix())])
            .args(["OPT_FAST=-O2", "OPT_SLOW=-O1"]);
        if pic {
            make.arg("CXXFLAGS=-fPIC -fvisibility=hidden");
        }
        run(make.arg(&archive).args(runtime))?;
        Ok(runtime.iter().map(|o| obj.join(o)).collect())
    }

    /// Links a shared library `lib` that exports the model's C ABI
    /// (`abi_cpp`, see `shim_gen::abi_source`) and nothing else: the shim
    /// (`shim_cpp`, with `xpo_sim.h` in `src_dir`), the model archive in
    /// `obj` and the runtime objects, all compiled position-independent.
    pub fn link_shared(
        &self,
        variant: Variant,
        src_dir: &Path,
        obj: &Path,
        runtime: &[PathBuf],
        lib: &Path,
    ) -> Result<(), String> {
        let script = src_dir.join("exports.map");
        std::fs::write(&script, super::shim_gen::ABI_VERSION_SCRIPT)
            .map_err(|e| format!("{}: {e}", script.display()))?;
        let mut cmd = self.compile_command(
            &["-shared", "-fPIC", "-fvisibility=hidden"],
            lib,
            src_dir,
            obj,
        );
        cmd.arg(src_dir.join(variant.source_file()))
            .arg(src_dir.join("xpo_sim_abi.cpp"))
            .arg(obj.join(format!("{}__ALL.a", variant.prefix())))
            .args(runtime)
            .arg(format!("-Wl,--version-script={}", script.display()))
            .args(["-Wl,-z,defs"])
            .args(variant.system_libs())
            .arg("-latomic");
        run(&mut cmd)
    }

    /// The compiler, with `flags`, writing `out`, seeing the generated
    /// sources in `src_dir`, the model's headers in `obj` and Verilator's.
    fn compile_command(&self, flags: &[&str], out: &Path, src_dir: &Path, obj: &Path) -> Command {
        let mut cmd = Command::new(compiler());
        cmd.args(flags)
            .args(["-O2", "-std=c++17", "-o"])
            .arg(out)
            .arg("-I")
            .arg(src_dir)
            .arg("-I")
            .arg(obj);
        for inc in self.includes() {
            cmd.arg("-I").arg(inc);
        }
        cmd
    }

    /// Links the C++ bench harness (`cpp/bench_main.cpp`, the fast shim in
    /// `src_dir`) against the fast model in `obj`, as `exe`.
    pub fn link_harness(
        &self,
        bench_main: &Path,
        src_dir: &Path,
        obj: &Path,
        runtime: &[PathBuf],
        exe: &Path,
    ) -> Result<(), String> {
        let mut cmd = self.compile_command(&[], exe, src_dir, obj);
        cmd.arg(bench_main)
            .arg(src_dir.join(Variant::Fast.source_file()))
            .arg(obj.join(format!("{}__ALL.a", Variant::Fast.prefix())))
            .args(runtime)
            .arg("-lpthread");
        run(&mut cmd)
    }
}

/// The C++ compiler: `CXX`, else `c++`.
pub fn compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".into())
}

/// Runs `cmd`; on failure, the command and the end of its error output.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let out = cmd
        .output()
        .map_err(|e| format!("cannot run {:?}: {e}", cmd.get_program()))?;
    if out.status.success() {
        return Ok(());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let tail: Vec<&str> = err.lines().rev().take(20).collect();
    Err(format!(
        "{cmd:?} failed ({}):\n{}",
        out.status,
        tail.into_iter().rev().collect::<Vec<_>>().join("\n")
    ))
}
