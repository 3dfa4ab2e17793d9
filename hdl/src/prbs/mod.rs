//! Per-lane PRBS test-pattern generator and checker (CMIS pages 13h/14h).

mod checker;
mod generator;
pub mod masks;
mod sequence;

pub use checker::PrbsChecker;
pub use generator::PrbsGenerator;
pub use sequence::PrbsSequence;
