//! `LaserLane`: one ELSFP laser lane — enable, fiber check, soft start,
//! ACC/APC loops, monitors, loop and over-current faults, and the hardware
//! safety interlock.
//!
//! This file is the lane state machine and what it is built from: the
//! monitors ([`Monitor`]), the threshold flags ([`Thresholds`]) and the
//! loops ([`LaserControl`]: ACC target, APC integrator, slew limit and the
//! tolerance windows, combinational), each in a block of its own.
//!
//! Cycle contract (the host model `xpo_host::model::laser::LaserLaneModel`
//! implements the same text). Units: bias in DAC codes inside, setpoints
//! and monitors in CMIS units (bias 100 µA, power 10 µW); all numbers come
//! from [`LaserParams`].
//!
//! 1. **Monitors** (three [`Monitor`] blocks, averaging from 0, never
//!    loading a first sample). On each valid ADC sample the offset is
//!    subtracted (saturating at 0) and an exponential moving average updated:
//!    `avg += (x - avg) / 4` (arithmetic shift, towards the sample). The
//!    monitors are the averages through the calibration ratios, in two
//!    registered stages: everything below sees the averages as they stood
//!    `MONITOR_LATENCY` (3) edges earlier (`Monitor`'s contract). The
//!    forward-voltage monitor (1Bh:232, 15 mV) is built the same way and
//!    saturates at 255.
//! 2. **Updates.** A divider pulses `update` every `update_cycles` cycles;
//!    the loops act only on update cycles. [`LOOP_LATENCY`] (10) cycles
//!    before each update it pulses `sample`, which registers what the loops
//!    compute from: the bias and power monitors, the bias and power
//!    setpoints, the fiber check's power, the mode (LaserAPC), whether the
//!    lane is in FiberCheck, and the bias and integrator. Everything part 4
//!    computes from these uses the sampled values; the state, timer and
//!    OutputFiberChecked are read on the update cycle. If a rule of part 3
//!    acted between the sample and the update (in the sample's own cycle
//!    included), that update does nothing. (Pipelining for the clock: the
//!    arithmetic runs through registered stages between sample and
//!    update, [`LaserControl`]; a loop updating at 1 MHz has 156 cycles of
//!    a 156.25 MHz clock.) The ACC target is the bias setpoint as a DAC
//!    code, clamped to `[min_code, max_code]`.
//! 3. **Every cycle, first match wins:**
//!    - interlock: state Off, bias 0, integrator 0, timer 0, fault 0, and
//!      the lane is disarmed;
//!    - lane disabled: the same, but armed;
//!    - Off, enabled and armed: to FiberCheck (or straight to Ramping when
//!      OutputFiberChecked is already set), timer 0.
//! 4. **On update cycles** (with the sampled values of part 2):
//!    - over-current (bias monitor above the trip) in FiberCheck, Ramping or
//!      On: Fault, code 9;
//!    - FiberCheck: one DAC code up while the power monitor is below the
//!      check power less tolerance, one down while above it plus tolerance
//!      (approaching the check power from below, one code a step); when
//!      OutputFiberChecked is set: Ramping, timer 0;
//!    - Ramping ends when, in ACC, the bias's slew-limited step towards the
//!      target reaches it (the step is taken), or, in APC, the power is no
//!      longer below the setpoint less tolerance (the integrator takes the
//!      bias): On, timer 0. Otherwise, if the timer plus one reaches
//!      `timeout_updates`: Fault, code 1 (APC) or 2 (ACC). Otherwise the
//!      timer counts and the bias steps: ACC towards the target by at most
//!      `slew_codes`, APC up by `slew_codes` (never above `max_code`);
//!    - On, ACC: the bias moves towards the target by at most `slew_codes`;
//!      the loop is within tolerance when the bias monitor is within the
//!      tolerance of the bias setpoint;
//!    - On, APC: with `e` the power error magnitude, the integrator — DAC
//!      codes with `integral_frac` fraction bits (4 with a 12-bit DAC), so
//!      errors below `2^ki_shift` still integrate — moves by
//!      `LaserParams::integral_step(e)` (`e << frac >> ki_shift`,
//!      saturating at 65535) towards more power when below the setpoint and
//!      less when above, saturating at `max_code << frac` going up and
//!      `min_code << frac` going down, then clamped to that range
//!      (anti-windup); the output is the integrator's whole codes
//!      (`integral >> frac`) plus or minus `e >> kp_shift`, saturating at
//!      `max_code` / `min_code`; the bias moves towards it by at most
//!      `slew_codes`; the loop is within tolerance when `e` is within the
//!      setpoint's tolerance. Entering On from Ramping loads the integrator
//!      with `bias << frac`;
//!    - On: the timer resets while within tolerance; otherwise, if the timer
//!      plus one reaches `timeout_updates`: Fault, code 1 (APC) or 2 (ACC),
//!      else it counts.
//!    - Entering Fault sets the bias to 0; Fault holds until the lane is
//!      disabled (then Off, armed).
//! 5. **Threshold flags** (two [`Thresholds`] blocks, unsigned, enabled
//!    while On). While On, each of the eight comparators —
//!    bias monitor above the bias high alarm / below the low alarm / above
//!    the high warning / below the low warning, then the same for the power
//!    monitor (1Ah:141..156 thresholds, CMIS units) — raises its flag output
//!    (the register block latches it into 1Ah:186..193). Strict
//!    comparisons; no flags in any other state, so a dark lane is quiet.
//! 6. **Outputs.** `driver_enable` is high in FiberCheck, Ramping and On
//!    and `dac` is the bias then, else 0 — both also forced to 0
//!    combinationally while `interlock` is high, so light goes off in the
//!    same cycle whatever the registers say. LaneState (1Ah:221) is 0 off
//!    (Off, Fault), 1 ramping (FiberCheck, Ramping), 2 on.
//! 7. **Fault and warning.** `lane_fault` is high while the fault code is
//!    nonzero. The warning code (1Ah:212 bits 7:4) is, while On with the
//!    loop-failure timer running (the last update was out of tolerance),
//!    the code the lane would fault with (1 APC, 2 ACC), else 0;
//!    `lane_warning` is high while it is nonzero. The register block
//!    latches both flags into 1Ah:166/174 and summarises them in 165.

