//! The bit-level I2C master: the host side of the CMIS two-wire interface,
//! used as stimulus for every engine (SCL at a chosen rate, START/STOP,
//! repeated START, ACK/NACK, transfers aborted mid-byte), and
//! [`I2cModelBus`], the master wired to the model's target
//! (`crate::mgmt::i2c_target`) as a `WindowAccess`.
//!
//! It steps once per core-clock cycle. The bus is open drain: each line is
//! low when either side pulls it low.

use crate::mgmt::i2c_target::{I2cTargetModel, CMIS_ADDRESS};
use crate::mgmt::memory::CmisMemory;
use crate::mgmt::port::BytePortModel;
use xpo_spec::EngineConfig;

/// One I2C operation of the master.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum I2cOp {
    /// START, address+W, `data` (the first byte is the byte address), STOP.
    Write { data: Vec<u8> },
    /// START, address+W, `addr`, repeated START, address+R, `n` bytes (ACK
    /// all but the last, NACK the last), STOP.
    Read { addr: u8, n: usize },
    /// START, `device`+W, one byte, STOP: a transfer to another address.
    Other { device: u8, byte: u8 },
    /// START, address+W, then `bits` bits of `data`, then STOP in the
    /// middle of the byte: a host that gave up mid-transfer.
    AbortedWrite { data: Vec<u8>, bits: u8 },
    /// START, address+W, `bits` bits of a byte, then a repeated START: an
    /// aborted transfer immediately followed by a new one (not included).
    RestartMidByte { data: Vec<u8>, bits: u8 },
}

/// What the master saw of one operation.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct I2cResult {
    /// Bytes read.
    pub data: Vec<u8>,
    /// Acknowledge seen after each byte the master sent.
    pub acks: Vec<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Sym {
    Start,
    RepStart,
    Stop,
    Bit(bool),
    /// Release SDA and sample it (a data bit from the target or its ACK).
    Sample,
}

/// Bit-level I2C master, stepped once per core-clock cycle.
#[derive(Debug, Clone)]
pub struct I2cMaster {
    clock_hz: u64,
    quarter: u32,
    ops: std::collections::VecDeque<(I2cOp, Vec<Sym>)>,
    syms: Vec<Sym>,
    sym: usize,
    phase: u32,
    samples: Vec<bool>,
    current: Option<I2cOp>,
    done: Vec<(I2cOp, I2cResult)>,
    scl: bool,
    sda: bool,
}

fn byte_syms(v: u8, out: &mut Vec<Sym>) {
    for i in (0..8).rev() {
        out.push(Sym::Bit((v >> i) & 1 == 1));
    }
    out.push(Sym::Sample);
}

fn compile(op: &I2cOp) -> Vec<Sym> {
    let w = CMIS_ADDRESS << 1;
    let mut s = vec![Sym::Start];
    match op {
        I2cOp::Write { data } => {
            byte_syms(w, &mut s);
            for &b in data {
                byte_syms(b, &mut s);
            }
            s.push(Sym::Stop);
        }
        I2cOp::Read { addr, n } => {
            byte_syms(w, &mut s);
            byte_syms(*addr, &mut s);
            s.push(Sym::RepStart);
            byte_syms(w | 1, &mut s);
            for k in 0..*n {
                for _ in 0..8 {
                    s.push(Sym::Sample);
                }
                s.push(Sym::Bit(k + 1 == *n)); // ACK (low) but NACK the last
            }
            s.push(Sym::Stop);
        }
        I2cOp::Other { device, byte } => {
            byte_syms(device << 1, &mut s);
            byte_syms(*byte, &mut s);
            s.push(Sym::Stop);
        }
        I2cOp::AbortedWrite { data, bits } | I2cOp::RestartMidByte { data, bits } => {
            byte_syms(w, &mut s);
            for &b in data {
                byte_syms(b, &mut s);
            }
            for i in 0..(*bits).min(8) {
                s.push(Sym::Bit((0xA5u8 >> (7 - i)) & 1 == 1));
            }
            s.push(if matches!(op, I2cOp::AbortedWrite { .. }) {
                Sym::Stop
            } else {
                Sym::RepStart
            });
            if matches!(op, I2cOp::RestartMidByte { .. }) {
                s.push(Sym::Stop);
            }
        }
    }
    s
}

