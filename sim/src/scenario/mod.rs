//! Scenarios: a run written as a TOML file by a user, checked against the
//! register map and the configuration before anything is built, then run in
//! lockstep on the engines with its expectations checked (`xpo compare`).
//!
//! A scenario file has:
//!
//! - `duration` (`"300 us"`; units `ns`, `us`, `ms`, `cycles`), optional
//!   `name`, `description`, `seed`, `engines`, `i2c_scl_hz` (default: the
//!   fastest the target follows), `allow_refused` (a refused access is
//!   reported, not a failure);
//! - `[config]`: overrides of the engine configuration, the same keys as a
//!   configuration file;
//! - `lanes`: what the data lanes carry — `"retimer"` (the default: 64b/66b
//!   traffic, each direction's lanes one clause 82 link with markers at the
//!   configured period, shaped by `[link.host]` / `[link.media]`:
//!   `permutation`, `skew_blocks`, `skew_bits`, `bit_error_ratio`, `gap`),
//!   `"prbs"` (each lane's media PRBS generator looped to its checker
//!   through a bit-error channel, `[prbs] bit_error_ratio`, `gap`; the
//!   pattern units are the timeline's to set over 13h) or `"idle"` (no
//!   words arrive; the media serializer takes one a cycle);
//! - `[[at]]`: the timeline. Each entry has a `time` and one action:
//!   `write` / `read` of a register-map field (`field`, `lane`, `value`,
//!   `bus = "i2c"` (default) or `"axi"`), `pin` (`LPMode`, `ResetL`,
//!   `Interlock`, `ModuleFault` with a `level`), `physics` (the laser
//!   bench: `laser-temperature`, `module-temperature`, `supply`,
//!   `laser-health`, `photodiode`, `bias-sense-open`, `driver-short`) or
//!   `channel` (`side`, `lanes`, `los` and/or `errors` on or off);
//! - `[[expect]]`: a register-map field (`equals`, `at_least`, `at_most`;
//!   coded states by name, e.g. `"ModuleReady"`) read over a bus (`"axi"`
//!   by default: polling over I2C takes tens of microseconds a read), or
//!   `laser_power_mw` with `tolerance_pct` on the bench's optical power;
//!   either `by` a time (polled every `poll` from `after`) or `from`/`until`
//!   (polled throughout).
//!
//! Register actions are carried out by one host, in time order, as real
//! transactions on the engines' pins: an action due while an earlier one is
//! on the bus waits for it, as a host's next call would. Every refusal of
//! a file is a [`ScenarioError`] naming the file, line and column.

mod file;
mod host;
mod run;

pub use run::{run_scenario, ActionOutcome, ExpectationOutcome, ScenarioOptions, ScenarioReport};

use crate::laser::LaserEvent;
use crate::EngineKind;
use file::{RawExpect, RawLink, RawPhysics, RawScenario};
use serde::Serialize;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::{Spanned, Value};
use xpo_host::link::LinkPlan;
use xpo_host::mgmt::field_shape;
use xpo_spec::regmap::codes::value_names;
use xpo_spec::regmap::{HwScope, RegisterMap};
use xpo_spec::EngineConfig;

/// A scenario file refused: where and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}:{line}:{column}: {message}", path.display())]
pub struct ScenarioError {
    pub path: PathBuf,
    /// 1-based.
    pub line: usize,
    /// 1-based, in characters.
    pub column: usize,
    pub message: String,
}

/// The bus a register action goes over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Bus {
    I2c,
    Axi,
}

/// The module's pins a scenario can set (CMIS names; the interlock and the
/// board fault are this engine's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Pin {
    /// CMIS LPMode: high requests low power (when LowPwrAllowRequestHW).
    LpMode,
    /// CMIS ResetL: low holds the module in reset.
    ResetL,
    /// The laser safety interlock: high darkens every laser.
    Interlock,
    /// A board supervisor's fault: high forces ModuleFault.
    ModuleFault,
}

/// One side of the engine's data lanes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    /// Into the Tx paths (the host SerDes).
    Host,
    /// Into the Rx paths (the media SerDes).
    Media,
}

