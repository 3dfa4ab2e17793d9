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
    // The laser case writes FST, the others VCD (the extension decides).
    let fst = matches!(place, Place::Laser(_));
    let wave = dir.path().join(if fst { "div.fst" } else { "div.vcd" });
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
    assert_eq!(d.wave.as_deref(), Some(wave.as_path()));
    if fst {
        let scope = match place {
            Place::Laser(l) => format!("laser{l}"),
            _ => unreachable!(),
        };
        let model = fst_value_at(&wave, &format!("xpo.model.{scope}.{port_name}"), at);
        let bad = fst_value_at(&wave, &format!("xpo.corrupted.{scope}.{port_name}"), at);
        assert_eq!(model, d.values[0].1, "the model's value in the FST");
        assert_eq!(model ^ bad, 1u128 << bit, "the flipped bit in the FST");
        return;
    }
    let vcd = std::fs::read_to_string(&wave).expect("waveform written");
    assert!(vcd.contains("$scope module corrupted $end") && vcd.contains(port_name));
    assert!(vcd.contains(&format!("#{at}\n")));
}

/// The value of the signal at hierarchical `path` at time `at` in an FST,
/// read with an independent reader (fst-reader).
fn fst_value_at(file: &std::path::Path, path: &str, at: u64) -> u128 {
    let f = std::io::BufReader::new(std::fs::File::open(file).unwrap());
    let mut r = fst_reader::FstReader::open(f).expect("a readable FST");
    let mut scopes: Vec<String> = Vec::new();
    let mut handle = None;
    r.read_hierarchy(|e| match e {
        fst_reader::FstHierarchyEntry::Scope { name, .. } => scopes.push(name),
        fst_reader::FstHierarchyEntry::UpScope => {
            scopes.pop();
        }
        fst_reader::FstHierarchyEntry::Var {
            name, handle: h, ..
        } if format!("{}.{name}", scopes.join(".")) == path => handle = Some(h),
        _ => {}
    })
    .unwrap();
    let h = handle.unwrap_or_else(|| panic!("{path} not in the FST"));
    let mut value = None;
    r.read_signals(
        &fst_reader::FstFilter::filter_signals(vec![h]),
        |t, _, v| {
            if t <= at {
                if let fst_reader::FstSignalValue::String(bits) = v {
                    // The reader starts every signal at x, before its
                    // first value.
                    let text = String::from_utf8_lossy(bits);
                    if !text.contains('x') {
                        let parsed = u128::from_str_radix(&text, 2);
                        value = Some(parsed.unwrap_or_else(|e| panic!("{path} = {text:?}: {e}")));
                    }
                }
            }
        },
    )
    .unwrap();
    value.unwrap_or_else(|| panic!("{path} has no value by {at}"))
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
