//! Xilinx: the system Yosys's `synth_xilinx -flatten`, `stat` for the
//! resources and `ltp` for the logic levels of the longest
//! register-to-register path: `ltp` over every cell but the `FD*`
//! flip-flops, so they break paths (`-noff` does not know the Xilinx
//! primitives as flip-flops and measured the wrapper's shift registers);
//! every mapped cell on the path, LUT, carry or wide multiplexer, is one
//! level.
//!
//! Lane 0 keeps its hierarchy through the flattening synthesis
//! (`keep_hierarchy` on [`LANE_MODULE`]) so `stat` counts one lane's
//! resources on their own; the totals are the design hierarchy's (lane 0
//! loses only the optimisations across its ports: 0.9 % more LUTs on the
//! one-lane engine than a full flatten). `ltp` runs after a final flatten.

use super::{find_tool, io, run_logged, FpgaError, FPGA_TOP};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The module of data lane 0 in the emitted Verilog (rust-hdl names a
/// child `parent$field$index`).
pub const LANE_MODULE: &str = "xpo_core$lanes$0";

/// Resources of a netlist or of one module of it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Resources {
    /// Cells by type (`LUT6`, `FDRE`, `CARRY4`, ...).
    pub cells: BTreeMap<String, u64>,
    pub luts: u64,
    pub flip_flops: u64,
    /// `RAMB*` block RAMs.
    pub block_rams: u64,
}

impl Resources {
    fn of(cells: BTreeMap<String, u64>) -> Self {
        let sum = |pre: &str| -> u64 {
            cells
                .iter()
                .filter(|(k, _)| k.starts_with(pre))
                .map(|(_, n)| n)
                .sum()
        };
        Self {
            luts: sum("LUT"),
            flip_flops: sum("FD"),
            block_rams: sum("RAMB"),
            cells,
        }
    }
}

/// The Xilinx result.
#[derive(Debug, Clone, Serialize)]
pub struct XilinxQor {
    /// The whole design (engine and pin wrapper).
    #[serde(flatten)]
    pub total: Resources,
    /// Data lane 0 alone (all its blocks: both retimer paths, the four
    /// pattern units, the data-path state machine).
    pub per_lane: Option<Resources>,
    /// Cells on the longest path between flip-flops or ports.
    pub logic_levels: u64,
    /// The longest path's first and last net, as `ltp` names them.
    pub longest_path: Option<(String, String)>,
    pub seconds: f64,
    /// The receive link's alignment with its deskew buffers and reorder
    /// (`xpo_hdl::retimer::Deskew`), synthesised on its own: the engine's
    /// links only monitor so far (the buffers are not in its data path,
    /// nor in `total`), and this is what wiring them in will cost.
    pub rx_deskew: Option<DeskewQor>,
}

/// The receive link's deskew block on its own.
#[derive(Debug, Clone, Serialize)]
pub struct DeskewQor {
    pub lanes: usize,
    /// The deepest skew its buffers absorb, in blocks.
    pub max_skew_blocks: u32,
    #[serde(flatten)]
    pub resources: Resources,
    pub seconds: f64,
}

