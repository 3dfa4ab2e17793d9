//! `ModuleMonitors`: the module temperature and supply-voltage monitors
//! (CMIS lower page 14..17) and their threshold comparators (page 02h
//! 128..143 → latched flags in lower byte 9).
//!
//! Cycle contract (the host model `xpo_host::model::monitors` implements
//! the same text); numbers from `xpo_spec::monitors::MonitorParams`:
//!
//! 1. On each valid ADC sample the offset is subtracted (saturating at 0).
//!    The first sample after reset loads the average; every later one moves
//!    it by a quarter of the difference (arithmetic shift, towards the
//!    sample), as the laser monitors do. Until its first sample a monitor
//!    reads 0 and raises no flag: a freshly reset module does not report
//!    -40 °C.
//! 2. Temperature = the average through its ratio plus the zero point
//!    (two's complement, wrapping in 16 bits); Vcc = the average through its
//!    ratio.
//! 3. Flags (two [`Thresholds`] blocks, enabled once the monitor is
//!    valid), every cycle once the monitor is valid: strictly above the high
//!    alarm / below the low alarm / above the high warning / below the low
//!    warning. Temperature compares signed, Vcc unsigned. The register
//!    block latches them (clear on read, masked by lower byte 32) into IntL.

use crate::monitor::Monitor;
use crate::thresholds::Thresholds;
use rust_hdl::prelude::*;
use xpo_spec::monitors::MonitorParams;

#[derive(LogicBlock)]
pub struct ModuleMonitors {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Converters
    pub temperature_adc: Signal<In, Bits<16>>,
    pub temperature_adc_valid: Signal<In, Bit>,
    pub vcc_adc: Signal<In, Bits<16>>,
    pub vcc_adc_valid: Signal<In, Bit>,
    // Monitors (to the register block)
    pub temperature: Signal<Out, Bits<16>>,
    pub vcc: Signal<Out, Bits<16>>,
    // Thresholds (page 02h) and the flags they raise
    pub temp_ha: Signal<In, Bits<16>>,
    pub temp_la: Signal<In, Bits<16>>,
    pub temp_hw: Signal<In, Bits<16>>,
    pub temp_lw: Signal<In, Bits<16>>,
    pub vcc_ha: Signal<In, Bits<16>>,
    pub vcc_la: Signal<In, Bits<16>>,
    pub vcc_hw: Signal<In, Bits<16>>,
    pub vcc_lw: Signal<In, Bits<16>>,
    pub flag_temp_ha: Signal<Out, Bit>,
    pub flag_temp_la: Signal<Out, Bit>,
    pub flag_temp_hw: Signal<Out, Bit>,
    pub flag_temp_lw: Signal<Out, Bit>,
    pub flag_vcc_ha: Signal<Out, Bit>,
    pub flag_vcc_la: Signal<Out, Bit>,
    pub flag_vcc_hw: Signal<Out, Bit>,
    pub flag_vcc_lw: Signal<Out, Bit>,
    temperature_mon: Monitor,
    vcc_mon: Monitor,
    temp_levels: Thresholds,
    vcc_levels: Thresholds,
    temperature_valid: DFF<Bit>,
    vcc_valid: DFF<Bit>,
    zero: Constant<Bits<16>>,
    temperature_zero: Constant<Bits<16>>,
}

