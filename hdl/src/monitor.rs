//! `Monitor`: one analog monitor behind an ADC — offset, average, scale —
//! shared by the ELSFP laser lanes (bias, power, forward voltage) and the
//! module monitors (temperature, Vcc).
//!
//! Cycle contract (the host models `xpo_host::model::laser` and
//! `xpo_host::model::monitors` implement the same text):
//! - On each `adc_valid` cycle the offset is subtracted from `adc`
//!   (saturating at 0). With `load` high the result replaces the average;
//!   otherwise the average moves a quarter of the way towards it
//!   (`avg ± (|x - avg| >> 2)`, towards the sample). The new average is
//!   visible after the edge.
//! - `value` is the average through the constant ratio (`Scale`'s
//!   arithmetic), in three registered stages: the average copied beside
//!   the multiplier, the multiply, registered at the multiplier's output,
//!   then the rounding, shift and saturation, registered. It shows the
//!   average as it stood [`MONITOR_LATENCY`] (3)
//!   edges earlier: neither the multiply nor the rounding sits in front of
//!   the comparisons and registers that read the monitor (a sample every
//!   few hundred cycles makes the cycles invisible).
//! - `reset` clears the average and `value` at the edge.

use crate::scale::{ScaleProduct, ScaleRound};
use rust_hdl::prelude::*;
use xpo_spec::laser::Ratio;
pub use xpo_spec::monitors::MONITOR_LATENCY;

#[derive(LogicBlock)]
pub struct Monitor {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    // Converter
    pub adc: Signal<In, Bits<16>>,
    pub adc_valid: Signal<In, Bit>,
    /// Load the next sample instead of averaging it in (a first sample).
    pub load: Signal<In, Bit>,
    // Result
    pub value: Signal<Out, Bits<16>>,
    sample: Signal<Local, Bits<16>>,
    avg: DFF<Bits<16>>,
    /// The average again, at the multiplier: only the DSP reads it, so the
    /// placer can put it beside the DSP column however far the averaging
    /// logic sits (the default engine's 8 ns route into a MULT18X18D).
    avg_at_mult: DFF<Bits<16>>,
    /// The average's product, then its calibrated value.
    product_q: DFF<Bits<32>>,
    value_q: DFF<Bits<16>>,
    offset: Constant<Bits<16>>,
    zero: Constant<Bits<16>>,
    product_zero: Constant<Bits<32>>,
    cal_product: ScaleProduct,
    cal_round: ScaleRound,
}

impl Monitor {
    /// A monitor whose ADC reads `offset` at zero and whose average
    /// converts to reporting units by `ratio`.
    pub fn new(offset: u16, ratio: Ratio) -> Self {
        Self {
            clock: Default::default(),
            reset: Default::default(),
            adc: Default::default(),
            adc_valid: Default::default(),
            load: Default::default(),
            value: Default::default(),
            sample: Default::default(),
            avg: Default::default(),
            avg_at_mult: Default::default(),
            product_q: Default::default(),
            value_q: Default::default(),
            offset: Constant::new((offset as u64).into()),
            zero: Constant::new(0u64.into()),
            product_zero: Constant::new(0u64.into()),
            cal_product: ScaleProduct::new(ratio),
            cal_round: ScaleRound::new(ratio),
        }
    }
}

impl Logic for Monitor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, avg, avg_at_mult, product_q, value_q);
        if self.adc.val() > self.offset.val() {
            self.sample.next = self.adc.val() - self.offset.val();
        } else {
            self.sample.next = self.zero.val();
        }
        if self.adc_valid.val() {
            if self.load.val() {
                self.avg.d.next = self.sample.val();
            } else if self.sample.val() >= self.avg.q.val() {
                self.avg.d.next = self.avg.q.val() + ((self.sample.val() - self.avg.q.val()) >> 2);
            } else {
                self.avg.d.next = self.avg.q.val() - ((self.avg.q.val() - self.sample.val()) >> 2);
            }
        }
        self.avg_at_mult.d.next = self.avg.q.val();
        self.cal_product.x.next = self.avg_at_mult.q.val();
        self.product_q.d.next = self.cal_product.product.val();
        self.cal_round.product.next = self.product_q.q.val();
        self.value_q.d.next = self.cal_round.y.val();
        self.value.next = self.value_q.q.val();
        if self.reset.val() {
            self.avg.d.next = self.zero.val();
            self.avg_at_mult.d.next = self.zero.val();
            self.product_q.d.next = self.product_zero.val();
            self.value_q.d.next = self.zero.val();
        }
    }
}
