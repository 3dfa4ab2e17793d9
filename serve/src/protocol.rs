//! The line protocol of `xpo serve`, one command a line (ASCII, `\n` or
//! `\r\n`), one answer a line:
//!
//! | command | answer |
//! |---|---|
//! | `R <addr> <len>` | `OK <hex bytes>` |
//! | `W <addr> <hex bytes>` | `OK` |
//! | `PIN <LPMode\|ResetL\|Interlock\|ModuleFault> <0\|1>` | `OK` |
//! | `EVENT <what> <args>` | `OK` |
//! | `STEP <cycles>` | `OK` (once that many more cycles have run) |
//! | `TIME` | `OK <simulated ns>` |
//!
//! Anything else is answered `ERR <reason>` and the connection stays
//! open. Addresses are Linux optoe / SONiC linear addresses (lower page
//! 0..127, upper page P of bank B at (B·256 + P)·128 + byte), decimal or
//! `0x` hex; lengths decimal or hex; data as hex digit pairs.
//!
//! Events (the physics and channel of the simulated world):
//! `laser-temperature <°C>`, `module-temperature <°C>`, `supply <V>`,
//! `laser-health <lane> <0..>`, `photodiode <lane> <A/W>`,
//! `bias-sense-open <lane> <0|1>`, `driver-short <lane> <0|1>`,
//! `los <host|media> <lane> <0|1>` (a lane's input dark or lit).

use xpo_sim::laser::LaserEvent;

/// The longest line read; longer ones are refused whole.
pub const MAX_LINE: usize = 4096;
/// The most bytes one `R` reads.
pub const MAX_READ: usize = 1024;
/// The most cycles one `STEP` asks for (about 6.4 s at 156.25 MHz).
pub const MAX_STEP: u64 = 1_000_000_000;

/// A module pin.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pin {
    LpMode,
    ResetL,
    Interlock,
    ModuleFault,
}

/// One parsed command.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    Read {
        addr: u32,
        len: usize,
    },
    Write {
        addr: u32,
        data: Vec<u8>,
    },
    Pin {
        pin: Pin,
        high: bool,
    },
    Laser(LaserEvent),
    /// `side`: true for the host side (the Tx paths' input).
    Los {
        host: bool,
        lane: usize,
        dark: bool,
    },
    Step(u64),
    Time,
}

/// The highest linear address: bank 255, page FFh, byte 255.
const MAX_ADDR: u64 = (255 * 256 + 255) * 128 + 255;

fn number(s: &str, what: &str) -> Result<u64, String> {
    let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse(),
    };
    v.map_err(|_| format!("{what} `{s}` is not a number"))
}

fn real(s: &str, what: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(v),
        _ => Err(format!("{what} `{s}` is not a number")),
    }
}

fn bit(s: &str, what: &str) -> Result<bool, String> {
    match s {
        "0" => Ok(false),
        "1" => Ok(true),
        _ => Err(format!("{what} `{s}` is not 0 or 1")),
    }
}

fn hex(s: &str) -> Result<Vec<u8>, String> {
    if s.is_empty() || !s.len().is_multiple_of(2) {
        return Err("data must be an even number of hex digits".into());
    }
    (0..s.len())
        .step_by(2)
        .map(|i| {
            u8::from_str_radix(&s[i..i + 2], 16)
                .map_err(|_| format!("`{}` is not a hex byte", &s[i..i + 2]))
        })
        .collect()
}