impl ModuleMonitors {
    pub fn new(p: &MonitorParams) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            temperature_adc: Default::default(),
            temperature_adc_valid: Default::default(),
            vcc_adc: Default::default(),
            vcc_adc_valid: Default::default(),
            temperature: Default::default(),
            vcc: Default::default(),
            temp_ha: Default::default(),
            temp_la: Default::default(),
            temp_hw: Default::default(),
            temp_lw: Default::default(),
            vcc_ha: Default::default(),
            vcc_la: Default::default(),
            vcc_hw: Default::default(),
            vcc_lw: Default::default(),
            flag_temp_ha: Default::default(),
            flag_temp_la: Default::default(),
            flag_temp_hw: Default::default(),
            flag_temp_lw: Default::default(),
            flag_vcc_ha: Default::default(),
            flag_vcc_la: Default::default(),
            flag_vcc_hw: Default::default(),
            flag_vcc_lw: Default::default(),
            temperature_mon: Monitor::new(p.temperature_offset, p.temperature_adc),
            vcc_mon: Monitor::new(p.vcc_offset, p.vcc_adc),
            temp_levels: Thresholds::new(true),
            vcc_levels: Thresholds::new(false),
            temperature_valid: Default::default(),
            vcc_valid: Default::default(),
            zero: Constant::new(0u64.into()),
            temperature_zero: Constant::new((p.temperature_zero as u64).into()),
        }
    }
}

impl Logic for ModuleMonitors {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, temperature_valid, vcc_valid);
        // 1. Samples and averages (`crate::monitor`): the first sample
        // after reset loads the average.
        self.temperature_mon.clock.next = self.clock.val();
        self.temperature_mon.reset.next = self.reset.val();
        self.temperature_mon.adc.next = self.temperature_adc.val();
        self.temperature_mon.adc_valid.next = self.temperature_adc_valid.val();
        self.temperature_mon.load.next = !self.temperature_valid.q.val();
        self.vcc_mon.clock.next = self.clock.val();
        self.vcc_mon.reset.next = self.reset.val();
        self.vcc_mon.adc.next = self.vcc_adc.val();
        self.vcc_mon.adc_valid.next = self.vcc_adc_valid.val();
        self.vcc_mon.load.next = !self.vcc_valid.q.val();
        if self.temperature_adc_valid.val() {
            self.temperature_valid.d.next = true;
        }
        if self.vcc_adc_valid.val() {
            self.vcc_valid.d.next = true;
        }
        // 2. Monitors.
        if self.temperature_valid.q.val() {
            self.temperature.next = self.temperature_mon.value.val() + self.temperature_zero.val();
        } else {
            self.temperature.next = self.zero.val();
        }
        if self.vcc_valid.q.val() {
            self.vcc.next = self.vcc_mon.value.val();
        } else {
            self.vcc.next = self.zero.val();
        }
        // 3. Flags (`crate::thresholds`): temperature signed, Vcc unsigned.
        self.temp_levels.value.next =
            self.temperature_mon.value.val() + self.temperature_zero.val();
        self.temp_levels.enable.next = self.temperature_valid.q.val();
        self.temp_levels.high_alarm.next = self.temp_ha.val();
        self.temp_levels.low_alarm.next = self.temp_la.val();
        self.temp_levels.high_warning.next = self.temp_hw.val();
        self.temp_levels.low_warning.next = self.temp_lw.val();
        self.flag_temp_ha.next = self.temp_levels.flag_high_alarm.val();
        self.flag_temp_la.next = self.temp_levels.flag_low_alarm.val();
        self.flag_temp_hw.next = self.temp_levels.flag_high_warning.val();
        self.flag_temp_lw.next = self.temp_levels.flag_low_warning.val();
        self.vcc_levels.value.next = self.vcc_mon.value.val();
        self.vcc_levels.enable.next = self.vcc_valid.q.val();
        self.vcc_levels.high_alarm.next = self.vcc_ha.val();
        self.vcc_levels.low_alarm.next = self.vcc_la.val();
        self.vcc_levels.high_warning.next = self.vcc_hw.val();
        self.vcc_levels.low_warning.next = self.vcc_lw.val();
        self.flag_vcc_ha.next = self.vcc_levels.flag_high_alarm.val();
        self.flag_vcc_la.next = self.vcc_levels.flag_low_alarm.val();
        self.flag_vcc_hw.next = self.vcc_levels.flag_high_warning.val();
        self.flag_vcc_lw.next = self.vcc_levels.flag_low_warning.val();
        if self.reset.val() {
            self.temperature_valid.d.next = false;
            self.vcc_valid.d.next = false;
        }
    }
}
