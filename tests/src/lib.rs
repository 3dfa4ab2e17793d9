//! Helpers shared by the cross-engine integration tests in `tests/tests/`.

use xpo_sim::prbs_loopback::{PrbsPlan, PrbsScenario};
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

/// A multi-lane link as a receiver's lanes see it after block lock: the
/// link channel model through each lane's slipping gearbox and the
/// model's block lock, with two impairments of its own — bursts of 1 to 5
/// corrupted markers (a random bit of M0..M2 flipped, so INVALID_AM and
/// AM lock loss happen) and block lock forced off for 1 to 19 edges —
/// at the given per-marker and per-edge rates. Shared by the block-level
/// alignment tests (`am_lane.rs`, `deskew.rs`).
pub struct ImpairedLink {
    link: xpo_host::link::LinkChannel,
    locks: Vec<xpo_host::model::pcs::BlockLock>,
    rng: rand_chacha::ChaCha8Rng,
    corrupt_rate: f64,
    unlock_rate: f64,
    slips: Vec<bool>,
    phase: Vec<u8>,
    corrupt_left: Vec<u32>,
    unlocked_left: Vec<u32>,
}

impl ImpairedLink {
    pub fn new(
        plan: xpo_host::link::LinkPlan,
        rng: rand_chacha::ChaCha8Rng,
        corrupt_rate: f64,
        unlock_rate: f64,
    ) -> Self {
        let lanes = plan.lanes;
        Self {
            link: xpo_host::link::LinkChannel::new(plan).unwrap(),
            locks: (0..lanes)
                .map(|_| xpo_host::model::pcs::BlockLock::new(0))
                .collect(),
            rng,
            corrupt_rate,
            unlock_rate,
            slips: vec![false; lanes],
            phase: vec![0; lanes],
            corrupt_left: vec![0; lanes],
            unlocked_left: vec![0; lanes],
        }
    }

    /// The random source, for a test's own draws.
    pub fn rng(&mut self) -> &mut rand_chacha::ChaCha8Rng {
        &mut self.rng
    }

    /// One edge: each lane's sample (block lock and bit phase after it).
    pub fn edge(&mut self) -> Vec<xpo_host::model::pcs::deskew::LaneSample> {
        use rand::Rng;
        let lanes = self.slips.len();
        let words = self.link.cycle(&self.slips);
        let mut out = Vec::with_capacity(lanes);
        for (x, (valid, mut w)) in words.into_iter().enumerate() {
            self.slips[x] = false;
            if valid && xpo_host::model::pcs::alignment_marker::decode_marker(w, lanes).is_some() {
                if self.corrupt_left[x] == 0 && self.rng.gen_bool(self.corrupt_rate) {
                    self.corrupt_left[x] = self.rng.gen_range(1..=5);
                }
                if self.corrupt_left[x] > 0 {
                    self.corrupt_left[x] -= 1;
                    w ^= 1 << self.rng.gen_range(2..26);
                }
            }
            if valid {
                self.slips[x] = self.locks[x].block((w & 3) as u8).slip;
                if self.slips[x] {
                    self.phase[x] = (self.phase[x] + 1) % 66;
                }
            }
            if self.unlocked_left[x] == 0 && self.rng.gen_bool(self.unlock_rate) {
                self.unlocked_left[x] = self.rng.gen_range(1..20);
            }
            let block_lock = self.locks[x].block_lock() && self.unlocked_left[x] == 0;
            self.unlocked_left[x] = self.unlocked_left[x].saturating_sub(1);
            out.push(xpo_host::model::pcs::deskew::LaneSample {
                valid,
                block: w,
                block_lock,
                bit_phase: self.phase[x],
            });
        }
        out
    }
}
