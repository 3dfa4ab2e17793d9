//! The reference model of the whole engine.

pub mod module_state;
pub mod prbs;

use crate::mgmt::memory::FieldRef;
use crate::mgmt::CmisMemory;
use module_state::ModuleStateModel;
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
    /// The fields the hardware touches every cycle, resolved once.
    fields: HwFields,
}

#[derive(Debug, Clone, Copy)]
struct HwFields {
    module_state: FieldRef,
    state_changed: FieldRef,
    software_reset: FieldRef,
    low_pwr_request_sw: FieldRef,
    low_pwr_allow_request_hw: FieldRef,
}

impl MgmtPort {
    fn new(cfg: &EngineConfig) -> Self {
        let memory = CmisMemory::new(cfg);
        let out = MgmtOutputs {
            int_l: !memory.intl_asserted(),
            ..Default::default()
        };
        let fields = HwFields {
            module_state: memory.field_ref("ModuleState", 0, 0),
            state_changed: memory.field_ref("ModuleStateChanged", 0, 0),
            software_reset: memory.field_ref("SoftwareReset", 0, 0),
            low_pwr_request_sw: memory.field_ref("LowPwrRequestSW", 0, 0),
            low_pwr_allow_request_hw: memory.field_ref("LowPwrAllowRequestHW", 0, 0),
        };
        Self {
            memory,
            txn_prev: false,
            out,
            fields,
        }
    }

    /// One edge of the byte port, then of the hardware interface: the module
    /// state (sampled only outside transactions), its change flag (a raise
    /// wins over a same-cycle read). Returns whether SoftwareReset was
    /// written 1 (the module resets at the next edge).
    fn step(&mut self, i: &MgmtInputs, module_state: u8, state_changed: bool) -> bool {
        self.access(i);
        let f = self.fields;
        self.memory.hw_write_at(f.module_state, module_state as u64);
        if state_changed {
            self.memory.hw_latch_at(f.state_changed, 1);
        }
        let reset_byte = f.software_reset.loc;
        let software_reset = self.memory.take_pulses().iter().any(|&(half, byte, bits)| {
            half.is_none() && byte == reset_byte.byte && bits & reset_byte.mask() != 0
        });
        self.out.int_l = !self.memory.intl_asserted();
        software_reset
    }

    fn access(&mut self, i: &MgmtInputs) {
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
    }
}

/// The engine as plain Rust, stepped one core-clock cycle at a time.
#[derive(Debug, Clone)]
pub struct Model {
    config: EngineConfig,
    lanes: Vec<LaneModel>,
    mgmt: MgmtPort,
    module_state: ModuleStateModel,
    /// SoftwareReset was written: the module resets at the next edge.
    software_reset: bool,
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
            module_state: ModuleStateModel::new(cfg),
            software_reset: false,
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
        // The engine reset, the module reset pin and SoftwareReset reset the
        // whole module.
        let reset = inputs.reset || inputs.mgmt.module_reset || self.software_reset;
        if reset {
            self.mgmt = MgmtPort::new(&self.config);
            self.module_state = ModuleStateModel::new(&self.config);
            self.software_reset = false;
        } else {
            // Every block sees the others' outputs from before this edge.
            let (state, changed) = (self.module_state.state(), self.module_state.changed());
            let (mem, f) = (&self.mgmt.memory, self.mgmt.fields);
            let request = mem.peek_at(f.low_pwr_request_sw) != 0
                || (mem.peek_at(f.low_pwr_allow_request_hw) != 0 && inputs.mgmt.low_power_pin);
            self.software_reset = self.mgmt.step(&inputs.mgmt, state, changed);
            self.module_state.step(request, false);
        }
        outputs.mgmt = self.mgmt.out;
        for ((lane, i), o) in self
            .lanes
            .iter_mut()
            .zip(&inputs.lanes)
            .zip(outputs.lanes.iter_mut())
        {
            let g = lane.generator.step(
                reset,
                i.prbs_gen_enable,
                i.prbs_gen_pattern,
                i.prbs_gen_invert,
                i.tx_ready,
            );
            o.tx_data = g.data;
            o.tx_valid = g.valid;
            let c = lane.checker.step(
                reset,
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
