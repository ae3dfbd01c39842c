"""System mode: the integer workload (benches/guest/src/intmix_core.c) as a
bare-metal image running in S mode under Sv39, against the same kernel as a
Linux program in user mode, and the cost of a page walk. Measures only;
nothing here asserts a speed.

    pytest benches/bench_system.py --benchmark-only
    VMJIT_BENCH_QUICK=1 pytest benches/bench_system.py --benchmark-only   # CI sizes

extra_info records, for each benchmark, guest instructions and MIPS (guest
instructions over the fastest round, machine construction included, so
that other load on the host disturbs the ratios least); for
the system run also the host-pointer TLB's hit rate, the second-level
TLB's hits and misses, the page walks, and its MIPS as a fraction of the
user-mode MIPS of the same engine; for the page-walk bench the time of one
walk. Every run's checksum is checked.
"""

from __future__ import annotations

import os
import struct

import pytest

import vmjit
from vmjit import bench

MODE = "quick" if os.environ.get("VMJIT_BENCH_QUICK") else "full"
ROUNDS = 1 if MODE == "quick" else 3
INTMIX = bench.workload("intmix")
RAM_BASE = 0x8000_0000
#: Passes over the 512 pages of pagewalk_system.elf.
WALK_PASSES = 200 if MODE == "quick" else 4000

#: engine -> user-mode MIPS of intmix, for the system run's ratio. Tests
#: run in the order they are defined.
_user_mips: dict = {}


def guest(name: str) -> str:
    return str(bench.guest_dir() / "bin" / name)


def best_mips(benchmark, instructions: int) -> float:
    return instructions / benchmark.stats.stats.min / 1e6


def run_system(image: str, params: bytes) -> vmjit.Machine:
    """Boot `image`, store `params` where its header says, run it to its
    HTIF exit (benches/guest/src/system_entry.h)."""
    m = vmjit.Machine.system(image, memory="16M")
    params_addr, _ = struct.unpack("<QQ", m.memory.read(RAM_BASE + 8, 16))
    m.memory.write(params_addr, params)
    stop = m.run_sync()
    if (stop.kind, stop.exit_code) != ("exited", 0):
        raise RuntimeError(f"{image} did not finish: {stop.kind} {stop.message}")
    return m


def result(m: vmjit.Machine) -> int:
    _, result_addr = struct.unpack("<QQ", m.memory.read(RAM_BASE + 8, 16))
    return struct.unpack("<Q", m.memory.read(result_addr, 8))[0]


@pytest.mark.parametrize("engine", ["interp", "auto"])
def test_user_intmix(benchmark, engine):
    benchmark.group = "intmix user vs system"
    size = INTMIX.size(MODE)
    run = benchmark.pedantic(bench.run_vmjit(engine), args=(INTMIX, size), rounds=ROUNDS, iterations=1)
    _user_mips[engine] = best_mips(benchmark, run.instructions)
    benchmark.extra_info["guest_instructions"] = run.instructions
    benchmark.extra_info["mips"] = round(_user_mips[engine], 1)


def test_system_intmix(benchmark):
    benchmark.group = "intmix user vs system"
    size = INTMIX.size(MODE)
    m = benchmark.pedantic(
        run_system, args=(guest("intmix_system.elf"), struct.pack("<Q", size)), rounds=ROUNDS, iterations=1
    )
    got = f"{INTMIX.name} {size} {result(m) & 0xFFFF_FFFF:08x}\n".encode()
    assert got == bench.expected_output(INTMIX, size)
    s = m.stats
    system_mips = best_mips(benchmark, s["instructions"])
    info = benchmark.extra_info
    info["guest_instructions"] = s["instructions"]
    info["mips"] = round(system_mips, 1)
    info["tlb_hit_rate"] = round(s["tlb_hits"] / (s["tlb_hits"] + s["tlb_misses"]), 6)
    info["tlb_hits"] = s["tlb_hits"]
    info["tlb_misses"] = s["tlb_misses"]
    info["tlb_l2_hits"] = s["tlb_l2_hits"]
    info["tlb_l2_misses"] = s["tlb_l2_misses"]
    info["page_walks"] = s["page_walks"]
    # System mode runs on the interpreter: the like-for-like peer is the
    # user-mode interpreter; auto (the JIT) is recorded beside it.
    for engine, user in _user_mips.items():
        info[f"mips_over_user_{engine}"] = round(system_mips / user, 3)


def test_page_walk(benchmark):
    """Two runs of pagewalk_system.elf: with an sfence.vma before each pass
    every read walks the page table, without it every read is served by the
    second-level TLB. The difference per extra walk is the walk's cost."""
    image = guest("pagewalk_system.elf")
    pages = 512
    #: Each round's run times, fenced and unfenced: the fastest of each
    #: is used, as for MIPS.
    times: list = []

    def both():
        fenced = run_system(image, struct.pack("<QQ", WALK_PASSES, 1))
        unfenced = run_system(image, struct.pack("<QQ", WALK_PASSES, 0))
        times.append((fenced.stats["run_time"], unfenced.stats["run_time"]))
        return fenced, unfenced

    fenced, unfenced = benchmark.pedantic(both, rounds=ROUNDS, iterations=1)
    expected_sum = WALK_PASSES * pages * (pages + 1) // 2
    assert result(fenced) == result(unfenced) == expected_sum
    f, u = fenced.stats, unfenced.stats
    assert f["page_walks"] >= WALK_PASSES * pages
    extra_walks = f["page_walks"] - u["page_walks"]
    info = benchmark.extra_info
    info["page_walks_fenced"] = f["page_walks"]
    info["page_walks_unfenced"] = u["page_walks"]
    info["tlb_l2_hits_unfenced"] = u["tlb_l2_hits"]
    fenced_time = min(t for t, _ in times)
    unfenced_time = min(t for _, t in times)
    info["run_time_fenced_s"] = round(fenced_time, 4)
    info["run_time_unfenced_s"] = round(unfenced_time, 4)
    # Upper bound: the whole fenced run (instructions, fences, block
    # re-decoding after each fence included) per walk.
    info["ns_per_walk_all_in"] = round(fenced_time / f["page_walks"] * 1e9, 1)
    # The walk's own cost: what the fenced run spent beyond the unfenced one.
    info["ns_per_walk"] = round((fenced_time - unfenced_time) / extra_walks * 1e9, 1)
