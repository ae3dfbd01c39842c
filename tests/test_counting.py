"""Exact instruction counting, exact budgets, and registers at a budget stop.

count_loop (tests/guest/src/count_loop.S) runs exactly 3006 instructions:
3 setup, 1000 iterations of `add a1,a1,t0; addi t0,t0,1; bne t0,t1,loop`,
3 to exit with status (0+1+...+999) & 0xff = 44. All 32-bit encodings:
setup at entry+0..8, the loop at entry+12..20, the exit at entry+24..32.
"""

from __future__ import annotations

import pytest
from cases import BENCH_TEST_ROUNDS, elf_entry

import vmjit

TOTAL = 3006
T0, T1, A0, A1 = 5, 6, 10, 11


@pytest.fixture
def loop(guest):
    path = guest("count_loop")
    return vmjit.Machine.linux(path, env={}, engine="interp"), elf_entry(path)


def expected_state(n):
    """(pc offset from entry, t0, a1) after n retired instructions, n < TOTAL - 3."""
    if n < 3:
        return 4 * n, 0, 0
    k, j = divmod(n - 3, 3)  # k full iterations, j instructions into the next
    t0 = k + (j >= 2)
    a1 = k * (k - 1) // 2 + (k if j >= 1 else 0)
    return 12 + 4 * j, t0, a1


def test_uninterrupted_count(loop):
    m, _ = loop
    stop = m.run_sync()
    assert (stop.kind, stop.exit_code) == ("exited", 44)
    assert m.stats["instructions"] == TOTAL


def test_zero_budget_runs_nothing(loop):
    m, entry = loop
    stop = m.run_sync(max_instructions=0)
    assert stop.kind == "budget"
    assert m.stats["instructions"] == 0
    assert m.regs.pc == entry


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 6, 7, 33, 34, 35, 1500, TOTAL - 4])
def test_budget_stops_exactly(loop, n):
    m, entry = loop
    stop = m.run_sync(max_instructions=n)
    assert stop.kind == "budget"
    assert stop.exit_code is None
    assert m.stats["instructions"] == n
    offset, t0, a1 = expected_state(n)
    assert stop.pc == m.regs.pc == entry + offset
    assert (m.regs.x[T0], m.regs.x[A1]) == (t0, a1)
    assert m.regs.x[T1] == (1000 if n >= 2 else 0)
    # The rest of the run completes the same program.
    stop = m.run_sync()
    assert (stop.kind, stop.exit_code) == ("exited", 44)
    assert m.stats["instructions"] == TOTAL


def test_budget_that_ends_with_the_exit_call(loop):
    # The exit ecall is the last of the 3006 instructions: the guest exits
    # within the budget.
    m, _ = loop
    stop = m.run_sync(max_instructions=TOTAL)
    assert (stop.kind, stop.exit_code) == ("exited", 44)
    assert m.stats["instructions"] == TOTAL


def test_budget_larger_than_needed(loop):
    m, _ = loop
    stop = m.run_sync(max_instructions=10**9)
    assert (stop.kind, stop.exit_code) == ("exited", 44)
    assert m.stats["instructions"] == TOTAL


def test_many_small_budgets_add_up(loop):
    m, _ = loop
    stops = 0
    while (stop := m.run_sync(max_instructions=7)).kind == "budget":
        stops += 1
        assert m.stats["instructions"] == 7 * stops
    assert (stop.kind, stop.exit_code) == ("exited", 44)
    assert stops == TOTAL // 7
    assert m.stats["instructions"] == TOTAL


def test_registers_at_a_budget_stop(loop):
    m, entry = loop
    m.run_sync(max_instructions=3 + 3 * 10)  # ten iterations done
    assert m.regs.pc == entry + 12
    assert m.regs.x[T0] == 10
    assert m.regs.x[T1] == 1000
    assert m.regs.x[A1] == 45  # 0 + 1 + ... + 9
    assert m.regs.x[0] == 0


def test_lowering_the_bound_register_ends_the_loop_early(loop):
    m, _ = loop
    m.run_sync(max_instructions=3 + 3 * 10)
    m.regs.x[T1] = 20
    assert m.regs.x[T1] == 20
    stop = m.run_sync()
    assert stop.exit_code == 190  # (0 + ... + 19) & 0xff
    assert m.stats["instructions"] == 3 + 3 * 20 + 3


def test_writing_the_sum_register_changes_the_result(loop):
    m, _ = loop
    m.run_sync(max_instructions=3 + 3 * 10)
    m.regs.x[A1] = 1000
    stop = m.run_sync()
    assert stop.exit_code == (1000 + sum(range(10, 1000))) & 0xFF
    assert m.stats["instructions"] == TOTAL


def test_writing_pc_skips_the_loop(loop):
    m, entry = loop
    m.run_sync(max_instructions=3 + 3 * 10)
    m.regs.pc = entry + 24  # the exit sequence: a0 = a1 & 0xff
    stop = m.run_sync()
    assert stop.exit_code == 45
    assert m.stats["instructions"] == 3 + 3 * 10 + 3


def test_register_values_wrap_to_64_bits(loop):
    m, _ = loop
    m.regs.x[A0] = -1
    assert m.regs.x[A0] == 0xFFFF_FFFF_FFFF_FFFF
    m.regs.x[A0] = 1 << 64
    assert m.regs.x[A0] == 0


def test_interrupted_libc_program_gives_the_same_output(guest, expected):
    # bench with its test size, stopped every 100 000 instructions, must print
    # what an uninterrupted run prints after the same number of instructions.
    path = guest("bench")
    argv = [str(path), str(BENCH_TEST_ROUNDS)]
    whole = vmjit.Machine.linux(path, argv=argv, env={}, engine="interp")
    whole_stop = whole.run_sync()
    total = whole.stats["instructions"]

    pieces = vmjit.Machine.linux(path, argv=argv, env={}, engine="interp")
    stops = 0
    while (stop := pieces.run_sync(max_instructions=100_000)).kind == "budget":
        stops += 1
    assert stops == total // 100_000
    assert (stop.kind, stop.exit_code) == (whole_stop.kind, whole_stop.exit_code) == ("exited", 0)
    assert pieces.stdout == whole.stdout == expected("bench")[0]
    assert pieces.stats["instructions"] == total


def test_counts_are_deterministic(guest):
    counts = set()
    for _ in range(2):
        m = vmjit.Machine.linux(guest("isa_int"), env={}, engine="interp")
        m.run_sync()
        counts.add(m.stats["instructions"])
    assert len(counts) == 1
