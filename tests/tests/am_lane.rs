//! One lane's alignment-marker lock and BIP check in rust-hdl (`AmLane`)
//! against its model (`xpo_host::model::pcs::deskew::AmLane`, written
//! first from Figure 82-11 and 82.2.8), cycle by cycle. The stimulus is
//! the link channel model (markers with their BIP-8, swapped and skewed
//! lanes, bit errors, gaps) through a slipping gearbox and the model's
//! block lock, with marker blocks corrupted in bursts (so INVALID_AM and
//! lock loss after four happen) and block lock forced off now and then.
//! The RTL acts one edge after a sample (its input stage), so its outputs
//! after edge t + 1 are compared with the model's after sample t.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_hdl::retimer::{AmLaneSense, AmLaneStepper};
use xpo_host::link::LinkPlan;
use xpo_host::model::pcs::deskew::AmLane;
use xpo_tests::ImpairedLink;

fn sense(m: &AmLane, good: bool) -> AmLaneSense {
    AmLaneSense {
        am_lock: m.am_lock(),
        lane_number: m.lane_number(),
        good_marker: good,
        bip_errors: m.bip_errors(),
        last_bip_mismatch: m.last_bip_mismatch(),
    }
}

/// What the run saw, for the checks that the stimulus reached every arc.
#[derive(Debug, Default)]
struct Seen {
    locks: u64,
    lost: u64,
    bip_errors: u64,
    good_markers: u64,
}

fn run(seed: u64, cycles: u64) -> Seen {
    let lanes = 4;
    let period = 60;
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut perm: Vec<usize> = (0..lanes).collect();
    for i in (1..lanes).rev() {
        perm.swap(i, rng.gen_range(0..=i));
    }
    let plan = LinkPlan {
        lanes,
        period,
        permutation: perm,
        skew_blocks: (0..lanes).map(|_| rng.gen_range(0..8)).collect(),
        skew_bits: (0..lanes).map(|_| rng.gen_range(0..66)).collect(),
        bit_error_ratio: 3e-5,
        gap: 0.03,
        seed,
    };
    let mut link = ImpairedLink::new(plan.clone(), rng, 0.04, 1e-4);
    let mut models: Vec<AmLane> = (0..lanes).map(|_| AmLane::new(lanes, period)).collect();
    let mut rtls: Vec<AmLaneStepper> = (0..lanes)
        .map(|_| AmLaneStepper::new(lanes, period))
        .collect();
    let mut previous: Vec<AmLaneSense> = models.iter().map(|m| sense(m, false)).collect();
    let mut seen = Seen::default();
    for c in 0..cycles {
        for (x, s) in link.edge().into_iter().enumerate() {
            let (valid, w, block_lock) = (s.valid, s.block, s.block_lock);
            let got = rtls[x].step(valid, w, block_lock);
            assert_eq!(
                got, previous[x],
                "seed {seed}, cycle {c}, lane {x}: RTL after the edge vs model after the sample before ({plan:?})"
            );
            let was_locked = models[x].am_lock();
            let good = models[x].step(valid, w, block_lock);
            seen.good_markers += u64::from(good);
            match (was_locked, models[x].am_lock()) {
                (false, true) => seen.locks += 1,
                (true, false) => seen.lost += 1,
                _ => {}
            }
            previous[x] = sense(&models[x], good);
        }
    }
    seen.bip_errors = models.iter().map(|m| u64::from(m.bip_errors())).sum();
    seen
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn rtl_agrees_with_the_model_every_cycle(seed in any::<u64>()) {
        let seen = run(seed, 30_000);
        // The stimulus reached lock, its loss, good markers and BIP errors.
        prop_assert!(seen.locks >= 4, "{seen:?}");
        prop_assert!(seen.lost >= 1, "{seen:?}");
        prop_assert!(seen.good_markers > 100, "{seen:?}");
        prop_assert!(seen.bip_errors >= 1, "{seen:?}");
    }
}

/// The block's Verilog is lint-clean under `verilator --lint-only -Wall`
/// (with the one project-wide waiver), for 8 and for 20 lanes.
#[test]
fn verilog_is_lint_clean() {
    for lanes in [8, 20] {
        let v = xpo_hdl::emit::emit_am_lane(lanes, 16383).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("am_lane.v");
        std::fs::write(&path, v).unwrap();
        let (ok, stderr) = xpo_tests::verilator_lint(&path, xpo_hdl::emit::AM_LANE_MODULE, &[]);
        assert!(
            ok && !stderr.contains("%Warning"),
            "{lanes} lanes:\n{stderr}"
        );
    }
}
