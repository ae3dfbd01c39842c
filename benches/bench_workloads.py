"""The scoreboard's workloads (benches/guest) under pytest-benchmark: every
workload under every runner `vmjit bench` uses (vmjit's engines,
qemu-riscv64, the native build, Unicorn), through the same functions, so
regressions show with --benchmark-compare. Each run checks its checksum;
nothing here asserts a speed.

    pytest benches/bench_workloads.py --benchmark-only
    VMJIT_BENCH_QUICK=1 pytest benches/bench_workloads.py --benchmark-only   # CI sizes

extra_info records the size, guest instructions and MIPS (vmjit runners).
"""

from __future__ import annotations

import os

import pytest

from vmjit import bench

MODE = "quick" if os.environ.get("VMJIT_BENCH_QUICK") else "full"
#: Rounds per benchmark: the full sizes run for a second or more each.
ROUNDS = 1 if MODE == "quick" else 3
RUNNER_NAMES = [f"vmjit {e}" for e in bench.ENGINES] + ["qemu-riscv64", "native"]
CASES = [
    pytest.param(w, r, id=f"{w.name}-{r}")
    for w in bench.WORKLOADS
    for r in RUNNER_NAMES + (["unicorn"] if w.bare else [])
]


@pytest.mark.parametrize(("workload", "runner_name"), CASES)
def test_workload(benchmark, workload, runner_name):
    found, missing = bench.runners(workload)
    runner = next((r for r in found if r.name == runner_name), None)
    if runner is None:
        pytest.skip(next(m for m in missing if m.startswith(runner_name)))
    size = workload.size(MODE)
    run = benchmark.pedantic(runner.run, args=(workload, size), rounds=ROUNDS, iterations=1, warmup_rounds=0)
    benchmark.extra_info["size"] = size
    if run.instructions is not None:
        benchmark.extra_info["guest_instructions"] = run.instructions
        benchmark.extra_info["mips"] = round(run.instructions / run.seconds / 1e6, 1)
