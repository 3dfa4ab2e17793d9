//! The management side of the engine, host view and model.
//!
//! - [`memory::CmisMemory`]: the CMIS management memory as the module
//!   implements it, modelled at the byte port every bus (I2C, AXI4-Lite)
//!   reaches, with the semantics written from CMIS and the map.
//! - [`access::RegisterAccess`]: reads and writes at optoe/SONiC linear
//!   addresses, implemented for the model (and, later, the RTL and hardware).
//! - [`i2c`]: the bit-level I2C master (stimulus) and the cycle-accurate
//!   I2C target model, with its cycle contract.
//! - [`driver::Driver`]: typed accessors looked up in the register map by
//!   field name, never by typed offset.

pub mod access;
pub mod conformance;
pub mod driver;
pub mod i2c;
pub mod memory;

pub use access::{split_linear, RegisterAccess, WindowAccess};
pub use driver::{Driver, DriverError, ModuleState};
pub use i2c::{I2cMaster, I2cModelBus, I2cOp, I2cResult, I2cTargetModel};
pub use memory::{AccessError, CmisMemory};
