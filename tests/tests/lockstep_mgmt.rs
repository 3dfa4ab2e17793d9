//! The management side — I2C target, AXI4-Lite slave, their arbitration,
//! the register block and the module state machine — on the rust-hdl block
//! and the Verilated RTL against the host model, in lockstep, on random
//! transactions on both buses at once, mixed with the PRBS traffic of the
//! default scenario.

use xpo_sim::scenario::{PrbsPlan, PrbsScenario};
use xpo_sim::traffic::{Both, BusTraffic, TrafficReport};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::EngineConfig;
use xpo_tests::{all_engines, assert_agree};

fn run(
    kinds: Option<&[EngineKind]>,
    transactions: u64,
    seed: u64,
    resets: bool,
    i2c_idle: u32,
) -> (u64, TrafficReport) {
    let cfg = EngineConfig::default();
    let engines = match kinds {
        None => all_engines(&cfg),
        Some(k) => k.iter().map(|&k| build_engine(k, &cfg).unwrap()).collect(),
    };
    let mut prbs = PrbsScenario::new(PrbsPlan::default_for(cfg.lanes, seed), cfg.lanes).unwrap();
    let mut mgmt = BusTraffic::new(&cfg, seed, transactions).with_i2c_idle(i2c_idle);
    if resets {
        mgmt = mgmt.with_resets();
    }
    let mut both = Both(&mut prbs, &mut mgmt);
    let r = Lockstep::new(engines).run(
        &mut both,
        &LockstepOptions {
            // A budget, not a target: the run ends when the traffic is done.
            cycles: transactions * 200,
            ..Default::default()
        },
    );
    assert_agree(&r);
    let rep = mgmt.report();
    assert_eq!(rep.transactions, transactions, "all completed: {rep:?}");
    (r.cycles, rep)
}

#[test]
fn three_engines_agree_on_random_i2c_and_axi_transactions() {
    let (_, rep) = run(None, 5_000, 8, false, 300);
    assert!(rep.i2c_transactions >= 20, "{rep:?}");
    assert!(rep.i2c_aborted >= 2, "aborted I2C transfers: {rep:?}");
    assert!(rep.reads > 2_000 && rep.writes > 1_000, "{rep:?}");
    assert!(rep.refused > 100, "bad accesses were exercised: {rep:?}");
}

#[test]
fn verilator_and_model_agree_on_100k_transactions() {
    let (cycles, rep) = run(
        Some(&[EngineKind::Model, EngineKind::Verilator]),
        100_000,
        11,
        false,
        1_000,
    );
    assert!(rep.i2c_transactions >= 250, "{rep:?}");
    assert!(
        rep.i2c_aborted >= 50 && rep.i2c_other_address >= 20,
        "{rep:?}"
    );
    assert!(rep.refused > 5_000, "{rep:?}");
    assert!(cycles > 1_000_000, "{cycles}");
}

/// Module resets (SoftwareReset, the reset pin), the LowPwr pin and the
/// module-fault pin, with the module state machine running through its
/// states, ModuleFault included.
#[test]
fn engines_agree_through_module_resets_and_state_changes() {
    let (_, rep) = run(None, 6_000, 5, true, 300);
    assert!(rep.resets >= 2, "{rep:?}");
    for s in ["ModuleLowPwr", "ModulePwrUp", "ModuleReady"] {
        assert!(
            rep.module_states.iter().any(|x| x == s),
            "{s} seen: {rep:?}"
        );
    }
    let (_, rep) = run(
        Some(&[EngineKind::Model, EngineKind::Verilator]),
        60_000,
        6,
        true,
        1_000,
    );
    assert!(rep.module_faults >= 2, "{rep:?}");
    for s in ["ModulePwrDn", "ModuleFault"] {
        assert!(
            rep.module_states.iter().any(|x| x == s),
            "{s} seen: {rep:?}"
        );
    }
}
