//! `AmLane`: one lane's alignment-marker lock (IEEE 802.3 Figure 82-11)
//! and BIP-8 check (82.2.8, Table 82-3), in the contract of rule 2 of
//! `xpo_host::model::pcs::deskew` (its model there is `AmLane`, written
//! first), behind one input stage: a sample is registered at its edge
//! and acted on at the next, so the outputs after edge t + 1 include the
//! sample of edge t. The marker decode (up to 20 compares of 48 bits)
//! and the BIP-8 fold (eight parity trees over the block) are computed on
//! the way into the input stage, so neither is in front of the state
//! machine.
//!
//! Figure 82-11's states hold in `state` (FIND_1ST, COUNT_1, COMP_2ND,
//! COUNT_2, COMP_AM); 2_GOOD, GOOD_AM, INVALID_AM and SLIP are the
//! decision on a tested block, taken in the cycle that acts on it.

use crate::opaque::{Memo, Opaque};
use crate::saturating::SaturatingAdd;
use rust_hdl::prelude::*;
use xpo_spec::retimer::{bip_bits, ALIGNMENT_MARKERS, SYNC_CONTROL};

/// Whether a block is one of the first `lanes` markers of Table 82-2
/// (control header, M0..M2 and their complements in M4..M6; the BIP bytes
/// are not part of the test), and whose. A leaf with its own Verilog: one
/// pair of 24-bit compares a lane.
#[derive(LogicBlock)]
pub struct MarkerDecode {
    pub block: Signal<In, Bits<66>>,
    pub found: Signal<Out, Bit>,
    pub lane: Signal<Out, Bits<5>>,
    lanes: Opaque<usize>,
    memo: Memo<Bits<66>>,
}

impl MarkerDecode {
    pub fn new(lanes: usize) -> Self {
        assert!(
            (1..=ALIGNMENT_MARKERS.len()).contains(&lanes),
            "a marker for every lane"
        );
        Self {
            block: Default::default(),
            found: Default::default(),
            lane: Default::default(),
            lanes: Opaque(lanes),
            memo: Default::default(),
        }
    }

    /// M0 M1 M2 of lane `k` as block bits 25:2 (payload bytes 0..2, LSB
    /// first), and M4 M5 M6 as block bits 57:34.
    fn words(k: usize) -> (u64, u64) {
        let [m0, m1, m2] = ALIGNMENT_MARKERS[k].map(u64::from);
        let m = m0 | m1 << 8 | m2 << 16;
        (m, !m & 0xFF_FFFF)
    }
}

impl Logic for MarkerDecode {
    fn update(&mut self) {
        if !self.memo.changed(self.block.val()) {
            return;
        }
        let b = self.block.val().to_u128();
        let (low, high) = ((b >> 2) as u64 & 0xFF_FFFF, (b >> 34) as u64 & 0xFF_FFFF);
        let hit = ((b & 3) as u8 == SYNC_CONTROL)
            .then(|| (0..self.lanes.0).find(|&k| Self::words(k) == (low, high)))
            .flatten();
        self.found.next = hit.is_some();
        self.lane.next = (hit.unwrap_or(0) as u64).into();
    }

    fn connect(&mut self) {
        self.found.connect();
        self.lane.connect();
    }

    fn hdl(&self) -> Verilog {
        // The BIP bytes are not part of the test (Verilator's lint passes
        // over signals named `*unused*`).
        let mut v = format!(
            "wire unused_bip_bytes = ^{{block[65:58], block[33:26]}};\nalways @(*) begin\n    found = 1'b0;\n    lane = 5'd0;\n    if (block[1:0] == 2'd{SYNC_CONTROL}) begin\n"
        );
        for k in 0..self.lanes.0 {
            let (m, c) = Self::words(k);
            v.push_str(&format!(
                "        if (block[25:2] == 24'h{m:06X} && block[57:34] == 24'h{c:06X}) begin\n            found = 1'b1;\n            lane = 5'd{k};\n        end\n"
            ));
        }
        v.push_str("    end\nend\n");
        Verilog::Custom(v)
    }
}

/// Table 82-3 as masks over a block (bit i of the BIP-8 is the parity of
/// the bits of mask i): `bip_bits` written out at compile time; a unit
/// test holds the two equal.
const BIP_MASKS: [u128; 8] = {
    let mut m = [0u128; 8];
    let mut i = 0;
    while i < 8 {
        let mut k = 0;
        while k < 8 {
            m[i] |= 1 << (2 + i + 8 * k);
            k += 1;
        }
        i += 1;
    }
    // Sync header bits 0 and 1 join BIP3 and BIP4.
    m[3] |= 1;
    m[4] |= 2;
    m
};

