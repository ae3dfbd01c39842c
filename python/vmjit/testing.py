"""vmjit's pytest plugin (entry point ``pytest11: vmjit``).

Fixtures for tests of RISC-V programs:

- ``vmjit_run(program, *args, engine="auto", **kw)`` runs a program to the
  end and returns its `RunResult`;
- ``vmjit_engine`` is parametrized over every engine this build can run, so a
  test taking it runs once per engine;
- ``vmjit_differential(program, *args, **kw)`` runs the program under every
  engine, asserts identical stdout, stderr, stop and instruction count, and
  returns the interpreter's result (the reference).
"""

from __future__ import annotations

from typing import Callable, List

import pytest

from vmjit import _core
from vmjit.machine import RunResult, run

__all__ = ["vmjit_run", "vmjit_differential"]


def available_engines() -> List[str]:
    """The engines that can run here: the interpreter always, the JIT where
    the host supports it."""
    return list(_core.available_engines())


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``vmjit_engines`` marker."""
    config.addinivalue_line("markers", "vmjit_engines(*names): restrict vmjit_engine to these engines")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize ``vmjit_engine`` over the engines available here."""
    if "vmjit_engine" not in metafunc.fixturenames:
        return
    engines = [e for e in available_engines() if e != "auto"]
    marker = metafunc.definition.get_closest_marker("vmjit_engines")
    if marker is not None:
        engines = [e for e in engines if e in marker.args]
    metafunc.parametrize("vmjit_engine", engines)


@pytest.fixture
def vmjit_run() -> Callable[..., RunResult]:
    """`vmjit.run`: load a guest program, run it to the end, and return its
    `RunResult`."""
    return run


@pytest.fixture
def vmjit_differential() -> Callable[..., RunResult]:
    """Like ``vmjit_run``, but runs the program under every available engine
    and asserts identical output, stop and instruction count; returns the
    interpreter's result."""
    def differential(program, *args, **kwargs) -> RunResult:
        kwargs.pop("engine", None)
        results = {e: run(program, *args, engine=e, **kwargs) for e in available_engines() if e != "auto"}
        reference = results["interp"]
        for engine, r in results.items():
            assert r.stdout == reference.stdout, f"stdout differs under {engine}"
            assert r.stderr == reference.stderr, f"stderr differs under {engine}"
            assert r.stop == reference.stop, f"stop differs under {engine}: {r.stop} vs {reference.stop}"
            assert r.stats["instructions"] == reference.stats["instructions"], f"instruction count differs under {engine}"
        return reference

    return differential
