//! `RegPlan`: what the register block must do with each byte, derived once
//! from the register map and shared by the block's simulation and its
//! Verilog generator, so the two cannot drift apart.

use xpo_spec::hwif::BUNDLES;
use xpo_spec::regmap::{Access, RegisterMap, SaveSet};
use xpo_spec::EngineConfig;

/// The bit classes of one implemented byte.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ByteClass {
    /// Bits that belong to some field.
    pub any: u8,
    /// Bits the host writes (rw and wo).
    pub store: u8,
    /// Bits that read as 0 (wo and sc).
    pub read_zero: u8,
    /// Latched flags (cleared by a read).
    pub rc: u8,
    /// Self-clearing command bits.
    pub sc: u8,
    /// Reset (and, for constant bytes, permanent) value.
    pub reset: u8,
    /// Index into `RegPlan::groups` for bytes of a multi-byte writable value.
    pub group: Option<usize>,
    /// The byte needs a register (anything but a constant).
    pub stored: bool,
    /// A byte after the first of a value read through a snapshot
    /// ([`HwRole::Selected`]): it reads its snapshot register, which a read
    /// of the value's first byte loads.
    pub snapshot: bool,
}

/// One half page as the block sees it.
#[derive(Debug, Clone)]
pub struct HalfPlan {
    /// `None`: the lower page; `Some((bank, page))` an upper half.
    pub key: Option<(u8, u8)>,
    pub bytes: [ByteClass; 128],
}

impl HalfPlan {
    /// Short identifier used in generated names (`L`, `P1BB0`).
    pub fn tag(&self) -> String {
        match self.key {
            None => "L".into(),
            Some((bank, page)) => format!("P{page:02X}B{bank}"),
        }
    }
}

/// A multi-byte writable value: committed only when all its bytes were
/// written in one transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub half: usize,
    /// Index (0..127) of its first byte within the half.
    pub first: u8,
    pub len: u8,
}

pub use xpo_spec::regmap::{HwRole, HwScope};

/// One resolved hardware port.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HwPort {
    /// The port name on the field's map row (`Hw::port`).
    pub base: String,
    /// The laser lane, for per-lane rows; the bank, for per-bank rows.
    pub lane: Option<usize>,
    /// The Verilog port name: `member$base` for a module bundle,
    /// `member$lane$base` for a laser-lane bundle (rust-hdl's names for
    /// the register block's [`crate::cmis::hwif`] members); summaries,
    /// computed inside the block, are named `base$bank`.
    pub port: String,
    /// The declaring bundle's index in `xpo_spec::hwif::BUNDLES` and the
    /// port's index in it; `None` for summaries.
    pub bundle: Option<(usize, usize)>,
    pub role: HwRole,
    /// For a summary: the per-laser-lane port it ORs.
    pub summarizes: Option<String>,
    /// The half page and the byte within it (0..127).
    pub half: usize,
    pub byte: u8,
    pub lsb: u8,
    /// Field bits within the byte (1..8), or 16 for a two-byte value.
    pub width: u8,
    /// Bytes of the value: 1, or 2 (big-endian, first byte most significant).
    pub len: u8,
    /// Width of the port.
    pub port_width: u8,
    /// For a selected value: its selector's half and byte, and per
    /// selector value the index in [`RegPlan::sources`] of the port it
    /// shows (`None`: a lane the module does not have; reads 0).
    pub selector: Option<(usize, u8)>,
    pub choices: Vec<(u8, Option<usize>)>,
    /// For a flag summary: the half whose latched flags it ORs.
    pub flags_of: Option<usize>,
}

/// A per-data-lane status port that selected values show.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourcePort {
    /// The Verilog name, `data_lane$g$base`.
    pub port: String,
    pub lane: usize,
    /// The bundle's index in `xpo_spec::hwif::BUNDLES` and the port's.
    pub bundle: (usize, usize),
    pub width: u8,
}

impl HwPort {
    /// The field's bits within its byte (all of them for two-byte values).
    pub fn mask(&self) -> u8 {
        if self.len > 1 {
            0xff
        } else {
            ((((1u16 << self.width) - 1) << self.lsb) & 0xff) as u8
        }
    }
}

/// A latched flag field instance and its masks; a set bit in either mask
/// byte (same bit positions) keeps the flag bit from IntL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagTerm {
    pub half: usize,
    /// Byte index (0..127) of the flag within its half.
    pub byte: u8,
    pub bits: u8,
    /// Its mask: the half and byte index (CMIS lane flags on page 11h
    /// have their masks on page 10h of the same bank); its ELSFP global
    /// mask's byte index in the flag's own half.
    pub mask: Option<(usize, u8)>,
    pub global: Option<u8>,
}

