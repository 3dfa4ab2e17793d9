//! Each direction's lanes as one clause 82 link, on the engines in
//! lockstep: markers with their BIP-8 on every lane, a random lane swap,
//! skew in blocks and bits, bit errors and gaps, each line behind a
//! gearbox obeying the engine's slip requests (`xpo_sim::retimer`'s
//! linked `RetimerTraffic`). The link probes (the values vendor pages
//! 81h/82h show) are compared on every cycle; the stimulus checks on its
//! own that what the engine measured is what the channel injected: the
//! lane map, the skew in blocks and bits, and the BIP-8 errors. With
//! vendor page 80h `RxLinkDeskew` set on every lane, it also checks the
//! host outputs as the receive link's rows: once aligned, each row is
//! the next row the media transmitter sent, whole, in logical lane order
//! (`xpo_host::link::RowCheck`).

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_host::link::LinkPlan;
use xpo_host::link::RowTally;
use xpo_host::serdes::LineImpairments;
use xpo_sim::lane_modes::every_lane_script;
use xpo_sim::retimer::{LaneReport, LinkLaneReport, RetimerPlan, RetimerTraffic};
use xpo_sim::traffic::{Both, BusTraffic, Forever};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::{Engine, EngineConfig};
use xpo_tests::{all_engines, assert_agree};

/// A random permutation and skews below `max_skew` blocks (with up to 65
/// bits more, a lane's markers arrive at most `max_skew` rows early).
fn plan(rng: &mut ChaCha8Rng, lanes: usize, period: u32, max_skew: u32, ber: f64) -> LinkPlan {
    let mut permutation: Vec<usize> = (0..lanes).collect();
    for i in (1..lanes).rev() {
        permutation.swap(i, rng.gen_range(0..=i));
    }
    LinkPlan {
        lanes,
        period,
        permutation,
        skew_blocks: (0..lanes).map(|_| rng.gen_range(0..max_skew)).collect(),
        skew_bits: (0..lanes).map(|_| rng.gen_range(0..66)).collect(),
        bit_error_ratio: ber,
        gap: 0.02,
        seed: rng.gen(),
    }
}

fn retimer_plan() -> RetimerPlan {
    RetimerPlan {
        seed: 0,
        host: LineImpairments::clean(),
        media: LineImpairments::clean(),
        drive_reset: true,
    }
}

fn traffic(seed: u64, cfg: &EngineConfig, ber: f64) -> RetimerTraffic {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let r = &cfg.retimer;
    let mut p = || plan(&mut rng, cfg.lanes, r.am_period, r.max_skew_blocks, ber);
    let (host, media) = (p(), p());
    RetimerTraffic::linked(retimer_plan(), host, media, cfg.lanes).unwrap()
}

/// Bit errors on (at the plans' ratio) or off.
fn errors(t: &mut RetimerTraffic, on: bool) {
    let imp = LineImpairments {
        bit_error_ratio: if on { 1.0 } else { 0.0 },
        ..LineImpairments::clean()
    };
    t.set_impairments(imp, imp);
}

