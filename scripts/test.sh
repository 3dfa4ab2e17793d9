#!/usr/bin/env bash
# The full regression: formatting, lints, and every test (unit, lockstep
# cross-checks, property tests, Verilator lint and Yosys synthesis, register
# map exports checked by gcc and systemrdl-compiler, the one-lane engine
# placed and routed on ECP5 against its Fmax floor).
set -euo pipefail
cd "$(dirname "$0")/.."
XPO_RDL_PYTHON="$(scripts/deps.sh --fpga | tail -n 1)"
export XPO_RDL_PYTHON
# A missing Verilator must fail the build here, not quietly drop the RTL engine.
export XPO_REQUIRE_VERILATOR=1
# Likewise the ECP5 tools for the timing floor (tests/tests/verilog_checks.rs).
export XPO_REQUIRE_FPGA=1
cargo fmt --all -- --check
# Lints link nothing: the Verilator model's C++ build is skipped for them
# (XPO_SIM_CHECK_ONLY, sim/build.rs), the Rust side is checked whole.
XPO_SIM_CHECK_ONLY=1 cargo clippy --workspace --all-targets --release -- -D warnings
# Every test executable, as many at a time as there are cores, the slowest
# first (scripts/run_tests.py: `cargo test` would run them one after
# another and leave a core idle behind each long one), then the doc tests.
cargo test --workspace --release --no-run --message-format=json-render-diagnostics |
    "$XPO_RDL_PYTHON" scripts/run_tests.py
cargo test --workspace --release --doc
