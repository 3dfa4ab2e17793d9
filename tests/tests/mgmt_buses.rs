//! The I2C target and the AXI4-Lite slave held to what their standards and
//! our documented address map require — expected values come from CMIS,
//! the register map's reset values, the I2C-bus protocol and AXI, not from
//! the implementation — on the Verilated RTL and on the model.

use xpo_host::mgmt::axi_slave::resp;
use xpo_host::mgmt::{AxiMaster, AxiOp, AxiPacing, I2cMaster, I2cOp};
use xpo_sim::mgmt_bus::{EngineAxi, EngineI2c};
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::regmap::linear_address;
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

const KINDS: [EngineKind; 2] = [EngineKind::Verilator, EngineKind::Model];

fn axi(kind: EngineKind) -> EngineAxi {
    let cfg = EngineConfig::default();
    EngineAxi::new(build_engine(kind, &cfg).unwrap(), 17, AxiPacing::RANDOM)
}

fn read(bus: &mut EngineAxi, addr: u32) -> (u8, [u8; 4]) {
    let r = bus.run(AxiOp::Read { addr }).unwrap();
    (r.resp, r.data.to_le_bytes())
}

fn write(bus: &mut EngineAxi, addr: u32, bytes: [u8; 4], strb: u8) -> u8 {
    bus.run(AxiOp::Write {
        addr,
        data: u32::from_le_bytes(bytes),
        strb,
    })
    .unwrap()
    .resp
}

#[test]
fn axi_words_hold_four_bytes_of_the_linear_layout() {
    for kind in KINDS {
        let mut b = axi(kind);
        // Lower page bytes 0..3: Identifier 19h (OSFP/CMIS), CMIS revision 52h.
        let (r, w) = read(&mut b, 0);
        assert_eq!((r, w[0], w[1]), (resp::OKAY, 0x19, 0x52), "{kind:?}");
        // Page 00h upper byte 128 repeats the identifier.
        assert_eq!(read(&mut b, linear_address(0, 0, 128)).1[0], 0x19);
        // Bias setpoint lane 1, 1Bh:128-129, big-endian U16, reset 3000.
        let sp = linear_address(0, 0x1B, 128);
        assert_eq!(read(&mut b, sp).1[..2], [0x0B, 0xB8], "{kind:?}");
        assert_eq!(write(&mut b, sp, [0x0B, 0xC2, 0, 0], 0b0011), resp::OKAY);
        assert_eq!(
            read(&mut b, sp).1[..4],
            [0x0B, 0xC2, 0x0B, 0xB8],
            "{kind:?}"
        );
        // The select bytes are not involved: the window stays on page 00h.
        assert_eq!(read(&mut b, 124).1[2..], [0, 0], "{kind:?}");
    }
}

#[test]
fn axi_u16_takes_effect_only_when_both_bytes_are_written() {
    for kind in KINDS {
        let mut b = axi(kind);
        // Laser bias low alarm, 1Ah:143-144, straddles words 140 and 144;
        // reset 400 (01h 90h).
        let w140 = linear_address(0, 0x1A, 140);
        let w144 = linear_address(0, 0x1A, 144);
        assert_eq!(read(&mut b, w140).1[3], 0x01);
        assert_eq!(read(&mut b, w144).1[0], 0x90);
        assert_eq!(write(&mut b, w140, [0, 0, 0, 0x02], 0b1000), resp::OKAY);
        assert_eq!(
            read(&mut b, w140).1[3],
            0x01,
            "{kind:?}: MSB alone is pending"
        );
        assert_eq!(write(&mut b, w144, [0x58, 0, 0, 0], 0b0001), resp::OKAY);
        assert_eq!(read(&mut b, w140).1[3], 0x02, "{kind:?}: committed");
        assert_eq!(read(&mut b, w144).1[0], 0x58, "{kind:?}");
    }
}

