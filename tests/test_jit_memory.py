"""Compiled code is given back when its machine goes: a process that creates
machine after machine under the JIT (as `vmjit bench` does for its start-up
workload) must not pile up code mappings until the kernel refuses more."""

from __future__ import annotations

import sys

import pytest

import vmjit

MACHINES = 100


def _mappings() -> int:
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="counts mappings in /proc/self/maps")
def test_dropped_machines_unmap_their_code(guest):
    program = guest("count_loop")
    before = _mappings()
    for _ in range(MACHINES):
        m = vmjit.Machine.linux(program, env={}, engine="jit")
        m.run_sync()
        assert m.stats["blocks_compiled"] > 0
        del m
    # Each machine maps at least its dispatcher and one block; a few new
    # mappings (allocator arenas, thread stacks) are the process's own.
    assert _mappings() - before < MACHINES // 4
