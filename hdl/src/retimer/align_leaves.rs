//! The combinational leaves of a link's alignment (`Deskew`,
//! `DeskewBuffer`): each is a reduction across the link's lanes, which
//! `#[hdl_gen]` cannot write (it has no accumulating loop), so each has a
//! Rust `update` for the rust-hdl simulation and its own generated
//! Verilog; the Verilator lockstep checks the two against each other.

use crate::opaque::Opaque;
use rust_hdl::prelude::*;
use std::fmt::Write;

/// One default `T` per lane.
pub(super) fn per_lane<T: Default>(lanes: usize) -> Vec<T> {
    (0..lanes).map(|_| T::default()).collect()
}

/// `all`: every lane's `valid`; `any`: some lane's (rule 1's row and
/// valid mismatch).
#[derive(LogicBlock)]
pub struct RowCheck {
    pub valid: Vec<Signal<In, Bit>>,
    pub all: Signal<Out, Bit>,
    pub any: Signal<Out, Bit>,
}

impl RowCheck {
    pub fn new(lanes: usize) -> Self {
        Self {
            valid: (0..lanes).map(|_| Default::default()).collect(),
            all: Default::default(),
            any: Default::default(),
        }
    }
}

impl Logic for RowCheck {
    fn update(&mut self) {
        self.all.next = self.valid.iter().all(|v| v.val());
        self.any.next = self.valid.iter().any(|v| v.val());
    }

    fn connect(&mut self) {
        self.all.connect();
        self.any.connect();
    }

    fn hdl(&self) -> Verilog {
        let v: Vec<String> = (0..self.valid.len())
            .map(|x| format!("valid${x}"))
            .collect();
        Verilog::Custom(format!(
            "always @(*) begin\n    all = &{{{0}}};\n    any = |{{{0}}};\nend\n",
            v.join(", ")
        ))
    }
}

/// Rules 3 to 5 of the deskew contract across the lanes, for the row the
/// lanes' AM locks have just acted on: whether alignment is lost, whether
/// the row is measured, whether it completes a marker instant, whether
/// that instant acquires alignment; and the reorder's selections.
///
/// Per lane the inputs are the lane's `am_lock` and good marker after
/// acting on the row, its lock before it, its lane number one-hot, and
/// its measurement state: `known` (it has a marker since the last
/// restart), `le_half1` (its count + 1 is at most half the period) and
/// `le_max1` (its count + 1 is at most `max_skew`).
///
/// Written for the clock from two facts of `AmLane`: a lane's number is
/// set before its lock rises and does not change while it is locked, so
/// (a) a lane's number changing is its lock falling (rule 5's "the lane
/// numbers change" needs no comparison), and (b) while aligned the map
/// stays whole unless a lock falls (no map test in the loss decision);
/// and the one-hot may be registered from the number one edge later. A
/// measured row's readiness is then two reductions from registers and a
/// two-way choice on the loss: with a loss this edge only lanes whose
/// marker is on this row count, otherwise a lane counts with its marker
/// here or an earlier one within half a period.
#[derive(LogicBlock)]
pub struct AlignDecide {
    pub row: Signal<In, Bit>,
    pub mismatch: Signal<In, Bit>,
    pub aligned: Signal<In, Bit>,
    pub lock: Vec<Signal<In, Bit>>,
    pub onehot: Vec<Signal<In, Bits<16>>>,
    pub good: Vec<Signal<In, Bit>>,
    pub prev_lock: Vec<Signal<In, Bit>>,
    pub known: Vec<Signal<In, Bit>>,
    pub le_half1: Vec<Signal<In, Bit>>,
    pub le_max1: Vec<Signal<In, Bit>>,
    /// Alignment ends on this edge (rule 5), or the measurement restarts
    /// (rule 4).
    pub lose: Signal<Out, Bit>,
    /// The row is measured (a row, and not aligned after `lose`).
    pub measuring: Signal<Out, Bit>,
    /// The row completes a marker instant: the skews are measured.
    pub complete: Signal<Out, Bit>,
    /// ... with every lane within `max_skew`: ALIGN_ACQUIRED.
    pub acquire: Signal<Out, Bit>,
    /// `align_status` after the edge.
    pub aligned_next: Signal<Out, Bit>,
    /// Per lane, beyond `max_skew` at a complete instant.
    pub out_of_range: Vec<Signal<Out, Bit>>,
    /// Per logical lane k, the physical lanes whose number is k (one-hot
    /// when the map is whole).
    pub select: Vec<Signal<Out, Bits<16>>>,
}

