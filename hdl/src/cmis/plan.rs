//! `RegPlan`: what the register block must do with each byte, derived once
//! from the register map and shared by the block's simulation and its
//! Verilog generator, so the two cannot drift apart.

use xpo_spec::regmap::{Access, RegisterMap};
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

/// What hardware does with a field through the register block's named
/// ports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HwRole {
    /// Hardware drives a read-only field (sampled only while no transaction
    /// is open, so a sequential read is coherent).
    Input,
    /// Hardware raises a latched flag (a set wins over a same-cycle read).
    Latch,
    /// The field's stored value drives hardware.
    Control,
    /// A one-cycle pulse after the host writes 1 to a self-clearing bit.
    Pulse,
}

/// The register block's hardware interface: port name, field, role. The
/// block's struct has one signal per row, by the same name.
pub const HWIF: &[(&str, &str, HwRole)] = &[
    ("module_state", "ModuleState", HwRole::Input),
    ("module_state_changed", "ModuleStateChanged", HwRole::Latch),
    ("low_pwr_request_sw", "LowPwrRequestSW", HwRole::Control),
    (
        "low_pwr_allow_request_hw",
        "LowPwrAllowRequestHW",
        HwRole::Control,
    ),
    ("software_reset", "SoftwareReset", HwRole::Pulse),
];

/// One resolved hardware port (lower-page fields only, so far).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct HwPort {
    pub port: &'static str,
    pub role: HwRole,
    pub byte: u8,
    pub lsb: u8,
    pub width: u8,
}

impl HwPort {
    pub fn mask(&self) -> u8 {
        ((((1u16 << self.width) - 1) << self.lsb) & 0xff) as u8
    }
}

/// A latched flag field instance and its mask: `(half, flag byte index,
/// bits, mask byte index)`; without a mask the flag always counts.
pub type FlagTerm = (usize, u8, u8, Option<u8>);

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
    /// The hardware interface, in [`HWIF`] order.
    pub hwif: Vec<HwPort>,
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
                        let mask_byte = f
                            .masked_by
                            .as_ref()
                            .map(|m| map.field(m).expect("mask field").instance(i).byte & 0x7f);
                        flags.push((h, l.byte & 0x7f, l.mask(), mask_byte));
                    }
                }
            }
        }
        let hwif: Vec<HwPort> = HWIF
            .iter()
            .map(|&(port, field, role)| {
                let f = map
                    .field(field)
                    .unwrap_or_else(|| panic!("hwif field {field}"));
                assert!(
                    f.in_lower() && f.count == 1 && f.len == 1,
                    "hwif {field}: lower-page byte fields only"
                );
                let l = f.instance(0);
                HwPort {
                    port,
                    role,
                    byte: l.byte,
                    lsb: l.lsb,
                    width: l.width,
                }
            })
            .collect();
        for h in &mut halves {
            let img = map.reset_half(h.key.map(|(_, p)| p), &cfg.identity);
            for (b, c) in h.bytes.iter_mut().enumerate() {
                c.reset = img[b];
                let hw_input = h.key.is_none()
                    && hwif
                        .iter()
                        .any(|p| p.role == HwRole::Input && p.byte as usize == b);
                c.stored = c.store != 0 || c.rc != 0 || hw_input;
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
