//! Functional coverage of a run: which states, faults, loopbacks,
//! patterns, latched flags and link events it reached.
//!
//! The bins are named from the standards' terms (CMIS module and data-path
//! states, ELSFP laser lane states and fault codes, page 13h's loopbacks
//! and pattern IDs, every latched flag of the register map) and all of
//! them are listed up front, so a report shows what was *not* reached as
//! plainly as what was. A regression adds runs' reports up
//! ([`CoverageTally`]).
//!
//! Sampling: the register bins read the reference engine's management
//! memory without side effects ([`Engine::peek_field`], which the model
//! implements) every [`SAMPLE_EVERY`] cycles (the latched flags every
//! [`FLAG_SAMPLE_EVERY`]); the link bins read the
//! engine's link probes every cycle. States that last less than a sample
//! period can be missed; every state here lasts microseconds at least.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xpo_spec::regmap::codes::{
    DP_STATES, LASER_FAULTS, LASER_LANE_STATES as LASER_STATES, MODULE_STATES,
};
use xpo_spec::regmap::{Access, RegisterMap};
use xpo_spec::retimer::LinkSide;
use xpo_spec::{Engine, EngineConfig, EngineOutputs};

/// Cycles between samples of the management memory's states (200 ns at
/// the default clock; DPTxTurnOff, the shortest, lasts 500 ns).
pub const SAMPLE_EVERY: u64 = 32;
/// Cycles between samples of the latched flags: a raised flag holds until
/// the host reads it, a cleared one until it is raised again.
pub const FLAG_SAMPLE_EVERY: u64 = 256;

const LOOPBACKS: [&str; 4] = [
    "MediaOutputLoopback",
    "MediaInputLoopback",
    "HostOutputLoopback",
    "HostInputLoopback",
];
/// Page 13h's pattern units: enable bitmap, pattern select, which side's
/// advertised set.
const PATTERN_UNITS: [(&str, &str, bool); 4] = [
    ("HostGenEnable", "HostGenPatternSelect", true),
    ("MediaGenEnable", "MediaGenPatternSelect", false),
    ("HostCheckerEnable", "HostCheckerPatternSelect", true),
    ("MediaCheckerEnable", "MediaCheckerPatternSelect", false),
];

/// One run's coverage: every bin and whether it was reached.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CoverageReport {
    /// False when no engine of the run could be sampled (only the model
    /// exposes its memory); the register bins are then all unreached.
    pub sampled: bool,
    pub bins: BTreeMap<String, bool>,
}

/// Watches a run and fills its bins.
pub struct CoverageSampler {
    /// Every bin and whether it was reached, in declaration order; the
    /// indices below point into it (no names formatted while sampling).
    bins: Vec<(String, bool)>,
    sampled: bool,
    data_banks: u8,
    laser_banks: u8,
    module_states: Vec<usize>,
    dp_states: Vec<usize>,
    laser_states: Vec<usize>,
    laser_faults: Vec<usize>,
    loopbacks: Vec<usize>,
    /// Per pattern unit, per pattern ID, its bin (advertised IDs only).
    patterns: Vec<[Option<usize>; 16]>,
    /// Every latched (clear-on-read) field: name, instances a bank, its
    /// banking, its raised and cleared bins, and whether it was seen
    /// raised (so a later clear counts).
    flags: Vec<Flag>,
    /// Per link side (rx, tx).
    links: [LinkBins; 2],
}

/// One link side's bins: aligned, alignment lost, alignment regained,
/// hi-BER raised, hi-BER cleared; and what the last cycle showed.
struct LinkBins {
    bins: [usize; 5],
    aligned: bool,
    ever_aligned: bool,
    hi_ber: bool,
}

struct Flag {
    name: String,
    count: u8,
    banking: Banking,
    bins: [usize; 2],
    raised: bool,
}

#[derive(Debug, Clone, Copy)]
enum Banking {
    Unbanked,
    Data,
    Laser,
}

