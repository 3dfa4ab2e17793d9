//! `CmisMemory`: the management memory at the byte port.
//!
//! Semantics (CMIS 5.2 and our documented choices):
//! - The lower page (0..127) is always visible; bytes 128..255 show the page
//!   in PageSelect (byte 127) of the bank in BankSelect (byte 126) for banked
//!   pages (10h and above). A page or bank that is not implemented reads 0
//!   and ignores writes, and the access is reported as an error (AXI SLVERR).
//!   Bank and page changes take effect from the next byte on.
//! - Bytes without any field read 0 and refuse writes; read-only bits ignore
//!   writes; a write to a byte with no writable bit is an error and changes
//!   nothing.
//! - Latched flags (rc) read their value and are then cleared; hardware sets
//!   them again while the condition persists. IntL is asserted while any
//!   latched flag bit is set whose mask bit is clear.
//! - Self-clearing (sc) and write-only bits read 0; writing 1 to an sc bit
//!   records a pulse for the hardware to act on.
//! - Multi-byte writable fields change only when every byte of the value was
//!   written in one transaction (committed at its end); multi-byte values
//!   updated by hardware are frozen for the length of a transaction, so one
//!   sequential read is coherent.
//! - A multi-byte value selected among hardware ports (`HwRole::Selected`,
//!   the page 14h U64 results) is coherent across transactions too: a
//!   read of its first byte copies its other bytes, as they stand, into a
//!   snapshot, and reads of those bytes return the snapshot (zeros until
//!   the first such read). An AXI host reads a U64 as two words, an I2C
//!   host may read it byte by byte.

use super::save_restore::SaveRestore;
use std::collections::HashMap;
use xpo_spec::regmap::{Access, HwRole, RegisterMap};
use xpo_spec::EngineConfig;

/// A refused access; the memory is unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AccessError {
    #[error("page {page:02X}h bank {bank} is not implemented")]
    UnimplementedPage { bank: u8, page: u8 },
    #[error("byte {byte} of page {page:02X}h holds no field")]
    Unimplemented { page: u8, byte: u8 },
    #[error("byte {byte} of page {page:02X}h is read-only")]
    ReadOnly { page: u8, byte: u8 },
    /// A transport that only sees that an access was refused (the RTL's
    /// `mgmt_err`, AXI SLVERR).
    #[error("access to window byte {byte} was refused")]
    Refused { byte: u8 },
    /// The AXI4-Lite slave answered SLVERR for the word at `addr`.
    #[error("AXI SLVERR for the word at linear address {addr:#x}")]
    Slverr { addr: u32 },
    /// The I2C target did not acknowledge a byte of a write starting at
    /// window byte `byte`.
    #[error("I2C write at window byte {byte} not acknowledged")]
    Nack { byte: u8 },
    /// A bus operation did not complete: the device stopped answering.
    #[error("an {bus} operation did not complete in {cycles} cycles: the device is hung")]
    Hung { bus: &'static str, cycles: u64 },
}

/// Bit classes of one byte, from the map.
#[derive(Debug, Clone, Copy, Default)]
struct ByteInfo {
    any: u8,
    rw: u8,
    wo: u8,
    rc: u8,
    sc: u8,
    /// Part of a multi-byte writable field: (field index, instance).
    multi: Option<(usize, u8)>,
    /// Part of a value read through a snapshot: (byte offset in the
    /// value, its length).
    coherent: Option<(u8, u8)>,
}

/// A half page: `None` for the lower page, `Some((bank, page))` for the
/// upper half of `page` in `bank`.
pub type HalfPage = Option<(u8, u8)>;
type Half = HalfPage;

