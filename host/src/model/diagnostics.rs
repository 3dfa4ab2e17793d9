//! A lane's CMIS diagnostics (pages 13h and 14h), written from the CMIS
//! text before the RTL: where the four pattern units and the four
//! loopbacks sit on the lane's four electrical/optical interfaces, and how
//! the results page reports the checkers.
//!
//! # The lane in CMIS's terms
//!
//! A lane has four interfaces (CMIS names them by side and direction):
//! the **host-side input** (from the host SerDes; the Tx direction's
//! input), the **host-side output** (to the host; the Rx direction's
//! output), the **media-side input** (from the photodetector; the Rx
//! direction's input) and the **media-side output** (to the modulator;
//! the Tx direction's output). Between them run the Tx and the Rx
//! retimer paths (`super::retimer`).
//!
//! Pattern units (13h:144..175): the **host-side generator** drives the
//! host-side output, the **media-side generator** the media-side output;
//! the **host-side checker** checks the host-side input, the
//! **media-side checker** the media-side input.
//!
//! Loopbacks (13h:180..183, one bit a lane; SONiC's `CmisApi`
//! `set_loopback_mode` writes exactly these four bytes):
//! - **media-side output** (180): what the lane sends to the media is fed
//!   back into the media-side input. The host sees its own Tx traffic
//!   return through both paths (a near-end optical loopback).
//! - **media-side input** (181): what arrives from the media is sent
//!   straight back out of the media-side output (a far-end loopback for
//!   the link partner).
//! - **host-side output** (182): what the lane sends to the host is fed
//!   back into the host-side input: media traffic returns to the media
//!   through both paths (a far-end loopback seen from the fibre).
//! - **host-side input** (183): what arrives from the host is sent
//!   straight back out of the host-side output (a near-end electrical
//!   loopback for the host).
//!
//! A checker checks its interface's input *after* the loopback, so each
//! generator tests its own side: host generator → host-side output
//! loopback → host checker; media generator → media-side output loopback
//! → media checker (13h:128 advertises all four loopbacks per lane, and
//! host and media ones at once).
//!
//! # Cycle contract (ours: CMIS leaves timing open)
//!
//! 1. The lane registers the controls it routes by — the four loopback
//!    bits and the two generators' enables — at every edge; routing after
//!    an edge uses the controls as they stood before it.
//! 2. The retimer paths' inputs at an edge: Tx takes the host-side output
//!    as it stands when the host-side output loopback is on, else the
//!    host-side input; Rx takes the media-side output as it stands when
//!    the media-side output loopback is on, else the media-side input.
//!    The host checker watches the Tx path's input, the media checker the
//!    Rx path's; both take the same sample at the same edge.
//! 3. The outputs after an edge: the media-side output is the media
//!    generator's word when it is enabled, else (media-side input
//!    loopback) the media-side input sampled at that edge, else the Tx
//!    path's output. The host-side output likewise: host generator, else
//!    (host-side input loopback) the host-side input sampled at that edge,
//!    else the Rx path's output. A generator wins over an input loopback
//!    on the same interface: the host asked for a pattern.
//! 4. The media generator paces on the media output's `tx_ready`, the host
//!    generator on the host output's `host_rx_ready`: a word per ready
//!    cycle, as `PrbsGeneratorModel` contracts.
//!
//! So an input loopback's latency, pin to pin, is
//! [`INPUT_LOOPBACK_LATENCY`] (1 cycle: the output after the edge that
//! sampled the input), and an output loopback adds nothing to the two
//! paths' own latencies (each `RETIMED_LATENCY + 1` cycles pin to pin).
//!
//! # Results (page 14h)
//!
//! DiagnosticsSelector (14h:128) chooses what bytes 192..255 show. As
//! CMIS lays them out, selectors 2..5 are the error and total-bit counts,
//! four lanes a selector: 2 host side lanes 1-4, 3 host side lanes 5-8, 4
//! media side lanes 1-4, 5 media side lanes 5-8; each lane has 16 bytes,
//! its U64 error count then its U64 bit count, big-endian like every CMIS
//! multi-byte value. Other selectors (BER and SNR, F16) are not
//! implemented and read 0. A U64 is read coherently: reading its first
//! (most significant) byte takes a snapshot of the value, and its other
//! seven bytes read from the snapshot ([`ResultsPage`]).

use super::prbs::{CheckerInputs, CheckerOutputs, PrbsCheckerModel, PrbsGeneratorModel};
use xpo_spec::PrbsConfig;

/// Cycles from an input loopback's input pin to its output pin (contract
/// item 3): the output after the edge that sampled the input.
pub const INPUT_LOOPBACK_LATENCY: u64 = 1;

