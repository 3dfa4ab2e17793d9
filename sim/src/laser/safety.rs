//! The laser safety properties, checked every cycle on the reference
//! engine's drive, and what happened to the lasers, counted there: the
//! checks of the laser bench, apart from its stimulus (`super`).

use xpo_host::laser_physics::LaserPhysics;
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

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

/// The safety checks and the counts, fed each cycle by the laser bench.
#[derive(Debug, Clone)]
pub struct SafetyMonitor {
    /// Violations of the properties, in order (the first
    /// [`MAX_VIOLATIONS`] kept): the interlock darkens every lane by the
    /// next edge, the DAC code never exceeds the maximum bias, never rises
    /// by more than the slew in one cycle, and (with
    /// [`SafetyMonitor::watching_lane_enable`]) a lane that went dark by
    /// itself stays dark until the host clears its LaneEnable bit.
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

impl SafetyMonitor {
    pub fn new(cfg: &EngineConfig) -> Self {
        let params = xpo_spec::laser::LaserParams::new(cfg);
        let cycles_per_us = cfg.cycles_for_ns(1_000).max(1);
        Self {
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

    /// Also checks "dark until re-enabled" (see
    /// `super::LaserBench::watching_lane_enable`), following the host's
    /// LaneEnable writes on the AXI pins.
    pub fn watching_lane_enable(&mut self, cfg: &EngineConfig) {
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
    }

    /// One cycle: the drive after the previous edge (`previous`) against
    /// the properties, this cycle's bus inputs for the LaneEnable watch,
    /// and `interlock`, the pin this cycle drives.
    pub fn check(
        &mut self,
        cycle: u64,
        previous: &EngineOutputs,
        inputs: &EngineInputs,
        interlock: bool,
        lasers: &[LaserPhysics],
    ) {
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
        self.check_reenable(cycle, previous, inputs, lasers);
        self.violations.truncate(MAX_VIOLATIONS);
        if interlock && !self.interlock_before {
            self.count_interlock(previous);
        }
        if cycle.is_multiple_of(self.cycles_per_us) {
            for (m, o) in self.dac_marks.iter_mut().zip(&previous.lasers) {
                *m = [m[1], o.bias_dac];
            }
        }
        self.interlock_before = interlock;
        self.seen.interlock_cycles += interlock as u64;
    }

    /// The "dark until re-enabled" property: this cycle's AXI inputs, the
    /// drive after the previous edge; `lasers` tell why a lane went dark.
    fn check_reenable(
        &mut self,
        cycle: u64,
        previous: &EngineOutputs,
        inputs: &EngineInputs,
        lasers: &[LaserPhysics],
    ) {
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
                    let l = &lasers[g];
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
}
