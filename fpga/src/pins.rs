//! `xpo_fpga_top`: the engine behind four pins, for place and route.
//!
//! The default engine has thousands of port bits (eight 66-bit receive and
//! transmit words, 64-bit counters per lane); no package has that many
//! pins, and a placer given unconstrained I/O measures the pads, not the
//! design. The wrapper puts every input behind one shift register fed from
//! pin `sin`, and loads every output into another that drains to pin
//! `sout` (`load` high: capture, low: shift). So every input of
//! `xpo_engine` comes from a flip-flop and every output goes to one, as
//! they would from the transceiver, gearbox and host logic around the
//! engine in a real prototype, and nothing the engine computes can be
//! optimised away (every output reaches a pin). Timing then measures the
//! engine's own register-to-register paths; the shift registers add one
//! flip-flop per port bit and no logic beyond a 2:1 multiplexer per output
//! bit.

use std::fmt::Write as _;

/// Name of the wrapper module.
pub const FPGA_TOP: &str = "xpo_fpga_top";

/// A port's name and total width (all lanes).
type Port = (&'static str, usize);

/// Every port of `xpo_engine` but the clock, inputs then outputs.
fn ports(lanes: usize, lasers: usize) -> (Vec<Port>, Vec<Port>) {
    let all = xpo_spec::top_ports(lanes, lasers);
    let of = |input: bool| {
        all.iter()
            // Probes are simulation-only: not pins of the engine FPGA
            // projects instantiate.
            .filter(|p| p.input == input && p.name != "clock" && !p.probe)
            .map(|p| (p.name, p.width))
            .collect()
    };
    (of(true), of(false))
}

/// Input and output bits of `xpo_engine` (clock excluded).
pub fn port_bits(lanes: usize, lasers: usize) -> (usize, usize) {
    let (ins, outs) = ports(lanes, lasers);
    (
        ins.iter().map(|p| p.1).sum(),
        outs.iter().map(|p| p.1).sum(),
    )
}

/// The wrapper's Verilog (to follow the emitted engine in one file).
pub fn fpga_top(lanes: usize, lasers: usize) -> String {
    let (ins, outs) = ports(lanes, lasers);
    let (ni, no) = port_bits(lanes, lasers);
    let mut v = String::new();
    let _ = writeln!(
        v,
        "\n// {FPGA_TOP}: xpo_engine behind shift registers, for place and route only\n\
         // (xpo-fpga's pins.rs): {ni} input bits from `sin`, {no} output bits to `sout`.\n\
         module {FPGA_TOP} (\n    input wire clock,\n    input wire sin,\n    input wire load,\n    output wire sout\n);"
    );
    let _ = writeln!(v, "    reg [{}:0] in_sr = {ni}'d0;", ni - 1);
    let _ = writeln!(
        v,
        "    always @(posedge clock) in_sr <= {{in_sr[{}:0], sin}};",
        ni.saturating_sub(2)
    );
    let mut conns = vec!["        .clock(clock)".to_string()];
    let mut at = 0;
    for (name, w) in &ins {
        let _ = writeln!(
            v,
            "    wire [{}:0] {name}_i = in_sr[{}:{at}];",
            w - 1,
            at + w - 1
        );
        conns.push(format!("        .{name}({name}_i)"));
        at += w;
    }
    for (name, w) in &outs {
        let _ = writeln!(v, "    wire [{}:0] {name}_o;", w - 1);
        conns.push(format!("        .{name}({name}_o)"));
    }
    let _ = writeln!(v, "    xpo_engine engine (\n{}\n    );", conns.join(",\n"));
    // Outputs in reverse so the first listed lands in the low bits.
    let cat: Vec<String> = outs.iter().rev().map(|(n, _)| format!("{n}_o")).collect();
    let _ = writeln!(v, "    wire [{}:0] outs = {{{}}};", no - 1, cat.join(", "));
    let _ = writeln!(v, "    reg [{}:0] out_sr = {no}'d0;", no - 1);
    let _ = writeln!(
        v,
        "    always @(posedge clock) out_sr <= load ? outs : {{1'b0, out_sr[{}:1]}};",
        no - 1
    );
    let _ = writeln!(v, "    assign sout = out_sr[0];\nendmodule");
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every port is connected once, the input slices tile the shift
    /// register exactly, and the output concatenation is as wide as
    /// declared.
    #[test]
    fn every_port_is_behind_a_register() {
        let (lanes, lasers) = (2, 3);
        let v = fpga_top(lanes, lasers);
        let (ni, no) = port_bits(lanes, lasers);
        let (ins, outs) = ports(lanes, lasers);
        let mut next = 0;
        for (name, w) in &ins {
            let slice = format!("{name}_i = in_sr[{}:{next}];", next + w - 1);
            assert!(v.contains(&slice), "{slice}");
            assert_eq!(v.matches(&format!(".{name}({name}_i)")).count(), 1);
            next += w;
        }
        assert_eq!(next, ni, "inputs tile the shift register");
        for (name, _) in &outs {
            assert_eq!(v.matches(&format!(".{name}({name}_o)")).count(), 1);
        }
        let widths: usize = outs.iter().map(|p| p.1).sum();
        assert_eq!(widths, no);
        assert!(v.contains(&format!("wire [{}:0] outs", no - 1)));
        // Spot-check the tables: two lanes of 66-bit receive data.
        let rx = ins.iter().find(|p| p.0 == "rx_data").unwrap();
        assert_eq!(rx.1, 2 * 66);
        assert!(v.contains(".clock(clock)"));
    }
}
