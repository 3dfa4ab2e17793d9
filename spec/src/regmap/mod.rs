//! The CMIS 5.x / OIF-ELSFP-CMIS management memory as data.
//!
//! Every field the engine implements is one [`Field`] row: page, byte, bit
//! range, width, access type, reset value, units and meaning. The HDL address
//! decode, the host model's register file, the driver's accessors and the
//! exports (JSON, Markdown, C header, SystemRDL) are all derived from this
//! table; nobody types an offset twice. The table itself is in [`cmis`].
//!
//! Conventions (CMIS): multi-byte values are big-endian (most significant byte
//! at the lowest address); lane 1 is bit 0 of a lane bitmap; per-lane
//! sub-byte fields pack from bit 0 of the lowest byte upwards (lane 1 in bits
//! 3:0, lane 2 in bits 7:4 of a nibble pair).

pub mod cmis;
pub mod codes;

use serde::{Deserialize, Serialize};

/// How the host may access a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Access {
    /// Read-only: written by hardware or fixed at build time.
    Ro,
    /// Read-write control.
    Rw,
    /// Write-only command; reads return 0.
    Wo,
    /// Latched flag: set by hardware, cleared by the host reading it; set
    /// again the next cycle if the condition persists.
    Rc,
    /// Self-clearing control: the host writes 1, hardware acts and clears it.
    Sc,
}

impl Access {
    /// The host can change it by writing.
    pub fn writable(self) -> bool {
        matches!(self, Access::Rw | Access::Wo | Access::Sc)
    }
    /// The host can read its value.
    pub fn readable(self) -> bool {
        !matches!(self, Access::Wo)
    }
    pub fn name(self) -> &'static str {
        match self {
            Access::Ro => "ro",
            Access::Rw => "rw",
            Access::Wo => "wo",
            Access::Rc => "rc",
            Access::Sc => "sc",
        }
    }
}

/// How a field's bits are interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Encoding {
    Unsigned,
    /// Two's complement.
    Signed,
    /// ASCII text, space padded.
    Ascii,
    /// One bit per lane.
    LaneBitmap,
    /// A code from a table named in the description.
    Code,
}

/// Where a field's reset value comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reset {
    /// A number (the whole field, big-endian for multi-byte fields).
    Value(u64),
    /// Text from the configuration's module identity, space padded.
    Identity(IdentityKey),
    /// The page checksum: low 8 bits of the sum of bytes `first..=last` of
    /// the same page, kept current by hardware.
    Checksum { first: u8, last: u8 },
}

/// The identity strings of page 00h, filled from the configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IdentityKey {
    VendorName,
    VendorOui,
    PartNumber,
    Revision,
    SerialNumber,
    DateCode,
}

/// What an ELSFP save/restore command (1Ah:184) copies: the bank's lane
/// controls or its flag masks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SaveSet {
    LaneControls,
    Masks,
}

/// ELSFP save/restore command codes (1Ah:184) and results (1Ah:185).
pub mod save_restore {
    /// Restore lane controls: factory defaults, set 1, set 2.
    pub const RESTORE_CONTROLS: [u8; 3] = [0x10, 0x11, 0x12];
    /// Save lane controls to set 1, set 2.
    pub const SAVE_CONTROLS: [u8; 2] = [0x18, 0x19];
    /// Restore masks: factory defaults, set 1, set 2.
    pub const RESTORE_MASKS: [u8; 3] = [0x20, 0x21, 0x22];
    /// Save masks to set 1, set 2.
    pub const SAVE_MASKS: [u8; 2] = [0x28, 0x29];
    pub const OK: u8 = 1;
    pub const BUSY: u8 = 2;
    pub const INVALID: u8 = 3;
    pub const NOTHING_SAVED: u8 = 4;
    pub const FAILED: u8 = 8;

