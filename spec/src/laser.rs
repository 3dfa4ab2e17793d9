//! The numbers a laser lane is built from: the physical `LaserConfig`
//! turned into DAC codes, ADC scale factors and update counts, once, for
//! the RTL (`xpo_hdl::laser::LaserLane`) and the host model alike.

use crate::EngineConfig;

/// A ratio as a 16-bit factor and a right shift, rounding to nearest:
/// `apply(x) = min((x * k + 2^(s-1)) >> s, 65535)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Ratio {
    pub k: u32,
    pub s: u32,
}

impl Ratio {
    /// `num / den` with the largest shift (at most 31) whose rounded factor
    /// still fits 16 bits: error below one part in 2^15.
    pub fn new(num: u64, den: u64) -> Self {
        assert!(den > 0, "ratio {num}/0");
        let mut best = Self { k: 0, s: 0 };
        for s in 0..=31u32 {
            let k = (((num as u128) << s) + den as u128 / 2) / den as u128;
            if k > 0xFFFF {
                break;
            }
            best = Self { k: k as u32, s };
        }
        best
    }

    /// `min((x * k + 2^(s-1)) >> s, 65535)`.
    pub fn apply(&self, x: u16) -> u16 {
        ((x as u64 * self.k as u64 + self.half()) >> self.s).min(0xFFFF) as u16
    }

    /// The rounding term `2^(s-1)` (0 without a shift).
    pub fn half(&self) -> u64 {
        if self.s == 0 {
            0
        } else {
            1 << (self.s - 1)
        }
    }
}

/// Cycles from a laser loop's sample to its update (the lane's cycle
/// contract, part 2): the loops' inputs are registered this many cycles
/// before each update and their arithmetic runs through registered stages
/// in between, so the update divider needs at least this many cycles plus
/// one. RTL and model both take it from here.
pub const LOOP_LATENCY: u16 = 10;

/// Everything a laser lane's hardware is elaborated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaserParams {
    /// Core-clock cycles per loop update.
    pub update_cycles: u16,
    /// Largest bias change per update while ramping or regulating, DAC codes.
    pub slew_codes: u16,
    /// Loop updates out of tolerance before a loop failure.
    pub timeout_updates: u16,
    /// Advertised maximum / minimum bias as DAC codes.
    pub max_code: u16,
    pub min_code: u16,
    /// Over-current trip, 100 µA units (compared with the bias monitor).
    pub over_current: u16,
    /// ADC offsets (codes) and the conversions to CMIS units.
    pub bias_offset: u16,
    pub power_offset: u16,
    /// Bias-sense ADC code to 100 µA.
    pub bias_adc: Ratio,
    /// Monitor-photodiode ADC code to 10 µW.
    pub power_adc: Ratio,
    /// Bias setpoint (100 µA) to DAC code.
    pub setpoint_to_code: Ratio,
    /// A setpoint to its tolerance window.
    pub tolerance: Ratio,
    /// APC gains as right shifts.
    pub kp_shift: u8,
    pub ki_shift: u8,
    /// Fraction bits of the APC integrator: it holds `code << frac` in 16
    /// bits, so `min(4, 16 - dac_bits)`; errors below `2^ki_shift` then
    /// still integrate (1/16 code steps with a 12-bit DAC).
    pub integral_frac: u8,
    /// The integrator step for a power error `e` (10 µW) is
    /// `min((e >> ki_right) << ki_left, 65535)`: `ki_shift - frac` right or
    /// `frac - ki_shift` left, whichever is positive, saturating to 65535
    /// above `step_limit` (where the shift would overflow, and at most
    /// 65534).
    pub ki_right: u8,
    pub ki_left: u8,
    pub step_limit: u16,
    /// Forward-voltage sense: ADC offset and code to 15 mV (1Bh:232, U8,
    /// saturating at 255), from the `[monitors]` section.
    pub voltage_offset: u16,
    pub voltage_adc: Ratio,
}

impl LaserParams {
    /// The APC integrator step for power error `e`, in `1/2^integral_frac`
    /// DAC codes.
    pub fn integral_step(&self, e: u16) -> u16 {
        if e > self.step_limit {
            0xFFFF
        } else {
            (e >> self.ki_right) << self.ki_left
        }
    }

