//! `Scale`: a 16-bit value times a constant [`Ratio`], rounded, saturating
//! at 16 bits — the laser lanes' calibrations and unit conversions (ADC
//! codes to CMIS units, setpoints to DAC codes, tolerance windows).
//!
//! A leaf like `Popcount`: `#[hdl_gen]` multiplies only at its operands'
//! widths, which Verilator's WIDTH lint rejects. One DSP slice, or a few
//! LUTs for small factors.
//!
//! The simulation performs the emitted Verilog's datapath step for step
//! ([`Datapath`]: a 48-bit product plus the rounding term, the shift, the
//! saturation on any bit above 15), not the model's `Ratio::apply`, so a
//! slip in either the Verilog or the ratio arithmetic shows up between
//! the rust-hdl engine and the model.

use crate::opaque::Opaque;
use rust_hdl::prelude::*;
use xpo_spec::laser::Ratio;

#[derive(LogicBlock)]
pub struct Scale {
    pub x: Signal<In, Bits<16>>,
    pub y: Signal<Out, Bits<16>>,
    datapath: Fixed,
}

/// The constants of the emitted datapath: `product = {32'd0, x} * K +
/// HALF` in 48 bits, `shifted = product[47:S]`, `y = |shifted[..:16] ?
/// 16'hFFFF : shifted[15:0]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Datapath {
    k: u64,
    half: u64,
    s: u32,
}

impl Datapath {
    const PRODUCT_BITS: u32 = 48;

    fn new(r: Ratio) -> Self {
        Self {
            k: r.k as u64,
            half: r.half(),
            s: r.s,
        }
    }

    /// The Verilog's arithmetic on one input, at the Verilog's widths.
    fn eval(&self, x: u16) -> u16 {
        self.round(self.product(x))
    }

    /// The multiply alone: `x * K` (below 2^32, since `K` fits 16 bits).
    fn product(&self, x: u16) -> u32 {
        (x as u64 * self.k) as u32
    }

    /// The Verilog after the 48-bit rounded product `wide`: the shift and
    /// the saturation into `y`. The bits shifted out are dropped on
    /// purpose; Verilator exempts names containing "unused" from its
    /// UNUSED warnings.
    fn shift_and_saturate(&self, wide: &str) -> String {
        let s = self.s;
        let top = Self::PRODUCT_BITS - 1 - s;
        let dropped = if s > 0 {
            format!(
                "wire [{}:0] unused_fraction = {wide}[{}:0];\n",
                s - 1,
                s - 1
            )
        } else {
            String::new()
        };
        format!(
            "wire [{top}:0] shifted = {wide}[47:{s}];\n\
             {dropped}always @(*) y = (|shifted[{top}:16]) ? 16'hFFFF : shifted[15:0];\n"
        )
    }

    /// The rest from a product: `+ HALF` in 48 bits, the shift, the
    /// saturation.
    fn round(&self, product: u32) -> u16 {
        let wrap = (1u64 << Self::PRODUCT_BITS) - 1;
        let sum = (product as u64).wrapping_add(self.half) & wrap;
        let shifted = sum >> self.s;
        if shifted >> 16 != 0 {
            0xFFFF
        } else {
            shifted as u16
        }
    }
}

/// The datapath as an opaque member (rust-hdl sees no signals in it).
type Fixed = Opaque<Datapath>;

impl Scale {
    pub fn new(ratio: Ratio) -> Self {
        Self {
            x: Default::default(),
            y: Default::default(),
            datapath: Opaque(Datapath::new(ratio)),
        }
    }
}

impl Logic for Scale {
    fn update(&mut self) {
        let y = self.datapath.0.eval(self.x.val().index() as u16);
        self.y.next = (y as u64).into();
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let Datapath { k, half, s } = self.datapath.0;
        Verilog::Custom(format!(
            "// y = min((x * {k} + {half}) >> {s}, 16'hFFFF)\n\
             wire [47:0] product = {{32'd0, x}} * 48'd{k} + 48'd{half};\n{}",
            self.datapath.0.shift_and_saturate("product")
        ))
    }
}

/// The multiply of [`Scale`] alone, `product = x * K` (32 bits), so a
/// register can sit at the multiplier's output (`Monitor`'s pipeline).
#[derive(LogicBlock)]
pub struct ScaleProduct {
    pub x: Signal<In, Bits<16>>,
    pub product: Signal<Out, Bits<32>>,
    datapath: Fixed,
}

