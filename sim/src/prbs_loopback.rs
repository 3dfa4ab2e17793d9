//! The built-in PRBS loopback stimulus.
//!
//! [`PrbsScenario`] is the PRBS loopback: each lane's media-side generator
//! feeds its media-side checker through a [`BitErrorChannel`] and a
//! [`Gearbox`], so every word the checker sees went through the line
//! model. The scenario controls the pattern units the way a host does:
//! AXI4-Lite writes to page 13h (pattern nibbles and inverts first, then
//! the enables; a counter reset is 13h:177 bit 5, which clears every
//! checker of the bank). Once the bus has been quiet for
//! [`SETTLE_CYCLES`] and a lane's checker is locked, the scenario takes
//! that lane's *baseline*: the checker's counts as they stand and the
//! channel's tally of the errors in the words those counts cover. From
//! then on `errors_counted` (counts minus baseline) must equal
//! `errors_injected` exactly. Scheduled [`Event`]s (reset pulses, enables,
//! pattern changes, counter resets) let tests disturb the run; an event
//! that touches a checker (its enable or pattern, a counter reset of its
//! bank, a reset) drops its baseline until it is locked again.

use crate::lockstep::Stimulus;
use crate::SimError;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, VecDeque};
use xpo_host::mgmt::{AxiMaster, AxiOp, AxiPacing};
use xpo_host::{BitErrorChannel, Gearbox};
use xpo_spec::prbs::{PrbsPattern, CHECKER_DECISION_LATENCY};
use xpo_spec::regmap::{linear_address, RegisterMap};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

/// Cycles the AXI bus must have been idle before a baseline is taken: a
/// write's effect (a 13h control, the counter-reset pulse) reaches the
/// checkers' counts within a few cycles of its response.
pub const SETTLE_CYCLES: u64 = 8;

/// With the writes on another master's bus ([`PrbsScenario::script`]),
/// whose latency the scenario cannot see: cycles after an event's writes
/// were scheduled before a baseline may be taken (the bus takes tens of
/// cycles a write, even behind other traffic).
pub const EXTERNAL_SETTLE_CYCLES: u64 = 2_000;

/// What one lane does in a PRBS scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LanePlan {
    /// Generator pattern ID (CMIS).
    pub pattern: u8,
    pub invert: bool,
    /// Checker pattern ID; `None`: the same as the generator.
    pub checker_pattern: Option<u8>,
    /// Checker inversion; `None`: the same as the generator.
    pub checker_invert: Option<bool>,
    /// Bit-error ratio of the line.
    pub ber: f64,
    /// Fraction of cycles the serializer takes no word.
    pub gap: f64,
}

impl LanePlan {
    fn new(pattern: PrbsPattern, invert: bool, ber: f64, gap: f64) -> Self {
        Self {
            pattern: pattern.0,
            invert,
            checker_pattern: None,
            checker_invert: None,
            ber,
            gap,
        }
    }
}

/// A disturbance at a given cycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Event {
    /// Pulse the engine's synchronous reset.
    Reset,
    GeneratorEnable {
        lane: usize,
        on: bool,
    },
    CheckerEnable {
        lane: usize,
        on: bool,
    },
    GeneratorPattern {
        lane: usize,
        pattern: u8,
        invert: bool,
    },
    CheckerPattern {
        lane: usize,
        pattern: u8,
        invert: bool,
    },
    /// 13h:177 bit 5: clears every checker of `lane`'s bank.
    CounterReset {
        lane: usize,
    },
}

/// A whole PRBS scenario.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PrbsPlan {
    pub lanes: Vec<LanePlan>,
    pub seed: u64,
    /// `(cycle, event)`, any order.
    pub events: Vec<(u64, Event)>,
}

