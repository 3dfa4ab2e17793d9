//! The register block RTL (rust-hdl and Verilated) against the host model
//! `CmisMemory`, in lockstep, on random management transactions mixed with
//! the PRBS traffic of the default scenario.

use xpo_sim::scenario::{PrbsPlan, PrbsScenario};
use xpo_sim::traffic::{Both, MgmtTraffic};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::EngineConfig;
use xpo_tests::{all_engines, assert_agree};

fn run(
    kinds: Option<&[EngineKind]>,
    transactions: u64,
    seed: u64,
) -> (u64, xpo_sim::traffic::TrafficReport) {
    run_traffic(kinds, transactions, seed, false)
}

fn run_traffic(
    kinds: Option<&[EngineKind]>,
    transactions: u64,
    seed: u64,
    resets: bool,
) -> (u64, xpo_sim::traffic::TrafficReport) {
    let cfg = EngineConfig::default();
    let engines = match kinds {
        None => all_engines(&cfg),
        Some(k) => k.iter().map(|&k| build_engine(k, &cfg).unwrap()).collect(),
    };
    let mut prbs = PrbsScenario::new(PrbsPlan::default_for(cfg.lanes, seed), cfg.lanes).unwrap();
    let mut mgmt = MgmtTraffic::new(&cfg, seed, transactions);
    if resets {
        mgmt = mgmt.with_resets();
    }
    let mut both = Both(&mut prbs, &mut mgmt);
    let r = Lockstep::new(engines).run(
        &mut both,
        &LockstepOptions {
            cycles: transactions * 12,
            ..Default::default()
        },
    );
    assert_agree(&r);
    (r.cycles, mgmt.report())
}

#[test]
fn three_engines_agree_on_random_transactions() {
    let (_, rep) = run(None, 3_000, 7);
    assert_eq!(rep.transactions, 3_000, "{rep:?}");
    assert!(rep.reads > 2_000 && rep.writes > 2_000, "{rep:?}");
    assert!(rep.refused > 100, "bad accesses were exercised: {rep:?}");
}

#[test]
fn verilator_and_model_agree_on_100k_transactions() {
    let (cycles, rep) = run(
        Some(&[EngineKind::Model, EngineKind::Verilator]),
        100_000,
        11,
    );
    assert_eq!(rep.transactions, 100_000, "{rep:?}");
    assert!(cycles > 300_000, "{cycles}");
}

/// Module resets (SoftwareReset, the reset pin) and the LowPwr pin, with the
/// module state machine running through its states.
#[test]
fn engines_agree_through_module_resets_and_state_changes() {
    let (_, rep) = run_traffic(None, 4_000, 5, true);
    assert!(rep.resets >= 2, "{rep:?}");
    for s in ["ModuleLowPwr", "ModulePwrUp", "ModuleReady"] {
        assert!(
            rep.module_states.iter().any(|x| x == s),
            "{s} seen: {rep:?}"
        );
    }
    let (_, rep) = run_traffic(
        Some(&[EngineKind::Model, EngineKind::Verilator]),
        60_000,
        6,
        true,
    );
    assert!(
        rep.module_states.iter().any(|x| x == "ModulePwrDn"),
        "{rep:?}"
    );
}
