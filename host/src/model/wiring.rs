//! The model's side of the register block's hardware interface, derived
//! from the map rows: each row with a hardware role becomes one wire per
//! port instance between a field of [`CmisMemory`] and a port of the
//! plain-value bundles of [`xpo_spec::hwif`]. Nothing here names a port;
//! a new hardware-driven field needs its row, its bundle line and the
//! model block that produces or consumes it.

use crate::mgmt::memory::FieldRef;
use crate::mgmt::CmisMemory;
use xpo_spec::hwif::{
    BundleId, CommandRegs, DataLaneRegs, HwValue, LaserRegs, ModuleStateRegs, MonitorRegs, BUNDLES,
};
use xpo_spec::regmap::{Encoding, HwRole, HwScope};

/// The values on every hardware port of the register block, one cycle.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HwBundles {
    pub state_machine: ModuleStateRegs,
    pub monitors: MonitorRegs,
    pub commands: CommandRegs,
    pub laser: Vec<LaserRegs>,
    pub data_lane: Vec<DataLaneRegs>,
    /// The memory's `host_writes` when the controls were last driven.
    driven_at: Option<u64>,
    /// Per input wire, the value last written into the memory, valid while
    /// the memory's `host_writes` is `sampled_at` (nothing but the wiring
    /// has touched the inputs since): an unchanged input is not rewritten.
    sampled: Vec<Option<HwValue>>,
    sampled_at: Option<u64>,
    /// The bundles as each input group last read them: a group whose
    /// bundle is unchanged is skipped whole.
    seen: Option<Box<Seen>>,
}

/// Copies of the bundles, as the input groups last read them.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Seen {
    state_machine: ModuleStateRegs,
    monitors: MonitorRegs,
    commands: CommandRegs,
    laser: Vec<LaserRegs>,
    data_lane: Vec<DataLaneRegs>,
    /// Every laser bundle, as the summaries last read them.
    summarized: Vec<LaserRegs>,
}

impl HwBundles {
    pub fn new(laser_lanes: usize, lanes: usize) -> Self {
        Self {
            laser: vec![LaserRegs::default(); laser_lanes],
            data_lane: vec![DataLaneRegs::default(); lanes],
            ..Default::default()
        }
    }

    /// The memory behind the wiring was replaced (a module reset): every
    /// input is written again at the next sample.
    pub fn forget_sampled(&mut self) {
        self.sampled_at = None;
    }

    /// Whether `source`'s ports changed since its group last read them
    /// (recording them as read now when they did).
    fn changed(&mut self, source: Source) -> bool {
        let seen = self.seen.get_or_insert_with(|| {
            Box::new(Seen {
                state_machine: self.state_machine,
                monitors: self.monitors,
                commands: self.commands,
                laser: self.laser.clone(),
                data_lane: self.data_lane.clone(),
                summarized: self.laser.clone(),
            })
        });
        fn update<T: PartialEq + Copy>(seen: &mut T, now: &T) -> bool {
            let changed = seen != now;
            *seen = *now;
            changed
        }
        match source {
            Source::Summaries => {
                let changed = seen.summarized != self.laser;
                if changed {
                    seen.summarized.copy_from_slice(&self.laser);
                }
                changed
            }
            Source::Port(m, lane) => match m {
                BundleId::ModuleStateRegs => update(&mut seen.state_machine, &self.state_machine),
                BundleId::MonitorRegs => update(&mut seen.monitors, &self.monitors),
                BundleId::CommandRegs => update(&mut seen.commands, &self.commands),
                BundleId::LaserRegs => update(&mut seen.laser[lane], &self.laser[lane]),
                BundleId::DataLaneRegs => update(&mut seen.data_lane[lane], &self.data_lane[lane]),
            },
        }
    }

    fn get(&self, m: BundleId, lane: usize, i: usize) -> HwValue {
        match m {
            BundleId::ModuleStateRegs => self.state_machine.get(i),
            BundleId::MonitorRegs => self.monitors.get(i),
            BundleId::CommandRegs => self.commands.get(i),
            BundleId::LaserRegs => self.laser[lane].get(i),
            BundleId::DataLaneRegs => self.data_lane[lane].get(i),
        }
    }

