//! The map-generated conformance suite, through the driver, on every
//! engine's management buses: AXI4-Lite on the Verilated RTL, the rust-hdl
//! block and the model; I2C (bit-level master on SCL/SDA) on the Verilated
//! RTL and the model.

use xpo_host::mgmt::conformance::check_every_field;
use xpo_host::mgmt::conformance::Harness;
use xpo_host::mgmt::{AxiPacing, Driver};
use xpo_sim::mgmt_bus::{EngineAxi, EngineI2c};
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::EngineConfig;

fn axi(kind: EngineKind) -> EngineAxi {
    let cfg = EngineConfig::default();
    EngineAxi::new(build_engine(kind, &cfg).unwrap(), 3, AxiPacing::RANDOM)
}

fn i2c(kind: EngineKind) -> EngineI2c {
    let cfg = EngineConfig::default();
    // The fastest rate the target follows: the suite is long.
    EngineI2c::new(build_engine(kind, &cfg).unwrap(), u64::MAX)
}

fn conform<H: Harness>(bus: H) -> usize {
    let cfg = EngineConfig::default();
    let mut d = Driver::new(bus, cfg.register_map());
    // Spot checks through the typed accessors first.
    // Out of reset with no low-power request the module powers up; a
    // request takes it through ModulePwrDn back to ModuleLowPwr.
    use xpo_host::mgmt::ModuleState;
    let first = d.module_state().unwrap();
    assert!(
        matches!(first, ModuleState::PwrUp | ModuleState::Ready),
        "{first:?}"
    );
    d.set_low_power_request(true).unwrap();
    let mut seen = Vec::new();
    for _ in 0..2_000 {
        let s = d.module_state().unwrap();
        if seen.last() != Some(&s) {
            seen.push(s);
        }
        if s == ModuleState::LowPwr {
            break;
        }
    }
    assert_eq!(seen.last(), Some(&ModuleState::LowPwr), "{seen:?}");
    d.set_low_power_request(false).unwrap();
    d.set_bias_setpoint(5, 1234).unwrap();
    assert_eq!(d.read_field("BiasSetpoint", 5).unwrap(), 1234);
    d.set_bias_setpoint(5, 3000).unwrap();
    let thresholds = d.temperature_thresholds_c().unwrap();
    assert_eq!(thresholds, [75.0, -5.0, 70.0, 0.0]);
    check_every_field(d)
}

#[test]
fn verilated_rtl_conforms_to_the_map_over_axi() {
    let n = conform(axi(EngineKind::Verilator));
    assert!(n > 500, "{n} field lanes checked");
}

#[test]
fn rusthdl_block_conforms_to_the_map_over_axi() {
    let n = conform(axi(EngineKind::RustHdl));
    assert!(n > 500, "{n}");
}

#[test]
fn model_engine_conforms_to_the_map_over_axi() {
    let n = conform(axi(EngineKind::Model));
    assert!(n > 500, "{n}");
}

#[test]
fn verilated_rtl_conforms_to_the_map_over_i2c() {
    let n = conform(i2c(EngineKind::Verilator));
    assert!(n > 500, "{n}");
}

#[test]
fn model_engine_conforms_to_the_map_over_i2c() {
    let n = conform(i2c(EngineKind::Model));
    assert!(n > 500, "{n}");
}
