//! `I2cTarget`: the CMIS two-wire management interface, an I2C target at
//! address 50h in front of the register block's byte port.
//!
//! Cycle contract (the host model `xpo_host::mgmt::I2cTargetModel`
//! implements the same text):
//!
//! 1. SCL and SDA each pass a [`LineFilter`]. The previous filtered levels
//!    are registered; events are decoded from the two: START (SDA falls
//!    while SCL stays high), STOP (SDA rises while SCL stays high), SCL
//!    rise, SCL fall. The target acts on an event at the next edge.
//! 2. Byte-port requests are served first at each edge: a pending read or
//!    write strobe is taken by the register block at an edge where the AXI
//!    slave does not hold it (`grant`), and the byte pointer then
//!    increments (255 wraps to 0). Three cycles after a read is taken (the
//!    register block's input stage, then its two read-back stages), the
//!    target loads the byte from `rdata`, drives its MSB and starts
//!    sending.
//! 3. START (also a repeated one) and STOP end the open transaction and
//!    drop any pending request; START then receives an address byte, STOP
//!    waits for the next START.
//! 4. Bits are shifted in (MSB first) at SCL rises. At the SCL fall after
//!    the eighth bit of the address byte: address 50h opens a transaction
//!    (`txn`) and is acknowledged, anything else is ignored until the next
//!    START. At the fall after the eighth bit of a write's data byte: the
//!    first byte sets the pointer, every later one requests a write at the
//!    pointer; each is acknowledged.
//! 5. The acknowledge is driven from that fall to the next; then, for a
//!    read, the target requests the byte at the pointer (holding the ACK
//!    level until the byte is loaded) and shifts out a bit at each further
//!    fall; it releases SDA for the master's acknowledge, samples it at the
//!    rise, and after an ACK requests the next byte, after a NACK goes
//!    quiet until START or STOP.
//! 6. `busy` (a transaction open or a request pending) keeps the AXI slave
//!    from starting an access.
//!
//! The target never stretches SCL; `EngineConfig::i2c_max_scl_hz` is the
//! fastest clock it follows.

use super::line_filter::LineFilter;
use rust_hdl::prelude::*;
use xpo_spec::EngineConfig;

/// The CMIS module address (A0h/A1h on the wire).
pub const CMIS_ADDRESS: u8 = 0x50;

/// Target states.
mod st {
    pub const IDLE: u64 = 0;
    pub const ADDRESS: u64 = 1;
    pub const ACK_ADDRESS: u64 = 2;
    pub const RECEIVE: u64 = 3;
    pub const ACK_RECEIVE: u64 = 4;
    pub const SEND: u64 = 5;
    pub const MASTER_ACK: u64 = 6;
    pub const FETCH: u64 = 7;
}

#[derive(LogicBlock)]
pub struct I2cTarget {
    pub clock: Signal<In, Clock>,
    /// Bus-interface reset (not the module reset: a host's transfer
    /// survives ResetL and SoftwareReset of the memory behind it).
    pub reset: Signal<In, Bit>,
    // Pins
    pub scl: Signal<In, Bit>,
    pub sda: Signal<In, Bit>,
    pub sda_low: Signal<Out, Bit>,
    // Byte port, request side
    pub grant: Signal<In, Bit>,
    pub rdata: Signal<In, Bits<8>>,
    pub txn: Signal<Out, Bit>,
    pub read: Signal<Out, Bit>,
    pub write: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<8>>,
    pub wdata: Signal<Out, Bits<8>>,
    pub busy: Signal<Out, Bit>,
    scl_filter: LineFilter,
    sda_filter: LineFilter,
    start: Signal<Local, Bit>,
    stop: Signal<Local, Bit>,
    rise: Signal<Local, Bit>,
    fall: Signal<Local, Bit>,
    scl_prev: DFF<Bit>,
    sda_prev: DFF<Bit>,
    state: DFF<Bits<3>>,
    bits: DFF<Bits<4>>,
    shift: DFF<Bits<8>>,
    pointer: DFF<Bits<8>>,
    pointer_set: DFF<Bit>,
    reading: DFF<Bit>,
    open: DFF<Bit>,
    read_request: DFF<Bit>,
    write_request: DFF<Bit>,
    write_byte: DFF<Bits<8>>,
    /// A read was taken; the register block acts on it at the next edge.
    fetching: DFF<Bit>,
    /// The register block acted on the read; its read-back takes a cycle.
    reading_back: DFF<Bit>,
    /// The read byte is on `rdata`.
    fetched: DFF<Bit>,
    master_acked: DFF<Bit>,
    drive: DFF<Bit>,
    s_idle: Constant<Bits<3>>,
    s_address: Constant<Bits<3>>,
    s_ack_address: Constant<Bits<3>>,
    s_receive: Constant<Bits<3>>,
    s_ack_receive: Constant<Bits<3>>,
    s_send: Constant<Bits<3>>,
    s_master_ack: Constant<Bits<3>>,
    s_fetch: Constant<Bits<3>>,
    bits_zero: Constant<Bits<4>>,
    bits_one: Constant<Bits<4>>,
    bits_eight: Constant<Bits<4>>,
    byte_zero: Constant<Bits<8>>,
    byte_one: Constant<Bits<8>>,
    device: Constant<Bits<7>>,
}

