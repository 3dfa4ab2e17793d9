//! Page 14h (banked): diagnostics results.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_14h(v: &mut Vec<Field>) {
    v.push(f("DiagnosticsSelector", 0x14, 128).rw().code().doc("Result set shown in bytes 192..255, as CMIS lays out selectors 2..5: 2 host side lanes 1-4, 3 host side lanes 5-8, 4 media side lanes 1-4, 5 media side lanes 5-8, each lane its U64 error count then its U64 bit count (xpo_host::model::diagnostics); BER and SNR selectors are not implemented and read 0."));
    v.push(
        f("LHostGenLOL", 0x14, 136)
            .rc()
            .bitmap()
            .masked_by("MHostGenLOL")
            .doc("Per lane, latched: host generator loss of lock."),
    );
    v.push(
        f("LMediaGenLOL", 0x14, 137)
            .rc()
            .bitmap()
            .masked_by("MMediaGenLOL")
            .doc("Per lane, latched: media generator loss of lock."),
    );
    v.push(
        f("LHostCheckerLOL", 0x14, 138)
            .rc()
            .bitmap()
            .masked_by("MHostCheckerLOL")
            .hw(HwRole::Latch, HwScope::Lane, "host_chk_lol")
            .doc("Per lane, latched: the host checker is enabled and not locked to its pattern (xpo_host::model::diagnostics::checker_lol)."),
    );
    v.push(
        f("LMediaCheckerLOL", 0x14, 139)
            .rc()
            .bitmap()
            .masked_by("MMediaCheckerLOL")
            .hw(HwRole::Latch, HwScope::Lane, "media_chk_lol")
            .doc("Per lane, latched: the media checker is enabled and not locked to its pattern."),
    );
    // CMIS 5.2 page 14h, DiagnosticsSelector 2..5: four lanes a selector,
    // 16 bytes a lane, its U64 error count then its U64 total bit count.
    const HOST: &[&str] = &["host_chk_errors", "host_chk_bits"];
    const MEDIA: &[&str] = &["media_chk_errors", "media_chk_bits"];
    v.push(
        f("DiagnosticsData", 0x14, 192)
            .len_bytes(8)
            .lanes(8)
            .selected(
                "diag_data",
                "DiagnosticsSelector",
                &[(2, HOST, 0), (3, HOST, 4), (4, MEDIA, 0), (5, MEDIA, 4)],
            )
            .doc("Eight U64 of the result set chosen by DiagnosticsSelector (selectors 2..5: lane 4k+1's error count, its bit count, lane 4k+2's, ...); reading a U64's first byte snapshots it for its other seven."),
    );
}
