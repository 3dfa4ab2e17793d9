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
}