impl AlignDecide {
    pub fn new(lanes: usize) -> Self {
        assert!((1..=16).contains(&lanes), "1 to 16 lanes");
        Self {
            row: Default::default(),
            mismatch: Default::default(),
            aligned: Default::default(),
            lock: per_lane(lanes),
            onehot: per_lane(lanes),
            good: per_lane(lanes),
            prev_lock: per_lane(lanes),
            known: per_lane(lanes),
            le_half1: per_lane(lanes),
            le_max1: per_lane(lanes),
            lose: Default::default(),
            measuring: Default::default(),
            complete: Default::default(),
            acquire: Default::default(),
            aligned_next: Default::default(),
            out_of_range: per_lane(lanes),
            select: per_lane(lanes),
        }
    }
}

impl Logic for AlignDecide {
    fn update(&mut self) {
        let n = self.lock.len();
        let mask = (1usize << n) - 1;
        let g = |x: usize| self.good[x].val();
        let lose =
            self.mismatch.val() || (0..n).any(|x| self.prev_lock[x].val() && !self.lock[x].val());
        let stay = self.aligned.val() && !lose;
        let measuring = self.row.val() && !stay;
        let seen = (0..n).fold(0usize, |m, x| m | self.onehot[x].val().index());
        let map_ok = (0..n).all(|x| self.lock[x].val()) && seen & mask == mask;
        let ready = if lose {
            (0..n).all(g)
        } else {
            (0..n).all(|x| g(x) || (self.known[x].val() && self.le_half1[x].val()))
        };
        let complete = measuring && map_ok && (0..n).any(g) && ready;
        let in_range: Vec<bool> = (0..n).map(|x| g(x) || self.le_max1[x].val()).collect();
        let acquire = complete && in_range.iter().all(|&r| r);
        self.lose.next = lose;
        self.measuring.next = measuring;
        self.complete.next = complete;
        self.acquire.next = acquire;
        self.aligned_next.next = stay || acquire;
        for (o, &r) in self.out_of_range.iter_mut().zip(&in_range) {
            o.next = complete && !r;
        }
        for k in 0..n {
            let m = (0..n)
                .filter(|&x| self.onehot[x].val().index() >> k & 1 == 1)
                .fold(0u64, |m, x| m | 1 << x);
            self.select[k].next = m.into();
        }
    }

