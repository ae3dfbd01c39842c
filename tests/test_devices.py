"""Devices and demand paging served from Python: `Machine.map_mmio` and
`Machine.on_page_fault` on system-mode machines, with the bare-metal
programs mmio.S and lazy.S of rust/core/tests/system_data."""

from __future__ import annotations

import asyncio
import struct
from pathlib import Path

import pytest

import vmjit
from vmjit.machine import ENGINES as ENGINE_NAMES

DATA = Path(__file__).resolve().parent.parent / "rust" / "core" / "tests" / "system_data"
RAM = 0x8000_0000
DEV = 0x4000_0000
#: pc of mmio.S's first device access, `ld a0, 0(s0)`, and its encoding.
FIRST_ACCESS = RAM + 4
LD_A0_0_S0 = 0x00043503

COUNTER = [0x0123_4567_89AB_CDEF, 0x1111_1111_1111_1111]
SUM = sum(COUNTER)


def system_engines() -> list:
    """The engines that can run a system-mode machine in this build."""
    found = []
    for engine in ENGINE_NAMES:
        try:
            vmjit.Machine.system(DATA / "mmio.elf", memory="1M", engine=engine)
        except vmjit.EngineUnavailable:
            continue
        found.append(engine)
    return found


ENGINES = system_engines()


class Registers:
    """A counter register at 0 (each read returns the next value) and
    byte storage elsewhere; every access is logged."""

    def __init__(self) -> None:
        self.counter = list(COUNTER)
        self.bytes = bytearray(64)
        self.bytes[32] = 0x80
        self.bytes[40] = 10
        self.log: list = []

    def do_read(self, offset: int, size: int) -> int:
        self.log.append(("read", offset, size))
        if offset == 0:
            return self.counter.pop(0)
        return int.from_bytes(self.bytes[offset : offset + size], "little")

    def do_write(self, offset: int, size: int, value: int) -> None:
        self.log.append(("write", offset, size, value))
        self.bytes[offset : offset + size] = value.to_bytes(size, "little")


class SyncDevice(Registers):
    def read(self, offset: int, size: int) -> int:
        return self.do_read(offset, size)

    def write(self, offset: int, size: int, value: int) -> None:
        self.do_write(offset, size, value)


class AsyncDevice(Registers):
    async def read(self, offset: int, size: int) -> int:
        await asyncio.sleep(0)
        return self.do_read(offset, size)

    async def write(self, offset: int, size: int, value: int) -> None:
        await asyncio.sleep(0)
        self.do_write(offset, size, value)


EXPECTED_LOG = [
    ("read", 0, 8),
    ("read", 0, 8),
    ("write", 8, 8, SUM),
    ("write", 16, 1, SUM & 0xFF),
    ("write", 18, 2, SUM & 0xFFFF),
    ("write", 20, 4, SUM & 0xFFFF_FFFF),
    ("read", 16, 1),
    ("read", 18, 2),
    ("read", 20, 4),
    ("read", 32, 1),
    ("read", 40, 4),
    ("write", 40, 4, 15),
    ("read", 40, 4),
    ("write", 40, 4, 16),
]


def sign_extend(value: int, bits: int) -> int:
    value &= (1 << bits) - 1
    if value >> (bits - 1):
        value -= 1 << bits
    return value & 0xFFFF_FFFF_FFFF_FFFF


def check_mmio_pass(m: vmjit.Machine, stop: vmjit.StopReason, device: Registers) -> None:
    assert (stop.kind, stop.exit_code) == ("exited", 0), stop.message
    assert device.log == EXPECTED_LOG
    assert m.regs.x[10:18] == [
        COUNTER[0],
        COUNTER[1],
        SUM,
        SUM & 0xFF,
        sign_extend(SUM, 16),
        sign_extend(SUM, 32),
        sign_extend(0x80, 8),
        10,
    ]
    assert device.bytes[40] == 16


