//! `LinkBerMonitor`: a link's hi-BER monitor, IEEE 802.3 clause 82
//! (82.2.18.3, Figure 82-13): the invalid sync headers of every PCS lane
//! counted in one window, in rule 6 of the link contract
//! (`xpo_host::model::link_alignment`; the model is
//! `xpo_host::model::pcs::BerMonitor::cycle_headers`, written first).
//!
//! Up to sixteen headers arrive per cycle, one per lane, and the model
//! walks the diagram through them one at a time. The walk collapses to
//! a few facts about the cycle's headers, computed at the edge that taps
//! them (`HeaderSummary`, from the lanes' held samples, which are
//! registers) and registered, so the next edge's step is a handful of
//! comparisons:
//!
//! - when the timer is not done, the headers add their invalid count to
//!   `ber_cnt`; reaching the threshold is HI_BER (later headers are not
//!   tested there), otherwise the state is BER_BAD_SH or BER_TEST_SH as
//!   the last header was invalid or valid;
//! - when the timer is done, BER_BAD_SH and HI_BER restart the timer
//!   (START_TIMER) and every header then counts in the new window;
//!   START_TIMER and BER_TEST_SH test the first header with `timer_done`
//!   (valid: GOOD_BER clears `hi_ber` and restarts; invalid: the timer
//!   restarts, or the count reaches the threshold, HI_BER, whose
//!   `timer_done` a next header meets and restarts) and the rest in the
//!   new window; BER_TEST_SH without a header is GOOD_BER.
//!
//! `ber_cnt` is kept as the room left below the threshold (threshold −
//! ber_cnt), so the test is one narrow comparison and never wraps.

use super::align_leaves::per_lane;
use super::ber_monitor::{BAD, HI, START, TEST};
use rust_hdl::prelude::*;

/// What one cycle's headers mean to the monitor, over the lanes' valid
/// samples in physical lane order: how many are invalid (a sync header
/// neither 01 nor 10), whether there is one and more than one, and
/// whether the first and the last are invalid.
#[derive(LogicBlock)]
pub struct HeaderSummary {
    pub valid: Vec<Signal<In, Bit>>,
    /// Each lane's sync header (the block's two low bits).
    pub header: Vec<Signal<In, Bits<2>>>,
    pub invalid: Signal<Out, Bits<16>>,
    pub any: Signal<Out, Bit>,
    pub several: Signal<Out, Bit>,
    pub first_invalid: Signal<Out, Bit>,
    pub last_invalid: Signal<Out, Bit>,
}

impl HeaderSummary {
    pub fn new(lanes: usize) -> Self {
        assert!((1..=16).contains(&lanes), "1 to 16 lanes");
        Self {
            valid: per_lane(lanes),
            header: per_lane(lanes),
            invalid: Default::default(),
            any: Default::default(),
            several: Default::default(),
            first_invalid: Default::default(),
            last_invalid: Default::default(),
        }
    }
}

impl Logic for HeaderSummary {
    fn update(&mut self) {
        let bad: Vec<Option<bool>> = self
            .valid
            .iter()
            .zip(&self.header)
            .map(|(v, h)| {
                let h = h.val().to_u128();
                v.val().then_some(h != 0b01 && h != 0b10)
            })
            .collect();
        let tested: Vec<bool> = bad.iter().flatten().copied().collect();
        let invalid = tested.iter().filter(|&&b| b).count();
        self.invalid.next = (invalid as u64).into();
        self.any.next = !tested.is_empty();
        self.several.next = tested.len() > 1;
        self.first_invalid.next = tested.first().copied().unwrap_or(false);
        self.last_invalid.next = tested.last().copied().unwrap_or(false);
    }

    fn connect(&mut self) {
        self.invalid.connect();
        self.any.connect();
        self.several.connect();
        self.first_invalid.connect();
        self.last_invalid.connect();
    }

