//! The `xpo` binary: outputs, exit codes and error messages.

use std::process::Command;

fn xpo(args: &[&str]) -> (i32, String, String) {
    xpo_env(&[], args)
}

fn xpo_env(env: &[(&str, &str)], args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .envs(env.iter().copied())
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into(),
        String::from_utf8_lossy(&out.stderr).into(),
    )
}

#[test]
fn emit_writes_verilog_file_list_and_config() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("rtl");
    let cfg = dir.path().join("c.toml");
    std::fs::write(&cfg, "lanes = 4\nclock_hz = 390625000\n").unwrap();
    let (code, _, err) = xpo(&[
        "emit",
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let v = std::fs::read_to_string(out.join("xpo_engine.v")).unwrap();
    assert!(v.contains("module xpo_engine") && v.contains("input wire [263:0] rx_data"));
    assert_eq!(
        std::fs::read_to_string(out.join("xpo_engine.f")).unwrap(),
        "xpo_engine.v\n"
    );
    let used = std::fs::read_to_string(out.join("xpo.toml")).unwrap();
    assert!(
        used.contains("lanes = 4") && used.contains("390625000"),
        "{used}"
    );
    assert_eq!(
        std::fs::read_dir(&out).unwrap().count(),
        3,
        "no temporary files left"
    );
}

#[test]
fn bad_config_exits_2_naming_field_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let cfg = dir.path().join("bad.toml");
    std::fs::write(&cfg, "lanes = 40\n").unwrap();
    let out = dir.path().join("rtl");
    let (code, _, err) = xpo(&[
        "emit",
        "--out",
        out.to_str().unwrap(),
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("lanes") && err.contains("40"), "{err}");
    assert!(!out.exists(), "nothing written");
    std::fs::write(&cfg, "lanes = \"eight\"\n").unwrap();
    let (code, _, err) = xpo(&["run", "--cycles", "10", "--config", cfg.to_str().unwrap()]);
    assert_eq!(code, 2);
    assert!(err.contains("bad.toml"), "{err}");
    let (code, _, err) = xpo(&["run", "--config", "/no/such/file.toml"]);
    assert_eq!(code, 2);
    assert!(err.contains("/no/such/file.toml"), "{err}");
}

#[test]
fn unknown_engine_exits_2() {
    let (code, _, err) = xpo(&["run", "--cycles", "10", "--engines", "model,spice"]);
    assert_eq!(code, 2);
    assert!(err.contains("spice"), "{err}");
}

#[test]
fn a_prbs_run_reports_each_lanes_checker() {
    let (code, out, err) = xpo(&[
        "run",
        "--cycles",
        "3000",
        "--seed",
        "9",
        "--engines",
        "model,verilator",
        "--lane-traffic",
        "prbs",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["retimer"].as_array().unwrap().len(), 0);
    let lanes = v["lanes"].as_array().unwrap();
    assert_eq!(lanes.len(), 8);
    for l in lanes {
        assert_eq!(l["locked"], true, "{l}");
        assert_eq!(l["errors_counted"], l["errors_injected"], "{l}");
        assert!(l["bits_checked"].as_u64().unwrap() > 2500 * 66, "{l}");
    }
    assert!(lanes[0]["pattern"].as_str().unwrap().starts_with("PRBS31"));
}

#[test]
fn run_json_reports_lanes_and_speeds() {
    // 3,000 cycles is too short for the CMIS host's I2C bring-up: the
    // lanes come up from their reset values here (`--data-path reset`);
    // a default run with too few cycles fails saying so.
    let (code, out, _) = xpo(&["run", "--cycles", "3000", "--engines", "model", "--json"]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    let b = &v["data_path_bring_up"];
    assert!(b["error"].as_str().unwrap().contains("run ended"), "{b}");
    assert!(b["ended_at_cycle"].is_null(), "{b}");
    let (code, out, err) = xpo(&[
        "run",
        "--cycles",
        "3000",
        "--seed",
        "9",
        "--data-path",
        "reset",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        serde_json::from_str::<serde_json::Value>(&out).unwrap()["data_path_bring_up"].is_null()
    );
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["cycles"], 3000);
    assert_eq!(v["divergences"], 0);
    assert_eq!(v["engines"].as_array().unwrap().len(), 3);
    for e in ["model", "rusthdl", "verilator"] {
        assert!(v["cycles_per_second"][e].as_f64().unwrap() > 0.0, "{e}");
    }
    // Retimer traffic by default: both directions of every lane locked
    // and passing blocks, the data path up, the PRBS section empty.
    assert_eq!(v["lanes"].as_array().unwrap().len(), 0);
    let retimer = v["retimer"].as_array().unwrap();
    assert_eq!(retimer.len(), 8);
    for l in retimer {
        assert_eq!(l["dp_state"], "DPActivated", "{l}");
        for dir in ["tx", "rx"] {
            let d = &l[dir];
            assert_eq!(d["block_lock"], true, "{l}");
            assert!(d["blocks_passed"].as_u64().unwrap() > 500, "{l}");
            assert!(d["header_errors_injected"].is_u64(), "{l}");
            assert!(d["invalid_headers"].is_u64(), "{l}");
        }
    }
    assert_eq!(v["unlocked_retimer_lanes"].as_array().unwrap().len(), 0);
    let m = &v["management"];
    assert!(m["transactions"].as_u64().unwrap() > 30, "{m}");
    assert!(m["axi_transactions"].as_u64().unwrap() > 30, "{m}");
    assert!(m["i2c_transactions"].is_u64(), "{m}");
    assert!(m["refused"].as_u64().unwrap() > 0, "{m}");
    assert_eq!(m["divergences"], 0);
    let states: Vec<&str> = m["module_states"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    assert!(
        !states.is_empty() && states.iter().all(|s| s.starts_with("Module")),
        "{states:?}"
    );
    // Lasers: every lane reported, with the ELSFP fields.
    let lasers = v["lasers"].as_array().unwrap();
    assert_eq!(lasers.len(), 8);
    for l in lasers {
        assert!(
            ["off", "ramping", "on"].contains(&l["state"].as_str().unwrap()),
            "{l}"
        );
        for key in ["fault_code", "warning_code"] {
            assert!(l[key].is_u64(), "{key}: {l}");
        }
        for key in ["bias_monitor_ma", "power_monitor_mw", "voltage_monitor_v"] {
            assert!(l[key].is_f64(), "{key}: {l}");
        }
        assert_eq!(l["flags"].as_object().unwrap().len(), 8, "{l}");
    }
    // The module sensors of the default bench: 25 degC and 3.3 V.
    let mm = &v["module_monitors"];
    assert!(
        (mm["temperature_c"].as_f64().unwrap() - 25.0).abs() < 0.5,
        "{mm}"
    );
    assert!((mm["vcc_v"].as_f64().unwrap() - 3.3).abs() < 0.01, "{mm}");
    assert!(
        mm["flags"]
            .as_object()
            .unwrap()
            .values()
            .all(|f| f == false),
        "{mm}"
    );
    assert_eq!(mm["laser_summary"].as_array().unwrap().len(), 1, "{mm}");
}

#[test]
fn regmap_exports_every_format_and_refuses_unknown_ones() {
    let dir = tempfile::tempdir().unwrap();
    for (fmt, marker) in [
        ("json", "\"cmis_revision\""),
        ("md", "| Byte | Bits | Field |"),
        ("c", "#define XPO_MODULE_STATE_BYTE 3u"),
        ("rdl", "addrmap xpo_cmis"),
    ] {
        let out = dir.path().join(format!("map.{fmt}"));
        let (code, _, err) = xpo(&["regmap", "--format", fmt, "--out", out.to_str().unwrap()]);
        assert_eq!(code, 0, "{fmt}: {err}");
        assert!(
            std::fs::read_to_string(&out).unwrap().contains(marker),
            "{fmt}"
        );
    }
    let (code, out, _) = xpo(&["regmap", "--format", "md"]);
    assert_eq!(code, 0);
    assert!(out.contains("## Page 1Bh"));
    let (code, _, err) = xpo(&["regmap", "--format", "xml"]);
    assert_eq!(code, 2);
    assert!(err.contains("xml"), "{err}");
}

/// `xpo fpga` refuses an impossible lane count, and names the missing
/// place-and-route tool, with exit 2 and nothing written either way.
#[test]
fn fpga_refuses_bad_input_and_missing_tools_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("qor");
    let json = dir.path().join("qor.json");
    let (code, _, err) = xpo(&[
        "fpga",
        "--json",
        json.to_str().unwrap(),
        "--dir",
        work.to_str().unwrap(),
        "--lanes",
        "0",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("lanes"), "{err}");
    assert!(!work.exists() && !json.exists(), "nothing written");
    let out = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .args([
            "fpga",
            "--json",
            json.to_str().unwrap(),
            "--dir",
            work.to_str().unwrap(),
            "--lanes",
            "1",
            "--laser-lanes",
            "1",
        ])
        .env("XPO_VENV", dir.path().join("no-venv"))
        .env("XPO_YOSYS_ECP5", dir.path().join("no-yosys"))
        .env("XPO_NEXTPNR_ECP5", dir.path().join("no-nextpnr"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("not found") && err.contains("yowasp"), "{err}");
    assert!(!work.exists() && !json.exists(), "nothing written");
}

/// `xpo bench --qor` looks for Yosys before measuring anything: without
/// it, exit 2 naming the tool, and no JSON written.
#[test]
fn bench_qor_names_a_missing_yosys_before_measuring() {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("bench.json");
    let out = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .args([
            "bench",
            "--json",
            json.to_str().unwrap(),
            "--qor",
            dir.path().join("qor").to_str().unwrap(),
            "--cycles",
            "10",
        ])
        .env("XPO_YOSYS", dir.path().join("no-yosys"))
        .env("PATH", "/nonexistent")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains("yosys"), "{err}");
    assert!(!json.exists(), "nothing written");
}

/// The JUnit test cases of `xml`, as (name, failure message) pairs.
fn junit_cases(xml: &str) -> Vec<(String, Option<String>)> {
    let mut cases = Vec::new();
    for part in xml.split("<testcase ").skip(1) {
        let attr = |name: &str, s: &str| -> Option<String> {
            let at = s.find(&format!("{name}=\""))? + name.len() + 2;
            Some(s[at..at + s[at..].find('"')?].to_string())
        };
        let body = &part[..part.find("</testcase>").unwrap_or(part.len())];
        let failure = body
            .find("<failure ")
            .and_then(|f| attr("message", &body[f..]));
        cases.push((attr("name", part).unwrap(), failure));
    }
    cases
}

/// Seeds 0..200 of 20,000 cycles each, model against Verilator: every
/// seed passes and the JUnit file has one case per seed. (The three-engine
/// default is the same command without `--engines`; rust-hdl's speed keeps
/// it out of CI.)
#[test]
fn regress_runs_200_seeds_with_one_junit_case_each() {
    let dir = tempfile::tempdir().unwrap();
    let junit = dir.path().join("regress.xml");
    let (code, out, err) = xpo(&[
        "regress",
        "--seeds",
        "0..200",
        "--cycles",
        "20000",
        "--engines",
        "model,verilator",
        "--dir",
        dir.path().join("art").to_str().unwrap(),
        "--junit",
        junit.to_str().unwrap(),
        "--json",
    ]);
    assert_eq!(code, 0, "{out}\n{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(
        (v["ran"].as_u64(), v["passed"].as_u64()),
        (Some(200), Some(200)),
        "{v}"
    );
    let cases = junit_cases(&std::fs::read_to_string(&junit).unwrap());
    let names: Vec<String> = (0..200).map(|s| format!("seed {s}")).collect();
    assert_eq!(cases.iter().map(|c| c.0.clone()).collect::<Vec<_>>(), names);
    assert!(cases.iter().all(|c| c.1.is_none()));
    // Coverage over the seeds, every run sampled through the model; the
    // uncovered bins are exactly those no seed reached.
    let c = &v["coverage"];
    assert_eq!(
        (c["runs"].as_u64(), c["unsampled_runs"].as_u64()),
        (Some(200), Some(0))
    );
    let bins = c["bins"].as_object().unwrap();
    assert!(
        bins["module state ModuleReady"].as_u64().unwrap() > 0,
        "{c}"
    );
    let uncovered: Vec<&str> = c["uncovered"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_str().unwrap())
        .collect();
    for (bin, n) in bins {
        assert_eq!(
            n.as_u64() == Some(0),
            uncovered.contains(&bin.as_str()),
            "{bin}"
        );
    }
    // Plain lines, not a bar, when stderr is not a terminal.
    assert!(err.contains("seed 199: pass"), "{err}");
}

/// Shards 1/4..4/4 list every seed of 0..200 exactly once, each seed with
/// the same command whichever shard runs it.
#[test]
fn regress_shards_cover_the_seeds_with_no_overlap_and_no_gap() {
    let mut seen = Vec::new();
    for k in 1..=4 {
        let shard = format!("{k}/4");
        let (code, out, err) = xpo(&["regress", "--seeds", "0..200", "--shard", &shard, "--list"]);
        assert_eq!(code, 0, "{err}");
        for line in out.lines() {
            // An `xpo run` seed, or a random scenario's `xpo compare`.
            let seed: u64 = if let Some(rest) = line.strip_prefix("xpo run --seed ") {
                rest.split(' ').next().unwrap().parse().unwrap()
            } else {
                assert!(line.starts_with("xpo compare --scenario "), "{line}");
                let file = line.split(' ').nth(3).unwrap();
                let stem = file.rsplit('/').next().unwrap();
                stem.strip_prefix("seed-")
                    .and_then(|s| s.strip_suffix(".toml"))
                    .unwrap()
                    .parse()
                    .unwrap()
            };
            seen.push((seed, line.to_string()));
        }
    }
    seen.sort();
    assert_eq!(
        seen.iter().map(|s| s.0).collect::<Vec<_>>(),
        (0..200).collect::<Vec<_>>()
    );
    let (_, all, _) = xpo(&["regress", "--seeds", "0..200", "--list"]);
    assert_eq!(
        all.lines().collect::<Vec<_>>(),
        seen.iter().map(|s| s.1.as_str()).collect::<Vec<_>>()
    );
}

/// A seed whose run fails is a JUnit failure carrying the reason and the
/// command that reproduces it, and the regression exits 1; bad arguments
/// exit 2 before anything runs.
#[test]
fn regress_reports_failures_with_their_reproduction_and_refuses_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    // A 4-lane engine is verilated on first use, and this Verilator does
    // not exist: every run on it fails to start.
    let cfg = dir.path().join("four.toml");
    std::fs::write(&cfg, "lanes = 4\n").unwrap();
    let junit = dir.path().join("r.xml");
    let (code, out, _) = xpo_env(
        &[
            ("VERILATOR", "/nonexistent/verilator"),
            ("XPO_CACHE_DIR", dir.path().join("cache").to_str().unwrap()),
        ],
        &[
            "regress",
            "--seeds",
            "3..5",
            "--engines",
            "model,verilator",
            "--config",
            cfg.to_str().unwrap(),
            "--dir",
            dir.path().to_str().unwrap(),
            "--junit",
            junit.to_str().unwrap(),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("2 run, 0 passed, 2 failed"), "{out}");
    let xml = std::fs::read_to_string(&junit).unwrap();
    let cases = junit_cases(&xml);
    assert_eq!(cases.len(), 2);
    for (name, failure) in &cases {
        let f = failure
            .as_deref()
            .unwrap_or_else(|| panic!("{name} passed"));
        assert!(f.contains("exited 2") && f.contains("Verilator"), "{f}");
    }
    // Each failure carries the one command that reproduces it: the seed's
    // `xpo run`, or `xpo compare` on its scenario file, kept in --dir.
    for seed in [3, 4] {
        let run =
            format!("reproduce: xpo run --seed {seed} --cycles 20000 --engines model,verilator");
        let file = dir.path().join(format!("seed-{seed}.toml"));
        let compare = format!("reproduce: xpo compare --scenario {}", file.display());
        assert!(
            xml.contains(&run) || (xml.contains(&compare) && file.exists()),
            "{xml}"
        );
    }
    for (args, wanted) in [
        (vec!["--seeds", "9..9"], "--seeds"),
        (vec!["--seeds", "0..4", "--shard", "5/4"], "--shard"),
        (vec!["--seeds", "0..4", "--jobs", "0"], "--jobs"),
        (vec!["--seeds", "0..4", "--engines", "model,gpu"], "gpu"),
    ] {
        let (code, _, err) = xpo(&[&["regress"], &args[..]].concat());
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(wanted), "{args:?}: {err}");
    }
}
