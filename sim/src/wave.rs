//! Waveforms of a lockstep window: every input, and every engine's outputs
//! side by side, one VCD scope per engine, one time unit per core cycle.
//! Open with GTKWave or Surfer and compare `model.lane3.prbs_chk_locked`
//! against `verilator.lane3.prbs_chk_locked`.

use crate::lockstep::Record;
use std::io::{BufWriter, Write};
use std::path::Path;
use vcd::{IdCode, TimescaleUnit, Value};
use xpo_spec::{LaneInputs, LaneOutputs, MgmtInputs, MgmtOutputs, PortSpec};

fn bits(v: u128, width: usize) -> impl Iterator<Item = Value> {
    (0..width).rev().map(move |i| {
        if (v >> i) & 1 == 1 {
            Value::V1
        } else {
            Value::V0
        }
    })
}

/// Declares `scope` with a `mgmt` sub-scope of `global` ports and one
/// `laneN` sub-scope of `ports` per lane; returns (global ids, lane ids).
fn declare(
    w: &mut vcd::Writer<impl Write>,
    scope: &str,
    lanes: usize,
    global: &[PortSpec],
    ports: &[PortSpec],
) -> std::io::Result<(Vec<IdCode>, Vec<Vec<IdCode>>)> {
    w.add_module(scope)?;
    w.add_module("mgmt")?;
    let mut gids = Vec::new();
    for p in global {
        gids.push(w.add_wire(p.width as u32, p.name)?);
    }
    w.upscope()?;
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
    Ok((gids, ids))
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
    let (mgmt_in, inputs) = declare(
        &mut w,
        "inputs",
        lanes,
        MgmtInputs::PORTS,
        LaneInputs::PORTS,
    )?;
    let mut outs = Vec::new();
    for e in engines {
        outs.push(declare(
            &mut w,
            e,
            lanes,
            MgmtOutputs::PORTS,
            LaneOutputs::PORTS,
        )?);
    }
    w.upscope()?;
    w.enddefinitions()?;
    for r in history {
        w.timestamp(r.cycle)?;
        w.change_scalar(reset, r.inputs.reset)?;
        for (p, spec) in MgmtInputs::PORTS.iter().enumerate() {
            w.change_vector(mgmt_in[p], bits(r.inputs.mgmt.get(p), spec.width))?;
        }
        for (lane, l) in r.inputs.lanes.iter().enumerate() {
            for (p, spec) in LaneInputs::PORTS.iter().enumerate() {
                w.change_vector(inputs[lane][p], bits(l.get(p), spec.width))?;
            }
        }
        for (e, o) in r.outputs.iter().enumerate() {
            for (p, spec) in MgmtOutputs::PORTS.iter().enumerate() {
                w.change_vector(outs[e].0[p], bits(o.mgmt.get(p), spec.width))?;
            }
            for (lane, l) in o.lanes.iter().enumerate() {
                for (p, spec) in LaneOutputs::PORTS.iter().enumerate() {
                    w.change_vector(outs[e].1[lane][p], bits(l.get(p), spec.width))?;
                }
            }
        }
    }
    if let Some(last) = history.last() {
        w.timestamp(last.cycle + 1)?;
    }
    w.flush()
}
