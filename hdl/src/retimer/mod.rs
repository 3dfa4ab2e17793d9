//! The retimer lane: one `RetimerPath` per lane and direction. Its cycle
//! contract and its model are `xpo_host::model::retimer` (written first,
//! from IEEE 802.3 clause 49 and CMIS); the blocks here are named after
//! the standard's state diagrams. Across lanes (issue 13, in progress):
//! `AmLane`, a lane's alignment-marker lock and BIP check, whose model is
//! `xpo_host::model::pcs::deskew::AmLane` (the link's alignment, deskew
//! and reorder are modelled there; their RTL is to come).

mod am_lane;
mod ber_monitor;
mod block_lock;
mod block_type;
mod path;
mod stepper;

pub use am_lane::{AmLane, BipFold, MarkerDecode};
pub use ber_monitor::BerMonitor;
pub use block_lock::BlockLock;
pub use block_type::BlockTypeCheck;
pub use path::RetimerPath;
pub use stepper::{AmLaneSense, AmLaneStepper, PathDrive, PathSense, RetimerPathStepper};