/// Synthesises the receive link's deskew block for `cfg` (in `dir`) with
/// `yosys`.
pub fn run_deskew(
    yosys: &Path,
    cfg: &xpo_spec::EngineConfig,
    dir: &Path,
) -> Result<DeskewQor, FpgaError> {
    let link = xpo_spec::retimer::LinkParams::new(cfg);
    let v = xpo_hdl::emit::emit_deskew(link.lanes, link.period, link.max_skew, true)?;
    let file = dir.join("xpo_deskew.v");
    std::fs::write(&file, v).map_err(io(&file))?;
    let top = xpo_hdl::emit::DESKEW_MODULE;
    let t = Instant::now();
    run_logged(
        "yosys synth_xilinx (deskew)",
        Command::new(yosys).current_dir(dir).args([
            "-p",
            &format!(
                "read_verilog xpo_deskew.v; synth_xilinx -flatten -top {top}; \
                 tee -o deskew_stat.txt stat"
            ),
        ]),
        &dir.join("deskew_synth.log"),
    )?;
    let seconds = t.elapsed().as_secs_f64();
    let p = dir.join("deskew_stat.txt");
    let stat = std::fs::read_to_string(&p).map_err(io(&p))?;
    let resources = stat_sections(&stat)
        .into_iter()
        .find(|(n, _)| n == top)
        .map(|(_, c)| Resources::of(c))
        .ok_or_else(|| FpgaError::Report {
            path: p.clone(),
            what: format!("no statistics for {top}"),
        })?;
    Ok(DeskewQor {
        lanes: link.lanes,
        max_skew_blocks: link.max_skew,
        resources,
        seconds,
    })
}

/// Finds the system Yosys, or names what to install.
pub fn tool() -> Result<PathBuf, FpgaError> {
    let mut c = Vec::new();
    if let Some(p) = std::env::var_os("XPO_YOSYS").filter(|v| !v.is_empty()) {
        c.push(PathBuf::from(p));
    }
    c.push(PathBuf::from("yosys"));
    find_tool(&c, "-V").ok_or_else(|| FpgaError::Missing {
        tool: "yosys".into(),
        hint: "install it with `sudo apt-get install -y yosys` (or run scripts/deps.sh)".into(),
    })
}

/// Synthesises `design` (in `dir`) with `yosys`.
pub fn run(yosys: &Path, design: &Path, dir: &Path) -> Result<XilinxQor, FpgaError> {
    let name = design
        .file_name()
        .and_then(|n| n.to_str())
        .expect("the design file has a name");
    let t = Instant::now();
    let log = dir.join("xilinx_synth.log");
    run_logged(
        "yosys synth_xilinx",
        Command::new(yosys).current_dir(dir).args([
            "-p",
            &format!(
                "read_verilog {name}; hierarchy -top {FPGA_TOP}; \
                 setattr -mod -set keep_hierarchy 1 {LANE_MODULE}; \
                 synth_xilinx -flatten -top {FPGA_TOP}; tee -o xilinx_stat.txt stat; \
                 setattr -mod -unset keep_hierarchy *; flatten; \
                 tee -o xilinx_ltp.txt ltp t:FD* %n"
            ),
        ]),
        &log,
    )?;
    let seconds = t.elapsed().as_secs_f64();
    let read = |f: &str| {
        let p = dir.join(f);
        std::fs::read_to_string(&p).map_err(io(&p))
    };
    let stat = read("xilinx_stat.txt")?;
    let sections = stat_sections(&stat);
    // With a kept module, the totals are the design hierarchy's.
    let total = sections
        .iter()
        .find(|(n, _)| n == "design hierarchy")
        .or_else(|| sections.iter().find(|(n, _)| n == FPGA_TOP))
        .map(|(_, c)| Resources::of(c.clone()))
        .ok_or_else(|| FpgaError::Report {
            path: dir.join("xilinx_stat.txt"),
            what: format!("no statistics for {FPGA_TOP}"),
        })?;
    let per_lane = sections
        .iter()
        .find(|(n, _)| n == LANE_MODULE)
        .map(|(_, c)| Resources::of(c.clone()));
    let ltp = read("xilinx_ltp.txt")?;
    let levels = parse_ltp(&ltp).ok_or_else(|| FpgaError::Report {
        path: dir.join("xilinx_ltp.txt"),
        what: "no `length=` in the ltp output".into(),
    })?;
    Ok(XilinxQor {
        total,
        per_lane,
        logic_levels: levels,
        longest_path: ltp_ends(&ltp),
        seconds,
        rx_deskew: None,
    })
}

