//! A laser lane on its own, stepped like the engines: inputs set, one
//! rising edge, outputs after it (with this cycle's inputs still applied).
//! For block-level cross-checks against the host model.

use super::laser_lane::LaserLane;
use rust_hdl::prelude::*;
use xpo_spec::laser::LaserParams;

/// One cycle of inputs, as the fields of `LaserLane`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaneDrive {
    pub reset: bool,
    pub enable: bool,
    pub fiber_checked: bool,
    pub apc: bool,
    pub bias_setpoint: u16,
    pub power_setpoint: u16,
    /// FiberCheckPower as the register holds it (1 mW).
    pub check_power: u16,
    pub interlock: bool,
    pub bias_adc: u16,
    pub bias_adc_valid: bool,
    pub power_adc: u16,
    pub power_adc_valid: bool,
    pub voltage_adc: u16,
    pub voltage_adc_valid: bool,
}

/// The outputs after an edge: `(dac, driver_enable, lane_state, fault_code,
/// bias_monitor, power_monitor, voltage_monitor, warning_code)`.
pub type LaneSense = (u16, bool, u8, u8, u16, u16, u8, u8);

pub struct LaserLaneStepper {
    lane: LaserLane,
}

impl LaserLaneStepper {
    pub fn new(p: &LaserParams) -> Self {
        let mut lane = LaserLane::new(p);
        lane.connect_all();
        Self { lane }
    }

    pub fn step(&mut self, d: &LaneDrive) -> LaneSense {
        let l = &mut self.lane;
        l.reset.next = d.reset;
        l.regs.laser_enable.next = d.enable;
        l.regs.fiber_checked.next = d.fiber_checked;
        l.regs.laser_apc.next = d.apc;
        l.regs.bias_setpoint.next = (d.bias_setpoint as u64).into();
        l.regs.power_setpoint.next = (d.power_setpoint as u64).into();
        l.regs.check_power.next = (d.check_power as u64).into();
        l.interlock.next = d.interlock;
        l.bias_adc.next = (d.bias_adc as u64).into();
        l.bias_adc_valid.next = d.bias_adc_valid;
        l.power_adc.next = (d.power_adc as u64).into();
        l.power_adc_valid.next = d.power_adc_valid;
        l.voltage_adc.next = (d.voltage_adc as u64).into();
        l.voltage_adc_valid.next = d.voltage_adc_valid;
        l.clock.next = false.into();
        assert!(simulate(l, 100), "laser lane settles");
        l.clock.next = true.into();
        assert!(simulate(l, 100), "laser lane settles");
        (
            l.dac.val().index() as u16,
            l.driver_enable.val(),
            l.regs.lane_state.val().index() as u8,
            l.regs.fault_code.val().index() as u8,
            l.regs.bias_monitor.val().index() as u16,
            l.regs.power_monitor.val().index() as u16,
            l.regs.lane_voltage.val().index() as u8,
            l.regs.warning_code.val().index() as u8,
        )
    }
}
