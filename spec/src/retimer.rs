//! The retimer lane's contract numbers and the 64b/66b facts both its RTL
//! and its model use. The contract itself (what each number means, edge by
//! edge) is written out in `xpo_host::model::retimer`, before either side.

use crate::config::EngineConfig;

/// Edges from a block's sampling to its appearance on the output port in
/// the retimed mode: the block sampled at edge t is on the output after
/// edge t + 2, gated by the monitors' status after its own sync header was
/// tested.
pub const RETIMED_LATENCY: u32 = 2;

/// The same in bypass ("linear") mode: after edge t + 1, gated by the
/// status as it stood before the block was tested.
pub const BYPASS_LATENCY: u32 = 1;

/// The sync header of a data block, as the engine holds a block: bits 1:0
/// with bit 0 first on the wire. IEEE 802.3 49.2.4.3 and Figure 49-7 write
/// the data header `01` in transmission order (bit 0 = 0, bit 1 = 1), so as
/// a number it is `0b10`; verilog-ethernet (`SYNC_DATA = 2'b10`, same bit
/// order) agrees. (Until issue 13 the project had the two swapped: numeric
/// `0b01` as data. Block lock cannot tell, both headers being valid, but
/// the errored-block test decodes block types on control blocks only, so
/// it judged real data blocks by their first payload byte.)
pub const SYNC_DATA: u8 = 0b10;

/// The sync header of a control block: `10` in transmission order, bit 0
/// = 1, as a number `0b01` (verilog-ethernet's `SYNC_CTRL = 2'b01`).
pub const SYNC_CONTROL: u8 = 0b01;

/// IEEE 802.3 Table 82-3: which block bits (0 = first on the wire) BIP bit `i` is
/// the even parity of. Bit i covers payload bits 2+i, 10+i, …, 58+i, and
/// bits 3 and 4 also cover the sync header's bits 0 and 1.
pub fn bip_bits(i: usize) -> Vec<usize> {
    let mut bits: Vec<usize> = (0..8).map(|k| 2 + i + 8 * k).collect();
    match i {
        3 => bits.insert(0, 0),
        4 => bits.insert(0, 1),
        _ => {}
    }
    bits
}

/// IEEE 802.3 Table 82-2: M0, M1, M2 of the 100GBASE-R PCS lanes 0..19.
/// An engine of N lanes uses the first N (the project's profile:
/// `xpo_host::model::pcs::alignment_marker`).
pub const ALIGNMENT_MARKERS: [[u8; 3]; 20] = [
    [0xC1, 0x68, 0x21],
    [0x9D, 0x71, 0x8E],
    [0x59, 0x4B, 0xE8],
    [0x4D, 0x95, 0x7B],
    [0xF5, 0x07, 0x09],
    [0xDD, 0x14, 0xC2],
    [0x9A, 0x4A, 0x26],
    [0x7B, 0x45, 0x66],
    [0xA0, 0x24, 0x76],
    [0x68, 0xC9, 0xFB],
    [0xFD, 0x6C, 0x99],
    [0xB9, 0x91, 0x55],
    [0x5C, 0xB9, 0xB2],
    [0x1A, 0xF8, 0xBD],
    [0x83, 0xC7, 0xCA],
    [0x35, 0x36, 0xCD],
    [0xC4, 0x31, 0x4C],
    [0xAD, 0xD6, 0xB7],
    [0x5F, 0x66, 0x2A],
    [0xC0, 0xF0, 0xE5],
];

/// The block type fields a control block (sync header `10`) may carry,
/// IEEE 802.3 Figure 49-7 (2022 edition): idle/control, the ordered-set
/// and start combinations, and the eight terminate types. Any other value
/// makes the receive process decode the block as an error (R_TYPE = E).
pub const VALID_BLOCK_TYPES: [u8; 15] = [
    0x1E, 0x2D, 0x33, 0x66, 0x55, 0x78, 0x4B, 0x87, 0x99, 0xAA, 0xB4, 0xCC, 0xD2, 0xE1, 0xFF,
];