def mmio_machine(engine: str, device) -> vmjit.Machine:
    m = vmjit.Machine.system(DATA / "mmio.elf", memory="1M", engine=engine)
    m.map_mmio(DEV, 0x1000, device)
    return m


@pytest.mark.parametrize("engine", ENGINES)
def test_sync_device_under_run_sync(engine: str) -> None:
    device = SyncDevice()
    m = mmio_machine(engine, device)
    check_mmio_pass(m, m.run_sync(1_000_000), device)


@pytest.mark.parametrize("engine", ENGINES)
def test_async_device_under_run_sync(engine: str) -> None:
    device = AsyncDevice()
    m = mmio_machine(engine, device)
    check_mmio_pass(m, m.run_sync(1_000_000), device)


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
@pytest.mark.parametrize("kind", [SyncDevice, AsyncDevice])
async def test_device_under_await_run(engine: str, kind) -> None:
    device = kind()
    m = mmio_machine(engine, device)
    check_mmio_pass(m, await m.run(), device)


@pytest.mark.asyncio
async def test_device_under_events() -> None:
    device = AsyncDevice()
    m = mmio_machine("interp", device)
    events = [ev async for ev in m.events(slice_instructions=7)]
    check_mmio_pass(m, events[-1].stop, device)


@pytest.mark.asyncio
async def test_async_device_from_run_sync_inside_a_loop_is_a_clear_error() -> None:
    m = mmio_machine("interp", AsyncDevice())
    with pytest.raises(RuntimeError, match="await machine.run"):
        m.run_sync(1_000_000)
    assert m.regs.pc == FIRST_ACCESS


def test_budget_is_exact_across_device_accesses() -> None:
    device = SyncDevice()
    m = mmio_machine("interp", device)
    # lui, ld, ld, add, sd: the budget ends right after the mailbox store.
    stop = m.run_sync(5)
    assert (stop.kind, stop.pc) == ("budget", RAM + 0x14)
    assert m.stats["instructions"] == 5
    assert device.log == EXPECTED_LOG[:3]
    check_mmio_pass(m, m.run_sync(1_000_000), device)


class Failing(SyncDevice):
    """Raises on its first read, then works."""

    def __init__(self) -> None:
        super().__init__()
        self.fail = True

    def read(self, offset: int, size: int) -> int:
        if self.fail:
            self.fail = False
            raise OSError("device unplugged")
        return super().read(offset, size)


def assert_at_first_access(m: vmjit.Machine) -> None:
    assert m.regs.pc == FIRST_ACCESS
    assert m.memory.read(m.regs.pc, 4) == struct.pack("<I", LD_A0_0_S0)
    assert m.stats["instructions"] == 1
    assert m.regs.x[10] == 0


def test_device_exception_stops_run_sync_at_the_access_and_the_machine_resumes() -> None:
    device = Failing()
    m = mmio_machine("interp", device)
    with pytest.raises(OSError, match="unplugged"):
        m.run_sync(1_000_000)
    assert_at_first_access(m)
    assert not m.running
    check_mmio_pass(m, m.run_sync(1_000_000), device)


@pytest.mark.asyncio
async def test_device_exception_reraises_in_the_awaiting_task() -> None:
    device = Failing()
    m = mmio_machine("interp", device)
    with pytest.raises(OSError, match="unplugged"):
        await asyncio.create_task(m.run())
    assert_at_first_access(m)
    check_mmio_pass(m, await m.run(), device)


@pytest.mark.parametrize(
    "value, error, message",
    [("7", TypeError, "must return an int, not str"), (None, TypeError, "NoneType"),
     (1 << 64, ValueError, "outside"), (-1, ValueError, "outside")],
)
def test_bad_read_values_are_clear_errors(value, error, message) -> None:
    class Bad(SyncDevice):
        def read(self, offset: int, size: int):
            return value

    m = mmio_machine("interp", Bad())
    with pytest.raises(error, match=message):
        m.run_sync(1_000_000)
    assert_at_first_access(m)


