//! The physical lasers behind every laser lane (`xpo_host::laser_physics`),
//! as lockstep stimulus: each cycle every lane's converters see the laser
//! driven by the reference engine's DAC code, and scheduled events change
//! the world — the interlock pin, the case temperature, and injected
//! faults (a degraded laser, an open bias sense, a shorted driver).

use crate::lockstep::Stimulus;
use xpo_host::laser_physics::LaserPhysics;
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

/// Something that happens to the lasers at a cycle.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum LaserEvent {
    Interlock(bool),
    /// Case temperature of every laser, °C.
    Temperature(f64),
    /// Remaining slope efficiency of one lane's laser (1.0 healthy).
    Health {
        lane: usize,
        health: f64,
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
    events: Vec<(u64, LaserEvent)>,
    next: usize,
    interlock: bool,
    /// Record every this many cycles (0: never).
    pub record_every: u64,
    /// Recorded samples per lane.
    pub trace: Vec<Vec<LaserSample>>,
    /// Safety properties checked on the reference engine's drive every
    /// cycle: the interlock darkens every lane by the next edge, the DAC
    /// code never exceeds the maximum bias, and never rises by more than
    /// the slew in one cycle. Each violation, described.
    pub violations: Vec<String>,
    /// Cycles the interlock was asserted.
    pub interlock_cycles: u64,
    params: xpo_spec::laser::LaserParams,
    interlock_before: bool,
    last_dac: Vec<u16>,
}

impl LaserBench {
    /// Lasers for `cfg`, ADC noise of 0.7 codes (σ), a conversion every
    /// 8 cycles, seeded per lane from `seed`.
    pub fn new(cfg: &EngineConfig, seed: u64) -> Self {
        Self {
            lasers: (0..cfg.laser_lanes)
                .map(|g| LaserPhysics::new(cfg, seed.wrapping_add(g as u64 * 7919), 0.7, 8))
                .collect(),
            events: Vec::new(),
            next: 0,
            interlock: false,
            record_every: 0,
            trace: vec![Vec::new(); cfg.laser_lanes],
            violations: Vec::new(),
            interlock_cycles: 0,
            params: xpo_spec::laser::LaserParams::new(cfg),
            interlock_before: false,
            last_dac: vec![0; cfg.laser_lanes],
        }
    }

    /// Adds `event` at `cycle`.
    pub fn at(mut self, cycle: u64, event: LaserEvent) -> Self {
        self.events.push((cycle, event));
        self.events.sort_by_key(|e| e.0);
        self
    }

    pub fn laser(&self, lane: usize) -> &LaserPhysics {
        &self.lasers[lane]
    }

