//! A conformance suite for the management memory, generated from the
//! register map: [`check_every_field`] walks every field, bank and lane and
//! checks the access semantics its row declares through the [`Driver`]. It
//! runs on the model (directly and over I2C) and on the RTL (through the
//! byte port), so every implementation is held to the same table.

use super::{CmisMemory, Driver, I2cModelBus, RegisterAccess};
use xpo_spec::regmap::{Access, Encoding, Field, Reset};

/// A transport the suite can run over, with optional access to the model
/// behind it for the checks that need hardware to act (raise a flag, see a
/// pulse).
pub trait Harness: RegisterAccess {
    fn hardware(&mut self) -> Option<&mut CmisMemory>;
}

impl Harness for CmisMemory {
    fn hardware(&mut self) -> Option<&mut CmisMemory> {
        Some(self)
    }
}

impl Harness for I2cModelBus {
    fn hardware(&mut self) -> Option<&mut CmisMemory> {
        Some(self.memory())
    }
}

/// Global lanes of a field (bits of bitmaps, instances otherwise, times banks).
pub fn lanes<A: RegisterAccess>(d: &Driver<A>, f: &Field) -> usize {
    let per_bank = if f.encoding == Encoding::LaneBitmap {
        8 * f.count as usize
    } else {
        f.count as usize
    };
    let banks = if f.page >= 0x10 {
        d.map().page(f.page).unwrap().banks as usize
    } else {
        1
    };
    per_bank * banks
}

fn width(f: &Field) -> u8 {
    if f.encoding == Encoding::LaneBitmap {
        1
    } else {
        f.width
    }
}

/// A value that differs from `old` in every bit of the field.
fn flip(old: u64, width: u8) -> u64 {
    !old & if width >= 64 {
        u64::MAX
    } else {
        (1u64 << width) - 1
    }
}

