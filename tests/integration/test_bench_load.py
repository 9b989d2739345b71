"""`kinerja bench load` on both targets: the printed figures agree with each other (never timing)."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from kinerja.cli import app

ROWS = 20_000


def _figures(output: str) -> dict[str, list[str]]:
    rows = {}
    for line in output.splitlines():
        cells = [c.strip() for c in line.split("│")[1:-1]]
        if len(cells) == 6 and cells[1] in ("raw bulk", "kinerja loader"):
            rows[cells[1]] = cells
    return rows


@pytest.mark.parametrize("target", ["duckdb", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_bench_prints_consistent_figures(target, kinerja_home, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(app, ["bench", "load", "--rows", str(ROWS), "--target", target])
    assert result.exit_code == 0, result.output
    figures = _figures(result.output)
    assert set(figures) == {"raw bulk", "kinerja loader"}, result.output
    rates = {}
    for method, (tgt, _, rows, seconds, rate, _) in figures.items():
        assert tgt == target
        assert int(rows.replace(",", "")) == ROWS
        rates[method] = float(rate.replace(",", ""))
        # rows/s is rows over seconds (seconds are printed to the millisecond).
        assert rates[method] == pytest.approx(ROWS / float(seconds), rel=0.05)
    printed_ratio = float(figures["kinerja loader"][5].rstrip("x"))
    assert printed_ratio == pytest.approx(
        rates["kinerja loader"] / rates["raw bulk"], abs=0.006, rel=0.01
    )
    assert figures["raw bulk"][5] == ""


def test_a_second_bench_in_the_same_home_loads_again(kinerja_home, monkeypatch):
    """Each run measures a real load, never the no-op of a batch already loaded by the last run."""
    monkeypatch.setenv("COLUMNS", "200")
    for _ in range(2):
        result = CliRunner().invoke(app, ["bench", "load", "--rows", "3000", "--target", "duckdb"])
        assert result.exit_code == 0, result.output
        assert _figures(result.output)["kinerja loader"][2] == "3,000"
