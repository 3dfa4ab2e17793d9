//! `AxiLiteSlave`: AXI4-Lite access to the CMIS management memory for an
//! FPGA host, 32-bit data, in front of the register block's byte port.
//!
//! Address map: the linear optoe layout of `xpo_spec::regmap::linear_address`
//! (lower page at 0..127, then page P of bank B at `(B*256 + P)*128 + 128`),
//! so word `A & !3` holds linear bytes `A & !3 .. +3`, byte k in data bits
//! `8k+7:8k`. Pages below 10h exist in bank 0 only. The slave addresses
//! pages directly: BankSelect and PageSelect (the I2C window) are untouched.
//!
//! Cycle contract (the host model `xpo_host::mgmt::AxiSlaveModel`
//! implements the same text):
//!
//! 1. AW, W and AR each have a one-entry buffer; `*ready` is high while it
//!    is empty and a handshake fills it. AW and W arrive independently.
//!    `bvalid`/`rvalid` stay high until `bready`/`rready`.
//! 2. An access starts at an edge where no access is active, the I2C target
//!    is not `busy`, and a write (AW and W buffered, no response waiting)
//!    or a read (AR buffered, no read data waiting) is ready. When both
//!    are, they alternate, starting with the write.
//! 3. While active the slave owns the register block (`active`). A write
//!    probes its four byte lanes, one per cycle (strobed lanes must be
//!    `writable`; the register block answers two cycles later, its input
//!    stage and its probe register, so probing takes six cycles); then,
//!    unless a probe failed or the address is outside the map, it opens a
//!    transaction (`txn`) and writes the strobed bytes, one per cycle; then
//!    it closes (one cycle with `txn` low and `hold` high, so a multi-byte
//!    value straddling two words stays pending until its other bytes are
//!    written) and raises `bvalid`: OKAY, or SLVERR when nothing was
//!    written. A read probes its first byte (`page_ok`, three cycles),
//!    reads the four bytes in one transaction (each byte's `rdata` arrives
//!    three cycles after its strobe: the register block's input stage and
//!    its two read-back stages; so the last three are taken in three
//!    closing cycles), and raises `rvalid`: OKAY with the data, or SLVERR with 0
//!    (after one closing cycle) for an unimplemented page, bank or address.
//!    Reserved bytes of an implemented page read 0 with OKAY.
//! 4. At most [`xpo_spec::AXI_MAX_HOLD_CYCLES`] cycles pass from start to
//!    release.
//!
//! For the clock, the access's address is decoded (the 25-bit page
//! arithmetic) from the buffered address before the start edge and held
//! in registers; while idle, `dpage`/`dbank` show the page of the access
//! that would start, because the register block decodes them a cycle
//! ahead of their use.

use crate::join::ByteJoin;
use rust_hdl::prelude::*;

mod phase {
    pub const PROBE: u64 = 0;
    pub const ACCESS: u64 = 1;
    pub const CLOSE: u64 = 2;
}

