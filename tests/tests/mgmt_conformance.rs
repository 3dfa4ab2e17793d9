//! The map-generated conformance suite, through the driver, on every engine's
//! management byte port: the Verilated RTL, the rust-hdl block and the model.

use xpo_host::mgmt::conformance::check_every_field;
use xpo_host::mgmt::Driver;
use xpo_sim::mgmt_bus::EngineBus;
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::EngineConfig;

fn conform(kind: EngineKind) -> usize {
    let cfg = EngineConfig::default();
    let mut d = Driver::new(
        EngineBus::new(build_engine(kind, &cfg).unwrap()),
        cfg.register_map(),
    );
    // Spot checks through the typed accessors first.
    assert_eq!(
        d.module_state().unwrap(),
        xpo_host::mgmt::ModuleState::LowPwr
    );
    d.set_bias_setpoint(5, 1234).unwrap();
    assert_eq!(d.read_field("BiasSetpoint", 5).unwrap(), 1234);
    d.set_bias_setpoint(5, 3000).unwrap();
    let thresholds = d.temperature_thresholds_c().unwrap();
    assert_eq!(thresholds, [75.0, -5.0, 70.0, 0.0]);
    check_every_field(d)
}

#[test]
fn verilated_rtl_conforms_to_the_map() {
    let n = conform(EngineKind::Verilator);
    assert!(n > 500, "{n} field lanes checked");
}

#[test]
fn rusthdl_block_conforms_to_the_map() {
    let n = conform(EngineKind::RustHdl);
    assert!(n > 500, "{n}");
}

#[test]
fn model_engine_conforms_to_the_map() {
    let n = conform(EngineKind::Model);
    assert!(n > 500, "{n}");
}