impl I2cMaster {
    /// A master running SCL at no more than `scl_hz`, and never faster
    /// than the target follows at `cfg`'s core clock
    /// (`EngineConfig::i2c_max_scl_hz`); [`Self::scl_hz`] tells the rate.
    pub fn new(cfg: &EngineConfig, scl_hz: u64) -> Self {
        // A bit's SCL low half is two quarters: the target's response and
        // the data set-up time must fit.
        let min_quarter = (cfg.i2c_response_cycles() + cfg.cycles_for_ns(100)).div_ceil(2);
        let quarter = cfg.clock_hz.div_ceil(4 * scl_hz.max(1)).max(min_quarter) as u32;
        Self {
            clock_hz: cfg.clock_hz,
            quarter,
            ops: Default::default(),
            syms: Vec::new(),
            sym: 0,
            phase: 0,
            samples: Vec::new(),
            current: None,
            done: Vec::new(),
            scl: true,
            sda: true,
        }
    }

    /// Core-clock cycles per SCL period.
    pub fn period_cycles(&self) -> u32 {
        4 * self.quarter
    }

    /// The SCL rate this master runs at.
    pub fn scl_hz(&self) -> u64 {
        self.clock_hz / self.period_cycles() as u64
    }

    /// Queues an operation.
    pub fn push(&mut self, op: I2cOp) {
        let syms = compile(&op);
        self.ops.push_back((op, syms));
    }

    /// Nothing queued or in progress.
    pub fn idle(&self) -> bool {
        self.current.is_none() && self.ops.is_empty()
    }

    /// Completed operations since the last call.
    pub fn take_done(&mut self) -> Vec<(I2cOp, I2cResult)> {
        std::mem::take(&mut self.done)
    }

    fn finish(&mut self) {
        let op = self.current.take().expect("an operation in progress");
        let mut r = I2cResult::default();
        let mut it = self.samples.iter();
        let sent_bytes = |op: &I2cOp| -> usize {
            match op {
                I2cOp::Write { data } => 1 + data.len(),
                I2cOp::Read { .. } => 3,
                I2cOp::Other { .. } => 2,
                I2cOp::AbortedWrite { data, .. } | I2cOp::RestartMidByte { data, .. } => {
                    1 + data.len()
                }
            }
        };
        let sent = sent_bytes(&op);
        if let I2cOp::Read { n, .. } = op {
            for _ in 0..2 {
                r.acks.push(!*it.next().unwrap_or(&true));
            }
            r.acks.push(!*it.next().unwrap_or(&true));
            for _ in 0..n {
                let mut b = 0u8;
                for _ in 0..8 {
                    b = (b << 1) | *it.next().unwrap_or(&true) as u8;
                }
                r.data.push(b);
            }
        } else {
            for _ in 0..sent {
                r.acks.push(!*it.next().unwrap_or(&true));
            }
        }
        self.samples.clear();
        self.done.push((op, r));
    }

