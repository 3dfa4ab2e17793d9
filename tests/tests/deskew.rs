//! A link's alignment in rust-hdl (`Deskew`: AM lock, skew measurement,
//! deskew buffers in block RAM, reorder) against its model
//! (`xpo_host::model::pcs::deskew::Deskew`, written first from clause 82
//! and the cycle contract there), cycle by cycle. The stimulus is the link
//! channel model — markers with their BIP-8, any permutation, skew in
//! blocks and bits, bit errors, gaps — through each lane's slipping
//! gearbox and the model's block lock, with corrupted-marker bursts,
//! forced block-lock drops and deskew-error clears.
//!
//! The comparison follows the contract's rules 6 and 7: the output row
//! after edge t is the model's output of step t (both the row of
//! t − `DESKEW_LATENCY`); a lane's status after edge t is the model's
//! after step t − `LANE_REPORT_LAG`, the link's after t −
//! `LINK_REPORT_LAG`, `skew_bits` after t − `SKEW_BITS_REPORT_LAG`.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use xpo_hdl::retimer::{AmLaneSense, DeskewDrive, DeskewSense, DeskewStepper};
use xpo_host::link::{LinkChannel, LinkPlan};
use xpo_host::model::pcs::deskew::{
    Deskew, DeskewConfig, LANE_REPORT_LAG, LINK_REPORT_LAG, SKEW_BITS_REPORT_LAG,
};
use xpo_tests::ImpairedLink;

/// The model's status after a step, in the RTL's terms.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Status {
    lanes: Vec<AmLaneSense>,
    align_status: bool,
    skew_measured: bool,
    skew_blocks: Vec<u32>,
    skew_bits: Vec<u32>,
    deskew_error: Vec<bool>,
}

fn status(m: &Deskew) -> Status {
    let l = m.lanes();
    Status {
        lanes: l
            .iter()
            .map(|s| AmLaneSense {
                am_lock: s.am_lock,
                lane_number: s.lane_number,
                good_marker: false,
                bip_errors: s.bip_errors,
                last_bip_mismatch: s.last_bip_mismatch,
            })
            .collect(),
        align_status: m.align_status(),
        skew_measured: l[0].skew_blocks.is_some(),
        skew_blocks: l.iter().map(|s| s.skew_blocks.unwrap_or(0)).collect(),
        skew_bits: l.iter().map(|s| s.skew_bits.unwrap_or(0)).collect(),
        deskew_error: m.deskew_errors().to_vec(),
    }
}

/// What a run saw, for the checks that the stimulus reached every arc.
#[derive(Debug, Default)]
struct Seen {
    aligned_rows: u64,
    acquisitions: u64,
    losses: u64,
    bip_errors: u64,
    deskew_errors: u64,
    marker_rows: u64,
}

struct Run {
    plan: LinkPlan,
    max_skew: u32,
    buffered: bool,
    /// Impairments beyond the channel's: corrupted markers, lock drops,
    /// clears.
    impair: bool,
}

