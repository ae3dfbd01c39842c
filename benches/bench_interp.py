"""Interpreter speed on a CPU-bound guest (tests/guest/src/bench.c): guest
instructions per second under vmjit's interpreter, and the same binary under
qemu-riscv64 (when installed) as the peer to compare with. Measures only;
nothing here asserts a speed.

    pytest benches --benchmark-only

extra_info records: guest instructions, MIPS (instructions / mean time), and
in the qemu benchmark the ratio vmjit time / qemu time.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

import vmjit

BENCH = Path(__file__).resolve().parent.parent / "tests" / "guest" / "bin" / "bench"
#: About 1.45 billion guest instructions (72.7k per round plus startup).
ROUNDS = 20_000
ARGV = [str(BENCH), str(ROUNDS)]
QEMU = shutil.which("qemu-riscv64")

#: Mean vmjit time per run, filled by the vmjit benchmark for the qemu one.
_results: dict = {}


def run_vmjit() -> vmjit.Machine:
    m = vmjit.Machine.linux(BENCH, argv=ARGV, env={}, engine="interp")
    stop = m.run_sync()
    if (stop.kind, stop.exit_code) != ("exited", 0):
        raise RuntimeError(f"bench did not finish: {stop.message}")
    return m


def test_interp_bench(benchmark):
    machine = benchmark.pedantic(run_vmjit, rounds=3, iterations=1, warmup_rounds=0)
    instructions = machine.stats["instructions"]
    mean = benchmark.stats.stats.mean
    _results["vmjit"] = (mean, instructions, machine.stdout)
    benchmark.extra_info["guest_instructions"] = instructions
    benchmark.extra_info["mips"] = round(instructions / mean / 1e6, 1)
    benchmark.extra_info["checksum"] = machine.stdout.decode().strip()


@pytest.mark.skipif(QEMU is None, reason="qemu-riscv64 is not on PATH: no peer to compare with")
def test_qemu_bench(benchmark):
    def run_qemu() -> bytes:
        return subprocess.run([QEMU, *ARGV], capture_output=True, check=True, env={}).stdout

    out = benchmark.pedantic(run_qemu, rounds=3, iterations=1, warmup_rounds=0)
    mean = benchmark.stats.stats.mean
    benchmark.extra_info["checksum"] = out.decode().strip()
    if "vmjit" in _results:
        vm_mean, instructions, vm_out = _results["vmjit"]
        benchmark.extra_info["guest_instructions"] = instructions
        benchmark.extra_info["qemu_mips"] = round(instructions / mean / 1e6, 1)
        # How many times slower vmjit's interpreter is than qemu on this binary.
        benchmark.extra_info["vmjit_over_qemu_time"] = round(vm_mean / mean, 2)
        benchmark.extra_info["same_output"] = vm_out == out
