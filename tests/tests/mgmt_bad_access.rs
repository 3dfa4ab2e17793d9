//! Property (issue 3, acceptance): any sequence of refused accesses —
//! unimplemented pages and banks, bytes without fields, read-only bytes —
//! leaves every other register unchanged, on the Verilated RTL as on the
//! model, each reached through its AXI4-Lite slave (which answers SLVERR).

use proptest::prelude::*;
use xpo_host::mgmt::{AxiPacing, RegisterAccess};
use xpo_sim::mgmt_bus::EngineAxi;
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::regmap::{linear_address, Access, RegisterMap};
use xpo_spec::EngineConfig;

/// Every byte of every implemented half page that holds a non-volatile
/// field (hardware may change the others at any time), read through `bus`.
fn snapshot(bus: &mut EngineAxi, map: &RegisterMap) -> Vec<(u32, u8)> {
    let mut halves = vec![(0u8, 0u8, 0u8)];
    for p in &map.pages {
        for bank in 0..p.banks {
            halves.push((bank, p.page, 128));
        }
    }
    let mut out = Vec::new();
    for (bank, page, base) in halves {
        let half = if base == 0 { None } else { Some(page) };
        let stable: Vec<u8> = map
            .fields_of(half)
            .iter()
            .filter(|f| !f.volatile && f.access != Access::Wo && f.access != Access::Sc)
            .flat_map(|f| f.bytes().collect::<Vec<_>>())
            .collect();
        let mut buf = [0u8; 128];
        let _ = bus.read(linear_address(bank, page, base), &mut buf);
        for b in stable {
            let addr = linear_address(bank, page, b);
            out.push((addr, buf[(b - base) as usize]));
        }
    }
    out
}

/// A refused access: implemented-page checks as the map defines them.
fn is_bad(map: &RegisterMap, bank: u8, page: u8, byte: u8) -> bool {
    if byte >= 128 {
        match map.page(page) {
            None => return true,
            Some(p) if page >= 0x10 && bank >= p.banks => return true,
            // Pages below 10h exist in bank 0 only at AXI linear addresses.
            Some(_) if page < 0x10 && bank != 0 => return true,
            _ => {}
        }
    }
    let half = if byte < 128 { None } else { Some(page) };
    map.fields_of(half)
        .iter()
        .filter(|f| f.bytes().any(|x| x == byte))
        .all(|f| !f.access.writable())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn refused_accesses_change_nothing_on_rtl_and_model(
        accesses in prop::collection::vec((0u8..4, any::<u8>(), any::<u8>(), any::<u8>()), 1..30)
    ) {
        let cfg = EngineConfig::default();
        let map = cfg.register_map();
        let mut rtl = EngineAxi::new(build_engine(EngineKind::Verilator, &cfg).unwrap(), 1, AxiPacing::RANDOM);
        let mut model = EngineAxi::new(build_engine(EngineKind::Model, &cfg).unwrap(), 1, AxiPacing::RANDOM);
        let before = snapshot(&mut rtl, &map);
        prop_assert_eq!(&before, &snapshot(&mut model, &map));
        let mut tried = 0;
        for (bank, page, byte, value) in accesses {
            if !is_bad(&map, bank, page, byte) {
                continue;
            }
            let addr = linear_address(bank, page, byte);
            let (r, m) = (rtl.write(addr, &[value]), model.write(addr, &[value]));
            prop_assert!(r.is_err(), "RTL accepted a write to {bank}/{page:02X}h/{byte}");
            prop_assert_eq!(r.is_err(), m.is_err());
            tried += 1;
        }
        let after = snapshot(&mut rtl, &map);
        // Bank/page selects are what the accesses themselves wrote.
        let sel = [linear_address(0, 0, 126), linear_address(0, 0, 127)];
        let strip = |v: &[(u32, u8)]| v.iter().filter(|(a, _)| !sel.contains(a)).copied().collect::<Vec<_>>();
        prop_assert_eq!(strip(&after), strip(&before), "{} refused accesses changed a register", tried);
        prop_assert_eq!(after, snapshot(&mut model, &map));
    }
}
