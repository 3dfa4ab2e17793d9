//! The retimer lane: one `RetimerPath` per lane and direction. Its cycle
//! contract and its model are `xpo_host::model::retimer` (written first,
//! from IEEE 802.3 clause 49 and CMIS); the blocks here are named after
//! the standard's state diagrams. Across lanes (issue 13):
//! `AmLane`, a lane's alignment-marker lock and BIP check,
//! `LaneAlignment`, a link's alignment status and skew measurement (the
//! transmit side's monitor), and `Deskew`, that plus the deskew buffers
//! and reorder (the receive side, whose rows the host lanes take under
//! `RxLinkDeskew`), `LinkBerMonitor`, a link's hi-BER
//! over all its lanes (clause 82's BER monitor), and `LinkDecode`, an
//! aligned link's errored-block check over its aggregate stream, whose
//! model and contract are `xpo_host::model::pcs::deskew` (`LinkDecode`
//! is not in the engine: a retimer passes the PCS lanes on, it does not
//! terminate the PCS).

mod align_leaves;
mod am_lane;
mod ber_monitor;
mod block_lock;
mod block_type;
mod deskew;
mod deskew_buffer;
mod lane_alignment;
mod link_ber_monitor;
mod link_decode;
mod path;
mod stepper;

pub use align_leaves::{MonitorOnly, ReceiveEnds};
pub use am_lane::{AmLane, BipFold, MarkerDecode};
pub use ber_monitor::BerMonitor;
pub use block_lock::BlockLock;
pub use block_type::BlockTypeCheck;
pub use deskew::Deskew;
pub use deskew_buffer::DeskewBuffer;
pub use lane_alignment::LaneAlignment;
pub use link_ber_monitor::{HeaderSummary, LinkBerMonitor};
pub use link_decode::LinkDecode;
pub use path::RetimerPath;
pub use stepper::{
    AmLaneSense, AmLaneStepper, DeskewDrive, DeskewSense, DeskewStepper, LinkBerStepper,
    LinkDecodeStepper, PathDrive, PathSense, RetimerPathStepper,
};
