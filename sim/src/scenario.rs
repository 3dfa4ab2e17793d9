//! Built-in scenarios.
//!
//! [`PrbsScenario`] is the PRBS loopback: each lane's generator feeds its own
//! checker through a [`BitErrorChannel`] and a [`Gearbox`], so every word the
//! checker sees went through the line model. When a lane's checker first
//! locks, the scenario clears the checker's counters and the channel's tally
//! on the same word, so afterwards `errors_counted` must equal
//! `errors_injected` exactly. Scheduled [`Event`]s (reset pulses, enables,
//! pattern changes, counter resets) let tests disturb the run.

use crate::lockstep::Stimulus;
use crate::SimError;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use xpo_host::{BitErrorChannel, Gearbox};
use xpo_spec::prbs::{PrbsPattern, CHECKER_DECISION_LATENCY};
use xpo_spec::{EngineInputs, EngineOutputs};

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
    /// The default run: PRBS31 on lanes 0..3 (lane 1 inverted, as clause 49
    /// sends it; lane 2 with gearbox gaps; lane 3 on a clean line), PRBS23,
    /// PRBS15 (with gaps), PRBS13 and PRBS9 on lanes 4..7, at bit-error ratios
    /// from 1e-3 to 1e-6. Wider configurations repeat the pattern.
    pub fn default_for(lanes: usize, seed: u64) -> Self {
        let gap = 1.0 / 33.0; // a 64:66 gearbox's idle share
        let base = [
            LanePlan::new(PrbsPattern::PRBS31, false, 1e-4, 0.0),
            LanePlan::new(PrbsPattern::PRBS31, true, 1e-5, 0.0),
            LanePlan::new(PrbsPattern::PRBS31, false, 1e-3, gap),
            LanePlan::new(PrbsPattern::PRBS31, false, 0.0, 0.0),
            LanePlan::new(PrbsPattern::PRBS23, false, 1e-4, 0.0),
            LanePlan::new(PrbsPattern::PRBS15, false, 1e-4, gap),
            LanePlan::new(PrbsPattern::PRBS13, true, 1e-6, 0.0),
            LanePlan::new(PrbsPattern::PRBS9, false, 1e-4, 0.0),
        ];
        Self {
            lanes: (0..lanes).map(|i| base[i % base.len()].clone()).collect(),
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
    /// The counters were cleared after lock and the channel tally with them.
    counting: bool,
    channel: BitErrorChannel,
    /// Errors injected on each of the last `CHECKER_DECISION_LATENCY`
    /// cycles, oldest first: in flight in the checker, not yet counted.
    in_flight: VecDeque<u64>,
    gearbox: Gearbox,
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

/// The PRBS loopback stimulus.
#[derive(Debug, Clone)]
pub struct PrbsScenario {
    plan: PrbsPlan,
    lanes: Vec<PrbsLaneState>,
    events: Vec<(u64, Event)>,
    next_event: usize,
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
                counting: false,
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
        Ok(Self {
            plan,
            lanes: states,
            events,
            next_event: 0,
        })
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
            .map(|(lane, ((s, o), p))| LaneReport {
                lane,
                pattern: format!(
                    "{}{}",
                    PrbsPattern(s.gen_pattern),
                    if s.gen_invert { " inverted" } else { "" }
                ),
                bits_checked: o.prbs_chk_bit_count,
                errors_injected: s
                    .channel
                    .injected()
                    .saturating_sub(s.in_flight.iter().sum()),
                errors_counted: o.prbs_chk_error_count,
                locked: o.prbs_chk_locked,
                ber_configured: p.ber,
                ber_measured: if o.prbs_chk_bit_count == 0 {
                    0.0
                } else {
                    o.prbs_chk_error_count as f64 / o.prbs_chk_bit_count as f64
                },
            })
            .collect()
    }
}

impl Stimulus for PrbsScenario {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        inputs.reset = cycle == 0;
        let mut manual_reset = vec![false; self.lanes.len()];
        while let Some(&(c, e)) = self.events.get(self.next_event) {
            if c > cycle {
                break;
            }
            self.next_event += 1;
            if c < cycle {
                continue;
            }
            match e {
                Event::Reset => inputs.reset = true,
                Event::GeneratorEnable { lane, on } => self.lanes[lane].gen_enable = on,
                Event::CheckerEnable { lane, on } => self.lanes[lane].chk_enable = on,
                Event::GeneratorPattern {
                    lane,
                    pattern,
                    invert,
                } => {
                    self.lanes[lane].gen_pattern = pattern;
                    self.lanes[lane].gen_invert = invert;
                }
                Event::CheckerPattern {
                    lane,
                    pattern,
                    invert,
                } => {
                    self.lanes[lane].chk_pattern = pattern;
                    self.lanes[lane].chk_invert = invert;
                }
                Event::CounterReset { lane } => manual_reset[lane] = true,
            }
        }
        for (i, ((s, inp), out)) in self
            .lanes
            .iter_mut()
            .zip(inputs.lanes.iter_mut())
            .zip(&previous.lanes)
            .enumerate()
        {
            inp.prbs_gen_enable = s.gen_enable;
            inp.prbs_gen_pattern = s.gen_pattern;
            inp.prbs_gen_invert = s.gen_invert;
            inp.prbs_chk_enable = s.chk_enable;
            inp.prbs_chk_pattern = s.chk_pattern;
            inp.prbs_chk_invert = s.chk_invert;
            inp.tx_ready = s.gearbox.ready();
            // Loopback through the line: last cycle's transmit word arrives now.
            inp.rx_valid = out.tx_valid && !inputs.reset;
            let before = s.channel.injected();
            if inp.rx_valid {
                inp.rx_data = s.channel.transmit(out.tx_data);
            }
            s.in_flight.pop_front();
            s.in_flight.push_back(s.channel.injected() - before);
            let auto = !s.counting && out.prbs_chk_locked;
            inp.prbs_chk_counter_reset = auto || manual_reset[i];
            if inp.prbs_chk_counter_reset {
                // This word and those in flight are never counted by the
                // checker: drop them from the tally too.
                s.channel.clear_count();
                s.in_flight.iter_mut().for_each(|n| *n = 0);
                s.counting = true;
            }
            if inputs.reset {
                s.counting = false;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_plans_are_refused_with_lane() {
        let mut p = PrbsPlan::default_for(2, 1);
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
}
