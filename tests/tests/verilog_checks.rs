//! The emitted Verilog is lint-clean under `verilator --lint-only -Wall`
//! (with only the documented waivers) and synthesizes in Yosys with no
//! latches and no undriven nets.

use std::process::Command;
use xpo_hdl::{emit_verilog, VERILATOR_LINT_WAIVERS};
use xpo_spec::EngineConfig;

fn emitted(cfg: &EngineConfig) -> (tempfile::TempDir, std::path::PathBuf, &'static str) {
    let v = emit_verilog(cfg).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("xpo_engine.v");
    std::fs::write(&path, &v.verilog).unwrap();
    (dir, path, v.top)
}

#[test]
fn verilator_lint_wall_is_clean() {
    for lanes in [1, 8] {
        let cfg = EngineConfig {
            lanes,
            ..Default::default()
        };
        let (_dir, path, top) = emitted(&cfg);
        let mut cmd = Command::new("verilator");
        cmd.args(["--lint-only", "-Wall", "--top-module", top]);
        for (w, _why) in VERILATOR_LINT_WAIVERS {
            cmd.arg(format!("-Wno-{w}"));
        }
        let out = cmd
            .arg(&path)
            .output()
            .expect("verilator is installed (scripts/deps.sh)");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            out.status.success(),
            "lint failed for {lanes} lanes:\n{stderr}"
        );
        assert!(
            !stderr.contains("%Warning"),
            "warnings for {lanes} lanes:\n{stderr}"
        );
    }
}

/// Without the waivers the only complaints are the waived ones: the waiver
/// list hides nothing else.
#[test]
fn waivers_cover_only_what_they_say() {
    let (_dir, path, top) = emitted(&EngineConfig {
        lanes: 2,
        ..Default::default()
    });
    let out = Command::new("verilator")
        .args(["--lint-only", "-Wall", "--top-module", top])
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    for line in stderr.lines().filter(|l| l.starts_with("%Warning-")) {
        let code = line
            .trim_start_matches("%Warning-")
            .split(':')
            .next()
            .unwrap();
        assert!(
            VERILATOR_LINT_WAIVERS.iter().any(|(w, _)| *w == code),
            "unwaived: {line}"
        );
    }
}

/// Two data lanes and two laser lanes: every kind of block, each lane's
/// logic instanced more than once (the default engine is synthesized by
/// `xpo fpga`; here the check is structural, and a quarter of the engine
/// keeps the regression inside its time budget).
#[test]
fn yosys_synthesis_has_no_latches_or_undriven_nets() {
    let (dir, path, top) = emitted(&EngineConfig {
        lanes: 2,
        laser_lanes: 2,
        ..Default::default()
    });
    let script = format!(
        "read_verilog {}; synth -flatten -top {top}; check -assert; \
         select -assert-none t:$dlatch t:$adlatch t:$dlatchsr t:$_DLATCH_* t:$_DLATCHSR_*; \
         tee -o {}/stat.txt stat",
        path.display(),
        dir.path().display()
    );
    let out = Command::new("yosys")
        .args(["-q", "-p", &script])
        .output()
        .expect("yosys is installed (scripts/deps.sh)");
    let log =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "yosys failed:\n{log}");
    let stat = std::fs::read_to_string(dir.path().join("stat.txt")).unwrap();
    // Per lane at least the PRBS pair (generator 31+4+1+1+66+1, checker
    // 31+4+1+1+8+64+64) and the two retimer paths' data stages (3 x 66
    // bits each) survive.
    let dff_bits: u64 = stat
        .lines()
        .filter(|l| l.contains("$_DFF_") || l.contains("$_SDFF") || l.contains("$_DFFE"))
        .filter_map(|l| l.split_whitespace().last()?.parse::<u64>().ok())
        .sum();
    assert!(
        dff_bits > 2 * (200 + 2 * 198),
        "flip-flops survived synthesis:\n{stat}"
    );
}
