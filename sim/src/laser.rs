//! The physical lasers behind every laser lane (`xpo_host::laser_physics`),
//! as lockstep stimulus: each cycle every lane's converters see the laser
//! driven by the reference engine's DAC code, and scheduled events change
//! the world — the interlock pin, the lasers' and the module's
//! temperatures, the supply voltage, and injected faults (a degraded
//! laser, an open bias sense, a shorted driver). The module's temperature
//! and supply sensors are driven too.

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

/// A safety property of the laser drive, checked every cycle on the
/// reference engine's outputs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(tag = "property", rename_all = "snake_case")]
pub enum SafetyProperty {
    /// The lane was lit (driver enabled or a DAC code) the edge after the
    /// interlock was asserted.
    DarkUnderInterlock,
    /// The DAC code exceeded the maximum bias code.
    MaxBias { dac: u16, max: u16 },
    /// The DAC code rose by more than the slew in one cycle.
    Slew { from: u16, to: u16, slew: u16 },
    /// The lane lit again after going dark by itself at cycle `since`,
    /// with no LaneEnable write clearing its bit in between.
    DarkUntilReenabled { since: u64 },
}

/// One violation of a [`SafetyProperty`]: where and when.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct SafetyViolation {
    pub cycle: u64,
    pub lane: usize,
    #[serde(flatten)]
    pub property: SafetyProperty,
}

impl std::fmt::Display for SafetyViolation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (cycle, g) = (self.cycle, self.lane);
        match self.property {
            SafetyProperty::DarkUnderInterlock => {
                write!(
                    f,
                    "cycle {cycle}: laser {g} lit with the interlock asserted"
                )
            }
            SafetyProperty::MaxBias { dac, max } => {
                write!(
                    f,
                    "cycle {cycle}: laser {g} DAC {dac} above the maximum {max}"
                )
            }
            SafetyProperty::Slew { from, to, slew } => {
                write!(
                    f,
                    "cycle {cycle}: laser {g} DAC rose {from} -> {to} (slew {slew})"
                )
            }
            SafetyProperty::DarkUntilReenabled { since } => write!(
                f,
                "cycle {cycle}: laser {g} lit again after going dark at {since} with no disable"
            ),
        }
    }
}

/// Why a lane went dark by itself while enabled, as the bench saw it: the
/// condition of its laser (or the interlock pin) at that moment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DarkCause {
    Interlock,
    /// A degraded laser: the APC loop cannot reach its setpoint.
    Degraded,
    /// A shorted driver: the bias sense reads above the over-current trip.
    Shorted,
    /// An open bias sense: the ACC loop cannot reach its setpoint.
    OpenSense,
    /// None of the above.
    Unexplained,
}

/// What the bench saw happen to the lasers, counted on the reference
/// engine's drive (never taken from a schedule).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct LaserObservations {
    /// Cycles the interlock was asserted.
    pub interlock_cycles: u64,
    /// Interlock assertions that found some lane still ramping (its DAC
    /// rising at more than half the slew over the last microsecond).
    pub interlocks_during_ramp: u64,
    /// Interlock assertions that found lanes lit, none of them ramping.
    pub interlocks_during_on: u64,
    /// Interlock assertions while every lane was dark.
    pub interlocks_while_dark: u64,
    /// Times a lane went dark by itself (a latched fault or the interlock)
    /// while enabled; each then had to stay dark until re-enabled. Counted
    /// only with [`LaserBench::watching_lane_enable`].
    pub dark_until_reenabled: u64,
    /// Of those, by the laser's condition when the lane went dark: a
    /// degraded laser (APC loop fault), a shorted driver (over-current), an
    /// open bias sense (ACC loop fault), the interlock, or none of these.
    pub dark_on_degraded: u64,
    pub dark_on_short: u64,
    pub dark_on_open_sense: u64,
    pub dark_on_interlock: u64,
    pub dark_unexplained: u64,
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
    /// Safety properties checked on the reference engine's drive every
    /// cycle: the interlock darkens every lane by the next edge, the DAC
    /// code never exceeds the maximum bias, and never rises by more than
    /// the slew in one cycle (the first [`MAX_VIOLATIONS`] kept).
    pub violations: Vec<SafetyViolation>,
    /// What happened, counted.
    pub seen: LaserObservations,
    params: xpo_spec::laser::LaserParams,
    interlock_before: bool,
    last_dac: Vec<u16>,
    /// Cycles in a microsecond, and each lane's DAC code at the last two
    /// microsecond boundaries (to tell a ramp from a regulated lane).
    cycles_per_us: u64,
    dac_marks: Vec<[u16; 2]>,
    /// A DAC rise over a microsecond above this is a ramp.
    ramp_codes_per_us: u16,
    /// The "dark until re-enabled" watch, if enabled.
    watch: Option<EnableWatch>,
}

