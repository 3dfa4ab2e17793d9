//! Alignment markers and BIP-8, as IEEE 802.3 clause 82 defines them
//! (82.2.7 alignment marker insertion, Table 82-2 marker encodings,
//! 82.2.8 BIP calculations, Table 82-3 BIP bit assignments). Written from
//! the standard's tables, in their terms, before any RTL (issue 13).
//!
//! A block is a `u128` holding 66 bits, bit 0 first on the wire: the sync
//! header in bits 0..1, the payload in bits 2..65, payload byte k in bits
//! `2 + 8k ..= 9 + 8k` (LSB first), as the rest of the model has it.
//!
//! # The project's lane profile
//!
//! Clause 82 defines 66-bit markers for 4 lanes (40GBASE-R) and 20 PCS
//! lanes (100GBASE-R); nothing defines 8 or 16 lanes of 66-bit blocks (the
//! 200G..800G clauses use 257-bit transcoding and 120-bit markers). An
//! engine of N lanes uses the first N of the 20 100GBASE-R markers: lane
//! `l` carries Table 82-2's PCS lane `l` marker. This is the project's
//! profile, not a clause of the standard.

/// Table 82-2: M0, M1, M2 of 100GBASE-R PCS lanes 0..19 (one table in
/// `xpo_spec`, shared with the RTL's marker decoder; the known-answer
/// tests below type lanes 0 and 19 from the standard again).
pub const MARKERS_100G: [[u8; 3]; 20] = xpo_spec::retimer::ALIGNMENT_MARKERS;

/// The most lanes the profile has markers for.
pub const MAX_LANES: usize = MARKERS_100G.len();

/// The control sync header `10` (bit 0 first on the wire: bit 0 = 1,
/// bit 1 = 0), which every alignment marker carries (82.2.7).
pub const CONTROL_HEADER: u8 = xpo_spec::retimer::SYNC_CONTROL;

/// The eight payload bytes of PCS lane `lane`'s marker, in transmit order:
/// M0 M1 M2 BIP3 M4 M5 M6 BIP7, with M4..M6 the complements of M0..M2
/// and BIP7 the complement of BIP3 (82.2.7, Figure 82-9).
pub fn marker_bytes(lane: usize, bip3: u8) -> [u8; 8] {
    let [m0, m1, m2] = MARKERS_100G[lane];
    [m0, m1, m2, bip3, !m0, !m1, !m2, !bip3]
}

/// The 66-bit marker block of PCS lane `lane` with BIP3 = `bip3`.
pub fn marker_block(lane: usize, bip3: u8) -> u128 {
    marker_bytes(lane, bip3)
        .iter()
        .enumerate()
        .fold(CONTROL_HEADER as u128, |b, (k, &byte)| {
            b | (byte as u128) << (2 + 8 * k)
        })
}

/// Payload byte `k` (0..8) of a block.
pub fn payload_byte(block: u128, k: usize) -> u8 {
    (block >> (2 + 8 * k)) as u8
}

/// What a received block is, as a marker: the PCS lane whose M0..M2 and
/// M4..M6 it carries (with the control header), and its BIP3 and BIP7.
/// `None` if it is no lane's marker. The BIP bytes are not judged here:
/// a marker with a bad BIP is still a marker (82.2.18.2.2 counts BIP
/// errors; AM lock looks at M0..M2 and M4..M6 only).
pub fn decode_marker(block: u128, lanes: usize) -> Option<(usize, u8, u8)> {
    if (block & 3) as u8 != CONTROL_HEADER {
        return None;
    }
    let p: [u8; 8] = std::array::from_fn(|k| payload_byte(block, k));
    MARKERS_100G[..lanes.min(MAX_LANES)]
        .iter()
        .position(|m| m[..] == p[0..3] && m.iter().zip(&p[4..7]).all(|(&a, &b)| a == !b))
        .map(|lane| (lane, p[3], p[7]))
}

/// Table 82-3: which block bits (0 = first on the wire) BIP bit `i` is
/// the even parity of (one table in `xpo_spec`, shared with the RTL; the
/// known-answer tests below check it covers every block bit once, with
/// the sync header under bits 3 and 4, as the table prints it).
pub use xpo_spec::retimer::bip_bits;

/// The running BIP-8 of one PCS lane (82.2.8): over every block from the
/// previous marker (included) to the current one (excluded).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Bip8 {
    value: u8,
}

impl Bip8 {
    pub fn new() -> Self {
        Self::default()
    }

    /// The BIP over the blocks given since the last [`Self::restart`].
    pub fn value(&self) -> u8 {
        self.value
    }

    /// Folds one block in (Table 82-3).
    pub fn block(&mut self, block: u128) {
        // Every block of every lane goes through here (the receiver's
        // check and the channel model's transmitter): Table 82-3's bit
        // lists as masks, built once, rather than a list a bit a block.
        static MASKS: std::sync::OnceLock<[u128; 8]> = std::sync::OnceLock::new();
        let masks = MASKS.get_or_init(|| {
            std::array::from_fn(|i| bip_bits(i).iter().fold(0u128, |m, &b| m | 1 << b))
        });
        for (i, m) in masks.iter().enumerate() {
            let parity = ((block & m).count_ones() & 1) as u8;
            self.value ^= parity << i;
        }
    }

