"""The round trip of one guest access to a device written in Python
(`Machine.map_mmio`): a system-mode guest loads ACCESSES words from a
mapped device, against the same loop loading from RAM. Measures only;
nothing here asserts a speed.

    pytest benches/bench_devices.py --benchmark-only
"""

from __future__ import annotations

import asyncio
from pathlib import Path

import vmjit

LOOP = Path(__file__).resolve().parent.parent / "rust" / "core" / "tests" / "system_data" / "mmio_loop.elf"
DEV = 0x4000_0000
RAM_WORD = 0x8000_8000
ACCESSES = 2000


class SyncDevice:
    def read(self, offset: int, size: int) -> int:
        return 7

    def write(self, offset: int, size: int, value: int) -> None:
        pass


class AsyncDevice:
    async def read(self, offset: int, size: int) -> int:
        return 7

    async def write(self, offset: int, size: int, value: int) -> None:
        pass


def _machine(addr: int, device=None) -> vmjit.Machine:
    m = vmjit.Machine.system(LOOP, memory="1M", engine="interp")
    if device is not None:
        m.map_mmio(DEV, 0x1000, device)
    m.regs.x[8] = addr
    m.regs.x[9] = ACCESSES
    return m


def _check(stop: vmjit.StopReason, m: vmjit.Machine, value: int) -> None:
    assert (stop.kind, stop.exit_code) == ("exited", 0), stop.message
    assert m.regs.x[10] == value


def _per_access(benchmark) -> None:
    benchmark.extra_info["us_per_access"] = round(benchmark.stats.stats.median / ACCESSES * 1e6, 2)


def test_ram_loop_baseline(benchmark):
    """The same loop on a RAM word: what the guest costs without Python."""

    def run():
        m = _machine(RAM_WORD)
        _check(m.run_sync(), m, 0)

    benchmark.pedantic(run, rounds=5, iterations=1)
    _per_access(benchmark)


def test_sync_device_under_run_sync(benchmark):
    """A plain `read` method served by `run_sync`."""

    def run():
        m = _machine(DEV, SyncDevice())
        _check(m.run_sync(), m, 7)

    benchmark.pedantic(run, rounds=5, iterations=1)
    _per_access(benchmark)


def _awaited(device) -> None:
    def run():
        m = _machine(DEV, device)
        _check(asyncio.run(m.run()), m, 7)

    return run


def test_sync_device_under_await(benchmark):
    """A plain `read` method served by `await machine.run()`."""
    benchmark.pedantic(_awaited(SyncDevice()), rounds=5, iterations=1)
    _per_access(benchmark)


def test_async_device_under_await(benchmark):
    """A coroutine `read` method awaited by `await machine.run()`."""
    benchmark.pedantic(_awaited(AsyncDevice()), rounds=5, iterations=1)
    _per_access(benchmark)
