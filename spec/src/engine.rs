//! The one interface every engine implements.

use crate::{EngineConfig, EngineInputs, EngineOutputs};

/// Something that steps the xpo top module one core-clock cycle at a time:
/// the rust-hdl block, the Verilated RTL or the host model.
///
/// A step applies `inputs`, takes one rising edge, and reports the outputs as
/// they stand after that edge. All three engines must produce identical
/// outputs for identical inputs, cycle by cycle; the lockstep runner checks
/// exactly that.
pub trait Engine {
    /// Short name used in reports ("model", "rusthdl", "verilator").
    fn name(&self) -> &str;

    /// The configuration this engine was built for.
    fn config(&self) -> &EngineConfig;

    /// Returns every register to its reset value (one cycle with `reset` high
    /// and all other inputs idle).
    fn reset(&mut self) {
        let mut inputs = EngineInputs::for_config(self.config());
        inputs.reset = true;
        let mut out = EngineOutputs::for_config(self.config());
        self.step_into(&inputs, &mut out);
    }

    /// One rising edge, writing the outputs into `outputs` (which must have
    /// one entry per lane). This is the hot path: it allocates nothing.
    fn step_into(&mut self, inputs: &EngineInputs, outputs: &mut EngineOutputs);

    /// The current value of instance `instance` of register field `name` in
    /// `bank`, read without side effects, for coverage and debugging;
    /// `None` where the engine cannot show its memory that way (only the
    /// host model can: the RTL's memory is reached over its buses) or the
    /// field or bank does not exist.
    fn peek_field(&self, _name: &str, _bank: u8, _instance: u8) -> Option<u64> {
        None
    }

    /// One rising edge; convenience form of [`Engine::step_into`].
    fn step(&mut self, inputs: &EngineInputs) -> EngineOutputs {
        let mut out = EngineOutputs::for_config(self.config());
        self.step_into(inputs, &mut out);
        out
    }
}
