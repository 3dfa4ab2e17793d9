//! ELSFP save/restore (1Ah:184/185) held to OIF-ELSFP-CMIS through the
//! AXI slave on every engine: commands 10h..12h / 20h..22h restore the lane
//! controls / masks from the factory defaults or saved set 1 or 2,
//! 18h/19h and 28h/29h save them; the status reads 1 ok, 3 invalid, 4
//! nothing saved. Expected values come from the commands' meaning and the
//! register map's reset values, never from the implementation.

use xpo_host::mgmt::{AxiPacing, Driver};
use xpo_sim::mgmt_bus::EngineAxi;
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::regmap::save_restore::{INVALID, NOTHING_SAVED, OK};
use xpo_spec::regmap::{Encoding, Reset};
use xpo_spec::EngineConfig;

const KINDS: [EngineKind; 3] = [
    EngineKind::Verilator,
    EngineKind::Model,
    EngineKind::RustHdl,
];

/// Values different from every reset value: a lane-control set and a mask
/// set, as (field, lane, value).
const CONTROLS: [(&str, usize, u64); 6] = [
    ("BiasSetpoint", 2, 1234),
    ("PowerSetpoint", 7, 4321),
    ("LaserBiasHighAlarm", 0, 4000),
    ("FiberCheckPower", 0, 3),
    ("LaserControlMode", 0, 1),
    ("OutputFiberChecked", 5, 1),
];
const MASKS: [(&str, usize, u64); 3] = [
    ("MLaserPowerHighWarning", 1, 1),
    ("MLaserBiasLowAlarm", 6, 1),
    ("GlobalAlarmMask", 3, 1),
];

fn factory(d: &Driver<EngineAxi>, name: &str) -> u64 {
    match d.map().field(name).unwrap().reset {
        Reset::Value(v) => v,
        ref r => panic!("{name}: {r:?}"),
    }
}

fn command(d: &mut Driver<EngineAxi>, cmd: u64) -> u64 {
    d.write_field("SaveRestoreCommand", 0, cmd).unwrap();
    d.read_field("SaveRestoreStatus", 0).unwrap()
}

/// Bits one lane of `name` has: 1 for a lane bitmap.
fn lane_width(d: &Driver<EngineAxi>, name: &str) -> u32 {
    let f = d.map().field(name).unwrap();
    if f.encoding == Encoding::LaneBitmap {
        1
    } else {
        (f.width as u32).min(16)
    }
}

fn set(d: &mut Driver<EngineAxi>, fields: &[(&str, usize, u64)], delta: u64) {
    for &(name, lane, v) in fields {
        let width = lane_width(d, name);
        d.write_field(name, lane, (v + delta) & ((1 << width) - 1))
            .unwrap();
    }
}

fn check(d: &mut Driver<EngineAxi>, fields: &[(&str, usize, u64)], delta: u64, what: &str) {
    for &(name, lane, v) in fields {
        let width = lane_width(d, name);
        let want = (v + delta) & ((1 << width) - 1);
        assert_eq!(
            d.read_field(name, lane).unwrap(),
            want,
            "{what}: {name}[{lane}]"
        );
    }
}

fn check_factory(d: &mut Driver<EngineAxi>, fields: &[(&str, usize, u64)], what: &str) {
    for &(name, lane, _) in fields {
        let f = d.map().field(name).unwrap();
        let per_lane = if f.encoding == Encoding::LaneBitmap {
            factory(d, name) >> (lane % 8) & 1
        } else {
            factory(d, name)
        };
        let want = per_lane;
        assert_eq!(
            d.read_field(name, lane).unwrap(),
            want,
            "{what}: {name}[{lane}]"
        );
    }
}

#[test]
fn save_restore_commands_follow_elsfp() {
    let cfg = EngineConfig::default();
    for kind in KINDS {
        let bus = EngineAxi::new(build_engine(kind, &cfg).unwrap(), 5, AxiPacing::EAGER);
        let mut d = Driver::new(bus, cfg.register_map());
        let k = format!("{kind:?}");
        assert_eq!(
            d.read_field("SaveRestoreStatus", 0).unwrap(),
            0,
            "{k}: no command yet"
        );
        // Nothing saved yet: restoring a set changes nothing.
        set(&mut d, &CONTROLS, 0);
        assert_eq!(command(&mut d, 0x11), NOTHING_SAVED as u64, "{k}");
        assert_eq!(command(&mut d, 0x22), NOTHING_SAVED as u64, "{k}");
        check(&mut d, &CONTROLS, 0, &k);
        // Save the controls to set 1 and the masks to set 2.
        set(&mut d, &MASKS, 0);
        assert_eq!(command(&mut d, 0x18), OK as u64, "{k}");
        assert_eq!(command(&mut d, 0x29), OK as u64, "{k}");
        // Change both, save the new controls to set 2.
        set(&mut d, &CONTROLS, 1);
        assert_eq!(command(&mut d, 0x19), OK as u64, "{k}");
        set(&mut d, &CONTROLS, 2);
        set(&mut d, &MASKS, 1);
        // Restore controls set 1: the controls come back, the masks do not.
        assert_eq!(command(&mut d, 0x11), OK as u64, "{k}");
        check(&mut d, &CONTROLS, 0, &format!("{k} set 1"));
        check(&mut d, &MASKS, 1, &format!("{k} masks untouched"));
        assert_eq!(command(&mut d, 0x12), OK as u64, "{k}");
        check(&mut d, &CONTROLS, 1, &format!("{k} set 2"));
        // Masks: set 1 was never saved; set 2 was.
        assert_eq!(command(&mut d, 0x21), NOTHING_SAVED as u64, "{k}");
        check(&mut d, &MASKS, 1, &format!("{k} nothing restored"));
        assert_eq!(command(&mut d, 0x22), OK as u64, "{k}");
        check(&mut d, &MASKS, 0, &format!("{k} masks set 2"));
        // Invalid commands change nothing.
        for bad in [0x00, 0x13, 0x1A, 0x23, 0x2A, 0xFF] {
            assert_eq!(command(&mut d, bad), INVALID as u64, "{k}: {bad:#x}");
        }
        check(&mut d, &CONTROLS, 1, &k);
        // Factory defaults: the map's reset values.
        assert_eq!(command(&mut d, 0x10), OK as u64, "{k}");
        check_factory(&mut d, &CONTROLS, &format!("{k} factory controls"));
        check(&mut d, &MASKS, 0, &format!("{k} masks kept"));
        assert_eq!(command(&mut d, 0x20), OK as u64, "{k}");
        check_factory(&mut d, &MASKS, &format!("{k} factory masks"));
        // A module reset loses the sets (no non-volatile memory).
        d.write_field("SoftwareReset", 0, 1).unwrap();
        assert_eq!(d.read_field("SaveRestoreStatus", 0).unwrap(), 0, "{k}");
        assert_eq!(command(&mut d, 0x11), NOTHING_SAVED as u64, "{k}");
    }
}
