//! CMIS management: the register block generated from the register map,
//! the module state machine, and the two buses in front of the register
//! block, the I2C target (CMIS two-wire interface) and an AXI4-Lite slave.
//!
//! Both buses share the register block's byte port. The AXI slave takes it
//! only while the I2C target is not `busy` and then holds it for a bounded
//! number of cycles; the I2C target's byte requests wait while the AXI
//! slave is `active`. An I2C transfer therefore never loses a byte, and an
//! AXI access waits at most for the I2C transaction in progress.

pub mod axi_lite_slave;
pub mod data_path;
pub mod hwif;
pub mod i2c_target;
pub mod line_filter;
pub mod module_monitors;
pub mod module_state;
mod plan;
mod registers;

pub use axi_lite_slave::AxiLiteSlave;
pub use i2c_target::{I2cTarget, CMIS_ADDRESS};
pub use line_filter::LineFilter;
pub use module_monitors::ModuleMonitors;
pub use module_state::ModuleStateMachine;
pub use plan::{HwRole, HwScope, RegPlan};
pub use registers::CmisRegisters;