use super::control::{LaserControl, LOOP_LATENCY};
use crate::cmis::hwif::LaserPort;
use crate::monitor::Monitor;
use crate::scale::Scale;
use crate::thresholds::Thresholds;
use rust_hdl::prelude::*;
pub use xpo_spec::laser::{LaserParams, Ratio};

/// Lane states.
pub mod st {
    pub const OFF: u64 = 0;
    pub const FIBER_CHECK: u64 = 1;
    pub const RAMPING: u64 = 2;
    pub const ON: u64 = 3;
    pub const FAULT: u64 = 4;
}

/// Fault codes (1Ah:212..219 bits 3:0).
pub mod fault {
    pub const APC_LOOP: u64 = 1;
    pub const ACC_LOOP: u64 = 2;
    /// Vendor-specific: bias over-current.
    pub const OVER_CURRENT: u64 = 9;
}

#[derive(LogicBlock)]
pub struct LaserLane {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// To and from the register block: controls, thresholds, state,
    /// codes, monitors and flags (`xpo_spec::hwif::LaserRegs`).
    pub regs: LaserPort,
    // Safety interlock pin (synchronous to the core clock)
    pub interlock: Signal<In, Bit>,
    // Converters
    pub bias_adc: Signal<In, Bits<16>>,
    pub bias_adc_valid: Signal<In, Bit>,
    pub power_adc: Signal<In, Bits<16>>,
    pub power_adc_valid: Signal<In, Bit>,
    pub voltage_adc: Signal<In, Bits<16>>,
    pub voltage_adc_valid: Signal<In, Bit>,
    pub dac: Signal<Out, Bits<16>>,
    pub driver_enable: Signal<Out, Bit>,
    /// The ACC/APC loops and the slew limit.
    control: LaserControl,
    // Conversions
    /// FiberCheckPower (1 mW) to the power monitor's 10 µW.
    check_scale: Scale,
    bias_mon: Monitor,
    power_mon: Monitor,
    voltage_mon: Monitor,
    bias_levels: Thresholds,
    power_levels: Thresholds,
    // Combinational
    update: Signal<Local, Bit>,
    sample: Signal<Local, Bit>,
    /// The loop-failure code of the sampled mode.
    update_fault: Signal<Local, Bits<4>>,
    warning: Signal<Local, Bits<4>>,
    on: Signal<Local, Bit>,
    loop_fault: Signal<Local, Bits<4>>,
    active: Signal<Local, Bit>,
    // State
    divider: DFF<Bits<16>>,
    state: DFF<Bits<3>>,
    bias: DFF<Bits<16>>,
    integral: DFF<Bits<16>>,
    timer: DFF<Bits<16>>,
    fault: DFF<Bits<4>>,
    armed: DFF<Bit>,
    // The loops' inputs, sampled LOOP_LATENCY cycles before an update
    s_bias_mon: DFF<Bits<16>>,
    s_power_mon: DFF<Bits<16>>,
    s_bias_setpoint: DFF<Bits<16>>,
    s_power_setpoint: DFF<Bits<16>>,
    s_check_power: DFF<Bits<16>>,
    s_apc: DFF<Bit>,
    s_checking: DFF<Bit>,
    s_bias: DFF<Bits<16>>,
    s_integral: DFF<Bits<16>>,
    /// No rule of part 3 acted since the sample.
    fresh: DFF<Bit>,
    /// The sampled bias monitor above the over-current trip.
    over: DFF<Bit>,
    // Constants
    s_off: Constant<Bits<3>>,
    s_check: Constant<Bits<3>>,
    s_ramping: Constant<Bits<3>>,
    s_on: Constant<Bits<3>>,
    s_fault: Constant<Bits<3>>,
    f_none: Constant<Bits<4>>,
    f_apc: Constant<Bits<4>>,
    f_acc: Constant<Bits<4>>,
    f_over_current: Constant<Bits<4>>,
    ls_off: Constant<Bits<2>>,
    ls_ramping: Constant<Bits<2>>,
    ls_on: Constant<Bits<2>>,
    zero: Constant<Bits<16>>,
    one: Constant<Bits<16>>,
    update_last: Constant<Bits<16>>,
    sample_at: Constant<Bits<16>>,
    timeout: Constant<Bits<16>>,
    max_code: Constant<Bits<16>>,
    over_current: Constant<Bits<16>>,
    voltage_max: Constant<Bits<16>>,
    frac: Constant<Bits<16>>,
}

