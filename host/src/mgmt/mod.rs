//! The management side of the engine, host view and model.
//!
//! - [`memory::CmisMemory`]: the CMIS management memory as the module
//!   implements it, modelled at the byte port every bus (I2C, AXI4-Lite)
//!   reaches, with the semantics written from CMIS and the map.
//! - [`access::RegisterAccess`]: reads and writes at optoe/SONiC linear
//!   addresses, implemented for the model (and, later, the RTL and hardware).
//! - [`port`]: the register block's byte port, which both buses reach.
//! - [`i2c_target`], [`axi_slave`]: the cycle-accurate models of the
//!   module's I2C target and AXI4-Lite slave (the host's masters are in
//!   [`crate::bfm`]).
//! - [`driver::Driver`]: typed accessors looked up in the register map by
//!   field name, never by typed offset.
//! - [`bring_up::bring_up`]: a host bringing the data paths up in the
//!   order SONiC's CMIS state machine uses, over any transport.

pub mod access;
pub mod axi_slave;
pub mod bring_up;
pub mod conformance;
pub mod driver;
pub mod i2c_target;
pub mod memory;
pub mod port;
pub mod save_restore;
pub mod served;

pub use crate::bfm::{AxiMaster, AxiOp, AxiPacing, AxiResult};
pub use crate::bfm::{I2cMaster, I2cModelBus, I2cOp, I2cResult};
pub use access::{
    axi_read, axi_write, split_linear, AxiTransport, I2cTransport, OverAxi, RegisterAccess,
    WindowAccess,
};
pub use axi_slave::AxiSlaveModel;
pub use driver::{field_shape, Driver, DriverError, ModuleState};
pub use i2c_target::{I2cTargetModel, CMIS_ADDRESS};
pub use memory::{AccessError, CmisMemory};
pub use port::{BytePortModel, PortRequest};
pub use served::{ServedError, ServedModule};
