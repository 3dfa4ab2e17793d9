//! The management memory of any engine, reached through its byte port, so
//! host-side code (the driver, the conformance suite) runs unchanged against
//! the model, the rust-hdl block and the Verilated RTL.

use xpo_host::mgmt::conformance::Harness;
use xpo_host::mgmt::{AccessError, CmisMemory, WindowAccess};
use xpo_spec::{Engine, EngineInputs, EngineOutputs, MgmtInputs};

/// An engine driven through its management byte port, one access a cycle.
pub struct EngineBus {
    engine: Box<dyn Engine>,
    inputs: EngineInputs,
    outputs: EngineOutputs,
    selected: (u8, u8),
    /// Core-clock cycles stepped.
    pub cycles: u64,
}

impl EngineBus {
    /// Takes `engine` out of reset (one reset cycle).
    pub fn new(mut engine: Box<dyn Engine>) -> Self {
        let lanes = engine.config().lanes;
        engine.reset();
        Self {
            engine,
            inputs: EngineInputs::new(lanes),
            outputs: EngineOutputs::new(lanes),
            selected: (0, 0),
            cycles: 1,
        }
    }

    /// One transaction: each access takes one cycle with `mgmt_txn` high,
    /// then one cycle with it low ends the transaction. Returns the bytes read
    /// (0 for writes) and the first refused access.
    fn transaction(&mut self, accesses: &[(bool, u8, u8)]) -> (Vec<u8>, Option<u8>) {
        let mut data = Vec::with_capacity(accesses.len());
        let mut refused = None;
        for &(write, addr, wdata) in accesses {
            self.inputs.mgmt = MgmtInputs {
                mgmt_txn: true,
                mgmt_read: !write,
                mgmt_write: write,
                mgmt_addr: addr,
                mgmt_wdata: wdata,
                ..Default::default()
            };
            self.engine.step_into(&self.inputs, &mut self.outputs);
            self.cycles += 1;
            data.push(if write {
                0
            } else {
                self.outputs.mgmt.mgmt_rdata
            });
            if self.outputs.mgmt.mgmt_err && refused.is_none() {
                refused = Some(addr);
            }
        }
        self.inputs.mgmt = MgmtInputs::default();
        self.engine.step_into(&self.inputs, &mut self.outputs);
        self.cycles += 1;
        (data, refused)
    }
}

impl WindowAccess for EngineBus {
    fn selected(&mut self) -> (u8, u8) {
        self.selected
    }

    fn select(&mut self, bank: u8, page: u8) -> Result<(), AccessError> {
        self.write_run(126, &[bank, page])
    }

    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), AccessError> {
        let accesses: Vec<_> = (0..buf.len())
            .map(|k| (false, byte.wrapping_add(k as u8), 0))
            .collect();
        let (data, refused) = self.transaction(&accesses);
        buf.copy_from_slice(&data);
        refused.map_or(Ok(()), |byte| Err(AccessError::Refused { byte }))
    }

    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), AccessError> {
        let accesses: Vec<_> = data
            .iter()
            .enumerate()
            .map(|(k, &v)| (true, byte.wrapping_add(k as u8), v))
            .collect();
        let (_, refused) = self.transaction(&accesses);
        for (k, &v) in data.iter().enumerate() {
            match byte.wrapping_add(k as u8) {
                126 => self.selected.0 = v,
                127 => self.selected.1 = v,
                _ => {}
            }
        }
        refused.map_or(Ok(()), |byte| Err(AccessError::Refused { byte }))
    }
}

/// The engine's hardware cannot yet be told to raise a flag from here.
impl Harness for EngineBus {
    fn hardware(&mut self) -> Option<&mut CmisMemory> {
        None
    }
}
