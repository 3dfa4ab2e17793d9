//! `xpo serve`: host software against the simulated module over TCP, every
//! access real I2C on the Verilated RTL's pins.

use std::io::{BufRead, BufReader, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use xpo_host::mgmt::{bring_up::bring_up, Driver, RegisterAccess, ServedModule};
use xpo_spec::regmap::linear_address;
use xpo_spec::EngineConfig;

/// A served module, killed when dropped.
struct Server {
    child: Child,
    addr: SocketAddr,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(engine: &str) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .args(["serve", "--engine", engine, "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    // "xpo serve: listening on 127.0.0.1:PORT (verilator engine)"
    let addr = first
        .split_whitespace()
        .nth(4)
        .unwrap_or_else(|| panic!("{first}"))
        .parse()
        .unwrap();
    Server { child, addr }
}

fn line(s: &mut BufReader<TcpStream>, w: &mut TcpStream, cmd: &str) -> String {
    writeln!(w, "{cmd}").unwrap();
    let mut a = String::new();
    s.read_line(&mut a).unwrap();
    a.trim_end().to_string()
}

fn connect(addr: SocketAddr) -> (BufReader<TcpStream>, TcpStream) {
    let s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(120))).unwrap();
    (BufReader::new(s.try_clone().unwrap()), s)
}

/// The `Driver` runs unchanged against the served module: the CMIS
/// bring-up to DPActivated on every lane, then every laser lane enabled
/// with its fiber checked and a setpoint, on and within 2 % of it.
#[test]
fn the_driver_brings_a_served_module_up() {
    let srv = serve("verilator");
    let cfg = EngineConfig::default();
    let mut d = Driver::new(ServedModule::connect(srv.addr).unwrap(), cfg.register_map());
    let report = bring_up(&mut d, cfg.lanes, 2_000).unwrap();
    assert_eq!(report.waits.last().map(|w| w.0), Some("DPActivated"));
    assert!(d
        .read_lanes("DPState", 0..cfg.lanes)
        .unwrap()
        .iter()
        .all(|&s| s == 4));
    let setpoint = |g: usize| 5_000 + 500 * g as u16;
    for g in 0..cfg.laser_lanes {
        d.set_power_setpoint(g, setpoint(g)).unwrap();
        d.write_field("OutputFiberChecked", g, 1).unwrap();
    }
    d.write_lanes("LaneEnable", 0..cfg.laser_lanes, 1).unwrap();
    let mut on = false;
    for _ in 0..100 {
        d.access_mut().step(20_000).unwrap();
        if d.read_lanes("LaneState", 0..cfg.laser_lanes)
            .unwrap()
            .iter()
            .all(|&s| s == 2)
        {
            on = true;
            break;
        }
    }
    assert!(on, "the lasers never came on");
    d.access_mut().step(20_000).unwrap();
    for g in 0..cfg.laser_lanes {
        let p = d.power_monitor(g).unwrap() as f64;
        let want = setpoint(g) as f64;
        assert!(
            (p - want).abs() <= 0.02 * want,
            "laser {g}: {p} against {want}"
        );
    }
    assert!(d.access_mut().time_ns().unwrap() > 100_000);
}

/// Every malformed line is answered `ERR` with its reason; the connection
/// stays open and the server keeps serving.
#[test]
fn malformed_lines_get_err_and_the_connection_stays_open() {
    let srv = serve("model");
    let (mut r, mut w) = connect(srv.addr);
    for (bad, why) in xpo_serve::protocol::MALFORMED {
        let a = line(&mut r, &mut w, bad);
        assert!(a.starts_with("ERR ") && a.contains(why), "{bad:?}: {a}");
    }
    // An over-long line is refused whole.
    let long = "R ".to_string() + &"9".repeat(xpo_serve::protocol::MAX_LINE + 10);
    let a = line(&mut r, &mut w, &long);
    assert!(a.starts_with("ERR line longer"), "{a}");
    // Still serving: the lower page's identifier byte reads.
    let a = line(&mut r, &mut w, "R 0 1");
    assert!(a.starts_with("OK ") && a.len() == 5, "{a}");
    assert!(line(&mut r, &mut w, "TIME").starts_with("OK "));
}

/// Eight clients at once, each a read-modify-write loop on its own byte
/// (a lane's staged DPConfig, 10h:145..152): every byte ends at its count
/// and no increment is lost, because accesses are served one at a time.
/// A write sent in full completes even if its client leaves at once; a
/// line cut off before its end writes nothing.
#[test]
fn concurrent_clients_and_cut_off_writes_leave_consistent_bytes() {
    const ROUNDS: u32 = 40;
    let srv = serve("model");
    let cfg = EngineConfig::default();
    let byte = |k: u8| {
        let f = cfg.register_map().field("DPConfig").unwrap().clone();
        linear_address(0, f.page, f.instance(k).byte)
    };
    let threads: Vec<_> = (0..8u8)
        .map(|k| {
            let addr = srv.addr;
            let a = byte(k);
            std::thread::spawn(move || {
                let mut m = ServedModule::connect(addr).unwrap();
                for _ in 0..ROUNDS {
                    let mut b = [0u8];
                    m.read(a, &mut b).unwrap();
                    m.write(a, &[b[0].wrapping_add(1)]).unwrap();
                }
            })
        })
        .collect();
    for t in threads {
        t.join().unwrap();
    }
    let mut m = ServedModule::connect(srv.addr).unwrap();
    for k in 0..8 {
        let mut b = [0u8];
        m.read(byte(k), &mut b).unwrap();
        assert_eq!(u32::from(b[0]), ROUNDS, "lane {k}");
    }
    // A two-byte write cut off mid-line: neither byte written.
    {
        let mut s = TcpStream::connect(srv.addr).unwrap();
        write!(s, "W {} 7F7F", byte(0)).unwrap();
    }
    // A two-byte write sent whole, its client gone at once: both written.
    {
        let mut s = TcpStream::connect(srv.addr).unwrap();
        writeln!(s, "W {} 5A5B", byte(2)).unwrap();
    }
    std::thread::sleep(Duration::from_millis(500));
    let mut b = [0u8; 2];
    m.read(byte(0), &mut b).unwrap();
    assert_eq!(b.map(u32::from), [ROUNDS, ROUNDS]);
    m.read(byte(2), &mut b).unwrap();
    assert_eq!(b, [0x5A, 0x5B]);
}

/// The Python example client (standard library only) does the same
/// bring-up through its read/write callbacks.
#[test]
fn the_python_example_client_brings_the_module_up() {
    let srv = serve("verilator");
    let dir = tempfile::tempdir().unwrap();
    let map = dir.path().join("map.json");
    let st = Command::new(env!("CARGO_BIN_EXE_xpo"))
        .args(["regmap", "--format", "json", "--out", map.to_str().unwrap()])
        .status()
        .unwrap();
    assert!(st.success());
    let script =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/serve_client.py");
    let python = std::env::var("XPO_RDL_PYTHON").unwrap_or_else(|_| "python3".into());
    let out = Command::new(python)
        .arg(&script)
        .args([
            "--server",
            &srv.addr.to_string(),
            "--map",
            map.to_str().unwrap(),
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for step in ["ModuleReady at", "DPActivated at", "LaneState on at"] {
        assert!(text.contains(step), "{text}");
    }
    assert_eq!(text.matches(", ok").count(), 8, "{text}");
    assert!(text.trim_end().ends_with("PASS"), "{text}");
}
