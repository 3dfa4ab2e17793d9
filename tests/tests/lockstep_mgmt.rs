//! The management side — I2C target, AXI4-Lite slave, their arbitration,
//! the register block and the module state machine — on the rust-hdl block
//! and the Verilated RTL against the host model, in lockstep, on random
//! transactions on both buses at once, mixed with the PRBS traffic of the
//! default scenario (its page 13h writes go out on the one AXI master, in
//! the random traffic's script; the random traffic spares page 13h).
//!
//! The rust-hdl block runs against the model on a one-lane build: the
//! management side is the same register block, buses and state machine at
//! any lane count up to 8 (one bank of pages 10h..14h), and the rust-hdl
//! lanes only cost time here. The Verilated RTL (built for the default
//! configuration) runs against the model on the default 8-lane engine.

use xpo_sim::prbs_loopback::{PrbsPlan, PrbsScenario};
use xpo_sim::traffic::{Both, BusTraffic, TrafficReport};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::EngineConfig;
use xpo_tests::assert_agree;

/// The rust-hdl block against the model, one lane.
const RUSTHDL: &[EngineKind] = &[EngineKind::Model, EngineKind::RustHdl];
/// The Verilated RTL against the model, the default engine.
const VERILATOR: &[EngineKind] = &[EngineKind::Model, EngineKind::Verilator];

fn run(
    kinds: &[EngineKind],
    transactions: u64,
    seed: u64,
    resets: bool,
    i2c_idle: u32,
) -> (u64, TrafficReport) {
    let cfg = if kinds.contains(&EngineKind::RustHdl) {
        EngineConfig {
            lanes: 1,
            ..Default::default()
        }
    } else {
        EngineConfig::default()
    };
    let engines = kinds
        .iter()
        .map(|&k| build_engine(k, &cfg).unwrap())
        .collect();
    let mut prbs = PrbsScenario::new(PrbsPlan::default_for(&cfg, seed), cfg.lanes).unwrap();
    let script = prbs.script();
    let scripted = script.len() as u64;
    let mut mgmt = BusTraffic::new(&cfg, seed, transactions)
        .with_i2c_idle(i2c_idle)
        .with_script(script)
        .sparing(&[0x13]);
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
    assert_eq!(
        rep.transactions,
        transactions + scripted,
        "all completed: {rep:?}"
    );
    (r.cycles, rep)
}

#[test]
fn rusthdl_and_model_agree_on_random_i2c_and_axi_transactions() {
    let (_, rep) = run(RUSTHDL, 5_000, 8, false, 300);
    assert!(rep.i2c_transactions >= 20, "{rep:?}");
    assert!(rep.i2c_aborted >= 2, "aborted I2C transfers: {rep:?}");
    assert!(rep.reads > 2_000 && rep.writes > 1_000, "{rep:?}");
    assert!(rep.refused > 100, "bad accesses were exercised: {rep:?}");
}

#[test]
fn verilator_and_model_agree_on_100k_transactions() {
    let (cycles, rep) = run(VERILATOR, 100_000, 11, false, 1_000);
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
    let (_, rep) = run(RUSTHDL, 6_000, 5, true, 300);
    assert!(rep.resets >= 2, "{rep:?}");
    for s in ["ModuleLowPwr", "ModulePwrUp", "ModuleReady"] {
        assert!(
            rep.module_states.iter().any(|x| x == s),
            "{s} seen: {rep:?}"
        );
    }
    let (_, rep) = run(VERILATOR, 60_000, 6, true, 1_000);
    assert!(rep.module_faults >= 2, "{rep:?}");
    for s in ["ModulePwrDn", "ModuleFault"] {
        assert!(
            rep.module_states.iter().any(|x| x == s),
            "{s} seen: {rep:?}"
        );
    }
}
