//! `LaserControl`: a laser lane's loops — the ACC target, the APC
//! integrator and proportional term, the slew limit — and the tolerance
//! windows the lane state machine ([`super::LaserLane`]) decides on.
//!
//! **Pipelined for the clock.** The lane samples every input of this block
//! into registers [`LOOP_LATENCY`] cycles before an update and holds them
//! until it; the arithmetic runs through nine register stages in between
//! (A0: the products' operands, copied beside the multipliers; A1: the
//! four constant-ratio products, registered at the multiplier;
//! A2: their rounding and saturation; B:
//! targets, windows and error magnitudes; C: tolerance decisions, the
//! integrator step and the proportional term; D1/D2: the integrator and
//! its clamp; E: the goal; F: the slew step and the ramp decisions), each
//! stage reading only the held inputs and earlier stages. The stages run
//! freely every cycle; with the inputs held, stage F is settled by the
//! update cycle, so the results are exactly the combinational formulas
//! below applied to the sampled values. The state machine holds the bias
//! and the integrator and takes the results on its update cycles.
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

use crate::scale::{ScaleProduct, ScaleRound};
use rust_hdl::prelude::*;
use xpo_spec::laser::LaserParams;
pub use xpo_spec::laser::LOOP_LATENCY;

#[derive(LogicBlock)]
pub struct LaserControl {
    pub clock: Signal<In, Clock>,
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
    // Conversions: the multiply (stage A1), the rounding (stage A2)
    setpoint_product: ScaleProduct,
    setpoint_round: ScaleRound,
    bias_product: ScaleProduct,
    bias_round: ScaleRound,
    power_product: ScaleProduct,
    power_round: ScaleRound,
    check_product: ScaleProduct,
    check_round: ScaleRound,
    // Combinational
    // Combinational within a stage
    power_target: Signal<Local, Bits<16>>,
    bias_error: Signal<Local, Bits<16>>,
    integral_code: Signal<Local, Bits<16>>,
    goal: Signal<Local, Bits<16>>,
    goal_distance: Signal<Local, Bits<16>>,
    // Stage A0: each multiplier's operand again, read by its DSP alone so
    // the placer can put it beside the DSP column (the default engine lost
    // 8 ns routing a sampled setpoint into a MULT18X18D).
    x_code: DFF<Bits<16>>,
    x_check: DFF<Bits<16>>,
    x_power: DFF<Bits<16>>,
    x_bias: DFF<Bits<16>>,
    // Stage A1: products
    p_code: DFF<Bits<32>>,
    p_check_window: DFF<Bits<32>>,
    p_power_window: DFF<Bits<32>>,
    p_bias_window: DFF<Bits<32>>,
    // Stage A2: rounded
    a_code: DFF<Bits<16>>,
    a_check_window: DFF<Bits<16>>,
    a_power_window: DFF<Bits<16>>,
    a_bias_window: DFF<Bits<16>>,
    // Stage B
    target: DFF<Bits<16>>,
    power_window: DFF<Bits<16>>,
    power_low: DFF<Bit>,
    power_error: DFF<Bits<16>>,
    b_bias_ok: DFF<Bit>,
    // Stage C
    c_in_tolerance: DFF<Bit>,
    integral_step: DFF<Bits<16>>,
    proportional: DFF<Bits<16>>,
    // Stage D1, D2
    integral_raw: DFF<Bits<16>>,
    d_next: DFF<Bits<16>>,
    // Stage E
    e_goal: DFF<Bits<16>>,
    // Stage F
    f_slewed: DFF<Bits<16>>,
    f_ramp_up: DFF<Bits<16>>,
    f_ramp_done: DFF<Bit>,
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
            clock: Default::default(),
            apc: Default::default(),
            fiber_check: Default::default(),
            bias_setpoint: Default::default(),
            power_setpoint: Default::default(),
            check_power: Default::default(),
            bias_monitor: Default::default(),
            power_monitor: Default::default(),
            bias: Default::default(),
            integral: Default::default(),
            power_in_tolerance: Default::default(),
            power_below_window: Default::default(),
            power_above_window: Default::default(),
            bias_in_tolerance: Default::default(),
            integral_next: Default::default(),
            slewed: Default::default(),
            ramp_up: Default::default(),
            ramp_done: Default::default(),
            setpoint_product: ScaleProduct::new(p.setpoint_to_code),
            setpoint_round: ScaleRound::new(p.setpoint_to_code),
            bias_product: ScaleProduct::new(p.tolerance),
            bias_round: ScaleRound::new(p.tolerance),
            power_product: ScaleProduct::new(p.tolerance),
            power_round: ScaleRound::new(p.tolerance),
            check_product: ScaleProduct::new(p.tolerance),
            check_round: ScaleRound::new(p.tolerance),
            power_target: Default::default(),
            bias_error: Default::default(),
            integral_code: Default::default(),
            goal: Default::default(),
            goal_distance: Default::default(),
            x_code: Default::default(),
            x_check: Default::default(),
            x_power: Default::default(),
            x_bias: Default::default(),
            p_code: Default::default(),
            p_check_window: Default::default(),
            p_power_window: Default::default(),
            p_bias_window: Default::default(),
            a_code: Default::default(),
            a_check_window: Default::default(),
            a_power_window: Default::default(),
            a_bias_window: Default::default(),
            target: Default::default(),
            power_window: Default::default(),
            power_low: Default::default(),
            power_error: Default::default(),
            b_bias_ok: Default::default(),
            c_in_tolerance: Default::default(),
            integral_step: Default::default(),
            proportional: Default::default(),
            integral_raw: Default::default(),
            d_next: Default::default(),
            e_goal: Default::default(),
            f_slewed: Default::default(),
            f_ramp_up: Default::default(),
            f_ramp_done: Default::default(),
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
        dff_setup!(
            self,
            clock,
            x_code,
            x_check,
            x_power,
            x_bias,
            p_code,
            p_check_window,
            p_power_window,
            p_bias_window,
            a_code,
            a_check_window,
            a_power_window,
            a_bias_window,
            target,
            power_window,
            power_low,
            power_error,
            b_bias_ok,
            c_in_tolerance,
            integral_step,
            proportional,
            integral_raw,
            d_next,
            e_goal,
            f_slewed,
            f_ramp_up,
            f_ramp_done
        );
        // Stage A0: the operands, copied beside their multipliers.
        self.x_code.d.next = self.bias_setpoint.val();
        self.x_check.d.next = self.check_power.val();
        self.x_power.d.next = self.power_setpoint.val();
        self.x_bias.d.next = self.bias_setpoint.val();
        // Stage A1: the constant-ratio products (at the multiplier).
        self.setpoint_product.x.next = self.x_code.q.val();
        self.p_code.d.next = self.setpoint_product.product.val();
        self.check_product.x.next = self.x_check.q.val();
        self.p_check_window.d.next = self.check_product.product.val();
        self.power_product.x.next = self.x_power.q.val();
        self.p_power_window.d.next = self.power_product.product.val();
        self.bias_product.x.next = self.x_bias.q.val();
        self.p_bias_window.d.next = self.bias_product.product.val();
        // Stage A2: rounded and saturated to 16 bits.
        self.setpoint_round.product.next = self.p_code.q.val();
        self.a_code.d.next = self.setpoint_round.y.val();
        self.check_round.product.next = self.p_check_window.q.val();
        self.a_check_window.d.next = self.check_round.y.val();
        self.power_round.product.next = self.p_power_window.q.val();
        self.a_power_window.d.next = self.power_round.y.val();
        self.bias_round.product.next = self.p_bias_window.q.val();
        self.a_bias_window.d.next = self.bias_round.y.val();
        // Stage B: the ACC target, the power target, window and error, the
        // bias error against its window.
        if self.a_code.q.val() > self.max_code.val() {
            self.target.d.next = self.max_code.val();
        } else if self.a_code.q.val() < self.min_code.val() {
            self.target.d.next = self.min_code.val();
        } else {
            self.target.d.next = self.a_code.q.val();
        }
        if self.fiber_check.val() {
            self.power_target.next = self.check_power.val();
            self.power_window.d.next = self.a_check_window.q.val();
        } else {
            self.power_target.next = self.power_setpoint.val();
            self.power_window.d.next = self.a_power_window.q.val();
        }
        self.power_low.d.next = self.power_monitor.val() < self.power_target.val();
        if self.power_monitor.val() < self.power_target.val() {
            self.power_error.d.next = self.power_target.val() - self.power_monitor.val();
        } else {
            self.power_error.d.next = self.power_monitor.val() - self.power_target.val();
        }
        if self.bias_monitor.val() >= self.bias_setpoint.val() {
            self.bias_error.next = self.bias_monitor.val() - self.bias_setpoint.val();
        } else {
            self.bias_error.next = self.bias_setpoint.val() - self.bias_monitor.val();
        }
        self.b_bias_ok.d.next = self.bias_error.val() <= self.a_bias_window.q.val();
        // Stage C: within the window, the integrator step, the proportional
        // term.
        self.c_in_tolerance.d.next = self.power_error.q.val() <= self.power_window.q.val();
        if self.power_error.q.val() > self.step_limit.val() {
            self.integral_step.d.next = self.full.val();
        } else {
            self.integral_step.d.next =
                (self.power_error.q.val() >> self.ki_right.val()) << self.ki_left.val();
        }
        self.proportional.d.next = self.power_error.q.val() >> self.kp.val();
        // Stage D1: the integrator moves by the step, saturating.
        if self.power_low.q.val() {
            if (self.integral.val() >= self.max_integral.val())
                | (self.max_integral.val() - self.integral.val() < self.integral_step.q.val())
            {
                self.integral_raw.d.next = self.max_integral.val();
            } else {
                self.integral_raw.d.next = self.integral.val() + self.integral_step.q.val();
            }
        } else if (self.integral.val() <= self.min_integral.val())
            | (self.integral.val() - self.min_integral.val() < self.integral_step.q.val())
        {
            self.integral_raw.d.next = self.min_integral.val();
        } else {
            self.integral_raw.d.next = self.integral.val() - self.integral_step.q.val();
        }
        // Stage D2: clamped (anti-windup).
        if self.integral_raw.q.val() > self.max_integral.val() {
            self.d_next.d.next = self.max_integral.val();
        } else if self.integral_raw.q.val() < self.min_integral.val() {
            self.d_next.d.next = self.min_integral.val();
        } else {
            self.d_next.d.next = self.integral_raw.q.val();
        }
        // Stage E: the goal, whole integrator codes plus or minus the
        // proportional term, saturating; in ACC the target.
        self.integral_code.next = self.d_next.q.val() >> self.frac.val();
        if self.power_low.q.val() {
            if self.max_code.val() - self.integral_code.val() < self.proportional.q.val() {
                self.goal.next = self.max_code.val();
            } else {
                self.goal.next = self.integral_code.val() + self.proportional.q.val();
            }
        } else if self.integral_code.val() - self.min_code.val() < self.proportional.q.val() {
            self.goal.next = self.min_code.val();
        } else {
            self.goal.next = self.integral_code.val() - self.proportional.q.val();
        }
        if !self.apc.val() {
            self.goal.next = self.target.q.val();
        }
        self.e_goal.d.next = self.goal.val();
        // Stage F: one slew step towards the goal, APC's ramp step, and
        // whether the ramp is done (ACC: the step reaches the target, i.e.
        // the target is within one step; APC: power not below the window).
        if self.e_goal.q.val() > self.bias.val() {
            self.goal_distance.next = self.e_goal.q.val() - self.bias.val();
            if self.e_goal.q.val() - self.bias.val() > self.slew.val() {
                self.f_slewed.d.next = self.bias.val() + self.slew.val();
            } else {
                self.f_slewed.d.next = self.e_goal.q.val();
            }
        } else {
            self.goal_distance.next = self.bias.val() - self.e_goal.q.val();
            if self.bias.val() - self.e_goal.q.val() > self.slew.val() {
                self.f_slewed.d.next = self.bias.val() - self.slew.val();
            } else {
                self.f_slewed.d.next = self.e_goal.q.val();
            }
        }
        if self.max_code.val() - self.bias.val() > self.slew.val() {
            self.f_ramp_up.d.next = self.bias.val() + self.slew.val();
        } else {
            self.f_ramp_up.d.next = self.max_code.val();
        }
        if self.apc.val() {
            self.f_ramp_done.d.next = !(self.power_low.q.val() & !self.c_in_tolerance.q.val());
        } else {
            self.f_ramp_done.d.next = self.goal_distance.val() <= self.slew.val();
        }
        // Results, from the last stages.
        self.power_in_tolerance.next = self.c_in_tolerance.q.val();
        self.power_below_window.next = self.power_low.q.val() & !self.c_in_tolerance.q.val();
        self.power_above_window.next = !self.power_low.q.val() & !self.c_in_tolerance.q.val();
        self.bias_in_tolerance.next = self.b_bias_ok.q.val();
        self.integral_next.next = self.d_next.q.val();
        self.slewed.next = self.f_slewed.q.val();
        self.ramp_up.next = self.f_ramp_up.q.val();
        self.ramp_done.next = self.f_ramp_done.q.val();
    }
}
