//! `xpo serve`: the simulated engine as a virtual module for host software.
//!
//! Three kinds of thread:
//!
//! - **the simulation** (one): owns the engine, the physical lasers
//!   ([`LaserBench`]), the data lanes' traffic (each direction's lanes one
//!   straight clause 82 link) and the bit-level I2C master. It runs free:
//!   a cycle after another, as fast as the engine allows or paced to
//!   `speed` times wall time, so the module's timers elapse while a host
//!   waits. Between cycles it takes pins, events, `STEP` and `TIME`, and
//!   the I2C operations of the host thread.
//! - **the host** (one): every `R` and `W` of every client, one at a time,
//!   through `RegisterAccess` over a window transport whose operations the
//!   simulation puts on the pins — BankSelect/PageSelect writes as a host
//!   does them, then the run. One at a time is what keeps two clients'
//!   transactions from interleaving.
//! - **a session per client**: reads lines (at most [`MAX_LINE`] bytes; a
//!   line that stalls longer than the stall timeout closes the session,
//!   never the simulation), answers each. A command is carried out only
//!   once its whole line has arrived, so a client that disconnects
//!   mid-line leaves nothing half-done, and a write it sent is completed.
//!
//! The protocol is [`protocol`]'s.

pub mod protocol;

use protocol::{parse, Command, Pin, MAX_LINE};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::mpsc::{channel, Receiver, RecvTimeoutError, Sender, TryRecvError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use xpo_host::link::LinkPlan;
use xpo_host::mgmt::{AccessError, I2cMaster, I2cOp, I2cResult, I2cTransport, RegisterAccess};
use xpo_host::serdes::LineImpairments;
use xpo_sim::laser::LaserBench;
use xpo_sim::retimer::{RetimerPlan, RetimerTraffic};
use xpo_sim::{build_engine, EngineKind, SimError, Stimulus, Verilated};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, MgmtInputs};

/// What `xpo serve` was asked to serve.
#[derive(Clone)]
pub struct ServeOptions {
    pub listen: SocketAddr,
    pub engine: EngineKind,
    pub config: EngineConfig,
    /// Simulated time against wall time (`None`: as fast as it runs).
    pub speed: Option<f64>,
    /// A VCD of the served session (the Verilated engine).
    pub trace: Option<PathBuf>,
    /// A session whose line has been incomplete this long is closed.
    pub stall_timeout: Duration,
    /// Where each client's connect and disconnect are told (the command
    /// line prints them; the library never does).
    pub log: Arc<dyn Fn(&str) + Send + Sync>,
}

/// Why serving could not start.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Sim(#[from] SimError),
    #[error("cannot listen on {addr}: {source}")]
    Listen {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("--speed {0}: must be a positive number")]
    Speed(f64),
    #[error("--trace needs the verilator engine")]
    TraceEngine,
}

/// Requests to the simulation thread.
enum SimRequest {
    Pin(Pin, bool),
    Laser(xpo_sim::laser::LaserEvent),
    Los {
        host: bool,
        lane: usize,
        dark: bool,
    },
    /// Answer once `cycles` more cycles have run.
    Step(u64, Sender<()>),
    /// Answer with the simulated time, ns.
    Time(Sender<u64>),
    I2c(I2cOp, Sender<I2cResult>),
}

/// A client's `R` or `W` for the host thread.
struct Access {
    write: Option<Vec<u8>>,
    addr: u32,
    len: usize,
    reply: Sender<Result<Vec<u8>, String>>,
}

/// The host thread's window: each I2C operation goes to the simulation and
/// waits for its result.
struct SimWindow {
    sim: Sender<SimRequest>,
    selected: (u8, u8),
}

impl I2cTransport for SimWindow {
    fn run_op(&mut self, op: I2cOp) -> Result<I2cResult, AccessError> {
        let gone = AccessError::Hung {
            bus: "I2C (the simulation stopped)",
            cycles: 0,
        };
        let (tx, rx) = channel();
        self.sim.send(SimRequest::I2c(op, tx)).map_err(|_| gone)?;
        rx.recv().map_err(|_| gone)
    }

    fn selection(&mut self) -> &mut (u8, u8) {
        &mut self.selected
    }
}

