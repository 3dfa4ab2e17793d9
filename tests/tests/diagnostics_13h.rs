//! The four pattern units of every lane, controlled the way a CMIS host
//! controls them: AXI writes to page 13h (pattern nibbles, inverts, the
//! output loopbacks, then the enables), three engines in lockstep.
//!
//! What CMIS and the diagnostics model (`xpo_host::model::diagnostics`)
//! say, checked here: each generator drives its own side's output and
//! each checker watches its own side's input after the output loopback,
//! so with the host-side output loopback (13h:182) the host generator's
//! words reach the host checker, and with the media-side output loopback
//! (13h:180) the media generator's reach the media checker; both lock and
//! count no error. A counter reset (13h:177 bit 5) clears every checker
//! of the bank; MeasurementRun (13h:177 bit 7) low stops them counting.
//!
//! Page 14h reads the results back as CMIS lays them out: DiagnosticsSelector
//! (14h:128) 2..5 put four lanes' U64 error and bit counts in 192..255, a
//! U64 read as two AXI words is one value (its first byte's read takes a
//! snapshot), and the latched checker LOL flags (14h:138/139) report the
//! search for lock once, then clear.

use xpo_host::mgmt::AxiOp;
use xpo_sim::mgmt_bus::EngineAxi;
use xpo_sim::traffic::BusTraffic;
use xpo_sim::{Lockstep, LockstepOptions, Stimulus};
use xpo_spec::prbs::PrbsPattern;
use xpo_spec::regmap::{linear_address, RegisterMap};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};
use xpo_tests::{all_engines, assert_agree};

/// The register writes, with the media serializer taking a word every
/// cycle; the run lasts its whole budget after the writes.
struct Host(BusTraffic);

impl Stimulus for Host {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.drive(cycle, previous, inputs);
        for l in &mut inputs.lanes {
            l.tx_ready = true;
        }
    }
}

/// Writes setting every byte of field `name` to `value` in every bank,
/// from cycle `at`: one AXI write a 32-bit word, a strobe a byte.
fn set(map: &RegisterMap, cfg: &EngineConfig, name: &str, value: u8, at: u64) -> Vec<(u64, AxiOp)> {
    let f = map.field(name).unwrap_or_else(|| panic!("{name}"));
    let mut ops = Vec::new();
    for bank in 0..cfg.lanes.div_ceil(8) as u8 {
        for byte in f.bytes() {
            let a = linear_address(bank, f.page, byte);
            let (data, strb) = (u32::from(value) << (8 * (a & 3)), 1 << (a & 3));
            match ops.last_mut() {
                Some((
                    _,
                    AxiOp::Write {
                        addr,
                        data: d,
                        strb: s,
                    },
                )) if *addr == a & !3 => {
                    *d |= data;
                    *s |= strb;
                }
                _ => ops.push((
                    at,
                    AxiOp::Write {
                        addr: a & !3,
                        data,
                        strb,
                    },
                )),
            }
        }
    }
    ops
}

fn run(ls: &mut Lockstep, script: Vec<(u64, AxiOp)>, cycles: u64) -> xpo_sim::RunResult {
    let cfg = EngineConfig::default();
    let mut host = Host(BusTraffic::new(&cfg, 3, 0).with_script(script));
    let r = ls.run(
        &mut host,
        &LockstepOptions {
            cycles,
            ..Default::default()
        },
    );
    assert_agree(&r);
    assert_eq!(r.cycles, cycles);
    r
}

/// Both sides' generators through their output loopbacks into their
/// checkers, every lane: the 13h writes, in the order a host makes them.
fn both_sides_looped(map: &RegisterMap, cfg: &EngineConfig) -> Vec<(u64, AxiOp)> {
    let nibbles = |p: PrbsPattern| p.0 | p.0 << 4;
    let mut script = Vec::new();
    for (name, value) in [
        // The host side sends and expects inverted PRBS31, the media side
        // plain PRBS13Q: a checker locks only on its own side's generator.
        ("HostGenPatternSelect", nibbles(PrbsPattern::PRBS31)),
        ("HostCheckerPatternSelect", nibbles(PrbsPattern::PRBS31)),
        ("HostGenInvert", 0xFF),
        ("HostCheckerInvert", 0xFF),
        ("MediaGenPatternSelect", nibbles(PrbsPattern::PRBS13Q)),
        ("MediaCheckerPatternSelect", nibbles(PrbsPattern::PRBS13Q)),
        ("HostOutputLoopback", 0xFF),
        ("MediaOutputLoopback", 0xFF),
        ("HostGenEnable", 0xFF),
        ("HostCheckerEnable", 0xFF),
        ("MediaGenEnable", 0xFF),
        ("MediaCheckerEnable", 0xFF),
    ] {
        script.extend(set(map, cfg, name, value, 20));
    }
    script
}

