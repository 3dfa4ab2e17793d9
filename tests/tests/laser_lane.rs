//! The laser lane in rust-hdl against the host model, cycle by cycle, with
//! the physical laser closing the loop (on the rust-hdl block's drive):
//! bring-up with fiber check, APC ramp and settling, interlock during
//! ramping and while on, ACC, a temperature step, and each fault — APC
//! loop failure (a degraded laser), ACC loop failure (an open bias sense),
//! over-current (a shorted driver). Safety properties are checked on both
//! every cycle. (The Verilated top and the register wiring come with the
//! next increment; the formal proofs are in `formal.rs`.)

use proptest::prelude::*;
use xpo_hdl::laser::stepper::{LaneDrive, LaserLaneStepper};
use xpo_host::laser_physics::LaserPhysics;
use xpo_host::model::laser::{LaserInputs, LaserLaneModel, LaserOutputs};
use xpo_spec::laser::{LaserParams, Ratio};
use xpo_spec::{EngineConfig, LaserConfig};

/// 20 MHz core clock, 1 MHz loop updates: physical times fit short runs.
fn config() -> EngineConfig {
    EngineConfig {
        clock_hz: 20_000_000,
        laser: LaserConfig {
            loop_timeout_us: 200,
            ..Default::default()
        },
        ..Default::default()
    }
}

fn inputs(d: &LaneDrive) -> LaserInputs {
    LaserInputs {
        enable: d.enable,
        fiber_checked: d.fiber_checked,
        apc: d.apc,
        bias_setpoint: d.bias_setpoint,
        power_setpoint: d.power_setpoint,
        // FiberCheckPower (1 mW) in the model's 10 µW, as the engine's
        // register wiring converts it.
        check_power: Ratio::new(100, 1).apply(d.check_power),
        interlock: d.interlock,
        bias_adc: d.bias_adc,
        bias_adc_valid: d.bias_adc_valid,
        power_adc: d.power_adc,
        power_adc_valid: d.power_adc_valid,
        voltage_adc: d.voltage_adc,
        voltage_adc_valid: d.voltage_adc_valid,
        thresholds: [0; 8],
    }
}

fn sense(o: &LaserOutputs) -> (u16, bool, u8, u8, u16, u16, u8, u8) {
    (
        o.dac,
        o.driver_enable,
        o.lane_state,
        o.fault_code,
        o.bias_monitor,
        o.power_monitor,
        o.voltage_monitor,
        o.warning_code,
    )
}

/// Checks the safety properties on one engine's outputs.
struct Safety {
    p: LaserParams,
    prev_dac: u16,
    prev_lit: bool,
    /// The lane went dark by itself (a fault or the interlock) while
    /// enabled, and has not been disabled since: judged from the light
    /// alone, never from the lane's own fault output.
    dark_until_disable: Option<u64>,
}

impl Safety {
    fn new(p: LaserParams) -> Self {
        Self {
            p,
            prev_dac: 0,
            prev_lit: false,
            dark_until_disable: None,
        }
    }

    fn check(&mut self, cycle: u64, d: &LaneDrive, dac: u16, driver_enable: bool) {
        let p = &self.p;
        assert!(
            dac <= p.max_code,
            "cycle {cycle}: dac {dac} above {}",
            p.max_code
        );
        if d.interlock {
            assert_eq!(dac, 0, "cycle {cycle}: interlock asserted, light on");
        }
        if dac > self.prev_dac {
            assert!(
                dac - self.prev_dac <= p.slew_codes,
                "cycle {cycle}: step {} -> {dac} above the slew {}",
                self.prev_dac,
                p.slew_codes
            );
        }
        let lit = dac != 0 || driver_enable;
        if !d.enable || d.reset {
            self.dark_until_disable = None;
        } else if self.prev_lit && !lit && self.dark_until_disable.is_none() {
            self.dark_until_disable = Some(cycle);
        }
        if let Some(since) = self.dark_until_disable {
            assert!(
                !lit,
                "cycle {cycle}: dark by itself since {since}, lit again without a disable"
            );
        }
        self.prev_dac = dac;
        self.prev_lit = lit;
    }
}

/// The watch judges the light, not the lane's own fault output: a lane
/// that goes dark while enabled and lights again with no disable in
/// between is caught even when it never reported a fault; a disable
/// clears the watch.
#[test]
fn the_dark_watch_judges_the_light_not_the_fault_output() {
    let p = LaserParams::new(&config());
    let lit_again = |disable_between: bool| {
        let mut s = Safety::new(p);
        let mut d = LaneDrive {
            enable: true,
            ..Default::default()
        };
        s.check(0, &d, 1, true);
        s.check(1, &d, 0, false);
        if disable_between {
            d.enable = false;
            s.check(2, &d, 0, false);
            d.enable = true;
        }
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| s.check(3, &d, 1, true))).is_err()
    };
    assert!(lit_again(false), "relit without a disable must fail");
    assert!(!lit_again(true), "relit after a disable is fine");
}