/// Binds, starts the simulation and host threads, calls `ready` with the
/// address it listens on, then serves clients until the process ends.
pub fn serve(opts: ServeOptions, ready: impl FnOnce(SocketAddr)) -> Result<(), ServeError> {
    if let Some(s) = opts.speed {
        if !(s > 0.0 && s.is_finite()) {
            return Err(ServeError::Speed(s));
        }
    }
    if opts.trace.is_some() && opts.engine != EngineKind::Verilator {
        return Err(ServeError::TraceEngine);
    }
    opts.config.validate().map_err(SimError::from)?;
    let listener = TcpListener::bind(opts.listen).map_err(|source| ServeError::Listen {
        addr: opts.listen,
        source,
    })?;
    let addr = listener.local_addr().map_err(|source| ServeError::Listen {
        addr: opts.listen,
        source,
    })?;
    // The engine is built on the simulation thread (a Verilated model stays
    // on the thread that made it); its errors come back before serving.
    let (sim_tx, sim_rx) = channel::<SimRequest>();
    let (built_tx, built_rx) = channel::<Result<(), SimError>>();
    let sim_opts = opts.clone();
    std::thread::Builder::new()
        .name("xpo serve simulation".into())
        .spawn(move || simulate(sim_opts, sim_rx, built_tx))
        .expect("a thread starts");
    built_rx
        .recv()
        .unwrap_or_else(|_| Err(SimError::Scenario("the simulation did not start".into())))?;
    let (host_tx, host_rx) = channel::<Access>();
    let window_sim = sim_tx.clone();
    std::thread::Builder::new()
        .name("xpo serve host".into())
        .spawn(move || host(host_rx, window_sim))
        .expect("a thread starts");
    ready(addr);
    let shared = Arc::new(Shared {
        sim: Mutex::new(sim_tx),
        host: Mutex::new(host_tx),
        lanes: opts.config.lanes,
        laser_lanes: opts.config.laser_lanes,
        stall: opts.stall_timeout,
        log: opts.log.clone(),
    });
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let shared = shared.clone();
        std::thread::spawn(move || session(stream, &shared));
    }
    Ok(())
}

/// What every session reaches.
struct Shared {
    sim: Mutex<Sender<SimRequest>>,
    host: Mutex<Sender<Access>>,
    lanes: usize,
    laser_lanes: usize,
    stall: Duration,
    log: Arc<dyn Fn(&str) + Send + Sync>,
}

/// The host thread: every access in arrival order, each a whole I2C
/// transaction sequence (page select, then the run) before the next.
fn host(accesses: Receiver<Access>, sim: Sender<SimRequest>) {
    let mut w = SimWindow {
        sim,
        selected: (0, 0),
    };
    for a in accesses {
        let r = match &a.write {
            Some(data) => w.write(a.addr, data).map(|()| Vec::new()),
            None => {
                let mut buf = vec![0; a.len];
                w.read(a.addr, &mut buf).map(|()| buf)
            }
        };
        let _ = a.reply.send(r.map_err(|e| e.to_string()));
    }
}

