//! Waveforms of a lockstep window: every input, and every engine's outputs
//! side by side, one scope per engine, one time unit per core cycle, as
//! FST (`.fst`, through `fst-writer`) or VCD (`.vcd`, through `vcd`), chosen
//! by the file's extension like the Verilated design's own waveforms.
//! Open with GTKWave or Surfer and compare `model.lane3.media_chk_locked`
//! against `verilator.lane3.media_chk_locked`, or `model.laser2.bias_dac`
//! against `verilator.laser2.bias_dac`.

use crate::lockstep::Record;
use std::io::{BufWriter, Write};
use std::path::Path;
use vcd::{IdCode, TimescaleUnit, Value};

/// A waveform file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WaveFormat {
    Vcd,
    Fst,
}

impl WaveFormat {
    /// The format a file's extension names (`.vcd`, `.fst`), if any.
    pub fn of(path: &Path) -> Option<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("vcd") => Some(WaveFormat::Vcd),
            Some("fst") => Some(WaveFormat::Fst),
            _ => None,
        }
    }
}

/// Where a window's hierarchy and values go: the same walk writes VCD or
/// FST.
trait Sink {
    type Id: Copy;
    fn scope(&mut self, name: &str) -> std::io::Result<()>;
    fn upscope(&mut self) -> std::io::Result<()>;
    fn wire(&mut self, width: usize, name: &str) -> std::io::Result<Self::Id>;
    fn end_definitions(&mut self) -> std::io::Result<()>;
    fn time(&mut self, t: u64) -> std::io::Result<()>;
    fn change(&mut self, id: Self::Id, value: u128, width: usize) -> std::io::Result<()>;
    fn finish(self) -> std::io::Result<()>;
}

struct VcdSink<W: Write>(vcd::Writer<W>);

impl<W: Write> Sink for VcdSink<W> {
    type Id = IdCode;
    fn scope(&mut self, name: &str) -> std::io::Result<()> {
        self.0.add_module(name)
    }
    fn upscope(&mut self) -> std::io::Result<()> {
        self.0.upscope()
    }
    fn wire(&mut self, width: usize, name: &str) -> std::io::Result<IdCode> {
        self.0.add_wire(width as u32, name)
    }
    fn end_definitions(&mut self) -> std::io::Result<()> {
        self.0.enddefinitions()
    }
    fn time(&mut self, t: u64) -> std::io::Result<()> {
        self.0.timestamp(t)
    }
    fn change(&mut self, id: IdCode, value: u128, width: usize) -> std::io::Result<()> {
        if width == 1 {
            self.0.change_scalar(id, value & 1 == 1)
        } else {
            self.0.change_vector(id, bits(value, width))
        }
    }
    fn finish(mut self) -> std::io::Result<()> {
        self.0.flush()
    }
}

type FstFile = BufWriter<std::fs::File>;

/// FST's writer is typed by phase: the hierarchy, then the values.
enum FstSink {
    Header(fst_writer::FstHeaderWriter<FstFile>),
    Body(fst_writer::FstBodyWriter<FstFile>, String),
    Moved,
}

fn fst_err(e: fst_writer::FstWriteError) -> std::io::Error {
    std::io::Error::other(e.to_string())
}

impl FstSink {
    fn header(&mut self) -> std::io::Result<&mut fst_writer::FstHeaderWriter<FstFile>> {
        match self {
            FstSink::Header(h) => Ok(h),
            _ => Err(std::io::Error::other("FST: hierarchy after the values")),
        }
    }
    fn body(&mut self) -> std::io::Result<(&mut fst_writer::FstBodyWriter<FstFile>, &mut String)> {
        match self {
            FstSink::Body(b, scratch) => Ok((b, scratch)),
            _ => Err(std::io::Error::other("FST: values before the hierarchy")),
        }
    }
}