fn konst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl I2cTarget {
    /// The target for `cfg`'s core clock (filter length).
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            scl: Default::default(),
            sda: Default::default(),
            sda_low: Default::default(),
            grant: Default::default(),
            rdata: Default::default(),
            txn: Default::default(),
            read: Default::default(),
            write: Default::default(),
            addr: Default::default(),
            wdata: Default::default(),
            busy: Default::default(),
            scl_filter: LineFilter::new(cfg.i2c_filter_cycles()),
            sda_filter: LineFilter::new(cfg.i2c_filter_cycles()),
            start: Default::default(),
            stop: Default::default(),
            rise: Default::default(),
            fall: Default::default(),
            scl_prev: Default::default(),
            sda_prev: Default::default(),
            state: Default::default(),
            bits: Default::default(),
            shift: Default::default(),
            pointer: Default::default(),
            pointer_set: Default::default(),
            reading: Default::default(),
            open: Default::default(),
            read_request: Default::default(),
            write_request: Default::default(),
            write_byte: Default::default(),
            fetching: Default::default(),
            reading_back: Default::default(),
            fetched: Default::default(),
            master_acked: Default::default(),
            drive: Default::default(),
            s_idle: konst(st::IDLE),
            s_address: konst(st::ADDRESS),
            s_ack_address: konst(st::ACK_ADDRESS),
            s_receive: konst(st::RECEIVE),
            s_ack_receive: konst(st::ACK_RECEIVE),
            s_send: konst(st::SEND),
            s_master_ack: konst(st::MASTER_ACK),
            s_fetch: konst(st::FETCH),
            bits_zero: konst(0),
            bits_one: konst(1),
            bits_eight: konst(8),
            byte_zero: konst(0),
            byte_one: konst(1),
            device: konst(CMIS_ADDRESS as u64),
        }
    }
}

