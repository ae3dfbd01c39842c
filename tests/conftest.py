"""Fixtures shared by the suites: guest program paths, their expected
outputs, and the qemu-riscv64 reference (tests that need it skip without it).

The guest programs and their expected outputs live in tests/guest (see
tests/guest/cases.py); the binaries are committed, so no cross compiler is
needed to run the tests.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path
from typing import Callable, Tuple

import pytest

GUEST_DIR = Path(__file__).resolve().parent / "guest"
sys.path.insert(0, str(GUEST_DIR))

import cases  # noqa: E402  (needs the path above)

QEMU = shutil.which("qemu-riscv64")

NO_QEMU = (
    "qemu-riscv64 is not on PATH (Debian package qemu-user); "
    "the differential tests compare vmjit against it"
)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "qemu: runs qemu-riscv64 as the reference (skipped without it)")


def pytest_collection_modifyitems(config: pytest.Config, items: list) -> None:
    if QEMU is not None:
        return
    skip = pytest.mark.skip(reason=NO_QEMU)
    for item in items:
        if item.get_closest_marker("qemu"):
            item.add_marker(skip)


@pytest.fixture
def guest() -> Callable[[str], Path]:
    """guest(name) -> path of tests/guest/bin/NAME."""

    def path(name: str) -> Path:
        p = cases.BIN_DIR / name
        if not p.is_file():
            pytest.fail(f"missing guest program {p}; build it with `make -C tests/guest`")
        return p

    return path


@pytest.fixture
def expected() -> Callable[[str], Tuple[bytes, int]]:
    """expected(case) -> (stdout bytes, exit status) recorded under qemu."""
    return cases.read_expected


@pytest.fixture
def qemu() -> str:
    """Path of qemu-riscv64; skips the test where it is not installed."""
    if QEMU is None:
        pytest.skip(NO_QEMU)
    return QEMU
