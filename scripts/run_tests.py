#!/usr/bin/env python3
"""Runs every test executable of the workspace, several at a time.

`cargo test` runs one test executable after another. Ours are few and
unequal (a place-and-route floor, rust-hdl conformance, lockstep runs of
minutes next to ones of milliseconds), so one core idles while a long
executable's last test runs. This runs the executables themselves, as
many at a time as there are cores, the slowest first, each in its
package's directory as `cargo test` would, and prints each one's output
when it ends.

Input: the JSON lines of `cargo test --no-run --message-format=json` on
stdin. Exit status: 0 when every executable passed, 1 otherwise. Extra
arguments are passed to every test executable.
"""

import concurrent.futures
import json
import os
import subprocess
import sys
import threading
import time

# Started first: the executables that took longest in the last measured
# clean-clone run (docs/measurements.md), so the short ones fill the gaps.
SLOW_FIRST = [
    "verilog_checks",
    "mgmt_conformance",
    "scenarios",
    "serve",
    "lockstep_retimer",
    "lockstep_link",
    "lockstep_mgmt",
    "lockstep_lasers",
    "runtime_models",
    "proptest_prbs",
    "cli",
]


def executables(lines):
    seen = set()
    for line in lines:
        try:
            msg = json.loads(line)
        except json.JSONDecodeError:
            continue
        if msg.get("reason") != "compiler-artifact" or not msg.get("profile", {}).get("test"):
            continue
        exe = msg.get("executable")
        if not exe or exe in seen:
            continue
        seen.add(exe)
        name = msg["target"]["name"]
        cwd = os.path.dirname(msg["manifest_path"])
        yield name, exe, cwd


def main():
    tests = list(executables(sys.stdin))
    if not tests:
        print("run_tests: no test executables in the cargo output", file=sys.stderr)
        return 1
    rank = {n: i for i, n in enumerate(SLOW_FIRST)}
    tests.sort(key=lambda t: (rank.get(t[0], len(SLOW_FIRST)), t[0]))
    jobs = max(1, os.cpu_count() or 1)
    lock = threading.Lock()
    extra = sys.argv[1:]

    def run(test):
        name, exe, cwd = test
        start = time.monotonic()
        p = subprocess.run(
            [exe, *extra], cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        took = time.monotonic() - start
        with lock:
            print(f"\n===== {name} ({os.path.basename(exe)}): {took:.1f} s, exit {p.returncode}")
            sys.stdout.write(p.stdout.decode(errors="replace"))
            sys.stdout.flush()
        return name, p.returncode, took

    with concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        results = list(pool.map(run, tests))
    failed = [n for n, code, _ in results if code != 0]
    print("\n===== test executables, slowest first:")
    for n, code, took in sorted(results, key=lambda r: -r[2]):
        print(f"  {took:8.1f} s  {'ok  ' if code == 0 else 'FAIL'}  {n}")
    if failed:
        print(f"FAILED: {', '.join(failed)}")
        return 1
    print(f"all {len(results)} test executables passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
