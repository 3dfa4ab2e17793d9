//! `BlockTypeCheck`: whether a descrambled control block's type field is
//! one of IEEE 802.3 Figure 49-7's (`xpo_spec::retimer::VALID_BLOCK_TYPES`).
//!
//! A leaf with its own Verilog: a `case` over the fifteen values, which
//! synthesis maps to one small function of eight inputs (two LUT levels),
//! where a chain of `#[hdl_gen]` comparisons would be fifteen 8-bit
//! comparators and an OR tree.

use rust_hdl::prelude::*;
use xpo_spec::retimer::{valid_block_type, VALID_BLOCK_TYPES};

#[derive(LogicBlock, Default)]
pub struct BlockTypeCheck {
    pub block_type: Signal<In, Bits<8>>,
    /// The type arrived inverted (a flipped Tx input): undo it first.
    pub invert: Signal<In, Bit>,
    pub valid: Signal<Out, Bit>,
}

impl Logic for BlockTypeCheck {
    fn update(&mut self) {
        let t = self.block_type.val().index() as u8;
        self.valid.next = valid_block_type(if self.invert.val() { !t } else { t });
    }

    fn connect(&mut self) {
        self.valid.connect();
    }

    fn hdl(&self) -> Verilog {
        let labels: Vec<String> = VALID_BLOCK_TYPES
            .iter()
            .map(|t| format!("8'h{t:02X}"))
            .collect();
        Verilog::Custom(format!(
            "always @(*) begin\n    case (block_type ^ {{8{{invert}}}})\n        {}: valid = 1'b1;\n        default: valid = 1'b0;\n    endcase\nend\n",
            labels.join(", ")
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every one of the 256 values against the standard's list, typed here
    /// from Figure 49-7.
    #[test]
    fn accepts_exactly_figure_49_7() {
        let mut uut = BlockTypeCheck::default();
        uut.connect_all();
        let mut accepted = Vec::new();
        for t in 0..=255u64 {
            uut.block_type.next = t.into();
            uut.invert.next = false;
            assert!(simulate(&mut uut, 10));
            if uut.valid.val() {
                accepted.push(t as u8);
            }
            uut.block_type.next = (!t & 0xFF).into();
            uut.invert.next = true;
            assert!(simulate(&mut uut, 10));
            assert_eq!(uut.valid.val(), accepted.last() == Some(&(t as u8)));
        }
        // Figure 49-7's block type field values, in ascending order.
        let want = [
            0x1E, 0x2D, 0x33, 0x4B, 0x55, 0x66, 0x78, 0x87, 0x99, 0xAA, 0xB4, 0xCC, 0xD2, 0xE1,
            0xFF,
        ];
        assert_eq!(accepted, want);
    }
}