    /// What a command asks for: `(set, slot, save)` with slot 0 the
    /// factory defaults (restore only), 1 and 2 the saved sets; `None` for
    /// an invalid command.
    pub fn decode(cmd: u8) -> Option<(super::SaveSet, usize, bool)> {
        use super::SaveSet::*;
        let pos = |t: &[u8]| t.iter().position(|&c| c == cmd);
        if let Some(k) = pos(&RESTORE_CONTROLS) {
            Some((LaneControls, k, false))
        } else if let Some(k) = pos(&SAVE_CONTROLS) {
            Some((LaneControls, k + 1, true))
        } else if let Some(k) = pos(&RESTORE_MASKS) {
            Some((Masks, k, false))
        } else {
            pos(&SAVE_MASKS).map(|k| (Masks, k + 1, true))
        }
    }
}

/// What hardware does with a field, as SystemRDL's `hw`, `hwset` and
/// `singlepulse` properties say it. The register block's hardware ports
/// are derived from these, never listed by hand.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HwRole {
    /// Hardware drives a read-only field (`hw=w`), sampled only while no
    /// transaction is open, so a sequential read is coherent.
    Input,
    /// Hardware raises a latched flag (`hwset`); a raise wins over a
    /// same-cycle read-clear.
    Latch,
    /// The field's stored value drives hardware (`hw=r`).
    Control,
    /// A one-cycle pulse after the host writes 1 to a self-clearing bit
    /// (`singlepulse`).
    Pulse,
    /// Like `Input`, computed inside the register block: the OR over the
    /// bank's laser lanes of the port named in [`Hw::summarizes`].
    Summary,
    /// Like `Input`, computed inside the register block: instance `k` of a
    /// bank shows the per-lane port that [`Hw::selects`] gives for the
    /// current value of its selector field (0 for other values). A
    /// multi-byte value is read coherently across transactions: a read of
    /// its first byte copies its other bytes, as sampled, into a snapshot
    /// that their reads return (CMIS 14h results: a U64 read as two AXI
    /// words, or byte by byte over I2C, is one value).
    Selected,
    /// Like `Input`, computed inside the register block: instance `i` is 1
    /// while any latched flag of page [`Hw::flags_of`] in bank `i` is set
    /// (CMIS lower bytes 4..7, the per-bank lane flag summary); 0 for a
    /// bank the page does not have.
    FlagSummary,
}

/// For [`HwRole::Selected`]: what each instance of the field shows, by the
/// value of another field of the same page and bank.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Selection {
    /// The selector field.
    pub by: String,
    pub choices: Vec<Choice>,
}

/// One selector value: instance `k` of bank `b` shows port
/// `ports[k % ports.len()]` of data lane `8 b + first_lane + k / ports.len()`
/// (0 if the module has no such lane).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Choice {
    pub value: u8,
    pub ports: Vec<String>,
    pub first_lane: u8,
}

impl Selection {
    /// The port and the lane within the bank that instance `k` shows when
    /// the selector holds `value`; `None` if the value selects nothing.
    pub fn source(&self, value: u8, k: u8) -> Option<(&str, u8)> {
        let c = self.choices.iter().find(|c| c.value == value)?;
        let n = c.ports.len() as u8;
        Some((c.ports[(k % n) as usize].as_str(), c.first_lane + k / n))
    }
}

/// How many hardware ports a field has.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HwScope {
    /// One port: a lower-page field, or one of an unbanked upper page.
    Module,
    /// One port per laser lane: lane `g` is instance (or bitmap bit)
    /// `g % 8` in bank `g / 8`; a field with one instance per bank serves
    /// all eight lanes of it.
    Laser,
    /// One port per data lane: lane `g` is instance (or bitmap bit) `g % 8`
    /// in bank `g / 8` of pages 10h..14h.
    Lane,
    /// One port per bank of the field's page (per bank and instance for a
    /// [`HwRole::Selected`] field).
    Bank,
}

