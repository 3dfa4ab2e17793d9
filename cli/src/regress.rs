//! `xpo regress`: many seeds, each its own `xpo run` process.
//!
//! Why processes rather than threads: each seed's command line is then
//! the exact reproduction a failure prints, a crash or hang in one seed
//! cannot take the others down, and the Verilated model (one per process
//! today) needs no thread-safety of its own. `--jobs` processes run at a
//! time; each is one single-threaded lockstep run.

use crate::files::write_file;
use anyhow::{bail, Context, Result};
use indicatif::{ProgressBar, ProgressStyle};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};
use serde_json::{json, Value};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::time::{Duration, Instant};
use xpo_sim::coverage::{CoverageReport, CoverageTally};
use xpo_sim::regress::{parse_seeds, random_scenario, seed_run, SeedRun, Shard};
use xpo_sim::EngineKind;

/// Arguments of `xpo regress`.
#[derive(clap::Args)]
pub struct RegressArgs {
    /// Seeds to run: `A..B` runs seeds A to B - 1.
    #[arg(long)]
    seeds: String,
    /// Run only shard K of N (`K/N`): the seeds whose offset from A is
    /// K - 1 modulo N. Shards 1/N..N/N cover the range exactly once.
    #[arg(long, default_value = "1/1")]
    shard: String,
    /// Seeds run at a time, each its own process (default: the cores).
    #[arg(long)]
    jobs: Option<usize>,
    /// Cycles per seed.
    #[arg(long, default_value_t = 20_000)]
    cycles: u64,
    /// Engines of every run, comma separated; the first is the reference.
    #[arg(long, default_value = "model,rusthdl,verilator")]
    engines: String,
    /// Engine configuration (TOML) of every run.
    #[arg(long)]
    config: Option<PathBuf>,
    /// Write JUnit XML here: one test case per seed.
    #[arg(long)]
    junit: Option<PathBuf>,
    /// One JSON object on stdout instead of the summary.
    #[arg(long)]
    json: bool,
    /// Where each failing seed's laser picture, divergence waveform and
    /// (a scenario seed) scenario file stay (a passing seed's are removed).
    #[arg(long, default_value = "xpo-regress")]
    dir: PathBuf,
    /// Print each selected seed's command (`xpo run ...`, or `xpo compare`
    /// on the scenario file it would write in --dir) and run nothing.
    #[arg(long)]
    list: bool,
}

/// How one seed ended.
struct Outcome {
    run: SeedRun,
    /// What its run reached (`None`: it reported nothing).
    coverage: Option<CoverageReport>,
    /// The reproduction: `xpo run ...`.
    command: String,
    seconds: f64,
    /// `None`: passed; else why not.
    failure: Option<String>,
}

