//! A physical laser behind the engine's bias DAC and in front of its ADCs,
//! closing the laser loops for every engine: an L–I curve with threshold
//! current and slope efficiency, both temperature dependent; a monitor
//! photodiode (its responsivity folded into the power ADC's calibrated full
//! scale); DAC and ADC quantization; seeded Gaussian ADC noise; and fault
//! injection (open bias sense, degraded laser, shorted driver).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, Normal};
use xpo_spec::EngineConfig;

/// The laser's physical constants.
#[derive(Debug, Clone, Copy)]
pub struct LaserDiode {
    /// Threshold current at 25 °C, mA.
    pub threshold_ma: f64,
    /// Slope efficiency at 25 °C, W/A.
    pub slope_w_per_a: f64,
    /// Characteristic temperature T0 of the threshold, K:
    /// `Ith(T) = Ith(25 °C) * exp((T - 25) / T0)`.
    pub t0_k: f64,
    /// Relative change of slope efficiency per °C.
    pub slope_tc_per_c: f64,
    /// Below threshold, this fraction of the above-threshold slope
    /// (spontaneous emission).
    pub spontaneous: f64,
    /// Forward voltage: turn-on voltage at 25 °C (V), its temperature
    /// coefficient (V/°C) and the series resistance (Ω):
    /// `Vf = V0 + tc (T - 25) + I Rs` while current flows, 0 without.
    pub vf0_v: f64,
    pub vf_tc_v_per_c: f64,
    pub series_ohm: f64,
}

impl Default for LaserDiode {
    /// A high-power CW DFB laser of the kind an ELSFP carries.
    fn default() -> Self {
        Self {
            threshold_ma: 35.0,
            slope_w_per_a: 0.40,
            t0_k: 60.0,
            slope_tc_per_c: -0.004,
            spontaneous: 0.002,
            vf0_v: 1.10,
            vf_tc_v_per_c: -0.0015,
            series_ohm: 2.0,
        }
    }
}

impl LaserDiode {
    /// Forward voltage in V at `current_a` and `temp_c`.
    pub fn forward_v(&self, current_a: f64, temp_c: f64) -> f64 {
        if current_a <= 0.0 {
            0.0
        } else {
            self.vf0_v + self.vf_tc_v_per_c * (temp_c - 25.0) + current_a * self.series_ohm
        }
    }

    /// Optical power in W at `current_a` and `temp_c`.
    pub fn power_w(&self, current_a: f64, temp_c: f64) -> f64 {
        let ith = self.threshold_ma / 1e3 * ((temp_c - 25.0) / self.t0_k).exp();
        let eta = (self.slope_w_per_a * (1.0 + self.slope_tc_per_c * (temp_c - 25.0))).max(0.0);
        if current_a <= ith {
            eta * self.spontaneous * current_a.max(0.0)
        } else {
            eta * self.spontaneous * ith + eta * (current_a - ith)
        }
    }
}

/// One lane's laser, driver and converters.
#[derive(Debug, Clone)]
pub struct LaserPhysics {
    pub diode: LaserDiode,
    /// Case temperature, °C.
    pub temp_c: f64,
    /// Fault injection: the bias sense reads 0 (open connection).
    pub bias_sense_open: bool,
    /// Fault injection: the driver's output is shorted (sense reads full scale).
    pub short: bool,
    /// Fault injection: remaining fraction of slope efficiency (1.0 healthy).
    pub health: f64,
    /// The monitor photodiode behind a tap of the output: its actual
    /// responsivity (A/W) and the responsivity the `[laser]` calibration
    /// assumed. They are equal by default; an aged or mis-calibrated
    /// photodiode reads proportionally low or high, and APC then holds the
    /// wrong optical power — as it does in a real module.
    pub pd_responsivity_a_per_w: f64,
    pub pd_nominal_a_per_w: f64,
    /// Fraction of the output power the tap sends to the photodiode.
    pub pd_tap: f64,
    dac_lsb_a: f64,
    adc_codes: f64,
    bias_fs_a: f64,
    bias_offset: f64,
    power_fs_w: f64,
    power_offset: f64,
    volt_codes: f64,
    volt_fs_v: f64,
    volt_offset: f64,
    noise: Normal<f64>,
    rng: ChaCha8Rng,
    /// Cycles between ADC conversions.
    period: u32,
    count: u32,
    last: (f64, f64),
}

/// What the converters present to the engine this cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AdcSamples {
    pub bias_adc: u16,
    pub bias_adc_valid: bool,
    pub power_adc: u16,
    pub power_adc_valid: bool,
    pub voltage_adc: u16,
    pub voltage_adc_valid: bool,
}

