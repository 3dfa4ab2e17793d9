//! The single description every other xpo crate derives from: the engine
//! configuration, the top module's port structs, the test-pattern facts and the
//! [`Engine`] trait that the rust-hdl, Verilator and model engines implement.
//!
//! Nothing here has behaviour of its own; it is data and contracts, so that the
//! HDL, the host model and the simulator can never disagree about a width, an
//! ID or a default.

pub mod config;
pub mod data_path;
pub mod engine;
pub mod hwif;
pub mod laser;
pub mod monitors;
pub mod ports;
pub mod prbs;
pub mod regmap;
pub mod retimer;

pub use config::{
    ConfigError, DataPathTiming, EngineConfig, LaserConfig, ModuleIdentity, ModuleTiming,
    MonitorConfig, PrbsConfig, RetimerConfig, AXI_MAX_HOLD_CYCLES,
};
pub use engine::Engine;
pub use ports::top_ports;
pub use ports::{
    EngineInputs, EngineOutputs, LaneInputs, LaneOutputs, LaserInputs, LaserOutputs, MgmtInputs,
    MgmtOutputs, Place, PortSpec, TopPort, WordLayout, PROBES_DEFINE,
};
pub use prbs::{PrbsPattern, PrbsPolynomial};
