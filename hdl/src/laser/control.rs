//! `LaserControl`: a laser lane's loops — the ACC target, the APC
//! integrator and proportional term, the slew limit — and the tolerance
//! windows the lane state machine ([`super::LaserLane`]) decides on.
//! Combinational: the state machine holds the bias and the integrator and
//! takes the values computed here on its update cycles.
//!
//! Cycle contract (parts 2 and 4 of the lane's contract, which the host
//! model `xpo_host::model::laser` implements); numbers from
//! [`LaserParams`]:
//!
//! - **ACC target:** the bias setpoint as a DAC code, clamped to
//!   `[min_code, max_code]`; the loop is within tolerance when the bias
//!   monitor is within the tolerance of the bias setpoint.
//! - **Power window:** during fiber check the target is the check power and
//!   its tolerance, else the power setpoint and its tolerance; the power is
//!   below / within / above the window.
//! - **APC:** with `e` the power error magnitude, the integrator moves by
//!   `LaserParams::integral_step(e)` towards more power when below the
//!   target and less when above, saturating at `max_code << frac` and
//!   `min_code << frac`, then clamped to that range (anti-windup); the goal
//!   is its whole codes plus or minus `e >> kp_shift`, saturating at
//!   `max_code` / `min_code`. In ACC the goal is the target.
//! - **Slew:** `slewed` is the bias one step of at most `slew_codes`
//!   towards the goal; `ramp_up` the bias one slew step up, never above
//!   `max_code` (APC's ramp).
//! - **Ramp done:** ACC when `slewed` reaches the target, APC when the power
//!   is no longer below the window.

use crate::scale::Scale;
use rust_hdl::prelude::*;
use xpo_spec::laser::LaserParams;

#[derive(LogicBlock)]
pub struct LaserControl {
    // Mode and setpoints (CMIS units), the fiber check's power (10 µW)
    pub apc: Signal<In, Bit>,
    pub fiber_check: Signal<In, Bit>,
    pub bias_setpoint: Signal<In, Bits<16>>,
    pub power_setpoint: Signal<In, Bits<16>>,
    pub check_power: Signal<In, Bits<16>>,
    // Monitors and the state machine's registers
    pub bias_monitor: Signal<In, Bits<16>>,
    pub power_monitor: Signal<In, Bits<16>>,
    pub bias: Signal<In, Bits<16>>,
    pub integral: Signal<In, Bits<16>>,
    // Results
    pub power_in_tolerance: Signal<Out, Bit>,
    pub power_below_window: Signal<Out, Bit>,
    pub power_above_window: Signal<Out, Bit>,
    pub bias_in_tolerance: Signal<Out, Bit>,
    pub integral_next: Signal<Out, Bits<16>>,
    pub slewed: Signal<Out, Bits<16>>,
    pub ramp_up: Signal<Out, Bits<16>>,
    pub ramp_done: Signal<Out, Bit>,
    // Conversions
    setpoint_code: Scale,
    bias_tolerance: Scale,
    power_tolerance: Scale,
    check_tolerance: Scale,
    // Combinational
    target: Signal<Local, Bits<16>>,
    power_target: Signal<Local, Bits<16>>,
    power_window: Signal<Local, Bits<16>>,
    power_low: Signal<Local, Bit>,
    power_error: Signal<Local, Bits<16>>,
    bias_error: Signal<Local, Bits<16>>,
    integral_step: Signal<Local, Bits<16>>,
    integral_code: Signal<Local, Bits<16>>,
    proportional: Signal<Local, Bits<16>>,
    integral_raw: Signal<Local, Bits<16>>,
    goal: Signal<Local, Bits<16>>,
    // Constants
    slew: Constant<Bits<16>>,
    max_code: Constant<Bits<16>>,
    min_code: Constant<Bits<16>>,
    kp: Constant<Bits<16>>,
    ki_right: Constant<Bits<16>>,
    ki_left: Constant<Bits<16>>,
    step_limit: Constant<Bits<16>>,
    full: Constant<Bits<16>>,
    frac: Constant<Bits<16>>,
    max_integral: Constant<Bits<16>>,
    min_integral: Constant<Bits<16>>,
}

fn konst(v: u64) -> Constant<Bits<16>> {
    Constant::new(v.into())
}

impl LaserControl {
    pub fn new(p: &LaserParams) -> Self {
        Self {
            apc: Default::default(),
            fiber_check: Default::default(),
            bias_setpoint: Default::default(),
            power_setpoint: Default::default(),
            check_power: Default::default(),
            bias_monitor: Default::default(),
            power_monitor: Default::default(),
            bias: Default::default(),
            integral: Default::default(),
            target: Default::default(),
            power_in_tolerance: Default::default(),
            power_below_window: Default::default(),
            power_above_window: Default::default(),
            bias_in_tolerance: Default::default(),
            integral_next: Default::default(),
            slewed: Default::default(),
            ramp_up: Default::default(),
            ramp_done: Default::default(),
            setpoint_code: Scale::new(p.setpoint_to_code),
            bias_tolerance: Scale::new(p.tolerance),
            power_tolerance: Scale::new(p.tolerance),
            check_tolerance: Scale::new(p.tolerance),
            power_target: Default::default(),
            power_window: Default::default(),
            power_low: Default::default(),
            power_error: Default::default(),
            bias_error: Default::default(),
            integral_step: Default::default(),
            integral_code: Default::default(),
            proportional: Default::default(),
            integral_raw: Default::default(),
            goal: Default::default(),
            slew: konst(p.slew_codes as u64),
            max_code: konst(p.max_code as u64),
            min_code: konst(p.min_code as u64),
            kp: konst(p.kp_shift as u64),
            ki_right: konst(p.ki_right as u64),
            ki_left: konst(p.ki_left as u64),
            step_limit: konst(p.step_limit as u64),
            full: konst(0xFFFF),
            frac: konst(p.integral_frac as u64),
            max_integral: konst((p.max_code as u64) << p.integral_frac),
            min_integral: konst((p.min_code as u64) << p.integral_frac),
        }
    }
}