#[test]
fn axi_errors_are_slverr_and_change_nothing() {
    for kind in KINDS {
        let mut b = axi(kind);
        let sp = linear_address(0, 0x1B, 128);
        // Unimplemented page; bank 1 of an unbanked page; bank 1 of 1Bh
        // (8 laser lanes: bank 0 only); outside the map.
        for addr in [
            linear_address(0, 0x05, 128),
            linear_address(1, 0x01, 128),
            linear_address(1, 0x1B, 128),
            0x8000_0000,
        ] {
            assert_eq!(
                read(&mut b, addr),
                (resp::SLVERR, [0; 4]),
                "{kind:?} {addr:#x}"
            );
            assert_eq!(
                write(&mut b, addr, [1, 2, 3, 4], 0xF),
                resp::SLVERR,
                "{kind:?} {addr:#x}"
            );
        }
        // A word mixing a writable byte (26, module controls) with read-only
        // ones (24, 25: temperature monitor): refused, and byte 26 untouched.
        let (_, before) = read(&mut b, 24);
        assert_eq!(
            write(&mut b, 24, [0xFF, 0xFF, 0x10, 0], 0b0111),
            resp::SLVERR
        );
        assert_eq!(read(&mut b, 24).1[2], before[2], "{kind:?}");
        // The same byte alone is accepted.
        assert_eq!(write(&mut b, 24, [0, 0, 0x10, 0], 0b0100), resp::OKAY);
        assert_eq!(
            read(&mut b, 24).1[2] & 0x10,
            0x10,
            "{kind:?}: LowPwrRequestSW"
        );
        // No strobes: OKAY, nothing written.
        assert_eq!(write(&mut b, sp, [0xAA, 0xAA, 0xAA, 0xAA], 0), resp::OKAY);
        assert_eq!(read(&mut b, sp).1[..2], [0x0B, 0xB8], "{kind:?}");
        // Reserved bytes of an implemented page read 0 with OKAY.
        assert_eq!(
            read(&mut b, linear_address(0, 0, 252)),
            (resp::OKAY, [0; 4])
        );
    }
}

#[test]
fn axi_read_clears_a_latched_flag() {
    for kind in KINDS {
        let mut b = axi(kind);
        // Out of reset the module state machine leaves ModuleLowPwr: the
        // change is latched in ModuleStateChanged (byte 8 bit 0) and IntL
        // is asserted.
        assert!(!b.outputs().mgmt.int_l || b.cycles() < 3);
        let (_, w) = read(&mut b, 8);
        assert_eq!(w[0] & 1, 1, "{kind:?}");
        assert!(
            b.outputs().mgmt.int_l,
            "{kind:?}: IntL released by the read"
        );
        assert_eq!(read(&mut b, 8).1[0] & 1, 0, "{kind:?}: cleared");
    }
}

#[test]
fn i2c_at_400khz_and_1mhz_reads_and_writes() {
    for kind in KINDS {
        for scl in [400_000, 1_000_000] {
            let cfg = EngineConfig::default();
            let mut b = EngineI2c::new(build_engine(kind, &cfg).unwrap(), scl);
            assert!(
                b.scl_hz() <= scl && b.scl_hz() > scl * 9 / 10,
                "{}",
                b.scl_hz()
            );
            let w = b
                .run(I2cOp::Write {
                    data: vec![126, 0, 0x1B],
                })
                .unwrap();
            assert_eq!(w.acks, vec![true; 4], "{kind:?} {scl}");
            b.run(I2cOp::Write {
                data: vec![128, 0x0B, 0xC2],
            })
            .unwrap();
            let r = b.run(I2cOp::Read { addr: 128, n: 4 }).unwrap();
            assert_eq!(r.data, vec![0x0B, 0xC2, 0x0B, 0xB8], "{kind:?} {scl}");
            assert_eq!(r.acks, vec![true; 3]);
            // Sequential read wraps from 255 to lower byte 0.
            let r = b.run(I2cOp::Read { addr: 254, n: 3 }).unwrap();
            assert_eq!(r.data, vec![0, 0, 0x19], "{kind:?} {scl}");
            // Another device address is not acknowledged.
            let r = b
                .run(I2cOp::Other {
                    device: 0x51,
                    byte: 127,
                })
                .unwrap();
            assert_eq!(r.acks, vec![false, false], "{kind:?}");
        }
    }
}

