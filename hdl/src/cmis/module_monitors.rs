//! `ModuleMonitors`: the module temperature and supply-voltage monitors
//! (CMIS lower page 14..17) and their threshold comparators (page 02h
//! 128..143 → latched flags in lower byte 9), and the module supply-current
//! monitor (OIF-ELSFP-CMIS 1Bh:240, 200 µA, no thresholds).
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
//!    (two's complement, wrapping in 16 bits); Vcc and the supply current
//!    = their averages through their ratios.
//! 3. Flags (two [`Thresholds`] blocks, enabled once the monitor is
//!    valid), every cycle once the monitor is valid: strictly above the high
//!    alarm / below the low alarm / above the high warning / below the low
//!    warning. Temperature compares signed, Vcc unsigned. The register
//!    block latches them (clear on read, masked by lower byte 32) into IntL.
//! 4. For the clock, 2 and 3 work on the averages (and validity) as they
//!    stood `MONITOR_LATENCY` (3) edges earlier: [`Monitor`] registers its
//!    multiplier's operand, its product and its calibrated value, so a calibration multiply, an add
//!    and four comparisons are not all in front of the register block in
//!    one cycle. Monitors update every ADC
//!    sample (microseconds), so the cycle is invisible to a host.

use super::hwif::MonitorPort;
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
    pub supply_current_adc: Signal<In, Bits<16>>,
    pub supply_current_adc_valid: Signal<In, Bit>,
    /// To the register block: the monitors, the page 02h thresholds and
    /// the flags they raise (`xpo_spec::hwif::MonitorRegs`).
    pub regs: MonitorPort,
    temperature_mon: Monitor,
    vcc_mon: Monitor,
    supply_current_mon: Monitor,
    temp_levels: Thresholds,
    vcc_levels: Thresholds,
    temperature_valid: DFF<Bit>,
    vcc_valid: DFF<Bit>,
    supply_current_valid: DFF<Bit>,
    /// The validity of the previous cycle, paired with the monitors'
    /// registered values (4).
    temperature_shown_valid: DFF<Bit>,
    vcc_shown_valid: DFF<Bit>,
    supply_current_shown_valid: DFF<Bit>,
    temperature_valid_1: DFF<Bit>,
    temperature_valid_2: DFF<Bit>,
    vcc_valid_1: DFF<Bit>,
    vcc_valid_2: DFF<Bit>,
    supply_current_valid_1: DFF<Bit>,
    supply_current_valid_2: DFF<Bit>,
    temperature: Signal<Local, Bits<16>>,
    vcc: Signal<Local, Bits<16>>,
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
            supply_current_adc: Default::default(),
            supply_current_adc_valid: Default::default(),
            regs: Default::default(),
            temperature_mon: Monitor::new(p.temperature_offset, p.temperature_adc),
            vcc_mon: Monitor::new(p.vcc_offset, p.vcc_adc),
            supply_current_mon: Monitor::new(p.supply_current_offset, p.supply_current_adc),
            temp_levels: Thresholds::new(true),
            vcc_levels: Thresholds::new(false),
            temperature_valid: Default::default(),
            vcc_valid: Default::default(),
            supply_current_valid: Default::default(),
            temperature_shown_valid: Default::default(),
            vcc_shown_valid: Default::default(),
            supply_current_shown_valid: Default::default(),
            temperature_valid_1: Default::default(),
            temperature_valid_2: Default::default(),
            vcc_valid_1: Default::default(),
            vcc_valid_2: Default::default(),
            supply_current_valid_1: Default::default(),
            supply_current_valid_2: Default::default(),
            temperature: Default::default(),
            vcc: Default::default(),
            zero: Constant::new(0u64.into()),
            temperature_zero: Constant::new((p.temperature_zero as u64).into()),
        }
    }
}

