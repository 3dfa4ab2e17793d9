#!/usr/bin/env bash
# The full regression: formatting, lints, and every test (unit, lockstep
# cross-checks, property tests, Verilator lint and Yosys synthesis).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
# A missing Verilator must fail the build here, not quietly drop the RTL engine.
export XPO_REQUIRE_VERILATOR=1
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --release -- -D warnings
cargo test --workspace --release