/// Whether a descrambled control block's type field is one of Figure
/// 49-7's.
pub fn valid_block_type(t: u8) -> bool {
    VALID_BLOCK_TYPES.contains(&t)
}

/// The `[retimer]` section in core-clock cycles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetimerTiming {
    /// Blocks not tested after a slip request (`slip_done`).
    pub slip_wait: u32,
    /// The hi-BER timer, cycles.
    pub ber_window: u64,
    /// Invalid headers in one window that raise hi-BER.
    pub ber_threshold: u32,
    /// Cycles without an active block before loss of signal.
    pub los_cycles: u32,
}

impl RetimerTiming {
    /// Converts a validated configuration.
    pub fn new(cfg: &EngineConfig) -> Self {
        let r = &cfg.retimer;
        Self {
            slip_wait: r.slip_wait_blocks,
            ber_window: cfg.cycles_for_ns(r.ber_window_ns),
            ber_threshold: r.ber_threshold,
            los_cycles: cfg.cycles_for_ns(r.los_ns) as u32,
        }
    }
}

/// The lanes of one direction as one clause 82 link (the `[retimer]`
/// section's `am_period` and `max_skew_blocks`), for the RTL's alignment
/// blocks and the model's alike.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LinkParams {
    /// PCS lanes in the link: the engine's data lanes.
    pub lanes: usize,
    /// Data blocks between alignment markers.
    pub period: u32,
    /// The deepest skew absorbed, in blocks.
    pub max_skew: u32,
    /// The link's hi-BER timer, in cycles (`retimer.link_ber_window_ns`).
    pub ber_window: u64,
    /// Invalid sync headers within it that raise hi-BER.
    pub ber_threshold: u32,
}

impl LinkParams {
    /// From a validated configuration.
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            lanes: cfg.lanes,
            period: cfg.retimer.am_period,
            max_skew: cfg.retimer.max_skew_blocks,
            ber_window: cfg.cycles_for_ns(cfg.retimer.link_ber_window_ns),
            ber_threshold: cfg.retimer.link_ber_threshold,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 49.2.4.3 and Figure 49-7: the sync header is `01` for data blocks
    /// and `10` for control blocks, written in transmission order (bit 0,
    /// sent first, on the left). The engine holds bit 0 in the LSB.
    #[test]
    fn sync_headers_in_transmission_order() {
        let from_wire = |s: &str| {
            s.chars()
                .enumerate()
                .fold(0u8, |v, (i, c)| v | u8::from(c == '1') << i)
        };
        assert_eq!(SYNC_DATA, from_wire("01"));
        assert_eq!(SYNC_CONTROL, from_wire("10"));
    }

    #[test]
    fn clause_49_defaults_at_the_prototype_clock() {
        let t = RetimerTiming::new(&EngineConfig::default());
        // 125 us at 156.25 MHz is 19531.25 cycles; the timer rounds up.
        assert_eq!(t.ber_window, 19_532);
        assert_eq!(t.ber_threshold, 16);
        assert_eq!(t.los_cycles, 157);
        assert_eq!(t.slip_wait, 1);
    }

    #[test]
    fn an_impossible_retimer_section_is_refused_by_name() {
        let mut c = EngineConfig::default();
        c.retimer.slip_wait_blocks = 0;
        assert!(c.validate().unwrap_err().to_string().contains("slip_wait"));
        let mut c = EngineConfig::default();
        c.retimer.ber_window_ns = 1;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("ber_window_ns in cycles"), "{e}");
        let mut c = EngineConfig::default();
        c.retimer.los_ns = 0;
        assert!(c.validate().unwrap_err().to_string().contains("los_ns"));
    }

    /// Figure 49-7: fifteen block types, all distinct; 0x00 (what a
    /// squelched line descrambles to) is not one of them.
    #[test]
    fn figure_49_7_block_types() {
        let mut v = VALID_BLOCK_TYPES.to_vec();
        v.sort_unstable();
        v.dedup();
        assert_eq!(v.len(), 15);
        assert!(!valid_block_type(0x00) && valid_block_type(0x1E) && valid_block_type(0xFF));
    }
}

