#!/usr/bin/env python3
"""A host for `xpo serve`, standard library only.

`ServedModule.read(addr, n)` and `.write(addr, data)` are the two callbacks
a module-management library (SONiC's sonic-platform-base `XcvrApi` over
optoe, for example) asks of a transceiver: linear optoe addresses, the
lower page at 0..127 and upper page P of bank B at (B*256 + P)*128 + byte.
`RegisterMap` finds fields by name in the map `xpo regmap --format json`
writes, so nothing here re-types an offset.

Run as a script, it does what a host does with a new module:

1. waits for ModuleReady;
2. brings the data path up on every lane the CMIS way (DPDeinit, AppSel
   1 into the staged set, ApplyDPInit, DPDeinit cleared) and reads
   DPActivated;
3. enables every laser lane with its fiber checked and a power setpoint,
   waits, and checks LaneState on and each power monitor within 2 % of
   its setpoint.

    xpo regmap --format json --out map.json
    xpo serve &
    python3 examples/serve_client.py --map map.json [--server 127.0.0.1:5050]

Exit status 0 when every step held, 1 otherwise.
"""

import argparse
import json
import socket
import sys


class ServedModule:
    """One connection to `xpo serve`."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port))
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.file = self.sock.makefile("rw", newline="\n")

    def command(self, line):
        self.file.write(line + "\n")
        self.file.flush()
        answer = self.file.readline().rstrip("\r\n")
        if answer.startswith("ERR "):
            raise RuntimeError(f"xpo serve refused {line!r}: {answer[4:]}")
        if not answer.startswith("OK"):
            raise RuntimeError(f"xpo serve answered {answer!r} to {line!r}")
        return answer[2:].strip()

    # The two callbacks a host library needs.
    def read(self, addr, n):
        return bytes.fromhex(self.command(f"R {addr} {n}"))

    def write(self, addr, data):
        self.command(f"W {addr} {bytes(data).hex()}")
        return True

    def pin(self, name, level):
        self.command(f"PIN {name} {int(bool(level))}")

    def step(self, cycles):
        self.command(f"STEP {cycles}")

    def time_ns(self):
        return int(self.command("TIME"))


class RegisterMap:
    """Fields by name, as `xpo regmap --format json` lists them."""

    def __init__(self, path):
        with open(path) as f:
            m = json.load(f)
        self.fields = {f["name"]: f for f in m["fields"]}
        self.banks = {p["page"]: p["banks"] for p in m["pages"]}

    def target(self, name, lane=0):
        """(linear address, bytes, lsb, width) of one lane's value."""
        f = self.fields[name]
        bitmap = f["encoding"] == "lane_bitmap"
        per_bank = 8 * f["count"] if bitmap else f["count"]
        bank, idx = divmod(lane, per_bank)
        inst, bit = (idx // 8, idx % 8) if bitmap else (idx, None)
        at = f["lsb"] + inst * f["stride_bits"]
        byte, lsb = f["byte"] + at // 8, at % 8
        if bit is not None:
            lsb, width = lsb + bit, 1
        else:
            width = f["width"]
        if byte < 128:
            addr = byte
        else:
            addr = (bank * 256 + f["page"]) * 128 + byte
        return addr, f["len"], lsb, width

    def read(self, module, name, lane=0):
        addr, n, lsb, width = self.target(name, lane)
        raw = int.from_bytes(module.read(addr, n), "big")
        return (raw >> lsb) & ((1 << width) - 1)

    def write(self, module, name, value, lane=0):
        addr, n, lsb, width = self.target(name, lane)
        if n == 1 and width < 8:
            old = module.read(addr, 1)[0]
            mask = ((1 << width) - 1) << lsb
            value = (old & ~mask) | ((value << lsb) & mask)
        module.write(addr, value.to_bytes(n, "big"))


def wait_for(module, what, check, polls=200, step=2_000):
    """Polls `check()` until true, letting the module run between polls."""
    for _ in range(polls):
        if check():
            print(f"  {what} at {module.time_ns() / 1000:.1f} us")
            return True
        module.step(step)
    print(f"  {what}: not reached")
    return False


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--server", default="127.0.0.1:5050")
    ap.add_argument("--map", required=True, help="xpo regmap --format json output")
    ap.add_argument("--lanes", type=int, default=8)
    ap.add_argument("--laser-lanes", type=int, default=8)
    a = ap.parse_args()
    host, port = a.server.rsplit(":", 1)
    m = ServedModule(host, int(port))
    rm = RegisterMap(a.map)
    ok = True
    lanes, lasers = range(a.lanes), range(a.laser_lanes)

    print("1. module")
    ok &= wait_for(m, "ModuleReady", lambda: rm.read(m, "ModuleState") == 3)

    print("2. data path, the CMIS way")
    for name in ("DPDeinit", "TxDisable"):
        for lane in lanes:
            rm.write(m, name, 1, lane)
    ok &= wait_for(m, "DPDeactivated", lambda: all(rm.read(m, "DPState", l) == 1 for l in lanes))
    for lane in lanes:
        rm.write(m, "DPConfig", 1 << 4, lane)  # AppSel 1 into staged set 0
    for lane in lanes:
        rm.write(m, "ApplyDPInit", 1, lane)
    ok &= wait_for(m, "ConfigSuccess", lambda: all(rm.read(m, "ConfigStatus", l) == 1 for l in lanes))
    for lane in lanes:
        rm.write(m, "DPDeinit", 0, lane)
    for lane in lanes:
        rm.write(m, "TxDisable", 0, lane)
    ok &= wait_for(m, "DPActivated", lambda: all(rm.read(m, "DPState", l) == 4 for l in lanes))

    print("3. lasers")
    setpoints = {g: 5_000 + 500 * g for g in lasers}  # 10 uW units: 50 mW and up
    for g in lasers:
        rm.write(m, "PowerSetpoint", setpoints[g], g)
        rm.write(m, "OutputFiberChecked", 1, g)
    for g in lasers:
        rm.write(m, "LaneEnable", 1, g)
    ok &= wait_for(m, "LaneState on", lambda: all(rm.read(m, "LaneState", g) == 2 for g in lasers), step=20_000)
    m.step(20_000)
    for g in lasers:
        p = rm.read(m, "PowerMonitor", g)
        within = abs(p - setpoints[g]) <= 0.02 * setpoints[g]
        ok &= within
        print(f"  laser {g}: power monitor {p / 100:.2f} mW, setpoint {setpoints[g] / 100:.2f} mW, {'ok' if within else 'OFF BY MORE THAN 2 %'}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
