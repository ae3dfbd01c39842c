"""Engine internals for the scoreboard: what the workload runs' statistics
say about the JIT, the block cache and the TLB, and what the asyncio bridge
costs (round trips, many machines at once, memory per idle machine)."""

from __future__ import annotations

import asyncio
import gc
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, List, Optional, Tuple

from vmjit.machine import Machine, StopReason

if TYPE_CHECKING:
    from vmjit.bench import Scoreboard

#: Machines for the many-machines and idle-memory measurements, and round
#: trips timed per round-trip figure.
MACHINES = {"quick": 100, "full": 1000}
ROUND_TRIPS = {"quick": 300, "full": 3000}
#: Rounds of the integer workload each of the many machines runs.
ROUNDS_EACH = 2


@dataclass
class EngineRow:
    """One workload's internals: the JIT figures come from its `vmjit jit`
    run, the cache and TLB hit rates from its `vmjit interp` run (compiled
    code probes the TLB inline and chains blocks without a lookup, so only
    the interpreter's counts cover every access and every block)."""

    workload: str
    blocks_compiled: Optional[int] = None
    compile_median_us: Optional[float] = None
    compile_total_ms: Optional[float] = None
    block_cache_hit: Optional[float] = None
    jump_cache_hit: Optional[float] = None
    tlb_hit: Optional[float] = None


@dataclass
class Internals:
    rows: List[EngineRow] = field(default_factory=list)
    run_sync_us: float = 0.0
    await_us: float = 0.0
    machines: int = 0
    one_machine_mips: float = 0.0
    many_machines_mips: float = 0.0
    idle_kib: float = 0.0


def _ratio(part: int, whole: int) -> Optional[float]:
    return part / whole if whole else None


def engine_rows(board: "Scoreboard") -> List[EngineRow]:
    rows = {}
    for r in board.results:
        s = r.run.stats
        if s is None:
            continue
        row = rows.setdefault(r.workload, EngineRow(r.workload))
        if r.runner == "vmjit jit":
            row.blocks_compiled = s["blocks_compiled"]
            row.compile_median_us = s["compile_time_median"] * 1e6
            row.compile_total_ms = s["compile_time"] * 1e3
        elif r.runner == "vmjit interp":
            # A lookup that finds its block decoded already is a hit.
            row.block_cache_hit = _ratio(s["block_lookups"] - s["blocks_decoded"], s["block_lookups"])
            row.jump_cache_hit = _ratio(s["jump_cache_hits"], s["block_lookups"])
            row.tlb_hit = _ratio(s["tlb_hits"], s["tlb_hits"] + s["tlb_misses"])
    return list(rows.values())


def round_trips(program: Path, count: int) -> Tuple[float, float]:
    """Mean seconds of a zero-instruction `run_sync` and of a zero-instruction
    ``await run()``: the cost of crossing into Rust, and of going through the
    worker pool and the event loop as well."""
    m = Machine.linux(program, env={})
    start = time.perf_counter()
    for _ in range(count):
        m.run_sync(0)
    sync = (time.perf_counter() - start) / count

    async def awaits() -> float:
        start = time.perf_counter()
        for _ in range(count):
            await m.run(0)
        return (time.perf_counter() - start) / count

    return sync, asyncio.run(awaits())


def _intmix(program: Path, rounds: int) -> Machine:
    # The interpreter for both sides: with the JIT, the long run would also
    # win by compiling its hot blocks, which short runs never reach.
    return Machine.linux(program, argv=[str(program), str(rounds)], env={}, engine="interp")


def _finished(stops: List[StopReason]) -> None:
    for stop in stops:
        if stop.kind != "exited" or stop.exit_code != 0:
            raise RuntimeError(f"a throughput machine did not finish: {stop.message}")


def throughput(program: Path, machines: int) -> Tuple[float, float]:
    """Guest MIPS of one machine doing all the work, and of ``machines``
    machines sharing it out, all awaited together in one event loop."""
    one = _intmix(program, machines * ROUNDS_EACH)
    start = time.perf_counter()
    _finished([asyncio.run(one.run())])
    one_mips = one.stats["instructions"] / (time.perf_counter() - start) / 1e6

    many = [_intmix(program, ROUNDS_EACH) for _ in range(machines)]

    async def all_of_them() -> List[StopReason]:
        return await asyncio.gather(*(m.run() for m in many))

    start = time.perf_counter()
    stops = asyncio.run(all_of_them())
    seconds = time.perf_counter() - start
    _finished(stops)
    many_mips = sum(m.stats["instructions"] for m in many) / seconds / 1e6
    return one_mips, many_mips


def _rss_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def _idle_memory_here(program: Path, machines: int) -> float:
    gc.collect()
    before = _rss_bytes()
    kept = [Machine.linux(program, env={}) for _ in range(machines)]
    return (_rss_bytes() - before) / len(kept)


def idle_memory(program: Path, machines: int) -> float:
    """Resident host bytes per loaded, not yet run, machine, measured in a
    fresh process: in this one, memory freed by the workload runs would be
    reused and hide the growth."""
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(_idle_memory_here, (program, machines))


def measure(mode: str, program: Path, board: "Scoreboard") -> Internals:
    sync, awaited = round_trips(program, ROUND_TRIPS[mode])
    one, many = throughput(program, MACHINES[mode])
    return Internals(
        rows=engine_rows(board),
        run_sync_us=sync * 1e6,
        await_us=awaited * 1e6,
        machines=MACHINES[mode],
        one_machine_mips=one,
        many_machines_mips=many,
        idle_kib=idle_memory(program, MACHINES[mode]) / 1024,
    )