impl LaserPhysics {
    /// A laser for `cfg`'s converters; ADC noise of `noise_codes` (σ) from
    /// `seed`, one conversion every `period` cycles.
    pub fn new(cfg: &EngineConfig, seed: u64, noise_codes: f64, period: u32) -> Self {
        let l = &cfg.laser;
        Self {
            diode: LaserDiode::default(),
            temp_c: 25.0,
            bias_sense_open: false,
            short: false,
            health: 1.0,
            pd_responsivity_a_per_w: 0.9,
            pd_nominal_a_per_w: 0.9,
            pd_tap: 0.02,
            dac_lsb_a: l.dac_full_scale_ua as f64 / 1e6 / (1u64 << l.dac_bits) as f64,
            adc_codes: (1u64 << l.adc_bits) as f64,
            bias_fs_a: l.bias_adc_full_scale_ua as f64 / 1e6,
            bias_offset: l.bias_adc_offset as f64,
            power_fs_w: l.power_adc_full_scale_uw as f64 / 1e6,
            power_offset: l.power_adc_offset as f64,
            volt_codes: (1u64 << cfg.monitors.adc_bits) as f64,
            volt_fs_v: cfg.monitors.lane_voltage_full_scale_uv as f64 / 1e6,
            volt_offset: cfg.monitors.lane_voltage_adc_offset as f64,
            noise: Normal::new(0.0, noise_codes.max(0.0)).expect("finite noise"),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6c61_7365),
            period: period.max(1),
            count: 0,
            last: (0.0, 0.0),
        }
    }

    /// Bias current (A) and optical power (W) for a DAC code.
    pub fn operate(&self, dac: u16, driver_enable: bool) -> (f64, f64) {
        let current = if driver_enable {
            dac as f64 * self.dac_lsb_a
        } else {
            0.0
        };
        let power = self.diode.power_w(current, self.temp_c) * self.health;
        (current, power)
    }

    fn code(&mut self, value: f64, full_scale: f64, offset: f64) -> u16 {
        let codes = self.adc_codes;
        self.code_of(value, full_scale, offset, codes)
    }

    fn code_of(&mut self, value: f64, full_scale: f64, offset: f64, codes: f64) -> u16 {
        let ideal = value / full_scale * codes + offset + self.noise.sample(&mut self.rng);
        ideal.round().clamp(0.0, codes - 1.0) as u16
    }

    /// One cycle: the engine's drive as it is this cycle; returns the ADC
    /// samples it sees (a conversion every `period` cycles).
    pub fn step(&mut self, dac: u16, driver_enable: bool) -> AdcSamples {
        let (current, power) = self.operate(dac, driver_enable);
        self.last = (current, power);
        self.count += 1;
        if self.count < self.period {
            return AdcSamples::default();
        }
        self.count = 0;
        let sensed = if self.short {
            self.bias_fs_a
        } else if self.bias_sense_open {
            0.0
        } else {
            current
        };
        AdcSamples {
            bias_adc: self.code(sensed, self.bias_fs_a, self.bias_offset),
            bias_adc_valid: true,
            power_adc: {
                // Photocurrent against the photocurrent the calibration
                // maps to full scale.
                let current = power * self.pd_tap * self.pd_responsivity_a_per_w;
                let full_scale = self.power_fs_w * self.pd_tap * self.pd_nominal_a_per_w;
                self.code(current, full_scale, self.power_offset)
            },
            power_adc_valid: true,
            voltage_adc: {
                let (v, fs, off, codes) = (
                    self.diode.forward_v(current, self.temp_c),
                    self.volt_fs_v,
                    self.volt_offset,
                    self.volt_codes,
                );
                self.code_of(v, fs, off, codes)
            },
            voltage_adc_valid: true,
        }
    }

    /// Bias (A) and power (W) at the last step.
    pub fn last(&self) -> (f64, f64) {
        self.last
    }
}

/// The module's own sensors: the case temperature sensor and the supply
/// voltage and current senses, with the `[monitors]` calibration, quantization and seeded noise.
#[derive(Debug, Clone)]
pub struct ModuleSensors {
    /// Case temperature, °C.
    pub temp_c: f64,
    /// Supply voltage, V.
    pub vcc_v: f64,
    /// The module's own draw from the supply (controller, drivers' bias
    /// networks, TEC idle), A.
    pub quiescent_a: f64,
    /// The laser drive currents, A: the drivers source each laser's bias
    /// from the module supply, so the supply current is the quiescent draw
    /// plus their sum. Set by whoever steps the lasers.
    pub laser_current_a: f64,
    codes: f64,
    temp_min_c: f64,
    temp_span_c: f64,
    temp_offset: f64,
    vcc_fs_v: f64,
    vcc_offset: f64,
    supply_fs_a: f64,
    supply_offset: f64,
    noise: Normal<f64>,
    rng: ChaCha8Rng,
    period: u32,
    count: u32,
}