/// The bits of one byte a save/restore set holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SavedByte {
    pub half: usize,
    /// Byte index (0..127) within the half.
    pub byte: u8,
    pub bits: u8,
}

/// ELSFP save/restore (1Ah:184/185) for one bank: a write to the command
/// byte runs the command at that edge and sets the status byte; the sets
/// hold the bank's lane controls ([0]) and masks ([1]) from pages 1Ah and
/// 1Bh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveBank {
    pub bank: u8,
    pub half: usize,
    pub command: u8,
    pub status: u8,
    pub sets: [Vec<SavedByte>; 2],
}

/// Everything the register block is generated from.
#[derive(Debug, Clone)]
pub struct RegPlan {
    pub halves: Vec<HalfPlan>,
    pub groups: Vec<Group>,
    pub flags: Vec<FlagTerm>,
    /// Byte index in the lower page of BankSelect and PageSelect.
    pub bank_select: u8,
    pub page_select: u8,
    /// Lower-page byte and bit of InterruptDeasserted.
    pub interrupt: (u8, u8),
    /// `(page, banks)` of every upper page.
    pub pages: Vec<(u8, u8)>,
    /// The hardware interface, in map order of the fields that have a
    /// hardware role (`Field::hw`), per-lane rows expanded lane by lane.
    pub hwif: Vec<HwPort>,
    /// Save/restore, one per bank of page 1Ah.
    pub saves: Vec<SaveBank>,
    /// The ports selected values choose among, each once.
    pub sources: Vec<SourcePort>,
}