/// Runs `script(cycle, drive, laser)` for `cycles` on both, comparing every
/// output every cycle; returns the (state, fault) pairs seen, in order.
fn run(
    cycles: u64,
    seed: u64,
    mut script: impl FnMut(u64, &mut LaneDrive, &mut LaserPhysics),
) -> Vec<(u8, u8)> {
    let cfg = config();
    cfg.validate().unwrap();
    let p = LaserParams::new(&cfg);
    let mut rtl = LaserLaneStepper::new(&p);
    let mut model = LaserLaneModel::new(p);
    let mut laser = LaserPhysics::new(&cfg, seed, 0.7, 8);
    let (mut safe_rtl, mut safe_model) = (Safety::new(p), Safety::new(p));
    let mut d = LaneDrive {
        reset: true,
        ..Default::default()
    };
    let mut out = (0u16, false, 0u8, 0u8, 0u16, 0u16, 0u8, 0u8);
    let mut seen: Vec<(u8, u8)> = Vec::new();
    for cycle in 0..cycles {
        d.reset = cycle == 0;
        script(cycle, &mut d, &mut laser);
        let adc = laser.step(out.0, out.1);
        d.bias_adc = adc.bias_adc;
        d.bias_adc_valid = adc.bias_adc_valid;
        d.power_adc = adc.power_adc;
        d.power_adc_valid = adc.power_adc_valid;
        d.voltage_adc = adc.voltage_adc;
        d.voltage_adc_valid = adc.voltage_adc_valid;
        let r = rtl.step(&d);
        if d.reset {
            model = LaserLaneModel::new(p);
        } else {
            model.step(&inputs(&d));
        }
        let m = sense(&model.outputs(&inputs(&d)));
        assert_eq!(
            r, m,
            "cycle {cycle}: rust-hdl vs model (dac, en, state, fault, bias, power, voltage, warning)"
        );
        safe_rtl.check(cycle, &d, r.0, r.1);
        safe_model.check(cycle, &d, m.0, m.1);
        if seen.last() != Some(&(r.2, r.3)) {
            seen.push((r.2, r.3));
        }
        out = r;
    }
    seen
}

const US: u64 = 20; // cycles per microsecond at 20 MHz

#[test]
fn bring_up_interlock_and_every_fault_agree_with_the_model() {
    let mut powers: Vec<(u64, u16)> = Vec::new();
    let seen = run(1_560 * US, 3, |c, d, laser| {
        let t = c / US;
        match (t, c % US) {
            // APC bring-up: fiber check at 1 mW, then 80 mW.
            (10, 0) => {
                d.enable = true;
                d.apc = true;
                d.check_power = 1;
                d.power_setpoint = 8_000;
                d.bias_setpoint = 3_000;
            }
            (300, 0) => d.fiber_checked = true,
            // Interlock while on, then re-enable.
            (420, 0) => d.interlock = true,
            (421, 0) => d.interlock = false,
            (425, 0) => d.enable = false,
            (426, 0) => d.enable = true,
            // Interlock during the ramp.
            (440, 0) => d.interlock = true,
            (441, 0) => {
                d.interlock = false;
                d.enable = false;
            }
            (442, 0) => d.enable = true,
            // ACC while on; a temperature step.
            (560, 0) => d.apc = false,
            (640, 0) => laser.temp_c = 60.0,
            (700, 0) => d.apc = true,
            // A degraded laser: APC cannot reach 80 mW: fault 1.
            (780, 0) => laser.health = 0.3,
            (1_010, 0) => {
                d.enable = false;
                laser.health = 1.0;
                laser.temp_c = 25.0;
            }
            // ACC with an open bias sense: fault 2.
            (1_011, 0) => {
                d.apc = false;
                d.enable = true;
            }
            (1_200, 0) => laser.bias_sense_open = true,
            (1_450, 0) => {
                d.enable = false;
                laser.bias_sense_open = false;
            }
            // A shorted driver: over-current, vendor fault 9.
            (1_451, 0) => d.enable = true,
            (1_500, 0) => laser.short = true,
            _ => {}
        }
        if c % (10 * US) == 0 {
            powers.push((t, (laser.last().1 * 1e5) as u16));
        }
    });
    // Off, ramping (fiber check), on, off (interlock), ..., and the faults.
    for want in [(0, 0), (1, 0), (2, 0), (0, 1), (0, 2), (0, 9)] {
        assert!(seen.contains(&want), "{want:?} not seen in {seen:?}");
    }
    // APC settled at the setpoint before the interlock: 80 mW +- 5 %.
    let at = |t: u64| powers.iter().find(|(x, _)| *x == t).unwrap().1 as f64;
    assert!(
        (at(410) - 8_000.0).abs() < 400.0,
        "APC at 410 us: {}",
        at(410)
    );
    // During the fiber check the laser emits about the check power (1 mW).
    assert!((at(290) - 100.0).abs() < 30.0, "fiber check: {}", at(290));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    /// Random register sequences, ADC noise, temperatures and interlock
    /// pulses: the model and the block agree and the safety properties hold
    /// on both.
    #[test]
    fn random_controls_keep_the_safety_properties(
        seed in any::<u64>(),
        events in prop::collection::vec((0u64..400, 0u8..10, any::<u16>()), 5..40),
    ) {
        let mut events = events;
        events.sort_by_key(|e| e.0);
        run(400 * US, seed, |c, d, laser| {
            for &(t, kind, v) in &events {
                if c == t * US {
                    match kind {
                        0 => d.enable = !d.enable,
                        1 => d.fiber_checked = !d.fiber_checked,
                        2 => d.apc = !d.apc,
                        3 => d.bias_setpoint = v % 6_000,
                        4 => d.power_setpoint = v % 20_000,
                        5 => d.check_power = v % 5,
                        6 => d.interlock = true,
                        7 => laser.temp_c = 20.0 + (v % 60) as f64,
                        8 => laser.health = (v % 100) as f64 / 100.0,
                        _ => laser.short = v % 4 == 0,
                    }
                }
                if kind == 6 && c == t * US + 1 + (v % 5) as u64 {
                    d.interlock = false;
                }
            }
        });
    }
}