/// One 66-bit block on an interface, with its strobe.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Block {
    pub valid: bool,
    /// Bit 0 first on the wire.
    pub data: u128,
}

/// One lane's 13h loopback bits (180..183).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Loopbacks {
    pub media_output: bool,
    pub media_input: bool,
    pub host_output: bool,
    pub host_input: bool,
}

/// One pattern unit's 13h controls for a lane (enable, invert, pattern
/// select nibble).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PatternControl {
    pub enable: bool,
    pub invert: bool,
    /// CMIS pattern ID (0 PRBS31Q .. 11 PRBS7).
    pub pattern: u8,
}

/// One lane's diagnostics controls from page 13h.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiagnosticsControls {
    pub host_generator: PatternControl,
    pub media_generator: PatternControl,
    pub host_checker: PatternControl,
    pub media_checker: PatternControl,
    pub loopbacks: Loopbacks,
    /// 13h:177 counter reset (a pulse).
    pub reset_counters: bool,
    /// 13h:177 bit 7 (MeasurementRun) low: the checkers stop counting.
    pub stopped: bool,
}

/// What the lane's interfaces offer at an edge (the paths' outputs come
/// to [`LaneDiagnostics::step`] separately, after the paths' edge).
#[derive(Debug, Clone, Copy, Default)]
pub struct Interfaces {
    pub host_input: Block,
    pub media_input: Block,
    /// The media and host outputs' gearboxes take a word.
    pub tx_ready: bool,
    pub host_rx_ready: bool,
}

/// Where the lane's blocks go at an edge (contract item 2).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PathInputs {
    pub tx_path_in: Block,
    pub rx_path_in: Block,
}

/// The lane's outputs after an edge (contract item 3) and the checkers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DiagnosticsOutputs {
    pub host_output: Block,
    pub media_output: Block,
    pub host_checker: CheckerOutputs,
    pub media_checker: CheckerOutputs,
}

/// The four pattern units and the loopback routing of one lane.
#[derive(Debug, Clone)]
pub struct LaneDiagnostics {
    host_generator: PrbsGeneratorModel,
    media_generator: PrbsGeneratorModel,
    host_checker: PrbsCheckerModel,
    media_checker: PrbsCheckerModel,
    /// The controls the routing uses (registered at the last edge).
    routing: DiagnosticsControls,
    out: DiagnosticsOutputs,
}

impl LaneDiagnostics {
    pub fn new(cfg: &PrbsConfig) -> Self {
        Self {
            host_generator: PrbsGeneratorModel::new(cfg.host_patterns),
            media_generator: PrbsGeneratorModel::new(cfg.media_patterns),
            host_checker: PrbsCheckerModel::new(cfg, cfg.host_patterns),
            media_checker: PrbsCheckerModel::new(cfg, cfg.media_patterns),
            routing: DiagnosticsControls::default(),
            out: DiagnosticsOutputs::default(),
        }
    }

    /// The outputs as they stand.
    pub fn outputs(&self) -> &DiagnosticsOutputs {
        &self.out
    }

    /// The retimer paths' inputs for the coming edge (item 2), from the
    /// routing controls and the outputs as they stand.
    pub fn path_inputs(&self, i: &Interfaces) -> PathInputs {
        let lb = self.routing.loopbacks;
        PathInputs {
            tx_path_in: if lb.host_output {
                self.out.host_output
            } else {
                i.host_input
            },
            rx_path_in: if lb.media_output {
                self.out.media_output
            } else {
                i.media_input
            },
        }
    }

    /// One edge. `c` holds the 13h controls before it; `i` the interfaces
    /// at it; `after` the paths' outputs after it (they sit between
    /// [`Self::path_inputs`] and this call in a lane's step).
    pub fn step(
        &mut self,
        reset: bool,
        c: &DiagnosticsControls,
        i: &Interfaces,
        after: (Block, Block),
    ) -> &DiagnosticsOutputs {
        let into = self.path_inputs(i);
        let check = |p: &PatternControl, b: Block| CheckerInputs {
            enable: p.enable,
            pattern: p.pattern,
            invert: p.invert,
            counter_reset: c.reset_counters,
            stopped: c.stopped,
            data: b.data,
            valid: b.valid,
        };
        let hc = self
            .host_checker
            .step(reset, check(&c.host_checker, into.tx_path_in));
        let mc = self
            .media_checker
            .step(reset, check(&c.media_checker, into.rx_path_in));
        let gen = |g: &mut PrbsGeneratorModel, p: &PatternControl, ready: bool| {
            let o = g.step(reset, p.enable, p.pattern, p.invert, ready);
            Block {
                valid: o.valid,
                data: o.data,
            }
        };
        let hg = gen(&mut self.host_generator, &c.host_generator, i.host_rx_ready);
        let mg = gen(&mut self.media_generator, &c.media_generator, i.tx_ready);
        self.routing = if reset {
            DiagnosticsControls::default()
        } else {
            *c
        };
        let r = &self.routing;
        let (tx_out, rx_out) = after;
        self.out = DiagnosticsOutputs {
            media_output: if r.media_generator.enable {
                mg
            } else if r.loopbacks.media_input {
                i.media_input
            } else {
                tx_out
            },
            host_output: if r.host_generator.enable {
                hg
            } else if r.loopbacks.host_input {
                i.host_input
            } else {
                rx_out
            },
            host_checker: hc,
            media_checker: mc,
        };
        &self.out
    }
}