impl Sink for FstSink {
    type Id = fst_writer::FstSignalId;
    fn scope(&mut self, name: &str) -> std::io::Result<()> {
        self.header()?
            .scope(name, "", fst_writer::FstScopeType::Module)
            .map_err(fst_err)
    }
    fn upscope(&mut self) -> std::io::Result<()> {
        self.header()?.up_scope().map_err(fst_err)
    }
    fn wire(&mut self, width: usize, name: &str) -> std::io::Result<Self::Id> {
        self.header()?
            .var(
                name,
                fst_writer::FstSignalType::bit_vec(width as u32),
                fst_writer::FstVarType::Wire,
                fst_writer::FstVarDirection::Implicit,
                None,
            )
            .map_err(fst_err)
    }
    fn end_definitions(&mut self) -> std::io::Result<()> {
        match std::mem::replace(self, FstSink::Moved) {
            FstSink::Header(h) => {
                *self = FstSink::Body(h.finish().map_err(fst_err)?, String::new());
                Ok(())
            }
            _ => Err(std::io::Error::other("FST: hierarchy ended twice")),
        }
    }
    fn time(&mut self, t: u64) -> std::io::Result<()> {
        self.body()?.0.time_change(t).map_err(fst_err)
    }
    fn change(&mut self, id: Self::Id, value: u128, width: usize) -> std::io::Result<()> {
        let (body, text) = self.body()?;
        // Most significant bit first, as in VCD.
        text.clear();
        text.extend(
            (0..width)
                .rev()
                .map(|i| if (value >> i) & 1 == 1 { '1' } else { '0' }),
        );
        body.signal_change(id, text.as_bytes()).map_err(fst_err)
    }
    fn finish(self) -> std::io::Result<()> {
        match self {
            FstSink::Body(b, _) => b.finish().map(|_| ()).map_err(fst_err),
            _ => Err(std::io::Error::other("FST: no values")),
        }
    }
}
use xpo_spec::{
    LaneInputs, LaneOutputs, LaserInputs, LaserOutputs, MgmtInputs, MgmtOutputs, PortSpec,
};

fn bits(v: u128, width: usize) -> impl Iterator<Item = Value> {
    (0..width).rev().map(move |i| {
        if (v >> i) & 1 == 1 {
            Value::V1
        } else {
            Value::V0
        }
    })
}

/// The ports of one scope: management, then per data lane, then per laser
/// lane.
struct Ports {
    mgmt: &'static [PortSpec],
    lane: &'static [PortSpec],
    laser: &'static [PortSpec],
}

const INPUTS: Ports = Ports {
    mgmt: MgmtInputs::PORTS,
    lane: LaneInputs::PORTS,
    laser: LaserInputs::PORTS,
};

const OUTPUTS: Ports = Ports {
    mgmt: MgmtOutputs::PORTS,
    lane: LaneOutputs::PORTS,
    laser: LaserOutputs::PORTS,
};

/// Wire ids of one scope, in [`Ports`] order.
struct Ids<I> {
    mgmt: Vec<I>,
    lanes: Vec<Vec<I>>,
    lasers: Vec<Vec<I>>,
}

fn wires<S: Sink>(w: &mut S, name: &str, ports: &[PortSpec]) -> std::io::Result<Vec<S::Id>> {
    w.scope(name)?;
    let ids = ports
        .iter()
        .map(|p| w.wire(p.width, p.name))
        .collect::<std::io::Result<_>>()?;
    w.upscope()?;
    Ok(ids)
}

/// Declares `scope` with a `mgmt` sub-scope, one `laneN` per data lane and
/// one `laserN` per laser lane.
fn declare<S: Sink>(
    w: &mut S,
    scope: &str,
    (lanes, lasers): (usize, usize),
    ports: &Ports,
) -> std::io::Result<Ids<S::Id>> {
    w.scope(scope)?;
    let ids = Ids {
        mgmt: wires(w, "mgmt", ports.mgmt)?,
        lanes: (0..lanes)
            .map(|l| wires(w, &format!("lane{l}"), ports.lane))
            .collect::<std::io::Result<_>>()?,
        lasers: (0..lasers)
            .map(|l| wires(w, &format!("laser{l}"), ports.laser))
            .collect::<std::io::Result<_>>()?,
    };
    w.upscope()?;
    Ok(ids)
}

