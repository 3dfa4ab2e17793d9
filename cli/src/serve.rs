//! `xpo serve`: the simulated engine as a virtual module on TCP.

use anyhow::Result;
use std::io::Write;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use xpo_serve::{serve as run_server, ServeOptions};
use xpo_sim::EngineKind;

/// Arguments of `xpo serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default: the protocol has no
    /// authentication (another address is served with a warning).
    #[arg(long, default_value = "127.0.0.1:5050")]
    listen: SocketAddr,
    /// The engine behind the pins: verilator or model.
    #[arg(long, default_value = "verilator")]
    engine: String,
    /// Engine configuration (TOML).
    #[arg(long)]
    config: Option<PathBuf>,
    /// Simulated time against wall time (1: real time); as fast as the
    /// engine runs when not given.
    #[arg(long)]
    speed: Option<f64>,
    /// Dump every signal of the served session to this file: FST for
    /// `.fst`, VCD for `.vcd` (verilator engine).
    #[arg(long, alias = "trace")]
    wave: Option<PathBuf>,
    /// Seconds a client may leave a line unfinished before its session is
    /// closed.
    #[arg(long, default_value_t = 30)]
    stall_seconds: u64,
}

pub fn serve(a: &ServeArgs) -> Result<u8> {
    let engine: EngineKind = a.engine.parse()?;
    if engine == EngineKind::RustHdl {
        anyhow::bail!("--engine rusthdl: serve the verilator or the model engine (rust-hdl is too slow to free-run)");
    }
    if !a.listen.ip().is_loopback() {
        eprintln!(
            "xpo serve: warning: listening on {}, not loopback: anyone who reaches it can drive the module (the protocol has no authentication)",
            a.listen
        );
    }
    let config = match &a.config {
        Some(p) => xpo_spec::EngineConfig::from_file(p)?,
        None => xpo_spec::EngineConfig::default(),
    };
    let opts = ServeOptions {
        listen: a.listen,
        engine,
        config,
        speed: a.speed,
        trace: a.wave.clone(),
        stall_timeout: Duration::from_secs(a.stall_seconds.max(1)),
        log: std::sync::Arc::new(|m: &str| eprintln!("xpo serve: {m}")),
    };
    run_server(opts, |addr| {
        // The first line of stdout: where to connect (tests read it).
        let mut out = std::io::stdout().lock();
        let _ = writeln!(
            out,
            "xpo serve: listening on {addr} ({} engine)",
            engine.name()
        );
        let _ = out.flush();
    })?;
    Ok(0)
}