impl PrbsPlan {
    /// The default run: the media side's advertised patterns
    /// (`prbs.media_patterns`) in turn over the lanes, at bit-error ratios
    /// from 1e-3 to 1e-6, lanes 1 and 6 inverted (clause 49 sends PRBS31
    /// inverted), lanes 2 and 5 with a 64:66 gearbox's gaps, lane 3 on a
    /// clean line. Wider configurations repeat the conditions.
    pub fn default_for(cfg: &EngineConfig, seed: u64) -> Self {
        let gap = 1.0 / 33.0; // a 64:66 gearbox's idle share
        let conditions = [
            (false, 1e-4, 0.0),
            (true, 1e-5, 0.0),
            (false, 1e-3, gap),
            (false, 0.0, 0.0),
            (false, 1e-4, 0.0),
            (false, 1e-4, gap),
            (true, 1e-6, 0.0),
            (false, 1e-4, 0.0),
        ];
        let patterns: Vec<PrbsPattern> = cfg.prbs.media_patterns.iter().collect();
        Self {
            lanes: (0..cfg.lanes)
                .map(|i| {
                    let (invert, ber, gap) = conditions[i % conditions.len()];
                    // A validated configuration advertises at least one.
                    let pattern = patterns.get(i % patterns.len().max(1));
                    LanePlan::new(*pattern.unwrap_or(&PrbsPattern::PRBS31), invert, ber, gap)
                })
                .collect(),
            seed,
            events: Vec::new(),
        }
    }
}

#[derive(Debug, Clone)]
struct PrbsLaneState {
    gen_enable: bool,
    chk_enable: bool,
    gen_pattern: u8,
    gen_invert: bool,
    chk_pattern: u8,
    chk_invert: bool,
    /// The baseline, once taken: the checker's error and bit counts and
    /// the channel's tally of the errors they cover.
    baseline: Option<Baseline>,
    channel: BitErrorChannel,
    /// Errors injected on each of the last `CHECKER_DECISION_LATENCY`
    /// cycles, oldest first: in flight in the checker, not yet counted.
    in_flight: VecDeque<u64>,
    gearbox: Gearbox,
}

#[derive(Debug, Clone, Copy)]
struct Baseline {
    errors: u64,
    bits: u64,
    injected: u64,
}

/// Per-lane outcome of a PRBS run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct LaneReport {
    pub lane: usize,
    pub pattern: String,
    pub bits_checked: u64,
    pub errors_injected: u64,
    pub errors_counted: u64,
    pub locked: bool,
    pub ber_configured: f64,
    pub ber_measured: f64,
}

/// The PRBS loopback stimulus. It drives the AXI pins itself, unless its
/// writes were taken with [`PrbsScenario::script`] for the stimulus that
/// owns the bus: two stimuli cannot share the AXI pins (the later one's
/// inputs win, and the other's writes are silently lost).
#[derive(Debug, Clone)]
pub struct PrbsScenario {
    plan: PrbsPlan,
    lanes: Vec<PrbsLaneState>,
    events: Vec<(u64, Event)>,
    next_event: usize,
    map: RegisterMap,
    axi: AxiMaster,
    /// Cycles the AXI master has been idle.
    quiet: u64,
    /// The writes go out on another master ([`Self::script`]): they are
    /// collected in `outbox` (and dropped while running), and a baseline
    /// waits [`EXTERNAL_SETTLE_CYCLES`] after the last write's cycle.
    external: bool,
    outbox: Vec<(u64, AxiOp)>,
    /// The cycle writes are being queued for, and the last one that had
    /// any.
    now: u64,
    last_write: Option<u64>,
}