#[test]
fn each_generator_is_checked_through_its_output_loopback_and_the_bank_resets_and_stops_counters() {
    let cfg = EngineConfig::default();
    let map = cfg.register_map();
    let script = both_sides_looped(&map, &cfg);
    let mut ls = Lockstep::new(all_engines(&cfg));
    let r = run(&mut ls, script, 3_000);
    let before = r.last_outputs.lanes.clone();
    for (l, o) in before.iter().enumerate() {
        assert!(o.host_chk_locked && o.media_chk_locked, "lane {l}: {o:?}");
        assert_eq!(
            (o.host_chk_error_count, o.media_chk_error_count),
            (0, 0),
            "lane {l}"
        );
        // Both generators send a word a cycle: thousands of words checked.
        assert!(o.host_chk_bit_count > 2_000 * 66, "lane {l}: {o:?}");
        assert!(o.media_chk_bit_count > 2_000 * 66, "lane {l}: {o:?}");
        // The generators own the outputs.
        assert!(o.host_rx_valid && o.tx_valid, "lane {l}");
    }
    // 13h:177: bit 5 resets the counters, bit 7 (MeasurementRun) kept.
    let reset = set(&map, &cfg, "ResetErrorCounters", 0xA0, 0);
    let r = run(&mut ls, reset, 500);
    for (l, (o, b)) in r.last_outputs.lanes.iter().zip(&before).enumerate() {
        assert!(o.host_chk_locked && o.media_chk_locked, "lane {l}");
        for (after, was) in [
            (o.host_chk_bit_count, b.host_chk_bit_count),
            (o.media_chk_bit_count, b.media_chk_bit_count),
        ] {
            // Counting restarted within the last 500 cycles, and went on.
            assert!(
                after <= 500 * 66 && after < was,
                "lane {l}: {after} after {was}"
            );
            assert!(after > 300 * 66, "lane {l}: {after}");
        }
    }
    // 13h:177 bit 7 (MeasurementRun) low: the counters stop and hold, the
    // checkers stay locked; set again, they count on.
    let stop = set(&map, &cfg, "MeasurementRun", 0x00, 0);
    let stopped = run(&mut ls, stop, 300).last_outputs.lanes.clone();
    let held = run(&mut ls, Vec::new(), 300).last_outputs.lanes.clone();
    for (l, (h, s)) in held.iter().zip(&stopped).enumerate() {
        assert!(h.host_chk_locked && h.media_chk_locked, "lane {l}");
        assert_eq!(
            (h.host_chk_bit_count, h.media_chk_bit_count),
            (s.host_chk_bit_count, s.media_chk_bit_count),
            "lane {l}: held while stopped"
        );
    }
    let go = set(&map, &cfg, "MeasurementRun", 0x80, 0);
    let r = run(&mut ls, go, 300);
    for (l, (o, h)) in r.last_outputs.lanes.iter().zip(&held).enumerate() {
        assert!(
            o.host_chk_bit_count > h.host_chk_bit_count + 200 * 66,
            "lane {l}"
        );
        assert!(
            o.media_chk_bit_count > h.media_chk_bit_count + 200 * 66,
            "lane {l}"
        );
    }
}

/// A checker that expects the other polarity of its side's pattern never
/// locks (every bit differs), and the other side is unaffected.
#[test]
fn a_checker_expecting_the_other_polarity_never_locks() {
    let cfg = EngineConfig::default();
    let map = cfg.register_map();
    let mut script = Vec::new();
    for (name, value) in [
        ("HostGenPatternSelect", 0x11),
        ("HostCheckerPatternSelect", 0x11),
        ("HostCheckerInvert", 0xFF),
        ("HostOutputLoopback", 0xFF),
        ("HostGenEnable", 0xFF),
        ("HostCheckerEnable", 0xFF),
    ] {
        script.extend(set(&map, &cfg, name, value, 20));
    }
    let mut ls = Lockstep::new(all_engines(&cfg));
    let r = run(&mut ls, script, 2_000);
    for (l, o) in r.last_outputs.lanes.iter().enumerate() {
        assert!(!o.host_chk_locked, "lane {l}");
        assert_eq!(
            o.host_chk_bit_count, 0,
            "lane {l}: nothing counted unlocked"
        );
        assert!(!o.media_chk_locked, "lane {l}: media checker off");
    }
}

/// One AXI read of the word holding `byte` of page `page`, bank 0: its
/// four bytes, lowest address first.
fn read_word(bus: &mut EngineAxi, page: u8, byte: u8) -> [u8; 4] {
    let r = bus
        .run(AxiOp::Read {
            addr: linear_address(0, page, byte) & !3,
        })
        .unwrap();
    assert_eq!(r.resp, 0, "page {page:02X}h byte {byte}");
    r.data.to_le_bytes()
}

