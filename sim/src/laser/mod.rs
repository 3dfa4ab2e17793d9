//! The physical lasers behind every laser lane (`xpo_host::laser_physics`),
//! as lockstep stimulus: each cycle every lane's converters see the laser
//! driven by the reference engine's DAC code, and scheduled events change
//! the world — the interlock pin, the lasers' and the module's
//! temperatures, the supply voltage, and injected faults (a degraded
//! laser, an open bias sense, a shorted driver). The module's temperature
//! and supply sensors are driven too.

mod safety;
mod scripts;

pub use safety::{
    LaserObservations, SafetyMonitor, SafetyProperty, SafetyViolation, MAX_VIOLATIONS,
};
pub use scripts::{default_bring_up, fault_campaign, field_writes, CampaignPlan};

use crate::lockstep::Stimulus;
use xpo_host::laser_physics::{LaserPhysics, ModuleSensors};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

/// Something that happens to the lasers at a cycle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LaserEvent {
    Interlock(bool),
    /// Temperature of every laser, °C.
    Temperature(f64),
    /// Temperature at the module's own sensor, °C (the lasers of an ELSFP
    /// sit on their own cooler).
    ModuleTemperature(f64),
    /// Module supply voltage, V.
    Supply(f64),
    /// Remaining slope efficiency of one lane's laser (1.0 healthy).
    Health {
        lane: usize,
        health: f64,
    },
    /// One lane's monitor photodiode responsivity, A/W (aging; 0.9 is what
    /// the calibration assumes).
    Photodiode {
        lane: usize,
        a_per_w: f64,
    },
    /// One lane's bias sense open (reads 0) or restored.
    OpenBiasSense {
        lane: usize,
        open: bool,
    },
    /// One lane's driver shorted (bias sense reads full scale) or restored.
    Short {
        lane: usize,
        shorted: bool,
    },
}

/// One recorded point of a lane: time, bias current and optical power.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LaserSample {
    pub cycle: u64,
    pub bias_ma: f64,
    pub power_mw: f64,
}

/// Every lane's laser, with a schedule of events.
pub struct LaserBench {
    lasers: Vec<LaserPhysics>,
    module: ModuleSensors,
    events: Vec<(u64, LaserEvent)>,
    next: usize,
    interlock: bool,
    /// Record every this many cycles (0: never).
    pub record_every: u64,
    /// Recorded samples per lane.
    pub trace: Vec<Vec<LaserSample>>,
    /// The safety properties checked on the drive, and what happened.
    pub safety: SafetyMonitor,
}

impl LaserBench {
    /// Lasers for `cfg`, ADC noise of 0.7 codes (σ), a conversion every
    /// 8 cycles, seeded per lane from `seed`.
    pub fn new(cfg: &EngineConfig, seed: u64) -> Self {
        Self {
            lasers: (0..cfg.laser_lanes)
                .map(|g| LaserPhysics::new(cfg, seed.wrapping_add(g as u64 * 7919), 0.7, 8))
                .collect(),
            module: ModuleSensors::new(cfg, seed, 0.7, 64),
            events: Vec::new(),
            next: 0,
            interlock: false,
            record_every: 0,
            trace: vec![Vec::new(); cfg.laser_lanes],
            safety: SafetyMonitor::new(cfg),
        }
    }

    /// Adds `event` at `cycle`.
    pub fn at(mut self, cycle: u64, event: LaserEvent) -> Self {
        self.schedule(cycle, event);
        self
    }

    /// Adds `event` at `cycle` to a running bench (at or after the cycle
    /// driven last: the events already applied stay first).
    pub fn schedule(&mut self, cycle: u64, event: LaserEvent) {
        self.events.push((cycle, event));
        self.events.sort_by_key(|e| e.0);
    }

    /// Also checks, every cycle, that a lane that goes dark by itself — a
    /// latched fault, or the interlock, which disarms it — stays dark (no
    /// driver enable, DAC 0) until the host clears its LaneEnable bit. The
    /// bench follows the host's LaneEnable writes on the AXI pins (the host
    /// must write LaneEnable over AXI, and not reset the module): a lane
    /// went dark by itself when the last answered write keeps it enabled
    /// and no LaneEnable write is in flight; it may light again only after
    /// a write clearing its bit was presented. Light cannot return before
    /// that, so the check raises no false alarms.
    pub fn watching_lane_enable(mut self, cfg: &EngineConfig) -> Self {
        self.safety.watching_lane_enable(cfg);
        self
    }

    pub fn laser(&self, lane: usize) -> &LaserPhysics {
        &self.lasers[lane]
    }

    fn apply(&mut self, e: LaserEvent) {
        match e {
            LaserEvent::Interlock(on) => self.interlock = on,
            LaserEvent::Temperature(t) => self.lasers.iter_mut().for_each(|l| l.temp_c = t),
            LaserEvent::ModuleTemperature(t) => self.module.temp_c = t,
            LaserEvent::Supply(v) => self.module.vcc_v = v,
            LaserEvent::Health { lane, health } => self.lasers[lane].health = health,
            LaserEvent::OpenBiasSense { lane, open } => self.lasers[lane].bias_sense_open = open,
            LaserEvent::Photodiode { lane, a_per_w } => {
                self.lasers[lane].pd_responsivity_a_per_w = a_per_w
            }
            LaserEvent::Short { lane, shorted } => self.lasers[lane].short = shorted,
        }
    }
}

impl Stimulus for LaserBench {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        while self.next < self.events.len() && self.events[self.next].0 <= cycle {
            let e = self.events[self.next].1;
            self.apply(e);
            self.next += 1;
        }
        // The drive after the previous edge, against the properties.
        self.safety
            .check(cycle, previous, inputs, self.interlock, &self.lasers);
        inputs.mgmt.interlock = self.interlock;
        // The lasers draw their bias from the module supply.
        self.module.laser_current_a = self.lasers.iter().map(|l| l.last().0).sum();
        let m = self.module.step();
        inputs.mgmt.temperature_adc = m.temperature_adc;
        inputs.mgmt.temperature_adc_valid = m.temperature_adc_valid;
        inputs.mgmt.vcc_adc = m.vcc_adc;
        inputs.mgmt.vcc_adc_valid = m.vcc_adc_valid;
        inputs.mgmt.supply_current_adc = m.supply_current_adc;
        inputs.mgmt.supply_current_adc_valid = m.supply_current_adc_valid;
        for (g, (laser, i)) in self
            .lasers
            .iter_mut()
            .zip(inputs.lasers.iter_mut())
            .enumerate()
        {
            let o = previous.lasers[g];
            let s = laser.step(o.bias_dac, o.driver_enable);
            i.bias_adc = s.bias_adc;
            i.bias_adc_valid = s.bias_adc_valid;
            i.power_adc = s.power_adc;
            i.power_adc_valid = s.power_adc_valid;
            i.voltage_adc = s.voltage_adc;
            i.voltage_adc_valid = s.voltage_adc_valid;
            if self.record_every > 0 && cycle.is_multiple_of(self.record_every) {
                let (a, w) = laser.last();
                self.trace[g].push(LaserSample {
                    cycle,
                    bias_ma: a * 1e3,
                    power_mw: w * 1e3,
                });
            }
        }
    }
}