/// Violations kept per run: the first ones tell the story.
pub const MAX_VIOLATIONS: usize = 100;

/// What the "dark until re-enabled" property follows on the AXI pins: the
/// host's writes of LaneEnable (1Ah:220), from their presentation to their
/// response.
#[derive(Debug, Clone)]
struct EnableWatch {
    /// Per bank: the AXI word holding LaneEnable and its byte lane.
    words: Vec<(u32, u32)>,
    /// The write being presented: address, then data and strobes.
    aw: Option<u32>,
    w: Option<(u32, u8)>,
    /// A LaneEnable write in flight `(bank, value)`: presented, not yet
    /// answered.
    pending: Option<(usize, u8)>,
    bvalid_before: bool,
    /// Per bank, the LaneEnable value of the last answered write (reset 0).
    committed: Vec<u8>,
    /// Per lane: the last cycle a write clearing its bit was presented.
    cleared_at: Vec<Option<u64>>,
    lit: Vec<bool>,
    dark_since: Vec<Option<u64>>,
}

impl LaserBench {
    /// Lasers for `cfg`, ADC noise of 0.7 codes (σ), a conversion every
    /// 8 cycles, seeded per lane from `seed`.
    pub fn new(cfg: &EngineConfig, seed: u64) -> Self {
        let params = xpo_spec::laser::LaserParams::new(cfg);
        let cycles_per_us = cfg.cycles_for_ns(1_000).max(1);
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
            violations: Vec::new(),
            seen: LaserObservations::default(),
            params,
            interlock_before: false,
            last_dac: vec![0; cfg.laser_lanes],
            cycles_per_us,
            dac_marks: vec![[0; 2]; cfg.laser_lanes],
            ramp_codes_per_us: (params.slew_codes as u64 * cycles_per_us
                / params.update_cycles.max(1) as u64
                / 2)
            .max(4) as u16,
            watch: None,
        }
    }

    /// Adds `event` at `cycle`.
    pub fn at(mut self, cycle: u64, event: LaserEvent) -> Self {
        self.events.push((cycle, event));
        self.events.sort_by_key(|e| e.0);
        self
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
        let map = cfg.register_map();
        let f = map.field("LaneEnable").expect("LaneEnable in the map");
        let banks = cfg.laser_lanes.div_ceil(8) as u8;
        let words = (0..banks)
            .map(|b| {
                let addr = xpo_spec::regmap::linear_address(b, f.page, f.byte);
                (addr & !3, addr & 3)
            })
            .collect();
        let n = cfg.laser_lanes;
        self.watch = Some(EnableWatch {
            words,
            aw: None,
            w: None,
            pending: None,
            bvalid_before: false,
            committed: vec![0; banks as usize],
            cleared_at: vec![None; n],
            lit: vec![false; n],
            dark_since: vec![None; n],
        });
        self
    }

    /// The "dark until re-enabled" property: this cycle's AXI inputs, the
    /// drive after the previous edge.
    fn check_reenable(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &EngineInputs) {
        let Some(w) = self.watch.as_mut() else {
            return;
        };
        // A response (seen after the previous edge) ends the write in flight
        // before this cycle's inputs may present the next one.
        let bvalid = previous.mgmt.axi_bvalid;
        if bvalid && !w.bvalid_before {
            if let Some((bank, value)) = w.pending {
                if previous.mgmt.axi_bresp == xpo_host::mgmt::axi_slave::resp::OKAY {
                    w.committed[bank] = value;
                }
            }
            w.aw = None;
            w.w = None;
            w.pending = None;
        }
        w.bvalid_before = bvalid;
        let m = &inputs.mgmt;
        if m.axi_awvalid {
            w.aw = Some(m.axi_awaddr);
        }
        if m.axi_wvalid {
            w.w = Some((m.axi_wdata, m.axi_wstrb));
        }
        if let (Some(addr), Some((data, strb)), None) = (w.aw, w.w, w.pending) {
            let hit = w
                .words
                .iter()
                .position(|&(word, lane)| addr & !3 == word && strb >> lane & 1 == 1);
            if let Some(bank) = hit {
                let value = (data >> (8 * w.words[bank].1)) as u8;
                w.pending = Some((bank, value));
                for bit in 0..8 {
                    let g = 8 * bank + bit;
                    if g < w.cleared_at.len() && value >> bit & 1 == 0 {
                        w.cleared_at[g] = Some(cycle);
                    }
                }
            }
        }
        for (g, o) in previous.lasers.iter().enumerate() {
            let lit = o.driver_enable || o.bias_dac != 0;
            if let Some(since) = w.dark_since[g] {
                if w.cleared_at[g].is_some_and(|c| c >= since) {
                    w.dark_since[g] = None;
                } else if lit {
                    self.violations.push(SafetyViolation {
                        cycle,
                        lane: g,
                        property: SafetyProperty::DarkUntilReenabled { since },
                    });
                }
            }
            let enabled = w.committed[g / 8] >> (g % 8) & 1 == 1 && w.pending.is_none();
            if w.lit[g] && !lit && enabled && w.dark_since[g].is_none() {
                w.dark_since[g] = Some(cycle);
                let cause = if self.interlock_before {
                    DarkCause::Interlock
                } else {
                    let l = &self.lasers[g];
                    if l.short {
                        DarkCause::Shorted
                    } else if l.bias_sense_open {
                        DarkCause::OpenSense
                    } else if l.health < 1.0 {
                        DarkCause::Degraded
                    } else {
                        DarkCause::Unexplained
                    }
                };
                let s = &mut self.seen;
                s.dark_until_reenabled += 1;
                *match cause {
                    DarkCause::Interlock => &mut s.dark_on_interlock,
                    DarkCause::Degraded => &mut s.dark_on_degraded,
                    DarkCause::Shorted => &mut s.dark_on_short,
                    DarkCause::OpenSense => &mut s.dark_on_open_sense,
                    DarkCause::Unexplained => &mut s.dark_unexplained,
                } += 1;
            }
            w.lit[g] = lit;
        }
    }

    /// Classifies an interlock assertion by what it found: a lane still
    /// ramping, lanes lit and regulated, or all dark.
    fn count_interlock(&mut self, previous: &EngineOutputs) {
        let mut lit = false;
        let mut ramping = false;
        for (g, o) in previous.lasers.iter().enumerate() {
            lit |= o.driver_enable || o.bias_dac != 0;
            ramping |= o.bias_dac > self.dac_marks[g][0].saturating_add(self.ramp_codes_per_us);
        }
        let s = &mut self.seen;
        *if ramping {
            &mut s.interlocks_during_ramp
        } else if lit {
            &mut s.interlocks_during_on
        } else {
            &mut s.interlocks_while_dark
        } += 1;
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
        let p = self.params;
        for (g, o) in previous.lasers.iter().enumerate() {
            let mut violated = |property| {
                self.violations.push(SafetyViolation {
                    cycle,
                    lane: g,
                    property,
                })
            };
            if self.interlock_before && (o.bias_dac != 0 || o.driver_enable) {
                violated(SafetyProperty::DarkUnderInterlock);
            }
            if o.bias_dac > p.max_code {
                violated(SafetyProperty::MaxBias {
                    dac: o.bias_dac,
                    max: p.max_code,
                });
            }
            if o.bias_dac > self.last_dac[g].saturating_add(p.slew_codes) {
                violated(SafetyProperty::Slew {
                    from: self.last_dac[g],
                    to: o.bias_dac,
                    slew: p.slew_codes,
                });
            }
            self.last_dac[g] = o.bias_dac;
        }
        self.check_reenable(cycle, previous, inputs);
        self.violations.truncate(MAX_VIOLATIONS);
        if self.interlock && !self.interlock_before {
            self.count_interlock(previous);
        }
        if cycle.is_multiple_of(self.cycles_per_us) {
            for (m, o) in self.dac_marks.iter_mut().zip(&previous.lasers) {
                *m = [m[1], o.bias_dac];
            }
        }
        inputs.mgmt.interlock = self.interlock;
        let m = self.module.step();
        inputs.mgmt.temperature_adc = m.temperature_adc;
        inputs.mgmt.temperature_adc_valid = m.temperature_adc_valid;
        inputs.mgmt.vcc_adc = m.vcc_adc;
        inputs.mgmt.vcc_adc_valid = m.vcc_adc_valid;
        self.interlock_before = self.interlock;
        self.seen.interlock_cycles += self.interlock as u64;
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
/// at 10 µs, the fibers confirmed at 300 µs; then the interlock pulses at
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
        .at(us(505), LaserEvent::Interlock(false))
        .watching_lane_enable(cfg);
    (script, bench)
}

