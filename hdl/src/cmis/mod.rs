//! CMIS management: the register block generated from the register map.

mod plan;
mod registers;

pub use plan::RegPlan;
pub use registers::CmisRegisters;
