//! Seeded regressions: which seeds a shard runs, and what each seed runs.
//!
//! A regression is a range of seeds. Each seed picks its run from itself
//! alone ([`seed_run`]): the lane traffic, the laser scenario and who
//! brings the data paths up, on top of what the seed already randomises in
//! every run (bus traffic, lane swaps and skews, line errors, PRBS errors).
//! The pick is a plain `xpo run` command line, so a failing seed is
//! reproduced by running that one command, and a regression's machines
//! need nothing but the range and their shard.
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

/// What one seed runs: an `xpo run` with these choices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SeedRun {
    pub seed: u64,
    pub cycles: u64,
    pub lanes: LaneTraffic,
    pub lasers: LaserScenario,
    pub data_path: DataPathHost,
}

/// The run seed `seed` picks, `cycles` long. A CMIS host's data-path
/// bring-up over I2C needs about 112,000 cycles (`DEFAULT_RUN_CYCLES`
/// leaves room for it), so shorter runs let the reset values bring the
/// lanes up; longer ones pick either. Retimer traffic is picked three
/// times in four: it exercises the most logic (both retimer directions,
/// the links, the data paths).
pub fn seed_run(seed: u64, cycles: u64) -> SeedRun {
    // Decorrelated from the run's own use of the seed.
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed ^ 0x5EED_0F4E_6E55);
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
        lanes,
        lasers,
        data_path,
    }
}

impl SeedRun {
    /// The `xpo run` arguments of this seed (after `xpo run`), given the
    /// engines (`--engines`' text) and the configuration file, if any.
    pub fn args(&self, engines: &str, config: Option<&str>) -> Vec<String> {
        let mut a = vec![
            "--seed".to_string(),
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
        let args = seed_run(7, 20_000).args("model,verilator", Some("x.toml"));
        assert_eq!(
            &args[..6],
            [
                "--seed",
                "7",
                "--cycles",
                "20000",
                "--engines",
                "model,verilator"
            ]
        );
        assert_eq!(&args[args.len() - 2..], ["--config", "x.toml"]);
    }
}
