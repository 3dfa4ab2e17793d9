//! The management memory of any engine, reached through its real bus pins
//! — AXI4-Lite ([`EngineAxi`]) or I2C ([`EngineI2c`]) — by the host-side
//! bus-functional masters, so host code (the driver, the conformance suite)
//! runs unchanged against the model, the rust-hdl block and the Verilated
//! RTL.

use crate::lockstep::Stimulus;
use xpo_host::mgmt::conformance::Harness;
use xpo_host::mgmt::{
    axi_read, axi_write, AccessError, AxiMaster, AxiOp, AxiPacing, AxiTransport, CmisMemory,
    I2cMaster, I2cOp, I2cResult, I2cTransport, RegisterAccess,
};
use xpo_spec::{Engine, EngineInputs, EngineOutputs};

/// Bound on the cycles one bus operation may take before the engine is
/// declared hung (a broken handshake must fail a test, not spin forever).
const OPERATION_TIMEOUT: u64 = 1_000_000;

/// An engine out of reset with its inputs held between operations (the
/// lanes' inputs by an optional lane stimulus, every cycle).
struct Driven {
    engine: Box<dyn Engine>,
    inputs: EngineInputs,
    outputs: EngineOutputs,
    cycles: u64,
    lanes: Option<Box<dyn Stimulus>>,
}

impl Driven {
    fn new(mut engine: Box<dyn Engine>) -> Self {
        engine.reset();
        let mut inputs = EngineInputs::for_config(engine.config());
        let mut outputs = EngineOutputs::for_config(engine.config());
        // One idle cycle so the outputs reflect the reset state.
        engine.step_into(&inputs, &mut outputs);
        inputs.reset = false;
        Self {
            engine,
            inputs,
            outputs,
            cycles: 2,
            lanes: None,
        }
    }

    /// An engine as a run left it (no reset): `outputs` are its last. The
    /// buses are brought to rest first: a START and a STOP end any I2C
    /// transfer the run left open, and responses still owed on AXI are
    /// accepted and dropped.
    fn attach(engine: Box<dyn Engine>, outputs: EngineOutputs) -> Self {
        let inputs = EngineInputs::for_config(engine.config());
        let hold = 4 + engine.config().i2c_filter_cycles() as u64;
        let mut d = Self {
            engine,
            inputs,
            outputs,
            cycles: 0,
            lanes: None,
        };
        d.inputs.mgmt.axi_bready = true;
        d.inputs.mgmt.axi_rready = true;
        for (sda, cycles) in [(false, hold), (true, hold)] {
            d.inputs.mgmt.i2c_sda = sda;
            for _ in 0..cycles {
                d.step();
            }
        }
        for _ in 0..64 {
            d.step();
        }
        d.inputs.mgmt.axi_bready = false;
        d.inputs.mgmt.axi_rready = false;
        d
    }

    fn step(&mut self) {
        if let Some(s) = &mut self.lanes {
            // The stimulus owns the lanes only: the bus keeps the rest.
            let (mgmt, reset) = (self.inputs.mgmt, self.inputs.reset);
            s.drive(self.cycles, &self.outputs, &mut self.inputs);
            (self.inputs.mgmt, self.inputs.reset) = (mgmt, reset);
        }
        self.engine.step_into(&self.inputs, &mut self.outputs);
        self.cycles += 1;
    }
}

/// An engine's management memory over its AXI4-Lite slave, at linear
/// addresses: each call is one AXI write per 32-bit word touched (strobes
/// for exactly the bytes given) or one AXI read per word.
pub struct EngineAxi {
    bus: Driven,
    master: AxiMaster,
}

impl EngineAxi {
    /// Takes `engine` out of reset; `pacing` sets the master's random
    /// valid delays and back-pressure (`seed` makes them repeatable).
    pub fn new(engine: Box<dyn Engine>, seed: u64, pacing: AxiPacing) -> Self {
        Self {
            bus: Driven::new(engine),
            master: AxiMaster::new(seed, pacing),
        }
    }

    /// An engine as a run left it, without a reset (to read its registers
    /// afterwards); `outputs` are its outputs after the last cycle.
    pub fn attach(engine: Box<dyn Engine>, outputs: EngineOutputs) -> Self {
        Self {
            bus: Driven::attach(engine, outputs),
            master: AxiMaster::new(0, AxiPacing::EAGER),
        }
    }

    /// Core-clock cycles stepped so far.
    pub fn cycles(&self) -> u64 {
        self.bus.cycles
    }

    /// The engine's outputs after the last cycle.
    pub fn outputs(&self) -> &EngineOutputs {
        &self.bus.outputs
    }

    /// The lanes' inputs, held between operations (a test sets a
    /// serializer's `tx_ready`, a line's words, ...).
    pub fn lanes_mut(&mut self) -> &mut [xpo_spec::LaneInputs] {
        &mut self.bus.inputs.lanes
    }

    /// One cycle with the bus idle; the outputs after it.
    pub fn step(&mut self) -> &EngineOutputs {
        self.bus.step();
        &self.bus.outputs
    }

