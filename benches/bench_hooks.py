"""What hooks cost a machine that does not hit them: MIPS of the CPU-bound
guest with no hooks against the same guest with a breakpoint it never
reaches and a syscall hook on a syscall it never makes, per engine.

Runs of the two machines alternate (the plain one runs in the benchmark's
setup, timed by hand), so both see the same host load; ``extra_info`` holds
both MIPS figures and ``hooked_over_plain``, the ratio. Measures only;
nothing here asserts a speed.

    pytest benches/bench_hooks.py --benchmark-only
"""

from __future__ import annotations

import statistics
import time
from pathlib import Path

import pytest

import vmjit

BENCH = Path(__file__).resolve().parent.parent / "tests" / "guest" / "bin" / "bench"
ROUNDS = "300"  # about 22 million instructions
# An address the guest never executes (nothing is mapped there).
NEVER_RUN = 0x1000


def _machine(engine: str, hooked: bool) -> vmjit.Machine:
    m = vmjit.Machine.linux(BENCH, argv=["bench", ROUNDS], env={}, engine=engine)
    if hooked:
        m.add_breakpoint(NEVER_RUN)
        m.hook_syscall("nanosleep", lambda machine, call: 0)
    return m


def _run(m: vmjit.Machine) -> None:
    stop = m.run_sync()
    assert (stop.kind, stop.exit_code) == ("exited", 0)


@pytest.mark.parametrize("engine", [e for e in vmjit._core.available_engines() if e != "jit"])
def test_hooks_not_hit_cost_nothing(benchmark, engine):
    plain_times = []
    instructions = []

    def setup():
        plain = _machine(engine, hooked=False)
        t0 = time.perf_counter()
        _run(plain)
        plain_times.append(time.perf_counter() - t0)
        instructions.append(plain.stats["instructions"])
        return (_machine(engine, hooked=True),), {}

    benchmark.pedantic(_run, setup=setup, rounds=11, iterations=1)
    n = instructions[0]
    assert all(i == n for i in instructions)
    plain_mips = n / statistics.median(plain_times) / 1e6
    hooked_mips = n / benchmark.stats.stats.median / 1e6
    benchmark.extra_info["instructions"] = n
    benchmark.extra_info["plain_mips"] = round(plain_mips, 1)
    benchmark.extra_info["hooked_mips"] = round(hooked_mips, 1)
    benchmark.extra_info["hooked_over_plain"] = round(hooked_mips / plain_mips, 3)