/// Per direction, each lane's link report.
fn links(rep: &[LaneReport]) -> [(&'static str, Vec<LinkLaneReport>); 2] {
    let side = |tx: bool| {
        rep.iter()
            .map(|l| if tx { l.tx.link } else { l.rx.link }.expect("a linked run"))
            .collect()
    };
    [("tx", side(true)), ("rx", side(false))]
}

/// Aligned, every lane's number the PCS lane sent on it, every skew as
/// injected, and the BIP errors as injected.
fn assert_measured(name: &str, d: &[LinkLaneReport]) {
    for (x, l) in d.iter().enumerate() {
        let what = format!("{name} lane {x}: {l:?}");
        assert!(l.aligned && l.am_lock, "{what}");
        assert_eq!(usize::from(l.lane_number), l.pcs_lane_sent, "{what}");
        assert!(l.skew_valid, "{what}");
        assert_eq!(u32::from(l.skew_blocks), l.skew_blocks_injected, "{what}");
        assert_eq!(l.skew_bits, l.skew_bits_injected, "{what}");
        assert_eq!(u64::from(l.bip_errors), l.bip_errors_injected, "{what}");
        assert!(l.measured_as_injected(), "{what}");
    }
}

/// The bus writing `RxLinkDeskew` on every lane at cycle 20: the host
/// outputs carry the receive link's logical lanes.
fn deskew_on(cfg: &EngineConfig) -> BusTraffic {
    BusTraffic::new(cfg, 0, 0).with_script(every_lane_script(cfg, "RxLinkDeskew", 20).unwrap())
}

/// The receive link's output rows: at least `rows` in order, none out of
/// order, and no more blocks differing from the rows sent than the media
/// channel's bit errors (each corrupts one block).
fn assert_rows(what: &str, t: RowTally, rep: &[LaneReport], rows: u64) {
    let bit_errors: u64 = rep.iter().map(|l| l.rx.bit_errors_injected).sum();
    assert!(t.in_order >= rows, "{what}: {t:?}");
    assert_eq!(t.out_of_order, 0, "{what}: {t:?}");
    assert!(
        t.blocks_differing <= bit_errors,
        "{what}: {t:?}, {bit_errors} bit errors"
    );
}

fn run(ls: &mut Lockstep, stim: &mut dyn xpo_sim::Stimulus, cycles: u64) -> xpo_sim::RunResult {
    let r = ls.run(
        stim,
        &LockstepOptions {
            cycles,
            ..Default::default()
        },
    );
    assert_agree(&r);
    r
}

/// The default configuration (markers every 16383 blocks, 64-block
/// buffers) on all three engines: 100,000 cycles x 8 lanes x 2
/// directions, the host outputs carrying the deskewed receive link. Bit
/// errors run only between the third marker instant (the links are
/// locked and have judged a clean period) and a period before the last
/// one the run sees, so every errored period is closed by a marker the
/// engine judges and the counts are exact.
#[test]
fn three_engines_agree_and_measure_the_injected_links() {
    let cfg = EngineConfig::default();
    let mut traffic = traffic(21, &cfg, 2e-6);
    let mut bus = deskew_on(&cfg);
    let mut ls = Lockstep::new(all_engines(&cfg));
    errors(&mut traffic, false);
    run(
        &mut ls,
        &mut Both(&mut traffic, &mut Forever(&mut bus)),
        36_000,
    );
    errors(&mut traffic, true);
    run(
        &mut ls,
        &mut Both(&mut traffic, &mut Forever(&mut bus)),
        30_000,
    );
    errors(&mut traffic, false);
    let r = run(
        &mut ls,
        &mut Both(&mut traffic, &mut Forever(&mut bus)),
        34_000,
    );
    let rep = traffic.report(&r.last_outputs);
    for (name, d) in links(&rep) {
        assert_measured(name, &d);
        let injected: u64 = d.iter().map(|l| l.bip_errors_injected).sum();
        assert!(
            injected > 10,
            "{name}: errors reached the BIP checks: {d:#?}"
        );
        // Each lane judged at least three markers after locking.
        assert!(d.iter().all(|l| l.markers_sent >= 4), "{d:#?}");
    }
    // Aligned after two marker periods (about 33,000 cycles): the rest of
    // the run's rows leave deskewed, less the 2 % gaps.
    let rows = traffic.rx_rows().expect("a linked run");
    assert_rows("rx", rows, &rep, 60_000);
    assert!(rows.errored > 0, "bit errors reached the output: {rows:?}");
    for l in &rep {
        // Retimed data passes alongside (not while the lines hunt).
        assert!(l.tx.blocks_passed > l.tx.blocks_sent * 9 / 10, "{l:?}");
    }
}

/// The media link of a permutation: skews below 24 blocks with bits,
/// 2 % gaps, no bit errors.
fn media_plan(permutation: Vec<usize>, blocks: Vec<u32>, bits: Vec<u32>, seed: u64) -> LinkPlan {
    LinkPlan {
        lanes: permutation.len(),
        period: 200,
        permutation,
        skew_blocks: blocks,
        skew_bits: bits,
        bit_error_ratio: 0.0,
        gap: 0.02,
        seed,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(5))]
    /// Item 6 and the permutation property at the engine, on the model and
    /// rust-hdl in lockstep: for any lane swap, with skews in blocks and
    /// bits and 2 % gaps, once the receive link aligns every host output
    /// row is the next row sent, whole, in logical lane order; the
    /// transmit side only monitors, so its blocks leave on their own
    /// lanes.
    #[test]
    fn the_receive_link_leaves_deskewed_in_logical_order_for_any_lane_swap(
        permutation in Just((0..8).collect::<Vec<usize>>()).prop_shuffle(),
        blocks in proptest::collection::vec(0u32..24, 8),
        bits in proptest::collection::vec(0u32..66, 8),
        seed in any::<u64>(),
    ) {
        let mut cfg = EngineConfig::default();
        cfg.retimer.am_period = 200;
        cfg.retimer.max_skew_blocks = 24;
        let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::RustHdl]
            .iter()
            .map(|&k| build_engine(k, &cfg).unwrap())
            .collect();
        let media = media_plan(permutation, blocks, bits, seed);
        let host = LinkPlan::straight(8, 200, seed ^ 1);
        let what = format!("media {media:?}");
        let mut traffic = RetimerTraffic::linked(retimer_plan(), host, media, cfg.lanes).unwrap();
        let mut bus = deskew_on(&cfg);
        let mut ls = Lockstep::new(engines);
        let r = run(&mut ls, &mut Both(&mut traffic, &mut Forever(&mut bus)), 3_000);
        let rep = traffic.report(&r.last_outputs);
        for (name, d) in links(&rep) {
            assert_measured(&format!("{what} {name}"), &d);
        }
        assert_rows(&what, traffic.rx_rows().unwrap(), &rep, 1_500);
        for l in &rep {
            prop_assert!(l.tx.blocks_passed > l.tx.blocks_sent * 2 / 3, "{}: {:?}", what, l);
        }
    }
}