    /// Runs one operation to completion; an engine that does not complete
    /// it within [`OPERATION_TIMEOUT`] cycles is hung.
    pub fn run(&mut self, op: AxiOp) -> Result<xpo_host::mgmt::AxiResult, AccessError> {
        self.master.push(op);
        let start = self.bus.cycles;
        loop {
            let prev = self.bus.outputs.mgmt;
            self.master.drive(&prev, &mut self.bus.inputs.mgmt);
            // The handshake that completes the operation happens at this
            // cycle's edge: step it, then hand the bus back idle.
            self.bus.step();
            if let Some((_, r)) = self.master.take_done().pop() {
                return Ok(r);
            }
            if self.bus.cycles - start >= OPERATION_TIMEOUT {
                return Err(AccessError::Hung {
                    bus: "AXI4-Lite",
                    cycles: OPERATION_TIMEOUT,
                });
            }
        }
    }
}

impl AxiTransport for EngineAxi {
    fn run_axi(&mut self, op: AxiOp) -> Result<xpo_host::mgmt::AxiResult, AccessError> {
        self.run(op)
    }
}

impl RegisterAccess for EngineAxi {
    fn read(&mut self, addr: u32, buf: &mut [u8]) -> Result<(), AccessError> {
        axi_read(self, addr, buf)
    }

    fn write(&mut self, addr: u32, data: &[u8]) -> Result<(), AccessError> {
        axi_write(self, addr, data)
    }

    fn reports_errors(&self) -> bool {
        true
    }
}

/// The engine's hardware cannot be told to raise a flag from here.
impl Harness for EngineAxi {
    fn hardware(&mut self) -> Option<&mut CmisMemory> {
        None
    }
}

/// An engine's management memory over its I2C target, driven by the
/// bit-level master on the engine's SCL/SDA pins (open drain: SDA is low
/// when either side pulls it).
pub struct EngineI2c {
    bus: Driven,
    master: I2cMaster,
    /// The master's own SDA drive (true: released).
    drive_sda: bool,
    selected: (u8, u8),
}

impl EngineI2c {
    /// Takes `engine` out of reset; SCL runs at no more than `scl_hz`.
    pub fn new(engine: Box<dyn Engine>, scl_hz: u64) -> Self {
        let master = I2cMaster::new(engine.config(), scl_hz);
        Self {
            bus: Driven::new(engine),
            master,
            drive_sda: true,
            selected: (0, 0),
        }
    }

    /// Core-clock cycles stepped so far.
    pub fn cycles(&self) -> u64 {
        self.bus.cycles
    }

    /// Drives the lanes' inputs from `lanes` every cycle from now on (a
    /// host bringing the data paths up while the line carries traffic);
    /// the stimulus's management and reset inputs are ignored.
    pub fn with_lanes(mut self, lanes: Box<dyn Stimulus>) -> Self {
        self.bus.lanes = Some(lanes);
        self
    }

    /// The engine's outputs after the last cycle.
    pub fn outputs(&self) -> &EngineOutputs {
        &self.bus.outputs
    }

    /// One cycle with the bus idle; the outputs after it.
    pub fn step(&mut self) -> &EngineOutputs {
        self.bus.step();
        &self.bus.outputs
    }

    /// The master's SCL rate.
    pub fn scl_hz(&self) -> u64 {
        self.master.scl_hz()
    }

    /// Runs one operation to completion, plus a few idle cycles; an engine
    /// that does not complete it within [`OPERATION_TIMEOUT`] cycles is
    /// hung.
    pub fn run(&mut self, op: I2cOp) -> Result<I2cResult, AccessError> {
        self.master.push(op.clone());
        let start = self.bus.cycles;
        loop {
            let line = self.drive_sda && !self.bus.outputs.mgmt.i2c_sda_low;
            let (scl, sda) = self.master.step(line);
            self.drive_sda = sda;
            self.bus.inputs.mgmt.i2c_scl = scl;
            self.bus.inputs.mgmt.i2c_sda = sda && !self.bus.outputs.mgmt.i2c_sda_low;
            self.bus.step();
            if let Some((_, r)) = self.master.take_done().pop() {
                for _ in 0..8 {
                    self.bus.inputs.mgmt.i2c_sda =
                        self.drive_sda && !self.bus.outputs.mgmt.i2c_sda_low;
                    self.bus.step();
                }
                return Ok(r);
            }
            if self.bus.cycles - start >= OPERATION_TIMEOUT {
                return Err(AccessError::Hung {
                    bus: "I2C",
                    cycles: OPERATION_TIMEOUT,
                });
            }
        }
    }
}

impl I2cTransport for EngineI2c {
    fn run_op(&mut self, op: I2cOp) -> Result<I2cResult, AccessError> {
        self.run(op)
    }

    fn selection(&mut self) -> &mut (u8, u8) {
        &mut self.selected
    }
}

impl Harness for EngineI2c {
    fn hardware(&mut self) -> Option<&mut CmisMemory> {
        None
    }
}
