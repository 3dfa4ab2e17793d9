//! The four CMIS loopbacks (13h:180..183), and the bypass of vendor page
//! 80h, each set over AXI on every lane of
//! all three engines in lockstep while both directions carry 64b/66b
//! traffic: each returns what was sent, bit for bit, with the latency the
//! diagnostics contract (`xpo_host::model::diagnostics`) gives it.
//!
//! Latencies, pin to pin, from the contract and the retimer path's: an
//! input loopback shows the input after the edge that sampled it
//! (`INPUT_LOOPBACK_LATENCY`, 1 cycle); a retimed path shows it
//! `RETIMED_LATENCY` edges after that (`RETIMED_LATENCY + 1` cycles); an
//! output loopback feeds one path's output as it stands into the other
//! path, so the round trip is two paths, `2 * (RETIMED_LATENCY + 1)`.

use std::collections::VecDeque;
use xpo_host::mgmt::AxiOp;
use xpo_host::model::diagnostics::INPUT_LOOPBACK_LATENCY;
use xpo_host::serdes::LineImpairments;
use xpo_sim::retimer::{RetimerPlan, RetimerTraffic};
use xpo_sim::traffic::{Both, BusTraffic};
use xpo_sim::{Lockstep, LockstepOptions, Stimulus};
use xpo_spec::retimer::{BYPASS_LATENCY, RETIMED_LATENCY};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};
use xpo_tests::{all_engines, assert_agree};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Loopback {
    MediaOutput,
    MediaInput,
    HostOutput,
    HostInput,
    /// Not a loopback: vendor page 80h's bypass, watched host → media
    /// (Tx) and media → host (Rx), on lines that never lock.
    BypassTx,
    BypassRx,
}

impl Loopback {
    fn field(self) -> &'static str {
        match self {
            Loopback::MediaOutput => "MediaOutputLoopback",
            Loopback::MediaInput => "MediaInputLoopback",
            Loopback::HostOutput => "HostOutputLoopback",
            Loopback::HostInput => "HostInputLoopback",
            Loopback::BypassTx | Loopback::BypassRx => "RetimerBypass",
        }
    }

    /// Cycles from driving an input to seeing it on the output it returns
    /// on (pin to pin: 1 is "after the edge that sampled it").
    fn latency(self) -> usize {
        match self {
            Loopback::MediaInput | Loopback::HostInput => INPUT_LOOPBACK_LATENCY as usize,
            // Each path shows its sample RETIMED_LATENCY edges after the
            // sampling edge; the other path samples that output at the
            // next edge.
            Loopback::MediaOutput | Loopback::HostOutput => 2 * (RETIMED_LATENCY as usize + 1),
            Loopback::BypassTx | Loopback::BypassRx => BYPASS_LATENCY as usize + 1,
        }
    }
}

/// One lane interface's `(valid, block)`.
type Word = (bool, u128);

/// Records, per lane, what went into the interface a loopback takes from
/// and what came out of the one it returns on, and compares them.
struct Watch {
    lb: Loopback,
    /// Per lane, the inputs of the last edges, newest last.
    sent: Vec<VecDeque<Word>>,
    /// From this cycle on every output must match.
    check_from: u64,
    compared: u64,
    mismatches: Vec<String>,
}

impl Watch {
    fn pick_in(&self, i: &xpo_spec::LaneInputs) -> Word {
        match self.lb {
            // Host traffic comes back to the host; media traffic to the media.
            Loopback::MediaOutput | Loopback::HostInput | Loopback::BypassTx => {
                (i.host_tx_valid, i.host_tx_data)
            }
            Loopback::HostOutput | Loopback::MediaInput | Loopback::BypassRx => {
                (i.rx_valid, i.rx_data)
            }
        }
    }

    fn pick_out(&self, o: &xpo_spec::LaneOutputs) -> Word {
        match self.lb {
            Loopback::MediaOutput | Loopback::HostInput | Loopback::BypassRx => {
                (o.host_rx_valid, o.host_rx_data)
            }
            Loopback::HostOutput | Loopback::MediaInput | Loopback::BypassTx => {
                (o.tx_valid, o.tx_data)
            }
        }
    }
}

