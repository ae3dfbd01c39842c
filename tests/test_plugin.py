"""The vmjit pytest plugin's fixtures, used as a project would use them."""

import vmjit
from vmjit.testing import available_engines


def test_engines_include_the_interpreter():
    assert "interp" in available_engines()


def test_vmjit_engine_runs_once_per_engine(vmjit_engine, vmjit_run, guest, expected):
    want, status = expected("hello")
    r = vmjit_run(guest("hello"), engine=vmjit_engine)
    assert (r.stdout, r.exit_code) == (want, status)
    assert r.stats["engine"] == vmjit_engine


def test_differential_fixture_returns_the_reference(vmjit_differential, guest, expected):
    want, status = expected("isa_int")
    r = vmjit_differential(guest("isa_int"))
    assert isinstance(r, vmjit.RunResult)
    assert (r.stdout, r.exit_code) == (want, status)
