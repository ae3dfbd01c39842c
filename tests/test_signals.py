"""Linux signals through the Python API and the CLI: the signals guest
program of the core's tests (rust/core/tests/linux_data) under every
engine, with the output and status Linux gives, and a "signal" stop for a
guest killed by a signal that is not its own fault."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import vmjit
from vmjit.testing import available_engines

DATA = Path(__file__).resolve().parents[1] / "rust" / "core" / "tests" / "linux_data"
SIGNALS = DATA / "bin" / "signals"
BUDGET = 2_000_000_000


def expected(scenario: str) -> bytes:
    return (DATA / "expected" / f"signals-{scenario}.txt").read_bytes()


def run(scenario: str, engine: str):
    m = vmjit.Machine.linux(str(SIGNALS), argv=["bin/signals", scenario], env={}, engine=engine)
    stop = m.run_sync(max_instructions=BUDGET)
    return m, stop


@pytest.mark.parametrize("engine", available_engines())
def test_handlers_see_and_change_registers(engine):
    m, stop = run("ill", engine)
    assert (stop.kind, stop.exit_code, stop.signal) == ("exited", 0, None)
    assert m.stdout == expected("ill")


@pytest.mark.parametrize("engine", available_engines())
def test_kill_by_sigterm_is_a_signal_stop(engine):
    m, stop = run("term", engine)
    assert m.stdout == expected("term") == b"terminating\n"
    assert (stop.kind, stop.exit_code, stop.signal) == ("signal", 143, 15)
    assert "SIGTERM" in stop.message


def test_sigpipe_kills_and_ignored_sigpipe_gives_epipe():
    m, stop = run("pipe", "auto")
    assert (stop.kind, stop.exit_code, stop.signal) == ("signal", 141, 13)
    assert m.stdout == expected("pipe")
    m, stop = run("pipe-ign", "auto")
    assert (stop.kind, stop.exit_code) == ("exited", 0)
    assert m.stdout == expected("pipe-ign")


def test_fault_in_a_handler_is_a_fault_stop():
    m, stop = run("nested-segv", "interp")
    assert (stop.kind, stop.exit_code, stop.signal) == ("fault", 139, 11)
    assert stop.fault_addr == 0x18 and stop.access == "write"
    assert m.stdout == expected("nested-segv")


def test_cli_exits_with_128_plus_the_signal():
    r = subprocess.run(
        [sys.executable, "-m", "vmjit", "run", str(SIGNALS), "abort-handler"],
        capture_output=True,
        timeout=120,
    )
    assert r.stdout == expected("abort-handler")
    assert r.returncode == 134
    assert b"SIGABRT" in r.stderr
