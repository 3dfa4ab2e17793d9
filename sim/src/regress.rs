//! Seeded regressions: which seeds a shard runs, and what each seed runs.
//!
//! A regression is a range of seeds. Each seed picks its run from itself
//! alone ([`seed_run`]): either an `xpo run` (the lane traffic, the laser
//! scenario and who brings the data paths up, on top of what the seed
//! already randomises in every run: bus traffic, lane swaps and skews,
//! line errors, PRBS errors), or a random scenario ([`random_scenario`]:
//! a timeline of register writes and reads over both buses, pin pulses,
//! laser physics and channel events, written as a scenario file and run
//! by `xpo compare`). Either way the pick is one command line, so a
//! failing seed is reproduced by running that one command (a scenario
//! seed's file is kept beside it), and a regression's machines need
//! nothing but the range and their shard.
//!
//! Shards split the range round-robin: shard `k` of `n` takes the seeds
//! whose offset from the start is `k - 1` modulo `n`. The `n` shards cover
//! the range with no overlap and no gap, and each gets a spread of the
//! range rather than one end of it (seeds near each other often fail
//! together).

use crate::run::{DataPathHost, LaneTraffic, LaserScenario, DEFAULT_RUN_CYCLES};
use rand::{Rng, SeedableRng};
use std::fmt;
use std::ops::Range;

/// A malformed `--seeds` or `--shard`, or an empty selection.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegressError {
    #[error("--seeds {0:?}: expected A..B with A < B (seeds A to B - 1), e.g. 0..200")]
    Seeds(String),
    #[error("--shard {0:?}: expected K/N with 1 <= K <= N, e.g. 2/4")]
    Shard(String),
}

/// Parses `A..B`: seeds `A` to `B - 1`.
pub fn parse_seeds(text: &str) -> Result<Range<u64>, RegressError> {
    let bad = || RegressError::Seeds(text.to_string());
    let (a, b) = text.split_once("..").ok_or_else(bad)?;
    let a: u64 = a.trim().parse().map_err(|_| bad())?;
    let b: u64 = b.trim().parse().map_err(|_| bad())?;
    if a >= b {
        return Err(bad());
    }
    Ok(a..b)
}

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u64,
    pub count: u64,
}

impl Shard {
    /// The whole range.
    pub const ALL: Shard = Shard { index: 1, count: 1 };

    /// Parses `K/N`.
    pub fn parse(text: &str) -> Result<Self, RegressError> {
        let bad = || RegressError::Shard(text.to_string());
        let (k, n) = text.split_once('/').ok_or_else(bad)?;
        let index: u64 = k.trim().parse().map_err(|_| bad())?;
        let count: u64 = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Self { index, count })
    }

    /// This shard's seeds of `range`, in order.
    pub fn seeds(self, range: Range<u64>) -> impl Iterator<Item = u64> {
        let start = range.start;
        range.filter(move |s| (s - start) % self.count == self.index - 1)
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

/// What one seed runs: an `xpo run` with these choices, or (`scenario`)
/// its [`random_scenario`] under `xpo compare`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedRun {
    pub seed: u64,
    pub cycles: u64,
    pub scenario: bool,
    pub lanes: LaneTraffic,
    pub lasers: LaserScenario,
    pub data_path: DataPathHost,
}

/// The run seed `seed` picks, `cycles` long. A CMIS host's data-path
/// bring-up over I2C needs about 112,000 cycles (`DEFAULT_RUN_CYCLES`
/// leaves room for it), so shorter runs let the reset values bring the
/// lanes up; longer ones pick either. Retimer traffic is picked three
/// times in four: it exercises the most logic (both retimer directions,
/// the links, the data paths). One seed in three runs a random scenario
/// instead (the other fields are then unused).
pub fn seed_run(seed: u64, cycles: u64) -> SeedRun {
    // Decorrelated from the run's own use of the seed.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0F4E_6E55);
    let scenario = rng.gen_bool(1.0 / 3.0);
    let lanes = if rng.gen_bool(0.75) {
        LaneTraffic::Retimer
    } else {
        LaneTraffic::Prbs
    };
    let lasers = if rng.gen_bool(0.5) {
        LaserScenario::BringUp
    } else {
        LaserScenario::Campaign
    };
    let i2c_host = rng.gen_bool(0.5);
    let data_path = if i2c_host && cycles >= DEFAULT_RUN_CYCLES {
        DataPathHost::CmisI2c
    } else {
        DataPathHost::Reset
    };
    SeedRun {
        seed,
        cycles,
        scenario,
        lanes,
        lasers,
        data_path,
    }
}

