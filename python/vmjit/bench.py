"""The scoreboard: vmjit against its peers on the workloads in benches/guest.

Every workload runs under vmjit's three engines (in this process, through
`Machine.linux` and `run_sync`), under qemu-riscv64 when it is installed, as a
host build of the same C source (the physical limit), and the integer one
also as a bare-metal image under Unicorn when that is importable. Every run's
output is checked against the checksum recorded in benches/guest/expected.json,
so a broken engine cannot post a fast time. Nothing here judges a speed.

`vmjit bench` (see `main`) writes the table and chart; benches/bench_workloads.py
times the same runs under pytest-benchmark.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import os
import shutil
import struct
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from vmjit import bench_internals, bench_report
from vmjit.machine import Machine


class BenchError(RuntimeError):
    """A workload produced the wrong output, or the bench cannot run at all."""


@dataclass(frozen=True)
class Workload:
    """A guest program of benches/guest: bin/<name> for RISC-V Linux, built
    from ``sources`` (in src/) for the host. Its one argument is the size."""

    name: str
    what: str
    quick: int
    full: int
    sources: Tuple[str, ...]
    libs: Tuple[str, ...] = ()
    #: Launch the program ``size`` times (with ``size`` as argument) instead
    #: of once: for the start-up workload, whose cost is the launch.
    relaunch: bool = False
    #: Also built as a bare-metal image, bin/<name>_bare.bin, for Unicorn.
    bare: bool = False

    def size(self, mode: str) -> int:
        return self.quick if mode == "quick" else self.full

    def launches(self, size: int) -> int:
        return size if self.relaunch else 1


WORKLOADS: Tuple[Workload, ...] = (
    Workload(
        "intmix", "integer mix: lists, matrix, state machine, CRC; size: rounds",
        100, 5000, ("intmix.c", "intmix_core.c"), bare=True,
    ),
    Workload("nbody", "floating point: n-body simulation; size: steps", 8000, 150_000, ("nbody.c",), ("-lm",)),
    Workload("membound", "memory-bound: memcpy and strided walks; size: MiB", 2, 32, ("membound.c",)),
    Workload(
        "bytecode", "branchy: bytecode interpreter in the guest; size: prime limit",
        4000, 30_000, ("bytecode.c",),
    ),
    Workload(
        "syscalls", "syscall-heavy: pipe and /dev/null round trips; size: rounds",
        5000, 100_000, ("syscalls.c",),
    ),
    Workload("startup", "start-up: a tiny program; size: launches", 10, 100, ("startup.c",), relaunch=True),
)
MODES = ("quick", "full")
#: Timed repetitions per measurement (the best one counts: on a shared
#: machine the fastest run is the one least disturbed by others).
REPEATS = {"quick": 1, "full": 3}
REPEAT_BUDGET = 20.0
ENGINES = ("interp", "jit", "auto")
#: The host build: the flags of the RISC-V build (benches/guest/Makefile).
NATIVE_CFLAGS = ("-O2", "-ffp-contract=off")
#: Where the bare-metal image is loaded and how much RAM Unicorn gives it.
BARE_BASE = 0x8000_0000
BARE_RAM = 1 << 20


def workload(name: str) -> Workload:
    for w in WORKLOADS:
        if w.name == name:
            return w
    raise BenchError(f"unknown workload {name!r}: expected one of {', '.join(w.name for w in WORKLOADS)}")


def guest_dir() -> Path:
    """benches/guest of the source tree: found beside the package (editable
    install) or under the current directory (run from a checkout)."""
    for root in (Path(__file__).resolve().parents[2], Path.cwd()):
        d = root / "benches" / "guest"
        if (d / "expected.json").is_file():
            return d
    raise BenchError("benches/guest not found: run `vmjit bench` from a vmjit source tree")


@functools.lru_cache(maxsize=1)
def _expected_table() -> Dict[str, Dict[str, str]]:
    return json.loads((guest_dir() / "expected.json").read_text())


def expected_output(w: Workload, size: int) -> bytes:
    try:
        return _expected_table()[w.name][str(size)].encode()
    except KeyError:
        raise BenchError(f"no recorded checksum for {w.name} {size}: run `make -C benches/guest expected`") from None


def _check(w: Workload, size: int, runner: str, out: bytes) -> None:
    want = expected_output(w, size)
    if out != want:
        raise BenchError(f"{runner} on {w.name} {size}: printed {out!r}, expected {want!r}")


@dataclass
class Run:
    """One timed measurement of one workload by one runner."""

    seconds: float
    #: Guest instructions retired, when the runner counts them (vmjit).
    instructions: Optional[int] = None
    #: vmjit's statistics of the (last) machine.
    stats: Optional[dict] = None


@dataclass(frozen=True)
class Runner:
    """A way to run a workload: ``run(workload, size)`` returns a verified `Run`."""

    name: str
    run: Callable[[Workload, int], Run]


def run_vmjit(engine: str) -> Callable[[Workload, int], Run]:
    """Load and run in this process: `Machine.linux` plus `run_sync`, per launch."""

    def run(w: Workload, size: int) -> Run:
        path = str(guest_dir() / "bin" / w.name)
        argv = [path, str(size)]
        seconds = 0.0
        instructions = 0
        m = None
        for _ in range(w.launches(size)):
            start = time.perf_counter()
            m = Machine.linux(path, argv=argv, env={}, engine=engine)
            stop = m.run_sync()
            seconds += time.perf_counter() - start
            if stop.kind != "exited" or stop.exit_code != 0:
                raise BenchError(f"vmjit {engine} on {w.name} {size}: {stop.message}")
            _check(w, size, f"vmjit {engine}", m.stdout)
            instructions += m.stats["instructions"]
        return Run(seconds, instructions, m.stats if m is not None else None)

    return run


def run_command(name: str, command: Callable[[Workload], List[str]]) -> Callable[[Workload, int], Run]:
    """Run a program as a child process per launch; the time includes its start."""

    def run(w: Workload, size: int) -> Run:
        argv = [*command(w), str(size)]
        seconds = 0.0
        for _ in range(w.launches(size)):
            start = time.perf_counter()
            done = subprocess.run(argv, capture_output=True, env={}, check=False)
            seconds += time.perf_counter() - start
            if done.returncode != 0:
                raise BenchError(f"{name} on {w.name} {size}: exit status {done.returncode}: {done.stderr!r}")
            _check(w, size, name, done.stdout)
        return Run(seconds)

    return run


def native_binary(w: Workload) -> Path:
    """The host build of ``w``, compiled with gcc on first use into
    benches/guest/build/native, named by a hash of its sources and flags."""
    src = guest_dir() / "src"
    flags = [*NATIVE_CFLAGS, *(str(src / s) for s in w.sources), *w.libs]
    digest = hashlib.sha256(" ".join(flags).encode())
    for f in sorted(src.glob("*.[ch]")):
        digest.update(f.read_bytes())
    out = guest_dir() / "build" / "native" / f"{w.name}-{digest.hexdigest()[:12]}"
    if not out.exists():
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_suffix(".tmp")
        done = subprocess.run(["gcc", *flags, "-o", str(tmp)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise BenchError(f"gcc failed on {w.name}: {done.stderr.strip()}")
        tmp.replace(out)
    return out


def run_unicorn(w: Workload, size: int) -> Run:
    """The bare-metal image of the integer workload under Unicorn, from
    creating the emulator to the image reaching its halt loop."""
    from unicorn import UC_ARCH_RISCV, UC_MODE_RISCV64, Uc
    from unicorn.riscv_const import UC_RISCV_REG_A0, UC_RISCV_REG_PC

    image = (guest_dir() / "bin" / f"{w.name}_bare.bin").read_bytes()
    # Offsets 8 and 16 of the image hold the halt loop's and the result's
    # addresses (benches/guest/src/intmix_bare.S).
    halt, result = struct.unpack_from("<QQ", image, 8)
    start = time.perf_counter()
    uc = Uc(UC_ARCH_RISCV, UC_MODE_RISCV64)
    uc.mem_map(BARE_BASE, BARE_RAM)
    uc.mem_write(BARE_BASE, image)
    uc.reg_write(UC_RISCV_REG_A0, size)
    uc.emu_start(BARE_BASE, halt)
    seconds = time.perf_counter() - start
    if uc.reg_read(UC_RISCV_REG_PC) != halt:
        raise BenchError(f"unicorn on {w.name}_bare {size}: stopped at pc {uc.reg_read(UC_RISCV_REG_PC):#x}")
    checksum = struct.unpack("<Q", uc.mem_read(result, 8))[0] & 0xFFFF_FFFF
    _check(w, size, "unicorn", f"{w.name} {size} {checksum:08x}\n".encode())
    return Run(seconds)


def runners(w: Workload) -> Tuple[List[Runner], List[str]]:
    """The runners available for ``w`` on this host, and why any are missing."""
    found = [Runner(f"vmjit {e}", run_vmjit(e)) for e in ENGINES]
    missing = []
    qemu = shutil.which("qemu-riscv64")
    if qemu:
        in_qemu = run_command("qemu-riscv64", lambda w: [qemu, str(guest_dir() / "bin" / w.name)])
        found.append(Runner("qemu-riscv64", in_qemu))
    else:
        missing.append("qemu-riscv64: not on PATH (Debian: apt install qemu-user)")
    if shutil.which("gcc"):
        found.append(Runner("native", run_command("native", lambda w: [str(native_binary(w))])))
    else:
        missing.append("native: no host gcc to build the workloads")
    if w.bare:
        try:
            import unicorn  # noqa: F401
        except ImportError:
            missing.append("unicorn: not importable (pip install 'vmjit[bench]')")
        else:
            found.append(Runner("unicorn", run_unicorn))
    return found, missing


def measure(runner: Runner, w: Workload, size: int, repeats: int) -> Run:
    """The best of up to ``repeats`` verified runs; a measurement that took
    REPEAT_BUDGET seconds already is not repeated (its noise is small, and
    the full scoreboard should not take an hour)."""
    runs = [runner.run(w, size)]
    while len(runs) < repeats and sum(r.seconds for r in runs) < REPEAT_BUDGET:
        runs.append(runner.run(w, size))
    return min(runs, key=lambda r: r.seconds)


@dataclass
class Result:
    workload: str
    runner: str
    run: Run


@dataclass
class Scoreboard:
    mode: str
    machine: str
    date: str
    results: List[Result] = field(default_factory=list)
    #: Runners that could not take part, and why.
    missing: List[str] = field(default_factory=list)
    internals: Optional[bench_internals.Internals] = None


def host_description() -> str:
    """CPU model and core count, as /proc/cpuinfo and the OS report them."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, {sys.platform}"


