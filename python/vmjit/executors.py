"""Executors: interchangeable ways of running a machine, and a fallback chain.

An executor runs a machine for a budget and returns the `StopReason`::

    chain = FallbackChain([JitExecutor(), InterpreterExecutor()])
    stop = await chain.execute(machine, budget=None)
    print(chain.ran, chain.skipped)      # which engine ran, and why others did not

An executor that cannot run here raises `EngineUnavailable`; the chain then
moves on to the next one and records why.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from typing import IO, List, Optional, Protocol, Sequence, Tuple, runtime_checkable

from vmjit._core import EngineUnavailable
from vmjit.machine import Machine, StopReason

__all__ = ["Executor", "InterpreterExecutor", "JitExecutor", "TracingExecutor", "FallbackChain"]


@runtime_checkable
class Executor(Protocol):
    """Runs a machine for at most ``budget`` instructions (None: to the end)."""

    name: str

    async def execute(self, machine: Machine, budget: Optional[int]) -> StopReason:
        """Run ``machine`` for at most ``budget`` instructions and return why
        it stopped; raise `EngineUnavailable` when this executor cannot run
        here."""
        ...


class _EngineExecutor:
    name = ""

    async def execute(self, machine: Machine, budget: Optional[int]) -> StopReason:
        """Switch the machine to this engine and await its run."""
        machine._core.set_engine(self.name)
        return await machine.run(budget)


class InterpreterExecutor(_EngineExecutor):
    """The interpreter: always available, the reference semantics."""

    name = "interp"


class JitExecutor(_EngineExecutor):
    """The JIT tier; raises `EngineUnavailable` where it cannot run."""

    name = "jit"


class TracingExecutor:
    """Single-steps the guest, writing one line per instruction: its pc and
    the x registers it changed. An example of a user executor; slow by
    design."""

    name = "trace"

    def __init__(self, out: Optional[IO[str]] = None, limit: Optional[int] = None) -> None:
        self.out = out if out is not None else sys.stderr
        self.limit = limit
        #: pcs of the instructions executed, in order.
        self.pcs: List[int] = []

    async def execute(self, machine: Machine, budget: Optional[int]) -> StopReason:
        """Run one instruction at a time, tracing each, up to ``budget`` (or
        ``limit``) instructions."""
        steps = budget if budget is not None else self.limit
        regs = machine.regs
        before = list(regs.x)
        done = 0
        while True:
            pc = regs.pc
            stop = await machine.run(1)
            if stop.kind == "budget":
                self.pcs.append(pc)
            after = list(regs.x)
            changed = " ".join(f"x{i}={v:#x}" for i, (u, v) in enumerate(zip(before, after)) if u != v)
            self.out.write(f"{pc:#x} {changed}\n".rstrip() + "\n")
            before = after
            done += 1
            if stop.kind != "budget" or (steps is not None and done >= steps):
                return stop


@dataclass
class FallbackChain:
    """Tries executors in order; one that raises `EngineUnavailable` hands over
    to the next. ``ran`` names the executor that ran, ``skipped`` lists the
    ones passed over with the reason."""

    executors: Sequence[Executor]
    ran: Optional[str] = None
    skipped: List[Tuple[str, str]] = field(default_factory=list)
    name: str = "fallback"

    async def execute(self, machine: Machine, budget: Optional[int]) -> StopReason:
        """Run with the first executor that can; `EngineUnavailable` when
        none can, with every reason."""
        self.ran = None
        self.skipped = []
        for ex in self.executors:
            try:
                stop = await ex.execute(machine, budget)
            except EngineUnavailable as e:
                self.skipped.append((ex.name, str(e)))
                continue
            self.ran = ex.name
            return stop
        reasons = "; ".join(f"{n}: {why}" for n, why in self.skipped)
        raise EngineUnavailable(f"no executor could run the machine ({reasons})")
