"""Hooks from Python: breakpoints, syscall hooks and memory watches under
run_sync, await run() and events(), on every engine.

count_loop's layout (tests/guest/src/count_loop.S): entry+12 is its loop
(add, addi, bne; t0 counts the rounds), entry+32 the exit ecall (status 44)
after 3006 instructions. watch_global stores its global 5 times (4, 14, 45,
139, 422) and loads it 6 times (1, 4, 14, 45, 139, then 422 for printf).
"""

from __future__ import annotations

import asyncio

import pytest
from cases import elf_entry, elf_vaddr_of

import vmjit
from vmjit import _core

ENGINES = _core.available_engines()
WRITE = 64
EXIT_GROUP = 94


def count_loop(guest, engine):
    m = vmjit.Machine.linux(guest("count_loop"), env={}, engine=engine)
    return m, elf_entry(guest("count_loop"))


def cell_value(guest) -> int:
    """Address of watch_global's global, just after its magic bytes."""
    return elf_vaddr_of(guest("watch_global"), b"WATCHME!") + 8


@pytest.mark.parametrize("engine", ENGINES)
def test_breakpoint_stops_before_its_instruction_each_time(guest, engine):
    m, entry = count_loop(guest, engine)
    m.add_breakpoint(entry + 12)
    m.add_breakpoint(entry + 12)
    assert m.breakpoints == [entry + 12]
    for k in range(4):
        stop = m.run_sync()
        assert (stop.kind, stop.pc, m.regs.pc) == ("breakpoint", entry + 12, entry + 12)
        assert (m.regs.x[5], m.stats["instructions"]) == (k, 3 + 3 * k)
    m.remove_breakpoint(entry + 12)
    assert m.breakpoints == []
    stop = m.run_sync()
    assert (stop.kind, stop.exit_code, m.stats["instructions"]) == ("exited", 44, 3006)


@pytest.mark.parametrize("engine", ENGINES)
def test_breakpoint_added_after_the_code_was_compiled_still_stops(guest, engine):
    m, entry = count_loop(guest, engine)
    m._core.set_jit_threshold(2)
    assert m.run_sync(3 + 300).kind == "budget"
    if engine != "interp":
        assert m.stats["jit_instructions"] > 0
    m.add_breakpoint(entry + 16)  # the loop's addi, inside its block
    stop = m.run_sync()
    assert (stop.kind, stop.pc) == ("breakpoint", entry + 16)
    # Round 100's add ran (a1 = 0 + ... + 100), its addi did not.
    assert (m.regs.x[5], m.regs.x[11], m.stats["instructions"]) == (100, 5050, 304)
    m.remove_breakpoint(entry + 16)
    assert m.run_sync().exit_code == 44
    assert m.stats["instructions"] == 3006


@pytest.mark.parametrize("engine", ENGINES)
def test_resuming_from_breakpoints_gives_the_output_of_a_plain_run(guest, expected, engine):
    reference = vmjit.run(guest("watch_global"), env={}, engine=engine)
    # The store to the global: where a write watch stops.
    probe = vmjit.Machine.linux(guest("watch_global"), env={}, engine=engine)
    probe.watch_memory(cell_value(guest), 8, "w")
    store_pc = probe.run_sync().pc
    m = vmjit.Machine.linux(guest("watch_global"), env={}, engine=engine)
    m.add_breakpoint(store_pc)
    m.add_breakpoint(elf_entry(guest("watch_global")))
    kinds = []
    while (stop := m.run_sync()).kind == "breakpoint":
        kinds.append(stop.pc)
    assert kinds == [elf_entry(guest("watch_global"))] + [store_pc] * 5
    assert (m.stdout, stop.exit_code) == expected("watch_global")
    assert m.stdout == reference.stdout
    assert m.stats["instructions"] == reference.stats["instructions"]


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_await_run_stops_at_breakpoints(guest, engine):
    m, entry = count_loop(guest, engine)
    m.add_breakpoint(entry + 24)
    stop = await m.run(slice_instructions=100)
    assert (stop.kind, stop.pc, m.stats["instructions"]) == ("breakpoint", entry + 24, 3003)
    stop = await m.run()
    assert (stop.kind, stop.exit_code) == ("exited", 44)


@pytest.mark.asyncio
async def test_events_report_breakpoints_and_go_on(guest):
    m, entry = count_loop(guest, "interp")
    m.add_breakpoint(entry + 12)
    seen = []
    async for ev in m.events(slice_instructions=500):
        if ev.kind == "breakpoint":
            # The machine waits at the breakpoint while the consumer looks.
            seen.append((ev.stop.pc, m.regs.x[5]))
            if len(seen) == 3:
                m.remove_breakpoint(entry + 12)
        else:
            last = ev
    assert seen == [(entry + 12, 0), (entry + 12, 1), (entry + 12, 2)]
    assert (last.kind, last.stop.exit_code) == ("exited", 44)


