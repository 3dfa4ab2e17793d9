//! Page 01h: advertisements (durations, supported controls, flags and monitors).

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_01h(v: &mut Vec<Field>, p: &MapParams) {
    v.push(
        f("DPInitDuration", 1, 144)
            .bits(0, 4)
            .code()
            .reset(duration_code(p.dp_init_ns) as u64)
            .doc("Maximum DPInit duration code, from the configured duration."),
    );
    v.push(
        f("DPDeinitDuration", 1, 144)
            .bits(4, 4)
            .code()
            .reset(duration_code(p.dp_deinit_ns) as u64)
            .doc("Maximum DPDeinit duration code, from the configured duration."),
    );
    v.push(
        f("TxDisableSupported", 1, 155)
            .bits(1, 1)
            .reset(1)
            .doc("Tx output disable is implemented."),
    );
    v.push(
        f("RxDisableSupported", 1, 156)
            .bits(1, 1)
            .reset(1)
            .doc("Rx output disable is implemented."),
    );
    v.push(f("TxFlagsSupported", 1, 157).bits(0, 4).reset(0b0110).doc(
        "Tx flags implemented: bit 1 TxLOS, bit 2 Tx CDR LOL (0 TxFault, 3 adaptive EQ fail: no).",
    ));
    v.push(
        f("RxFlagsSupported", 1, 158)
            .bits(1, 2)
            .reset(0b11)
            .doc("Rx flags implemented: bit 1 RxLOS, bit 2 Rx CDR LOL."),
    );
    v.push(
        f("LaneMonitorsSupported", 1, 160)
            .bits(0, 3)
            .reset(0)
            .doc("Lane monitors on page 11h: none (laser monitors are on page 1Bh)."),
    );
    v.push(
        f("TxBiasMultiplier", 1, 160)
            .bits(3, 2)
            .code()
            .reset(0)
            .doc("Tx bias multiplier code: 0 x1, 1 x2, 2 x4."),
    );
    v.push(
        f("ModulePwrUpDuration", 1, 167)
            .bits(0, 4)
            .code()
            .reset(duration_code(p.power_up_ns) as u64)
            .doc("Maximum ModulePwrUp duration code, from the configured duration (0: 1 ms, 1: 5 ms, 2: 10 ms, 3: 50 ms, 4: 100 ms, ...)."),
    );
    v.push(
        f("ModulePwrDnDuration", 1, 167)
            .bits(4, 4)
            .code()
            .reset(duration_code(p.power_down_ns) as u64)
            .doc("Maximum ModulePwrDn duration code, from the configured duration."),
    );
    v.push(
        f("TxTurnOnDuration", 1, 168)
            .bits(0, 4)
            .code()
            .reset(duration_code(p.tx_turn_on_ns) as u64)
            .doc("Maximum Tx turn-on duration code, from the configured duration."),
    );
    v.push(
        f("TxTurnOffDuration", 1, 168)
            .bits(4, 4)
            .code()
            .reset(duration_code(p.tx_turn_off_ns) as u64)
            .doc("Maximum Tx turn-off duration code, from the configured duration."),
    );
    v.push(
        f("MediaLaneAssignmentOptions1", 1, 176)
            .reset(p.application.media_lane_options as u64)
            .doc("Media lanes Application 1 may begin on (bit n: lane n + 1)."),
    );
    v.push(
        f("MediaLaneAssignmentOptions", 1, 177)
            .lanes(7)
            .stride(8)
            .doc("Media lane assignment options of Applications 2..8: none advertised."),
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 130,
            last: 254,
        },
        ..f("PageChecksum01h", 1, 255).doc("Low 8 bits of the sum of bytes 130..254.")
    });
}
