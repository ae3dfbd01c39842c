"""System mode from Python: `Machine.system` and `vmjit run --system` on
the bare-metal programs of rust/core/tests/system_data (sources beside
them; the ELF files are committed)."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

import vmjit
from vmjit.machine import parse_size

DATA = Path(__file__).resolve().parent.parent / "rust" / "core" / "tests" / "system_data"
ENGINES = ["interp", "jit", "auto"]


@pytest.mark.parametrize("engine", ENGINES)
def test_htif_console_and_pass(engine: str) -> None:
    m = vmjit.Machine.system(DATA / "htif_pass.elf", memory="16M", engine=engine)
    stop = m.run_sync(1_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == b"htif says hi\n"
    assert m.regs.pc != 0
    assert m.stats["instructions"] > 0


@pytest.mark.parametrize("engine", ENGINES)
def test_uart_reads_stdin(engine: str) -> None:
    m = vmjit.Machine.system(DATA / "uart.elf", memory=1 << 20, stdin=b"xyz", engine=engine)
    stop = m.run_sync(1_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == b"uart: XYZ"


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_async_run_with_paging(engine: str) -> None:
    m = vmjit.Machine.system(DATA / "sv39.elf", memory="16M", engine=engine)
    stop = await m.run()
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stats["tlb_misses"] > 0
    assert m.stats["page_walks"] > 0
    assert m.stats["tlb_l2_hits"] + m.stats["tlb_l2_misses"] >= m.stats["page_walks"]


@pytest.mark.parametrize(
    "name", ["csr", "modes", "interrupts", "sv39", "sv48", "bad_satp", "jit_satp", "jit_privilege", "jit_timer", "jit_smc"]
)
def test_engines_agree(name: str) -> None:
    """Each program passes on every engine, with the same registers and
    retired instructions."""
    seen = []
    for engine in ENGINES:
        m = vmjit.Machine.system(DATA / f"{name}.elf", memory="16M", engine=engine)
        stop = m.run_sync(10_000_000)
        assert (stop.kind, stop.exit_code) == ("exited", 0), (engine, stop.message)
        seen.append((list(m.regs.x), m.regs.pc, m.stats["instructions"]))
    assert seen[1] == seen[0]
    assert seen[2] == seen[0]


def test_jit_runs_system_code() -> None:
    m = vmjit.Machine.system(DATA / "compute.elf", memory="16M", engine="jit")
    stop = m.run_sync(10_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stats["jit_instructions"] > 0.99 * m.stats["instructions"]


def test_raw_image_in_physical_memory_and_halted_hart() -> None:
    raw = (DATA / "raw_uart.bin").read_bytes()
    m = vmjit.Machine.system(DATA / "raw_uart.bin")
    assert m.memory.read(0x8000_0000, len(raw)) == raw
    assert m.regs.pc == 0x8000_0000
    stop = m.run_sync(1_000_000)
    assert stop.kind == "halted"
    assert "wfi" in stop.message
    assert m.stdout == b"raw\n"


def test_bad_images_and_engines() -> None:
    with pytest.raises(vmjit.VmError, match="does not fit in RAM"):
        vmjit.Machine.system(DATA / "sv39.elf", memory="4K")
    with pytest.raises(ValueError):
        vmjit.Machine.system(DATA / "htif_pass.elf", engine="fast")
    with pytest.raises(ValueError):
        vmjit.Machine.system(DATA / "htif_pass.elf", memory="lots")


def test_parse_size() -> None:
    assert parse_size("4096") == 4096
    assert parse_size("64K") == 64 << 10
    assert parse_size("128M") == 128 << 20
    assert parse_size("1GiB") == 1 << 30
    assert parse_size(12288) == 12288


@pytest.mark.parametrize(
    "name, status, output",
    [("htif_pass", 0, b"htif says hi\n"), ("htif_fail", 21, b""), ("uart", 0, b"uart: ")],
)
def test_cli_exit_status(name: str, status: int, output: bytes) -> None:
    r = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--system", "--memory", "16M", str(DATA / f"{name}.elf")],
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == status, r.stderr
    assert r.stdout == output


def test_device_tree_in_a1_and_plic_uart_interrupts() -> None:
    m = vmjit.Machine.system(DATA / "fdt.elf", memory="16M", bootargs="console=ttyS0")
    fdt = m.regs.x[11]
    assert fdt == 0x80E0_0000
    header = m.memory.read(fdt, 8)
    assert header[:4] == b"\xd0\x0d\xfe\xed"
    size = int.from_bytes(header[4:], "big")
    assert b"console=ttyS0\x00" in m.memory.read(fdt, size)
    stop = m.run_sync(1_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == f"{fdt:x} {size:x}\n".encode()
    m = vmjit.Machine.system(DATA / "uart_irq.elf", memory="1M", stdin=b"vmjit")
    stop = m.run_sync(1_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == b"VMJIT"


def test_cli_stats_show_the_second_level_tlb() -> None:
    r = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--system", "--stats", "--memory", "16M", str(DATA / "asid.elf")],
        capture_output=True,
        timeout=60,
    )
    assert r.returncode == 0, r.stderr
    assert b"page walks" in r.stderr
    assert re.search(rb"TLB level 2: +\d+ hits, 9 misses, 9 page walks", r.stderr), r.stderr


@pytest.mark.parametrize("engine", ENGINES)
def test_harts_each_have_registers(engine: str) -> None:
    m = vmjit.Machine.system(DATA / "smp_count.elf", memory="16M", engine=engine, harts=4)
    assert [h.id for h in m.harts] == [0, 1, 2, 3]
    assert m.hart(2) is m.harts[2]
    fdt = m.harts[0].regs.x[11]
    for h in m.harts:
        assert (h.regs.pc, h.regs.x[10], h.regs.x[11], h.instret) == (0x8000_0000, h.id, fdt, 0)
    assert m.current_hart == 0
    stop = m.run_sync(10_000_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0), stop.message
    # Hart 0 reported the pass; the others sleep in wfi after their share.
    assert m.current_hart == 0
    assert m.regs.pc == m.harts[0].regs.pc == stop.pc
    counts = [h.instret for h in m.harts]
    assert all(n > 16_000 for n in counts), counts
    assert m.stats["instructions"] == sum(counts)


def test_hart_registers_are_writable_one_by_one() -> None:
    m = vmjit.Machine.system(DATA / "htif_pass.elf", memory="16M", harts=2)
    m.harts[1].regs.x[5] = 77
    m.harts[1].regs.pc = 0x8000_0004
    m.harts[1].regs.fcsr = 0x21
    assert (m.harts[1].regs.x[5], m.harts[1].regs.pc, m.harts[1].regs.fcsr) == (77, 0x8000_0004, 0x21)
    assert (m.harts[0].regs.x[5], m.regs.pc, m.regs.fcsr) == (0, 0x8000_0000, 0)
    m.harts[1].regs.x[0] = 5
    assert m.harts[1].regs.x[0] == 0
    with pytest.raises(IndexError):
        m.harts[2]


def test_hart_counts_outside_the_board_are_refused() -> None:
    with pytest.raises(ValueError):
        vmjit.Machine.system(DATA / "htif_pass.elf", harts=0)
    with pytest.raises(vmjit.VmError, match="9 harts"):
        vmjit.Machine.system(DATA / "htif_pass.elf", harts=9)
    with pytest.raises(TypeError):
        vmjit.Machine.system(DATA / "htif_pass.elf", harts="2")  # type: ignore[arg-type]


def test_cli_runs_a_board_with_harts() -> None:
    def run(*args: str) -> subprocess.CompletedProcess:
        cmd = [sys.executable, "-m", "vmjit", "run", *args]
        return subprocess.run(cmd, capture_output=True, timeout=60)

    r = run("--system", "--harts", "2", "--memory", "16M", str(DATA / "smp_ipi.elf"))
    assert r.returncode == 0, r.stderr
    r = run("--system", "--harts", "9", str(DATA / "htif_pass.elf"))
    assert r.returncode == 126
    assert b"9 harts" in r.stderr
    r = run("--harts", "2", str(DATA / "htif_pass.elf"))
    assert r.returncode == 2
    assert b"--harts needs --system" in r.stderr