impl RegPlan {
    /// The plan for `cfg`'s register map.
    pub fn new(cfg: &EngineConfig) -> Self {
        let map: RegisterMap = cfg.register_map();
        let mut halves = vec![HalfPlan {
            key: None,
            bytes: [ByteClass::default(); 128],
        }];
        let mut pages = Vec::new();
        for p in &map.pages {
            pages.push((p.page, p.banks));
            for bank in 0..p.banks {
                halves.push(HalfPlan {
                    key: Some((bank, p.page)),
                    bytes: [ByteClass::default(); 128],
                });
            }
        }
        let find = |halves: &[HalfPlan], key: Option<(u8, u8)>| {
            halves.iter().position(|h| h.key == key).expect("half")
        };
        let mut groups = Vec::new();
        let mut flags = Vec::new();
        for f in &map.fields {
            let keys: Vec<Option<(u8, u8)>> = if f.in_lower() {
                vec![None]
            } else {
                let banks = map.page(f.page).expect("declared page").banks;
                (0..banks).map(|b| Some((b, f.page))).collect()
            };
            for key in keys {
                let h = find(&halves, key);
                for i in 0..f.count {
                    let l = f.instance(i);
                    let group = if l.len > 1 && f.access.writable() {
                        groups.push(Group {
                            half: h,
                            first: l.byte & 0x7f,
                            len: l.len,
                        });
                        Some(groups.len() - 1)
                    } else {
                        None
                    };
                    for k in 0..l.len {
                        let c = &mut halves[h].bytes[((l.byte + k) & 0x7f) as usize];
                        let mask = if l.len > 1 { 0xff } else { l.mask() };
                        c.any |= mask;
                        match f.access {
                            Access::Rw => c.store |= mask,
                            Access::Wo => {
                                c.store |= mask;
                                c.read_zero |= mask;
                            }
                            Access::Rc => c.rc |= mask,
                            Access::Sc => {
                                c.sc |= mask;
                                c.read_zero |= mask;
                            }
                            Access::Ro => {}
                        }
                        if group.is_some() {
                            c.group = group;
                        }
                    }
                    if f.access == Access::Rc {
                        let mask_byte = f.masked_by.as_ref().map(|m| {
                            let mf = map.field(m).expect("mask field");
                            let mkey = key.map(|(b, _)| (b, mf.page));
                            (find(&halves, mkey), mf.instance(i).byte & 0x7f)
                        });
                        let global_byte = f.global_mask.as_ref().and_then(|m| {
                            let mf = map.field(m).expect("global mask field");
                            (i < mf.count).then(|| mf.instance(i).byte & 0x7f)
                        });
                        flags.push(FlagTerm {
                            half: h,
                            byte: l.byte & 0x7f,
                            bits: l.mask(),
                            mask: mask_byte,
                            global: global_byte,
                        });
                    }
                }
            }
        }
        let mut hwif: Vec<HwPort> = Vec::new();
        let mut sources: Vec<SourcePort> = Vec::new();
        for (f, hw) in map
            .fields
            .iter()
            .filter_map(|f| f.hw.as_ref().map(|h| (f, h)))
        {
            let (field, role, scope, port_width) = (&f.name, hw.role, hw.scope, hw.port_width);
            let base = hw.port.as_str();
            // (laser lane or bank, the bank of a module port's field)
            let lanes: Vec<(Option<usize>, u8)> = match scope {
                HwScope::Module => {
                    assert!(f.count == 1, "hwif {field}");
                    let banks = if f.in_lower() {
                        1
                    } else {
                        map.page(f.page).expect("declared page").banks
                    };
                    // A module value on a banked page shows in every bank;
                    // only hardware-driven ones can (one control per port).
                    assert!(
                        banks == 1 || matches!(role, HwRole::Input | HwRole::Latch),
                        "hwif {field}: a module control on a banked page"
                    );
                    (0..banks).map(|b| (None, b)).collect()
                }
                HwScope::Laser => (0..cfg.laser_lanes).map(|g| (Some(g), 0)).collect(),
                HwScope::Lane => (0..cfg.lanes).map(|g| (Some(g), 0)).collect(),
                HwScope::Bank => {
                    let banks = map.page(f.page).map_or(1, |p| p.banks);
                    if let Some(page) = hw.flags_of {
                        // Instance i for bank i of the summarized page.
                        let of = map.page(page).expect("declared page").banks;
                        (0..f.count.min(of))
                            .map(|i| (Some(i as usize), i))
                            .collect()
                    } else if role == HwRole::Selected {
                        // (bank, instance)
                        (0..banks)
                            .flat_map(|b| (0..f.count).map(move |k| (Some(b as usize), k)))
                            .collect()
                    } else {
                        assert!(f.count == 1 && f.len == 1, "hwif {field}");
                        (0..banks).map(|b| (Some(b as usize), 0)).collect()
                    }
                }
            };
            for (lane, bank) in lanes {
                if let Some(page) = hw.flags_of {
                    let (b, l) = (bank, f.instance(bank));
                    hwif.push(HwPort {
                        base: base.to_string(),
                        lane,
                        port: format!("{base}${b}"),
                        bundle: None,
                        role,
                        summarizes: None,
                        half: 0,
                        byte: l.byte,
                        lsb: l.lsb,
                        width: 1,
                        len: 1,
                        port_width,
                        selector: None,
                        choices: Vec::new(),
                        flags_of: Some(find(&halves, Some((b, page)))),
                    });
                    continue;
                }
                if let Some(sel) = &hw.selects {
                    let (b, k) = (lane.expect("per bank"), bank);
                    let l = f.instance(k);
                    let half = find(&halves, Some((b as u8, f.page)));
                    let by = map.field(&sel.by).expect("selector").instance(0);
                    let choices = sel
                        .choices
                        .iter()
                        .map(|c| {
                            let (base, lane) = sel.source(c.value, k).expect("listed");
                            let g = 8 * b + lane as usize;
                            let src = (g < cfg.lanes).then(|| {
                                let bundle = xpo_spec::hwif::find(base).expect("declared");
                                let port = format!("{}${g}${base}", BUNDLES[bundle.0].member);
                                let width = BUNDLES[bundle.0].signals[bundle.1].width;
                                assert_eq!(width, 8 * l.len, "{field}: source {base} width");
                                match sources.iter().position(|s: &SourcePort| s.port == port) {
                                    Some(i) => i,
                                    None => {
                                        sources.push(SourcePort {
                                            port,
                                            lane: g,
                                            bundle,
                                            width,
                                        });
                                        sources.len() - 1
                                    }
                                }
                            });
                            (c.value, src)
                        })
                        .collect();
                    hwif.push(HwPort {
                        base: base.to_string(),
                        lane: Some(b),
                        port: format!("{base}${b}${k}"),
                        bundle: None,
                        role,
                        summarizes: None,
                        half,
                        byte: l.byte & 0x7f,
                        lsb: 0,
                        width: 8 * l.len,
                        len: l.len,
                        port_width,
                        selector: Some((half, by.byte & 0x7f)),
                        choices,
                        flags_of: None,
                    });
                    continue;
                }
                let (key, byte, lsb, width, len) = match lane {
                    None => {
                        let l = f.instance(0);
                        let key = (!f.in_lower()).then_some((bank, f.page));
                        let width = if l.len > 1 { 8 * l.len } else { l.width };
                        (key, l.byte, l.lsb, width, l.len)
                    }
                    Some(b) if scope == HwScope::Bank => {
                        let l = f.instance(0);
                        (Some((b as u8, f.page)), l.byte, l.lsb, l.width, 1)
                    }
                    Some(g) => {
                        let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
                        let key = Some((bank, f.page));
                        if f.encoding == xpo_spec::regmap::Encoding::LaneBitmap {
                            let l = f.instance(0);
                            (key, l.byte + k / 8, k % 8, 1, 1)
                        } else {
                            let l = f.instance(if f.count == 1 { 0 } else { k });
                            let width = if l.len > 1 { 8 * l.len } else { l.width };
                            (key, l.byte, l.lsb, width, l.len)
                        }
                    }
                };
                assert!(
                    port_width >= width.min(16),
                    "hwif {base}: port narrower than {field}"
                );
                let bundle = (role != HwRole::Summary).then(|| {
                    xpo_spec::hwif::find(base)
                        .unwrap_or_else(|| panic!("hwif {field}: port {base} in no bundle"))
                });
                let port = match (bundle, lane) {
                    (Some((b, _)), Some(g)) => format!("{}${g}${base}", BUNDLES[b].member),
                    (Some((b, _)), None) => format!("{}${base}", BUNDLES[b].member),
                    (None, lane) => {
                        lane.map_or_else(|| base.to_string(), |g| format!("{base}${g}"))
                    }
                };
                hwif.push(HwPort {
                    base: base.to_string(),
                    lane,
                    port,
                    bundle,
                    role,
                    summarizes: hw.summarizes.clone(),
                    half: find(&halves, key),
                    byte: byte & 0x7f,
                    lsb,
                    width,
                    len,
                    port_width,
                    selector: None,
                    choices: Vec::new(),
                    flags_of: None,
                });
            }
        }
        let mut saves = Vec::new();
        if let (Some(cmd), Some(status), Some(p)) = (
            map.field("SaveRestoreCommand"),
            map.field("SaveRestoreStatus"),
            map.page(0x1A),
        ) {
            for bank in 0..p.banks {
                let half = find(&halves, Some((bank, 0x1A)));
                let mut sets: [Vec<SavedByte>; 2] = [Vec::new(), Vec::new()];
                for (k, set) in [SaveSet::LaneControls, SaveSet::Masks].iter().enumerate() {
                    for f in map.fields.iter().filter(|f| f.saved == Some(*set)) {
                        let h = find(&halves, Some((bank, f.page)));
                        for i in 0..f.count {
                            let l = f.instance(i);
                            for b in 0..l.len {
                                let mask = if l.len > 1 { 0xff } else { l.mask() };
                                let byte = (l.byte + b) & 0x7f;
                                match sets[k].iter_mut().find(|e| (e.half, e.byte) == (h, byte)) {
                                    Some(e) => e.bits |= mask,
                                    None => sets[k].push(SavedByte {
                                        half: h,
                                        byte,
                                        bits: mask,
                                    }),
                                }
                            }
                        }
                    }
                }
                saves.push(SaveBank {
                    bank,
                    half,
                    command: cmd.byte & 0x7f,
                    status: status.byte & 0x7f,
                    sets,
                });
            }
        }
        for (hi, h) in halves.iter_mut().enumerate() {
            let img = map.reset_half(h.key.map(|(_, p)| p), &cfg.identity);
            for (b, c) in h.bytes.iter_mut().enumerate() {
                c.reset = img[b];
                let hw_input = hwif.iter().any(|p| {
                    matches!(
                        p.role,
                        HwRole::Input | HwRole::Summary | HwRole::Selected | HwRole::FlagSummary
                    ) && p.half == hi
                        && (b as u8).wrapping_sub(p.byte) < p.len
                });
                c.snapshot = hwif.iter().any(|p| {
                    p.role == HwRole::Selected
                        && p.half == hi
                        && (b as u8).wrapping_sub(p.byte).wrapping_sub(1) < p.len - 1
                });
                let save_status = saves.iter().any(|s| s.half == hi && s.status as usize == b);
                c.stored = c.store != 0 || c.rc != 0 || hw_input || save_status;
            }
        }
        let field = |n: &str| {
            map.field(n)
                .unwrap_or_else(|| panic!("{n} in the map"))
                .instance(0)
        };
        let irq = field("InterruptDeasserted");
        Self {
            halves,
            groups,
            flags,
            bank_select: field("BankSelect").byte,
            page_select: field("PageSelect").byte,
            interrupt: (irq.byte, irq.lsb),
            pages,
            hwif,
            saves,
            sources,
        }
    }

    /// The half a window byte address reaches, given the current bank and
    /// page selects; `None` when the page or bank is not implemented.
    pub fn resolve(&self, addr: u8, bank: u8, page: u8) -> Option<usize> {
        if addr < 128 {
            return Some(0);
        }
        let &(_, banks) = self.pages.iter().find(|(p, _)| *p == page)?;
        let bank = if page < 0x10 { 0 } else { bank };
        if bank >= banks {
            return None;
        }
        self.halves.iter().position(|h| h.key == Some((bank, page)))
    }
}