    /// The parameters of a validated `cfg`.
    pub fn new(cfg: &EngineConfig) -> Self {
        let l = &cfg.laser;
        let dac_max = (1u64 << l.dac_bits) - 1;
        let frac = 16u32.saturating_sub(l.dac_bits).min(4);
        let code =
            |ua: u64| ((ua as u128 * (1u128 << l.dac_bits)) / l.dac_full_scale_ua as u128) as u64;
        Self {
            update_cycles: cfg.laser_update_cycles().min(65_535) as u16,
            slew_codes: cfg.laser_slew_codes().clamp(1, 65_535) as u16,
            timeout_updates: cfg.laser_timeout_updates().min(65_535) as u16,
            max_code: code(l.max_bias_ua).min(dac_max) as u16,
            min_code: code(l.min_bias_ua).min(dac_max) as u16,
            over_current: (l.over_current_ua / 100).min(65_535) as u16,
            bias_offset: l.bias_adc_offset as u16,
            power_offset: l.power_adc_offset as u16,
            bias_adc: Ratio::new(l.bias_adc_full_scale_ua, 100 << l.adc_bits),
            power_adc: Ratio::new(l.power_adc_full_scale_uw, 10 << l.adc_bits),
            setpoint_to_code: Ratio::new(100 << l.dac_bits, l.dac_full_scale_ua),
            tolerance: Ratio::new(l.tolerance_percent as u64, 100),
            kp_shift: l.apc_kp_shift as u8,
            ki_shift: l.apc_ki_shift as u8,
            integral_frac: frac as u8,
            ki_right: l.apc_ki_shift.saturating_sub(frac) as u8,
            ki_left: frac.saturating_sub(l.apc_ki_shift) as u8,
            // At most 65534 so the RTL's comparison is never constant
            // (an error of 655 mW saturating is harmless).
            step_limit: (0xFFFF >> frac.saturating_sub(l.apc_ki_shift)).min(0xFFFE) as u16,
            voltage_offset: cfg.monitors.lane_voltage_adc_offset as u16,
            voltage_adc: Ratio::new(
                cfg.monitors.lane_voltage_full_scale_uv,
                15_000 << cfg.monitors.adc_bits,
            ),
        }
    }
}

/// The ELSFP laser lane that feeds data lane `lane` (its modulator's
/// light source): the lasers are shared evenly, in order — eight lasers
/// feed eight lanes one each, two feed lanes 0..3 and 4..7. A data lane's
/// CMIS TxFault (11h:135) reports that laser's fault.
pub fn laser_for_lane(cfg: &crate::EngineConfig, lane: usize) -> usize {
    lane * cfg.laser_lanes / cfg.lanes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lasers_are_shared_evenly_in_order() {
        let cfg = |lanes, laser_lanes| crate::EngineConfig {
            lanes,
            laser_lanes,
            ..Default::default()
        };
        let map = |c: &crate::EngineConfig| -> Vec<usize> {
            (0..c.lanes).map(|l| laser_for_lane(c, l)).collect()
        };
        assert_eq!(map(&cfg(8, 8)), [0, 1, 2, 3, 4, 5, 6, 7]);
        assert_eq!(map(&cfg(8, 2)), [0, 0, 0, 0, 1, 1, 1, 1]);
        assert_eq!(map(&cfg(4, 1)), [0, 0, 0, 0]);
        assert_eq!(map(&cfg(16, 8))[..4], [0, 0, 1, 1]);
    }

    #[test]
    fn ratios_are_within_one_part_in_32768() {
        for (num, den) in [
            (409_600u64, 600_000u64),
            (600_000, 409_600),
            (5, 100),
            (1, 1),
            (200_000, 40_960),
        ] {
            let r = Ratio::new(num, den);
            let got = r.k as f64 / (1u64 << r.s) as f64;
            let exact = num as f64 / den as f64;
            assert!(
                (got - exact).abs() / exact < 1.0 / 32768.0,
                "{num}/{den}: {got} vs {exact}"
            );
        }
        assert_eq!(Ratio { k: 3, s: 1 }.apply(0xFFFF), 0xFFFF, "saturates");
    }

    #[test]
    fn default_parameters_in_physical_terms() {
        let p = LaserParams::new(&EngineConfig::default());
        // 600 mA over 4096 codes: 146.5 uA a code.
        assert_eq!(p.max_code, 3413, "500 mA");
        assert_eq!(p.min_code, 341, "50 mA");
        assert_eq!(p.update_cycles, 156, "1 MHz at 156.25 MHz");
        assert_eq!(
            p.slew_codes, 13,
            "2 mA per microsecond: 13.65 codes, rounded down"
        );
        assert_eq!(p.timeout_updates, 500);
        // 300 mA setpoint (3000 x 100 uA) is code 2048.
        assert_eq!(p.setpoint_to_code.apply(3000), 2048);
        // Full-scale bias ADC reads 600 mA = 6000 x 100 uA.
        assert_eq!(p.bias_adc.apply(4096), 6000);
        // Full-scale photodiode code: 200 mW = 20000 x 10 uW.
        assert_eq!(p.power_adc.apply(4096), 20000);
        // 5 % of a 100 mW setpoint.
        assert_eq!(p.tolerance.apply(10000), 500);
        // 12-bit DAC: the integrator keeps 4 fraction bits, so a 20 uW
        // error (2 units) still moves it by one 1/16 code (ki 2^-5 codes
        // per 10 uW = 1/32 code per unit).
        assert_eq!(p.integral_frac, 4);
        assert_eq!(p.integral_step(2), 1);
        assert_eq!(p.integral_step(1), 0);
        let mut fine = EngineConfig::default();
        fine.laser.dac_bits = 16;
        fine.laser.apc_ki_shift = 0;
        let q = LaserParams::new(&fine);
        assert_eq!(q.integral_frac, 0, "a 16-bit DAC leaves no room");
        assert_eq!(q.integral_step(40000), 40000);
        let mut steep = EngineConfig::default();
        steep.laser.apc_ki_shift = 1;
        let r = LaserParams::new(&steep);
        assert_eq!((r.ki_left, r.ki_right), (3, 0));
        assert_eq!(r.integral_step(100), 800);
        assert_eq!(r.integral_step(9000), 0xFFFF, "saturates");
    }
}
