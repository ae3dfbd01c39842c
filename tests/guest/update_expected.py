"""Record the expected stdout and exit status of every guest case by running
it under qemu-riscv64 (the reference): `python3 update_expected.py [NAME...]`.

Review the diff before committing: a changed expectation is a claim about
RISC-V or Linux behaviour, so read the new output and check it is right.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

from cases import CASES, EXPECTED_DIR, run_qemu


def main(names: list) -> int:
    qemu = shutil.which("qemu-riscv64")
    if qemu is None:
        print("qemu-riscv64 is not on PATH", file=sys.stderr)
        return 1
    unknown = set(names) - {c.name for c in CASES}
    if unknown:
        print(f"unknown cases: {', '.join(sorted(unknown))}", file=sys.stderr)
        return 1
    EXPECTED_DIR.mkdir(exist_ok=True)
    for case in CASES:
        if names and case.name not in names:
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out, status = run_qemu(case, Path(tmp), qemu)
        (EXPECTED_DIR / f"{case.name}.out").write_bytes(out)
        (EXPECTED_DIR / f"{case.name}.status").write_text(f"{status}\n")
        print(f"{case.name:16} status {status:3}  {len(out):6} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
