//! The reference model of the whole engine.

pub mod prbs;

use crate::mgmt::CmisMemory;
use prbs::{PrbsCheckerModel, PrbsGeneratorModel};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs, MgmtInputs, MgmtOutputs};

/// One lane of the model.
#[derive(Debug, Clone)]
struct LaneModel {
    generator: PrbsGeneratorModel,
    checker: PrbsCheckerModel,
}

/// The management byte port in front of the CMIS memory, per its contract:
/// `txn` rising opens a transaction and falling ends it; strobes count only
/// while `txn` is high, a read taking precedence over a write; a refused
/// access raises `err` for one cycle and reads 0.
#[derive(Debug, Clone)]
struct MgmtPort {
    memory: CmisMemory,
    txn_prev: bool,
    out: MgmtOutputs,
}

impl MgmtPort {
    fn new(cfg: &EngineConfig) -> Self {
        let memory = CmisMemory::new(cfg);
        let out = MgmtOutputs {
            int_l: !memory.intl_asserted(),
            ..Default::default()
        };
        Self {
            memory,
            txn_prev: false,
            out,
        }
    }

    fn step(&mut self, i: &MgmtInputs) -> MgmtOutputs {
        self.out.mgmt_err = false;
        let prev = std::mem::replace(&mut self.txn_prev, i.mgmt_txn);
        if i.mgmt_txn && !prev {
            self.memory.begin();
        }
        if !i.mgmt_txn && prev {
            self.memory.end();
        }
        if i.mgmt_txn && (i.mgmt_read || i.mgmt_write) {
            let r = if i.mgmt_read {
                self.memory
                    .read_byte(i.mgmt_addr)
                    .map(|v| self.out.mgmt_rdata = v)
            } else {
                self.memory.write_byte(i.mgmt_addr, i.mgmt_wdata)
            };
            if r.is_err() {
                self.out.mgmt_err = true;
                self.out.mgmt_rdata = 0;
            }
        }
        self.out.int_l = !self.memory.intl_asserted();
        self.out
    }
}

/// The engine as plain Rust, stepped one core-clock cycle at a time.
#[derive(Debug, Clone)]
pub struct Model {
    config: EngineConfig,
    lanes: Vec<LaneModel>,
    mgmt: MgmtPort,
}

impl Model {
    /// A model in its reset state; `cfg` must be valid.
    pub fn new(cfg: &EngineConfig) -> Result<Self, xpo_spec::ConfigError> {
        cfg.validate()?;
        let lanes = (0..cfg.lanes)
            .map(|_| LaneModel {
                generator: PrbsGeneratorModel::default(),
                checker: PrbsCheckerModel::new(&cfg.prbs),
            })
            .collect();
        Ok(Self {
            config: cfg.clone(),
            lanes,
            mgmt: MgmtPort::new(cfg),
        })
    }
}

impl Engine for Model {
    fn name(&self) -> &str {
        "model"
    }

    fn config(&self) -> &EngineConfig {
        &self.config
    }

    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs) {
        if inputs.reset {
            self.mgmt = MgmtPort::new(&self.config);
            outputs.mgmt = self.mgmt.out;
        } else {
            outputs.mgmt = self.mgmt.step(&inputs.mgmt);
        }
        for ((lane, i), o) in self
            .lanes
            .iter_mut()
            .zip(&inputs.lanes)
            .zip(outputs.lanes.iter_mut())
        {
            let g = lane.generator.step(
                inputs.reset,
                i.prbs_gen_enable,
                i.prbs_gen_pattern,
                i.prbs_gen_invert,
                i.tx_ready,
            );
            o.tx_data = g.data;
            o.tx_valid = g.valid;
            let c = lane.checker.step(
                inputs.reset,
                prbs::CheckerInputs {
                    enable: i.prbs_chk_enable,
                    pattern: i.prbs_chk_pattern,
                    invert: i.prbs_chk_invert,
                    counter_reset: i.prbs_chk_counter_reset,
                    data: i.rx_data,
                    valid: i.rx_valid,
                },
            );
            o.prbs_chk_locked = c.locked;
            o.prbs_chk_error_count = c.error_count;
            o.prbs_chk_bit_count = c.bit_count;
        }
    }
}
