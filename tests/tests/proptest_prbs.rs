//! Property tests: random scenarios (patterns, inversions, checker
//! mismatches, bit-error ratios, gearbox gaps, and scheduled disturbances:
//! reset pulses, enables, pattern changes, counter resets) in lockstep.
//!
//! - All three engines on the configuration the Verilator model is built for.
//! - Model against rust-hdl on random configurations (lane count, lock
//!   detector parameters, each side's pattern set), which need no rebuild.
//!
//! On failure proptest shrinks to a minimal scenario and prints it with its
//! seed; it also records the case under `proptest-regressions/` so the next
//! run replays it first.

use proptest::prelude::*;
use xpo_sim::prbs_loopback::{Event, LanePlan, PrbsPlan};
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::prbs::{PatternSet, PrbsPattern};
use xpo_spec::{EngineConfig, PrbsConfig};
use xpo_tests::{all_engines, assert_agree, run_plan};

const CYCLES: u64 = 600;

fn lane_plan() -> impl Strategy<Value = LanePlan> {
    (
        0u8..16,
        any::<bool>(),
        prop::option::weighted(0.15, 0u8..16),
        prop::option::weighted(0.15, any::<bool>()),
        prop_oneof![Just(0.0), Just(1e-4), Just(1e-3), Just(1e-2), Just(0.2)],
        prop_oneof![Just(0.0), Just(0.03), Just(0.3)],
    )
        .prop_map(
            |(pattern, invert, checker_pattern, checker_invert, ber, gap)| LanePlan {
                pattern,
                invert,
                checker_pattern,
                checker_invert,
                ber,
                gap,
            },
        )
}

fn event(lanes: usize) -> impl Strategy<Value = (u64, Event)> {
    let l = 0..lanes;
    let ev = prop_oneof![
        1 => Just(Event::Reset),
        3 => (l.clone(), any::<bool>()).prop_map(|(lane, on)| Event::GeneratorEnable { lane, on }),
        3 => (l.clone(), any::<bool>()).prop_map(|(lane, on)| Event::CheckerEnable { lane, on }),
        2 => (l.clone(), 0u8..16, any::<bool>())
            .prop_map(|(lane, pattern, invert)| Event::GeneratorPattern { lane, pattern, invert }),
        2 => (l.clone(), 0u8..16, any::<bool>())
            .prop_map(|(lane, pattern, invert)| Event::CheckerPattern { lane, pattern, invert }),
        3 => l.prop_map(|lane| Event::CounterReset { lane }),
    ];
    (0..CYCLES, ev)
}

fn plan(lanes: usize) -> impl Strategy<Value = PrbsPlan> {
    (
        prop::collection::vec(lane_plan(), lanes),
        any::<u64>(),
        prop::collection::vec(event(lanes), 0..12),
    )
        .prop_map(|(lanes, seed, events)| PrbsPlan {
            lanes,
            seed,
            events,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, ..ProptestConfig::default() })]

    /// Model, rust-hdl and Verilator agree on every output, every cycle.
    #[test]
    fn three_engines_agree_on_random_scenarios(p in plan(8)) {
        let (r, _) = run_plan(all_engines(&EngineConfig::default()), p, CYCLES);
        assert_agree(&r);
        prop_assert_eq!(r.cycles, CYCLES);
    }
}

/// A non-empty set of the implemented patterns (IDs 0..=11).
fn pattern_set() -> impl Strategy<Value = PatternSet> {
    (1u16..0x1000).prop_map(|bits| {
        PatternSet::of((0..12u8).filter(|i| bits >> i & 1 == 1).map(PrbsPattern)).unwrap()
    })
}

fn config() -> impl Strategy<Value = EngineConfig> {
    (
        1usize..=16,
        1u32..=40,
        1u32..=8,
        1u32..=66,
        pattern_set(),
        pattern_set(),
    )
        .prop_map(
            |(lanes, lock_words, unlock_words, unlock_errors, host_patterns, media_patterns)| {
                EngineConfig {
                    lanes,
                    prbs: PrbsConfig {
                        lock_words,
                        unlock_words,
                        unlock_errors,
                        host_patterns,
                        media_patterns,
                    },
                    ..Default::default()
                }
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    /// Model and rust-hdl agree on random configurations and scenarios.
    #[test]
    fn model_and_rusthdl_agree_on_random_configs(
        (cfg, p) in config().prop_flat_map(|cfg| { let n = cfg.lanes; (Just(cfg), plan(n)) })
    ) {
        let engines = vec![
            build_engine(EngineKind::Model, &cfg).unwrap(),
            build_engine(EngineKind::RustHdl, &cfg).unwrap(),
        ];
        let (r, _) = run_plan(engines, p, CYCLES);
        assert_agree(&r);
    }
}

/// Without disturbances, every lane on an advertised pattern counts exactly
/// the errors the line injected, for any seed and error ratio up to 1e-3.
#[test]
fn counted_equals_injected_for_random_seeds() {
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig {
        cases: 8,
        ..ProptestConfig::default()
    });
    runner
        .run(
            &(
                any::<u64>(),
                prop::collection::vec(
                    (
                        prop::sample::select(
                            EngineConfig::default()
                                .prbs
                                .media_patterns
                                .iter()
                                .map(|p| p.0)
                                .collect::<Vec<u8>>(),
                        ),
                        any::<bool>(),
                    ),
                    8,
                ),
            ),
            |(seed, lanes)| {
                let plan = PrbsPlan {
                    lanes: lanes
                        .into_iter()
                        .map(|(pattern, invert)| LanePlan {
                            pattern,
                            invert,
                            checker_pattern: None,
                            checker_invert: None,
                            ber: 1e-3,
                            gap: 0.05,
                        })
                        .collect(),
                    seed,
                    events: vec![],
                };
                let (r, sc) = run_plan(all_engines(&EngineConfig::default()), plan, 2000);
                assert_agree(&r);
                for rep in sc.report(&r.last_outputs) {
                    prop_assert!(rep.locked);
                    prop_assert_eq!(rep.errors_counted, rep.errors_injected);
                }
                Ok(())
            },
        )
        .unwrap();
}
