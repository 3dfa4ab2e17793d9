//! Three engines in lockstep on every PRBS pattern ID, with and without
//! inversion, with and without line errors.

use xpo_sim::prbs_loopback::{Event, LanePlan, PrbsPlan};
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::prbs::{PatternSet, PrbsPattern};
use xpo_spec::EngineConfig;
use xpo_tests::{all_engines, assert_agree, run_plan};

/// A plan whose first lanes are `lanes` and whose remaining lanes (up to the
/// 8 the Verilator model is built for) send clean PRBS31.
fn plan(mut lanes: Vec<LanePlan>, seed: u64) -> PrbsPlan {
    lanes.resize(8, lane(1, false, 0.0, 0.0));
    PrbsPlan {
        lanes,
        seed,
        events: Vec::new(),
    }
}

fn lane(pattern: u8, invert: bool, ber: f64, gap: f64) -> LanePlan {
    LanePlan {
        pattern,
        invert,
        checker_pattern: None,
        checker_invert: None,
        ber,
        gap,
    }
}

/// All 16 pattern IDs over two runs of 8 lanes: advertised ones lock and
/// count exactly the injected errors; the others (and always SSPRQ, custom,
/// user, reserved) never transmit or lock. Lanes alternate inversion and
/// carry errors at 1e-3 with gaps. Three engines on the default
/// configuration (four patterns advertised); the model and rust-hdl with
/// every implemented pattern advertised (the Verilator model is built for
/// the default one).
#[test]
fn every_pattern_id_with_and_without_inversion_and_errors() {
    let full = EngineConfig {
        prbs: xpo_spec::PrbsConfig {
            media_patterns: PatternSet::IMPLEMENTED,
            ..Default::default()
        },
        ..EngineConfig::default()
    };
    let two = |cfg: &EngineConfig| -> Vec<Box<dyn xpo_spec::Engine>> {
        [EngineKind::Model, EngineKind::RustHdl]
            .iter()
            .map(|&k| build_engine(k, cfg).unwrap())
            .collect()
    };
    let mut locked_ids = Vec::new();
    for cfg in [EngineConfig::default(), full.clone()] {
        for (run, ids) in [(0u8..8), (8u8..16)].into_iter().enumerate() {
            for invert in [false, true] {
                let lanes = ids
                    .clone()
                    .map(|id| {
                        lane(
                            id,
                            invert ^ (id % 3 == 0),
                            if id % 2 == 0 { 1e-3 } else { 0.0 },
                            0.05,
                        )
                    })
                    .collect();
                let engines = if cfg == full {
                    two(&cfg)
                } else {
                    all_engines(&cfg)
                };
                let (r, sc) = run_plan(engines, plan(lanes, 11 + run as u64), 3000);
                assert_agree(&r);
                for (id, rep) in ids.clone().zip(sc.report(&r.last_outputs)) {
                    if cfg
                        .prbs
                        .media_patterns
                        .polynomial(PrbsPattern(id))
                        .is_some()
                    {
                        locked_ids.push((cfg == full, invert, id));
                        assert!(rep.locked, "ID {id} inv {invert}: {rep:?}");
                        assert!(rep.bits_checked > 2000 * 66, "ID {id}: {rep:?}");
                        assert_eq!(
                            rep.errors_counted, rep.errors_injected,
                            "ID {id} inv {invert}"
                        );
                        if id % 2 == 0 {
                            assert!(
                                rep.errors_injected > 50,
                                "ID {id}: errors were injected: {rep:?}"
                            );
                        }
                    } else {
                        assert!(!rep.locked && rep.bits_checked == 0, "ID {id}: {rep:?}");
                        assert!(!r.last_outputs.lanes[(id % 8) as usize].tx_valid);
                    }
                }
            }
        }
    }
    // Default: PRBS31Q, PRBS31, PRBS13Q, PRBS13 (IDs 0, 1, 6, 7); full:
    // PRBS31Q..PRBS7 (IDs 0..=11); each with and without inversion.
    for (full, ids) in [(false, vec![0, 1, 6, 7]), (true, (0..12).collect())] {
        let seen: Vec<u8> = locked_ids
            .iter()
            .filter(|&&(f, inv, _)| f == full && !inv)
            .map(|&(_, _, id)| id)
            .collect();
        assert_eq!(seen, ids, "full set {full}");
    }
}