    fn set(&mut self, m: BundleId, lane: usize, i: usize, v: HwValue) {
        match m {
            BundleId::ModuleStateRegs => self.state_machine.set(i, v),
            BundleId::MonitorRegs => self.monitors.set(i, v),
            BundleId::CommandRegs => self.commands.set(i, v),
            BundleId::LaserRegs => self.laser[lane].set(i, v),
            BundleId::DataLaneRegs => self.data_lane[lane].set(i, v),
        }
    }
}

/// Where a wire's value comes from or goes to.
#[derive(Debug, Clone, Copy)]
enum End {
    /// A bundle port: member, laser lane (0 for module bundles), index.
    Port(BundleId, usize, usize),
    /// The OR over the bank's laser lanes of a laser-bundle port.
    Summary { bank: usize, of: usize },
}

/// What a group of input wires reads: one bundle instance, or (the
/// summaries) every laser bundle. Ordered as the input groups are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Source {
    Port(BundleId, usize),
    Summaries,
}

impl Source {
    fn of(end: End) -> Self {
        match end {
            End::Port(m, lane, _) => Self::Port(m, lane),
            End::Summary { .. } => Self::Summaries,
        }
    }
}

/// One field instance and the port it is wired to.
#[derive(Debug, Clone, Copy)]
struct Wire {
    role: HwRole,
    field: FieldRef,
    /// For a lane-bitmap field: the lane's bit.
    bit: Option<u8>,
    end: End,
}

/// One instance of a selected value ([`HwRole::Selected`]): its field,
/// its selector field, and per selector value the data lane and the
/// `DataLaneRegs` port it shows (`None`: a lane the module does not have).
#[derive(Debug, Clone)]
struct SelectedWire {
    field: FieldRef,
    selector: FieldRef,
    choices: Vec<(u8, Option<(usize, usize)>)>,
}

/// Every wire of the map, resolved once and grouped by role (the per-cycle
/// loops then neither filter nor match on it).
#[derive(Debug, Clone)]
pub struct HwWiring {
    controls: Vec<Wire>,
    /// Inputs and summaries, grouped by what they read.
    inputs: Vec<Wire>,
    /// Each group of `inputs`: its source and where it ends.
    input_groups: Vec<(Source, usize)>,
    latches: Vec<Wire>,
    pulses: Vec<Wire>,
    selected: Vec<SelectedWire>,
    /// Flag summaries: the field instance and the store slot of the half
    /// page whose flags it summarizes.
    flag_summaries: Vec<(FieldRef, usize)>,
}

