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

    #[test]
    fn a_check_too_long_for_its_counter_is_refused_by_name() {
        let mut cfg = EngineConfig::default();
        cfg.data_path.config_ns = 1_000_000;
        let e = cfg.validate().unwrap_err().to_string();
        assert!(e.contains("data_path.config_ns"), "{e}");
    }
}