def test_read_value_must_fit_its_size() -> None:
    class Wide(SyncDevice):
        def read(self, offset: int, size: int) -> int:
            return 0x100 if size == 1 else super().read(offset, size)

    m = mmio_machine("interp", Wide())
    with pytest.raises(ValueError, match="of 1 bytes returned 0x100"):
        m.run_sync(1_000_000)
    assert m.regs.pc == RAM + 0x20  # lbu a3, 16(s0)


def test_mapping_errors() -> None:
    m = vmjit.Machine.system(DATA / "mmio.elf", memory="1M")
    dev = SyncDevice()
    with pytest.raises(ValueError, match="empty"):
        m.map_mmio(DEV, 0, dev)
    with pytest.raises(ValueError, match="wraps"):
        m.map_mmio((1 << 64) - 8, 8, dev)
    with pytest.raises(ValueError, match="RAM"):
        m.map_mmio(RAM + 0xF_F000, 0x2000, dev)
    with pytest.raises(ValueError, match="built-in device"):
        m.map_mmio(0x1000_0000, 8, dev)  # the UART
    with pytest.raises(ValueError, match="built-in device"):
        m.map_mmio(0x0200_0000, 0x1000, dev)  # the CLINT
    m.map_mmio(DEV, 0x1000, dev)
    with pytest.raises(ValueError, match="another mapped device"):
        m.map_mmio(DEV + 0xFF8, 16, dev)
    with pytest.raises(TypeError, match="read"):
        m.map_mmio(DEV + 0x1000, 8, object())
    with pytest.raises(ValueError, match="outside"):
        m.map_mmio(-8, 8, dev)


def test_map_mmio_needs_a_system_machine(guest) -> None:
    m = vmjit.Machine.linux(guest("hello"))
    with pytest.raises(vmjit.VmError, match="system-mode"):
        m.map_mmio(DEV, 8, SyncDevice())
    with pytest.raises(vmjit.VmError, match="system-mode"):
        m.on_page_fault(lambda addr: None)


def lazy_pages() -> dict:
    raw = (DATA / "lazy.bin").read_bytes()
    return {RAM + i: raw[i : i + 4096].ljust(4096, b"\0") for i in range(0, len(raw), 4096)}


# lazy.S touches pages 0, 2, 3 and 5 in that order; page 1 is in the image
# but never touched, page 5 is not in the image (left zero).
LAZY_TOUCHED = [RAM, RAM + 0x2000, RAM + 0x3000, RAM + 0x5000]


def check_lazy_run(m: vmjit.Machine, stop: vmjit.StopReason, calls: list) -> None:
    assert stop.kind == "halted", stop.message
    assert m.stdout == b"lazy pages\n"
    assert calls == LAZY_TOUCHED
    assert m.regs.x[12] == 0
    assert m.memory.read(RAM + 0x3000, 10) == b"lazy pages"
    # Reading an untouched page from Python neither calls the handler nor
    # fills the page.
    assert m.memory.read(RAM + 0x1000, 8) == bytes(8)
    assert calls == LAZY_TOUCHED


@pytest.mark.parametrize("engine", ENGINES)
def test_lazy_image_from_a_sync_page_handler(engine: str) -> None:
    pages = lazy_pages()
    calls: list = []

    def handler(addr: int):
        calls.append(addr)
        return pages.get(addr)

    m = vmjit.Machine.system(None, memory="1M", engine=engine)
    assert m.regs.pc == RAM
    m.on_page_fault(handler)
    check_lazy_run(m, m.run_sync(1_000_000), calls)


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_lazy_image_from_an_async_page_handler(engine: str) -> None:
    pages = lazy_pages()
    calls: list = []

    async def handler(addr: int):
        calls.append(addr)
        await asyncio.sleep(0)
        return bytearray(pages[addr]) if addr in pages else None

    m = vmjit.Machine.system(None, memory="1M", engine=engine)
    m.on_page_fault(handler)
    check_lazy_run(m, await m.run(), calls)


