//! AXI4-Lite: a cycle-accurate model of the engine's slave in front of the
//! byte port, and a master bus-functional model with random valid delays
//! and back-pressure, used as stimulus for every engine.
//!
//! The slave's cycle contract is written out in
//! `xpo_hdl::cmis::axi_lite_slave`; this model implements that text.

use super::port::PortRequest;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use xpo_spec::{MgmtInputs, MgmtOutputs};

/// AXI response codes.
pub mod resp {
    pub const OKAY: u8 = 0;
    pub const SLVERR: u8 = 2;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    Probe,
    Access,
    Close,
}

/// Decode of a linear byte address: `(lower page, page, bank, outside the
/// map)`, pages and banks truncated to 8 bits as the RTL's port carries them.
fn decode(addr: u32) -> (bool, u8, u8, bool) {
    let half = addr >> 7;
    let upper = half.wrapping_sub(1) & 0x1FF_FFFF;
    let (page, bank) = (upper as u8, (upper >> 8) as u8);
    let lower = half == 0;
    let range_err = !lower && ((upper >> 16) != 0 || (page < 0x10 && bank != 0));
    (lower, page, bank, range_err)
}

/// The engine's AXI4-Lite slave, cycle by cycle.
#[derive(Debug, Clone, Copy, Default)]
pub struct AxiSlaveModel {
    aw_full: bool,
    aw_addr: u32,
    w_full: bool,
    w_data: u32,
    w_strb: u8,
    ar_full: bool,
    ar_addr: u32,
    b_valid: bool,
    b_resp: u8,
    r_valid: bool,
    r_resp: u8,
    r_bytes: [u8; 4],
    busy: bool,
    is_read: bool,
    phase: Option<Phase>,
    index: u8,
    err: bool,
    last_read: bool,
    op_addr: u32,
}

impl AxiSlaveModel {
    /// The slave after bus reset.
    pub fn new() -> Self {
        Self::default()
    }

    /// The slave holds the register block's byte port.
    pub fn active(&self) -> bool {
        self.busy
    }

    fn phase(&self) -> Phase {
        self.phase.unwrap_or(Phase::Probe)
    }

    /// What the slave presents to the byte port this cycle (meaningful
    /// while [`Self::active`]).
    pub fn request(&self) -> PortRequest {
        let (lower, page, bank, _) = decode(self.op_addr);
        let mut addr = (self.op_addr as u8 & 0x7C) | self.index;
        if !lower {
            addr |= 0x80;
        }
        let access = self.busy && self.phase() == Phase::Access;
        PortRequest {
            txn: access,
            read: access && self.is_read,
            write: access && !self.is_read && self.w_strb & 1 != 0,
            addr,
            wdata: self.w_data as u8,
            direct: Some((bank, page)),
            hold: true,
        }
    }

    /// The AXI outputs.
    pub fn outputs(&self, o: &mut MgmtOutputs) {
        o.axi_awready = !self.aw_full;
        o.axi_wready = !self.w_full;
        o.axi_arready = !self.ar_full;
        o.axi_bvalid = self.b_valid;
        o.axi_bresp = self.b_resp;
        o.axi_rvalid = self.r_valid;
        o.axi_rresp = self.r_resp;
        o.axi_rdata = u32::from_le_bytes(self.r_bytes);
    }

    fn shift_in(&mut self, q: &Self, byte: u8) {
        self.r_bytes = [q.r_bytes[1], q.r_bytes[2], q.r_bytes[3], byte];
    }

