//! A link's hi-BER monitor in rust-hdl (`LinkBerMonitor`) against its
//! model (`xpo_host::model::pcs::BerMonitor::cycle_headers`, written first
//! from Figure 82-13), cycle by cycle: every edge the monitor takes the
//! shown `align_status` and tests the headers tapped at the edge before,
//! in physical lane order (rule 6 of the link contract,
//! `xpo_host::model::link_alignment`).
//!
//! The stimulus is random headers on random lanes with runs of invalid
//! ones, windows short enough that the timer expires in every state,
//! thresholds from 1 (the first header of a done window raises hi-BER)
//! up, and the enable dropping now and then; each run must reach every
//! state of the diagram, raise hi-BER and clear it.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_hdl::retimer::LinkBerStepper;
use xpo_host::model::pcs::{BerMonitor, BerState};

#[derive(Debug, Default)]
struct Seen {
    raised: u64,
    cleared: u64,
    states: std::collections::BTreeSet<String>,
}

fn run(seed: u64, lanes: usize, window: u64, threshold: u32, cycles: u64) -> Seen {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut rtl = LinkBerStepper::new(lanes, window, threshold);
    let mut model = BerMonitor::new(window, threshold);
    let mut tapped: Vec<u8> = Vec::new();
    let mut seen = Seen::default();
    let mut was = false;
    // How likely a header is invalid, changed in phases so windows pass
    // both clean and noisy.
    let mut p_bad = 0.0;
    for cycle in 0..cycles {
        if cycle % 97 == 0 {
            p_bad = [0.0, 0.02, 0.2, 0.6][rng.gen_range(0..4)];
        }
        let enable = rng.gen_bool(0.995);
        let headers: Vec<Option<u8>> = (0..lanes)
            .map(|_| {
                rng.gen_bool(0.8).then(|| {
                    if rng.gen_bool(p_bad) {
                        [0b00, 0b11][rng.gen_range(0..2)]
                    } else {
                        [0b01, 0b10][rng.gen_range(0..2)]
                    }
                })
            })
            .collect();
        let hi = rtl.step(enable, &headers);
        let want = model.cycle_headers(enable, &tapped);
        assert_eq!(
            hi,
            want,
            "seed {seed}, {lanes} lanes, window {window}, threshold {threshold}: \
             cycle {cycle}, state {:?}",
            model.state()
        );
        tapped = headers.iter().flatten().copied().collect();
        seen.states.insert(format!("{:?}", model.state()));
        match (was, hi) {
            (false, true) => seen.raised += 1,
            (true, false) => seen.cleared += 1,
            _ => {}
        }
        was = hi;
    }
    seen
}

#[test]
fn eight_lanes_at_a_scaled_clause_82_rule() {
    let seen = run(1, 8, 40, 9, 60_000);
    assert!(seen.raised > 10 && seen.cleared > 10, "{seen:?}");
    for s in [
        BerState::StartTimer,
        BerState::BerTestSh,
        BerState::BerBadSh,
        BerState::HiBer,
    ] {
        assert!(seen.states.contains(&format!("{s:?}")), "{s:?}: {seen:?}");
    }
}

/// The corners, with fixed seeds so that reaching hi-BER is a fact of the
/// run, not of chance: one lane, sixteen lanes, a threshold of one (the
/// first header of a done window raises it), a window of two cycles.
#[test]
fn the_corners_raise_and_clear_hi_ber() {
    for (seed, lanes, window, threshold) in [
        (2, 1, 50, 4),
        (3, 16, 3, 1),
        (4, 16, 20, 19),
        (5, 2, 2, 2),
        (6, 5, 7, 1),
    ] {
        let seen = run(seed, lanes, window, threshold, 20_000);
        assert!(
            seen.raised > 0 && seen.cleared > 0,
            "{lanes} lanes, window {window}, threshold {threshold}: {seen:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    /// Any shape: the RTL and the model agree on every edge (`run`
    /// asserts it); whether hi-BER is reachable depends on the shape (one
    /// lane cannot put three headers in a two-cycle window).
    #[test]
    fn any_lanes_window_and_threshold(
        seed in any::<u64>(),
        lanes in 1usize..=16,
        window in 2u64..60,
        threshold in 1u32..20,
    ) {
        run(seed, lanes, window, threshold, 4_000);
    }
}
