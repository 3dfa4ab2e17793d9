//! Waveforms of a lockstep window: every input, and every engine's outputs
//! side by side, one VCD scope per engine, one time unit per core cycle.
//! Open with GTKWave or Surfer and compare `model.lane3.media_chk_locked`
//! against `verilator.lane3.media_chk_locked`, or `model.laser2.bias_dac`
//! against `verilator.laser2.bias_dac`.

use crate::lockstep::Record;
use std::io::{BufWriter, Write};
use std::path::Path;
use vcd::{IdCode, TimescaleUnit, Value};
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
struct Ids {
    mgmt: Vec<IdCode>,
    lanes: Vec<Vec<IdCode>>,
    lasers: Vec<Vec<IdCode>>,
}

fn wires(
    w: &mut vcd::Writer<impl Write>,
    name: &str,
    ports: &[PortSpec],
) -> std::io::Result<Vec<IdCode>> {
    w.add_module(name)?;
    let ids = ports
        .iter()
        .map(|p| w.add_wire(p.width as u32, p.name))
        .collect::<std::io::Result<_>>()?;
    w.upscope()?;
    Ok(ids)
}

/// Declares `scope` with a `mgmt` sub-scope, one `laneN` per data lane and
/// one `laserN` per laser lane.
fn declare(
    w: &mut vcd::Writer<impl Write>,
    scope: &str,
    (lanes, lasers): (usize, usize),
    ports: &Ports,
) -> std::io::Result<Ids> {
    w.add_module(scope)?;
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
fn change(
    w: &mut vcd::Writer<impl Write>,
    ids: &[IdCode],
    ports: &[PortSpec],
    get: impl Fn(usize) -> u128,
) -> std::io::Result<()> {
    for (p, spec) in ports.iter().enumerate() {
        w.change_vector(ids[p], bits(get(p), spec.width))?;
    }
    Ok(())
}

/// Writes `history` to `path` as VCD.
pub fn write_window(path: &Path, engines: &[String], history: &[Record]) -> std::io::Result<()> {
    let Some(first) = history.first() else {
        return Ok(());
    };
    let counts = (first.inputs.lanes.len(), first.inputs.lasers.len());
    let mut w = vcd::Writer::new(BufWriter::new(std::fs::File::create(path)?));
    w.timescale(1, TimescaleUnit::NS)?;
    w.add_module("xpo")?;
    let reset = w.add_wire(1, "reset")?;
    let inputs = declare(&mut w, "inputs", counts, &INPUTS)?;
    let outs = engines
        .iter()
        .map(|e| declare(&mut w, e, counts, &OUTPUTS))
        .collect::<std::io::Result<Vec<_>>>()?;
    w.upscope()?;
    w.enddefinitions()?;
    for r in history {
        w.timestamp(r.cycle)?;
        w.change_scalar(reset, r.inputs.reset)?;
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
        w.timestamp(last.cycle + 1)?;
    }
    w.flush()
}