    fn apply(&mut self, e: LaserEvent) {
        match e {
            LaserEvent::Interlock(on) => self.interlock = on,
            LaserEvent::Temperature(t) => self.lasers.iter_mut().for_each(|l| l.temp_c = t),
            LaserEvent::Health { lane, health } => self.lasers[lane].health = health,
            LaserEvent::OpenBiasSense { lane, open } => self.lasers[lane].bias_sense_open = open,
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
        let p = self.params;
        for (g, o) in previous.lasers.iter().enumerate() {
            if self.interlock_before && (o.bias_dac != 0 || o.driver_enable) {
                self.violations.push(format!(
                    "cycle {cycle}: laser {g} lit with the interlock asserted"
                ));
            }
            if o.bias_dac > p.max_code {
                self.violations.push(format!(
                    "cycle {cycle}: laser {g} DAC {} above the maximum {}",
                    o.bias_dac, p.max_code
                ));
            }
            if o.bias_dac > self.last_dac[g].saturating_add(p.slew_codes) {
                self.violations.push(format!(
                    "cycle {cycle}: laser {g} DAC rose {} -> {} (slew {})",
                    self.last_dac[g], o.bias_dac, p.slew_codes
                ));
            }
            self.last_dac[g] = o.bias_dac;
        }
        self.violations.truncate(100);
        inputs.mgmt.interlock = self.interlock;
        self.interlock_before = self.interlock;
        self.interlock_cycles += self.interlock as u64;
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

/// AXI writes that set field `name` (instance `instance` in `bank`) to
/// `value` — located in the register map, never by typed offsets. A
/// multi-byte value that straddles a word boundary takes two writes (the
/// slave commits it when both are in). Bits of other fields sharing the
/// bytes are written as 0; read-only ones ignore it.
pub fn field_writes(
    map: &xpo_spec::regmap::RegisterMap,
    name: &str,
    bank: u8,
    instance: u8,
    value: u64,
) -> Vec<xpo_host::mgmt::AxiOp> {
    let f = map
        .field(name)
        .unwrap_or_else(|| panic!("{name} is not in the register map"));
    let l = f.instance(instance);
    let bytes: Vec<u8> = if l.len > 1 {
        (0..l.len)
            .map(|k| (value >> (8 * (l.len - 1 - k))) as u8)
            .collect()
    } else {
        vec![((value as u8) << l.lsb) & l.mask()]
    };
    let mut ops: Vec<xpo_host::mgmt::AxiOp> = Vec::new();
    for (k, b) in bytes.into_iter().enumerate() {
        let addr = xpo_spec::regmap::linear_address(bank, f.page, l.byte + k as u8);
        let (word, lane) = (addr & !3, addr & 3);
        match ops.last_mut() {
            Some(xpo_host::mgmt::AxiOp::Write {
                addr: a,
                data,
                strb,
            }) if *a == word => {
                *data |= (b as u32) << (8 * lane);
                *strb |= 1 << lane;
            }
            _ => ops.push(xpo_host::mgmt::AxiOp::Write {
                addr: word,
                data: (b as u32) << (8 * lane),
                strb: 1 << lane,
            }),
        }
    }
    ops
}

/// A host bringing the lasers up over AXI, as the default run does: APC,
/// a power setpoint per lane (50 mW plus 7 mW a lane), all lanes enabled
/// at 10 µs, the fibres confirmed at 300 µs; then the interlock pulses at
/// 500 µs for 5 µs, and the host re-enables every lane at 520 µs. Returns
/// the script and the laser bench with its events.
pub fn default_bring_up(
    cfg: &EngineConfig,
    seed: u64,
) -> (Vec<(u64, xpo_host::mgmt::AxiOp)>, LaserBench) {
    let map = cfg.register_map();
    let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
    let mut script = Vec::new();
    let mut at = |t: u64, ops: Vec<xpo_host::mgmt::AxiOp>| {
        for op in ops {
            script.push((us(t), op));
        }
    };
    let banks = cfg.laser_lanes.div_ceil(8) as u8;
    for bank in 0..banks {
        at(2, field_writes(&map, "LaserControlMode", bank, 0, 1));
    }
    for g in 0..cfg.laser_lanes {
        let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
        at(
            3,
            field_writes(&map, "PowerSetpoint", bank, k, 5_000 + 700 * g as u64),
        );
    }
    let all = |n: usize| -> u64 {
        if n >= 8 {
            0xFF
        } else {
            (1u64 << n) - 1
        }
    };
    for bank in 0..banks {
        let n = cfg.laser_lanes - 8 * bank as usize;
        at(10, field_writes(&map, "LaneEnable", bank, 0, all(n)));
        at(
            300,
            field_writes(&map, "OutputFiberChecked", bank, 0, all(n)),
        );
        at(515, field_writes(&map, "LaneEnable", bank, 0, 0));
        at(520, field_writes(&map, "LaneEnable", bank, 0, all(n)));
    }
    let bench = LaserBench::new(cfg, seed)
        .at(us(500), LaserEvent::Interlock(true))
        .at(us(505), LaserEvent::Interlock(false));
    (script, bench)
}
