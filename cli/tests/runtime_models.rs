//! Verilator for any configuration at run time: a configuration other than
//! the one linked into xpo is verilated on first use into the cache and
//! reused afterwards; the traced models write FST or VCD as the extension
//! says; a missing Verilator or C++ compiler is a clear error that leaves
//! the cache as it was.
//!
//! Each test has a cache of its own (`XPO_CACHE_DIR`), so the first run
//! really builds. The configuration is the smallest (one lane, one laser
//! lane): its builds take seconds, and what is tested is the mechanism,
//! which does not depend on the size.

use std::path::{Path, PathBuf};
use std::process::Command;

const ONE_LANE: &str = "lanes = 1\nlaser_lanes = 1\n";

fn xpo_env(env: &[(&str, &Path)], args: &[&str]) -> (i32, String, String) {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xpo"));
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

/// The cache's entries (directories), sorted by name.
fn entries(cache: &Path) -> Vec<String> {
    let root = cache.join("verilator");
    let mut v: Vec<String> = std::fs::read_dir(&root)
        .map(|d| {
            d.map(|e| e.unwrap())
                .filter(|e| e.path().is_dir())
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

struct Setup {
    dir: tempfile::TempDir,
    cache: PathBuf,
    config: PathBuf,
}

fn setup() -> Setup {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let config = dir.path().join("one-lane.toml");
    std::fs::write(&config, ONE_LANE).unwrap();
    Setup { dir, cache, config }
}

impl Setup {
    fn run(&self, extra: &[&str]) -> (i32, serde_json::Value, String) {
        let svg = self.dir.path().join("lasers.svg");
        let div = self.dir.path().join("div.vcd");
        let mut args = vec![
            "run",
            "--cycles",
            "2000",
            "--seed",
            "5",
            "--engines",
            "model,verilator",
            "--json",
            "--config",
            self.config.to_str().unwrap(),
            "--svg",
            svg.to_str().unwrap(),
            "--divergence-wave",
            div.to_str().unwrap(),
        ];
        args.extend_from_slice(extra);
        let (code, out, err) = xpo_env(&[("XPO_CACHE_DIR", &self.cache)], &args);
        assert!(code == 0 || code == 1, "a completed run: {err}");
        let json: serde_json::Value =
            serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"));
        (code, json, err)
    }
}

#[test]
fn another_configuration_is_verilated_once_then_loaded_by_runs_and_scenarios() {
    let s = setup();
    let (_, first, err) = s.run(&[]);
    assert!(
        err.contains("Verilator model (1 lanes, 1 laser lanes): [1/3] verilating")
            && err.contains("Verilator model (1 lanes, 1 laser lanes): built in"),
        "the build shows its steps: {err}"
    );
    assert_eq!(first["divergence"], serde_json::Value::Null, "{first}");
    assert_eq!(first["engines"], serde_json::json!(["model", "verilator"]));
    assert_eq!(first["config"]["lanes"], 1);
    let built = entries(&s.cache);
    assert_eq!(built.len(), 1, "{built:?}");
    assert!(built[0].starts_with("model-"), "{built:?}");
    assert!(s
        .cache
        .join("verilator")
        .join(&built[0])
        .join("libxpo_sim.so")
        .is_file());

    let (_, second, err) = s.run(&[]);
    assert!(
        !err.contains("built in") && !err.contains("verilating"),
        "{err}"
    );
    assert_eq!(entries(&s.cache), built, "nothing new in the cache");
    assert_eq!(second["divergence"], serde_json::Value::Null);
    // The same run, so the same report but for the speed.
    for k in ["lanes", "retimer", "lasers", "management", "failures"] {
        assert_eq!(first[k], second[k], "{k}");
    }

    // A scenario of the same hardware loads the same library.
    let scenario = s.dir.path().join("one-lane.toml");
    std::fs::write(
        &scenario,
        r#"
name = "one-lane"
duration = "12 us"
lanes = "idle"
[config]
lanes = 1
laser_lanes = 1
[[expect]]
field = "ModuleState"
equals = "ModuleReady"
by = "5 us"
"#,
    )
    .unwrap();
    let (code, out, err) = xpo_env(
        &[("XPO_CACHE_DIR", &s.cache)],
        &[
            "compare",
            "--scenario",
            scenario.to_str().unwrap(),
            "--engines",
            "model,verilator",
            "--json",
        ],
    );
    assert_eq!(code, 0, "{out}\n{err}");
    let report: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(report["engines"], serde_json::json!(["model", "verilator"]));
    assert!(
        !err.contains("built in"),
        "the same library as xpo run: {err}"
    );
    assert_eq!(entries(&s.cache), built);
}

/// Every signal of the design, by extension: an FST read back with an
/// independent reader (fst-reader), and a VCD.
#[test]
fn the_wave_extension_picks_fst_or_vcd() {
    let s = setup();
    let fst = s.dir.path().join("t.fst");
    s.run(&["--wave", fst.to_str().unwrap()]);
    let file = std::io::BufReader::new(std::fs::File::open(&fst).unwrap());
    let mut reader = fst_reader::FstReader::open(file).expect("a readable FST");
    let mut scopes = Vec::new();
    let mut clock = None;
    let mut vars = 0;
    reader
        .read_hierarchy(|entry| match entry {
            fst_reader::FstHierarchyEntry::Scope { name, .. } => scopes.push(name),
            fst_reader::FstHierarchyEntry::Var { name, handle, .. } => {
                vars += 1;
                if name == "clock" && clock.is_none() {
                    clock = Some(handle);
                }
            }
            _ => {}
        })
        .unwrap();
    assert!(scopes.iter().any(|s| s == "engine"), "{scopes:?}");
    assert!(vars > 1000, "every signal of the design: {vars}");
    let clock = clock.expect("the clock is traced");
    let mut edges = 0;
    let filter = fst_reader::FstFilter::filter_signals(vec![clock]);
    reader.read_signals(&filter, |_, _, _| edges += 1).unwrap();
    // Two time steps per cycle (falling edge, rising edge) over 2,000
    // cycles, and the initial value.
    assert!((3999..=4001).contains(&edges), "{edges} clock changes");

    let vcd = s.dir.path().join("t.vcd");
    s.run(&["--wave", vcd.to_str().unwrap()]);
    let text = std::fs::read_to_string(&vcd).unwrap();
    assert!(text.contains("$scope module xpo_engine_sim $end") && text.contains("rx_data"));
    assert!(text.contains("#3999"), "two time steps per cycle");
    let mut kinds: Vec<String> = entries(&s.cache)
        .iter()
        .map(|e| e.rsplit_once('-').unwrap().0.to_string())
        .collect();
    kinds.sort();
    assert_eq!(kinds, ["model-fst", "model-vcd"]);

    // Refused before anything is built: an extension that names no
    // format, a waveform without the Verilated design.
    for (engines, wave, wanted) in [
        (
            "model,verilator",
            "t.ghw",
            "t.ghw: a waveform is written as FST (.fst) or VCD (.vcd)",
        ),
        ("model", "t.fst", "add verilator"),
    ] {
        let (code, _, err) = xpo_env(
            &[("XPO_CACHE_DIR", &s.cache)],
            &["run", "--cycles", "5", "--engines", engines, "--wave", wave],
        );
        assert_eq!(code, 2, "{err}");
        assert!(err.contains(wanted), "{err}");
    }
}

#[test]
fn a_missing_verilator_or_compiler_is_a_clear_error_that_builds_nothing() {
    let s = setup();
    let run = |env: &[(&str, &Path)]| {
        let mut env = env.to_vec();
        env.push(("XPO_CACHE_DIR", &s.cache));
        xpo_env(
            &env,
            &[
                "run",
                "--cycles",
                "10",
                "--engines",
                "model,verilator",
                "--config",
                s.config.to_str().unwrap(),
            ],
        )
    };
    let (code, _, err) = run(&[("VERILATOR", Path::new("/nonexistent/verilator"))]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot build a Verilator model")
            && err.contains("`/nonexistent/verilator`")
            && err.contains("apt-get install -y verilator"),
        "{err}"
    );
    let (code, _, err) = run(&[("CXX", Path::new("/nonexistent/c++"))]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("C++ compiler is missing") && err.contains("/nonexistent/c++"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(entries(&s.cache), Vec::<String>::new(), "nothing built");
}
