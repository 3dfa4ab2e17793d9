//! The module temperature, Vcc and supply-current monitors, written from
//! the cycle contract
//! in `xpo_hdl::cmis::module_monitors`: offset, first sample loads the
//! average, 1/4 moving average after it, calibration, and strict threshold
//! comparisons (temperature signed) once a monitor is valid.

use xpo_spec::hwif::MonitorRegs;
use xpo_spec::monitors::{signed_above, MonitorParams, MONITOR_LATENCY};

/// One cycle of the converters.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorInputs {
    pub temperature_adc: u16,
    pub temperature_adc_valid: bool,
    pub vcc_adc: u16,
    pub vcc_adc_valid: bool,
    pub supply_current_adc: u16,
    pub supply_current_adc_valid: bool,
}

/// The monitors and flags for the current state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MonitorOutputs {
    /// 1/256 °C, two's complement (lower page 14..15).
    pub temperature: u16,
    /// 100 µV (lower page 16..17).
    pub vcc: u16,
    /// 200 µA (ELSFP 1Bh:240).
    pub supply_current: u16,
    /// Temperature HA, LA, HW, LW then Vcc HA, LA, HW, LW (lower byte 9).
    pub flags: [bool; 8],
}

/// The three monitors, cycle by cycle.
#[derive(Debug, Clone, Copy)]
pub struct ModuleMonitorsModel {
    p: MonitorParams,
    temperature: Option<u16>,
    vcc: Option<u16>,
    supply_current: Option<u16>,
    /// The three averages of the last `MONITOR_LATENCY` edges, oldest
    /// first: the oldest is what the outputs show (contract item 4).
    history: [[Option<u16>; 3]; MONITOR_LATENCY],
}

/// The first sample loads; later ones move the average a quarter of the way.
fn average(avg: Option<u16>, x: u16) -> u16 {
    match avg {
        None => x,
        Some(a) if x >= a => a + ((x - a) >> 2),
        Some(a) => a - ((a - x) >> 2),
    }
}

impl ModuleMonitorsModel {
    /// After reset: no sample yet.
    pub fn new(p: MonitorParams) -> Self {
        Self {
            p,
            temperature: None,
            vcc: None,
            supply_current: None,
            history: [[None; 3]; MONITOR_LATENCY],
        }
    }

    /// The monitors and the flags against `thresholds` (temperature HA, LA,
    /// HW, LW, then Vcc; page 02h order).
    pub fn outputs(&self, thresholds: &[u16; 8]) -> MonitorOutputs {
        let [temperature, vcc, supply_current] = self.history[0];
        let t = temperature.map(|a| self.p.temperature(a));
        let v = vcc.map(|a| self.p.vcc_adc.apply(a));
        let th = thresholds;
        let tf = |f: fn(u16, u16) -> bool, k: usize| t.is_some_and(|t| f(t, th[k]));
        let vf = |f: fn(u16, u16) -> bool, k: usize| v.is_some_and(|v| f(v, th[k]));
        let above = |a: u16, b: u16| signed_above(a, b);
        let below = |a: u16, b: u16| signed_above(b, a);
        MonitorOutputs {
            temperature: t.unwrap_or(0),
            vcc: v.unwrap_or(0),
            supply_current: supply_current.map_or(0, |a| self.p.supply_current_adc.apply(a)),
            flags: [
                tf(above, 0),
                tf(below, 1),
                tf(above, 2),
                tf(below, 3),
                vf(|a, b| a > b, 4),
                vf(|a, b| a < b, 5),
                vf(|a, b| a > b, 6),
                vf(|a, b| a < b, 7),
            ],
        }
    }

    /// The monitors' side of the register block: the page 02h thresholds
    /// in, the monitors and flags out.
    pub fn drive(&self, r: &mut MonitorRegs) {
        // The thresholds are 16-bit controls (their ports' width).
        let o = self.outputs(
            &[
                r.temp_ha, r.temp_la, r.temp_hw, r.temp_lw, r.vcc_ha, r.vcc_la, r.vcc_hw, r.vcc_lw,
            ]
            .map(|t| t as u16),
        );
        r.temperature = o.temperature as u64;
        r.vcc = o.vcc as u64;
        r.supply_current = o.supply_current as u64;
        let flags = [
            &mut r.flag_temp_ha,
            &mut r.flag_temp_la,
            &mut r.flag_temp_hw,
            &mut r.flag_temp_lw,
            &mut r.flag_vcc_ha,
            &mut r.flag_vcc_la,
            &mut r.flag_vcc_hw,
            &mut r.flag_vcc_lw,
        ];
        for (f, &raised) in flags.into_iter().zip(&o.flags) {
            *f = raised as u64;
        }
    }

    /// One rising edge.
    pub fn step(&mut self, i: &MonitorInputs) {
        self.history.rotate_left(1);
        self.history[MONITOR_LATENCY - 1] = [self.temperature, self.vcc, self.supply_current];
        if i.temperature_adc_valid {
            let x = i.temperature_adc.saturating_sub(self.p.temperature_offset);
            self.temperature = Some(average(self.temperature, x));
        }
        if i.vcc_adc_valid {
            let x = i.vcc_adc.saturating_sub(self.p.vcc_offset);
            self.vcc = Some(average(self.vcc, x));
        }
        if i.supply_current_adc_valid {
            let x = i
                .supply_current_adc
                .saturating_sub(self.p.supply_current_offset);
            self.supply_current = Some(average(self.supply_current, x));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use xpo_spec::EngineConfig;

    /// Typical thresholds (reference: 75/-5/70/0 degC, 3.63/2.97/3.464/3.134 V).
    const TH: [u16; 8] = [
        75 * 256,
        (-5i16 * 256) as u16,
        70 * 256,
        0,
        36300,
        29700,
        34640,
        31340,
    ];

    #[test]
    fn quiet_until_the_first_sample_then_compares_signed() {
        let p = MonitorParams::new(&EngineConfig::default());
        let mut m = ModuleMonitorsModel::new(p);
        assert_eq!(
            m.outputs(&TH),
            MonitorOutputs::default(),
            "no sample: quiet"
        );
        // -10 degC: 30/165 of 4096 codes = 744.7; 3.3 V = 3300 codes.
        m.step(&MonitorInputs {
            temperature_adc: 745,
            temperature_adc_valid: true,
            vcc_adc: 3300,
            vcc_adc_valid: true,
            // 2.5 A at 2 mA a code (8.192 A full scale).
            supply_current_adc: 1250,
            supply_current_adc_valid: true,
        });
        for _ in 0..MONITOR_LATENCY {
            assert_eq!(
                m.outputs(&TH),
                MonitorOutputs::default(),
                "shown MONITOR_LATENCY edges after the sample"
            );
            m.step(&MonitorInputs::default());
        }
        let o = m.outputs(&TH);
        assert!((o.temperature as i16 as f64 / 256.0 + 10.0).abs() < 0.1);
        assert_eq!(o.vcc, 33000);
        assert_eq!(o.supply_current, 12_500, "2.5 A in 200 uA units");
        assert_eq!(
            o.flags,
            [false, true, false, true, false, false, false, false],
            "below the low alarm and low warning, Vcc nominal"
        );
        // A later sample moves the average a quarter of the way: 2.7 A
        // reads 2.55 A.
        m.step(&MonitorInputs {
            supply_current_adc: 1350,
            supply_current_adc_valid: true,
            ..Default::default()
        });
        for _ in 0..MONITOR_LATENCY {
            m.step(&MonitorInputs::default());
        }
        assert_eq!(m.outputs(&TH).supply_current, 12_750);
    }
}