/// The simulation thread.
fn simulate(
    opts: ServeOptions,
    requests: Receiver<SimRequest>,
    built: Sender<Result<(), SimError>>,
) {
    let cfg = &opts.config;
    let engine: Result<Box<dyn Engine>, SimError> = match (&opts.trace, opts.engine) {
        (Some(p), EngineKind::Verilator) => Verilated::with_trace(cfg, p).map(|v| Box::new(v) as _),
        (_, k) => build_engine(k, cfg),
    };
    let traffic = RetimerTraffic::linked(
        RetimerPlan {
            seed: 1,
            host: LineImpairments::clean(),
            media: LineImpairments::clean(),
            drive_reset: true,
        },
        LinkPlan::straight(cfg.lanes, cfg.retimer.am_period, 2),
        LinkPlan::straight(cfg.lanes, cfg.retimer.am_period, 3),
        cfg.lanes,
    );
    let (mut engine, mut traffic) = match (engine, traffic) {
        (Ok(e), Ok(t)) => (e, t),
        (Err(e), _) | (_, Err(e)) => {
            let _ = built.send(Err(e));
            return;
        }
    };
    let _ = built.send(Ok(()));
    let mut bench = LaserBench::new(cfg, 1);
    let mut pending_laser = Vec::new();
    let mut i2c = I2cMaster::new(cfg, u64::MAX);
    let mut i2c_sda = true;
    let mut i2c_reply: Option<Sender<I2cResult>> = None;
    let mut queued_i2c: std::collections::VecDeque<(I2cOp, Sender<I2cResult>)> = Default::default();
    let mut steps: Vec<(u64, Sender<()>)> = Vec::new();
    let (mut lp_mode, mut reset_low, mut module_fault) = (false, false, false);
    let mut dark = [vec![false; cfg.lanes], vec![false; cfg.lanes]];
    let mut inputs = EngineInputs::for_config(cfg);
    let mut outputs = EngineOutputs::for_config(cfg);
    let mut previous = outputs.clone();
    let started = Instant::now();
    let mut cycle: u64 = 0;
    let ns = |c: u64| (c as u128 * 1_000_000_000 / cfg.clock_hz as u128) as u64;
    loop {
        // Between cycles: what the clients asked for.
        loop {
            match requests.try_recv() {
                Ok(SimRequest::Pin(p, high)) => match p {
                    Pin::LpMode => lp_mode = high,
                    Pin::ResetL => reset_low = !high,
                    Pin::ModuleFault => module_fault = high,
                    // The bench drives the pin and watches the lasers on it.
                    Pin::Interlock => {
                        pending_laser.push(xpo_sim::laser::LaserEvent::Interlock(high))
                    }
                },
                Ok(SimRequest::Laser(e)) => pending_laser.push(e),
                Ok(SimRequest::Los {
                    host,
                    lane,
                    dark: d,
                }) => dark[usize::from(!host)][lane] = d,
                Ok(SimRequest::Step(n, reply)) => steps.push((cycle + n, reply)),
                Ok(SimRequest::Time(reply)) => {
                    let _ = reply.send(ns(cycle));
                }
                Ok(SimRequest::I2c(op, reply)) => queued_i2c.push_back((op, reply)),
                Err(TryRecvError::Empty) => break,
                // Every sender gone: the server is ending.
                Err(TryRecvError::Disconnected) => return,
            }
        }
        if i2c_reply.is_none() {
            if let Some((op, reply)) = queued_i2c.pop_front() {
                i2c.push(op);
                i2c_reply = Some(reply);
            }
        }
        // Events apply from this cycle on (the bench's own schedule).
        for e in pending_laser.drain(..) {
            bench.schedule(cycle, e);
        }
        traffic.drive(cycle, &previous, &mut inputs);
        for (l, i) in inputs.lanes.iter_mut().enumerate() {
            if dark[0][l] {
                i.host_tx_valid = false;
                i.host_tx_data = 0;
            }
            if dark[1][l] {
                i.rx_valid = false;
                i.rx_data = 0;
            }
        }
        let mut m = MgmtInputs::idle();
        m.low_power_pin = lp_mode;
        m.module_reset = reset_low;
        m.module_fault = module_fault;
        let target_low = previous.mgmt.i2c_sda_low;
        let (scl, sda) = i2c.step(i2c_sda && !target_low);
        if let Some((_, r)) = i2c.take_done().pop() {
            if let Some(reply) = i2c_reply.take() {
                let _ = reply.send(r);
            }
        }
        i2c_sda = sda;
        m.i2c_scl = scl;
        m.i2c_sda = sda && !target_low;
        inputs.mgmt = m;
        bench.drive(cycle, &previous, &mut inputs);
        engine.step_into(&inputs, &mut outputs);
        std::mem::swap(&mut previous, &mut outputs);
        cycle += 1;
        steps.retain(|(at, reply)| {
            if cycle >= *at {
                let _ = reply.send(());
                false
            } else {
                true
            }
        });
        if let Some(speed) = opts.speed {
            // Never ahead of `speed` times wall time.
            let wall_ns = started.elapsed().as_nanos() as f64 * speed;
            let ahead = ns(cycle) as f64 - wall_ns;
            if ahead > 1_000_000.0 {
                std::thread::sleep(Duration::from_nanos((ahead / speed) as u64));
            }
        }
    }
}