impl Stimulus for Watch {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        // `previous` is after edge cycle - 1; `sent` ends with the input of
        // that edge, so the input `latency` edges before it sits at
        // `len - latency`.
        let lat = self.lb.latency();
        for l in 0..inputs.lanes.len() {
            let got = self.pick_out(&previous.lanes[l]);
            let q = &mut self.sent[l];
            if cycle > self.check_from && q.len() >= lat {
                let want = q[q.len() - lat];
                self.compared += 1;
                let differs = got.0 != want.0 || (want.0 && got.1 != want.1);
                if differs && self.mismatches.len() < 5 {
                    self.mismatches.push(format!(
                        "lane {l} after edge {}: got {got:x?}, sent {want:x?}",
                        cycle - 1
                    ));
                }
            }
        }
        // The traffic has filled `inputs` by now (it runs first in `Both`).
        for l in 0..inputs.lanes.len() {
            let w = self.pick_in(&inputs.lanes[l]);
            let q = &mut self.sent[l];
            q.push_back(w);
            if q.len() > 16 {
                q.pop_front();
            }
        }
    }
}

/// The bus for as long as the run lasts (its script ends early, and a
/// finished stimulus would end the run).
struct Forever<'a>(&'a mut BusTraffic);

impl Stimulus for Forever<'_> {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.drive(cycle, previous, inputs);
    }
}

fn run_loopback(lb: Loopback, seed: u64) {
    let cfg = EngineConfig::default();
    let map = cfg.register_map();
    let f = map.field(lb.field()).expect("the loopback is in the map");
    let addr = xpo_spec::regmap::linear_address(0, f.page, f.instance(0).byte);
    let script = vec![(
        20,
        AxiOp::Write {
            addr: addr & !3,
            data: 0xFF << (8 * (addr & 3)),
            strb: 1 << (addr & 3),
        },
    )];
    let bypass = matches!(lb, Loopback::BypassTx | Loopback::BypassRx);
    let clean = LineImpairments {
        gap: 0.02,
        // Half the headers invalid: block lock never holds, so only the
        // bypass can pass the data.
        header_error_ratio: if bypass { 0.5 } else { 0.0 },
        ..LineImpairments::clean()
    };
    let mut traffic = RetimerTraffic::new(
        RetimerPlan {
            seed,
            host: clean,
            media: clean,
            drive_reset: true,
        },
        cfg.lanes,
    )
    .unwrap();
    let mut bus = BusTraffic::new(&cfg, seed, 0).with_script(script);
    // The data paths come up and both paths lock (an output loopback's
    // second path locks on the first one's output) well within this.
    let mut watch = Watch {
        lb,
        sent: vec![VecDeque::new(); cfg.lanes],
        check_from: 4_000,
        compared: 0,
        mismatches: Vec::new(),
    };
    let mut forever = Forever(&mut bus);
    let mut stim = Both(&mut Both(&mut traffic, &mut forever), &mut watch);
    let r = Lockstep::new(all_engines(&cfg)).run(
        &mut stim,
        &LockstepOptions {
            cycles: 6_000,
            ..Default::default()
        },
    );
    assert_agree(&r);
    assert_eq!(r.cycles, 6_000);
    assert!(
        watch.mismatches.is_empty(),
        "{lb:?}: {:#?}",
        watch.mismatches
    );
    assert!(watch.compared >= 8 * 1_900, "{lb:?}: {}", watch.compared);
    // The loop is real: the lanes' own direction would not return this.
    for (l, o) in r.last_outputs.lanes.iter().enumerate() {
        if bypass {
            // Data passed without lock; the monitors kept running.
            assert!(!o.tx_block_lock && !o.rx_block_lock, "{lb:?} lane {l}");
            assert!(o.tx_invalid_headers == 0 && o.rx_invalid_headers == 0);
            continue;
        }
        assert!(o.tx_block_lock, "{lb:?} lane {l} Tx lock");
        if matches!(lb, Loopback::MediaOutput | Loopback::HostOutput) {
            assert!(o.rx_block_lock, "{lb:?} lane {l} Rx lock on the loop");
        }
    }
}

#[test]
fn media_output_loopback_returns_host_traffic_to_the_host() {
    run_loopback(Loopback::MediaOutput, 21);
}

#[test]
fn media_input_loopback_returns_media_traffic_to_the_media() {
    run_loopback(Loopback::MediaInput, 22);
}

#[test]
fn host_output_loopback_returns_media_traffic_to_the_media() {
    run_loopback(Loopback::HostOutput, 23);
}

#[test]
fn host_input_loopback_returns_host_traffic_to_the_host() {
    run_loopback(Loopback::HostInput, 24);
}

/// Bypass ("linear", vendor page 80h): blocks pass both ways with the
/// bypass latency on lines whose headers never let block lock hold.
#[test]
fn bypass_passes_unlockable_data_in_both_directions() {
    run_loopback(Loopback::BypassTx, 25);
    run_loopback(Loopback::BypassRx, 26);
}