fn konst<const N: usize>(v: u64) -> Constant<Bits<N>> {
    Constant::new(v.into())
}

impl LaserLane {
    pub fn new(p: &LaserParams) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            regs: Default::default(),
            interlock: Default::default(),
            bias_adc: Default::default(),
            bias_adc_valid: Default::default(),
            power_adc: Default::default(),
            power_adc_valid: Default::default(),
            voltage_adc: Default::default(),
            voltage_adc_valid: Default::default(),
            dac: Default::default(),
            driver_enable: Default::default(),
            control: LaserControl::new(p),
            check_scale: Scale::new(Ratio::new(100, 1)),
            bias_mon: Monitor::new(p.bias_offset, p.bias_adc),
            power_mon: Monitor::new(p.power_offset, p.power_adc),
            voltage_mon: Monitor::new(p.voltage_offset, p.voltage_adc),
            bias_levels: Thresholds::new(false),
            power_levels: Thresholds::new(false),
            update: Default::default(),
            sample: Default::default(),
            update_fault: Default::default(),
            warning: Default::default(),
            on: Default::default(),
            loop_fault: Default::default(),
            active: Default::default(),
            divider: Default::default(),
            state: Default::default(),
            bias: Default::default(),
            integral: Default::default(),
            timer: Default::default(),
            fault: Default::default(),
            armed: Default::default(),
            s_bias_mon: Default::default(),
            s_power_mon: Default::default(),
            s_bias_setpoint: Default::default(),
            s_power_setpoint: Default::default(),
            s_check_power: Default::default(),
            s_apc: Default::default(),
            s_checking: Default::default(),
            s_bias: Default::default(),
            s_integral: Default::default(),
            fresh: Default::default(),
            over: Default::default(),
            s_off: konst(st::OFF),
            s_check: konst(st::FIBER_CHECK),
            s_ramping: konst(st::RAMPING),
            s_on: konst(st::ON),
            s_fault: konst(st::FAULT),
            f_none: konst(0),
            f_apc: konst(fault::APC_LOOP),
            f_acc: konst(fault::ACC_LOOP),
            f_over_current: konst(fault::OVER_CURRENT),
            ls_off: konst(0),
            ls_ramping: konst(1),
            ls_on: konst(2),
            zero: konst(0),
            one: konst(1),
            update_last: konst(p.update_cycles.max(1) as u64 - 1),
            sample_at: konst(
                (p.update_cycles.max(1) - 1)
                    .checked_sub(LOOP_LATENCY)
                    .expect(
                    "a validated configuration's update divider is longer than the loop pipeline",
                ) as u64,
            ),
            timeout: konst(p.timeout_updates as u64),
            max_code: konst(p.max_code as u64),
            over_current: konst(p.over_current as u64),
            voltage_max: konst(255),
            frac: konst(p.integral_frac as u64),
        }
    }
}

