//! The receive side of a 64b/66b PCS lane, as IEEE 802.3 clause 49 states
//! it: block lock (Figure 49-14, `block_lock.rs`) and the hi-BER monitor
//! (Figure 49-15, `ber_monitor.rs`); and across lanes, as clause 82 states
//! it: alignment markers and BIP-8 (Tables 82-2 and 82-3,
//! `alignment_marker.rs`), alignment-marker lock (Figure 82-11,
//! `am_lock.rs`), a link's alignment, deskew and reorder (`deskew.rs`)
//! and the errored-block check over its aggregate stream
//! (`link_decode.rs`; issue 13). Written from the standard's state
//! diagrams, in their terms, before any RTL (issue 12's rule); the RTL will
//! be checked against these, not the other way round.
//!
//! # Cycle contract at a 66-bit interface
//!
//! The standard describes the diagrams against a bit stream; at the
//! engine's interface one 66-bit block arrives per `valid` cycle. What the
//! standard leaves open is fixed here, before either side is written:
//!
//! - **`test_sh`** is true on every `valid` cycle: each block's sync header
//!   (block bits 0 and 1, bit 0 first on the wire) is tested exactly once,
//!   in the cycle it arrives. `sh_valid` is `header ∈ {01, 10}`.
//! - **Slip.** Entering SLIP raises the bit-slip request to the SerDes
//!   gearbox for that one cycle. `slip_done` is true once `slip_wait`
//!   further blocks have arrived (their headers are not tested): the
//!   gearbox's slip settling time, a configuration value. With
//!   `slip_wait = 0` the next block is already from the slipped boundary
//!   and is the first tested.
//! - **Outputs** (`block_lock`, `hi_ber`, the slip request) are the values
//!   after the cycle's block has been processed, visible after the edge.
//! - **hi-BER timer.** The 125 µs timer of Figure 49-15 is `window`
//!   cycles of the core clock (converted from the configured time once),
//!   running whether or not blocks arrive; the threshold (16 in clause 49)
//!   is also configurable. The monitor is held in BER_MT_INIT while block
//!   lock is false: it counts only after lock, as 49.2.13 and vendor
//!   implementations of clause 49 describe it ("after block lock is
//!   achieved, the BER monitor starts to count", Intel 10GBASE-R PHY
//!   user guide, 1.4.1.7).

pub mod alignment_marker;
pub mod am_lock;
pub mod ber_monitor;
pub mod block_lock;
pub mod deskew;
pub mod link_decode;

pub use ber_monitor::{BerMonitor, BerState};
pub use block_lock::{BlockLock, LockState};

/// Whether a 2-bit sync header is valid: `01` (data) or `10` (control),
/// with bit 0 first on the wire (49.2.4.3).
pub fn sh_valid(header: u8) -> bool {
    matches!(header & 3, 0b01 | 0b10)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 49.2.4.3: 01 and 10 are the sync headers; 00 and 11 are invalid.
    #[test]
    fn only_01_and_10_are_sync_headers() {
        assert!(sh_valid(0b01) && sh_valid(0b10));
        assert!(!sh_valid(0b00) && !sh_valid(0b11));
    }
}