/// Markers every 400 blocks on the model and the rust-hdl engine (the
/// Verilator model is built for the default configuration), with the
/// register block's random bus traffic reading pages 81h/82h among the
/// rest (random writes spare the lane-control pages): many marker
/// instants, lock, alignment and BIP checks, compared every cycle, bus
/// responses included.
#[test]
fn model_and_rust_hdl_agree_over_many_marker_instants_with_bus_traffic() {
    let mut cfg = EngineConfig::default();
    cfg.retimer.am_period = 400;
    cfg.retimer.max_skew_blocks = 40;
    let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::RustHdl]
        .iter()
        .map(|&k| build_engine(k, &cfg).unwrap())
        .collect();
    let mut traffic = traffic(33, &cfg, 2e-5);
    // Random writes leave the lane controls alone (a loopback or a
    // polarity flip would end the links); reads go everywhere. No
    // transaction limit within the run: a finished stimulus ends it.
    let mut mgmt = BusTraffic::new(&cfg, 34, u64::MAX)
        .sparing(&[0x10, 0x13, 0x80])
        .holding_power();
    let mut ls = Lockstep::new(engines);
    errors(&mut traffic, false);
    run(&mut ls, &mut Both(&mut traffic, &mut mgmt), 2_000);
    errors(&mut traffic, true);
    run(&mut ls, &mut Both(&mut traffic, &mut mgmt), 20_000);
    errors(&mut traffic, false);
    let r = run(&mut ls, &mut Both(&mut traffic, &mut mgmt), 1_000);
    let rep = traffic.report(&r.last_outputs);
    for (name, d) in links(&rep) {
        assert_measured(name, &d);
        let injected: u64 = d.iter().map(|l| l.bip_errors_injected).sum();
        assert!(injected > 50, "{name}: {d:#?}");
    }
    assert!(mgmt.report().transactions > 100, "{:?}", mgmt.report());
}