@pytest.mark.parametrize("engine", ENGINES)
def test_syscall_hook_emulating_write_supplies_the_output(guest, expected, engine):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine=engine)
    written = []

    def write(machine, call):
        assert call.nr == WRITE and call.a0 == 1
        written.append(machine.memory.read(call.a1, call.a2))
        return call.a2

    assert m.hook_syscall("write", write) == WRITE
    stop = m.run_sync()
    assert (m.stdout, stop.exit_code) == (b"", 0)
    assert (b"".join(written), 0) == expected("hello")
    assert m.stats["syscalls"] > 0


def test_syscall_hook_rewriting_arguments(guest, expected):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")

    def to_stderr(machine, call):
        call.a0 = 2

    m.hook_syscall(WRITE, to_stderr)
    assert m.run_sync().exit_code == 0
    assert (m.stdout, m.stderr) == (b"", expected("hello")[0])


def test_syscall_hook_emulating_a_failure(guest):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    m.hook_syscall("write", lambda machine, call: -9)  # EBADF
    assert m.run_sync().exit_code == 0  # puts' failure is not checked
    assert m.stdout == b""


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_async_syscall_hook(guest, expected, engine):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine=engine)
    written = []

    async def write(machine, call):
        await asyncio.sleep(0.001)
        written.append(machine.memory.read(call.a1, call.a2))
        return call.a2

    m.hook_syscall("write", write)
    stop = await m.run()
    assert (b"".join(written), stop.exit_code) == expected("hello")
    assert m.stdout == b""


def test_run_sync_refuses_an_async_hook_and_stays_resumable(guest, expected):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")

    async def write(machine, call):
        return None

    m.hook_syscall("write", write)
    with pytest.raises(TypeError, match="asynchronous"):
        m.run_sync()
    assert (m.regs.x[17], m.running) == (WRITE, False)
    m.unhook_syscall("write")
    stop = m.run_sync()
    assert (m.stdout, stop.exit_code) == expected("hello")


class Boom(Exception):
    pass


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_a_raising_hook_stops_the_run_and_the_machine_resumes(guest, expected, engine):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine=engine)
    calls = []

    def write(machine, call):
        calls.append(call.nr)
        raise Boom("no writes today")

    m.hook_syscall("write", write)
    with pytest.raises(Boom):
        await m.run()
    # At the ecall, which has not run: inspectable, and runs again.
    assert not m.running
    ecall = m.regs.pc
    assert m.memory.read(ecall, 4) == (0x73).to_bytes(4, "little")
    assert m.regs.x[17] == WRITE
    with pytest.raises(Boom):
        m.run_sync()
    assert m.regs.pc == ecall and calls == [WRITE, WRITE]
    m.unhook_syscall(WRITE)
    stop = await m.run()
    assert (m.stdout, stop.exit_code) == expected("hello")


def test_a_hook_returning_nonsense_is_a_type_error(guest):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    m.hook_syscall("write", lambda machine, call: "fourteen")
    with pytest.raises(TypeError, match="expected None"):
        m.run_sync()


@pytest.mark.asyncio
async def test_a_second_run_while_a_hook_awaits_is_refused(guest):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    entered, gate = asyncio.Event(), asyncio.Event()

    async def write(machine, call):
        entered.set()
        await gate.wait()

    m.hook_syscall("write", write)
    first = asyncio.create_task(m.run())
    await entered.wait()
    assert m.running
    assert m.regs.x[17] == WRITE  # inspectable while the hook waits
    with pytest.raises(vmjit.VmError, match="already running"):
        await m.run()
    with pytest.raises(vmjit.VmError, match="already running"):
        m.run_sync()
    gate.set()
    assert (await first).exit_code == 0
    assert m.stdout == b"Hello, world!\n"


@pytest.mark.asyncio
async def test_events_report_syscalls_with_their_results(guest):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    m.hook_syscall("getpid", lambda machine, call: 4242)
    events = [ev async for ev in m.events(syscalls=True)]
    kinds = [ev.kind for ev in events]
    calls = [ev.syscall for ev in events if ev.kind == "syscall"]
    assert kinds[-1] == "exited"
    write = kinds.index("stdout")
    assert events[write].data == b"Hello, world!\n"
    assert (events[write + 1].syscall.nr, events[write + 1].syscall.result) == (WRITE, 14)
    assert events[write + 1].syscall.args[:3][0] == 1
    assert (calls[-1].nr, calls[-1].result, calls[-1].emulated) == (EXIT_GROUP, None, False)
    assert all(not c.emulated for c in calls)
    # Without syscalls=True, no syscall events and no stop per syscall.
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    assert [ev.kind async for ev in m.events()] == ["stdout", "exited"]


@pytest.mark.asyncio
async def test_events_mark_emulated_syscalls(guest):
    m = vmjit.Machine.linux(guest("hello"), env={}, engine="interp")
    m.hook_syscall("write", lambda machine, call: call.a2)
    calls = [ev.syscall async for ev in m.events(syscalls=True) if ev.kind == "syscall"]
    write = [c for c in calls if c.nr == WRITE]
    assert [(c.result, c.emulated) for c in write] == [(14, True)]