impl ScaleProduct {
    pub fn new(ratio: Ratio) -> Self {
        Self {
            x: Default::default(),
            product: Default::default(),
            datapath: Opaque(Datapath::new(ratio)),
        }
    }
}

impl Logic for ScaleProduct {
    fn update(&mut self) {
        let p = self.datapath.0.product(self.x.val().index() as u16);
        self.product.next = (p as u64).into();
    }

    fn connect(&mut self) {
        self.product.connect();
    }

    fn hdl(&self) -> Verilog {
        let k = self.datapath.0.k;
        assert!(k < 1 << 16, "ScaleProduct: factor {k} wider than 16 bits");
        Verilog::Custom(format!(
            "// product = x * {k}\nalways @(*) product = {{16'd0, x}} * 32'd{k};\n"
        ))
    }
}

/// The rest of [`Scale`] from a registered product: `y = min((product +
/// HALF) >> S, 16'hFFFF)`.
#[derive(LogicBlock)]
pub struct ScaleRound {
    pub product: Signal<In, Bits<32>>,
    pub y: Signal<Out, Bits<16>>,
    datapath: Fixed,
}

impl ScaleRound {
    pub fn new(ratio: Ratio) -> Self {
        Self {
            product: Default::default(),
            y: Default::default(),
            datapath: Opaque(Datapath::new(ratio)),
        }
    }
}

impl Logic for ScaleRound {
    fn update(&mut self) {
        let y = self.datapath.0.round(self.product.val().index() as u32);
        self.y.next = (y as u64).into();
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let Datapath { half, s, .. } = self.datapath.0;
        Verilog::Custom(format!(
            "// y = min((product + {half}) >> {s}, 16'hFFFF)\n\
             wire [47:0] sum = {{16'd0, product}} + 48'd{half};\n{}",
            self.datapath.0.shift_and_saturate("sum")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The Verilog datapath agrees with the model's ratio on every input,
    /// for every ratio the default engine builds.
    #[test]
    fn datapath_equals_the_ratio_on_every_input() {
        let cfg = xpo_spec::EngineConfig::default();
        let p = xpo_spec::laser::LaserParams::new(&cfg);
        let m = xpo_spec::monitors::MonitorParams::new(&cfg);
        for r in [
            p.bias_adc,
            p.power_adc,
            p.voltage_adc,
            p.setpoint_to_code,
            p.tolerance,
            m.temperature_adc,
            m.vcc_adc,
            Ratio::new(100, 1),
            Ratio::new(65_535, 1),
        ] {
            let d = Datapath::new(r);
            for x in 0..=u16::MAX {
                assert_eq!(d.eval(x), r.apply(x), "{r:?} x={x}");
            }
        }
    }

    /// The two halves, chained, are the whole datapath on every input.
    #[test]
    fn product_then_round_is_the_datapath() {
        let cfg = xpo_spec::EngineConfig::default();
        let p = xpo_spec::laser::LaserParams::new(&cfg);
        for r in [
            p.bias_adc,
            p.power_adc,
            p.voltage_adc,
            Ratio::new(65_535, 1),
        ] {
            let mut mul = ScaleProduct::new(r);
            let mut round = ScaleRound::new(r);
            mul.connect_all();
            round.connect_all();
            for x in [0u16, 1, 999, 4095, 40_000, 65_535] {
                mul.x.next = (x as u64).into();
                assert!(simulate(&mut mul, 10));
                round.product.next = mul.product.val();
                assert!(simulate(&mut round, 10));
                assert_eq!(round.y.val().index() as u16, r.apply(x), "{r:?} x={x}");
            }
        }
    }

    #[test]
    fn simulation_is_the_ratio() {
        let r = Ratio::new(600_000, 409_600);
        let mut b = Scale::new(r);
        b.connect_all();
        for x in [0u16, 1, 100, 4095, 65535] {
            b.x.next = (x as u64).into();
            assert!(simulate(&mut b, 10));
            let exact = (x as f64 * 600_000.0 / 409_600.0).round().min(65535.0);
            assert!((b.y.val().index() as f64 - exact).abs() <= 1.0, "{x}");
        }
    }
}