def scoreboard(
    mode: str = "full",
    names: Optional[Sequence[str]] = None,
    internals: bool = True,
    progress: Callable[[str], None] = lambda _: None,
) -> Scoreboard:
    """Run every workload (or those named) under every available runner."""
    chosen = [workload(n) for n in names] if names else list(WORKLOADS)
    board = Scoreboard(mode, host_description(), time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
    for w in chosen:
        size = w.size(mode)
        found, missing = runners(w)
        board.missing.extend(m for m in missing if m not in board.missing)
        for r in found:
            progress(f"{w.name} {size}: {r.name}")
            board.results.append(Result(w.name, r.name, measure(r, w, size, REPEATS[mode])))
    if internals:
        progress("engine internals")
        board.internals = bench_internals.measure(mode, guest_dir() / "bin" / "intmix", board)
    return board


def main(args: argparse.Namespace) -> int:
    """`vmjit bench`: run the scoreboard, write bench.md and bench.png to --output."""
    mode = "quick" if args.quick else "full"
    out = Path(args.output)
    try:
        board = scoreboard(mode, args.workload, progress=lambda s: sys.stderr.write(f"vmjit bench: {s}\n"))
    except BenchError as e:
        sys.stderr.write(f"vmjit bench: {e}\n")
        return 1
    out.mkdir(parents=True, exist_ok=True)
    table = bench_report.markdown(board)
    (out / "bench.md").write_text(table)
    sys.stdout.write(table)
    chart = bench_report.chart(board, out / "bench.png")
    sys.stderr.write(f"vmjit bench: {chart}\n")
    return 0


def add_parser(sub) -> None:
    """Register `vmjit bench` on the CLI's subcommand parsers."""
    p = sub.add_parser("bench", help="compare vmjit with qemu-riscv64, native code and Unicorn")
    p.add_argument("--quick", action="store_true", help="small sizes, one run each (under two minutes)")
    p.add_argument("--output", default="bench-results", metavar="DIR", help="where bench.md and bench.png go")
    p.add_argument(
        "--workload",
        action="append",
        choices=[w.name for w in WORKLOADS],
        help="run only this workload (repeatable; default: all)",
    )
    p.set_defaults(func=main)
