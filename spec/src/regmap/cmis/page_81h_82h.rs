//! Pages 81h (receive, media to host) and 82h (transmit, host to media)
//! (banked like 10h, vendor): each direction's lanes as one IEEE 802.3
//! clause 82 link — alignment-marker lock, the lane map, the measured
//! skew, deskew errors, the BIP-8 error counters and the link's hi-BER.
//! CMIS has no place for them (its page 24h..2Fh VDM observables are
//! per-lane statistics of a coherent or PAM4 DSP, not a PCS's alignment),
//! so they sit in the vendor range next to page 80h. One page per
//! direction, both with the same layout, so a host reads either with one
//! routine.
//!
//! The latched deskew error is masked by default (`M..DeskewError` resets
//! to FFh): a CMIS host that does not know these pages must never see
//! IntL asserted by a flag it cannot find.

use super::*;

/// Appends page 81h's fields.
pub(super) fn page_81h(v: &mut Vec<Field>) {
    alignment_page(v, 0x81, "Rx", "rx", "receive (media to host)");
}

/// Appends page 82h's fields.
pub(super) fn page_82h(v: &mut Vec<Field>) {
    alignment_page(v, 0x82, "Tx", "tx", "transmit (host to media)");
}

fn alignment_page(v: &mut Vec<Field>, page: u8, dir: &str, port: &str, side: &str) {
    let p = |name: &str| format!("{port}_{name}");
    v.push(
        f(&format!("{dir}AmLock"), page, 128)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, &p("am_lock"))
            .doc(&format!(
                "Per lane, {side}: alignment-marker lock (802.3 Figure 82-11 amps_lock)."
            )),
    );
    v.push(
        f(&format!("{dir}LaneAligned"), page, 129)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, &p("lane_aligned"))
            .doc(&format!(
                "Per lane, {side}: the link is aligned (802.3 Figure 82-12 align_status, \
                 the same for every lane of the link)."
            )),
    );
    v.push(
        f(&format!("{dir}SkewValid"), page, 130)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, &p("skew_valid"))
            .doc(&format!(
                "Per lane, {side}: {dir}SkewBlocks and {dir}SkewBits hold a measurement \
                 (the link has completed a marker instant since its lanes last locked)."
            )),
    );
    v.push(
        f(&format!("L{dir}DeskewError"), page, 131)
            .rc()
            .bitmap()
            .masked_by(&format!("M{dir}DeskewError"))
            .hw(HwRole::Latch, HwScope::Lane, &p("deskew_error"))
            .doc(&format!(
                "Per lane, {side}, latched: a marker instant measured this lane's skew \
                 beyond retimer.max_skew_blocks; the link stays unaligned (never \
                 misaligned) and measures again at the next instant."
            )),
    );
    v.push(
        f(&format!("M{dir}DeskewError"), page, 132)
            .rw()
            .bitmap()
            .reset(0xFF)
            .doc(&format!(
                "Per lane: mask for L{dir}DeskewError; set after reset, so a host that \
                 does not know this page never sees IntL from it."
            )),
    );
    v.push(
        f(&format!("{dir}LinkHiBer"), page, 133)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, &p("link_hi_ber"))
            .doc(&format!(
                "Per lane, {side}: the link's hi-BER (802.3 82.2.18.3, Figure 82-13: \
                 retimer.link_ber_threshold invalid sync headers over all its lanes within \
                 retimer.link_ber_window_ns, counted while aligned; the same for every \
                 lane of the link)."
            )),
    );
    v.push(
        f(&format!("{dir}LaneNumber"), page, 136)
            .lanes(8)
            .hw(HwRole::Input, HwScope::Lane, &p("lane_number"))
            .doc(&format!(
                "Per physical lane, {side}: the PCS lane number its markers carry \
                 (Table 82-2, lanes 0..N-1 of the project's profile); FFh while not \
                 AM-locked."
            )),
    );
    v.push(
        f(&format!("{dir}SkewBlocks"), page, 144)
            .len_bytes(2)
            .lanes(8)
            .hw(HwRole::Input, HwScope::Lane, &p("skew_blocks"))
            .doc(&format!(
                "Per lane, {side}: blocks its marker arrived before the latest lane's at \
                 the last measured instant (0 on the latest lane)."
            )),
    );
    v.push(
        f(&format!("{dir}SkewBits"), page, 160)
            .len_bytes(4)
            .lanes(8)
            .hw(HwRole::Input, HwScope::Lane, &p("skew_bits"))
            .doc(&format!(
                "Per lane, {side}: the same skew in bits (66 per block plus the \
                 difference in bit phase)."
            )),
    );
    v.push(
        f(&format!("{dir}BipErrors"), page, 192)
            .len_bytes(4)
            .lanes(8)
            .hw(HwRole::Input, HwScope::Lane, &p("bip_errors"))
            .doc(&format!(
                "Per lane, {side}: BIP-8s in error at good markers (802.3 82.2.8; one per \
                 marker, whatever number of its bits were wrong), saturating."
            )),
    );
}
