//! Page 02h: module and lane thresholds.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_02h(v: &mut Vec<Field>) {
    let ro = Access::Ro;
    thresholds(
        v,
        ("Temp", "Module temperature"),
        2,
        128,
        ro,
        true,
        units::TEMPERATURE,
        TEMP_THRESHOLDS,
        Some((HwScope::Module, "temp")),
    );
    thresholds(
        v,
        ("Vcc", "Module supply voltage"),
        2,
        136,
        ro,
        false,
        units::VCC,
        VCC_THRESHOLDS,
        Some((HwScope::Module, "vcc")),
    );
    thresholds(
        v,
        ("TxPower", "Tx optical power"),
        2,
        176,
        ro,
        false,
        units::POWER_0U1W,
        [0; 4],
        None,
    );
    thresholds(
        v,
        ("TxBias", "Tx bias"),
        2,
        184,
        ro,
        false,
        units::BIAS_2UA,
        [0; 4],
        None,
    );
    thresholds(
        v,
        ("RxPower", "Rx optical power"),
        2,
        192,
        ro,
        false,
        units::POWER_0U1W,
        [0; 4],
        None,
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 128,
            last: 254,
        },
        ..f("PageChecksum02h", 2, 255).doc("Low 8 bits of the sum of bytes 128..254.")
    });
}