/// The BIP-8 of one block alone (Table 82-3: bit i the even parity of the
/// block bits `bip_bits(i)`). A leaf with its own Verilog: eight
/// reduction XORs.
#[derive(LogicBlock, Default)]
pub struct BipFold {
    pub block: Signal<In, Bits<66>>,
    pub bip: Signal<Out, Bits<8>>,
    memo: Memo<Bits<66>>,
}

impl Logic for BipFold {
    fn update(&mut self) {
        // The simulation evaluates this several times a cycle on every
        // lane of both links: parities of precomputed masks, no
        // allocation (`bip_bits` builds a Vec).
        if !self.memo.changed(self.block.val()) {
            return;
        }
        let b = self.block.val().to_u128();
        let v = BIP_MASKS.iter().enumerate().fold(0u64, |v, (i, &m)| {
            v | u64::from((b & m).count_ones() & 1) << i
        });
        self.bip.next = v.into();
    }

    fn connect(&mut self) {
        self.bip.connect();
    }

    fn hdl(&self) -> Verilog {
        let mut v = String::from("always @(*) begin\n");
        for i in 0..8 {
            let terms: Vec<String> = bip_bits(i).iter().map(|k| format!("block[{k}]")).collect();
            v.push_str(&format!("    bip[{i}] = ^{{{}}};\n", terms.join(", ")));
        }
        v.push_str("end\n");
        Verilog::Custom(v)
    }
}

/// Figure 82-11's states that hold between blocks.
const FIND_1ST: u64 = 0;
const COUNT_1: u64 = 1;
const COMP_2ND: u64 = 2;
const COUNT_2: u64 = 3;
const COMP_AM: u64 = 4;

/// One lane's marker lock and BIP check.
#[derive(LogicBlock)]
pub struct AmLane {
    pub clock: Signal<In, Clock>,
    pub reset: Signal<In, Bit>,
    pub valid: Signal<In, Bit>,
    pub block: Signal<In, Bits<66>>,
    /// The lane's block lock (without it, LOCK_INIT).
    pub block_lock: Signal<In, Bit>,
    pub am_lock: Signal<Out, Bit>,
    /// The PCS lane number learned from the marker (meaningful with
    /// `am_lock`).
    pub lane_number: Signal<Out, Bits<5>>,
    /// The sample acted on at the last edge was the lane's good marker
    /// (2_GOOD or GOOD_AM).
    pub good_marker: Signal<Out, Bit>,
    /// BIP-8s in error, saturating.
    pub bip_errors: Signal<Out, Bits<32>>,
    /// The BIP bits in error at the last BIP error.
    pub last_bip_mismatch: Signal<Out, Bits<8>>,
    decode: MarkerDecode,
    fold: BipFold,
    // The input stage.
    s_valid: DFF<Bit>,
    s_lock: DFF<Bit>,
    s_found: DFF<Bit>,
    s_lane: DFF<Bits<5>>,
    s_bip: DFF<Bits<8>>,
    s_bip3: DFF<Bits<8>>,
    // Figure 82-11.
    state: DFF<Bits<3>>,
    left: DFF<Bits<16>>,
    lock: DFF<Bit>,
    first: DFF<Bits<5>>,
    invalid: DFF<Bits<3>>,
    // The BIP check.
    bip_on: DFF<Bit>,
    bip_acc: DFF<Bits<8>>,
    errors: DFF<Bits<32>>,
    last: DFF<Bits<8>>,
    good_q: DFF<Bit>,
    add: SaturatingAdd<32, 1>,
    // Combinational.
    mine: Signal<Local, Bit>,
    good: Signal<Local, Bit>,
    locked_now: Signal<Local, Bit>,
    at_marker: Signal<Local, Bit>,
    mismatch: Signal<Local, Bits<8>>,
    st_find: Constant<Bits<3>>,
    st_count1: Constant<Bits<3>>,
    st_comp2: Constant<Bits<3>>,
    st_count2: Constant<Bits<3>>,
    st_comp_am: Constant<Bits<3>>,
    /// COUNT_x's entry state: COMP_x straight away when the period is 0.
    after_first: Constant<Bits<3>>,
    after_good: Constant<Bits<3>>,
    period: Constant<Bits<16>>,
    one16: Constant<Bits<16>>,
    zero5: Constant<Bits<5>>,
    zero3: Constant<Bits<3>>,
    one3: Constant<Bits<3>>,
    last_invalid: Constant<Bits<3>>,
    zero8: Constant<Bits<8>>,
    one1: Constant<Bits<1>>,
    zero32: Constant<Bits<32>>,
}

