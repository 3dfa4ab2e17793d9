//! PRBS test patterns: CMIS pattern IDs (page 13h pattern-select nibbles) and
//! the ITU-T O.150 / IEEE 802.3 generator polynomials.
//!
//! A pattern's sequence is defined by `s[n] = XOR of s[n - e]` over the
//! polynomial's non-zero exponents `e` (x^31 + x^28 + 1 gives
//! `s[n] = s[n-31] ^ s[n-28]`), started from all ones. Bits leave the lane LSB
//! first: `s[0]` is bit 0 of the first 66-bit word.
//!
//! The "Q" patterns (PRBS31Q, ...) are the same bit sequences Gray-coded onto
//! PAM4 symbols (802.3 clause 120); the Gray mapping happens in the PAM4
//! SerDes, so at this core's 66-bit word interface a Q pattern carries exactly
//! the bits of its NRZ twin. SSPRQ (12), custom (14) and user (15) patterns are
//! not implemented: a generator told to send one stays idle and a checker never
//! locks.

/// Bits per word on every lane (one 64b/66b block per `valid` cycle).
pub const WORD_BITS: usize = 66;

/// A generator polynomial `x^degree + ... + 1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PrbsPolynomial {
    /// Name as in O.150 / 802.3.
    pub name: &'static str,
    /// Highest exponent: the length of the shift register.
    pub degree: u32,
    /// Every exponent except 0 (the highest included), in falling order.
    pub taps: &'static [u32],
}

/// The six polynomials, shortest first.
pub const POLYNOMIALS: [PrbsPolynomial; 6] = [
    PrbsPolynomial {
        name: "PRBS7",
        degree: 7,
        taps: &[7, 6],
    },
    PrbsPolynomial {
        name: "PRBS9",
        degree: 9,
        taps: &[9, 5],
    },
    PrbsPolynomial {
        name: "PRBS13",
        degree: 13,
        taps: &[13, 12, 2, 1],
    },
    PrbsPolynomial {
        name: "PRBS15",
        degree: 15,
        taps: &[15, 14],
    },
    PrbsPolynomial {
        name: "PRBS23",
        degree: 23,
        taps: &[23, 18],
    },
    PrbsPolynomial {
        name: "PRBS31",
        degree: 31,
        taps: &[31, 28],
    },
];

/// Clock edges from a word's arrival at the PRBS checker to the edge that
/// acts on it (the checker's cycle contract, `xpo_hdl::prbs::PrbsChecker`):
/// the word is compared on arrival, its error bits are counted over the
/// next two edges and carried a third, and the fourth updates the
/// counters and the lock (it was 3 until the default engine's ECP5
/// timing needed the carry: `docs/measurements.md`).
pub const CHECKER_DECISION_LATENCY: usize = 4;

/// Longest shift register among [`POLYNOMIALS`].
pub const MAX_DEGREE: usize = 31;

/// A CMIS test pattern, by its 4-bit pattern ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrbsPattern(pub u8);

impl PrbsPattern {
    pub const PRBS31Q: Self = Self(0);
    pub const PRBS31: Self = Self(1);
    pub const PRBS23Q: Self = Self(2);
    pub const PRBS23: Self = Self(3);
    pub const PRBS15Q: Self = Self(4);
    pub const PRBS15: Self = Self(5);
    pub const PRBS13Q: Self = Self(6);
    pub const PRBS13: Self = Self(7);
    pub const PRBS9Q: Self = Self(8);
    pub const PRBS9: Self = Self(9);
    pub const PRBS7Q: Self = Self(10);
    pub const PRBS7: Self = Self(11);
    pub const SSPRQ: Self = Self(12);
    pub const CUSTOM: Self = Self(14);
    pub const USER: Self = Self(15);

    /// The pattern IDs this core generates and checks (0..=11).
    pub fn supported() -> impl Iterator<Item = Self> {
        (0..=11).map(Self)
    }

    /// The polynomial behind a pattern ID, or `None` for SSPRQ, custom, user,
    /// reserved and out-of-range IDs.
    pub fn polynomial(self) -> Option<&'static PrbsPolynomial> {
        let index = match self.0 {
            0 | 1 => 5,
            2 | 3 => 4,
            4 | 5 => 3,
            6 | 7 => 2,
            8 | 9 => 1,
            10 | 11 => 0,
            _ => return None,
        };
        Some(&POLYNOMIALS[index])
    }

    /// CMIS name, e.g. "PRBS31Q".
    pub fn name(self) -> String {
        match self.0 {
            12 => "SSPRQ".into(),
            14 => "custom".into(),
            15 => "user".into(),
            id => match self.polynomial() {
                Some(p) if id % 2 == 0 => format!("{}Q", p.name),
                Some(p) => p.name.to_string(),
                None => format!("reserved({id})"),
            },
        }
    }

    /// Parses a CMIS name ("PRBS31", "prbs13q") or a numeric ID.
    pub fn parse(s: &str) -> Option<Self> {
        if let Ok(id) = s.parse::<u8>() {
            return (id < 16).then_some(Self(id));
        }
        (0..16).map(Self).find(|p| p.name().eq_ignore_ascii_case(s))
    }
}

impl std::fmt::Display for PrbsPattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.name())
    }
}

/// The pattern IDs one side's generator and checker implement, as the bitmap
/// CMIS advertises on page 13h (bytes 132..139: bit n set, pattern ID n
/// supported).
///
/// CMIS lets a module advertise any subset, and a host picks among the
/// advertised patterns only. Every pattern costs the parallel LFSR its own
/// XOR network and a wider selection in each generator and checker (about
/// 1,100 ECP5 LUT4 a lane for one side's pair, all twelve against four), so
/// the set is the module maker's choice, per side, in the configuration.
/// The default, [`PatternSet::IEEE_PAM4`], is what IEEE 802.3 specifies
/// for testing 100 Gb/s-per-lane PAM4 interfaces: PRBS13Q and PRBS31Q
/// (clauses 120/124, Annex 120E), with their NRZ twins, which carry the
/// same bits at this core's word interface and so cost nothing more.
/// SSPRQ, custom and user patterns are never in a set: the core does not
/// implement them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PatternSet(u16);