#[derive(LogicBlock)]
pub struct AxiLiteSlave {
    pub clock: Signal<In, Clock>,
    /// Bus reset (ARESET), not the module reset.
    pub reset: Signal<In, Bit>,
    // AXI4-Lite
    pub awvalid: Signal<In, Bit>,
    pub awaddr: Signal<In, Bits<32>>,
    pub awready: Signal<Out, Bit>,
    pub wvalid: Signal<In, Bit>,
    pub wdata: Signal<In, Bits<32>>,
    pub wstrb: Signal<In, Bits<4>>,
    pub wready: Signal<Out, Bit>,
    pub bvalid: Signal<Out, Bit>,
    pub bresp: Signal<Out, Bits<2>>,
    pub bready: Signal<In, Bit>,
    pub arvalid: Signal<In, Bit>,
    pub araddr: Signal<In, Bits<32>>,
    pub arready: Signal<Out, Bit>,
    pub rvalid: Signal<Out, Bit>,
    pub rdata: Signal<Out, Bits<32>>,
    pub rresp: Signal<Out, Bits<2>>,
    pub rready: Signal<In, Bit>,
    // Register block byte port (direct addressing)
    pub i2c_busy: Signal<In, Bit>,
    pub page_ok: Signal<In, Bit>,
    pub writable: Signal<In, Bit>,
    pub port_rdata: Signal<In, Bits<8>>,
    pub active: Signal<Out, Bit>,
    pub txn: Signal<Out, Bit>,
    pub read: Signal<Out, Bit>,
    pub write: Signal<Out, Bit>,
    pub addr: Signal<Out, Bits<8>>,
    pub wbyte: Signal<Out, Bits<8>>,
    pub dpage: Signal<Out, Bits<8>>,
    pub dbank: Signal<Out, Bits<8>>,
    // Decode of the next access's address (registered when it starts, so
    // the 25-bit subtract is off the register block's decode path)
    choose_read: Signal<Local, Bit>,
    start_addr: Signal<Local, Bits<32>>,
    half: Signal<Local, Bits<25>>,
    upper: Signal<Local, Bits<25>>,
    lower: Signal<Local, Bit>,
    range_err: Signal<Local, Bit>,
    probe_bad: Signal<Local, Bit>,
    can_write: Signal<Local, Bit>,
    can_read: Signal<Local, Bit>,
    // Channel buffers
    aw_full: DFF<Bit>,
    aw_addr: DFF<Bits<32>>,
    w_full: DFF<Bit>,
    w_data: DFF<Bits<32>>,
    w_strb: DFF<Bits<4>>,
    ar_full: DFF<Bit>,
    ar_addr: DFF<Bits<32>>,
    b_valid: DFF<Bit>,
    b_resp: DFF<Bits<2>>,
    r_valid: DFF<Bit>,
    r_resp: DFF<Bits<2>>,
    r_bytes: [DFF<Bits<8>>; 4],
    read_word: ByteJoin,
    // The access in progress
    busy: DFF<Bit>,
    is_read: DFF<Bit>,
    phase: DFF<Bits<2>>,
    index: DFF<Bits<8>>,
    err: DFF<Bit>,
    last_read: DFF<Bit>,
    /// The access's address: its low byte and its decode.
    op_byte: DFF<Bits<8>>,
    op_lower: DFF<Bit>,
    op_range_err: DFF<Bit>,
    op_page: DFF<Bits<8>>,
    op_bank: DFF<Bits<8>>,
    p_probe: Constant<Bits<2>>,
    p_access: Constant<Bits<2>>,
    p_close: Constant<Bits<2>>,
    half_zero: Constant<Bits<25>>,
    half_one: Constant<Bits<25>>,
    bank_high_zero: Constant<Bits<9>>,
    byte_zero: Constant<Bits<8>>,
    index_one: Constant<Bits<8>>,
    index_last: Constant<Bits<8>>,
    index_probed: Constant<Bits<8>>,
    index_answered: Constant<Bits<8>>,
    index_read_back: Constant<Bits<8>>,
    index_done: Constant<Bits<8>>,
    word_bytes: Constant<Bits<8>>,
    upper_half: Constant<Bits<8>>,
    first_banked: Constant<Bits<8>>,
    okay: Constant<Bits<2>>,
    slverr: Constant<Bits<2>>,
}