/// Parses one line (without its line ending) against `lanes` data lanes
/// and `laser_lanes` laser lanes.
pub fn parse(line: &str, lanes: usize, laser_lanes: usize) -> Result<Command, String> {
    let words: Vec<&str> = line.split_ascii_whitespace().collect();
    let arity = |n: usize, usage: &str| {
        if words.len() == n {
            Ok(())
        } else {
            Err(format!("usage: {usage}"))
        }
    };
    let laser_lane = |s: &str| -> Result<usize, String> {
        let l = number(s, "lane")? as usize;
        if l >= laser_lanes {
            return Err(format!("laser lane {l} of {laser_lanes}"));
        }
        Ok(l)
    };
    let addr = |s: &str| -> Result<u32, String> {
        let a = number(s, "address")?;
        if a > MAX_ADDR {
            return Err(format!("address {a} is beyond the linear layout"));
        }
        Ok(a as u32)
    };
    match words.first().copied() {
        None => Err("empty line".into()),
        Some("R") => {
            arity(3, "R <addr> <len>")?;
            let a = addr(words[1])?;
            let len = number(words[2], "length")? as usize;
            if len == 0 || len > MAX_READ {
                return Err(format!("length {len} is outside 1..={MAX_READ}"));
            }
            if u64::from(a) + len as u64 - 1 > MAX_ADDR {
                return Err("the read runs past the linear layout".into());
            }
            Ok(Command::Read { addr: a, len })
        }
        Some("W") => {
            arity(3, "W <addr> <hex bytes>")?;
            let a = addr(words[1])?;
            let data = hex(words[2])?;
            if u64::from(a) + data.len() as u64 - 1 > MAX_ADDR {
                return Err("the write runs past the linear layout".into());
            }
            Ok(Command::Write { addr: a, data })
        }
        Some("PIN") => {
            arity(3, "PIN <LPMode|ResetL|Interlock|ModuleFault> <0|1>")?;
            let pin = match words[1] {
                "LPMode" | "LowPwr" => Pin::LpMode,
                "ResetL" => Pin::ResetL,
                "Interlock" => Pin::Interlock,
                "ModuleFault" => Pin::ModuleFault,
                p => return Err(format!("unknown pin `{p}`")),
            };
            Ok(Command::Pin {
                pin,
                high: bit(words[2], "level")?,
            })
        }
        Some("STEP") => {
            arity(2, "STEP <cycles>")?;
            let n = number(words[1], "cycles")?;
            if n == 0 || n > MAX_STEP {
                return Err(format!("cycles {n} is outside 1..={MAX_STEP}"));
            }
            Ok(Command::Step(n))
        }
        Some("TIME") => {
            arity(1, "TIME")?;
            Ok(Command::Time)
        }
        Some("EVENT") => {
            let what = words.get(1).copied().unwrap_or("");
            let e = match what {
                "laser-temperature" => {
                    arity(3, "EVENT laser-temperature <celsius>")?;
                    LaserEvent::Temperature(real(words[2], "celsius")?)
                }
                "module-temperature" => {
                    arity(3, "EVENT module-temperature <celsius>")?;
                    LaserEvent::ModuleTemperature(real(words[2], "celsius")?)
                }
                "supply" => {
                    arity(3, "EVENT supply <volts>")?;
                    let v = real(words[2], "volts")?;
                    if v < 0.0 {
                        return Err("volts must not be negative".into());
                    }
                    LaserEvent::Supply(v)
                }
                "laser-health" => {
                    arity(4, "EVENT laser-health <lane> <health>")?;
                    let h = real(words[3], "health")?;
                    if h < 0.0 {
                        return Err("health must not be negative".into());
                    }
                    LaserEvent::Health {
                        lane: laser_lane(words[2])?,
                        health: h,
                    }
                }
                "photodiode" => {
                    arity(4, "EVENT photodiode <lane> <A/W>")?;
                    let r = real(words[3], "A/W")?;
                    if r < 0.0 {
                        return Err("A/W must not be negative".into());
                    }
                    LaserEvent::Photodiode {
                        lane: laser_lane(words[2])?,
                        a_per_w: r,
                    }
                }
                "bias-sense-open" => {
                    arity(4, "EVENT bias-sense-open <lane> <0|1>")?;
                    LaserEvent::OpenBiasSense {
                        lane: laser_lane(words[2])?,
                        open: bit(words[3], "open")?,
                    }
                }
                "driver-short" => {
                    arity(4, "EVENT driver-short <lane> <0|1>")?;
                    LaserEvent::Short {
                        lane: laser_lane(words[2])?,
                        shorted: bit(words[3], "shorted")?,
                    }
                }
                "los" => {
                    arity(5, "EVENT los <host|media> <lane> <0|1>")?;
                    let host = match words[2] {
                        "host" => true,
                        "media" => false,
                        s => return Err(format!("unknown side `{s}` (host or media)")),
                    };
                    let lane = number(words[3], "lane")? as usize;
                    if lane >= lanes {
                        return Err(format!("data lane {lane} of {lanes}"));
                    }
                    return Ok(Command::Los {
                        host,
                        lane,
                        dark: bit(words[4], "dark")?,
                    });
                }
                "" => return Err("usage: EVENT <what> <args>".into()),
                w => return Err(format!("unknown event `{w}`")),
            };
            Ok(Command::Laser(e))
        }
        Some(c) => Err(format!(
            "unknown command `{c}` (R, W, PIN, EVENT, STEP, TIME)"
        )),
    }
}

