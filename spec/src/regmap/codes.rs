//! The names of the coded values a host reads most: CMIS module and
//! data-path states, the ELSFP laser lane state and fault codes. One table
//! per field, in the standards' words, so coverage bins, scenario
//! expectations and reports spell a state the same way (and a scenario can
//! say `equals = "ModuleReady"` instead of a number).

/// CMIS ModuleState (00h:3 bits 3:1).
pub const MODULE_STATES: [(u64, &str); 5] = [
    (1, "ModuleLowPwr"),
    (2, "ModulePwrUp"),
    (3, "ModuleReady"),
    (4, "ModulePwrDn"),
    (5, "ModuleFault"),
];

/// CMIS DPState codes (11h:128..131 nibbles).
pub const DP_STATES: [(u64, &str); 7] = [
    (1, "DPDeactivated"),
    (2, "DPInit"),
    (3, "DPDeinit"),
    (4, "DPActivated"),
    (5, "DPTxTurnOn"),
    (6, "DPTxTurnOff"),
    (7, "DPInitialized"),
];

/// ELSFP LaneState (1Ah): off, ramping, on.
pub const LASER_LANE_STATES: [(u64, &str); 3] = [(0, "off"), (1, "ramping"), (2, "on")];

/// The laser fault codes this engine latches (LaserFaultCode); 0 is none.
pub const LASER_FAULTS: [(u64, &str); 3] = [
    (1, "APC loop failure"),
    (2, "ACC loop failure"),
    (9, "over-current"),
];

/// The named values of field `name`, empty for a field without any.
pub fn value_names(name: &str) -> &'static [(u64, &'static str)] {
    match name {
        "ModuleState" => &MODULE_STATES,
        "DPState" => &DP_STATES,
        "LaneState" => &LASER_LANE_STATES,
        "LaserFaultCode" => &LASER_FAULTS,
        _ => &[],
    }
}

/// The name of `value` of field `name`, if it has one.
pub fn value_name(name: &str, value: u64) -> Option<&'static str> {
    value_names(name)
        .iter()
        .find(|(v, _)| *v == value)
        .map(|(_, n)| *n)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::EngineConfig;

    /// Every named field is in the register map, and each table's values
    /// fit the field.
    #[test]
    fn every_named_field_is_in_the_map_and_its_values_fit() {
        let map = EngineConfig::default().register_map();
        for name in ["ModuleState", "DPState", "LaneState", "LaserFaultCode"] {
            let f = map.field(name).unwrap_or_else(|| panic!("{name}"));
            for (v, n) in value_names(name) {
                assert!(*v < 1 << f.width, "{name} {n} = {v}");
                assert_eq!(value_name(name, *v), Some(*n));
            }
        }
        assert_eq!(value_name("ModuleState", 3), Some("ModuleReady"));
        assert_eq!(value_name("DPState", 4), Some("DPActivated"));
        assert!(value_names("VendorName").is_empty());
    }
}
