//! A retimer path on its own, stepped like the engines: inputs set, one
//! rising edge, outputs after it. For block-level cross-checks against the
//! host model (`tests/tests/retimer_path.rs`).

use super::{AmLane, Deskew, LaneAlignment, LinkBerMonitor, LinkDecode, RetimerPath};
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

/// The outputs of an `AmLane` after an edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AmLaneSense {
    pub am_lock: bool,
    /// With `am_lock` only (the register is meaningless without it).
    pub lane_number: Option<usize>,
    pub good_marker: bool,
    pub bip_errors: u32,
    pub last_bip_mismatch: u8,
}

/// An `AmLane` on its own, stepped like the engines.
pub struct AmLaneStepper {
    lane: AmLane,
}

impl AmLaneStepper {
    /// A lane of a `lanes`-lane link, `period` blocks between markers,
    /// reset on its first edge.
    pub fn new(lanes: usize, period: u32) -> Self {
        let mut lane = AmLane::new(lanes, period);
        lane.connect_all();
        let mut s = Self { lane };
        s.lane.reset.next = true;
        s.edge();
        s.lane.reset.next = false;
        s
    }

    fn edge(&mut self) {
        let l = &mut self.lane;
        l.clock.next = false.into();
        assert!(simulate(l, 100), "AM lane settles");
        l.clock.next = true.into();
        assert!(simulate(l, 100), "AM lane settles");
    }

    /// One edge with these inputs; the outputs after it.
    pub fn step(&mut self, valid: bool, block: u128, block_lock: bool) -> AmLaneSense {
        self.lane.valid.next = valid;
        self.lane.block.next = block.to_bits();
        self.lane.block_lock.next = block_lock;
        self.edge();
        let l = &self.lane;
        AmLaneSense {
            am_lock: l.am_lock.val(),
            lane_number: l.am_lock.val().then(|| l.lane_number.val().index()),
            good_marker: l.good_marker.val(),
            bip_errors: l.bip_errors.val().index() as u32,
            last_bip_mismatch: l.last_bip_mismatch.val().index() as u8,
        }
    }
}

/// One edge's inputs to a `Deskew`, per physical lane.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskewDrive {
    pub valid: Vec<bool>,
    pub block: Vec<u128>,
    pub block_lock: Vec<bool>,
    pub bit_phase: Vec<u8>,
    pub clear_deskew_error: Vec<bool>,
}

/// A `Deskew`'s outputs after an edge.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DeskewSense {
    pub out_valid: bool,
    /// By logical lane (empty on the transmit side).
    pub out_block: Vec<u128>,
    /// The output row is a marker row (receive side).
    pub out_marker: bool,
    pub align_status: bool,
    /// Per physical lane.
    pub lanes: Vec<AmLaneSense>,
    pub skew_measured: bool,
    pub skew_blocks: Vec<u32>,
    pub skew_bits: Vec<u32>,
    pub deskew_error: Vec<bool>,
}

enum Link {
    /// The receive side: `Deskew`.
    Receive(Box<Deskew>),
    /// The transmit side: `LaneAlignment` alone.
    Transmit(Box<LaneAlignment>),
}

/// The ports `Deskew` and `LaneAlignment` share, set and read alike.
macro_rules! link_ports {
    ($l:expr, $d:expr) => {{
        for x in 0..$l.valid.len() {
            $l.valid[x].next = $d.valid[x];
            $l.block[x].next = $d.block[x].to_bits();
            $l.block_lock[x].next = $d.block_lock[x];
            $l.bit_phase[x].next = u64::from($d.bit_phase[x]).into();
            $l.clear_deskew_error[x].next = $d.clear_deskew_error[x];
        }
        $l.clock.next = false.into();
        assert!(simulate(&mut **$l, 200), "deskew settles");
        $l.clock.next = true.into();
        assert!(simulate(&mut **$l, 200), "deskew settles");
        DeskewSense {
            out_valid: false,
            out_block: Vec::new(),
            out_marker: false,
            align_status: $l.align_status.val(),
            lanes: (0..$l.valid.len())
                .map(|x| AmLaneSense {
                    am_lock: $l.am_lock[x].val(),
                    lane_number: $l.am_lock[x].val().then(|| $l.lane_number[x].val().index()),
                    // Not a port of the link: the lane's good marker is
                    // internal to its decision.
                    good_marker: false,
                    bip_errors: $l.bip_errors[x].val().index() as u32,
                    last_bip_mismatch: $l.last_bip_mismatch[x].val().index() as u8,
                })
                .collect(),
            skew_measured: $l.skew_measured.val(),
            skew_blocks: $l
                .skew_blocks
                .iter()
                .map(|s| s.val().index() as u32)
                .collect(),
            skew_bits: $l
                .skew_bits
                .iter()
                .map(|s| s.val().index() as u32)
                .collect(),
            deskew_error: $l.deskew_error.iter().map(|s| s.val()).collect(),
        }
    }};
}

