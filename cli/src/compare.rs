//! `xpo compare`: a scenario file run in lockstep, its expectations judged.

use anyhow::Result;
use std::io::Write;
use std::path::PathBuf;
use xpo_sim::scenario::{self, ScenarioOptions, ScenarioReport};
use xpo_sim::EngineKind;

/// Arguments of `xpo compare`.
#[derive(clap::Args)]
pub struct CompareArgs {
    /// The scenario file (TOML; see `examples/scenarios/`).
    #[arg(long)]
    scenario: PathBuf,
    /// Engines, comma separated, instead of the scenario's (the first is
    /// the reference whose outputs drive the stimulus).
    #[arg(long)]
    engines: Option<String>,
    /// Dump every signal of the Verilated design over the whole run to
    /// this VCD file (needs verilator among the engines).
    #[arg(long)]
    wave: Option<PathBuf>,
    /// Where the waveform of a divergence's window goes (written whenever
    /// engines diverge).
    #[arg(long, default_value = "xpo-divergence.vcd")]
    divergence_wave: PathBuf,
    /// One JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Only check the file (exit 0 when it is well formed, 2 when not).
    #[arg(long)]
    check: bool,
}

/// Exit code: 0 passed, 1 a divergence or a failed expectation; bad input
/// is an error (2).
pub fn compare(a: &CompareArgs) -> Result<u8> {
    let s = scenario::load(&a.scenario)?;
    let engines = a
        .engines
        .as_deref()
        .map(EngineKind::parse_list)
        .transpose()?;
    if a.check {
        eprintln!(
            "{}: well formed ({} actions, {} expectations, {} cycles)",
            a.scenario.display(),
            s.actions.len(),
            s.expectations.len(),
            s.cycles
        );
        return Ok(0);
    }
    let report = scenario::run_scenario(
        &s,
        &ScenarioOptions {
            engines,
            wave: a.wave.clone(),
            divergence_wave: Some(a.divergence_wave.clone()),
        },
    )?;
    let mut out = std::io::stdout().lock();
    if a.json {
        #[derive(serde::Serialize)]
        struct Doc<'a> {
            #[serde(flatten)]
            report: &'a ScenarioReport,
            failures: Vec<String>,
        }
        serde_json::to_writer_pretty(
            &mut out,
            &Doc {
                report: &report,
                failures: report.failure_reasons(),
            },
        )?;
        writeln!(out)?;
    } else {
        write!(out, "{}", summary(&report))?;
    }
    Ok(u8::from(!report.passed))
}

fn summary(r: &ScenarioReport) -> String {
    let mut s = format!(
        "scenario {} ({}): {} cycles on {}, {:.1} s\n",
        r.scenario,
        r.file.display(),
        r.cycles_run,
        r.engines.join(", "),
        r.wall_seconds
    );
    if !r.description.is_empty() {
        s += &format!("  {}\n", r.description.trim());
    }
    for a in &r.actions {
        let mut line = format!("  line {:>3}  {:>9.3} us  {}", a.line, a.time_us, a.action);
        if let (Some(b), Some(e)) = (a.started_us, a.completed_us) {
            line += &format!(" (on the bus {b:.3}..{e:.3} us)");
        }
        if let Some(v) = &a.value {
            line += &format!(" -> {v}");
        }
        if let Some(e) = &a.error {
            line += &format!("  ERROR: {e}");
        }
        s += &line;
        s += "\n";
    }
    for e in &r.expectations {
        let verdict = if e.passed { "pass" } else { "FAIL" };
        let mut line = format!("  line {:>3}  {verdict}  {}", e.line, e.expectation);
        if let Some(t) = e.decided_us {
            line += &format!(" (decided at {t:.3} us");
            if let Some(o) = &e.observed {
                line += &format!(", saw {o}");
            }
            line += ")";
        }
        if let Some(why) = &e.reason {
            line += &format!(": {why}");
        }
        s += &line;
        s += "\n";
    }
    if let Some(d) = &r.divergence {
        s += &d.report;
    }
    for v in &r.safety_violations {
        s += &format!("  laser safety violated: {v}\n");
    }
    s += if r.passed { "PASS\n" } else { "FAIL\n" };
    s
}
