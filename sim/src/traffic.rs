//! Management traffic: seeded random bus transactions on the engine's real
//! management pins — the bit-level I2C master on SCL/SDA and the AXI4-Lite
//! master with random valid delays and back-pressure — running at the same
//! time, so the arbitration between the two buses is exercised too.
//!
//! I2C transactions use the window (BankSelect/PageSelect, then bytes
//! 128..255): page and bank switches (also to unimplemented ones), both
//! and single bytes of multi-byte values, sequential reads that wrap,
//! module-state polls, module-control writes, transfers to another address,
//! and transfers aborted mid-byte by STOP or a repeated START. SCL runs at
//! 400 kHz, 1 MHz, or the fastest rate the target follows at the core
//! clock. AXI transactions address pages directly: reads and writes of
//! field bytes anywhere in the map with single, partial, full and empty
//! strobes, read-only bytes, unimplemented pages and banks, addresses
//! outside the map, and writes to the select bytes and module controls
//! that change what the I2C side sees.
//!
//! A host program ([`crate::host_program`], e.g. the CMIS data-path
//! bring-up) can own the I2C side first: its operations go out one after
//! another at the fastest SCL the target follows, and random I2C traffic
//! starts when it has ended.

use crate::host_program::I2cHost;
use crate::lockstep::Stimulus;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde::Serialize;
use std::cell::RefCell;
use std::rc::Rc;
use xpo_host::mgmt::axi_slave::resp;
use xpo_host::mgmt::{AxiMaster, AxiOp, AxiPacing, I2cMaster, I2cOp};
use xpo_spec::regmap::{linear_address, RegisterMap};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs, MgmtInputs};

/// What the traffic did, as seen on the reference engine.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct TrafficReport {
    /// Bus transactions completed (I2C and AXI).
    pub transactions: u64,
    pub i2c_transactions: u64,
    pub axi_transactions: u64,
    /// Of the I2C transactions: aborted mid-byte by STOP or repeated START.
    pub i2c_aborted: u64,
    /// Of the I2C transactions: addressed to another device (not acknowledged).
    pub i2c_other_address: u64,
    /// Byte reads and byte writes carried (I2C bytes, AXI strobed bytes).
    pub reads: u64,
    pub writes: u64,
    /// AXI accesses answered SLVERR (unimplemented or read-only space).
    pub refused: u64,
    /// Module resets issued (SoftwareReset writes and reset-pin pulses).
    pub resets: u64,
    /// Module-fault pin pulses issued.
    pub module_faults: u64,
    /// Of the AXI transactions: scripted host operations.
    pub scripted: u64,
    /// Of the I2C transactions: a host program's operations.
    pub hosted: u64,
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

/// (byte, mask, lsb) of a lower-page field.
fn locate(map: &RegisterMap, name: &str) -> (u8, u8, u8) {
    let l = map
        .field(name)
        .unwrap_or_else(|| panic!("{name} in the map"))
        .instance(0);
    (l.byte, l.mask(), l.lsb)
}

/// Random management transactions on both buses.
pub struct BusTraffic {
    rng: ChaCha8Rng,
    cfg: EngineConfig,
    map: RegisterMap,
    i2c: I2cMaster,
    i2c_sda: bool,
    i2c_gap: u32,
    axi: AxiMaster,
    axi_gap: u32,
    /// Stop starting transactions after this many.
    limit: u64,
    started: u64,
    report: TrafficReport,
    /// The page the I2C side last selected.
    page: u8,
    resets: bool,
    /// Never request low power (see [`BusTraffic::holding_power`]).
    hold_power: bool,
    low_power_pin: bool,
    /// Mean idle cycles between I2C transactions.
    i2c_idle: u32,
    software_reset: (u8, u8),
    /// Lower-page bytes of PageSelect and BankSelect.
    page_select: u8,
    bank_select: u8,
    module_state: (u8, u8, u8),
    module_controls: (u8, u8),
    low_power_bits: (u8, u8),
    /// Host operations issued at (or soon after) their cycle, before any
    /// random one: a bring-up script.
    script: Vec<(u64, AxiOp)>,
    script_next: usize,
    /// Pages random writes leave alone (the script owns them).
    spared: Vec<u8>,
    /// `(page, first byte)` of the spared pages' words that hold latched
    /// flags, which random reads leave alone too (resolved once).
    spared_flag_words: Vec<(u8, u8)>,
    /// The host program that owns the I2C side until it ends.
    i2c_host: Option<Rc<RefCell<dyn I2cHost>>>,
    /// The I2C operation in flight is the host program's.
    i2c_hosted: bool,
}

