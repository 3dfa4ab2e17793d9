//! Table-driven: every field of the register map, every bank and lane, has
//! the access semantics its row declares, through the driver on the model.
//! The same table drives the RTL check once the register block is in RTL.

use proptest::prelude::*;
use xpo_host::mgmt::conformance::check_every_field;
use xpo_host::mgmt::memory::HalfPage;
use xpo_host::mgmt::{AccessError, CmisMemory, Driver, I2cModelBus, RegisterAccess};
use xpo_spec::regmap::{linear_address, Access};
use xpo_spec::EngineConfig;

fn cfg() -> EngineConfig {
    EngineConfig {
        lanes: 16,
        laser_lanes: 16,
        ..Default::default()
    }
}

#[test]
fn every_field_behaves_as_its_access_type_says() {
    let c = cfg();
    let n = check_every_field(Driver::new(CmisMemory::new(&c), c.register_map()));
    assert!(n > 1000, "{n} field lanes checked");
}

/// The same table over the I2C target model at 1 MHz (a 10 MHz core clock
/// keeps the run short).
#[test]
fn every_field_behaves_as_its_access_type_says_over_i2c() {
    let c = EngineConfig {
        clock_hz: 10_000_000,
        ..cfg()
    };
    let bus = I2cModelBus::new(CmisMemory::new(&c), &c, 1_000_000);
    let n = check_every_field(Driver::new(bus, c.register_map()));
    assert!(n > 1000, "{n} field lanes checked");
}

/// A U16 setpoint changes only when both bytes arrive in one transaction.
#[test]
fn multi_byte_writes_are_atomic() {
    let c = cfg();
    let map = c.register_map();
    let mut m = CmisMemory::new(&c);
    for name in ["BiasSetpoint", "LaserBiasHighAlarm", "PowerSetpoint"] {
        let f = map.field(name).unwrap();
        let addr = linear_address(1, f.page, f.byte);
        let before = m.peek(name, 1, 0);
        m.write(addr, &[0x12]).unwrap(); // first byte only
        assert_eq!(
            m.peek(name, 1, 0),
            before,
            "{name}: half a value is not applied"
        );
        m.write(addr + 1, &[0x34]).unwrap(); // second byte only, another transaction
        assert_eq!(m.peek(name, 1, 0), before, "{name}");
        m.write(addr, &[0x12, 0x34]).unwrap();
        assert_eq!(
            m.peek(name, 1, 0),
            0x1234,
            "{name}: both bytes in one write"
        );
    }
}

/// A hardware update during a sequential read does not tear the value.
#[test]
fn multi_byte_reads_are_coherent() {
    let c = cfg();
    let map = c.register_map();
    let mut m = CmisMemory::new(&c);
    let f = map.field("BiasMonitor").unwrap();
    m.write(126, &[0, 0x1B]).unwrap();
    m.hw_write("BiasMonitor", 0, 0, 0x01FF);
    m.begin();
    let hi = m.read_byte(f.byte).unwrap();
    m.hw_write("BiasMonitor", 0, 0, 0x0200); // carries into the high byte
    let lo = m.read_byte(f.byte + 1).unwrap();
    m.end();
    assert_eq!((hi, lo), (0x01, 0xFF), "the read saw one value");
    assert_eq!(
        m.peek("BiasMonitor", 0, 0),
        0x0200,
        "the update lands after the read"
    );
}

#[test]
fn unimplemented_pages_banks_and_bytes_are_refused() {
    let mut m = CmisMemory::new(&cfg());
    let mut b = [0xAAu8; 4];
    assert_eq!(
        m.read(linear_address(0, 0x03, 128), &mut b),
        Err(AccessError::UnimplementedPage { bank: 0, page: 3 })
    );
    assert_eq!(b, [0; 4], "unimplemented bytes read 0");
    assert!(matches!(
        m.read(linear_address(2, 0x10, 130), &mut b),
        Err(AccessError::UnimplementedPage { bank: 2, .. })
    ));
    assert!(matches!(
        m.write(12, &[1]),
        Err(AccessError::Unimplemented { byte: 12, .. })
    ));
    assert!(matches!(
        m.write(0, &[1]),
        Err(AccessError::ReadOnly { byte: 0, .. })
    ));
}