impl AmLane {
    /// A lane recognising the markers of `lanes` lanes, `period` data
    /// blocks apart (below 65536).
    pub fn new(lanes: usize, period: u32) -> Self {
        assert!(period < 1 << 16, "a 16-bit period counter");
        let (after_first, after_good) = if period == 0 {
            (COMP_2ND, COMP_AM)
        } else {
            (COUNT_1, COUNT_2)
        };
        let c3 = |v: u64| Constant::new(v.into());
        Self {
            clock: Default::default(),
            reset: Default::default(),
            valid: Default::default(),
            block: Default::default(),
            block_lock: Default::default(),
            am_lock: Default::default(),
            lane_number: Default::default(),
            good_marker: Default::default(),
            bip_errors: Default::default(),
            last_bip_mismatch: Default::default(),
            decode: MarkerDecode::new(lanes),
            fold: Default::default(),
            s_valid: Default::default(),
            s_lock: Default::default(),
            s_found: Default::default(),
            s_lane: Default::default(),
            s_bip: Default::default(),
            s_bip3: Default::default(),
            state: Default::default(),
            left: Default::default(),
            lock: Default::default(),
            first: Default::default(),
            invalid: Default::default(),
            bip_on: Default::default(),
            bip_acc: Default::default(),
            errors: Default::default(),
            last: Default::default(),
            good_q: Default::default(),
            add: Default::default(),
            mine: Default::default(),
            good: Default::default(),
            locked_now: Default::default(),
            at_marker: Default::default(),
            mismatch: Default::default(),
            st_find: c3(FIND_1ST),
            st_count1: c3(COUNT_1),
            st_comp2: c3(COMP_2ND),
            st_count2: c3(COUNT_2),
            st_comp_am: c3(COMP_AM),
            after_first: c3(after_first),
            after_good: c3(after_good),
            period: Constant::new(u64::from(period).into()),
            one16: Constant::new(1u64.into()),
            zero5: Constant::new(0u64.into()),
            zero3: Constant::new(0u64.into()),
            one3: Constant::new(1u64.into()),
            last_invalid: Constant::new(3u64.into()),
            zero8: Constant::new(0u64.into()),
            one1: Constant::new(1u64.into()),
            zero32: Constant::new(0u64.into()),
        }
    }
}

