//! One retimer lane direction in rust-hdl against the host model
//! (`xpo_host::model::retimer`, written first from clause 49 and CMIS),
//! cycle by cycle, fed by the SerDes line model with every impairment on
//! (bit errors, header errors, `valid` gaps, dark periods, a random
//! initial bit phase) and the gearbox obeying the model's slip requests.
//! Controls change at random under proptest. Each output is compared on
//! every cycle; the first difference fails with the cycle and the port.
//! The engine-level lockstep (Verilator) comes when the lanes are wired
//! into the top.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_hdl::retimer::{PathDrive, PathSense, RetimerPathStepper};
use xpo_host::model::retimer::{Direction, PathControls, PathSample, RetimerPath};
use xpo_host::serdes::{LineImpairments, SerdesLine};
use xpo_spec::retimer::RetimerTiming;

fn sense(o: &xpo_host::model::retimer::PathOutputs) -> PathSense {
    PathSense {
        out_valid: o.out_valid,
        out_block: o.out_block,
        slip: o.slip,
        block_lock: o.block_lock,
        hi_ber: o.hi_ber,
        los: o.los,
        output_status: o.output_status,
        invalid_headers: o.invalid_headers,
        errored_blocks: o.errored_blocks,
    }
}

/// Runs both sides for `cycles` with controls from `controls(cycle)`;
/// returns the model's last outputs and what the line injected.
fn lockstep(
    tx: bool,
    t: &RetimerTiming,
    impair: LineImpairments,
    seed: u64,
    cycles: u64,
    mut controls: impl FnMut(u64) -> PathControls,
) -> (PathSense, xpo_host::serdes::LineCounts) {
    let dir = if tx { Direction::Tx } else { Direction::Rx };
    let mut model = RetimerPath::new(dir, t);
    let mut rtl = RetimerPathStepper::new(tx, t);
    let mut line = SerdesLine::new(impair, seed).unwrap();
    let mut slip = false;
    let mut last = PathSense::default();
    for c in 0..cycles {
        let (valid, word) = line.cycle(slip);
        let ctl = controls(c);
        // A Tx input with its polarity flip set arrives inverted (the host
        // trace is swapped), so the flip is exercised against real data.
        let block = if tx && ctl.polarity_flip {
            word ^ xpo_host::model::retimer::ALL_ONES
        } else {
            word
        };
        let m = sense(model.step(PathSample {
            valid,
            block,
            controls: ctl,
        }));
        let r = rtl.step(&PathDrive {
            reset: false,
            valid,
            block,
            polarity_flip: ctl.polarity_flip,
            output_disable: ctl.output_disable,
            auto_squelch_disable: ctl.auto_squelch_disable,
            squelch_force: ctl.squelch_force,
            dp_activated: ctl.dp_activated,
            bypass: ctl.bypass,
        });
        assert_eq!(
            r,
            m,
            "cycle {c} ({} path, seed {seed}): rust-hdl (left) and model (right) differ",
            if tx { "Tx" } else { "Rx" }
        );
        slip = m.slip;
        last = m;
    }
    (last, line.counts())
}

fn timing() -> RetimerTiming {
    RetimerTiming {
        slip_wait: 1,
        ber_window: 400,
        ber_threshold: 16,
        los_cycles: 12,
    }
}

fn on() -> PathControls {
    PathControls {
        dp_activated: true,
        ..Default::default()
    }
}

/// Every impairment at once, both directions, 20,000 cycles each: the
/// lane hunts, locks, loses lock to bursts and dark periods, reports
/// hi-BER and counts, and the two sides agree on every output.
#[test]
fn both_directions_agree_with_every_impairment_on() {
    let impair = LineImpairments {
        bit_error_ratio: 2e-5,
        header_error_ratio: 0.01,
        gap: 0.05,
        los_period: 5_000,
        los_length: 40,
    };
    for tx in [false, true] {
        let mut rng = ChaCha8Rng::seed_from_u64(7);
        let mut c = on();
        let (last, counts) = lockstep(tx, &timing(), impair, 11, 20_000, |_| {
            if rng.gen_bool(0.002) {
                c.polarity_flip ^= true;
            }
            if rng.gen_bool(0.001) {
                c.bypass ^= true;
            }
            c
        });
        // The run saw what it was meant to: slips, dark periods, errors.
        assert!(counts.slips > 0 && counts.dark_cycles >= 3 * 40);
        assert!(counts.header_errors > 50 && counts.bit_errors > 10);
        assert!(last.invalid_headers > 0 && last.errored_blocks >= last.invalid_headers);
    }
}

