//! A multi-lane link's receive path after lane reorder, as IEEE 802.3
//! clause 82 orders it (Figure 82-2, receive: lane block sync, alignment
//! lock and deskew, lane reorder, **alignment removal, descramble,
//! decode**): the transmitter scrambled the aggregate block stream
//! *before* distributing it round-robin over the PCS lanes (82.2.5,
//! 82.2.6) and inserted the markers after (82.2.7), so a PCS lane on its
//! own cannot be descrambled: its 58-bit descrambler memory would hold the
//! wrong blocks' bits, and its markers (control headers, no valid type)
//! would be judged as blocks. Here the deskewed rows, in logical lane
//! order, are read as the aggregate stream — row r's lane 0, 1, …, N − 1,
//! then row r + 1's — with the marker rows removed, descrambled
//! (1 + x^39 + x^58, self-synchronising) and checked block by block for
//! 49.2.13.2.3's R_TYPE = E at the framing level: an invalid sync header,
//! or a control block whose descrambled type field is not one of Figure
//! 49-7's. Written before the engine's aligned receive path (issue 13);
//! its contract addition is the deskew contract's rule 8.
//!
//! # Cycle contract (for the RTL)
//!
//! A row is presented with `valid` and `marker` and sampled at an edge;
//! a row sampled at edge t is in the errored-block counts after edge
//! t + [`LINK_DECODE_LATENCY`] (the decisions are registered at t, the
//! counters add them at t + 1). Idle edges change nothing; the counts
//! saturate at `u32::MAX`; reset leaves the descrambler memory all zeros,
//! as [`LinkDecode::new`] does.

use crate::serdes::Scrambler;
use xpo_spec::retimer::{valid_block_type, SYNC_CONTROL, SYNC_DATA};

/// Edges from a row's sampling to its errored blocks in the counts.
pub const LINK_DECODE_LATENCY: usize = 1;

/// The errored-block check over one link's aggregate stream.
#[derive(Debug, Clone)]
pub struct LinkDecode {
    descrambler: Scrambler,
    /// Errored blocks by logical lane, saturating.
    errored: Vec<u32>,
}

impl LinkDecode {
    /// A link of `lanes` PCS lanes (its descrambler synchronises on the
    /// first 58 payload bits, as a receiver's does).
    pub fn new(lanes: usize) -> Self {
        Self {
            descrambler: Scrambler::new(0),
            errored: vec![0; lanes],
        }
    }

    /// Errored blocks so far, by logical lane.
    pub fn errored(&self) -> &[u32] {
        &self.errored
    }

