"""Every guest program under vmjit's interpreter: stdout and exit status must
equal what qemu-riscv64 produced (tests/guest/expected), byte for byte."""

from __future__ import annotations

import pytest
from cases import CASES, CASES_BY_NAME

import vmjit

#: Far more than any case needs (bad_stack, the longest, runs a few million
#: instructions): a budget stop means the guest went wrong.
MAX_INSTRUCTIONS = 200_000_000


def run_case(case, workdir, engine="interp"):
    return vmjit.run(
        case.path,
        *case.argv_tail(workdir),
        engine=engine,
        stdin=case.stdin,
        env=case.env,
        max_instructions=MAX_INSTRUCTIONS,
    )


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_stdout_and_status_match_expected(case, tmp_path, expected):
    want_out, want_status = expected(case.name)
    r = run_case(case, tmp_path)
    assert r.stop.kind != "budget", f"still running after {MAX_INSTRUCTIONS} instructions"
    assert r.stdout == want_out
    assert r.exit_code == want_status


def test_auto_engine_runs_hello(tmp_path, expected):
    r = run_case(CASES_BY_NAME["hello"], tmp_path, engine="auto")
    assert (r.stdout, r.exit_code) == expected("hello")
    assert r.stderr == b""


def test_stderr_is_captured_apart_from_stdout(tmp_path):
    case = CASES_BY_NAME["upcase"]
    r = run_case(case, tmp_path)
    assert r.stdout == case.stdin.upper()
    assert r.stderr == b"upcase: %d bytes\n" % len(case.stdin)


def test_usage_message_goes_to_stderr(tmp_path):
    r = run_case(CASES_BY_NAME["exit_usage"], tmp_path)
    assert (r.exit_code, r.stdout) == (2, b"")
    assert r.stderr == b"usage: exit_codes exit|return|_exit\n"


def test_files_the_guest_made_are_gone(tmp_path):
    # sys_files and sys_misc clean up after themselves through unlink/rmdir;
    # what they did must be visible on the host file system.
    for name in ("sys_files", "sys_misc"):
        r = run_case(CASES_BY_NAME[name], tmp_path)
        assert r.exit_code == 0
    assert list(tmp_path.iterdir()) == []


def test_guest_sees_host_files(tmp_path):
    # A directory made on the host is there for the guest: its mkdir of the
    # same name fails with EEXIST, and the program reports that and exits 1.
    (tmp_path / "sys_files.d").mkdir()
    r = run_case(CASES_BY_NAME["sys_files"], tmp_path)
    assert r.exit_code == 1
    assert r.stdout == b"FAILED: mkdir: File exists\n"
