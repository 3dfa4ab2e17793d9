//! xpo hardware, described in rust-hdl.
//!
//! One block per file, named with the standard's vocabulary:
//!
//! - [`prbs::PrbsSequence`]: 66 bits of any supported PRBS from a 31-bit state
//!   (a parallel LFSR, parity masks computed at elaboration);
//! - [`prbs::PrbsGenerator`], [`prbs::PrbsChecker`]: the per-lane test-pattern
//!   generator and the self-seeding, lock-detecting, counting checker;
//! - [`popcount::GroupPopcount`], [`popcount::FieldSum`]: the checker's
//!   error-bit count in two registered halves; [`saturating::SaturatingAdd`]
//!   its saturating U64 counters;
//! - [`cmis::CmisRegisters`]: the CMIS management memory behind a byte
//!   port, generated from the register map;
//! - [`lane::Lane`]: everything one lane owns;
//! - [`fanout::LaserFaultFanout`]: each lane's view of its laser's fault;
//! - [`core::XpoCore`]: the top, N lanes.
//!
//! [`emit`] turns the top into Verilog (plus a clean-named wrapper), and
//! [`engine::RustHdlEngine`] steps the block directly as an
//! [`xpo_spec::Engine`].

pub mod cmis;
pub mod core;
pub mod emit;
pub mod engine;
pub mod fanout;
pub mod join;
pub mod lane;
pub mod laser;
pub mod monitor;
pub mod opaque;
pub mod popcount;
pub mod prbs;
pub mod retimer;
pub mod saturating;
pub mod scale;
pub mod thresholds;

pub use crate::core::XpoCore;
pub use emit::{emit_verilog, EmitError, EmittedVerilog, VERILATOR_LINT_WAIVERS};
pub use engine::RustHdlEngine;
