//! Waveforms of a lockstep window: every input, and every engine's outputs
//! side by side, one VCD scope per engine, one time unit per core cycle.
//! Open with GTKWave or Surfer and compare `model.lane3.prbs_chk_locked`
//! against `verilator.lane3.prbs_chk_locked`.

use crate::lockstep::Record;
use std::io::{BufWriter, Write};
use std::path::Path;
use vcd::{IdCode, TimescaleUnit, Value};
use xpo_spec::{LaneInputs, LaneOutputs, PortSpec};

fn bits(v: u128, width: usize) -> impl Iterator<Item = Value> {
    (0..width).rev().map(move |i| {
        if (v >> i) & 1 == 1 {
            Value::V1
        } else {
            Value::V0
        }
    })
}

fn declare(
    w: &mut vcd::Writer<impl Write>,
    scope: &str,
    lanes: usize,
    ports: &[PortSpec],
) -> std::io::Result<Vec<Vec<IdCode>>> {
    w.add_module(scope)?;
    let mut ids = Vec::new();
    for lane in 0..lanes {
        w.add_module(&format!("lane{lane}"))?;
        let mut lane_ids = Vec::new();
        for p in ports {
            lane_ids.push(w.add_wire(p.width as u32, p.name)?);
        }
        w.upscope()?;
        ids.push(lane_ids);
    }
    w.upscope()?;
    Ok(ids)
}

/// Writes `history` to `path` as VCD.
pub fn write_window(path: &Path, engines: &[String], history: &[Record]) -> std::io::Result<()> {
    let Some(first) = history.first() else {
        return Ok(());
    };
    let lanes = first.inputs.lanes.len();
    let mut w = vcd::Writer::new(BufWriter::new(std::fs::File::create(path)?));
    w.timescale(1, TimescaleUnit::NS)?;
    w.add_module("xpo")?;
    let reset = w.add_wire(1, "reset")?;
    let inputs = declare(&mut w, "inputs", lanes, LaneInputs::PORTS)?;
    let mut outs = Vec::new();
    for e in engines {
        outs.push(declare(&mut w, e, lanes, LaneOutputs::PORTS)?);
    }
    w.upscope()?;
    w.enddefinitions()?;
    for r in history {
        w.timestamp(r.cycle)?;
        w.change_scalar(reset, r.inputs.reset)?;
        for (lane, l) in r.inputs.lanes.iter().enumerate() {
            for (p, spec) in LaneInputs::PORTS.iter().enumerate() {
                w.change_vector(inputs[lane][p], bits(l.get(p), spec.width))?;
            }
        }
        for (e, o) in r.outputs.iter().enumerate() {
            for (lane, l) in o.lanes.iter().enumerate() {
                for (p, spec) in LaneOutputs::PORTS.iter().enumerate() {
                    w.change_vector(outs[e][lane][p], bits(l.get(p), spec.width))?;
                }
            }
        }
    }
    if let Some(last) = history.last() {
        w.timestamp(last.cycle + 1)?;
    }
    w.flush()
}
