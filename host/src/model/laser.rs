//! The laser lane model, written from the cycle contract in
//! `xpo_hdl::laser::laser_lane` (monitors, update divider and the loops'
//! sample `LOOP_LATENCY` cycles before each update, fiber check,
//! soft start, ACC, APC with anti-windup, loop and over-current faults,
//! interlock, forward-voltage monitor, warning code).

use xpo_spec::laser::{LaserParams, LOOP_LATENCY};
use xpo_spec::monitors::MONITOR_LATENCY;

/// The laser lane's states in its cycle contract (finer than the ELSFP
/// LaneState field it reports: see [`LaserState::code`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LaserState {
    Off,
    FiberCheck,
    Ramping,
    On,
    Fault,
}

impl LaserState {
    /// The ELSFP LaneState code (1Ah:221): 0 off, 1 ramping, 2 on.
    pub fn code(self) -> u8 {
        match self {
            Self::Off | Self::Fault => 0,
            Self::FiberCheck | Self::Ramping => 1,
            Self::On => 2,
        }
    }
}

/// Fault codes.
pub mod fault {
    pub const APC_LOOP: u8 = 1;
    pub const ACC_LOOP: u8 = 2;
    pub const OVER_CURRENT: u8 = 9;
}

/// One cycle of a lane's inputs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaserInputs {
    pub enable: bool,
    pub fiber_checked: bool,
    pub apc: bool,
    pub bias_setpoint: u16,
    pub power_setpoint: u16,
    pub check_power: u16,
    pub interlock: bool,
    pub bias_adc: u16,
    pub bias_adc_valid: bool,
    pub power_adc: u16,
    pub power_adc_valid: bool,
    pub voltage_adc: u16,
    pub voltage_adc_valid: bool,
    /// Thresholds (1Ah:141..156): bias high alarm, low alarm, high warning,
    /// low warning (100 µA), then the same for power (10 µW).
    pub thresholds: [u16; 8],
}

/// A lane's outputs after an edge.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LaserOutputs {
    pub dac: u16,
    pub driver_enable: bool,
    pub lane_state: u8,
    pub fault_code: u8,
    pub bias_monitor: u16,
    pub power_monitor: u16,
    /// Forward voltage, 15 mV (1Bh:232).
    pub voltage_monitor: u8,
    /// 1Ah:212 bits 7:4: the loop-failure code while On and out of
    /// tolerance, else 0.
    pub warning_code: u8,
    /// Threshold flags in the order of [`LaserInputs::thresholds`].
    pub flags: [bool; 8],
}

/// What the loops compute from, taken `LOOP_LATENCY` cycles before each
/// update (contract part 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct LoopSample {
    bias_mon: u16,
    power_mon: u16,
    bias_setpoint: u16,
    power_setpoint: u16,
    check_power: u16,
    apc: bool,
    checking: bool,
    bias: u16,
    integral: u16,
}

/// One laser lane, cycle by cycle.
#[derive(Debug, Clone, Copy)]
pub struct LaserLaneModel {
    p: LaserParams,
    divider: u16,
    bias_avg: u16,
    power_avg: u16,
    voltage_avg: u16,
    /// The three averages (bias, power, voltage) of the last
    /// `MONITOR_LATENCY` edges, oldest first: the monitors show the oldest.
    history: [[u16; 3]; MONITOR_LATENCY],
    state: LaserState,
    bias: u16,
    integral: u16,
    timer: u16,
    fault: u8,
    armed: bool,
    sample: LoopSample,
    /// No rule of part 3 acted since the sample.
    fresh: bool,
}

/// `avg` a quarter of the way towards `x`.
fn ema(avg: u16, x: u16) -> u16 {
    if x >= avg {
        avg + ((x - avg) >> 2)
    } else {
        avg - ((avg - x) >> 2)
    }
}

/// `from` at most `step` towards `to`.
fn slew(from: u16, to: u16, step: u16) -> u16 {
    if to > from {
        from + (to - from).min(step)
    } else {
        from - (from - to).min(step)
    }
}

impl LaserLaneModel {
    /// A lane after reset.
    pub fn new(p: LaserParams) -> Self {
        Self {
            p,
            divider: 0,
            bias_avg: 0,
            power_avg: 0,
            voltage_avg: 0,
            history: [[0; 3]; MONITOR_LATENCY],
            state: LaserState::Off,
            bias: 0,
            integral: 0,
            timer: 0,
            fault: 0,
            armed: true,
            sample: LoopSample::default(),
            fresh: false,
        }
    }

