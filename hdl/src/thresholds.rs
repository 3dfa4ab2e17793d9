//! `Thresholds`: one monitored value against its four CMIS thresholds
//! (high alarm, low alarm, high warning, low warning) — the comparators of
//! the ELSFP laser lanes (bias, power; 1Ah:141..156 → 186..193) and of the
//! module monitors (temperature, Vcc; page 02h → lower byte 9).
//!
//! Cycle contract (the host models implement the same text): while
//! `enable` is high, a flag is high in the same cycle its condition holds —
//! strictly above a high threshold, strictly below a low one; while
//! `enable` is low every flag is low. A signed block (temperature) compares
//! two's-complement values: the sign bit of the value and of every
//! threshold is flipped, so signed order becomes unsigned order. The
//! register block latches the flags.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct Thresholds {
    pub value: Signal<In, Bits<16>>,
    pub enable: Signal<In, Bit>,
    // Thresholds
    pub high_alarm: Signal<In, Bits<16>>,
    pub low_alarm: Signal<In, Bits<16>>,
    pub high_warning: Signal<In, Bits<16>>,
    pub low_warning: Signal<In, Bits<16>>,
    // Flags
    pub flag_high_alarm: Signal<Out, Bit>,
    pub flag_low_alarm: Signal<Out, Bit>,
    pub flag_high_warning: Signal<Out, Bit>,
    pub flag_low_warning: Signal<Out, Bit>,
    biased: Signal<Local, Bits<16>>,
    /// 8000h for signed comparison, 0 for unsigned.
    sign: Constant<Bits<16>>,
}

impl Thresholds {
    /// Comparators for unsigned (`signed` false) or two's-complement values.
    pub fn new(signed: bool) -> Self {
        Self {
            value: Default::default(),
            enable: Default::default(),
            high_alarm: Default::default(),
            low_alarm: Default::default(),
            high_warning: Default::default(),
            low_warning: Default::default(),
            flag_high_alarm: Default::default(),
            flag_low_alarm: Default::default(),
            flag_high_warning: Default::default(),
            flag_low_warning: Default::default(),
            biased: Default::default(),
            sign: Constant::new((if signed { 0x8000u64 } else { 0 }).into()),
        }
    }
}

impl Logic for Thresholds {
    #[hdl_gen]
    fn update(&mut self) {
        self.biased.next = self.value.val() ^ self.sign.val();
        self.flag_high_alarm.next =
            self.enable.val() & (self.biased.val() > (self.high_alarm.val() ^ self.sign.val()));
        self.flag_low_alarm.next =
            self.enable.val() & (self.biased.val() < (self.low_alarm.val() ^ self.sign.val()));
        self.flag_high_warning.next =
            self.enable.val() & (self.biased.val() > (self.high_warning.val() ^ self.sign.val()));
        self.flag_low_warning.next =
            self.enable.val() & (self.biased.val() < (self.low_warning.val() ^ self.sign.val()));
    }
}
