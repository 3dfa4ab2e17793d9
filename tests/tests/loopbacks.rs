//! The four CMIS loopbacks (13h:180..183), and the bypass of vendor page
//! 80h, each set over AXI on every lane of all three engines in lockstep
//! while both directions carry 64b/66b traffic: each returns what was
//! sent, bit for bit, with the latency its contract gives it.
//!
//! Latencies, pin to pin, typed from the contracts (the diagnostics
//! model's and the retimer path's), not from the probe: an input loopback
//! shows the input after the edge that sampled it
//! (`INPUT_LOOPBACK_LATENCY`, 1 cycle); a retimed path shows it
//! `RETIMED_LATENCY` edges after that (`RETIMED_LATENCY + 1` cycles), a
//! bypassed one `BYPASS_LATENCY` edges after; an output loopback feeds one
//! path's output as it stands into the other path, so the round trip is
//! two paths, `2 * (RETIMED_LATENCY + 1)`.

use xpo_host::model::diagnostics::INPUT_LOOPBACK_LATENCY;
use xpo_sim::lane_modes::{run_mode, LaneMode};
use xpo_spec::retimer::{BYPASS_LATENCY, RETIMED_LATENCY};
use xpo_spec::EngineConfig;
use xpo_tests::{all_engines, assert_agree};

fn contract_latency(mode: LaneMode) -> u64 {
    let path = RETIMED_LATENCY as u64 + 1;
    match mode {
        LaneMode::Retimed => path,
        LaneMode::Bypass => BYPASS_LATENCY as u64 + 1,
        LaneMode::MediaInputLoopback | LaneMode::HostInputLoopback => INPUT_LOOPBACK_LATENCY,
        LaneMode::MediaOutputLoopback | LaneMode::HostOutputLoopback => 2 * path,
    }
}

fn check(mode: LaneMode, seed: u64) {
    let cfg = EngineConfig::default();
    // The data paths come up and every path locks (an output loopback's
    // second path on the first one's output) well within 4,000 cycles.
    let (r, probe) = run_mode(all_engines(&cfg), mode, seed, 4_000, 6_000).unwrap();
    assert_agree(&r);
    assert_eq!(r.cycles, 6_000);
    assert!(probe.cycles() >= 1_900, "{mode:?}: {}", probe.cycles());
    let want = contract_latency(mode);
    for (l, lag) in probe.lags().into_iter().enumerate() {
        assert_eq!(
            lag,
            Some(want),
            "{mode:?} lane {l}: the one lag that returned every block bit for bit"
        );
    }
    for (l, o) in r.last_outputs.lanes.iter().enumerate() {
        if mode == LaneMode::Bypass {
            // Data passed without lock; the monitors kept running.
            assert!(!o.tx_block_lock && !o.rx_block_lock, "lane {l}");
            assert_eq!((o.tx_invalid_headers, o.rx_invalid_headers), (0, 0));
        } else {
            assert!(o.tx_block_lock, "{mode:?} lane {l} Tx lock");
        }
        if matches!(
            mode,
            LaneMode::MediaOutputLoopback | LaneMode::HostOutputLoopback
        ) {
            assert!(o.rx_block_lock, "{mode:?} lane {l} Rx lock on the loop");
        }
    }
}

#[test]
fn media_output_loopback_returns_host_traffic_to_the_host() {
    check(LaneMode::MediaOutputLoopback, 21);
}

#[test]
fn media_input_loopback_returns_media_traffic_to_the_media() {
    check(LaneMode::MediaInputLoopback, 22);
}

#[test]
fn host_output_loopback_returns_media_traffic_to_the_media() {
    check(LaneMode::HostOutputLoopback, 23);
}

#[test]
fn host_input_loopback_returns_host_traffic_to_the_host() {
    check(LaneMode::HostInputLoopback, 24);
}

/// Bypass ("linear", vendor page 80h): blocks pass with the bypass latency
/// on lines whose headers never let block lock hold.
#[test]
fn bypass_passes_unlockable_data() {
    check(LaneMode::Bypass, 25);
}

/// The retimed path, for comparison: the same probe finds its latency.
#[test]
fn retimed_path_latency_is_the_contracts() {
    check(LaneMode::Retimed, 26);
}
