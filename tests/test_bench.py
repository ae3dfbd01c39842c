"""`vmjit bench` on its smallest setting: one workload, quick sizes. Checks
the shape of the table and that outputs are verified, never any speed."""

from __future__ import annotations

import sys

import pytest

from vmjit import bench, bench_internals, bench_report, cli

INTMIX = bench.workload("intmix")


def _tables(text: str) -> list:
    """Each Markdown table of ``text`` as a list of rows of cells, header
    first, without the rule under it."""
    tables, current = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            if not line.startswith("|---"):
                current.append([c.strip() for c in line.strip("|").split("|")])
        elif current:
            tables.append(current)
            current = []
    return tables


def test_quick_run_of_one_workload_writes_the_table(tmp_path, capsys):
    assert cli.main(["bench", "--quick", "--workload", "intmix", "--output", str(tmp_path)]) == 0
    text = (tmp_path / "bench.md").read_text()
    assert text == capsys.readouterr().out
    scores, internals = _tables(text)
    assert scores[0] == ["workload", "size", "runner", "time (s)", "guest MIPS", "time / qemu", "time / native"]
    found, _ = bench.runners(INTMIX)
    assert [r[2] for r in scores[1:]] == [r.name for r in found]
    for r in scores[1:]:
        assert r[:2] == ["intmix", str(INTMIX.quick)]
        assert float(r[3]) > 0
        if r[2].startswith("vmjit"):
            assert float(r[4]) > 0
    assert internals[0][:2] == ["workload", "blocks compiled"]
    assert [r[0] for r in internals[1:]] == ["intmix"]
    assert "round trip" in text and "idle" in text


def test_every_runner_checks_the_checksum(monkeypatch):
    """A run whose output differs from the recorded checksum is an error, so
    a broken engine cannot post a time."""
    monkeypatch.setattr(bench, "_expected_table", lambda: {"intmix": {str(INTMIX.quick): "intmix wrong\n"}})
    found, _ = bench.runners(INTMIX)
    for runner in found:
        with pytest.raises(bench.BenchError, match="expected"):
            runner.run(INTMIX, INTMIX.quick)


def test_stats_feed_the_engine_internals():
    board = bench.scoreboard("quick", ["intmix"], internals=False)
    rows = {r.workload: r for r in bench_internals.engine_rows(board)}
    row = rows["intmix"]
    assert row.blocks_compiled > 0 and row.compile_median_us > 0
    assert 0 < row.block_cache_hit <= 1 and 0 < row.tlb_hit <= 1


def test_chart_is_skipped_without_matplotlib(tmp_path, monkeypatch):
    board = bench.Scoreboard("quick", "test host", "today")
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    assert "matplotlib is not installed" in bench_report.chart(board, tmp_path / "x.png")
    assert not (tmp_path / "x.png").exists()