fn konst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl Default for AxiLiteSlave {
    fn default() -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            awvalid: Default::default(),
            awaddr: Default::default(),
            awready: Default::default(),
            wvalid: Default::default(),
            wdata: Default::default(),
            wstrb: Default::default(),
            wready: Default::default(),
            bvalid: Default::default(),
            bresp: Default::default(),
            bready: Default::default(),
            arvalid: Default::default(),
            araddr: Default::default(),
            arready: Default::default(),
            rvalid: Default::default(),
            rdata: Default::default(),
            rresp: Default::default(),
            rready: Default::default(),
            i2c_busy: Default::default(),
            page_ok: Default::default(),
            writable: Default::default(),
            port_rdata: Default::default(),
            active: Default::default(),
            txn: Default::default(),
            read: Default::default(),
            write: Default::default(),
            addr: Default::default(),
            wbyte: Default::default(),
            dpage: Default::default(),
            dbank: Default::default(),
            choose_read: Default::default(),
            start_addr: Default::default(),
            half: Default::default(),
            upper: Default::default(),
            lower: Default::default(),
            range_err: Default::default(),
            probe_bad: Default::default(),
            can_write: Default::default(),
            can_read: Default::default(),
            aw_full: Default::default(),
            aw_addr: Default::default(),
            w_full: Default::default(),
            w_data: Default::default(),
            w_strb: Default::default(),
            ar_full: Default::default(),
            ar_addr: Default::default(),
            b_valid: Default::default(),
            b_resp: Default::default(),
            r_valid: Default::default(),
            r_resp: Default::default(),
            r_bytes: Default::default(),
            read_word: Default::default(),
            busy: Default::default(),
            is_read: Default::default(),
            phase: Default::default(),
            index: Default::default(),
            err: Default::default(),
            last_read: Default::default(),
            op_byte: Default::default(),
            op_lower: Default::default(),
            op_range_err: Default::default(),
            op_page: Default::default(),
            op_bank: Default::default(),
            p_probe: konst(phase::PROBE),
            p_access: konst(phase::ACCESS),
            p_close: konst(phase::CLOSE),
            half_zero: konst(0),
            half_one: konst(1),
            bank_high_zero: konst(0),
            byte_zero: konst(0),
            index_one: konst(1),
            index_last: konst(3),
            // Probe answers arrive two cycles after the byte was shown.
            index_answered: konst(2),
            index_probed: konst(5),
            // A read byte arrives three cycles after its strobe.
            index_read_back: konst(3),
            // The index a read's last closing cycle has (it enters them
            // with 4 and takes a byte in each).
            index_done: konst(6),
            word_bytes: konst(0x7C),
            upper_half: konst(0x80),
            first_banked: konst(0x10),
            okay: konst(0),
            slverr: konst(2),
        }
    }
}