/// A link's alignment on its own (`Deskew` when `buffered`, else
/// `LaneAlignment`), stepped like the engines.
pub struct DeskewStepper {
    link: Link,
}

impl DeskewStepper {
    /// A link reset on its first edge (arguments as `Deskew::new`).
    pub fn new(lanes: usize, period: u32, max_skew: u32, buffered: bool) -> Self {
        let link = if buffered {
            let mut l = Box::new(Deskew::new(lanes, period, max_skew));
            l.connect_all();
            Link::Receive(l)
        } else {
            let mut l = Box::new(LaneAlignment::new(lanes, period, max_skew));
            l.connect_all();
            Link::Transmit(l)
        };
        let mut s = Self { link };
        s.set_reset(true);
        let idle = DeskewDrive {
            valid: vec![false; lanes],
            block: vec![0; lanes],
            block_lock: vec![false; lanes],
            bit_phase: vec![0; lanes],
            clear_deskew_error: vec![false; lanes],
        };
        s.step(&idle);
        s.set_reset(false);
        s
    }

    fn set_reset(&mut self, on: bool) {
        match &mut self.link {
            Link::Receive(l) => l.reset.next = on,
            Link::Transmit(l) => l.reset.next = on,
        }
    }

    /// One edge with these inputs; the outputs after it.
    pub fn step(&mut self, d: &DeskewDrive) -> DeskewSense {
        match &mut self.link {
            Link::Receive(l) => {
                let mut sense = link_ports!(l, d);
                sense.out_valid = l.out_valid.val();
                sense.out_marker = l.out_marker.val();
                sense.out_block = l.out_block.iter().map(|b| b.val().to_u128()).collect();
                sense
            }
            Link::Transmit(l) => link_ports!(l, d),
        }
    }
}

/// A `LinkDecode` on its own, stepped like the engines.
pub struct LinkDecodeStepper {
    link: Box<LinkDecode>,
}

impl LinkDecodeStepper {
    /// A check for `lanes` logical lanes, reset on its first edge.
    pub fn new(lanes: usize) -> Self {
        let mut link = Box::new(LinkDecode::new(lanes));
        link.connect_all();
        let mut s = Self { link };
        s.link.reset.next = true;
        s.step(false, false, &vec![0; lanes]);
        s.link.reset.next = false;
        s
    }

    /// One edge with this row; the errored-block counts after it, by
    /// logical lane.
    pub fn step(&mut self, valid: bool, marker: bool, blocks: &[u128]) -> Vec<u32> {
        let l = &mut *self.link;
        l.valid.next = valid;
        l.marker.next = marker;
        for (p, &b) in l.block.iter_mut().zip(blocks) {
            p.next = (b & ((1 << 35) - 1)).to_bits();
        }
        l.clock.next = false.into();
        assert!(simulate(l, 100), "link decode settles");
        l.clock.next = true.into();
        assert!(simulate(l, 100), "link decode settles");
        l.errored.iter().map(|e| e.val().index() as u32).collect()
    }
}

/// A `LinkBerMonitor` on its own, stepped like the engines.
pub struct LinkBerStepper {
    monitor: LinkBerMonitor,
}

impl LinkBerStepper {
    /// A monitor over `lanes` lanes (arguments as `LinkBerMonitor::new`),
    /// reset on its first edge.
    pub fn new(lanes: usize, window: u64, threshold: u32) -> Self {
        let mut monitor = LinkBerMonitor::new(lanes, window, threshold);
        monitor.connect_all();
        let mut s = Self { monitor };
        s.monitor.reset.next = true;
        s.edge();
        s.monitor.reset.next = false;
        s
    }

    fn edge(&mut self) {
        let m = &mut self.monitor;
        m.clock.next = false.into();
        assert!(simulate(m, 100), "link BER monitor settles");
        m.clock.next = true.into();
        assert!(simulate(m, 100), "link BER monitor settles");
    }

    /// One edge: the shown `align_status`, and per lane the sample it taps
    /// (`None`: no valid sample) as its sync header. Returns `hi_ber`
    /// after the edge.
    pub fn step(&mut self, enable: bool, headers: &[Option<u8>]) -> bool {
        let m = &mut self.monitor;
        m.enable.next = enable;
        for (x, h) in headers.iter().enumerate() {
            m.valid[x].next = h.is_some();
            m.header[x].next = u64::from(h.unwrap_or(0)).into();
        }
        self.edge();
        self.monitor.hi_ber.val()
    }
}