    /// Starts a new marker period with the marker block itself (the
    /// marker is the first block of the period it begins).
    pub fn restart(&mut self, marker: u128) {
        self.value = 0;
        self.block(marker);
    }
}

/// A transmit PCS lane's marker insertion (82.2.7): after every `period`
/// blocks it sends a marker whose BIP3 is the BIP-8 of the blocks since
/// the previous marker (that marker included, 82.2.8); the first marker is
/// sent before any data, its BIP over nothing (0).
#[derive(Debug, Clone)]
pub struct MarkerInserter {
    lane: usize,
    period: u32,
    /// Data blocks sent since the last marker; `None` before the first.
    since: Option<u32>,
    bip: Bip8,
}

impl MarkerInserter {
    pub fn new(lane: usize, period: u32) -> Self {
        Self {
            lane,
            period,
            since: None,
            bip: Bip8::new(),
        }
    }

    /// Whether the next block on the lane is a marker.
    pub fn marker_due(&self) -> bool {
        self.since.is_none_or(|n| n >= self.period)
    }

    /// The next block on the lane: a marker when one is due, else `data`
    /// (which then waits for the caller's next call: a marker displaces no
    /// data, the line runs faster by one block a period, as clause 82's
    /// transmitter deletes idles to make room).
    pub fn next(&mut self, data: u128) -> (u128, bool) {
        if self.marker_due() {
            let m = marker_block(self.lane, self.bip.value());
            self.bip.restart(m);
            self.since = Some(0);
            (m, true)
        } else {
            self.bip.block(data);
            self.since = self.since.map(|n| n + 1);
            (data, false)
        }
    }
}

/// A receive PCS lane's BIP check (82.2.8, 82.2.18.2): the BIP-8 of the
/// blocks since the last marker against the next marker's BIP3. The
/// first marker only starts the sum.
#[derive(Debug, Clone, Default)]
pub struct BipCheck {
    bip: Option<Bip8>,
}

impl BipCheck {
    pub fn new() -> Self {
        Self::default()
    }

