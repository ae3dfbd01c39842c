"""The asyncio bridge's costs: one `await machine.run()` round trip against
`run_sync`, many concurrent machines against one doing the same work, and
host memory per idle machine. Measures only; nothing here asserts a speed.

    pytest benches/bench_async.py --benchmark-only
"""

from __future__ import annotations

import asyncio
import gc
import os
import time
from pathlib import Path

import vmjit

GUEST = Path(__file__).resolve().parent.parent / "tests" / "guest" / "bin"
BENCH = GUEST / "bench"
HELLO = GUEST / "hello"
MACHINES = 1000
ROUNDS_EACH = 10
# The instructions an awaited run executes before it moves to the pool
# (run.rs EAGER_SLICE), and the slice used to count switches.
EAGER_SLICE = 10_000
SMALL_SLICE = 1_000


def test_run_sync_round_trip(benchmark):
    """A zero-instruction run_sync: the cost of crossing into Rust and back."""
    m = vmjit.Machine.linux(HELLO, env={})
    benchmark(m.run_sync, 0)


AWAITS = 1000


def _per_await(benchmark, machine: vmjit.Machine, budget: int) -> None:
    """Time AWAITS awaits of `machine.run(budget)` inside one running event
    loop (so the loop's own start-up is not counted); the benchmark's times
    are per await."""
    loop = asyncio.new_event_loop()

    async def many():
        for _ in range(AWAITS):
            await machine.run(budget)

    try:
        benchmark.pedantic(lambda: loop.run_until_complete(many()), rounds=5, iterations=1)
    finally:
        loop.close()
    benchmark.extra_info["us_per_await"] = round(benchmark.stats.stats.median / AWAITS * 1e6, 2)


def test_await_round_trip(benchmark):
    """A zero-instruction await: it ends within the eager slice, so it
    crosses into Rust and back without a trip through the worker pool."""
    _per_await(benchmark, vmjit.Machine.linux(HELLO, env={}), 0)


def test_await_pool_round_trip(benchmark):
    """An await that outlasts the eager slice by one instruction, so its
    result comes back from the worker pool through the event loop."""
    m = vmjit.Machine.linux(BENCH, argv=[str(BENCH), "1000000"], env={}, engine="interp")
    _per_await(benchmark, m, EAGER_SLICE + 1)


def test_slice_switch_inside_rust(benchmark):
    """The cost of one slice switch on the pool: the same work in slices of
    SMALL_SLICE instructions against one slice, per extra switch."""
    work = 2_000_000

    def run(slice_instructions: int) -> float:
        m = _bench_machine(1000)
        m.run_sync(EAGER_SLICE)  # past start-up, so both runs do the same work
        start = time.perf_counter()
        asyncio.run(m.run(work, slice_instructions=slice_instructions))
        return time.perf_counter() - start

    def switches() -> float:
        return min(run(SMALL_SLICE) for _ in range(3)) - min(run(work) for _ in range(3))

    extra = benchmark.pedantic(switches, rounds=1, iterations=1)
    benchmark.extra_info["ns_per_switch"] = round(extra / (work // SMALL_SLICE - 1) * 1e9, 1)


def _bench_machine(rounds: int) -> vmjit.Machine:
    return vmjit.Machine.linux(BENCH, argv=[str(BENCH), str(rounds)], env={}, engine="interp")


def test_one_machine_total_work(benchmark):
    """One machine running all the rounds the concurrent test shares out."""

    def one():
        m = _bench_machine(MACHINES * ROUNDS_EACH)
        asyncio.run(m.run())
        return m.stats["instructions"]

    instructions = benchmark.pedantic(one, rounds=2, iterations=1)
    benchmark.extra_info["guest_instructions"] = instructions
    benchmark.extra_info["mips"] = round(instructions / benchmark.stats.stats.mean / 1e6, 1)


def test_many_machines_concurrently(benchmark):
    """MACHINES machines at once in one event loop, the same total rounds."""

    def many():
        machines = [_bench_machine(ROUNDS_EACH) for _ in range(MACHINES)]

        async def go():
            await asyncio.gather(*(m.run() for m in machines))

        asyncio.run(go())
        return sum(m.stats["instructions"] for m in machines)

    instructions = benchmark.pedantic(many, rounds=2, iterations=1)
    benchmark.extra_info["machines"] = MACHINES
    benchmark.extra_info["guest_instructions"] = instructions
    benchmark.extra_info["mips"] = round(instructions / benchmark.stats.stats.mean / 1e6, 1)


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def test_memory_per_idle_machine(benchmark):
    """Resident host memory per loaded, not yet run, machine."""

    def build():
        gc.collect()
        before = _rss_bytes()
        machines = [vmjit.Machine.linux(HELLO, env={}) for _ in range(MACHINES)]
        after = _rss_bytes()
        del machines
        return (after - before) / MACHINES

    per_machine = benchmark.pedantic(build, rounds=1, iterations=1)
    benchmark.extra_info["kib_per_machine"] = round(per_machine / 1024, 1)