    pub fn state(&self) -> LaserState {
        self.state
    }

    /// Whether the lane is in a fault (its fault code is nonzero).
    pub fn faulted(&self) -> bool {
        self.fault != 0
    }

    /// The outputs for the current state and this cycle's inputs (the
    /// interlock gates the driver, the thresholds the flags and the mode
    /// the warning code, combinationally).
    pub fn outputs(&self, i: &LaserInputs) -> LaserOutputs {
        let (dac, active) = self.drive(i.interlock);
        let thresholds = &i.thresholds;
        let [bias_avg, power_avg, voltage_avg] = self.history[0];
        let bias = self.p.bias_adc.apply(bias_avg);
        let power = self.p.power_adc.apply(power_avg);
        let on = self.state == LaserState::On;
        let t = thresholds;
        // The warning: On while the loop-failure timer runs; the code is
        // the one the lane would fault with in its current mode.
        let warning_code = if on && self.timer != 0 {
            if i.apc {
                fault::APC_LOOP
            } else {
                fault::ACC_LOOP
            }
        } else {
            0
        };
        LaserOutputs {
            dac,
            driver_enable: active,
            lane_state: self.state.code(),
            fault_code: self.fault,
            bias_monitor: bias,
            power_monitor: power,
            voltage_monitor: self.p.voltage_adc.apply(voltage_avg).min(255) as u8,
            warning_code,
            flags: [
                on && bias > t[0],
                on && bias < t[1],
                on && bias > t[2],
                on && bias < t[3],
                on && power > t[4],
                on && power < t[5],
                on && power > t[6],
                on && power < t[7],
            ],
        }
    }

    /// The DAC code and driver enable: the bias while FiberCheck, Ramping
    /// or On, unless the interlock is asserted.
    pub fn drive(&self, interlock: bool) -> (u16, bool) {
        let active = matches!(
            self.state,
            LaserState::FiberCheck | LaserState::Ramping | LaserState::On
        ) && !interlock;
        (if active { self.bias } else { 0 }, active)
    }

    fn enter_fault(&mut self, code: u8) {
        self.state = LaserState::Fault;
        self.fault = code;
        self.bias = 0;
    }

