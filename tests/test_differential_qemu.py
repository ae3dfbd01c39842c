"""vmjit against qemu-riscv64 on the same binaries: stdout and exit status
must agree. The expected files were made with qemu, so this also catches
expected outputs gone stale after the guest programs were rebuilt."""

from __future__ import annotations

import pytest
from cases import CASES, run_qemu

import vmjit

pytestmark = pytest.mark.qemu


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_vmjit_agrees_with_qemu(case, tmp_path, qemu):
    qemu_dir = tmp_path / "qemu"
    vmjit_dir = tmp_path / "vmjit"
    qemu_dir.mkdir()
    vmjit_dir.mkdir()
    want_out, want_status = run_qemu(case, qemu_dir, qemu)
    r = vmjit.run(
        case.path,
        *case.argv_tail(vmjit_dir),
        engine="interp",
        stdin=case.stdin,
        env=case.env,
        max_instructions=200_000_000,
    )
    assert r.stdout == want_out
    assert r.exit_code == want_status


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_expected_files_are_qemu_output(case, tmp_path, qemu, expected):
    assert run_qemu(case, tmp_path, qemu) == expected(case.name)
