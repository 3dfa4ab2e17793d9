//! Helpers shared by the cross-engine integration tests in `tests/tests/`.

use xpo_sim::scenario::{PrbsPlan, PrbsScenario};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions, RunResult};
use xpo_spec::{Engine, EngineConfig};

/// All three engines for `cfg`, model first (the stimulus reference).
pub fn all_engines(cfg: &EngineConfig) -> Vec<Box<dyn Engine>> {
    EngineKind::ALL
        .iter()
        .map(|&k| build_engine(k, cfg).unwrap_or_else(|e| panic!("building {}: {e}", k.name())))
        .collect()
}

/// Runs `plan` for `cycles` on `engines`; returns the result and the scenario
/// (for its per-lane report).
pub fn run_plan(
    engines: Vec<Box<dyn Engine>>,
    plan: PrbsPlan,
    cycles: u64,
) -> (RunResult, PrbsScenario) {
    let lanes = engines[0].config().lanes;
    let mut sc = PrbsScenario::new(plan, lanes).expect("valid plan");
    let mut ls = Lockstep::new(engines);
    let r = ls.run(
        &mut sc,
        &LockstepOptions {
            cycles,
            ..Default::default()
        },
    );
    (r, sc)
}

/// Panics with the readable divergence report if engines disagreed.
pub fn assert_agree(r: &RunResult) {
    if let Some(d) = &r.divergence {
        panic!("{d}");
    }
}

/// `verilator --lint-only -Wall` on `path` (top module `top`) with the
/// project's waivers (`xpo_hdl::emit::VERILATOR_LINT_WAIVERS`) and `extra`
/// arguments (defines): whether it exited cleanly, and its stderr.
pub fn verilator_lint(path: &std::path::Path, top: &str, extra: &[String]) -> (bool, String) {
    let mut cmd = std::process::Command::new("verilator");
    cmd.args(["--lint-only", "-Wall", "--top-module", top]);
    cmd.args(extra);
    for (w, _why) in xpo_hdl::emit::VERILATOR_LINT_WAIVERS {
        cmd.arg(format!("-Wno-{w}"));
    }
    let out = cmd
        .arg(path)
        .output()
        .expect("verilator is installed (scripts/deps.sh)");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
