//! ELSFP save/restore (1Ah:184/185), written from OIF-ELSFP-CMIS: a host
//! writes a command to a bank's SaveRestoreCommand and reads the result in
//! SaveRestoreStatus. Restore commands bring back the bank's lane controls
//! or its masks from the factory defaults (the map's reset values) or from
//! one of two saved sets; save commands copy the current ones into a set.
//!
//! Our decisions (README): a command completes at the edge of its write,
//! so "busy" is never reported; restoring a set never saved reports
//! "nothing saved" and changes nothing; an unknown command reports
//! "invalid". The sets live in registers and are lost on a module reset (an
//! FPGA prototype has no non-volatile memory behind the register block).

use super::memory::{CmisMemory, FieldRef};
use xpo_spec::regmap::save_restore::{decode, INVALID, NOTHING_SAVED, OK};
use xpo_spec::regmap::{Reset, SaveSet};

/// Every saved field instance of one bank, with its factory value.
#[derive(Debug, Clone)]
struct BankSets {
    command: FieldRef,
    status: FieldRef,
    /// `[LaneControls, Masks]`: `(field, factory value)`.
    fields: [Vec<(FieldRef, u64)>; 2],
    /// `[kind][slot - 1]`: the saved values, in `fields` order.
    saved: [[Option<Vec<u64>>; 2]; 2],
}

/// Save/restore for every bank of page 1Ah.
#[derive(Debug, Clone, Default)]
pub struct SaveRestore {
    banks: Vec<BankSets>,
}

impl SaveRestore {
    /// Resolves the saved fields of `memory`'s map, bank by bank.
    pub fn new(memory: &CmisMemory) -> Self {
        let map = memory.map();
        let Some(page) = map.page(0x1A) else {
            return Self::default();
        };
        if map.field("SaveRestoreCommand").is_none() {
            return Self::default();
        }
        let banks = (0..page.banks)
            .map(|bank| {
                let of = |set: SaveSet| {
                    map.fields
                        .iter()
                        .filter(|f| f.saved == Some(set))
                        .flat_map(|f| {
                            // A reset value applies to every instance.
                            let factory = match f.reset {
                                Reset::Value(v) => v,
                                _ => 0,
                            };
                            (0..f.count).map(move |i| (f.name.as_str(), i, factory))
                        })
                        .map(|(name, i, v)| (memory.field_ref(name, bank, i), v))
                        .collect::<Vec<_>>()
                };
                BankSets {
                    command: memory.field_ref("SaveRestoreCommand", bank, 0),
                    status: memory.field_ref("SaveRestoreStatus", bank, 0),
                    fields: [of(SaveSet::LaneControls), of(SaveSet::Masks)],
                    saved: Default::default(),
                }
            })
            .collect();
        Self { banks }
    }

    /// The bank whose command byte is `byte` of store slot `slot`, if any.
    pub fn bank_of(&self, slot: usize, byte: u8) -> Option<usize> {
        self.banks
            .iter()
            .position(|b| b.command.slot == slot && b.command.loc.byte == byte)
    }

    /// Runs `cmd`, written to bank `bank`'s command byte, on `memory`.
    pub fn run(&mut self, memory: &mut CmisMemory, bank: usize, cmd: u8) {
        let b = &mut self.banks[bank];
        let status = match decode(cmd) {
            None => INVALID,
            Some((set, slot, save)) => {
                let kind = set as usize;
                if save {
                    let values = b.fields[kind]
                        .iter()
                        .map(|&(r, _)| memory.peek_at(r))
                        .collect();
                    b.saved[kind][slot - 1] = Some(values);
                    OK
                } else {
                    let values: Option<Vec<u64>> = if slot == 0 {
                        Some(b.fields[kind].iter().map(|&(_, v)| v).collect())
                    } else {
                        b.saved[kind][slot - 1].clone()
                    };
                    match values {
                        Some(values) => {
                            for (&(r, _), v) in b.fields[kind].iter().zip(values) {
                                memory.poke_at(r, v);
                            }
                            OK
                        }
                        None => NOTHING_SAVED,
                    }
                }
            }
        };
        memory.poke_at(b.status, status as u64);
    }
}