    fn connect(&mut self) {
        self.lose.connect();
        self.measuring.connect();
        self.complete.connect();
        self.acquire.connect();
        self.aligned_next.connect();
        for s in &mut self.out_of_range {
            s.connect();
        }
        for s in &mut self.select {
            s.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let n = self.lock.len();
        let all = |f: &dyn Fn(usize) -> String, op: &str| -> String {
            (0..n).map(f).collect::<Vec<_>>().join(op)
        };
        let mut v = String::new();
        v.push_str(&format!(
            "wire [15:0] seen = {};
",
            all(&|x| format!("onehot${x}"), " | ")
        ));
        v.push_str(&format!(
            "wire map_ok = ({}) && (&seen[{}:0]);
",
            all(&|x| format!("lock${x}"), " && "),
            n - 1
        ));
        if n < 16 {
            v.push_str(&format!(
                "wire unused_seen = |seen[15:{n}];
"
            ));
        }
        v.push_str(&format!(
            "wire lose_w = mismatch || {};
",
            all(&|x| format!("(prev_lock${x} && !lock${x})"), " || ")
        ));
        v.push_str(
            "wire stay = aligned && !lose_w;
",
        );
        v.push_str(
            "wire measuring_w = row && !stay;
",
        );
        v.push_str(&format!(
            "wire any_good = {};
",
            all(&|x| format!("good${x}"), " || ")
        ));
        v.push_str(&format!(
            "wire all_good = {};
",
            all(&|x| format!("good${x}"), " && ")
        ));
        v.push_str(&format!(
            "wire ready_kept = {};
",
            all(
                &|x| format!("(good${x} || (known${x} && le_half1${x}))"),
                " && "
            )
        ));
        v.push_str("wire complete_w = measuring_w && map_ok && any_good && (lose_w ? all_good : ready_kept);
");
        v.push_str(&format!(
            "wire in_range = {};
",
            all(&|x| format!("(good${x} || le_max1${x})"), " && ")
        ));
        v.push_str(
            "always @(*) begin
",
        );
        v.push_str(
            "    lose = lose_w;
    measuring = measuring_w;
    complete = complete_w;
",
        );
        v.push_str(
            "    acquire = complete_w && in_range;
    aligned_next = stay || (complete_w && in_range);
",
        );
        for x in 0..n {
            v.push_str(&format!(
                "    out_of_range${x} = complete_w && !(good${x} || le_max1${x});
"
            ));
        }
        for k in 0..n {
            let bits: Vec<String> = (0..n).rev().map(|x| format!("onehot${x}[{k}]")).collect();
            if n < 16 {
                v.push_str(&format!(
                    "    select${k} = {{{}'d0, {}}};
",
                    16 - n,
                    bits.join(", ")
                ));
            } else {
                v.push_str(&format!(
                    "    select${k} = {{{}}};
",
                    bits.join(", ")
                ));
            }
        }
        v.push_str(
            "end
",
        );
        Verilog::Custom(v)
    }
}

/// A lane number, one-hot (`number` below 16).
#[derive(LogicBlock, Default)]
pub struct LaneDecode {
    pub number: Signal<In, Bits<5>>,
    pub onehot: Signal<Out, Bits<16>>,
}

impl Logic for LaneDecode {
    fn update(&mut self) {
        let k = self.number.val().index();
        self.onehot.next = if k < 16 {
            (1u64 << k).into()
        } else {
            0u64.into()
        };
    }

    fn connect(&mut self) {
        self.onehot.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "always @(*) onehot = number[4] ? 16'd0 : (16'd1 << number[3:0]);
"
            .into(),
        )
    }
}

/// The least of the lanes' bit offsets `p` among the `mask`ed lanes (the
/// lanes whose marker completed the instant); all ones when no lane is
/// masked. In Verilog every pair of lanes is compared at once and the
/// least lane (the lowest-numbered on a tie) selected one-hot: a balanced
/// tree of two-way minimums chained three comparators and their
/// multiplexers (19 logic levels), the default engine's ECP5 critical path
/// once the read-back's address was split per half page.
#[derive(LogicBlock)]
pub struct MinOffset {
    pub p: Vec<Signal<In, Bits<7>>>,
    pub mask: Vec<Signal<In, Bit>>,
    pub least: Signal<Out, Bits<24>>,
}

impl MinOffset {
    pub fn new(lanes: usize) -> Self {
        Self {
            p: (0..lanes).map(|_| Default::default()).collect(),
            mask: (0..lanes).map(|_| Default::default()).collect(),
            least: Default::default(),
        }
    }
}

impl Logic for MinOffset {
    fn update(&mut self) {
        let m = (0..self.p.len())
            .filter(|&x| self.mask[x].val())
            .map(|x| self.p[x].val().index() as u64)
            .min()
            .unwrap_or(127);
        self.least.next = m.into();
    }

    fn connect(&mut self) {
        self.least.connect();
    }