pub fn regress(a: &RegressArgs) -> Result<u8> {
    let range = parse_seeds(&a.seeds)?;
    let shard = Shard::parse(&a.shard)?;
    EngineKind::parse_list(&a.engines)?;
    let jobs = match a.jobs {
        Some(0) => bail!("--jobs 0: at least one seed must run at a time"),
        Some(j) => j,
        None => std::thread::available_parallelism().map_or(1, |n| n.get()),
    };
    // Validated here, so a bad file is one error, not one per seed; the
    // children get its absolute path.
    let config = match &a.config {
        Some(p) => {
            xpo_spec::EngineConfig::from_file(p)?;
            Some(
                std::fs::canonicalize(p)
                    .with_context(|| format!("config {}", p.display()))?
                    .display()
                    .to_string(),
            )
        }
        None => None,
    };
    let runs: Vec<SeedRun> = shard
        .seeds(range.clone())
        .map(|s| seed_run(s, a.cycles))
        .collect();
    let command = |r: &SeedRun| reproduction(&r.args(&a.engines, config.as_deref(), &a.dir));
    if a.list {
        let mut out = std::io::stdout().lock();
        for r in &runs {
            writeln!(out, "{}", command(r))?;
        }
        return Ok(0);
    }
    std::fs::create_dir_all(&a.dir).with_context(|| format!("creating {}", a.dir.display()))?;
    let exe = std::env::current_exe().context("finding the xpo executable")?;
    let started = Instant::now();
    let bar = progress_bar(runs.len() as u64);
    let next = AtomicUsize::new(0);
    // Scenario seeds run from their file, written (with the configuration
    // in it) before any seed runs, so a bad configuration stops here.
    let cfg = match config.as_deref() {
        Some(p) => xpo_spec::EngineConfig::from_file(Path::new(p))?,
        None => xpo_spec::EngineConfig::default(),
    };
    for r in runs.iter().filter(|r| r.scenario) {
        let f = r.scenario_file(&a.dir);
        std::fs::write(&f, random_scenario(r.seed, r.cycles, &cfg))
            .with_context(|| format!("writing {}", f.display()))?;
    }
    let (tx, rx) = mpsc::channel::<Outcome>();
    let mut outcomes: Vec<Outcome> = Vec::with_capacity(runs.len());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(runs.len()) {
            let tx = tx.clone();
            let (runs, next, exe, dir) = (&runs, &next, &exe, &a.dir);
            let (engines, config) = (&a.engines, config.as_deref());
            s.spawn(move || loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                let Some(r) = runs.get(i) else { break };
                let outcome = run_seed(exe, dir, r, engines, config);
                if tx.send(outcome).is_err() {
                    break;
                }
            });
        }
        drop(tx);
        for o in rx {
            let line = match &o.failure {
                None => format!("seed {}: pass ({:.1} s)", o.run.seed, o.seconds),
                Some(why) => format!(
                    "seed {}: FAIL ({why})\n  reproduce: {}",
                    o.run.seed, o.command
                ),
            };
            match &bar {
                Some(b) => {
                    if o.failure.is_some() {
                        b.println(line);
                    }
                    b.inc(1);
                }
                None => eprintln!("{line}"),
            }
            outcomes.push(o);
        }
    });
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    outcomes.sort_by_key(|o| o.run.seed);
    let failed: Vec<&Outcome> = outcomes.iter().filter(|o| o.failure.is_some()).collect();
    let seconds = started.elapsed().as_secs_f64();
    let mut tally = CoverageTally::default();
    for c in outcomes.iter().filter_map(|o| o.coverage.as_ref()) {
        tally.add(c);
    }
    if let Some(path) = &a.junit {
        write_file(path, junit(&a.seeds, shard, &outcomes)?)?;
    }
    let mut out = std::io::stdout().lock();
    if a.json {
        let doc = json!({
            "seeds": { "start": range.start, "end": range.end },
            "shard": shard.to_string(),
            "cycles": a.cycles,
            "engines": a.engines,
            "ran": outcomes.len(),
            "passed": outcomes.len() - failed.len(),
            "failed": failed.iter().map(|o| json!({
                "seed": o.run.seed,
                "reason": o.failure,
                "command": o.command,
                "seconds": o.seconds,
            })).collect::<Vec<_>>(),
            "seconds": seconds,
            "coverage": {
                "runs": tally.runs,
                "unsampled_runs": tally.unsampled_runs,
                "bins": tally.bins,
                "uncovered": tally.uncovered(),
            },
        });
        serde_json::to_writer_pretty(&mut out, &doc)?;
        writeln!(out)?;
    } else {
        writeln!(
            out,
            "xpo regress: seeds {} shard {shard}: {} run, {} passed, {} failed in {seconds:.1} s ({} cycles each on {})",
            a.seeds,
            outcomes.len(),
            outcomes.len() - failed.len(),
            failed.len(),
            a.cycles,
            a.engines
        )?;
        for o in &failed {
            writeln!(
                out,
                "  seed {}: {}\n    {}",
                o.run.seed,
                o.failure.as_deref().unwrap_or(""),
                o.command
            )?;
        }
        writeln!(
            out,
            "coverage over {} runs ({} without a model to sample):",
            tally.runs, tally.unsampled_runs,
        )?;
        for (group, (hit, all)) in tally.groups() {
            writeln!(out, "  {group:<18} {hit:>4} / {all:<4} bins reached")?;
        }
        let uncovered = tally.uncovered();
        if !uncovered.is_empty() {
            writeln!(out, "uncovered ({}):", uncovered.len())?;
            for b in uncovered {
                writeln!(out, "  {b}")?;
            }
        }
    }
    Ok(u8::from(!failed.is_empty()))
}

/// `xpo ARGS` as one line a shell runs as is (an argument with anything
/// but safe characters is single-quoted).
fn reproduction(args: &[String]) -> String {
    let safe = |a: &str| {
        !a.is_empty()
            && a.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_.,/:=+@".contains(c))
    };
    let mut line = String::from("xpo");
    for a in args {
        line.push(' ');
        if safe(a) {
            line.push_str(a);
        } else {
            line.push('\'');
            line.push_str(&a.replace('\'', "'\\''"));
            line.push('\'');
        }
    }
    line
}