/// What the data lanes carry.
#[derive(Debug, Clone, PartialEq)]
pub enum LaneSetup {
    Retimer {
        host: Box<LinkPlan>,
        media: Box<LinkPlan>,
    },
    Prbs {
        bit_error_ratio: f64,
        gap: f64,
    },
    Idle,
}

/// One timeline entry.
#[derive(Debug, Clone, PartialEq)]
pub struct Action {
    pub cycle: u64,
    /// Line in the file.
    pub line: usize,
    pub kind: ActionKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ActionKind {
    /// Every lane of `lanes` set to `value`, one transaction per run of
    /// consecutive bytes (a read-modify-write for sub-byte fields).
    Write {
        field: String,
        lanes: Range<usize>,
        value: u64,
        bus: Bus,
    },
    Read {
        field: String,
        lanes: Range<usize>,
        bus: Bus,
    },
    Pin {
        pin: Pin,
        high: bool,
    },
    Physics(LaserEvent),
    Channel {
        side: Side,
        lanes: Vec<usize>,
        los: Option<bool>,
        errors: Option<bool>,
    },
}

impl ActionKind {
    /// Carried out over a bus by the scenario's host.
    pub fn on_bus(&self) -> bool {
        matches!(self, Self::Write { .. } | Self::Read { .. })
    }
}

/// When an expectation is judged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Window {
    /// Holds at some poll from `after` to `by` (cycles).
    By { after: u64, by: u64 },
    /// Holds at every poll from `from` to `until` (cycles).
    Throughout { from: u64, until: u64 },
}

/// What an expectation checks.
#[derive(Debug, Clone, PartialEq)]
pub enum Check {
    /// Every lane of `lanes` must pass.
    Field {
        field: String,
        lanes: Range<usize>,
        bus: Bus,
        equals: Option<u64>,
        at_least: Option<u64>,
        at_most: Option<u64>,
    },
    /// The bench laser's optical power, mW, within `tolerance_pct` of it
    /// or `tolerance_mw`, whichever is wider.
    LaserPower {
        lane: usize,
        mw: f64,
        tolerance_pct: f64,
        tolerance_mw: f64,
    },
}

