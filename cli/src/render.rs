//! `xpo run`'s text summary of a [`RunReport`].

use std::fmt::Write;
use std::path::Path;
use xpo_sim::run::RunReport;

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
    let _ = writeln!(
        s,
        "  lane  pattern            locked  bits checked   injected    counted  BER"
    );
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
            "  module: {:.2} degC, {:.4} V",
            mm.temperature_c, mm.vcc_v
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
