//! Page 00h upper: the module identity.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_00h(v: &mut Vec<Field>) {
    v.push(
        f("IdentifierCopy", 0, 128)
            .code()
            .reset(0x19)
            .doc("Copy of Identifier."),
    );
    v.push(
        f("VendorName", 0, 129)
            .len_bytes(16)
            .identity(IdentityKey::VendorName)
            .doc("Vendor name, ASCII, space padded."),
    );
    v.push(
        f("VendorOui", 0, 145)
            .len_bytes(3)
            .identity(IdentityKey::VendorOui)
            .enc(Encoding::Unsigned)
            .doc("Vendor IEEE OUI."),
    );
    v.push(
        f("VendorPartNumber", 0, 148)
            .len_bytes(16)
            .identity(IdentityKey::PartNumber)
            .doc("Part number, ASCII."),
    );
    v.push(
        f("VendorRevision", 0, 164)
            .len_bytes(2)
            .identity(IdentityKey::Revision)
            .doc("Revision, ASCII."),
    );
    v.push(
        f("VendorSerialNumber", 0, 166)
            .len_bytes(16)
            .identity(IdentityKey::SerialNumber)
            .doc("Serial number, ASCII."),
    );
    v.push(
        f("DateCode", 0, 182)
            .len_bytes(8)
            .identity(IdentityKey::DateCode)
            .doc("Manufacturing date YYMMDDLL, ASCII."),
    );
    v.push(
        f("PowerClass", 0, 200)
            .bits(5, 3)
            .code()
            .reset(7)
            .doc("Power class: 7 means class 8, see MaxPower."),
    );
    v.push(
        f("MaxPower", 0, 201)
            .reset(48)
            .units(units::MAX_POWER)
            .doc("Maximum power consumption (12 W)."),
    );
    v.push(Field {
        reset: Reset::Checksum {
            first: 128,
            last: 221,
        },
        ..f("PageChecksum00h", 0, 222).doc("Low 8 bits of the sum of bytes 128..221.")
    });
}