impl BusTraffic {
    /// Up to `limit` transactions from `seed`.
    pub fn new(cfg: &EngineConfig, seed: u64, limit: u64) -> Self {
        let map = cfg.register_map();
        let (sr_byte, sr_mask, _) = locate(&map, "SoftwareReset");
        let controls = ["LowPwrRequestSW", "LowPwrAllowRequestHW"]
            .iter()
            .map(|n| locate(&map, n))
            .fold(0u8, |m, (b, mask, _)| {
                assert_eq!(b, sr_byte, "module controls share a byte");
                m | mask
            });
        Self {
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6d67_6d74),
            cfg: cfg.clone(),
            i2c: I2cMaster::new(cfg, u64::MAX),
            i2c_sda: true,
            i2c_gap: 0,
            axi: AxiMaster::new(seed, AxiPacing::RANDOM),
            axi_gap: 0,
            limit,
            started: 0,
            report: TrafficReport::default(),
            page: 0,
            resets: false,
            hold_power: false,
            low_power_pin: false,
            i2c_idle: 2_000,
            software_reset: (sr_byte, sr_mask),
            page_select: locate(&map, "PageSelect").0,
            bank_select: locate(&map, "BankSelect").0,
            module_state: locate(&map, "ModuleState"),
            module_controls: (sr_byte, controls),
            low_power_bits: (
                locate(&map, "LowPwrRequestSW").1,
                locate(&map, "LowPwrAllowRequestHW").1,
            ),
            script: Vec::new(),
            script_next: 0,
            spared: Vec::new(),
            spared_flag_words: Vec::new(),
            i2c_host: None,
            i2c_hosted: false,
            map,
        }
    }

    /// Adds scripted AXI operations `(cycle, op)`; they go out in order,
    /// each at its cycle or as soon after as the AXI master has room.
    pub fn with_script(mut self, mut ops: Vec<(u64, AxiOp)>) -> Self {
        ops.sort_by_key(|o| o.0);
        self.script = ops;
        self
    }

    /// Random writes (and page selects) avoid `pages`; reads still go
    /// there, except to words holding latched (clear-on-read) flags: a
    /// random read would clear what the scenario on those pages reads
    /// back (a race that moved with the bus's latency).
    pub fn sparing(mut self, pages: &[u8]) -> Self {
        self.spared = pages.to_vec();
        let mut words = Vec::new();
        for &page in pages {
            for f in self.map.fields_of(Some(page)) {
                if f.access != xpo_spec::regmap::Access::Rc {
                    continue;
                }
                for i in 0..f.count {
                    let l = f.instance(i);
                    for b in l.byte..l.byte + l.len {
                        if !words.contains(&(page, b & !3)) {
                            words.push((page, b & !3));
                        }
                    }
                }
            }
        }
        self.spared_flag_words = words;
        self
    }

    /// A read of linear `word`, unless it holds a spared page's latched
    /// flags: then the lower page's first word (no flags) instead.
    fn read_sparing(&self, word: u32) -> AxiOp {
        let (_, page, byte) = xpo_host::mgmt::split_linear(word);
        if word >= 128 && self.spared_flag_words.contains(&(page, byte)) {
            AxiOp::Read { addr: 0 }
        } else {
            AxiOp::Read { addr: word }
        }
    }

    /// Also issue module resets (SoftwareReset writes, reset-pin pulses),
    /// rare module-fault pin pulses, and toggle the LowPwr pin. Off by default: a reset clears the PRBS
    /// counters the default run compares with the line's tally.
    pub fn with_resets(mut self) -> Self {
        self.resets = true;
        self
    }

    /// Never set LowPwrRequestSW, in module-control writes or random ones:
    /// the module stays (or returns to) ModuleReady, so data paths a run
    /// brings up stay up while the rest of the map takes random traffic.
    pub fn holding_power(mut self) -> Self {
        self.hold_power = true;
        self
    }

    /// The I2C side is `host`'s until it ends (see the module text); until
    /// then random AXI writes leave BankSelect and PageSelect alone, so
    /// the window stays where the host put it.
    pub fn with_i2c_host(mut self, host: Rc<RefCell<dyn I2cHost>>) -> Self {
        self.i2c_host = Some(host);
        self
    }

    /// No random I2C transactions at all (a host program still runs): for
    /// scenarios timed to microseconds, which an I2C transaction holding
    /// the register block for its whole START..STOP (up to ~200 µs at
    /// 400 kHz) would delay.
    pub fn without_i2c(mut self) -> Self {
        self.i2c_gap = u32::MAX;
        self.i2c_idle = u32::MAX / 4;
        self
    }

    /// Mean idle cycles between I2C transactions (more: more AXI traffic).
    pub fn with_i2c_idle(mut self, cycles: u32) -> Self {
        self.i2c_idle = cycles.max(1);
        self
    }

    pub fn report(&self) -> TrafficReport {
        self.report.clone()
    }

    fn note_state(&mut self, code: u8) {
        let name = state_name(code);
        if !self.report.module_states.contains(&name) {
            self.report.module_states.push(name);
        }
    }

    /// A window byte that holds a field on `page` (or the lower page).
    fn field_byte(&mut self, page: Option<u8>) -> u8 {
        let fields = self.map.fields_of(page);
        if fields.is_empty() {
            return self.rng.gen();
        }
        let f = fields[self.rng.gen_range(0..fields.len())];
        let l = f.instance(self.rng.gen_range(0..f.count));
        l.byte + self.rng.gen_range(0..l.len)
    }

    /// A module-controls byte value: mostly leave low power so the module
    /// reaches ModuleReady, sometimes request it, rarely reset.
    fn controls_value(&mut self) -> u8 {
        let (request, allow) = self.low_power_bits;
        let mut v = 0;
        if self.rng.gen_bool(0.3) && !self.hold_power {
            v |= request;
        }
        if self.rng.gen_bool(0.5) {
            v |= allow;
        }
        if self.resets && self.rng.gen_bool(0.03) {
            v |= self.software_reset.1;
            self.report.resets += 1;
        }
        v
    }

    /// Keeps SoftwareReset out of writes unless resets are enabled.
    fn tame(&self, byte: u8, v: u8) -> u8 {
        let v = if byte == self.module_controls.0 && self.hold_power {
            v & !self.low_power_bits.0
        } else {
            v
        };
        if byte == self.software_reset.0 && !self.resets {
            v & !self.software_reset.1
        } else if byte == self.page_select && self.spared.contains(&v) {
            // The window never moves onto a spared page (an I2C write to
            // it would then reach the pages left to the script).
            0
        } else {
            v
        }
    }

    fn plan_i2c(&mut self) -> I2cOp {
        // (PageSelect is tamed in `tame`.)
        let pages: Vec<u8> = self.map.pages.iter().map(|p| p.page).collect();
        let speed = match self.rng.gen_range(0..10) {
            0 => 400_000,
            1..=3 => 1_000_000,
            _ => u64::MAX,
        };
        // The master is idle between transactions: a new one sets the rate.
        self.i2c = I2cMaster::new(&self.cfg, speed);
        match self.rng.gen_range(0..12) {
            0 | 1 => {
                let mut page = if self.rng.gen_bool(0.85) {
                    pages[self.rng.gen_range(0..pages.len())]
                } else {
                    self.rng.gen()
                };
                if self.spared.contains(&page) {
                    page = 0;
                }
                let bank = if self.rng.gen_bool(0.8) {
                    self.rng.gen_range(0..2)
                } else {
                    self.rng.gen_range(0..4)
                };
                self.page = page;
                I2cOp::Write {
                    data: vec![126, bank, page],
                }
            }
            2 | 3 => {
                let writable: Vec<_> = self
                    .map
                    .fields
                    .iter()
                    .filter(|f| f.len > 1 && f.access.writable() && !self.spared.contains(&f.page))
                    .collect();
                if writable.is_empty() {
                    return I2cOp::Read { addr: 0, n: 4 };
                }
                let f = writable[self.rng.gen_range(0..writable.len())];
                let l = f.instance(self.rng.gen_range(0..f.count));
                let both = self.rng.gen_bool(0.7);
                let skip = self.rng.gen_range(0..l.len);
                let mut data = vec![if both { l.byte } else { l.byte + skip }];
                for _ in 0..if both { l.len } else { 1 } {
                    data.push(self.rng.gen());
                }
                I2cOp::Write { data }
            }
            4 => I2cOp::Read {
                addr: self.module_state.0,
                n: 6,
            },
            5 | 6 => {
                let page = if self.rng.gen_bool(0.3) {
                    None
                } else {
                    Some(self.page)
                };
                I2cOp::Read {
                    addr: self.field_byte(page),
                    n: self.rng.gen_range(1..6),
                }
            }
            7 => {
                let v = self.controls_value();
                I2cOp::Write {
                    data: vec![self.module_controls.0, v],
                }
            }
            8 => {
                let addr = self.field_byte(Some(self.page));
                let n = self.rng.gen_range(1..4);
                let mut data = vec![addr];
                for k in 0..n {
                    let v = self.rng.gen();
                    data.push(self.tame(addr.wrapping_add(k), v));
                }
                I2cOp::Write { data }
            }
            9 => I2cOp::Other {
                device: 0x51 + self.rng.gen_range(0..0x20),
                byte: self.rng.gen(),
            },
            10 => {
                let addr = self.field_byte(Some(self.page));
                let v = self.rng.gen();
                I2cOp::AbortedWrite {
                    data: vec![addr, self.tame(addr, v)],
                    bits: self.rng.gen_range(0..8),
                }
            }
            _ => {
                let addr = self.field_byte(Some(self.page));
                I2cOp::RestartMidByte {
                    data: vec![addr],
                    bits: self.rng.gen_range(0..8),
                }
            }
        }
    }

    /// A linear address: mostly a field byte on an implemented page and
    /// bank, sometimes an unimplemented page or bank, or outside the map.
    fn axi_address(&mut self) -> u32 {
        match self.rng.gen_range(0..20) {
            0 => self.rng.gen::<u32>() & !3,
            1 => {
                let page: u8 = self.rng.gen();
                let bank = self.rng.gen_range(0..4);
                linear_address(bank, page, 128 + self.rng.gen_range(0..128))
            }
            2..=5 => self.field_byte(None) as u32,
            _ => {
                let pages: Vec<(u8, u8)> =
                    self.map.pages.iter().map(|p| (p.page, p.banks)).collect();
                let (page, banks) = pages[self.rng.gen_range(0..pages.len())];
                let bank = self.rng.gen_range(0..banks.max(1));
                let byte = self.field_byte(Some(page));
                linear_address(bank, page, byte)
            }
        }
    }

    fn plan_axi(&mut self) -> AxiOp {
        if self.rng.gen_bool(0.05) {
            // Poll the module state, as a host does.
            return AxiOp::Read {
                addr: self.module_state.0 as u32 & !3,
            };
        }
        if self.rng.gen_bool(0.45) {
            let word = self.axi_address() & !3;
            return self.read_sparing(word);
        }
        match self.rng.gen_range(0..10) {
            // Module controls, by strobe.
            0 => {
                let (byte, _) = self.module_controls;
                let v = self.controls_value();
                AxiOp::Write {
                    addr: byte as u32 & !3,
                    data: (v as u32) << (8 * (byte & 3)),
                    strb: 1 << (byte & 3),
                }
            }
            // BankSelect and PageSelect (the I2C window moves under it),
            // unless a host program owns the window.
            1 if self.i2c_host.is_some() => AxiOp::Read { addr: 124 },
            1 => {
                let pages: Vec<u8> = self
                    .map
                    .pages
                    .iter()
                    .map(|p| p.page)
                    .filter(|p| !self.spared.contains(p))
                    .collect();
                let page = pages[self.rng.gen_range(0..pages.len())];
                let bank = self.rng.gen_range(0..2u32);
                AxiOp::Write {
                    addr: 124,
                    data: (bank << 16) | ((page as u32) << 24),
                    strb: 0b1100,
                }
            }
            _ => {
                let addr = self.axi_address();
                let strb = match self.rng.gen_range(0..6) {
                    0 => 0xF,
                    1 => self.rng.gen_range(0..16),
                    2 => 0,
                    _ => 1 << (addr & 3),
                };
                let mut data: u32 = self.rng.gen();
                let word = addr & !3;
                let (_, page, _) = xpo_host::mgmt::split_linear(word);
                if word >= 128 && self.spared.contains(&page) {
                    return self.read_sparing(word);
                }
                // Keep SoftwareReset out unless resets are enabled, and the
                // window off spared pages.
                let mut strb = strb;
                if word < 128 && self.i2c_host.is_some() {
                    for b in [self.bank_select, self.page_select] {
                        if b as u32 & !3 == word {
                            strb &= !(1 << (b & 3));
                        }
                    }
                }
                if word < 128 {
                    let mut bytes = data.to_le_bytes();
                    for (k, b) in bytes.iter_mut().enumerate() {
                        *b = self.tame(word as u8 + k as u8, *b);
                    }
                    data = u32::from_le_bytes(bytes);
                }
                AxiOp::Write {
                    addr: word,
                    data,
                    strb,
                }
            }
        }
    }

    fn account_i2c(&mut self, op: &I2cOp, data: &[u8]) {
        self.report.transactions += 1;
        self.report.i2c_transactions += 1;
        match op {
            I2cOp::Write { data } => self.report.writes += data.len() as u64 - 1,
            I2cOp::Read { addr, n } => {
                self.report.reads += *n as u64;
                let (byte, mask, lsb) = self.module_state;
                if *addr <= byte && (byte as usize) < *addr as usize + n {
                    if let Some(&v) = data.get((byte - addr) as usize) {
                        self.note_state((v & mask) >> lsb);
                    }
                }
            }
            I2cOp::Other { .. } => self.report.i2c_other_address += 1,
            I2cOp::AbortedWrite { data, .. } | I2cOp::RestartMidByte { data, .. } => {
                self.report.i2c_aborted += 1;
                self.report.writes += data.len() as u64 - 1;
            }
        }
    }

    fn account_axi(&mut self, op: &AxiOp, r: &xpo_host::mgmt::AxiResult) {
        self.report.transactions += 1;
        self.report.axi_transactions += 1;
        if r.resp != resp::OKAY {
            self.report.refused += 1;
        }
        match *op {
            AxiOp::Read { addr } => {
                self.report.reads += 4;
                let (byte, mask, lsb) = self.module_state;
                if addr == byte as u32 & !3 && r.resp == resp::OKAY {
                    let v = (r.data >> (8 * (byte & 3))) as u8;
                    self.note_state((v & mask) >> lsb);
                }
            }
            AxiOp::Write { strb, .. } => self.report.writes += strb.count_ones() as u64,
        }
    }
}