impl Logic for AxiLiteSlave {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            aw_full,
            aw_addr,
            w_full,
            w_data,
            w_strb,
            ar_full,
            ar_addr,
            b_valid,
            b_resp,
            r_valid,
            r_resp,
            busy,
            is_read,
            phase,
            index,
            err,
            last_read,
            op_byte,
            op_lower,
            op_range_err,
            op_page,
            op_bank
        );
        for i in 0..4 {
            self.r_bytes[i].clock.next = self.clock.val();
            self.r_bytes[i].d.next = self.r_bytes[i].q.val();
        }
        self.read_word.b0.next = self.r_bytes[0].q.val();
        self.read_word.b1.next = self.r_bytes[1].q.val();
        self.read_word.b2.next = self.r_bytes[2].q.val();
        self.read_word.b3.next = self.r_bytes[3].q.val();
        // Channel outputs.
        self.awready.next = !self.aw_full.q.val();
        self.wready.next = !self.w_full.q.val();
        self.arready.next = !self.ar_full.q.val();
        self.bvalid.next = self.b_valid.q.val();
        self.bresp.next = self.b_resp.q.val();
        self.rvalid.next = self.r_valid.q.val();
        self.rresp.next = self.r_resp.q.val();
        self.rdata.next = self.read_word.word.val();
        // The next access: a read when one is ready and either no write is
        // or the last access was a write (they alternate).
        self.can_write.next = self.aw_full.q.val() & self.w_full.q.val() & !self.b_valid.q.val();
        self.can_read.next = self.ar_full.q.val() & !self.r_valid.q.val();
        self.choose_read.next =
            self.can_read.val() & (!self.can_write.val() | !self.last_read.q.val());
        if self.choose_read.val() {
            self.start_addr.next = self.ar_addr.q.val();
        } else {
            self.start_addr.next = self.aw_addr.q.val();
        }
        // Its address decode: lower page, or page `upper[7:0]` of bank
        // `upper[15:8]`; registered at the start edge.
        self.half.next = self.start_addr.val().get_bits::<25>(7);
        self.upper.next = self.half.val() - self.half_one.val();
        self.lower.next = self.half.val() == self.half_zero.val();
        self.range_err.next = !self.lower.val()
            & ((self.upper.val().get_bits::<9>(16) != self.bank_high_zero.val())
                | ((self.upper.val().get_bits::<8>(0) < self.first_banked.val())
                    & (self.upper.val().get_bits::<8>(8) != self.byte_zero.val())));
        // The register block decodes `dpage`/`dbank` a cycle ahead: while
        // idle they show the page of the access that would start now.
        if self.busy.q.val() {
            self.dpage.next = self.op_page.q.val();
            self.dbank.next = self.op_bank.q.val();
        } else {
            self.dpage.next = self.upper.val().get_bits::<8>(0);
            self.dbank.next = self.upper.val().get_bits::<8>(8);
        }
        if self.op_lower.q.val() {
            self.addr.next = (self.op_byte.q.val() & self.word_bytes.val()) | self.index.q.val();
        } else {
            self.addr.next = (self.op_byte.q.val() & self.word_bytes.val())
                | self.index.q.val()
                | self.upper_half.val();
        }
        // Byte port.
        self.active.next = self.busy.q.val();
        self.txn.next = self.busy.q.val() & (self.phase.q.val() == self.p_access.val());
        self.read.next =
            self.busy.q.val() & (self.phase.q.val() == self.p_access.val()) & self.is_read.q.val();
        self.write.next = self.busy.q.val()
            & (self.phase.q.val() == self.p_access.val())
            & !self.is_read.q.val()
            & self.w_strb.q.val().get_bit(0);
        self.wbyte.next = self.w_data.q.val().get_bits::<8>(0);
        self.probe_bad.next =
            self.op_range_err.q.val() | (self.w_strb.q.val().get_bit(0) & !self.writable.val());
        // 1. Channel buffers and responses.
        if self.awvalid.val() & !self.aw_full.q.val() {
            self.aw_full.d.next = true;
            self.aw_addr.d.next = self.awaddr.val();
        }
        if self.wvalid.val() & !self.w_full.q.val() {
            self.w_full.d.next = true;
            self.w_data.d.next = self.wdata.val();
            self.w_strb.d.next = self.wstrb.val();
        }
        if self.arvalid.val() & !self.ar_full.q.val() {
            self.ar_full.d.next = true;
            self.ar_addr.d.next = self.araddr.val();
        }
        if self.b_valid.q.val() & self.bready.val() {
            self.b_valid.d.next = false;
        }
        if self.r_valid.q.val() & self.rready.val() {
            self.r_valid.d.next = false;
        }
        // 2. Start an access.
        if !self.busy.q.val() {
            if !self.i2c_busy.val() & (self.can_write.val() | self.can_read.val()) {
                self.busy.d.next = true;
                self.phase.d.next = self.p_probe.val();
                self.index.d.next = self.byte_zero.val();
                self.err.d.next = false;
                self.is_read.d.next = self.choose_read.val();
                self.last_read.d.next = self.choose_read.val();
                self.op_byte.d.next = self.start_addr.val().get_bits::<8>(0);
                self.op_lower.d.next = self.lower.val();
                self.op_range_err.d.next = self.range_err.val();
                self.op_page.d.next = self.upper.val().get_bits::<8>(0);
                self.op_bank.d.next = self.upper.val().get_bits::<8>(8);
            }
        } else if self.phase.q.val() == self.p_probe.val() {
            // 3. Probe: the answer for the byte presented at index k
            // arrives at index k + 2.
            self.index.d.next = self.index.q.val() + self.index_one.val();
            if self.is_read.q.val() {
                if self.index.q.val() == self.index_answered.val() {
                    self.index.d.next = self.byte_zero.val();
                    if self.op_range_err.q.val() | !self.page_ok.val() {
                        self.err.d.next = true;
                        self.phase.d.next = self.p_close.val();
                    } else {
                        self.phase.d.next = self.p_access.val();
                    }
                }
            } else if self.index.q.val() >= self.index_answered.val() {
                self.w_strb.d.next = (self.w_strb.q.val() >> 1) | (self.w_strb.q.val() << 3);
                if self.probe_bad.val() {
                    self.err.d.next = true;
                }
                if self.index.q.val() == self.index_probed.val() {
                    self.index.d.next = self.byte_zero.val();
                    if self.err.q.val() | self.probe_bad.val() {
                        self.phase.d.next = self.p_close.val();
                    } else {
                        self.phase.d.next = self.p_access.val();
                    }
                }
            }
        } else if self.phase.q.val() == self.p_access.val() {
            // Access one byte per cycle.
            self.index.d.next = self.index.q.val() + self.index_one.val();
            if self.index.q.val() == self.index_last.val() {
                self.phase.d.next = self.p_close.val();
            }
            if self.is_read.q.val() {
                if self.index.q.val() >= self.index_read_back.val() {
                    self.r_bytes[3].d.next = self.port_rdata.val();
                    self.r_bytes[2].d.next = self.r_bytes[3].q.val();
                    self.r_bytes[1].d.next = self.r_bytes[2].q.val();
                    self.r_bytes[0].d.next = self.r_bytes[1].q.val();
                }
            } else {
                self.w_strb.d.next = self.w_strb.q.val() >> 1;
                self.w_data.d.next = self.w_data.q.val() >> 8;
            }
        } else if self.is_read.q.val()
            & !self.err.q.val()
            & (self.index.q.val() != self.index_done.val())
        {
            // A read's first two closing cycles: the second and third
            // bytes arrive.
            self.index.d.next = self.index.q.val() + self.index_one.val();
            self.r_bytes[3].d.next = self.port_rdata.val();
            self.r_bytes[2].d.next = self.r_bytes[3].q.val();
            self.r_bytes[1].d.next = self.r_bytes[2].q.val();
            self.r_bytes[0].d.next = self.r_bytes[1].q.val();
        } else {
            // Close: the transaction has ended; respond.
            self.busy.d.next = false;
            if self.is_read.q.val() {
                self.ar_full.d.next = false;
                self.r_valid.d.next = true;
                if self.err.q.val() {
                    self.r_resp.d.next = self.slverr.val();
                    for i in 0..4 {
                        self.r_bytes[i].d.next = self.byte_zero.val();
                    }
                } else {
                    self.r_resp.d.next = self.okay.val();
                    self.r_bytes[3].d.next = self.port_rdata.val();
                    self.r_bytes[2].d.next = self.r_bytes[3].q.val();
                    self.r_bytes[1].d.next = self.r_bytes[2].q.val();
                    self.r_bytes[0].d.next = self.r_bytes[1].q.val();
                }
            } else {
                self.aw_full.d.next = false;
                self.w_full.d.next = false;
                self.b_valid.d.next = true;
                if self.err.q.val() {
                    self.b_resp.d.next = self.slverr.val();
                } else {
                    self.b_resp.d.next = self.okay.val();
                }
            }
        }
        if self.reset.val() {
            self.aw_full.d.next = false;
            self.w_full.d.next = false;
            self.ar_full.d.next = false;
            self.b_valid.d.next = false;
            self.r_valid.d.next = false;
            self.busy.d.next = false;
            self.last_read.d.next = false;
            self.b_resp.d.next = self.okay.val();
            self.r_resp.d.next = self.okay.val();
            for i in 0..4 {
                self.r_bytes[i].d.next = self.byte_zero.val();
            }
        }
    }
}