/// The module sensors' conversions this cycle.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ModuleSamples {
    pub temperature_adc: u16,
    pub temperature_adc_valid: bool,
    pub vcc_adc: u16,
    pub vcc_adc_valid: bool,
    pub supply_current_adc: u16,
    pub supply_current_adc_valid: bool,
}

impl ModuleSensors {
    /// 25 °C, 3.3 V and 0.5 A quiescent draw; noise of `noise_codes` (σ) from `seed`, one
    /// conversion every `period` cycles.
    pub fn new(cfg: &EngineConfig, seed: u64, noise_codes: f64, period: u32) -> Self {
        let m = &cfg.monitors;
        Self {
            temp_c: 25.0,
            vcc_v: 3.3,
            quiescent_a: 0.5,
            laser_current_a: 0.0,
            codes: (1u64 << m.adc_bits) as f64,
            temp_min_c: m.temperature_min_mdeg_c as f64 / 1e3,
            temp_span_c: m.temperature_span_mdeg_c as f64 / 1e3,
            temp_offset: m.temperature_adc_offset as f64,
            vcc_fs_v: m.vcc_full_scale_uv as f64 / 1e6,
            vcc_offset: m.vcc_adc_offset as f64,
            supply_fs_a: m.supply_current_full_scale_ua as f64 / 1e6,
            supply_offset: m.supply_current_adc_offset as f64,
            noise: Normal::new(0.0, noise_codes.max(0.0)).expect("finite noise"),
            rng: ChaCha8Rng::seed_from_u64(seed ^ 0x6d6f_6475),
            period: period.max(1),
            count: 0,
        }
    }

    /// One cycle: the conversions the engine sees.
    pub fn step(&mut self) -> ModuleSamples {
        self.count += 1;
        if self.count < self.period {
            return ModuleSamples::default();
        }
        self.count = 0;
        let mut code = |x: f64, offset: f64| {
            let c = x * self.codes + offset + self.noise.sample(&mut self.rng);
            c.round().clamp(0.0, self.codes - 1.0) as u16
        };
        let t = (self.temp_c - self.temp_min_c) / self.temp_span_c;
        let v = self.vcc_v / self.vcc_fs_v;
        let i = (self.quiescent_a + self.laser_current_a) / self.supply_fs_a;
        ModuleSamples {
            temperature_adc: code(t, self.temp_offset),
            temperature_adc_valid: true,
            vcc_adc: code(v, self.vcc_offset),
            vcc_adc_valid: true,
            supply_current_adc: code(i, self.supply_offset),
            supply_current_adc_valid: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_low_responsivity_photodiode_reads_low() {
        let cfg = EngineConfig::default();
        let read = |resp: f64| {
            let mut l = LaserPhysics::new(&cfg, 1, 0.0, 1);
            l.pd_responsivity_a_per_w = resp;
            l.step(2048, true).power_adc as f64
        };
        let (nominal, aged) = (read(0.9), read(0.72));
        assert!(nominal > 100.0);
        assert!(
            (aged / nominal - 0.8).abs() < 0.01,
            "{aged} / {nominal}: 80 % responsivity, 80 % reading"
        );
    }

    #[test]
    fn li_curve_has_a_threshold_and_a_slope() {
        let d = LaserDiode::default();
        assert!(
            d.power_w(0.030, 25.0) < 1e-4,
            "below threshold: spontaneous only"
        );
        let p1 = d.power_w(0.135, 25.0);
        let p2 = d.power_w(0.235, 25.0);
        assert!((p2 - p1 - 0.040).abs() < 1e-9, "0.4 W/A above threshold");
        // Hotter: higher threshold, lower slope, less power.
        assert!(d.power_w(0.2, 70.0) < d.power_w(0.2, 25.0) * 0.85);
    }

    #[test]
    fn converters_quantize_and_clamp() {
        let cfg = EngineConfig::default();
        let mut l = LaserPhysics::new(&cfg, 1, 0.0, 1);
        // 2048 codes of a 600 mA / 4096-code DAC: 300 mA.
        let s = l.step(2048, true);
        assert_eq!(s.bias_adc, 2048, "600 mA full-scale sense");
        let (_, p) = l.last();
        assert_eq!(s.power_adc as f64, (p / 0.2 * 4096.0).round());
        assert_eq!(l.step(2048, false).bias_adc, 0, "driver off: no current");
        l.short = true;
        assert_eq!(l.step(0, true).bias_adc, 4095, "shorted: full scale");
    }

    #[test]
    fn supply_current_is_the_quiescent_draw_plus_the_lasers() {
        let cfg = EngineConfig::default();
        let mut m = ModuleSensors::new(&cfg, 1, 0.0, 1);
        // 0.5 A alone, then with 8 lasers at 250 mA: 2.5 A; 2 mA a code.
        assert_eq!(m.step().supply_current_adc, 250);
        m.laser_current_a = 8.0 * 0.25;
        assert_eq!(m.step().supply_current_adc, 1250);
    }
}
