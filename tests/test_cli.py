"""The `vmjit` command line, run as a child process both as
`python -m vmjit` and through the installed `vmjit` script: the guest gets
the process's own stdin/stdout/stderr and its exit status becomes ours."""

from __future__ import annotations

import re
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
from cases import CASES_BY_NAME, elf_entry

SCRIPT = Path(sysconfig.get_path("scripts")) / "vmjit"
LAUNCHERS = {
    "module": [sys.executable, "-m", "vmjit"],
    "script": [str(SCRIPT)],
}


@pytest.fixture(params=sorted(LAUNCHERS))
def vmjit_cmd(request):
    """Runs the CLI with the given arguments: a CompletedProcess."""
    if request.param == "script" and not SCRIPT.exists():
        pytest.skip(f"the vmjit script is not installed in {SCRIPT.parent}")
    prefix = LAUNCHERS[request.param]

    def run(*args, stdin=b""):
        return subprocess.run([*prefix, *map(str, args)], input=stdin, capture_output=True, timeout=300)

    return run


def test_runs_a_program_with_its_arguments(vmjit_cmd, guest):
    proc = vmjit_cmd("run", guest("exit_codes"), "exit")
    assert (proc.stdout, proc.returncode) == (b"calling exit(42)\n", 42)
    assert proc.stderr == b""


def test_guest_stdin_and_stderr_are_the_process_own(vmjit_cmd, guest):
    proc = vmjit_cmd("run", guest("upcase"), stdin=b"through the pipe\n")
    assert proc.returncode == 0
    assert proc.stdout == b"THROUGH THE PIPE\n"
    assert proc.stderr == b"upcase: 17 bytes\n"


def test_guest_arguments_that_look_like_options(vmjit_cmd, guest):
    proc = vmjit_cmd("run", guest("args"), "--stats", "-x")
    assert proc.returncode == 0
    out = proc.stdout.decode().splitlines()
    assert out[:4] == ["argc=3", "argv[0] basename=args", 'argv[1]="--stats"', 'argv[2]="-x"']


@pytest.mark.parametrize("name", ["hello", "exit_exit", "exit_return", "exit__exit", "bench"])
def test_output_and_status_match_expected(vmjit_cmd, expected, name):
    case = CASES_BY_NAME[name]
    proc = vmjit_cmd("run", case.path, *case.args)
    assert (proc.stdout, proc.returncode) == expected(name)


@pytest.mark.parametrize(
    "name, status", [("bad_load", 139), ("bad_jump", 139), ("bad_stack", 139), ("bad_illegal", 132), ("bad_ebreak", 133)]
)
def test_fault_exit_status_is_128_plus_signal(vmjit_cmd, expected, name, status):
    proc = vmjit_cmd("run", CASES_BY_NAME[name].path)
    assert (proc.stdout, proc.returncode) == expected(name)
    assert proc.returncode == status
    assert proc.stderr  # says what killed the guest


def test_stats_report(vmjit_cmd, guest):
    proc = vmjit_cmd("run", "--stats", guest("count_loop"))
    assert proc.returncode == 44
    err = proc.stderr.decode()
    assert re.search(r"instructions:\s+3006\b", err), err
    assert "MIPS" in err
    assert re.search(r"TLB hit rate:\s+\d+(\.\d+)?%", err), err
    assert re.search(r"unknown syscalls:\s+none", err), err


def test_stats_list_unknown_syscalls(vmjit_cmd, guest, tmp_path):
    proc = vmjit_cmd("run", "--stats", guest("sys_misc"), tmp_path)
    assert proc.returncode == 0
    assert b"syscall 500: -1, ENOSYS\n" in proc.stdout
    assert re.search(r"unknown syscalls:.*\b500\b", proc.stderr.decode()), proc.stderr


