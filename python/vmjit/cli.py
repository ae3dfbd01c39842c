"""The `vmjit` command line: run, disassemble and benchmark RISC-V programs."""

from __future__ import annotations

import argparse
import sys
from importlib import resources
from typing import List, Optional

from vmjit import _core, bench
from vmjit.machine import ENGINES, Machine

#: Exit status when --max-instructions stops the guest (as `timeout` uses).
BUDGET_EXIT = 124


def _demo_path() -> str:
    return str(resources.files("vmjit") / "demo" / "hello.elf")


def _print_stats(stats: dict) -> None:
    seconds = stats["run_time"]
    insns = stats["instructions"]
    mips = insns / seconds / 1e6 if seconds > 0 else 0.0
    accesses = stats["tlb_hits"] + stats["tlb_misses"]
    hit_rate = 100.0 * stats["tlb_hits"] / accesses if accesses else 100.0
    lines = [
        f"engine:         {stats['engine']}",
        f"instructions:   {insns}",
        f"  interpreted:  {stats['interp_instructions']}",
        f"  jit:          {stats['jit_instructions']}",
        f"run time:       {seconds:.6f} s",
        f"speed:          {mips:.1f} MIPS",
        f"blocks decoded: {stats['blocks_decoded']}",
        f"blocks compiled: {stats['blocks_compiled']} "
        f"(compile time {stats['compile_time'] * 1e3:.2f} ms, median {stats['compile_time_median'] * 1e6:.0f} us)",
        f"TLB hit rate:   {hit_rate:.2f}% ({stats['tlb_hits']} hits, {stats['tlb_misses']} misses)",
    ]
    if stats["tlb_l2_hits"] or stats["tlb_l2_misses"]:
        # System mode: the second-level TLB behind the host-pointer ones.
        lines.append(
            f"TLB level 2:    {stats['tlb_l2_hits']} hits, {stats['tlb_l2_misses']} misses, "
            f"{stats['page_walks']} page walks"
        )
    lines.append(f"syscalls:       {stats['syscalls']}")
    unknown = stats["unknown_syscalls"]
    if unknown:
        listed = ", ".join(f"{nr} (x{n})" for nr, n in sorted(unknown.items()))
        lines.append(f"unknown syscalls: {listed}")
    else:
        lines.append("unknown syscalls: none")
    sys.stderr.write("".join(f"vmjit: {line}\n" for line in lines))


def _cmd_run_system(args: argparse.Namespace) -> int:
    """Boot a bare-metal image; exit 0 on an HTIF pass, the guest's fail
    code on a failure, 1 when the hart halts."""
    program = args.program
    if program is None:
        sys.stderr.write("vmjit: --system needs a PROGRAM\n")
        return 2
    try:
        harts = 1 if args.harts is None else args.harts
        machine = Machine.system(program, memory=args.memory, stdout="inherit", engine=args.engine, harts=harts)
    except OSError as e:
        sys.stderr.write(f"vmjit: cannot open {program}: {e.strerror}\n")
        return 127
    except (_core.VmError, ValueError) as e:
        sys.stderr.write(f"vmjit: {program}: {e}\n")
        return 126
    stop = machine.run_sync(args.max_instructions)
    sys.stdout.flush()
    if args.stats:
        _print_stats(machine.stats)
    if stop.kind == "exited":
        if stop.exit_code:
            sys.stderr.write(f"vmjit: guest reported failure {stop.exit_code}\n")
            return min(stop.exit_code, 255) or 1
        return 0
    if stop.kind == "budget":
        sys.stderr.write(f"vmjit: stopped after {args.max_instructions} instructions at pc {stop.pc:#x}\n")
        return BUDGET_EXIT
    sys.stderr.write(f"vmjit: {stop.message}\n")
    return 1


def _cmd_run(args: argparse.Namespace) -> int:
    if args.system:
        return _cmd_run_system(args)
    if args.harts is not None:
        sys.stderr.write("vmjit: --harts needs --system\n")
        return 2
    program = args.program
    if program is None:
        program = _demo_path()
        sys.stderr.write(f"vmjit: no program given; running the bundled demo {program}\n")
    argv = [program, *args.args]
    try:
        machine = Machine.linux(
            program,
            argv=argv,
            stdin="inherit",
            stdout="inherit",
            stderr="inherit",
            engine=args.engine,
            sysroot=args.sysroot,
            root=args.root,
        )
    except OSError as e:
        sys.stderr.write(f"vmjit: cannot open {program}: {e.strerror}\n")
        return 127
    except _core.VmError as e:
        sys.stderr.write(f"vmjit: {program}: {e}\n")
        return 126
    sys.stdout.flush()
    stop = machine.run_sync(args.max_instructions)
    if args.stats:
        _print_stats(machine.stats)
    if stop.kind == "exited":
        return stop.exit_code & 0xFF
    if stop.kind == "budget":
        sys.stderr.write(f"vmjit: stopped after {args.max_instructions} instructions at pc {stop.pc:#x}\n")
        return BUDGET_EXIT
    sys.stderr.write(f"vmjit: guest killed: {stop.message}\n")
    return stop.exit_code if stop.exit_code is not None else 1


def _cmd_disasm(args: argparse.Namespace) -> int:
    try:
        with open(args.file, "rb") as f:
            image = f.read()
    except OSError as e:
        sys.stderr.write(f"vmjit: cannot open {args.file}: {e.strerror}\n")
        return 1
    try:
        text = _core.disassemble_elf(image)
    except _core.VmError as e:
        sys.stderr.write(f"vmjit: {args.file}: {e}\n")
        return 1
    sys.stdout.write(text)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="vmjit", description="A RISC-V (RV64GC) virtual machine.")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run a RISC-V Linux program")
    run.add_argument("--engine", choices=ENGINES, default="auto", help="execution engine (default: auto)")
    run.add_argument(
        "--sysroot",
        metavar="DIR",
        default=None,
        help="directory standing in for the guest's / (as qemu-riscv64 -L): absolute paths are looked up "
        "there first, then on the host; dynamically linked programs find their interpreter and libraries in it",
    )
    run.add_argument("--stats", action="store_true", help="print execution statistics to stderr")
    run.add_argument(
        "--root", metavar="DIR", default=None, help="confine the program to DIR, its / (PROGRAM is found inside)"
    )
    run.add_argument("--max-instructions", type=int, default=None, metavar="N", help="stop after N instructions")
    run.add_argument(
        "--system", action="store_true", help="boot PROGRAM on a bare-metal board (exit 0 on an HTIF pass)"
    )
    run.add_argument("--memory", default="128M", help="RAM of the --system board (default: 128M)")
    run.add_argument("--harts", type=int, default=None, metavar="N", help="harts of the --system board (default: 1)")
    run.add_argument("program", nargs="?", help="the ELF executable (default: the bundled demo)")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments passed to the program")
    run.set_defaults(func=_cmd_run)

    dis = sub.add_parser("disasm", help="disassemble the code of an ELF file")
    dis.add_argument("file")
    dis.set_defaults(func=_cmd_disasm)

    bench.add_parser(sub)
    return parser


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