impl Logic for LaserControl {
    #[hdl_gen]
    fn update(&mut self) {
        // ACC target.
        self.setpoint_code.x.next = self.bias_setpoint.val();
        if self.setpoint_code.y.val() > self.max_code.val() {
            self.target.next = self.max_code.val();
        } else if self.setpoint_code.y.val() < self.min_code.val() {
            self.target.next = self.min_code.val();
        } else {
            self.target.next = self.setpoint_code.y.val();
        }
        // The power window. Two windows, selected after scaling: each
        // scaler's input comes straight from a port, so no combinational
        // path loops through the selection (Verilator's UNOPTFLAT).
        if self.fiber_check.val() {
            self.power_target.next = self.check_power.val();
        } else {
            self.power_target.next = self.power_setpoint.val();
        }
        self.check_tolerance.x.next = self.check_power.val();
        self.power_tolerance.x.next = self.power_setpoint.val();
        if self.fiber_check.val() {
            self.power_window.next = self.check_tolerance.y.val();
        } else {
            self.power_window.next = self.power_tolerance.y.val();
        }
        self.power_low.next = self.power_monitor.val() < self.power_target.val();
        if self.power_low.val() {
            self.power_error.next = self.power_target.val() - self.power_monitor.val();
        } else {
            self.power_error.next = self.power_monitor.val() - self.power_target.val();
        }
        self.power_in_tolerance.next = self.power_error.val() <= self.power_window.val();
        self.power_below_window.next = self.power_low.val() & !self.power_in_tolerance.val();
        self.power_above_window.next = !self.power_low.val() & !self.power_in_tolerance.val();
        // The ACC tolerance.
        self.bias_tolerance.x.next = self.bias_setpoint.val();
        if self.bias_monitor.val() >= self.bias_setpoint.val() {
            self.bias_error.next = self.bias_monitor.val() - self.bias_setpoint.val();
        } else {
            self.bias_error.next = self.bias_setpoint.val() - self.bias_monitor.val();
        }
        self.bias_in_tolerance.next = self.bias_error.val() <= self.bias_tolerance.y.val();
        // APC: integrator and output, clamped to the advertised range.
        if self.power_error.val() > self.step_limit.val() {
            self.integral_step.next = self.full.val();
        } else {
            self.integral_step.next =
                (self.power_error.val() >> self.ki_right.val()) << self.ki_left.val();
        }
        self.proportional.next = self.power_error.val() >> self.kp.val();
        // Every difference is taken only when it cannot wrap: the BMC
        // found an integrator below the minimum wrapping past the maximum.
        if self.power_low.val() {
            if (self.integral.val() >= self.max_integral.val())
                | (self.max_integral.val() - self.integral.val() < self.integral_step.val())
            {
                self.integral_raw.next = self.max_integral.val();
            } else {
                self.integral_raw.next = self.integral.val() + self.integral_step.val();
            }
        } else if (self.integral.val() <= self.min_integral.val())
            | (self.integral.val() - self.min_integral.val() < self.integral_step.val())
        {
            self.integral_raw.next = self.min_integral.val();
        } else {
            self.integral_raw.next = self.integral.val() - self.integral_step.val();
        }
        if self.integral_raw.val() > self.max_integral.val() {
            self.integral_next.next = self.max_integral.val();
        } else if self.integral_raw.val() < self.min_integral.val() {
            self.integral_next.next = self.min_integral.val();
        } else {
            self.integral_next.next = self.integral_raw.val();
        }
        self.integral_code.next = self.integral_next.val() >> self.frac.val();
        if self.power_low.val() {
            if self.max_code.val() - self.integral_code.val() < self.proportional.val() {
                self.goal.next = self.max_code.val();
            } else {
                self.goal.next = self.integral_code.val() + self.proportional.val();
            }
        } else if self.integral_code.val() - self.min_code.val() < self.proportional.val() {
            self.goal.next = self.min_code.val();
        } else {
            self.goal.next = self.integral_code.val() - self.proportional.val();
        }
        if !self.apc.val() {
            self.goal.next = self.target.val();
        }
        // The bias one slew-limited step towards the goal.
        if self.goal.val() > self.bias.val() {
            if self.goal.val() - self.bias.val() > self.slew.val() {
                self.slewed.next = self.bias.val() + self.slew.val();
            } else {
                self.slewed.next = self.goal.val();
            }
        } else if self.bias.val() - self.goal.val() > self.slew.val() {
            self.slewed.next = self.bias.val() - self.slew.val();
        } else {
            self.slewed.next = self.goal.val();
        }
        // APC's ramp: one slew step up, never above the maximum.
        if self.max_code.val() - self.bias.val() > self.slew.val() {
            self.ramp_up.next = self.bias.val() + self.slew.val();
        } else {
            self.ramp_up.next = self.max_code.val();
        }
        // Ramping ends: ACC when this step reaches the target, APC when the
        // power is no longer below the window.
        if self.apc.val() {
            self.ramp_done.next = !self.power_below_window.val();
        } else {
            self.ramp_done.next = self.slewed.val() == self.target.val();
        }
    }
}