def test_max_instructions(vmjit_cmd, guest):
    path = guest("count_loop")
    proc = vmjit_cmd("run", "--max-instructions", 33, path)
    # 124, as `timeout` uses, says the budget stopped the guest.
    assert (proc.stdout, proc.returncode) == (b"", 124)
    assert b"33" in proc.stderr
    assert hex(elf_entry(path) + 12).encode() in proc.stderr  # where it stopped
    proc = vmjit_cmd("run", "--max-instructions", 3006, path)
    assert proc.returncode == 44


def test_no_program_runs_the_bundled_demo(vmjit_cmd, expected):
    proc = vmjit_cmd("run")
    assert (proc.stdout, proc.returncode) == expected("demo_hello")
    assert b"demo" in proc.stderr and b"hello.elf" in proc.stderr


def test_missing_program(vmjit_cmd, tmp_path):
    proc = vmjit_cmd("run", tmp_path / "nothing-here")
    assert proc.returncode == 127
    assert b"nothing-here" in proc.stderr


def test_not_a_riscv_program(vmjit_cmd, tmp_path):
    bad = tmp_path / "notes.txt"
    bad.write_bytes(b"not a program\n")
    proc = vmjit_cmd("run", bad)
    assert proc.returncode == 126
    assert b"notes.txt" in proc.stderr


def test_disasm_of_count_loop(vmjit_cmd, guest):
    path = guest("count_loop")
    entry = elf_entry(path)
    proc = vmjit_cmd("disasm", path)
    assert proc.returncode == 0
    text = proc.stdout.decode()
    # objdump's layout: address, encoding, mnemonic and operands. Aliases may
    # be printed either way (li for addi from zero, zext.b for andi 255;
    # binutils 2.40 even prints addi with an immediate as add).
    want = [
        (0, 0x00000293, r"(li\s+t0,\s*0|addi\s+t0,\s*zero,\s*0)"),
        (4, 0x3E800313, r"(li\s+t1,\s*1000|addi\s+t1,\s*zero,\s*1000)"),
        (12, 0x005585B3, r"add\s+a1,\s*a1,\s*t0"),
        (16, 0x00128293, r"addi?\s+t0,\s*t0,\s*1"),
        (20, 0xFE629CE3, rf"bne\s+t0,\s*t1,\s*(0x)?{entry + 12:x}"),
        (24, 0x0FF5F513, r"(andi\s+a0,\s*a1,\s*255|zext\.b\s+a0,\s*a1)"),
        (28, 0x05D00893, r"(li\s+a7,\s*93|addi\s+a7,\s*zero,\s*93)"),
        (32, 0x00000073, r"ecall"),
    ]
    for offset, bits, mnemonic in want:
        line = rf"(?m)^\s*{entry + offset:x}:\s+{bits:08x}\s+{mnemonic}\b"
        assert re.search(line, text), f"no line matching {line!r} in:\n{text}"


def test_disasm_shows_compressed_encodings(vmjit_cmd, guest):
    path = guest("compressed")
    entry = elf_entry(path)
    proc = vmjit_cmd("disasm", path)
    assert proc.returncode == 0
    text = proc.stdout.decode()
    # The first two instructions: c.li a0,-7 (0x5565), c.addi a0,3 (0x050d).
    assert re.search(rf"(?m)^\s*{entry:x}:\s+5565\s+(c\.)?li\s+a0,\s*-7\b", text), text[:2000]
    assert re.search(rf"(?m)^\s*{entry + 2:x}:\s+050d\s+(c\.addi\s+a0,\s*3|addi?\s+a0,\s*a0,\s*3)\b", text), text[:2000]


def test_disasm_of_a_non_elf_file(vmjit_cmd, tmp_path):
    bad = tmp_path / "junk"
    bad.write_bytes(b"\x7fELF but not really")
    proc = vmjit_cmd("disasm", bad)
    assert proc.returncode == 1
    assert b"junk" in proc.stderr


def test_bundled_demo_is_the_built_one(guest):
    # The package ships tests/guest/bin/demo_hello as vmjit/demo/hello.elf.
    from importlib import resources

    bundled = resources.files("vmjit") / "demo" / "hello.elf"
    assert bundled.read_bytes() == guest("demo_hello").read_bytes()