#[test]
fn i2c_recovers_from_transfers_aborted_mid_byte() {
    for kind in KINDS {
        let cfg = EngineConfig::default();
        let mut b = EngineI2c::new(build_engine(kind, &cfg).unwrap(), 1_000_000);
        // Byte 26 (module controls) gets 10h only when its byte completes.
        b.run(I2cOp::AbortedWrite {
            data: vec![26],
            bits: 5,
        })
        .unwrap();
        b.run(I2cOp::RestartMidByte {
            data: vec![127],
            bits: 3,
        })
        .unwrap();
        let r = b.run(I2cOp::Read { addr: 26, n: 2 }).unwrap();
        assert_eq!(r.data[0] & 0x10, 0, "{kind:?}: partial byte dropped");
        b.run(I2cOp::AbortedWrite {
            data: vec![26, 0x10],
            bits: 7,
        })
        .unwrap();
        let r = b.run(I2cOp::Read { addr: 26, n: 1 }).unwrap();
        assert_eq!(
            r.data[0] & 0x10,
            0x10,
            "{kind:?}: the complete byte was written"
        );
        assert_eq!(
            b.run(I2cOp::Read { addr: 1, n: 1 }).unwrap().data,
            vec![0x52]
        );
    }
}

/// Both buses at once on one engine: an AXI read issued while a long I2C
/// read is sending data waits for its STOP, and neither loses a byte.
#[test]
fn axi_waits_for_the_i2c_transaction_and_both_read_the_same_bytes() {
    for kind in KINDS {
        let cfg = EngineConfig::default();
        let mut e = build_engine(kind, &cfg).unwrap();
        e.reset();
        let mut i = EngineInputs::for_config(&cfg);
        let mut o = EngineOutputs::for_config(&cfg);
        let mut i2c = I2cMaster::new(&cfg, 1_000_000);
        let mut axi = AxiMaster::new(5, AxiPacing::RANDOM);
        i2c.push(I2cOp::Read { addr: 128, n: 16 });
        let (mut drive_sda, mut i2c_done, mut axi_done) = (true, None, None);
        let mut axi_result = None;
        let mut i2c_data = Vec::new();
        for cycle in 0..200_000u64 {
            // In the middle of the data bytes (after START, 50h+W, the
            // pointer, repeated START and 50h+R: about 4,600 cycles at
            // 160 cycles a bit).
            if cycle == 8_000 {
                axi.push(AxiOp::Read {
                    addr: linear_address(0, 0, 128),
                });
            }
            let prev = o.mgmt;
            axi.drive(&prev, &mut i.mgmt);
            let (scl, sda) = i2c.step(drive_sda && !prev.i2c_sda_low);
            drive_sda = sda;
            i.mgmt.i2c_scl = scl;
            i.mgmt.i2c_sda = sda && !prev.i2c_sda_low;
            e.step_into(&i, &mut o);
            if let Some((_, r)) = i2c.take_done().pop() {
                i2c_done = Some(cycle);
                i2c_data = r.data;
            }
            if let Some((_, r)) = axi.take_done().pop() {
                axi_done = Some(cycle);
                axi_result = Some(r);
            }
            if i2c_done.is_some() && axi_done.is_some() {
                break;
            }
        }
        let (i2c_done, axi_done) = (i2c_done.unwrap(), axi_done.unwrap());
        // The master reports completion at the end of its STOP symbol (SDA
        // rises half-way through it, three quarter periods long): the AXI
        // read completes after the target saw STOP, not before.
        let stop_symbol = 3 * i2c.period_cycles() as u64 / 4;
        assert!(
            axi_done + stop_symbol >= i2c_done && axi_done <= i2c_done,
            "{kind:?}: AXI at {axi_done}, I2C STOP symbol ends at {i2c_done}"
        );
        let r = axi_result.unwrap();
        assert_eq!(r.resp, resp::OKAY);
        assert_eq!(i2c_data[..4], r.data.to_le_bytes(), "{kind:?}");
        // Page 00h bytes 128..131: identifier copy, vendor name "XPO ".
        assert_eq!(i2c_data[..4], [0x19, b'X', b'P', b'O'], "{kind:?}");
    }
}