/// Reads one line of at most [`MAX_LINE`] bytes. `Ok(None)`: the client
/// closed. A longer line is consumed and refused.
fn read_line(r: &mut BufReader<TcpStream>) -> std::io::Result<Option<Result<String, String>>> {
    let mut buf = Vec::new();
    let n = r
        .by_ref()
        .take(MAX_LINE as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') {
        if buf.len() > MAX_LINE {
            // Skip the rest of the over-long line.
            let mut rest = Vec::new();
            r.read_until(b'\n', &mut rest)?;
            return Ok(Some(Err(format!("line longer than {MAX_LINE} bytes"))));
        }
        // The client closed mid-line: nothing to carry out.
        return Ok(None);
    }
    buf.pop();
    if buf.last() == Some(&b'\r') {
        buf.pop();
    }
    Ok(Some(
        String::from_utf8(buf).map_err(|_| "the line is not ASCII".to_string()),
    ))
}

/// One client, until it leaves or stalls.
fn session(stream: TcpStream, shared: &Shared) {
    let peer = stream
        .peer_addr()
        .map_or("?".to_string(), |a| a.to_string());
    (shared.log)(&format!("{peer} connected"));
    let _ = stream.set_read_timeout(Some(shared.stall));
    let _ = stream.set_nodelay(true);
    let Ok(mut out) = stream.try_clone() else {
        return;
    };
    let mut input = BufReader::new(stream);
    let (mut commands, mut errors) = (0u64, 0u64);
    let why = loop {
        let line = match read_line(&mut input) {
            Ok(None) => break "closed",
            Ok(Some(l)) => l,
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                break "stalled"
            }
            Err(_) => break "connection error",
        };
        commands += 1;
        let answer = match line.and_then(|l| parse(&l, shared.lanes, shared.laser_lanes)) {
            Err(e) => Err(e),
            Ok(c) => carry_out(c, shared),
        };
        let text = match answer {
            Ok(a) => a,
            Err(e) => {
                errors += 1;
                format!("ERR {e}")
            }
        };
        if writeln!(out, "{text}").is_err() {
            break "connection error";
        }
    };
    (shared.log)(&format!(
        "{peer} {why} after {commands} commands, {errors} refused"
    ));
}

/// One `R` (no `write`) or `W` through the host thread, waiting for it.
fn access(
    shared: &Shared,
    addr: u32,
    len: usize,
    write: Option<Vec<u8>>,
) -> Result<Vec<u8>, String> {
    let stopped = || "the simulation stopped".to_string();
    let (tx, rx) = channel();
    let a = Access {
        write,
        addr,
        len,
        reply: tx,
    };
    shared
        .host
        .lock()
        .expect("not poisoned")
        .send(a)
        .map_err(|_| stopped())?;
    rx.recv().map_err(|_| stopped())?
}

/// Carries out one command; the answer line or the refusal's reason.
fn carry_out(c: Command, shared: &Shared) -> Result<String, String> {
    let stopped = || "the simulation stopped".to_string();
    let sim = |r: SimRequest| {
        shared
            .sim
            .lock()
            .expect("not poisoned")
            .send(r)
            .map_err(|_| stopped())
    };
    match c {
        Command::Read { addr, len } => {
            let data = access(shared, addr, len, None)?;
            Ok(format!(
                "OK {}",
                data.iter().map(|b| format!("{b:02X}")).collect::<String>()
            ))
        }
        Command::Write { addr, data } => {
            access(shared, addr, data.len(), Some(data))?;
            Ok("OK".into())
        }
        Command::Pin { pin, high } => sim(SimRequest::Pin(pin, high)).map(|()| "OK".into()),
        Command::Laser(e) => sim(SimRequest::Laser(e)).map(|()| "OK".into()),
        Command::Los { host, lane, dark } => {
            sim(SimRequest::Los { host, lane, dark }).map(|()| "OK".into())
        }
        Command::Step(n) => {
            let (tx, rx) = channel();
            sim(SimRequest::Step(n, tx))?;
            // A long step is waited for however long it takes.
            loop {
                match rx.recv_timeout(Duration::from_secs(3600)) {
                    Ok(()) => return Ok("OK".into()),
                    Err(RecvTimeoutError::Timeout) => continue,
                    Err(RecvTimeoutError::Disconnected) => return Err(stopped()),
                }
            }
        }
        Command::Time => {
            let (tx, rx) = channel();
            sim(SimRequest::Time(tx))?;
            Ok(format!("OK {}", rx.recv().map_err(|_| stopped())?))
        }
    }
}