/// Writes one port group's values.
fn change<S: Sink>(
    w: &mut S,
    ids: &[S::Id],
    ports: &[PortSpec],
    get: impl Fn(usize) -> u128,
) -> std::io::Result<()> {
    for (p, spec) in ports.iter().enumerate() {
        w.change(ids[p], get(p), spec.width)?;
    }
    Ok(())
}

/// Writes `history` to `path`, as FST or VCD by the extension (an
/// extension that names neither is an error).
pub fn write_window(path: &Path, engines: &[String], history: &[Record]) -> std::io::Result<()> {
    let Some(format) = WaveFormat::of(path) else {
        return Err(std::io::Error::other(format!(
            "{}: a waveform is written as FST (.fst) or VCD (.vcd)",
            path.display()
        )));
    };
    if history.is_empty() {
        return Ok(());
    }
    match format {
        WaveFormat::Vcd => {
            let mut w = vcd::Writer::new(BufWriter::new(std::fs::File::create(path)?));
            w.timescale(1, TimescaleUnit::NS)?;
            walk(VcdSink(w), engines, history)
        }
        WaveFormat::Fst => {
            let info = fst_writer::FstInfo {
                start_time: history[0].cycle,
                // One time unit per cycle, shown as 1 ns like the VCD.
                timescale_exponent: -9,
                version: format!("xpo {}", env!("CARGO_PKG_VERSION")),
                date: String::new(),
                file_type: fst_writer::FstFileType::Verilog,
            };
            let w = fst_writer::open_fst(path, &info).map_err(fst_err)?;
            walk(FstSink::Header(w), engines, history)
        }
    }
}

fn walk<S: Sink>(mut w: S, engines: &[String], history: &[Record]) -> std::io::Result<()> {
    let first = &history[0];
    let counts = (first.inputs.lanes.len(), first.inputs.lasers.len());
    w.scope("xpo")?;
    let reset = w.wire(1, "reset")?;
    let inputs = declare(&mut w, "inputs", counts, &INPUTS)?;
    let outs = engines
        .iter()
        .map(|e| declare(&mut w, e, counts, &OUTPUTS))
        .collect::<std::io::Result<Vec<_>>>()?;
    w.upscope()?;
    w.end_definitions()?;
    for r in history {
        w.time(r.cycle)?;
        w.change(reset, r.inputs.reset as u128, 1)?;
        let i = &r.inputs;
        change(&mut w, &inputs.mgmt, INPUTS.mgmt, |p| i.mgmt.get(p))?;
        for (ids, l) in inputs.lanes.iter().zip(&i.lanes) {
            change(&mut w, ids, INPUTS.lane, |p| l.get(p))?;
        }
        for (ids, l) in inputs.lasers.iter().zip(&i.lasers) {
            change(&mut w, ids, INPUTS.laser, |p| l.get(p))?;
        }
        for (e, o) in outs.iter().zip(&r.outputs) {
            change(&mut w, &e.mgmt, OUTPUTS.mgmt, |p| o.mgmt.get(p))?;
            for (ids, l) in e.lanes.iter().zip(&o.lanes) {
                change(&mut w, ids, OUTPUTS.lane, |p| l.get(p))?;
            }
            for (ids, l) in e.lasers.iter().zip(&o.lasers) {
                change(&mut w, ids, OUTPUTS.laser, |p| l.get(p))?;
            }
        }
    }
    if let Some(last) = history.last() {
        w.time(last.cycle + 1)?;
    }
    w.finish()
}
