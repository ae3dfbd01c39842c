"""The public machine API, over the `vmjit._core` extension."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import sys
from dataclasses import dataclass
from typing import IO, AsyncIterator, Iterator, Mapping, Optional, Sequence, Union

from vmjit import _core
from vmjit.devices import Device, HostBus, PageHandler
from vmjit.hooks import HookMethods, SyscallRecord, WatchHit

PathLike = Union[str, "os.PathLike[str]"]
#: Where guest output goes: None captures it into ``Machine.stdout``/``stderr``,
#: ``"inherit"`` writes to this process's own descriptor, a binary file object
#: receives it after each run.
OutputSpec = Union[None, str, IO[bytes]]

ENGINES = ("auto", "jit", "interp")
#: Guest instructions per time slice of an asynchronous run.
DEFAULT_SLICE = 100_000


@dataclass(frozen=True)
class StopReason:
    """Why a run stopped.

    ``kind`` is ``"exited"`` (the guest called exit, or a system-mode
    guest reported through HTIF), ``"budget"`` (the instruction budget ran
    out; the machine can run on), ``"fault"`` (the guest was killed by the
    fault of an instruction, with no handler for it: ``signal`` 11 SIGSEGV,
    4 SIGILL, 7 SIGBUS, 5 SIGTRAP), ``"signal"`` (killed by another
    signal's default action: kill/raise/abort, SIGPIPE, SIGALRM; ``signal``
    is its number) or ``"halted"`` (system mode: the hart can never run
    again, e.g. wfi with no interrupt source), ``"breakpoint"`` (the next
    instruction, at ``pc``, is at a breakpoint) or ``"watch"`` (the
    instruction at ``pc`` is about to access a watched range: ``watch``
    says how; see `vmjit.hooks`). ``exit_code`` is the guest's
    status, or 128 + signal for a guest killed by one, as a shell reports
    it. For memory faults and watches ``fault_addr`` and
    ``access`` (``"read"``, ``"write"``, ``"execute"``) say what failed; for an
    illegal instruction ``bits`` holds its encoding.
    """

    kind: str
    exit_code: Optional[int]
    signal: Optional[int]
    pc: int
    fault_addr: Optional[int]
    access: Optional[str]
    bits: Optional[int]
    message: str
    watch: Optional[WatchHit] = None

    @classmethod
    def _from_core(cls, t: tuple) -> "StopReason":
        return cls(*t)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Event:
    """One item of `Machine.events`: ``kind`` is ``"stdout"`` or ``"stderr"``
    (``data`` holds a chunk of output), ``"syscall"`` (``syscall`` describes
    a completed syscall), ``"breakpoint"`` or ``"watch"`` (``stop`` holds
    it; the stream goes on) or the kind of the final stop (``"exited"``,
    ``"fault"``, ``"signal"``, ``"budget"``; ``stop`` holds it)."""

    kind: str
    data: bytes = b""
    stop: Optional[StopReason] = None
    syscall: Optional[SyscallRecord] = None


@dataclass(frozen=True)
class RunResult:
    """The outcome of `vmjit.run`: exit status, captured output, stop reason."""

    exit_code: Optional[int]
    stdout: bytes
    stderr: bytes
    stop: StopReason
    stats: dict


class _RegisterFile(Sequence[int]):
    """x or f registers of a machine, indexable and assignable."""

    def __init__(self, get, set_) -> None:
        self._get = get
        self._set = set_

    def __len__(self) -> int:
        return 32

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self._get(j) for j in range(32)[i]]
        return self._get(_reg_index(i))

    def __setitem__(self, i: int, value: int) -> None:
        self._set(_reg_index(i), value & 0xFFFF_FFFF_FFFF_FFFF)

    def __iter__(self) -> Iterator[int]:
        return (self._get(i) for i in range(32))

    def __repr__(self) -> str:
        return repr(list(self))


def _reg_index(i: int) -> int:
    if i < 0:
        i += 32
    if not 0 <= i < 32:
        raise IndexError("register index out of range")
    return i


class Registers:
    """A hart's registers: ``pc``, ``x[0..31]``, ``f[0..31]`` (raw bits), ``fcsr``.

    ``hart=None`` (``machine.regs``) follows the current hart, the one
    that ran last; an index names one hart of a system-mode board."""

    def __init__(self, core: _core.Machine, hart: Optional[int] = None) -> None:
        self._core = core
        self._hart = hart
        self.x = _RegisterFile(lambda i: core.get_x(i, hart), lambda i, v: core.set_x(i, v, hart))
        self.f = _RegisterFile(lambda i: core.get_f(i, hart), lambda i, v: core.set_f(i, v, hart))

    @property
    def pc(self) -> int:
        """The program counter; setting it moves the guest."""
        if self._hart is None:
            return self._core.pc
        return self._core.hart_pc(self._hart)

    @pc.setter
    def pc(self, value: int) -> None:
        if self._hart is None:
            self._core.pc = value
        else:
            self._core.set_hart_pc(self._hart, value)

    @property
    def fcsr(self) -> int:
        """The floating-point control and status register (frm and fflags)."""
        if self._hart is None:
            return self._core.fcsr
        return self._core.hart_fcsr(self._hart)

    @fcsr.setter
    def fcsr(self, value: int) -> None:
        if self._hart is None:
            self._core.fcsr = value
        else:
            self._core.set_hart_fcsr(self._hart, value)


class Hart:
    """One hart of a machine: its ``id``, its ``regs`` and ``instret``, the
    instructions it retired."""

    def __init__(self, core: _core.Machine, hart: int) -> None:
        self._core = core
        self.id = hart
        self.regs = Registers(core, hart)

    @property
    def instret(self) -> int:
        return self._core.hart_instret(self.id)

    def __repr__(self) -> str:
        return f"<Hart {self.id} pc={self.regs.pc:#x}>"


class Memory:
    """Guest memory as a debugger sees it: page permissions are ignored,
    unmapped addresses raise `VmError`."""

    def __init__(self, core: _core.Machine) -> None:
        self._core = core

    def read(self, addr: int, size: int) -> bytes:
        """``size`` bytes of guest memory at ``addr``."""
        return self._core.read_memory(addr, size)

    def write(self, addr: int, data: bytes) -> None:
        """Write ``data`` into guest memory at ``addr``; decoded and compiled
        code of the pages written is invalidated."""
        self._core.write_memory(addr, bytes(data))

    def regions(self) -> list:
        """Mappings as ``(start, end, perms, name)`` tuples, in address order."""
        return self._core.regions()


def _encode_args(items: Sequence[Union[str, bytes, "os.PathLike[str]"]]) -> list:
    return [os.fsencode(a) for a in items]


def _encode_env(env: Optional[Mapping[str, str]]) -> list:
    source = os.environ if env is None else env
    return [os.fsencode(k) + b"=" + os.fsencode(v) for k, v in source.items()]


class Machine(HookMethods):
    """One RISC-V machine.

    Build one with `Machine.linux`; run it with `run_sync` or ``await run()``;
    inspect ``regs``, ``memory``, ``stats``, ``stdout`` and ``stderr``; stop
    it at breakpoints and memory watches, and serve its syscalls from Python
    (`add_breakpoint`, `watch_memory`, `hook_syscall`: see `vmjit.hooks`).
    """

    def __init__(self, core: _core.Machine, stdout: OutputSpec, stderr: OutputSpec) -> None:
        self._core = core
        self._stdout_spec = stdout
        self._stderr_spec = stderr
        self._stdout = bytearray()
        self._stderr = bytearray()
        self.regs = Registers(core)
        self.harts = tuple(Hart(core, i) for i in range(core.hart_count()))
        self.memory = Memory(core)
        self._host = HostBus(core)
        # Set while a run, its hooks included, owns the machine.
        self._busy = False
        self._init_hooks()

    @classmethod
    def linux(
        cls,
        program: PathLike,
        argv: Optional[Sequence[Union[str, bytes]]] = None,
        env: Optional[Mapping[str, str]] = None,
        stdin: Union[bytes, str, None] = b"",
        stdout: OutputSpec = None,
        stderr: OutputSpec = None,
        engine: str = "auto",
        sysroot: Optional[PathLike] = None,
        root: Optional[PathLike] = None,
    ) -> "Machine":
        """A Linux user-mode machine that runs the ELF executable ``program``.

        ``argv`` is the complete argument vector the guest sees, argv[0]
        included (default ``[program]``); ``env`` replaces the environment
        (default: this process's). ``stdin`` is bytes fed to the guest, or
        ``"inherit"``. ``stdout``/``stderr``: None captures, ``"inherit"``
        passes through, a binary file object receives the output.

        ``sysroot`` is a host directory standing in for the guest's ``/``,
        as with ``qemu-riscv64 -L``: an absolute path the guest opens is
        looked up inside it first, then on the host. A dynamically linked
        program needs one holding its interpreter (e.g.
        ``/lib/ld-linux-riscv64-lp64d.so.1``) and libraries; on Debian,
        ``/usr/riscv64-linux-gnu`` from libc6-riscv64-cross.

        ``root`` confines the guest to that directory: it becomes the guest's
        ``/``, ``program`` is looked up inside it (a relative path from its
        top, where the guest starts), and no path, link or descriptor the
        guest uses reaches a file outside it. ``root`` and ``sysroot``
        exclude each other.

        Raises `ElfError` for a file that is not a RISC-V executable, for a
        program interpreter that cannot be found or loaded (the message
        names its path), for a ``sysroot`` that is not a directory and, with
        a root, for a program missing from it.
        """
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
        path = os.fspath(program)
        image: Optional[bytes] = None
        if root is None:
            with open(path, "rb") as f:
                image = f.read()
        args = _encode_args(argv if argv is not None else [path])
        if stdin == "inherit":
            stdin_bytes = None
        elif isinstance(stdin, (bytes, bytearray, memoryview)):
            stdin_bytes = bytes(stdin)
        elif stdin is None:
            stdin_bytes = b""
        else:
            raise TypeError("stdin must be bytes or 'inherit'")
        for name, spec in (("stdout", stdout), ("stderr", stderr)):
            if isinstance(spec, str) and spec != "inherit":
                raise ValueError(f"{name} must be None, 'inherit' or a binary file object")
        core = _core.Machine.linux(
            image,
            os.fsencode(path),
            args,
            _encode_env(env),
            stdin_bytes,
            stdout != "inherit",
            stderr != "inherit",
            engine,
            None if sysroot is None else os.fspath(sysroot),
            None if root is None else os.fspath(root),
        )
        return cls(core, stdout, stderr)

    @classmethod
    def system(
        cls,
        image: Optional[PathLike],
        memory: Union[int, str] = "128M",
        stdin: bytes = b"",
        stdout: OutputSpec = None,
        engine: str = "auto",
        bootargs: Optional[str] = None,
        harts: int = 1,
    ) -> "Machine":
        """A system-mode machine: ``harts`` harts (1 to 8) starting in machine
        mode at the entry of ``image`` (an ELF placed at its physical
        addresses, or a raw binary loaded and entered at 0x8000_0000), with ``memory`` bytes of
        RAM at 0x8000_0000 (an int, or a string such as ``"64M"``), a CLINT,
        a PLIC, a 16550 UART (PLIC source 10) and, when the ELF defines
        ``tohost``, HTIF. At entry a0 is the hart id and a1 the address of a
        generated device tree describing the board, near the top of RAM;
        ``bootargs`` becomes its ``/chosen/bootargs``.

        The harts share RAM and devices (the CLINT has an msip and an
        mtimecmp per hart, the PLIC an M and an S context per hart) and take
        turns on one thread, a fixed number of instructions each, so runs are
        deterministic on every engine; mtime counts the instructions of all
        harts. ``machine.harts[i].regs`` are hart i's registers;
        ``machine.regs`` and a stop's ``pc`` are those of the current hart
        (``machine.current_hart``: the one that ran last, hart 0 before any
        run). ``max_instructions`` and ``stats`` count all harts together.

        The UART receives ``stdin``; the console (UART and HTIF output) is
        the machine's ``stdout``. An HTIF exit stops the run with kind
        ``"exited"`` and the guest's code (0 = pass); a hart that can never
        run again stops with kind ``"halted"``. ``memory.read``/``write``
        address physical memory. ``engine`` works as in user mode: both
        tiers run system code, and interrupts arrive at the same instruction
        on either.

        ``image=None`` starts with RAM empty and pc at 0x8000_0000, for a
        machine whose pages all come from `on_page_fault`.
        """
        if engine not in ENGINES:
            raise ValueError(f"unknown engine {engine!r}: expected one of {', '.join(ENGINES)}")
        if isinstance(stdout, str) and stdout != "inherit":
            raise ValueError("stdout must be None, 'inherit' or a binary file object")
        if stdout == "inherit":
            # The console is always captured by the board; pass it on after
            # each run.
            stdout = sys.stdout.buffer
        data = b""
        if image is not None:
            with open(os.fspath(image), "rb") as f:
                data = f.read()
        if isinstance(harts, bool) or not isinstance(harts, int):
            raise TypeError("harts must be an int")
        if harts < 1:
            raise ValueError(f"harts must be at least 1, not {harts}")
        core = _core.Machine.system(data, parse_size(memory), bytes(stdin), engine, bootargs, harts)
        return cls(core, stdout, None)

    @property
    def current_hart(self) -> int:
        """The hart that runs, or ran last: ``regs`` are its registers."""
        return self._core.current_hart()

    def hart(self, i: int) -> Hart:
        """Hart ``i`` (``harts[i]``)."""
        return self.harts[i]

    def _begin_run(self, max_instructions: Optional[int]) -> None:
        """Check the budget and claim the machine for a run (given up in
        the run's ``finally``)."""
        if max_instructions is not None and max_instructions < 0:
            raise ValueError("max_instructions must be >= 0")
        self._claim()
        try:
            if self._tracing:
                self._trace_syscalls(False)
        except BaseException:
            self._busy = False
            raise

    def run_sync(self, max_instructions: Optional[int] = None) -> StopReason:
        """Run until the guest exits or faults, reaches a breakpoint or a
        memory watch, or ``max_instructions`` more instructions retired
        (exactly). The GIL is released while guest code runs; syscall hooks
        are called on this thread (an asynchronous one is a `TypeError`)."""
        self._begin_run(max_instructions)
        try:
            left = max_instructions
            while True:
                before = 0 if left is None else self._core.progress
                stop = self._stop(self._core.run(left))
                self._collect_output()
                if not self._serve_sync(stop.kind):
                    return stop
                left = _less(left, self._core.progress - before)
        finally:
            self._busy = False

    async def run(
        self,
        max_instructions: Optional[int] = None,
        slice_instructions: int = DEFAULT_SLICE,
        priority: int = 1,
    ) -> StopReason:
        """Run on vmjit's worker pool with the GIL released, so the event loop
        stays free.

        The first 10,000 instructions run at once on the calling thread
        (still without the GIL), so a short run returns without a round trip
        through the pool; a guest that would block there (sleeping, polling,
        waiting) moves to the pool first. The rest runs in slices of
        ``slice_instructions``; the pool always runs next the machine that
        is furthest behind its fair share, and ``priority`` weighs that
        share: a busy machine of priority 3 runs three times the
        instructions of one of priority 1.
        Cancelling the awaiting task stops the guest at the end of the
        current slice and leaves the machine consistent, to be inspected or
        resumed. A guest blocked in a sleep, a poll, a wait for a signal or
        a child, or a read or write of a host pipe or terminal stops at
        once: the call is abandoned without effect (pc at its ecall) and
        issued again on resume, keeping its deadline (a write that moved
        some bytes first returns their count instead).
        Syscall hooks are called (and awaited) in the awaiting task;
        breakpoints and memory watches end the run as with `run_sync`."""
        self._begin_run(max_instructions)
        try:
            left = max_instructions
            while True:
                before = 0 if left is None else self._core.progress
                stop = await self._run_once(left, slice_instructions, priority)
                if not await self._serve(stop.kind):
                    return stop
                left = _less(left, self._core.progress - before)
        finally:
            self._busy = False

    async def _run_once(self, budget: Optional[int], slice_instructions: int, priority: int) -> StopReason:
        """One awaited run of the core, up to its first stop."""
        try:
            stop = self._stop(await self._core.run_async(budget, slice_instructions, priority))
        except asyncio.CancelledError:
            # The worker notices the cancellation at the end of its slice;
            # wait for that so the caller gets a machine it can inspect.
            while self._core.running:
                await asyncio.sleep(0.0005)
            self._collect_output()
            raise
        self._collect_output()
        return stop

    def _serve_sync(self, kind: str) -> bool:
        """Serve a stop of ``kind`` that Python handles (a syscall hook, a
        device access or a page to fill) on this thread; True when the run
        goes on, False when the stop is the caller's."""
        if kind == "request":
            self._host.serve_sync()
        elif kind == "syscall":
            self._serve_syscall_sync()
        return kind in _SERVED

    async def _serve(self, kind: str, report: bool = False) -> bool:
        """`_serve_sync` for asynchronous runs: what a hook, device or page
        handler returns is awaited when it is awaitable. ``report``: a
        served syscall stops the next run right after it, for an event
        stream."""
        if kind == "request":
            await self._host.serve()
        elif kind == "syscall":
            await self._serve_syscall(report)
        return kind in _SERVED

    async def events(
        self,
        max_instructions: Optional[int] = None,
        slice_instructions: int = DEFAULT_SLICE,
        priority: int = 1,
        syscalls: bool = False,
    ) -> AsyncIterator[Event]:
        """Run the machine, yielding its output as it is written and, last, its
        stop. Captured output goes to the events instead of ``stdout`` and
        ``stderr``. The guest runs only while the consumer asks for more, so
        a guest that writes faster than Python reads waits for it: at most
        one slice's output is buffered. ``priority`` is as for ``run``.

        A breakpoint or memory watch is an event of that kind (``stop``
        holds it) and does not end the stream: the machine stays there
        until the consumer asks for the next event, then resumes past it.
        With ``syscalls``, every completed syscall is an event of kind
        ``"syscall"`` (``syscall`` holds it; output it wrote comes just
        before it). Syscall hooks are served as under ``run``."""
        remaining = max_instructions
        while True:
            budget = slice_instructions if remaining is None else min(slice_instructions, remaining)
            self._claim()
            try:
                self._trace_syscalls(syscalls)
                before = self._core.progress
                stop = self._stop(await self._core.run_async(budget, slice_instructions, priority))
                served = await self._serve(stop.kind, report=syscalls)
                record = self._syscall_record() if syscalls else None
            finally:
                self._busy = False
            for kind, data in self._take_output_chunks():
                yield Event(kind, data=data)
            if record is not None:
                yield Event("syscall", syscall=record)
            if remaining is not None:
                remaining -= self._core.progress - before
            if stop.kind in ("breakpoint", "watch"):
                yield Event(stop.kind, stop=stop)
            elif not (served or (stop.kind == "budget" and remaining != 0)):
                yield Event(stop.kind, stop=stop)
                return

    def map_mmio(self, base: int, size: int, device: Device) -> None:
        """Serve the guest's accesses to physical ``[base, base+size)`` with
        ``device`` (system mode only): a load calls ``device.read(offset,
        size)``, which returns the unsigned value (an int in
        ``[0, 2**(8*size))``); a store calls ``device.write(offset, size,
        value)``. Each may be a plain or a coroutine function; a coroutine
        is awaited by ``await run()`` and `events`, and run on a private
        event loop by `run_sync` (which then must not be called from inside
        a running loop). Accesses elsewhere stay in Rust.

        An access is 1, 2, 4 or 8 bytes and lies within the range (else the
        guest gets an access fault); an AMO is a read followed by a write;
        instruction fetches from the range are access faults. An exception
        raised by the device, or a read returning a non-int (`TypeError`)
        or a value out of range (`ValueError`), propagates out of the run
        with the access not done: the machine stays consistent with pc at
        the accessing instruction, and running it again retries the access.

        Raises `ValueError` for an empty range, one that wraps around the
        end of the address space, or one that overlaps RAM, a built-in
        device (CLINT, PLIC, UART) or another mapped device; `VmError` for a
        Linux user-mode machine."""
        self._host.map(base, size, device)

    def on_page_fault(self, handler: Optional[PageHandler]) -> None:
        """Fill RAM lazily (system mode only): ``handler(page_address)`` is
        called once for each 4 KiB RAM page on the guest's first touch of
        it (a load, store, instruction fetch or page-table walk), and
        returns the page's 4096 bytes, or None to leave it zero-filled. It
        may be a coroutine function (served as for `map_mmio` devices, and
        its errors propagate the same way: the page stays unfilled and the
        access is retried by the next run). None removes the handler.

        Pages already present are never asked for: those the boot image's
        bytes (or the device tree) were loaded into, those the guest touched
        before the handler was set, and those written through
        ``memory.write``. A ``memory.read`` of a page not yet touched returns
        zeros without calling the handler and leaves the page to be filled
        on the guest's first touch."""
        self._host.set_page_handler(handler)

    def _take_output_chunks(self) -> Iterator[tuple]:
        for kind, fd, spec in (("stdout", 1, self._stdout_spec), ("stderr", 2, self._stderr_spec)):
            if spec == "inherit":
                continue
            data = self._core.take_output(fd)
            if data:
                yield kind, data

    def _stop(self, t: tuple) -> StopReason:
        stop = StopReason._from_core(t)
        if stop.kind == "watch":
            stop = dataclasses.replace(stop, watch=self._watch_hit())
        return stop

    def _claim(self) -> None:
        """Own the machine for one run and the hooks it serves (the caller
        clears ``_busy`` when done): a second run meanwhile (from a hook, or
        another task while a hook awaits) fails clearly."""
        if self._busy:
            raise _core.VmError("the machine is already running")
        self._busy = True

    @property
    def running(self) -> bool:
        """True while a run owns the machine (serving its hooks included)."""
        return self._busy or self._core.running

    @property
    def progress(self) -> int:
        """Instructions retired as of the end of the last run or time slice.
        Unlike ``stats``, it can be read while the machine runs."""
        return self._core.progress

    def _collect_output(self) -> None:
        for fd, spec, buf in ((1, self._stdout_spec, self._stdout), (2, self._stderr_spec, self._stderr)):
            if spec == "inherit":
                continue
            data = self._core.take_output(fd)
            if not data:
                continue
            if spec is None:
                buf += data
            else:
                spec.write(data)  # type: ignore[union-attr]

    @property
    def stdout(self) -> bytes:
        """Captured guest standard output (when ``stdout=None``)."""
        return bytes(self._stdout)

    @property
    def stderr(self) -> bytes:
        """Captured guest standard error (when ``stderr=None``)."""
        return bytes(self._stderr)

    @property
    def engine(self) -> str:
        """The engine chosen for this machine: ``"auto"``, ``"jit"`` or ``"interp"``."""
        return self._core.engine

    @property
    def stats(self) -> dict:
        """Counters: instructions (per tier), blocks, TLB hits/misses, syscalls,
        unknown syscalls by number, run time in seconds, resident guest memory."""
        return self._core.stats()


#: Stop kinds the run loops serve in Python (syscall hooks, devices and
#: pages from `vmjit.devices`) and go on.
_SERVED = frozenset(("syscall", "syscall_done", "request"))


def _less(budget: Optional[int], used: int) -> Optional[int]:
    """What is left of an instruction budget (None: unlimited)."""
    return None if budget is None else max(budget - used, 0)


_SIZE_UNITS = {"": 1, "K": 1 << 10, "M": 1 << 20, "G": 1 << 30}


def parse_size(size: Union[int, str]) -> int:
    """Bytes in ``size``: an int, or a string like ``"4096"``, ``"64K"``,
    ``"128M"``, ``"1G"`` (binary units)."""
    if isinstance(size, int):
        return size
    text = size.strip().upper().removesuffix("B").removesuffix("I")
    unit = text[-1:] if text[-1:] in _SIZE_UNITS else ""
    number = text[: len(text) - len(unit)]
    if not number.isdigit():
        raise ValueError(f"bad memory size {size!r}: expected a number of bytes such as 4096, '64K', '128M'")
    return int(number) * _SIZE_UNITS[unit]


def run(
    program: PathLike,
    *args: Union[str, bytes],
    engine: str = "auto",
    stdin: Union[bytes, str, None] = b"",
    env: Optional[Mapping[str, str]] = None,
    max_instructions: Optional[int] = None,
    sysroot: Optional[PathLike] = None,
    root: Optional[PathLike] = None,
) -> RunResult:
    """Run ``program`` with ``args`` to completion, capturing its output.
    ``sysroot`` and ``root`` are as for `Machine.linux`."""
    path = os.fspath(program)
    m = Machine.linux(path, argv=[path, *args], env=env, stdin=stdin, engine=engine, sysroot=sysroot, root=root)
    stop = m.run_sync(max_instructions)
    return RunResult(stop.exit_code, m.stdout, m.stderr, stop, m.stats)