/// Bytes of the memory that a bad access may legitimately touch: the window
/// selectors the access itself writes.
fn without_selectors(s: Vec<(HalfPage, [u8; 128])>) -> Vec<(HalfPage, [u8; 128])> {
    s.into_iter()
        .map(|(k, mut b)| {
            if k.is_none() {
                b[126] = 0;
                b[127] = 0;
            }
            (k, b)
        })
        .collect()
}

/// The kinds of access the map refuses, built from the map itself so each
/// generated access is one of them by construction.
#[derive(Debug, Clone, Copy)]
enum Bad {
    /// A page the map does not declare.
    Page,
    /// A bank beyond a banked page's banks.
    Bank,
    /// A byte of an implemented half page that holds no field (writes only:
    /// a read of it answers 0).
    Reserved,
    /// A byte whose fields are all read-only (writes only).
    ReadOnly,
}

/// Turns `(kind, a, b)` into a concrete linear address of that kind.
fn bad_address(map: &xpo_spec::regmap::RegisterMap, kind: Bad, a: u8, b: u8) -> u32 {
    let upper = 128 + (b % 128);
    let holds = |page: Option<u8>, byte: u8| {
        map.fields_of(page)
            .into_iter()
            .filter(|f| f.bytes().any(|x| x == byte))
            .collect::<Vec<_>>()
    };
    match kind {
        Bad::Page => {
            let free: Vec<u8> = (0..=255).filter(|&p| map.page(p).is_none()).collect();
            linear_address(0, free[a as usize % free.len()], upper)
        }
        Bad::Bank => {
            let banked: Vec<_> = map.pages.iter().filter(|p| p.page >= 0x10).collect();
            let p = banked[a as usize % banked.len()];
            let bank = p.banks + b % (8 - p.banks);
            linear_address(bank, p.page, 128 + a % 128)
        }
        Bad::Reserved | Bad::ReadOnly => {
            let mut candidates = Vec::new();
            for page in std::iter::once(None).chain(map.pages.iter().map(|p| Some(p.page))) {
                for byte in if page.is_none() { 0..128 } else { 128..256 } {
                    let byte = byte as u8;
                    if page.is_none() && (byte == 126 || byte == 127) {
                        continue;
                    }
                    let fields = holds(page, byte);
                    let fits = match kind {
                        Bad::Reserved => fields.is_empty(),
                        _ => {
                            !fields.is_empty()
                                && fields
                                    .iter()
                                    .all(|f| !f.access.writable() && f.access != Access::Rc)
                        }
                    };
                    if fits {
                        candidates.push(match page {
                            None => byte as u32,
                            Some(p) => linear_address(0, p, byte),
                        });
                    }
                }
            }
            candidates[((a as usize) << 8 | b as usize) % candidates.len()]
        }
    }
}

proptest! {
    /// Any sequence of refused accesses (unimplemented pages and banks, bytes
    /// without fields, read-only bytes) is refused, every one of them, and
    /// changes nothing else.
    #[test]
    fn bad_accesses_change_nothing(accesses in prop::collection::vec((0u8..4, any::<u8>(), any::<u8>(), any::<u8>(), any::<bool>()), 1..60)) {
        let c = cfg();
        let map = c.register_map();
        let mut m = CmisMemory::new(&c);
        let before = without_selectors(m.snapshot());
        let mut refused = 0;
        let mut must_refuse = 0;
        for (kind, a, b, value, is_read) in accesses {
            let kind = [Bad::Page, Bad::Bank, Bad::Reserved, Bad::ReadOnly][kind as usize];
            let addr = bad_address(&map, kind, a, b);
            let is_read = is_read && matches!(kind, Bad::Page | Bad::Bank);
            let r = if is_read {
                let mut buf = [0xAAu8];
                let r = m.read(addr, &mut buf);
                prop_assert_eq!(buf[0], 0, "{:?} read at {:#x}", kind, addr);
                r
            } else {
                m.write(addr, &[value])
            };
            must_refuse += 1;
            refused += r.is_err() as usize;
        }
        prop_assert_eq!(refused, must_refuse, "every bad access is refused");
        prop_assert_eq!(without_selectors(m.snapshot()), before);
    }
}
