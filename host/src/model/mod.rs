//! The reference model of the whole engine.

pub mod prbs;

use prbs::{PrbsCheckerModel, PrbsGeneratorModel};
use xpo_spec::{Engine, EngineConfig, EngineInputs, EngineOutputs};

/// One lane of the model.
#[derive(Debug, Clone)]
struct LaneModel {
    generator: PrbsGeneratorModel,
    checker: PrbsCheckerModel,
}

/// The engine as plain Rust, stepped one core-clock cycle at a time.
#[derive(Debug, Clone)]
pub struct Model {
    config: EngineConfig,
    lanes: Vec<LaneModel>,
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
