//! `LaserFaultFanout`: each data lane's view of the fault of the ELSFP
//! laser lane that feeds it (`xpo_spec::laser::laser_for_lane`: the lasers
//! shared evenly, in order), for CMIS TxFault (11h:135).
//!
//! A leaf of plain wires because `#[hdl_gen]` cannot index one `Vec` of
//! children by a table computed from the configuration.

use crate::opaque::Opaque;
use rust_hdl::prelude::*;
use xpo_spec::EngineConfig;

#[derive(LogicBlock)]
pub struct LaserFaultFanout {
    /// Per laser lane: its fault level.
    pub laser_fault: Vec<Signal<In, Bit>>,
    /// Per data lane: the fault of its laser.
    pub lane_fault: Vec<Signal<Out, Bit>>,
    /// Per data lane, the laser lane feeding it.
    feeds: Opaque<Vec<usize>>,
}

impl LaserFaultFanout {
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            laser_fault: (0..cfg.laser_lanes).map(|_| Default::default()).collect(),
            lane_fault: (0..cfg.lanes).map(|_| Default::default()).collect(),
            feeds: Opaque(
                (0..cfg.lanes)
                    .map(|l| xpo_spec::laser::laser_for_lane(cfg, l))
                    .collect(),
            ),
        }
    }
}

impl Logic for LaserFaultFanout {
    fn update(&mut self) {
        for (l, &g) in self.feeds.0.iter().enumerate() {
            self.lane_fault[l].next = self.laser_fault[g].val();
        }
    }

    fn connect(&mut self) {
        for s in &mut self.lane_fault {
            s.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from("always @(*) begin\n");
        for (l, g) in self.feeds.0.iter().enumerate() {
            v.push_str(&format!("    lane_fault${l} = laser_fault${g};\n"));
        }
        v.push_str("end\n");
        // Lasers that feed no data lane in this configuration (more lasers
        // than lanes): consumed by a net Verilator's default
        // `-unused-regexp` (`*unused*`) expects to be unused.
        let spare: Vec<String> = (0..self.laser_fault.len())
            .filter(|g| !self.feeds.0.contains(g))
            .map(|g| format!("laser_fault${g}"))
            .collect();
        if !spare.is_empty() {
            v.push_str(&format!(
                "wire unused_lasers = &{{1'b0, {}}};\n",
                spare.join(", ")
            ));
        }
        Verilog::Custom(v)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Two lasers for eight lanes: lanes 0..3 see laser 0, 4..7 laser 1.
    #[test]
    fn each_lane_sees_its_laser() {
        let cfg = EngineConfig {
            laser_lanes: 2,
            ..Default::default()
        };
        let mut f = LaserFaultFanout::new(&cfg);
        f.connect_all();
        f.laser_fault[1].next = true;
        assert!(simulate(&mut f, 10));
        let seen: Vec<bool> = f.lane_fault.iter().map(|s| s.val()).collect();
        assert_eq!(seen, [false, false, false, false, true, true, true, true]);
    }
}
