//! CMIS two-wire interface: a bit-level I2C master (the bus-functional model
//! used as stimulus for every engine) and a cycle-accurate model of the
//! module's I2C target in front of [`CmisMemory`].
//!
//! Both step once per core-clock cycle. The bus is open drain: each line is
//! low when either side pulls it low.
//!
//! ## Target cycle contract (the RTL implements the same)
//!
//! 1. Each of SCL and SDA passes a two-flop synchronizer, then a glitch
//!    filter: the filtered level takes a new value only after the
//!    synchronized input has differed from it for `filter` consecutive
//!    cycles (`filter` = cycles in 50 ns, at least 1).
//! 2. On the filtered lines: START is SDA falling while SCL stays high, STOP
//!    SDA rising while SCL stays high; bits are sampled when SCL rises; the
//!    target changes SDA only when SCL falls.
//! 3. START (also a repeated one) aborts whatever was in progress, ends the
//!    open memory transaction, and receives the address byte (MSB first). An
//!    address of 50h is acknowledged and opens a memory transaction; any
//!    other address is ignored until the next START. STOP aborts and ends
//!    the transaction.
//! 4. Write: the first data byte sets the byte pointer; each further byte is
//!    written at the pointer, which then increments (255 wraps to 0). Every
//!    byte is acknowledged; refused writes are ignored by the memory.
//! 5. Read: at the SCL fall that ends the acknowledge of the address (or of
//!    the previous byte) the target reads the byte at the pointer (this is
//!    when a latched flag is cleared), increments the pointer and drives the
//!    MSB; it shifts out a bit at each further fall, releases SDA for the
//!    master's acknowledge, and stops sending after a NACK.
//! 6. The acknowledge is driven from the SCL fall after the eighth bit to the
//!    SCL fall after the ninth.
//! 7. Outputs are registered: `sda_low` changes on the edge of the cycle in
//!    which the filtered event is seen.

use super::memory::CmisMemory;

/// The CMIS module address (A0h/A1h on the wire).
pub const CMIS_ADDRESS: u8 = 0x50;

/// Glitch filter length for a core clock: 50 ns of spike suppression, at
/// least one cycle.
pub fn filter_cycles(clock_hz: u64) -> u32 {
    (50u128 * clock_hz as u128).div_ceil(1_000_000_000).max(1) as u32
}

#[derive(Debug, Clone, Copy, Default)]
struct LineFilter {
    sync1: bool,
    sync2: bool,
    level: bool,
    count: u32,
}

impl LineFilter {
    fn idle() -> Self {
        Self {
            sync1: true,
            sync2: true,
            level: true,
            count: 0,
        }
    }

    /// One cycle; returns the filtered level after the edge.
    fn step(&mut self, input: bool, filter: u32) -> bool {
        if self.sync2 != self.level {
            if self.count + 1 >= filter {
                self.level = self.sync2;
                self.count = 0;
            } else {
                self.count += 1;
            }
        } else {
            self.count = 0;
        }
        self.sync2 = self.sync1;
        self.sync1 = input;
        self.level
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for START.
    Idle,
    /// Receiving the address byte.
    Address,
    /// Acknowledging the address; then read or write.
    AckAddress { read: bool },
    /// Receiving a data byte.
    Receive,
    /// Acknowledging a received byte.
    AckReceive,
    /// Sending a byte.
    Send,
    /// Master's acknowledge of a sent byte.
    MasterAck,
}

/// The module's I2C target, cycle by cycle.
#[derive(Debug, Clone)]
pub struct I2cTargetModel {
    filter: u32,
    scl: LineFilter,
    sda: LineFilter,
    prev_scl: bool,
    prev_sda: bool,
    state: State,
    bits: u8,
    shift: u8,
    pointer: u8,
    pointer_set: bool,
    open: bool,
    master_acked: bool,
    sda_low: bool,
}

impl I2cTargetModel {
    /// A target whose glitch filter suits a `clock_hz` core clock.
    pub fn new(clock_hz: u64) -> Self {
        Self {
            filter: filter_cycles(clock_hz),
            scl: LineFilter::idle(),
            sda: LineFilter::idle(),
            prev_scl: true,
            prev_sda: true,
            state: State::Idle,
            bits: 0,
            shift: 0,
            pointer: 0,
            pointer_set: false,
            open: false,
            master_acked: false,
            sda_low: false,
        }
    }

    fn close(&mut self, mem: &mut CmisMemory) {
        if self.open {
            mem.end();
            self.open = false;
        }
    }

    fn load(&mut self, mem: &mut CmisMemory) {
        self.shift = mem.read_byte(self.pointer).unwrap_or(0);
        self.pointer = self.pointer.wrapping_add(1);
        self.bits = 0;
        self.sda_low = self.shift & 0x80 == 0;
        self.state = State::Send;
    }