def test_page_written_from_python_is_not_asked_for() -> None:
    pages = lazy_pages()
    calls: list = []
    m = vmjit.Machine.system(None, memory="1M")
    m.on_page_fault(lambda addr: calls.append(addr) or pages.get(addr))
    m.memory.write(RAM + 0x3000, b"early\n\0")
    stop = m.run_sync(1_000_000)
    assert stop.kind == "halted"
    assert m.stdout == b"early\n"
    assert calls == [RAM, RAM + 0x2000, RAM + 0x5000]


@pytest.mark.parametrize(
    "page, error",
    [(b"short", ValueError), (bytes(4097), ValueError), ("text", TypeError), (42, TypeError)],
)
def test_bad_pages_are_clear_errors_and_the_page_stays_unfilled(page, error) -> None:
    pages = lazy_pages()
    bad = [True]

    def handler(addr: int):
        if bad[0]:
            bad[0] = False
            return page
        return pages.get(addr)

    m = vmjit.Machine.system(None, memory="1M")
    m.on_page_fault(handler)
    with pytest.raises(error):
        m.run_sync(1_000_000)
    assert m.regs.pc == RAM
    assert m.stats["instructions"] == 0
    stop = m.run_sync(1_000_000)
    assert stop.kind == "halted"
    assert m.stdout == b"lazy pages\n"


def test_page_handler_exception_keeps_the_output_and_stops_at_the_access() -> None:
    pages = lazy_pages()

    def handler(addr: int):
        if addr == RAM + 0x5000:
            raise KeyError("no such page")
        return pages.get(addr)

    m = vmjit.Machine.system(None, memory="1M")
    m.on_page_fault(handler)
    with pytest.raises(KeyError, match="no such page"):
        m.run_sync(1_000_000)
    assert m.stdout == b"lazy pages\n"
    assert m.regs.pc == RAM + 0x202C  # ld a2, 0(t0): the first touch of page 5
    m.on_page_fault(lambda addr: None)
    assert m.run_sync(1_000_000).kind == "halted"


@pytest.mark.asyncio
async def test_cancelled_while_a_device_is_awaited_the_machine_resumes() -> None:
    gate = asyncio.Event()

    class Slow(SyncDevice):
        async def read(self, offset: int, size: int) -> int:
            await gate.wait()
            return super().read(offset, size)

    device = Slow()
    m = mmio_machine("interp", device)
    task = asyncio.create_task(m.run())
    await asyncio.sleep(0.05)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert not m.running
    assert m.regs.pc == FIRST_ACCESS
    gate.set()
    check_mmio_pass(m, await m.run(), device)


class TicketDevice:
    """Reads of offset 0 hand out tickets 1, 2, 3, ...; every access is
    logged."""

    def __init__(self) -> None:
        self.next = 1
        self.log: list = []

    def read(self, offset: int, size: int) -> int:
        self.log.append(("read", offset, size))
        ticket, self.next = self.next, self.next + 1
        return ticket

    def write(self, offset: int, size: int, value: int) -> None:
        self.log.append(("write", offset, size, value))


def test_harts_take_turns_at_a_python_device() -> None:
    logs = []
    for engine in ENGINES:
        device = TicketDevice()
        m = vmjit.Machine.system(DATA / "smp_mmio.elf", memory="1M", engine=engine, harts=3)
        m.map_mmio(DEV, 0x1000, device)
        stop = m.run_sync(1_000_000)
        assert (stop.kind, stop.exit_code) == ("exited", 0), stop.message
        reported = {h: [e[3] for e in device.log if e[0] == "write" and e[1] == 64 + 8 * h] for h in range(3)}
        # Nine tickets, each taken once, reported by the hart that took it,
        # whose s3 is the sum of its own.
        assert sorted(sum(reported.values(), [])) == list(range(1, 10))
        for h in m.harts:
            assert len(reported[h.id]) == 3
            assert h.regs.x[19] == sum(reported[h.id])
        # Turns interleave the harts' accesses.
        assert reported[0] != [1, 2, 3], reported
        logs.append(device.log)
    assert all(log == logs[0] for log in logs[1:])