impl HwWiring {
    /// The wires of `memory`'s map for `laser_lanes` laser lanes and
    /// `lanes` data lanes.
    pub fn new(memory: &CmisMemory, laser_lanes: usize, lanes: usize) -> Self {
        let map = memory.map();
        let mut wires = Vec::new();
        let mut selected = Vec::new();
        let mut flag_summaries = Vec::new();
        for f in &map.fields {
            let Some(hw) = &f.hw else { continue };
            let bitmap = f.encoding == Encoding::LaneBitmap;
            if let Some(page) = hw.flags_of {
                // Instance i summarizes bank i; a bank the page lacks
                // keeps its reset value, 0.
                for i in 0..f.count {
                    if let Some(slot) = memory.slot_of(Some((i, page))) {
                        flag_summaries.push((memory.field_ref(&f.name, 0, i), slot));
                    }
                }
                continue;
            }
            if let Some(sel) = &hw.selects {
                let banks = map.page(f.page).map_or(1, |p| p.banks);
                for bank in 0..banks {
                    for k in 0..f.count {
                        let choices = sel
                            .choices
                            .iter()
                            .map(|c| {
                                let (port, l) = sel.source(c.value, k).expect("a listed value");
                                let g = 8 * bank as usize + l as usize;
                                let (_, i) = xpo_spec::hwif::find(port).expect("a declared port");
                                (c.value, (g < lanes).then_some((g, i)))
                            })
                            .collect();
                        selected.push(SelectedWire {
                            field: memory.field_ref(&f.name, bank, k),
                            selector: memory.field_ref(&sel.by, bank, 0),
                            choices,
                        });
                    }
                }
                continue;
            }
            if hw.role == HwRole::Summary {
                let of = hw.summarizes.as_deref().expect("a summary names its port");
                let (b, of) = xpo_spec::hwif::find(of).expect("a declared port");
                assert_eq!(
                    BUNDLES[b].id,
                    BundleId::LaserRegs,
                    "{}: summarizes a laser port",
                    f.name
                );
                for bank in 0..laser_lanes.div_ceil(8) {
                    wires.push(Wire {
                        role: hw.role,
                        field: memory.field_ref(&f.name, bank as u8, 0),
                        bit: None,
                        end: End::Summary { bank, of },
                    });
                }
                continue;
            }
            let (b, index) = xpo_spec::hwif::find(&hw.port)
                .unwrap_or_else(|| panic!("{}: port {} in no bundle", f.name, hw.port));
            let member = BUNDLES[b].id;
            match hw.scope {
                HwScope::Laser | HwScope::Lane => {
                    let n = if hw.scope == HwScope::Laser {
                        laser_lanes
                    } else {
                        lanes
                    };
                    for g in 0..n {
                        let (bank, k) = ((g / 8) as u8, (g % 8) as u8);
                        let instance = if bitmap || f.count == 1 { 0 } else { k };
                        wires.push(Wire {
                            role: hw.role,
                            field: memory.field_ref(&f.name, bank, instance),
                            bit: bitmap.then_some(k),
                            end: End::Port(member, g, index),
                        });
                    }
                }
                _ => {
                    // A module value on a banked page shows in every bank.
                    let banks = if f.in_lower() {
                        1
                    } else {
                        map.page(f.page).map_or(1, |p| p.banks)
                    };
                    for bank in 0..banks {
                        wires.push(Wire {
                            role: hw.role,
                            field: memory.field_ref(&f.name, bank, 0),
                            bit: None,
                            end: End::Port(member, 0, index),
                        });
                    }
                }
            }
        }
        let role = |r: &[HwRole]| -> Vec<Wire> {
            wires
                .iter()
                .filter(|w| r.contains(&w.role))
                .copied()
                .collect()
        };
        let mut inputs = role(&[HwRole::Input, HwRole::Summary]);
        inputs.sort_by_key(|w| Source::of(w.end));
        let mut input_groups: Vec<(Source, usize)> = Vec::new();
        for (n, w) in inputs.iter().enumerate() {
            match input_groups.last_mut() {
                Some((src, end)) if *src == Source::of(w.end) => *end = n + 1,
                _ => input_groups.push((Source::of(w.end), n + 1)),
            }
        }
        Self {
            controls: role(&[HwRole::Control]),
            inputs,
            input_groups,
            latches: role(&[HwRole::Latch]),
            pulses: role(&[HwRole::Pulse]),
            selected,
            flag_summaries,
        }
    }

    fn value(w: &Wire, hw: &HwBundles) -> HwValue {
        match w.end {
            End::Port(m, lane, i) => hw.get(m, lane, i),
            End::Summary { bank, of } => {
                let mut lanes = hw.laser.iter().skip(8 * bank).take(8);
                lanes.any(|l| l.get(of) != 0) as HwValue
            }
        }
    }

    /// Control ports: the stored value of their fields, as the register
    /// block drives them before the edge.
    pub fn drive(&self, memory: &CmisMemory, hw: &mut HwBundles) {
        // Controls are host-written fields: no host write, no change.
        if hw.driven_at == Some(memory.host_writes()) {
            return;
        }
        hw.driven_at = Some(memory.host_writes());
        for w in &self.controls {
            let v = memory.peek_at(w.field);
            let v = match w.bit {
                Some(k) => v >> k & 1,
                None => v,
            };
            if let End::Port(m, lane, i) = w.end {
                hw.set(m, lane, i, v);
            }
        }
    }