impl PatternSet {
    /// Every pattern the core implements: PRBS31Q..PRBS7 (IDs 0..=11).
    pub const IMPLEMENTED: Self = Self(0x0FFF);
    /// PRBS31Q, PRBS31, PRBS13Q, PRBS13 (IDs 0, 1, 6, 7).
    pub const IEEE_PAM4: Self = Self(0b1100_0011);

    /// The set of `patterns`, or the first one the core does not implement.
    pub fn of(patterns: impl IntoIterator<Item = PrbsPattern>) -> Result<Self, PrbsPattern> {
        let mut bits = 0u16;
        for p in patterns {
            if p.polynomial().is_none() {
                return Err(p);
            }
            bits |= 1 << p.0;
        }
        Ok(Self(bits))
    }

    /// The CMIS advertisement (page 13h, one bit per pattern ID).
    pub fn bits(self) -> u16 {
        self.0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn contains(self, p: PrbsPattern) -> bool {
        p.0 < 16 && self.0 >> p.0 & 1 == 1
    }

    /// The polynomial a unit with this set runs for pattern ID `p`: `None`
    /// for a pattern outside the set (the unit then behaves as for SSPRQ:
    /// a generator stays idle, a checker never locks).
    pub fn polynomial(self, p: PrbsPattern) -> Option<&'static PrbsPolynomial> {
        if self.contains(p) {
            p.polynomial()
        } else {
            None
        }
    }

    /// The patterns in ID order.
    pub fn iter(self) -> impl Iterator<Item = PrbsPattern> {
        (0..16u8)
            .map(PrbsPattern)
            .filter(move |&p| self.contains(p))
    }
}

impl Default for PatternSet {
    fn default() -> Self {
        Self::IEEE_PAM4
    }
}

/// Written as a list of CMIS names: `["PRBS31Q", "PRBS13Q"]`.
impl serde::Serialize for PatternSet {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter().map(|p| p.name()))
    }
}

impl<'de> serde::Deserialize<'de> for PatternSet {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use serde::de::Error;
        let names = Vec::<String>::deserialize(d)?;
        let mut patterns = Vec::with_capacity(names.len());
        for n in &names {
            let p = PrbsPattern::parse(n).ok_or_else(|| {
                D::Error::custom(format!(
                    "unknown PRBS pattern {n:?} (expected a CMIS name: PRBS31Q, PRBS31, PRBS23Q, ..., PRBS7)"
                ))
            })?;
            patterns.push(p);
        }
        Self::of(patterns).map_err(|p| {
            D::Error::custom(format!(
                "pattern {p} is not implemented by this core (only PRBS31Q..PRBS7, IDs 0..11)"
            ))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_follow_cmis_table() {
        assert_eq!(PrbsPattern(1).name(), "PRBS31");
        assert_eq!(PrbsPattern(0).name(), "PRBS31Q");
        assert_eq!(PrbsPattern(11).name(), "PRBS7");
        assert_eq!(PrbsPattern(7).polynomial().unwrap().taps, &[13, 12, 2, 1]);
        assert!(PrbsPattern::SSPRQ.polynomial().is_none());
        assert_eq!(PrbsPattern::parse("prbs23q"), Some(PrbsPattern(2)));
        assert_eq!(PrbsPattern::parse("9"), Some(PrbsPattern(9)));
        assert_eq!(PrbsPattern::parse("PRBS8"), None);
    }

    /// The sets' bitmaps are CMIS's 13h:132..139 layout, typed from the
    /// pattern ID table: bit n is pattern ID n.
    #[test]
    fn pattern_sets_are_cmis_bitmaps() {
        assert_eq!(PatternSet::IMPLEMENTED.bits(), 0x0FFF);
        // PRBS31Q (0), PRBS31 (1), PRBS13Q (6), PRBS13 (7).
        assert_eq!(PatternSet::IEEE_PAM4.bits(), 0x00C3);
        let names: Vec<String> = PatternSet::IEEE_PAM4.iter().map(|p| p.name()).collect();
        assert_eq!(names, ["PRBS31Q", "PRBS31", "PRBS13Q", "PRBS13"]);
        assert!(PatternSet::IEEE_PAM4
            .polynomial(PrbsPattern::PRBS9)
            .is_none());
        assert_eq!(
            PatternSet::IEEE_PAM4
                .polynomial(PrbsPattern::PRBS13Q)
                .unwrap()
                .degree,
            13
        );
        assert_eq!(
            PatternSet::of([PrbsPattern::SSPRQ]),
            Err(PrbsPattern::SSPRQ)
        );
        assert!(PatternSet::of([]).unwrap().is_empty());
    }

    #[test]
    fn polynomials_are_primitive_maximal_length() {
        // A maximal-length LFSR of degree k repeats after exactly 2^k - 1 bits.
        for p in POLYNOMIALS.iter().filter(|p| p.degree <= 15) {
            let k = p.degree;
            let mask = (1u32 << k) - 1;
            let start = mask;
            let mut s = start;
            let mut period = 0u64;
            loop {
                let bit = p.taps.iter().fold(0, |a, &e| a ^ (s >> (e - 1)) & 1);
                s = ((s << 1) | bit) & mask;
                period += 1;
                if s == start {
                    break;
                }
            }
            assert_eq!(period, (1u64 << k) - 1, "{}", p.name);
        }
    }
}
