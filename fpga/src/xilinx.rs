//! Xilinx: the system Yosys's `synth_xilinx -flatten`, `stat` for the
//! resources and `ltp` for the logic levels of the longest
//! register-to-register path: `ltp` over every cell but the `FD*`
//! flip-flops, so they break paths (`-noff` does not know the Xilinx
//! primitives as flip-flops and measured the wrapper's shift registers);
//! every mapped cell on the path, LUT, carry or wide multiplexer, is one
//! level.

use super::{find_tool, io, run_logged, FpgaError, FPGA_TOP};
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

/// The Xilinx result.
#[derive(Debug, Clone, Serialize)]
pub struct XilinxQor {
    /// Cells of the mapped netlist by type (`LUT6`, `FDRE`, `CARRY4`, ...).
    pub cells: BTreeMap<String, u64>,
    pub luts: u64,
    pub flip_flops: u64,
    /// Cells on the longest path between flip-flops or ports.
    pub logic_levels: u64,
    pub seconds: f64,
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
                "read_verilog {name}; synth_xilinx -flatten -top {FPGA_TOP}; \
                 tee -o xilinx_stat.txt stat; tee -o xilinx_ltp.txt ltp t:FD* %n"
            ),
        ]),
        &log,
    )?;
    let seconds = t.elapsed().as_secs_f64();
    let read = |f: &str| {
        let p = dir.join(f);
        std::fs::read_to_string(&p).map_err(io(&p))
    };
    let cells = parse_stat(&read("xilinx_stat.txt")?);
    let levels = parse_ltp(&read("xilinx_ltp.txt")?).ok_or_else(|| FpgaError::Report {
        path: dir.join("xilinx_ltp.txt"),
        what: "no `length=` in the ltp output".into(),
    })?;
    let sum = |pre: &[&str]| -> u64 {
        cells
            .iter()
            .filter(|(k, _)| pre.iter().any(|p| k.starts_with(p)))
            .map(|(_, n)| n)
            .sum()
    };
    Ok(XilinxQor {
        luts: sum(&["LUT"]),
        flip_flops: sum(&["FD"]),
        cells,
        logic_levels: levels,
        seconds,
    })
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