    /// One received block; `is_marker` as alignment-marker lock placed it.
    /// At a marker after the first: the BIP bits in error (calculated XOR
    /// received BIP3).
    pub fn block(&mut self, block: u128, is_marker: bool) -> Option<u8> {
        if is_marker {
            let mismatch = self.bip.map(|b| b.value() ^ payload_byte(block, 3));
            let mut b = Bip8::new();
            b.restart(block);
            self.bip = Some(b);
            mismatch
        } else {
            if let Some(b) = &mut self.bip {
                b.block(block);
            }
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` data blocks through `inserter`: the line, `(block, marker)`.
    fn stream(inserter: &mut MarkerInserter, n: u64) -> Vec<(u128, bool)> {
        let mut line = Vec::new();
        for k in 0..n {
            let data = 0b10 | u128::from(k.wrapping_mul(0x9E37_79B9_7F4A_7C15)) << 2;
            loop {
                let (b, marker) = inserter.next(data);
                line.push((b, marker));
                if !marker {
                    break;
                }
            }
        }
        line
    }

    /// Markers every `period` data blocks, each carrying the BIP of the
    /// period before it: a clean line has no BIP errors; one flipped bit
    /// is one BIP bit in error at the next marker (the bit Table 82-3
    /// puts it under); two flips under one BIP bit cancel (parity).
    #[test]
    fn inserted_markers_carry_the_bip_the_receiver_checks() {
        let period = 10;
        let mut tx = MarkerInserter::new(2, period);
        let line = stream(&mut tx, 45);
        let markers: Vec<usize> = (0..line.len()).filter(|&i| line[i].1).collect();
        assert_eq!(markers, [0, 11, 22, 33, 44]);
        let check = |line: &[(u128, bool)]| -> Vec<u8> {
            let mut rx = BipCheck::new();
            line.iter().filter_map(|&(b, m)| rx.block(b, m)).collect()
        };
        assert_eq!(check(&line), [0, 0, 0, 0]);
        // Block 5 (in the first period), payload bit 2 + 8 + 1 = bit 11:
        // BIP bit 1.
        let mut bad = line.clone();
        bad[5].0 ^= 1 << 11;
        assert_eq!(check(&bad), [0b10, 0, 0, 0]);
        // Header bit 0 of block 14 (second period): BIP bit 3.
        let mut bad = line.clone();
        bad[14].0 ^= 1;
        assert_eq!(check(&bad), [0, 0b1000, 0, 0]);
        // Bits 2 and 10 of block 25 are both under BIP bit 0: cancelled.
        let mut bad = line.clone();
        bad[25].0 ^= 1 << 2 | 1 << 10;
        assert_eq!(check(&bad), [0, 0, 0, 0]);
    }

    /// Table 82-2, lane 0 and lane 19, typed from the table; and the
    /// 40GBASE-R lane 0 marker as CESNET's am_gen_4 lists its bytes
    /// (90 76 47 BIP3 6F 89 B8 BIP7): the complement rule of 82.2.7.
    #[test]
    fn markers_follow_table_82_2_and_the_complement_rule() {
        assert_eq!(
            marker_bytes(0, 0x5A),
            [0xC1, 0x68, 0x21, 0x5A, 0x3E, 0x97, 0xDE, 0xA5]
        );
        assert_eq!(
            marker_bytes(19, 0x00),
            [0xC0, 0xF0, 0xE5, 0x00, 0x3F, 0x0F, 0x1A, 0xFF]
        );
        let forty = [0x90u8, 0x76, 0x47];
        let m: Vec<u8> = forty.iter().map(|b| !b).collect();
        assert_eq!(m, [0x6F, 0x89, 0xB8]);
    }

    /// Every marker differs from every other (a lane's identity is its
    /// marker), and a marker block decodes to its lane and BIP bytes.
    #[test]
    fn each_marker_decodes_to_its_own_lane() {
        for (lane, m) in MARKERS_100G.iter().enumerate() {
            let b = marker_block(lane, 0x3C);
            assert_eq!(b >> 66, 0, "66 bits");
            assert_eq!(b & 3, 1, "control header 10: bit 0 = 1 on the wire");
            assert_eq!(payload_byte(b, 0), m[0]);
            assert_eq!(decode_marker(b, MAX_LANES), Some((lane, 0x3C, 0xC3)));
            // Beyond the engine's lanes it is no marker of its.
            assert_eq!(decode_marker(b, lane), None);
        }
        // A data header, or one flipped marker bit, is no marker.
        let b = marker_block(3, 0);
        assert_eq!(decode_marker(b ^ 3, 20), None);
        assert_eq!(decode_marker(b ^ 1 << 40, 20), None);
    }

    /// Table 82-3 as CESNET's am_check_4 reproduces it: bit 0 covers 2,
    /// 10, …, 58; bit 3 covers 0, 5, 13, …, 61; bit 4 covers 1, 6, …, 62;
    /// bit 7 covers 9, 17, …, 65. Together they cover all 66 bits once.
    #[test]
    fn bip_bit_assignments_follow_table_82_3() {
        assert_eq!(bip_bits(0), [2, 10, 18, 26, 34, 42, 50, 58]);
        assert_eq!(bip_bits(3), [0, 5, 13, 21, 29, 37, 45, 53, 61]);
        assert_eq!(bip_bits(4), [1, 6, 14, 22, 30, 38, 46, 54, 62]);
        assert_eq!(bip_bits(7), [9, 17, 25, 33, 41, 49, 57, 65]);
        let mut all: Vec<usize> = (0..8).flat_map(bip_bits).collect();
        all.sort();
        assert_eq!(all, (0..66).collect::<Vec<_>>());
    }

    /// BIP-8 of typed blocks, worked by hand from Table 82-3: a zero
    /// control block (header bits 1, 0) sets only bit 3; a zero data block
    /// (header bits 0, 1) only bit 4; a data block with every payload bit
    /// set has eight ones under each bit (even) and the header's one under
    /// bit 4; payload bit 2 (the first) alone sets bit 0. Over a sequence
    /// the BIP is the XOR.
    #[test]
    fn bip8_of_typed_blocks() {
        let bip = |blocks: &[u128]| {
            let mut b = Bip8::new();
            blocks.iter().for_each(|&x| b.block(x));
            b.value()
        };
        let control_zero = 0b01u128;
        let data_zero = 0b10u128;
        let data_ones = 0b10u128 | (u64::MAX as u128) << 2;
        let first_payload_bit = 0b10u128 | 1 << 2;
        assert_eq!(bip(&[control_zero]), 0x08);
        assert_eq!(bip(&[data_zero]), 0x10);
        assert_eq!(bip(&[data_ones]), 0x10);
        assert_eq!(bip(&[first_payload_bit]), 0x11);
        assert_eq!(bip(&[control_zero, data_zero]), 0x18);
        assert_eq!(bip(&[control_zero, data_zero, data_zero]), 0x08);
        // Payload byte 0 = 0xFF: bits 2..9, one under each BIP bit.
        assert_eq!(bip(&[0b10u128 | 0xFF << 2]), 0xFF ^ 0x10);
    }

    /// A period starts with its marker: restart folds the marker in.
    #[test]
    fn a_period_starts_with_its_marker() {
        let m = marker_block(0, 0);
        let mut b = Bip8::new();
        b.block(0b10);
        b.restart(m);
        let mut fresh = Bip8::new();
        fresh.block(m);
        assert_eq!(b, fresh);
    }
}
