"""Bad guest programs: each must stop with the exact fault Linux would
deliver (kind, signal, exit status, pc, address, access kind), and the
Python process must survive all of them."""

from __future__ import annotations

import pytest
from cases import elf_entry

import vmjit

SIGILL, SIGTRAP, SIGSEGV = 4, 5, 11
#: Generous: bad_stack needs a few million instructions to exhaust the stack.
BUDGET = 200_000_000


def word_at(m, addr):
    return int.from_bytes(m.memory.read(addr, 4), "little")


def run_to_stop(path):
    m = vmjit.Machine.linux(path, env={}, engine="interp")
    stop = m.run_sync(max_instructions=BUDGET)
    assert stop.kind != "budget", f"still running after {BUDGET} instructions"
    return m, stop


def assert_killed(stop, signal):
    assert stop.kind == "fault"
    assert stop.signal == signal
    assert stop.exit_code == 128 + signal
    assert isinstance(stop.message, str) and stop.message


def test_illegal_instruction(guest):
    path = guest("bad_illegal")
    m, stop = run_to_stop(path)
    assert m.stdout == b"executing an illegal instruction\n"
    assert_killed(stop, SIGILL)
    # Layout: entry+0 `j main`, entry+4 the all-zero parcel.
    assert stop.pc == elf_entry(path) + 4
    assert m.memory.read(stop.pc, 4) == b"\0\0\0\0"
    assert stop.access is None
    assert stop.bits == 0


def test_ebreak_is_sigtrap(guest):
    path = guest("bad_ebreak")
    m, stop = run_to_stop(path)
    assert m.stdout == b"executing ebreak\n"
    assert_killed(stop, SIGTRAP)
    assert stop.pc == elf_entry(path) + 4
    assert word_at(m, stop.pc) == 0x00100073  # ebreak
    assert stop.access is None


def test_jump_to_unmapped_memory(guest):
    m, stop = run_to_stop(guest("bad_jump"))
    assert m.stdout == b"jumping to 0xbad0\n"
    assert_killed(stop, SIGSEGV)
    assert (stop.pc, stop.fault_addr, stop.access) == (0xBAD0, 0xBAD0, "execute")
    assert m.regs.pc == 0xBAD0
    # ra holds the address after the jalr that jumped.
    assert word_at(m, m.regs.x[1] - 4) & 0x7F == 0x67  # JALR opcode


def test_load_from_unmapped_memory(guest):
    path = guest("bad_load")
    m, stop = run_to_stop(path)
    assert m.stdout == b"loading from 0xbad8\n"
    assert_killed(stop, SIGSEGV)
    assert (stop.fault_addr, stop.access) == (0xBAD8, "read")
    assert stop.pc == elf_entry(path) + 4
    assert word_at(m, stop.pc) == 0x0002B303  # ld t1, 0(t0)
    assert m.regs.x[5] == 0xBAD8
    # The faulting load did not retire: t1 was never written.
    assert m.regs.x[6] == 0


def test_store_to_read_only_text(guest):
    path = guest("bad_store_text")
    entry = elf_entry(path)
    m, stop = run_to_stop(path)
    assert m.stdout == b"storing to the text segment\n"
    assert_killed(stop, SIGSEGV)
    assert (stop.pc, stop.fault_addr, stop.access) == (entry + 4, entry, "write")
    assert word_at(m, stop.pc) == 0x0002B023  # sd zero, 0(t0)
    # The text is unchanged: still `j main` at the entry point.
    assert word_at(m, entry) == 0x0080006F


def test_stack_overflow(guest):
    path = guest("bad_stack")
    entry = elf_entry(path)
    m, stop = run_to_stop(path)
    assert m.stdout == b"recursing without end\n"
    assert_killed(stop, SIGSEGV)
    # The faulting instruction is `sd ra, 0(sp)` at entry+8, so the fault
    # address is sp: the first 32-byte frame that no longer fits, just below
    # the lowest page of the stack.
    assert stop.pc == entry + 8
    assert word_at(m, stop.pc) == 0x00113023
    assert stop.access == "write"
    assert stop.fault_addr == m.regs.x[2]
    [stack] = [r for r in m.memory.regions() if r[3] == "[stack]"]
    assert stack[0] - 32 <= stop.fault_addr < stack[0]
    # That last frame holds the return address into recurse (after its jal).
    assert int.from_bytes(m.memory.read(stop.fault_addr + 32, 8), "little") == entry + 16
    # Thousands of frames (3 instructions each), not a handful: the stack
    # holds at least 256 KiB.
    assert m.stats["instructions"] > 3 * (256 * 1024 // 32)


def test_write_from_wild_pointer_is_efault(guest):
    m, stop = run_to_stop(guest("bad_wild_write"))
    assert (stop.kind, stop.exit_code, stop.signal) == ("exited", 0, None)
    assert m.stdout == b"write from an unmapped buffer: EFAULT\n"


@pytest.mark.parametrize(
    "name, status",
    [("bad_illegal", 132), ("bad_ebreak", 133), ("bad_jump", 139), ("bad_load", 139),
     ("bad_store_text", 139), ("bad_stack", 139), ("bad_wild_write", 0)],
)
def test_run_reports_status(guest, name, status):
    r = vmjit.run(guest(name), env={}, max_instructions=BUDGET)
    assert r.exit_code == status
    assert r.stop.exit_code == status


def test_process_survives_every_bad_program(guest, expected):
    # All of them in one process, twice, then a good program still runs.
    for _ in range(2):
        for name in ("bad_illegal", "bad_ebreak", "bad_jump", "bad_load", "bad_store_text", "bad_stack"):
            assert vmjit.run(guest(name), env={}, max_instructions=BUDGET).stop.kind == "fault"
    r = vmjit.run(guest("hello"), env={})
    assert (r.stdout, r.exit_code) == expected("hello")