    /// One core-clock cycle: `sda_line` is the bus SDA as it is this cycle
    /// (master and target combined); returns the master's (SCL, SDA) drive
    /// for the next cycle (true = released high).
    pub fn step(&mut self, sda_line: bool) -> (bool, bool) {
        if self.current.is_none() {
            match self.ops.pop_front() {
                Some((op, syms)) => {
                    self.current = Some(op);
                    self.syms = syms;
                    self.sym = 0;
                    self.phase = 0;
                }
                None => return (self.scl, self.sda),
            }
        }
        let q = self.quarter;
        let s = self.syms[self.sym];
        let (scl, sda, len) = match s {
            // SCL high: SDA high then low, then SCL low.
            Sym::Start => {
                let p = self.phase / q;
                (p < 2, p == 0, 3 * q)
            }
            // SDA up while SCL low, SCL up, SDA down (START), SCL down.
            Sym::RepStart => {
                let p = self.phase / q;
                (p == 1 || p == 2, p < 2, 4 * q)
            }
            // SDA low while SCL low, SCL up, SDA up.
            Sym::Stop => {
                let p = self.phase / q;
                (p >= 1, p == 2, 3 * q)
            }
            // SDA set while SCL low, SCL high for two quarters, SCL low.
            Sym::Bit(b) => {
                let p = self.phase / q;
                (p == 1 || p == 2, b, 4 * q)
            }
            Sym::Sample => {
                let p = self.phase / q;
                if self.phase == 2 * q {
                    self.samples.push(sda_line);
                }
                (p == 1 || p == 2, true, 4 * q)
            }
        };
        self.phase += 1;
        if self.phase == len {
            self.phase = 0;
            self.sym += 1;
            if self.sym == self.syms.len() {
                self.finish();
            }
        }
        self.scl = scl;
        self.sda = sda;
        (scl, sda)
    }
}

/// The model's management memory reached over I2C: master, bus and target
/// stepped together until each operation completes.
#[derive(Debug, Clone)]
pub struct I2cModelBus {
    pub master: I2cMaster,
    pub target: I2cTargetModel,
    pub port: BytePortModel,
    /// Core-clock cycles run so far.
    pub cycles: u64,
}

impl I2cModelBus {
    pub fn new(memory: CmisMemory, cfg: &EngineConfig, scl_hz: u64) -> Self {
        Self {
            master: I2cMaster::new(cfg, scl_hz),
            target: I2cTargetModel::new(cfg),
            port: BytePortModel::new(memory),
            cycles: 0,
        }
    }

    /// The memory behind the target.
    pub fn memory(&mut self) -> &mut CmisMemory {
        &mut self.port.memory
    }

    /// Runs one operation to completion (plus a quiet period).
    pub fn run(&mut self, op: I2cOp) -> I2cResult {
        self.master.push(op);
        let mut out = None;
        let mut idle_after = 0;
        while idle_after < 8 {
            let sda_line = self.master.sda && !self.target.sda_low();
            let (scl, sda) = self.master.step(sda_line);
            let line = sda && !self.target.sda_low();
            let request = self.target.request();
            let rdata = self.port.rdata;
            self.port.step(&request);
            self.target.step(scl, line, true, rdata);
            self.cycles += 1;
            if let Some((_, r)) = self.master.take_done().pop() {
                out = Some(r);
            }
            if out.is_some() {
                idle_after += 1;
            }
        }
        out.expect("operation completed")
    }
}

