//! Property test (issue 4, acceptance 2) on the Verilated RTL and the model
//! in lockstep: random host register sequences over AXI (enables, fiber
//! confirmations, mode, setpoints, fiber-check power) and random physical
//! events (interlock pulses, temperatures, degraded lasers, shorts, open
//! bias senses), with seeded ADC noise. On every cycle the reference drive
//! must keep the safety properties (`LaserBench` checks them): the
//! interlock darkens every lane by the next edge, the DAC code never
//! exceeds the advertised maximum, and never rises by more than the slew.
//! And a lane that goes dark by itself — a latched fault, or the interlock
//! disarming it — stays dark until the host disables and re-enables it
//! (`LaserBench::watching_lane_enable`, from the pins and the host's
//! LaneEnable writes on the AXI bus). The block-level test (`laser_lane.rs`) checks the same on the
//! fault state directly.

use proptest::prelude::*;
use xpo_sim::laser::{field_writes, LaserBench, LaserEvent};
use xpo_sim::traffic::BusTraffic;
use xpo_sim::{build_engine, EngineKind, Lockstep, LockstepOptions};
use xpo_spec::EngineConfig;
use xpo_tests::assert_agree;

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, ..ProptestConfig::default() })]

    #[test]
    fn random_registers_and_lasers_keep_the_safety_properties(
        seed in any::<u64>(),
        ops in prop::collection::vec((0u64..380, 0u8..11, any::<u16>()), 4..40),
    ) {
        let cfg = EngineConfig::default();
        let map = cfg.register_map();
        let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
        let mut script = Vec::new();
        let mut bench = LaserBench::new(&cfg, seed);
        for &(t, kind, v) in &ops {
            let lane = (v % 8) as usize;
            let mut write = |name: &str, instance: u8, value: u64| {
                for op in field_writes(&map, name, 0, instance, value) {
                    script.push((us(t), op));
                }
            };
            match kind {
                0 | 1 => write("LaneEnable", 0, (v >> 8) as u64),
                2 => write("OutputFiberChecked", 0, (v >> 8) as u64),
                3 => write("LaserControlMode", 0, (v & 1) as u64),
                4 => write("BiasSetpoint", lane as u8, (v % 6_500) as u64),
                5 => write("PowerSetpoint", lane as u8, (v % 20_000) as u64),
                6 => write("FiberCheckPower", 0, (v % 4) as u64),
                7 => {
                    bench = bench
                        .at(us(t), LaserEvent::Interlock(true))
                        .at(us(t) + 1 + (v % 300) as u64, LaserEvent::Interlock(false));
                }
                8 => bench = bench.at(us(t), LaserEvent::Temperature(15.0 + (v % 70) as f64)),
                9 => bench = bench.at(us(t), LaserEvent::Health { lane, health: (v % 100) as f64 / 100.0 }),
                _ => {
                    bench = bench.at(us(t), if v & 0x100 != 0 {
                        LaserEvent::Short { lane, shorted: v & 0x200 != 0 }
                    } else {
                        LaserEvent::OpenBiasSense { lane, open: v & 0x200 != 0 }
                    })
                }
            }
        }
        let mut host = BusTraffic::new(&cfg, seed, 0).with_script(script);
        let engines = [EngineKind::Verilator, EngineKind::Model]
            .iter()
            .map(|&k| build_engine(k, &cfg).unwrap())
            .collect();
        let mut bench = bench.watching_lane_enable(&cfg);
        let mut both = xpo_sim::traffic::Both(&mut host, &mut bench);
        let r = Lockstep::new(engines).run(
            &mut Endless(&mut both),
            &LockstepOptions { cycles: us(400), ..Default::default() },
        );
        assert_agree(&r);
        prop_assert!(bench.safety.violations.is_empty(), "{:#?}", bench.safety.violations);
    }
}

/// Keeps a run going for its full length even when the host script is done.
struct Endless<'a>(&'a mut dyn xpo_sim::Stimulus);

impl xpo_sim::Stimulus for Endless<'_> {
    fn drive(
        &mut self,
        cycle: u64,
        previous: &xpo_spec::EngineOutputs,
        inputs: &mut xpo_spec::EngineInputs,
    ) {
        self.0.drive(cycle, previous, inputs);
    }
}