    /// One edge of the register block's hardware side: inputs and
    /// summaries written (deferred while a transaction is open), latches
    /// raised; then the pulse ports show whether the host wrote 1 to
    /// their bits at this edge.
    pub fn sample(&self, memory: &mut CmisMemory, hw: &mut HwBundles) {
        for w in &self.selected {
            let by = memory.peek_at(w.selector) as u8;
            let value = w
                .choices
                .iter()
                .find(|c| c.0 == by)
                .and_then(|c| c.1)
                .map_or(0, |(g, i)| hw.data_lane[g].get(i));
            memory.hw_write_at(w.field, value);
        }
        for &(field, slot) in &self.flag_summaries {
            let set = memory.any_flag_in(slot) as u64;
            memory.hw_write_at(field, set);
        }
        // Inputs change the memory only when their value changes, unless
        // something else wrote it (host writes and transaction ends count
        // in `host_writes`; a module reset calls `forget_sampled`). This
        // loop was over half of a model run's time when every input was
        // written every cycle. Whole groups are skipped while their bundle
        // is unchanged.
        // The first sample of all is fresh too: `sampled_at` starts unset.
        // That matters because `HwBundles::changed` seeds its record of the
        // bundles from their current values, so on that first cycle it
        // reports every group unchanged and only `fresh` gets them written.
        let fresh = hw.sampled_at != Some(memory.host_writes());
        if fresh {
            hw.sampled.clear();
            hw.sampled.resize(self.inputs.len(), None);
            hw.sampled_at = Some(memory.host_writes());
        }
        let mut start = 0;
        for &(source, end) in &self.input_groups {
            let group = start..end;
            start = end;
            if !hw.changed(source) && !fresh {
                continue;
            }
            for n in group {
                let w = &self.inputs[n];
                let value = Self::value(w, hw);
                if hw.sampled[n] == Some(value) {
                    continue;
                }
                hw.sampled[n] = Some(value);
                match w.bit {
                    None => memory.hw_write_at(w.field, value),
                    Some(k) => {
                        let old = memory.peek_at(w.field) & !(1 << k);
                        memory.hw_write_at(w.field, old | ((value & 1) << k))
                    }
                }
            }
        }
        for w in &self.latches {
            let value = Self::value(w, hw);
            if value != 0 {
                memory.hw_latch_at(w.field, w.bit.map_or(value as u8, |k| 1 << k));
            }
        }
        let pulses = memory.take_pulses();
        for w in &self.pulses {
            let l = w.field.loc;
            // A lane bitmap of pulses (ApplyDPInit): this lane's bit only.
            let mask = w.bit.map_or(l.mask(), |k| 1 << k);
            let hit = pulses.iter().any(|&(half, byte, bits)| {
                half == w.field.half && byte == l.byte && bits & mask != 0
            });
            if let End::Port(m, lane, i) = w.end {
                hw.set(m, lane, i, hit as HwValue);
            }
        }
    }

