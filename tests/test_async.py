"""await machine.run(): the worker pool, time slices, cancellation, and the
executor protocol with its fallback chain."""

from __future__ import annotations

import asyncio
import contextlib
import io
import os
import time

import pytest

import vmjit
from vmjit.executors import Executor, FallbackChain, InterpreterExecutor, JitExecutor, TracingExecutor

# Rounds of the CPU-bound guest that keep it busy for many seconds.
ENDLESS_ROUNDS = "1000000"


def bench_checksum_line(stdout: bytes) -> bytes:
    return stdout.strip().splitlines()[-1]


@pytest.mark.asyncio
async def test_await_run_gives_the_same_result_as_run_sync(guest):
    sync = vmjit.Machine.linux(guest("bench"), argv=["bench", "20"], engine="interp")
    want = sync.run_sync()
    m = vmjit.Machine.linux(guest("bench"), argv=["bench", "20"], engine="interp")
    stop = await m.run(slice_instructions=10_000)
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == sync.stdout
    assert m.stats["instructions"] == sync.stats["instructions"]
    assert stop == want


@pytest.mark.asyncio
async def test_budget_is_exact_across_slices(guest):
    m = vmjit.Machine.linux(guest("bench"), argv=["bench", "20"], engine="interp")
    stop = await m.run(max_instructions=123_457, slice_instructions=1000)
    assert stop.kind == "budget"
    assert m.stats["instructions"] == 123_457


@pytest.mark.asyncio
async def test_event_loop_stays_responsive_while_guests_run(guest):
    machines = [vmjit.Machine.linux(guest("bench"), argv=["bench", ENDLESS_ROUNDS]) for _ in range(4)]
    tasks = [asyncio.create_task(m.run()) for m in machines]
    worst = 0.0
    for _ in range(20):
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        worst = max(worst, time.perf_counter() - t0 - 0.005)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    # A loop blocked by a guest would stall for the guest's whole run
    # (seconds); the bound leaves room for a loaded CI machine.
    assert worst < 0.25
    assert all(m.stats["instructions"] > 0 for m in machines)


@pytest.mark.asyncio
async def test_cancellation_stops_within_a_slice_and_the_machine_resumes(guest):
    # Same argv and environment for both runs: the instruction count
    # depends on the size of the initial stack.
    m = vmjit.Machine.linux(guest("bench"), argv=[str(guest("bench")), "300"], env={}, engine="interp")
    with pytest.raises(asyncio.TimeoutError):
        await asyncio.wait_for(m.run(slice_instructions=1000), timeout=0.02)
    assert not m.running
    done = m.stats["instructions"]
    assert 0 < done
    pc = m.regs.pc  # inspectable after the cancellation
    assert pc != 0
    stop = await m.run()
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    fresh = vmjit.run(guest("bench"), "300", env={}, engine="interp")
    assert m.stdout == fresh.stdout
    assert m.stats["instructions"] == fresh.stats["instructions"]


async def _cancel(task: asyncio.Task, m: vmjit.Machine) -> float:
    """Cancel the task running `m`; the seconds until `m` is free again."""
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    t0 = time.perf_counter()
    while m.running:
        await asyncio.sleep(0.005)
    return time.perf_counter() - t0


@pytest.mark.asyncio
async def test_cancelling_a_guest_blocked_in_a_sleep_is_prompt_and_resumable(guest):
    m = vmjit.Machine.linux(guest("sleeper"), engine="interp")
    task = asyncio.create_task(m.run())
    await asyncio.sleep(0.2)
    # The guest was one second into a sleep: the cancelled run lets go of
    # the machine at once instead of at the end of the sleep.
    assert await _cancel(task, m) < 0.5
    # The sleep was abandoned without effect: pc at its ecall, which has
    # not retired, and the guest resumes by sleeping what is left.
    assert m.stdout == b"asleep\n"
    assert m.stats["instructions"] == 10
    assert m.memory.read(m.regs.pc, 4) == (0x00000073).to_bytes(4, "little")
    stop = await m.run()
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == b"asleep\nawake\n"


@pytest.fixture
def stdin_pipe():
    """This process's descriptor 0 replaced by an empty pipe for the test;
    yields the write end."""
    read_end, write_end = os.pipe()
    saved = os.dup(0)
    os.dup2(read_end, 0)
    os.close(read_end)
    try:
        yield write_end
    finally:
        os.dup2(saved, 0)
        os.close(saved)
        with contextlib.suppress(OSError):
            os.close(write_end)


@pytest.mark.asyncio
async def test_cancelling_a_guest_blocked_reading_a_host_pipe_is_prompt_and_resumable(guest, stdin_pipe):
    m = vmjit.Machine.linux(guest("upcase"), stdin="inherit", engine="interp")
    task = asyncio.create_task(m.run())
    # The guest reads the empty pipe in its first slice, on this thread:
    # that read must move to a worker instead of blocking the loop.
    await asyncio.sleep(0.2)
    assert not task.done()
    assert await _cancel(task, m) < 0.5
    # The read was abandoned without effect: pc at its ecall.
    assert m.memory.read(m.regs.pc, 4) == (0x00000073).to_bytes(4, "little")
    os.write(stdin_pipe, b"piped\n")
    os.close(stdin_pipe)
    stop = await m.run()
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert (m.stdout, m.stderr) == (b"PIPED\n", b"upcase: 6 bytes\n")


