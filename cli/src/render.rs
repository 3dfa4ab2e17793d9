//! Text for people: `xpo run`'s summary of a [`RunReport`], and
//! `xpo bench`'s figures as the Markdown of `docs/measurements.md`.

use std::fmt::Write;
use std::path::Path;
use xpo_sim::bench::BenchReport;
use xpo_sim::run::RunReport;

/// `n` rounded, with thousands separated by commas.
fn grouped(n: f64) -> String {
    let digits = format!("{:.0}", n.max(0.0));
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `xpo bench`'s figures as Markdown: engine speeds, the cost of driving
/// Verilator from Rust, and APC settling.
pub fn bench_markdown(b: &BenchReport) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "`xpo bench`: {} data lanes, best of {} repetitions.\n",
        b.lanes, b.repetitions
    );
    let _ = writeln!(s, "| engine | cycles | cycles/s |\n|---|---|---|");
    for (name, e) in &b.engines {
        let _ = writeln!(
            s,
            "| {name} | {} | {} |",
            grouped(e.cycles as f64),
            grouped(e.cycles_per_second)
        );
    }
    s.push('\n');
    if let Some(f) = &b.ffi {
        let _ = writeln!(
            s,
            "- `rust_over_cpp` = {:.3} (Rust-driven Verilator over a pure C++ harness replaying the same stimulus); {:.3} with pre-packed words.",
            f.rust_over_cpp, f.rust_words_over_cpp
        );
    }
    if let Some(r) = b.model_over_verilator {
        let _ = writeln!(s, "- The model runs {r:.2} times as fast as Verilator.");
    }
    let _ = writeln!(
        s,
        "\n| APC setpoint (mW) | settling (µs) | above setpoint (mW) | final (mW) |\n|---|---|---|---|"
    );
    for a in &b.apc {
        let settling = a
            .settling_us
            .map_or("never".to_string(), |t| format!("{t:.0}"));
        let _ = writeln!(
            s,
            "| {:.0} | {settling} | {:.2} | {:.2} |",
            a.setpoint_mw, a.overshoot_mw, a.final_mw
        );
    }
    let _ = writeln!(
        s,
        "\n| lane mode | latency, cycles pin to pin ({}) |\n|---|---|",
        b.latency_engine
    );
    for (mode, k) in &b.latency_cycles {
        let _ = writeln!(s, "| {mode} | {k} |");
    }
    if let Some(p) = &b.profile {
        let opt = |v: Option<f64>| v.map_or("-".to_string(), grouped);
        let _ = writeln!(
            s,
            "\n| data lanes | model cycles/s | rust-hdl cycles/s | Verilator (C++) cycles/s | Verilator instructions/cycle |\n|---|---|---|---|---|"
        );
        for l in &p.lanes {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                l.lanes,
                grouped(l.model_cycles_per_second),
                grouped(l.rusthdl_cycles_per_second),
                opt(l.verilator_cpp_cycles_per_second),
                opt(l.verilator_instructions_per_cycle)
            );
        }
        let _ = writeln!(
            s,
            "\n| engine | fixed ns/cycle | ns per lane per cycle |\n|---|---|---|"
        );
        for f in &p.fits {
            let _ = writeln!(
                s,
                "| {} | {:.0} | {:.1} |",
                f.engine, f.fixed_ns_per_cycle, f.ns_per_lane_per_cycle
            );
        }
    }
    s
}

