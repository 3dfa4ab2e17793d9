//! The retimer lanes on all three engines in lockstep: both directions of
//! every lane carry 64b/66b traffic from the SerDes line model, each line
//! at its own random bit phase behind a gearbox that obeys the engine's
//! slip requests, with every impairment on (bit errors, header errors,
//! `valid` gaps, dark periods longer than the LOS time). The data paths
//! come up by themselves (DPDeinit clear at reset, CMIS's default), and
//! the outputs are compared on every cycle; the stimulus checks on its own
//! that the data passes, bit for bit, after the retimed latency.

use xpo_host::serdes::LineImpairments;
use xpo_sim::retimer::{RetimerPlan, RetimerTraffic};
use xpo_sim::traffic::{Both, BusTraffic};
use xpo_sim::{Lockstep, LockstepOptions};
use xpo_spec::EngineConfig;
use xpo_tests::{all_engines, assert_agree};

fn impaired() -> LineImpairments {
    LineImpairments {
        bit_error_ratio: 3e-5,
        header_error_ratio: 0.002,
        gap: 0.02,
        // Dark for 300 cycles (the LOS time is 157) every 30,000.
        los_period: 30_000,
        los_length: 300,
    }
}

/// Clean lines on every lane, the reset driven on the first cycle.
fn clean_traffic(seed: u64, lanes: usize) -> RetimerTraffic {
    RetimerTraffic::new(
        RetimerPlan {
            seed,
            host: LineImpairments::clean(),
            media: LineImpairments::clean(),
            drive_reset: true,
        },
        lanes,
    )
    .unwrap()
}

/// 100,000 cycles x 8 lanes x 2 directions, three engines, every
/// impairment on.
#[test]
fn three_engines_agree_on_both_directions_with_every_impairment() {
    let cfg = EngineConfig::default();
    let mut traffic = RetimerTraffic::new(
        RetimerPlan {
            seed: 5,
            host: impaired(),
            media: impaired(),
            drive_reset: true,
        },
        cfg.lanes,
    )
    .unwrap();
    let r = Lockstep::new(all_engines(&cfg)).run(
        &mut traffic,
        &LockstepOptions {
            cycles: 100_000,
            ..Default::default()
        },
    );
    assert_agree(&r);
    assert_eq!(r.cycles, 100_000);
    let rep = traffic.report(&r.last_outputs);
    let mut slips = 0;
    for l in &rep {
        for (name, d) in [("tx", l.tx), ("rx", l.rx)] {
            let what = format!("lane {} {name}: {d:?}", l.lane);
            // The last dark period ended 10,000 cycles before the end.
            assert!(d.block_lock, "{what}");
            assert!(d.dark_cycles == 3 * 300, "{what}");
            assert!(
                d.header_errors_injected > 100 && d.bit_errors_injected > 100,
                "{what}"
            );
            // Counted while locked: at least the header errors that hit
            // a locked lane; errored blocks include them.
            assert!(d.invalid_headers > 50, "{what}");
            assert!(d.errored_blocks >= d.invalid_headers, "{what}");
            // Most blocks passed unchanged (not during hunting, dark
            // periods or the data path's bring-up).
            assert!(d.blocks_passed > d.blocks_sent * 8 / 10, "{what}");
            slips += d.slips;
        }
    }
    assert!(slips > 0, "some line started off its block boundary");
}