/// Checks every field of the map, every bank and lane, through `d`: read-only
/// fields refuse writes and keep their value (and reset value), read-write
/// fields store what is written, write-only and self-clearing fields read 0,
/// latched flags latch, clear on read and drive IntL through their masks.
/// Checks needing hardware to raise a flag or see a pulse run only when the
/// harness gives access to the model. Returns the number of field lanes
/// checked; panics with the field and lane on the first violation.
pub fn check_every_field<A: Harness>(mut d: Driver<A>) -> usize {
    let errors_visible = d.access_mut().reports_errors();
    let map = d.map().clone();
    let mut checked = 0;
    for f in &map.fields {
        if f.name == "InterruptDeasserted" || f.name == "BankSelect" || f.name == "PageSelect" {
            continue; // derived from IntL / the window itself; covered below
        }
        let w = width(f);
        if w > 64 {
            // Identity text: read-only bytes.
            assert_eq!(f.access, Access::Ro, "{}", f.name);
            let before = d.read_bytes(&f.name, 0).unwrap();
            let flipped: Vec<u8> = before.iter().map(|b| !b).collect();
            let r = d.write_bytes(&f.name, 0, &flipped);
            assert!(!errors_visible || r.is_err(), "{}", f.name);
            assert_eq!(d.read_bytes(&f.name, 0).unwrap(), before, "{}", f.name);
            checked += 1;
            continue;
        }
        for lane in 0..lanes(&d, f) {
            let before = d.read_field(&f.name, lane).unwrap();
            match f.access {
                Access::Ro => {
                    let r = d.write_field(&f.name, lane, flip(before, w));
                    let shares_writable = map.fields.iter().any(|g| {
                        g.access.writable()
                            && g.in_lower() == f.in_lower()
                            && (f.in_lower() || g.page == f.page)
                            && g.bytes().any(|b| f.bytes().any(|x| x == b))
                    });
                    assert!(
                        shares_writable || r.is_err() || !errors_visible,
                        "{}: write to a read-only byte accepted",
                        f.name
                    );
                    if f.volatile && d.access_mut().hardware().is_none() {
                        // Hardware may change it at any time: no stability check.
                        checked += 1;
                        continue;
                    }
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        before,
                        "{} lane {lane} changed",
                        f.name
                    );
                    // Status written by hardware may already have moved
                    // (SaveRestoreStatus answers the command written
                    // before it): only static fields must still read
                    // their reset value.
                    if let Reset::Value(v) = f.reset {
                        if f.encoding != Encoding::LaneBitmap && !f.volatile {
                            assert_eq!(before, v, "{} lane {lane}: reset value", f.name);
                        }
                    }
                }
                Access::Rw => {
                    let v = flip(before, w);
                    d.write_field(&f.name, lane, v).unwrap();
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        v,
                        "{} lane {lane}",
                        f.name
                    );
                    d.write_field(&f.name, lane, before).unwrap();
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        before,
                        "{} lane {lane} back",
                        f.name
                    );
                }
                Access::Wo | Access::Sc => {
                    d.write_field(&f.name, lane, flip(0, w)).unwrap();
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        0,
                        "{} reads 0",
                        f.name
                    );
                    if f.access == Access::Sc {
                        if let Some(mem) = d.access_mut().hardware() {
                            assert!(!mem.take_pulses().is_empty(), "{}: pulse recorded", f.name);
                        }
                    }
                }
                Access::Rc => {
                    let r = d.write_field(&f.name, lane, 1);
                    assert!(
                        !errors_visible || r.is_err(),
                        "{}: latched flags refuse writes",
                        f.name
                    );
                    if d.access_mut().hardware().is_none() {
                        // The engine's own hardware may raise it at any time
                        // (ModuleStateChanged right after reset, for one):
                        // only the refusal is checkable from outside.
                        checked += 1;
                        continue;
                    }
                    assert_eq!(before, 0, "{}: clear after reset", f.name);
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        0,
                        "{}: a write does not set it",
                        f.name
                    );
                    let per_bank = if f.encoding == Encoding::LaneBitmap {
                        8 * f.count as usize
                    } else {
                        f.count as usize
                    };
                    let (bank, idx) = ((lane / per_bank) as u8, lane % per_bank);
                    let (inst, bits) = if f.encoding == Encoding::LaneBitmap {
                        ((idx / 8) as u8, 1u8 << (idx % 8))
                    } else {
                        (idx as u8, 1)
                    };
                    // IntL follows the flag unless its mask bit or its
                    // global mask bit (as they stand: read first) is set.
                    let global = f.global_mask.as_ref().and_then(|m| map.field(m));
                    let mut masked = match &f.masked_by {
                        Some(m) => d.read_field(m, lane).unwrap() != 0,
                        None => false,
                    };
                    if let Some(g) = global.filter(|g| idx < 8 * g.count as usize) {
                        let g_lane = bank as usize * 8 * g.count as usize + idx;
                        masked |= d.read_field(&g.name, g_lane).unwrap() != 0;
                    }
                    let mem = d.access_mut().hardware().expect("model access");
                    assert!(!mem.intl_asserted(), "{}: IntL idle before", f.name);
                    mem.hw_latch(&f.name, bank, inst, bits);
                    assert_eq!(
                        mem.intl_asserted(),
                        !masked,
                        "{}: IntL asserted by an unmasked flag, not by a masked one",
                        f.name
                    );
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        1,
                        "{} latched",
                        f.name
                    );
                    assert_eq!(
                        d.read_field(&f.name, lane).unwrap(),
                        0,
                        "{} cleared by the read",
                        f.name
                    );
                    assert!(
                        !d.access_mut()
                            .hardware()
                            .expect("model access")
                            .intl_asserted(),
                        "{}: IntL released",
                        f.name
                    );
                    if let Some(m) = &f.masked_by {
                        d.write_field(m, lane, 1).unwrap();
                        d.access_mut()
                            .hardware()
                            .expect("model access")
                            .hw_latch(&f.name, bank, inst, bits);
                        assert!(
                            !d.access_mut()
                                .hardware()
                                .expect("model access")
                                .intl_asserted(),
                            "{}: masked flag keeps IntL high",
                            f.name
                        );
                        assert_eq!(d.read_field("InterruptDeasserted", 0).unwrap(), 1);
                        d.write_field(m, lane, 0).unwrap();
                        assert!(
                            d.access_mut()
                                .hardware()
                                .expect("model access")
                                .intl_asserted(),
                            "{}: unmasked again",
                            f.name
                        );
                        assert_eq!(d.read_field("InterruptDeasserted", 0).unwrap(), 0);
                        assert_eq!(d.read_field(&f.name, lane).unwrap(), 1);
                    }
                    // The global mask (ELSFP 1Ah:210/211): the lane's bit in
                    // a per-bank bitmap masks the flag too.
                    if let Some(g) = global.filter(|g| idx < 8 * g.count as usize) {
                        let g_lane = bank as usize * 8 * g.count as usize + idx;
                        let mem = d.access_mut().hardware().expect("model access");
                        mem.hw_latch(&f.name, bank, inst, bits);
                        assert!(mem.intl_asserted(), "{}: set for the global mask", f.name);
                        d.write_field(&g.name, g_lane, 1).unwrap();
                        assert_eq!(
                            d.read_field("InterruptDeasserted", 0).unwrap(),
                            1,
                            "{}: globally masked flag keeps IntL high",
                            f.name
                        );
                        d.write_field(&g.name, g_lane, 0).unwrap();
                        assert_eq!(
                            d.read_field("InterruptDeasserted", 0).unwrap(),
                            0,
                            "{}: globally unmasked again",
                            f.name
                        );
                        assert_eq!(d.read_field(&f.name, lane).unwrap(), 1);
                    }
                }
            }
            checked += 1;
        }
    }
    checked
}