impl Logic for ModuleMonitors {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            temperature_valid,
            vcc_valid,
            supply_current_valid,
            temperature_shown_valid,
            vcc_shown_valid,
            supply_current_shown_valid,
            temperature_valid_1,
            temperature_valid_2,
            vcc_valid_1,
            vcc_valid_2,
            supply_current_valid_1,
            supply_current_valid_2
        );
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
        self.supply_current_mon.clock.next = self.clock.val();
        self.supply_current_mon.reset.next = self.reset.val();
        self.supply_current_mon.adc.next = self.supply_current_adc.val();
        self.supply_current_mon.adc_valid.next = self.supply_current_adc_valid.val();
        self.supply_current_mon.load.next = !self.supply_current_valid.q.val();
        if self.temperature_adc_valid.val() {
            self.temperature_valid.d.next = true;
        }
        if self.vcc_adc_valid.val() {
            self.vcc_valid.d.next = true;
        }
        if self.supply_current_adc_valid.val() {
            self.supply_current_valid.d.next = true;
        }
        // 2. Monitors, from the registered values (4).
        self.temperature_valid_1.d.next = self.temperature_valid.q.val();
        self.vcc_valid_1.d.next = self.vcc_valid.q.val();
        self.supply_current_valid_1.d.next = self.supply_current_valid.q.val();
        self.temperature_valid_2.d.next = self.temperature_valid_1.q.val();
        self.temperature_shown_valid.d.next = self.temperature_valid_2.q.val();
        self.vcc_valid_2.d.next = self.vcc_valid_1.q.val();
        self.vcc_shown_valid.d.next = self.vcc_valid_2.q.val();
        self.supply_current_valid_2.d.next = self.supply_current_valid_1.q.val();
        self.supply_current_shown_valid.d.next = self.supply_current_valid_2.q.val();
        if self.temperature_shown_valid.q.val() {
            self.temperature.next = self.temperature_mon.value.val() + self.temperature_zero.val();
        } else {
            self.temperature.next = self.zero.val();
        }
        if self.vcc_shown_valid.q.val() {
            self.vcc.next = self.vcc_mon.value.val();
        } else {
            self.vcc.next = self.zero.val();
        }
        self.regs.temperature.next = self.temperature.val();
        self.regs.vcc.next = self.vcc.val();
        if self.supply_current_shown_valid.q.val() {
            self.regs.supply_current.next = self.supply_current_mon.value.val();
        } else {
            self.regs.supply_current.next = self.zero.val();
        }
        // 3. Flags (`crate::thresholds`): temperature signed, Vcc unsigned.
        self.temp_levels.value.next = self.temperature.val();
        self.temp_levels.enable.next = self.temperature_shown_valid.q.val();
        self.temp_levels.high_alarm.next = self.regs.temp_ha.val();
        self.temp_levels.low_alarm.next = self.regs.temp_la.val();
        self.temp_levels.high_warning.next = self.regs.temp_hw.val();
        self.temp_levels.low_warning.next = self.regs.temp_lw.val();
        self.regs.flag_temp_ha.next = self.temp_levels.flag_high_alarm.val();
        self.regs.flag_temp_la.next = self.temp_levels.flag_low_alarm.val();
        self.regs.flag_temp_hw.next = self.temp_levels.flag_high_warning.val();
        self.regs.flag_temp_lw.next = self.temp_levels.flag_low_warning.val();
        self.vcc_levels.value.next = self.vcc.val();
        self.vcc_levels.enable.next = self.vcc_shown_valid.q.val();
        self.vcc_levels.high_alarm.next = self.regs.vcc_ha.val();
        self.vcc_levels.low_alarm.next = self.regs.vcc_la.val();
        self.vcc_levels.high_warning.next = self.regs.vcc_hw.val();
        self.vcc_levels.low_warning.next = self.regs.vcc_lw.val();
        self.regs.flag_vcc_ha.next = self.vcc_levels.flag_high_alarm.val();
        self.regs.flag_vcc_la.next = self.vcc_levels.flag_low_alarm.val();
        self.regs.flag_vcc_hw.next = self.vcc_levels.flag_high_warning.val();
        self.regs.flag_vcc_lw.next = self.vcc_levels.flag_low_warning.val();
        if self.reset.val() {
            self.temperature_valid.d.next = false;
            self.vcc_valid.d.next = false;
            self.supply_current_valid.d.next = false;
            self.temperature_shown_valid.d.next = false;
            self.vcc_shown_valid.d.next = false;
            self.supply_current_shown_valid.d.next = false;
            self.temperature_valid_1.d.next = false;
            self.vcc_valid_1.d.next = false;
            self.supply_current_valid_1.d.next = false;
        }
    }
}