impl Logic for LaserLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            divider,
            state,
            bias,
            integral,
            timer,
            fault,
            armed,
            s_bias_mon,
            s_power_mon,
            s_bias_setpoint,
            s_power_setpoint,
            s_check_power,
            s_apc,
            s_checking,
            s_bias,
            s_integral,
            fresh,
            over
        );
        self.check_scale.x.next = self.regs.check_power.val();
        // 1. Monitors (`crate::monitor`): laser monitors average from 0.
        self.bias_mon.clock.next = self.clock.val();
        self.bias_mon.reset.next = self.reset.val();
        self.bias_mon.adc.next = self.bias_adc.val();
        self.bias_mon.adc_valid.next = self.bias_adc_valid.val();
        self.bias_mon.load.next = false;
        self.power_mon.clock.next = self.clock.val();
        self.power_mon.reset.next = self.reset.val();
        self.power_mon.adc.next = self.power_adc.val();
        self.power_mon.adc_valid.next = self.power_adc_valid.val();
        self.power_mon.load.next = false;
        self.voltage_mon.clock.next = self.clock.val();
        self.voltage_mon.reset.next = self.reset.val();
        self.voltage_mon.adc.next = self.voltage_adc.val();
        self.voltage_mon.adc_valid.next = self.voltage_adc_valid.val();
        self.voltage_mon.load.next = false;
        if self.voltage_mon.value.val() > self.voltage_max.val() {
            self.regs.lane_voltage.next = self.voltage_max.val().get_bits::<8>(0);
        } else {
            self.regs.lane_voltage.next = self.voltage_mon.value.val().get_bits::<8>(0);
        }
        self.regs.bias_monitor.next = self.bias_mon.value.val();
        self.regs.power_monitor.next = self.power_mon.value.val();
        // 2. Update divider and targets.
        self.update.next = self.divider.q.val() == self.update_last.val();
        if self.update.val() {
            self.divider.d.next = self.zero.val();
        } else {
            self.divider.d.next = self.divider.q.val() + self.one.val();
        }
        // The sample, LOOP_LATENCY cycles before the update.
        self.sample.next = self.divider.q.val() == self.sample_at.val();
        if self.sample.val() {
            self.s_bias_mon.d.next = self.bias_mon.value.val();
            self.s_power_mon.d.next = self.power_mon.value.val();
            self.s_bias_setpoint.d.next = self.regs.bias_setpoint.val();
            self.s_power_setpoint.d.next = self.regs.power_setpoint.val();
            self.s_check_power.d.next = self.check_scale.y.val();
            self.s_apc.d.next = self.regs.laser_apc.val();
            self.s_checking.d.next = self.state.q.val() == self.s_check.val();
            self.s_bias.d.next = self.bias.q.val();
            self.s_integral.d.next = self.integral.q.val();
            self.fresh.d.next = true;
        }
        self.over.d.next = self.s_bias_mon.q.val() > self.over_current.val();
        // The loops (`super::control`, pipelined from the sampled values):
        // ACC target, APC integrator, slew, tolerance windows.
        self.control.clock.next = self.clock.val();
        self.control.apc.next = self.s_apc.q.val();
        self.control.fiber_check.next = self.s_checking.q.val();
        self.control.bias_setpoint.next = self.s_bias_setpoint.q.val();
        self.control.power_setpoint.next = self.s_power_setpoint.q.val();
        self.control.check_power.next = self.s_check_power.q.val();
        self.control.bias_monitor.next = self.s_bias_mon.q.val();
        self.control.power_monitor.next = self.s_power_mon.q.val();
        self.control.bias.next = self.s_bias.q.val();
        self.control.integral.next = self.s_integral.q.val();
        // The code of a loop failure in the current mode (the warning) and
        // in the sampled one (an update's fault).
        if self.regs.laser_apc.val() {
            self.loop_fault.next = self.f_apc.val();
        } else {
            self.loop_fault.next = self.f_acc.val();
        }
        if self.s_apc.q.val() {
            self.update_fault.next = self.f_apc.val();
        } else {
            self.update_fault.next = self.f_acc.val();
        }
        // 4. Loop updates, unless part 3 acted since the sample.
        if self.update.val() & self.fresh.q.val() {
            if ((self.state.q.val() == self.s_check.val())
                | (self.state.q.val() == self.s_ramping.val())
                | (self.state.q.val() == self.s_on.val()))
                & self.over.q.val()
            {
                self.state.d.next = self.s_fault.val();
                self.fault.d.next = self.f_over_current.val();
                self.bias.d.next = self.zero.val();
            } else if self.state.q.val() == self.s_check.val() {
                if self.regs.fiber_checked.val() {
                    self.state.d.next = self.s_ramping.val();
                    self.timer.d.next = self.zero.val();
                } else if self.control.power_below_window.val() {
                    if self.bias.q.val() < self.max_code.val() {
                        self.bias.d.next = self.bias.q.val() + self.one.val();
                    }
                } else if self.control.power_above_window.val()
                    & (self.bias.q.val() > self.zero.val())
                {
                    self.bias.d.next = self.bias.q.val() - self.one.val();
                }
            } else if self.state.q.val() == self.s_ramping.val() {
                if self.control.ramp_done.val() {
                    self.state.d.next = self.s_on.val();
                    self.timer.d.next = self.zero.val();
                    if self.s_apc.q.val() {
                        self.integral.d.next = self.bias.q.val() << self.frac.val();
                    } else {
                        self.bias.d.next = self.control.slewed.val();
                    }
                } else if self.timer.q.val() + self.one.val() >= self.timeout.val() {
                    self.state.d.next = self.s_fault.val();
                    self.bias.d.next = self.zero.val();
                    self.fault.d.next = self.update_fault.val();
                } else {
                    self.timer.d.next = self.timer.q.val() + self.one.val();
                    if self.s_apc.q.val() {
                        self.bias.d.next = self.control.ramp_up.val();
                    } else {
                        self.bias.d.next = self.control.slewed.val();
                    }
                }
            } else if self.state.q.val() == self.s_on.val() {
                self.bias.d.next = self.control.slewed.val();
                if self.s_apc.q.val() {
                    self.integral.d.next = self.control.integral_next.val();
                }
                if (self.s_apc.q.val() & self.control.power_in_tolerance.val())
                    | (!self.s_apc.q.val() & self.control.bias_in_tolerance.val())
                {
                    self.timer.d.next = self.zero.val();
                } else if self.timer.q.val() + self.one.val() >= self.timeout.val() {
                    self.state.d.next = self.s_fault.val();
                    self.bias.d.next = self.zero.val();
                    self.fault.d.next = self.update_fault.val();
                } else {
                    self.timer.d.next = self.timer.q.val() + self.one.val();
                }
            }
        }
        // 3. Every cycle, first match wins (after the update logic, so it
        // overrides it).
        if self.interlock.val() {
            self.state.d.next = self.s_off.val();
            self.bias.d.next = self.zero.val();
            self.integral.d.next = self.zero.val();
            self.timer.d.next = self.zero.val();
            self.fault.d.next = self.f_none.val();
            self.armed.d.next = false;
            self.fresh.d.next = false;
        } else if !self.regs.laser_enable.val() {
            self.state.d.next = self.s_off.val();
            self.bias.d.next = self.zero.val();
            self.integral.d.next = self.zero.val();
            self.timer.d.next = self.zero.val();
            self.fault.d.next = self.f_none.val();
            self.armed.d.next = true;
            self.fresh.d.next = false;
        } else if (self.state.q.val() == self.s_off.val()) & self.armed.q.val() {
            if self.regs.fiber_checked.val() {
                self.state.d.next = self.s_ramping.val();
            } else {
                self.state.d.next = self.s_check.val();
            }
            self.timer.d.next = self.zero.val();
            self.fresh.d.next = false;
        }
        // 5. Outputs.
        self.active.next = ((self.state.q.val() == self.s_check.val())
            | (self.state.q.val() == self.s_ramping.val())
            | (self.state.q.val() == self.s_on.val()))
            & !self.interlock.val();
        self.driver_enable.next = self.active.val();
        if self.active.val() {
            self.dac.next = self.bias.q.val();
        } else {
            self.dac.next = self.zero.val();
        }
        if self.state.q.val() == self.s_on.val() {
            self.regs.lane_state.next = self.ls_on.val();
        } else if (self.state.q.val() == self.s_check.val())
            | (self.state.q.val() == self.s_ramping.val())
        {
            self.regs.lane_state.next = self.ls_ramping.val();
        } else {
            self.regs.lane_state.next = self.ls_off.val();
        }
        self.regs.fault_code.next = self.fault.q.val();
        self.regs.lane_fault.next = self.fault.q.val() != self.f_none.val();
        // 7. The warning: On with the loop-failure timer running.
        if (self.state.q.val() == self.s_on.val()) & (self.timer.q.val() != self.zero.val()) {
            self.warning.next = self.loop_fault.val();
        } else {
            self.warning.next = self.f_none.val();
        }
        self.regs.warning_code.next = self.warning.val();
        self.regs.lane_warning.next = self.warning.val() != self.f_none.val();
        // 5. Threshold flags, while On.
        self.on.next = self.state.q.val() == self.s_on.val();
        self.bias_levels.value.next = self.bias_mon.value.val();
        self.bias_levels.enable.next = self.on.val();
        self.bias_levels.high_alarm.next = self.regs.bias_ha.val();
        self.bias_levels.low_alarm.next = self.regs.bias_la.val();
        self.bias_levels.high_warning.next = self.regs.bias_hw.val();
        self.bias_levels.low_warning.next = self.regs.bias_lw.val();
        self.regs.flag_bias_ha.next = self.bias_levels.flag_high_alarm.val();
        self.regs.flag_bias_la.next = self.bias_levels.flag_low_alarm.val();
        self.regs.flag_bias_hw.next = self.bias_levels.flag_high_warning.val();
        self.regs.flag_bias_lw.next = self.bias_levels.flag_low_warning.val();
        self.power_levels.value.next = self.power_mon.value.val();
        self.power_levels.enable.next = self.on.val();
        self.power_levels.high_alarm.next = self.regs.power_ha.val();
        self.power_levels.low_alarm.next = self.regs.power_la.val();
        self.power_levels.high_warning.next = self.regs.power_hw.val();
        self.power_levels.low_warning.next = self.regs.power_lw.val();
        self.regs.flag_power_ha.next = self.power_levels.flag_high_alarm.val();
        self.regs.flag_power_la.next = self.power_levels.flag_low_alarm.val();
        self.regs.flag_power_hw.next = self.power_levels.flag_high_warning.val();
        self.regs.flag_power_lw.next = self.power_levels.flag_low_warning.val();
        if self.reset.val() {
            self.divider.d.next = self.zero.val();
            self.state.d.next = self.s_off.val();
            self.bias.d.next = self.zero.val();
            self.integral.d.next = self.zero.val();
            self.timer.d.next = self.zero.val();
            self.fault.d.next = self.f_none.val();
            self.armed.d.next = true;
            self.fresh.d.next = false;
        }
    }
}