impl Stimulus for BusTraffic {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        let mut m = MgmtInputs::idle();
        if self.resets {
            if self.rng.gen_bool(0.002) {
                self.low_power_pin = !self.low_power_pin;
            }
            m.low_power_pin = self.low_power_pin;
            if self.rng.gen_bool(0.0001) {
                m.module_reset = true;
                self.report.resets += 1;
            }
            // A rare board fault: ModuleFault until the next module reset.
            if self.rng.gen_bool(0.00005) {
                m.module_fault = true;
                self.report.module_faults += 1;
            }
        }
        if inputs.reset {
            // The bus interfaces reset: whatever was in flight is lost.
            self.axi.abandon();
            self.page = 0;
        }
        // AXI: the script first.
        if self.script_next < self.script.len()
            && self.script[self.script_next].0 <= cycle
            && self.axi.outstanding() < 2
        {
            self.axi.push(self.script[self.script_next].1);
            self.script_next += 1;
            self.report.scripted += 1;
        } else if self.axi_gap > 0 {
            self.axi_gap -= 1;
        } else if self.axi.outstanding() < 2 && self.started < self.limit {
            let op = self.plan_axi();
            self.axi.push(op);
            self.started += 1;
            self.axi_gap = self.rng.gen_range(0..12);
        }
        self.axi.drive(&previous.mgmt, &mut m);
        for (op, r) in self.axi.take_done() {
            self.account_axi(&op, &r);
        }
        // I2C: the line is low when the master or the target pulls it.
        let target_low = previous.mgmt.i2c_sda_low;
        let line = self.i2c_sda && !target_low;
        if self.i2c.idle() && self.i2c_host.is_some() {
            let host = self.i2c_host.clone().expect("checked");
            let next = host.borrow_mut().next_op(cycle);
            match next {
                Some(op) => {
                    self.i2c = I2cMaster::new(&self.cfg, u64::MAX);
                    self.i2c.push(op);
                    self.i2c_hosted = true;
                }
                None => {
                    // The program left the window on bank 0, page 0.
                    self.i2c_host = None;
                    self.page = 0;
                }
            }
        } else if self.i2c.idle() {
            if self.i2c_gap > 0 {
                self.i2c_gap -= 1;
            } else if self.started < self.limit {
                let op = self.plan_i2c();
                self.i2c.push(op);
                self.started += 1;
                self.i2c_gap = self.rng.gen_range(0..2 * self.i2c_idle);
            }
        }
        let (scl, sda) = self.i2c.step(line);
        for (op, r) in self.i2c.take_done() {
            self.account_i2c(&op, &r.data);
            if std::mem::take(&mut self.i2c_hosted) {
                self.report.hosted += 1;
                if let Some(h) = &self.i2c_host {
                    h.borrow_mut().complete(r);
                }
            }
        }
        self.i2c_sda = sda;
        m.i2c_scl = scl;
        m.i2c_sda = sda && !target_low;
        inputs.mgmt = m;
    }

    /// Every transaction started has completed.
    fn finished(&self) -> bool {
        self.started >= self.limit
            && self.i2c_host.is_none()
            && self.script_next == self.script.len()
            && self.i2c.idle()
            && self.axi.idle()
    }
}

/// A stimulus for as long as the run lasts: a bus whose script ends
/// early would otherwise end the run (a finished stimulus does).
pub struct Forever<'a>(pub &'a mut dyn Stimulus);

impl Stimulus for Forever<'_> {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.drive(cycle, previous, inputs);
    }
}

/// Two stimuli driving disjoint inputs, the first one first.
pub struct Both<'a>(pub &'a mut dyn Stimulus, pub &'a mut dyn Stimulus);

impl Stimulus for Both<'_> {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.drive(cycle, previous, inputs);
        self.1.drive(cycle, previous, inputs);
    }

    fn finished(&self) -> bool {
        self.0.finished() || self.1.finished()
    }
}