    fn hdl(&self) -> Verilog {
        let n = self.valid.len();
        let mut v = String::new();
        let cat = |f: &dyn Fn(usize) -> String| (0..n).rev().map(f).collect::<Vec<_>>().join(", ");
        let rev = |f: &dyn Fn(usize) -> String| (0..n).map(f).collect::<Vec<_>>().join(", ");
        v += &format!(
            "wire [{}:0] v = {{{}}};\n",
            n - 1,
            cat(&|x| format!("valid${x}"))
        );
        v += &format!(
            "wire [{}:0] b = v & ~{{{}}};\n",
            n - 1,
            cat(&|x| format!("header${x}[0] ^ header${x}[1]"))
        );
        // The lowest set bit of v, and of v reversed (the highest).
        v += &format!(
            "wire [{}:0] vr = {{{}}};\nwire [{}:0] br = {{{}}};\n",
            n - 1,
            rev(&|x| format!("valid${x}")),
            n - 1,
            rev(&|x| format!("valid${x} & ~(header${x}[0] ^ header${x}[1])")),
        );
        v += "wire [N:0] lo = v & (~v + 1'b1);\nwire [N:0] hi = vr & (~vr + 1'b1);\n"
            .replace('N', &(n - 1).to_string())
            .as_str();
        // The invalid count as a balanced tree of adds, written out.
        let mut level: Vec<String> = (0..n).map(|x| format!("{{4'd0, b[{x}]}}")).collect();
        let mut k = 0;
        while level.len() > 1 {
            let mut next = Vec::new();
            for pair in level.chunks(2) {
                if let [a, b] = pair {
                    v += &format!("wire [4:0] s{k} = {a} + {b};\n");
                    next.push(format!("s{k}"));
                    k += 1;
                } else {
                    next.push(pair[0].clone());
                }
            }
            level = next;
        }
        v += &format!(
            "always @(*) begin\n    invalid = {{11'd0, {}}};\n    any = |v;\n    \
             several = |(v & (v - 1'b1));\n    first_invalid = |(lo & b);\n    \
             last_invalid = |(hi & br);\nend\n",
            level[0]
        );
        Verilog::Custom(v)
    }
}

/// One link's hi-BER monitor.
#[derive(LogicBlock)]
pub struct LinkBerMonitor {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    /// The link's `align_status` as shown (registered): the monitor runs
    /// while it holds and is held in BER_MT_INIT otherwise.
    pub enable: Signal<In, Bit>,
    /// Each lane's sample this edge taps: valid, and its block's sync
    /// header.
    pub valid: Vec<Signal<In, Bit>>,
    pub header: Vec<Signal<In, Bits<2>>>,
    /// `hi_ber` as it stands (registered).
    pub hi_ber: Signal<Out, Bit>,
    summary: HeaderSummary,
    // The last edge's headers, summarised.
    s_invalid: DFF<Bits<16>>,
    s_any: DFF<Bit>,
    s_several: DFF<Bit>,
    s_first_invalid: DFF<Bit>,
    s_last_invalid: DFF<Bit>,
    st: DFF<Bits<2>>,
    hi: DFF<Bit>,
    /// threshold − ber_cnt.
    room: DFF<Bits<16>>,
    timer: DFF<Bits<24>>,
    // The step's base (after a done timer's prelude) and the headers it
    // still tests.
    base_st: Signal<Local, Bits<2>>,
    base_room: Signal<Local, Bits<16>>,
    base_hi: Signal<Local, Bit>,
    left_invalid: Signal<Local, Bits<16>>,
    left_any: Signal<Local, Bit>,
    s_start: Constant<Bits<2>>,
    s_test: Constant<Bits<2>>,
    s_bad: Constant<Bits<2>>,
    s_hi: Constant<Bits<2>>,
    window: Constant<Bits<24>>,
    timer_zero: Constant<Bits<24>>,
    timer_one: Constant<Bits<24>>,
    threshold: Constant<Bits<16>>,
    room_one: Constant<Bits<16>>,
    count_one: Constant<Bits<16>>,
    count_zero: Constant<Bits<16>>,
}

impl LinkBerMonitor {
    /// `lanes` lanes, a timer of `window` cycles (2 ..= 2^24 − 1) and
    /// `threshold` invalid headers (1 ..= 65535).
    pub fn new(lanes: usize, window: u64, threshold: u32) -> Self {
        assert!((2..1 << 24).contains(&window), "a 24-bit timer");
        assert!((1..=65_535).contains(&threshold), "a 16-bit count");
        Self {
            clock: Default::default(),
            reset: Default::default(),
            enable: Default::default(),
            valid: per_lane(lanes),
            header: per_lane(lanes),
            hi_ber: Default::default(),
            summary: HeaderSummary::new(lanes),
            s_invalid: Default::default(),
            s_any: Default::default(),
            s_several: Default::default(),
            s_first_invalid: Default::default(),
            s_last_invalid: Default::default(),
            st: Default::default(),
            hi: Default::default(),
            room: Default::default(),
            timer: Default::default(),
            base_st: Default::default(),
            base_room: Default::default(),
            base_hi: Default::default(),
            left_invalid: Default::default(),
            left_any: Default::default(),
            s_start: Constant::new(START.into()),
            s_test: Constant::new(TEST.into()),
            s_bad: Constant::new(BAD.into()),
            s_hi: Constant::new(HI.into()),
            window: Constant::new(window.into()),
            timer_zero: Constant::new(0u64.into()),
            timer_one: Constant::new(1u64.into()),
            threshold: Constant::new(u64::from(threshold).into()),
            room_one: Constant::new(1u64.into()),
            count_one: Constant::new(1u64.into()),
            count_zero: Constant::new(0u64.into()),
        }
    }
}