    fn hdl(&self) -> Verilog {
        let n = self.p.len();
        let mut v = String::new();
        for x in 0..n {
            let _ = writeln!(v, "wire [6:0] m_{x} = mask${x} ? p${x} : 7'd127;");
        }
        // Lane x wins if it is below every earlier lane and not above any
        // later one: exactly one lane wins.
        for x in 0..n {
            let terms: Vec<String> = (0..n)
                .filter(|&y| y != x)
                .map(|y| {
                    let op = if y < x { "<" } else { "<=" };
                    format!("(m_{x} {op} m_{y})")
                })
                .collect();
            let all = if terms.is_empty() {
                "1'b1".to_string()
            } else {
                terms.join(" && ")
            };
            let _ = writeln!(v, "wire win_{x} = {all};");
        }
        let picks: Vec<String> = (0..n)
            .map(|x| format!("({{7{{win_{x}}}}} & m_{x})"))
            .collect();
        let _ = writeln!(v, "always @(*) least = {{17'd0, {}}};", picks.join(" | "));
        Verilog::Custom(v)
    }
}

/// `66 × blocks + p`: a lane's marker arrival in bits before the end of
/// the latest lane's marker row (rule 4), before the least offset is
/// subtracted.
#[derive(LogicBlock, Default)]
pub struct Times66Plus {
    pub blocks: Signal<In, Bits<16>>,
    pub p: Signal<In, Bits<7>>,
    pub bits: Signal<Out, Bits<24>>,
}

impl Logic for Times66Plus {
    fn update(&mut self) {
        let v = 66 * self.blocks.val().index() as u64 + self.p.val().index() as u64;
        self.bits.next = v.into();
    }

    fn connect(&mut self) {
        self.bits.connect();
    }

    fn hdl(&self) -> Verilog {
        Verilog::Custom(
            "always @(*) bits = {2'd0, blocks, 6'd0} + {7'd0, blocks, 1'b0} + {17'd0, p};\n".into(),
        )
    }
}

/// Output lane k: the physical lane `select[k]` names, as an AND-OR over
/// the lanes (the selection is one-hot while aligned).
#[derive(LogicBlock)]
pub struct Reorder {
    pub data: Vec<Signal<In, Bits<66>>>,
    pub select: Vec<Signal<In, Bits<16>>>,
    pub out: Vec<Signal<Out, Bits<66>>>,
}

impl Reorder {
    pub fn new(lanes: usize) -> Self {
        Self {
            data: per_lane(lanes),
            select: per_lane(lanes),
            out: per_lane(lanes),
        }
    }
}

impl Logic for Reorder {
    fn update(&mut self) {
        let n = self.data.len();
        for k in 0..n {
            let s = self.select[k].val().index();
            let v = (0..n)
                .filter(|&x| s >> x & 1 == 1)
                .fold(0u128, |v, x| v | self.data[x].val().to_u128());
            self.out[k].next = v.to_bits();
        }
    }

    fn connect(&mut self) {
        for s in &mut self.out {
            s.connect();
        }
    }

    fn hdl(&self) -> Verilog {
        let n = self.data.len();
        let mut v = String::from("always @(*) begin\n");
        for k in 0..n {
            let terms: Vec<String> = (0..n)
                .map(|x| format!("({{66{{select${k}[{x}]}}}} & data${x})"))
                .collect();
            v.push_str(&format!("    out${k} = {};\n", terms.join(" | ")));
        }
        v.push_str("end\n");
        if n < 16 {
            let spare: Vec<String> = (0..n).map(|k| format!("select${k}[15:{n}]")).collect();
            v.push_str(&format!(
                "wire unused_select = |{{{}}};\n",
                spare.join(", ")
            ));
        }
        Verilog::Custom(v)
    }
}

/// A lane's deskew buffer: a simple dual-port RAM of 66-bit blocks,
/// `2^abits` deep, written and read on the clock (registered read), so
/// FPGA tools map it to block RAM (two DP16KD a lane on ECP5 at the
/// default depth). The ports are 12 bits wide; the low `abits` are used.
#[derive(LogicBlock)]
pub struct BlockRam {
    pub clock: Signal<In, Clock>,
    pub write: Signal<In, Bit>,
    pub write_address: Signal<In, Bits<12>>,
    pub write_data: Signal<In, Bits<66>>,
    pub read_address: Signal<In, Bits<12>>,
    pub read_data: Signal<Out, Bits<66>>,
    abits: Opaque<usize>,
    mem: Opaque<Vec<u128>>,
}

impl BlockRam {
    pub fn new(abits: usize) -> Self {
        assert!((1..=12).contains(&abits), "1 to 12 address bits");
        Self {
            clock: Default::default(),
            write: Default::default(),
            write_address: Default::default(),
            write_data: Default::default(),
            read_address: Default::default(),
            read_data: Default::default(),
            abits: Opaque(abits),
            mem: Opaque(vec![0; 1 << abits]),
        }
    }
}

impl Logic for BlockRam {
    fn update(&mut self) {
        if self.clock.pos_edge() {
            let mask = (1usize << self.abits.0) - 1;
            let r = self.read_address.val().index() & mask;
            self.read_data.next = self.mem.0[r].to_bits();
            if self.write.val() {
                let w = self.write_address.val().index() & mask;
                self.mem.0[w] = self.write_data.val().to_u128();
            }
        }
    }

