//! Property test (issue 4, acceptance 2) on the Verilated RTL and the model
//! in lockstep: random host register sequences over AXI (enables, fibre
//! confirmations, mode, setpoints, fibre-check power) and random physical
//! events (interlock pulses, temperatures, degraded lasers, shorts, open
//! bias senses), with seeded ADC noise. On every cycle the reference drive
//! must keep the safety properties (`LaserBench` checks them): the
//! interlock darkens every lane by the next edge, the DAC code never
//! exceeds the advertised maximum, and never rises by more than the slew.
//! And a lane that goes dark by itself — a latched fault, or the interlock
//! disarming it — stays dark until the host disables and re-enables it
//! (`DarkUntilReenabled`, on the pins and the host's own LaneEnable
//! writes). The block-level test (`laser_lane.rs`) checks the same on the
//! fault state directly.

use proptest::prelude::*;
use xpo_sim::lasers::{field_writes, LaserBench, LaserEvent};
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
        let mut enables = Vec::new();
        for &(t, kind, v) in &ops {
            let lane = (v % 8) as usize;
            let mut write = |name: &str, instance: u8, value: u64| {
                for op in field_writes(&map, name, 0, instance, value) {
                    script.push((us(t), op));
                }
            };
            match kind {
                0 | 1 => {
                    write("LaneEnable", 0, (v >> 8) as u64);
                    enables.push((us(t), (v >> 8) as u8));
                }
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
        let mut watch = DarkUntilReenabled::new(enables);
        let mut both = xpo_sim::traffic::Both(&mut host, &mut bench);
        let mut all = xpo_sim::traffic::Both(&mut both, &mut watch);
        let r = Lockstep::new(engines).run(
            &mut Endless(&mut all),
            &LockstepOptions { cycles: us(400), ..Default::default() },
        );
        assert_agree(&r);
        prop_assert!(bench.violations.is_empty(), "{:#?}", bench.violations);
        prop_assert!(watch.violations.is_empty(), "{:#?}", watch.violations);
    }
}

/// "A latched fault keeps the laser dark until disable/enable", from the
/// outside: a lane that goes dark while every LaneEnable write scheduled in
/// the last `QUEUE` cycles (and the latest before) keeps it enabled went
/// dark by itself — a fault, or the interlock, which also disarms it. It
/// must stay dark (no driver enable, DAC 0) until the host has issued a
/// LaneEnable write clearing its bit. Scheduled writes may wait behind
/// others, but never for `QUEUE` cycles, and light cannot come back before
/// the clearing write is even scheduled: no false alarms.
struct DarkUntilReenabled {
    /// `(cycle issued, LaneEnable value)`, in issue order.
    enables: Vec<(u64, u8)>,
    lit: [bool; 8],
    /// The cycle a lane went dark by itself.
    dark_since: [Option<u64>; 8],
    violations: Vec<String>,
    /// Lanes that went dark by itself, over the run.
    latched: u64,
}

/// Longer than any scheduled AXI write waits and takes to commit (a script
/// of at most 40 operations of a few words each).
const QUEUE: u64 = 4_000;

impl DarkUntilReenabled {
    fn new(mut enables: Vec<(u64, u8)>) -> Self {
        enables.sort_by_key(|e| e.0);
        Self {
            enables,
            lit: [false; 8],
            dark_since: [None; 8],
            violations: Vec::new(),
            latched: 0,
        }
    }
}

impl xpo_sim::Stimulus for DarkUntilReenabled {
    fn drive(
        &mut self,
        cycle: u64,
        previous: &xpo_spec::EngineOutputs,
        _inputs: &mut xpo_spec::EngineInputs,
    ) {
        for (g, o) in previous.lasers.iter().enumerate().take(8) {
            let lit = o.driver_enable || o.bias_dac != 0;
            if let Some(since) = self.dark_since[g] {
                let cleared = self
                    .enables
                    .iter()
                    .any(|&(c, v)| c + QUEUE > since && c <= cycle && v >> g & 1 == 0);
                if cleared {
                    self.dark_since[g] = None;
                } else if lit && self.violations.len() < 20 {
                    self.violations.push(format!(
                        "cycle {cycle}: laser {g} lit again after going dark at {since} with no disable"
                    ));
                }
            }
            // Enabled for sure: the latest write before the window sets the
            // bit and none in the window clears it.
            let before = self.enables.iter().rev().find(|e| e.0 + QUEUE <= cycle);
            let window_clears = self
                .enables
                .iter()
                .any(|&(c, v)| c <= cycle && c + QUEUE > cycle && v >> g & 1 == 0);
            let enabled = before.is_some_and(|&(_, v)| v >> g & 1 == 1) && !window_clears;
            if self.lit[g] && !lit && enabled && self.dark_since[g].is_none() {
                self.dark_since[g] = Some(cycle);
                self.latched += 1;
            }
            self.lit[g] = lit;
        }
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