    /// One deskewed row, by logical lane; `marker` when it is a marker row
    /// (removed: not descrambled, not judged). Returns which of its blocks
    /// were errored.
    pub fn row(&mut self, blocks: &[u128], marker: bool) -> Vec<bool> {
        assert_eq!(blocks.len(), self.errored.len(), "one block a lane");
        if marker {
            return vec![false; blocks.len()];
        }
        let mut out = Vec::with_capacity(blocks.len());
        for (k, &b) in blocks.iter().enumerate() {
            let header = (b & 3) as u8;
            let payload = self.descrambler.descramble((b >> 2) as u64);
            let errored = match header {
                SYNC_DATA => false,
                SYNC_CONTROL => !valid_block_type((payload & 0xFF) as u8),
                _ => true,
            };
            if errored {
                self.errored[k] = self.errored[k].saturating_add(1);
            }
            out.push(errored);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    //! Known answers from the standard's order of operations: a
    //! transmitter that encodes, scrambles the aggregate, distributes
    //! round-robin and inserts markers (Figure 82-2), typed here from the
    //! clause, not from the code under test.
    use super::*;
    use crate::model::pcs::alignment_marker::marker_block;
    use crate::serdes::block;

    const LANES: usize = 8;

    /// Rows of the aggregate stream: an idle control block (type 1Eh)
    /// every third block, data otherwise, scrambled in aggregate order;
    /// a marker row (every lane its own Table 82-2 marker) first and
    /// every `period + 1` rows.
    fn transmit(rows: usize, period: usize) -> Vec<(Vec<u128>, bool)> {
        let mut scrambler = Scrambler::new(0x2AA_AAAA_AAAA_AAAA);
        let mut n = 0u64;
        (0..rows)
            .map(|r| {
                if r % (period + 1) == 0 {
                    let row = (0..LANES).map(|k| marker_block(k, 0)).collect();
                    return (row, true);
                }
                let row = (0..LANES)
                    .map(|_| {
                        n += 1;
                        let (header, data) = if n.is_multiple_of(3) {
                            (SYNC_CONTROL, 0x1E)
                        } else {
                            (SYNC_DATA, n.wrapping_mul(0x9E37_79B9_7F4A_7C15))
                        };
                        block(header, scrambler.scramble(data))
                    })
                    .collect();
                (row, false)
            })
            .collect()
    }

    #[test]
    fn a_clean_link_has_no_errored_blocks_and_per_lane_descrambling_would() {
        let rows = transmit(200, 20);
        let mut d = LinkDecode::new(LANES);
        for (row, marker) in &rows {
            d.row(row, *marker);
        }
        // The first 58 bits resynchronise the descrambler: the first
        // block may be judged against a wrong memory, never after.
        assert!(d.errored().iter().sum::<u32>() <= 1, "{:?}", d.errored());
        let mut d = LinkDecode::new(LANES);
        for (row, marker) in rows.iter().skip(1) {
            d.row(row, *marker);
        }
        assert_eq!(d.errored(), &[0; LANES][..]);
        // A PCS lane descrambled alone: its idles decode as garbage types
        // and its markers as blocks.
        let mut lane = LinkDecode::new(1);
        for (row, _) in rows.iter().skip(1) {
            lane.row(&row[2..3], false);
        }
        assert!(lane.errored()[0] > 20, "{:?}", lane.errored());
    }

    #[test]
    fn an_invalid_header_is_one_errored_block_on_its_lane() {
        let mut rows = transmit(60, 20);
        rows[7].0[3] &= !3; // header 00
        rows[9].0[1] |= 3; // header 11
        let mut d = LinkDecode::new(LANES);
        let mut at = Vec::new();
        for (r, (row, marker)) in rows.iter().enumerate().skip(1) {
            for (k, e) in d.row(row, *marker).into_iter().enumerate() {
                if e {
                    at.push((r, k));
                }
            }
        }
        // The payloads are untouched, so nothing else is disturbed.
        assert_eq!(at, vec![(7, 3), (9, 1)]);
        assert_eq!(d.errored()[3], 1);
        assert_eq!(d.errored()[1], 1);
    }

    #[test]
    fn marker_rows_are_removed_even_when_corrupted() {
        let mut rows = transmit(60, 20);
        rows[21].0[4] ^= 0xFF << 2; // a marker's M0 smashed
        let mut d = LinkDecode::new(LANES);
        for (row, marker) in rows.iter().skip(1) {
            d.row(row, *marker);
        }
        assert_eq!(d.errored(), &[0; LANES][..]);
    }

    #[test]
    fn a_control_block_of_no_figure_49_7_type_is_errored() {
        // Transmit an aggregate with one control block of type 00h on
        // logical lane 6 of row 3.
        let mut scrambler = Scrambler::new(0);
        let mut d = LinkDecode::new(LANES);
        let mut hits = Vec::new();
        for r in 0..10 {
            let row: Vec<u128> = (0..LANES)
                .map(|k| {
                    let t = if r == 3 && k == 6 { 0x00 } else { 0x1E };
                    block(SYNC_CONTROL, scrambler.scramble(t))
                })
                .collect();
            for (k, e) in d.row(&row, false).into_iter().enumerate() {
                if e && r > 0 {
                    hits.push((r, k));
                }
            }
        }
        assert_eq!(hits, vec![(3, 6)]);
    }
}