/// What a [`fault_campaign`] plans: its schedule, not its outcome (the
/// bench counts that: [`LaserObservations`]).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct CampaignPlan {
    /// Rounds of `round_us` each, started and run to their end (the faults
    /// of a round cut short by the run's end may not have happened yet).
    pub rounds: u64,
    pub complete_rounds: u64,
    pub round_us: u64,
    /// Per round, the lanes to be provoked into faults 1 (APC loop: a
    /// degraded laser), 9 (over-current: a shorted driver) and 2 (ACC
    /// loop: an open bias sense).
    pub fault_lanes: Vec<[usize; 3]>,
}

/// A long laser scenario for soak runs (`xpo run --lasers campaign`):
/// rounds of 1.8 ms, each a complete bring-up with seeded variations, that
/// end with one lane in each fault.
///
/// Every round: the host disables all lanes and the world is healed (new
/// laser and module temperatures and supply voltage, drawn per round); APC
/// with random power and bias setpoints and bias/power high-warning
/// thresholds inside the operating range, a random subset of fibers already
/// confirmed, the masks restored to the factory defaults and the controls
/// saved (save/restore), all lanes enabled at +10 µs, fibers confirmed at
/// +300 µs. The
/// interlock pulses for 2..10 µs at +310 µs (lanes ramping) in even rounds
/// and at +520 µs (lanes on) in odd ones; the host disables and re-enables
/// every lane 15 and 20 µs later. Then three distinct random lanes are
/// provoked: a laser degraded 25 µs after the pulse (APC loop failure,
/// code 1, 500 µs into its new ramp), a driver shorting at +1100 µs
/// (over-current, 9), and, after the switch to ACC at +1150 µs, an open
/// bias sense at +1170 µs (ACC loop failure, 2, by +1670 µs). With fewer
/// than 3 laser lanes the faults share lanes.
pub fn fault_campaign(
    cfg: &EngineConfig,
    seed: u64,
    cycles: u64,
) -> (Vec<(u64, xpo_host::mgmt::AxiOp)>, LaserBench, CampaignPlan) {
    use rand::{Rng, SeedableRng};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0xca3a_1a5e);
    let map = cfg.register_map();
    let us = |t: u64| cfg.cycles_for_ns(t * 1_000);
    const ROUND_US: u64 = 1_800;
    let rounds = cycles.div_ceil(us(ROUND_US).max(1)).max(1);
    let n = cfg.laser_lanes;
    let banks = n.div_ceil(8) as u8;
    let all = |bank: u8| -> u64 {
        let k = (n - 8 * bank as usize).min(8);
        (1u64 << k) - 1
    };
    let mut script = Vec::new();
    let mut bench = LaserBench::new(cfg, seed).watching_lane_enable(cfg);
    let mut plan = CampaignPlan {
        rounds,
        complete_rounds: cycles / us(ROUND_US).max(1),
        round_us: ROUND_US,
        ..Default::default()
    };
    for r in 0..rounds {
        let t0 = r * ROUND_US;
        let mut at = |t: u64, ops: Vec<xpo_host::mgmt::AxiOp>| {
            for op in ops {
                script.push((us(t0 + t), op));
            }
        };
        for bank in 0..banks {
            at(0, field_writes(&map, "LaneEnable", bank, 0, 0));
            at(1, field_writes(&map, "LaserControlMode", bank, 0, 1));
            let checked = rng.gen_range(0..=all(bank));
            at(
                2,
                field_writes(&map, "OutputFiberChecked", bank, 0, checked),
            );
            // Thresholds inside the range the lanes run in, so some cross
            // them while on and latch 1Ah:186..193.
            let power_hw = rng.gen_range(6_000..=9_500);
            let bias_hw = rng.gen_range(1_800..=3_200);
            at(
                2,
                field_writes(&map, "LaserPowerHighWarning", bank, 0, power_hw),
            );
            at(
                2,
                field_writes(&map, "LaserBiasHighWarning", bank, 0, bias_hw),
            );
            // Save/restore in the soak: masks back to the factory defaults,
            // then this round's controls saved to set 1 or 2.
            at(6, field_writes(&map, "SaveRestoreCommand", bank, 0, 0x20));
            let save = if r % 2 == 0 { 0x18 } else { 0x19 };
            at(7, field_writes(&map, "SaveRestoreCommand", bank, 0, save));
        }
        for g in 0..n {
            let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
            let power = rng.gen_range(4_000..=9_000);
            let bias = rng.gen_range(2_000..=3_000);
            at(3, field_writes(&map, "PowerSetpoint", bank, k, power));
            at(4, field_writes(&map, "BiasSetpoint", bank, k, bias));
        }
        let mut lanes: Vec<usize> = (0..n).collect();
        for i in 0..lanes.len().min(3) {
            let j = rng.gen_range(i..lanes.len());
            lanes.swap(i, j);
        }
        let pick = |i: usize| lanes[i % lanes.len()];
        let [apc, short, open] = [pick(0), pick(1), pick(2)];
        plan.fault_lanes.push([apc, short, open]);
        let pulse = rng.gen_range(2..=10);
        let hit = if r % 2 == 0 { 310 } else { 520 };
        for bank in 0..banks {
            at(10, field_writes(&map, "LaneEnable", bank, 0, all(bank)));
            at(
                300,
                field_writes(&map, "OutputFiberChecked", bank, 0, all(bank)),
            );
            at(hit + 15, field_writes(&map, "LaneEnable", bank, 0, 0));
            at(
                hit + 20,
                field_writes(&map, "LaneEnable", bank, 0, all(bank)),
            );
            at(1_150, field_writes(&map, "LaserControlMode", bank, 0, 0));
        }
        let ev = |t: u64| us(t0 + t);
        bench = bench
            .at(ev(0), LaserEvent::Temperature(rng.gen_range(20.0..45.0)))
            .at(
                ev(0),
                LaserEvent::ModuleTemperature(rng.gen_range(15.0..80.0)),
            )
            .at(ev(0), LaserEvent::Supply(rng.gen_range(3.0..3.6)));
        for g in 0..n {
            bench = bench
                .at(
                    ev(0),
                    LaserEvent::Health {
                        lane: g,
                        health: 1.0,
                    },
                )
                .at(
                    ev(0),
                    LaserEvent::Short {
                        lane: g,
                        shorted: false,
                    },
                )
                .at(
                    ev(0),
                    LaserEvent::OpenBiasSense {
                        lane: g,
                        open: false,
                    },
                );
        }
        bench = bench
            .at(
                ev(hit + 25),
                LaserEvent::Health {
                    lane: apc,
                    health: 0.2,
                },
            )
            .at(
                ev(1_100),
                LaserEvent::Short {
                    lane: short,
                    shorted: true,
                },
            )
            .at(
                ev(1_170),
                LaserEvent::OpenBiasSense {
                    lane: open,
                    open: true,
                },
            )
            .at(ev(hit), LaserEvent::Interlock(true))
            .at(ev(hit + pulse), LaserEvent::Interlock(false));
    }
    (script, bench, plan)
}
