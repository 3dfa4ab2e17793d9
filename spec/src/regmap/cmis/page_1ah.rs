//! OIF-ELSFP-CMIS page 1Ah (banked, 8 laser lanes a bank): advertisements, flags, controls.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_1ah(v: &mut Vec<Field>, p: &MapParams) {
    v.push(
        f("LaserMaxPower", 0x1A, 128)
            .len_bytes(2)
            .reset(10000)
            .units(units::LASER_POWER)
            .doc("Maximum optical power per laser lane (20 dBm)."),
    );
    v.push(
        f("LaserMinPower", 0x1A, 130)
            .len_bytes(2)
            .reset(1259)
            .units(units::LASER_POWER)
            .doc("Minimum optical power per laser lane (11 dBm)."),
    );
    v.push(
        f("LaserMaxBias", 0x1A, 132)
            .len_bytes(2)
            .reset(p.max_bias_ua / 100)
            .units(units::LASER_BIAS)
            .doc("Maximum laser bias, from laser.max_bias_ua (500 mA by default); the loops clamp to it."),
    );
    v.push(
        f("LaserMinBias", 0x1A, 134)
            .len_bytes(2)
            .reset(p.min_bias_ua / 100)
            .units(units::LASER_BIAS)
            .doc("Minimum laser bias while on, from laser.min_bias_ua (50 mA by default); APC clamps to it."),
    );
    v.push(
        f("LaserControlMode", 0x1A, 140)
            .bits(0, 1)
            .rw()
            .code()
            .reset(1)
            .hw(HwRole::Control, HwScope::Laser, "laser_apc")
            .doc("0 ACC (bias follows the bias setpoint), 1 APC (power loop). OIF-ELSFP-CMIS advertises the mode here; xpo implements both loops and lets the host write it (an extension), so a reader sees the mode in effect."),
    );
    v.push(
        f("LaserLaneCount", 0x1A, 140)
            .bits(1, 7)
            .reset(p.laser_lanes as u64)
            .doc("Laser lanes in the module."),
    );
    let rw = Access::Rw;
    thresholds(
        v,
        ("LaserBias", "Laser bias"),
        0x1A,
        141,
        rw,
        false,
        units::LASER_BIAS,
        [4800, 400, 4500, 600],
        Some((HwScope::Laser, "bias")),
    );
    thresholds(
        v,
        ("LaserPower", "Laser power"),
        0x1A,
        149,
        rw,
        false,
        units::LASER_POWER,
        [11220, 1000, 10593, 1122],
        Some((HwScope::Laser, "power")),
    );
    v.push(
        f("LaneFaultSummary", 0x1A, 165)
            .bits(2, 1)
            .summary("fault_summary", "lane_fault")
            .doc("Any laser lane of the bank has a fault (live, not latched)."),
    );
    v.push(
        f("LaneWarningSummary", 0x1A, 165)
            .bits(3, 1)
            .summary("warning_summary", "lane_warning")
            .doc("Any laser lane of the bank has a warning (live, not latched)."),
    );
    v.push(
        f("LaneFaultFlags", 0x1A, 166)
            .lanes(4)
            .rc()
            .bitmap()
            .global_mask("GlobalAlarmMask")
            .hw(HwRole::Latch, HwScope::Laser, "lane_fault")
            .doc("Per laser lane, latched: the lane has a fault (nonzero LaserFaultCode); set again while the fault holds. Lanes 1..8 of the bank from bit 0 of byte 166; 167..169 serve lanes 9..32 of a 32-lane bank and read 0 with 8-lane banks."),
    );
    v.push(
        f("LaneWarningFlags", 0x1A, 174)
            .lanes(4)
            .rc()
            .bitmap()
            .global_mask("GlobalWarningMask")
            .hw(HwRole::Latch, HwScope::Laser, "lane_warning")
            .doc("Per laser lane, latched: the lane has a warning (nonzero LaserWarningCode); set again while it holds. Layout as LaneFaultFlags."),
    );
    v.push(f("SaveRestoreCommand", 0x1A, 184).access(Access::Wo).code().doc("10h..12h restore lane controls (factory, set 1, set 2), 18h/19h save set 1/2, 20h..22h restore masks, 28h/29h save masks."));
    v.push(
        f("SaveRestoreStatus", 0x1A, 185)
            .code()
            .doc("Result of the last command: 1 ok, 2 busy, 3 invalid, 4 nothing saved, 8 failed."),
    );
    let laser_levels: Vec<(String, &str)> = levels("Bias").chain(levels("Power")).collect();
    for (i, (n, _)) in laser_levels.iter().enumerate() {
        v.push(
            f(&format!("LLaser{n}"), 0x1A, 186 + i as u8)
                .rc()
                .bitmap()
                .masked_by(&format!("MLaser{n}"))
                .global_mask(if n.ends_with("Alarm") {
                    "GlobalAlarmMask"
                } else {
                    "GlobalWarningMask"
                })
                .hw(
                    HwRole::Latch,
                    HwScope::Laser,
                    &format!("flag_{}", level_port(["bias", "power"][i / 4], i % 4)),
                )
                .doc(&format!("Per laser lane, latched: {n}.")),
        );
        v.push(
            f(&format!("MLaser{n}"), 0x1A, 198 + i as u8)
                .rw()
                .bitmap()
                .doc(&format!("Per laser lane: mask for LLaser{n}.")),
        );
    }
    v.push(
        f("GlobalAlarmMask", 0x1A, 210)
            .rw()
            .bitmap()
            .doc("Per laser lane: keeps the lane's fault flag (166) and its bias and power alarm flags from asserting IntL."),
    );
    v.push(
        f("GlobalWarningMask", 0x1A, 211)
            .rw()
            .bitmap()
            .doc("Per laser lane: keeps the lane's warning flag (174) and its bias and power warning flags from asserting IntL."),
    );
    v.push(f("LaserFaultCode", 0x1A, 212).bits(0, 4).stride(8).lanes(8).code().hw(HwRole::Input, HwScope::Laser, "fault_code").doc("Per laser lane: 0 none, 1 APC loop failure, 2 ACC loop failure, 9 over-current (vendor)."));
    v.push(
        f("LaserWarningCode", 0x1A, 212)
            .bits(4, 4)
            .stride(8)
            .lanes(8)
            .code()
            .hw(HwRole::Input, HwScope::Laser, "warning_code")
            .doc("Per laser lane: 0 none; while the lane is on and its loop is out of tolerance (the loop-failure timer runs), the code the lane will fault with: 1 APC, 2 ACC."),
    );
    v.push(
        f("LaneEnable", 0x1A, 220)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Laser, "laser_enable")
            .doc("Per laser lane: 1 enables the laser."),
    );
    v.push(f("LaneState", 0x1A, 221).bits(0, 2).lanes(8).code().hw(HwRole::Input, HwScope::Laser, "lane_state").doc("Per laser lane: 0 off (also fiber check pending and fault), 1 ramping (includes fiber check emission), 2 on."));
    v.push(
        f("OutputFiberChecked", 0x1A, 223)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Laser, "fiber_checked")
            .doc("Per laser lane: host confirms the output fiber is connected; the lane may ramp."),
    );
    v.push(
        f("LaneToFiberMap", 0x1A, 224)
            .lanes(8)
            .doc("Per laser lane: output fiber number."),
    );
    v.push(
        f("LaneFrequency", 0x1A, 232)
            .len_bytes(2)
            .lanes(8)
            .units(units::FREQUENCY)
            .doc("Per laser lane optical frequency."),
    );
    v.push(
        f("FiberCheckPower", 0x1A, 248)
            .rw()
            .reset(1)
            .units(units::FIBER_CHECK_POWER)
            .hw(HwRole::Control, HwScope::Laser, "check_power")
            .doc("Optical power emitted during fiber check."),
    );
}
