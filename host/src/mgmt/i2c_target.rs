//! CMIS two-wire interface, device side: a cycle-accurate model of the
//! module's I2C target in front of the register block's byte port (the
//! host's bit-level master is `crate::bfm::i2c_master`).
//!
//! It steps once per core-clock cycle. The bus is open drain: each line is
//! low when either side pulls it low.
//!
//! The target's cycle contract is written out in `xpo_hdl::cmis::i2c_target`
//! (this model implements that text): synchronizer and 50 ns glitch filter
//! per line, events decoded from registered filtered levels, byte-port
//! requests that wait while the AXI slave holds the register block, START
//! and STOP that abort anything in progress, auto-increment with 255
//! wrapping to 0, no clock stretching.

use super::port::PortRequest;
use xpo_spec::EngineConfig;

/// The CMIS module address (A0h/A1h on the wire).
pub const CMIS_ADDRESS: u8 = 0x50;

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

    /// One edge: two synchronizer flops, then the filtered level takes the
    /// synchronized value after it differed for `filter` cycles.
    fn step(&mut self, input: bool, filter: u32) {
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
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// Waiting for START.
    Idle,
    /// Receiving the address byte.
    Address,
    /// Acknowledging the address; then read or write.
    AckAddress,
    /// Receiving a data byte.
    Receive,
    /// Acknowledging a received byte.
    AckReceive,
    /// Sending a byte.
    Send,
    /// Master's acknowledge of a sent byte.
    MasterAck,
    /// Waiting for the byte to send from the register block.
    Fetch,
}

/// The module's I2C target, cycle by cycle.
#[derive(Debug, Clone, Copy)]
pub struct I2cTargetModel {
    filter: u32,
    scl: LineFilter,
    sda: LineFilter,
    scl_prev: bool,
    sda_prev: bool,
    state: State,
    bits: u8,
    shift: u8,
    pointer: u8,
    pointer_set: bool,
    reading: bool,
    open: bool,
    read_request: bool,
    write_request: bool,
    write_byte: u8,
    /// A read was taken; the register block acts on it at the next edge.
    fetching: bool,
    /// The register block acted on the read; its read-back takes a cycle.
    reading_back: bool,
    /// The read byte is on `rdata`.
    fetched: bool,
    master_acked: bool,
    drive: bool,
}

impl I2cTargetModel {
    /// A target (after bus reset) whose glitch filter suits `cfg`'s clock.
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            filter: cfg.i2c_filter_cycles(),
            scl: LineFilter::idle(),
            sda: LineFilter::idle(),
            scl_prev: true,
            sda_prev: true,
            state: State::Idle,
            bits: 0,
            shift: 0,
            pointer: 0,
            pointer_set: false,
            reading: false,
            open: false,
            read_request: false,
            write_request: false,
            write_byte: 0,
            fetching: false,
            reading_back: false,
            fetched: false,
            master_acked: false,
            drive: false,
        }
    }

    /// What the target presents to the byte port this cycle.
    pub fn request(&self) -> PortRequest {
        PortRequest {
            txn: self.open,
            read: self.read_request,
            write: self.write_request,
            addr: self.pointer,
            wdata: self.write_byte,
            direct: None,
            hold: false,
        }
    }

    /// A transaction is open or a byte request pending: the AXI slave may
    /// not start.
    pub fn busy(&self) -> bool {
        self.open || self.read_request || self.write_request
    }

    /// The target pulls SDA low.
    pub fn sda_low(&self) -> bool {
        self.drive
    }

    /// One rising edge: the pins this cycle, whether the byte port is the
    /// target's (`grant`: the AXI slave is not active) and the port's
    /// `rdata`, both as they are before the edge.
    pub fn step(&mut self, scl_in: bool, sda_in: bool, grant: bool, rdata: u8) {
        let q = *self;
        let (scl, sda) = (q.scl.level, q.sda.level);
        let start = scl && q.scl_prev && q.sda_prev && !sda;
        let stop = scl && q.scl_prev && !q.sda_prev && sda;
        let rise = scl && !q.scl_prev;
        let fall = !scl && q.scl_prev;
        self.scl_prev = scl;
        self.sda_prev = sda;
        self.scl.step(scl_in, q.filter);
        self.sda.step(sda_in, q.filter);
        // Byte-port requests.
        if q.read_request && grant {
            self.read_request = false;
            self.fetching = true;
            self.pointer = q.pointer.wrapping_add(1);
        }
        if q.write_request && grant {
            self.write_request = false;
            self.pointer = q.pointer.wrapping_add(1);
        }
        if q.fetching {
            self.fetching = false;
            self.reading_back = true;
        }
        if q.reading_back {
            self.reading_back = false;
            self.fetched = true;
        }
        if q.fetched {
            self.fetched = false;
            self.shift = rdata;
            self.drive = rdata & 0x80 == 0;
            self.bits = 0;
            self.state = State::Send;
        }
        // Bus events.
        if start || stop {
            self.open = false;
            self.read_request = false;
            self.write_request = false;
            self.fetching = false;
            self.reading_back = false;
            self.fetched = false;
            self.drive = false;
            self.bits = 0;
            self.shift = 0;
            self.state = if start { State::Address } else { State::Idle };
            return;
        }
        match q.state {
            State::Address | State::Receive => {
                if rise {
                    self.shift = (q.shift << 1) | sda as u8;
                    self.bits = q.bits + 1;
                } else if fall && q.bits == 8 {
                    if q.state == State::Address {
                        if q.shift >> 1 == CMIS_ADDRESS {
                            self.open = true;
                            self.reading = q.shift & 1 == 1;
                            // A read continues at the current pointer.
                            self.pointer_set = q.shift & 1 == 1;
                            self.drive = true;
                            self.state = State::AckAddress;
                        } else {
                            self.state = State::Idle;
                        }
                    } else {
                        if q.pointer_set {
                            self.write_request = true;
                            self.write_byte = q.shift;
                        } else {
                            self.pointer = q.shift;
                            self.pointer_set = true;
                        }
                        self.drive = true;
                        self.state = State::AckReceive;
                    }
                }
            }
            State::AckAddress => {
                if fall {
                    if q.reading {
                        self.read_request = true;
                        self.state = State::Fetch;
                    } else {
                        self.drive = false;
                        self.bits = 0;
                        self.shift = 0;
                        self.state = State::Receive;
                    }
                }
            }
            State::AckReceive => {
                if fall {
                    self.drive = false;
                    self.bits = 0;
                    self.shift = 0;
                    self.state = State::Receive;
                }
            }
            State::Send => {
                if rise {
                    self.bits = q.bits + 1;
                } else if fall {
                    if q.bits == 8 {
                        self.drive = false;
                        self.state = State::MasterAck;
                    } else {
                        self.shift = q.shift << 1;
                        self.drive = q.shift & 0x40 == 0;
                    }
                }
            }
            State::MasterAck => {
                if rise {
                    self.master_acked = !sda;
                } else if fall {
                    if q.master_acked {
                        self.read_request = true;
                        self.state = State::Fetch;
                    } else {
                        self.state = State::Idle;
                    }
                }
            }
            State::Idle | State::Fetch => {}
        }
    }
}
