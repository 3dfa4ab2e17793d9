//! The retimer lane: one `RetimerPath` per lane and direction. Its cycle
//! contract and its model are `xpo_host::model::retimer` (written first,
//! from IEEE 802.3 clause 49 and CMIS); the blocks here are named after
//! the standard's state diagrams.

mod ber_monitor;
mod block_lock;
mod block_type;
mod path;
mod stepper;

pub use ber_monitor::BerMonitor;
pub use block_lock::BlockLock;
pub use block_type::BlockTypeCheck;
pub use path::RetimerPath;
pub use stepper::{PathDrive, PathSense, RetimerPathStepper};