/// Clean lines until every lane is locked, then header errors only: the
/// engines count exactly the injected ones (the last blocks still in the
/// pipeline aside).
#[test]
fn counted_errored_blocks_equal_injected_on_every_lane() {
    let cfg = EngineConfig::default();
    let mut traffic = clean_traffic(9, cfg.lanes);
    let mut ls = Lockstep::new(all_engines(&cfg));
    let r = ls.run(
        &mut traffic,
        &LockstepOptions {
            cycles: 3_000,
            ..Default::default()
        },
    );
    assert_agree(&r);
    let before = traffic.report(&r.last_outputs);
    for l in &before {
        assert!(l.tx.block_lock && l.rx.block_lock, "{l:?}");
    }
    let errors = LineImpairments {
        header_error_ratio: 0.02,
        ..LineImpairments::clean()
    };
    traffic.set_impairments(errors, errors);
    traffic.clear_counts();
    let r = ls.run(
        &mut traffic,
        &LockstepOptions {
            cycles: 10_000,
            ..Default::default()
        },
    );
    assert_agree(&r);
    for (b, a) in before.iter().zip(traffic.report(&r.last_outputs)) {
        let b_lane = b.lane;
        for (name, b, a) in [("tx", b.tx, a.tx), ("rx", b.rx, a.rx)] {
            let counted = u64::from(a.invalid_headers - b.invalid_headers);
            let injected = a.header_errors_injected;
            assert!(injected > 100, "lane {} {name}: {a:?}", b_lane);
            // Up to four blocks are on their way in at the end (the
            // lane's input register, the path's input stage, the
            // registered count decision, and this edge's).
            assert!(
                (injected.saturating_sub(4)..=injected).contains(&counted),
                "lane {} {name}: {counted} counted of {injected}",
                b_lane
            );
            assert_eq!(
                a.errored_blocks - b.errored_blocks,
                a.invalid_headers - b.invalid_headers
            );
            assert!(a.block_lock);
        }
    }
}

/// Random register traffic on both buses (page 10h controls among it:
/// DPDeinit, output disables, squelch, polarity, ApplyDPInit) while the
/// lanes carry traffic: the engines agree on every cycle.
#[test]
fn engines_agree_with_lane_controls_written_under_traffic() {
    let cfg = EngineConfig::default();
    let mut traffic = RetimerTraffic::new(
        RetimerPlan {
            seed: 13,
            host: impaired(),
            media: impaired(),
            drive_reset: true,
        },
        cfg.lanes,
    )
    .unwrap();
    let mut mgmt = BusTraffic::new(&cfg, 13, 1_500);
    let mut both = Both(&mut traffic, &mut mgmt);
    let r = Lockstep::new(all_engines(&cfg)).run(
        &mut both,
        &LockstepOptions {
            cycles: 300_000,
            ..Default::default()
        },
    );
    assert_agree(&r);
    let rep = mgmt.report();
    assert_eq!(rep.transactions, 1_500, "{rep:?}");
}

/// A burst of invalid headers on every line: every path loses block lock
/// (16 invalid in a window of 64, Figure 49-14) and regains it once the
/// line is clean (64 valid headers in a row), three engines in lockstep.
#[test]
fn lock_is_lost_in_a_burst_of_invalid_headers_and_regained() {
    let cfg = EngineConfig::default();
    let mut traffic = clean_traffic(17, cfg.lanes);
    let mut ls = Lockstep::new(all_engines(&cfg));
    let mut phase = |traffic: &mut RetimerTraffic, cycles: u64| {
        let r = ls.run(
            traffic,
            &LockstepOptions {
                cycles,
                ..Default::default()
            },
        );
        assert_agree(&r);
        traffic.report(&r.last_outputs)
    };
    let locked = |rep: &[xpo_sim::retimer::LaneReport]| {
        rep.iter()
            .flat_map(|l| [l.tx.block_lock, l.rx.block_lock])
            .collect::<Vec<_>>()
    };
    let all = vec![true; 2 * cfg.lanes];
    let none = vec![false; 2 * cfg.lanes];
    assert_eq!(locked(&phase(&mut traffic, 3_000)), all, "locked first");
    let burst = LineImpairments {
        header_error_ratio: 1.0,
        ..LineImpairments::clean()
    };
    traffic.set_impairments(burst, burst);
    traffic.clear_counts();
    let rep = phase(&mut traffic, 300);
    assert_eq!(locked(&rep), none, "every path lost lock in the burst");
    for l in &rep {
        assert!(l.tx.header_errors_injected > 250, "{l:?}");
        // While it still held lock, each path counted what it saw: at
        // least the 16 that cost it the lock.
        assert!(
            l.tx.invalid_headers >= 16 && l.rx.invalid_headers >= 16,
            "{l:?}"
        );
    }
    traffic.set_impairments(LineImpairments::clean(), LineImpairments::clean());
    assert_eq!(
        locked(&phase(&mut traffic, 3_000)),
        all,
        "every path relocked"
    );
}
