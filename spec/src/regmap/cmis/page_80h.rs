//! Page 80h (banked, vendor): xpo's own lane controls, where CMIS has
//! none. CMIS reserves pages 80h..FFh for vendors; a host that does not
//! know xpo never writes here, and every field is declared in the map like
//! a standard one, so it is in the exports (C header, SystemRDL, Markdown).

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_80h(v: &mut Vec<Field>) {
    v.push(
        f("RetimerBypass", 0x80, 128)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "retimer_bypass")
            .doc(
                "Per lane, both directions: bypass (\"linear\", as in LPO) instead of \
                 retimed — blocks pass with the bypass latency and no block lock \
                 required; the monitors (LOS, block lock, hi-BER, counters) keep running \
                 and automatic squelch acts on LOS only.",
            ),
    );
    v.push(
        f("RxLinkDeskew", 0x80, 129)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "rx_link_deskew")
            .doc(
                "Per host lane k: carry logical PCS lane k of the deskewed, reordered \
                 receive link (IEEE 802.3 clause 82, pages 81h) instead of the lane's own \
                 retimed media lane; all-zero blocks while the link is not aligned; the \
                 lane's output gate (RxOutputDisable, data-path activation, squelch) \
                 still applies. Off at reset: a lane carrying its own single-lane stream \
                 (no alignment markers) would otherwise be squelched. Ignored on a lane \
                 in RetimerBypass.",
            ),
    );
}