    /// One rising edge: the AXI inputs this cycle, and before the edge: the
    /// I2C target's `busy`, the byte port's registered probes `(page_ok,
    /// writable)` (for the address presented the cycle before), and its
    /// `rdata`.
    pub fn step(&mut self, i: &MgmtInputs, i2c_busy: bool, probe: (bool, bool), rdata: u8) {
        let q = *self;
        let (_, _, _, range_err) = decode(q.op_addr);
        let (page_ok, writable) = probe;
        let probe_bad = range_err || (q.w_strb & 1 != 0 && !writable);
        let can_write = q.aw_full && q.w_full && !q.b_valid;
        let can_read = q.ar_full && !q.r_valid;
        if i.axi_awvalid && !q.aw_full {
            self.aw_full = true;
            self.aw_addr = i.axi_awaddr;
        }
        if i.axi_wvalid && !q.w_full {
            self.w_full = true;
            self.w_data = i.axi_wdata;
            self.w_strb = i.axi_wstrb & 0xF;
        }
        if i.axi_arvalid && !q.ar_full {
            self.ar_full = true;
            self.ar_addr = i.axi_araddr;
        }
        if q.b_valid && i.axi_bready {
            self.b_valid = false;
        }
        if q.r_valid && i.axi_rready {
            self.r_valid = false;
        }
        if !q.busy {
            if !i2c_busy && (can_write || can_read) {
                self.busy = true;
                self.phase = Some(Phase::Probe);
                self.index = 0;
                self.err = false;
                let read = can_read && (!can_write || !q.last_read);
                self.is_read = read;
                self.last_read = read;
                self.op_addr = if read { q.ar_addr } else { q.aw_addr };
            }
        } else {
            match q.phase() {
                // The probe answer for index k arrives at index k + 1.
                Phase::Probe if q.is_read => {
                    self.index = q.index + 1;
                    if q.index == 1 {
                        self.index = 0;
                        if range_err || !page_ok {
                            self.err = true;
                            self.phase = Some(Phase::Close);
                        } else {
                            self.phase = Some(Phase::Access);
                        }
                    }
                }
                Phase::Probe => {
                    self.index = q.index + 1;
                    if q.index != 0 {
                        self.w_strb = (q.w_strb >> 1) | ((q.w_strb << 3) & 0xF);
                        if probe_bad {
                            self.err = true;
                        }
                        if q.index == 4 {
                            self.index = 0;
                            self.phase = Some(if q.err || probe_bad {
                                Phase::Close
                            } else {
                                Phase::Access
                            });
                        }
                    }
                }
                Phase::Access => {
                    self.index = q.index + 1;
                    if q.index == 3 {
                        self.phase = Some(Phase::Close);
                    }
                    if q.is_read {
                        if q.index != 0 {
                            self.shift_in(&q, rdata);
                        }
                    } else {
                        self.w_strb = q.w_strb >> 1;
                        self.w_data = q.w_data >> 8;
                    }
                }
                Phase::Close => {
                    self.busy = false;
                    if q.is_read {
                        self.ar_full = false;
                        self.r_valid = true;
                        if q.err {
                            self.r_resp = resp::SLVERR;
                            self.r_bytes = [0; 4];
                        } else {
                            self.r_resp = resp::OKAY;
                            self.shift_in(&q, rdata);
                        }
                    } else {
                        self.aw_full = false;
                        self.w_full = false;
                        self.b_valid = true;
                        self.b_resp = if q.err { resp::SLVERR } else { resp::OKAY };
                    }
                }
            }
        }
    }
}

/// One AXI4-Lite operation of the master.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AxiOp {
    Read { addr: u32 },
    Write { addr: u32, data: u32, strb: u8 },
}

/// What the master saw: the response code and, for reads, the data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AxiResult {
    pub resp: u8,
    pub data: u32,
}

/// How hard the master pushes: the chance per cycle of holding back a
/// valid or a ready.
#[derive(Debug, Clone, Copy)]
pub struct AxiPacing {
    pub valid_delay: f64,
    pub ready_delay: f64,
}

impl AxiPacing {
    /// Every valid and ready as early as possible.
    pub const EAGER: Self = Self {
        valid_delay: 0.0,
        ready_delay: 0.0,
    };
    /// Random delays and back-pressure on every channel.
    pub const RANDOM: Self = Self {
        valid_delay: 0.3,
        ready_delay: 0.4,
    };
}

#[derive(Debug, Clone, Copy)]
struct WriteInFlight {
    op: AxiOp,
    aw_done: bool,
    w_done: bool,
}

/// AXI4-Lite master, stepped once per core-clock cycle. Writes and reads
/// run on their own channels, so one of each may be in flight at once;
/// each kind completes in the order queued.
#[derive(Debug, Clone)]
pub struct AxiMaster {
    rng: ChaCha8Rng,
    pacing: AxiPacing,
    writes: VecDeque<AxiOp>,
    reads: VecDeque<AxiOp>,
    write: Option<WriteInFlight>,
    read: Option<(AxiOp, bool)>,
    done: Vec<(AxiOp, AxiResult)>,
}

