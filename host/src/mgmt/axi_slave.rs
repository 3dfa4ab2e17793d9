//! AXI4-Lite, device side: a cycle-accurate model of the engine's slave in
//! front of the byte port (the host's master is `crate::bfm::axi_master`).
//!
//! The slave's cycle contract is written out in
//! `xpo_hdl::cmis::axi_lite_slave`; this model implements that text.

use super::port::PortRequest;
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
                // The probe answer for index k arrives at index k + 2 (the
                // byte port's input stage, then its probe register).
                Phase::Probe if q.is_read => {
                    self.index = q.index + 1;
                    if q.index == 2 {
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
                    if q.index >= 2 {
                        self.w_strb = (q.w_strb >> 1) | ((q.w_strb << 3) & 0xF);
                        if probe_bad {
                            self.err = true;
                        }
                        if q.index == 5 {
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
                    // A byte's rdata arrives three cycles after its strobe.
                    if q.is_read {
                        if q.index >= 3 {
                            self.shift_in(&q, rdata);
                        }
                    } else {
                        self.w_strb = q.w_strb >> 1;
                        self.w_data = q.w_data >> 8;
                    }
                }
                // A read's first two closing cycles take its second and
                // third bytes.
                Phase::Close if q.is_read && !q.err && q.index != 6 => {
                    self.index = q.index + 1;
                    self.shift_in(&q, rdata);
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