    fn connect(&mut self) {
        self.read_data.connect();
    }

    fn hdl(&self) -> Verilog {
        let a = self.abits.0;
        let mut v = format!(
            "reg [65:0] mem [0:{}];\n\
             always @(posedge clock) begin\n    \
                 read_data <= mem[read_address[{h}:0]];\n    \
                 if (write) mem[write_address[{h}:0]] <= write_data;\n\
             end\n",
            (1usize << a) - 1,
            h = a - 1
        );
        if a < 12 {
            v.push_str(&format!(
                "wire unused_address = |{{read_address[11:{a}], write_address[11:{a}]}};\n"
            ));
        }
        Verilog::Custom(v)
    }
}

/// The outputs `LaneAlignment` gives a `DeskewBuffer` (the row, the good
/// markers, the decision, the reorder's selections) and the last BIP
/// mismatches, ended where nothing takes them: the engine's monitoring
/// links. Its Verilog reduces them into one wire whose name Verilator's
/// lint treats as deliberately unused (`-unused-regexp`, `*unused*` by
/// default), so `-Wall` stays clean without a project-wide waiver;
/// synthesis removes the logic that only fed them.
#[derive(LogicBlock)]
pub struct MonitorOnly {
    pub row_in: Signal<In, Bit>,
    pub row: Signal<In, Bit>,
    pub acquire: Signal<In, Bit>,
    pub aligned_next: Signal<In, Bit>,
    pub good: Vec<Signal<In, Bit>>,
    pub select: Vec<Signal<In, Bits<16>>>,
    pub last_bip_mismatch: Vec<Signal<In, Bits<8>>>,
}

impl MonitorOnly {
    pub fn new(lanes: usize) -> Self {
        Self {
            row_in: Default::default(),
            row: Default::default(),
            acquire: Default::default(),
            aligned_next: Default::default(),
            good: per_lane(lanes),
            select: per_lane(lanes),
            last_bip_mismatch: per_lane(lanes),
        }
    }
}

impl Logic for MonitorOnly {
    fn update(&mut self) {}

    fn hdl(&self) -> Verilog {
        let mut v: Vec<String> = ["row_in", "row", "acquire", "aligned_next"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        for x in 0..self.good.len() {
            v.push(format!("good${x}"));
            v.push(format!("select${x}"));
            v.push(format!("last_bip_mismatch${x}"));
        }
        Verilog::Custom(format!("wire ends_unused = ^{{{}}};\n", v.join(", ")))
    }
}

/// The receive link's outputs the engine does not take: the marker-row
/// flag (for a decoder after the reorder, `LinkDecode`) and the last BIP
/// mismatches. Ended like [`MonitorOnly`]'s.
#[derive(LogicBlock)]
pub struct ReceiveEnds {
    pub out_marker: Signal<In, Bit>,
    pub last_bip_mismatch: Vec<Signal<In, Bits<8>>>,
}

impl ReceiveEnds {
    pub fn new(lanes: usize) -> Self {
        Self {
            out_marker: Default::default(),
            last_bip_mismatch: per_lane(lanes),
        }
    }
}

impl Logic for ReceiveEnds {
    fn update(&mut self) {}

    fn hdl(&self) -> Verilog {
        let mut v = vec!["out_marker".to_string()];
        v.extend((0..self.last_bip_mismatch.len()).map(|x| format!("last_bip_mismatch${x}")));
        Verilog::Custom(format!("wire ends_unused = ^{{{}}};\n", v.join(", ")))
    }
}