/// A checker set to the wrong pattern or the wrong inversion never locks,
/// on every engine alike.
#[test]
fn mismatched_checker_never_locks() {
    let cfg = EngineConfig::default();
    let mut lanes = vec![lane(1, false, 0.0, 0.0); 4];
    lanes[0].checker_pattern = Some(7); // PRBS31 sent, PRBS13 expected
    lanes[1].checker_invert = Some(true); // PRBS31 sent, inverted expected
    lanes[2].pattern = 6;
    lanes[2].checker_pattern = Some(0); // PRBS13Q vs PRBS31Q
    let (r, sc) = run_plan(all_engines(&cfg), plan(lanes, 3), 1500);
    assert_agree(&r);
    let rep = sc.report(&r.last_outputs);
    assert!(
        !rep[0].locked && !rep[1].locked && !rep[2].locked,
        "{rep:?}"
    );
    assert!(rep[3].locked, "the matched lane locks: {rep:?}");
}

/// A burst that breaks the pattern (the generator switched to another
/// polynomial under a locked checker) drops lock after `unlock_words` bad
/// words; switching back re-locks. Counters reset on request.
#[test]
fn loss_of_lock_relock_and_counter_reset() {
    let cfg = EngineConfig::default();
    let mut p = plan(vec![lane(1, false, 0.0, 0.0), lane(7, true, 1e-3, 0.0)], 5);
    p.events = vec![
        (400, Event::GeneratorEnable { lane: 0, on: false }),
        (
            401,
            Event::GeneratorPattern {
                lane: 0,
                pattern: 7,
                invert: false,
            },
        ),
        (402, Event::GeneratorEnable { lane: 0, on: true }),
        (700, Event::CounterReset { lane: 1 }),
        (800, Event::GeneratorEnable { lane: 0, on: false }),
        (
            801,
            Event::GeneratorPattern {
                lane: 0,
                pattern: 1,
                invert: false,
            },
        ),
        (802, Event::GeneratorEnable { lane: 0, on: true }),
    ];
    let (r, sc) = run_plan(all_engines(&cfg), p.clone(), 600);
    assert_agree(&r);
    let rep = sc.report(&r.last_outputs);
    assert!(!rep[0].locked, "PRBS13 under a PRBS31 checker: {rep:?}");
    assert!(rep[0].errors_counted > 0, "the bad words were counted");
    let (r, sc) = run_plan(all_engines(&cfg), p, 1200);
    assert_agree(&r);
    let rep = sc.report(&r.last_outputs);
    assert!(rep[0].locked, "PRBS31 again: re-locked: {rep:?}");
    assert_eq!(rep[1].errors_counted, rep[1].errors_injected);
    // The write to 13h:177 cleared the checker's own counters (not just
    // the scenario's baseline).
    let raw = r.last_outputs.lanes[1].media_chk_bit_count;
    assert!(raw <= 500 * 66, "counters restarted at cycle 700: {raw}");
}

/// A reset pulse mid-run returns every engine to the same state.
#[test]
fn reset_mid_run() {
    let cfg = EngineConfig::default();
    let mut p = plan(
        vec![
            lane(1, false, 1e-4, 0.1),
            lane(7, true, 0.0, 0.0),
            lane(6, false, 1e-3, 0.0),
        ],
        9,
    );
    p.events = vec![(333, Event::Reset)];
    let (r, sc) = run_plan(all_engines(&cfg), p, 1000);
    assert_agree(&r);
    for rep in sc.report(&r.last_outputs) {
        assert!(rep.locked);
        assert_eq!(rep.errors_counted, rep.errors_injected);
    }
}
