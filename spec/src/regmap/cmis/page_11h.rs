//! Page 11h (banked): lane status, flags and monitors.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_11h(v: &mut Vec<Field>) {
    v.push(f("DPState", 0x11, 128).bits(0, 4).lanes(8).code().reset(1).hw(HwRole::Input, HwScope::Lane, "dp_state").doc("Per lane: 1 DPDeactivated, 2 DPInit, 3 DPDeinit, 4 DPActivated, 5 DPTxTurnOn, 6 DPTxTurnOff, 7 DPInitialized."));
    v.push(
        f("RxOutputStatus", 0x11, 132)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, "rx_output_status")
            .doc("Per lane: Rx output valid."),
    );
    v.push(
        f("TxOutputStatus", 0x11, 133)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, "tx_output_status")
            .doc("Per lane: Tx output valid."),
    );
    // Latched lane flags, a bitmap byte each; the level groups are
    // consecutive bytes in CMIS level order.
    let mut lane_flags: Vec<(u8, String, String)> = [
        (134, "DPStateChanged", "data path state changed"),
        (
            135,
            "TxFault",
            "Tx fault (the ELSFP laser lane that feeds this lane, xpo_spec::laser::laser_for_lane, is in a fault)",
        ),
        (
            136,
            "TxLOS",
            "Tx loss of signal (no block with a transition on the host input for retimer.los_ns)",
        ),
        (
            137,
            "TxCDRLOL",
            "Tx CDR loss of lock (no 64b/66b block lock on the host input)",
        ),
        (
            138,
            "TxAdaptiveInputEqFail",
            "Tx adaptive input equalization failed",
        ),
        (
            147,
            "RxLOS",
            "Rx loss of signal (no block with a transition on the media input for retimer.los_ns)",
        ),
        (
            148,
            "RxCDRLOL",
            "Rx CDR loss of lock (no 64b/66b block lock on the media input)",
        ),
    ]
    .iter()
    .map(|&(b, n, d)| (b, n.to_string(), d.to_string()))
    .collect();
    for (first, prefix, words) in [
        (139u8, "TxPower", "Tx power"),
        (143, "TxBias", "Tx bias"),
        (149, "RxPower", "Rx power"),
    ] {
        for (i, (name, what)) in levels(prefix).enumerate() {
            lane_flags.push((first + i as u8, name, format!("{words} {what}")));
        }
    }
    lane_flags.sort_by_key(|x| x.0);
    for (byte, name, d) in lane_flags {
        let flag = f(&format!("L{name}"), 0x11, byte)
            .rc()
            .bitmap()
            .doc(&format!("Per lane, latched: {d}."));
        // The flags this engine raises, with their masks (10h:213..227).
        let port = match name.as_str() {
            "DPStateChanged" => Some("dp_state_changed"),
            "TxFault" => Some("tx_fault"),
            "TxLOS" => Some("tx_los"),
            "TxCDRLOL" => Some("tx_cdr_lol"),
            "RxLOS" => Some("rx_los"),
            "RxCDRLOL" => Some("rx_cdr_lol"),
            _ => None,
        };
        v.push(match port {
            Some(p) => flag
                .masked_by(&format!("M{name}"))
                .hw(HwRole::Latch, HwScope::Lane, p),
            None => flag,
        });
    }
    v.push(
        f("TxPowerMonitor", 0x11, 154)
            .len_bytes(2)
            .lanes(8)
            .units(units::POWER_0U1W)
            .doc("Per lane Tx optical power."),
    );
    v.push(
        f("TxBiasMonitor", 0x11, 170)
            .len_bytes(2)
            .lanes(8)
            .units(units::BIAS_2UA)
            .doc("Per lane Tx bias."),
    );
    v.push(
        f("RxPowerMonitor", 0x11, 186)
            .len_bytes(2)
            .lanes(8)
            .units(units::POWER_0U1W)
            .doc("Per lane Rx optical power."),
    );
    v.push(f("ConfigStatus", 0x11, 202).bits(0, 4).lanes(8).code().hw(HwRole::Input, HwScope::Lane, "config_status").doc("Per lane result of the last ApplyDPInit: 0 undefined, 1 ConfigSuccess, 3 rejected (invalid AppSel), 4 rejected (invalid DataPathID), 6 rejected (lanes in use), 0Ch ConfigInProgress."));
    v.push(
        f("DPConfigActive", 0x11, 206)
            .lanes(8)
            .hw(HwRole::Input, HwScope::Lane, "dp_config_active")
            .doc("Per lane, active set: AppSel in 7:4, DataPathID in 3:1, ExplicitControl in 0 (as 10h:145)."),
    );
    v.push(
        f("DPInitPending", 0x11, 235)
            .bitmap()
            .hw(HwRole::Input, HwScope::Lane, "dp_init_pending")
            .doc("Per lane: an accepted configuration waits for the next DPInit."),
    );
}