impl PrbsScenario {
    /// Checks the plan against the lane count and builds the line models.
    pub fn new(plan: PrbsPlan, lanes: usize) -> Result<Self, SimError> {
        if plan.lanes.len() != lanes {
            return Err(SimError::Scenario(format!(
                "plan has {} lanes but the engine has {lanes}",
                plan.lanes.len()
            )));
        }
        let mut states = Vec::new();
        for (i, l) in plan.lanes.iter().enumerate() {
            let seed = plan.seed ^ (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let channel = BitErrorChannel::new(l.ber, seed)
                .map_err(|e| SimError::Scenario(format!("lane {i}: {e}")))?;
            let gearbox = Gearbox::new(l.gap, seed.rotate_left(17))
                .map_err(|e| SimError::Scenario(format!("lane {i}: {e}")))?;
            for (what, id) in [
                ("pattern", Some(l.pattern)),
                ("checker_pattern", l.checker_pattern),
            ] {
                if let Some(id) = id.filter(|&id| id > 15) {
                    return Err(SimError::Scenario(format!(
                        "lane {i}: {what} {id} is not a 4-bit CMIS pattern ID"
                    )));
                }
            }
            states.push(PrbsLaneState {
                gen_enable: true,
                chk_enable: true,
                gen_pattern: l.pattern,
                gen_invert: l.invert,
                chk_pattern: l.checker_pattern.unwrap_or(l.pattern),
                chk_invert: l.checker_invert.unwrap_or(l.invert),
                baseline: None,
                channel,
                in_flight: VecDeque::from(vec![0; CHECKER_DECISION_LATENCY]),
                gearbox,
            });
        }
        let mut events = plan.events.clone();
        for (c, e) in &events {
            let lane = match *e {
                Event::Reset => None,
                Event::GeneratorEnable { lane, .. }
                | Event::CheckerEnable { lane, .. }
                | Event::GeneratorPattern { lane, .. }
                | Event::CheckerPattern { lane, .. }
                | Event::CounterReset { lane } => Some(lane),
            };
            if lane.is_some_and(|l| l >= lanes) {
                return Err(SimError::Scenario(format!(
                    "event at cycle {c} names lane {} of {lanes}",
                    lane.unwrap()
                )));
            }
        }
        events.sort_by_key(|(c, _)| *c);
        let map = EngineConfig {
            lanes,
            ..Default::default()
        }
        .register_map();
        let seed = plan.seed;
        Ok(Self {
            plan,
            lanes: states,
            events,
            next_event: 0,
            map,
            axi: AxiMaster::new(seed, AxiPacing::EAGER),
            quiet: 0,
            external: false,
            outbox: Vec::new(),
            now: 0,
            last_write: None,
        })
    }

    /// The scenario's 13h writes for another AXI master to send (`xpo run`
    /// shares one bus between the laser host, random traffic and this):
    /// the setup at cycle 1, each event's writes at its cycle, the setup
    /// again after each reset. The scenario then drives no bus itself.
    pub fn script(&mut self) -> Vec<(u64, AxiOp)> {
        self.external = true;
        let mut dry = self.clone();
        dry.outbox.clear();
        dry.now = 1;
        dry.write_setup();
        for &(c, e) in &self.events {
            dry.now = c;
            let mut reset = false;
            dry.apply(e, &mut reset);
            if reset {
                dry.now = c + 1;
                dry.write_setup();
            }
        }
        dry.outbox
    }

    fn push(&mut self, op: AxiOp) {
        self.last_write = Some(self.now);
        if self.external {
            self.outbox.push((self.now, op));
        } else {
            self.axi.push(op);
        }
    }

    /// An event's effect on the lanes' state and the writes it takes.
    fn apply(&mut self, e: Event, reset: &mut bool) {
        match e {
            Event::Reset => *reset = true,
            Event::GeneratorEnable { lane, on } => {
                self.lanes[lane].gen_enable = on;
                self.write_13h(lane / 8, &["MediaGenEnable"]);
            }
            Event::CheckerEnable { lane, on } => {
                self.lanes[lane].chk_enable = on;
                self.lanes[lane].baseline = None;
                self.write_13h(lane / 8, &["MediaCheckerEnable"]);
            }
            Event::GeneratorPattern {
                lane,
                pattern,
                invert,
            } => {
                self.lanes[lane].gen_pattern = pattern;
                self.lanes[lane].gen_invert = invert;
                self.write_13h(lane / 8, &["MediaGenInvert", "MediaGenPatternSelect"]);
            }
            Event::CheckerPattern {
                lane,
                pattern,
                invert,
            } => {
                self.lanes[lane].chk_pattern = pattern;
                self.lanes[lane].chk_invert = invert;
                self.lanes[lane].baseline = None;
                self.write_13h(
                    lane / 8,
                    &["MediaCheckerInvert", "MediaCheckerPatternSelect"],
                );
            }
            Event::CounterReset { lane } => {
                let bank = lane / 8;
                for s in self.lanes.iter_mut().skip(bank * 8).take(8) {
                    s.baseline = None;
                }
                self.write_counter_reset(bank);
            }
        }
    }

    /// Queues the writes that set `fields` of page 13h for every lane of
    /// `bank` from the lanes' state, one AXI write a 32-bit word (byte
    /// strobes for the bytes the fields touch).
    fn write_13h(&mut self, bank: usize, fields: &[&str]) {
        let mut bytes: BTreeMap<u8, (u8, u8)> = BTreeMap::new(); // byte -> (value, mask)
        for name in fields {
            let f = self
                .map
                .field(name)
                .unwrap_or_else(|| panic!("{name} is in the register map"));
            for k in 0..8usize {
                let Some(s) = self.lanes.get(bank * 8 + k) else {
                    break;
                };
                let v: u8 = match *name {
                    "MediaGenEnable" => s.gen_enable as u8,
                    "MediaGenInvert" => s.gen_invert as u8,
                    "MediaGenPatternSelect" => s.gen_pattern,
                    "MediaCheckerEnable" => s.chk_enable as u8,
                    "MediaCheckerInvert" => s.chk_invert as u8,
                    "MediaCheckerPatternSelect" => s.chk_pattern,
                    _ => unreachable!("{name}"),
                };
                // A lane bitmap is one byte, bit k; a per-lane field is
                // instance k.
                let (byte, lsb, width) = if f.count == 1 {
                    (f.byte, k as u8, 1)
                } else {
                    let l = f.instance(k as u8);
                    (l.byte, l.lsb, l.width)
                };
                let mask = (((1u16 << width) - 1) << lsb) as u8;
                let e = bytes.entry(byte).or_default();
                e.0 = (e.0 & !mask) | ((v << lsb) & mask);
                e.1 |= mask;
            }
        }
        let mut words: BTreeMap<u32, (u32, u8)> = BTreeMap::new();
        for (byte, (v, _)) in bytes {
            let a = linear_address(bank as u8, 0x13, byte);
            let w = words.entry(a & !3).or_default();
            w.0 |= u32::from(v) << (8 * (a & 3));
            w.1 |= 1 << (a & 3);
        }
        for (addr, (data, strb)) in words {
            self.push(AxiOp::Write { addr, data, strb });
        }
    }

    /// The setup after a reset: patterns and inverts, then enables. (A
    /// checker cannot lock before its enable, the setup's last write for
    /// it, has landed, so the setup needs no settling time.)
    fn write_setup(&mut self) {
        let last = self.last_write;
        for bank in 0..self.lanes.len().div_ceil(8) {
            self.write_13h(
                bank,
                &[
                    "MediaGenInvert",
                    "MediaGenPatternSelect",
                    "MediaCheckerInvert",
                    "MediaCheckerPatternSelect",
                ],
            );
            self.write_13h(bank, &["MediaGenEnable", "MediaCheckerEnable"]);
        }
        self.last_write = last;
    }

    /// 13h:177 bit 5 for `bank` (MeasurementRun, bit 7, stays set).
    fn write_counter_reset(&mut self, bank: usize) {
        let f = |n: &str| {
            self.map
                .field(n)
                .unwrap_or_else(|| panic!("{n} is in the register map"))
                .instance(0)
        };
        let (reset, run) = (f("ResetErrorCounters"), f("MeasurementRun"));
        let a = linear_address(bank as u8, 0x13, reset.byte);
        let v = reset.mask() | run.mask();
        self.push(AxiOp::Write {
            addr: a & !3,
            data: u32::from(v) << (8 * (a & 3)),
            strb: 1 << (a & 3),
        });
    }

    pub fn plan(&self) -> &PrbsPlan {
        &self.plan
    }

    /// Outcome per lane, given the reference engine's final outputs.
    pub fn report(&self, last: &EngineOutputs) -> Vec<LaneReport> {
        self.lanes
            .iter()
            .zip(&last.lanes)
            .zip(&self.plan.lanes)
            .enumerate()
            .map(|(lane, ((s, o), p))| {
                let (bits, counted, injected) = match s.baseline {
                    Some(b) => (
                        o.media_chk_bit_count.saturating_sub(b.bits),
                        o.media_chk_error_count.saturating_sub(b.errors),
                        s.channel
                            .injected()
                            .saturating_sub(s.in_flight.iter().sum())
                            .saturating_sub(b.injected),
                    ),
                    None => (0, 0, 0),
                };
                LaneReport {
                    lane,
                    pattern: format!(
                        "{}{}",
                        PrbsPattern(s.gen_pattern),
                        if s.gen_invert { " inverted" } else { "" }
                    ),
                    bits_checked: bits,
                    errors_injected: injected,
                    errors_counted: counted,
                    locked: o.media_chk_locked,
                    ber_configured: p.ber,
                    ber_measured: if bits == 0 {
                        0.0
                    } else {
                        counted as f64 / bits as f64
                    },
                }
            })
            .collect()
    }
}

impl Stimulus for PrbsScenario {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        inputs.reset = cycle == 0;
        while let Some(&(c, e)) = self.events.get(self.next_event) {
            if c > cycle {
                break;
            }
            self.next_event += 1;
            if c < cycle {
                continue;
            }
            self.now = cycle;
            self.apply(e, &mut inputs.reset);
        }
        if inputs.reset {
            // The register block resets with the engine: whatever was on
            // the bus is lost, and 13h is written again after the reset.
            self.axi.abandon();
            self.quiet = 0;
            for s in &mut self.lanes {
                s.baseline = None;
            }
        } else if cycle == 1 || (cycle > 0 && self.next_event > 0 && self.reset_at(cycle - 1)) {
            self.now = cycle;
            self.write_setup();
        }
        // Writes sent by another master are in its script already.
        self.outbox.clear();
        // (The lanes reset one edge after the engine: `quiet` restarts at
        // a reset, so stale outputs are never a baseline.)
        let settled = !inputs.reset
            && if self.external {
                self.last_write
                    .is_none_or(|w| cycle >= w + EXTERNAL_SETTLE_CYCLES)
            } else {
                self.quiet >= SETTLE_CYCLES && self.axi.idle()
            };
        for (s, (inp, out)) in self
            .lanes
            .iter_mut()
            .zip(inputs.lanes.iter_mut().zip(&previous.lanes))
        {
            if settled && s.baseline.is_none() && out.media_chk_locked {
                // `previous` holds the decisions on every word before the
                // ones still in flight.
                s.baseline = Some(Baseline {
                    errors: out.media_chk_error_count,
                    bits: out.media_chk_bit_count,
                    injected: s.channel.injected() - s.in_flight.iter().sum::<u64>(),
                });
            }
            inp.tx_ready = s.gearbox.ready();
            // Loopback through the line: last cycle's transmit word arrives now.
            inp.rx_valid = out.tx_valid && !inputs.reset;
            let before = s.channel.injected();
            if inp.rx_valid {
                inp.rx_data = s.channel.transmit(out.tx_data);
            }
            s.in_flight.pop_front();
            s.in_flight.push_back(s.channel.injected() - before);
        }
        if !inputs.reset && !self.external {
            self.axi.drive(&previous.mgmt, &mut inputs.mgmt);
            self.axi.take_done();
        }
        self.quiet = if self.axi.idle() { self.quiet + 1 } else { 0 };
    }
}

