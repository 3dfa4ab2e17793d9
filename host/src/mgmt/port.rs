//! The register block's byte port: what the I2C target and the AXI4-Lite
//! slave present to the management memory, one cycle at a time.
//!
//! Contract (the RTL block `xpo_hdl::cmis::CmisRegisters` documents the
//! same): the port has an input stage, so every request below acts at the
//! edge *after* the one that took it. A rising `txn` opens a transaction,
//! a falling one ends it (`hold` decides whether incomplete multi-byte
//! writes stay pending); while `txn` is high a `read` or `write` strobe
//! accesses byte `addr` of the window, or of page `direct` when set; a
//! refused access changes nothing and reads 0; `rdata` holds the last byte
//! read, one edge after the read acted (the read-back's second stage); the
//! probes `(page_ok, writable)` for a request's address are
//! registered where it acts (two edges after it was shown); a save/restore
//! command runs at the edge after its write acted, before that edge's
//! commit and access.
//!
//! The model resolves the window's page where the request acts; the RTL
//! resolves it where the request is taken, with the selection of the cycle
//! before. They differ only for a window access shown within two cycles of
//! a PageSelect or BankSelect write, which the I2C target cannot produce
//! (a byte takes hundreds of cycles) and the AXI slave does not use (it
//! addresses pages directly).

use super::memory::CmisMemory;

/// One cycle of byte-port inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PortRequest {
    pub txn: bool,
    pub read: bool,
    pub write: bool,
    pub addr: u8,
    pub wdata: u8,
    /// `Some((bank, page))`: linear addressing (AXI); `None`: the window.
    pub direct: Option<(u8, u8)>,
    /// Incomplete multi-byte writes survive the end of this transaction.
    pub hold: bool,
}

/// The management memory behind its byte port.
#[derive(Debug, Clone)]
pub struct BytePortModel {
    pub memory: CmisMemory,
    txn_prev: bool,
    /// The input stage: the request taken at the last edge.
    staged: PortRequest,
    /// The byte read by the last read strobe (0 after a refused one), from
    /// the edge after the read acted.
    pub rdata: u8,
    /// The read-back's first stage: the byte the last edge read (or 0 for
    /// a refusal), shown on `rdata` at the next edge.
    read_back: Option<u8>,
    /// The probes `(page_ok, writable)` for the address of the request that
    /// acted at the last edge (shown two cycles before they are read).
    pub probed: (bool, bool),
}

impl BytePortModel {
    pub fn new(mut memory: CmisMemory) -> Self {
        memory.defer_commands();
        Self {
            memory,
            txn_prev: false,
            staged: PortRequest::default(),
            rdata: 0,
            read_back: None,
            probed: (false, false),
        }
    }

    /// One rising edge: `p` enters the input stage and the request taken at
    /// the previous edge acts; the probes for that request's address are
    /// registered (see [`Self::probed`]), judged before its access.
    pub fn step(&mut self, p: &PortRequest) {
        let p = &std::mem::replace(&mut self.staged, *p);
        self.probed = self.memory.probe(p.direct, p.addr);
        if let Some(v) = self.read_back.take() {
            self.rdata = v;
        }
        self.memory.run_deferred();
        let prev = std::mem::replace(&mut self.txn_prev, p.txn);
        if p.txn && !prev {
            self.memory.begin();
        }
        if !p.txn && prev {
            self.memory.end_with(p.hold);
        }
        if p.txn && (p.read || p.write) {
            let r = if p.read {
                self.memory
                    .read_byte_in(p.direct, p.addr)
                    .map(|v| self.read_back = Some(v))
            } else {
                self.memory.write_byte_in(p.direct, p.addr, p.wdata)
            };
            if r.is_err() {
                self.read_back = Some(0);
            }
        }
    }
}
