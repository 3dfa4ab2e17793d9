//! Page 13h (banked): PRBS generators and checkers, loopbacks.

use super::*;

/// Appends this page's fields, in byte order, to `v`.
pub(super) fn page_13h(v: &mut Vec<Field>, p: &MapParams) {
    v.push(
        f("LoopbackCapability", 0x13, 128).reset(0x7F).doc(
            "Bit 0 media output, 1 media input, 2 host output, 3 host input loopback supported; 4 per-lane host, 5 per-lane media, 6 host and media loopbacks at once.",
        ),
    );
    v.push(f("PatternCapability", 0x13, 129).reset(0x0F).doc(
        "Bit 0 host generator, 1 media generator, 2 host checker, 3 media checker supported.",
    ));
    // A side's generator and checker share one pattern set (configuration
    // `prbs.host_patterns` / `prbs.media_patterns`).
    for (byte, name, set) in [
        (132, "HostGenPatterns", p.host_patterns),
        (134, "MediaGenPatterns", p.media_patterns),
        (136, "HostCheckerPatterns", p.host_patterns),
        (138, "MediaCheckerPatterns", p.media_patterns),
    ] {
        v.push(
            f(&format!("{name}Supported"), 0x13, byte)
                .len_bytes(2)
                .reset(set as u64)
                .doc("Bit n set: pattern ID n supported (of PRBS31Q..PRBS7, IDs 0..11, the configured set)."),
        );
    }
    // Generators and checkers share one layout: enable, invert, byte swap,
    // FEC placement, then four bytes of pattern-select nibbles.
    for (base, side, port, what, inverted, fec, fec_doc) in [
        (
            144u8,
            "HostGen",
            "host_gen",
            "host-side generator",
            "sends",
            "PreFec",
            "placed before the FEC encoder",
        ),
        (
            152,
            "MediaGen",
            "media_gen",
            "media-side generator",
            "sends",
            "PreFec",
            "placed before the FEC encoder",
        ),
        (
            160,
            "HostChecker",
            "host_chk",
            "host-side checker",
            "expects",
            "PostFec",
            "after the FEC decoder",
        ),
        (
            168,
            "MediaChecker",
            "media_chk",
            "media-side checker",
            "expects",
            "PostFec",
            "after the FEC decoder",
        ),
    ] {
        v.push(
            f(&format!("{side}Enable"), 0x13, base)
                .rw()
                .bitmap()
                .hw(HwRole::Control, HwScope::Lane, &format!("{port}_enable"))
                .doc(&format!("Per lane: {what} enabled.")),
        );
        v.push(
            f(&format!("{side}Invert"), 0x13, base + 1)
                .rw()
                .bitmap()
                .hw(HwRole::Control, HwScope::Lane, &format!("{port}_invert"))
                .doc(&format!(
                    "Per lane: {what} {inverted} the inverted pattern."
                )),
        );
        v.push(
            f(&format!("{side}ByteSwap"), 0x13, base + 2)
                .rw()
                .bitmap()
                .doc(&format!(
                    "Per lane: {what} byte swap (not implemented; stored only)."
                )),
        );
        v.push(
            f(&format!("{side}{fec}"), 0x13, base + 3)
                .rw()
                .bitmap()
                .doc(&format!("Per lane: {what} {fec_doc} (stored only).")),
        );
        v.push(
            f(&format!("{side}PatternSelect"), 0x13, base + 4)
                .bits(0, 4)
                .lanes(8)
                .rw()
                .code()
                .hw(HwRole::Control, HwScope::Lane, &format!("{port}_pattern"))
                .doc(&format!(
                    "Per lane: {what} pattern ID (0 PRBS31Q .. 11 PRBS7)."
                )),
        );
    }
    v.push(
        f("ResetErrorCounters", 0x13, 177)
            .bits(5, 1)
            .sc()
            // One bit a bank: every lane of the bank takes its pulse.
            .hw(HwRole::Pulse, HwScope::Lane, "prbs_counter_reset")
            .doc("Write 1: clear the error and bit counters of every checker of the bank; self-clearing."),
    );
    v.push(
        f("MeasurementRun", 0x13, 177)
            .bits(7, 1)
            .rw()
            .reset(1)
            // One bit a bank: every lane of the bank takes it.
            .hw(HwRole::Control, HwScope::Lane, "prbs_run")
            .doc("1: the checkers of the bank count; 0: a word that arrives is not counted, so the counters stop within the checker's decision latency and hold (our reading of CMIS's start/stop)."),
    );
    v.push(
        f("MediaOutputLoopback", 0x13, 180)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "media_output_loopback")
            .doc("Per lane: media-side output looped back to the media input."),
    );
    v.push(
        f("MediaInputLoopback", 0x13, 181)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "media_input_loopback")
            .doc("Per lane: media-side input looped back to the media output."),
    );
    v.push(
        f("HostOutputLoopback", 0x13, 182)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "host_output_loopback")
            .doc("Per lane: host-side output looped back to the host input."),
    );
    v.push(
        f("HostInputLoopback", 0x13, 183)
            .rw()
            .bitmap()
            .hw(HwRole::Control, HwScope::Lane, "host_input_loopback")
            .doc("Per lane: host-side input looped back to the host output."),
    );
    // Masks of the latched LOL flags of page 14h (136..139), as FBOSS's
    // CmisModule field table places them (13h:210..213; 206..209 are the
    // reference-clock and gating masks xpo has no flags for).
    for (byte, name, unit) in [
        (210u8, "MHostGenLOL", "host generator"),
        (211, "MMediaGenLOL", "media generator"),
        (212, "MHostCheckerLOL", "host checker"),
        (213, "MMediaCheckerLOL", "media checker"),
    ] {
        v.push(f(name, 0x13, byte).rw().bitmap().doc(&format!(
            "Per lane: masks the latched {unit} LOL flag (14h) from IntL."
        )));
    }
}