impl Logic for I2cTarget {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            scl_prev,
            sda_prev,
            state,
            bits,
            shift,
            pointer,
            pointer_set,
            reading,
            open,
            read_request,
            write_request,
            write_byte,
            fetching,
            reading_back,
            fetched,
            master_acked,
            drive
        );
        self.scl_filter.clock.next = self.clock.val();
        self.scl_filter.reset.next = self.reset.val();
        self.scl_filter.line.next = self.scl.val();
        self.sda_filter.clock.next = self.clock.val();
        self.sda_filter.reset.next = self.reset.val();
        self.sda_filter.line.next = self.sda.val();
        self.scl_prev.d.next = self.scl_filter.level.val();
        self.sda_prev.d.next = self.sda_filter.level.val();
        self.start.next = self.scl_filter.level.val()
            & self.scl_prev.q.val()
            & self.sda_prev.q.val()
            & !self.sda_filter.level.val();
        self.stop.next = self.scl_filter.level.val()
            & self.scl_prev.q.val()
            & !self.sda_prev.q.val()
            & self.sda_filter.level.val();
        self.rise.next = self.scl_filter.level.val() & !self.scl_prev.q.val();
        self.fall.next = !self.scl_filter.level.val() & self.scl_prev.q.val();
        // Outputs, all from registers.
        self.sda_low.next = self.drive.q.val();
        self.txn.next = self.open.q.val();
        self.read.next = self.read_request.q.val();
        self.write.next = self.write_request.q.val();
        self.addr.next = self.pointer.q.val();
        self.wdata.next = self.write_byte.q.val();
        self.busy.next = self.open.q.val() | self.read_request.q.val() | self.write_request.q.val();
        // 2. Byte-port requests.
        if self.read_request.q.val() & self.grant.val() {
            self.read_request.d.next = false;
            self.fetching.d.next = true;
            self.pointer.d.next = self.pointer.q.val() + self.byte_one.val();
        }
        if self.write_request.q.val() & self.grant.val() {
            self.write_request.d.next = false;
            self.pointer.d.next = self.pointer.q.val() + self.byte_one.val();
        }
        if self.fetching.q.val() {
            self.fetching.d.next = false;
            self.reading_back.d.next = true;
        }
        if self.reading_back.q.val() {
            self.reading_back.d.next = false;
            self.fetched.d.next = true;
        }
        if self.fetched.q.val() {
            self.fetched.d.next = false;
            self.shift.d.next = self.rdata.val();
            self.drive.d.next = !self.rdata.val().get_bit(7);
            self.bits.d.next = self.bits_zero.val();
            self.state.d.next = self.s_send.val();
        }
        // 3.-5. Bus events.
        if self.start.val() | self.stop.val() {
            self.open.d.next = false;
            self.read_request.d.next = false;
            self.write_request.d.next = false;
            self.fetching.d.next = false;
            self.reading_back.d.next = false;
            self.fetched.d.next = false;
            self.drive.d.next = false;
            self.bits.d.next = self.bits_zero.val();
            self.shift.d.next = self.byte_zero.val();
            if self.start.val() {
                self.state.d.next = self.s_address.val();
            } else {
                self.state.d.next = self.s_idle.val();
            }
        } else if (self.state.q.val() == self.s_address.val())
            | (self.state.q.val() == self.s_receive.val())
        {
            if self.rise.val() {
                if self.sda_filter.level.val() {
                    self.shift.d.next = (self.shift.q.val() << 1) | self.byte_one.val();
                } else {
                    self.shift.d.next = self.shift.q.val() << 1;
                }
                self.bits.d.next = self.bits.q.val() + self.bits_one.val();
            } else if self.fall.val() & (self.bits.q.val() == self.bits_eight.val()) {
                if self.state.q.val() == self.s_address.val() {
                    if self.shift.q.val().get_bits::<7>(1) == self.device.val() {
                        self.open.d.next = true;
                        self.reading.d.next = self.shift.q.val().get_bit(0);
                        // A read continues at the current pointer.
                        self.pointer_set.d.next = self.shift.q.val().get_bit(0);
                        self.drive.d.next = true;
                        self.state.d.next = self.s_ack_address.val();
                    } else {
                        self.state.d.next = self.s_idle.val();
                    }
                } else {
                    if self.pointer_set.q.val() {
                        self.write_request.d.next = true;
                        self.write_byte.d.next = self.shift.q.val();
                    } else {
                        self.pointer.d.next = self.shift.q.val();
                        self.pointer_set.d.next = true;
                    }
                    self.drive.d.next = true;
                    self.state.d.next = self.s_ack_receive.val();
                }
            }
        } else if self.state.q.val() == self.s_ack_address.val() {
            if self.fall.val() {
                if self.reading.q.val() {
                    self.read_request.d.next = true;
                    self.state.d.next = self.s_fetch.val();
                } else {
                    self.drive.d.next = false;
                    self.bits.d.next = self.bits_zero.val();
                    self.shift.d.next = self.byte_zero.val();
                    self.state.d.next = self.s_receive.val();
                }
            }
        } else if self.state.q.val() == self.s_ack_receive.val() {
            if self.fall.val() {
                self.drive.d.next = false;
                self.bits.d.next = self.bits_zero.val();
                self.shift.d.next = self.byte_zero.val();
                self.state.d.next = self.s_receive.val();
            }
        } else if self.state.q.val() == self.s_send.val() {
            if self.rise.val() {
                self.bits.d.next = self.bits.q.val() + self.bits_one.val();
            } else if self.fall.val() {
                if self.bits.q.val() == self.bits_eight.val() {
                    self.drive.d.next = false;
                    self.state.d.next = self.s_master_ack.val();
                } else {
                    self.shift.d.next = self.shift.q.val() << 1;
                    self.drive.d.next = !self.shift.q.val().get_bit(6);
                }
            }
        } else if self.state.q.val() == self.s_master_ack.val() {
            if self.rise.val() {
                self.master_acked.d.next = !self.sda_filter.level.val();
            } else if self.fall.val() {
                if self.master_acked.q.val() {
                    self.read_request.d.next = true;
                    self.state.d.next = self.s_fetch.val();
                } else {
                    self.state.d.next = self.s_idle.val();
                }
            }
        }
        if self.reset.val() {
            self.scl_prev.d.next = true;
            self.sda_prev.d.next = true;
            self.state.d.next = self.s_idle.val();
            self.bits.d.next = self.bits_zero.val();
            self.shift.d.next = self.byte_zero.val();
            self.pointer.d.next = self.byte_zero.val();
            self.pointer_set.d.next = false;
            self.reading.d.next = false;
            self.open.d.next = false;
            self.read_request.d.next = false;
            self.write_request.d.next = false;
            self.write_byte.d.next = self.byte_zero.val();
            self.fetching.d.next = false;
            self.reading_back.d.next = false;
            self.fetched.d.next = false;
            self.master_acked.d.next = false;
            self.drive.d.next = false;
        }
    }
}
