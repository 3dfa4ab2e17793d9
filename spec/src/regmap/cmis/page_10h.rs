//! Page 10h (banked): lane controls.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_10h(v: &mut Vec<Field>) {
    let ctl = |name: &str, byte: u8, d: &str| f(name, 0x10, byte).rw().bitmap().doc(d);
    v.push(
        ctl("DPDeinit", 128, "Per lane: 1 deinitializes the data path.").hw(
            HwRole::Control,
            HwScope::Lane,
            "dp_deinit",
        ),
    );
    v.push(
        ctl(
            "TxPolarityFlip",
            129,
            "Per lane: invert the host-side (Tx) input polarity.",
        )
        .hw(HwRole::Control, HwScope::Lane, "tx_polarity_flip"),
    );
    v.push(
        ctl(
            "TxDisable",
            130,
            "Per lane: disable the media-side (Tx) output.",
        )
        .hw(HwRole::Control, HwScope::Lane, "tx_disable"),
    );
    v.push(
        ctl(
            "TxSquelchDisable",
            131,
            "Per lane: disable automatic Tx output squelch on loss of input.",
        )
        .hw(HwRole::Control, HwScope::Lane, "tx_squelch_disable"),
    );
    v.push(
        ctl(
            "TxSquelchForce",
            132,
            "Per lane: force the Tx output squelched.",
        )
        .hw(HwRole::Control, HwScope::Lane, "tx_squelch_force"),
    );
    v.push(
        ctl(
            "RxPolarityFlip",
            137,
            "Per lane: invert the host-side (Rx) output polarity.",
        )
        .hw(HwRole::Control, HwScope::Lane, "rx_polarity_flip"),
    );
    v.push(
        ctl(
            "RxDisable",
            138,
            "Per lane: disable the host-side (Rx) output.",
        )
        .hw(HwRole::Control, HwScope::Lane, "rx_disable"),
    );
    v.push(
        ctl(
            "RxSquelchDisable",
            139,
            "Per lane: disable automatic Rx output squelch on loss of signal or lock.",
        )
        .hw(HwRole::Control, HwScope::Lane, "rx_squelch_disable"),
    );
    v.push(
        f("ApplyDPInit", 0x10, 143)
            .sc()
            .bitmap()
            .hw(HwRole::Pulse, HwScope::Lane, "apply_dp_init")
            .doc("Per lane: apply staged set 0 with data path initialization; self-clearing."),
    );
    v.push(
        f("ApplyImmediate", 0x10, 144)
            .sc()
            .bitmap()
            .doc("Per lane: apply staged set 0 immediately; self-clearing."),
    );
    v.push(
        f("DPConfig", 0x10, 145)
            .lanes(8)
            .rw()
            .hw(HwRole::Control, HwScope::Lane, "dp_config")
            .doc("Per lane, staged set 0: AppSel in 7:4, DataPathID in 3:1, ExplicitControl in 0."),
    );
    v.push(ctl("CdrEnableTx", 160, "Per lane: Tx CDR enabled.").reset(0xFF));
    v.push(ctl("CdrEnableRx", 161, "Per lane: Rx CDR enabled.").reset(0xFF));
    // Masks for the page 11h lane flags this engine raises: a set bit keeps
    // that lane's flag from asserting IntL.
    for (byte, flag) in [
        (213u8, "DPStateChanged"),
        (214, "TxFault"),
        (215, "TxLOS"),
        (216, "TxCDRLOL"),
        (226, "RxLOS"),
        (227, "RxCDRLOL"),
    ] {
        v.push(
            f(&format!("M{flag}"), 0x10, byte)
                .rw()
                .bitmap()
                .doc(&format!("Per lane: mask for L{flag} (11h).")),
        );
    }
}
