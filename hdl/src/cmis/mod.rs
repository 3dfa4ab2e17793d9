//! CMIS management: the register block generated from the register map.

pub mod module_state;
mod plan;
mod registers;

pub use module_state::ModuleStateMachine;
pub use plan::{HwRole, RegPlan, HWIF};
pub use registers::CmisRegisters;