/// What `xpo fpga` prints.
pub fn qor_summary(q: &xpo_fpga::Qor) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "xpo fpga: {} data lanes, {} laser lanes, target {} MHz ({} input and {} output bits behind the pin wrapper)",
        q.lanes, q.laser_lanes, q.target_mhz, q.wrapper_input_bits, q.wrapper_output_bits
    );
    if let Some(e) = &q.ecp5 {
        let _ = writeln!(
            s,
            "  ECP5 {}: Fmax {:.2} MHz ({}), synthesis {:.0} s, place and route {:.0} s",
            e.device,
            e.fmax_mhz,
            if e.meets_target { "meets" } else { "misses" },
            e.synth_seconds,
            e.pnr_seconds
        );
        for (k, u) in &e.utilisation {
            let _ = writeln!(
                s,
                "    {k:<14} {:>7} of {:>7} ({:.1} %)",
                u.used,
                u.available,
                100.0 * u.used as f64 / u.available.max(1) as f64
            );
        }
        if let Some(p) = &e.critical_path {
            let _ = writeln!(
                s,
                "  critical path {:.2} ns ({:.2} logic, {:.2} routing), {} logic levels\n    from {}\n    to   {} ({})\n    through {}",
                p.delay_ns,
                p.logic_ns,
                p.routing_ns,
                p.logic_levels,
                p.start,
                p.end,
                p.end_port,
                p.blocks.join(" -> ")
            );
        }
    }
    if let Some(x) = &q.xilinx {
        let t = &x.total;
        let _ = writeln!(
            s,
            "  Xilinx (synth_xilinx): {} LUTs, {} flip-flops, {} block RAMs, {} logic levels on the longest path, {:.0} s",
            t.luts, t.flip_flops, t.block_rams, x.logic_levels, x.seconds
        );
        if let Some(l) = &x.per_lane {
            let _ = writeln!(
                s,
                "    one data lane: {} LUTs, {} flip-flops, {} block RAMs",
                l.luts, l.flip_flops, l.block_rams
            );
        }
        if let Some((from, to)) = &x.longest_path {
            let _ = writeln!(s, "    longest path: {from} -> {to}");
        }
        if let Some(d) = &x.rx_deskew {
            let r = &d.resources;
            let _ = writeln!(
                s,
                "    receive deskew ({} lanes, {} blocks deep, on its own, not yet in the engine): {} LUTs, {} flip-flops, {} block RAMs",
                d.lanes, d.max_skew_blocks, r.luts, r.flip_flops, r.block_rams
            );
        }
    }
    s
}