    /// One rising edge with `i` as it is this cycle.
    pub fn step(&mut self, i: &LaserInputs) {
        let q = *self;
        let p = &q.p;
        // 1. Monitors (the averages shown before the edge drive this
        // cycle's decisions; the shown ones follow the averages an edge
        // late).
        let bias_mon = p.bias_adc.apply(q.history[0][0]);
        let power_mon = p.power_adc.apply(q.history[0][1]);
        self.history.rotate_left(1);
        self.history[MONITOR_LATENCY - 1] = [q.bias_avg, q.power_avg, q.voltage_avg];
        if i.bias_adc_valid {
            self.bias_avg = ema(q.bias_avg, i.bias_adc.saturating_sub(p.bias_offset));
        }
        if i.power_adc_valid {
            self.power_avg = ema(q.power_avg, i.power_adc.saturating_sub(p.power_offset));
        }
        if i.voltage_adc_valid {
            self.voltage_avg = ema(
                q.voltage_avg,
                i.voltage_adc.saturating_sub(p.voltage_offset),
            );
        }

        // 2. Divider and the sample, LOOP_LATENCY cycles before the update.
        let last = p.update_cycles.max(1) - 1;
        let update = q.divider == last;
        self.divider = if update { 0 } else { q.divider + 1 };
        if q.divider + LOOP_LATENCY == last {
            self.sample = LoopSample {
                bias_mon,
                power_mon,
                bias_setpoint: i.bias_setpoint,
                power_setpoint: i.power_setpoint,
                check_power: i.check_power,
                apc: i.apc,
                checking: q.state == LaserState::FiberCheck,
                bias: q.bias,
                integral: q.integral,
            };
            self.fresh = true;
        }
        // The loops, from the values sampled before this cycle.
        let s = q.sample;
        let code = p.setpoint_to_code.apply(s.bias_setpoint);
        let target = if code > p.max_code {
            p.max_code
        } else if code < p.min_code {
            p.min_code
        } else {
            code
        };
        let power_target = if s.checking {
            s.check_power
        } else {
            s.power_setpoint
        };
        let window = p.tolerance.apply(power_target);
        let power_low = s.power_mon < power_target;
        let power_error = s.power_mon.abs_diff(power_target);
        let power_in_tolerance = power_error <= window;
        let below = power_low && !power_in_tolerance;
        let above = !power_low && !power_in_tolerance;
        let bias_in_tolerance =
            s.bias_mon.abs_diff(s.bias_setpoint) <= p.tolerance.apply(s.bias_setpoint);
        // APC: integrator (codes with `integral_frac` fraction bits) with
        // anti-windup, output clamped.
        let frac = p.integral_frac;
        let (max_i, min_i) = (p.max_code << frac, p.min_code << frac);
        let step = p.integral_step(power_error);
        let prop = power_error >> p.kp_shift;
        let raw = if power_low {
            if s.integral >= max_i || max_i - s.integral < step {
                max_i
            } else {
                s.integral + step
            }
        } else if s.integral <= min_i || s.integral - min_i < step {
            min_i
        } else {
            s.integral - step
        };
        let integral_next = raw.clamp(min_i, max_i);
        let whole = integral_next >> frac;
        let goal = if !s.apc {
            target
        } else if power_low {
            if p.max_code - whole < prop {
                p.max_code
            } else {
                whole + prop
            }
        } else if whole - p.min_code < prop {
            p.min_code
        } else {
            whole - prop
        };
        let slewed = slew(s.bias, goal, p.slew_codes);
        let ramp_done = if s.apc { !below } else { slewed == target };
        let loop_fault = if s.apc {
            fault::APC_LOOP
        } else {
            fault::ACC_LOOP
        };
        // 4. Loop updates, unless part 3 acted since the sample.
        if update && q.fresh {
            let running = matches!(
                q.state,
                LaserState::FiberCheck | LaserState::Ramping | LaserState::On
            );
            if running && s.bias_mon > p.over_current {
                self.enter_fault(fault::OVER_CURRENT);
            } else {
                match q.state {
                    LaserState::FiberCheck => {
                        if i.fiber_checked {
                            self.state = LaserState::Ramping;
                            self.timer = 0;
                        } else if below {
                            if s.bias < p.max_code {
                                self.bias = s.bias + 1;
                            }
                        } else if above && s.bias > 0 {
                            self.bias = s.bias - 1;
                        }
                    }
                    LaserState::Ramping => {
                        if ramp_done {
                            self.state = LaserState::On;
                            self.timer = 0;
                            if s.apc {
                                self.integral = s.bias << p.integral_frac;
                            } else {
                                self.bias = slewed;
                            }
                        } else if q.timer as u32 + 1 >= p.timeout_updates as u32 {
                            self.enter_fault(loop_fault);
                        } else {
                            self.timer = q.timer + 1;
                            self.bias = if s.apc {
                                if p.max_code - s.bias > p.slew_codes {
                                    s.bias + p.slew_codes
                                } else {
                                    p.max_code
                                }
                            } else {
                                slewed
                            };
                        }
                    }
                    LaserState::On => {
                        self.bias = slewed;
                        if s.apc {
                            self.integral = integral_next;
                        }
                        let ok = if s.apc {
                            power_in_tolerance
                        } else {
                            bias_in_tolerance
                        };
                        if ok {
                            self.timer = 0;
                        } else if q.timer as u32 + 1 >= p.timeout_updates as u32 {
                            self.enter_fault(loop_fault);
                        } else {
                            self.timer = q.timer + 1;
                        }
                    }
                    LaserState::Off | LaserState::Fault => {}
                }
            }
        }
        // 3. Every cycle, first match wins; an update after it acts on
        // nothing sampled before it.
        if i.interlock || !i.enable {
            self.state = LaserState::Off;
            self.bias = 0;
            self.integral = 0;
            self.timer = 0;
            self.fault = 0;
            self.armed = !i.interlock;
            self.fresh = false;
        } else if q.state == LaserState::Off && q.armed {
            self.state = if i.fiber_checked {
                LaserState::Ramping
            } else {
                LaserState::FiberCheck
            };
            self.timer = 0;
            self.fresh = false;
        }
    }
}