impl Logic for AmLane {
    #[hdl_gen]
    fn update(&mut self) {
        dff_setup!(
            self, clock, s_valid, s_lock, s_found, s_lane, s_bip, s_bip3, state, left, lock, first,
            invalid, bip_on, bip_acc, errors, last, good_q
        );
        // The input stage, with the decode and the fold on the way in.
        self.decode.block.next = self.block.val();
        self.fold.block.next = self.block.val();
        self.s_valid.d.next = self.valid.val();
        self.s_lock.d.next = self.block_lock.val();
        self.s_found.d.next = self.decode.found.val();
        self.s_lane.d.next = self.decode.lane.val();
        self.s_bip.d.next = self.fold.bip.val();
        self.s_bip3.d.next = self.block.val().get_bits::<8>(26);

        self.add.a.next = self.errors.q.val();
        self.add.b.next = self.one1.val();
        self.mine.next = self.s_found.q.val() & (self.s_lane.q.val() == self.first.q.val());
        self.good.next = false;
        self.locked_now.next = false;
        self.at_marker.next = false;
        self.mismatch.next = self.bip_acc.q.val() ^ self.s_bip3.q.val();
        self.good_q.d.next = false;
        if !self.s_lock.q.val() {
            // Block lock lost: LOCK_INIT.
            self.state.d.next = self.st_find.val();
            self.lock.d.next = false;
            self.first.d.next = self.zero5.val();
            self.invalid.d.next = self.zero3.val();
            self.bip_on.d.next = false;
        } else if self.s_valid.q.val() {
            // Figure 82-11 on the staged block.
            if self.state.q.val() == self.st_find.val() {
                if self.s_found.q.val() {
                    self.first.d.next = self.s_lane.q.val();
                    self.left.d.next = self.period.val();
                    self.state.d.next = self.after_first.val();
                }
            } else if (self.state.q.val() == self.st_count1.val())
                | (self.state.q.val() == self.st_count2.val())
            {
                if self.left.q.val() == self.one16.val() {
                    if self.state.q.val() == self.st_count1.val() {
                        self.state.d.next = self.st_comp2.val();
                    } else {
                        self.state.d.next = self.st_comp_am.val();
                    }
                } else {
                    self.left.d.next = self.left.q.val() - self.one16.val();
                }
            } else if self.state.q.val() == self.st_comp2.val() {
                if self.mine.val() {
                    // 2_GOOD
                    self.good.next = true;
                    self.locked_now.next = true;
                    self.at_marker.next = true;
                    self.lock.d.next = true;
                    self.invalid.d.next = self.zero3.val();
                    self.left.d.next = self.period.val();
                    self.state.d.next = self.after_good.val();
                } else {
                    // SLIP
                    self.state.d.next = self.st_find.val();
                }
            } else {
                // COMP_AM
                self.at_marker.next = true;
                self.left.d.next = self.period.val();
                self.state.d.next = self.after_good.val();
                if self.mine.val() {
                    // GOOD_AM
                    self.good.next = true;
                    self.invalid.d.next = self.zero3.val();
                } else if self.invalid.q.val() == self.last_invalid.val() {
                    // INVALID_AM, the fourth in a row: lock lost.
                    self.lock.d.next = false;
                    self.invalid.d.next = self.zero3.val();
                    self.state.d.next = self.st_find.val();
                } else {
                    // INVALID_AM
                    self.invalid.d.next = self.invalid.q.val() + self.one3.val();
                }
            }
            // The BIP check (rule 2): from the locking marker on.
            if self.lock.q.val() | self.locked_now.val() {
                if self.at_marker.val() {
                    if self.bip_on.q.val()
                        & self.good.val()
                        & (self.mismatch.val() != self.zero8.val())
                    {
                        self.errors.d.next = self.add.sum.val();
                        self.last.d.next = self.mismatch.val();
                    }
                    self.bip_acc.d.next = self.s_bip.q.val();
                    self.bip_on.d.next = true;
                } else if self.bip_on.q.val() {
                    self.bip_acc.d.next = self.bip_acc.q.val() ^ self.s_bip.q.val();
                }
            }
            if !self.lock.d.val() {
                self.bip_on.d.next = false;
            }
            self.good_q.d.next = self.good.val();
        }

        self.am_lock.next = self.lock.q.val();
        self.lane_number.next = self.first.q.val();
        self.good_marker.next = self.good_q.q.val();
        self.bip_errors.next = self.errors.q.val();
        self.last_bip_mismatch.next = self.last.q.val();

        if self.reset.val() {
            self.s_valid.d.next = false;
            self.s_lock.d.next = false;
            self.s_found.d.next = false;
            self.s_lane.d.next = self.zero5.val();
            self.s_bip.d.next = self.zero8.val();
            self.s_bip3.d.next = self.zero8.val();
            self.state.d.next = self.st_find.val();
            self.left.d.next = self.period.val();
            self.lock.d.next = false;
            self.first.d.next = self.zero5.val();
            self.invalid.d.next = self.zero3.val();
            self.bip_on.d.next = false;
            self.bip_acc.d.next = self.zero8.val();
            self.errors.d.next = self.zero32.val();
            self.last.d.next = self.zero8.val();
            self.good_q.d.next = false;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bip_masks_are_table_82_3() {
        for (i, &m) in BIP_MASKS.iter().enumerate() {
            let want = bip_bits(i).iter().fold(0u128, |m, &k| m | 1 << k);
            assert_eq!(m, want, "BIP{i}");
        }
    }

    /// Table 82-2's lane 0 and lane 19 markers, typed from the standard,
    /// decode to their lanes; a BIP byte does not matter; a data header or
    /// one flipped marker bit is not a marker.
    #[test]
    fn decodes_the_markers_of_table_82_2() {
        let marker = |m: [u8; 3], bip: u8| -> u128 {
            let bytes = [m[0], m[1], m[2], bip, !m[0], !m[1], !m[2], !bip];
            bytes
                .iter()
                .enumerate()
                .fold(u128::from(SYNC_CONTROL), |b, (k, &v)| {
                    b | u128::from(v) << (2 + 8 * k)
                })
        };
        let mut d = MarkerDecode::new(20);
        d.connect_all();
        let mut check = |b: u128| {
            d.block.next = b.to_bits();
            assert!(simulate(&mut d, 10));
            d.found.val().then(|| d.lane.val().index())
        };
        assert_eq!(check(marker([0xC1, 0x68, 0x21], 0x5A)), Some(0));
        assert_eq!(check(marker([0xC0, 0xF0, 0xE5], 0x00)), Some(19));
        assert_eq!(check(marker([0xC1, 0x68, 0x21], 0x5A) ^ 1 << 40), None);
        assert_eq!(check(marker([0xC1, 0x68, 0x21], 0x5A) ^ 3), None);
        let mut eight = MarkerDecode::new(8);
        eight.connect_all();
        eight.block.next = marker([0xC0, 0xF0, 0xE5], 0).to_bits();
        assert!(simulate(&mut eight, 10));
        assert!(
            !eight.found.val(),
            "lane 19's marker is not one of 8 lanes'"
        );
    }
}