/// The U64 at `byte` (a multiple of 8) of page 14h, read as two AXI words.
fn read_u64(bus: &mut EngineAxi, byte: u8) -> u64 {
    let mut b = read_word(bus, 0x14, byte).to_vec();
    b.extend(read_word(bus, 0x14, byte + 4));
    u64::from_be_bytes(b.try_into().unwrap())
}

fn select(bus: &mut EngineAxi, selector: u8) {
    let r = bus
        .run(AxiOp::Write {
            addr: linear_address(0, 0x14, 128),
            data: selector as u32,
            strb: 1,
        })
        .unwrap();
    assert_eq!(r.resp, 0);
}

/// Page 14h on every engine after the same run: the checker LOL flags
/// latched during the search for lock, then clear; with the counters
/// stopped, every selector shows the counts the checkers hold, in CMIS's
/// layout; with them running, the U64 read as two words is one value.
#[test]
fn page_14h_reads_the_checkers_as_cmis_lays_them_out() {
    let cfg = EngineConfig::default();
    let map = cfg.register_map();
    let mut script = both_sides_looped(&map, &cfg);
    script.extend(set(&map, &cfg, "MeasurementRun", 0x00, 2_500));
    let mut ls = Lockstep::new(all_engines(&cfg));
    let r = run(&mut ls, script, 3_000);
    let held = r.last_outputs.lanes.clone();
    for (l, o) in held.iter().enumerate() {
        assert!(o.host_chk_locked && o.media_chk_locked, "lane {l}");
        assert!(o.host_chk_bit_count > 1_000 * 66, "lane {l}: {o:?}");
    }
    let mut seen: Vec<Vec<u64>> = Vec::new();
    for engine in ls.into_engines() {
        let name = engine.name().to_string();
        let mut bus = EngineAxi::attach(engine, r.last_outputs.clone());
        // 14h:136..139: generator LOL (never: the core clock has no lock
        // to lose), then the checkers' search for lock, latched; the read
        // clears them and, locked, they stay clear.
        // Lower byte 4 (bank 0's flag summary) bit 2: page 14h has a flag
        // set, until the read clears them.
        let summary = |bus: &mut EngineAxi| read_word(bus, 0x00, 4)[0] >> 2 & 1;
        assert_eq!(summary(&mut bus), 1, "{name}");
        assert_eq!(read_word(&mut bus, 0x14, 136), [0, 0, 0xFF, 0xFF], "{name}");
        assert_eq!(read_word(&mut bus, 0x14, 136), [0, 0, 0, 0], "{name}");
        assert_eq!(summary(&mut bus), 0, "{name}");
        let mut values = Vec::new();
        for selector in [2u8, 3, 4, 5, 1, 6] {
            select(&mut bus, selector);
            for k in 0..8u8 {
                let v = read_u64(&mut bus, 192 + 8 * k);
                // CMIS: selectors 2/3 host side lanes 1-4/5-8, 4/5 media
                // side; a lane's error count, then its bit count.
                let lane = 4 * ((selector - 2) % 2) as usize + (k / 2) as usize;
                let o = held[lane.min(7)];
                let want = match (selector, k % 2) {
                    (2 | 3, 0) => o.host_chk_error_count,
                    (2 | 3, _) => o.host_chk_bit_count,
                    (4 | 5, 0) => o.media_chk_error_count,
                    (4 | 5, _) => o.media_chk_bit_count,
                    _ => 0,
                };
                assert_eq!(v, want, "{name}: selector {selector} U64 {k}");
                values.push(v);
            }
        }
        // Counting again (the host side's generator sends a word a cycle):
        // lane 1's bit count (200..207) read as two words, the second word
        // read twice with time between, then the whole U64 again.
        let r = bus
            .run(AxiOp::Write {
                addr: linear_address(0, 0x13, 177) & !3,
                data: 0x80 << 8,
                strb: 0b10,
            })
            .unwrap();
        assert_eq!(r.resp, 0);
        select(&mut bus, 2);
        let high = read_word(&mut bus, 0x14, 200);
        let low = read_word(&mut bus, 0x14, 204);
        for _ in 0..200 {
            bus.step();
        }
        assert_eq!(
            read_word(&mut bus, 0x14, 204),
            low,
            "{name}: the second word reads the snapshot"
        );
        let first = u64::from_be_bytes([high, low].concat().try_into().unwrap());
        let again = read_u64(&mut bus, 200);
        assert!(
            again > first + 200 * 66 && first > held[0].host_chk_bit_count,
            "{name}: {first} then {again}"
        );
        seen.push(values);
    }
    assert!(seen.windows(2).all(|w| w[0] == w[1]), "engines agree");
}