impl AxiMaster {
    pub fn new(seed: u64, pacing: AxiPacing) -> Self {
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6178_6931),
            pacing,
            writes: VecDeque::new(),
            reads: VecDeque::new(),
            write: None,
            read: None,
            done: Vec::new(),
        }
    }

    /// Queues an operation.
    pub fn push(&mut self, op: AxiOp) {
        match op {
            AxiOp::Read { .. } => self.reads.push_back(op),
            AxiOp::Write { .. } => self.writes.push_back(op),
        }
    }

    /// Operations queued or in flight.
    pub fn outstanding(&self) -> usize {
        self.writes.len()
            + self.reads.len()
            + self.write.is_some() as usize
            + self.read.is_some() as usize
    }

    /// Nothing queued or in flight.
    pub fn idle(&self) -> bool {
        self.outstanding() == 0
    }

    /// Completed operations since the last call, in completion order.
    pub fn take_done(&mut self) -> Vec<(AxiOp, AxiResult)> {
        std::mem::take(&mut self.done)
    }

    fn hold(&mut self, p: f64) -> bool {
        p > 0.0 && self.rng.gen_bool(p)
    }

    /// Drops everything in flight (the bus was reset).
    pub fn abandon(&mut self) {
        self.write = None;
        self.read = None;
    }

    /// One cycle: `prev` holds the slave's outputs as they are this cycle
    /// (after the previous edge); sets the AXI inputs for this cycle. A
    /// handshake happens at this cycle's edge when valid and ready are both
    /// high, so the master knows its outcome already.
    pub fn drive(&mut self, prev: &MgmtOutputs, m: &mut MgmtInputs) {
        m.axi_awvalid = false;
        m.axi_wvalid = false;
        m.axi_arvalid = false;
        // Write response.
        m.axi_bready = !self.hold(self.pacing.ready_delay);
        if let Some(w) = self.write {
            if w.aw_done && w.w_done && prev.axi_bvalid && m.axi_bready {
                self.done.push((
                    w.op,
                    AxiResult {
                        resp: prev.axi_bresp,
                        data: 0,
                    },
                ));
                self.write = None;
            }
        }
        // Read data.
        m.axi_rready = !self.hold(self.pacing.ready_delay);
        if let Some((op, true)) = self.read {
            if prev.axi_rvalid && m.axi_rready {
                self.done.push((
                    op,
                    AxiResult {
                        resp: prev.axi_rresp,
                        data: prev.axi_rdata,
                    },
                ));
                self.read = None;
            }
        }
        // New write: AW and W each after their own random delay.
        if self.write.is_none() {
            if let Some(op) = self.writes.pop_front() {
                self.write = Some(WriteInFlight {
                    op,
                    aw_done: false,
                    w_done: false,
                });
            }
        }
        if let Some(mut w) = self.write {
            if let AxiOp::Write { addr, data, strb } = w.op {
                if !w.aw_done && !self.hold(self.pacing.valid_delay) {
                    m.axi_awvalid = true;
                    m.axi_awaddr = addr;
                    w.aw_done = prev.axi_awready;
                }
                if !w.w_done && !self.hold(self.pacing.valid_delay) {
                    m.axi_wvalid = true;
                    m.axi_wdata = data;
                    m.axi_wstrb = strb;
                    w.w_done = prev.axi_wready;
                }
            }
            self.write = Some(w);
        }
        if self.read.is_none() {
            if let Some(op) = self.reads.pop_front() {
                self.read = Some((op, false));
            }
        }
        if let Some((op @ AxiOp::Read { addr }, false)) = self.read {
            if !self.hold(self.pacing.valid_delay) {
                m.axi_arvalid = true;
                m.axi_araddr = addr;
                if prev.axi_arready {
                    self.read = Some((op, true));
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn linear_addresses_decode_to_page_and_bank() {
        assert_eq!(decode(0x7C), (true, 0xFF, 0xFF, false));
        // Page 00h upper half: linear 128..255.
        assert_eq!(decode(128), (false, 0, 0, false));
        // Page 1Ah bank 1 byte 200: (256 + 0x1A) * 128 + 200.
        let a = (256 + 0x1A) * 128 + 200;
        assert_eq!(decode(a), (false, 0x1A, 1, false));
        // Page 01h exists in bank 0 only.
        assert!(decode((256 + 1) * 128 + 130).3);
        // Banks above 255 are outside the map.
        assert!(decode((256 * 256 + 0x10) * 128 + 130).3);
        assert!(decode(u32::MAX).3);
    }
}