/// One lane of each side arriving beyond the buffers: never aligned, the
/// lane's deskew error an event at every marker instant (and never on the
/// others), its skew reported as measured, beyond the maximum.
#[test]
fn a_skew_beyond_the_maximum_is_flagged_never_aligned() {
    let mut cfg = EngineConfig::default();
    cfg.retimer.am_period = 200;
    cfg.retimer.max_skew_blocks = 20;
    let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::RustHdl]
        .iter()
        .map(|&k| build_engine(k, &cfg).unwrap())
        .collect();
    // Every lane but 3 delayed 21 blocks: lane 3's markers arrive 21 rows
    // before the others'.
    let mut p = LinkPlan::straight(cfg.lanes, 200, 5);
    for (x, s) in p.skew_blocks.iter_mut().enumerate() {
        *s = if x == 3 { 0 } else { 21 };
    }
    let mut traffic = RetimerTraffic::linked(retimer_plan(), p.clone(), p, cfg.lanes).unwrap();
    let mut ls = Lockstep::new(engines);
    let mut events = [0u32; 2];
    let mut last = None;
    for c in 0..4_000 {
        let r = run(&mut ls, &mut traffic, 1);
        let o = &r.last_outputs.lanes;
        assert!(!o[0].rx_lane_aligned && !o[0].tx_lane_aligned, "cycle {c}");
        for (x, l) in o.iter().enumerate() {
            if x != 3 {
                assert!(
                    !l.rx_deskew_error && !l.tx_deskew_error,
                    "cycle {c}, lane {x}"
                );
            }
        }
        events[0] += u32::from(o[3].rx_deskew_error);
        events[1] += u32::from(o[3].tx_deskew_error);
        last = Some(r.last_outputs);
    }
    // About 19 marker instants in 4,000 cycles, the first two spent
    // locking.
    assert!(events.iter().all(|&e| e >= 12), "{events:?}");
    let rep = traffic.report(&last.expect("ran"));
    for (_, d) in links(&rep) {
        let l = &d[3];
        assert!(!l.aligned && l.skew_valid && l.skew_blocks == 21, "{l:?}");
        assert_eq!(l.skew_blocks_injected, 21, "the channel agrees");
    }
}

/// Every skew from 0 to the default maximum (64 blocks), at the engine,
/// on the model and the Verilated RTL in lockstep (markers every 16383
/// blocks: the Verilator model is built for the default configuration),
/// the receive link deskewed onto the host lanes.
/// Ten links a side, each with one lane 0 blocks early and seven more
/// between 7r + 1 and 7r + 7 (64 at most), under a random lane swap and a
/// common bit offset: every lane aligned, its number the PCS lane sent on
/// it, its skew in blocks and bits exactly as injected; with 65 (one past
/// the maximum) the link never aligns and the lane's skew reads 65 (the
/// deskew-error events are counted cycle by cycle, at a smaller maximum,
/// in `a_skew_beyond_the_maximum_is_flagged_never_aligned`).
#[test]
fn every_skew_up_to_the_maximum_is_measured_exactly_in_the_engine() {
    let cfg = EngineConfig::default();
    let max = cfg.retimer.max_skew_blocks;
    let mut rng = ChaCha8Rng::seed_from_u64(64);
    let mut covered = std::collections::BTreeSet::new();
    let mut r = 0;
    while !covered.contains(&max) {
        // Lane skews (blocks early): 0 and 7r+1..=7r+7, capped at max.
        let early: Vec<u32> = std::iter::once(0)
            .chain((1..cfg.lanes as u32).map(|i| (7 * r + i).min(max)))
            .collect();
        let mut p = plan(&mut rng, cfg.lanes, cfg.retimer.am_period, max, 0.0);
        // A lane `e` blocks early is delayed `max - e` blocks; the same
        // bit offset on every lane keeps the skews whole blocks.
        let offset = rng.gen_range(0..66);
        for (x, e) in early.iter().enumerate() {
            p.skew_blocks[x] = max - e;
            p.skew_bits[x] = offset;
        }
        let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::Verilator]
            .iter()
            .map(|&k| build_engine(k, &cfg).unwrap())
            .collect();
        let mut traffic =
            RetimerTraffic::linked(retimer_plan(), p.clone(), p.clone(), cfg.lanes).unwrap();
        let mut bus = deskew_on(&cfg);
        let mut ls = Lockstep::new(engines);
        let res = run(
            &mut ls,
            &mut Both(&mut traffic, &mut Forever(&mut bus)),
            36_000,
        );
        let rep = traffic.report(&res.last_outputs);
        // Aligned at the third marker (about 33,000 cycles): the rows
        // after it leave deskewed, whatever the skews.
        assert_rows(
            &format!("link {r}"),
            traffic.rx_rows().unwrap(),
            &rep,
            2_000,
        );
        for (name, d) in links(&rep) {
            assert_measured(&format!("link {r} {name}"), &d);
            for l in &d {
                assert_eq!(l.skew_bits, 66 * l.skew_blocks_injected, "{l:?}");
                covered.insert(l.skew_blocks_injected);
            }
        }
        r += 1;
    }
    assert_eq!(
        covered.into_iter().collect::<Vec<_>>(),
        (0..=max).collect::<Vec<_>>(),
        "the links covered every skew"
    );
    // One past the maximum: lane 5 arrives max + 1 blocks early.
    let mut p = LinkPlan::straight(cfg.lanes, cfg.retimer.am_period, 9);
    for (x, s) in p.skew_blocks.iter_mut().enumerate() {
        *s = if x == 5 { 0 } else { max + 1 };
    }
    let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::Verilator]
        .iter()
        .map(|&k| build_engine(k, &cfg).unwrap())
        .collect();
    let mut traffic = RetimerTraffic::linked(retimer_plan(), p.clone(), p, cfg.lanes).unwrap();
    let mut ls = Lockstep::new(engines);
    // Sampled every 1,000 cycles (the deskew-error events, one cycle
    // each, are counted cycle by cycle in the test named above).
    let mut last = None;
    for _ in 0..36 {
        let res = run(&mut ls, &mut traffic, 1_000);
        let o = &res.last_outputs.lanes;
        assert!(!o[0].rx_lane_aligned && !o[0].tx_lane_aligned);
        last = Some(res.last_outputs);
    }
    let rep = traffic.report(&last.expect("ran"));
    for (name, d) in links(&rep) {
        let l = &d[5];
        assert!(!l.aligned && l.skew_valid, "{name}: {l:?}");
        assert_eq!(u32::from(l.skew_blocks), max + 1, "{name}: {l:?}");
    }
}

