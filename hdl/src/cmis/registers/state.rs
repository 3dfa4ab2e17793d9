//! The register block's simulation state, advanced once per rising edge
//! by the contract in the module documentation of [`super`] (the same
//! [`RegPlan`] generates its Verilog).

use super::Slot;
use crate::cmis::plan::{FlagTerm, HwRole, RegPlan, SavedByte};

/// The byte port's inputs for one cycle.
#[derive(Debug, Clone, Copy, Default)]
pub(super) struct Port {
    pub(super) txn: bool,
    pub(super) read: bool,
    pub(super) write: bool,
    pub(super) addr: u8,
    pub(super) wdata: u8,
    pub(super) direct: bool,
    pub(super) dpage: u8,
    pub(super) dbank: u8,
    pub(super) hold: bool,
}

/// An access taken into the port's input stage: the port's strobes and
/// data and the half its address resolved to when it was registered
/// (`None`: an unimplemented page or bank). It acts at the next edge.
#[derive(Debug, Clone, Copy)]
pub(super) struct Staged {
    pub(super) txn: bool,
    pub(super) read: bool,
    pub(super) write: bool,
    pub(super) addr: u8,
    pub(super) wdata: u8,
    pub(super) hold: bool,
    pub(super) half: Option<usize>,
}

impl Default for Staged {
    /// After reset: no access, at lower byte 0 (the host model's idle
    /// request; the probes then judge that byte).
    fn default() -> Self {
        Self {
            txn: false,
            read: false,
            write: false,
            addr: 0,
            wdata: 0,
            hold: false,
            half: Some(0),
        }
    }
}

/// The register state, advanced once per rising edge.
pub(super) struct State {
    pub(super) plan: RegPlan,
    pub(super) store: Vec<[u8; 128]>,
    pub(super) pending: Vec<[u8; 8]>,
    pub(super) written: Vec<u8>,
    pub(super) txn_prev: bool,
    /// The input stage: the access presented on the previous cycle.
    pub(super) staged: Staged,
    pub(super) rdata: u8,
    /// The read-back pipeline's first stage: `Some(byte)` when the last
    /// edge acted on a read (or refused an access), shown on `rdata` at
    /// the next edge.
    pub(super) read_back: Option<u8>,
    pub(super) page_ok: bool,
    pub(super) writable: bool,
    /// The upper half PageSelect/BankSelect selected on the previous cycle
    /// (`None`: not implemented); the registered window decode.
    pub(super) half_window: Option<usize>,
    /// The same for the previous cycle's `dpage`/`dbank`.
    pub(super) half_direct: Option<usize>,
    /// A save/restore command written at the previous edge:
    /// `(plan.saves index, command)`, run first at the next edge.
    pub(super) command: Option<(usize, u8)>,
    /// Pulse outputs, in `plan.hwif` order (0 for other roles).
    pub(super) pulses: Vec<bool>,
    /// Where the block reaches each hardware port, in `plan.hwif` order.
    pub(super) slots: Vec<Option<Slot>>,
    /// For `Summary` ports: the `plan.hwif` indices of the ports they OR.
    pub(super) sources: Vec<Vec<usize>>,
    /// Save/restore sets per `plan.saves` entry: `[set kind][slot - 1]`,
    /// the saved bytes (in the entry's order) if that slot was saved.
    pub(super) saved: Vec<[[Option<Vec<u8>>; 2]; 2]>,
    /// Per half, the snapshot registers of selected values (bytes after
    /// their first; `ByteClass::snapshot`).
    pub(super) snap: Vec<[u8; 128]>,
    /// The selected values, as `(half, first byte, length)`: a read of the
    /// first byte loads the snapshot of the others.
    pub(super) snapshots: Vec<(usize, u8, u8)>,
}

impl State {
    pub(super) fn new(plan: RegPlan) -> Self {
        let store = plan
            .halves
            .iter()
            .map(|h| std::array::from_fn(|b| h.bytes[b].reset))
            .collect();
        let n = plan.groups.len();
        let n_saves = plan.saves.len();
        let n_halves = plan.halves.len();
        let snapshots = plan
            .hwif
            .iter()
            .filter(|p| p.role == HwRole::Selected)
            .map(|p| (p.half, p.byte, p.len))
            .collect();
        let slots: Vec<Option<Slot>> = plan.hwif.iter().map(Slot::of).collect();
        let sources = plan
            .hwif
            .iter()
            .map(|p| match (p.role, p.lane) {
                (HwRole::Summary, Some(bank)) => plan
                    .hwif
                    .iter()
                    .enumerate()
                    .filter(|(_, q)| {
                        Some(&q.base) == p.summarizes.as_ref()
                            && q.lane.is_some_and(|g| g / 8 == bank)
                    })
                    .map(|(i, _)| i)
                    .collect(),
                _ => Vec::new(),
            })
            .collect();
        let lower = &plan.halves[0].bytes;
        let half_window = plan.resolve(
            0x80,
            lower[plan.bank_select as usize].reset,
            lower[plan.page_select as usize].reset,
        );
        Self {
            half_window,
            half_direct: None,
            command: None,
            store,
            pending: vec![[0; 8]; n],
            written: vec![0; n],
            txn_prev: false,
            staged: Staged::default(),
            rdata: 0,
            read_back: None,
            page_ok: false,
            writable: false,
            pulses: vec![false; slots.len()],
            slots,
            sources,
            saved: vec![Default::default(); n_saves],
            plan,
            snap: vec![[0; 128]; n_halves],
            snapshots,
        }
    }