impl CoverageSampler {
    pub fn new(cfg: &EngineConfig) -> Self {
        let map = cfg.register_map();
        let mut bins: Vec<(String, bool)> = Vec::new();
        let mut bin = |name: String| {
            bins.push((name, false));
            bins.len() - 1
        };
        let module_states = MODULE_STATES
            .iter()
            .map(|s| bin(format!("module state {}", s.1)))
            .collect();
        let dp_states = DP_STATES
            .iter()
            .map(|s| bin(format!("data-path state {}", s.1)))
            .collect();
        let laser_states = LASER_STATES
            .iter()
            .map(|s| bin(format!("laser lane state {}", s.1)))
            .collect();
        let laser_faults = LASER_FAULTS
            .iter()
            .map(|s| bin(format!("laser fault {}", s.1)))
            .collect();
        let loopbacks = LOOPBACKS
            .iter()
            .map(|l| bin(format!("loopback {l}")))
            .collect();
        let mut patterns = Vec::new();
        for (enable, _, host) in PATTERN_UNITS {
            let unit = enable.trim_end_matches("Enable");
            let set = if host {
                cfg.prbs.host_patterns
            } else {
                cfg.prbs.media_patterns
            };
            let mut ids = [None; 16];
            for p in set.iter() {
                ids[p.0 as usize] = Some(bin(format!("pattern {unit} {p}")));
            }
            patterns.push(ids);
        }
        let flags = latched_flags(&map)
            .into_iter()
            .map(|(name, count, banking)| Flag {
                bins: [
                    bin(format!("flag {name} raised")),
                    bin(format!("flag {name} cleared")),
                ],
                name,
                count,
                banking,
                raised: false,
            })
            .collect();
        let mut link = |side: &str| LinkBins {
            bins: [
                bin(format!("link {side} aligned")),
                bin(format!("link {side} alignment lost")),
                bin(format!("link {side} alignment regained")),
                bin(format!("link {side} hi-BER raised")),
                bin(format!("link {side} hi-BER cleared")),
            ],
            aligned: false,
            ever_aligned: false,
            hi_ber: false,
        };
        let links = [link("rx"), link("tx")];
        let banks = |lanes: usize| lanes.div_ceil(8) as u8;
        Self {
            bins,
            sampled: false,
            data_banks: banks(cfg.lanes),
            laser_banks: banks(cfg.laser_lanes),
            module_states,
            dp_states,
            laser_states,
            laser_faults,
            loopbacks,
            patterns,
            flags,
            links,
        }
    }

