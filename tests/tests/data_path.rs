//! The CMIS data-path state machine in rust-hdl against its model
//! (`xpo_host::model::data_path`, written first from CMIS 5.2 6.3.3),
//! cycle by cycle: random module readiness, DPDeinit, OutputDisableTx and
//! ApplyDPInit requests with valid and invalid staged configurations,
//! random durations. Every output is compared on every edge.

use proptest::prelude::*;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use xpo_hdl::cmis::data_path::{DataPathStepper, DpCycles, DpDrive};
use xpo_host::model::data_path::{Advertised, DataPathLane, DpConfig, DpInputs, DpState, DpTiming};

fn run(
    t: DpTiming,
    allowed: Vec<Vec<u8>>,
    seed: u64,
    cycles: u32,
    rates: [f64; 4],
) -> (Vec<DpState>, Vec<u8>) {
    let mut model = DataPathLane::new(
        t,
        Advertised {
            data_path_ids: allowed.clone(),
        },
    );
    let c = DpCycles {
        init: t.init,
        deinit: t.deinit,
        tx_turn_on: t.tx_turn_on,
        tx_turn_off: t.tx_turn_off,
        config: t.config,
    };
    let mut rtl = DataPathStepper::new(&c, allowed);
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut d = DpDrive {
        module_ready: true,
        dp_deinit: true,
        ..Default::default()
    };
    let mut seen = Vec::new();
    let mut verdicts = Vec::new();
    for cycle in 0..cycles {
        d.module_ready ^= rng.gen_bool(rates[0]);
        d.dp_deinit ^= rng.gen_bool(rates[1]);
        d.tx_disable ^= rng.gen_bool(rates[2]);
        d.apply_dp_init = rng.gen_bool(rates[3]);
        if d.apply_dp_init {
            // AppSel 0..3, DataPathID 0..7, explicit bit random.
            d.staged = rng.gen_range(0..4u8) << 4 | rng.gen_range(0..16u8);
        }
        model.step(&DpInputs {
            module_ready: d.module_ready,
            dp_deinit: d.dp_deinit,
            tx_disable: d.tx_disable,
            apply_dp_init: d.apply_dp_init,
            staged: DpConfig(d.staged),
        });
        let want = (
            model.state().code(),
            model.state_changed(),
            model.config_status(),
            model.active().0,
            model.init_pending(),
        );
        let got = rtl.step(&d);
        assert_eq!(
            got, want,
            "cycle {cycle} (seed {seed}), inputs {d:?}: rust-hdl (left) vs model (right)"
        );
        if !seen.contains(&model.state()) {
            seen.push(model.state());
        }
        if !verdicts.contains(&model.config_status()) {
            verdicts.push(model.config_status());
        }
    }
    (seen, verdicts)
}

/// One Application (AppSel 1, DataPathID 0) and a second (AppSel 2,
/// DataPathIDs 0 and 4), as an 8-lane and a 2 x 4-lane advertisement give
/// lane 0.
fn allowed() -> Vec<Vec<u8>> {
    vec![vec![0], vec![0, 4]]
}

/// A long run that visits every state and every ConfigStatus code.
#[test]
fn every_state_and_verdict_agrees() {
    let t = DpTiming {
        init: 7,
        deinit: 4,
        tx_turn_on: 5,
        tx_turn_off: 3,
        config: 3,
    };
    let (seen, verdicts) = run(t, allowed(), 1, 40_000, [0.002, 0.02, 0.02, 0.01]);
    for s in DpState::ALL {
        assert!(seen.contains(&s), "{s:?} never visited: {seen:?}");
    }
    // ConfigSuccess, invalid AppSel, invalid DataPathID, lanes in use,
    // in progress (CMIS Table 8-90 codes).
    for v in [0x1, 0x3, 0x4, 0x6, 0xC] {
        assert!(
            verdicts.contains(&v),
            "ConfigStatus {v:#x} never seen: {verdicts:?}"
        );
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
    #[test]
    fn random_durations_and_requests_agree(
        d in prop::array::uniform5(1u32..12),
        seed in 0u64..1_000_000,
        rates in prop::array::uniform4(0.0f64..0.05),
    ) {
        let t = DpTiming { init: d[0], deinit: d[1], tx_turn_on: d[2], tx_turn_off: d[3], config: d[4] };
        run(t, allowed(), seed, 3_000, rates);
    }
}
