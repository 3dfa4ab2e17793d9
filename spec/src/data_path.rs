//! The data-path state machine's numbers, for its RTL and its model alike:
//! the `[data_path]` durations in cycles and what ApplyDPInit accepts.

use crate::config::EngineConfig;

/// The cycles of each transient state and of a configuration check (each
/// at least 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DpCycles {
    pub init: u32,
    pub deinit: u32,
    pub tx_turn_on: u32,
    pub tx_turn_off: u32,
    pub config: u32,
}

impl DpCycles {
    /// From a validated configuration.
    pub fn new(cfg: &EngineConfig) -> Self {
        let c = |ns: u64| cfg.cycles_for_ns(ns).max(1) as u32;
        let d = &cfg.data_path;
        Self {
            init: c(d.init_ns),
            deinit: c(d.deinit_ns),
            tx_turn_on: c(d.tx_turn_on_ns),
            tx_turn_off: c(d.tx_turn_off_ns),
            config: c(d.config_ns),
        }
    }
}

/// What ApplyDPInit accepts on `lane`: per advertised Application (AppSel
/// 1, 2, ..) the DataPathIDs (first host lane of the data path, CMIS) the
/// lane may belong to. This engine advertises one Application: the
/// bank's lanes (up to eight) as one data path starting at its lane 0,
/// so AppSel 1 with DataPathID 0 is the one valid configuration.
pub fn allowed_data_paths(_cfg: &EngineConfig, _lane: usize) -> Vec<Vec<u8>> {
    vec![vec![0]]
}

/// One CMIS Application as the module advertises it: lower page bytes
/// 86 + 4 (AppSel - 1) .. (host interface ID, media interface ID, lane
/// counts, host lane assignment options) and its media lane assignment
/// options on page 01h (176 + AppSel - 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Application {
    /// SFF-8024 host electrical interface code.
    pub host_interface: u8,
    /// SFF-8024 single-mode media interface code (MediaType 02h).
    pub media_interface: u8,
    pub host_lanes: u8,
    pub media_lanes: u8,
    /// Bit n: the Application may begin on host lane n + 1.
    pub host_lane_options: u8,
    /// Bit n: the Application may begin on media lane n + 1.
    pub media_lane_options: u8,
}

impl Application {
    /// The four descriptor bytes as one big-endian value.
    pub fn descriptor(&self) -> u32 {
        u32::from_be_bytes([
            self.host_interface,
            self.media_interface,
            self.host_lanes << 4 | self.media_lanes,
            self.host_lane_options,
        ])
    }
}

/// The Application this engine advertises as AppSel 1: every lane of a
/// bank (up to eight) in one data path beginning at its first lane, one
/// host lane per media lane (a retimer). The codes are SFF-8024's, as
/// SONiC's `sonic_xcvr/codes/public/sff8024.py` lists them
/// (HOST_ELECTRICAL_INTERFACE, SM_MEDIA_INTERFACE):
/// - 8 lanes: 81 (51h) "800GAUI-8 S C2M (Annex 120G)" and 86 (56h)
///   "800GBASE-DR8";
/// - 4 lanes: 79 (4Fh) "400GAUI-4-S C2M (Annex 120G)" and 28 (1Ch)
///   "400GBASE-DR4 (Cl 124)";
/// - 1 lane: 75 (4Bh) "100GAUI-1-S C2M (Annex 120G)" and 20 (14h)
///   "100GBASE-DR (Cl 140)".
///
/// Other lane counts have no Ethernet Application of that width: they
/// advertise interface IDs 0 (SFF-8024 "Undefined") with the true lane
/// counts. A 16-lane engine advertises the 8-lane Application; bank 1's
/// lanes use it as bank 0's do.
pub fn advertised_application(cfg: &EngineConfig) -> Application {
    let lanes = cfg.lanes.min(8) as u8;
    let (host_interface, media_interface) = match lanes {
        8 => (0x51, 0x56),
        4 => (0x4F, 0x1C),
        1 => (0x4B, 0x14),
        _ => (0, 0),
    };
    Application {
        host_interface,
        media_interface,
        host_lanes: lanes,
        media_lanes: lanes,
        host_lane_options: 0x01,
        media_lane_options: 0x01,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_durations_in_cycles_at_156_25_mhz() {
        let c = DpCycles::new(&EngineConfig::default());
        // 2 us, 1 us, 1 us, 0.5 us, 100 ns at 6.4 ns a cycle, rounded up.
        assert_eq!(
            (c.init, c.deinit, c.tx_turn_on, c.tx_turn_off, c.config),
            (313, 157, 157, 79, 16)
        );
    }

    /// The default 8-lane engine is an 800G-DR8 module with an
    /// 800GAUI-8 host interface (bytes typed from SFF-8024 / SONiC).
    #[test]
    fn the_default_engine_advertises_800gaui8_to_800gbase_dr8() {
        let a = advertised_application(&EngineConfig::default());
        assert_eq!(a.descriptor(), 0x5156_8801);
        assert_eq!(a.media_lane_options, 1);
        let one = EngineConfig {
            lanes: 1,
            ..Default::default()
        };
        assert_eq!(advertised_application(&one).descriptor(), 0x4B14_1101);
    }

    #[test]
    fn a_check_too_long_for_its_counter_is_refused_by_name() {
        let mut cfg = EngineConfig::default();
        cfg.data_path.config_ns = 1_000_000;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(e.contains("data_path.config_ns"), "{e}");
    }
}