/// A field's hardware interface: its role, how many ports, and the ports'
/// name and width (a control port may be wider than its field:
/// zero-extended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Hw {
    pub role: HwRole,
    pub scope: HwScope,
    /// Port name: a port declared in [`crate::hwif`] (which gives its
    /// width and the block on the other side); for a summary, a name of
    /// its own.
    pub port: String,
    pub port_width: u8,
    /// For [`HwRole::Summary`]: the per-laser-lane port it ORs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summarizes: Option<String>,
    /// For [`HwRole::Selected`]: the ports its instances show.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub selects: Option<Selection>,
    /// For [`HwRole::FlagSummary`]: the page whose flags it summarizes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub flags_of: Option<u8>,
}

/// One field, possibly repeated per lane.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Field {
    /// CMIS-style name, unique within the map (e.g. `LowPwrRequestSW`).
    pub name: String,
    /// Page number; the lower page is page 0 with `byte < 128`.
    pub page: u8,
    /// First byte of the first instance (0..=255).
    pub byte: u8,
    /// Bytes per instance (1 for fields of up to 8 bits).
    pub len: u8,
    /// Lowest bit of the first instance within its byte (0 for whole bytes).
    pub lsb: u8,
    /// Bits per instance.
    pub width: u8,
    /// Instances (lanes); 1 for a scalar field.
    pub count: u8,
    /// Distance between instances, in bits.
    pub stride_bits: u16,
    pub access: Access,
    pub encoding: Encoding,
    pub reset: Reset,
    /// Units of one least significant bit, if the field is a quantity.
    pub units: Option<String>,
    /// Written by hardware (status, monitors, latched flags): a read-only
    /// field whose value may change at any time.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub volatile: bool,
    /// For a latched flag: the mask field whose set bits keep it from
    /// asserting IntL (same page, same instance layout).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub masked_by: Option<String>,
    /// For a per-lane latched flag: a lane bitmap on the same page (one
    /// byte per bank) whose bit for the flag's lane also keeps it from
    /// asserting IntL — ELSFP's global alarm and warning masks (1Ah:210/211).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub global_mask: Option<String>,
    /// The ELSFP save/restore set (1Ah:184) that holds this control.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub saved: Option<SaveSet>,
    /// What hardware does with the field, if anything.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hw: Option<Hw>,
    pub description: String,
}

/// The location of one instance of a field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Location {
    pub page: u8,
    pub byte: u8,
    pub len: u8,
    pub lsb: u8,
    pub width: u8,
}

impl Location {
    /// Mask of the instance's bits within its byte (for sub-byte fields).
    pub fn mask(&self) -> u8 {
        if self.width >= 8 {
            0xff
        } else {
            (((1u16 << self.width) - 1) << self.lsb) as u8
        }
    }
}

impl Field {
    /// Where instance `i` (0-based lane within the bank) lives.
    pub fn instance(&self, i: u8) -> Location {
        assert!(
            i < self.count,
            "{}: instance {i} of {}",
            self.name,
            self.count
        );
        let bit = self.lsb as u32 + i as u32 * self.stride_bits as u32;
        Location {
            page: self.page,
            byte: self.byte + (bit / 8) as u8,
            len: self.len,
            lsb: (bit % 8) as u8,
            width: self.width,
        }
    }

    /// Every byte any instance touches, in order.
    pub fn bytes(&self) -> impl Iterator<Item = u8> + '_ {
        let first = self.byte;
        let last = self.last_byte();
        first..=last
    }

    /// The last byte any instance touches.
    pub fn last_byte(&self) -> u8 {
        let l = self.instance(self.count - 1);
        (l.byte as u16 + l.len as u16 - 1) as u8
    }

    /// Whether this field lives in the lower page (bytes 0..127).
    pub fn in_lower(&self) -> bool {
        self.byte < 128
    }
}

/// A page of the upper memory (or the lower page, as page 0 bytes 0..127).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Page {
    pub page: u8,
    /// Banks implemented (1 for unbanked pages).
    pub banks: u8,
    pub name: String,
    pub description: String,
}

/// The whole management memory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegisterMap {
    pub name: String,
    /// CMIS revision implemented, major.minor.
    pub cmis_revision: String,
    pub pages: Vec<Page>,
    pub fields: Vec<Field>,
}

