//! Bus-functional models: the host's side of the management buses, as
//! test benches and tools drive them. The device-side models they talk to
//! (I2C target, AXI slave, memory) live in [`crate::mgmt`].

pub mod axi_master;
pub mod i2c_master;

pub use axi_master::{AxiMaster, AxiOp, AxiPacing, AxiResult};
pub use i2c_master::{I2cMaster, I2cModelBus, I2cOp, I2cResult};
