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


FAIR_MACHINES = int(os.environ.get("VMJIT_BENCH_MACHINES", "10000"))
FAIR_SLICE = 10_000
FAIR_SECONDS = 5.0


async def _progress_after(machines: list, priorities: list, seconds: float) -> list:
    """Run every machine (for ever) at its priority, and return the
    instructions each ran in the next `seconds` of wall time once all have
    started (machines started first would otherwise be ahead by however
    long it took to start the rest)."""
    tasks = [
        asyncio.ensure_future(m.run(slice_instructions=FAIR_SLICE, priority=p)) for m, p in zip(machines, priorities)
    ]
    # One turn of the loop starts every task: each has reached the pool.
    await asyncio.sleep(0)
    start = [m.progress for m in machines]
    await asyncio.sleep(seconds)
    # Read at one instant: cancelling thousands of tasks takes a while, and
    # the machines cancelled last would keep running meanwhile.
    end = [m.progress for m in machines]
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return [e - s for s, e in zip(start, end)]


def _endless_machines(n: int) -> list:
    return [_bench_machine(10**9) for _ in range(n)]


def test_fairness_of_many_machines(benchmark):
    """FAIR_MACHINES machines of equal priority share the pool for a fixed
    wall time: the progress imbalance is max/min instructions run in that
    time, less 1."""

    def measure():
        machines = _endless_machines(FAIR_MACHINES)
        return asyncio.run(_progress_after(machines, [1] * len(machines), FAIR_SECONDS))

    done = benchmark.pedantic(measure, rounds=1, iterations=1)
    benchmark.extra_info["machines"] = FAIR_MACHINES
    benchmark.extra_info["min_instructions"] = min(done)
    benchmark.extra_info["max_instructions"] = max(done)
    benchmark.extra_info["imbalance_percent"] = round((max(done) / max(min(done), 1) - 1) * 100, 1)


def test_priority_shares(benchmark):
    """Machines of priority 1, 2 and 4, as many of each, share the pool for
    a fixed wall time: the instructions each group ran, relative to the
    priority-1 group."""
    per_group = 100

    def measure():
        machines = _endless_machines(3 * per_group)
        priorities = [1] * per_group + [2] * per_group + [4] * per_group
        return asyncio.run(_progress_after(machines, priorities, FAIR_SECONDS))

    done = benchmark.pedantic(measure, rounds=1, iterations=1)
    groups = [sum(done[i * per_group : (i + 1) * per_group]) for i in range(3)]
    benchmark.extra_info["share_priority_2"] = round(groups[1] / groups[0], 2)
    benchmark.extra_info["share_priority_4"] = round(groups[2] / groups[0], 2)
