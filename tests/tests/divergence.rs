//! The lockstep runner catches a wrong engine at exactly the cycle it goes
//! wrong, names the port and lane, and writes a waveform of the window.

use xpo_sim::scenario::PrbsPlan;
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs};

/// Wraps an engine and flips one output bit at one cycle.
struct Corrupted {
    inner: Box<dyn Engine>,
    cycle: u64,
    at: u64,
    lane: usize,
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
            let l = &mut outputs.lanes[self.lane];
            l.set(self.port, l.get(self.port) ^ (1u128 << self.bit));
        }
        self.cycle += 1;
    }
}

fn catch(kind: EngineKind, at: u64, lane: usize, port: usize, bit: u32) {
    let cfg = EngineConfig::default();
    let dir = tempfile::tempdir().unwrap();
    let wave = dir.path().join("div.vcd");
    let corrupted = Corrupted {
        inner: build_engine(kind, &cfg).unwrap(),
        cycle: 0,
        at,
        lane,
        port,
        bit,
    };
    let engines: Vec<Box<dyn Engine>> = vec![
        build_engine(EngineKind::Model, &cfg).unwrap(),
        build_engine(EngineKind::Verilator, &cfg).unwrap(),
        Box::new(corrupted),
    ];
    let mut sc = xpo_sim::scenario::PrbsScenario::new(PrbsPlan::default_for(8, 4), 8).unwrap();
    let opts = LockstepOptions {
        cycles: at + 1000,
        window: 16,
        after: 5,
        wave_path: Some(wave.clone()),
    };
    let r = Lockstep::new(engines).run(&mut sc, &opts);
    let d = r.divergence.expect("the corrupted engine is caught");
    let port_name = xpo_spec::LaneOutputs::PORTS[port].name;
    assert_eq!(d.cycle, at);
    assert_eq!(d.place, xpo_spec::Place::Lane(lane));
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
            "divergence at cycle {at}: lane {lane} port {port_name}"
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

#[test]
fn flipped_error_counter_bit_is_caught_at_its_cycle() {
    catch(EngineKind::Model, 1234, 5, 3, 0);
}

#[test]
fn flipped_tx_data_bit_on_rusthdl_is_caught_at_its_cycle() {
    catch(EngineKind::RustHdl, 321, 2, 0, 65);
}

#[test]
fn flipped_lock_flag_on_verilator_is_caught_at_its_cycle() {
    catch(EngineKind::Verilator, 77, 7, 2, 0);
}
