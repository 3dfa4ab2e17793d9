//! Management traffic: seeded random transactions on the byte port, for
//! cross-checking the register block against the model.
//!
//! Each transaction raises `mgmt_txn`, issues a few reads and writes (with
//! idle cycles between some), and drops `mgmt_txn` for at least one cycle.
//! Accesses are biased towards what matters: bytes that hold fields on the
//! selected page, bank and page switches (to implemented and unimplemented
//! pages and banks), both and single bytes of multi-byte values,
//! read-only and empty bytes, and latched flags.

use crate::lockstep::Stimulus;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use xpo_spec::regmap::RegisterMap;
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs, MgmtInputs};

#[derive(Debug, Clone, Copy)]
enum Op {
    Read(u8),
    Write(u8, u8),
    Idle,
}

/// What the traffic did, as seen on the reference engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrafficReport {
    pub transactions: u64,
    pub reads: u64,
    pub writes: u64,
    /// Accesses the reference engine refused (`mgmt_err`).
    pub refused: u64,
    /// Module resets issued (SoftwareReset writes and reset-pin pulses).
    pub resets: u64,
    /// ModuleState values read back, in order of first appearance.
    pub module_states: Vec<String>,
}

fn state_name(code: u8) -> String {
    match code {
        1 => "ModuleLowPwr".into(),
        2 => "ModulePwrUp".into(),
        3 => "ModuleReady".into(),
        4 => "ModulePwrDn".into(),
        5 => "ModuleFault".into(),
        c => format!("reserved({c})"),
    }
}

/// Random management transactions.
pub struct MgmtTraffic {
    rng: ChaCha8Rng,
    map: RegisterMap,
    /// Operations of the transaction in progress, next last.
    pending: Vec<Op>,
    in_txn: bool,
    gap: u32,
    /// Stop starting transactions after this many.
    limit: u64,
    report: TrafficReport,
    strobed: bool,
    /// The page this traffic last selected (PageSelect is always writable).
    page: u8,
    /// Module resets (SoftwareReset, the reset pin) are allowed.
    resets: bool,
    low_power_pin: bool,
    /// The address read by the previous cycle's strobe.
    last_read: Option<u8>,
    /// Locations from the map: (byte, mask, lsb) of these fields.
    software_reset: (u8, u8),
    module_state: (u8, u8, u8),
    state_changed: u8,
    module_controls: (u8, u8),
    /// Masks of LowPwrRequestSW and LowPwrAllowRequestHW.
    low_power_bits: (u8, u8),
}

/// (byte, mask, lsb) of a lower-page field.
fn locate(map: &RegisterMap, name: &str) -> (u8, u8, u8) {
    let l = map
        .field(name)
        .unwrap_or_else(|| panic!("{name} in the map"))
        .instance(0);
    (l.byte, l.mask(), l.lsb)
}

