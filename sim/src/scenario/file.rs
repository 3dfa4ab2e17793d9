//! The scenario file as written: the TOML shapes, every value a user can
//! get wrong kept with its span, so [`super::parse`] can name the line and
//! column of what it refuses. Nothing here has a meaning yet; the checked
//! [`super::Scenario`] is built from these.

use serde::Deserialize;
use toml::{Spanned, Value};
use xpo_spec::EngineConfig;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawScenario {
    pub name: Option<String>,
    pub description: Option<String>,
    pub duration: Spanned<String>,
    pub seed: Option<u64>,
    pub engines: Option<Vec<Spanned<String>>>,
    pub config: Option<Spanned<EngineConfig>>,
    pub lanes: Option<Spanned<String>>,
    pub i2c_scl_hz: Option<Spanned<u64>>,
    #[serde(default)]
    pub allow_refused: bool,
    pub link: Option<RawLinks>,
    pub prbs: Option<RawPrbs>,
    #[serde(default)]
    pub at: Vec<Spanned<RawAction>>,
    #[serde(default)]
    pub expect: Vec<Spanned<RawExpect>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLinks {
    pub host: Option<Spanned<RawLink>>,
    pub media: Option<Spanned<RawLink>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawLink {
    pub permutation: Option<Vec<usize>>,
    pub skew_blocks: Option<Vec<u32>>,
    pub skew_bits: Option<Vec<u32>>,
    #[serde(default)]
    pub bit_error_ratio: f64,
    #[serde(default)]
    pub gap: f64,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPrbs {
    #[serde(default)]
    pub bit_error_ratio: Option<Spanned<f64>>,
    #[serde(default)]
    pub gap: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawAction {
    pub time: Spanned<String>,
    pub write: Option<RawWrite>,
    pub read: Option<RawRead>,
    pub pin: Option<RawPin>,
    pub physics: Option<Spanned<RawPhysics>>,
    pub channel: Option<RawChannel>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWrite {
    pub field: Spanned<String>,
    pub lane: Option<Spanned<usize>>,
    pub lanes: Option<Spanned<String>>,
    pub value: Spanned<Value>,
    pub bus: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawRead {
    pub field: Spanned<String>,
    pub lane: Option<Spanned<usize>>,
    pub lanes: Option<Spanned<String>>,
    pub bus: Option<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawPin {
    pub name: Spanned<String>,
    pub level: Spanned<Value>,
}

/// The physics of the laser bench (`crate::laser::LaserEvent`), named in
/// a file's words.
#[derive(Debug, Clone, Copy, Deserialize)]
#[serde(tag = "event", rename_all = "kebab-case", deny_unknown_fields)]
pub(super) enum RawPhysics {
    LaserTemperature { celsius: f64 },
    ModuleTemperature { celsius: f64 },
    Supply { volts: f64 },
    LaserHealth { lane: usize, health: f64 },
    Photodiode { lane: usize, a_per_w: f64 },
    BiasSenseOpen { lane: usize, open: bool },
    DriverShort { lane: usize, shorted: bool },
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawChannel {
    pub side: Spanned<String>,
    pub lanes: Option<Spanned<Vec<usize>>>,
    pub los: Option<bool>,
    pub errors: Option<bool>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawExpect {
    pub field: Option<Spanned<String>>,
    pub lane: Option<Spanned<usize>>,
    pub lanes: Option<Spanned<String>>,
    pub bus: Option<Spanned<String>>,
    pub equals: Option<Spanned<Value>>,
    pub at_least: Option<Spanned<u64>>,
    pub at_most: Option<Spanned<u64>>,
    pub laser_power_mw: Option<Spanned<f64>>,
    pub tolerance_pct: Option<Spanned<f64>>,
    pub tolerance_mw: Option<Spanned<f64>>,
    pub by: Option<Spanned<String>>,
    pub after: Option<Spanned<String>>,
    pub from: Option<Spanned<String>>,
    pub until: Option<Spanned<String>>,
    pub poll: Option<Spanned<String>>,
}
