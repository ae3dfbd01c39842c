"""vmjit: a RISC-V (RV64GC) virtual machine for Python with a Rust core.

Run a Linux RISC-V program and capture its output::

    import vmjit
    r = vmjit.run("hello.elf", "world")
    print(r.exit_code, r.stdout)

or drive a machine step by step::

    m = vmjit.Machine.linux("prog.elf", argv=["prog", "x"])
    stop = m.run_sync(max_instructions=10_000)
    print(stop.kind, hex(m.regs.pc), m.regs.x[10])
"""

from vmjit._core import ElfError, EngineUnavailable, VmError, __version__
from vmjit.hooks import SyscallCall, SyscallRecord, WatchHit
from vmjit.machine import Event, Hart, Machine, Memory, Registers, RunResult, StopReason, run

__all__ = [
    "ElfError",
    "EngineUnavailable",
    "Event",
    "Hart",
    "Machine",
    "Memory",
    "Registers",
    "RunResult",
    "StopReason",
    "SyscallCall",
    "SyscallRecord",
    "VmError",
    "WatchHit",
    "__version__",
    "run",
]