/// A checker's loss-of-lock condition, the level behind CMIS's latched
/// checker LOL flags (14h:138 host side, 139 media side): a checker that
/// is enabled (13h:160 / 168) and not locked to its pattern has lost lock;
/// a disabled checker reports nothing. The register block latches the
/// level at every edge it stands (a clear-on-read flag set again while
/// the condition persists), so a host that enables a checker, waits for
/// lock and then reads the flag twice sees it set (the search for lock)
/// then clear.
///
/// The generator LOL flags (14h:136/137) report a generator's clock
/// source losing lock; xpo's generators run on the core clock, which has
/// no lock to lose, so those flags stay 0.
pub fn checker_lol(enabled: bool, out: &CheckerOutputs) -> bool {
    enabled && !out.locked
}

/// Which checker and lanes a DiagnosticsSelector value shows (CMIS
/// selectors 2..5), or `None` for a selector xpo does not implement.
pub fn selected_counts(selector: u8) -> Option<(Side, std::ops::Range<usize>)> {
    match selector {
        2 => Some((Side::Host, 0..4)),
        3 => Some((Side::Host, 4..8)),
        4 => Some((Side::Media, 0..4)),
        5 => Some((Side::Media, 4..8)),
        _ => None,
    }
}

/// The side a checker watches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Host,
    Media,
}

/// The bytes 192..255 of page 14h for one bank's eight lanes, with the
/// coherent-read snapshots: reading byte `192 + 8k` snapshots U64 `k`,
/// and its seven other bytes read from the snapshot.
#[derive(Debug, Clone, Default)]
pub struct ResultsPage {
    snapshots: [u64; 8],
}

impl ResultsPage {
    /// The live U64 `k` (0..8) of the results area for `selector`, from
    /// the bank's checkers (`host[l]`, `media[l]`: lane `l` of the bank).
    pub fn live(
        selector: u8,
        k: usize,
        host: &[CheckerOutputs; 8],
        media: &[CheckerOutputs; 8],
    ) -> u64 {
        let Some((side, lanes)) = selected_counts(selector) else {
            return 0;
        };
        let lane = lanes.start + k / 2;
        let c = match side {
            Side::Host => host[lane],
            Side::Media => media[lane],
        };
        if k.is_multiple_of(2) {
            c.error_count
        } else {
            c.bit_count
        }
    }