/// Rule 6, the links' hi-BER, with clause 82's rule scaled down (a window
/// of 1,000 cycles, 3 invalid sync headers over all lanes) on the model
/// and rust-hdl: bit errors at 3e-4 put about five invalid headers in a
/// window across the eight lanes, so each link's hi-BER rises and, once
/// the errors stop, clears; the probes (pages 81h/82h `RxLinkHiBer`,
/// `TxLinkHiBer`) agree on every cycle and are the same on every lane.
#[test]
fn each_links_hi_ber_rises_with_invalid_headers_and_clears_without() {
    let mut cfg = EngineConfig::default();
    cfg.retimer.am_period = 400;
    cfg.retimer.max_skew_blocks = 40;
    cfg.retimer.link_ber_window_ns = 6_400;
    cfg.retimer.link_ber_threshold = 3;
    cfg.validate().unwrap();
    let engines: Vec<Box<dyn Engine>> = [EngineKind::Model, EngineKind::RustHdl]
        .iter()
        .map(|&k| build_engine(k, &cfg).unwrap())
        .collect();
    let mut traffic = traffic(35, &cfg, 3e-4);
    let mut ls = Lockstep::new(engines);
    // Rises and falls of each side's hi-BER, as lane 0 shows it.
    let mut edges = [[0u32; 2]; 2];
    let mut last = [false; 2];
    let mut phase = |ls: &mut Lockstep, traffic: &mut RetimerTraffic, on: bool, cycles: u64| {
        errors(traffic, on);
        let r = ls.run_observed(
            traffic,
            &LockstepOptions {
                cycles,
                ..Default::default()
            },
            &mut |_| {},
            &mut |_, _, out| {
                for side in 0..2 {
                    let now: Vec<bool> = out
                        .lanes
                        .iter()
                        .map(|l| {
                            if side == 0 {
                                l.rx_link_hi_ber
                            } else {
                                l.tx_link_hi_ber
                            }
                        })
                        .collect();
                    assert!(now.iter().all(|&h| h == now[0]), "one link, one hi-BER");
                    if now[0] != last[side] {
                        edges[side][usize::from(!now[0])] += 1;
                        last[side] = now[0];
                    }
                }
            },
        );
        assert_agree(&r);
        r
    };
    phase(&mut ls, &mut traffic, false, 2_000);
    phase(&mut ls, &mut traffic, true, 8_000);
    let r = phase(&mut ls, &mut traffic, false, 4_000);
    for side in 0..2 {
        assert!(edges[side][0] >= 1, "side {side} rose: {edges:?}");
        assert!(edges[side][1] >= 1, "side {side} cleared: {edges:?}");
        assert!(!last[side], "clear after clean windows");
    }
    // The errors were bit errors, not losses: the links stayed aligned.
    let rep = traffic.report(&r.last_outputs);
    for (name, d) in links(&rep) {
        assert!(
            d.iter().all(|l| l.aligned && !l.link_hi_ber),
            "{name}: {d:#?}"
        );
    }
}