fn run(r: &Run, cycles: u64) -> (Seen, Deskew, DeskewSense) {
    let lanes = r.plan.lanes;
    let (corrupt, unlock) = if r.impair { (0.02, 5e-5) } else { (0.0, 0.0) };
    let mut link = ImpairedLink::new(
        r.plan.clone(),
        ChaCha8Rng::seed_from_u64(r.plan.seed ^ 0xD35C),
        corrupt,
        unlock,
    );
    let mut model = Deskew::new(DeskewConfig {
        lanes,
        period: r.plan.period,
        max_skew: r.max_skew,
    });
    let mut rtl = DeskewStepper::new(lanes, r.plan.period, r.max_skew, r.buffered);
    let depth = SKEW_BITS_REPORT_LAG
        .max(LINK_REPORT_LAG)
        .max(LANE_REPORT_LAG)
        + 1;
    let mut history: VecDeque<Status> = (0..depth).map(|_| status(&model)).collect();
    let mut clears: VecDeque<bool> = VecDeque::from(vec![false; LINK_REPORT_LAG]);
    let mut seen = Seen::default();
    let mut last = DeskewSense::default();
    for c in 0..cycles {
        let samples = link.edge();
        let mut drive = DeskewDrive {
            valid: samples.iter().map(|s| s.valid).collect(),
            block: samples.iter().map(|s| s.block).collect(),
            block_lock: samples.iter().map(|s| s.block_lock).collect(),
            bit_phase: samples.iter().map(|s| s.bit_phase).collect(),
            clear_deskew_error: Vec::new(),
        };
        // A clear taken by the model before this row reaches the RTL's
        // latch LINK_REPORT_LAG edges later (rule 7).
        let clear = r.impair && link.rng().gen_bool(0.002);
        if clear {
            model.take_deskew_errors();
        }
        clears.push_back(clear);
        let rtl_clear = clears.pop_front().unwrap();
        drive.clear_deskew_error = vec![rtl_clear; lanes];

        let got = rtl.step(&drive);
        let was = model.align_status();
        let want_out = model.step(&samples);
        let now = status(&model);
        seen.aligned_rows += u64::from(want_out.valid && want_out.blocks.iter().any(|&b| b != 0));
        match (was, now.align_status) {
            (false, true) => seen.acquisitions += 1,
            (true, false) => seen.losses += 1,
            _ => {}
        }
        seen.deskew_errors += now.deskew_error.iter().filter(|&&e| e).count() as u64;
        history.push_back(now);
        history.pop_front();
        let at = |lag: usize| &history[history.len() - 1 - lag];
        let ctx = || format!("cycle {c}, plan {:?}, max_skew {}", r.plan, r.max_skew);
        assert_eq!(
            got.out_valid,
            r.buffered && want_out.valid,
            "out_valid, {}",
            ctx()
        );
        if r.buffered {
            assert_eq!(got.out_block, want_out.blocks, "output row, {}", ctx());
            assert_eq!(got.out_marker, want_out.marker, "marker row, {}", ctx());
            seen.marker_rows += u64::from(want_out.marker);
        }
        assert_eq!(got.lanes, at(LANE_REPORT_LAG).lanes, "lanes, {}", ctx());
        let link_want = at(LINK_REPORT_LAG);
        assert_eq!(
            got.align_status,
            link_want.align_status,
            "align_status, {}",
            ctx()
        );
        assert_eq!(
            got.skew_measured,
            link_want.skew_measured,
            "measured, {}",
            ctx()
        );
        assert_eq!(
            got.skew_blocks,
            link_want.skew_blocks,
            "skew_blocks, {}",
            ctx()
        );
        assert_eq!(
            got.deskew_error,
            link_want.deskew_error,
            "deskew errors, {}",
            ctx()
        );
        assert_eq!(
            got.skew_bits,
            at(SKEW_BITS_REPORT_LAG).skew_bits,
            "skew_bits, {}",
            ctx()
        );
        last = got;
    }
    seen.bip_errors = model.lanes().iter().map(|l| u64::from(l.bip_errors)).sum();
    (seen, model, last)
}

fn plan(seed: u64, lanes: usize, period: u32, max_skew: u32) -> LinkPlan {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut perm: Vec<usize> = (0..lanes).collect();
    for i in (1..lanes).rev() {
        perm.swap(i, rng.gen_range(0..=i));
    }
    LinkPlan {
        lanes,
        period,
        permutation: perm,
        // Below max_skew: up to 65 extra bits make a lane's marker arrive
        // one block later still, and blocks + bits must stay in range
        // (the out-of-range case has its own test below). Drawn up to
        // max_skew, 2 of 30 transmit plans were out of range.
        skew_blocks: (0..lanes).map(|_| rng.gen_range(0..max_skew)).collect(),
        skew_bits: (0..lanes).map(|_| rng.gen_range(0..66)).collect(),
        bit_error_ratio: 2e-5,
        gap: 0.03,
        seed,
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(6))]
    /// Receive side, 8 lanes, every impairment: the RTL agrees with the
    /// model on every output row and status every cycle, and the run
    /// reached alignment, its loss, BIP errors and aligned output.
    #[test]
    fn receive_side_agrees_with_the_model_every_cycle(seed in any::<u64>()) {
        let r = Run { plan: plan(seed, 8, 100, 12), max_skew: 12, buffered: true, impair: true };
        let (seen, _, _) = run(&r, 20_000);
        prop_assert!(seen.acquisitions >= 2, "{seen:?}");
        prop_assert!(seen.losses >= 1, "{seen:?}");
        prop_assert!(seen.aligned_rows > 1_000, "{seen:?}");
        prop_assert!(seen.marker_rows >= 10, "{seen:?}");
        prop_assert!(seen.bip_errors >= 1, "{seen:?}");
    }

    /// Transmit side (monitoring only): the same status, no output.
    #[test]
    fn transmit_side_monitors_like_the_model(seed in any::<u64>()) {
        let r = Run { plan: plan(seed, 4, 60, 8), max_skew: 8, buffered: false, impair: true };
        let (seen, _, _) = run(&r, 8_000);
        prop_assert!(seen.acquisitions >= 1, "{seen:?}");
    }
}