impl SeedRun {
    /// Where a scenario seed's file goes in a regression's directory.
    pub fn scenario_file(&self, dir: &std::path::Path) -> std::path::PathBuf {
        dir.join(format!("seed-{}.toml", self.seed))
    }

    /// This seed's command line after `xpo` (`run ...`, or `compare
    /// --scenario FILE ...` with the file in `dir`), given the engines
    /// (`--engines`' text) and the configuration file, if any (a
    /// scenario carries its configuration in the file).
    pub fn args(&self, engines: &str, config: Option<&str>, dir: &std::path::Path) -> Vec<String> {
        if self.scenario {
            return vec![
                "compare".into(),
                "--scenario".into(),
                self.scenario_file(dir).display().to_string(),
                "--engines".into(),
                engines.to_string(),
            ];
        }
        let mut a = vec![
            "run".to_string(),
            "--seed".into(),
            self.seed.to_string(),
            "--cycles".into(),
            self.cycles.to_string(),
            "--engines".into(),
            engines.to_string(),
            "--lane-traffic".into(),
            match self.lanes {
                LaneTraffic::Retimer => "retimer",
                LaneTraffic::Prbs => "prbs",
            }
            .into(),
            "--lasers".into(),
            match self.lasers {
                LaserScenario::BringUp => "bring-up",
                LaserScenario::Campaign => "campaign",
            }
            .into(),
            "--data-path".into(),
            match self.data_path {
                DataPathHost::CmisI2c => "cmis-i2c",
                DataPathHost::Reset => "reset",
            }
            .into(),
        ];
        if let Some(c) = config {
            a.push("--config".into());
            a.push(c.to_string());
        }
        a
    }
}

