//! The host side of xpo.
//!
//! - [`model`]: a cycle-accurate reference of the engine, written from the
//!   standards (`shared/reference/pcs-lanes.md`) and the cycle contracts
//!   documented on each block, never from the HDL source. It is the third
//!   engine of every lockstep run.
//! - [`mgmt`]: the device-side management models (memory with CMIS
//!   semantics, byte port, I2C target, AXI slave, save/restore), the
//!   `RegisterAccess` trait and the map-driven `Driver`.
//! - [`bfm`]: the host's bus-functional masters (bit-level I2C, AXI4-Lite
//!   with random back-pressure).
//! - [`channel`]: the SerDes/line models that make stimulus: a seeded bit-error
//!   channel that counts what it injected, and gearbox gaps.

pub mod bfm;
pub mod channel;
pub mod laser_physics;
pub mod link;
pub mod mgmt;
pub mod model;
pub mod serdes;

pub use channel::{BitErrorChannel, Gearbox};
pub use model::Model;
