//! nextpnr's `--report` JSON: `fmax` per clock net, `utilization` per
//! resource type, and `critical_paths`, each a list of segments
//! (`clk-to-q`, `routing`, `logic`, `setup`) between cell ports.

use crate::block_of;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// Resources used of those available.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Used {
    pub used: u64,
    pub available: u64,
}

/// One cell crossed by the critical path, and what it costs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Segment {
    /// `clk-to-q`, `logic`, `routing` or `setup`.
    pub kind: String,
    pub cell: String,
    pub delay_ns: f64,
}

/// The worst register-to-register path of the core clock.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CriticalPath {
    /// Launching flip-flop (cell) and the register it holds.
    pub start: String,
    /// Capturing cell and port (`CE` when the path ends in a clock enable).
    pub end: String,
    pub end_port: String,
    pub delay_ns: f64,
    pub logic_ns: f64,
    pub routing_ns: f64,
    /// Cells the path goes through (LUTs, carry cells, multipliers).
    pub logic_levels: usize,
    /// The rust-hdl blocks it crosses, in order.
    pub blocks: Vec<String>,
    pub segments: Vec<Segment>,
}

/// What `parse_report` reads.
#[derive(Debug, Clone, PartialEq)]
pub struct Report {
    pub fmax_mhz: f64,
    pub utilisation: BTreeMap<String, Used>,
    pub critical_path: Option<CriticalPath>,
}

/// Reads a nextpnr report. The core clock is the one whose net name
/// contains `clock`; an error names what is missing.
pub fn parse_report(text: &str) -> Result<Report, String> {
    let v: Value = serde_json::from_str(text).map_err(|e| format!("not JSON: {e}"))?;
    let fmax = v
        .get("fmax")
        .and_then(Value::as_object)
        .ok_or("no `fmax` section")?;
    let (clock, f) = fmax
        .iter()
        .find(|(k, _)| k.contains("clock"))
        .ok_or("no clock named `clock` in `fmax`")?;
    let fmax_mhz = f
        .get("achieved")
        .and_then(Value::as_f64)
        .ok_or(format!("`fmax.{clock}` has no `achieved`"))?;
    let mut utilisation = BTreeMap::new();
    if let Some(u) = v.get("utilization").and_then(Value::as_object) {
        for (k, e) in u {
            let get = |f: &str| e.get(f).and_then(Value::as_u64).unwrap_or(0);
            if get("used") > 0 {
                utilisation.insert(
                    k.clone(),
                    Used {
                        used: get("used"),
                        available: get("available"),
                    },
                );
            }
        }
    }
    let paths = v
        .get("critical_paths")
        .and_then(Value::as_array)
        .ok_or("no `critical_paths` section")?;
    let of_clock = paths.iter().find(|p| {
        let s = |k: &str| p.get(k).and_then(Value::as_str).unwrap_or("");
        // "posedge <net>" on both ends: a register-to-register path.
        s("from").ends_with(clock.as_str()) && s("to").ends_with(clock.as_str())
    });
    let critical_path = of_clock.map(path).transpose()?;
    Ok(Report {
        fmax_mhz,
        utilisation,
        critical_path,
    })
}

