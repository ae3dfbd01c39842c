"""Real programs: Debian's riscv64 CPython and xz (fetched by
scripts/fetch-debian-corpus) under vmjit's default engine ("auto": the
tiered JIT) and under qemu-riscv64 on the same binaries with the same
sysroot. Measures only; nothing here asserts a speed.

    pytest benches/bench_corpus.py --benchmark-only

Each qemu benchmark records in extra_info the ratio vmjit time / qemu time
of its workload (above 1: vmjit is slower).
"""

from __future__ import annotations

import os
import random
import shutil
import subprocess
from pathlib import Path

import pytest

import vmjit

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("VMJIT_CORPUS") or ROOT / ".corpus" / "debian-riscv64")
PYTHON = CORPUS / "usr" / "bin" / "python3.13"
XZ = CORPUS / "usr" / "bin" / "xz"
QEMU = shutil.which("qemu-riscv64")
ENV = {"PATH": "/usr/bin:/bin", "LC_ALL": "C"}

#: A CPU-bound CPython loop: a few million iterations of bytecode.
LOOP = "t = 0\nfor i in range(3_000_000):\n    t += i\nprint(t)"
LOOP_OUT = b"4499998500000\n"
#: Size of the generated file of the xz round trip.
XZ_SIZE = 4 << 20

pytestmark = pytest.mark.skipif(
    not (PYTHON.exists() and XZ.exists()),
    reason=f"no Debian riscv64 corpus in {CORPUS}: run scripts/fetch-debian-corpus",
)
needs_qemu = pytest.mark.skipif(QEMU is None, reason="qemu-riscv64 is not on PATH: no peer to compare with")

#: Mean vmjit time per workload, filled by the vmjit benchmarks for the qemu ones.
_vmjit_mean: dict = {}


def vmjit_run(program: Path, args, stdin: bytes = b"") -> bytes:
    m = vmjit.Machine.linux(program, argv=[program.name, *args], env=ENV, stdin=stdin, sysroot=CORPUS)
    stop = m.run_sync()
    if (stop.kind, stop.exit_code) != ("exited", 0):
        raise RuntimeError(f"{program.name} failed: {stop.message}: {m.stderr!r}")
    return m.stdout


def qemu_run(program: Path, args, stdin: bytes = b"") -> bytes:
    cmd = [QEMU, "-L", str(CORPUS), "-0", program.name, str(program), *args]
    return subprocess.run(cmd, input=stdin, capture_output=True, check=True, env=ENV).stdout


def xz_input() -> bytes:
    rng = random.Random(7)
    words = [b"riscv", b"vmjit", b"block", b"cache", b"hart", b"trap", b"page", b"table"]
    lines = []
    size = 0
    while size < XZ_SIZE:
        line = b"%d %s\n" % (rng.randrange(1 << 20), b" ".join(rng.choices(words, k=8)))
        lines.append(line)
        size += len(line)
    return b"".join(lines)[:XZ_SIZE]


def xz_round_trip(run) -> bytes:
    data = xz_input()
    packed = run(XZ, ["-T1", "-c", "-6"], data)
    unpacked = run(XZ, ["-T1", "-dc"], packed)
    if unpacked != data:
        raise RuntimeError("the xz round trip changed the data")
    return packed


def record_ratio(benchmark, name: str) -> None:
    if name in _vmjit_mean:
        benchmark.extra_info["vmjit_over_qemu_time"] = round(_vmjit_mean[name] / benchmark.stats.stats.mean, 2)


def test_cpython_loop_vmjit(benchmark):
    out = benchmark.pedantic(lambda: vmjit_run(PYTHON, ["-S", "-c", LOOP]), rounds=3, iterations=1)
    assert out == LOOP_OUT
    _vmjit_mean["cpython_loop"] = benchmark.stats.stats.mean


@needs_qemu
def test_cpython_loop_qemu(benchmark):
    out = benchmark.pedantic(lambda: qemu_run(PYTHON, ["-S", "-c", LOOP]), rounds=3, iterations=1)
    assert out == LOOP_OUT
    record_ratio(benchmark, "cpython_loop")


def test_xz_round_trip_vmjit(benchmark):
    packed = benchmark.pedantic(lambda: xz_round_trip(vmjit_run), rounds=3, iterations=1)
    benchmark.extra_info["compressed_bytes"] = len(packed)
    _vmjit_mean["xz_round_trip"] = benchmark.stats.stats.mean


@needs_qemu
def test_xz_round_trip_qemu(benchmark):
    packed = benchmark.pedantic(lambda: xz_round_trip(qemu_run), rounds=3, iterations=1)
    benchmark.extra_info["compressed_bytes"] = len(packed)
    record_ratio(benchmark, "xz_round_trip")
