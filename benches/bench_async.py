"""The asyncio bridge's costs: one `await machine.run()` round trip against
`run_sync`, many concurrent machines against one doing the same work, and
host memory per idle machine. Measures only; nothing here asserts a speed.

    pytest benches/bench_async.py --benchmark-only
"""

from __future__ import annotations

import asyncio
import gc
import os
from pathlib import Path

import vmjit

GUEST = Path(__file__).resolve().parent.parent / "tests" / "guest" / "bin"
BENCH = GUEST / "bench"
HELLO = GUEST / "hello"
MACHINES = 1000
ROUNDS_EACH = 10


def test_run_sync_round_trip(benchmark):
    """A zero-instruction run_sync: the cost of crossing into Rust and back."""
    m = vmjit.Machine.linux(HELLO, env={})
    benchmark(m.run_sync, 0)


def test_await_round_trip(benchmark):
    """A zero-instruction await: the run goes to the worker pool and its
    result comes back through the event loop."""
    m = vmjit.Machine.linux(HELLO, env={})
    loop = asyncio.new_event_loop()
    try:
        benchmark(lambda: loop.run_until_complete(m.run(0)))
    finally:
        loop.close()


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
