"""Dynamically linked programs through a sysroot (as `qemu-riscv64 -L`):
the Python API, `vmjit.run` and the CLI's --sysroot, and the error for an
interpreter the sysroot lacks.

The program is rust/core/tests/linux_data/bin/dyn_hello, linked against
glibc; the sysroot is Debian's riscv64 cross libc (libc6-riscv64-cross).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vmjit

ROOT = Path(__file__).resolve().parent.parent
DYN_HELLO = ROOT / "rust" / "core" / "tests" / "linux_data" / "bin" / "dyn_hello"
SYSROOT = Path("/usr/riscv64-linux-gnu")
INTERP = "lib/ld-linux-riscv64-lp64d.so.1"

needs_sysroot = pytest.mark.skipif(
    not (SYSROOT / INTERP).is_file(),
    reason=f"{SYSROOT} lacks {INTERP}: install Debian's libc6-riscv64-cross to run dynamic programs",
)


@needs_sysroot
@pytest.mark.parametrize("engine", ["interp", "auto"])
def test_machine_runs_a_dynamic_program_through_the_sysroot(engine):
    m = vmjit.Machine.linux(DYN_HELLO, argv=["dyn_hello", "world"], env={}, sysroot=SYSROOT, engine=engine)
    stop = m.run_sync()
    assert (stop.kind, stop.exit_code) == ("exited", 3), stop.message
    assert m.stdout == b"hello from a dynamic program: world (5 bytes)\n"
    assert m.stderr == b""
    assert m.stats["unknown_syscalls"] == {}


@needs_sysroot
def test_run_takes_a_sysroot_as_str():
    r = vmjit.run(DYN_HELLO, "abc", env={}, sysroot=str(SYSROOT))
    assert (r.exit_code, r.stdout, r.stderr) == (3, b"hello from a dynamic program: abc (3 bytes)\n", b"")


@needs_sysroot
def test_cli_sysroot_option():
    proc = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--sysroot", str(SYSROOT), str(DYN_HELLO), "cli"],
        capture_output=True,
        timeout=300,
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == (
        b"hello from a dynamic program: cli (3 bytes)\n",
        b"",
        3,
    )


@pytest.mark.skipif(Path("/", INTERP).exists(), reason=f"this host has /{INTERP}, so the lookup falls back to it")
def test_missing_interpreter_names_its_path(tmp_path):
    with pytest.raises(vmjit.ElfError) as info:
        vmjit.Machine.linux(DYN_HELLO, sysroot=tmp_path)
    assert str(info.value) == (
        f"interpreter /{INTERP}: not found (looked in the sysroot {tmp_path} and on the host)"
    )


@pytest.mark.skipif(Path("/", INTERP).exists(), reason=f"this host has /{INTERP}, so the lookup falls back to it")
def test_cli_reports_the_missing_interpreter(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--sysroot", str(tmp_path), str(DYN_HELLO)],
        capture_output=True,
        timeout=300,
    )
    assert proc.returncode == 126
    assert proc.stdout == b""
    assert proc.stderr == (
        f"vmjit: {DYN_HELLO}: interpreter /{INTERP}: not found "
        f"(looked in the sysroot {tmp_path} and on the host)\n"
    ).encode()


def test_sysroot_must_be_a_directory(tmp_path):
    not_a_dir = tmp_path / "file"
    not_a_dir.write_bytes(b"")
    with pytest.raises(vmjit.ElfError, match=r"^sysroot .*/file: not a directory$"):
        vmjit.Machine.linux(DYN_HELLO, sysroot=not_a_dir)
