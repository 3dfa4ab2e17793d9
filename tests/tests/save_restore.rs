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

/// The lane controls and masks the test moves, as (field, lane).
const CONTROL_KEYS: [(&str, usize); 7] = [
    ("BiasSetpoint", 2),
    ("PowerSetpoint", 7),
    ("LaserBiasHighAlarm", 0),
    ("FiberCheckPower", 0),
    ("LaserControlMode", 0),
    ("OutputFiberChecked", 5),
    ("OutputFiberChecked", 6),
];
const MASK_KEYS: [(&str, usize); 5] = [
    ("MLaserPowerHighWarning", 1),
    ("MLaserPowerHighWarning", 2),
    ("MLaserBiasLowAlarm", 6),
    ("GlobalAlarmMask", 3),
    ("GlobalAlarmMask", 4),
];

/// Three sets of controls (A saved to set 1, B saved to set 2, C written
/// last) and two of masks (M0 saved to set 2, M1 written last). One-bit
/// fields have only two values, so each set differs from the others and
/// from the factory defaults as a whole (checked below), key by key where
/// a key has room: every restore changes something a wrong restore would
/// leave.
const SET_A: [u64; 7] = [1234, 4321, 4000, 3, 1, 1, 0];
const SET_B: [u64; 7] = [1235, 4322, 4001, 4, 0, 0, 1];
const SET_C: [u64; 7] = [1236, 4323, 4002, 5, 0, 1, 1];
const MASKS_0: [u64; 5] = [1, 0, 1, 1, 0];
const MASKS_1: [u64; 5] = [0, 1, 1, 0, 1];

fn factory(d: &Driver<EngineAxi>, (name, lane): (&str, usize)) -> u64 {
    let f = d.map().field(name).unwrap();
    let v = match f.reset {
        Reset::Value(v) => v,
        ref r => panic!("{name}: {r:?}"),
    };
    if f.encoding == Encoding::LaneBitmap {
        v >> (lane % 8) & 1
    } else {
        v
    }
}

fn command(d: &mut Driver<EngineAxi>, cmd: u64) -> u64 {
    d.write_field("SaveRestoreCommand", 0, cmd).unwrap();
    d.read_field("SaveRestoreStatus", 0).unwrap()
}

fn set(d: &mut Driver<EngineAxi>, keys: &[(&str, usize)], values: &[u64]) {
    for (&(name, lane), &v) in keys.iter().zip(values) {
        d.write_field(name, lane, v).unwrap();
    }
}

fn check(d: &mut Driver<EngineAxi>, keys: &[(&str, usize)], values: &[u64], what: &str) {
    for (&(name, lane), &want) in keys.iter().zip(values) {
        assert_eq!(
            d.read_field(name, lane).unwrap(),
            want,
            "{what}: {name}[{lane}]"
        );
    }
}

fn factory_values(d: &Driver<EngineAxi>, keys: &[(&str, usize)]) -> Vec<u64> {
    keys.iter().map(|&k| factory(d, k)).collect()
}

/// Every set differs from every other and from the factory defaults in
/// each pair of consecutive states the test walks through.
#[test]
fn the_sets_tell_every_outcome_apart() {
    let cfg = EngineConfig::default();
    let d = Driver::new(
        EngineAxi::new(
            build_engine(EngineKind::Model, &cfg).unwrap(),
            5,
            AxiPacing::EAGER,
        ),
        cfg.register_map(),
    );
    let rc = factory_values(&d, &CONTROL_KEYS);
    let rm = factory_values(&d, &MASK_KEYS);
    for (a, b) in [
        (&SET_A[..], &rc[..]),
        (&SET_B, &rc),
        (&SET_C, &rc),
        (&SET_A, &SET_B),
        (&SET_A, &SET_C),
        (&SET_B, &SET_C),
        (&MASKS_0, &rm),
        (&MASKS_1, &rm),
        (&MASKS_0, &MASKS_1),
    ] {
        assert_ne!(a, b);
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
        let (rc, rm) = (
            factory_values(&d, &CONTROL_KEYS),
            factory_values(&d, &MASK_KEYS),
        );
        check(&mut d, &CONTROL_KEYS, &rc, &format!("{k} reset"));
        // Nothing saved yet: restoring a set changes nothing.
        set(&mut d, &CONTROL_KEYS, &SET_A);
        assert_eq!(command(&mut d, 0x11), NOTHING_SAVED as u64, "{k}");
        assert_eq!(command(&mut d, 0x22), NOTHING_SAVED as u64, "{k}");
        check(&mut d, &CONTROL_KEYS, &SET_A, &k);
        // Save the controls to set 1 and the masks to set 2.
        set(&mut d, &MASK_KEYS, &MASKS_0);
        assert_eq!(command(&mut d, 0x18), OK as u64, "{k}");
        assert_eq!(command(&mut d, 0x29), OK as u64, "{k}");
        // Change both, save the new controls to set 2.
        set(&mut d, &CONTROL_KEYS, &SET_B);
        assert_eq!(command(&mut d, 0x19), OK as u64, "{k}");
        set(&mut d, &CONTROL_KEYS, &SET_C);
        set(&mut d, &MASK_KEYS, &MASKS_1);
        // Restore controls set 1: the controls come back, the masks do not.
        assert_eq!(command(&mut d, 0x11), OK as u64, "{k}");
        check(&mut d, &CONTROL_KEYS, &SET_A, &format!("{k} set 1"));
        check(
            &mut d,
            &MASK_KEYS,
            &MASKS_1,
            &format!("{k} masks untouched"),
        );
        assert_eq!(command(&mut d, 0x12), OK as u64, "{k}");
        check(&mut d, &CONTROL_KEYS, &SET_B, &format!("{k} set 2"));
        // Masks: set 1 was never saved; set 2 was.
        assert_eq!(command(&mut d, 0x21), NOTHING_SAVED as u64, "{k}");
        check(
            &mut d,
            &MASK_KEYS,
            &MASKS_1,
            &format!("{k} nothing restored"),
        );
        assert_eq!(command(&mut d, 0x22), OK as u64, "{k}");
        check(&mut d, &MASK_KEYS, &MASKS_0, &format!("{k} masks set 2"));
        // Invalid commands change nothing.
        for bad in [0x00, 0x13, 0x1A, 0x23, 0x2A, 0xFF] {
            assert_eq!(command(&mut d, bad), INVALID as u64, "{k}: {bad:#x}");
        }
        check(&mut d, &CONTROL_KEYS, &SET_B, &k);
        // Factory defaults: the map's reset values.
        assert_eq!(command(&mut d, 0x10), OK as u64, "{k}");
        check(&mut d, &CONTROL_KEYS, &rc, &format!("{k} factory controls"));
        check(&mut d, &MASK_KEYS, &MASKS_0, &format!("{k} masks kept"));
        assert_eq!(command(&mut d, 0x20), OK as u64, "{k}");
        check(&mut d, &MASK_KEYS, &rm, &format!("{k} factory masks"));
        // A module reset loses the sets (no non-volatile memory).
        d.write_field("SoftwareReset", 0, 1).unwrap();
        assert_eq!(d.read_field("SaveRestoreStatus", 0).unwrap(), 0, "{k}");
        assert_eq!(command(&mut d, 0x11), NOTHING_SAVED as u64, "{k}");
    }
}