/// The management memory of one module.
#[derive(Debug, Clone)]
pub struct CmisMemory {
    map: RegisterMap,
    /// Field index by name, for [`CmisMemory::try_peek`] (coverage samples
    /// a hundred fields by name every few cycles).
    by_name: HashMap<String, usize>,
    info_lower: [ByteInfo; 128],
    info_upper: HashMap<u8, [ByteInfo; 128]>,
    /// Every half page's bytes, indexed through `slots`.
    store: Vec<[u8; 128]>,
    slots: HashMap<Half, usize>,
    in_transaction: bool,
    /// Bytes of multi-byte writable fields written in this transaction.
    pending: HashMap<(Half, u8), u8>,
    /// Hardware updates held back until the transaction ends: per store
    /// slot and byte the bits written (mask) and their latest value, and
    /// the list of bytes touched, so a write and the commit each cost one
    /// indexed access (they run for every hardware input every cycle).
    held: Vec<[(u8, u8); 128]>,
    held_list: Vec<(usize, u8)>,
    /// Per store slot, the snapshot bytes of coherent values (only their
    /// bytes after the first are used).
    snap: Vec<[u8; 128]>,
    /// Counts the host's writes (bytes, commits, save/restore): what the
    /// stored controls depend on. Hardware writes do not count.
    host_writes: u64,
    pulses: Vec<(Half, u8, u8)>,
    flag_terms: Vec<FlagTerm>,
    /// InterruptDeasserted, kept equal to !IntL.
    interrupt: FieldRef,
    /// ELSFP save/restore sets (1Ah:184/185).
    save_restore: SaveRestore,
    /// Run save/restore commands at the edge after their write (the RTL
    /// byte port's contract, `BytePortModel`) instead of at once.
    defer_commands: bool,
    /// A command written and not yet run: `(bank, command)`.
    deferred: Option<(usize, u8)>,
}

/// One field instance resolved to its half page and location.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldRef {
    pub half: HalfPage,
    /// Index of the half page in the memory's store (resolved once, so the
    /// per-cycle accessors index directly).
    pub slot: usize,
    pub loc: xpo_spec::regmap::Location,
}

/// A latched flag instance in a store slot: its byte and bits, and the
/// bytes of its mask and its global mask (same bit positions).
#[derive(Debug, Clone, Copy)]
struct FlagTerm {
    slot: usize,
    byte: u8,
    bits: u8,
    /// The mask's slot and byte: the flag's own half, or (CMIS lane
    /// flags, 11h) page 10h of the same bank.
    mask: Option<(usize, u8)>,
    global: Option<u8>,
}

