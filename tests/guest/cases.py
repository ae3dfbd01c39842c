"""The guest program runs the tests check, and how to run one under qemu-riscv64.

Each `Case` is a program from bin/ with its arguments, environment and stdin.
Its expected stdout and exit status live in expected/NAME.out and
expected/NAME.status; `update_expected.py` makes them by running the case
under qemu-riscv64, the reference. Exit statuses follow the shell: 128 +
signal for a program killed by a signal.

A case with ``needs_dir`` gets a fresh empty directory as its first argument
(the programs never print that path, so outputs stay machine-independent).
"""

from __future__ import annotations

import resource
import struct
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Optional, Tuple

GUEST_DIR = Path(__file__).resolve().parent
BIN_DIR = GUEST_DIR / "bin"
EXPECTED_DIR = GUEST_DIR / "expected"

#: Rounds of bin/bench that the tests run (about 0.8 million instructions);
#: benches/ runs far more.
BENCH_TEST_ROUNDS = 10


@dataclass(frozen=True)
class Case:
    name: str
    program: str
    args: Tuple[str, ...] = ()
    env: Dict[str, str] = field(default_factory=dict)
    stdin: bytes = b""
    needs_dir: bool = False

    @property
    def path(self) -> Path:
        return BIN_DIR / self.program

    def argv_tail(self, workdir: Optional[Path]) -> List[str]:
        """Arguments after argv[0]: the work directory first when needed."""
        head = [str(workdir)] if self.needs_dir else []
        return head + list(self.args)


CASES = [
    Case("hello", "hello"),
    Case("demo_hello", "demo_hello"),
    Case("exit_exit", "exit_codes", ("exit",)),
    Case("exit_return", "exit_codes", ("return",)),
    Case("exit__exit", "exit_codes", ("_exit",)),
    Case("exit_usage", "exit_codes"),
    Case("args", "args", ("one", "two words", "", "--flag=x"), env={"VMJIT_TEST": "some value", "LANG": "C"}),
    Case("args_none", "args"),
    Case("upcase", "upcase", stdin=b"Hello, stdin!\nsecond line\x00\xff\n"),
    Case("isa_int", "isa_int"),
    Case("isa_amo", "isa_amo"),
    Case("compressed", "compressed"),
    Case("count_loop", "count_loop"),
    Case("page_walk", "page_walk"),
    Case("fp", "fp"),
    Case("sys_files", "sys_files", needs_dir=True),
    Case("sys_misc", "sys_misc", needs_dir=True),
    Case("bench", "bench", (str(BENCH_TEST_ROUNDS),)),
    Case("fpbench", "fpbench", (str(BENCH_TEST_ROUNDS),)),
    Case("watch_global", "watch_global"),
    Case("bad_illegal", "bad_illegal"),
    Case("bad_ebreak", "bad_ebreak"),
    Case("bad_jump", "bad_jump"),
    Case("bad_load", "bad_load"),
    Case("bad_store_text", "bad_store_text"),
    Case("bad_stack", "bad_stack"),
    Case("bad_wild_write", "bad_wild_write"),
]

CASES_BY_NAME = {c.name: c for c in CASES}


def read_expected(name: str) -> Tuple[bytes, int]:
    """(stdout, exit status) recorded for case `name`."""
    out = (EXPECTED_DIR / f"{name}.out").read_bytes()
    status = int((EXPECTED_DIR / f"{name}.status").read_text().strip())
    return out, status


def _no_core_dumps() -> None:
    # qemu-user writes a core file for a guest killed by SIGSEGV/SIGILL unless
    # the core size limit is zero.
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_qemu(case: Case, workdir: Path, qemu: str = "qemu-riscv64") -> Tuple[bytes, int]:
    """Run `case` under qemu-riscv64 in `workdir`: (stdout, exit status)."""
    proc = subprocess.run(
        [qemu, str(case.path), *case.argv_tail(workdir)],
        input=case.stdin,
        capture_output=True,
        env=dict(case.env),
        cwd=workdir,
        preexec_fn=_no_core_dumps,
        timeout=120,
    )
    status = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
    return proc.stdout, status


def elf_entry(path: Path) -> int:
    """e_entry of a 64-bit little-endian ELF file."""
    return struct.unpack_from("<Q", Path(path).read_bytes(), 0x18)[0]


def elf_vaddr_of(path: Path, needle: bytes) -> int:
    """The address at which the bytes `needle` (found in a PT_LOAD segment's
    file image) are loaded."""
    data = Path(path).read_bytes()
    offset = data.index(needle)
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for i in range(phnum):
        p_type, _flags, p_offset, p_vaddr, _paddr, p_filesz = struct.unpack_from(
            "<IIQQQQ", data, phoff + i * phentsize
        )
        if p_type == 1 and p_offset <= offset < p_offset + p_filesz:
            return p_vaddr + offset - p_offset
    raise ValueError(f"{needle!r} is not in a loaded segment of {path}")