impl crate::mgmt::access::WindowAccess for I2cModelBus {
    fn reports_errors(&self) -> bool {
        false
    }
    fn select(&mut self, bank: u8, page: u8) -> Result<(), crate::mgmt::AccessError> {
        self.run(I2cOp::Write {
            data: vec![126, bank, page],
        });
        Ok(())
    }
    fn selected(&mut self) -> (u8, u8) {
        (
            self.port.memory.peek("BankSelect", 0, 0) as u8,
            self.port.memory.peek("PageSelect", 0, 0) as u8,
        )
    }
    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), crate::mgmt::AccessError> {
        let r = self.run(I2cOp::Read {
            addr: byte,
            n: buf.len(),
        });
        buf.copy_from_slice(&r.data);
        Ok(())
    }
    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), crate::mgmt::AccessError> {
        let mut d = vec![byte];
        d.extend_from_slice(data);
        self.run(I2cOp::Write { data: d });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::EngineConfig;

    fn bus(clock_hz: u64, scl_hz: u64) -> I2cModelBus {
        let cfg = EngineConfig {
            clock_hz,
            ..Default::default()
        };
        I2cModelBus::new(CmisMemory::new(&cfg), &cfg, scl_hz)
    }

    #[test]
    fn write_then_read_back_at_both_speeds_and_clocks() {
        for (clock, scl) in [
            (156_250_000, 400_000),
            (156_250_000, 1_000_000),
            (10_000_000, 1_000_000),
        ] {
            let mut b = bus(clock, scl);
            assert!(
                b.master.period_cycles() as u64 >= clock / scl,
                "never faster than {scl} Hz"
            );
            // Select page 1Bh, write BiasSetpoint lane 1 (U16), read it back.
            let w = b.run(I2cOp::Write {
                data: vec![126, 0, 0x1B],
            });
            assert!(w.acks.iter().all(|&a| a), "{w:?}");
            b.run(I2cOp::Write {
                data: vec![128, 0x0B, 0xC2],
            });
            let r = b.run(I2cOp::Read { addr: 128, n: 4 });
            assert_eq!(
                r.data,
                vec![0x0B, 0xC2, 0x0B, 0xB8],
                "lane 1 written, lane 2 at reset 3000"
            );
            assert_eq!(b.port.memory.peek("BiasSetpoint", 0, 0), 0x0BC2);
            // Lower page identity bytes.
            let r = b.run(I2cOp::Read { addr: 0, n: 2 });
            assert_eq!(r.data, vec![0x19, 0x52]);
        }
    }

    #[test]
    fn other_addresses_are_not_acknowledged() {
        let mut b = bus(10_000_000, 1_000_000);
        let before = b.port.memory.snapshot();
        let r = b.run(I2cOp::Other {
            device: 0x51,
            byte: 127,
        });
        assert_eq!(r.acks, vec![false, false]);
        assert_eq!(b.port.memory.snapshot(), before);
    }

    #[test]
    fn aborted_transfers_write_only_complete_bytes() {
        for op in [
            I2cOp::AbortedWrite {
                data: vec![26, 0x10],
                bits: 5,
            },
            I2cOp::RestartMidByte {
                data: vec![26, 0x10],
                bits: 3,
            },
            I2cOp::AbortedWrite {
                data: vec![127],
                bits: 7,
            },
        ] {
            let mut b = bus(10_000_000, 1_000_000);
            b.run(op.clone());
            // Byte 26 got 0x10 (LowPwrRequestSW) only when its byte completed.
            let wrote = matches!(&op, I2cOp::AbortedWrite { data, .. } | I2cOp::RestartMidByte { data, .. } if data.len() == 2);
            assert_eq!(
                b.port.memory.peek("LowPwrRequestSW", 0, 0),
                wrote as u64,
                "{op:?}"
            );
            assert_eq!(
                b.port.memory.peek("PageSelect", 0, 0),
                0,
                "{op:?}: the partial byte is dropped"
            );
            // And the bus still works afterwards.
            let r = b.run(I2cOp::Read { addr: 1, n: 1 });
            assert_eq!(r.data, vec![0x52], "{op:?}");
        }
    }

    #[test]
    fn sequential_read_wraps_from_255_to_0() {
        let mut b = bus(10_000_000, 1_000_000);
        let r = b.run(I2cOp::Read { addr: 254, n: 3 });
        // Page 00h bytes 254, 255 (no field: 0) then lower byte 0.
        assert_eq!(r.data, vec![0, 0, 0x19]);
    }

    #[test]
    fn reading_a_latched_flag_clears_it() {
        let mut b = bus(10_000_000, 1_000_000);
        b.port.memory.hw_latch("ModuleStateChanged", 0, 0, 1);
        assert_eq!(b.run(I2cOp::Read { addr: 8, n: 1 }).data, vec![1]);
        assert_eq!(b.run(I2cOp::Read { addr: 8, n: 1 }).data, vec![0]);
    }
}