impl Logic for LinkBerMonitor {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self,
            clock,
            s_invalid,
            s_any,
            s_several,
            s_first_invalid,
            s_last_invalid,
            st,
            hi,
            room,
            timer
        );
        self.hi_ber.next = self.hi.q.val();
        // The headers this edge taps, for the next edge's step.
        for x in 0..self.valid.len() {
            self.summary.valid[x].next = self.valid[x].val();
            self.summary.header[x].next = self.header[x].val();
        }
        self.s_invalid.d.next = self.summary.invalid.val();
        self.s_any.d.next = self.summary.any.val();
        self.s_several.d.next = self.summary.several.val();
        self.s_first_invalid.d.next = self.summary.first_invalid.val();
        self.s_last_invalid.d.next = self.summary.last_invalid.val();
        // The timer runs down and stops at zero; it is done when this
        // step's tick reaches zero.
        if self.timer.q.val() != self.timer_zero.val() {
            self.timer.d.next = self.timer.q.val() - self.timer_one.val();
        }
        // Not done: every header tests against the state as it is.
        self.base_st.next = self.st.q.val();
        self.base_room.next = self.room.q.val();
        self.base_hi.next = self.hi.q.val();
        self.left_invalid.next = self.s_invalid.q.val();
        self.left_any.next = self.s_any.q.val();
        if self.timer.q.val() <= self.timer_one.val() {
            if (self.st.q.val() == self.s_bad.val()) | (self.st.q.val() == self.s_hi.val()) {
                // BER_BAD_SH / HI_BER with timer_done: START_TIMER, and
                // every header tests in the new window.
                self.base_st.next = self.s_start.val();
                self.base_room.next = self.threshold.val();
                self.timer.d.next = self.window.val();
            } else if !self.s_any.q.val() {
                if self.st.q.val() == self.s_test.val() {
                    // BER_TEST_SH, timer_done, no header: GOOD_BER.
                    self.base_st.next = self.s_start.val();
                    self.base_room.next = self.threshold.val();
                    self.base_hi.next = false;
                    self.timer.d.next = self.window.val();
                }
            } else if !self.s_first_invalid.q.val() {
                // The first header valid with timer_done: GOOD_BER; the
                // rest in the new window.
                self.base_st.next = self.s_start.val();
                self.base_room.next = self.threshold.val();
                self.base_hi.next = false;
                self.timer.d.next = self.window.val();
                self.left_any.next = self.s_several.q.val();
            } else {
                // The first header invalid, with timer_done; the rest
                // test in a new window.
                self.left_invalid.next = self.s_invalid.q.val() - self.count_one.val();
                self.left_any.next = self.s_several.q.val();
                if self.room.q.val() == self.room_one.val() {
                    // It reaches the threshold: HI_BER.
                    self.base_hi.next = true;
                }
                if (self.room.q.val() == self.room_one.val()) & !self.s_several.q.val() {
                    // HI_BER, the timer still done.
                    self.base_st.next = self.s_hi.val();
                } else {
                    // START_TIMER: below the threshold, or HI_BER whose
                    // timer_done the next header meets.
                    self.base_st.next = self.s_start.val();
                    self.base_room.next = self.threshold.val();
                    self.timer.d.next = self.window.val();
                }
            }
        }
        self.st.d.next = self.base_st.val();
        self.room.d.next = self.base_room.val();
        self.hi.d.next = self.base_hi.val();
        if (self.base_st.val() != self.s_hi.val()) & self.left_any.val() {
            if self.left_invalid.val() >= self.base_room.val() {
                self.st.d.next = self.s_hi.val();
                self.hi.d.next = true;
            } else {
                self.room.d.next = self.base_room.val() - self.left_invalid.val();
                if self.s_last_invalid.q.val() {
                    self.st.d.next = self.s_bad.val();
                } else {
                    self.st.d.next = self.s_test.val();
                }
            }
        }
        if !self.enable.val() | self.reset.val() {
            // BER_MT_INIT, START_TIMER.
            self.hi.d.next = false;
            self.st.d.next = self.s_start.val();
            self.room.d.next = self.threshold.val();
            self.timer.d.next = self.window.val();
        }
        if self.reset.val() {
            // A reset edge taps no sample.
            self.s_any.d.next = false;
            self.s_several.d.next = false;
            self.s_invalid.d.next = self.count_zero.val();
        }
    }
}