fn path(p: &Value) -> Result<CriticalPath, String> {
    let segs = p
        .get("path")
        .and_then(Value::as_array)
        .ok_or("a critical path without `path`")?;
    let cell = |s: &Value, end: &str| -> String {
        s.get(end)
            .and_then(|e| e.get("cell"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let mut segments = Vec::new();
    for s in segs {
        segments.push(Segment {
            kind: s.get("type").and_then(Value::as_str).unwrap_or("").into(),
            cell: cell(s, "to"),
            delay_ns: s.get("delay").and_then(Value::as_f64).unwrap_or(0.0),
        });
    }
    let first = segs.first().ok_or("an empty critical path")?;
    let last = segs.last().expect("non-empty");
    let sum = |k: &str| -> f64 {
        segments
            .iter()
            .filter(|s| s.kind == k)
            .map(|s| s.delay_ns)
            .sum()
    };
    let mut blocks: Vec<String> = Vec::new();
    // Cells nextpnr made itself (`$nextpnr_CCU2C_...`, carry chain
    // pieces) carry no hierarchy: the blocks around them say where they are.
    for s in segments.iter().filter(|s| !s.cell.starts_with('$')) {
        let b = block_of(&s.cell);
        if blocks.last() != Some(&b) {
            blocks.push(b);
        }
    }
    Ok(CriticalPath {
        start: cell(first, "from"),
        end: cell(last, "to"),
        end_port: last
            .get("to")
            .and_then(|e| e.get("port"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .into(),
        delay_ns: segments.iter().map(|s| s.delay_ns).sum(),
        logic_ns: sum("logic") + sum("clk-to-q") + sum("setup"),
        routing_ns: sum("routing"),
        logic_levels: segments.iter().filter(|s| s.kind == "logic").count(),
        blocks,
        segments,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A report in nextpnr 0.11's shape, written by hand: a 3-segment
    /// path through one LUT, an I/O clock that must be skipped.
    const REPORT: &str = r#"{
      "fmax": {
        "$glbnet$clock$TRELLIS_IO_IN": {"achieved": 27.5, "constraint": 156.25}
      },
      "utilization": {
        "TRELLIS_COMB": {"available": 83640, "used": 9243},
        "DP16KD": {"available": 208, "used": 0}
      },
      "critical_paths": [
        {"from": "<async>", "to": "posedge $glbnet$clock$TRELLIS_IO_IN", "path": []},
        {"from": "posedge $glbnet$clock$TRELLIS_IO_IN", "to": "posedge $glbnet$clock$TRELLIS_IO_IN",
         "path": [
          {"type": "clk-to-q", "delay": 0.5,
           "from": {"cell": "engine.core.lasers$0.power_mon.avg$q_FF", "port": "CLK"},
           "to": {"cell": "engine.core.lasers$0.power_mon.avg$q_FF", "port": "Q"}},
          {"type": "routing", "delay": 2.0,
           "from": {"cell": "engine.core.lasers$0.power_mon.avg$q_FF", "port": "Q"},
           "to": {"cell": "engine.core.lasers$0.control.lut", "port": "A"}},
          {"type": "logic", "delay": 0.25,
           "from": {"cell": "engine.core.lasers$0.control.lut", "port": "A"},
           "to": {"cell": "engine.core.lasers$0.control.lut", "port": "F"}},
          {"type": "logic", "delay": 0.0,
           "from": {"cell": "$nextpnr_CCU2C_89$CCU2_COMB0", "port": "FCI"},
           "to": {"cell": "$nextpnr_CCU2C_89$CCU2_COMB0", "port": "FCO"}},
          {"type": "setup", "delay": 0.1,
           "from": {"cell": "engine.core.lasers$0.integral.q_FF", "port": "CE"},
           "to": {"cell": "engine.core.lasers$0.integral.q_FF", "port": "CE"}}
         ]}
      ]
    }"#;

    #[test]
    fn reads_fmax_use_and_the_clock_path() {
        let r = parse_report(REPORT).unwrap();
        assert_eq!(r.fmax_mhz, 27.5);
        assert_eq!(r.utilisation.len(), 1, "unused resources dropped");
        assert_eq!(r.utilisation["TRELLIS_COMB"].used, 9243);
        let p = r.critical_path.unwrap();
        assert_eq!(p.start, "engine.core.lasers$0.power_mon.avg$q_FF");
        assert_eq!(p.end, "engine.core.lasers$0.integral.q_FF");
        assert_eq!(p.end_port, "CE");
        assert_eq!(p.logic_levels, 2);
        assert!((p.delay_ns - 2.85).abs() < 1e-9);
        assert!((p.routing_ns - 2.0).abs() < 1e-9);
        assert_eq!(
            p.blocks,
            [
                "lasers$0.power_mon",
                "lasers$0.control",
                "lasers$0.integral"
            ]
        );
    }

    #[test]
    fn a_report_without_the_clock_says_so() {
        let e = parse_report(r#"{"fmax": {"other": {"achieved": 1.0}}}"#).unwrap_err();
        assert!(e.contains("`clock`"), "{e}");
        assert!(parse_report("not json").unwrap_err().contains("not JSON"));
    }
}
