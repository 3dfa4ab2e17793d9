//! Page 14h (banked): diagnostics results.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_14h(v: &mut Vec<Field>) {
    v.push(f("DiagnosticsSelector", 0x14, 128).rw().code().doc("Result set shown in bytes 192..255: 2 host checker error counts, 3 host checker bit counts, 4 media checker error counts, 5 media checker bit counts (U64 per lane); others read 0. Our layout; CMIS leaves it to the selector table."));
    v.push(
        f("LHostGenLOL", 0x14, 136)
            .rc()
            .bitmap()
            .doc("Per lane, latched: host generator loss of lock."),
    );
    v.push(
        f("LMediaGenLOL", 0x14, 137)
            .rc()
            .bitmap()
            .doc("Per lane, latched: media generator loss of lock."),
    );
    v.push(
        f("LHostCheckerLOL", 0x14, 138)
            .rc()
            .bitmap()
            .doc("Per lane, latched: host checker not locked."),
    );
    v.push(
        f("LMediaCheckerLOL", 0x14, 139)
            .rc()
            .bitmap()
            .doc("Per lane, latched: media checker not locked."),
    );
    v.push(f("DiagnosticsData", 0x14, 192).len_bytes(8).lanes(8).doc("Per lane U64 of the result set chosen by DiagnosticsSelector, read coherently in one sequential read."));
}
