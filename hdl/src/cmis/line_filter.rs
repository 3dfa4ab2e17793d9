//! `LineFilter`: a two-flop synchronizer and glitch filter for one I2C
//! line (SCL or SDA), as the CMIS two-wire interface needs for pins that
//! arrive asynchronously and carry spikes up to 50 ns (I2C-bus
//! specification, tSP).
//!
//! Contract: the input passes two flops; the filtered `level` takes the
//! synchronized value only after it has differed from `level` for `filter`
//! consecutive cycles. Reset sets everything to the idle (high) level.

use rust_hdl::prelude::*;

#[derive(LogicBlock)]
pub struct LineFilter {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub line: Signal<In, Bit>,
    pub level: Signal<Out, Bit>,
    sync1: DFF<Bit>,
    sync2: DFF<Bit>,
    filtered: DFF<Bit>,
    count: DFF<Bits<8>>,
    count_zero: Constant<Bits<8>>,
    count_one: Constant<Bits<8>>,
    /// `filter - 1`: the count at which the new level is taken.
    count_last: Constant<Bits<8>>,
}

impl LineFilter {
    /// A filter of `filter` cycles (1..=256).
    pub fn new(filter: u32) -> Self {
        assert!((1..=256).contains(&filter), "filter of {filter} cycles");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            line: Default::default(),
            level: Default::default(),
            sync1: Default::default(),
            sync2: Default::default(),
            filtered: Default::default(),
            count: Default::default(),
            count_zero: Constant::new(0u64.into()),
            count_one: Constant::new(1u64.into()),
            count_last: Constant::new(((filter - 1) as u64).into()),
        }
    }
}

impl Logic for LineFilter {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(self, clock, sync1, sync2, filtered, count);
        self.level.next = self.filtered.q.val();
        self.sync1.d.next = self.line.val();
        self.sync2.d.next = self.sync1.q.val();
        if self.sync2.q.val() != self.filtered.q.val() {
            if self.count.q.val() >= self.count_last.val() {
                self.filtered.d.next = self.sync2.q.val();
                self.count.d.next = self.count_zero.val();
            } else {
                self.count.d.next = self.count.q.val() + self.count_one.val();
            }
        } else {
            self.count.d.next = self.count_zero.val();
        }
        if self.reset.val() {
            self.sync1.d.next = true;
            self.sync2.d.next = true;
            self.filtered.d.next = true;
            self.count.d.next = self.count_zero.val();
        }
    }
}