/// Lines `xpo serve` must refuse, and a word of each refusal (shared with
/// the served-module tests, which send them over a socket).
pub const MALFORMED: &[(&str, &str)] = &[
    ("", "empty line"),
    ("   ", "empty line"),
    ("X 1 2", "unknown command `X`"),
    ("r 0 1", "unknown command `r`"),
    ("R", "usage: R"),
    ("R 0", "usage: R"),
    ("R 0 1 2", "usage: R"),
    ("R zero 1", "address `zero` is not a number"),
    ("R 0 0", "outside 1..="),
    ("R 0 5000", "outside 1..="),
    ("R 0x9999999 1", "beyond the linear layout"),
    ("R -1 1", "is not a number"),
    ("W 0", "usage: W"),
    ("W 0 1", "even number of hex digits"),
    ("W 0 zz", "`zz` is not a hex byte"),
    ("W 0x 00", "is not a number"),
    ("PIN Reset 1", "unknown pin `Reset`"),
    ("PIN ResetL 2", "level `2` is not 0 or 1"),
    ("PIN ResetL", "usage: PIN"),
    ("STEP", "usage: STEP"),
    ("STEP 0", "outside 1..="),
    ("STEP many", "is not a number"),
    ("TIME now", "usage: TIME"),
    ("EVENT", "usage: EVENT"),
    ("EVENT fiber-pulled 1", "unknown event `fiber-pulled`"),
    ("EVENT laser-health 9 0.5", "laser lane 9 of 8"),
    ("EVENT laser-health 1 -2", "must not be negative"),
    ("EVENT laser-temperature hot", "is not a number"),
    ("EVENT los side 1 1", "unknown side `side`"),
    ("EVENT los media 8 1", "data lane 8 of 8"),
    ("EVENT driver-short 1 yes", "is not 0 or 1"),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn p(l: &str) -> Result<Command, String> {
        parse(l, 8, 8)
    }

    #[test]
    fn commands_parse_into_what_they_say() {
        assert_eq!(p("R 0 128"), Ok(Command::Read { addr: 0, len: 128 }));
        // Bank 1, page 10h, byte 128: (256 + 16) * 128 + 0.
        assert_eq!(
            p("R 0x8800 8"),
            Ok(Command::Read {
                addr: 34_816,
                len: 8
            })
        );
        assert_eq!(
            p("W 26 10"),
            Ok(Command::Write {
                addr: 26,
                data: vec![0x10]
            })
        );
        assert_eq!(
            p("W 0x1D90 13881F40\r"),
            Ok(Command::Write {
                addr: 0x1D90,
                data: vec![0x13, 0x88, 0x1F, 0x40]
            })
        );
        assert_eq!(
            p("PIN ResetL 0"),
            Ok(Command::Pin {
                pin: Pin::ResetL,
                high: false
            })
        );
        assert_eq!(p("STEP 1000"), Ok(Command::Step(1000)));
        assert_eq!(p("TIME"), Ok(Command::Time));
        assert_eq!(
            p("EVENT laser-health 2 0.5"),
            Ok(Command::Laser(LaserEvent::Health {
                lane: 2,
                health: 0.5
            }))
        );
        assert_eq!(
            p("EVENT los media 3 1"),
            Ok(Command::Los {
                host: false,
                lane: 3,
                dark: true
            })
        );
    }

    /// The malformed-line corpus: each is refused with a reason.
    #[test]
    fn malformed_lines_are_refused_with_a_reason() {
        for (line, why) in MALFORMED {
            let e = p(line).unwrap_err();
            assert!(e.contains(why), "{line:?}: {e}");
        }
        assert!(MALFORMED.len() >= 20);
    }
}