/// A random scenario for `seed`, `cycles` long, on an engine of `cfg`, as
/// the text of a scenario file (`crate::scenario`): what a regression's
/// scenario seed runs under `xpo compare`. It has no expectations — the
/// engines must agree on every cycle and the laser safety properties hold
/// — and is built to reach what the `xpo run` families do not: the four
/// loopbacks and both sides' pattern units with advertised patterns,
/// bypass, squelch controls, low-power requests by register and pin, module
/// resets and board faults, the interlock, laser faults (a degraded laser,
/// a shorted driver, an open bias sense), temperature and supply excursions
/// past their thresholds, loss of signal, lane skews past the deskew range,
/// and reads that clear the latched flags.
pub fn random_scenario(seed: u64, cycles: u64, cfg: &xpo_spec::EngineConfig) -> String {
    use toml::{Table, Value};
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5CE4_A410_0000);
    let map = cfg.register_map();
    let cycles = cycles.max(2);
    let mut doc = Table::new();
    doc.insert("name".into(), format!("random-{seed}").into());
    doc.insert(
        "description".into(),
        format!("generated by xpo regress from seed {seed}").into(),
    );
    doc.insert("duration".into(), format!("{cycles} cycles").into());
    doc.insert("seed".into(), Value::Integer(seed as i64));
    // A write may meet a module reset the timeline put there.
    doc.insert("allow_refused".into(), Value::Boolean(true));
    doc.insert(
        "config".into(),
        Value::try_from(cfg).expect("a configuration serialises"),
    );
    let lanes_kind = match rng.gen_range(0..10) {
        0..=6 => "retimer",
        7 | 8 => "prbs",
        _ => "idle",
    };
    doc.insert("lanes".into(), lanes_kind.into());
    let n = cfg.lanes;
    if lanes_kind == "retimer" {
        let mut links = Table::new();
        for side in ["host", "media"] {
            let mut perm: Vec<usize> = (0..n).collect();
            for i in (1..n).rev() {
                perm.swap(i, rng.gen_range(0..=i));
            }
            let max = u64::from(cfg.retimer.max_skew_blocks);
            let mut skew: Vec<u64> = (0..n)
                .map(|_| if max == 0 { 0 } else { rng.gen_range(0..max) })
                .collect();
            // Now and then one lane past the deskew buffer: a deskew error.
            if rng.gen_bool(0.15) {
                skew[rng.gen_range(0..n)] = max + 1 + rng.gen_range(0..8);
            }
            let bits: Vec<u64> = (0..n).map(|_| rng.gen_range(0..66)).collect();
            let mut t = Table::new();
            let ints = |v: Vec<u64>| {
                Value::Array(v.into_iter().map(|x| Value::Integer(x as i64)).collect())
            };
            t.insert(
                "permutation".into(),
                ints(perm.into_iter().map(|x| x as u64).collect()),
            );
            t.insert("skew_blocks".into(), ints(skew));
            t.insert("skew_bits".into(), ints(bits));
            let ber = [0.0, 0.0, 1e-6, 1e-5][rng.gen_range(0..4)];
            t.insert("bit_error_ratio".into(), Value::Float(ber));
            links.insert(side.into(), Value::Table(t));
        }
        doc.insert("link".into(), Value::Table(links));
    } else if lanes_kind == "prbs" {
        let mut t = Table::new();
        let ber = [0.0, 1e-5, 1e-4, 1e-3][rng.gen_range(0..4)];
        t.insert("bit_error_ratio".into(), Value::Float(ber));
        doc.insert("prbs".into(), Value::Table(t));
    }
    let mut at: Vec<(u64, Table)> = Vec::new();
    let time = |c: u64| Value::String(format!("{c} cycles"));
    let lanes_of = |name: &str| crate::scenario::field_lanes(cfg, &map, name).unwrap_or(1);
    let range = |rng: &mut rand_chacha::ChaCha8Rng, count: usize| {
        let a = rng.gen_range(0..count);
        let b = rng.gen_range(a + 1..=count);
        format!("{a}..{b}")
    };
    let write = |rng: &mut rand_chacha::ChaCha8Rng, field: &str, value: u64, axi: bool| {
        let mut w = Table::new();
        w.insert("field".into(), field.into());
        let count = lanes_of(field);
        if count > 1 {
            let r = range(rng, count);
            w.insert("lanes".into(), r.into());
        }
        w.insert("value".into(), Value::Integer(value as i64));
        w.insert("bus".into(), if axi { "axi" } else { "i2c" }.into());
        w
    };
    let entry = |key: &str, v: Table| {
        let mut e = Table::new();
        e.insert(key.into(), Value::Table(v));
        e
    };
    // The lasers set up early most of the time, so faults have light to cut.
    if rng.gen_bool(0.7) && cycles > 2_000 {
        for (field, value) in [
            ("PowerSetpoint", rng.gen_range(3_000..9_000)),
            ("OutputFiberChecked", 1),
            ("LaneEnable", 1),
        ] {
            let mut w = write(&mut rng, field, value, true);
            w.insert("lanes".into(), "all".into());
            at.push((cfg.cycles_for_ns(1_000), entry("write", w)));
        }
    }
    let host_ids: Vec<u64> = cfg
        .prbs
        .host_patterns
        .iter()
        .map(|p| u64::from(p.0))
        .collect();
    let media_ids: Vec<u64> = cfg
        .prbs
        .media_patterns
        .iter()
        .map(|p| u64::from(p.0))
        .collect();
    let flags: Vec<String> = map
        .fields
        .iter()
        .filter(|f| f.access == xpo_spec::regmap::Access::Rc && f.width <= 64)
        .map(|f| f.name.clone())
        .collect();
    let actions = rng.gen_range(6..18);
    for _ in 0..actions {
        let t = rng.gen_range(1..cycles);
        let axi = rng.gen_bool(0.8);
        match rng.gen_range(0..100) {
            // Register writes: the lane controls, pattern units, lasers.
            0..=49 => {
                let pick = |ids: &Vec<u64>, rng: &mut rand_chacha::ChaCha8Rng| {
                    ids.get(rng.gen_range(0..ids.len().max(1)))
                        .copied()
                        .unwrap_or(0)
                };
                let (field, value): (&str, u64) = match rng.gen_range(0..22) {
                    0 => ("LowPwrAllowRequestHW", rng.gen_range(0..2)),
                    1 => ("LowPwrRequestSW", rng.gen_range(0..2)),
                    2 => ("DPDeinit", rng.gen_range(0..2)),
                    3 => ("TxDisable", rng.gen_range(0..2)),
                    4 => ("RxSquelchDisable", rng.gen_range(0..2)),
                    5 => ("TxSquelchForce", rng.gen_range(0..2)),
                    6 => ("MediaOutputLoopback", rng.gen_range(0..2)),
                    7 => ("MediaInputLoopback", rng.gen_range(0..2)),
                    8 => ("HostOutputLoopback", rng.gen_range(0..2)),
                    9 => ("HostInputLoopback", rng.gen_range(0..2)),
                    10 => ("RetimerBypass", rng.gen_range(0..2)),
                    11 => ("HostGenPatternSelect", pick(&host_ids, &mut rng)),
                    12 => ("HostCheckerPatternSelect", pick(&host_ids, &mut rng)),
                    13 => ("MediaGenPatternSelect", pick(&media_ids, &mut rng)),
                    14 => ("MediaCheckerPatternSelect", pick(&media_ids, &mut rng)),
                    15 => ("HostGenEnable", rng.gen_range(0..2)),
                    16 => ("HostCheckerEnable", rng.gen_range(0..2)),
                    17 => ("MediaGenEnable", rng.gen_range(0..2)),
                    18 => ("MediaCheckerEnable", rng.gen_range(0..2)),
                    19 => ("LaneEnable", rng.gen_range(0..2)),
                    20 => ("LaserControlMode", rng.gen_range(0..2)),
                    _ => ("PowerSetpoint", rng.gen_range(3_000..9_000)),
                };
                at.push((t, entry("write", write(&mut rng, field, value, axi))));
            }
            // Reads that clear latched flags.
            50..=64 if !flags.is_empty() => {
                let f = &flags[rng.gen_range(0..flags.len())];
                let mut r = Table::new();
                r.insert("field".into(), f.as_str().into());
                if lanes_of(f) > 1 {
                    r.insert("lanes".into(), "all".into());
                }
                r.insert("bus".into(), if axi { "axi" } else { "i2c" }.into());
                at.push((t, entry("read", r)));
            }
            // Pins: held, or pulsed and released.
            65..=74 => {
                let (name, on, off) = match rng.gen_range(0..4) {
                    0 => ("LPMode", 1, 0),
                    1 => ("ResetL", 0, 1),
                    2 => ("Interlock", 1, 0),
                    _ => ("ModuleFault", 1, 0),
                };
                let pin = |level: i64| {
                    let mut p = Table::new();
                    p.insert("name".into(), name.into());
                    p.insert("level".into(), Value::Integer(level));
                    p
                };
                at.push((t, entry("pin", pin(on))));
                let release = t + cfg.cycles_for_ns(rng.gen_range(200..20_000));
                if release < cycles {
                    at.push((release, entry("pin", pin(off))));
                }
                // A board fault holds until a module reset.
                if name == "ModuleFault" {
                    let reset = (release + 10).min(cycles - 1);
                    at.push((
                        reset,
                        entry("pin", {
                            let mut p = Table::new();
                            p.insert("name".into(), "ResetL".into());
                            p.insert("level".into(), Value::Integer(0));
                            p
                        }),
                    ));
                    if reset + 20 < cycles {
                        at.push((
                            reset + 20,
                            entry("pin", {
                                let mut p = Table::new();
                                p.insert("name".into(), "ResetL".into());
                                p.insert("level".into(), Value::Integer(1));
                                p
                            }),
                        ));
                    }
                }
            }
            // Laser and module physics.
            75..=89 => {
                let lane = Value::Integer(rng.gen_range(0..cfg.laser_lanes) as i64);
                let mut p = Table::new();
                match rng.gen_range(0..7) {
                    0 => {
                        p.insert("event".into(), "laser-health".into());
                        p.insert("lane".into(), lane);
                        p.insert(
                            "health".into(),
                            Value::Float([0.02, 0.3, 0.7, 1.0][rng.gen_range(0..4)]),
                        );
                    }
                    1 => {
                        p.insert("event".into(), "driver-short".into());
                        p.insert("lane".into(), lane);
                        p.insert("shorted".into(), Value::Boolean(rng.gen_bool(0.7)));
                    }
                    2 => {
                        p.insert("event".into(), "bias-sense-open".into());
                        p.insert("lane".into(), lane);
                        p.insert("open".into(), Value::Boolean(rng.gen_bool(0.7)));
                    }
                    3 => {
                        p.insert("event".into(), "laser-temperature".into());
                        p.insert("celsius".into(), Value::Float(rng.gen_range(-10.0..90.0)));
                    }
                    4 => {
                        p.insert("event".into(), "module-temperature".into());
                        p.insert("celsius".into(), Value::Float(rng.gen_range(-45.0..110.0)));
                    }
                    5 => {
                        p.insert("event".into(), "supply".into());
                        p.insert("volts".into(), Value::Float(rng.gen_range(2.8..3.8)));
                    }
                    _ => {
                        p.insert("event".into(), "photodiode".into());
                        p.insert("lane".into(), lane);
                        p.insert("a_per_w".into(), Value::Float(rng.gen_range(0.5..1.2)));
                    }
                }
                at.push((t, entry("physics", p)));
            }
            // Loss of signal on some lanes for a while, or the errors.
            _ if lanes_kind == "retimer" => {
                let side = if rng.gen_bool(0.5) { "host" } else { "media" };
                let mut c = Table::new();
                c.insert("side".into(), side.into());
                if rng.gen_bool(0.7) {
                    let ls: Vec<Value> = (0..n)
                        .filter(|_| rng.gen_bool(0.3))
                        .map(|l| Value::Integer(l as i64))
                        .collect();
                    let ls = if ls.is_empty() {
                        vec![Value::Integer(0)]
                    } else {
                        ls
                    };
                    c.insert("lanes".into(), Value::Array(ls));
                    c.insert("los".into(), Value::Boolean(true));
                    let mut back = c.clone();
                    back.insert("los".into(), Value::Boolean(false));
                    at.push((t, entry("channel", c)));
                    let end = t + cfg.cycles_for_ns(rng.gen_range(500..30_000));
                    if end < cycles {
                        at.push((end, entry("channel", back)));
                    }
                } else {
                    c.insert("errors".into(), Value::Boolean(rng.gen_bool(0.5)));
                    at.push((t, entry("channel", c)));
                }
            }
            _ => {}
        }
    }
    at.sort_by_key(|(t, _)| *t);
    let entries: Vec<Value> = at
        .into_iter()
        .map(|(t, mut e)| {
            e.insert("time".into(), time(t));
            Value::Table(e)
        })
        .collect();
    if !entries.is_empty() {
        doc.insert("at".into(), Value::Array(entries));
    }
    format!(
        "# A random scenario of `xpo regress` (seed {seed}): engines must agree on every\n\
         # cycle and the laser safety properties hold. `xpo regress --seeds {seed}..{}` writes it again.\n{}",
        seed + 1,
        toml::to_string(&doc).expect("a scenario serialises")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeds_and_shards_parse_or_say_what_is_wrong() {
        assert_eq!(parse_seeds("0..200"), Ok(0..200));
        assert_eq!(parse_seeds(" 5 .. 6 "), Ok(5..6));
        for bad in ["", "5", "5..5", "7..3", "a..3", "0..=9", "-1..4"] {
            let e = parse_seeds(bad).unwrap_err().to_string();
            assert!(e.contains(&format!("{bad:?}")) && e.contains("A..B"), "{e}");
        }
        assert_eq!(Shard::parse("2/4"), Ok(Shard { index: 2, count: 4 }));
        for bad in ["0/4", "5/4", "1/0", "1", "x/2", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    /// Shards 1/n..n/n of a range hold every seed of it exactly once.
    #[test]
    fn shards_cover_the_range_with_no_overlap_and_no_gap() {
        for (range, n) in [(0..200, 4), (17..18, 3), (5..1005, 7), (0..3, 5)] {
            let mut all: Vec<u64> = (1..=n)
                .flat_map(|k| Shard { index: k, count: n }.seeds(range.clone()))
                .collect();
            all.sort_unstable();
            assert_eq!(all, range.clone().collect::<Vec<_>>(), "{range:?} in {n}");
        }
        // Round-robin: shard 2/4 of 0..12 is 1, 5, 9.
        let s: Vec<u64> = Shard { index: 2, count: 4 }.seeds(0..12).collect();
        assert_eq!(s, [1, 5, 9]);
    }

    /// A seed's pick depends on the seed alone; across seeds every choice
    /// occurs; a short run never asks for the I2C bring-up.
    #[test]
    fn a_seed_picks_its_run_from_itself() {
        assert_eq!(seed_run(42, 1_000_000), seed_run(42, 1_000_000));
        let long: Vec<SeedRun> = (0..64).map(|s| seed_run(s, DEFAULT_RUN_CYCLES)).collect();
        assert!(long.iter().any(|r| r.lanes == LaneTraffic::Prbs));
        assert!(long.iter().any(|r| r.lanes == LaneTraffic::Retimer));
        assert!(long.iter().any(|r| r.lasers == LaserScenario::Campaign));
        assert!(long.iter().any(|r| r.lasers == LaserScenario::BringUp));
        assert!(long.iter().any(|r| r.data_path == DataPathHost::CmisI2c));
        assert!(long.iter().any(|r| r.data_path == DataPathHost::Reset));
        assert!((0..64).all(|s| seed_run(s, 20_000).data_path == DataPathHost::Reset));
        let run = (0..)
            .map(|s| seed_run(s, 20_000))
            .find(|r| !r.scenario)
            .unwrap();
        let args = run.args("model,verilator", Some("x.toml"), std::path::Path::new("d"));
        let seed = run.seed.to_string();
        assert_eq!(
            &args[..7],
            [
                "run",
                "--seed",
                &seed,
                "--cycles",
                "20000",
                "--engines",
                "model,verilator"
            ]
        );
        assert_eq!(&args[args.len() - 2..], ["--config", "x.toml"]);
        // About one seed in three is a scenario, run from its file.
        let scenarios = (0..300).filter(|&s| seed_run(s, 20_000).scenario).count();
        assert!((70..130).contains(&scenarios), "{scenarios}");
        let sc = (0..)
            .map(|s| seed_run(s, 20_000))
            .find(|r| r.scenario)
            .unwrap();
        assert_eq!(
            sc.args("model", None, std::path::Path::new("d")),
            [
                "compare",
                "--scenario",
                &format!("d/seed-{}.toml", sc.seed),
                "--engines",
                "model"
            ]
        );
    }

    /// Every seed's random scenario is a well-formed scenario file for its
    /// configuration, the same for the same seed, and across seeds holds
    /// every kind of action.
    #[test]
    fn random_scenarios_parse_and_vary() {
        let cfg = xpo_spec::EngineConfig::default();
        let mut kinds = std::collections::BTreeSet::new();
        for seed in 0..60 {
            let text = random_scenario(seed, 20_000, &cfg);
            assert_eq!(text, random_scenario(seed, 20_000, &cfg));
            let s =
                crate::scenario::parse(&text, std::path::Path::new("r.toml")).unwrap_or_else(|e| {
                    panic!(
                        "seed {seed}: {e}
{text}"
                    )
                });
            assert_eq!(s.cycles, 20_000);
            assert_eq!(s.config, cfg);
            for a in &s.actions {
                kinds.insert(
                    format!("{:?}", a.kind)
                        .split([' ', '(', '{'])
                        .next()
                        .unwrap()
                        .to_string(),
                );
            }
        }
        for k in ["Write", "Read", "Pin", "Physics", "Channel"] {
            assert!(kinds.contains(k), "{kinds:?}");
        }
        // Another configuration is carried in the file.
        let four = xpo_spec::EngineConfig {
            lanes: 4,
            ..Default::default()
        };
        let s = crate::scenario::parse(
            &random_scenario(3, 9_000, &four),
            std::path::Path::new("r.toml"),
        )
        .unwrap();
        assert_eq!(s.config.lanes, 4);
    }
}
