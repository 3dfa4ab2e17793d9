//! OIF-ELSFP-CMIS page 1Bh (banked): setpoints and monitors.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_1bh(v: &mut Vec<Field>) {
    v.push(f("BiasSetpoint", 0x1B, 128).len_bytes(2).lanes(8).rw().reset(3000).units(units::LASER_BIAS).hw(HwRole::Control, HwScope::Laser, "bias_setpoint").doc("Per laser lane bias setpoint (ACC); takes effect when both bytes are written in one transaction."));
    v.push(f("PowerSetpoint", 0x1B, 144).len_bytes(2).lanes(8).rw().reset(10000).units(units::LASER_POWER).hw(HwRole::Control, HwScope::Laser, "power_setpoint").doc("Per laser lane optical power setpoint (APC); takes effect when both bytes are written in one transaction."));
    v.push(
        f("BiasMonitor", 0x1B, 184)
            .len_bytes(2)
            .lanes(8)
            .units(units::LASER_BIAS)
            .hw(HwRole::Input, HwScope::Laser, "bias_monitor")
            .doc("Per laser lane bias current."),
    );
    v.push(
        f("PowerMonitor", 0x1B, 200)
            .len_bytes(2)
            .lanes(8)
            .units(units::LASER_POWER)
            .hw(HwRole::Input, HwScope::Laser, "power_monitor")
            .doc("Per laser lane optical power."),
    );
    v.push(
        f("LaneVoltageMonitor", 0x1B, 232)
            .lanes(8)
            .units(units::LANE_VOLTAGE)
            .hw(HwRole::Input, HwScope::Laser, "lane_voltage")
            .doc("Per laser lane forward voltage."),
    );
    v.push(
        f("SupplyCurrentMonitor", 0x1B, 240)
            .len_bytes(2)
            .units(units::SUPPLY_CURRENT)
            .hw(HwRole::Input, HwScope::Module, "supply_current")
            .doc("Module supply current; with several banks, the same value in each."),
    );
}