impl CmisMemory {
    /// The memory in its reset state for `cfg`.
    pub fn new(cfg: &EngineConfig) -> Self {
        let map = cfg.register_map();
        let mut info_lower = [ByteInfo::default(); 128];
        let mut info_upper: HashMap<u8, [ByteInfo; 128]> = HashMap::new();
        for (idx, f) in map.fields.iter().enumerate() {
            for i in 0..f.count {
                let l = f.instance(i);
                for k in 0..l.len {
                    let byte = l.byte + k;
                    let slot = if f.in_lower() {
                        &mut info_lower[byte as usize]
                    } else {
                        &mut info_upper
                            .entry(f.page)
                            .or_insert([ByteInfo::default(); 128])[byte as usize - 128]
                    };
                    let mask = if l.len > 1 { 0xff } else { l.mask() };
                    slot.any |= mask;
                    match f.access {
                        Access::Rw => slot.rw |= mask,
                        Access::Wo => slot.wo |= mask,
                        Access::Rc => slot.rc |= mask,
                        Access::Sc => slot.sc |= mask,
                        Access::Ro => {}
                    }
                    if l.len > 1 && f.access.writable() {
                        slot.multi = Some((idx, i));
                    }
                    let selected = f.hw.as_ref().map(|h| h.role) == Some(HwRole::Selected);
                    if l.len > 1 && selected {
                        slot.coherent = Some((k, l.len));
                    }
                }
            }
        }
        let mut store = vec![map.reset_half(None, &cfg.identity)];
        let mut slots = HashMap::new();
        slots.insert(None, 0);
        for p in &map.pages {
            let img = map.reset_half(Some(p.page), &cfg.identity);
            for bank in 0..p.banks {
                slots.insert(Some((bank, p.page)), store.len());
                store.push(img);
            }
        }
        let flag_terms = Self::flag_terms(&map, &slots);
        let map_interrupt = map
            .field("InterruptDeasserted")
            .expect("in the map")
            .instance(0);
        let held = vec![[(0u8, 0u8); 128]; store.len()];
        let snap = vec![[0u8; 128]; store.len()];
        let by_name = map
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| (f.name.clone(), i))
            .collect();
        let mut m = Self {
            map,
            by_name,
            info_lower,
            info_upper,
            store,
            in_transaction: false,
            pending: HashMap::new(),
            held,
            held_list: Vec::new(),
            snap,
            host_writes: 0,
            pulses: Vec::new(),
            flag_terms,
            slots,
            interrupt: FieldRef {
                half: None,
                slot: 0,
                loc: map_interrupt,
            },
            save_restore: SaveRestore::default(),
            defer_commands: false,
            deferred: None,
        };
        m.save_restore = SaveRestore::new(&m);
        m.update_interrupt();
        m
    }

    /// The register map this memory implements.
    pub fn map(&self) -> &RegisterMap {
        &self.map
    }

    fn selected(&self) -> Result<Half, AccessError> {
        let lower = &self.store[0];
        let (bank, page) = (lower[126], lower[127]);
        match self.map.page(page) {
            Some(p) if page < 0x10 => Ok(Some((0, p.page))),
            Some(p) if bank < p.banks => Ok(Some((bank, p.page))),
            _ => Err(AccessError::UnimplementedPage { bank, page }),
        }
    }

    fn info(&self, half: Half, byte: u8) -> ByteInfo {
        match half {
            None => self.info_lower[byte as usize],
            Some((_, page)) => self.info_upper[&page][byte as usize - 128],
        }
    }

    /// The half `byte` reaches: through the window (`direct` `None`), or in
    /// page `page` of bank `bank` for `direct` `Some((bank, page))`, the
    /// linear addressing of the AXI slave. Pages below 10h ignore the bank.
    fn locate_in(&self, direct: Option<(u8, u8)>, byte: u8) -> Result<Half, AccessError> {
        if byte < 128 {
            return Ok(None);
        }
        let Some((bank, page)) = direct else {
            return self.selected();
        };
        match self.map.page(page) {
            Some(p) if page < 0x10 => Ok(Some((0, p.page))),
            Some(p) if bank < p.banks => Ok(Some((bank, p.page))),
            _ => Err(AccessError::UnimplementedPage { bank, page }),
        }
    }

    /// Without side effects: whether `byte` (see [`Self::read_byte_in`])
    /// reaches an implemented page, and whether a write to it would be
    /// accepted. The AXI slave checks a whole word with this before it
    /// touches any byte.
    pub fn probe(&self, direct: Option<(u8, u8)>, byte: u8) -> (bool, bool) {
        match self.locate_in(direct, byte) {
            Ok(half) => {
                let info = self.info(half, byte);
                (true, info.any != 0 && info.rw | info.wo | info.sc != 0)
            }
            Err(_) => (false, false),
        }
    }

    /// Starts a bus transaction (I2C START, an AXI access).
    pub fn begin(&mut self) {
        self.in_transaction = true;
    }

    /// Ends the transaction: commits complete multi-byte writes, drops the
    /// bytes of incomplete ones, then applies the hardware updates held back
    /// during it.
    pub fn end(&mut self) {
        self.end_with(false);
    }

    /// [`Self::end`]; with `hold`, the written bytes of incomplete
    /// multi-byte values stay pending for a later transaction to complete
    /// (AXI, where a U16 may straddle two 32-bit words).
    pub fn end_with(&mut self, hold: bool) {
        self.in_transaction = false;
        self.host_writes += 1;
        let pending = std::mem::take(&mut self.pending);
        let mut done: Vec<(Half, usize, u8)> = Vec::new();
        for &(half, byte) in pending.keys() {
            let (idx, inst) = self
                .info(half, byte)
                .multi
                .expect("pending bytes are multi-byte");
            if !done.contains(&(half, idx, inst)) {
                done.push((half, idx, inst));
            }
        }
        for (half, idx, inst) in done {
            let l = self.map.fields[idx].instance(inst);
            let all = (0..l.len).all(|k| pending.contains_key(&(half, l.byte + k)));
            if all {
                for k in 0..l.len {
                    let b = l.byte + k;
                    self.bytes_mut(half)[Self::index(b)] = pending[&(half, b)];
                }
            } else if hold {
                for k in 0..l.len {
                    let b = l.byte + k;
                    if let Some(&v) = pending.get(&(half, b)) {
                        self.pending.insert((half, b), v);
                    }
                }
            }
        }
        for (slot, i) in std::mem::take(&mut self.held_list) {
            let (mask, value) = std::mem::take(&mut self.held[slot][i as usize]);
            let b = &mut self.store[slot][i as usize];
            *b = (*b & !mask) | (value & mask);
        }
        self.update_interrupt();
    }

    fn index(byte: u8) -> usize {
        (byte & 0x7f) as usize
    }

    fn bytes_mut(&mut self, half: Half) -> &mut [u8; 128] {
        let slot = self.slots[&half];
        &mut self.store[slot]
    }

    /// Reads byte `byte` (0..255) of the 256-byte window. An error still
    /// reads as 0 on I2C.
    pub fn read_byte(&mut self, byte: u8) -> Result<u8, AccessError> {
        self.read_byte_in(None, byte)
    }

    /// Reads `byte` of the window, or with `direct` `Some((bank, page))` of
    /// that page (bytes 128..255) regardless of BankSelect and PageSelect.
    pub fn read_byte_in(&mut self, direct: Option<(u8, u8)>, byte: u8) -> Result<u8, AccessError> {
        let half = self.locate_in(direct, byte)?;
        let info = self.info(half, byte);
        let page = half.map_or(0, |(_, p)| p);
        if info.any == 0 {
            return Err(AccessError::Unimplemented { page, byte });
        }
        let slot = self.slots[&half];
        let i = Self::index(byte);
        let stored = match info.coherent {
            Some((0, len)) => {
                let n = len as usize;
                let (from, to) = (&self.store[slot], &mut self.snap[slot]);
                to[i + 1..i + n].copy_from_slice(&from[i + 1..i + n]);
                from[i]
            }
            Some(_) => self.snap[slot][i],
            None => self.store[slot][i],
        };
        let value = stored & !(info.wo | info.sc);
        if info.rc & stored != 0 {
            self.bytes_mut(half)[Self::index(byte)] &= !info.rc;
            self.update_interrupt();
        }
        Ok(value)
    }

    /// Writes byte `byte` of the window. Refused writes change nothing.
    pub fn write_byte(&mut self, byte: u8, value: u8) -> Result<(), AccessError> {
        self.write_byte_in(None, byte, value)
    }

    /// Writes `byte` of the window or, with `direct`, of that page; see
    /// [`Self::read_byte_in`].
    pub fn write_byte_in(
        &mut self,
        direct: Option<(u8, u8)>,
        byte: u8,
        value: u8,
    ) -> Result<(), AccessError> {
        self.host_writes += 1;
        let half = self.locate_in(direct, byte)?;
        let info = self.info(half, byte);
        let page = half.map_or(0, |(_, p)| p);
        if info.any == 0 {
            return Err(AccessError::Unimplemented { page, byte });
        }
        let writable = info.rw | info.wo | info.sc;
        if writable == 0 {
            return Err(AccessError::ReadOnly { page, byte });
        }
        if info.multi.is_some() {
            self.pending.insert((half, byte), value);
            if !self.in_transaction {
                self.end();
            }
            return Ok(());
        }
        let slot = &mut self.bytes_mut(half)[Self::index(byte)];
        *slot = (*slot & !(info.rw | info.wo)) | (value & (info.rw | info.wo));
        if value & info.sc != 0 {
            self.pulses.push((half, byte, value & info.sc));
        }
        if let Some(bank) = self.save_restore.bank_of(self.slots[&half], byte) {
            if self.defer_commands {
                self.deferred = Some((bank, value));
            } else {
                self.run_command(bank, value);
            }
        }
        self.update_interrupt();
        Ok(())
    }

    fn run_command(&mut self, bank: usize, cmd: u8) {
        let mut sr = std::mem::take(&mut self.save_restore);
        sr.run(self, bank, cmd);
        self.save_restore = sr;
        self.update_interrupt();
    }

    /// From now on, save/restore commands run when [`Self::run_deferred`]
    /// is called (at the next edge) rather than with their write.
    pub fn defer_commands(&mut self) {
        self.defer_commands = true;
    }

    /// Runs the save/restore command written since the last call, if any.
    pub fn run_deferred(&mut self) {
        if let Some((bank, cmd)) = self.deferred.take() {
            self.run_command(bank, cmd);
        }
    }

    /// Self-clearing bits written since the last call: `(bank, page, byte,
    /// bits)`, page `None` for the lower page.
    pub fn take_pulses(&mut self) -> Vec<(HalfPage, u8, u8)> {
        std::mem::take(&mut self.pulses)
    }

    /// Resolves instance `instance` of field `name` in `bank` once, for
    /// callers that touch it every cycle (the `_at` methods).
    pub fn field_ref(&self, name: &str, bank: u8, instance: u8) -> FieldRef {
        let f = self
            .map
            .field(name)
            .unwrap_or_else(|| panic!("no field {name} in the map"));
        let half = if f.in_lower() {
            None
        } else {
            Some((bank, f.page))
        };
        FieldRef {
            half,
            slot: *self.slots.get(&half).unwrap_or_else(|| {
                panic!(
                    "{name}: bank {bank} of page {:02X}h is not implemented",
                    f.page
                )
            }),
            loc: f.instance(instance),
        }
    }

    /// Hardware sets a read-only field (status, monitor); held back while a
    /// transaction is in progress so reads stay coherent.
    pub fn hw_write(&mut self, name: &str, bank: u8, instance: u8, value: u64) {
        self.hw_write_at(self.field_ref(name, bank, instance), value);
    }

    /// [`CmisMemory::hw_write`] at a resolved field.
    pub fn hw_write_at(&mut self, r: FieldRef, value: u64) {
        let l = r.loc;
        for k in 0..l.len {
            let (mask, v) = if l.len > 1 {
                (0xff, (value >> (8 * (l.len - 1 - k))) as u8)
            } else {
                (l.mask(), (value as u8) << l.lsb)
            };
            if self.in_transaction {
                // Only the latest value matters when the transaction ends.
                let i = Self::index(l.byte + k);
                let e = &mut self.held[r.slot][i];
                if e.0 == 0 {
                    self.held_list.push((r.slot, i as u8));
                }
                *e = (e.0 | mask, (e.1 & !mask) | (v & mask));
            } else {
                let slot = &mut self.store[r.slot][Self::index(l.byte + k)];
                *slot = (*slot & !mask) | (v & mask);
            }
        }
        // Hardware-driven fields are neither flags nor masks: IntL is
        // unchanged.
    }

    /// Hardware latches bits of a flag (for bitmaps, `bits` is the lane
    /// mask; for single flags, 1).
    pub fn hw_latch(&mut self, name: &str, bank: u8, instance: u8, bits: u8) {
        self.hw_latch_at(self.field_ref(name, bank, instance), bits);
    }

    /// [`CmisMemory::hw_latch`] at a resolved field.
    pub fn hw_latch_at(&mut self, r: FieldRef, bits: u8) {
        let l = r.loc;
        let byte = &mut self.store[r.slot][Self::index(l.byte)];
        let set = (bits << l.lsb) & l.mask();
        // A flag that holds is raised every cycle; IntL can change only
        // when a bit is newly set.
        if *byte & set != set {
            *byte |= set;
            self.update_interrupt();
        }
    }

    /// [`CmisMemory::peek`], or `None` for a field, instance or bank the
    /// memory does not have.
    pub fn try_peek(&self, name: &str, bank: u8, instance: u8) -> Option<u64> {
        let f = &self.map.fields[*self.by_name.get(name)?];
        let half = (!f.in_lower()).then_some((bank, f.page));
        if instance >= f.count {
            return None;
        }
        let slot = *self.slots.get(&half)?;
        Some(self.peek_at(FieldRef {
            half,
            slot,
            loc: f.instance(instance),
        }))
    }

    /// The current value of a field, without side effects.
    pub fn peek(&self, name: &str, bank: u8, instance: u8) -> u64 {
        self.peek_at(self.field_ref(name, bank, instance))
    }

    /// Sets a resolved field's bits at once (save/restore; no transaction
    /// deferral, no side effects).
    pub fn poke_at(&mut self, r: FieldRef, value: u64) {
        self.host_writes += 1;
        let (l, b) = (r.loc, &mut self.store[r.slot]);
        if l.len > 1 {
            for k in 0..l.len {
                b[Self::index(l.byte + k)] = (value >> (8 * (l.len - 1 - k))) as u8;
            }
        } else {
            let at = &mut b[Self::index(l.byte)];
            *at = (*at & !l.mask()) | (((value as u8) << l.lsb) & l.mask());
        }
    }

    /// How many host writes the memory has taken (byte writes, transaction
    /// commits, save/restore): while it is unchanged, so are the values
    /// that drive hardware (control fields are host-written).
    pub fn host_writes(&self) -> u64 {
        self.host_writes
    }

    /// [`CmisMemory::peek`] at a resolved field.
    pub fn peek_at(&self, r: FieldRef) -> u64 {
        let (b, l) = (&self.store[r.slot], r.loc);
        if l.len > 1 {
            (0..l.len).fold(0u64, |a, k| a << 8 | b[Self::index(l.byte + k)] as u64)
        } else {
            ((b[Self::index(l.byte)] & l.mask()) >> l.lsb) as u64
        }
    }

    /// Every stored byte, for comparing whole memories.
    pub fn snapshot(&self) -> Vec<(HalfPage, [u8; 128])> {
        let mut v: Vec<_> = self
            .slots
            .iter()
            .map(|(k, &i)| (*k, self.store[i]))
            .collect();
        v.sort_by_key(|(k, _)| *k);
        v
    }

    /// The store slot of a half page, if the map has it.
    pub fn slot_of(&self, half: HalfPage) -> Option<usize> {
        self.slots.get(&half).copied()
    }

    /// Whether any latched flag bit in store slot `slot` is set, masked or
    /// not (CMIS's per-bank lane flag summary, lower bytes 4..7).
    pub fn any_flag_in(&self, slot: usize) -> bool {
        self.flag_terms
            .iter()
            .any(|t| t.slot == slot && self.store[slot][Self::index(t.byte)] & t.bits != 0)
    }

    /// IntL asserted: an unmasked latched flag bit is set.
    pub fn intl_asserted(&self) -> bool {
        self.flag_terms.iter().any(
            |&FlagTerm {
                 slot,
                 byte,
                 bits,
                 mask,
                 global,
             }| {
                let b = &self.store[slot];
                let masked = mask.map_or(0, |(ms, m)| self.store[ms][Self::index(m)] & bits)
                    | global.map_or(0, |m| b[Self::index(m)] & bits);
                b[Self::index(byte)] & bits & !masked != 0
            },
        )
    }

    /// Every latched flag instance in every bank, with its mask byte: what
    /// IntL is computed from, gathered once from the map.
    fn flag_terms(map: &RegisterMap, slots: &HashMap<Half, usize>) -> Vec<FlagTerm> {
        let mut terms = Vec::new();
        for f in map.fields.iter().filter(|f| f.access == Access::Rc) {
            let halves: Vec<Half> = if f.in_lower() {
                vec![None]
            } else {
                (0..map.page(f.page).map_or(1, |p| p.banks))
                    .map(|b| Some((b, f.page)))
                    .collect()
            };
            let mask_field = f.masked_by.as_ref().and_then(|m| map.field(m));
            let global_field = f.global_mask.as_ref().and_then(|m| map.field(m));
            for half in halves {
                for i in 0..f.count {
                    let l = f.instance(i);
                    terms.push(FlagTerm {
                        slot: slots[&half],
                        byte: l.byte,
                        bits: l.mask(),
                        mask: mask_field.map(|m| {
                            let mhalf = half.map(|(b, _)| (b, m.page));
                            (slots[&mhalf], m.instance(i).byte)
                        }),
                        global: global_field
                            .filter(|m| i < m.count)
                            .map(|m| m.instance(i).byte),
                    });
                }
            }
        }
        terms
    }

    fn update_interrupt(&mut self) {
        let asserted = self.intl_asserted();
        let l = self.interrupt.loc;
        let slot = &mut self.bytes_mut(None)[l.byte as usize];
        *slot = (*slot & !l.mask()) | ((!asserted as u8) << l.lsb);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A page 14h U64 read over two AXI words (two transactions) is one
    /// value: the first byte's read snapshots the rest, while hardware
    /// moves the live count on between the words.
    #[test]
    fn a_selected_u64_reads_coherently_across_transactions() {
        let cfg = EngineConfig::default();
        let mut m = CmisMemory::new(&cfg);
        let data = m.field_ref("DiagnosticsData", 0, 0);
        m.write_byte(127, 0x14).unwrap();
        // Before any first-byte read the snapshot is empty.
        m.hw_write_at(data, 0x1122_3344_5566_7788);
        assert_eq!(m.read_byte(199), Ok(0));
        m.hw_write_at(data, 0x00FF_FFFF_FFFF_FFFF);
        let word = |m: &mut CmisMemory, from: u8| -> Vec<u8> {
            m.begin();
            let v = (from..from + 4).map(|b| m.read_byte(b).unwrap()).collect();
            m.end_with(true);
            v
        };
        let mut bytes = word(&mut m, 192);
        m.hw_write_at(data, 0x0100_0000_0000_0000);
        bytes.extend(word(&mut m, 196));
        assert_eq!(
            u64::from_be_bytes(bytes.try_into().unwrap()),
            0x00FF_FFFF_FFFF_FFFF
        );
        // The next first-byte read takes the new value.
        assert_eq!(word(&mut m, 192), [1, 0, 0, 0]);
    }
}
