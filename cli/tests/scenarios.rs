//! `xpo compare`: every example scenario passes on the three engines, every
//! malformed one is refused with its file, line and column.

use std::path::{Path, PathBuf};
use std::process::Command;

fn xpo(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn toml_files(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    v.sort();
    v
}

/// Runs one example on `engines` (its own: all three, unless a list is
/// given) and checks the report: passed, no divergence, every expectation
/// judged and passed, for the whole duration.
fn example_passes(name: &str, engines: Option<&str>) {
    scenario_passes(&repo().join("examples/scenarios"), name, engines)
}

/// [`example_passes`] for the scenario `name` in `dir`.
fn scenario_passes(dir: &Path, name: &str, engines: Option<&str>) {
    let path = dir.join(format!("{name}.toml"));
    let text = std::fs::read_to_string(&path).unwrap();
    // Each scenario says in a comment what it shows.
    assert!(
        text.lines().next().is_some_and(|l| l.starts_with("# ")) && text.contains("# Shows:"),
        "{name}: open with a comment saying what it shows"
    );
    let wave = std::env::temp_dir().join(format!(
        "xpo-example-{}-divergence.vcd",
        name.replace('/', "-")
    ));
    let mut args = vec![
        "compare",
        "--scenario",
        path.to_str().unwrap(),
        "--json",
        "--divergence-wave",
        wave.to_str().unwrap(),
    ];
    if let Some(e) = engines {
        args.extend(["--engines", e]);
    }
    let (code, out, err) = xpo(&args);
    let r: serde_json::Value =
        serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out} {err}"));
    assert_eq!(code, 0, "{name}: {:#}", r["failures"]);
    assert_eq!(r["passed"], true);
    assert!(r["divergence"].is_null(), "{name}: {:#}", r["divergence"]);
    let want: Vec<&str> = engines
        .unwrap_or("model,rusthdl,verilator")
        .split(',')
        .collect();
    assert_eq!(r["engines"], serde_json::json!(want));
    assert!(r["cycles_run"].as_u64().unwrap() > r["cycles"].as_u64().unwrap());
    let exps = r["expectations"].as_array().unwrap();
    assert!(
        exps.len() >= 3,
        "{name}: too few expectations to show anything"
    );
    for e in exps {
        assert_eq!(e["passed"], true, "{name}: {e:#}");
        assert!(e["polls"].as_u64().unwrap() >= 1, "{name}: {e:#}");
    }
    assert!(r["failures"].as_array().unwrap().is_empty());
}

macro_rules! examples {
    ($($test:ident => $name:literal $(on $engines:literal)?,)*) => {
        $(
            #[test]
            fn $test() {
                example_passes($name, None $(.or(Some($engines)))?);
            }
        )*

        /// Every file in examples/scenarios has its test above.
        #[test]
        fn every_example_scenario_is_run() {
            let listed = [$($name),*];
            let found: Vec<String> = toml_files(&repo().join("examples/scenarios"))
                .iter()
                .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
                .collect();
            assert_eq!(found, listed.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        }
    };
}

/// The scenarios of other hardware (`tests/scenarios/other-hardware`:
/// four lanes, sixteen laser lanes) pass here on the model. On Verilator
/// each needs its model verilated at run time first (18 to 28 s each when
/// measured), which CI's time cannot afford beside the rest; the
/// mechanism is tested with the one-lane engine in `runtime_models.rs`,
/// and `xpo compare` runs them on all three engines.
#[test]
fn other_hardware_scenarios_pass_on_the_model() {
    let dir = repo().join("tests/scenarios/other-hardware");
    let found: Vec<String> = toml_files(&dir)
        .iter()
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(found, ["four-lanes", "sixteen-laser-lanes"]);
    for name in found {
        scenario_passes(&dir, &name, Some("model"));
    }
}

// Every example on all three engines (the APC fault, 100,000 cycles, is
// the longest: about two minutes of rust-hdl). `on "LIST"` after a name
// would run it on fewer.
examples! {
    apc_fault_recovery => "apc-fault-recovery",
    data_path_bring_up => "data-path-bring-up",
    interlock_during_ramp => "interlock-during-ramp",
    lane_skew_and_swap => "lane-skew-and-swap",
    laser_bring_up => "laser-bring-up",
    los_and_squelch => "los-and-squelch",
    module_bring_up => "module-bring-up",
    output_loopbacks => "output-loopbacks",
    prbs_ber => "prbs-ber",
}

/// Each malformed scenario opens with `# expect: LINE:COLUMN: text`; the
/// refusal names that file, line and column and says that text, with exit
/// code 2 and nothing run.
#[test]
fn malformed_scenarios_are_refused_with_their_location() {
    let files = toml_files(&repo().join("tests/scenarios/malformed"));
    assert!(files.len() >= 20, "{} malformed scenarios", files.len());
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        let want = text
            .lines()
            .next()
            .and_then(|l| l.strip_prefix("# expect: "))
            .unwrap_or_else(|| panic!("{}: no `# expect:` line", f.display()));
        let (place, message) = want.split_at(want.find(": ").unwrap());
        let message = &message[2..];
        let (code, out, err) = xpo(&[
            "compare",
            "--scenario",
            f.to_str().unwrap(),
            "--engines",
            "model",
        ]);
        assert_eq!(code, 2, "{}: {err}", f.display());
        assert!(out.is_empty(), "{}: {out}", f.display());
        let located = format!("{}:{place}: ", f.display());
        assert!(
            err.contains(&located),
            "{}: want {located}, got {err}",
            f.display()
        );
        assert!(
            err.contains(message),
            "{}: want {message:?}, got {err}",
            f.display()
        );
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// A well-formed scenario whose expectation does not hold fails with exit
/// code 1, naming the line and what was read.
#[test]
fn a_failed_expectation_exits_1_with_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("wrong.toml");
    std::fs::write(
        &f,
        "# The module never reaches low power by itself.\n\
         duration = \"10 us\"\n\
         \n\
         [[expect]]\n\
         field = \"ModuleState\"\n\
         equals = \"ModuleLowPwr\"\n\
         from = \"5 us\"\n\
         until = \"10 us\"\n",
    )
    .unwrap();
    let (code, out, _) = xpo(&[
        "compare",
        "--scenario",
        f.to_str().unwrap(),
        "--engines",
        "model",
    ]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("line   4  FAIL"), "{out}");
    assert!(out.contains("3 (ModuleReady)"), "{out}");
    assert!(out.trim_end().ends_with("FAIL"), "{out}");
    // --check only parses.
    let (code, _, err) = xpo(&["compare", "--scenario", f.to_str().unwrap(), "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("well formed"), "{err}");
}

/// A missing file and an unknown engine are bad input (2), before
/// anything runs.
#[test]
fn bad_command_lines_exit_2() {
    let (code, _, err) = xpo(&["compare", "--scenario", "/nonexistent/s.toml"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("/nonexistent/s.toml:1:1: cannot read"),
        "{err}"
    );
    let ok = repo().join("examples/scenarios/module-bring-up.toml");
    let (code, _, err) = xpo(&[
        "compare",
        "--scenario",
        ok.to_str().unwrap(),
        "--engines",
        "vcs",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("unknown engine `vcs`"), "{err}");
    let (code, _, err) = xpo(&[
        "compare",
        "--scenario",
        ok.to_str().unwrap(),
        "--engines",
        "model",
        "--wave",
        "x.fst",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("add verilator"), "{err}");
}