    /// Looks at the run after `cycle`: `engines` are the run's (the first
    /// one that exposes its memory is sampled), `out` the reference's
    /// outputs.
    pub fn observe(&mut self, cycle: u64, engines: &[Box<dyn Engine>], out: &EngineOutputs) {
        let bins = &mut self.bins;
        for (i, side) in [LinkSide::Rx, LinkSide::Tx].into_iter().enumerate() {
            let aligned =
                !out.lanes.is_empty() && out.lanes.iter().all(|l| l.link(side).lane_aligned);
            // One link, one hi-BER: lane 0 shows it.
            let hi_ber = out.lanes.first().is_some_and(|l| l.link(side).hi_ber);
            let k = &mut self.links[i];
            if aligned {
                bins[k.bins[0]].1 = true;
                if !k.aligned && k.ever_aligned {
                    bins[k.bins[2]].1 = true;
                }
            } else if k.aligned {
                bins[k.bins[1]].1 = true;
            }
            if hi_ber != k.hi_ber {
                bins[k.bins[if hi_ber { 3 } else { 4 }]].1 = true;
            }
            k.aligned = aligned;
            k.ever_aligned |= aligned;
            k.hi_ber = hi_ber;
        }
        if !cycle.is_multiple_of(SAMPLE_EVERY) {
            return;
        }
        let Some(e) = engines
            .iter()
            .find(|e| e.peek_field("ModuleState", 0, 0).is_some())
        else {
            return;
        };
        let e = e.as_ref();
        self.sampled = true;
        let peek = |name: &str, bank: u8, i: u8| e.peek_field(name, bank, i).unwrap_or(0);
        let mut hit = |table: &[(u64, &str)], at: &[usize], value: u64| {
            if let Some(k) = table.iter().position(|s| s.0 == value) {
                bins[at[k]].1 = true;
            }
        };
        hit(
            &MODULE_STATES,
            &self.module_states,
            peek("ModuleState", 0, 0),
        );
        for bank in 0..self.data_banks {
            for lane in 0..8 {
                hit(&DP_STATES, &self.dp_states, peek("DPState", bank, lane));
            }
        }
        for bank in 0..self.laser_banks {
            for lane in 0..8 {
                hit(
                    &LASER_STATES,
                    &self.laser_states,
                    peek("LaneState", bank, lane),
                );
                hit(
                    &LASER_FAULTS,
                    &self.laser_faults,
                    peek("LaserFaultCode", bank, lane),
                );
            }
        }
        for bank in 0..self.data_banks {
            for (l, &b) in LOOPBACKS.iter().zip(&self.loopbacks) {
                if peek(l, bank, 0) != 0 {
                    bins[b].1 = true;
                }
            }
            for ((enable, select, _), ids) in PATTERN_UNITS.iter().zip(&self.patterns) {
                let on = peek(enable, bank, 0);
                for lane in 0..8u8 {
                    if on >> lane & 1 == 1 {
                        let id = peek(select, bank, lane) as usize & 15;
                        if let Some(b) = ids[id] {
                            bins[b].1 = true;
                        }
                    }
                }
            }
        }
        if !cycle.is_multiple_of(FLAG_SAMPLE_EVERY) {
            return;
        }
        for f in &mut self.flags {
            let banks = match f.banking {
                Banking::Unbanked => 1,
                Banking::Data => self.data_banks,
                Banking::Laser => self.laser_banks,
            };
            let set = (0..banks).any(|b| (0..f.count).any(|i| peek(&f.name, b, i) != 0));
            if set {
                f.raised = true;
                bins[f.bins[0]].1 = true;
            } else if f.raised {
                bins[f.bins[1]].1 = true;
            }
        }
    }

    pub fn report(&self) -> CoverageReport {
        CoverageReport {
            sampled: self.sampled,
            bins: self.bins.iter().cloned().collect(),
        }
    }
}

/// Every clear-on-read field of the map that hardware latches (CMIS's
/// latched flags this module raises; flags nothing drives stay zero and
/// would only pad the uncovered list), with its instances a bank and its
/// bank kind.
fn latched_flags(map: &RegisterMap) -> Vec<(String, u8, Banking)> {
    map.fields
        .iter()
        .filter(|f| f.access == Access::Rc && f.hw.is_some())
        .map(|f| {
            let banking = if f.in_lower() || map.page(f.page).is_none_or(|p| p.banks <= 1) {
                Banking::Unbanked
            } else if matches!(f.page, 0x1A | 0x1B) {
                Banking::Laser
            } else {
                Banking::Data
            };
            (f.name.clone(), f.count, banking)
        })
        .collect()
}

/// Runs' coverage added up: per bin, how many runs reached it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct CoverageTally {
    pub runs: u64,
    /// Runs whose engines could not be sampled.
    pub unsampled_runs: u64,
    pub bins: BTreeMap<String, u64>,
}

impl CoverageTally {
    pub fn add(&mut self, r: &CoverageReport) {
        self.runs += 1;
        self.unsampled_runs += u64::from(!r.sampled);
        for (bin, &hit) in &r.bins {
            *self.bins.entry(bin.clone()).or_default() += u64::from(hit);
        }
    }

    /// The bins no run reached.
    pub fn uncovered(&self) -> Vec<&str> {
        self.bins
            .iter()
            .filter(|(_, &n)| n == 0)
            .map(|(b, _)| b.as_str())
            .collect()
    }