/// Linear address in the Linux optoe / SONiC layout: the lower page at
/// 0..127, upper byte `byte` (128..255) of `page` in `bank` at
/// `(bank * 256 + page) * 128 + byte`.
pub fn linear_address(bank: u8, page: u8, byte: u8) -> u32 {
    if byte < 128 {
        byte as u32
    } else {
        (bank as u32 * 256 + page as u32) * 128 + byte as u32
    }
}

impl RegisterMap {
    /// The field called `name`.
    pub fn field(&self, name: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.name == name)
    }

    /// The page entry for `page`, if implemented.
    pub fn page(&self, page: u8) -> Option<&Page> {
        self.pages.iter().find(|p| p.page == page)
    }

    /// Two upper pages with the same banks: a flag on one may have its
    /// mask on the other, bank for bank (CMIS lane flags on 11h, their
    /// masks on 10h).
    fn same_banks(&self, a: u8, b: u8) -> bool {
        match (self.page(a), self.page(b)) {
            (Some(pa), Some(pb)) => a >= 0x10 && b >= 0x10 && pa.banks == pb.banks,
            _ => false,
        }
    }

    /// Fields on `page`'s upper half (or the lower page for `None`), by byte.
    pub fn fields_of(&self, page: Option<u8>) -> Vec<&Field> {
        let mut v: Vec<&Field> = self
            .fields
            .iter()
            .filter(|f| match page {
                None => f.in_lower(),
                Some(p) => !f.in_lower() && f.page == p,
            })
            .collect();
        v.sort_by_key(|f| (f.byte, f.lsb));
        v
    }

    /// Reset contents of the lower page (`None`, bytes 0..127) or of an upper
    /// page (bytes 128..255), index 0 being the first byte of the half.
    /// Identity text comes from `id`; checksums are computed last.
    pub fn reset_half(&self, page: Option<u8>, id: &crate::ModuleIdentity) -> [u8; 128] {
        let base = if page.is_none() { 0usize } else { 128 };
        let mut img = [0u8; 128];
        let fields = self.fields_of(page);
        for f in &fields {
            for i in 0..f.count {
                let l = f.instance(i);
                let at = l.byte as usize - base;
                match &f.reset {
                    Reset::Value(v) => {
                        if l.len > 1 {
                            for k in 0..l.len as usize {
                                img[at + k] = (*v >> (8 * (l.len as usize - 1 - k))) as u8;
                            }
                        } else {
                            let mask = l.mask();
                            img[at] = (img[at] & !mask) | (((*v as u8) << l.lsb) & mask);
                        }
                    }
                    Reset::Identity(k) => {
                        let mut text = id.bytes(*k);
                        let pad = if *k == IdentityKey::VendorOui {
                            0
                        } else {
                            b' '
                        };
                        text.resize(l.len as usize, pad);
                        img[at..at + l.len as usize].copy_from_slice(&text);
                    }
                    Reset::Checksum { .. } => {}
                }
            }
        }
        for f in &fields {
            if let Reset::Checksum { first, last } = f.reset {
                let sum: u32 = (first..=last).map(|b| img[b as usize - base] as u32).sum();
                img[f.byte as usize - base] = sum as u8;
            }
        }
        img
    }

    /// Structural checks: names unique, fields inside their half page, no
    /// two fields sharing a bit, every upper field on a declared page,
    /// checksums over their own page. Returns every problem found.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut names = std::collections::HashSet::new();
        // (page or 0xFFFF for lower, byte) -> bits used
        let mut used: std::collections::HashMap<(u16, u8), u8> = Default::default();
        for f in &self.fields {
            if !names.insert(f.name.as_str()) {
                problems.push(format!("{}: duplicate name", f.name));
            }
            if f.count == 0 || f.width == 0 || f.len == 0 {
                problems.push(format!("{}: empty field", f.name));
                continue;
            }
            if f.len > 1 && (f.lsb != 0 || f.width as u16 != f.len as u16 * 8) {
                problems.push(format!("{}: multi-byte fields must be whole bytes", f.name));
            }
            if f.len == 1 && f.lsb as u16 + f.width as u16 > 8 {
                problems.push(format!(
                    "{}: bits {}+{} leave the byte",
                    f.name, f.lsb, f.width
                ));
            }
            let last = f.instance(f.count - 1);
            let end = last.byte as u16 + last.len as u16 - 1;
            let (lo, hi) = if f.in_lower() { (0, 127) } else { (128, 255) };
            if end > hi || (f.byte as u16) < lo {
                problems.push(format!(
                    "{}: bytes {}..={end} leave {lo}..={hi}",
                    f.name, f.byte
                ));
                continue;
            }
            if !f.in_lower() && self.page(f.page).is_none() {
                problems.push(format!("{}: page {:02X}h is not declared", f.name, f.page));
            }
            let key_page = if f.in_lower() { 0xFFFF } else { f.page as u16 };
            for i in 0..f.count {
                let l = f.instance(i);
                for b in 0..l.len {
                    let mask = if l.len > 1 { 0xff } else { l.mask() };
                    let slot = used.entry((key_page, l.byte + b)).or_insert(0);
                    if *slot & mask != 0 {
                        problems.push(format!(
                            "{}: overlaps another field at byte {}",
                            f.name,
                            l.byte + b
                        ));
                    }
                    *slot |= mask;
                }
            }
            if let Reset::Checksum { first, last } = f.reset {
                if f.in_lower() || first > last || (first..=last).contains(&f.byte) {
                    problems.push(format!(
                        "{}: checksum range {first}..={last} is wrong",
                        f.name
                    ));
                }
            }
            if let Some(m) = &f.masked_by {
                match self.field(m) {
                    Some(mf)
                        if mf.access == Access::Rw
                            && (mf.page == f.page || self.same_banks(mf.page, f.page))
                            && mf.in_lower() == f.in_lower()
                            && mf.width == f.width
                            && mf.count == f.count
                            && mf.lsb == f.lsb => {}
                    _ => problems.push(format!("{}: mask {m} is not a matching rw field", f.name)),
                }
                if f.access != Access::Rc {
                    problems.push(format!("{}: only latched flags have masks", f.name));
                }
            }
            if f.saved.is_some() && (f.access != Access::Rw || !matches!(f.page, 0x1A | 0x1B)) {
                problems.push(format!(
                    "{}: only rw fields of pages 1Ah/1Bh can be saved",
                    f.name
                ));
            }
            if let Some(m) = &f.global_mask {
                match self.field(m) {
                    Some(mf)
                        if mf.access == Access::Rw
                            && (mf.page == f.page || self.same_banks(mf.page, f.page))
                            && mf.encoding == Encoding::LaneBitmap
                            && f.encoding == Encoding::LaneBitmap
                            && f.access == Access::Rc => {}
                    _ => problems.push(format!(
                        "{}: global mask {m} is not an rw lane bitmap over a latched lane bitmap",
                        f.name
                    )),
                }
            }
            if let Reset::Value(v) = f.reset {
                if f.width < 64 && v >> f.width != 0 {
                    problems.push(format!(
                        "{}: reset {v:#x} wider than {} bits",
                        f.name, f.width
                    ));
                }
            }
        }
        // A read-modify-write of a writable byte must not clear latched
        // flags: no byte holds both.
        let mut rc_bytes = std::collections::HashSet::new();
        let mut w_bytes = std::collections::HashSet::new();
        for f in &self.fields {
            let key_page = if f.in_lower() { 0xFFFF } else { f.page as u16 };
            for b in f.bytes() {
                if f.access == Access::Rc {
                    rc_bytes.insert((key_page, b));
                } else if f.access.writable() {
                    w_bytes.insert((key_page, b));
                }
            }
        }
        for (p, b) in rc_bytes.intersection(&w_bytes) {
            problems.push(format!(
                "byte {b} of page {p:X} mixes latched flags and writable bits"
            ));
        }
        problems
    }
}