impl PrbsScenario {
    /// Whether the plan pulses the reset at `cycle`.
    fn reset_at(&self, cycle: u64) -> bool {
        self.events
            .iter()
            .any(|&(c, e)| c == cycle && e == Event::Reset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_plans_are_refused_with_lane() {
        let cfg = EngineConfig {
            lanes: 2,
            ..EngineConfig::default()
        };
        let mut p = PrbsPlan::default_for(&cfg, 1);
        assert!(PrbsScenario::new(p.clone(), 3)
            .unwrap_err()
            .to_string()
            .contains("2 lanes"));
        p.lanes[1].ber = 2.0;
        let e = PrbsScenario::new(p.clone(), 2).unwrap_err().to_string();
        assert!(e.contains("lane 1") && e.contains('2'), "{e}");
        p.lanes[1].ber = 0.0;
        p.lanes[0].pattern = 16;
        assert!(PrbsScenario::new(p.clone(), 2)
            .unwrap_err()
            .to_string()
            .contains("lane 0"));
        p.lanes[0].pattern = 1;
        p.events.push((5, Event::CounterReset { lane: 2 }));
        assert!(PrbsScenario::new(p, 2)
            .unwrap_err()
            .to_string()
            .contains("lane 2"));
    }

    /// The writes for another master: page 13h of the lane's bank as
    /// CMIS lays it out (typed here from the CMIS table: MediaGenEnable
    /// 152, MediaGenPatternSelect 156..159 with lane 1 in bits 3:0,
    /// MediaCheckerEnable 168, ResetErrorCounters 177 bit 5), the setup
    /// at cycle 1 and again after a reset, an event's at its cycle.
    #[test]
    fn the_script_writes_page_13h_as_cmis_lays_it_out() {
        let mut p = PrbsPlan::default_for(
            &EngineConfig {
                lanes: 10,
                ..EngineConfig::default()
            },
            1,
        );
        p.events = vec![
            (500, Event::GeneratorEnable { lane: 9, on: false }),
            (600, Event::Reset),
            (700, Event::CounterReset { lane: 0 }),
        ];
        let script = PrbsScenario::new(p, 10).unwrap().script();
        // The optoe linear layout: (bank * 256 + page) * 128 + byte.
        let page13 = |bank: u32, byte: u32| (bank * 256 + 0x13) * 128 + byte;
        let at = |cycle: u64| -> Vec<(u32, u32, u8)> {
            script
                .iter()
                .filter(|(c, _)| *c == cycle)
                .map(|(_, op)| match *op {
                    AxiOp::Write { addr, data, strb } => (addr, data, strb),
                    AxiOp::Read { .. } => panic!("a read"),
                })
                .collect()
        };
        let setup = at(1);
        // Both banks; the enables (bank 1: lanes 9 and 10 only) last.
        // The write whose strobes include `byte`.
        let writes = |bank, byte: u32| -> Vec<usize> {
            (0..setup.len())
                .filter(|&i| {
                    setup[i].0 == page13(bank, byte & !3) && setup[i].2 & 1 << (byte & 3) != 0
                })
                .collect()
        };
        let gen_enable = |bank| *writes(bank, 152).first().expect("MediaGenEnable written");
        // Patterns and inverts go before the enables.
        assert!(writes(0, 153)[0] < gen_enable(0) && writes(0, 156)[0] < gen_enable(0));
        assert!(writes(0, 172)[0] < writes(0, 168)[0]);
        let w = setup[gen_enable(1)];
        assert_eq!((w.1 & 0xFF, w.2), (0b11, 0b0001), "{w:x?}");
        assert_eq!(setup[gen_enable(0)].1 & 0xFF, 0xFF);
        // Lane 1 of bank 0 sends PRBS31Q (ID 0), lane 2 PRBS31 (ID 1), the
        // first two advertised patterns: 0x10.
        let nib = setup
            .iter()
            .find(|&&(a, _, _)| a == page13(0, 156))
            .expect("MediaGenPatternSelect written");
        assert_eq!(nib.1 & 0xFF, 0x10);
        assert_eq!(nib.2, 0xF, "four bytes of nibbles in one word");
        assert_eq!(
            setup[writes(0, 168)[0]].1 & 0xFF,
            0xFF,
            "MediaCheckerEnable"
        );
        // Lane 10 off: bank 1 byte 152 bit 1 clear, bit 0 kept.
        assert_eq!(at(500), vec![(page13(1, 152), 0b01, 0b0001)]);
        assert_eq!(
            at(601).len(),
            setup.len(),
            "the setup again after the reset"
        );
        // 13h:177: bit 5 (reset) with bit 7 (MeasurementRun) kept set.
        assert_eq!(at(700), vec![(page13(0, 176), 0xA0 << 8, 0b0010)]);
    }
}
