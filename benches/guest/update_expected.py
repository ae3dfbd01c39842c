"""Record what each workload prints at each size the benches use (vmjit.bench
WORKLOADS, quick and full) into expected.json, running the committed binaries
under qemu-riscv64, the reference. Run through `make expected`."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from vmjit.bench import MODES, WORKLOADS

HERE = Path(__file__).resolve().parent


def main() -> None:
    table = {}
    for w in WORKLOADS:
        outputs = {}
        for mode in MODES:
            size = w.size(mode)
            argv = ["qemu-riscv64", str(HERE / "bin" / w.name), str(size)]
            outputs[str(size)] = subprocess.run(argv, capture_output=True, check=True, env={}, text=True).stdout
        table[w.name] = outputs
    (HERE / "expected.json").write_text(json.dumps(table, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
