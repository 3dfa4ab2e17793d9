//! A CMIS host brings the data paths up over I2C the way SONiC's CMIS
//! state machine does (`xpo_host::mgmt::bring_up`), on the Verilated RTL
//! and on the model, while the SerDes line model feeds both directions of
//! every lane: the module advertises an 8-lane 800G Application
//! (800GAUI-8 to 800GBASE-DR8, SFF-8024 codes as SONiC lists them), the
//! lanes go DPDeactivated → DPInitialized → DPActivated with ConfigSuccess,
//! the active set (11h:206..) holds AppSel 1, and traffic passes both
//! ways only once the lanes are DPActivated.

use std::cell::RefCell;
use std::rc::Rc;
use xpo_host::mgmt::bring_up::{bring_up, dp_state, BringUpError};
use xpo_host::mgmt::Driver;
use xpo_host::serdes::LineImpairments;
use xpo_sim::mgmt_bus::EngineI2c;
use xpo_sim::retimer::{RetimerPlan, RetimerTraffic};
use xpo_sim::{build_engine, EngineKind, Stimulus};
use xpo_spec::{EngineConfig, EngineInputs, EngineOutputs};

/// The traffic, shared with the test so it can read the counts.
struct Shared(Rc<RefCell<RetimerTraffic>>);

impl Stimulus for Shared {
    fn drive(&mut self, cycle: u64, previous: &EngineOutputs, inputs: &mut EngineInputs) {
        self.0.borrow_mut().drive(cycle, previous, inputs);
        for l in &mut inputs.lanes {
            l.tx_ready = true;
        }
    }
}

fn traffic(cfg: &EngineConfig) -> Rc<RefCell<RetimerTraffic>> {
    let clean = LineImpairments::clean();
    Rc::new(RefCell::new(
        RetimerTraffic::new(
            RetimerPlan {
                seed: 5,
                host: clean,
                media: clean,
                drive_reset: false,
            },
            cfg.lanes,
        )
        .unwrap(),
    ))
}

/// 1 MHz SCL: a register read is a few thousand core cycles.
const SCL_HZ: u64 = 1_000_000;

#[test]
fn a_sonic_style_host_brings_every_lane_up_and_traffic_passes() {
    let cfg = EngineConfig::default();
    for kind in [EngineKind::Verilator, EngineKind::Model] {
        let t = traffic(&cfg);
        let bus = EngineI2c::new(build_engine(kind, &cfg).unwrap(), SCL_HZ)
            .with_lanes(Box::new(Shared(t.clone())));
        let mut d = Driver::new(bus, cfg.register_map());
        // Before the host acts: DPDeinit is clear at reset, so the lanes
        // come up by themselves; the host deinitializes them first.
        let r = bring_up(&mut d, cfg.lanes, 200).unwrap_or_else(|e| panic!("{kind:?}: {e}"));
        let a = r.application;
        assert_eq!(
            (
                a.host_interface,
                a.media_interface,
                a.host_lanes,
                a.media_lanes
            ),
            (0x51, 0x56, 8, 8),
            "{kind:?}: 800GAUI-8 S C2M to 800GBASE-DR8"
        );
        assert_eq!((a.host_lane_options, a.media_lane_options), (1, 1));
        let names: Vec<&str> = r.waits.iter().map(|w| w.0).collect();
        assert_eq!(
            names,
            [
                "ModuleReady",
                "DPDeactivated",
                "ConfigSuccess",
                "DPInitialized",
                "DPActivated"
            ]
        );
        for l in 0..cfg.lanes {
            assert_eq!(d.read_field("DPState", l).unwrap(), dp_state::ACTIVATED);
            // The active set: AppSel 1, DataPathID 0.
            assert_eq!(
                d.read_field("DPConfigActive", l).unwrap() >> 4,
                1,
                "lane {l}"
            );
            assert_eq!(d.read_field("DPInitPending", l).unwrap(), 0, "lane {l}");
        }
        // DPStateChanged latched on the way (CMIS: entering a steady state).
        assert!(d.take_flag("LDPStateChanged", 0).unwrap(), "{kind:?}");
        // Traffic: count from now, run a while, every lane passes blocks
        // both ways.
        t.borrow_mut().clear_counts();
        for _ in 0..2_000 {
            d.access_mut().step();
        }
        let out = d.access_mut().outputs().clone();
        for rep in t.borrow().report(&out) {
            assert!(
                rep.tx.block_lock && rep.rx.block_lock,
                "{kind:?} lane {}: {rep:?}",
                rep.lane
            );
            assert!(
                rep.tx.blocks_passed > 1_500 && rep.rx.blocks_passed > 1_500,
                "{kind:?} lane {}: {rep:?}",
                rep.lane
            );
        }
        // Deinitialized, the lanes are squelched: nothing passes.
        for l in 0..cfg.lanes {
            d.write_field("DPDeinit", l, 1).unwrap();
        }
        for _ in 0..2_000 {
            d.access_mut().step();
        }
        t.borrow_mut().clear_counts();
        for _ in 0..1_000 {
            d.access_mut().step();
        }
        let out = d.access_mut().outputs().clone();
        for rep in t.borrow().report(&out) {
            assert_eq!(
                (rep.tx.blocks_passed, rep.rx.blocks_passed),
                (0, 0),
                "{kind:?} lane {}",
                rep.lane
            );
        }
    }
}

/// A module that does not reach the awaited state in time is an error
/// naming the step and what the lanes showed, not a hang: DPInit lasting
/// 10 ms, longer than the host's two polls. The lanes started DPInit by
/// themselves after reset (DPDeinit is clear at reset) and a transient
/// state runs to its end (CMIS), so the host's DPDeinit cannot take them
/// to DPDeactivated in time.
#[test]
fn a_bring_up_that_times_out_names_its_step() {
    let mut cfg = EngineConfig::default();
    cfg.data_path.init_ns = 10_000_000;
    let bus = EngineI2c::new(build_engine(EngineKind::Model, &cfg).unwrap(), SCL_HZ);
    let mut d = Driver::new(bus, cfg.register_map());
    match bring_up(&mut d, cfg.lanes, 2) {
        Err(BringUpError::Timeout { step, polls, seen }) => {
            assert_eq!((step, polls), ("DPDeactivated", 2));
            // DPInit is 2: every lane still initializing.
            assert_eq!(seen, format!("DPState {:?}", [2; 8]));
        }
        other => panic!("{other:?}"),
    }
}