@pytest.mark.parametrize("engine", ENGINES)
def test_write_watch_on_a_global(guest, expected, engine):
    addr = cell_value(guest)
    m = vmjit.Machine.linux(guest("watch_global"), env={}, engine=engine)
    wid = m.watch_memory(addr, 8, "w")
    hits = []
    while (stop := m.run_sync()).kind == "watch":
        assert (stop.fault_addr, stop.access, stop.watch.id) == (addr, "write", wid)
        assert (stop.watch.addr, stop.watch.size, stop.watch.access) == (addr, 8, "write")
        assert stop.pc == m.regs.pc
        old = int.from_bytes(m.memory.read(addr, 8), "little")
        hits.append((old, stop.watch.value))
    assert hits == [(1, 4), (4, 14), (14, 45), (45, 139), (139, 422)]
    assert (m.stdout, stop.exit_code) == expected("watch_global")


def test_watches_stop_at_the_same_place_under_every_engine(guest):
    addr = cell_value(guest)
    trails = {}
    for engine in ENGINES:
        m = vmjit.Machine.linux(guest("watch_global"), env={}, engine=engine)
        m.watch_memory(addr - 4, 8, "rw")  # overlaps the value's first half
        trail = []
        while (stop := m.run_sync()).kind == "watch":
            trail.append((stop.pc, stop.watch.access, stop.watch.value, m.stats["instructions"]))
        trails[engine] = trail
    reference = trails["interp"]
    assert [(a, v) for _, a, v, _ in reference] == [
        ("read", 1), ("write", 4), ("read", 4), ("write", 14), ("read", 14), ("write", 45),
        ("read", 45), ("write", 139), ("read", 139), ("write", 422), ("read", 422),
    ]
    for engine, trail in trails.items():
        assert trail == reference, engine


@pytest.mark.asyncio
@pytest.mark.parametrize("engine", ENGINES)
async def test_read_watch_under_await_and_unwatch(guest, engine):
    m = vmjit.Machine.linux(guest("watch_global"), env={}, engine=engine)
    wid = m.watch_memory(cell_value(guest), 8, "r")
    values = []
    while (stop := await m.run()).kind == "watch":
        values.append(stop.watch.value)
        if len(values) == 2:
            m.unwatch(wid)
    assert values == [1, 4]
    assert (stop.exit_code, m.stdout) == (0, b"value=422\n")


@pytest.mark.asyncio
async def test_events_report_watches_and_go_on(guest):
    m = vmjit.Machine.linux(guest("watch_global"), env={}, engine="jit" if "jit" in ENGINES else "interp")
    m.watch_memory(cell_value(guest), 8, "w")
    events = [ev async for ev in m.events()]
    assert [ev.stop.watch.value for ev in events if ev.kind == "watch"] == [4, 14, 45, 139, 422]
    assert [ev.kind for ev in events][-2:] == ["stdout", "exited"]


def test_bad_hook_arguments_are_clear_errors(guest):
    m, entry = count_loop(guest, "interp")
    with pytest.raises(ValueError, match="unknown syscall"):
        m.hook_syscall("no_such_call", lambda machine, call: None)
    with pytest.raises(TypeError):
        m.hook_syscall("write", None)
    with pytest.raises(KeyError):
        m.unhook_syscall("write")
    with pytest.raises(KeyError):
        m.remove_breakpoint(entry)
    with pytest.raises(ValueError, match="access"):
        m.watch_memory(0x1000, 8, "x")
    with pytest.raises(ValueError):
        m.watch_memory(0x1000, 0)
    with pytest.raises(vmjit.VmError, match="outside"):
        m.watch_memory(1 << 47, 8)
    with pytest.raises(KeyError):
        m.unwatch(12345)


def test_breakpoints_in_system_mode_and_hooks_it_refuses():
    from test_system import DATA

    reference = vmjit.Machine.system(DATA / "htif_pass.elf", memory="16M")
    reference.run_sync(1_000_000)
    m = vmjit.Machine.system(DATA / "htif_pass.elf", memory="16M")
    entry = m.regs.pc
    m.add_breakpoint(entry)
    m.add_breakpoint(entry + 4)
    assert (m.run_sync().kind, m.regs.pc) == ("breakpoint", entry)
    assert (m.run_sync().kind, m.regs.pc, m.stats["instructions"]) == ("breakpoint", entry + 4, 1)
    stop = m.run_sync(1_000_000)
    assert (stop.kind, stop.exit_code, m.stdout) == ("exited", 0, reference.stdout)
    assert m.stats["instructions"] == reference.stats["instructions"]
    with pytest.raises(vmjit.VmError, match="Linux"):
        m.hook_syscall("write", lambda machine, call: None)
    with pytest.raises(vmjit.VmError, match="Linux"):
        m.watch_memory(0x8000_0000, 8)