    pub(super) fn intl(&self) -> bool {
        self.plan.flags.iter().any(|t| {
            let FlagTerm {
                half: h,
                byte: b,
                bits,
                mask,
                global,
            } = *t;
            let set = self.store[h][b as usize] & bits;
            let masked = mask.map_or(0, |(mh, m)| self.store[mh][m as usize] & bits)
                | global.map_or(0, |m| self.store[h][m as usize] & bits);
            set & !masked != 0
        })
    }

    pub(super) fn value(&self, h: usize, b: usize) -> u8 {
        if self.plan.halves[h].bytes[b].snapshot {
            return self.snap[h][b];
        }
        let mut v = self.store[h][b];
        let (ib, bit) = self.plan.interrupt;
        if h == 0 && b == ib as usize {
            v = (v & !(1 << bit)) | ((!self.intl() as u8) << bit);
        }
        v
    }

    /// The value control port `i` shows: its field's stored bits.
    pub(super) fn control(&self, i: usize) -> u64 {
        let p = &self.plan.hwif[i];
        let bytes = &self.store[p.half];
        if p.len > 1 {
            (bytes[p.byte as usize] as u64) << 8 | bytes[p.byte as usize + 1] as u64
        } else {
            ((bytes[p.byte as usize] & p.mask()) >> p.lsb) as u64
        }
    }

    /// The value selected port `i` shows: the source its selector's stored
    /// value chooses (`src`: [`RegPlan::sources`] values), else 0.
    fn selected(&self, i: usize, src: &[u64]) -> u64 {
        let p = &self.plan.hwif[i];
        let (h, b) = p.selector.expect("a selected port");
        let by = self.store[h][b as usize];
        p.choices
            .iter()
            .find(|c| c.0 == by)
            .and_then(|c| c.1)
            .map_or(0, |k| src[k])
    }

    /// One rising edge. `hw` holds the pre-edge value of every hardware
    /// port in `plan.hwif` order (inputs and latch requests; others
    /// ignored), `src` of every port in `plan.sources`.
    pub(super) fn edge(&mut self, port: &Port, hw: &[u64], src: &[u64]) {
        // The input stage takes this cycle's access, its half resolved by
        // the previous cycle's selections; this edge acts on the last one.
        let staged = Staged {
            txn: port.txn,
            read: port.read,
            write: port.write,
            addr: port.addr,
            wdata: port.wdata,
            hold: port.hold,
            half: self.half(port),
        };
        let s = std::mem::replace(&mut self.staged, staged);
        let Staged {
            txn,
            read,
            write,
            addr,
            wdata,
            ..
        } = s;
        // The registered decodes take this cycle's selections at the edge.
        let lower = &self.store[0];
        let window = self.plan.resolve(
            0x80,
            lower[self.plan.bank_select as usize],
            lower[self.plan.page_select as usize],
        );
        (self.page_ok, self.writable) = self.probe(&s);
        if let Some(v) = self.read_back.take() {
            self.rdata = v;
        }
        if let Some((k, cmd)) = self.command.take() {
            self.save_restore(k, cmd);
        }
        self.access(&s);
        self.half_window = window;
        self.half_direct = self.plan.resolve(0x80, port.dbank, port.dpage);
        // Flag summaries OR the flags as they stood before this edge.
        let flagged: Vec<bool> = self
            .plan
            .hwif
            .iter()
            .map(|p| {
                p.flags_of.is_some_and(|h| {
                    self.plan
                        .flags
                        .iter()
                        .any(|t| t.half == h && self.store[h][t.byte as usize] & t.bits != 0)
                })
            })
            .collect();
        for (i, &value) in hw.iter().enumerate().take(self.plan.hwif.len()) {
            let p = &self.plan.hwif[i];
            let (half, byte, mask, lsb, len) = (p.half, p.byte as usize, p.mask(), p.lsb, p.len);
            let value = match p.role {
                HwRole::Summary => self.sources[i].iter().any(|&k| hw[k] != 0) as u64,
                HwRole::Selected if !txn => self.selected(i, src),
                HwRole::FlagSummary => flagged[i] as u64,
                _ => value,
            };
            match p.role {
                HwRole::Input | HwRole::Summary | HwRole::Selected | HwRole::FlagSummary
                    if !txn =>
                {
                    let bytes = &mut self.store[half];
                    if len > 1 {
                        let be = value.to_be_bytes();
                        let len = len as usize;
                        bytes[byte..byte + len].copy_from_slice(&be[8 - len..]);
                    } else {
                        bytes[byte] = (bytes[byte] & !mask) | (((value as u8) << lsb) & mask);
                    }
                }
                HwRole::Latch => self.store[half][byte] |= ((value as u8) << lsb) & mask,
                HwRole::Pulse => {
                    self.pulses[i] = txn
                        && write
                        && !read
                        && s.half == Some(half)
                        && addr & 0x7f == p.byte
                        && wdata & mask != 0;
                }
                _ => {}
            }
        }
    }