    /// Per group of bins (module state, data-path state, ..., link tx):
    /// bins reached, bins.
    pub fn groups(&self) -> BTreeMap<&'static str, (u64, u64)> {
        let mut groups: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
        for (bin, &n) in &self.bins {
            let group = GROUPS
                .iter()
                .find(|g| bin.starts_with(*g))
                .copied()
                .unwrap_or("other");
            let e = groups.entry(group).or_default();
            e.0 += u64::from(n > 0);
            e.1 += 1;
        }
        groups
    }
}

const GROUPS: [&str; 9] = [
    "module state",
    "data-path state",
    "laser lane state",
    "laser fault",
    "loopback",
    "pattern",
    "flag",
    "link rx",
    "link tx",
];

#[cfg(test)]
mod tests {
    use super::*;

    /// The bins are named from the map and the configuration: every CMIS
    /// module state, every latched flag twice, each advertised pattern on
    /// each unit.
    #[test]
    fn bins_cover_the_standard_terms() {
        let cfg = EngineConfig::default();
        let s = CoverageSampler::new(&cfg);
        let r = s.report();
        assert!(!r.sampled && r.bins.values().all(|&b| !b));
        for b in [
            "module state ModuleFault",
            "data-path state DPTxTurnOff",
            "laser fault over-current",
            "loopback HostInputLoopback",
            "pattern MediaChecker PRBS13Q",
            "flag ModuleStateChanged raised",
            "flag LRxDeskewError cleared",
            "link tx alignment regained",
            "link rx hi-BER cleared",
        ] {
            assert!(r.bins.contains_key(b), "{b}");
        }
        // Four advertised patterns on four units.
        assert_eq!(
            r.bins.keys().filter(|b| b.starts_with("pattern ")).count(),
            16
        );
        let mut t = CoverageTally::default();
        t.add(&r);
        let mut r2 = r.clone();
        r2.sampled = true;
        *r2.bins.get_mut("module state ModuleReady").unwrap() = true;
        t.add(&r2);
        assert_eq!(t.bins["module state ModuleReady"], 1);
        assert_eq!((t.runs, t.unsampled_runs), (2, 1));
        assert!(!t.uncovered().contains(&"module state ModuleReady"));
        assert!(t.uncovered().contains(&"module state ModuleFault"));
        assert_eq!(t.groups()["module state"], (1, 5));
        assert_eq!(t.groups()["pattern"], (0, 16));
    }

    /// The link bins follow the probes: hi-BER raised then cleared on the
    /// receive side only, alignment gained, lost and regained.
    #[test]
    fn link_bins_follow_the_link_probes() {
        use xpo_spec::retimer::LinkProbes;
        let cfg = EngineConfig::default();
        let mut s = CoverageSampler::new(&cfg);
        let mut out = EngineOutputs::new(cfg.lanes, cfg.laser_lanes);
        let mut step = |s: &mut CoverageSampler, aligned: bool, hi_ber: bool| {
            for l in &mut out.lanes {
                let p = LinkProbes {
                    lane_aligned: aligned,
                    hi_ber,
                    ..Default::default()
                };
                l.set_link(LinkSide::Rx, &p);
            }
            s.observe(1, &[], &out);
        };
        step(&mut s, true, false);
        step(&mut s, true, true);
        let r = s.report();
        assert!(r.bins["link rx hi-BER raised"] && !r.bins["link rx hi-BER cleared"]);
        assert!(r.bins["link rx aligned"] && !r.bins["link rx alignment lost"]);
        step(&mut s, false, false);
        step(&mut s, true, false);
        let r = s.report();
        for b in ["hi-BER cleared", "alignment lost", "alignment regained"] {
            assert!(r.bins[&format!("link rx {b}")], "{b}");
        }
        assert!(!r.bins["link tx hi-BER raised"] && !r.bins["link tx aligned"]);
    }
}
