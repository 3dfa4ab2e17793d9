//! The numbers the module monitors are built from: the physical
//! `MonitorConfig` turned into offsets and 16-bit ratios once, for the RTL
//! (`xpo_hdl::cmis::ModuleMonitors`, the lane-voltage monitor of
//! `xpo_hdl::laser::LaserLane`) and the host model alike.
//!
//! Every monitor is `offset removed (saturating at 0) → moving average
//! (1/4 per sample) → ratio`, like the laser bias and power monitors. The
//! temperature then adds its zero point: CMIS reports it signed, in 1/256
//! °C, and the sum wraps in 16 bits (two's complement).

use crate::laser::Ratio;
use crate::EngineConfig;

/// Edges from an ADC monitor's average to the value it shows (the shared
/// `Monitor` block's contract, laser and module monitors alike): the
/// calibration multiply and its rounding are each behind a register.
pub const MONITOR_LATENCY: usize = 3;

/// Everything the module monitors are elaborated from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MonitorParams {
    pub temperature_offset: u16,
    /// ADC code above the offset to 1/256 °C above `temperature_zero`.
    pub temperature_adc: Ratio,
    /// The temperature at the offset code, 1/256 °C, two's complement.
    pub temperature_zero: u16,
    pub vcc_offset: u16,
    /// ADC code to 100 µV.
    pub vcc_adc: Ratio,
    pub supply_current_offset: u16,
    /// ADC code to 200 µA (ELSFP 1Bh:240).
    pub supply_current_adc: Ratio,
}

impl MonitorParams {
    /// The parameters of a validated `cfg`.
    pub fn new(cfg: &EngineConfig) -> Self {
        let m = &cfg.monitors;
        let zero = (m.temperature_min_mdeg_c * 256).div_euclid(1000) as i16;
        Self {
            temperature_offset: m.temperature_adc_offset as u16,
            temperature_adc: Ratio::new(m.temperature_span_mdeg_c * 256, 1000 << m.adc_bits),
            temperature_zero: zero as u16,
            vcc_offset: m.vcc_adc_offset as u16,
            vcc_adc: Ratio::new(m.vcc_full_scale_uv, 100 << m.adc_bits),
            supply_current_offset: m.supply_current_adc_offset as u16,
            supply_current_adc: Ratio::new(m.supply_current_full_scale_ua, 200 << m.adc_bits),
        }
    }

    /// The temperature monitor for an averaged ADC code (offset removed).
    pub fn temperature(&self, avg: u16) -> u16 {
        self.temperature_adc
            .apply(avg)
            .wrapping_add(self.temperature_zero)
    }
}

/// `a > b` for two's-complement 16-bit values (the temperature and its
/// thresholds), as the RTL computes it: flip the sign bits, compare
/// unsigned.
pub fn signed_above(a: u16, b: u16) -> bool {
    (a ^ 0x8000) > (b ^ 0x8000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_monitors_in_physical_terms() {
        let p = MonitorParams::new(&EngineConfig::default());
        // Code 0 is -40 degC; full scale (4096) is +125 degC.
        assert_eq!(p.temperature(0) as i16, -40 * 256);
        assert_eq!(p.temperature(4096) as i16, 125 * 256);
        // 25 degC is 65/165 of the range: code 1613.4.
        let t = p.temperature(1613) as i16 as f64 / 256.0;
        assert!((t - 25.0).abs() < 0.05, "{t}");
        // 4.096 V full scale: 1 mV a code, 10 x 100 uV.
        assert_eq!(p.vcc_adc.apply(3300), 33000);
        // 8.192 A full scale: 2 mA a code, 10 x 200 uA; 1 A is 5000.
        assert_eq!(p.supply_current_adc.apply(500), 5000);
        assert_eq!(p.supply_current_adc.apply(4095), 40950);
        assert!(signed_above(0x0100, 0xFB00), "1 degC above -5 degC");
        assert!(!signed_above(0xFB00, 0x0000));
    }
}
