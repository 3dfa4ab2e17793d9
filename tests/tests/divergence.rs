//! The lockstep runner catches a wrong engine at exactly the cycle it goes
//! wrong, names the port and lane, and writes a waveform of the window.

use xpo_sim::prbs_loopback::PrbsPlan;
use xpo_sim::traffic::{Both, BusTraffic};
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::{
    Engine, EngineConfig, EngineInputs, EngineOutputs, LaneOutputs, LaserOutputs, MgmtOutputs,
    Place,
};

/// Wraps an engine and flips one output bit at one cycle.
struct Corrupted {
    inner: Box<dyn Engine>,
    cycle: u64,
    at: u64,
    place: Place,
    port: usize,
    bit: u32,
}

impl Engine for Corrupted {
    fn name(&self) -> &str {
        "corrupted"
    }
    fn config(&self) -> &EngineConfig {
        self.inner.config()
    }
    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        self.inner.step_into(inputs, outputs);
        if self.cycle == self.at {
            let (p, flip) = (self.port, 1u128 << self.bit);
            match self.place {
                Place::Lane(l) => {
                    let o = &mut outputs.lanes[l];
                    o.set(p, o.get(p) ^ flip);
                }
                Place::Laser(l) => {
                    let o = &mut outputs.lasers[l];
                    o.set(p, o.get(p) ^ flip);
                }
                Place::Management => {
                    let o = &mut outputs.mgmt;
                    o.set(p, o.get(p) ^ flip);
                }
            }
        }
        self.cycle += 1;
    }
}

fn catch(kind: EngineKind, at: u64, place: Place, port: usize, bit: u32) {
    let cfg = EngineConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let wave = dir.path().join("div.vcd");
    let corrupted = Corrupted {
        inner: build_engine(kind, &cfg).unwrap(),
        cycle: 0,
        at,
        place,
        port,
        bit,
    };
    let engines: Vec<Box<dyn Engine>> = vec![
        build_engine(EngineKind::Model, &cfg).unwrap(),
        build_engine(EngineKind::Verilator, &cfg).unwrap(),
        Box::new(corrupted),
    ];
    // PRBS on every lane, the lasers brought up over AXI amid random
    // management traffic: every kind of output is moving.
    let mut sc = xpo_sim::prbs_loopback::PrbsScenario::new(
        PrbsPlan::default_for(&xpo_spec::EngineConfig::default(), 4),
        8,
    )
    .unwrap();
    let (script, mut lasers) = xpo_sim::laser::default_bring_up(&cfg, 4);
    let mut script = script;
    script.extend(sc.script());
    let mut traffic = BusTraffic::new(&cfg, 4, u64::MAX).with_script(script);
    let opts = LockstepOptions {
        cycles: at + 1000,
        window: 16,
        after: 5,
        wave_path: Some(wave.clone()),
    };
    let r = Lockstep::new(engines).run(
        &mut Both(&mut Both(&mut sc, &mut traffic), &mut lasers),
        &opts,
    );
    let d = r.divergence.expect("the corrupted engine is caught");
    let port_name = match place {
        Place::Lane(_) => LaneOutputs::PORTS[port].name,
        Place::Laser(_) => LaserOutputs::PORTS[port].name,
        Place::Management => MgmtOutputs::PORTS[port].name,
    };
    assert_eq!(d.cycle, at);
    assert_eq!(d.place, place);
    assert_eq!(d.port, port_name);
    assert_eq!(r.cycles, at + 6, "stops `after` cycles past the divergence");
    assert_eq!(d.values[0].1, d.values[1].1, "model and verilator agree");
    assert_eq!(
        d.values[0].1 ^ d.values[2].1,
        1u128 << bit,
        "exactly the flipped bit"
    );
    let text = d.to_string();
    assert!(
        text.contains(&format!(
            "divergence at cycle {at}: {place} port {port_name}"
        )),
        "{text}"
    );
    assert!(
        text.contains("model=") && text.contains("verilator=") && text.contains("corrupted="),
        "{text}"
    );
    let rows = text
        .lines()
        .filter(|l| l.trim_start().trim_start_matches("> ").starts_with("cycle"))
        .count();
    assert_eq!(
        rows,
        16 + 5,
        "window of 16 up to the divergence, 5 after: {text}"
    );
    let vcd = std::fs::read_to_string(&wave).expect("waveform written");
    assert!(vcd.contains("$scope module corrupted $end") && vcd.contains(port_name));
    assert!(vcd.contains(&format!("#{at}\n")));
}

/// Index of output port `name` in `ports`.
fn port(ports: &[xpo_spec::PortSpec], name: &str) -> usize {
    ports.iter().position(|p| p.name == name).unwrap()
}

#[test]
fn flipped_error_counter_bit_is_caught_at_its_cycle() {
    catch(EngineKind::Model, 1234, Place::Lane(5), 3, 0);
}

#[test]
fn flipped_tx_data_bit_on_rusthdl_is_caught_at_its_cycle() {
    catch(EngineKind::RustHdl, 321, Place::Lane(2), 0, 65);
}

#[test]
fn flipped_lock_flag_on_verilator_is_caught_at_its_cycle() {
    catch(EngineKind::Verilator, 77, Place::Lane(7), 2, 0);
}

/// A management output: the AXI read data, on a cycle where no read is
/// answered (the lockstep compares every output, valid or not).
#[test]
fn flipped_axi_read_data_bit_on_verilator_is_caught_at_its_cycle() {
    let p = port(MgmtOutputs::PORTS, "axi_rdata");
    catch(EngineKind::Verilator, 2_000, Place::Management, p, 17);
}

/// A laser output: lane 3's bias DAC code, while the lasers ramp (100 us).
#[test]
fn flipped_bias_dac_bit_on_the_model_is_caught_at_its_cycle() {
    let p = port(LaserOutputs::PORTS, "bias_dac");
    catch(EngineKind::Model, 15_625, Place::Laser(3), p, 4);
}