    /// The half `port` addresses, `None` if its page or bank is not
    /// implemented: for an upper address, the previous cycle's selection
    /// (the registered decode of the port contract).
    pub(super) fn half(&self, port: &Port) -> Option<usize> {
        if port.addr < 0x80 {
            Some(0)
        } else if port.direct {
            self.half_direct
        } else {
            self.half_window
        }
    }

    /// The probes for a staged access's address: `(page_ok, writable)`.
    pub(super) fn probe(&self, s: &Staged) -> (bool, bool) {
        match s.half {
            Some(h) => {
                let c = self.plan.halves[h].bytes[(s.addr & 0x7f) as usize];
                (true, c.any != 0 && c.store | c.sc != 0)
            }
            None => (false, false),
        }
    }

    /// Runs save/restore command `cmd` of `plan.saves[k]` (the edge of its
    /// write) and sets the bank's status byte.
    pub(super) fn save_restore(&mut self, k: usize, cmd: u8) {
        use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
        let sb = &self.plan.saves[k];
        let status = match decode(cmd) {
            None => INVALID,
            Some((set, slot, save)) => {
                let kind = set as usize;
                let bytes = &sb.sets[kind];
                if save {
                    let v = bytes
                        .iter()
                        .map(|s| self.store[s.half][s.byte as usize] & s.bits)
                        .collect();
                    self.saved[k][kind][slot - 1] = Some(v);
                    OK
                } else {
                    let values: Option<Vec<u8>> = if slot == 0 {
                        Some(
                            bytes
                                .iter()
                                .map(|s| {
                                    self.plan.halves[s.half].bytes[s.byte as usize].reset & s.bits
                                })
                                .collect(),
                        )
                    } else {
                        self.saved[k][kind][slot - 1].clone()
                    };
                    match values {
                        Some(v) => {
                            for (
                                &SavedByte {
                                    half: h,
                                    byte: b,
                                    bits: m,
                                },
                                x,
                            ) in bytes.iter().zip(v)
                            {
                                let r = &mut self.store[h][b as usize];
                                *r = (*r & !m) | (x & m);
                            }
                            OK
                        }
                        None => NOTHING_SAVED,
                    }
                }
            }
        };
        let sb = &self.plan.saves[k];
        self.store[sb.half][sb.status as usize] = status;
    }

    pub(super) fn access(&mut self, s: &Staged) {
        let Staged {
            txn,
            read,
            write,
            addr,
            wdata,
            hold,
            half,
        } = *s;
        let txn_prev = std::mem::replace(&mut self.txn_prev, txn);
        if !txn && txn_prev {
            for (g, grp) in self.plan.groups.iter().enumerate() {
                let all = ((1u16 << grp.len) - 1) as u8;
                if self.written[g] == all {
                    for k in 0..grp.len as usize {
                        self.store[grp.half][grp.first as usize + k] = self.pending[g][k];
                    }
                    self.written[g] = 0;
                } else if !hold {
                    self.written[g] = 0;
                }
            }
        }
        if !txn || !(read || write) {
            return;
        }
        let b = (addr & 0x7f) as usize;
        let class = half.map(|h| self.plan.halves[h].bytes[b]);
        match (half, class) {
            (Some(h), Some(c)) if c.any != 0 => {
                if read {
                    self.read_back = Some(self.value(h, b) & !c.read_zero);
                    self.store[h][b] &= !c.rc;
                    if let Some(&(_, first, len)) = self
                        .snapshots
                        .iter()
                        .find(|&&(sh, first, _)| sh == h && first as usize == b)
                    {
                        let (f, n) = (first as usize, len as usize);
                        self.snap[h][f + 1..f + n].copy_from_slice(&self.store[h][f + 1..f + n]);
                    }
                } else if c.store | c.sc == 0 {
                    self.read_back = Some(0);
                } else if let Some(g) = c.group {
                    let k = b - self.plan.groups[g].first as usize;
                    self.pending[g][k] = wdata;
                    self.written[g] |= 1 << k;
                } else {
                    self.store[h][b] = (self.store[h][b] & !c.store) | (wdata & c.store);
                    if let Some(k) = self
                        .plan
                        .saves
                        .iter()
                        .position(|sb| sb.half == h && sb.command as usize == b)
                    {
                        self.command = Some((k, wdata));
                    }
                }
            }
            _ => {
                self.read_back = Some(0);
            }
        }
    }
}