/// The cell counts of each `=== name ===` section of a `stat` report.
pub fn stat_sections(text: &str) -> Vec<(String, BTreeMap<String, u64>)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for line in text.lines() {
        let t = line.trim();
        if let Some(name) = t.strip_prefix("=== ").and_then(|r| r.strip_suffix(" ===")) {
            out.push((name.to_string(), String::new()));
        } else if let Some((_, body)) = out.last_mut() {
            body.push_str(line);
            body.push('\n');
        }
    }
    out.into_iter()
        .map(|(n, body)| (n, parse_stat(&body)))
        .collect()
}

/// The first and last net on the `ltp` path (lines `  0: \net [3]`).
pub fn ltp_ends(text: &str) -> Option<(String, String)> {
    let nets: Vec<String> = text
        .lines()
        .filter_map(|l| {
            let (n, rest) = l.trim().split_once(": ")?;
            n.parse::<u64>().ok()?;
            Some(rest.split(" (via").next()?.trim().to_string())
        })
        .collect();
    Some((nets.first()?.clone(), nets.last()?.clone()))
}

/// Cell counts from Yosys `stat` (lines `     LUT6    9757`).
pub fn parse_stat(text: &str) -> BTreeMap<String, u64> {
    let mut cells = BTreeMap::new();
    for line in text.lines() {
        let mut w = line.split_whitespace();
        if let (Some(name), Some(n), None) = (w.next(), w.next(), w.next()) {
            let known = ["LUT", "FD", "CARRY", "MUXF", "DSP", "RAM", "SRL", "BUF"];
            if known.iter().any(|k| name.starts_with(k)) {
                if let Ok(n) = n.parse() {
                    cells.insert(name.to_string(), n);
                }
            }
        }
    }
    cells
}

/// The length from `ltp` (`Longest topological path in top (length=12):`).
pub fn parse_ltp(text: &str) -> Option<u64> {
    let at = text.find("length=")? + "length=".len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit())
        .collect();
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_split_a_kept_module_from_the_totals() {
        let stat = "\n=== xpo_core$lanes$0 ===\n   Number of cells: 3\n     FDRE  2\n     LUT6  1\n\n=== top ===\n     FDRE  5\n     RAMB36E1  1\n     xpo_core$lanes$0  1\n\n=== design hierarchy ===\n   top  1\n     xpo_core$lanes$0  1\n     FDRE  7\n     LUT6  1\n     RAMB36E1  1\n";
        let s = stat_sections(stat);
        let names: Vec<&str> = s.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["xpo_core$lanes$0", "top", "design hierarchy"]);
        let total = Resources::of(s[2].1.clone());
        assert_eq!((total.luts, total.flip_flops, total.block_rams), (1, 7, 1));
        let lane = Resources::of(s[0].1.clone());
        assert_eq!((lane.luts, lane.flip_flops, lane.block_rams), (1, 2, 0));
        let ltp = "Longest topological path in top (length=2):\n    0: \\a.q [3]\n    1: $x.CO [3] (via $y)\n    2: \\b.d [0] (via $z)\n";
        assert_eq!(
            ltp_ends(ltp),
            Some(("\\a.q [3]".to_string(), "\\b.d [0]".to_string()))
        );
    }

    #[test]
    fn stat_and_ltp_are_read() {
        let stat = "\n   Number of cells:              25\n     CARRY4  2\n     FDRE   10\n     FDSE  1\n     LUT2  3\n     LUT6  4\n     MUXF7  5\n";
        let c = parse_stat(stat);
        assert_eq!(c.len(), 6, "{c:?}");
        assert_eq!(c["FDRE"], 10);
        assert_eq!(c["LUT6"], 4);
        assert!(!c.contains_key("Number"));
        let ltp = "\n4. Executing LTP pass.\nLongest topological path in xpo_fpga_top (length=17):\n    0: \\in_sr [0]\n";
        assert_eq!(parse_ltp(ltp), Some(17));
        assert_eq!(parse_ltp("nothing"), None);
    }
}