/// The summary `xpo run` prints without `--json`; `svg` is where the
/// bring-up picture went.
pub fn run_summary(r: &RunReport, svg: &Path) -> String {
    // Writing to a String cannot fail: the results are ignored.
    let mut s = String::new();
    let names: Vec<&str> = r.engines.iter().map(|k| k.name()).collect();
    let _ = writeln!(
        s,
        "xpo run: {} cycles x {} lanes on {} (seed {})",
        r.cycles,
        r.config.lanes,
        names.join(", "),
        r.seed
    );
    for n in &names {
        if let Some(v) = r.cycles_per_second.get(*n) {
            let _ = writeln!(s, "  {n:>9}: {v:>12.0} cycles/s");
        }
    }
    if let Some(b) = &r.data_path_bring_up {
        match (&b.error, b.ended_at_cycle, &b.application) {
            (None, Some(at), Some(app)) => {
                let waits: Vec<String> = b
                    .waits
                    .iter()
                    .map(|(w, n)| format!("{w} ({n} polls)"))
                    .collect();
                let _ = writeln!(
                    s,
                    "  data paths: brought up over I2C by a CMIS host on Application 1 (host interface {:#04x}, media interface {:#04x}, {}+{} lanes), done at cycle {at}: {}",
                    app.host_interface,
                    app.media_interface,
                    app.host_lanes,
                    app.media_lanes,
                    waits.join(" -> ")
                );
            }
            (Some(e), _, _) => {
                let _ = writeln!(s, "  data paths: the CMIS host's bring-up FAILED: {e}");
            }
            _ => {
                let _ = writeln!(s, "  data paths: the CMIS host's bring-up did not finish");
            }
        }
    }
    if !r.retimer.is_empty() {
        let _ = writeln!(
            s,
            "  lane  dir  locked  hi-BER  blocks sent  passed    hdr err inj  counted  bit err inj  errored  state"
        );
        for l in &r.retimer {
            for (dir, d) in [("tx", &l.tx), ("rx", &l.rx)] {
                let _ = writeln!(
                    s,
                    "  {:>4}  {dir}   {:<6}  {:<6}  {:>11}  {:>8}  {:>11}  {:>7}  {:>11}  {:>7}  {}",
                    l.lane,
                    if d.block_lock { "yes" } else { "NO" },
                    if d.hi_ber { "YES" } else { "no" },
                    d.blocks_sent,
                    d.blocks_passed,
                    d.header_errors_injected,
                    d.invalid_headers,
                    d.bit_errors_injected,
                    d.errored_blocks,
                    l.dp_state
                );
            }
        }
    }
    let links: Vec<_> = r
        .retimer
        .iter()
        .flat_map(|l| [("tx", l.lane, l.tx.link), ("rx", l.lane, l.rx.link)])
        .filter_map(|(d, lane, k)| k.map(|k| (d, lane, k)))
        .collect();
    if !links.is_empty() {
        let _ = writeln!(
            s,
            "  lane  dir  aligned  PCS lane sent/seen  skew blocks inj/meas  skew bits inj/meas  BIP err inj/counted"
        );
        for (dir, lane, k) in links {
            let seen = if k.am_lock {
                k.lane_number.to_string()
            } else {
                "-".into()
            };
            let _ = writeln!(
                s,
                "  {lane:>4}  {dir}   {:<7}  {:>9} / {:<7}  {:>9} / {:<9}  {:>8} / {:<8}  {:>8} / {}{}",
                if k.aligned { "yes" } else { "NO" },
                k.pcs_lane_sent,
                seen,
                k.skew_blocks_injected,
                k.skew_blocks,
                k.skew_bits_injected,
                k.skew_bits,
                k.bip_errors_injected,
                k.bip_errors,
                if k.deskew_error { "  DESKEW ERROR" } else { "" }
            );
        }
    }
    if let Some(rows) = &r.rx_link_rows {
        let _ = writeln!(
            s,
            "  receive link on the host lanes (RxLinkDeskew): {} rows deskewed in order, {} with line errors ({} blocks), {} out of order",
            rows.in_order, rows.errored, rows.blocks_differing, rows.out_of_order
        );
    }
    if !r.lanes.is_empty() {
        let _ = writeln!(
            s,
            "  lane  pattern            locked  bits checked   injected    counted  BER"
        );
    }
    for (i, l) in r.lanes.iter().enumerate() {
        let _ = writeln!(
            s,
            "  {i:>4}  {:<17}  {:<6}  {:>12}  {:>9}  {:>9}  {:.2e}",
            l.pattern,
            if l.locked { "yes" } else { "NO" },
            l.bits_checked,
            l.errors_injected,
            l.errors_counted,
            l.ber_measured
        );
    }
    let m = &r.management.traffic;
    let _ = writeln!(
        s,
        "  management: {} transactions ({} I2C, {} of them aborted mid-byte; {} AXI4-Lite), {} byte reads, {} byte writes, {} AXI accesses refused as the map requires; module states read: {}",
        m.transactions,
        m.i2c_transactions,
        m.i2c_aborted,
        m.axi_transactions,
        m.reads,
        m.writes,
        m.refused,
        m.module_states.join(", ")
    );
    let _ = writeln!(
        s,
        "  laser  state    fault  bias (mA)  power (mW)  setpoint (mW)"
    );
    for l in &r.lasers {
        let _ = writeln!(
            s,
            "  {:>5}  {:<7}  {:>5}  {:>9.1}  {:>10.2}  {:>13.2}",
            l.lane,
            l.state,
            l.fault_code,
            l.bias_monitor_ma,
            l.power_monitor_mw,
            l.power_setpoint_mw
        );
    }
    if let Some(mm) = &r.module_monitors {
        let _ = writeln!(
            s,
            "  module: {:.2} degC, {:.4} V, {:.3} A",
            mm.temperature_c, mm.vcc_v, mm.supply_current_a
        );
    }
    if let Some(e) = &r.readback_error {
        let _ = writeln!(s, "  read-back failed: {e}");
    }
    let _ = writeln!(s, "  laser bring-up picture: {}", svg.display());
    let safety = &r.laser_safety;
    let _ = writeln!(
        s,
        "  laser safety: {} violations, interlock asserted {} cycles, {} lanes kept dark until re-enabled",
        safety.violations.len(),
        safety.seen.interlock_cycles,
        safety.seen.dark_until_reenabled
    );
    for v in &safety.violations {
        let _ = writeln!(s, "    {v}");
    }
    match &r.divergence {
        Some(d) => {
            let _ = write!(s, "{}", d.report);
        }
        None => {
            let _ = writeln!(
                s,
                "no divergence: every output of every engine agreed on every cycle"
            );
        }
    }
    if !r.count_mismatch_lanes.is_empty() {
        let _ = writeln!(
            s,
            "lanes whose counted errors differ from the injected ones, or not locked: {:?}",
            r.count_mismatch_lanes
        );
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_sim::bench::{ApcSettling, CostFit, EngineSpeed, FfiSpeed, LaneProfile, Profile};

    #[test]
    fn bench_markdown_has_every_engine_and_setpoint() {
        let b = BenchReport {
            engines: [
                (
                    "model".to_string(),
                    EngineSpeed {
                        cycles: 1_000_000,
                        cycles_per_second: 224_350.4,
                    },
                ),
                (
                    "rusthdl".to_string(),
                    EngineSpeed {
                        cycles: 20_000,
                        cycles_per_second: 3_663.3,
                    },
                ),
            ]
            .into_iter()
            .collect(),
            apc: vec![
                ApcSettling {
                    setpoint_mw: 20.0,
                    settling_us: Some(46.24),
                    overshoot_mw: 0.07,
                    final_mw: 20.012,
                },
                ApcSettling {
                    setpoint_mw: 40.0,
                    settling_us: None,
                    overshoot_mw: 0.0,
                    final_mw: 12.5,
                },
            ],
            ffi: Some(FfiSpeed {
                cycles: 1_000_000,
                rust_over_cpp: 1.0457,
                rust_words_over_cpp: 1.0149,
                cpp_cycles_per_second: 1.0,
                rust_cycles_per_second: 1.0,
                rust_words_cycles_per_second: 1.0,
            }),
            model_over_verilator: Some(1.2064),
            lanes: 8,
            repetitions: 3,
            latency_cycles: [("retimed".to_string(), 3), ("bypass".to_string(), 2)]
                .into_iter()
                .collect(),
            latency_engine: "verilator".to_string(),
            profile: Some(Profile {
                lanes: vec![
                    LaneProfile {
                        lanes: 1,
                        model_cycles_per_second: 2_500_000.0,
                        rusthdl_cycles_per_second: 9_000.0,
                        verilator_cpp_cycles_per_second: Some(1_200_000.0),
                        verilator_instructions_per_cycle: Some(6_543.2),
                    },
                    LaneProfile {
                        lanes: 16,
                        model_cycles_per_second: 400_000.0,
                        rusthdl_cycles_per_second: 2_000.0,
                        verilator_cpp_cycles_per_second: None,
                        verilator_instructions_per_cycle: None,
                    },
                ],
                fits: vec![CostFit {
                    engine: "model".into(),
                    fixed_ns_per_cycle: 240.4,
                    ns_per_lane_per_cycle: 140.04,
                }],
            }),
        };
        let md = bench_markdown(&b);
        assert!(
            md.contains("| 1 | 2,500,000 | 9,000 | 1,200,000 | 6,543 |"),
            "{md}"
        );
        assert!(md.contains("| 16 | 400,000 | 2,000 | - | - |"), "{md}");
        assert!(md.contains("| model | 240 | 140.0 |"), "{md}");
        assert!(md.contains("| model | 1,000,000 | 224,350 |"), "{md}");
        assert!(md.contains("| rusthdl | 20,000 | 3,663 |"), "{md}");
        assert!(md.contains("`rust_over_cpp` = 1.046"), "{md}");
        assert!(md.contains("1.21 times"), "{md}");
        assert!(md.contains("| 20 | 46 | 0.07 | 20.01 |"), "{md}");
        assert!(md.contains("| 40 | never | 0.00 | 12.50 |"), "{md}");
        assert!(md.contains("| retimed | 3 |"), "{md}");
        assert!(md.contains("pin to pin (verilator)"), "{md}");
    }
}
