//! The CMIS module state machine, modelled from CMIS 5.2 section 6.3.2 as
//! summarised in `cmis-elsfp.md` and the cycle contract of the RTL block:
//! reset → ModuleLowPwr; no low-power request → ModulePwrUp, which lasts the
//! configured power-up time → ModuleReady; a request in PwrUp or Ready →
//! ModulePwrDn, which lasts the power-down time → ModuleLowPwr; a fault →
//! ModuleFault until reset. Each change is reported for one cycle.

use xpo_spec::EngineConfig;

pub const LOW_PWR: u8 = 1;
pub const PWR_UP: u8 = 2;
pub const READY: u8 = 3;
pub const PWR_DN: u8 = 4;
pub const FAULT: u8 = 5;

#[derive(Debug, Clone)]
pub struct ModuleStateModel {
    state: u8,
    /// Cycles spent in the current timed state.
    elapsed: u64,
    changed: bool,
    power_up: u64,
    power_down: u64,
}

impl ModuleStateModel {
    pub fn new(cfg: &EngineConfig) -> Self {
        Self {
            state: LOW_PWR,
            elapsed: 0,
            changed: false,
            power_up: cfg.cycles_for_ns(cfg.module.power_up_ns).max(1),
            power_down: cfg.cycles_for_ns(cfg.module.power_down_ns).max(1),
        }
    }

    /// ModuleState as the register block sees it.
    pub fn state(&self) -> u8 {
        self.state
    }

    /// Whether the last edge changed the state.
    pub fn changed(&self) -> bool {
        self.changed
    }

    fn go(&mut self, s: u8) {
        self.state = s;
        self.elapsed = 0;
        self.changed = true;
    }

    /// One rising edge.
    pub fn step(&mut self, low_power_request: bool, fault: bool) {
        self.changed = false;
        if fault && self.state != FAULT {
            self.go(FAULT);
            return;
        }
        match self.state {
            LOW_PWR if !low_power_request => self.go(PWR_UP),
            PWR_UP if low_power_request => self.go(PWR_DN),
            PWR_UP => {
                self.elapsed += 1;
                if self.elapsed == self.power_up {
                    self.go(READY);
                }
            }
            READY if low_power_request => self.go(PWR_DN),
            PWR_DN => {
                self.elapsed += 1;
                if self.elapsed == self.power_down {
                    self.go(LOW_PWR);
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn powers_up_and_down_on_time() {
        let cfg = EngineConfig::default(); // 2 us up, 1 us down at 156.25 MHz
        let mut m = ModuleStateModel::new(&cfg);
        m.step(true, false);
        assert_eq!(m.state(), LOW_PWR, "held by the request");
        m.step(false, false);
        assert_eq!((m.state(), m.changed()), (PWR_UP, true));
        let up = cfg.cycles_for_ns(2_000);
        for _ in 0..up - 1 {
            m.step(false, false);
            assert_eq!(m.state(), PWR_UP);
        }
        m.step(false, false);
        assert_eq!(
            (m.state(), m.changed()),
            (READY, true),
            "after exactly {up} cycles"
        );
        m.step(true, false);
        assert_eq!(m.state(), PWR_DN);
        for _ in 0..cfg.cycles_for_ns(1_000) {
            m.step(true, false);
        }
        assert_eq!(m.state(), LOW_PWR);
        m.step(false, true);
        assert_eq!(m.state(), FAULT);
        m.step(false, false);
        assert_eq!(
            (m.state(), m.changed()),
            (FAULT, false),
            "only reset leaves Fault"
        );
    }
}
