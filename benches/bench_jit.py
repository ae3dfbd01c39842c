"""JIT speed on CPU-bound guests built -O2 for rv64gc: the integer mix
(tests/guest/src/bench.c) and the floating-point kernel (fpbench.c), each
under vmjit's engines interp, jit and auto, and under qemu-riscv64 (when
installed) as the peer, side by side in one run. Measures only; nothing here
asserts a speed.

    pytest benches/bench_jit.py --benchmark-only

extra_info records guest instructions and MIPS (instructions / mean time);
for jit and auto also the JIT's stats (blocks compiled, compile time total
and median per block, chain hits, instructions run compiled); for qemu the
ratios of each vmjit engine's mean time over qemu's (below 1: vmjit faster)
and whether the outputs agree.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import vmjit

BIN = Path(__file__).resolve().parent.parent / "tests" / "guest" / "bin"
#: Guest rounds per program: bench retires ~72.6k instructions a round
#: (~435 million a run), fpbench ~26.6k (~80 million: its floating-point
#: instructions run through softfloat under every engine, at a few tens of
#: MIPS, so it gets fewer).
PROGRAMS = {"bench": 6_000, "fpbench": 3_000}
ENGINES = ("interp", "jit", "auto")
QEMU = shutil.which("qemu-riscv64")

#: (program, engine) -> (mean seconds, instructions, stdout), for the
#: qemu benchmark's ratios. Tests run in the order they are defined.
_results: dict = {}


def argv(program: str) -> list:
    return [str(BIN / program), str(PROGRAMS[program])]


def run_vmjit(program: str, engine: str) -> vmjit.Machine:
    m = vmjit.Machine.linux(BIN / program, argv=argv(program), env={}, engine=engine)
    stop = m.run_sync()
    if (stop.kind, stop.exit_code) != ("exited", 0):
        raise RuntimeError(f"{program} did not finish: {stop.message}")
    return m


# Interp first, so the others can record their speed-up over it.
@pytest.mark.parametrize(("program", "engine"), [(p, e) for p in PROGRAMS for e in ENGINES])
def test_vmjit(benchmark, program, engine):
    benchmark.group = program
    machine = benchmark.pedantic(run_vmjit, args=(program, engine), rounds=3, iterations=1, warmup_rounds=0)
    s = machine.stats
    mean = benchmark.stats.stats.mean
    _results[program, engine] = (mean, s["instructions"], machine.stdout)
    info = benchmark.extra_info
    info["guest_instructions"] = s["instructions"]
    info["mips"] = round(s["instructions"] / mean / 1e6, 1)
    info["checksum"] = machine.stdout.decode().strip()
    if engine != "interp":
        info["blocks_compiled"] = s["blocks_compiled"]
        info["blocks_unsupported"] = s["blocks_unsupported"]
        info["compile_time_s"] = round(s["compile_time"], 4)
        info["compile_time_median_us"] = round(s["compile_time_median"] * 1e6, 1)
        info["chain_hits"] = s["chain_hits"]
        info["jit_entries"] = s["jit_entries"]
        info["jit_instructions"] = s["jit_instructions"]
    if (program, "interp") in _results and engine != "interp":
        # How many times faster than the interpreter on the same binary.
        info["speedup_over_interp"] = round(_results[program, "interp"][0] / mean, 2)


@pytest.mark.skipif(QEMU is None, reason="qemu-riscv64 is not on PATH: no peer to compare with")
@pytest.mark.parametrize("program", PROGRAMS)
def test_qemu(benchmark, program):
    benchmark.group = program

    def run_qemu() -> bytes:
        return subprocess.run([QEMU, *argv(program)], capture_output=True, check=True, env={}).stdout

    out = benchmark.pedantic(run_qemu, rounds=3, iterations=1, warmup_rounds=0)
    mean = benchmark.stats.stats.mean
    info = benchmark.extra_info
    info["checksum"] = out.decode().strip()
    for engine in ENGINES:
        if (program, engine) not in _results:
            continue
        vm_mean, instructions, vm_out = _results[program, engine]
        info["guest_instructions"] = instructions
        info["qemu_mips"] = round(instructions / mean / 1e6, 1)
        info[f"{engine}_over_qemu_time"] = round(vm_mean / mean, 2)
        info[f"{engine}_same_output"] = vm_out == out
