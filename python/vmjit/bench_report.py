"""The scoreboard as a Markdown table and as a PNG chart of the ratios."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Dict, List, Optional

if TYPE_CHECKING:
    from vmjit.bench import Result, Scoreboard

#: The runners the ratios are taken against.
QEMU = "qemu-riscv64"
NATIVE = "native"


def _by_workload(board: "Scoreboard") -> Dict[str, Dict[str, "Result"]]:
    table: Dict[str, Dict[str, "Result"]] = {}
    for r in board.results:
        table.setdefault(r.workload, {})[r.runner] = r
    return table


def guest_instructions(row: Dict[str, "Result"]) -> Optional[int]:
    """The workload's guest instruction count, as vmjit counted it. Every
    engine runs the same binary on the same input, so the count is the same."""
    for r in row.values():
        if r.run.instructions is not None:
            return r.run.instructions
    return None


def mips(r: "Result", instructions: Optional[int]) -> Optional[float]:
    """Guest MIPS of a run of the RISC-V Linux binary (not of the host build,
    whose instructions are the host's, nor of the bare-metal image)."""
    if instructions is None or r.runner in (NATIVE, "unicorn"):
        return None
    return instructions / r.run.seconds / 1e6


def ratio(r: "Result", row: Dict[str, "Result"], peer: str) -> Optional[float]:
    """Wall time of ``r`` over the peer's wall time: above 1 is slower."""
    if peer not in row:
        return None
    return r.run.seconds / row[peer].run.seconds


def _num(v: Optional[float], fmt: str) -> str:
    return "—" if v is None else format(v, fmt)


def _pct(v: Optional[float]) -> str:
    return "—" if v is None else f"{100 * v:.2f}%"


def markdown(board: "Scoreboard") -> str:
    from vmjit.bench import workload

    lines = [
        f"vmjit bench ({board.mode}), {board.date}, on {board.machine}.",
        "",
        "| workload | size | runner | time (s) | guest MIPS | time / qemu | time / native |",
        "|---|---:|---|---:|---:|---:|---:|",
    ]
    for name, row in _by_workload(board).items():
        insns = guest_instructions(row)
        size = workload(name).size(board.mode)
        for r in row.values():
            lines.append(
                f"| {name} | {size} | {r.runner} | {r.run.seconds:.3f} | {_num(mips(r, insns), '.1f')} "
                f"| {_num(ratio(r, row, QEMU), '.2f')} | {_num(ratio(r, row, NATIVE), '.1f')} |"
            )
    lines += [
        "",
        "Time: best of the runs, wall clock, loading included (vmjit: `Machine.linux` + `run_sync` in",
        "process, so a launch costs no fork/exec; qemu-riscv64 and native: a child process per launch;",
        "unicorn: emulator set-up and run). Time / qemu and time / native: above 1 is slower than the peer.",
        "Every run's output matched the workload's recorded checksum. Guest MIPS: vmjit's instruction",
        "count over the time. unicorn runs a bare-metal build of the same integer kernel (no libc, no OS).",
    ]
    lines += [f"Not run: {m}." for m in board.missing]
    lines += ["", "Workloads (benches/guest/src):", ""]
    lines += [f"- {name}: {workload(name).what}" for name in _by_workload(board)]
    if board.internals is not None:
        lines += _internals(board)
    return "\n".join(lines) + "\n"


def _internals(board: "Scoreboard") -> List[str]:
    i = board.internals
    assert i is not None
    lines = [
        "",
        "| workload | blocks compiled | compile time / block (median, µs) | compile total (ms) "
        "| block-cache hit | jump-cache hit | TLB hit |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for row in i.rows:
        lines.append(
            f"| {row.workload} | {_num(row.blocks_compiled, 'd')} | {_num(row.compile_median_us, '.0f')} "
            f"| {_num(row.compile_total_ms, '.1f')} | {_pct(row.block_cache_hit)} "
            f"| {_pct(row.jump_cache_hit)} | {_pct(row.tlb_hit)} |"
        )
    lines += [
        "",
        "Compile figures from the `vmjit jit` run; hit rates from the `vmjit interp` run (compiled code",
        "probes the TLB inline and chains blocks without counting). Block-cache hit: lookups that found",
        "the block decoded already; jump-cache hit: lookups answered by the direct-mapped cache in front.",
        "",
        f"- `run_sync(0)` round trip: {i.run_sync_us:.1f} µs; `await run(0)` round trip: {i.await_us:.1f} µs",
        f"- {i.machines} machines awaited together: {i.many_machines_mips:.1f} guest MIPS; "
        f"one machine doing the same work: {i.one_machine_mips:.1f} MIPS",
        f"- host memory per idle (loaded, not run) machine: {i.idle_kib:.0f} KiB",
    ]
    return lines


def chart(board: "Scoreboard", path: Path) -> str:
    """Draw the time ratios to qemu-riscv64 and to native per workload into
    ``path``; returns what happened, for the user."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no chart (pip install 'vmjit[bench]')"
    table = _by_workload(board)
    names = list(table)
    runners = [r for r in dict.fromkeys(r.runner for r in board.results) if r not in (QEMU, NATIVE)] + [QEMU]
    fig, axes = plt.subplots(1, 2, figsize=(14, 5))
    for ax, peer in zip(axes, (QEMU, NATIVE)):
        width = 0.8 / len(runners)
        for k, runner in enumerate(runners):
            xs, ys = [], []
            for x, name in enumerate(names):
                r = table[name].get(runner)
                v = ratio(r, table[name], peer) if r is not None else None
                if v is not None:
                    xs.append(x + (k - (len(runners) - 1) / 2) * width)
                    ys.append(v)
            ax.bar(xs, ys, width, label=runner)
        ax.axhline(1.0, color="black", linewidth=0.8)
        ax.set_yscale("log")
        ax.set_xticks(range(len(names)))
        ax.set_xticklabels(names)
        ax.set_ylabel(f"wall time / {peer} (lower is faster)")
        ax.set_title(f"relative to {peer}")
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="lower center", ncol=len(runners))
    fig.suptitle(f"vmjit bench ({board.mode}), {board.date}")
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return f"chart written to {path}"
