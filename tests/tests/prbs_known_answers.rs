//! PRBS known answers: the first bits each engine's generator sends, for
//! every polynomial, against vectors typed from outside the project.
//!
//! - PRBS7 (x^7 + x^6 + 1): the first 102 bits are OEIS A011686, "a binary
//!   m-sequence: expansion of reciprocal of x^7 + x^6 + 1" (Golomb;
//!   MacWilliams & Sloane p. 408), typed from the published terms. Sent
//!   from all ones, the sequence starts exactly there.
//! - The others: the O.150 / 802.3 recurrence `s[n] = XOR s[n - e]` over
//!   the polynomial's exponents, started from all ones, first word starting
//!   at the first new bit, written out once by hand-run recurrence outside
//!   this code base. PRBS31 can be checked by eye: with all ones in the
//!   register, `s[n-31] ^ s[n-28]` gives 28 zeros, then 3 ones (the seed
//!   against the first zeros), then 25 zeros, then 6 ones, ...
//!
//! Bit 0 of a word is the first on the wire (the leftmost character here).

use xpo_host::mgmt::{AxiPacing, RegisterAccess};
use xpo_sim::mgmt_bus::EngineAxi;
use xpo_sim::{build_engine, EngineKind};
use xpo_spec::prbs::{PatternSet, PrbsPattern};
use xpo_spec::regmap::linear_address;
use xpo_spec::EngineConfig;

/// OEIS A011686, terms 0..=101.
const A011686: &str = "000000100000110000101000111100100010110011101010011111010000111000100100110110101101111011000110100101";

/// The first two 66-bit words of each pattern (NRZ IDs), bit 0 first.
const FIRST_WORDS: [(PrbsPattern, &str); 6] = [
    (
        PrbsPattern::PRBS7,
        "000000100000110000101000111100100010110011101010011111010000111000\
         100100110110101101111011000110100101110111001100101010111111100000",
    ),
    (
        PrbsPattern::PRBS9,
        "000001111011111000101110011001000001001010011101101000111100111110\
         011011000101010010001110001101101010111000100110001000100000000100",
    ),
    (
        PrbsPattern::PRBS13,
        "011011011011110011110011010101100011111111000011011011101110011110\
         100001110111110111010000001011111011010011011110010101000001111111",
    ),
    (
        PrbsPattern::PRBS15,
        "000000000000001000000000000011000000000000101000000000001111000000\
         000010001000000000110011000000001010101000000011111111000000100000",
    ),
    (
        PrbsPattern::PRBS23,
        "000000000000000000111110000000000000111111111100000000111110000011\
         111000111111111111111111001110000000000000110000011100000000110001",
    ),
    (
        PrbsPattern::PRBS31,
        "000000000000000000000000000011100000000000000000000000001111110000\
         000000000000000000111000111000000000000000000011111111111100000000",
    ),
];

/// The first `words` words lane 0 sends after a host enables its
/// media-side generator with `pattern` (inverted if asked) over AXI, page
/// 13h, pattern and invert first, as a string of bits.
fn first_bits(kind: EngineKind, pattern: PrbsPattern, invert: bool, words: usize) -> String {
    let cfg = config_for(pattern);
    let map = cfg.register_map();
    let mut e = EngineAxi::new(build_engine(kind, &cfg).unwrap(), 1, AxiPacing::EAGER);
    let at = |name: &str| {
        let l = map.field(name).unwrap().instance(0);
        (linear_address(0, 0x13, l.byte), l.lsb)
    };
    for (name, value) in [
        ("MediaGenPatternSelect", pattern.0),
        ("MediaGenInvert", invert as u8),
        ("MediaGenEnable", 1),
    ] {
        let (addr, lsb) = at(name);
        e.write(addr, &[value << lsb]).unwrap();
    }
    e.lanes_mut()[0].tx_ready = true;
    let mut bits = String::new();
    for _ in 0..64 {
        let o = e.step();
        if o.lanes[0].tx_valid {
            let w = o.lanes[0].tx_data;
            bits.extend((0..66).map(|b| if w >> b & 1 == 1 { '1' } else { '0' }));
            if bits.len() == 66 * words {
                return bits;
            }
        }
    }
    panic!("{kind:?}: fewer than {words} words in 64 cycles");
}

/// The default configuration where it advertises `pattern` on the media
/// side, else one advertising every implemented pattern.
fn config_for(pattern: PrbsPattern) -> EngineConfig {
    let cfg = EngineConfig::default();
    if cfg.prbs.media_patterns.contains(pattern) {
        return cfg;
    }
    EngineConfig {
        prbs: xpo_spec::PrbsConfig {
            media_patterns: PatternSet::IMPLEMENTED,
            ..cfg.prbs
        },
        ..cfg
    }
}

/// Whether `kind` can run `pattern`'s configuration: the Verilator model
/// is built for the default one (PRBS31Q, PRBS31, PRBS13Q, PRBS13).
fn runs(kind: EngineKind, pattern: PrbsPattern) -> bool {
    kind != EngineKind::Verilator || config_for(pattern) == EngineConfig::default()
}

#[test]
fn the_typed_prbs7_vector_is_oeis_a011686() {
    assert!(FIRST_WORDS[0].1.starts_with(A011686));
}

/// Every polynomial on the model and rust-hdl; on Verilator, those of the
/// default configuration (PRBS31 and PRBS13).
#[test]
fn every_engine_sends_the_known_first_words_of_every_polynomial() {
    let mut checked = 0;
    for kind in EngineKind::ALL {
        for (pattern, want) in FIRST_WORDS.into_iter().filter(|&(p, _)| runs(kind, p)) {
            checked += 1;
            assert_eq!(
                first_bits(kind, pattern, false, 2),
                want,
                "{kind:?} {pattern}"
            );
        }
    }
    assert_eq!(checked, 6 + 6 + 2);
}

/// The Q variants carry the same bits (the Gray coding is the PAM4
/// SerDes's), and inversion complements every bit.
#[test]
fn q_variants_send_the_same_bits_and_inversion_complements_them() {
    for kind in EngineKind::ALL {
        let q = first_bits(kind, PrbsPattern::PRBS31Q, false, 2);
        assert_eq!(q, FIRST_WORDS[5].1, "{kind:?}");
        let inv = first_bits(kind, PrbsPattern::PRBS31, true, 2);
        let want: String = FIRST_WORDS[5]
            .1
            .chars()
            .map(|c| if c == '0' { '1' } else { '0' })
            .collect();
        assert_eq!(inv, want, "{kind:?}");
    }
}