impl MgmtTraffic {
    /// Up to `limit` transactions from `seed`.
    pub fn new(cfg: &EngineConfig, seed: u64, limit: u64) -> Self {
        let map = cfg.register_map();
        let (sr_byte, sr_mask, _) = locate(&map, "SoftwareReset");
        let module_state = locate(&map, "ModuleState");
        let state_changed = locate(&map, "ModuleStateChanged").0;
        // The low-power controls share SoftwareReset's byte (26).
        let controls = ["LowPwrRequestSW", "LowPwrAllowRequestHW"]
            .iter()
            .map(|n| locate(&map, n))
            .fold(0u8, |m, (b, mask, _)| {
                assert_eq!(b, sr_byte, "module controls share a byte");
                m | mask
            });
        Self {
            software_reset: (sr_byte, sr_mask),
            module_state,
            state_changed,
            module_controls: (sr_byte, controls),
            low_power_bits: (
                locate(&map, "LowPwrRequestSW").1,
                locate(&map, "LowPwrAllowRequestHW").1,
            ),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6d67_6d74),
            map,
            pending: Vec::new(),
            in_txn: false,
            gap: 0,
            limit,
            report: TrafficReport::default(),
            strobed: false,
            page: 0,
            resets: false,
            low_power_pin: false,
            last_read: None,
        }
    }

    /// Also issue module resets (SoftwareReset writes, reset-pin pulses) and
    /// toggle the LowPwr pin. Off by default: a reset clears the PRBS
    /// counters the default run compares with the line's tally.
    pub fn with_resets(mut self) -> Self {
        self.resets = true;
        self
    }

    pub fn report(&self) -> TrafficReport {
        self.report.clone()
    }

    /// A byte address that holds a field on `page` (or the lower page).
    fn field_byte(&mut self, page: u8) -> u8 {
        let lower = self.rng.gen_bool(0.3);
        let fields = self.map.fields_of(if lower { None } else { Some(page) });
        if fields.is_empty() {
            return self.rng.gen();
        }
        let f = fields[self.rng.gen_range(0..fields.len())];
        let i = self.rng.gen_range(0..f.count);
        let l = f.instance(i);
        l.byte + self.rng.gen_range(0..l.len)
    }

    fn plan_transaction(&mut self) -> Vec<Op> {
        let r = &mut self.rng;
        let pages: Vec<u8> = self.map.pages.iter().map(|p| p.page).collect();
        let mut ops = Vec::new();
        match r.gen_range(0..10) {
            // Switch bank and page (sometimes to unimplemented ones).
            0 | 1 => {
                let page = if r.gen_bool(0.85) {
                    pages[r.gen_range(0..pages.len())]
                } else {
                    r.gen()
                };
                let bank = if r.gen_bool(0.8) {
                    r.gen_range(0..2)
                } else {
                    r.gen_range(0..4)
                };
                ops.push(Op::Write(126, bank));
                ops.push(Op::Write(127, page));
            }
            // A multi-byte value: both bytes, or only one.
            2 | 3 => {
                let writable: Vec<_> = self
                    .map
                    .fields
                    .iter()
                    .filter(|f| f.len > 1 && f.access.writable())
                    .collect();
                let f = writable[self.rng.gen_range(0..writable.len())];
                let l = f.instance(self.rng.gen_range(0..f.count));
                let n = if self.rng.gen_bool(0.7) { l.len } else { 1 };
                let skip = self.rng.gen_range(0..l.len.max(1));
                for k in 0..l.len {
                    if n == l.len || k == skip {
                        ops.push(Op::Write(l.byte + k, self.rng.gen()));
                    }
                }
                if self.rng.gen_bool(0.5) {
                    ops.push(Op::Read(l.byte));
                }
            }
            // The module state and its flag, as a host polls them.
            4 => {
                ops.push(Op::Read(self.module_state.0));
                ops.push(Op::Read(self.state_changed));
            }
            // Sequential reads from a field byte, wrapping at 255.
            5 => {
                let start = self.field_byte(self.page);
                for k in 0..self.rng.gen_range(1..6u8) {
                    ops.push(Op::Read(start.wrapping_add(k)));
                }
            }
            // Request or release low power, and allow the pin to.
            // Mostly release low power so the module reaches ModuleReady;
            // rarely ask for a software reset.
            6 => {
                let (byte, controls) = self.module_controls;
                let (request, allow) = self.low_power_bits;
                let mut v = 0;
                if self.rng.gen_bool(0.3) {
                    v |= request;
                }
                if self.rng.gen_bool(0.5) {
                    v |= allow;
                }
                if self.rng.gen_bool(0.03) {
                    v |= self.software_reset.1;
                }
                ops.push(Op::Write(byte, v & (controls | self.software_reset.1)));
            }
            // Random single accesses anywhere, with idle cycles.
            _ => {
                for _ in 0..self.rng.gen_range(1..5) {
                    let addr = if self.rng.gen_bool(0.8) {
                        self.field_byte(self.page)
                    } else {
                        self.rng.gen()
                    };
                    if self.rng.gen_bool(0.2) {
                        ops.push(Op::Idle);
                    }
                    ops.push(if self.rng.gen_bool(0.5) {
                        Op::Read(addr)
                    } else {
                        Op::Write(addr, self.rng.gen())
                    });
                }
            }
        }
        ops.reverse();
        ops
    }
}

impl Stimulus for MgmtTraffic {
    fn drive(&mut self, _cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        if self.strobed && previous.mgmt.mgmt_err {
            self.report.refused += 1;
        }
        let (state_byte, state_mask, state_lsb) = self.module_state;
        if let Some(a) = self.last_read.take() {
            if a == state_byte && !previous.mgmt.mgmt_err {
                let name = state_name((previous.mgmt.mgmt_rdata & state_mask) >> state_lsb);
                if !self.report.module_states.contains(&name) {
                    self.report.module_states.push(name);
                }
            }
        }
        let mut m = MgmtInputs::default();
        if self.resets {
            if self.rng.gen_bool(0.002) {
                self.low_power_pin = !self.low_power_pin;
            }
            m.low_power_pin = self.low_power_pin;
            if self.rng.gen_bool(0.0001) {
                m.module_reset = true;
                self.report.resets += 1;
            }
        }
        self.strobed = false;
        if inputs.reset || m.module_reset {
            self.pending.clear();
            self.in_txn = false;
            self.page = 0;
            inputs.mgmt = m;
            return;
        }
        if !self.in_txn {
            if self.gap > 0 {
                self.gap -= 1;
            } else if self.report.transactions < self.limit {
                self.pending = self.plan_transaction();
                self.in_txn = true;
                self.report.transactions += 1;
            }
        }
        if self.in_txn {
            match self.pending.pop() {
                Some(op) => {
                    m.mgmt_txn = true;
                    match op {
                        Op::Read(a) => {
                            self.last_read = Some(a);
                            m.mgmt_read = true;
                            m.mgmt_addr = a;
                            self.report.reads += 1;
                            self.strobed = true;
                        }
                        Op::Write(a, mut v) => {
                            if a == 127 {
                                self.page = v;
                            }
                            let (sr_byte, sr_bit) = self.software_reset;
                            if a == sr_byte {
                                if self.resets && v & sr_bit != 0 {
                                    self.report.resets += 1;
                                } else {
                                    v &= !sr_bit;
                                }
                            }
                            m.mgmt_write = true;
                            m.mgmt_addr = a;
                            m.mgmt_wdata = v;
                            self.report.writes += 1;
                            self.strobed = true;
                        }
                        Op::Idle => {}
                    }
                }
                None => {
                    // txn low ends the transaction; stay idle a little.
                    self.in_txn = false;
                    self.gap = self.rng.gen_range(0..3);
                }
            }
        }
        inputs.mgmt = m;
    }
}

/// Two stimuli driving disjoint inputs, the first one first.
pub struct Both<'a>(pub &'a mut dyn Stimulus, pub &'a mut dyn Stimulus);

impl Stimulus for Both<'_> {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.drive(cycle, previous, inputs);
        self.1.drive(cycle, previous, inputs);
    }
}
