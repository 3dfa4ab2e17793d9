//! The AXI4-Lite master bus-functional model: the host side, with random
//! valid delays and back-pressure (`AxiPacing`), used as stimulus for every
//! engine's slave.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::VecDeque;
use xpo_spec::{MgmtInputs, MgmtOutputs};

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
