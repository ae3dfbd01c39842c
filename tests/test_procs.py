"""Guest processes from Python: fork, wait statuses, pipelines, execve,
posix_spawn and vfork with captured output (children's output included, in
the order the program forces with waits), and confinement to a root.

The guest is rust/core/tests/linux_data/bin/procs; its expected output was
recorded under qemu-riscv64 (see the Makefile there)."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import vmjit
from vmjit.testing import available_engines

DATA = Path(__file__).resolve().parent.parent / "rust" / "core" / "tests" / "linux_data"
PROCS = DATA / "bin" / "procs"
EXPECTED = (DATA / "expected" / "procs.stdout").read_bytes()
MAX_INSTRUCTIONS = 500_000_000


@pytest.mark.parametrize("engine", ["interp", "jit"])
def test_processes_with_captured_output(engine):
    if engine not in available_engines():
        pytest.skip("no JIT on this host")
    r = vmjit.run(PROCS, engine=engine, max_instructions=MAX_INSTRUCTIONS)
    assert (r.stop.kind, r.exit_code) == ("exited", 0), r.stop.message
    assert r.stdout == EXPECTED
    assert r.stderr == b""


def test_children_of_an_async_run_never_return_to_the_event_loop():
    # Small slices: the children are forked from worker threads between
    # yields to the loop; each must run to its own end.
    async def main():
        m = vmjit.Machine.linux(PROCS, engine="auto")
        stop = await m.run(slice_instructions=5_000)
        return stop, m.stdout

    stop, out = asyncio.run(main())
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert out == EXPECTED


@pytest.fixture
def confined(tmp_path):
    """A root holding bin/procs, its own `secret`, and links trying to
    leave it; the host's `secret` lies just outside."""
    (tmp_path / "secret").write_bytes(b"host secret\n")
    root = tmp_path / "root"
    (root / "bin").mkdir(parents=True)
    (root / "tmp").mkdir()
    (root / "sub" / "deeper").mkdir(parents=True)
    shutil.copy(PROCS, root / "bin" / "procs")
    (root / "secret").write_bytes(b"inside\n")
    (root / "abs-link").symlink_to("/secret")
    (root / "sub" / "deeper" / "up").symlink_to("../../../../../secret")
    (root / "host-link").symlink_to(tmp_path / "secret")
    return root


ESCAPES = ["../secret", "/../../secret", "sub/../../secret", "abs-link", "sub/deeper/up"]


def test_root_confines_every_path(confined):
    denied = ["host-link", "/proc/self/root/etc/passwd", "/etc/passwd"]
    r = vmjit.run("/bin/procs", "cat", *ESCAPES, *denied, root=confined, engine="interp")
    assert r.exit_code == 0
    assert r.stdout == b"inside\n" * len(ESCAPES) + b"".join(
        p.encode() + b": No such file or directory\n" for p in denied
    )


def test_program_is_found_inside_the_root(confined):
    r = vmjit.run("bin/procs", "echo", "relative", root=confined)
    assert r.stdout == b"relative\n"
    with pytest.raises(vmjit.ElfError, match="No such file"):
        vmjit.run(str(PROCS), root=confined)


def test_processes_inside_a_root(confined):
    r = vmjit.run("/bin/procs", root=confined, max_instructions=MAX_INSTRUCTIONS)
    assert (r.exit_code, r.stdout) == (0, EXPECTED)


def test_cli_root(confined):
    proc = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--root", str(confined), "/bin/procs", "cat", "../secret"],
        capture_output=True,
        timeout=300,
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == (b"inside\n", b"", 0)


def test_cli_children_share_the_inherited_stdout():
    proc = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", "--engine", "interp", str(PROCS)], capture_output=True, timeout=300
    )
    assert (proc.stdout, proc.stderr, proc.returncode) == (EXPECTED, b"", 0)
