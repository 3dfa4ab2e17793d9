//! A retimer path on its own, stepped like the engines: inputs set, one
//! rising edge, outputs after it. For block-level cross-checks against the
//! host model (`tests/tests/retimer_path.rs`).

use super::RetimerPath;
use rust_hdl::prelude::*;
use xpo_spec::retimer::RetimerTiming;

/// One edge's inputs, as the ports of `RetimerPath`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathDrive {
    pub reset: bool,
    pub valid: bool,
    pub block: u128,
    pub polarity_flip: bool,
    pub output_disable: bool,
    pub auto_squelch_disable: bool,
    pub squelch_force: bool,
    pub dp_activated: bool,
    pub bypass: bool,
}

/// The outputs after an edge, as the ports of `RetimerPath`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathSense {
    pub out_valid: bool,
    pub out_block: u128,
    pub slip: bool,
    pub block_lock: bool,
    pub hi_ber: bool,
    pub los: bool,
    pub output_status: bool,
    pub invalid_headers: u32,
    pub errored_blocks: u32,
}

pub struct RetimerPathStepper {
    path: RetimerPath,
}

impl RetimerPathStepper {
    /// A Tx (`tx`) or Rx path, reset on its first edge.
    pub fn new(tx: bool, t: &RetimerTiming) -> Self {
        let mut path = RetimerPath::new(tx, t);
        path.connect_all();
        let mut s = Self { path };
        s.step(&PathDrive {
            reset: true,
            ..Default::default()
        });
        s
    }

    pub fn step(&mut self, d: &PathDrive) -> PathSense {
        let p = &mut self.path;
        p.reset.next = d.reset;
        p.valid.next = d.valid;
        p.block.next = d.block.to_bits();
        p.polarity_flip.next = d.polarity_flip;
        p.output_disable.next = d.output_disable;
        p.auto_squelch_disable.next = d.auto_squelch_disable;
        p.squelch_force.next = d.squelch_force;
        p.dp_activated.next = d.dp_activated;
        p.bypass.next = d.bypass;
        p.clock.next = false.into();
        assert!(simulate(p, 100), "retimer path settles");
        p.clock.next = true.into();
        assert!(simulate(p, 100), "retimer path settles");
        PathSense {
            out_valid: p.out_valid.val(),
            out_block: p.out_block.val().to_u128(),
            slip: p.slip.val(),
            block_lock: p.block_lock.val(),
            hi_ber: p.hi_ber.val(),
            los: p.los.val(),
            output_status: p.output_status.val(),
            invalid_headers: p.invalid_headers.val().index() as u32,
            errored_blocks: p.errored_blocks.val().index() as u32,
        }
    }
}
