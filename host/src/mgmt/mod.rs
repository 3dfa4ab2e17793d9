//! The management side of the engine, host view and model.
//!
//! - [`memory::CmisMemory`]: the CMIS management memory as the module
//!   implements it, modelled at the byte port every bus (I2C, AXI4-Lite)
//!   reaches, with the semantics written from CMIS and the map.
//! - [`access::RegisterAccess`]: reads and writes at optoe/SONiC linear
//!   addresses, implemented for the model (and, later, the RTL and hardware).
//! - [`port`]: the register block's byte port, which both buses reach.
//! - [`i2c`]: the bit-level I2C master (stimulus) and the cycle-accurate
//!   I2C target model.
//! - [`axi`]: the AXI4-Lite master (stimulus, random back-pressure) and
//!   the cycle-accurate AXI4-Lite slave model.
//! - [`driver::Driver`]: typed accessors looked up in the register map by
//!   field name, never by typed offset.

pub mod access;
pub mod axi;
pub mod conformance;
pub mod driver;
pub mod i2c;
pub mod memory;
pub mod port;
pub mod save_restore;

pub use access::{split_linear, RegisterAccess, WindowAccess};
pub use axi::{AxiMaster, AxiOp, AxiPacing, AxiResult, AxiSlaveModel};
pub use driver::{Driver, DriverError, ModuleState};
pub use i2c::{I2cMaster, I2cModelBus, I2cOp, I2cResult, I2cTargetModel, CMIS_ADDRESS};
pub use memory::{AccessError, CmisMemory};
pub use port::{BytePortModel, PortRequest};