/// Which of a lane's two links: receive (media to host, page 81h) or
/// transmit (host to media, page 82h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkSide {
    Rx,
    Tx,
}

/// One lane's status in one link, as pages 81h/82h show it: the values of
/// the `rx_*`/`tx_*` link ports of `DataLaneRegs` and the link probes of
/// `LaneOutputs` (both flat, as ports are), gathered so code that handles
/// both sides names each field once.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LinkProbes {
    pub am_lock: bool,
    pub lane_aligned: bool,
    pub skew_valid: bool,
    /// An event: a marker instant measured the lane out of range.
    pub deskew_error: bool,
    /// FFh while not AM-locked.
    pub lane_number: u8,
    pub skew_blocks: u16,
    pub skew_bits: u32,
    pub bip_errors: u32,
    /// The link's hi-BER (clause 82's BER monitor over all its lanes).
    pub hi_ber: bool,
}

/// The link fields' names by side, for [`link_sides`]'s callers.
macro_rules! link_fields {
    ($m:ident!($($args:tt)*)) => {
        $m!($($args)*
            am_lock: rx_am_lock / tx_am_lock,
            lane_aligned: rx_lane_aligned / tx_lane_aligned,
            skew_valid: rx_skew_valid / tx_skew_valid,
            deskew_error: rx_deskew_error / tx_deskew_error,
            lane_number: rx_lane_number / tx_lane_number,
            skew_blocks: rx_skew_blocks / tx_skew_blocks,
            skew_bits: rx_skew_bits / tx_skew_bits,
            bip_errors: rx_bip_errors / tx_bip_errors,
            hi_ber: rx_link_hi_ber / tx_link_hi_ber,
        );
    };
}
pub(crate) use link_fields;

/// `set_link(side, probes)` on a struct with a field per link field and
/// side, and with `probes` also `link(side)`: `probes` for a struct whose
/// fields have `LinkProbes`'s types, `ports` for a register bundle (every
/// port a `HwValue`, so only set: a `HwValue` does not cast back to bool).
macro_rules! link_sides {
    (probes $ty:ty; $( $field:ident: $rx:ident / $tx:ident, )*) => {
        $crate::retimer::link_sides!(@set $ty; $( $field: $rx / $tx, )*);
        impl $ty {
            /// This lane's status in the `side` link.
            pub fn link(&self, side: $crate::retimer::LinkSide) -> $crate::retimer::LinkProbes {
                match side {
                    $crate::retimer::LinkSide::Rx => $crate::retimer::LinkProbes { $( $field: self.$rx, )* },
                    $crate::retimer::LinkSide::Tx => $crate::retimer::LinkProbes { $( $field: self.$tx, )* },
                }
            }
        }
    };
    (ports $ty:ty; $( $field:ident: $rx:ident / $tx:ident, )*) => {
        $crate::retimer::link_sides!(@set $ty; $( $field: $rx / $tx, )*);
    };
    (@set $ty:ty; $( $field:ident: $rx:ident / $tx:ident, )*) => {
        impl $ty {
            /// Sets this lane's status (or drives its ports) in the `side`
            /// link.
            #[allow(clippy::unnecessary_cast)]
            pub fn set_link(&mut self, side: $crate::retimer::LinkSide, p: &$crate::retimer::LinkProbes) {
                match side {
                    $crate::retimer::LinkSide::Rx => { $( self.$rx = p.$field as _; )* }
                    $crate::retimer::LinkSide::Tx => { $( self.$tx = p.$field as _; )* }
                }
            }
        }
    };
}
pub(crate) use link_sides;
