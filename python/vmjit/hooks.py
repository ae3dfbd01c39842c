"""Hooks from Python: breakpoints, syscall hooks and memory watches.

Every hook works the same way. The guest runs in Rust with the GIL
released; when it reaches a hook, the run stops there, before the
instruction concerned has run, and comes back to Python. A breakpoint or a
watch ends the run (``run``/``run_sync`` return a `StopReason` of kind
``"breakpoint"`` or ``"watch"``; ``events`` reports it and goes on); a
syscall hook is served at once: its handler is called on the thread that
awaits the run (an awaitable it returns is awaited), its answer is applied
and the run resumes. No Python code runs on a worker thread.

A machine without hooks pays nothing for them: breakpoints are decided when
blocks of guest code are built (a breakpoint always starts a block, which is
never compiled), syscall hooks are looked up only when the guest makes a
syscall, and only pages holding a watched range leave the fast path of
memory accesses.

Rules:

- Breakpoint: the run stops before the instruction at ``pc`` executes
  (``stop.pc == pc``). The next run starts with that instruction and does
  not stop for the same breakpoint at once; it stops there again the next
  time the guest gets there.
- Watch: the run stops *before* the instruction whose load or store touches
  the watched range. ``stop.pc`` is that instruction, ``stop.watch`` says
  the address, size, access and value: for a store the value being written
  (memory still holds the old one), for a load the value memory holds. The
  next run executes that instruction, without stopping for it again. Only
  the guest's own loads and stores are watched, not the copies the emulated
  kernel makes for syscalls (``read(2)`` filling a watched buffer), nor
  instruction fetch. Interpreter and JIT stop at the same instruction with
  the same instruction count.
- Syscall hook: ``handler(machine, call)`` runs before the syscall does.
  Returning None runs the real syscall with ``call.args`` (which the
  handler may have changed; the guest's own registers keep their values, as
  the kernel leaves them); returning an int emulates it: that value is the
  result (a0; ``-errno`` for a failure) and the real syscall does not run.
- A handler that raises ends the run with its exception; the machine stays
  at the ecall, which has not run: it can be inspected and run again (the
  hook is then called again).
- A forked child of the guest runs without hooks.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Optional, Tuple, Union

from vmjit import _core

__all__ = ["SyscallCall", "SyscallRecord", "WatchHit", "SyscallHandler"]

_MASK = (1 << 64) - 1
_ACCESS = {"r": (True, False), "w": (False, True), "rw": (True, True)}


def _signed(v: int) -> int:
    return v - (1 << 64) if v >> 63 else v


@dataclass(frozen=True)
class WatchHit:
    """The access that stopped a run at a memory watch: watch ``id``, the
    ``size``-byte ``access`` (``"read"`` or ``"write"``) at ``addr``, and
    ``value``: what a store writes, or what a load reads, little-endian
    (the first 8 bytes of a wider access)."""

    id: int
    addr: int
    size: int
    access: str
    value: int


@dataclass(frozen=True)
class SyscallRecord:
    """A completed syscall, as ``events(syscalls=True)`` reports it: its
    number, arguments a0..a5, result (signed: ``-errno`` for a failure;
    None when it did not return: exit, execve, rt_sigreturn) and whether a
    hook emulated it."""

    nr: int
    args: Tuple[int, ...]
    result: Optional[int]
    emulated: bool


def _argument(i: int) -> property:
    def get(self: "SyscallCall") -> int:
        return self.args[i]

    def set_(self: "SyscallCall", value: int) -> None:
        self.args[i] = value & _MASK

    return property(get, set_, doc=f"Argument a{i}.")


class SyscallCall:
    """A syscall about to run, as a syscall hook sees it: ``nr`` and the
    arguments ``args`` (a list of six ints; also ``a0``..``a5``), which the
    hook may change before the real syscall runs with them."""

    def __init__(self, nr: int, args: List[int]) -> None:
        self.nr = nr
        self.args = args

    a0 = _argument(0)
    a1 = _argument(1)
    a2 = _argument(2)
    a3 = _argument(3)
    a4 = _argument(4)
    a5 = _argument(5)

    def __repr__(self) -> str:
        return f"SyscallCall(nr={self.nr}, args={[hex(a) for a in self.args]})"


#: ``handler(machine, call)`` -> None (run the syscall) or an int (its
#: result), or an awaitable of either.
SyscallHandler = Callable[[Any, SyscallCall], Union[None, int, Awaitable[Optional[int]]]]


def syscall_number(nr_or_name: Union[int, str]) -> int:
    """The number of a syscall given by number or by name (``"write"``;
    names of the syscalls vmjit implements)."""
    if isinstance(nr_or_name, str):
        nr = _core.syscall_number(nr_or_name)
        if nr is None:
            raise ValueError(f"unknown syscall name {nr_or_name!r}: give its number instead")
        return nr
    if not 0 <= nr_or_name <= _MASK:
        raise ValueError(f"bad syscall number {nr_or_name}")
    return nr_or_name


class HookMethods:
    """The hook API of `vmjit.Machine` (see the module's docstring for the
    rules)."""

    _core: _core.Machine
    _syscall_handlers: Dict[int, SyscallHandler]
    _tracing: bool

    def _init_hooks(self) -> None:
        self._syscall_handlers = {}
        self._tracing = False

    def add_breakpoint(self, pc: int) -> None:
        """Stop runs before the instruction at ``pc`` (kind ``"breakpoint"``).
        Adding one where there is one already does nothing."""
        _core.add_breakpoint(self._core, pc)

    def remove_breakpoint(self, pc: int) -> None:
        """Remove the breakpoint at ``pc``; `KeyError` when there is none."""
        if not _core.remove_breakpoint(self._core, pc):
            raise KeyError(f"no breakpoint at {pc:#x}")

    @property
    def breakpoints(self) -> List[int]:
        """Breakpoint addresses, in increasing order."""
        return _core.breakpoints(self._core)

    def hook_syscall(self, nr_or_name: Union[int, str], handler: SyscallHandler) -> int:
        """Call ``handler(machine, call)`` before every syscall ``nr_or_name``
        (a number, or a name such as ``"write"``) the guest makes, replacing
        any handler it had; returns the number. The handler returns None to
        run the syscall (with ``call.args``), or an int to emulate it with
        that result; an async handler works under ``await run()`` and
        ``events()`` (``run_sync`` raises `TypeError` for it)."""
        nr = syscall_number(nr_or_name)
        if not callable(handler):
            raise TypeError("a syscall hook must be callable as handler(machine, call)")
        _core.hook_syscall(self._core, nr, True)
        self._syscall_handlers[nr] = handler
        return nr

    def unhook_syscall(self, nr_or_name: Union[int, str]) -> None:
        """Remove the hook of a syscall; `KeyError` when it has none."""
        nr = syscall_number(nr_or_name)
        if self._syscall_handlers.pop(nr, None) is None:
            raise KeyError(f"syscall {nr_or_name!r} is not hooked")
        _core.hook_syscall(self._core, nr, False)

    def watch_memory(self, addr: int, size: int, access: str = "w") -> int:
        """Stop runs before a guest load (``access="r"``), store (``"w"``)
        or either (``"rw"``) touching ``[addr, addr+size)`` (kind
        ``"watch"``); returns the watch's id for `unwatch`. Linux
        user-mode machines only."""
        if access not in _ACCESS:
            raise ValueError(f"access must be 'r', 'w' or 'rw', not {access!r}")
        if size <= 0:
            raise ValueError("size must be > 0")
        read, write = _ACCESS[access]
        return _core.add_watchpoint(self._core, addr, size, read, write)

    def unwatch(self, watch_id: int) -> None:
        """Remove a memory watch; `KeyError` when there is no such watch."""
        if not _core.remove_watchpoint(self._core, watch_id):
            raise KeyError(f"no memory watch {watch_id}")

    # ---- serving stops (the run loops of machine.py) ----------------------

    def _trace_syscalls(self, on: bool) -> None:
        """Stop before every syscall (an event stream reporting them)."""
        if self._tracing != on:
            _core.trace_syscalls(self._core, on)
            self._tracing = on

    def _watch_hit(self) -> Optional[WatchHit]:
        hit = _core.watch_hit(self._core)
        return None if hit is None else WatchHit(*hit)

    def _syscall_record(self) -> Optional[SyscallRecord]:
        r = _core.take_syscall_record(self._core)
        if r is None:
            return None
        nr, args, result, emulated = r
        return SyscallRecord(nr, tuple(args), None if result is None else _signed(result), emulated)

    def _pending_call(self) -> Tuple[SyscallCall, Optional[SyscallHandler]]:
        core = self._core
        nr = core.get_x(17)
        call = SyscallCall(nr, [core.get_x(10 + i) for i in range(6)])
        return call, self._syscall_handlers.get(nr)

    def _resolve(self, call: SyscallCall, outcome: Any, report: bool) -> None:
        if outcome is None:
            _core.resolve_syscall(self._core, args=[a & _MASK for a in call.args], report=report)
        elif isinstance(outcome, int) and not isinstance(outcome, bool):
            _core.resolve_syscall(self._core, result=outcome & _MASK, report=report)
        else:
            raise TypeError(
                f"syscall hook for {call.nr} returned {outcome!r}: expected None (run it) or an int (its result)"
            )

    def _call_hook(self) -> Tuple[SyscallCall, Any]:
        """Call the hook of the syscall a run stopped for: the call and
        what the hook returned (None when the number has no hook)."""
        call, handler = self._pending_call()
        return call, (None if handler is None else handler(self, call))

    def _serve_syscall_sync(self) -> None:
        """Serve a "syscall" stop on this thread."""
        call, outcome = self._call_hook()
        if inspect.isawaitable(outcome):
            if inspect.iscoroutine(outcome):
                outcome.close()
            raise TypeError(
                f"the hook of syscall {call.nr} is asynchronous: run the machine with `await machine.run()`"
            )
        self._resolve(call, outcome, report=False)

    async def _serve_syscall(self, report: bool) -> None:
        """Serve a "syscall" stop, awaiting an awaitable the hook returns.
        ``report``: the next run stops right after the syscall, for an
        event stream."""
        call, outcome = self._call_hook()
        if inspect.isawaitable(outcome):
            outcome = await outcome
        self._resolve(call, outcome, report)