    /// One core-clock cycle: the bus lines as they are this cycle; returns
    /// whether the target pulls SDA low after the edge.
    pub fn step(&mut self, scl_in: bool, sda_in: bool, mem: &mut CmisMemory) -> bool {
        let scl = self.scl.step(scl_in, self.filter);
        let sda = self.sda.step(sda_in, self.filter);
        let (pscl, psda) = (self.prev_scl, self.prev_sda);
        self.prev_scl = scl;
        self.prev_sda = sda;
        let start = scl && pscl && psda && !sda;
        let stop = scl && pscl && !psda && sda;
        let rise = scl && !pscl;
        let fall = !scl && pscl;
        if start {
            self.close(mem);
            self.state = State::Address;
            self.bits = 0;
            self.shift = 0;
            self.sda_low = false;
            return self.sda_low;
        }
        if stop {
            self.close(mem);
            self.state = State::Idle;
            self.sda_low = false;
            return self.sda_low;
        }
        match self.state {
            State::Idle => {}
            State::Address | State::Receive => {
                if rise {
                    self.shift = (self.shift << 1) | sda as u8;
                    self.bits += 1;
                } else if fall && self.bits == 8 {
                    if self.state == State::Address {
                        if self.shift >> 1 == CMIS_ADDRESS {
                            let read = self.shift & 1 == 1;
                            mem.begin();
                            self.open = true;
                            self.pointer_set = read; // a read uses the current pointer
                            self.state = State::AckAddress { read };
                            self.sda_low = true;
                        } else {
                            self.state = State::Idle;
                        }
                    } else {
                        if self.pointer_set {
                            let _ = mem.write_byte(self.pointer, self.shift);
                            self.pointer = self.pointer.wrapping_add(1);
                        } else {
                            self.pointer = self.shift;
                            self.pointer_set = true;
                        }
                        self.state = State::AckReceive;
                        self.sda_low = true;
                    }
                }
            }
            State::AckAddress { read } => {
                if fall {
                    if read {
                        self.load(mem);
                    } else {
                        self.sda_low = false;
                        self.state = State::Receive;
                        self.bits = 0;
                        self.shift = 0;
                    }
                }
            }
            State::AckReceive => {
                if fall {
                    self.sda_low = false;
                    self.state = State::Receive;
                    self.bits = 0;
                    self.shift = 0;
                }
            }
            State::Send => {
                if rise {
                    self.bits += 1;
                } else if fall {
                    if self.bits == 8 {
                        self.sda_low = false;
                        self.state = State::MasterAck;
                    } else {
                        self.shift <<= 1;
                        self.sda_low = self.shift & 0x80 == 0;
                    }
                }
            }
            State::MasterAck => {
                if rise {
                    self.master_acked = !sda;
                } else if fall {
                    if self.master_acked {
                        self.load(mem);
                    } else {
                        self.state = State::Idle;
                    }
                }
            }
        }
        self.sda_low
    }
}

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
    /// A master for a `clock_hz` core clock running SCL at no more than
    /// `scl_hz`, slow enough for the target's synchronizer and filter.
    pub fn new(clock_hz: u64, scl_hz: u64) -> Self {
        let quarter = (clock_hz.div_ceil(4 * scl_hz) as u32).max(filter_cycles(clock_hz) + 4);
        Self {
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
    pub memory: CmisMemory,
    target_low: bool,
    /// Core-clock cycles run so far.
    pub cycles: u64,
}

impl I2cModelBus {
    pub fn new(memory: CmisMemory, clock_hz: u64, scl_hz: u64) -> Self {
        Self {
            master: I2cMaster::new(clock_hz, scl_hz),
            target: I2cTargetModel::new(clock_hz),
            memory,
            target_low: false,
            cycles: 0,
        }
    }

    /// Runs one operation to completion (plus a quiet period).
    pub fn run(&mut self, op: I2cOp) -> I2cResult {
        self.master.push(op);
        let mut out = None;
        let mut idle_after = 0;
        while idle_after < 8 {
            let sda_line = self.master.sda && !self.target_low;
            let (scl, sda) = self.master.step(sda_line);
            let line = sda && !self.target_low;
            self.target_low = self.target.step(scl, line, &mut self.memory);
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

impl super::access::WindowAccess for I2cModelBus {
    fn reports_errors(&self) -> bool {
        false
    }
    fn select(&mut self, bank: u8, page: u8) -> Result<(), super::AccessError> {
        self.run(I2cOp::Write {
            data: vec![126, bank, page],
        });
        Ok(())
    }
    fn selected(&mut self) -> (u8, u8) {
        (
            self.memory.peek("BankSelect", 0, 0) as u8,
            self.memory.peek("PageSelect", 0, 0) as u8,
        )
    }
    fn read_run(&mut self, byte: u8, buf: &mut [u8]) -> Result<(), super::AccessError> {
        let r = self.run(I2cOp::Read {
            addr: byte,
            n: buf.len(),
        });
        buf.copy_from_slice(&r.data);
        Ok(())
    }
    fn write_run(&mut self, byte: u8, data: &[u8]) -> Result<(), super::AccessError> {
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
        I2cModelBus::new(CmisMemory::new(&cfg), clock_hz, scl_hz)
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
            assert_eq!(b.memory.peek("BiasSetpoint", 0, 0), 0x0BC2);
            // Lower page identity bytes.
            let r = b.run(I2cOp::Read { addr: 0, n: 2 });
            assert_eq!(r.data, vec![0x19, 0x52]);
        }
    }

    #[test]
    fn other_addresses_are_not_acknowledged() {
        let mut b = bus(10_000_000, 1_000_000);
        let before = b.memory.snapshot();
        let r = b.run(I2cOp::Other {
            device: 0x51,
            byte: 127,
        });
        assert_eq!(r.acks, vec![false, false]);
        assert_eq!(b.memory.snapshot(), before);
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
                b.memory.peek("LowPwrRequestSW", 0, 0),
                wrote as u64,
                "{op:?}"
            );
            assert_eq!(
                b.memory.peek("PageSelect", 0, 0),
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
        b.memory.hw_latch("ModuleStateChanged", 0, 0, 1);
        assert_eq!(b.run(I2cOp::Read { addr: 8, n: 1 }).data, vec![1]);
        assert_eq!(b.run(I2cOp::Read { addr: 8, n: 1 }).data, vec![0]);
    }
}