/// Exact counting: a lane locked on a clean line, then header errors only
/// (fewer than 16 in any window of 64 by far): the counted invalid
/// headers and errored blocks equal those injected.
#[test]
fn counted_errored_blocks_equal_injected() {
    for tx in [false, true] {
        let t = timing();
        let dir = if tx { Direction::Tx } else { Direction::Rx };
        let mut model = RetimerPath::new(dir, &t);
        let mut rtl = RetimerPathStepper::new(tx, &t);
        let mut line = SerdesLine::new(LineImpairments::clean(), 21).unwrap();
        let mut slip = false;
        let mut locked_at = None;
        for c in 0..30_000u64 {
            if c == 5_000 {
                assert!(model.outputs().block_lock, "locked on the clean line");
                line.set_impairments(LineImpairments {
                    header_error_ratio: 0.02,
                    ..LineImpairments::clean()
                });
                line.clear_counts();
                locked_at = Some(*model.outputs());
            }
            let (valid, block) = line.cycle(slip);
            let ctl = on();
            let m = *model.step(PathSample {
                valid,
                block,
                controls: ctl,
            });
            let r = rtl.step(&PathDrive {
                valid,
                block,
                dp_activated: true,
                ..Default::default()
            });
            assert_eq!(r, sense(&m), "cycle {c}");
            slip = m.slip;
        }
        // Two blocks may not have counted yet: the staged one, and the
        // one whose count decision is registered (contract 2).
        let before = locked_at.unwrap();
        let injected = line.counts().header_errors;
        let counted = model.outputs().invalid_headers - before.invalid_headers;
        let errored = model.outputs().errored_blocks - before.errored_blocks;
        assert!(injected > 300, "{injected}");
        assert!(model.outputs().block_lock, "never lost lock");
        assert!(
            (injected - 2..=injected).contains(&u64::from(counted)),
            "{counted} counted of {injected} injected"
        );
        assert_eq!(counted, errored);
    }
}

fn arb_timing() -> impl Strategy<Value = RetimerTiming> {
    (1u32..=4, 2u64..600, 1u32..=20, 2u32..40).prop_map(|(sw, w, th, los)| RetimerTiming {
        slip_wait: sw,
        ber_window: w,
        ber_threshold: th,
        los_cycles: los,
    })
}

fn arb_impair() -> impl Strategy<Value = LineImpairments> {
    (
        0.0f64..1e-3,
        0.0f64..0.1,
        0.0f64..0.3,
        prop::bool::ANY,
        5u64..60,
    )
        .prop_map(|(ber, hdr, gap, dark, len)| LineImpairments {
            bit_error_ratio: ber,
            header_error_ratio: hdr,
            gap,
            los_period: if dark { 700 } else { 0 },
            los_length: len,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    /// Random timing, impairments and control changes (each control
    /// toggles at its own random rate), either direction.
    #[test]
    fn random_configurations_agree(
        t in arb_timing(),
        impair in arb_impair(),
        tx in prop::bool::ANY,
        seed in 0u64..1_000_000,
        rates in prop::array::uniform6(0.0f64..0.02),
    ) {
        let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x5eed);
        let mut c = on();
        lockstep(tx, &t, impair, seed, 3_000, |_| {
            let flips: Vec<bool> = rates.iter().map(|&r| rng.gen_bool(r)).collect();
            c.polarity_flip ^= flips[0];
            c.output_disable ^= flips[1];
            c.auto_squelch_disable ^= flips[2];
            c.squelch_force ^= flips[3];
            c.dp_activated ^= flips[4];
            c.bypass ^= flips[5];
            c
        });
    }
}
