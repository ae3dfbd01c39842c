"""Files that are not RISC-V executables raise ElfError (a VmError) at
Machine.linux / vmjit.run, and nothing crashes."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

import vmjit


def test_error_hierarchy():
    assert issubclass(vmjit.ElfError, vmjit.VmError)
    assert issubclass(vmjit.VmError, Exception)


def test_not_an_elf_file(tmp_path):
    bad = tmp_path / "script.sh"
    bad.write_bytes(b"#!/bin/sh\necho hello\n")
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(bad)
    with pytest.raises(vmjit.ElfError):
        vmjit.run(bad)


def test_empty_file(tmp_path):
    bad = tmp_path / "empty"
    bad.write_bytes(b"")
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(bad)


def host_executable() -> Path:
    found = shutil.which("true") or sys.executable
    return Path(found).resolve()


def test_host_elf_for_another_machine(tmp_path):
    # This host's own executables are ELF files, but not RISC-V ones.
    host = host_executable()
    assert host.read_bytes()[:4] == b"\x7fELF"
    copy = tmp_path / "host-binary"
    copy.write_bytes(host.read_bytes())
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(copy)


def test_x86_64_header(tmp_path):
    # A RISC-V binary whose e_machine says x86-64 (62) instead of RISC-V (243).
    data = bytearray((Path(__file__).parent / "guest" / "bin" / "demo_hello").read_bytes())
    assert data[18:20] == (243).to_bytes(2, "little")
    data[18:20] = (62).to_bytes(2, "little")
    bad = tmp_path / "x86"
    bad.write_bytes(bytes(data))
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(bad)


@pytest.mark.parametrize("size", [4, 63, 100])
def test_truncated_riscv_binary(guest, tmp_path, size):
    bad = tmp_path / "truncated"
    bad.write_bytes(guest("hello").read_bytes()[:size])
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(bad)


def test_segment_beyond_end_of_file(guest, tmp_path):
    # The headers are intact but the segments they describe are cut off.
    data = guest("hello").read_bytes()
    bad = tmp_path / "cut"
    bad.write_bytes(data[: len(data) // 2])
    with pytest.raises(vmjit.ElfError):
        vmjit.Machine.linux(bad)


def test_missing_file(tmp_path):
    with pytest.raises(FileNotFoundError):
        vmjit.Machine.linux(tmp_path / "no-such-program")


def test_error_message_names_the_problem(tmp_path):
    bad = tmp_path / "text"
    bad.write_bytes(b"plain text, not a program")
    with pytest.raises(vmjit.ElfError) as info:
        vmjit.run(bad)
    assert str(info.value)