    /// Pulse ports drop after their edge.
    pub fn clear_pulses(&self, hw: &mut HwBundles) {
        for w in &self.pulses {
            if let End::Port(m, lane, i) = w.end {
                hw.set(m, lane, i, 0);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::EngineConfig;

    /// A control reaches its lane's port (bitmap bit by lane), an input
    /// reaches its field, a latch sets its lane's bit and a summary ORs the
    /// bank.
    #[test]
    fn wires_follow_the_rows() {
        let cfg = EngineConfig::default();
        let mut mem = CmisMemory::new(&cfg);
        let w = HwWiring::new(&mem, cfg.laser_lanes, cfg.lanes);
        let mut hw = HwBundles::new(cfg.laser_lanes, cfg.lanes);
        mem.poke_at(mem.field_ref("LaneEnable", 0, 0), 0b0000_0100);
        w.drive(&mem, &mut hw);
        let enabled: Vec<HwValue> = hw.laser.iter().map(|l| l.laser_enable).collect();
        assert_eq!(enabled, [0, 0, 1, 0, 0, 0, 0, 0]);
        assert_eq!(hw.laser[5].bias_setpoint, 3000, "BiasSetpoint reset value");
        hw.laser[6].bias_monitor = 0x1234;
        hw.laser[6].lane_fault = 1;
        hw.monitors.vcc = 33000;
        w.sample(&mut mem, &mut hw);
        assert_eq!(mem.peek("BiasMonitor", 0, 6), 0x1234);
        assert_eq!(mem.peek("BiasMonitor", 0, 5), 0);
        assert_eq!(mem.peek("LaneFaultFlags", 0, 0), 1 << 6);
        assert_eq!(mem.peek("LaneFaultSummary", 0, 0), 1);
        assert_eq!(mem.peek("VccMonitor", 0, 0), 33000);
    }

    /// A module status port on a banked page (1Bh:240) shows in every bank.
    #[test]
    fn a_module_value_on_a_banked_page_shows_in_every_bank() {
        let cfg = EngineConfig {
            laser_lanes: 16,
            ..Default::default()
        };
        let mut mem = CmisMemory::new(&cfg);
        let w = HwWiring::new(&mem, cfg.laser_lanes, cfg.lanes);
        let mut hw = HwBundles::new(cfg.laser_lanes, cfg.lanes);
        hw.monitors.supply_current = 12_500;
        w.sample(&mut mem, &mut hw);
        assert_eq!(mem.peek("SupplyCurrentMonitor", 0, 0), 12_500);
        assert_eq!(mem.peek("SupplyCurrentMonitor", 1, 0), 12_500);
    }

    /// Page 14h's results as the map wires them agree with the results
    /// page written from CMIS (`diagnostics::ResultsPage`): every selector,
    /// every byte, with the counts moving between reads (so a byte read
    /// after its U64's first comes from the snapshot, in both).
    #[test]
    fn diagnostics_results_follow_the_cmis_layout() {
        use crate::model::diagnostics::ResultsPage;
        use crate::model::prbs::CheckerOutputs;
        let cfg = EngineConfig::default();
        let mut mem = CmisMemory::new(&cfg);
        let w = HwWiring::new(&mem, cfg.laser_lanes, cfg.lanes);
        let mut hw = HwBundles::new(cfg.laser_lanes, cfg.lanes);
        let mut page = ResultsPage::default();
        let mut host = [CheckerOutputs::default(); 8];
        let mut media = [CheckerOutputs::default(); 8];
        let mut tick = 0u64;
        mem.write_byte(126, 0).unwrap();
        mem.write_byte(127, 0x14).unwrap();
        for sel in 0u8..8 {
            mem.write_byte(128, sel).unwrap();
            for byte in 192u8..=255 {
                // New counts every read: lane, side and kind in the value.
                tick += 1;
                for l in 0..8 {
                    let v = |kind: u64| (kind << 56) | ((l as u64) << 48) | tick << 8 | 0xA5;
                    host[l].error_count = v(1);
                    host[l].bit_count = v(2);
                    media[l].error_count = v(3);
                    media[l].bit_count = v(4);
                    let r = &mut hw.data_lane[l];
                    (r.host_chk_errors, r.host_chk_bits) = (v(1), v(2));
                    (r.media_chk_errors, r.media_chk_bits) = (v(3), v(4));
                }
                w.sample(&mut mem, &mut hw);
                let want = page.read(byte, sel, &host, &media);
                assert_eq!(
                    mem.read_byte(byte).unwrap(),
                    want,
                    "selector {sel} byte {byte}"
                );
            }
        }
    }

    /// CMIS lower bytes 4..7: byte 4 + n summarizes bank n, bit 0 its page
    /// 11h lane flags, bit 2 its page 14h flags; set while any is set
    /// (masked or not), clear once the host has read them all clear.
    #[test]
    fn lane_flag_summaries_follow_their_banks_flags() {
        let cfg = EngineConfig {
            lanes: 16,
            ..Default::default()
        };
        let mut mem = CmisMemory::new(&cfg);
        let w = HwWiring::new(&mem, cfg.laser_lanes, cfg.lanes);
        let mut hw = HwBundles::new(cfg.laser_lanes, cfg.lanes);
        let bytes =
            |m: &mut CmisMemory| -> Vec<u8> { (4..8).map(|b| m.read_byte(b).unwrap()).collect() };
        w.sample(&mut mem, &mut hw);
        assert_eq!(bytes(&mut mem), [0, 0, 0, 0]);
        // Lane 10 (bank 1) loses its Rx signal; lane 3 (bank 0) its media
        // checker's lock. The summaries follow at the next sample.
        hw.data_lane[9].rx_los = 1;
        hw.data_lane[2].media_chk_lol = 1;
        w.sample(&mut mem, &mut hw);
        hw.data_lane[9].rx_los = 0;
        hw.data_lane[2].media_chk_lol = 0;
        w.sample(&mut mem, &mut hw);
        assert_eq!(bytes(&mut mem), [0b100, 0b001, 0, 0]);
        // Masked, the flag still counts; read clear, it no longer does.
        mem.write_byte(126, 1).unwrap();
        mem.write_byte(127, 0x10).unwrap();
        mem.write_byte(226, 0xFF).unwrap();
        mem.write_byte(127, 0x11).unwrap();
        w.sample(&mut mem, &mut hw);
        assert_eq!(bytes(&mut mem)[1], 1);
        let rx_los = mem.map().field("LRxLOS").unwrap().byte;
        assert_eq!(mem.read_byte(rx_los).unwrap(), 0b10);
        w.sample(&mut mem, &mut hw);
        assert_eq!(bytes(&mut mem), [0b100, 0, 0, 0]);
    }
}