@pytest.mark.asyncio
async def test_a_guest_sleeping_at_once_does_not_block_the_event_loop(guest):
    m = vmjit.Machine.linux(guest("sleeper"), engine="interp")
    task = asyncio.create_task(m.run())
    worst = 0.0
    while not task.done():
        t0 = time.perf_counter()
        await asyncio.sleep(0.005)
        worst = max(worst, time.perf_counter() - t0 - 0.005)
    stop = await task
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == b"asleep\nawake\n"
    # The guest sleeps in its first few instructions, which an awaited run
    # executes on the loop's own thread: the sleep must move to a worker.
    assert worst < 0.25


@pytest.mark.asyncio
async def test_a_machine_cannot_run_twice_at_once(guest):
    m = vmjit.Machine.linux(guest("bench"), argv=["bench", ENDLESS_ROUNDS])
    task = asyncio.create_task(m.run(slice_instructions=1000))
    await asyncio.sleep(0.01)
    with pytest.raises(vmjit.VmError, match="already running"):
        await m.run()
    with pytest.raises(vmjit.VmError, match="already running"):
        m.run_sync(10)
    with pytest.raises(vmjit.VmError, match="running"):
        m.regs.x[10]
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert m.stats["instructions"] > 0


@pytest.mark.asyncio
async def test_progress_is_readable_while_the_machine_runs(guest):
    m = vmjit.Machine.linux(guest("bench"), argv=["bench", ENDLESS_ROUNDS], engine="interp")
    assert m.progress == 0
    task = asyncio.create_task(m.run(slice_instructions=1000))
    await asyncio.sleep(0)
    # The run's first slice ran at once, on this thread; the pool goes on.
    assert m.running and m.progress >= 1000
    seen = m.progress
    await asyncio.sleep(0.05)
    assert m.running and m.progress > seen
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert m.progress == m.stats["instructions"]
    stop = m.run_sync(123)
    assert stop.kind == "budget"
    assert m.progress == m.stats["instructions"]


@pytest.mark.asyncio
async def test_priority_must_be_at_least_one(guest):
    m = vmjit.Machine.linux(guest("hello"))
    with pytest.raises(ValueError, match="priority"):
        await m.run(priority=0)
    assert not m.running
    stop = await m.run(priority=5)
    assert (stop.kind, stop.exit_code) == ("exited", 0)


@pytest.mark.asyncio
async def test_many_machines_run_concurrently_with_exact_output(guest, expected):
    want, status = expected("hello")
    machines = [vmjit.Machine.linux(guest("hello")) for _ in range(300)]
    stops = await asyncio.gather(*(m.run(slice_instructions=500) for m in machines))
    assert all((s.kind, s.exit_code) == ("exited", status) for s in stops)
    assert all(m.stdout == want for m in machines)


class _Unavailable:
    """A user executor that cannot run here."""

    name = "gpu"

    async def execute(self, machine, budget):
        raise vmjit.EngineUnavailable("no GPU on this host")


@pytest.mark.asyncio
async def test_fallback_chain_records_why_it_moved_on(guest, expected):
    want, status = expected("hello")
    m = vmjit.Machine.linux(guest("hello"))
    chain = FallbackChain([_Unavailable(), JitExecutor(), InterpreterExecutor()])
    stop = await chain.execute(m, None)
    assert stop.exit_code == status and m.stdout == want
    assert chain.ran == "jit"
    assert m.stats["jit_instructions"] > 0
    assert chain.skipped == [("gpu", "no GPU on this host")]
    assert isinstance(chain, Executor) and isinstance(InterpreterExecutor(), Executor)


@pytest.mark.asyncio
async def test_fallback_chain_with_no_usable_executor_raises(guest):
    m = vmjit.Machine.linux(guest("hello"))
    with pytest.raises(vmjit.EngineUnavailable, match="no executor.*no GPU"):
        await FallbackChain([_Unavailable()]).execute(m, None)


@pytest.mark.asyncio
async def test_tracing_executor_single_steps(guest):
    m = vmjit.Machine.linux(guest("hello"), engine="interp")
    entry = m.regs.pc
    out = io.StringIO()
    tracer = TracingExecutor(out)
    stop = await tracer.execute(m, 5)
    assert stop.kind == "budget"
    assert m.stats["instructions"] == 5
    assert tracer.pcs[0] == entry and len(tracer.pcs) == 5
    lines = out.getvalue().splitlines()
    assert len(lines) == 5 and lines[0].startswith(hex(entry))


@pytest.mark.asyncio
async def test_events_stream_output_then_the_stop(guest, expected):
    want, status = expected("hello")
    m = vmjit.Machine.linux(guest("hello"))
    events = [ev async for ev in m.events(slice_instructions=1000)]
    assert b"".join(ev.data for ev in events if ev.kind == "stdout") == want
    assert events[-1].kind == "exited" and events[-1].stop.exit_code == status
    assert m.stdout == b""  # the events took the output


@pytest.mark.asyncio
async def test_events_respect_the_budget(guest):
    m = vmjit.Machine.linux(guest("bench"), argv=["bench", "30"])
    events = [ev async for ev in m.events(max_instructions=25_000, slice_instructions=10_000)]
    assert [ev.kind for ev in events] == ["budget"]
    assert m.stats["instructions"] == 25_000
