#!/usr/bin/env python3
"""Compile an xpo SystemRDL export with systemrdl-compiler and print, as JSON,
the absolute address and reset value of every register field, so the Rust
tests can compare them with the register map."""
import json
import sys

from systemrdl import RDLCompileError, RDLCompiler
from systemrdl.node import FieldNode


def main() -> int:
    if len(sys.argv) != 2:
        print("usage: rdl_check.py FILE.rdl", file=sys.stderr)
        return 2
    rdlc = RDLCompiler()
    try:
        rdlc.compile_file(sys.argv[1])
        root = rdlc.elaborate()
    except RDLCompileError:
        return 1
    fields = {}
    for node in root.descendants():
        if isinstance(node, FieldNode):
            reg = node.parent
            fields[node.get_path()] = {
                "address": reg.absolute_address,
                "lsb": node.lsb,
                "msb": node.msb,
                "reset": node.get_property("reset"),
                "sw": node.get_property("sw").name,
                "hw": node.get_property("hw").name,
                "hwset": bool(node.get_property("hwset")),
                "singlepulse": bool(node.get_property("singlepulse")),
            }
    json.dump(fields, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
