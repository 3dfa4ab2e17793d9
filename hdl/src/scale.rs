//! `Scale`: a 16-bit value times a constant [`Ratio`], rounded, saturating
//! at 16 bits — the laser lanes' calibrations and unit conversions (ADC
//! codes to CMIS units, setpoints to DAC codes, tolerance windows).
//!
//! A leaf like `Popcount`: `#[hdl_gen]` multiplies only at its operands'
//! widths, which Verilator's WIDTH lint rejects. One DSP slice, or a few
//! LUTs for small factors.

use rust_hdl::prelude::*;
use xpo_spec::laser::Ratio;

#[derive(LogicBlock)]
pub struct Scale {
    pub x: Signal<In, Bits<16>>,
    pub y: Signal<Out, Bits<16>>,
    ratio: Fixed,
}

/// The ratio as an opaque member (rust-hdl sees no signals in it).
struct Fixed(Ratio);

impl Logic for Fixed {
    fn update(&mut self) {}
}

impl Block for Fixed {
    fn connect_all(&mut self) {}
    fn update_all(&mut self) {}
    fn has_changed(&self) -> bool {
        false
    }
    fn accept(&self, _name: &str, _probe: &mut dyn Probe) {}
}

impl Scale {
    pub fn new(ratio: Ratio) -> Self {
        Self {
            x: Default::default(),
            y: Default::default(),
            ratio: Fixed(ratio),
        }
    }
}

impl Logic for Scale {
    fn update(&mut self) {
        let y = self.ratio.0.apply(self.x.val().index() as u16);
        self.y.next = (y as u64).into();
    }

    fn connect(&mut self) {
        self.y.connect();
    }

    fn hdl(&self) -> Verilog {
        let Ratio { k, s } = self.ratio.0;
        let half = self.ratio.0.half();
        let top = 47 - s;
        // The bits shifted out are dropped on purpose; Verilator exempts
        // names containing "unused" from its UNUSED warnings.
        let dropped = if s > 0 {
            format!(
                "wire [{}:0] unused_fraction = product[{}:0];\n",
                s - 1,
                s - 1
            )
        } else {
            String::new()
        };
        Verilog::Custom(format!(
            "\
// y = min((x * {k} + {half}) >> {s}, 16'hFFFF)
wire [47:0] product = {{32'd0, x}} * 48'd{k} + 48'd{half};
wire [{top}:0] shifted = product[47:{s}];
{dropped}always @(*) y = (|shifted[{top}:16]) ? 16'hFFFF : shifted[15:0];
"
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