    /// A host read of byte `byte` (192..=255).
    pub fn read(
        &mut self,
        byte: u8,
        selector: u8,
        host: &[CheckerOutputs; 8],
        media: &[CheckerOutputs; 8],
    ) -> u8 {
        let off = (byte - 192) as usize;
        let (k, i) = (off / 8, off % 8);
        if i == 0 {
            self.snapshots[k] = Self::live(selector, k, host, media);
        }
        self.snapshots[k].to_be_bytes()[i]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::prbs::WordLfsr;
    use xpo_spec::prbs::{PatternSet, PrbsPattern};

    const PRBS31: u8 = 1;
    const PRBS7: u8 = 11;

    /// Every implemented pattern on both sides (the default configuration
    /// advertises four; these tests use PRBS7).
    fn lane() -> LaneDiagnostics {
        LaneDiagnostics::new(&PrbsConfig {
            host_patterns: PatternSet::IMPLEMENTED,
            media_patterns: PatternSet::IMPLEMENTED,
            ..PrbsConfig::default()
        })
    }

    /// A lane whose paths are a plain register (latency 1), to see the
    /// routing alone.
    fn run(
        d: &mut LaneDiagnostics,
        c: &DiagnosticsControls,
        inputs: impl Iterator<Item = (Block, Block)>,
    ) -> Vec<DiagnosticsOutputs> {
        let mut out = Vec::new();
        for (host_input, media_input) in inputs {
            let i = Interfaces {
                host_input,
                media_input,
                tx_ready: true,
                host_rx_ready: true,
            };
            // A one-register path's output after the edge is its input.
            let into = d.path_inputs(&i);
            out.push(*d.step(false, c, &i, (into.tx_path_in, into.rx_path_in)));
        }
        out
    }

    fn word(n: u64) -> Block {
        Block {
            valid: true,
            data: ((n as u128) * 0x1_0000_0001) | 1,
        }
    }

    #[test]
    fn host_input_loopback_returns_host_input_one_edge_later() {
        let mut d = lane();
        let c = DiagnosticsControls {
            loopbacks: Loopbacks {
                host_input: true,
                ..Default::default()
            },
            ..Default::default()
        };
        // First edge registers the control; from the second on, the host
        // output is the host input of the same edge.
        let ins: Vec<_> = (0..6).map(|n| (word(n), word(100 + n))).collect();
        let out = run(&mut d, &c, ins.iter().copied());
        for n in 1..6 {
            assert_eq!(out[n].host_output, ins[n].0, "edge {n}");
        }
        // The media side is untouched: the Tx path still carries the host.
        assert_eq!(out[5].media_output, ins[5].0);
    }

    #[test]
    fn media_input_loopback_returns_media_input_to_the_media() {
        let mut d = lane();
        let c = DiagnosticsControls {
            loopbacks: Loopbacks {
                media_input: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let ins: Vec<_> = (0..6).map(|n| (word(n), word(100 + n))).collect();
        let out = run(&mut d, &c, ins.iter().copied());
        for n in 1..6 {
            assert_eq!(out[n].media_output, ins[n].1, "edge {n}");
        }
        assert_eq!(out[5].host_output, ins[5].1, "Rx still reaches the host");
    }

    #[test]
    fn media_output_loopback_feeds_the_media_output_back_into_rx() {
        let mut d = lane();
        let c = DiagnosticsControls {
            loopbacks: Loopbacks {
                media_output: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let ins: Vec<_> = (0..8).map(|n| (word(n), word(100 + n))).collect();
        let out = run(&mut d, &c, ins.iter().copied());
        // With one-register paths: the media output at edge n is the host
        // input of edge n, and the host output at edge n+1 is it again.
        for n in 2..8 {
            assert_eq!(out[n].media_output, ins[n].0);
            assert_eq!(out[n].host_output, ins[n - 1].0, "edge {n}");
        }
    }

    #[test]
    fn host_output_loopback_returns_media_traffic_to_the_media() {
        let mut d = lane();
        let c = DiagnosticsControls {
            loopbacks: Loopbacks {
                host_output: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let ins: Vec<_> = (0..8).map(|n| (word(n), word(100 + n))).collect();
        let out = run(&mut d, &c, ins.iter().copied());
        for n in 2..8 {
            assert_eq!(out[n].host_output, ins[n].1);
            assert_eq!(out[n].media_output, ins[n - 1].1, "edge {n}");
        }
    }

    /// The standard's self-test: a generator through its side's output
    /// loopback into that side's checker locks and counts no errors, and
    /// the counts read back through 14h as CMIS lays them out.
    #[test]
    fn each_generator_through_its_output_loopback_locks_its_checker() {
        for side in [Side::Host, Side::Media] {
            let mut d = lane();
            let unit = PatternControl {
                enable: true,
                invert: false,
                pattern: PRBS31,
            };
            let mut c = DiagnosticsControls::default();
            match side {
                Side::Host => {
                    c.host_generator = unit;
                    c.host_checker = unit;
                    c.loopbacks.host_output = true;
                }
                Side::Media => {
                    c.media_generator = unit;
                    c.media_checker = unit;
                    c.loopbacks.media_output = true;
                }
            }
            let out = run(&mut d, &c, std::iter::repeat_n((word(1), word(2)), 600));
            let last = out.last().unwrap();
            let (chk, other) = match side {
                Side::Host => (last.host_checker, last.media_checker),
                Side::Media => (last.media_checker, last.host_checker),
            };
            assert!(chk.locked, "{side:?}");
            assert_eq!(chk.error_count, 0, "{side:?}");
            assert!(chk.bit_count > 66 * 400, "{side:?}: {chk:?}");
            assert_eq!(other, CheckerOutputs::default(), "{side:?}");
            // 14h: selector 2 (host lanes 1-4) or 4 (media lanes 1-4),
            // lane 1's error count in 192..199, its bit count in 200..207.
            let mut host = [CheckerOutputs::default(); 8];
            let mut media = [CheckerOutputs::default(); 8];
            match side {
                Side::Host => host[0] = chk,
                Side::Media => media[0] = chk,
            }
            let sel = if side == Side::Host { 2 } else { 4 };
            let mut page = ResultsPage::default();
            let bytes: Vec<u8> = (192..=207)
                .map(|b| page.read(b, sel, &host, &media))
                .collect();
            assert_eq!(bytes[..8], 0u64.to_be_bytes());
            assert_eq!(bytes[8..], chk.bit_count.to_be_bytes());
        }
    }

    /// The generator's words on the media output are the PRBS7 sequence
    /// itself (x^7 + x^6 + 1, bits in transmit order), checked against an
    /// LFSR run from the polynomial.
    #[test]
    fn the_media_generator_owns_the_media_output() {
        let mut d = lane();
        let c = DiagnosticsControls {
            media_generator: PatternControl {
                enable: true,
                invert: false,
                pattern: PRBS7,
            },
            loopbacks: Loopbacks {
                media_input: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let out = run(&mut d, &c, std::iter::repeat_n((word(1), word(2)), 12));
        let words: Vec<u128> = out
            .iter()
            .filter(|o| o.media_output.valid)
            .map(|o| o.media_output.data)
            .collect();
        assert!(words.len() >= 8);
        let mut lfsr = WordLfsr::new(PrbsPattern(PRBS7).polynomial().unwrap());
        for w in &words {
            assert_eq!(*w, lfsr.next_word(), "a generator beats the loopback");
        }
        // The host side is untouched.
        assert_eq!(out[11].host_output, word(2));
    }

    /// A checker enabled on a looped-back pattern has lost lock until it
    /// locks; a disabled one never reports loss of lock.
    #[test]
    fn checker_lol_is_enabled_and_unlocked() {
        let mut d = lane();
        let unit = PatternControl {
            enable: true,
            invert: false,
            pattern: PRBS31,
        };
        let c = DiagnosticsControls {
            media_generator: unit,
            media_checker: unit,
            loopbacks: Loopbacks {
                media_output: true,
                ..Default::default()
            },
            ..Default::default()
        };
        let out = run(&mut d, &c, std::iter::repeat_n((word(1), word(2)), 200));
        let lol: Vec<bool> = out
            .iter()
            .map(|o| checker_lol(true, &o.media_checker))
            .collect();
        assert!(lol[0], "searching for lock at first");
        let locked_at = lol.iter().position(|l| !l).expect("it locks");
        assert!(lol[locked_at..].iter().all(|l| !l), "and stays locked");
        // The host checker is disabled: no loss of lock to report.
        assert!(out.iter().all(|o| !checker_lol(false, &o.host_checker)));
    }

    #[test]
    fn selectors_lay_out_error_then_bit_counts_four_lanes_each() {
        let mut host = [CheckerOutputs::default(); 8];
        let mut media = [CheckerOutputs::default(); 8];
        for l in 0..8 {
            host[l].error_count = 0x100 + l as u64;
            host[l].bit_count = 0x200 + l as u64;
            media[l].error_count = 0x300 + l as u64;
            media[l].bit_count = 0x400 + l as u64;
        }
        // (selector, U64 slot) → value, typed from the CMIS layout: lane
        // 1..4 or 5..8, 16 bytes a lane, errors first.
        for (sel, k, want) in [
            (2u8, 0usize, 0x100u64),
            (2, 1, 0x200),
            (2, 6, 0x103),
            (2, 7, 0x203),
            (3, 0, 0x104),
            (3, 7, 0x207),
            (4, 2, 0x301),
            (5, 5, 0x406),
            (1, 0, 0),
            (6, 3, 0),
        ] {
            assert_eq!(ResultsPage::live(sel, k, &host, &media), want, "{sel} {k}");
        }
    }

    #[test]
    fn a_u64_read_is_coherent_from_its_first_byte() {
        let mut host = [CheckerOutputs::default(); 8];
        let media = [CheckerOutputs::default(); 8];
        host[0].error_count = 0x00FF_FFFF_FFFF_FFFF;
        let mut page = ResultsPage::default();
        let mut bytes = vec![page.read(192, 2, &host, &media)];
        // The counter carries into its top byte mid-read.
        host[0].error_count += 1;
        bytes.extend((193..=199).map(|b| page.read(b, 2, &host, &media)));
        assert_eq!(
            u64::from_be_bytes(bytes.try_into().unwrap()),
            0x00FF_FFFF_FFFF_FFFF
        );
        // The next read starts a new snapshot.
        assert_eq!(page.read(192, 2, &host, &media), 0x01);
        assert_eq!(page.read(199, 2, &host, &media), 0x00);
    }
}