/// A bar on a terminal; plain lines (`None`) otherwise, for CI logs.
fn progress_bar(len: u64) -> Option<ProgressBar> {
    if !std::io::stderr().is_terminal() {
        return None;
    }
    let b = ProgressBar::new(len);
    b.set_style(
        ProgressStyle::with_template("{spinner} {pos}/{len} seeds {wide_bar} {elapsed}/{eta}")
            .expect("valid template"),
    );
    Some(b)
}

/// Runs one seed as `xpo run ... --json` (or `xpo compare ... --json`)
/// and judges it by its exit code and report.
fn run_seed(exe: &Path, dir: &Path, r: &SeedRun, engines: &str, config: Option<&str>) -> Outcome {
    let args = r.args(engines, config, dir);
    let command = reproduction(&args);
    let svg = dir.join(format!("seed-{}.svg", r.seed));
    let wave = dir.join(format!("seed-{}-divergence.vcd", r.seed));
    let started = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.args(&args).arg("--json");
    cmd.arg("--divergence-wave").arg(&wave);
    if !r.scenario {
        cmd.arg("--svg").arg(&svg);
    }
    let what = if r.scenario { "xpo compare" } else { "xpo run" };
    let result = cmd.output();
    let seconds = started.elapsed().as_secs_f64();
    let mut coverage = None;
    let failure = match result {
        Err(e) => Some(format!("could not start {}: {e}", exe.display())),
        Ok(out) => {
            let report: Option<Value> = serde_json::from_slice(&out.stdout).ok();
            coverage = report
                .as_ref()
                .and_then(|v| serde_json::from_value(v["coverage"].clone()).ok());
            match (out.status.code(), report) {
                (Some(0), Some(_)) => None,
                (Some(1), Some(v)) => Some(failure_reason(&v)),
                (code, _) => {
                    let stderr = String::from_utf8_lossy(&out.stderr);
                    let last = stderr.lines().last().unwrap_or("").trim();
                    Some(match code {
                        Some(c) => format!("{what} exited {c}: {last}"),
                        None => format!("{what} was killed by a signal: {last}"),
                    })
                }
            }
        }
    };
    if failure.is_none() {
        // A passing seed's artefacts are reproducible from its command
        // (a scenario seed's file from `xpo regress --seeds N..N+1`).
        let _ = std::fs::remove_file(&svg);
        let _ = std::fs::remove_file(&wave);
        if r.scenario {
            let _ = std::fs::remove_file(r.scenario_file(dir));
        }
    }
    Outcome {
        run: r.clone(),
        coverage,
        command,
        seconds,
        failure,
    }
}

/// What a failed run's report says went wrong (its `failures`, from
/// `RunReport::failure_reasons`).
fn failure_reason(v: &Value) -> String {
    let why: Vec<&str> = v["failures"]
        .as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    if why.is_empty() {
        "the run reported a failure".into()
    } else {
        why.join("; ")
    }
}

/// The JUnit report: one suite, one case per seed, the reproduction in
/// each failure's text.
fn junit(seeds: &str, shard: Shard, outcomes: &[Outcome]) -> Result<String> {
    let mut report = Report::new("xpo regress");
    let mut suite = TestSuite::new(format!("seeds {seeds} shard {shard}"));
    for o in outcomes {
        let status = match &o.failure {
            None => TestCaseStatus::success(),
            Some(why) => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(why.clone());
                s.set_description(format!("reproduce: {}", o.command));
                s
            }
        };
        let mut case = TestCase::new(format!("seed {}", o.run.seed), status);
        case.set_classname("xpo.regress");
        case.set_time(Duration::from_secs_f64(o.seconds));
        suite.add_test_case(case);
    }
    report.add_test_suite(suite);
    Ok(report.to_string()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A shell runs the printed line as the regression ran it: plain
    /// arguments stay bare, others are single-quoted (quotes escaped).
    #[test]
    fn reproductions_are_shell_lines() {
        let args: Vec<String> = ["run", "--seed", "7", "--config", "/tmp/my cfg/it's.toml"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(
            reproduction(&args),
            r"xpo run --seed 7 --config '/tmp/my cfg/it'\''s.toml'"
        );
        assert_eq!(
            reproduction(&[
                "compare".into(),
                "--engines".into(),
                "model,verilator".into()
            ]),
            "xpo compare --engines model,verilator"
        );
    }
}