impl Check {
    /// Whether `value` (a field's value, or mW) passes.
    pub fn holds(&self, value: f64) -> bool {
        match self {
            Check::Field {
                equals,
                at_least,
                at_most,
                ..
            } => {
                let v = value as u64;
                equals.is_none_or(|e| v == e)
                    && at_least.is_none_or(|m| v >= m)
                    && at_most.is_none_or(|m| v <= m)
            }
            Check::LaserPower {
                mw,
                tolerance_pct,
                tolerance_mw,
                ..
            } => (value - mw).abs() <= (mw * tolerance_pct / 100.0).max(*tolerance_mw),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Expectation {
    pub line: usize,
    /// What it says, in the file's terms (for reports).
    pub text: String,
    pub check: Check,
    pub window: Window,
    /// Cycles between polls.
    pub poll: u64,
}

/// A checked scenario, times in cycles of its configuration's clock.
#[derive(Debug, Clone, PartialEq)]
pub struct Scenario {
    pub path: PathBuf,
    pub name: String,
    pub description: String,
    pub config: EngineConfig,
    pub engines: Vec<EngineKind>,
    pub seed: u64,
    pub cycles: u64,
    pub lanes: LaneSetup,
    /// `u64::MAX`: the fastest the target follows.
    pub i2c_scl_hz: u64,
    /// A refused access (SLVERR, a NACK) is reported with its action but
    /// does not fail the scenario (random scenarios: a write may meet a
    /// module reset).
    pub allow_refused: bool,
    /// In time order (the file's order among equal times).
    pub actions: Vec<Action>,
    pub expectations: Vec<Expectation>,
}

/// Polling period of an expectation that names none.
pub const DEFAULT_POLL_NS: u64 = 1_000;

/// Reads and checks the scenario file at `path`.
pub fn load(path: &Path) -> Result<Scenario, ScenarioError> {
    let text = std::fs::read_to_string(path).map_err(|e| ScenarioError {
        path: path.into(),
        line: 1,
        column: 1,
        message: format!("cannot read the scenario: {e}"),
    })?;
    parse(&text, path)
}

/// Checks scenario `text` (from `path`, for messages).
pub fn parse(text: &str, path: &Path) -> Result<Scenario, ScenarioError> {
    let at = |span: Range<usize>, message: String| {
        let (line, column) = line_column(text, span.start);
        ScenarioError {
            path: path.into(),
            line,
            column,
            message,
        }
    };
    let raw: RawScenario = toml::from_str(text).map_err(|e| {
        at(
            e.span().unwrap_or(0..0),
            e.message().trim_end().replace('\n', "; "),
        )
    })?;
    Checker {
        at: &at,
        text,
        path,
        cfg: EngineConfig::default(),
    }
    .check(raw)
}

/// 1-based line and column (in characters) of byte `offset`.
fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

type At<'a> = &'a dyn Fn(Range<usize>, String) -> ScenarioError;

/// A time of the file checked to be within the scenario, in cycles.
type TimeWithin<'a> = &'a dyn Fn(&Spanned<String>, &str) -> Result<u64, ScenarioError>;

struct Checker<'a> {
    at: At<'a>,
    text: &'a str,
    path: &'a Path,
    /// The scenario's configuration (the defaults until `[config]` is read).
    cfg: EngineConfig,
}

impl Checker<'_> {
    fn line(&self, span: Range<usize>) -> usize {
        line_column(self.text, span.start).0
    }

    fn check(mut self, raw: RawScenario) -> Result<Scenario, ScenarioError> {
        let at = self.at;
        let config = match raw.config {
            Some(c) => {
                let span = c.span();
                let cfg = c.into_inner();
                cfg.validate()
                    .map_err(|e| at(span, format!("invalid configuration: {e}")))?;
                cfg
            }
            None => EngineConfig::default(),
        };
        self.cfg = config.clone();
        let map = config.register_map();
        let time = |s: &Spanned<String>| parse_time(s, &config, at);
        let cycles = time(&raw.duration)?;
        if cycles == 0 {
            return Err(at(raw.duration.span(), "a duration must be above 0".into()));
        }
        let within = |s: &Spanned<String>, what: &str| {
            let c = time(s)?;
            if c > cycles {
                return Err(at(
                    s.span(),
                    format!(
                        "{what} {} is after the end of the scenario ({})",
                        s.get_ref(),
                        raw.duration.get_ref()
                    ),
                ));
            }
            Ok(c)
        };
        let engines = match &raw.engines {
            None => EngineKind::ALL.to_vec(),
            Some(list) => {
                let mut v = Vec::new();
                for e in list {
                    let k: EngineKind = e.get_ref().parse().map_err(|_| {
                        at(
                            e.span(),
                            format!(
                                "unknown engine `{}` (expected model, rusthdl or verilator)",
                                e.get_ref()
                            ),
                        )
                    })?;
                    if !v.contains(&k) {
                        v.push(k);
                    }
                }
                if v.is_empty() {
                    return Err(at(0..0, "`engines` names no engine".into()));
                }
                v
            }
        };
        let seed = raw.seed.unwrap_or(1);
        let lanes_kind = raw
            .lanes
            .as_ref()
            .map_or("retimer", |s| s.get_ref().as_str());
        let lanes = match lanes_kind {
            "retimer" => {
                let links = raw.link.as_ref();
                let side =
                    |l: Option<&Spanned<RawLink>>, salt: u64| self.link(l, &config, seed ^ salt);
                LaneSetup::Retimer {
                    host: Box::new(side(links.and_then(|l| l.host.as_ref()), 0x4057)?),
                    media: Box::new(side(links.and_then(|l| l.media.as_ref()), 0x3ED1A)?),
                }
            }
            "prbs" => {
                let p = raw.prbs.as_ref();
                let ratio = |v: Option<&Spanned<f64>>, what: &str| match v {
                    Some(s) if !(0.0..=1.0).contains(s.get_ref()) => Err(at(
                        s.span(),
                        format!("{what} {} is not within 0..=1", s.get_ref()),
                    )),
                    Some(s) => Ok(*s.get_ref()),
                    None => Ok(0.0),
                };
                LaneSetup::Prbs {
                    bit_error_ratio: ratio(
                        p.and_then(|p| p.bit_error_ratio.as_ref()),
                        "bit_error_ratio",
                    )?,
                    gap: ratio(p.and_then(|p| p.gap.as_ref()), "gap")?,
                }
            }
            "idle" => LaneSetup::Idle,
            other => {
                return Err(at(
                    raw.lanes.as_ref().expect("named").span(),
                    format!("unknown lane traffic `{other}` (expected retimer, prbs or idle)"),
                ))
            }
        };
        if raw.link.is_some() && !matches!(lanes, LaneSetup::Retimer { .. }) {
            return Err(at(
                0..0,
                format!("[link] shapes retimer traffic, but lanes = \"{lanes_kind}\""),
            ));
        }
        if raw.prbs.is_some() && !matches!(lanes, LaneSetup::Prbs { .. }) {
            return Err(at(
                0..0,
                format!("[prbs] shapes PRBS traffic, but lanes = \"{lanes_kind}\""),
            ));
        }
        let i2c_scl_hz = match &raw.i2c_scl_hz {
            None => u64::MAX,
            Some(s) => {
                let hz = *s.get_ref();
                let max = xpo_host::mgmt::I2cMaster::new(&config, u64::MAX).scl_hz();
                if hz == 0 || hz > max {
                    return Err(at(
                        s.span(),
                        format!(
                            "i2c_scl_hz {hz} is outside 1..={max} (the fastest SCL the target \
                             follows at this clock)"
                        ),
                    ));
                }
                hz
            }
        };
        let mut actions = Vec::new();
        for a in &raw.at {
            let line = self.line(a.span());
            let r = a.get_ref();
            let cycle = within(&r.time, "time")?;
            let given = [
                r.write.is_some(),
                r.read.is_some(),
                r.pin.is_some(),
                r.physics.is_some(),
                r.channel.is_some(),
            ]
            .iter()
            .filter(|&&b| b)
            .count();
            if given != 1 {
                return Err(at(
                    a.span(),
                    format!(
                        "an [[at]] entry takes exactly one of write, read, pin, physics, \
                         channel ({given} given)"
                    ),
                ));
            }
            let kind = if let Some(w) = &r.write {
                let (lanes, width) =
                    self.field(&map, &w.field, w.lane.as_ref(), w.lanes.as_ref())?;
                let value = self.value(&w.field, &w.value, width)?;
                ActionKind::Write {
                    field: w.field.get_ref().clone(),
                    lanes,
                    value,
                    bus: self.bus(w.bus.as_ref(), Bus::I2c)?,
                }
            } else if let Some(rd) = &r.read {
                let (lanes, _) =
                    self.field(&map, &rd.field, rd.lane.as_ref(), rd.lanes.as_ref())?;
                ActionKind::Read {
                    field: rd.field.get_ref().clone(),
                    lanes,
                    bus: self.bus(rd.bus.as_ref(), Bus::I2c)?,
                }
            } else if let Some(p) = &r.pin {
                let pin = match p.name.get_ref().as_str() {
                    "LPMode" | "LowPwr" => Pin::LpMode,
                    "ResetL" => Pin::ResetL,
                    "Interlock" => Pin::Interlock,
                    "ModuleFault" => Pin::ModuleFault,
                    other => {
                        return Err(at(
                            p.name.span(),
                            format!(
                                "unknown pin `{other}` (expected LPMode, ResetL, Interlock or \
                                 ModuleFault)"
                            ),
                        ))
                    }
                };
                let high = match p.level.get_ref() {
                    Value::Integer(0) | Value::Boolean(false) => false,
                    Value::Integer(1) | Value::Boolean(true) => true,
                    _ => {
                        return Err(at(
                            p.level.span(),
                            "a pin level is 0 or 1 (or false/true)".into(),
                        ))
                    }
                };
                ActionKind::Pin { pin, high }
            } else if let Some(p) = &r.physics {
                ActionKind::Physics(self.physics(p, &config)?)
            } else {
                let c = r.channel.as_ref().expect("exactly one given");
                if !matches!(lanes, LaneSetup::Retimer { .. }) {
                    return Err(at(
                        a.span(),
                        format!(
                            "channel events act on retimer traffic, but lanes = \"{lanes_kind}\""
                        ),
                    ));
                }
                let side = match c.side.get_ref().as_str() {
                    "host" => Side::Host,
                    "media" => Side::Media,
                    other => {
                        return Err(at(
                            c.side.span(),
                            format!("unknown side `{other}` (expected host or media)"),
                        ))
                    }
                };
                let lanes_hit = match &c.lanes {
                    None => (0..config.lanes).collect(),
                    Some(l) => {
                        if let Some(bad) = l.get_ref().iter().find(|&&x| x >= config.lanes) {
                            return Err(at(
                                l.span(),
                                format!("lane {bad} of an engine of {} lanes", config.lanes),
                            ));
                        }
                        l.get_ref().clone()
                    }
                };
                if c.los.is_none() && c.errors.is_none() {
                    return Err(at(
                        a.span(),
                        "a channel event sets `los` and/or `errors`".into(),
                    ));
                }
                if c.errors.is_some() && c.lanes.is_some() {
                    return Err(at(
                        a.span(),
                        "`errors` switches a whole side's bit errors: leave out `lanes`".into(),
                    ));
                }
                ActionKind::Channel {
                    side,
                    lanes: lanes_hit,
                    los: c.los,
                    errors: c.errors,
                }
            };
            actions.push(Action { cycle, line, kind });
        }
        actions.sort_by_key(|a| a.cycle);
        let mut expectations = Vec::new();
        for e in &raw.expect {
            expectations.push(self.expectation(e, &map, &config, &within)?);
        }
        Ok(Scenario {
            path: self.path.into(),
            name: raw.name.unwrap_or_else(|| {
                self.path
                    .file_stem()
                    .map_or("scenario".into(), |s| s.to_string_lossy().into_owned())
            }),
            description: raw.description.unwrap_or_default(),
            config,
            engines,
            seed,
            cycles,
            lanes,
            i2c_scl_hz,
            allow_refused: raw.allow_refused,
            actions,
            expectations,
        })
    }

    /// A field's lanes (`lane = N`, or `lanes = "all"` / `"A..B"`; lane 0
    /// when neither) and value width, checked against the map.
    fn field(
        &self,
        map: &RegisterMap,
        field: &Spanned<String>,
        lane: Option<&Spanned<usize>>,
        lanes: Option<&Spanned<String>>,
    ) -> Result<(Range<usize>, u8), ScenarioError> {
        let (count, width) = field_shape(map, field.get_ref())
            .map(|(n, w)| (engine_lanes(&self.cfg, map, field.get_ref(), n), w))
            .map_err(|_| {
                (self.at)(
                    field.span(),
                    format!("`{}` is not a field of the register map", field.get_ref()),
                )
            })?;
        let range = match (lane, lanes) {
            (Some(_), Some(ls)) => {
                return Err((self.at)(
                    ls.span(),
                    "give `lane` or `lanes`, not both".into(),
                ))
            }
            (Some(l), None) => *l.get_ref()..*l.get_ref() + 1,
            (None, None) => 0..1,
            (None, Some(ls)) => {
                let t = ls.get_ref().trim();
                let parsed = if t == "all" {
                    Some(0..count)
                } else {
                    t.split_once("..").and_then(|(a, b)| {
                        Some(a.trim().parse::<usize>().ok()?..b.trim().parse::<usize>().ok()?)
                    })
                };
                match parsed {
                    Some(r) if !r.is_empty() => r,
                    _ => {
                        return Err((self.at)(
                            ls.span(),
                            format!(
                                "`{t}` is not a lane range: write \"all\" or \"A..B\" (B excluded)"
                            ),
                        ))
                    }
                }
            }
        };
        if range.end > count {
            let span = lane
                .map(|l| l.span())
                .or(lanes.map(|l| l.span()))
                .unwrap_or(field.span());
            return Err((self.at)(
                span,
                format!(
                    "{} has lanes 0..{count}; lane {} is not one",
                    field.get_ref(),
                    range.end - 1
                ),
            ));
        }
        Ok((range, width))
    }

    /// A value for `field`: a number that fits, or one of its named codes.
    fn value(
        &self,
        field: &Spanned<String>,
        v: &Spanned<Value>,
        width: u8,
    ) -> Result<u64, ScenarioError> {
        let name = field.get_ref();
        let n = match v.get_ref() {
            Value::Integer(i) if *i >= 0 => *i as u64,
            Value::Boolean(b) => *b as u64,
            Value::String(s) => {
                let names = value_names(name);
                match names.iter().find(|(_, n)| n == s) {
                    Some((v, _)) => *v,
                    None if names.is_empty() => {
                        return Err((self.at)(
                            v.span(),
                            format!("{name} has no named values: give a number"),
                        ))
                    }
                    None => {
                        let known: Vec<&str> = names.iter().map(|(_, n)| *n).collect();
                        return Err((self.at)(
                            v.span(),
                            format!(
                                "`{s}` is not a value of {name} (expected one of {})",
                                known.join(", ")
                            ),
                        ));
                    }
                }
            }
            _ => {
                return Err((self.at)(
                    v.span(),
                    format!("a value of {name} is a non-negative integer or a state name"),
                ))
            }
        };
        if width < 64 && n >> width != 0 {
            return Err((self.at)(
                v.span(),
                format!("{n} does not fit {name}'s {width} bits"),
            ));
        }
        Ok(n)
    }

    fn bus(&self, b: Option<&Spanned<String>>, default: Bus) -> Result<Bus, ScenarioError> {
        match b.map(|s| (s.get_ref().as_str(), s.span())) {
            None => Ok(default),
            Some(("i2c", _)) => Ok(Bus::I2c),
            Some(("axi", _)) => Ok(Bus::Axi),
            Some((other, span)) => Err((self.at)(
                span,
                format!("unknown bus `{other}` (expected i2c or axi)"),
            )),
        }
    }

    fn physics(
        &self,
        p: &Spanned<RawPhysics>,
        cfg: &EngineConfig,
    ) -> Result<LaserEvent, ScenarioError> {
        let lane_ok = |lane: usize| {
            if lane >= cfg.laser_lanes {
                Err((self.at)(
                    p.span(),
                    format!(
                        "laser lane {lane} of an engine of {} laser lanes",
                        cfg.laser_lanes
                    ),
                ))
            } else {
                Ok(lane)
            }
        };
        let positive = |v: f64, what: &str| {
            if v.is_finite() && v >= 0.0 {
                Ok(v)
            } else {
                Err((self.at)(
                    p.span(),
                    format!("{what} {v} is not a non-negative number"),
                ))
            }
        };
        Ok(match *p.get_ref() {
            RawPhysics::LaserTemperature { celsius } => LaserEvent::Temperature(celsius),
            RawPhysics::ModuleTemperature { celsius } => LaserEvent::ModuleTemperature(celsius),
            RawPhysics::Supply { volts } => LaserEvent::Supply(positive(volts, "volts")?),
            RawPhysics::LaserHealth { lane, health } => LaserEvent::Health {
                lane: lane_ok(lane)?,
                health: positive(health, "health")?,
            },
            RawPhysics::Photodiode { lane, a_per_w } => LaserEvent::Photodiode {
                lane: lane_ok(lane)?,
                a_per_w: positive(a_per_w, "a_per_w")?,
            },
            RawPhysics::BiasSenseOpen { lane, open } => LaserEvent::OpenBiasSense {
                lane: lane_ok(lane)?,
                open,
            },
            RawPhysics::DriverShort { lane, shorted } => LaserEvent::Short {
                lane: lane_ok(lane)?,
                shorted,
            },
        })
    }

    fn link(
        &self,
        l: Option<&Spanned<RawLink>>,
        cfg: &EngineConfig,
        seed: u64,
    ) -> Result<LinkPlan, ScenarioError> {
        let straight = LinkPlan::straight(cfg.lanes, cfg.retimer.am_period, seed);
        let Some(l) = l else {
            return Ok(straight);
        };
        let r = l.get_ref();
        let plan = LinkPlan {
            permutation: r
                .permutation
                .clone()
                .unwrap_or(straight.permutation.clone()),
            skew_blocks: r
                .skew_blocks
                .clone()
                .unwrap_or(straight.skew_blocks.clone()),
            skew_bits: r.skew_bits.clone().unwrap_or(straight.skew_bits.clone()),
            bit_error_ratio: r.bit_error_ratio,
            gap: r.gap,
            ..straight
        };
        plan.check()
            .map_err(|e| (self.at)(l.span(), format!("invalid link: {e}")))?;
        // A skew past the deskew buffer is allowed: it is how a deskew
        // error is provoked.
        Ok(plan)
    }

    fn expectation(
        &self,
        e: &Spanned<RawExpect>,
        map: &RegisterMap,
        cfg: &EngineConfig,
        within: TimeWithin,
    ) -> Result<Expectation, ScenarioError> {
        let at = self.at;
        let r = e.get_ref();
        let span = e.span();
        let line = self.line(span.clone());
        let window = match (&r.by, &r.from, &r.until) {
            (Some(by), None, None) => {
                let after = match &r.after {
                    Some(a) => within(a, "after")?,
                    None => 0,
                };
                let by_c = within(by, "by")?;
                if after > by_c {
                    return Err(at(by.span(), "`by` is before `after`".into()));
                }
                Window::By { after, by: by_c }
            }
            (None, Some(from), Some(until)) if r.after.is_none() => {
                let (f, u) = (within(from, "from")?, within(until, "until")?);
                if f > u {
                    return Err(at(until.span(), "`until` is before `from`".into()));
                }
                Window::Throughout { from: f, until: u }
            }
            _ => {
                return Err(at(
                    span,
                    "an expectation takes either `by` (and optionally `after`) or both `from` \
                     and `until`"
                        .into(),
                ))
            }
        };
        let poll = match &r.poll {
            Some(p) => {
                let c = parse_time(p, cfg, at)?;
                if c == 0 {
                    return Err(at(p.span(), "a poll period must be above 0".into()));
                }
                c
            }
            None => cfg.cycles_for_ns(DEFAULT_POLL_NS),
        };
        let (check, text) = match (&r.field, &r.laser_power_mw) {
            (Some(field), None) => {
                if r.tolerance_pct.is_some() || r.tolerance_mw.is_some() {
                    return Err(at(
                        span,
                        "`tolerance_pct` and `tolerance_mw` go with `laser_power_mw`".into(),
                    ));
                }
                let (lanes, width) = self.field(map, field, r.lane.as_ref(), r.lanes.as_ref())?;
                let equals = match &r.equals {
                    Some(v) => Some(self.value(field, v, width)?),
                    None => None,
                };
                let (at_least, at_most) = (
                    r.at_least.as_ref().map(|s| *s.get_ref()),
                    r.at_most.as_ref().map(|s| *s.get_ref()),
                );
                if equals.is_none() && at_least.is_none() && at_most.is_none() {
                    return Err(at(
                        span,
                        format!(
                            "expect on {}: give `equals`, `at_least` or `at_most`",
                            field.get_ref()
                        ),
                    ));
                }
                let mut text = format!("{}{}", field.get_ref(), lanes_text(&lanes));
                if let Some(v) = &r.equals {
                    text += &format!(" = {}", v.get_ref());
                }
                if let Some(v) = at_least {
                    text += &format!(" >= {v}");
                }
                if let Some(v) = at_most {
                    text += &format!(" <= {v}");
                }
                (
                    Check::Field {
                        field: field.get_ref().clone(),
                        lanes,
                        bus: self.bus(r.bus.as_ref(), Bus::Axi)?,
                        equals,
                        at_least,
                        at_most,
                    },
                    text,
                )
            }
            (None, Some(mw)) => {
                if r.equals.is_some()
                    || r.at_least.is_some()
                    || r.at_most.is_some()
                    || r.bus.is_some()
                    || r.lanes.is_some()
                {
                    return Err(at(
                        span,
                        "`laser_power_mw` is checked on one bench laser (`lane`): no `lanes`, \
                         `equals`, `at_least`, `at_most` or `bus`"
                            .into(),
                    ));
                }
                let lane = r.lane.as_ref().map_or(0, |l| *l.get_ref());
                if lane >= cfg.laser_lanes {
                    return Err(at(
                        r.lane.as_ref().map_or(span.clone(), |l| l.span()),
                        format!(
                            "laser lane {lane} of an engine of {} laser lanes",
                            cfg.laser_lanes
                        ),
                    ));
                }
                // 2 % unless a tolerance is given.
                let (tol, tol_mw) = match (&r.tolerance_pct, &r.tolerance_mw) {
                    (None, None) => (2.0, 0.0),
                    (p, m) => (
                        p.as_ref().map_or(0.0, |t| *t.get_ref()),
                        m.as_ref().map_or(0.0, |t| *t.get_ref()),
                    ),
                };
                let ok = |v: f64| v.is_finite() && v >= 0.0;
                if !(ok(tol) && ok(tol_mw) && ok(*mw.get_ref())) {
                    return Err(at(
                        mw.span(),
                        "`laser_power_mw`, `tolerance_pct` and `tolerance_mw` are \
                         non-negative numbers"
                            .into(),
                    ));
                }
                let within = match (r.tolerance_pct.is_some(), r.tolerance_mw.is_some()) {
                    (false, true) => format!("{tol_mw} mW"),
                    (true, true) => format!("max({tol} %, {tol_mw} mW)"),
                    _ => format!("{tol} %"),
                };
                (
                    Check::LaserPower {
                        lane,
                        mw: *mw.get_ref(),
                        tolerance_pct: tol,
                        tolerance_mw: tol_mw,
                    },
                    format!("laser {lane} power = {} mW ± {within}", mw.get_ref()),
                )
            }
            _ => {
                return Err(at(
                    span,
                    "an expectation checks either a `field` or `laser_power_mw`".into(),
                ))
            }
        };
        let text = match window {
            Window::By { .. } => format!("{text} by {}", r.by.as_ref().expect("by").get_ref()),
            Window::Throughout { .. } => format!(
                "{text} from {} until {}",
                r.from.as_ref().expect("from").get_ref(),
                r.until.as_ref().expect("until").get_ref()
            ),
        };
        Ok(Expectation {
            line,
            text,
            check,
            window,
            poll,
        })
    }
}

/// How many lanes field `name` has in an engine of `cfg` (a scenario's
/// `lane` is below it): the map's instances across banks, but no more than
/// the configuration's data lanes (or laser lanes) for a per-lane field —
/// a page's bitmap has room for eight a bank, the engine has the
/// configuration's. `None`: no such field.
pub fn field_lanes(cfg: &EngineConfig, map: &RegisterMap, name: &str) -> Option<usize> {
    let (count, _) = field_shape(map, name).ok()?;
    Some(engine_lanes(cfg, map, name, count))
}

/// `count` (the map's lanes of field `name`) limited to the engine's.
fn engine_lanes(cfg: &EngineConfig, map: &RegisterMap, name: &str, count: usize) -> usize {
    match map.field(name).and_then(|f| f.hw.as_ref()) {
        Some(h) if h.scope == HwScope::Lane => count.min(cfg.lanes),
        Some(h) if h.scope == HwScope::Laser => count.min(cfg.laser_lanes),
        _ => count,
    }
}

/// `[N]` for one lane, `[A..B]` for several.
pub fn lanes_text(r: &Range<usize>) -> String {
    if r.len() == 1 {
        format!("[{}]", r.start)
    } else {
        format!("[{}..{}]", r.start, r.end)
    }
}

/// A time such as `"300 us"`, `"1.5 ms"`, `"500 ns"` or `"2000 cycles"`,
/// in cycles of `cfg`'s clock (rounded up).
fn parse_time(s: &Spanned<String>, cfg: &EngineConfig, at: At) -> Result<u64, ScenarioError> {
    let bad = || {
        at(
            s.span(),
            format!(
                "`{}` is not a time: write a number and a unit, e.g. \"300 us\" (units: ns, us, \
                 ms, cycles)",
                s.get_ref()
            ),
        )
    };
    let t = s.get_ref().trim();
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .ok_or_else(bad)?;
    let (num, unit) = (t[..split].trim(), t[split..].trim());
    let n: f64 = num.parse().map_err(|_| bad())?;
    let ns = match unit {
        "cycles" | "cycle" => {
            if n.fract() != 0.0 {
                return Err(bad());
            }
            return Ok(n as u64);
        }
        "ns" => n,
        "us" | "µs" => n * 1e3,
        "ms" => n * 1e6,
        _ => return Err(bad()),
    };
    if !ns.is_finite() || ns > 1e15 {
        return Err(at(s.span(), format!("`{t}` is too long a time")));
    }
    Ok(cfg.cycles_for_ns(ns.ceil() as u64))
}

#[cfg(test)]
mod tests;