/// Two lanes, the second delayed 0 to `max_skew` + 1 blocks (and some
/// bits): every skew in range is measured as injected and aligns the
/// output in order; `max_skew` + 1 sets the early lane's deskew error and
/// never aligns.
#[test]
fn every_skew_up_to_the_maximum_is_measured_and_one_more_is_flagged() {
    let max_skew = 12;
    for d in 0..=max_skew + 1 {
        let r = Run {
            plan: LinkPlan {
                lanes: 2,
                period: 40,
                permutation: vec![1, 0],
                skew_blocks: vec![0, d],
                skew_bits: vec![0, 17],
                bit_error_ratio: 0.0,
                gap: 0.0,
                seed: u64::from(d),
            },
            max_skew,
            buffered: true,
            impair: false,
        };
        let link = LinkChannel::new(r.plan.clone()).unwrap();
        let want = link.expected_skew();
        let (seen, _, last) = run(&r, 400);
        let blocks: Vec<u32> = want.iter().map(|s| s.blocks).collect();
        let bits: Vec<u32> = want.iter().map(|s| s.bits).collect();
        assert_eq!(last.skew_blocks, blocks, "delay {d}");
        assert_eq!(last.skew_bits, bits, "delay {d}");
        if blocks.iter().all(|&b| b <= max_skew) {
            assert!(
                last.align_status && seen.aligned_rows > 200,
                "delay {d}: {seen:?}"
            );
            assert!(!last.deskew_error.iter().any(|&e| e), "delay {d}");
        } else {
            assert!(
                !last.align_status && seen.aligned_rows == 0,
                "delay {d}: {seen:?}"
            );
            assert!(last.deskew_error.iter().any(|&e| e), "delay {d}");
        }
    }
}

/// The block's Verilog is lint-clean under `verilator --lint-only -Wall`
/// on both sides (buffered and monitoring) for 8 and 16 lanes.
#[test]
fn verilog_is_lint_clean() {
    for (lanes, buffered) in [(8, true), (8, false), (16, true)] {
        let v = xpo_hdl::emit::emit_deskew(lanes, 16383, 64, buffered).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("deskew.v");
        std::fs::write(&path, v).unwrap();
        let (ok, stderr) = xpo_tests::verilator_lint(&path, xpo_hdl::emit::DESKEW_MODULE, &[]);
        assert!(
            ok && !stderr.contains("%Warning"),
            "{lanes} lanes, buffered {buffered}:\n{stderr}"
        );
    }
}

/// `xpo bench --qor`'s deskew section: the receive block with its buffers
/// synthesises for Xilinx (Yosys `synth_xilinx`) with the buffers in block
/// RAM, one a lane, as `DeskewBuffer` intends (flip-flops would take 66
/// per block of depth a lane).
#[test]
fn the_deskew_buffers_synthesise_into_block_ram() {
    let yosys = match xpo_fpga::xilinx::tool() {
        Ok(y) => y,
        Err(e) if std::env::var("XPO_REQUIRE_FPGA").is_err() => {
            eprintln!("skipped: {e}; set XPO_REQUIRE_FPGA=1 to fail");
            return;
        }
        Err(e) => panic!("{e}"),
    };
    let cfg = xpo_spec::EngineConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let d = xpo_fpga::xilinx::run_deskew(&yosys, &cfg, dir.path()).unwrap();
    let r = &d.resources;
    eprintln!(
        "deskew, 8 lanes x 64 blocks: {} LUTs, {} flip-flops, {} block RAMs, {:.1} s",
        r.luts, r.flip_flops, r.block_rams, d.seconds
    );
    assert_eq!((d.lanes, d.max_skew_blocks), (8, 64));
    assert!(r.block_rams >= 8, "a block RAM a lane: {r:?}");
    // Far fewer flip-flops than 8 lanes x 64 blocks x 66 bits of storage.
    assert!(r.flip_flops < 8 * 64 * 66 / 4, "{r:?}");
    assert!(r.luts > 0, "{r:?}");
}
